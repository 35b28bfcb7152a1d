"""What each frame of an exported animation shows: descent step, Δ, angle of u, camera azimuth."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

ANIMATIONS = ("descent", "delta", "direction", "orbit", "starts")
# Animations that go somewhere (and so end on a frame worth holding); the others are loops.
ANIMATIONS_WITH_AN_END = ("descent", "delta", "starts")
DELTA_END = 1e-6  # "Δ → 0" animations end here: far enough to read the limit, before round-off
ORBIT_DEGREES = 360.0
HOLD_SECONDS = 1.0  # a video that goes somewhere stays this long on its last frame


@dataclass(frozen=True)
class Timing:
    """How a descent is spread over the frames: key (CLI, scenes), title (dialog), help."""

    key: str
    title: str
    help: str


TIMINGS: tuple[Timing, ...] = (
    Timing("distance", "Equal path length per frame",
           "the marker moves the same distance on the surface in every frame"),
    Timing("loss", "Equal fall of log-loss per frame",
           "every frame lowers log f by the same amount (f shifted above 0 if it goes negative)"),
    Timing("steps", "Equal number of steps per frame",
           "every frame advances the same number of iterations"),
)  # fmt: skip
TIMING_KEYS: tuple[str, ...] = tuple(t.key for t in TIMINGS)
DEFAULT_TIMING = "distance"


@dataclass(frozen=True)
class RunTrace:
    """The recorded steps of one run: x, y and the value, k = 0 … len − 1."""

    xs: np.ndarray
    ys: np.ndarray
    values: np.ndarray


def hold_frames(kinds: Sequence[str], fps: float) -> int:
    """Frames that repeat the last one so it stays HOLD_SECONDS on screen (0 for a loop)."""
    if not any(kind in ANIMATIONS_WITH_AN_END for kind in kinds):
        return 0
    return max(1, round(HOLD_SECONDS * fps))


def descent_progress(
    timing: str, runs: Sequence[RunTrace], scale: tuple[float, float] = (1.0, 1.0)
) -> tuple[float, ...]:
    """For each step k (up to the longest run), the share of the animation done when step k
    shows: 0 at k = 0, 1 at the last step, never decreasing.

    steps: k / (K − 1). distance: the path length walked so far, with x and y divided by
    `scale` (the window's width and height, so both axes count alike). loss: the fall of
    log f so far (log of f − min + 1% of the range where f reaches 0 or below). With several
    runs, each run's share is averaged, so the runs stay on the same k in every frame.
    """
    if timing not in TIMING_KEYS:
        raise ValueError(f"timing must be one of {', '.join(TIMING_KEYS)}, got {timing!r}")
    longest = max((len(r.xs) for r in runs), default=0)
    if longest == 0:
        return ()
    if longest == 1:
        return (1.0,)
    shares = [_run_share(timing, run, scale, longest) for run in runs if len(run.xs)]
    progress = np.mean(shares, axis=0)
    progress = np.maximum.accumulate(np.clip(progress, 0.0, 1.0))
    progress[0], progress[-1] = 0.0, 1.0
    return tuple(float(p) for p in progress)


def _run_share(timing: str, run: RunTrace, scale: tuple[float, float], longest: int):
    n = len(run.xs)
    linear = np.minimum(np.arange(longest) / max(n - 1, 1), 1.0)
    if timing == "steps" or n < 2:
        return linear
    if timing == "distance":
        dx = np.diff(np.asarray(run.xs, dtype=np.float64)) / scale[0]
        dy = np.diff(np.asarray(run.ys, dtype=np.float64)) / scale[1]
        moves = np.hypot(dx, dy)
    else:
        moves = np.abs(np.diff(_log_loss(np.asarray(run.values, dtype=np.float64))))
    moves = np.where(np.isfinite(moves), moves, 0.0)
    walked = np.r_[0.0, np.cumsum(moves)]
    if walked[-1] <= 0.0:
        return linear
    share = np.ones(longest)
    share[:n] = walked / walked[-1]
    return share


def _log_loss(values: np.ndarray) -> np.ndarray:
    finite = values[np.isfinite(values)]
    if len(finite) == 0:
        return np.zeros_like(values)
    low, high = float(finite.min()), float(finite.max())
    if low > 0.0:
        return np.log(values)
    return np.log(values - low + max(0.01 * (high - low), 1e-300))


@dataclass(frozen=True)
class FrameState:
    """Frame i of n: the step reached by each run, Δ, the angle of u (degrees), the azimuth,
    and where each run's head is drawn (positions: 2.5 is halfway from step 2 to step 3)."""

    index: int
    steps: tuple[int, ...]
    delta: float | None
    angle: float | None
    azimuth: float | None
    positions: tuple[float, ...] = ()
    starts_head: float | None = None  # the many starts' step shown ("starts" animations)


@dataclass(frozen=True)
class AnimationPlan:
    """An animation: which kinds run together, over how many frames, from which start values.

    `frames` frames move; `hold` more repeat the last one. `progress` (from descent_progress)
    says how the steps are spread over the frames; empty means evenly, each run over its own
    length.
    """

    kinds: tuple[str, ...]
    frames: int
    run_lengths: tuple[int, ...] = ()  # steps recorded per run (k = 0 … length − 1)
    delta_start: float = 0.2
    angle_start: float = 0.0
    azimuth_start: float = -60.0
    progress: tuple[float, ...] = ()
    hold: int = 0
    starts_length: int = 0  # steps of the longest of the many starts' paths (+1)
    starts_progress: tuple[float, ...] = ()  # as `progress`, for the many starts

    def __post_init__(self) -> None:
        unknown = [k for k in self.kinds if k not in ANIMATIONS]
        if unknown or not self.kinds:
            names = ", ".join(unknown) or "none"
            raise ValueError(
                f"animation must be one or more of {', '.join(ANIMATIONS)}; got {names}"
            )
        if isinstance(self.frames, bool) or not isinstance(self.frames, int) or self.frames < 1:
            raise ValueError(f"frames must be a whole number ≥ 1, got {self.frames!r}")
        if isinstance(self.hold, bool) or not isinstance(self.hold, int) or self.hold < 0:
            raise ValueError(f"hold must be a whole number ≥ 0, got {self.hold!r}")
        if "descent" in self.kinds and not any(n > 0 for n in self.run_lengths):
            raise ValueError("a descent animation needs at least one run with recorded steps")
        if "starts" in self.kinds and self.starts_length < 1:
            raise ValueError("a many-starts animation needs a scatter of starts (Run → Scatter)")
        if not (math.isfinite(self.delta_start) and self.delta_start > 0):
            raise ValueError("Δ must be a finite number > 0")

    @property
    def total_frames(self) -> int:
        """Frames written: the moving ones and the held last one."""
        return self.frames + self.hold

    def state(self, index: int) -> FrameState:
        """The state of frame index (0 … total_frames − 1): first and last exact."""
        if not 0 <= index < self.total_frames:
            raise IndexError(f"frame {index} of {self.total_frames}")
        moving = min(index, self.frames - 1)
        t = moving / (self.frames - 1) if self.frames > 1 else 1.0
        positions = tuple(self._position(t, n) for n in self.run_lengths)
        steps = tuple(math.floor(p) for p in positions)
        delta = None
        if "delta" in self.kinds:
            end = min(DELTA_END, self.delta_start)
            delta = math.exp(
                math.log(self.delta_start) + t * (math.log(end) - math.log(self.delta_start))
            )
        angle = (self.angle_start + 360.0 * t) % 360.0 if "direction" in self.kinds else None
        azimuth = self.azimuth_start + ORBIT_DEGREES * t if "orbit" in self.kinds else None
        starts_head = None
        if "starts" in self.kinds:
            starts_head = position_at(t, self.starts_length, self.starts_progress)
        return FrameState(index, steps, delta, angle, azimuth, positions, starts_head)

    def _position(self, t: float, n: int) -> float:
        """Where a run of n steps is at share t: a whole step by steps timing, else the point
        between two steps where the share is reached (the head glides along the segment)."""
        if "descent" not in self.kinds or n == 0:
            return float(max(n - 1, 0))
        return position_at(t, n, self.progress)


def position_at(t: float, n: int, progress: Sequence[float]) -> float:
    """Where a path of n steps is at share t of the animation, `progress` as descent_progress
    gives it (empty: evenly, whole steps)."""
    if n == 0:
        return 0.0
    if t >= 1.0:
        return float(n - 1)
    if not progress:
        return float(round(t * (n - 1)))
    k = int(np.searchsorted(progress, t, side="right")) - 1  # progress[k] <= t
    if k >= n - 1:
        return float(n - 1)
    low, high = progress[k], progress[k + 1]
    part = (t - low) / (high - low) if high > low else 0.0
    return k + min(max(part, 0.0), 1.0)
