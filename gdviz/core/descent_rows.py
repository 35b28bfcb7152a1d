"""A descent run handed out in chunks of StepRows, with no Step per point: what a worker takes."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from gdviz.core.descent import RunEnd, _end_of, _loop_of
from gdviz.core.descent_kernel import RUNNING
from gdviz.core.history import COLUMNS, StepRows
from gdviz.core.optimizers import Optimizer
from gdviz.core.surfaces import Surface

# A chunk of the loop is computed in about this long before the deadline is looked at again.
CHUNK_SECONDS = 0.001
MAX_CHUNK = 1 << 16


class DescentRows:
    """The run `descent.run(surface, start, optimizer, …)` would yield, taken as StepRows.

    `take(limit, deadline)` computes up to `limit` more points (None: no limit) until
    `deadline` (a `time.perf_counter()` value; None: none) and returns them; `end` is the
    run's RunEnd once it has ended (then `take` returns no rows). The rows are exactly the
    fields of the Steps `descent.run` yields. Arguments are checked here (ValueError).
    """

    def __init__(
        self,
        surface: Surface,
        start: tuple[float, float],
        optimizer: Optimizer,
        max_steps: int = 1000,
        tol: float = 1e-6,
        bound: float | None = None,
    ):
        self._surface = surface
        self._loop = _loop_of(surface, start, optimizer, max_steps, tol, bound)
        self._taken = 0  # points handed out so far: the k of the next one
        self._last: tuple[float, float] | None = None
        self._chunk = 1  # the start comes at once
        self._closed = False
        self.end: RunEnd | None = None

    @property
    def taken(self) -> int:
        """How many points have been handed out."""
        return self._taken

    def take(
        self,
        limit: int | None = None,
        deadline: float | None = None,
        stop_early: Callable[[], bool] | None = None,
    ) -> StepRows:
        """Up to `limit` more points, computed until `deadline` or until `stop_early()` says so
        (asked between chunks of about a millisecond); none once the run has ended."""
        loop = self._loop
        pieces: list[tuple[list[float], ...]] = []
        count = 0
        while self.end is None and not self._closed and (limit is None or count < limit):
            size = self._chunk if limit is None else min(self._chunk, limit - count)
            began = time.perf_counter()
            status = loop.advance(size)
            now = time.perf_counter()
            if status != RUNNING:
                self.end = _end_of(self._surface, loop)  # it reads the columns
            columns, loop.columns = loop.columns, tuple([] for _ in loop.columns)
            if columns[0]:
                pieces.append(columns)
                count += len(columns[0])
            if now - began < CHUNK_SECONDS / 2:
                self._chunk = min(2 * self._chunk, MAX_CHUNK)
            elif now - began > CHUNK_SECONDS:
                self._chunk = max(self._chunk // 2, 1)
            if (deadline is not None and now >= deadline) or (stop_early and stop_early()):
                break
        return self._rows(pieces, count)

    def close(self) -> None:
        """Stop the run (its caller cancelled it): later takes return nothing."""
        self._closed = True

    def _rows(self, pieces: list[tuple[list[float], ...]], count: int) -> StepRows:
        first_k = self._taken
        data = np.empty((count, len(COLUMNS)), dtype=np.float64)
        row = 0
        for columns in pieces:
            n = len(columns[0])
            block = data[row : row + n]
            for index in range(5):  # x, y, f, gx, gy
                block[:, index] = columns[index]
            if self._loop.has_velocity:
                block[:, 7], block[:, 8] = columns[5], columns[6]
            else:
                block[:, 7:9] = np.nan
            row += n
        if count:
            x, y = data[:, 0], data[:, 1]
            before_x, before_y = self._last if self._last is not None else (x[0], y[0])
            data[0, 5], data[0, 6] = x[0] - before_x, y[0] - before_y
            np.subtract(x[1:], x[:-1], out=data[1:, 5])
            np.subtract(y[1:], y[:-1], out=data[1:, 6])
            self._last = (float(x[-1]), float(y[-1]))
        self._taken += count
        return StepRows(first_k, data)
