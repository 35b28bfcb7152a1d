"""Vectorised triangle mesh, normals and NaN holes of a height field z[i, j] = f(xs[i], ys[j])."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np


@dataclass(frozen=True)
class MeshArrays:
    """An indexed triangle mesh ready for the GPU.

    vertexes (N, 3) float32, one per grid node in C order of z (index i * len(ys) + j);
    faces (F, 3) uint32, counter-clockwise seen from +z; normals (N, 3) float32 unit vectors;
    strip: the same triangles as one uint32 triangle strip when the grid has no hole, else None.
    """

    vertexes: np.ndarray
    faces: np.ndarray
    normals: np.ndarray
    strip: np.ndarray | None = None


@lru_cache(maxsize=8)
def grid_faces(n: int, m: int) -> np.ndarray:
    """The (2 (n-1)(m-1), 3) uint32 triangles of an n × m grid, two per cell (read-only, cached).

    Cell (i, j) with corners a = (i, j), b = (i+1, j), c = (i+1, j+1), d = (i, j+1) gives the
    triangles (a, b, c) and (a, c, d), both counter-clockwise seen from +z.
    """
    if n < 2 or m < 2:
        return np.empty((0, 3), dtype=np.uint32)
    a = (np.arange(n - 1, dtype=np.uint32)[:, None] * m + np.arange(m - 1, dtype=np.uint32)).ravel()
    b = a + m
    c = b + 1
    d = a + 1
    faces = np.empty((a.size, 2, 3), dtype=np.uint32)
    faces[:, 0, 0] = a
    faces[:, 0, 1] = b
    faces[:, 0, 2] = c
    faces[:, 1, 0] = a
    faces[:, 1, 1] = c
    faces[:, 1, 2] = d
    faces = faces.reshape(-1, 3)
    faces.flags.writeable = False
    return faces


@lru_cache(maxsize=8)
def grid_strip(n: int, m: int) -> np.ndarray:
    """grid_faces(n, m) as one triangle strip: uint32 indices, read-only, cached.

    Row pair i runs (i+1, 0), (i, 0), (i+1, 1), (i, 1), …, so each cell splits along the same
    diagonal, (i, j)–(i+1, j+1), as grid_faces; consecutive rows are joined by repeating the
    last index of one and the first of the next (degenerate triangles, never drawn). A third
    of the indices of the triangle list: software GL shades and fetches that much less.
    """
    if n < 2 or m < 2:
        return np.empty(0, dtype=np.uint32)
    upper = np.arange(n - 1, dtype=np.uint32)[:, None] * m + np.arange(m, dtype=np.uint32)
    rows = np.empty((n - 1, 2 * m + 2), dtype=np.uint32)
    rows[:, 1 : 2 * m + 1 : 2] = upper + m  # (i+1, j)
    rows[:, 2 : 2 * m + 2 : 2] = upper  # (i, j)
    rows[:, 0] = rows[:, 1]  # joins: repeat the row's first index …
    rows[:, -1] = rows[:, -2]  # … and its last
    strip = rows.ravel()[1:-1]  # the first row needs no join before, the last none after
    strip = np.ascontiguousarray(strip)
    strip.flags.writeable = False
    return strip


def _derivative_along_axis0(coords: np.ndarray, z: np.ndarray) -> np.ndarray:
    """dz/dcoord along axis 0 with holes: second-order where both neighbours exist, else one-sided.

    Interior nodes use np.gradient's non-uniform formula (h_b·D_f + h_f·D_b) / (h_b + h_f);
    a node with only one finite neighbour uses that one-sided difference, with none it gets 0.
    """
    n = z.shape[0]
    if n < 2:
        return np.zeros_like(z)
    steps = np.diff(coords)[:, None]
    quotient = (z[1:] - z[:-1]) / steps  # NaN wherever either end is a hole
    if np.isfinite(quotient).all():  # no hole: the same sums, without the masks
        out = np.empty_like(z)
        out[0], out[-1] = quotient[0], quotient[-1]
        out[1:-1] = (steps[:-1] * quotient[1:] + steps[1:] * quotient[:-1]) / (
            steps[:-1] + steps[1:]
        )
        return out
    forward = np.full_like(z, np.nan)
    forward[:-1] = quotient
    backward = np.full_like(z, np.nan)
    backward[1:] = quotient
    h_back = np.ones((n, 1))
    h_back[1:] = steps
    h_fwd = np.ones((n, 1))
    h_fwd[:-1] = steps
    has_fwd = np.isfinite(forward)
    has_back = np.isfinite(backward)
    weight_fwd = np.where(has_fwd, h_back, 0.0)
    weight_back = np.where(has_back, h_fwd, 0.0)
    total = weight_fwd + weight_back
    numerator = weight_fwd * np.where(has_fwd, forward, 0.0) + weight_back * np.where(
        has_back, backward, 0.0
    )
    return np.divide(numerator, total, out=np.zeros_like(z), where=total > 0)


def height_field_normals(xs: np.ndarray, ys: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Unit normals (n, m, 3) of z over the (xs, ys) grid: (-z_x, -z_y, 1) / |…|, holes allowed.

    Non-finite z are holes: derivatives next to a hole are one-sided; a hole node itself gets
    (0, 0, 1). The normal of a height field is exactly this gradient formula, so this is both
    cheaper and more faithful than averaging triangle normals.
    """
    z = np.asarray(z, dtype=np.float64)
    z_x = _derivative_along_axis0(np.asarray(xs, dtype=np.float64), z)
    z_y = _derivative_along_axis0(np.asarray(ys, dtype=np.float64), z.T).T
    normals = np.empty(z.shape + (3,), dtype=np.float32)
    inv_len = 1.0 / np.sqrt(z_x * z_x + z_y * z_y + 1.0)
    normals[..., 0] = -z_x * inv_len
    normals[..., 1] = -z_y * inv_len
    normals[..., 2] = inv_len
    return normals


def surface_mesh(xs: np.ndarray, ys: np.ndarray, z: np.ndarray) -> MeshArrays:
    """The triangle mesh of z (shape (len(xs), len(ys)), indexing 'ij'); non-finite z are holes.

    Triangles touching a hole are dropped; hole vertices stay in the array (so indices match the
    grid) at a finite placeholder height, the lowest finite z, and never reach a face or a normal.
    """
    xs = np.asarray(xs, dtype=np.float64)
    ys = np.asarray(ys, dtype=np.float64)
    z = np.asarray(z, dtype=np.float64)
    n, m = xs.size, ys.size
    if z.shape != (n, m):
        raise ValueError(f"z must have shape (len(xs), len(ys)) = {(n, m)}, got {z.shape}")
    finite = np.isfinite(z)
    all_finite = bool(finite.all())

    vertexes = np.empty((n, m, 3), dtype=np.float32)
    vertexes[..., 0] = xs[:, None]
    vertexes[..., 1] = ys[None, :]
    if all_finite:
        vertexes[..., 2] = z
    else:
        placeholder = float(z[finite].min()) if finite.any() else 0.0
        vertexes[..., 2] = np.where(finite, z, placeholder)

    faces = grid_faces(n, m)
    strip = grid_strip(n, m) if all_finite else None
    if not all_finite:
        ok = finite.ravel()
        faces = faces[ok[faces[:, 0]] & ok[faces[:, 1]] & ok[faces[:, 2]]]

    normals = height_field_normals(xs, ys, z)
    return MeshArrays(vertexes.reshape(-1, 3), faces, normals.reshape(-1, 3), strip)
