"""Descent loop: run_to_end (gd, 10,000 steps on Rosenbrock) against a plain Python loop."""

from __future__ import annotations

import sys

from bench.common import Figure, best_time
from gdviz.core.descent import run_to_end
from gdviz.core.optimizers import make_optimizer
from gdviz.core.surfaces import ExpressionSurface
from gdviz.core.window import Window

STEPS = 10_000
LEARNING_RATE = 1e-4  # small enough that gd neither converges nor diverges in 10,000 steps
START = (-1.5, 2.0)
ROSENBROCK = "(1 - x)^2 + 100*(y - x^2)^2"
BUDGET_S = 0.050


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


def measure(quick: bool = False) -> list[Figure]:
    """Steps per second of run_to_end and of the reference loop, measured in the same run."""
    surface = ExpressionSurface(ROSENBROCK, Window(-2.0, 2.0, -1.0, 3.0))
    optimizer = make_optimizer("gd", lr=LEARNING_RATE)
    steps, end = run_to_end(surface, START, optimizer, max_steps=STEPS)
    if end.steps != STEPS:
        raise RuntimeError(f"the benchmark run ended early: {end.message}")
    reference = reference_loop()
    drift = max(
        max(abs(a - b) for a, b in zip(s.point, r, strict=True))
        for s, r in zip(steps, reference, strict=True)
    )
    repeat = 1 if quick else 5
    ours = best_time(lambda: run_to_end(surface, START, optimizer, max_steps=STEPS), repeat=repeat)
    theirs = best_time(reference_loop, repeat=repeat)
    return [
        Figure(
            f"descent: gd, {STEPS:,} steps on Rosenbrock ({ours * 1000:.0f} ms; "
            f"max |Δpoint| vs loop {drift:.0e})",
            STEPS / ours,
            STEPS / theirs,
            "steps/s",
            f"{STEPS:,} steps ≤ {BUDGET_S * 1000:.0f} ms",
            higher_is_better=True,
        )
    ]


if __name__ == "__main__":
    from bench.__main__ import print_table

    print_table(measure(quick="--quick" in sys.argv))
