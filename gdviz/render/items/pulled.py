"""Lines, dots and planes pulled towards the camera: they win the depth test where they touch."""

from __future__ import annotations

import pyqtgraph.opengl as gl
from OpenGL import GL
from pyqtgraph.opengl.GLGraphicsItem import GLGraphicsItem
from PySide6 import QtGui

from gdviz.render.items.lines import DepthTestedLine

DOT_PULL = 0.12  # scene units construction dots are drawn towards the camera
LINE_PULL = 0.01  # and curves: a slice curve lying on the surface must not z-fight it
_PLANE_PULL = 0.004  # a tangent plane touches the surface at its point


def _pulled_mvp(item: GLGraphicsItem, mvp: QtGui.QMatrix4x4, pull: float) -> QtGui.QMatrix4x4:
    """mvp after scaling the scene about the camera by 1 − pull/distance: every point moves
    along its own line of sight by about pull scene units towards the camera, so the depth test
    favours it while its pixel stays exactly where it was."""
    view = item.view()
    if view is None:
        return mvp
    camera = view.cameraPosition()
    k = 1.0 - pull / max(float(view.opts["distance"]), 1e-6)
    cx, cy, cz = ((1.0 - k) * v for v in (camera.x(), camera.y(), camera.z()))
    return mvp * QtGui.QMatrix4x4(k, 0, 0, cx, 0, k, 0, cy, 0, 0, k, cz, 0, 0, 0, 1)


class PulledLine(DepthTestedLine):
    """A depth-tested line drawn a little towards the camera."""

    pull = LINE_PULL

    def mvpMatrix(self) -> QtGui.QMatrix4x4:
        return _pulled_mvp(self, super().mvpMatrix(), self.pull)


class PulledDots(gl.GLScatterPlotItem):
    """Depth-tested dots drawn towards the camera (each along its own line of sight)."""

    pull = DOT_PULL

    def mvpMatrix(self) -> QtGui.QMatrix4x4:
        return _pulled_mvp(self, super().mvpMatrix(), self.pull)


class PlaneMesh(gl.GLMeshItem):
    """Translucent, depth-tested quads that write no depth (what lies behind them still
    draws), a little towards the camera so they do not z-fight the surface they touch."""

    pull = _PLANE_PULL

    def mvpMatrix(self) -> QtGui.QMatrix4x4:
        return _pulled_mvp(self, super().mvpMatrix(), self.pull)

    def paint(self) -> None:
        GL.glDepthMask(GL.GL_FALSE)
        try:
            super().paint()
        finally:
            GL.glDepthMask(GL.GL_TRUE)
