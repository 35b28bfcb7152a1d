"""A descent run's recorded steps as growing numpy columns, for drawing, plotting and scrubbing."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from gdviz.core.descent import RunEnd, Step

_COLUMNS = ("x", "y", "f", "gx", "gy", "dx", "dy", "vx", "vy")


class RunHistory:
    """Every Step of one run so far, stored column-wise; steps must arrive in order, k = 0, 1, …"""

    def __init__(self, capacity: int = 256):
        self._data = np.full((max(capacity, 1), len(_COLUMNS)), np.nan)
        self._count = 0
        self.end: RunEnd | None = None

    def __len__(self) -> int:
        return self._count

    def extend(self, steps: Iterable[Step]) -> int:
        """Append steps (k must continue the sequence); returns how many were added."""
        rows = [
            (*s.point, s.value, *s.gradient, *s.update, *(s.velocity or (np.nan, np.nan)))
            for s in self._checked(steps)
        ]
        if not rows:
            return 0
        needed = self._count + len(rows)
        if needed > len(self._data):
            grown = np.full((max(needed, 2 * len(self._data)), len(_COLUMNS)), np.nan)
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
        view = self._data[: self._count, _COLUMNS.index(name)]
        view = view.view()
        view.flags.writeable = False
        return view

    def step(self, k: int) -> Step:
        """The Step record k (negative k counts from the end)."""
        if k < 0:
            k += self._count
        if not 0 <= k < self._count:
            raise IndexError(f"step {k} not recorded (have {self._count})")
        x, y, f, gx, gy, dx, dy, vx, vy = (float(v) for v in self._data[k])
        velocity = None if np.isnan(vx) else (vx, vy)
        return Step(k, (x, y), f, (gx, gy), (dx, dy), velocity)

    @property
    def finished(self) -> bool:
        return self.end is not None
