"""One measured figure and the timing helper every benchmark uses."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    """A benchmark result: gdviz's number beside the baseline's, measured in the same run."""

    name: str
    gdviz: float
    baseline: float
    unit: str  # "s" or "MB" (lower is better), or "steps/s" (higher is better)
    goal: str
    higher_is_better: bool = False

    @property
    def ratio(self) -> float:
        """How many times better gdviz is than the baseline."""
        if self.higher_is_better:
            return self.gdviz / self.baseline
        return self.baseline / self.gdviz


def best_time(fn: Callable[[], object], repeat: int = 5, number: int = 1) -> float:
    """The fastest of `repeat` timings of `number` calls of fn, in seconds per call."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def in_turn(runs: Sequence[Callable[[], float]], rounds: int) -> list[list[float]]:
    """Each run's `rounds` results (seconds it reports), the runs taking turns round by round, so
    a machine that slows down for a while slows every side alike; in runs' order."""
    results: list[list[float]] = [[] for _ in runs]
    for _ in range(rounds):
        for k, run in enumerate(runs):
            results[k].append(run())
    return results


def _timed(fn: Callable[[], object]) -> Callable[[], float]:
    def run() -> float:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start

    return run


def paired_best_times(fns: Sequence[Callable[[], object]], rounds: int) -> list[float]:
    """The fastest of `rounds` timings of each fn, timed in turn (in_turn); seconds per call."""
    return [min(times) for times in in_turn([_timed(fn) for fn in fns], rounds)]
