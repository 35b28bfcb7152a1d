"""Choosing a camera that shows what matters: frame the box, and see the path past the hills.

Everything here is in scene coordinates (see axes3d.SceneMapping) and pure numpy: the view
calls it, and tests call it with no window.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gdviz.render.picking import bilinear_height

# Candidate views: a surface still reads as 3D between about 20° and 60° of elevation.
CANDIDATE_ELEVATIONS = (28.0, 40.0, 52.0, 20.0)
CANDIDATE_AZIMUTHS = tuple(float(a) for a in range(-180, 180, 20))
RAY_STEPS = 48
OCCLUSION_MARGIN = 0.01  # scene units (the box is 1 high): a hill must rise this far above a ray


@dataclass(frozen=True)
class CameraChoice:
    """A chosen view: its angles and the share of the target points it can see."""

    elevation: float
    azimuth: float
    visible: float


def view_axes(elevation: float, azimuth: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(forward, right, up) unit vectors of a camera at elevation/azimuth (pyqtgraph's angles)."""
    el, az = math.radians(elevation), math.radians(azimuth)
    forward = -np.array([math.cos(el) * math.cos(az), math.cos(el) * math.sin(az), math.sin(el)])
    right = np.array([-math.sin(az), math.cos(az), 0.0])
    return forward, right, np.cross(right, forward)


def frame_points(
    points: np.ndarray, elevation: float, azimuth: float, fov_degrees: float, aspect: float
) -> tuple[np.ndarray, float]:
    """(centre, distance) of a camera at elevation/azimuth whose view just holds `points`
    (N, 3), centred; `aspect` is width / height, the field of view is horizontal."""
    forward, right, up = view_axes(elevation, azimuth)
    # the anchors' text reaches past them: keep ~8 % of the view free on each side
    tan_h = 0.84 * math.tan(math.radians(fov_degrees) / 2)
    tan_v = tan_h / aspect
    center = points.mean(axis=0)
    distance = 1.0
    for _ in range(6):  # perspective makes centring nonlinear; a few corrections converge
        rel = points - center
        depth = rel @ forward
        distance = float(
            max(
                (np.abs(rel @ right) / tan_h - depth).max(),
                (np.abs(rel @ up) / tan_v - depth).max(),
            )
        )
        along = depth + distance
        nx, ny = (rel @ right) / (along * tan_h), (rel @ up) / (along * tan_v)
        shift = right * (nx.max() + nx.min()) / 2 * distance * tan_h
        shift += up * (ny.max() + ny.min()) / 2 * distance * tan_v
        center = center + shift
    return center, distance


def camera_position(center: np.ndarray, distance: float, elevation: float, azimuth: float):
    """Where the eye is: `distance` back from `center` against the view direction."""
    forward, _, _ = view_axes(elevation, azimuth)
    return np.asarray(center, dtype=np.float64) - distance * forward


def visible_mask(
    eye: np.ndarray, targets: np.ndarray, sx: np.ndarray, sy: np.ndarray, sz: np.ndarray
) -> np.ndarray:
    """For each target point (N, 3), whether the straight line from `eye` to it passes above
    the height field sz[i, j] over (sx[i], sy[j]) (holes and the outside count as open)."""
    targets = np.asarray(targets, dtype=np.float64).reshape(-1, 3)
    if targets.size == 0:
        return np.zeros(0, dtype=bool)
    # sample the segment strictly between the eye and the target (not at the target itself,
    # which lies on the surface)
    t = np.linspace(0.0, 1.0, RAY_STEPS + 2)[1:-1]
    t = t[t < 0.985]
    along = eye[None, None, :] + (targets[:, None, :] - eye[None, None, :]) * t[None, :, None]
    ground = bilinear_height(sx, sy, sz, along[..., 0], along[..., 1])
    blocked = np.nan_to_num(ground - along[..., 2], nan=-1.0) > OCCLUSION_MARGIN
    return ~blocked.any(axis=1)


def choose_view(
    grid: tuple[np.ndarray, np.ndarray, np.ndarray],
    targets: np.ndarray,
    box_points: np.ndarray,
    fov_degrees: float,
    aspect: float,
    preferred: tuple[float, float],
    weights: np.ndarray | None = None,
) -> CameraChoice:
    """The candidate view that sees the most of `targets` (weighted), framing `box_points`.

    Among views that see as much, the one nearest `preferred` (elevation, azimuth) wins, so the
    usual three-quarter view is kept whenever it already shows everything.
    """
    sx, sy, sz = grid
    targets = np.asarray(targets, dtype=np.float64).reshape(-1, 3)
    w = np.ones(len(targets)) if weights is None else np.asarray(weights, dtype=np.float64)
    total = float(w.sum()) or 1.0
    best: tuple[float, float, CameraChoice] | None = None
    pe, pa = preferred
    for elevation in CANDIDATE_ELEVATIONS:
        for azimuth in (pa, *CANDIDATE_AZIMUTHS):
            center, distance = frame_points(box_points, elevation, azimuth, fov_degrees, aspect)
            eye = camera_position(center, distance, elevation, azimuth)
            seen = float(w[visible_mask(eye, targets, sx, sy, sz)].sum()) / total
            turn = abs((azimuth - pa + 180.0) % 360.0 - 180.0) / 180.0
            closeness = turn + abs(elevation - pe) / 90.0
            key = (round(seen, 3), -closeness)
            if best is None or key > best[:2]:
                best = (key[0], key[1], CameraChoice(elevation, azimuth, seen))
            if key == (1.0, 0.0):
                return best[2]  # the preferred view sees everything: nothing can beat it
    assert best is not None
    return best[2]
