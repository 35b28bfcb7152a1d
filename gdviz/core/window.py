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
