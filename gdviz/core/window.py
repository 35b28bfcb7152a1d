"""The rectangle of the (x, y) plane a surface is viewed and sampled over."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Window:
    """An axis-aligned view window [x_min, x_max] × [y_min, y_max]."""

    x_min: float
    x_max: float
    y_min: float
    y_max: float

    def __post_init__(self) -> None:
        values = (self.x_min, self.x_max, self.y_min, self.y_max)
        if not all(math.isfinite(v) for v in values):
            raise ValueError("window bounds must be finite numbers")
        if not (self.x_min < self.x_max):
            raise ValueError(
                f"window: x_min ({self.x_min:g}) must be less than x_max ({self.x_max:g})"
            )
        if not (self.y_min < self.y_max):
            raise ValueError(
                f"window: y_min ({self.y_min:g}) must be less than y_max ({self.y_max:g})"
            )
        if not (math.isfinite(self.x_max - self.x_min) and math.isfinite(self.y_max - self.y_min)):
            raise ValueError(
                f"window: [{self.x_min:g}, {self.x_max:g}] × [{self.y_min:g}, {self.y_max:g}] is "
                "too wide to sample (its width is beyond the largest float)"
            )

    @property
    def width(self) -> float:
        return self.x_max - self.x_min

    @property
    def height(self) -> float:
        return self.y_max - self.y_min

    @property
    def center(self) -> tuple[float, float]:
        return ((self.x_min + self.x_max) / 2, (self.y_min + self.y_max) / 2)

    def contains(self, x: float, y: float) -> bool:
        return self.x_min <= x <= self.x_max and self.y_min <= y <= self.y_max

    def as_tuple(self) -> tuple[float, float, float, float]:
        return (self.x_min, self.x_max, self.y_min, self.y_max)


FINITE_CHECK_SAMPLES = 41  # per side: a coarse look that finds any sizeable domain


def check_finite_somewhere(surface, window: Window) -> None:
    """ValueError unless the surface has a finite value somewhere in the window (a function
    like sqrt(-1 - x^2) has none: nothing could be drawn or run)."""
    import numpy as np

    xs = np.linspace(window.x_min, window.x_max, FINITE_CHECK_SAMPLES)
    ys = np.linspace(window.y_min, window.y_max, FINITE_CHECK_SAMPLES)
    with np.errstate(all="ignore"):
        values = np.asarray(surface.grid(xs, ys), dtype=np.float64)
    if not np.isfinite(values).any():
        raise ValueError(
            f"{surface.title[:80]} has no finite value anywhere in x ∈ [{window.x_min:g}, "
            f"{window.x_max:g}], y ∈ [{window.y_min:g}, {window.y_max:g}]: nothing to draw"
        )
