"""A mini-batch run handed out in chunks of rows, as DescentRows hands out a full-batch one."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gdviz.core.descent import RunEnd
from gdviz.core.history import COLUMNS, StepRows
from gdviz.core.minibatch import MiniBatchPoint, MiniBatchSettings, checked_minibatch_run
from gdviz.core.optimizers import Optimizer
from gdviz.core.surfaces import Surface

DEADLINE_EVERY = 8  # points computed between two looks at the deadline (a point takes ~50 µs)


@dataclass(frozen=True, eq=False)
class BatchColumns:
    """The batches of consecutive points first_k, first_k + 1, …: row i is the update that led
    to point first_k + i (at k = 0, the start, there is none: epoch −1, NaN numbers, no
    examples). indices[i, :sizes[i]] are its examples (0-based, ascending; −1 pads)."""

    first_k: int
    epoch: np.ndarray  # int64, from 0
    loss: np.ndarray  # the batch's mean loss at point k − 1
    gx: np.ndarray  # the batch's gradient at point k − 1
    gy: np.ndarray
    indices: np.ndarray  # (n, batch size) int64
    sizes: np.ndarray  # int64

    def __len__(self) -> int:
        return len(self.epoch)


class BatchedStepRows(StepRows):
    """StepRows of a mini-batch run, with the batch that led to each point (`batches`)."""

    def __init__(self, first_k: int, data: np.ndarray, batches: BatchColumns) -> None:
        super().__init__(first_k, data)
        self.batches = batches


class MiniBatchRows:
    """`run_minibatch`'s run taken in chunks, with DescentRows' interface (the worker's).

    `take(limit, deadline, stop_early)` computes up to `limit` more points and returns them as
    BatchedStepRows: the history's columns (x, y, the loss over every example, its gradient,
    the update, the momentum buffer) and each point's batch. `end` is the RunEnd once the run
    has ended. The points are run_minibatch's exactly (the same loop). Arguments are checked
    here (ValueError names the bad one, e.g. a batch size above m).
    """

    def __init__(
        self,
        surface: Surface,
        start: tuple[float, float],
        optimizer: Optimizer,
        settings: MiniBatchSettings,
        max_steps: int = 1000,
        tol: float = 1e-6,
        bound: float | None = None,
    ):
        self._loop = checked_minibatch_run(
            surface, start, optimizer, settings, max_steps, tol, bound
        )
        self.batch_size = settings.batch_size
        self._last: tuple[float, float] | None = None
        self._closed = False

    @property
    def examples(self) -> int:
        """How many examples the batches are drawn from."""
        return len(self._loop.dataset)

    @property
    def taken(self) -> int:
        """How many points have been handed out."""
        return self._loop.k

    @property
    def end(self) -> RunEnd | None:
        return self._loop.end

    def take(
        self,
        limit: int | None = None,
        deadline: float | None = None,
        stop_early: Callable[[], bool] | None = None,
    ) -> BatchedStepRows:
        """Up to `limit` more points, until `deadline` (a perf_counter value) or `stop_early()`."""
        points: list[MiniBatchPoint] = []
        while not self._closed and (limit is None or len(points) < limit):
            point = self._loop.next_point()
            if point is None:
                break
            points.append(point)
            if len(points) % DEADLINE_EVERY == 0 and (
                (deadline is not None and time.perf_counter() >= deadline)
                or (stop_early is not None and stop_early())
            ):
                break
        return self._rows(points)

    def close(self) -> None:
        """Stop the run (its caller cancelled it): later takes return nothing."""
        self._closed = True

    def _rows(self, points: list[MiniBatchPoint]) -> BatchedStepRows:
        n = len(points)
        first_k = points[0].k if points else self._loop.k
        data = np.full((n, len(COLUMNS)), np.nan)
        epoch = np.full(n, -1, dtype=np.int64)
        indices = np.full((n, self.batch_size), -1, dtype=np.int64)
        sizes = np.zeros(n, dtype=np.int64)
        for i, p in enumerate(points):
            before = self._last if self._last is not None else (p.x, p.y)
            velocity = p.velocity if p.velocity is not None else (np.nan, np.nan)
            data[i] = (p.x, p.y, p.f, p.fx, p.fy, p.x - before[0], p.y - before[1], *velocity)
            self._last = (p.x, p.y)
            if p.indices is not None:
                epoch[i] = p.epoch
                indices[i, : len(p.indices)] = p.indices
                sizes[i] = len(p.indices)
        batches = BatchColumns(
            first_k, epoch,
            np.array([p.batch_loss for p in points], dtype=np.float64),
            np.array([p.batch_gx for p in points], dtype=np.float64),
            np.array([p.batch_gy for p in points], dtype=np.float64),
            indices, sizes,
        )  # fmt: skip
        return BatchedStepRows(first_k, data, batches)
