"""A descent run's recorded steps as growing numpy columns, for drawing, plotting and scrubbing."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from gdviz.core.descent import RunEnd, Step

COLUMNS = ("x", "y", "f", "gx", "gy", "dx", "dy", "vx", "vy")


def _step_of(k: int, row: np.ndarray) -> Step:
    x, y, f, gx, gy, dx, dy, vx, vy = (float(v) for v in row)
    velocity = None if np.isnan(vx) else (vx, vy)
    return Step(k, (x, y), f, (gx, gy), (dx, dy), velocity)


class StepRows(Sequence[Step]):
    """Steps first_k, first_k + 1, … as one array of the history's columns: what a worker
    thread builds from its Steps, so the GUI thread only copies rows into the history.
    Iterating it gives the Steps back."""

    def __init__(self, first_k: int, data: np.ndarray) -> None:
        self.first_k = int(first_k)
        self.data = data

    @classmethod
    def of(cls, steps: Sequence[Step]) -> StepRows:
        """The rows of consecutive steps (k must continue the sequence)."""
        first = steps[0].k if steps else 0
        for offset, step in enumerate(steps):
            if step.k != first + offset:
                raise ValueError(f"step k = {step.k} arrived, expected k = {first + offset}")
        nan2 = (np.nan, np.nan)
        data = np.array(
            [(*s.point, s.value, *s.gradient, *s.update, *(s.velocity or nan2)) for s in steps],
            dtype=np.float64,
        ).reshape(-1, len(COLUMNS))
        return cls(first, data)

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return _step_of(self.first_k + index, self.data[index])

    def __iter__(self) -> Iterator[Step]:
        for index, row in enumerate(self.data):
            yield _step_of(self.first_k + index, row)


class RunHistory:
    """Every Step of one run so far, stored column-wise; steps must arrive in order, k = 0, 1, …"""

    def __init__(self, capacity: int = 256):
        # np.empty: only rows below _count are read, and untouched pages take no memory
        self._data = np.empty((max(capacity, 1), len(COLUMNS)))
        self._count = 0
        self.end: RunEnd | None = None

    def __len__(self) -> int:
        return self._count

    def extend(self, steps: Iterable[Step] | StepRows) -> int:
        """Append steps (k must continue the sequence); returns how many were added."""
        if isinstance(steps, StepRows):
            if len(steps) and steps.first_k != self._count:
                raise ValueError(f"step k = {steps.first_k} arrived, expected k = {self._count}")
            return self._append(steps.data)
        rows = [
            (*s.point, s.value, *s.gradient, *s.update, *(s.velocity or (np.nan, np.nan)))
            for s in self._checked(steps)
        ]
        if not rows:
            return 0
        return self._append(np.array(rows, dtype=np.float64))

    def _append(self, rows: np.ndarray) -> int:
        needed = self._count + len(rows)
        if needed > len(self._data):
            # only rows below _count are ever read: no need to fill the new ones
            grown = np.empty((max(needed, 2 * len(self._data)), len(COLUMNS)))
            grown[: self._count] = self._data[: self._count]
            self._data = grown
        self._data[self._count : needed] = rows
        self._count = needed
        return len(rows)

    def _checked(self, steps: Iterable[Step]) -> Iterable[Step]:
        expected = self._count
        for step in steps:
            if step.k != expected:
                raise ValueError(f"step k = {step.k} arrived, expected k = {expected}")
            expected += 1
            yield step

    def column(self, name: str) -> np.ndarray:
        """A read-only view of one column over the steps so far: x, y, f, gx, gy, dx, dy, vx, vy."""
        view = self._data[: self._count, COLUMNS.index(name)]
        view = view.view()
        view.flags.writeable = False
        return view

    def step(self, k: int) -> Step:
        """The Step record k (negative k counts from the end)."""
        if k < 0:
            k += self._count
        if not 0 <= k < self._count:
            raise IndexError(f"step {k} not recorded (have {self._count})")
        return _step_of(k, self._data[k])

    @property
    def finished(self) -> bool:
        return self.end is not None
