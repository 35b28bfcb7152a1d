"""A faint, see-through second surface over the same box (one mini-batch's loss)."""

from __future__ import annotations

import numpy as np

from gdviz.render.axes3d import SceneMapping
from gdviz.render.items.surface_item import SurfaceMeshItem
from gdviz.render.mesh import surface_mesh

GHOST_RGBA = (235, 235, 255, 70)  # pale and mostly transparent: the full loss stays readable


class GhostSurfaceItem(SurfaceMeshItem):
    """set_heights(xs, ys, z_display, mapping) draws it; remap(mapping) follows a new box."""

    def __init__(self) -> None:
        super().__init__(glOptions="translucent")
        self._data: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self.hide()

    def set_heights(
        self, xs: np.ndarray, ys: np.ndarray, z_display: np.ndarray, mapping: SceneMapping
    ) -> None:
        self._data = (np.asarray(xs, float), np.asarray(ys, float), np.asarray(z_display, float))
        self.remap(mapping)

    def remap(self, mapping: SceneMapping) -> None:
        if self._data is None:
            return
        xs, ys, z = self._data
        sx, sy, sz = mapping.data_to_scene(xs, ys, z)
        mesh = surface_mesh(sx, sy, sz)
        if mesh.faces.size == 0:
            self.hide()
            return
        colors = np.tile(np.array(GHOST_RGBA, dtype=np.uint8), (len(mesh.vertexes), 1))
        self.set_mesh(mesh, colors)
        self.show()

    def clear(self) -> None:
        self._data = None
        self.hide()
