"""Scene coordinates of data rows, lifted and clamped for drawing."""

from __future__ import annotations

import numpy as np

from gdviz.render.axes3d import SceneMapping

PATH_LIFT = 0.008  # scene units paths and arrows are raised along z, not to z-fight the surface
_SCENE_LIMIT = 1e4  # scene coordinates are clamped here: far-off iterates stay drawable


def scene_rows(mapping: SceneMapping, rows: np.ndarray, lift: float = 0.0) -> np.ndarray:
    """Scene coordinates (N, 3) float32 of data rows (x, y, z), raised by lift, clamped."""
    sx, sy, sz = mapping.data_to_scene(rows[:, 0], rows[:, 1], rows[:, 2])
    scene = np.stack([sx, sy, sz + lift], axis=1)
    with np.errstate(invalid="ignore"):
        np.clip(scene, -_SCENE_LIMIT, _SCENE_LIMIT, out=scene)
    return scene.astype(np.float32)
