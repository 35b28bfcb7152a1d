"""Many starts in the 3D view: every path in one line item, start dots and the minima found."""

from __future__ import annotations

import numpy as np
from pyqtgraph.opengl.GLGraphicsItem import GLGraphicsItem

from gdviz.render.axes3d import SceneMapping
from gdviz.render.items.coords import PATH_LIFT, scene_rows
from gdviz.render.items.lines import DepthTestedLine
from gdviz.render.items.marker import MarkerItem
from gdviz.render.items.pulled import PulledDots
from gdviz.render.scatter_geometry import marker_size, segments_until

LINE_WIDTH = 1.3  # px: thin, so hundreds of paths stay readable
LINE_ALPHA = 0.8
_MINIMUM_RING, _MINIMUM_DOT = 17.0, 12.0  # px
_RING_COLOR = (1.0, 1.0, 1.0, 1.0)


class ScatterItems:
    """K paths (one 'lines' item with a colour per vertex: K items would cost K draw calls a
    frame), a dot at every start and, while the paths grow (an export), at every tip; a
    white-ringed dot at each minimum found. Rows are data (x, y, z_display) at sampled steps."""

    def __init__(self) -> None:
        self.lines = DepthTestedLine(
            mode="lines", width=LINE_WIDTH, antialias=True, glOptions="translucent"
        )
        self.starts = PulledDots(pxMode=True, glOptions="translucent")
        self.tips = PulledDots(pxMode=True, glOptions="translucent")
        self.minimum_rings = MarkerItem(size=_MINIMUM_RING, pxMode=True, glOptions="translucent")
        self.minimum_dots = MarkerItem(size=_MINIMUM_DOT, pxMode=True, glOptions="translucent")
        self.minimum_dots.pull = self.minimum_rings.pull + 0.01
        self.minimum_rings.setData(color=_RING_COLOR)
        self._rows = np.zeros((0, 0, 3))
        self._steps = np.zeros(0, dtype=np.intp)
        self._colors = np.zeros((0, 4), np.float32)
        self._minima = np.zeros((0, 3))
        self._minimum_colors = np.zeros((0, 4), np.float32)
        self._scene = np.zeros((0, 0, 3), np.float32)
        self._minimum_scene = np.zeros((0, 3), np.float32)
        self.head: float | None = None
        for item in self.items():
            item.hide()

    def items(self) -> tuple[GLGraphicsItem, ...]:
        return (self.lines, self.starts, self.tips, self.minimum_rings, self.minimum_dots)

    def set(
        self,
        rows: np.ndarray,
        steps: np.ndarray,
        colors: np.ndarray,
        minima: np.ndarray,
        minimum_colors: np.ndarray,
        mapping: SceneMapping,
    ) -> None:
        """rows (T, K, 3) of the paths at `steps`; colors (K, 4); minima (M, 3) and theirs."""
        self._rows = np.asarray(rows, dtype=np.float64)
        self._steps = np.asarray(steps, dtype=np.intp)
        self._colors = np.asarray(colors, dtype=np.float32).reshape(-1, 4)
        self._minima = np.asarray(minima, dtype=np.float64).reshape(-1, 3)
        self._minimum_colors = np.asarray(minimum_colors, dtype=np.float32).reshape(-1, 4)
        size = marker_size(self._rows.shape[1] if self._rows.ndim == 3 else 0)
        self.starts.setData(size=size)
        self.tips.setData(size=size + 2.0)
        self.remap(mapping)

    def remap(self, mapping: SceneMapping) -> None:
        """Scene coordinates again, after the data ↔ scene mapping changed."""
        t, k = self._rows.shape[:2] if self._rows.ndim == 3 else (0, 0)
        flat = scene_rows(mapping, self._rows.reshape(-1, 3), PATH_LIFT) if t * k else None
        self._scene = np.zeros((0, 0, 3), np.float32) if flat is None else flat.reshape(t, k, 3)
        if len(self._minima):
            self._minimum_scene = scene_rows(mapping, self._minima, PATH_LIFT)
        else:
            self._minimum_scene = np.zeros((0, 3), np.float32)
        self.redraw()

    def set_head(self, head: float | None) -> None:
        self.head = head
        self.redraw()

    def clear(self) -> None:
        self._rows = np.zeros((0, 0, 3))
        self._scene = np.zeros((0, 0, 3), np.float32)
        self._minima = np.zeros((0, 3))
        self._minimum_scene = np.zeros((0, 3), np.float32)
        for item in self.items():
            item.hide()

    def segment_count(self) -> int:
        """How many line segments are drawn now."""
        pos = self.lines.pos
        return 0 if pos is None or not self.lines.visible() else len(pos) // 2

    def redraw(self) -> None:
        scene = self._scene
        if scene.size == 0:
            self.clear()
            return
        colors = self._colors.copy()
        colors[:, 3] *= LINE_ALPHA
        pos, vertex_colors = segments_until(scene, self._steps, colors, self.head)
        if len(pos):
            self.lines.setData(pos=pos, color=vertex_colors)
        self.lines.setVisible(len(pos) > 0)
        self._show_dots(self.starts, scene[0], self._colors)
        if self.head is None:
            self.tips.hide()
        else:
            tips = _tips(scene, self._steps, self.head)
            self._show_dots(self.tips, tips, self._colors)
        minima = self._minimum_scene
        for item in (self.minimum_rings, self.minimum_dots):
            item.setVisible(len(minima) > 0)
        if len(minima):
            self.minimum_rings.setData(pos=minima)
            self.minimum_dots.setData(pos=minima, color=self._minimum_colors)

    @staticmethod
    def _show_dots(item: PulledDots, rows: np.ndarray, colors: np.ndarray) -> None:
        ok = np.isfinite(rows).all(axis=1)
        if not ok.any():
            item.hide()
            return
        item.setData(pos=rows[ok], color=colors[ok])
        item.show()


def _tips(scene: np.ndarray, steps: np.ndarray, head: float) -> np.ndarray:
    """Where each path's tip is at step `head` (between two samples: part of the way)."""
    i = int(np.searchsorted(steps, head, side="right")) - 1
    i = min(max(i, 0), len(steps) - 1)
    if i >= len(steps) - 1 or head <= steps[0]:
        return scene[i]
    share = (head - steps[i]) / (steps[i + 1] - steps[i])
    return scene[i] + share * (scene[i + 1] - scene[i])
