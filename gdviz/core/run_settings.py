"""Settings of sweeps, mini-batches and many starts, with their limits (numpy only, no sympy)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral

import numpy as np

DEFAULT_LR_MIN = 1e-4
DEFAULT_LR_MAX = 10.0
DEFAULT_RATES = 60
MAX_RATES = 10_000
# A sweep keeps every run's path (5 float64 columns): rates × steps at most this (~200 MB).
MAX_SWEEP_CELLS = 5_000_000
DEFAULT_STARTS = 400
MAX_STARTS = 10_000
START_LAYOUTS: tuple[str, ...] = ("grid", "random")
MAX_SEED = 2**63 - 1


def check_whole(what: str, value: object, low: int, high: int | None, note: str = "") -> int:
    """`value` as an int; ValueError naming `what` unless a whole number in low … high."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ValueError(f"{what} must be a whole number, got {value!r}")
    number = int(value)
    if number < low or (high is not None and number > high):
        span = f"≥ {low:,}" if high is None else f"from {low:,} to {high:,}"
        raise ValueError(f"{what} must be {span}{note}, got {value}")
    return number


def learning_rate_grid(lr_min: float, lr_max: float, count: int) -> np.ndarray:
    """`count` rates from lr_min to lr_max, equally spaced in log (one rate when count is 1
    and lr_min == lr_max). ValueError naming the bad value: a range that is empty, reversed,
    not positive or not finite, or a count outside 1 … MAX_RATES."""
    check_whole("count", count, 1, MAX_RATES)
    try:
        low, high = float(lr_min), float(lr_max)
    except (TypeError, ValueError):
        raise ValueError(
            f"learning-rate range must be two numbers, got {lr_min!r}, {lr_max!r}"
        ) from None
    for name, value in (("start", low), ("end", high)):
        if not (math.isfinite(value) and value > 0):
            raise ValueError(
                f"learning-rate range: its {name} must be a finite number > 0, got {value:g}"
            )
    if low > high:
        raise ValueError(f"learning-rate range is reversed: {low:g} > {high:g}")
    if low == high and count > 1:
        raise ValueError(f"learning-rate range is empty: {low:g} to {high:g} holds one rate")
    return np.geomspace(low, high, count)


@dataclass(frozen=True)
class SweepSettings:
    """What a sweep runs: rates from lr_min to lr_max (log grid of `count`), steps, tolerance."""

    lr_min: float = DEFAULT_LR_MIN
    lr_max: float = DEFAULT_LR_MAX
    count: int = DEFAULT_RATES
    max_steps: int = 1000
    tol: float = 1e-6

    def __post_init__(self) -> None:
        learning_rate_grid(self.lr_min, self.lr_max, self.count)  # ValueError naming the field
        check_whole("max steps", self.max_steps, 1, None)
        if not (isinstance(self.tol, (int, float)) and math.isfinite(self.tol) and self.tol >= 0):
            raise ValueError(f"tolerance must be a finite number ≥ 0, got {self.tol!r}")
        if self.count * self.max_steps > MAX_SWEEP_CELLS:
            raise ValueError(
                f"{self.count:,} rates × {self.max_steps:,} steps is too large a sweep: "
                f"rates × steps must be at most {MAX_SWEEP_CELLS:,}"
            )


@dataclass(frozen=True)
class MiniBatchSettings:
    """Batch size B (1: SGD; the dataset's m: full batch) and the shuffling seed."""

    batch_size: int
    seed: int = 0

    def __post_init__(self) -> None:
        check_whole("batch size", self.batch_size, 1, None)
        check_whole("seed", self.seed, 0, MAX_SEED)


def typed_whole(text: str) -> int | float | str:
    """What a typed whole-number field holds, for `check_whole` to judge: an int when the text
    is one ("1,000" too), a float when it is another number, else the stripped text."""
    clean = text.strip().replace(",", "").replace("_", "").replace(" ", "")
    try:
        return int(clean)
    except ValueError:
        pass
    try:
        return float(clean)
    except ValueError:
        return text.strip()


def starts_from_text(text: str) -> StartsSettings:
    """StartsSettings from "K[,grid|random[,seed]]" (the CLI's --starts); ValueError saying
    what is wrong."""
    parts = [p.strip() for p in text.split(",")]
    if not 1 <= len(parts) <= 3:
        raise ValueError("write K[,grid|random[,seed]], e.g. 400 or 400,random,7")
    layout = parts[1] if len(parts) > 1 else "grid"
    if len(parts) == 3 and layout != "random":
        raise ValueError("a seed draws random starts: write K,random,SEED")
    seed = typed_whole(parts[2]) if len(parts) == 3 else 0
    # StartsSettings.__post_init__ judges what was typed (check_whole), with its own message.
    return StartsSettings(typed_whole(parts[0]), layout, seed)  # type: ignore[arg-type]


@dataclass(frozen=True)
class StartsSettings:
    """How many starts, laid out on a grid or drawn at random (uniform over the window, seeded)."""

    count: int = DEFAULT_STARTS
    layout: str = "grid"
    seed: int = 0

    def __post_init__(self) -> None:
        check_whole("number of starts", self.count, 1, MAX_STARTS)
        if self.layout not in START_LAYOUTS:
            raise ValueError(
                f"start layout must be one of {', '.join(START_LAYOUTS)}, got {self.layout!r}"
            )
        check_whole("seed", self.seed, 0, MAX_SEED)
