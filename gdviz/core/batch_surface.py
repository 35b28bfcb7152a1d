"""One mini-batch's loss L_B(w, b) sampled on a grid: the faint surface beside the full loss."""

from __future__ import annotations

import numpy as np

from gdviz.core.logistic import Dataset, log_loss

GHOST_RESOLUTION = 60  # a faint outline: a coarse grid is enough, and cheap on the GUI thread


def batch_loss_grid(
    dataset: Dataset,
    indices: np.ndarray,
    xs: np.ndarray,
    ys: np.ndarray,
    log_base: float,
) -> np.ndarray:
    """L_B[i, j] = the mean loss of the examples `indices` at (xs[i], ys[j]) (indexing 'ij')."""
    indices = np.asarray(indices, dtype=np.int64)
    if indices.size == 0:
        raise ValueError("a batch needs at least one example")
    subset = Dataset(dataset.x[indices], dataset.y[indices])
    w, b = np.meshgrid(np.asarray(xs, float), np.asarray(ys, float), indexing="ij")
    return np.asarray(log_loss(subset, w, b, log_base), dtype=np.float64)


def ghost_axes(xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ghost's coarser grid over the same window as (xs, ys)."""
    return (
        np.linspace(float(xs[0]), float(xs[-1]), GHOST_RESOLUTION),
        np.linspace(float(ys[0]), float(ys[-1]), GHOST_RESOLUTION),
    )
