"""Screen point -> ray -> first crossing with a gridded height field (numpy only, no Qt or GL)."""

from __future__ import annotations

import math

import numpy as np

_MAX_SAMPLES = 20000  # ray samples; half a cell apart up to 10,000-cell-long rays
_BISECTIONS = 48


def ray_from_screen(
    px: float, py: float, width: float, height: float, mvp: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The ray (origin, unit direction) in scene coordinates under the screen point (px, py).

    px, py are widget coordinates (origin top-left, y down) in a width × height viewport;
    mvp is the 4×4 projection·view matrix acting on column vectors. The origin lies on the
    near plane, the direction points away from the camera.
    """
    inverse = np.linalg.inv(np.asarray(mvp, dtype=np.float64))
    nx = 2.0 * float(px) / float(width) - 1.0
    ny = 1.0 - 2.0 * float(py) / float(height)
    near = inverse @ np.array([nx, ny, -1.0, 1.0])
    far = inverse @ np.array([nx, ny, 1.0, 1.0])
    near = near[:3] / near[3]
    far = far[:3] / far[3]
    direction = far - near
    return near, direction / np.linalg.norm(direction)


def bilinear_height(
    xs: np.ndarray, ys: np.ndarray, z: np.ndarray, x: np.ndarray, y: np.ndarray
) -> np.ndarray:
    """Bilinear interpolation of z[i, j] = f(xs[i], ys[j]) at (x, y); NaN outside the grid or in
    a cell with a NaN corner (a hole). xs and ys must increase."""
    xs = np.asarray(xs, dtype=np.float64)
    ys = np.asarray(ys, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    i = np.clip(np.searchsorted(xs, x, side="right") - 1, 0, xs.size - 2)
    j = np.clip(np.searchsorted(ys, y, side="right") - 1, 0, ys.size - 2)
    tx = (x - xs[i]) / (xs[i + 1] - xs[i])
    ty = (y - ys[j]) / (ys[j + 1] - ys[j])
    z00, z10 = z[i, j], z[i + 1, j]
    z01, z11 = z[i, j + 1], z[i + 1, j + 1]
    value = (z00 * (1 - tx) + z10 * tx) * (1 - ty) + (z01 * (1 - tx) + z11 * tx) * ty
    inside = (x >= xs[0]) & (x <= xs[-1]) & (y >= ys[0]) & (y <= ys[-1])
    return np.where(inside, value, np.nan)


def _slab(lo: float, hi: float, origin: float, direction: float) -> tuple[float, float]:
    """The parameter interval where origin + t·direction lies in [lo, hi] on one axis."""
    if abs(direction) < 1e-300:
        return (-math.inf, math.inf) if lo <= origin <= hi else (math.inf, -math.inf)
    t0, t1 = (lo - origin) / direction, (hi - origin) / direction
    return (min(t0, t1), max(t0, t1))


def intersect_height_field(
    origin: np.ndarray,
    direction: np.ndarray,
    xs: np.ndarray,
    ys: np.ndarray,
    z: np.ndarray,
) -> tuple[float, float, float] | None:
    """The first point where the ray origin + t·direction (t ≥ 0) meets the bilinear surface
    z[i, j] over (xs[i], ys[j]), or None when it misses. All in one coordinate frame.

    The ray is clipped to the box of the grid and its finite heights, sampled every half cell,
    and the first sign change of (ray z − surface z) between two defined samples is bisected.
    Holes (NaN) are never hit; a crossing narrower than half a cell may be stepped over.
    """
    o = np.asarray(origin, dtype=np.float64)
    d = np.asarray(direction, dtype=np.float64)
    xs = np.asarray(xs, dtype=np.float64)
    ys = np.asarray(ys, dtype=np.float64)
    z = np.asarray(z, dtype=np.float64)
    finite = z[np.isfinite(z)]
    if finite.size == 0 or xs.size < 2 or ys.size < 2:
        return None
    z_lo, z_hi = float(finite.min()), float(finite.max())
    pad = 1e-9 * max(1.0, abs(z_lo), abs(z_hi))
    t_in, t_out = 0.0, math.inf
    for lo, hi, oc, dc in (
        (xs[0], xs[-1], o[0], d[0]),
        (ys[0], ys[-1], o[1], d[1]),
        (z_lo - pad, z_hi + pad, o[2], d[2]),
    ):
        a, b = _slab(float(lo), float(hi), float(oc), float(dc))
        t_in, t_out = max(t_in, a), min(t_out, b)
    if not t_in <= t_out:
        return None

    cell = min(float(np.min(np.diff(xs))), float(np.min(np.diff(ys))))
    xy_speed = math.hypot(d[0], d[1])
    steps_xy = (t_out - t_in) * xy_speed / (0.5 * cell)
    # a steep ray hardly moves in (x, y); also sample finely in z
    steps_z = (t_out - t_in) * abs(d[2]) / max((z_hi - z_lo) / 200.0, 1e-300)
    count = int(min(max(steps_xy, steps_z, 1.0), _MAX_SAMPLES)) + 2
    t = np.linspace(t_in, t_out, count)

    def gap(tt: np.ndarray) -> np.ndarray:
        p = o[:, None] + d[:, None] * tt
        return p[2] - bilinear_height(xs, ys, z, p[0], p[1])

    g = gap(t)
    ok = np.isfinite(g[:-1]) & np.isfinite(g[1:])
    touch = g[:-1] == 0
    change = ok & ((np.sign(g[:-1]) != np.sign(g[1:])) | touch)
    for k in np.flatnonzero(change):
        a, b = float(t[k]), float(t[k + 1])
        ga = float(g[k])
        if ga == 0:
            hit = a
        else:
            hit = _bisect(gap, a, b, ga)
            if hit is None:
                continue  # a hole inside the bracket
        p = o + d * hit
        height = float(bilinear_height(xs, ys, z, p[0:1], p[1:2])[0])
        return (float(p[0]), float(p[1]), height)
    return None


def _bisect(gap, a: float, b: float, ga: float) -> float | None:
    """Bisect a sign change of gap on [a, b] (gap(a) = ga); None when it meets a hole."""
    for _ in range(_BISECTIONS):
        mid = 0.5 * (a + b)
        gm = float(gap(np.array([mid]))[0])
        if not math.isfinite(gm):
            return None
        if gm == 0:
            return mid
        if (gm > 0) == (ga > 0):
            a, ga = mid, gm
        else:
            b = mid
    return 0.5 * (a + b)


def pick_height_field(
    px: float,
    py: float,
    width: float,
    height: float,
    mvp: np.ndarray,
    xs: np.ndarray,
    ys: np.ndarray,
    z: np.ndarray,
) -> tuple[float, float, float] | None:
    """The surface point (in the frame of xs, ys, z) under the screen point, or None."""
    origin, direction = ray_from_screen(px, py, width, height, mvp)
    return intersect_height_field(origin, direction, xs, ys, z)
