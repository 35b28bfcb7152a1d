"""What each frame of an exported animation shows: descent step, Δ, angle of u, camera azimuth."""

from __future__ import annotations

import math
from dataclasses import dataclass

ANIMATIONS = ("descent", "delta", "direction", "orbit")
DELTA_END = 1e-6  # "Δ → 0" animations end here: far enough to read the limit, before round-off
ORBIT_DEGREES = 360.0


@dataclass(frozen=True)
class FrameState:
    """Frame i of n: the step shown of each run, Δ, the angle of u (degrees), the azimuth."""

    index: int
    steps: tuple[int, ...]
    delta: float | None
    angle: float | None
    azimuth: float | None


@dataclass(frozen=True)
class AnimationPlan:
    """An animation: which kinds run together, over how many frames, from which start values."""

    kinds: tuple[str, ...]
    frames: int
    run_lengths: tuple[int, ...] = ()  # steps recorded per run (k = 0 … length − 1)
    delta_start: float = 0.2
    angle_start: float = 0.0
    azimuth_start: float = -60.0

    def __post_init__(self) -> None:
        unknown = [k for k in self.kinds if k not in ANIMATIONS]
        if unknown or not self.kinds:
            names = ", ".join(unknown) or "none"
            raise ValueError(
                f"animation must be one or more of {', '.join(ANIMATIONS)}; got {names}"
            )
        if isinstance(self.frames, bool) or not isinstance(self.frames, int) or self.frames < 1:
            raise ValueError(f"frames must be a whole number ≥ 1, got {self.frames!r}")
        if "descent" in self.kinds and not any(n > 0 for n in self.run_lengths):
            raise ValueError("a descent animation needs at least one run with recorded steps")
        if not (math.isfinite(self.delta_start) and self.delta_start > 0):
            raise ValueError("Δ must be a finite number > 0")

    def state(self, index: int) -> FrameState:
        """The state of frame index (0 … frames − 1): evenly spaced, first and last exact."""
        if not 0 <= index < self.frames:
            raise IndexError(f"frame {index} of {self.frames}")
        t = index / (self.frames - 1) if self.frames > 1 else 1.0
        steps = tuple(
            round(t * (n - 1)) if "descent" in self.kinds else n - 1 for n in self.run_lengths
        )
        delta = None
        if "delta" in self.kinds:
            end = min(DELTA_END, self.delta_start)
            delta = math.exp(
                math.log(self.delta_start) + t * (math.log(end) - math.log(self.delta_start))
            )
        angle = (self.angle_start + 360.0 * t) % 360.0 if "direction" in self.kinds else None
        azimuth = self.azimuth_start + ORBIT_DEGREES * t if "orbit" in self.kinds else None
        return FrameState(index, steps, delta, angle, azimuth)
