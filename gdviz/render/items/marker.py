"""A depth-tested dot drawn a little towards the camera: the point marker and path dots."""

from __future__ import annotations

import numpy as np
import pyqtgraph.opengl as gl
from PySide6 import QtGui

_MARKER_PULL = 0.15  # scene units the marker is drawn towards the camera, clear of the surface


class MarkerItem(gl.GLScatterPlotItem):
    """A depth-tested dot drawn a little towards the camera, so a slope in front of it does not
    cut the disc in half while a hill between it and the camera still hides it."""

    pull = _MARKER_PULL  # scene units towards the camera

    def mvpMatrix(self) -> QtGui.QMatrix4x4:
        mvp = super().mvpMatrix()
        view = self.view()
        if view is None or self.pos is None or len(self.pos) == 0:
            return mvp
        camera = view.cameraPosition()
        offset = np.array([camera.x(), camera.y(), camera.z()]) - self.pos[0]
        offset *= self.pull / max(float(np.linalg.norm(offset)), 1e-9)
        ox, oy, oz = (float(v) for v in offset)
        return mvp * QtGui.QMatrix4x4(1, 0, 0, ox, 0, 1, 0, oy, 0, 0, 1, oz, 0, 0, 0, 1)
