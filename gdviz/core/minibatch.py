"""Stochastic and mini-batch descent on a dataset's log loss: seeded shuffles, torch.optim state."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

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

__all__ = [
    "MiniBatchLoop",
    "MiniBatchPoint",
    "MiniBatchRun",
    "MiniBatchSettings",
    "check_batch_size",
    "checked_minibatch_run",
    "epoch_batches",
    "run_minibatch",
]


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
    loop = checked_minibatch_run(surface, start, optimizer, settings, max_steps, tol, bound)
    return _collect(loop, settings, len(loop.dataset), loop.max_steps, progress, cancelled)


@dataclass(frozen=True)
class MiniBatchPoint:
    """Point k of a mini-batch run: (x, y), the loss L over every example and its gradient,
    the momentum buffer after the update that led here (None for methods without one), and
    that update's batch (None at the start): its example indices (ascending), the batch's mean
    loss and gradient at point k − 1, and its epoch (from 0)."""

    k: int
    x: float
    y: float
    f: float
    fx: float
    fy: float
    velocity: tuple[float, float] | None
    indices: np.ndarray | None = None
    batch_loss: float = math.nan
    batch_gx: float = math.nan
    batch_gy: float = math.nan
    epoch: int = -1


class MiniBatchLoop:
    """Mini-batch descent one point at a time: what run_minibatch and the window's worker take.

    `next_point()` gives point k = 0, 1, … (a MiniBatchPoint) until the run ends, then None;
    `end` is the RunEnd from then on. Arguments must be checked already (run_minibatch,
    MiniBatchRows). The update that led to a point is handed out with it, so an update whose
    point turned out bad (diverged, off the domain) is never seen.
    """

    def __init__(
        self,
        surface: LogisticLossSurface,
        start: tuple[float, float],
        optimizer: Optimizer,
        settings: MiniBatchSettings,
        max_steps: int,
        tol: float,
        bound: float,
    ) -> None:
        self._surface, self._optimizer = surface, optimizer
        self._dataset = surface.dataset
        self._size = settings.batch_size
        self._per_epoch = math.ceil(len(self._dataset) / self._size)
        self._max_steps, self._tol, self._bound = max_steps, tol, bound
        self._rng = np.random.default_rng(settings.seed)
        self._state = optimizer.initial_state()
        self._x, self._y = start
        self._k = 0
        self._batches: list[np.ndarray] = []
        self._subsets: dict[bytes, Dataset] = {}
        self._led_here: tuple[np.ndarray, float, float, float, int] | None = None
        self.end: RunEnd | None = None

    @property
    def dataset(self) -> Dataset:
        """The examples the batches are drawn from."""
        return self._dataset

    @property
    def k(self) -> int:
        """The k of the next point."""
        return self._k

    @property
    def max_steps(self) -> int:
        return self._max_steps

    def next_point(self) -> MiniBatchPoint | None:
        if self.end is not None:
            return None
        surface, k, x, y = self._surface, self._k, self._x, self._y
        with np.errstate(all="ignore"):
            if not (abs(x) <= self._bound and abs(y) <= self._bound):  # False for NaN
                self.end = beyond_bound_end(k, x, y, self._bound)
                return None
            f = float(surface.value(x, y))
            fx, fy = (float(v) for v in surface.gradient(x, y))
            if not (abs(f) <= VALUE_LIMIT and fx - fx == 0.0 and fy - fy == 0.0):
                self.end = bad_point_end(surface, k, x, y, f, fx, fy)
                return None
            point = MiniBatchPoint(k, x, y, f, fx, fy, self._state.velocity)
            if self._led_here is not None:
                indices, loss, gx, gy, epoch = self._led_here
                point = replace(point, indices=indices, batch_loss=loss, batch_gx=gx,
                                batch_gy=gy, epoch=epoch)  # fmt: skip
            norm = math.hypot(fx, fy)
            if norm < self._tol:
                self.end = converged_end(k, norm, self._tol)
            elif k == self._max_steps:
                self.end = max_steps_end(k)
            else:
                self._update(k, x, y)
        self._k = k + 1
        return point

    def _update(self, k: int, x: float, y: float) -> None:
        """Update k: the next batch's gradient at (x, y), given to the optimizer."""
        if not self._batches:
            self._batches = epoch_batches(len(self._dataset), self._size, self._rng)[::-1]
        indices = self._batches.pop()  # popped from the end: the epoch's batches in order
        subset = _subset(self._dataset, indices, self._subsets)
        base = self._surface.log_base
        gx, gy = (float(v) for v in log_loss_gradient(subset, x, y, base))
        loss = float(log_loss(subset, x, y, base))
        self._led_here = (indices, loss, gx, gy, k // self._per_epoch)
        self._x, self._y, self._state = self._optimizer.step_xy(x, y, gx, gy, self._state)


def check_batch_size(batch_size: object, examples: int) -> int:
    """B as an int; ValueError unless a whole number from 1 to m (the message names m)."""
    note = f" (the dataset has m = {examples} examples)"
    return check_whole("batch size", batch_size, 1, examples, note)


def checked_minibatch_run(
    surface: Surface,
    start: tuple[float, float],
    optimizer: Optimizer,
    settings: MiniBatchSettings,
    max_steps: int = 1000,
    tol: float = 1e-6,
    bound: float | None = None,
) -> MiniBatchLoop:
    """A MiniBatchLoop after run_minibatch's checks (ValueError names a bad argument)."""
    if not isinstance(surface, LogisticLossSurface):
        raise ValueError(
            "mini-batches need a dataset's loss L(w, b) (a dataset or the lecture preset); "
            f"{surface.title} has no examples"
        )
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"optimizer must be an Optimizer, got {type(optimizer).__name__}")
    if not isinstance(settings, MiniBatchSettings):
        raise ValueError(f"settings must be MiniBatchSettings, got {type(settings).__name__}")
    check_batch_size(settings.batch_size, len(surface.dataset))
    x0, y0 = checked_start(start)
    max_steps, tol, bound = checked_settings(surface, max_steps, tol, bound)
    return MiniBatchLoop(surface, (x0, y0), optimizer, settings, max_steps, tol, bound)


def _collect(
    loop: MiniBatchLoop,
    settings: MiniBatchSettings,
    m: int,
    max_steps: int,
    progress: Progress | None,
    cancelled: CancelFlag | None,
) -> MiniBatchRun:
    points: list[MiniBatchPoint] = []
    while True:
        check_in(loop.k, max_steps, progress, cancelled)
        point = loop.next_point()
        if point is None:
            break
        points.append(point)
    if progress is not None:
        progress(1.0)
    assert loop.end is not None
    moved = points[1:]  # each carries the update (batch) that led to it
    size = settings.batch_size
    padded = np.full((len(moved), size), -1, dtype=np.int64)
    counts = np.zeros(len(moved), dtype=np.int64)
    for row, point in enumerate(moved):
        indices = point.indices
        assert indices is not None  # every point after the start came from a batch
        padded[row, : len(indices)] = indices
        counts[row] = len(indices)
    return MiniBatchRun(
        np.array([p.x for p in points]), np.array([p.y for p in points]),
        np.array([p.f for p in points]), np.array([p.batch_loss for p in moved]),
        np.array([p.batch_gx for p in moved]), np.array([p.batch_gy for p in moved]),
        np.array([p.epoch for p in moved], dtype=np.int64), padded,
        counts, loop.end, settings, m,
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
