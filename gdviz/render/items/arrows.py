"""A set of 3D arrows: shafts as one line item, heads as one lit cone mesh."""

from __future__ import annotations

import numpy as np
import pyqtgraph.opengl as gl
from pyqtgraph.opengl.GLGraphicsItem import GLGraphicsItem

from gdviz.render.axes3d import SceneMapping
from gdviz.render.items.colors import rgba_floats
from gdviz.render.items.coords import PATH_LIFT, scene_rows
from gdviz.render.items.lines import DepthTestedLine
from gdviz.render.items.shaders import LIT_COLOR_SHADER
from gdviz.render.paths import cone_mesh

ARROW_WIDTH = 3.0  # px
_ARROW_HEAD_FRACTION = 0.3  # of the arrow's scene length, at most _ARROW_HEAD_MAX
_ARROW_HEAD_MAX = 0.09  # scene units
_ARROW_HEAD_ASPECT = 0.42  # cone radius / cone length


class ArrowItems:
    """A set of 3D arrows: shafts as one line item, heads as one lit cone mesh."""

    def __init__(self, width: float = ARROW_WIDTH) -> None:
        self.arrows: list[tuple] = []
        self.shafts = DepthTestedLine(
            mode="lines", width=width, antialias=True, glOptions="translucent"
        )
        self.heads = gl.GLMeshItem(smooth=True, shader=LIT_COLOR_SHADER, glOptions="opaque")

    def items(self) -> tuple[GLGraphicsItem, ...]:
        return (self.shafts, self.heads)

    def set_arrows(self, arrows, mapping: SceneMapping) -> None:
        self.arrows = [tuple(a) for a in arrows]
        self.redraw(mapping)

    def redraw(self, mapping: SceneMapping) -> None:
        shaft_pos, shaft_colors = [], []
        vertexes, faces, normals, colors = [], [], [], []
        offset = 0
        for x, y, z, dx, dy, dz, color in self.arrows:
            rgba = rgba_floats(color)
            ends = np.array([[x, y, z], [x + dx, y + dy, z + dz]], dtype=np.float64)
            start, tip = scene_rows(mapping, ends, PATH_LIFT).astype(np.float64)
            vector = tip - start
            length = float(np.linalg.norm(vector))
            if not (np.isfinite(vector).all() and length > 1e-9):
                continue
            head = min(_ARROW_HEAD_FRACTION * length, _ARROW_HEAD_MAX)
            unit = vector / length
            shaft_pos += [start, tip - 0.8 * head * unit]
            shaft_colors += [rgba, rgba]
            v, f, n = cone_mesh(tip, unit, head, _ARROW_HEAD_ASPECT * head)
            vertexes.append(v)
            faces.append(f + offset)
            normals.append(n)
            colors.append(np.tile(rgba, (len(v), 1)))
            offset += len(v)
        if not shaft_pos:
            self.shafts.hide()
            self.heads.hide()
            return
        self.shafts.setData(
            pos=np.array(shaft_pos, dtype=np.float32),
            color=np.array(shaft_colors, dtype=np.float32),
        )
        meshdata = gl.MeshData(
            vertexes=np.concatenate(vertexes).astype(np.float32),
            faces=np.concatenate(faces).astype(np.uint32),
            vertexColors=np.concatenate(colors).astype(np.float32),
        )
        meshdata._vertexNormals = np.concatenate(normals).astype(np.float32)
        self.heads.setMeshData(meshdata=meshdata)
        self.shafts.show()
        self.heads.show()
