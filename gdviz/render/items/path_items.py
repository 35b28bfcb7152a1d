"""One descent run in the 3D view: a polyline, a start dot and a head dot."""

from __future__ import annotations

import math

import numpy as np
from pyqtgraph.opengl.GLGraphicsItem import GLGraphicsItem

from gdviz.render.axes3d import SceneMapping
from gdviz.render.items.coords import PATH_LIFT, scene_rows
from gdviz.render.items.gl_options import SEE_THROUGH
from gdviz.render.items.lines import DepthTestedLine, HiddenPartLine
from gdviz.render.items.marker import MarkerItem
from gdviz.render.paths import PathBuffer, decimated, finite_rows

PATH_WIDTH = 3.0  # px
_PATH_MARKER_PULL = 0.1  # scene units path markers are drawn towards the camera
_START_RING_COLOR = (1.0, 1.0, 1.0, 1.0)
_HEAD_EDGE_COLOR = (0.08, 0.08, 0.1, 0.9)
_START_RING_SIZE, _START_DOT_SIZE = 13.0, 7.0  # px: a white-edged dot where a run starts
_HEAD_EDGE_SIZE, _HEAD_DOT_SIZE = 15.0, 11.0  # px: a filled dot at the current iterate
HIDDEN_ALPHA = 0.6  # the x-ray pass: how strongly a hidden stretch of path shows through


class PathItems:
    """One descent run in the 3D view: a polyline, a white-edged start dot and a head dot,
    with an x-ray pass: where the surface hides the path or its head, a faint copy shows
    through, so the eye can follow the run behind a hill.

    Keeps the data points (x, y, z_display) and their scene coordinates in growing buffers, so
    an appended iterate costs one small conversion and a vertex upload, not a rebuild.
    """

    def __init__(self, color: tuple[float, float, float, float]) -> None:
        self.data = PathBuffer(3)
        self.scene = PathBuffer(3, np.float32)
        self.fraction = 0.0  # how far the head is along the segment after step data.head
        self.line = DepthTestedLine(
            mode="line_strip", width=PATH_WIDTH, antialias=True, glOptions="translucent"
        )
        self.hidden = HiddenPartLine(
            mode="line_strip", width=PATH_WIDTH - 1.0, antialias=True, glOptions="translucent"
        )
        self.head_ghost = MarkerItem(size=_HEAD_DOT_SIZE, pxMode=True, glOptions=SEE_THROUGH)
        self.start_ring = MarkerItem(size=_START_RING_SIZE, pxMode=True, glOptions="translucent")
        self.start_dot = MarkerItem(size=_START_DOT_SIZE, pxMode=True, glOptions="translucent")
        self.head_edge = MarkerItem(size=_HEAD_EDGE_SIZE, pxMode=True, glOptions="translucent")
        self.head_dot = MarkerItem(size=_HEAD_DOT_SIZE, pxMode=True, glOptions="translucent")
        # the smaller dot of each pair sits a little nearer the camera than its rim
        self.start_ring.pull = self.head_edge.pull = _PATH_MARKER_PULL
        self.start_dot.pull = self.head_dot.pull = _PATH_MARKER_PULL + 0.01
        self.start_ring.setData(color=_START_RING_COLOR)
        self.head_edge.setData(color=_HEAD_EDGE_COLOR)
        self.set_color(color)

    def items(self) -> tuple[GLGraphicsItem, ...]:
        return (
            self.hidden, self.head_ghost, self.line,
            self.start_ring, self.start_dot, self.head_edge, self.head_dot,
        )  # fmt: skip

    def set_color(self, color: tuple[float, float, float, float]) -> None:
        self.color = color
        faint = (color[0], color[1], color[2], color[3] * HIDDEN_ALPHA)
        self.hidden.setData(color=faint)
        self.head_ghost.setData(color=faint)
        self.line.setData(color=color)
        self.start_dot.setData(color=color)
        self.head_dot.setData(color=color)

    def set_points(self, rows: np.ndarray, mapping: SceneMapping) -> None:
        self.data.set(rows)
        self.remap(mapping)

    def append_points(self, rows: np.ndarray, mapping: SceneMapping) -> None:
        """Add rows; a scrubbed head stays where it is (set_head(None) follows the end)."""
        self.data.append(rows)
        self.scene.append(scene_rows(mapping, rows, PATH_LIFT))
        self.redraw()

    def set_head(self, k: float | None) -> None:
        """Show the path up to step k; a fractional k (an exported frame between two steps)
        ends on the straight segment from step ⌊k⌋ toward the next."""
        whole = None if k is None else math.floor(k)
        self.data.head = self.scene.head = whole
        self.fraction = 0.0 if k is None else float(k) - whole
        self.redraw()

    def remap(self, mapping: SceneMapping) -> None:
        """Recompute scene coordinates after the data <-> scene mapping changed."""
        head = self.data.head
        self.scene.set(scene_rows(mapping, self.data.all_rows(), PATH_LIFT))
        self.scene.head = head
        self.redraw()

    def shown_rows(self) -> np.ndarray:
        """The scene rows drawn: up to the head, and the part of the next segment walked."""
        shown = self.scene.shown_rows()
        count = len(shown)
        if self.fraction <= 0.0 or count == 0 or count >= len(self.scene):
            return shown
        start, end = self.scene.all_rows()[count - 1 : count + 1]
        return np.vstack([shown, start + self.fraction * (end - start)])

    def redraw(self) -> None:
        shown = decimated(self.shown_rows())
        if not np.isfinite(shown).all():
            shown = finite_rows(shown)  # NaN heights (log scale of f <= 0): join the neighbours
        if len(shown) == 0:
            for item in self.items():
                item.hide()
            return
        self.line.setData(pos=shown)
        self.hidden.setData(pos=shown)
        self.line.setVisible(len(shown) >= 2)
        self.hidden.setVisible(len(shown) >= 2)
        for item, pos in (
            (self.head_ghost, shown[-1:]),
            (self.start_ring, shown[:1]),
            (self.start_dot, shown[:1]),
            (self.head_edge, shown[-1:]),
            (self.head_dot, shown[-1:]),
        ):
            item.setData(pos=pos)
            item.show()
