"""Learning-rate sweep and many starts, run together, against the scalar runner run by run."""

from __future__ import annotations

import sys
import time

import numpy as np

from bench.common import Figure, best_time
from gdviz.core.descent import run_path
from gdviz.core.optimizers import make_optimizer
from gdviz.core.presets import get_preset
from gdviz.core.scatter import grid_starts, run_starts
from gdviz.core.sweep import SweepSettings, run_sweep

BUDGET_S = 1.0
STEPS = 1_000
SWEEP_RATES = 60  # 1e-4 … 10, plus the runs that narrow the stability edge
STARTS = 400
STARTS_LR = 0.01  # Himmelblau's preset rate: no run diverges
STARTS_TOL = 0.0  # no run converges early: every one makes its 1,000 steps, the most work


def measure_sweep(quick: bool = False) -> Figure:
    """A 60-rate GD sweep on the lecture loss (m = 8) against run_path on every rate it ran."""
    preset = get_preset("lecture-logistic")
    surface, optimizer = preset.surface(), make_optimizer("gd")
    settings = SweepSettings(count=SWEEP_RATES, max_steps=STEPS)
    sweep = run_sweep(surface, preset.start, optimizer, settings)
    ours = best_time(lambda: run_sweep(surface, preset.start, optimizer, settings),
                     repeat=1 if quick else 3)  # fmt: skip
    rates = np.concatenate((sweep.learning_rates, sweep.edge_rates))
    sample = range(0, len(rates), 10 if quick else 1)  # --quick: every 10th rate, scaled up
    started = time.perf_counter()
    worst = 0.0
    for i in sample:
        rate = rates[i]
        path, end = run_path(surface, preset.start, make_optimizer("gd", lr=float(rate)), STEPS)
        if i < len(sweep):
            if end != sweep.ends[i] or len(path) != sweep.runs.lengths[i]:
                raise RuntimeError(
                    f"rate {rate:g}: the sweep ended {sweep.ends[i]}, run_path {end}"
                )
            worst = max(worst, float(np.max(np.abs(path.points - sweep.runs.points(i)))))
    theirs = (time.perf_counter() - started) * len(rates) / len(sample)
    return Figure(
        f"learning-rate sweep, {len(rates)} rates ({SWEEP_RATES} + {len(sweep.edge_rates)} at "
        f"the edge) × {STEPS:,} GD steps, lecture loss m = 8 (vs run_path rate by rate; "
        f"max |Δpoint| {worst:.0e})",
        ours,
        theirs,
        "s",
        f"≤ {BUDGET_S:g} s, ends equal to the scalar runner",
    )


def measure_starts(quick: bool = False) -> Figure:
    """400 starts × 1,000 GD steps on Himmelblau against run_path start by start."""
    preset = get_preset("himmelblau")
    surface, optimizer = preset.surface(), make_optimizer("gd", lr=STARTS_LR)
    starts = grid_starts(preset.window, STARTS)
    scatter = run_starts(surface, starts, optimizer, STEPS, STARTS_TOL)
    if len(scatter.minima) != 4:
        raise RuntimeError(f"Himmelblau: {len(scatter.minima)} minima found, not 4")
    ours = best_time(lambda: run_starts(surface, starts, optimizer, STEPS, STARTS_TOL),
                     repeat=1 if quick else 3)  # fmt: skip
    started = time.perf_counter()
    worst = 0.0
    for i, start in enumerate(starts):
        path, end = run_path(surface, tuple(start), optimizer, STEPS, STARTS_TOL)
        if end != scatter.runs.ends[i]:
            raise RuntimeError(f"start {i}: the batch ended {scatter.runs.ends[i]}, run_path {end}")
        worst = max(worst, float(np.max(np.abs(path.points - scatter.runs.points(i)))))
    theirs = time.perf_counter() - started
    return Figure(
        f"many starts, {STARTS} × {STEPS:,} GD steps on Himmelblau, 4 minima found (vs run_path "
        f"start by start; max |Δpoint| {worst:.0e})",
        ours,
        theirs,
        "s",
        f"≤ {BUDGET_S:g} s, paths equal to the scalar runner",
    )


def measure(quick: bool = False) -> list[Figure]:
    """The sweep and the many starts, each beside the scalar runner from the same run."""
    return [measure_sweep(quick), measure_starts(quick)]


if __name__ == "__main__":
    from bench.__main__ import print_table

    print_table(measure(quick="--quick" in sys.argv))
