"""The fixed scene box of the 3D view: data <-> scene mapping, nice ticks, axis lines, labels."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

# The scene box every surface is drawn in, whatever its data ranges:
#   x in [-half_x, half_x], y in [-half_y, half_y], z in [0, SCENE_HEIGHT].
# The longer side of the (x, y) window gets half-extent SCENE_HALF_WIDTH; the shorter side keeps
# the window's aspect but never below MIN_ASPECT of the longer one (b in [-30, 10] against
# w in [-3, 6] would otherwise be a thin ribbon).
SCENE_HALF_WIDTH = 1.0
SCENE_HEIGHT = 1.0
MIN_ASPECT = 0.5

_TICK_LENGTH = 0.04
_LABEL_GAP = 0.10
_NAME_GAP = 0.32


def _widened(lo: float, hi: float) -> tuple[float, float]:
    """(lo, hi) itself when hi - lo is resolvable, else a range centred on lo (never 0 wide)."""
    lo, hi = float(lo), float(hi)
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError(f"range ({lo}, {hi}) must be finite")
    if hi - lo > max(1e-12 * max(abs(lo), abs(hi)), 1e-150):
        return lo, hi
    pad = 0.5 * max(abs(lo), 1.0)
    return lo - pad, lo + pad


@dataclass(frozen=True)
class SceneMapping:
    """Affine map between data (x, y, z) and the scene box; build it with `for_ranges`."""

    x_range: tuple[float, float] = (-1.0, 1.0)
    y_range: tuple[float, float] = (-1.0, 1.0)
    z_range: tuple[float, float] = (0.0, 1.0)
    half_x: float = SCENE_HALF_WIDTH
    half_y: float = SCENE_HALF_WIDTH
    height: float = SCENE_HEIGHT

    @classmethod
    def for_ranges(
        cls,
        x_range: tuple[float, float],
        y_range: tuple[float, float],
        z_range: tuple[float, float],
    ) -> SceneMapping:
        """The mapping of the data box x_range × y_range × z_range onto the scene box."""
        xr, yr, zr = _widened(*x_range), _widened(*y_range), _widened(*z_range)
        width, depth = xr[1] - xr[0], yr[1] - yr[0]
        aspect = max(min(width, depth) / max(width, depth), MIN_ASPECT)
        half_x = SCENE_HALF_WIDTH * (1.0 if width >= depth else aspect)
        half_y = SCENE_HALF_WIDTH * (1.0 if depth > width else aspect)
        return cls(xr, yr, zr, half_x, half_y, SCENE_HEIGHT)

    def data_to_scene(self, x, y, z):
        """Scene coordinates (sx, sy, sz) of data (x, y, z); scalars or arrays of one shape."""
        (x0, x1), (y0, y1), (z0, z1) = self.x_range, self.y_range, self.z_range
        sx = (np.asarray(x, dtype=np.float64) - x0) * (2 * self.half_x / (x1 - x0)) - self.half_x
        sy = (np.asarray(y, dtype=np.float64) - y0) * (2 * self.half_y / (y1 - y0)) - self.half_y
        sz = (np.asarray(z, dtype=np.float64) - z0) * (self.height / (z1 - z0))
        return sx, sy, sz

    def scene_to_data(self, sx, sy, sz):
        """Data coordinates (x, y, z) of scene (sx, sy, sz); the inverse of data_to_scene."""
        (x0, x1), (y0, y1), (z0, z1) = self.x_range, self.y_range, self.z_range
        x = (np.asarray(sx, dtype=np.float64) + self.half_x) * ((x1 - x0) / (2 * self.half_x)) + x0
        y = (np.asarray(sy, dtype=np.float64) + self.half_y) * ((y1 - y0) / (2 * self.half_y)) + y0
        z = np.asarray(sz, dtype=np.float64) * ((z1 - z0) / self.height) + z0
        return x, y, z


def nice_ticks(lo: float, hi: float, target: int = 5) -> np.ndarray:
    """Tick values inside [lo, hi] on a 1-2-2.5-5 × 10^k step: 4 to 6 of them whenever such a
    step exists, the count nearest to `target` first (fewer ticks win a tie)."""
    lo, hi = _widened(lo, hi)
    span = hi - lo
    base = 10.0 ** math.floor(math.log10(span / target))
    best: tuple[float, int, np.ndarray] | None = None
    for scale in (0.1, 1.0, 10.0):
        for mantissa in (1.0, 2.0, 2.5, 5.0):
            step = mantissa * base * scale
            first = math.ceil(lo / step - 1e-9)
            last = math.floor(hi / step + 1e-9)
            ticks = np.arange(first, last + 1) * step
            score = abs(ticks.size - target) + (0.0 if 4 <= ticks.size <= 6 else 10.0)
            if best is None or (score, ticks.size) < best[:2]:
                best = (score, ticks.size, ticks)
    assert best is not None
    ticks = best[2]
    ticks[np.abs(ticks) < 1e-12 * span] = 0.0
    return ticks


def tick_labels(ticks: np.ndarray) -> list[str]:
    """Short labels for evenly spaced ticks: the fewest decimals that show every tick exactly,
    U+2212 minus, no '-0'; scientific notation when the values are huge or tiny."""
    ticks = np.asarray(ticks, dtype=np.float64)
    if ticks.size == 0:
        return []
    biggest = float(np.max(np.abs(ticks)))
    step = float(np.min(np.diff(ticks))) if ticks.size > 1 else biggest or 1.0
    step_digit = math.floor(math.log10(step) + 1e-9)
    if biggest == 0 or 1e-3 <= biggest < 1e5:
        decimals = next(
            d
            for d in range(max(0, -step_digit), 16)
            if np.allclose(ticks * 10.0**d, np.round(ticks * 10.0**d), rtol=0, atol=1e-6)
        )
        texts = [f"{t:.{decimals}f}" for t in ticks]
    else:
        digits = max(0, math.floor(math.log10(biggest)) - step_digit)
        texts = [f"{t:.{digits}e}" if t != 0 else "0" for t in ticks]
    return [t.lstrip("-") if float(t) == 0 else t.replace("-", "\u2212") for t in texts]


@dataclass(frozen=True)
class Label:
    """Text anchored at a scene point; h in {left, center, right}, v in {top, center, bottom}
    say which side of the text touches the anchor; group is "x", "y", "z" or "name-x" ..."""

    pos: tuple[float, float, float]
    text: str
    h: str
    v: str
    group: str


@dataclass(frozen=True)
class AxisGuides:
    """Line segments (pairs of rows, scene coordinates) and labels that frame the scene box."""

    axis_segments: np.ndarray  # (2K, 3) box edges carrying ticks, and the tick marks
    grid_segments: np.ndarray  # (2G, 3) faint floor grid and back-wall lines
    labels: list[Label] = field(default_factory=list)


def axis_guides(
    mapping: SceneMapping,
    axis_names: tuple[str, str, str] = ("x", "y", "z"),
    z_label: str | None = None,
) -> AxisGuides:
    """Axes for the default camera (looking from +x, -y).

    x ticks run along the front edge y = -half_y, y ticks along the right edge x = +half_x and
    z ticks up the front-left corner (-half_x, -half_y); faint grid lines cover the floor and
    the two back walls.
    """
    hx, hy, h = mapping.half_x, mapping.half_y, mapping.height
    (x0, x1), (y0, y1), (z0, z1) = mapping.x_range, mapping.y_range, mapping.z_range
    # the floor edges are long on screen, the z edge short: lean towards more / fewer ticks
    x_ticks, y_ticks = nice_ticks(x0, x1, target=6), nice_ticks(y0, y1, target=6)
    z_ticks = nice_ticks(z0, z1, target=4)
    sx = mapping.data_to_scene(x_ticks, x0, z0)[0]
    sy = mapping.data_to_scene(x0, y_ticks, z0)[1]
    sz = mapping.data_to_scene(x0, y0, z_ticks)[2]

    axis: list[tuple[tuple[float, float, float], tuple[float, float, float]]] = [
        ((-hx, -hy, 0.0), (hx, -hy, 0.0)),
        ((hx, -hy, 0.0), (hx, hy, 0.0)),
        ((-hx, -hy, 0.0), (-hx, -hy, h)),
    ]
    axis += [((x, -hy, 0.0), (x, -hy - _TICK_LENGTH, 0.0)) for x in sx]
    axis += [((hx, y, 0.0), (hx + _TICK_LENGTH, y, 0.0)) for y in sy]
    d = _TICK_LENGTH / math.sqrt(2.0)
    axis += [((-hx, -hy, z), (-hx - d, -hy - d, z)) for z in sz]

    grid: list[tuple[tuple[float, float, float], tuple[float, float, float]]] = [
        ((-hx, hy, 0.0), (hx, hy, 0.0)),
        ((-hx, -hy, 0.0), (-hx, hy, 0.0)),
        ((-hx, hy, 0.0), (-hx, hy, h)),
        ((hx, hy, 0.0), (hx, hy, h)),
        ((-hx, -hy, h), (-hx, hy, h)),
        ((-hx, hy, h), (hx, hy, h)),
    ]
    grid += [((x, -hy, 0.0), (x, hy, 0.0)) for x in sx]
    grid += [((-hx, y, 0.0), (hx, y, 0.0)) for y in sy]
    grid += [((-hx, -hy, z), (-hx, hy, z)) for z in sz]
    grid += [((-hx, hy, z), (hx, hy, z)) for z in sz]

    labels = [
        Label((float(x), -hy - _LABEL_GAP, 0.0), t, "center", "top", "x")
        for x, t in zip(sx, tick_labels(x_ticks), strict=True)
    ]
    labels += [
        Label((hx + _LABEL_GAP, float(y), 0.0), t, "left", "center", "y")
        for y, t in zip(sy, tick_labels(y_ticks), strict=True)
    ]
    g = _LABEL_GAP / math.sqrt(2.0)
    labels += [
        Label((-hx - g, -hy - g, float(z)), t, "right", "center", "z")
        for z, t in zip(sz, tick_labels(z_ticks), strict=True)
    ]
    x_name, y_name, z_name = axis_names
    labels += [
        Label((0.0, -hy - _NAME_GAP, 0.0), x_name, "center", "top", "name-x"),
        Label((hx + _NAME_GAP, 0.0, 0.0), y_name, "left", "center", "name-y"),
        Label((-hx, -hy, h + 0.12), z_label or z_name, "center", "bottom", "name-z"),
    ]

    def as_rows(segments) -> np.ndarray:
        return np.asarray(segments, dtype=np.float32).reshape(-1, 3)

    return AxisGuides(as_rows(axis), as_rows(grid), labels)
