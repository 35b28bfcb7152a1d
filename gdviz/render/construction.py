"""Records and geometry of a lesson's construction in the 3D view (points, segments, planes)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

Vec3 = tuple[float, float, float]
RGBA = tuple[float, float, float, float]


def _vec3(value) -> Vec3:
    x, y, z = (float(v) for v in value)
    return (x, y, z)


def _rgba(value) -> RGBA:
    values = [float(v) for v in value]
    if len(values) == 3:
        values.append(1.0)
    if len(values) != 4:
        raise ValueError(f"a colour is 3 or 4 floats in [0, 1], got {value!r}")
    r, g, b, a = values
    return (r, g, b, a)


@dataclass(frozen=True)
class LabelledPoint:
    """A dot at data (x, y, z_display) with a text label next to it ("" for none)."""

    x: float
    y: float
    z: float
    label: str
    color: RGBA
    size_px: float = 10.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "color", _rgba(self.color))


@dataclass(frozen=True)
class Segment:
    """A straight line between two data points, solid or dashed."""

    start: Vec3
    end: Vec3
    color: RGBA
    width: float = 2.0
    dashed: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", _vec3(self.start))
        object.__setattr__(self, "end", _vec3(self.end))
        object.__setattr__(self, "color", _rgba(self.color))


@dataclass(frozen=True, eq=False)
class Curve:
    """A polyline through the data points (xs[k], ys[k], zs[k]); non-finite points break it."""

    xs: np.ndarray
    ys: np.ndarray
    zs: np.ndarray
    color: RGBA
    width: float = 2.0

    def __post_init__(self) -> None:
        arrays = [np.array(v, dtype=np.float64).ravel() for v in (self.xs, self.ys, self.zs)]
        if not arrays[0].size == arrays[1].size == arrays[2].size:
            raise ValueError("xs, ys and zs of a curve must be equally long")
        for name, array in zip(("xs", "ys", "zs"), arrays, strict=True):
            array.flags.writeable = False
            object.__setattr__(self, name, array)
        object.__setattr__(self, "color", _rgba(self.color))

    def rows(self) -> np.ndarray:
        """(N, 3) data rows of the curve."""
        return np.stack([self.xs, self.ys, self.zs], axis=1)


@dataclass(frozen=True)
class Arrow:
    """An arrow from the data point start by the data vector (dx, dy, dz_display)."""

    start: Vec3
    vector: Vec3
    color: RGBA
    width: float = 2.5

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", _vec3(self.start))
        object.__setattr__(self, "vector", _vec3(self.vector))
        object.__setattr__(self, "color", _rgba(self.color))


@dataclass(frozen=True)
class PlanePatch:
    """The quad z = z0 + slope_x·(x − x0) + slope_y·(y − y0) over [x0 ± half_x] × [y0 ± half_y],
    all in data units (display heights)."""

    x0: float
    y0: float
    z0: float
    slope_x: float
    slope_y: float
    half_x: float
    half_y: float
    color: RGBA

    def __post_init__(self) -> None:
        object.__setattr__(self, "color", _rgba(self.color))

    def corners(self) -> np.ndarray:
        """The 4 data corners (4, 3), in order around the quad."""
        return plane_patch_corners(self)


@dataclass(frozen=True)
class Construction:
    """Everything one lesson step draws: points, segments, curves, arrows and plane patches."""

    points: tuple[LabelledPoint, ...] = field(default=())
    segments: tuple[Segment, ...] = field(default=())
    curves: tuple[Curve, ...] = field(default=())
    arrows: tuple[Arrow, ...] = field(default=())
    planes: tuple[PlanePatch, ...] = field(default=())

    def __post_init__(self) -> None:
        for name in ("points", "segments", "curves", "arrows", "planes"):
            object.__setattr__(self, name, tuple(getattr(self, name)))

    def is_empty(self) -> bool:
        """Whether there is nothing to draw."""
        return not (self.points or self.segments or self.curves or self.arrows or self.planes)


def plane_patch_corners(patch: PlanePatch) -> np.ndarray:
    """The data corners (4, 3) of a plane patch, going around: (−,−), (+,−), (+,+), (−,+)."""
    signs = np.array([[-1.0, -1.0], [1.0, -1.0], [1.0, 1.0], [-1.0, 1.0]])
    dx = signs[:, 0] * patch.half_x
    dy = signs[:, 1] * patch.half_y
    z = patch.z0 + patch.slope_x * dx + patch.slope_y * dy
    return np.stack([patch.x0 + dx, patch.y0 + dy, z], axis=1)


def dashed_segments(start, end, dash_count: int) -> np.ndarray:
    """Line pairs (2·dash_count, 3) for a dashed line from start to end: dash_count dashes and
    the gaps between them all equally long, the first dash at start, the last at end."""
    dash_count = int(dash_count)
    if dash_count < 1:
        raise ValueError(f"dash_count must be at least 1, got {dash_count}")
    a = np.asarray(start, dtype=np.float64).reshape(-1)
    b = np.asarray(end, dtype=np.float64).reshape(-1)
    if a.shape != b.shape:
        raise ValueError("start and end must have the same dimension")
    unit = 1.0 / (2 * dash_count - 1)  # dash_count dashes and dash_count - 1 gaps
    t0 = np.arange(dash_count) * 2 * unit
    t1 = np.minimum(t0 + unit, 1.0)
    t = np.stack([t0, t1], axis=1).reshape(-1, 1)
    return a + t * (b - a)


def dash_count_for(length: float, dash_length: float) -> int:
    """How many dashes make a dashed line of this length look like dashes of about dash_length
    (with gaps as long); at least 1."""
    if not (np.isfinite(length) and length > 0 and dash_length > 0):
        return 1
    return max(1, int(round((length / dash_length + 1.0) / 2.0)))


def polyline_pairs(rows: np.ndarray) -> np.ndarray:
    """Line pairs (2K, 3) joining consecutive rows of a polyline; pairs touching a non-finite
    row are left out, so holes break the line instead of joining across them."""
    rows = np.asarray(rows, dtype=np.float64).reshape(-1, 3)
    if len(rows) < 2:
        return np.empty((0, 3))
    ok = np.isfinite(rows).all(axis=1)
    keep = ok[:-1] & ok[1:]
    pairs = np.stack([rows[:-1][keep], rows[1:][keep]], axis=1)
    return pairs.reshape(-1, 3)


# Where a label goes around its dot, in order of preference: (dx, dy) directions in screen
# pixels, y down. Upper right first, as in a textbook figure.
_LABEL_DIRECTIONS = np.array(
    [(1, -1), (1, 0), (-1, -1), (-1, 0), (1, 1), (-1, 1), (0, -1), (0, 1)], dtype=np.float64
)
_LABEL_STEPS = 3  # the spots next to the dot, then one and two label heights farther out


def _candidate_boxes(x: float, y: float, w: float, h: float, r: float, gap: float) -> np.ndarray:
    """(steps · directions, 4) boxes (left, top, right, bottom) around the dot at (x, y)."""
    steps = np.repeat(np.arange(_LABEL_STEPS), len(_LABEL_DIRECTIONS))
    dx, dy = np.tile(_LABEL_DIRECTIONS, (_LABEL_STEPS, 1)).T
    reach = r + gap + steps * (h + gap)
    # diagonal spots come in a little: their corner, not their side, faces the dot
    along = np.where((dx != 0) & (dy != 0), 0.75, 1.0) * reach
    left = np.where(dx > 0, x + along, np.where(dx < 0, x - along - w, x - w / 2))
    top = np.where(dy < 0, y - along - h, np.where(dy > 0, y + along, y - h / 2))
    return np.stack([left, top, left + w, top + h], axis=1)


def _overlaps(boxes: np.ndarray, others: np.ndarray, margin: float) -> np.ndarray:
    """(len(boxes),) total area each box shares with others, every box grown by margin."""
    if len(others) == 0:
        return np.zeros(len(boxes))
    w = np.minimum(boxes[:, None, 2], others[None, :, 2])
    w = w - np.maximum(boxes[:, None, 0], others[None, :, 0]) + 2 * margin
    h = np.minimum(boxes[:, None, 3], others[None, :, 3])
    h = h - np.maximum(boxes[:, None, 1], others[None, :, 1]) + 2 * margin
    return (np.maximum(w, 0.0) * np.maximum(h, 0.0)).sum(axis=1)


def placed_label_boxes(
    anchors: np.ndarray, sizes: np.ndarray, radii: np.ndarray, gap: float = 3.0
) -> np.ndarray:
    """Boxes (N, 4) as (left, top, right, bottom) in pixels for labels of sizes (N, 2) = (w, h)
    next to dots of radius radii at anchors (N, 2), y down.

    Greedy, in the given order: each label takes the spot around its dot (upper right, right,
    upper left, left, lower right, lower left, above, below; then the same one or two steps
    farther out) with the least cost: the area it shares with the labels already placed
    (counted three times) and with the other dots, each box grown by gap / 2, plus a price for
    every step out, so a label leaves its dot only to clear a real overlap.
    """
    anchors = np.asarray(anchors, dtype=np.float64).reshape(-1, 2)
    sizes = np.asarray(sizes, dtype=np.float64).reshape(-1, 2)
    radii = np.broadcast_to(np.asarray(radii, dtype=np.float64), (len(anchors),))
    dots = np.concatenate([anchors - radii[:, None], anchors + radii[:, None]], axis=1)
    placed = np.empty((len(anchors), 4))
    margin = gap / 2
    steps = np.repeat(np.arange(_LABEL_STEPS), len(_LABEL_DIRECTIONS))
    order = np.arange(len(steps)) % len(_LABEL_DIRECTIONS)
    for i, ((x, y), (w, h), r) in enumerate(zip(anchors, sizes, radii, strict=True)):
        boxes = _candidate_boxes(x, y, w, h, r, gap)
        others = np.delete(dots, i, axis=0)  # the spots keep clear of the label's own dot
        cost = 3.0 * _overlaps(boxes, placed[:i], margin) + _overlaps(boxes, others, margin)
        cost += steps * (0.5 * w * h) + 1e-3 * order
        placed[i] = boxes[int(np.argmin(cost))]
    return placed
