"""Sampling a surface on an n×n grid (indexing 'ij'): domain holes, height scale, pole clipping.

Pole clipping changes only what is drawn (`SampledGrid.z` keeps the raw values). Take the finite
height-scaled values; p5, p50, p95 are their percentiles and bulk = p95 − p5. A sample is an
outlier above p95 + bulk/2 or below p5 − bulk/2. A side (top or bottom) is clipped at that limit
when it holds ±inf, or when at least two of its outliers decay like a pole: with e0, e1, e2 the
distance beyond the median of the sample and of the next two along a grid row or column,
e0 > e1 > e2 > 0, the first step is at least 2.5× the second, and e0·e2 ≥ 1.1·e1² (log-convex,
as c/r^p is).

Why this separates poles from steep smooth surfaces: a smooth function changes by nearly equal
steps on a fine grid (the step ratio is 1 + O(h)), so x² + y, Rosenbrock or e^(x+y) are never
clipped however large their range; c/r sampled at r = h/2, 3h/2, 5h/2 has step ratio 5 and
e0·e2/e1² = 1.8 at any resolution; a narrow Gaussian peak is log-concave and fails the second
test. What the rule cannot tell apart: a peak narrower than the grid spacing whose flanks fall
like a power (1/(1 + a·r²) with large a) samples like a pole and is clipped like one. Grids with
fewer than 8 samples a side are clipped only for infinities, and a line pole such as 1/x needs
about 20 samples a side before its nearest column stands out of the 5% tail.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from gdviz.core.window import Window

HEIGHT_SCALES = ("linear", "log10")
MIN_RESOLUTION = 2
MAX_RESOLUTION = 2000

_PERCENTILES = (5.0, 50.0, 95.0)
_OUTLIER_BULKS = 0.5  # how many bulk widths beyond the percentiles a clipped value lies
_POLE_STEP_RATIO = 2.5
_LOG_CONVEXITY_MARGIN = math.log(1.1)
_MIN_POLE_SAMPLES = 8  # coarser grids are only clipped for infinities
_MIN_POLE_EVIDENCE = 2  # samples that must decay like a pole (one alone may be aliasing)


class GridSource(Protocol):
    """Anything that evaluates z on the grid xs × ys (a Surface does)."""

    def grid(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True, eq=False)
class SampledGrid:
    """A surface sampled on xs × ys: raw z[i, j] = f(xs[i], ys[j]) and the heights to draw."""

    xs: np.ndarray
    ys: np.ndarray
    z: np.ndarray  # raw values, NaN where undefined
    z_display: np.ndarray  # height-scaled and pole-clipped; NaN kept as holes
    height_scale: str  # "linear" or "log10"
    clip_range: tuple[float, float] | None  # the display range when values were clipped
    clipped_fraction: float
    nan_fraction: float
    z_range: tuple[float, float]  # finite min and max of z_display


class SamplingCancelled(Exception):
    """sample_surface stopped because its keep_going() said so."""


SAMPLING_BLOCKS = 20  # with keep_going, the grid is computed in this many row blocks


def sample_surface(
    surface: GridSource,
    window: Window,
    resolution: int,
    height_scale: str = "linear",
    keep_going: Callable[[], bool] | None = None,
) -> SampledGrid:
    """The surface sampled on a resolution × resolution grid over the window.

    With keep_going, rows are computed in blocks and keep_going() is asked between them; when
    it returns False, SamplingCancelled is raised (a slow surface can be abandoned mid-way).
    """
    if isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)):
        raise ValueError(f"resolution must be an integer, got {resolution!r}")
    if not MIN_RESOLUTION <= resolution <= MAX_RESOLUTION:
        raise ValueError(
            f"resolution must be between {MIN_RESOLUTION} and {MAX_RESOLUTION}, got {resolution}"
        )
    _check_height_scale(height_scale)
    n = int(resolution)
    xs = np.linspace(window.x_min, window.x_max, n)
    ys = np.linspace(window.y_min, window.y_max, n)
    # Holes and poles are expected while sampling; they become NaN / inf, not warnings.
    with np.errstate(all="ignore"):
        if keep_going is None:
            z = np.array(surface.grid(xs, ys), dtype=np.float64)
        else:
            z = _grid_in_blocks(surface, xs, ys, keep_going)
    if z.shape != (n, n):
        raise ValueError(f"surface.grid returned shape {z.shape}, expected {(n, n)}")
    return _scaled_grid(xs, ys, z, height_scale)


def with_height_scale(grid: SampledGrid, height_scale: str) -> SampledGrid:
    """The same samples drawn on another height scale (no re-evaluation of the surface)."""
    _check_height_scale(height_scale)
    return _scaled_grid(grid.xs, grid.ys, grid.z, height_scale)


def _scaled_grid(xs: np.ndarray, ys: np.ndarray, z: np.ndarray, height_scale: str) -> SampledGrid:
    nan = np.isnan(z)
    if height_scale == "log10":
        if not can_use_log_height(z):
            defined = z[~nan]
            lowest = f"{defined.min():g}" if defined.size else "undefined"
            raise ValueError(f"log-scaled height needs positive values; min is {lowest}")
        with np.errstate(divide="ignore"):
            scaled = np.log10(z)
    else:
        scaled = z.copy()

    finite = np.isfinite(scaled)
    if not finite.any():
        raise ValueError("the surface has no finite value in this window")
    clip_range = pole_clip_range(scaled)
    display = scaled
    clipped = 0
    if clip_range is not None:
        lo, hi = clip_range
        outside = ~nan & ((scaled < lo) | (scaled > hi))
        clipped = int(np.count_nonzero(outside))
        display = np.where(nan, np.nan, np.clip(scaled, lo, hi))
    shown = display[~nan]
    for array in (xs, ys, z, display):
        if array.flags.writeable:
            array.setflags(write=False)
    return SampledGrid(
        xs=xs,
        ys=ys,
        z=z,
        z_display=display,
        height_scale=height_scale,
        clip_range=clip_range,
        clipped_fraction=clipped / z.size,
        nan_fraction=int(np.count_nonzero(nan)) / z.size,
        z_range=(float(shown.min()), float(shown.max())),
    )


def _grid_in_blocks(
    surface: GridSource, xs: np.ndarray, ys: np.ndarray, keep_going: Callable[[], bool]
) -> np.ndarray:
    step = max(1, -(-len(xs) // SAMPLING_BLOCKS))
    blocks = []
    for start in range(0, len(xs), step):
        if not keep_going():
            raise SamplingCancelled
        blocks.append(np.array(surface.grid(xs[start : start + step], ys), dtype=np.float64))
    return np.concatenate(blocks, axis=0)


def pole_clip_range(values: np.ndarray) -> tuple[float, float] | None:
    """The display range for a grid of heights with poles, or None when nothing needs clipping.

    The rule is in this module's docstring. NaN entries are holes and are ignored.
    """
    values = np.asarray(values, dtype=np.float64)
    finite_values = values[np.isfinite(values)]
    if finite_values.size == 0:
        return None
    low, median, high = (float(q) for q in np.percentile(finite_values, _PERCENTILES))
    bulk = high - low
    lowest, highest = float(finite_values.min()), float(finite_values.max())
    top = bottom = False
    if bulk > 0:
        lower_limit = low - _OUTLIER_BULKS * bulk
        upper_limit = high + _OUTLIER_BULKS * bulk
        top = _has_pole(values - median, values > upper_limit)
        bottom = _has_pole(median - values, values < lower_limit)
    else:
        # Constant but for a few samples: nothing to compare a pole with but infinities.
        lower_limit, upper_limit = lowest, highest
    top = top or bool(np.any(values == np.inf))
    bottom = bottom or bool(np.any(values == -np.inf))
    if not (top or bottom):
        return None
    lo = max(lower_limit, lowest) if bottom else lowest
    hi = min(upper_limit, highest) if top else highest
    return (lo, hi)


def _has_pole(excess: np.ndarray, outliers: np.ndarray) -> bool:
    """Whether an outlier decays like a pole when stepping away along a grid row or column.

    excess is each value's distance beyond the median on the side tested (positive = outward).
    With e0 > e1 > e2 > 0 the excesses of a sample and the next two along the step, a pole
    steepens (e0 − e1 ≥ 2.5·(e1 − e2)) and decays log-convexly (e0·e2 ≥ 1.1·e1²), as c/r^p does;
    a narrow smooth peak such as e^(−r²/s) is log-concave and fails the second test.
    """
    if min(excess.shape) < _MIN_POLE_SAMPLES:
        return False
    rows, cols = np.nonzero(outliers & np.isfinite(excess))
    evidence = np.zeros(rows.size, dtype=bool)
    for step_row, step_col in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        far_row, far_col = rows + 2 * step_row, cols + 2 * step_col
        inside = (far_row >= 0) & (far_row < excess.shape[0])
        inside &= (far_col >= 0) & (far_col < excess.shape[1])
        (candidates,) = np.nonzero(inside)
        r, c = rows[candidates], cols[candidates]
        e0 = excess[r, c]
        e1 = excess[r + step_row, c + step_col]
        e2 = excess[r + 2 * step_row, c + 2 * step_col]
        with np.errstate(invalid="ignore"):
            pole = (e0 > e1) & (e1 > e2) & (e2 > 0) & (e0 - e1 >= _POLE_STEP_RATIO * (e1 - e2))
        # In logs: a product of tiny excesses would underflow to 0 and pass.
        pole[pole] = np.log(e0[pole]) + np.log(e2[pole]) >= _LOG_CONVEXITY_MARGIN + 2 * np.log(
            e1[pole]
        )
        evidence[candidates[pole]] = True
    return int(np.count_nonzero(evidence)) >= _MIN_POLE_EVIDENCE


def can_use_log_height(z: np.ndarray) -> bool:
    """Whether log10 heights are defined: every value that is not a hole is > 0 (one finite)."""
    z = np.asarray(z, dtype=np.float64)
    defined = z[~np.isnan(z)]
    return bool(defined.size and np.all(defined > 0) and np.any(np.isfinite(defined)))


def apply_height_scale(value: float, height_scale: str) -> float:
    """A single height on the displayed scale (NaN when log10 meets a value ≤ 0)."""
    _check_height_scale(height_scale)
    value = float(value)
    if height_scale == "linear":
        return value
    return math.log10(value) if value > 0 else math.nan


def display_height(grid: SampledGrid, z: float) -> float:
    """Where a point of raw height z is drawn over this grid: scaled, then clipped like the grid."""
    value = apply_height_scale(z, grid.height_scale)
    if grid.clip_range is not None and not math.isnan(value):
        lo, hi = grid.clip_range
        value = min(max(value, lo), hi)
    return value


def display_heights(grid: SampledGrid, z: np.ndarray) -> np.ndarray:
    """`display_height` for an array of raw heights (a path's values), vectorised."""
    z = np.asarray(z, dtype=np.float64)
    if grid.height_scale == "log10":
        with np.errstate(divide="ignore", invalid="ignore"):
            values = np.where(z > 0, np.log10(np.where(z > 0, z, 1.0)), np.nan)
    else:
        values = z.copy()
    if grid.clip_range is not None:
        lo, hi = grid.clip_range
        values = np.clip(values, lo, hi)  # NaN stays NaN
    return values


def _check_height_scale(height_scale: str) -> None:
    if height_scale not in HEIGHT_SCALES:
        raise ValueError(
            f"height scale must be one of {', '.join(HEIGHT_SCALES)}; got {height_scale!r}"
        )
