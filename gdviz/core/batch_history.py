"""The batches of a mini-batch run as growing columns, beside its RunHistory (row k: point k)."""

from __future__ import annotations

import math

import numpy as np

from gdviz.core.minibatch_rows import BatchColumns

# Example indices kept at most (int32): a run of 1,000,000 iterations of the lecture's 8.
MAX_KEPT_INDICES = 1 << 23


class BatchHistory:
    """Row k is the update that led to point k of the run (row 0, the start, has none).

    Rows must arrive in order (BatchColumns from MiniBatchRows). The examples of each batch
    are kept while the run's batches hold at most MAX_KEPT_INDICES indices in all; past that
    `indices(k)` is None (the epoch and the numbers are always kept).
    """

    def __init__(self, batch_size: int, examples: int, capacity: int = 256) -> None:
        self.batch_size = int(batch_size)
        self.examples = int(examples)
        self._numbers = np.empty((max(capacity, 1), 4))  # epoch, loss, gx, gy
        self._count = 0
        self._kept_rows = max(MAX_KEPT_INDICES // self.batch_size, 1)
        self._indices = np.empty((min(max(capacity, 1), self._kept_rows), self.batch_size),
                                 dtype=np.int32)  # fmt: skip
        self._sizes = np.zeros(len(self._indices), dtype=np.int32)

    def __len__(self) -> int:
        return self._count

    @property
    def batches_per_epoch(self) -> int:
        """ceil(m / B): the last batch of an epoch is short when B does not divide m."""
        return math.ceil(self.examples / self.batch_size)

    def extend(self, rows: BatchColumns) -> None:
        if len(rows) and rows.first_k != self._count:
            raise ValueError(f"batch of step {rows.first_k} arrived, expected {self._count}")
        n = len(rows)
        needed = self._count + n
        if needed > len(self._numbers):
            grown = np.empty((max(needed, 2 * len(self._numbers)), 4))
            grown[: self._count] = self._numbers[: self._count]
            self._numbers = grown
        block = self._numbers[self._count : needed]
        block[:, 0], block[:, 1], block[:, 2], block[:, 3] = (
            rows.epoch, rows.loss, rows.gx, rows.gy
        )  # fmt: skip
        kept = min(needed, self._kept_rows) - self._count
        if kept > 0:
            self._grow_indices(self._count + kept)
            self._indices[self._count : self._count + kept] = rows.indices[:kept]
            self._sizes[self._count : self._count + kept] = rows.sizes[:kept]
        self._count = needed

    def _grow_indices(self, needed: int) -> None:
        if needed <= len(self._indices):
            return
        size = min(max(needed, 2 * len(self._indices)), self._kept_rows)
        grown = np.empty((size, self.batch_size), dtype=np.int32)
        grown[: self._count] = self._indices[: self._count]
        sizes = np.zeros(size, dtype=np.int32)
        sizes[: self._count] = self._sizes[: self._count]
        self._indices, self._sizes = grown, sizes

    def _row(self, k: int) -> int:
        if k < 0:
            k += self._count
        if not 0 <= k < self._count:
            raise IndexError(f"batch of step {k} not recorded (have {self._count})")
        return k

    def indices(self, k: int) -> np.ndarray | None:
        """The 0-based examples of the batch that led to point k (empty at the start; None
        when no longer kept)."""
        k = self._row(k)
        if k >= self._kept_rows:
            return None
        return self._indices[k, : self._sizes[k]].astype(np.int64)

    def epoch(self, k: int) -> int:
        """The epoch (from 0) of the update that led to point k; −1 at the start."""
        return int(self._numbers[self._row(k), 0])

    def loss(self, k: int) -> float:
        """The batch's mean loss at point k − 1 (NaN at the start)."""
        return float(self._numbers[self._row(k), 1])

    def gradient(self, k: int) -> tuple[float, float]:
        """The batch's gradient at point k − 1: what the optimizer was given (NaN at the start)."""
        row = self._numbers[self._row(k)]
        return float(row[2]), float(row[3])

    def loss_column(self) -> np.ndarray:
        """Every row's batch loss (a read-only view; NaN at row 0)."""
        view = self._numbers[: self._count, 1].view()
        view.flags.writeable = False
        return view
