"""Stochastic and mini-batch descent on a dataset's log loss: seeded shuffles, torch.optim state."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gdviz.core.descent import (
    RunEnd,
    bad_point_end,
    beyond_bound_end,
    checked_settings,
    checked_start,
    converged_end,
    max_steps_end,
)
from gdviz.core.descent_kernel import VALUE_LIMIT
from gdviz.core.logistic import Dataset, log_loss, log_loss_gradient
from gdviz.core.optimizers import Optimizer
from gdviz.core.progress import CancelFlag, Progress, check_in
from gdviz.core.run_settings import MiniBatchSettings, check_whole
from gdviz.core.surfaces import LogisticLossSurface, Surface

__all__ = ["MiniBatchRun", "MiniBatchSettings", "epoch_batches", "run_minibatch"]


@dataclass(frozen=True, eq=False)
class MiniBatchRun:
    """A mini-batch run of n updates.

    Points k = 0 … n (k = 0 is the start): x, y (w and b) and full_loss, L over every example.
    Update k (k = 0 … n − 1) moved point k to point k + 1 with the mini-batch gradient at point
    k: batch_indices[k, :batch_sizes[k]] are its examples (ascending; padded with −1 when the
    last batch of an epoch is short), batch_loss[k] their mean loss at point k, gx[k], gy[k]
    their gradient, epoch[k] the epoch it belongs to (from 0). `end` says why the run stopped,
    with descent's rules: diverged, left the domain, converged (|∇L| over every example < tol)
    or max steps.
    """

    x: np.ndarray
    y: np.ndarray
    full_loss: np.ndarray
    batch_loss: np.ndarray
    gx: np.ndarray
    gy: np.ndarray
    epoch: np.ndarray
    batch_indices: np.ndarray
    batch_sizes: np.ndarray
    end: RunEnd
    settings: MiniBatchSettings
    examples: int

    @property
    def iterations(self) -> int:
        """Updates made (n)."""
        return len(self.batch_loss)

    @property
    def batch_size(self) -> int:
        return self.settings.batch_size

    @property
    def batches_per_epoch(self) -> int:
        """ceil(m / B): the last batch of an epoch is short when B does not divide m."""
        return math.ceil(self.examples / self.batch_size)

    @property
    def points(self) -> np.ndarray:
        """The (n + 1, 2) array of points."""
        return np.column_stack((self.x, self.y))

    def indices(self, k: int) -> np.ndarray:
        """The example indices of update k's batch."""
        return self.batch_indices[k, : self.batch_sizes[k]]


def epoch_batches(m: int, batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """One epoch's batches: perm = rng.permutation(m), cut into consecutive slices of
    batch_size (the last is short when batch_size does not divide m); each slice sorted, so a
    batch is a set of examples and B = m gives the whole dataset in its own order."""
    perm = rng.permutation(m)
    return [np.sort(perm[i : i + batch_size]) for i in range(0, m, batch_size)]


def run_minibatch(
    surface: Surface,
    start: tuple[float, float],
    optimizer: Optimizer,
    settings: MiniBatchSettings,
    max_steps: int = 1000,
    tol: float = 1e-6,
    bound: float | None = None,
    progress: Progress | None = None,
    cancelled: CancelFlag | None = None,
) -> MiniBatchRun:
    """Descent on a dataset's log loss where each update sees one mini-batch's gradient.

    rng = np.random.default_rng(seed); each epoch draws perm = rng.permutation(m) and its
    batches are consecutive slices of perm of B examples, the last one short when B does not
    divide m (epoch_batches). The optimizer is torch.optim's: it is given the batch gradient,
    and its state (momentum buffer, Adam's moments and step count) carries across batches and
    epochs. The same seed gives the same path; B = m gives plain (full-batch) descent exactly.
    max_steps counts updates (iterations), not epochs. progress/cancelled as in progress.py.
    ValueError names a bad argument (a surface that is not a dataset's loss, B outside 1 … m).
    """
    if not isinstance(surface, LogisticLossSurface):
        raise ValueError(
            "mini-batches need a dataset's loss L(w, b) (a dataset or the lecture preset); "
            f"{surface.title} has no examples"
        )
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"optimizer must be an Optimizer, got {type(optimizer).__name__}")
    if not isinstance(settings, MiniBatchSettings):
        raise ValueError(f"settings must be MiniBatchSettings, got {type(settings).__name__}")
    dataset = surface.dataset
    m = len(dataset)
    check_whole("batch size", settings.batch_size, 1, m, f" (the dataset has m = {m} examples)")
    x0, y0 = checked_start(start)
    max_steps, tol, bound = checked_settings(surface, max_steps, tol, bound)
    with np.errstate(all="ignore"):
        return _run(surface, dataset, x0, y0, optimizer, settings, max_steps, tol, bound,
                    progress, cancelled)  # fmt: skip


def _run(
    surface: LogisticLossSurface,
    dataset: Dataset,
    x: float,
    y: float,
    optimizer: Optimizer,
    settings: MiniBatchSettings,
    max_steps: int,
    tol: float,
    bound: float,
    progress: Progress | None,
    cancelled: CancelFlag | None,
) -> MiniBatchRun:
    m, size, base = len(dataset), settings.batch_size, surface.log_base
    rng = np.random.default_rng(settings.seed)
    state = optimizer.initial_state()
    xs, ys, full = [], [], []
    batch_loss, gxs, gys, epochs, chosen = [], [], [], [], []
    batches: list[np.ndarray] = []
    subsets: dict[bytes, Dataset] = {}
    end: RunEnd | None = None
    for k in range(max_steps + 1):
        check_in(k, max_steps, progress, cancelled)
        if not (abs(x) <= bound and abs(y) <= bound):  # False for NaN
            end = beyond_bound_end(k, x, y, bound)
            break
        f = float(surface.value(x, y))
        fx, fy = (float(v) for v in surface.gradient(x, y))
        if not (abs(f) <= VALUE_LIMIT and fx - fx == 0.0 and fy - fy == 0.0):
            end = bad_point_end(surface, k, x, y, f, fx, fy)
            break
        xs.append(x)
        ys.append(y)
        full.append(f)
        norm = math.hypot(fx, fy)
        if norm < tol:
            end = converged_end(k, norm, tol)
            break
        if k == max_steps:
            end = max_steps_end(k)
            break
        if not batches:
            batches = epoch_batches(m, size, rng)[::-1]  # popped from the end
        indices = batches.pop()
        subset = _subset(dataset, indices, subsets)
        gx, gy = (float(v) for v in log_loss_gradient(subset, x, y, base))
        batch_loss.append(float(log_loss(subset, x, y, base)))
        gxs.append(gx)
        gys.append(gy)
        epochs.append(k // math.ceil(m / size))
        chosen.append(indices)
        x, y, state = optimizer.step_xy(x, y, gx, gy, state)
    if progress is not None:
        progress(1.0)
    assert end is not None
    n = len(xs) - 1  # an update that led to a bad point is not kept, as the point is not
    batch_loss, gxs, gys, epochs, chosen = (v[:n] for v in (batch_loss, gxs, gys, epochs, chosen))
    padded = np.full((len(chosen), size), -1, dtype=np.int64)
    for row, indices in enumerate(chosen):
        padded[row, : len(indices)] = indices
    sizes = np.array([len(i) for i in chosen], dtype=np.int64)
    return MiniBatchRun(
        np.array(xs), np.array(ys), np.array(full), np.array(batch_loss), np.array(gxs),
        np.array(gys), np.array(epochs, dtype=np.int64), padded, sizes, end, settings, m,
    )  # fmt: skip


def _subset(dataset: Dataset, indices: np.ndarray, cache: dict[bytes, Dataset]) -> Dataset:
    """The examples at `indices` as a Dataset (the whole dataset itself when they are all)."""
    if len(indices) == len(dataset):
        return dataset
    key = indices.tobytes()
    subset = cache.get(key)
    if subset is None:
        subset = Dataset(dataset.x[indices], dataset.y[indices])
        if len(cache) < 4096:
            cache[key] = subset
    return subset
