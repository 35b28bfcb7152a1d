"""Descent core and batch runner: GD on Rosenbrock against a plain loop and the scalar runner."""

from __future__ import annotations

import sys
import time

import numpy as np

from bench.common import Figure, best_time
from gdviz.core.batch import run_batch
from gdviz.core.descent import run_path
from gdviz.core.optimizers import make_optimizer
from gdviz.core.surfaces import ExpressionSurface
from gdviz.core.window import Window

STEPS = 10_000
LEARNING_RATE = 1e-4  # small enough that gd neither converges nor diverges in 10,000 steps
START = (-1.5, 2.0)
ROSENBROCK = "(1 - x)^2 + 100*(y - x^2)^2"
CORE_GOAL = 3.0  # the core may take this many times the plain loop's time

BATCH_RUNS = 1_000
BATCH_STEPS = 1_000
# A sweep from 1e-5 to 2e-3: every run makes its 1,000 steps (none stops early), the most work.
BATCH_RATES = np.geomspace(1e-5, 2e-3, BATCH_RUNS)
BATCH_BUDGET_S = 1.0
SCALAR_SAMPLE = 100  # the scalar runner does every 10th run; its time is scaled up to 1,000


def reference_loop(steps: int = STEPS, lr: float = LEARNING_RATE) -> list[tuple[float, float]]:
    """The baseline: Rosenbrock and its hand-written gradient in plain floats, p −= lr·g."""
    x, y = START
    path = [(x, y)]
    for _ in range(steps):
        r = y - x * x
        _value = (1.0 - x) ** 2 + 100.0 * r * r
        gx = -2.0 * (1.0 - x) - 400.0 * x * r
        gy = 200.0 * r
        x, y = x - lr * gx, y - lr * gy
        path.append((x, y))
    return path


def _surface() -> ExpressionSurface:
    return ExpressionSurface(ROSENBROCK, Window(-2.0, 2.0, -1.0, 3.0))


def measure_core(quick: bool = False) -> Figure:
    """run_path (columns, no Step records) against the plain loop, measured in the same run."""
    surface = _surface()
    optimizer = make_optimizer("gd", lr=LEARNING_RATE)
    path, end = run_path(surface, START, optimizer, max_steps=STEPS)
    if end.steps != STEPS:
        raise RuntimeError(f"the benchmark run ended early: {end.message}")
    drift = float(np.max(np.abs(path.points - np.array(reference_loop()))))
    repeat = 1 if quick else 7
    ours = best_time(lambda: run_path(surface, START, optimizer, max_steps=STEPS), repeat=repeat)
    theirs = best_time(reference_loop, repeat=repeat)
    return Figure(
        f"descent core, {STEPS:,} GD steps on Rosenbrock (vs the plain loop; "
        f"{ours / theirs:.1f}× its time, max |Δpoint| {drift:.0e})",
        ours,
        theirs,
        "s",
        f"≤ {CORE_GOAL:g}× the plain loop",
    )


def measure_batch(quick: bool = False) -> Figure:
    """run_batch of 1,000 rates against the scalar runner on every 10th rate (scaled ×10)."""
    surface = _surface()
    optimizer = make_optimizer("gd")
    started = time.perf_counter()
    batch = run_batch(surface, START, optimizer, BATCH_RATES, max_steps=BATCH_STEPS)
    ours = time.perf_counter() - started
    if not quick:
        ours = min(ours, best_time(lambda: run_batch(
            surface, START, optimizer, BATCH_RATES, max_steps=BATCH_STEPS), repeat=2))  # fmt: skip
    sample = range(0, BATCH_RUNS, BATCH_RUNS // (10 if quick else SCALAR_SAMPLE))
    started = time.perf_counter()
    worst = 0.0
    for i in sample:
        rate = make_optimizer("gd", lr=float(BATCH_RATES[i]))
        path, end = run_path(surface, START, rate, max_steps=BATCH_STEPS)
        if end != batch.ends[i] or len(path) != batch.lengths[i]:
            raise RuntimeError(f"run {i}: the batch ended {batch.ends[i]}, the scalar runner {end}")
        worst = max(worst, float(np.max(np.abs(path.points - batch.points(i)))))
    theirs = (time.perf_counter() - started) * BATCH_RUNS / len(sample)
    return Figure(
        f"batch runner, {BATCH_RUNS:,} × {BATCH_STEPS:,} GD steps on Rosenbrock (baseline: the "
        f"scalar runner on {len(sample)} runs × {BATCH_RUNS // len(sample)}; "
        f"max |Δpoint| {worst:.0e})",
        ours,
        theirs,
        "s",
        f"≤ {BATCH_BUDGET_S:g} s, paths equal to the scalar runner",
    )


def measure(quick: bool = False) -> list[Figure]:
    """The descent core and the batch runner, each beside its baseline from the same run."""
    return [measure_core(quick), measure_batch(quick)]


if __name__ == "__main__":
    from bench.__main__ import print_table

    print_table(measure(quick="--quick" in sys.argv))
