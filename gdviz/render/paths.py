"""Growing point buffers for descent paths and the geometry of arrows (numpy only)."""

from __future__ import annotations

import math

import numpy as np

_INITIAL_CAPACITY = 64


class PathBuffer:
    """Rows of a path (one row per iterate) in a buffer whose capacity doubles as it grows,
    so appending one point per animation frame costs O(1) amortised; plus a scrub head.

    `head` is None to show every point, or the index k of the last point shown.
    """

    def __init__(self, columns: int, dtype: type = np.float64) -> None:
        self._rows = np.empty((_INITIAL_CAPACITY, columns), dtype=dtype)
        self._count = 0
        self.head: int | None = None

    def __len__(self) -> int:
        return self._count

    @property
    def capacity(self) -> int:
        """Rows the buffer holds before it must grow."""
        return self._rows.shape[0]

    def set(self, rows: np.ndarray) -> None:
        """Replace the contents with rows (N, columns); the head is reset to show all."""
        rows = np.asarray(rows, dtype=self._rows.dtype).reshape(-1, self._rows.shape[1])
        capacity = max(_INITIAL_CAPACITY, 1 << max(rows.shape[0] - 1, 0).bit_length())
        if capacity != self._rows.shape[0]:
            self._rows = np.empty((capacity, self._rows.shape[1]), dtype=self._rows.dtype)
        self._rows[: rows.shape[0]] = rows
        self._count = rows.shape[0]
        self.head = None

    def append(self, rows: np.ndarray) -> None:
        """Add rows (N, columns) at the end, doubling the capacity when full."""
        rows = np.asarray(rows, dtype=self._rows.dtype).reshape(-1, self._rows.shape[1])
        needed = self._count + rows.shape[0]
        if needed > self._rows.shape[0]:
            capacity = self._rows.shape[0]
            while capacity < needed:
                capacity *= 2
            grown = np.empty((capacity, self._rows.shape[1]), dtype=self._rows.dtype)
            grown[: self._count] = self._rows[: self._count]
            self._rows = grown
        self._rows[self._count : needed] = rows
        self._count = needed

    def all_rows(self) -> np.ndarray:
        """Every stored row (a read-only view: valid until the next set or append)."""
        view = self._rows[: self._count]
        view.flags.writeable = False
        return view

    def shown_count(self) -> int:
        """How many leading rows the head shows."""
        if self.head is None:
            return self._count
        return min(max(self.head, 0) + 1, self._count)

    def shown_rows(self) -> np.ndarray:
        """The rows up to and including the head (a read-only view)."""
        return self.all_rows()[: self.shown_count()]


MAX_DRAWN_POINTS = 4000  # software GL and QPainter slow down badly past a few thousand vertices


def decimated(rows: np.ndarray, max_rows: int = MAX_DRAWN_POINTS) -> np.ndarray:
    """At most max_rows of rows, evenly spaced, always keeping the first and the last.

    A 100,000-step path drawn whole costs ~60 ms a frame in llvmpipe; its shape at screen
    resolution is the same with a few thousand points.
    """
    n = len(rows)
    if n <= max_rows:
        return rows
    keep = np.unique(np.linspace(0, n - 1, max_rows).round().astype(np.intp))
    return rows[keep]


def finite_rows(rows: np.ndarray) -> np.ndarray:
    """rows without those holding a NaN or infinity (the line joins their neighbours)."""
    rows = np.asarray(rows)
    ok = np.isfinite(rows).all(axis=1)
    return rows if ok.all() else rows[ok]


def cone_mesh(
    tip: np.ndarray, axis: np.ndarray, length: float, radius: float, sides: int = 12
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A closed cone pointing along axis with its apex at tip: (vertexes (V, 3), faces (F, 3),
    unit normals (V, 3)). The side has smooth normals; the base disc faces backwards."""
    tip = np.asarray(tip, dtype=np.float64)
    u = np.asarray(axis, dtype=np.float64)
    u = u / np.linalg.norm(u)
    helper = np.array([0.0, 0.0, 1.0]) if abs(u[2]) < 0.9 else np.array([1.0, 0.0, 0.0])
    e1 = np.cross(u, helper)
    e1 /= np.linalg.norm(e1)
    e2 = np.cross(u, e1)
    angles = np.linspace(0.0, 2 * math.pi, sides, endpoint=False)
    radial = np.cos(angles)[:, None] * e1 + np.sin(angles)[:, None] * e2
    base_center = tip - length * u
    ring = base_center + radius * radial
    slant = math.hypot(length, radius)
    side_normals = (length * radial + radius * u) / slant
    mid = angles + math.pi / sides
    mid_radial = np.cos(mid)[:, None] * e1 + np.sin(mid)[:, None] * e2
    apex_normals = (length * mid_radial + radius * u) / slant
    k = np.arange(sides)
    # vertex blocks: ring (side normals) | one apex per side | ring again (base) | base centre
    vertexes = np.concatenate([ring, np.repeat(tip[None], sides, 0), ring, base_center[None]])
    normals = np.concatenate([side_normals, apex_normals, np.repeat(-u[None], sides, 0), -u[None]])
    side_faces = np.stack([k, (k + 1) % sides, sides + k], axis=1)
    base_faces = np.stack(
        [np.full(sides, 3 * sides), 2 * sides + (k + 1) % sides, 2 * sides + k], axis=1
    )
    faces = np.concatenate([side_faces, base_faces]).astype(np.uint32)
    return vertexes, faces, normals


def arrow_head_segments_2d(
    starts: np.ndarray, vectors: np.ndarray, pixel_size: tuple[float, float], head_px: float = 9.0
) -> np.ndarray:
    """Shaft and two-barbed head of each 2D arrow, as (6N, 2) rows for connect='pairs'.

    starts and vectors are (N, 2) in data units; pixel_size is the data size of one screen
    pixel along x and y, so barbs look the same at any axis scale. Heads never exceed 40 % of
    their arrow. Zero-length arrows give no rows.
    """
    starts = np.asarray(starts, dtype=np.float64).reshape(-1, 2)
    vectors = np.asarray(vectors, dtype=np.float64).reshape(-1, 2)
    px = np.array(pixel_size, dtype=np.float64)
    in_px = vectors / px
    length_px = np.hypot(in_px[:, 0], in_px[:, 1])
    keep = np.isfinite(length_px) & (length_px > 1e-9) & np.isfinite(starts).all(axis=1)
    starts, vectors, in_px, length_px = starts[keep], vectors[keep], in_px[keep], length_px[keep]
    ends = starts + vectors
    unit = in_px / length_px[:, None]
    head = np.minimum(head_px, 0.4 * length_px)[:, None]
    angle = math.radians(26.0)
    c, s = math.cos(angle), math.sin(angle)
    back = -unit
    left = back @ np.array([[c, s], [-s, c]])  # back turned by +angle (row vectors)
    right = back @ np.array([[c, -s], [s, c]])  # and by -angle
    rows = np.empty((starts.shape[0], 6, 2))
    rows[:, 0], rows[:, 1] = starts, ends
    rows[:, 2], rows[:, 3] = ends, ends + left * head * px
    rows[:, 4], rows[:, 5] = ends, ends + right * head * px
    return rows.reshape(-1, 2)
