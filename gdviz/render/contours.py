"""Level curves of a gridded height field by vectorised marching squares (numpy only)."""

from __future__ import annotations

import numpy as np

# Corners of cell (i, j): a = (i, j), b = (i+1, j), c = (i+1, j+1), d = (i, j+1); the case
# index has bit 1 for a above the level, 2 for b, 4 for c, 8 for d. Edges: 0 = ab (y = y_j),
# 1 = bc (x = x_{i+1}), 2 = dc (y = y_{j+1}), 3 = ad (x = x_i). Each case lists the edge pairs
# its segments join; the saddles 5 and 10 are settled by the cell-centre value below.
_SEGMENTS: dict[int, tuple[tuple[int, int], ...]] = {
    1: ((0, 3),),
    2: ((0, 1),),
    3: ((1, 3),),
    4: ((1, 2),),
    6: ((0, 2),),
    7: ((2, 3),),
    8: ((2, 3),),
    9: ((0, 2),),
    11: ((1, 2),),
    12: ((1, 3),),
    13: ((0, 1),),
    14: ((0, 3),),
}
# saddle case -> segments when the centre is above the level / below it
_SADDLES: dict[int, tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]] = {
    5: (((0, 1), (2, 3)), ((0, 3), (1, 2))),  # a, c above
    10: (((0, 3), (1, 2)), ((0, 1), (2, 3))),  # b, d above
}


def _edge_tables() -> tuple[np.ndarray, np.ndarray]:
    """(32, 2, 2) edge pairs per (case + 16·centre_above), -1 where a cell has fewer segments."""
    table = np.full((32, 2, 2), -1, dtype=np.int8)
    for case, segments in _SEGMENTS.items():
        for above in (0, 1):
            for k, pair in enumerate(segments):
                table[case + 16 * above, k] = pair
    for case, (when_above, when_below) in _SADDLES.items():
        for k, pair in enumerate(when_above):
            table[case + 16, k] = pair
        for k, pair in enumerate(when_below):
            table[case, k] = pair
    return table[:, :, 0], table[:, :, 1]


_EDGE_FROM, _EDGE_TO = _edge_tables()


def contour_levels(lo: float, hi: float, count: int) -> np.ndarray:
    """count evenly spaced levels strictly inside (lo, hi) (none when the range is empty)."""
    lo, hi = float(lo), float(hi)
    if count <= 0 or not (np.isfinite(lo) and np.isfinite(hi)) or hi <= lo:
        return np.empty(0)
    return np.linspace(lo, hi, count + 2)[1:-1]


def level_segments(
    xs: np.ndarray, ys: np.ndarray, z: np.ndarray, levels: np.ndarray | list[float]
) -> np.ndarray:
    """Line segments of the level curves z = L for each level, as a (2K, 2) array of (x, y)
    rows, consecutive rows forming one segment (for connect='pairs').

    z[i, j] is the value at (xs[i], ys[j]); cells with a NaN corner (holes) have no curve.
    A corner counts as above a level when z > L.
    """
    xs = np.asarray(xs, dtype=np.float64)
    ys = np.asarray(ys, dtype=np.float64)
    z = np.asarray(z, dtype=np.float64)
    if z.shape != (xs.size, ys.size):
        raise ValueError(f"z must have shape {(xs.size, ys.size)}, got {z.shape}")
    if xs.size < 2 or ys.size < 2:
        return np.empty((0, 2))
    za, zb = z[:-1, :-1], z[1:, :-1]
    zc, zd = z[1:, 1:], z[:-1, 1:]
    defined = np.isfinite(za) & np.isfinite(zb) & np.isfinite(zc) & np.isfinite(zd)
    cell_lo = np.fmin(np.fmin(za, zb), np.fmin(zc, zd))
    cell_hi = np.fmax(np.fmax(za, zb), np.fmax(zc, zd))
    pieces = []
    for level in np.asarray(levels, dtype=np.float64).ravel():
        # cells the level passes through: some corner above it and some not
        ii, jj = np.nonzero(defined & (cell_hi > level) & (cell_lo <= level))
        if ii.size == 0:
            continue
        pieces.append(_cell_segments(xs, ys, z, float(level), ii, jj))
    if not pieces:
        return np.empty((0, 2))
    return np.concatenate(pieces)


def _cell_segments(
    xs: np.ndarray, ys: np.ndarray, z: np.ndarray, level: float, ii: np.ndarray, jj: np.ndarray
) -> np.ndarray:
    """Segment endpoints (2K, 2) of one level inside the cells (ii, jj) it crosses."""
    a, b = z[ii, jj], z[ii + 1, jj]
    c, d = z[ii + 1, jj + 1], z[ii, jj + 1]
    case = (
        (a > level).astype(np.intp)
        + 2 * (b > level)
        + 4 * (c > level)
        + 8 * (d > level)
        + 16 * ((a + b + c + d) * 0.25 > level)
    )
    x0, x1 = xs[ii], xs[ii + 1]
    y0, y1 = ys[jj], ys[jj + 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        # where the level crosses each edge, as a fraction along it (used only on crossed edges)
        t_ab = (level - a) / (b - a)
        t_bc = (level - b) / (c - b)
        t_dc = (level - d) / (c - d)
        t_ad = (level - a) / (d - a)
        edge_x = np.stack([x0 + t_ab * (x1 - x0), x1, x0 + t_dc * (x1 - x0), x0])
        edge_y = np.stack([y0, y0 + t_bc * (y1 - y0), y1, y0 + t_ad * (y1 - y0)])
    out = []
    for k in (0, 1):
        e_from, e_to = _EDGE_FROM[case, k], _EDGE_TO[case, k]
        (cells,) = np.nonzero(e_from >= 0)
        if cells.size == 0:
            continue
        seg = np.empty((cells.size, 2, 2))
        seg[:, 0, 0] = edge_x[e_from[cells], cells]
        seg[:, 0, 1] = edge_y[e_from[cells], cells]
        seg[:, 1, 0] = edge_x[e_to[cells], cells]
        seg[:, 1, 1] = edge_y[e_to[cells], cells]
        out.append(seg.reshape(-1, 2))
    return np.concatenate(out) if out else np.empty((0, 2))
