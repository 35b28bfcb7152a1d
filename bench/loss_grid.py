"""Log-loss grid: log_loss_grid at 200×200 over m = 1,000 examples against the naive broadcast."""

from __future__ import annotations

import sys

import numpy as np

from bench.common import Figure, best_time
from gdviz.core.logistic import Dataset, log_loss_grid

M = 1_000
RESOLUTION = 200
SEED = 20240611


def synthetic_dataset(m: int = M, seed: int = SEED) -> Dataset:
    """m examples with continuous x (no repeats to merge) and noisy logistic labels."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 2.0, m)
    y = (rng.random(m) < 1.0 / (1.0 + np.exp(-(1.5 * x - 0.5)))).astype(float)
    return Dataset(x, y)


def naive_loss_grid(dataset: Dataset, ws: np.ndarray, bs: np.ndarray) -> np.ndarray:
    """The baseline: the whole (w, b, example) array in float64 at once."""
    x, y = dataset.x, dataset.y
    z = ws[:, None, None] * x + bs[None, :, None]
    return np.mean(np.logaddexp(0, z) - y * z, axis=-1)


def measure(quick: bool = False) -> list[Figure]:
    """log_loss_grid against the naive broadcast, and its worst relative error against it."""
    dataset = synthetic_dataset()
    ws = np.linspace(-3.0, 3.0, RESOLUTION)
    bs = np.linspace(-3.0, 3.0, RESOLUTION)
    reference = naive_loss_grid(dataset, ws, bs)
    relative_error = float(np.max(np.abs(log_loss_grid(dataset, ws, bs) - reference) / reference))
    repeat = 1 if quick else 5
    ours = best_time(lambda: log_loss_grid(dataset, ws, bs), repeat=repeat)
    theirs = best_time(lambda: naive_loss_grid(dataset, ws, bs), repeat=min(repeat, 3))
    return [
        Figure(
            f"log-loss grid {RESOLUTION}², m = {M:,} (max rel. error {relative_error:.1e})",
            ours,
            theirs,
            "s",
            "≥ 10×",
        )
    ]


if __name__ == "__main__":
    from bench.__main__ import print_table

    print_table(measure(quick="--quick" in sys.argv))
