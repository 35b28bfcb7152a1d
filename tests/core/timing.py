"""Timing a call by its own cost: the best of a few runs, so a busy machine does not fail a test."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable


def fastest_seconds(fn: Callable[[], object], tries: int = 3, good_enough: float = 0.0) -> float:
    """The shortest wall time of up to `tries` calls of fn (stops early once under good_enough).

    fn's exceptions are swallowed: the caller checks the outcome separately.
    """
    best = float("inf")
    for _ in range(tries):
        start = time.perf_counter()
        with contextlib.suppress(Exception):  # only the time matters here
            fn()
        best = min(best, time.perf_counter() - start)
        if best < good_enough:
            break
    return best
