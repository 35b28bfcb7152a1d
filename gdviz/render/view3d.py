"""The 3D view: a lit, colour-mapped surface in a fixed box with axes, ticks, a point marker,
descent paths, arrows, labelled lesson constructions and click-picking."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pyqtgraph.opengl as gl
from OpenGL import GL
from pyqtgraph import functions as pg_functions
from pyqtgraph.opengl.GLGraphicsItem import GLGraphicsItem
from pyqtgraph.opengl.shaders import FragmentShader, ShaderProgram, VertexShader
from PySide6 import QtCore, QtGui, QtOpenGL

from gdviz.render.axes3d import Label, SceneMapping, axis_guides
from gdviz.render.colormap import colors_for
from gdviz.render.construction import (
    Construction,
    dash_count_for,
    dashed_segments,
    placed_label_boxes,
    plane_patch_corners,
    polyline_pairs,
)
from gdviz.render.mesh import surface_mesh
from gdviz.render.paths import PathBuffer, cone_mesh, decimated, finite_rows
from gdviz.render.picking import pick_height_field

log = logging.getLogger(__name__)

DARK_BACKGROUND = "#1e1e24"
LIGHT_BACKGROUND = "#f4f4f0"
MARKER_COLOR = (1.0, 0.27, 0.16, 1.0)
_DROP_COLOR = (1.0, 0.45, 0.35, 0.55)
_GHOST_COLOR = (1.0, 0.27, 0.16, 0.35)  # the marker seen through whatever hides it
_MARKER_SIZE = 16.0  # px
DEFAULT_ELEVATION = 28.0
DEFAULT_AZIMUTH = -60.0  # camera on the +x, -y side: x runs left to right, y into the screen
FIELD_OF_VIEW = 40.0  # horizontal, degrees; narrower than pyqtgraph's 60 for less distortion
_MARKER_PULL = 0.15  # scene units the marker is drawn towards the camera, clear of the surface

PATH_WIDTH = 3.0  # px
PATH_LIFT = 0.008  # scene units a path is raised along z, so it does not z-fight the surface
_PATH_MARKER_PULL = 0.1  # scene units path markers are drawn towards the camera
_START_RING_COLOR = (1.0, 1.0, 1.0, 1.0)
_HEAD_EDGE_COLOR = (0.08, 0.08, 0.1, 0.9)
_START_RING_SIZE, _START_DOT_SIZE = 13.0, 7.0  # px: a white-edged dot where a run starts
_HEAD_EDGE_SIZE, _HEAD_DOT_SIZE = 15.0, 11.0  # px: a filled dot at the current iterate
ARROW_WIDTH = 3.0  # px
_ARROW_HEAD_FRACTION = 0.3  # of the arrow's scene length, at most _ARROW_HEAD_MAX
_ARROW_HEAD_MAX = 0.09  # scene units
_ARROW_HEAD_ASPECT = 0.42  # cone radius / cone length
CLICK_SLOP = 4.0  # px a press may move and still count as a click
_SCENE_LIMIT = 1e4  # scene coordinates are clamped here: far-off iterates stay drawable

# Vertex colour × (ambient + key light + head light) + a little specular, lit on both sides.
# Normals are in eye space (u_normal), so the light moves with the camera and the side facing the
# viewer is always readable. Lighting is per vertex: grids are fine enough for Gouraud shading,
# and llvmpipe (software GL) spends most of a frame in the fragment shader otherwise.
LIT_COLOR_SHADER = ShaderProgram(
    "gdviz-lit-color",
    [
        VertexShader(
            """
            uniform mat4 u_mvp;
            uniform mat3 u_normal;
            attribute vec4 a_position;
            attribute vec3 a_normal;
            attribute vec4 a_color;
            varying vec4 v_color;
            void main() {
                vec3 n = normalize(u_normal * a_normal);
                if (n.z < 0.0) n = -n;  // the underside, seen from below
                vec3 key = normalize(vec3(-0.4, 0.6, 0.7));
                float diffuse = max(dot(n, key), 0.0);
                vec3 halfway = normalize(key + vec3(0.0, 0.0, 1.0));
                float specular = pow(max(dot(n, halfway), 0.0), 24.0);
                vec3 rgb = a_color.rgb * (0.28 + 0.52 * diffuse + 0.30 * n.z) + 0.08 * specular;
                v_color = vec4(min(rgb, vec3(1.0)), a_color.a);
                gl_Position = u_mvp * a_position;
            }
            """
        ),
        FragmentShader(
            """
            #ifdef GL_ES
            precision mediump float;
            #endif
            varying vec4 v_color;
            void main() {
                gl_FragColor = v_color;
            }
            """
        ),
    ],
)

_H_ALIGN = {
    "left": QtCore.Qt.AlignmentFlag.AlignLeft,
    "center": QtCore.Qt.AlignmentFlag.AlignHCenter,
    "right": QtCore.Qt.AlignmentFlag.AlignRight,
}
_V_ALIGN = {
    "top": QtCore.Qt.AlignmentFlag.AlignTop,
    "center": QtCore.Qt.AlignmentFlag.AlignVCenter,
    "bottom": QtCore.Qt.AlignmentFlag.AlignBottom,
}
_LABEL_BOX = 400.0  # px; text is laid out in a box this big, anchored by the alignment side


class _LabelsItem(GLGraphicsItem):
    """All axis labels in one QPainter pass (one GLTextItem per label costs a painter each)."""

    def __init__(self) -> None:
        super().__init__()
        self.labels: list[Label] = []
        self.tick_color = QtGui.QColor("#c9c9d3")
        self.name_color = QtGui.QColor("#ffffff")
        self.tick_font = QtGui.QFont()
        self.tick_font.setPointSizeF(11.0)
        self.name_font = QtGui.QFont()
        self.name_font.setPointSizeF(12.5)
        self.name_font.setBold(True)
        self.hide_z_above_elevation = 75.0

    def set_labels(self, labels: Sequence[Label]) -> None:
        self.labels = list(labels)
        self.update()

    def set_colors(self, tick: str, name: str) -> None:
        self.tick_color, self.name_color = QtGui.QColor(tick), QtGui.QColor(name)
        self.update()

    def paint(self) -> None:
        view = self.view()
        if not self.labels or view is None:
            return
        from_top = view.opts.get("elevation", 0.0) > self.hide_z_above_elevation
        labels = [lb for lb in self.labels if not (from_top and lb.group in ("z", "name-z"))]
        if not labels:
            return
        mvp = np.array(self.mvpMatrix().data(), dtype=np.float64).reshape(4, 4).T
        points = np.array([lb.pos for lb in labels], dtype=np.float64)
        clip = np.c_[points, np.ones(len(points))] @ mvp.T
        viewport = _viewport_pixels()
        if viewport is None:
            return
        with _viewport_painter(view, viewport) as (painter, w, h):
            for label, (cx, cy, _cz, cw) in zip(labels, clip, strict=True):
                if cw <= 1e-9:
                    continue  # behind the camera
                x = (cx / cw + 1.0) * 0.5 * w
                y = (1.0 - cy / cw) * 0.5 * h
                is_name = label.group.startswith("name")
                painter.setFont(self.name_font if is_name else self.tick_font)
                painter.setPen(self.name_color if is_name else self.tick_color)
                left = {"left": x, "center": x - _LABEL_BOX / 2, "right": x - _LABEL_BOX}[label.h]
                top = {"top": y, "center": y - _LABEL_BOX / 2, "bottom": y - _LABEL_BOX}[label.v]
                flags = _H_ALIGN[label.h] | _V_ALIGN[label.v]
                rect = QtCore.QRectF(left, top, _LABEL_BOX, _LABEL_BOX)
                painter.drawText(rect, int(flags.value), label.text)


def _viewport_pixels() -> tuple[int, int] | None:
    """(width, height) in device pixels of the current GL viewport, or None when empty."""
    _vx, _vy, vw, vh = (int(v) for v in GL.glGetIntegerv(GL.GL_VIEWPORT))
    return (vw, vh) if vw > 0 and vh > 0 else None


@contextmanager
def _viewport_painter(
    view: gl.GLViewWidget, viewport: tuple[int, int]
) -> Iterator[tuple[QtGui.QPainter, float, float]]:
    """A QPainter on the bound framebuffer and its (width, height) in logical pixels.

    Paints into whatever framebuffer is bound (the widget's, grabFramebuffer's or
    renderToArray's tile), sized by the current GL viewport, instead of QPainter(view), which
    misses renderToArray frames (DESIGN pitfall 6) and QWidget.grab().
    """
    vw, vh = viewport
    dpr = view.devicePixelRatioF()
    device = QtOpenGL.QOpenGLPaintDevice(QtCore.QSize(vw, vh))
    device.setDevicePixelRatio(dpr)
    painter = QtGui.QPainter(device)
    try:
        painter.setRenderHints(
            QtGui.QPainter.RenderHint.Antialiasing | QtGui.QPainter.RenderHint.TextAntialiasing
        )
        yield painter, vw / dpr, vh / dpr
    finally:
        painter.end()


class _MarkerItem(gl.GLScatterPlotItem):
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


def rgba_floats(color) -> tuple[float, float, float, float]:
    """(r, g, b, a) floats in [0, 1] from floats in [0, 1], 0-255 integers, a QColor or a name."""
    if isinstance(color, (tuple, list, np.ndarray)) and len(color) in (3, 4):
        values = [float(c) for c in color]
        if all(0.0 <= v <= 1.0 for v in values):
            return (values[0], values[1], values[2], values[3] if len(values) == 4 else 1.0)
        color = tuple(int(round(v)) for v in values)
    r, g, b, a = pg_functions.mkColor(color).getRgbF()
    return (float(r), float(g), float(b), float(a))


def _scene_rows(mapping: SceneMapping, rows: np.ndarray, lift: float = 0.0) -> np.ndarray:
    """Scene coordinates (N, 3) float32 of data rows (x, y, z), raised by lift, clamped."""
    sx, sy, sz = mapping.data_to_scene(rows[:, 0], rows[:, 1], rows[:, 2])
    scene = np.stack([sx, sy, sz + lift], axis=1)
    with np.errstate(invalid="ignore"):
        np.clip(scene, -_SCENE_LIMIT, _SCENE_LIMIT, out=scene)
    return scene.astype(np.float32)


class _DepthTestedLine(gl.GLLinePlotItem):
    """A line that is hidden by what lies in front of it but writes no depth itself: with
    antialiasing, a segment's faint edge pixels would otherwise block the next segment where
    they meet, and a path of many short steps would look dashed."""

    def paint(self) -> None:
        GL.glDepthMask(GL.GL_FALSE)
        try:
            super().paint()
        finally:
            GL.glDepthMask(GL.GL_TRUE)


class _PathItems:
    """One descent run in the 3D view: a polyline, a white-edged start dot and a head dot.

    Keeps the data points (x, y, z_display) and their scene coordinates in growing buffers, so
    an appended iterate costs one small conversion and a vertex upload, not a rebuild.
    """

    def __init__(self, color: tuple[float, float, float, float]) -> None:
        self.data = PathBuffer(3)
        self.scene = PathBuffer(3, np.float32)
        self.line = _DepthTestedLine(
            mode="line_strip", width=PATH_WIDTH, antialias=True, glOptions="translucent"
        )
        self.start_ring = _MarkerItem(size=_START_RING_SIZE, pxMode=True, glOptions="translucent")
        self.start_dot = _MarkerItem(size=_START_DOT_SIZE, pxMode=True, glOptions="translucent")
        self.head_edge = _MarkerItem(size=_HEAD_EDGE_SIZE, pxMode=True, glOptions="translucent")
        self.head_dot = _MarkerItem(size=_HEAD_DOT_SIZE, pxMode=True, glOptions="translucent")
        # the smaller dot of each pair sits a little nearer the camera than its rim
        self.start_ring.pull = self.head_edge.pull = _PATH_MARKER_PULL
        self.start_dot.pull = self.head_dot.pull = _PATH_MARKER_PULL + 0.01
        self.start_ring.setData(color=_START_RING_COLOR)
        self.head_edge.setData(color=_HEAD_EDGE_COLOR)
        self.set_color(color)

    def items(self) -> tuple[GLGraphicsItem, ...]:
        return (self.line, self.start_ring, self.start_dot, self.head_edge, self.head_dot)

    def set_color(self, color: tuple[float, float, float, float]) -> None:
        self.color = color
        self.line.setData(color=color)
        self.start_dot.setData(color=color)
        self.head_dot.setData(color=color)

    def set_points(self, rows: np.ndarray, mapping: SceneMapping) -> None:
        self.data.set(rows)
        self.remap(mapping)

    def append_points(self, rows: np.ndarray, mapping: SceneMapping) -> None:
        """Add rows; a scrubbed head stays where it is (set_head(None) follows the end)."""
        self.data.append(rows)
        self.scene.append(_scene_rows(mapping, rows, PATH_LIFT))
        self.redraw()

    def set_head(self, k: int | None) -> None:
        self.data.head = self.scene.head = None if k is None else int(k)
        self.redraw()

    def remap(self, mapping: SceneMapping) -> None:
        """Recompute scene coordinates after the data <-> scene mapping changed."""
        head = self.data.head
        self.scene.set(_scene_rows(mapping, self.data.all_rows(), PATH_LIFT))
        self.scene.head = head
        self.redraw()

    def redraw(self) -> None:
        shown = decimated(self.scene.shown_rows())
        if not np.isfinite(shown).all():
            shown = finite_rows(shown)  # NaN heights (log scale of f <= 0): join the neighbours
        if len(shown) == 0:
            for item in self.items():
                item.hide()
            return
        self.line.setData(pos=shown)
        self.line.setVisible(len(shown) >= 2)
        for item, pos in (
            (self.start_ring, shown[:1]),
            (self.start_dot, shown[:1]),
            (self.head_edge, shown[-1:]),
            (self.head_dot, shown[-1:]),
        ):
            item.setData(pos=pos)
            item.show()


class _ArrowItems:
    """A set of 3D arrows: shafts as one line item, heads as one lit cone mesh."""

    def __init__(self, width: float = ARROW_WIDTH) -> None:
        self.arrows: list[tuple] = []
        self.shafts = _DepthTestedLine(
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
            start, tip = _scene_rows(mapping, ends, PATH_LIFT).astype(np.float64)
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


# The drop line (marker to its footprint on the floor) runs under the surface and the marker can
# sit behind a hill: both also get a faint copy drawn without the depth test, so the point is
# never lost. Everything else keeps the depth test (never 'additive').
_SEE_THROUGH = {
    GL.GL_DEPTH_TEST: False,
    GL.GL_BLEND: True,
    GL.GL_CULL_FACE: False,
    "glBlendFunc": (GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA),
}


# ------------------------------------------------------------------- lesson constructions
_DOT_PULL = 0.12  # scene units construction dots are drawn towards the camera
_LINE_PULL = 0.01  # and curves: a slice curve lying on the surface must not z-fight it
# and segments, farther: the lesson's Δx, Δz segments and tangent lines run just under the
# surface near their point and should show there, while a hill in front still hides them
_SEGMENT_PULL = 0.05
_PLANE_PULL = 0.004  # a tangent plane touches the surface at its point
_HIDDEN_ALPHA = 0.35  # alpha factor of the faint copy of whatever the surface hides
_DASH_LENGTH = 0.03  # scene units, and as much between dashes
_DOT_RIM = 2.0  # px of dark rim around a construction dot, on each side
_RIM_COLOR = (0.06, 0.06, 0.08, 0.95)
_PLANE_EDGE_ALPHA = 0.45  # added to a plane patch's alpha for its outline
_PLANE_EDGE_WIDTH = 1.5  # px
_POINT_LABEL_PX = 13  # bold
_POINT_LABEL_HALO = (12, 12, 16, 235)
_POINT_LABEL_HALO_WIDTH = 3.5  # px
_POINT_LABEL_GAP = 3.0  # px between a label, its dot and other labels
_LEADER_AFTER = 6.0  # px: a label pushed farther than this from its dot gets a leader line


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


class _PulledLine(_DepthTestedLine):
    """A depth-tested line drawn a little towards the camera."""

    pull = _LINE_PULL

    def mvpMatrix(self) -> QtGui.QMatrix4x4:
        return _pulled_mvp(self, super().mvpMatrix(), self.pull)


class _PulledDots(gl.GLScatterPlotItem):
    """Depth-tested dots drawn towards the camera (each along its own line of sight)."""

    pull = _DOT_PULL

    def mvpMatrix(self) -> QtGui.QMatrix4x4:
        return _pulled_mvp(self, super().mvpMatrix(), self.pull)


class _PlaneMesh(gl.GLMeshItem):
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


def _faded(rgba: tuple[float, float, float, float], factor: float) -> tuple[float, ...]:
    return (rgba[0], rgba[1], rgba[2], rgba[3] * factor)


def _mesh_data(vertexes, faces, normals, colors) -> gl.MeshData:
    meshdata = gl.MeshData(
        vertexes=np.asarray(vertexes, dtype=np.float32),
        faces=np.asarray(faces, dtype=np.uint32),
        vertexColors=np.asarray(colors, dtype=np.float32),
    )
    meshdata._vertexNormals = np.asarray(normals, dtype=np.float32)
    return meshdata


@dataclass(frozen=True)
class _PointLabel:
    """A construction label: scene anchor, text, colour and the radius of its dot in px."""

    pos: tuple[float, float, float]
    text: str
    color: tuple[float, float, float, float]
    radius: float


class _ConstructionItems:
    """One keyed construction in the 3D view. Its GL items are created on first need and then
    reused: setting the construction again only uploads new vertex data.

    Depth-tested things also get a faint copy drawn without the depth test, so a point on the
    (x, y) plane under the surface or a segment passing under a hill is never lost.
    """

    def __init__(self, add_item: Callable[[GLGraphicsItem, float], None]) -> None:
        self._add = add_item
        self.construction = Construction()
        self.labels: list[_PointLabel] = []
        self._lines: dict[tuple[float, float], _PulledLine] = {}  # by (width, pull)
        self._faint_lines: dict[float, gl.GLLinePlotItem] = {}  # by width
        self._arrows: dict[float, _ArrowItems] = {}
        self._hidden_heads = gl.GLMeshItem(smooth=True, shader=LIT_COLOR_SHADER)
        self._hidden_heads.setGLOptions(_SEE_THROUGH)
        self._planes = _PlaneMesh(smooth=False, shader=LIT_COLOR_SHADER)
        self._planes.setGLOptions("translucent")
        self._hidden_dots = gl.GLScatterPlotItem(pxMode=True, glOptions=_SEE_THROUGH)
        self._dot_rims = _PulledDots(pxMode=True, glOptions="translucent")
        self._dots = _PulledDots(pxMode=True, glOptions="translucent")
        self._dots.pull = _DOT_PULL + 0.01  # the dot sits in front of its rim
        for item, depth in (
            (self._planes, 1.6),
            (self._hidden_heads, 3.05),
            (self._hidden_dots, 3.06),
            (self._dot_rims, 3.3),
            (self._dots, 3.31),
        ):
            item.hide()
            self._add(item, depth)

    def items(self) -> list[GLGraphicsItem]:
        fixed = [self._planes, self._hidden_heads, self._hidden_dots, self._dot_rims, self._dots]
        lines = [*self._lines.values(), *self._faint_lines.values()]
        arrows = [item for group in self._arrows.values() for item in group.items()]
        return fixed + lines + arrows

    def set(self, construction: Construction, mapping: SceneMapping) -> None:
        self.construction = construction
        self.redraw(mapping)

    def redraw(self, mapping: SceneMapping) -> None:
        """Rebuild every vertex array from the data records through mapping."""
        c = self.construction
        lines: dict[tuple[float, float], list[tuple[np.ndarray, tuple]]] = {}
        hidden: dict[float, list[tuple[np.ndarray, tuple]]] = {}
        for seg in c.segments:
            a, b = _scene_rows(mapping, np.array([seg.start, seg.end])).astype(np.float64)
            if not (np.isfinite(a).all() and np.isfinite(b).all()):
                continue
            if seg.dashed:
                count = dash_count_for(float(np.linalg.norm(b - a)), _DASH_LENGTH)
                pairs = dashed_segments(a, b, count)
            else:
                pairs = np.array([a, b])
            lines.setdefault((seg.width, _SEGMENT_PULL), []).append((pairs, seg.color))
        for curve in c.curves:
            pairs = polyline_pairs(_scene_rows(mapping, curve.rows()))
            if len(pairs):
                lines.setdefault((curve.width, _LINE_PULL), []).append((pairs, curve.color))
        for plane in c.planes:
            corners = _scene_rows(mapping, plane_patch_corners(plane)).astype(np.float64)
            if np.isfinite(corners).all():
                edges = corners[[0, 1, 1, 2, 2, 3, 3, 0]]
                r, g, b, alpha = plane.color
                edge_color = (r, g, b, min(1.0, alpha + _PLANE_EDGE_ALPHA))
                lines.setdefault((_PLANE_EDGE_WIDTH, _LINE_PULL), []).append((edges, edge_color))
        for (width, _pull), entries in lines.items():
            hidden.setdefault(width, []).extend(entries)
        arrow_heads = self._redraw_arrows(mapping, hidden)
        self._redraw_lines(lines, hidden)
        self._redraw_hidden_heads(arrow_heads)
        self._redraw_planes(mapping)
        self._redraw_points(mapping)

    def _redraw_lines(self, lines: dict, hidden: dict) -> None:
        for width, pull in lines:
            if (width, pull) not in self._lines:
                line = _PulledLine(
                    mode="lines", width=width, antialias=True, glOptions="translucent"
                )
                line.pull = pull
                self._add(line, 3.1)
                self._lines[width, pull] = line
        for width in hidden:
            if width not in self._faint_lines:
                faint = gl.GLLinePlotItem(mode="lines", width=width, antialias=True)
                faint.setGLOptions(_SEE_THROUGH)
                self._add(faint, 3.04)
                self._faint_lines[width] = faint
        for key, line in self._lines.items():
            _show_line_chunks(line, lines.get(key, []), 1.0)
        for width, faint in self._faint_lines.items():
            _show_line_chunks(faint, hidden.get(width, []), _HIDDEN_ALPHA)

    def _redraw_arrows(self, mapping: SceneMapping, hidden: dict) -> list[gl.MeshData]:
        """Draw the arrows (grouped by width); add their shafts to the hidden-line copies and
        return their head meshes, for the faint copy of the heads."""
        groups: dict[float, list[tuple]] = {}
        for arrow in self.construction.arrows:
            groups.setdefault(arrow.width, []).append((*arrow.start, *arrow.vector, arrow.color))
        for width in groups:
            if width not in self._arrows:
                group = self._arrows[width] = _ArrowItems(width)
                for offset, item in enumerate(group.items()):
                    self._add(item, 3.2 + 0.01 * offset)
        heads = []
        for width, group in self._arrows.items():
            group.set_arrows(groups.get(width, []), mapping)
            if not group.shafts.visible():
                continue
            pos = np.asarray(group.shafts.pos, dtype=np.float64)
            colors = np.asarray(group.shafts.color, dtype=np.float64)
            hidden.setdefault(width, []).extend(
                (pos[k : k + 2], tuple(colors[k])) for k in range(0, len(pos), 2)
            )
            heads.append(group.heads.opts["meshdata"])
        return heads

    def _redraw_hidden_heads(self, heads: list[gl.MeshData]) -> None:
        if not heads:
            self._hidden_heads.hide()
            return
        vertexes, faces, normals, colors, offset = [], [], [], [], 0
        for md in heads:
            v = md.vertexes()
            vertexes.append(v)
            faces.append(md.faces() + offset)
            normals.append(md._vertexNormals)
            rgba = np.array(md.vertexColors(), dtype=np.float64)
            rgba[:, 3] *= _HIDDEN_ALPHA
            colors.append(rgba)
            offset += len(v)
        self._hidden_heads.setMeshData(
            meshdata=_mesh_data(
                np.concatenate(vertexes),
                np.concatenate(faces),
                np.concatenate(normals),
                np.concatenate(colors),
            )
        )
        self._hidden_heads.show()

    def _redraw_planes(self, mapping: SceneMapping) -> None:
        vertexes, faces, normals, colors = [], [], [], []
        for plane in self.construction.planes:
            corners = _scene_rows(mapping, plane_patch_corners(plane)).astype(np.float64)
            if not np.isfinite(corners).all():
                continue
            normal = np.cross(corners[1] - corners[0], corners[3] - corners[0])
            normal /= max(float(np.linalg.norm(normal)), 1e-12)
            base = 4 * len(vertexes)
            vertexes.append(corners)
            faces.append(np.array([[0, 1, 2], [0, 2, 3]]) + base)
            normals.append(np.tile(normal, (4, 1)))
            colors.append(np.tile(plane.color, (4, 1)))
        if not vertexes:
            self._planes.hide()
            return
        self._planes.setMeshData(
            meshdata=_mesh_data(
                np.concatenate(vertexes),
                np.concatenate(faces),
                np.concatenate(normals),
                np.concatenate(colors),
            )
        )
        self._planes.show()

    def _redraw_points(self, mapping: SceneMapping) -> None:
        points = self.construction.points
        self.labels = []
        if points:
            rows = np.array([(p.x, p.y, p.z) for p in points], dtype=np.float64)
            scene = _scene_rows(mapping, rows)
            keep = np.isfinite(rows).all(axis=1)
        else:
            scene, keep = np.empty((0, 3), np.float32), np.empty(0, bool)
        if not keep.any():
            for item in (self._hidden_dots, self._dot_rims, self._dots):
                item.hide()
            return
        shown = [p for p, ok in zip(points, keep, strict=True) if ok]
        pos = scene[keep]
        sizes = np.array([p.size_px for p in shown], dtype=np.float32)
        colors = np.array([p.color for p in shown], dtype=np.float32)
        faint = colors.copy()
        faint[:, 3] *= _HIDDEN_ALPHA
        self._dots.setData(pos=pos, size=sizes, color=colors)
        self._dot_rims.setData(pos=pos, size=sizes + 2 * _DOT_RIM, color=_RIM_COLOR)
        self._hidden_dots.setData(pos=pos, size=sizes, color=faint)
        for item in (self._hidden_dots, self._dot_rims, self._dots):
            item.show()
        self.labels = [
            _PointLabel((float(x), float(y), float(z)), p.label, p.color, p.size_px / 2 + _DOT_RIM)
            for p, (x, y, z) in zip(shown, pos, strict=True)
            if p.label
        ]


def _show_line_chunks(item: gl.GLLinePlotItem, chunks: list, alpha_factor: float) -> None:
    """Draw (line pairs, colour) chunks with one line item, or hide it when there are none."""
    if not chunks:
        item.hide()
        return
    pos = np.concatenate([rows for rows, _ in chunks]).astype(np.float32)
    colors = np.concatenate(
        [np.tile(_faded(color, alpha_factor), (len(rows), 1)) for rows, color in chunks]
    ).astype(np.float32)
    item.setData(pos=pos, color=colors)
    item.show()


def _label_text_color(rgba: tuple[float, float, float, float]) -> QtGui.QColor:
    """The label's colour: the point's, lightened when too dark to read on its dark halo."""
    r, g, b = rgba[:3]
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    if luminance < 0.25:
        r, g, b = (v + (1.0 - v) * 0.5 for v in (r, g, b))
    return QtGui.QColor.fromRgbF(r, g, b, 1.0)


class _PointLabelsItem(GLGraphicsItem):
    """Every construction label in one QPainter pass over the bound framebuffer (so labels are
    in grabs and renderToArray frames): bold text in the point's colour with a dark halo,
    placed around its dot clear of the other labels and dots."""

    def __init__(self) -> None:
        super().__init__()
        self.labels: list[_PointLabel] = []
        self.font = QtGui.QFont()
        self.font.setPixelSize(_POINT_LABEL_PX)
        self.font.setBold(True)

    def set_labels(self, labels: Sequence[_PointLabel]) -> None:
        self.labels = list(labels)
        self.update()

    def paint(self) -> None:
        view = self.view()
        if not self.labels or view is None:
            return
        viewport = _viewport_pixels()
        if viewport is None:
            return
        mvp = np.array(self.mvpMatrix().data(), dtype=np.float64).reshape(4, 4).T
        points = np.array([lb.pos for lb in self.labels], dtype=np.float64)
        clip = np.c_[points, np.ones(len(points))] @ mvp.T
        front = clip[:, 3] > 1e-9  # not behind the camera
        if not front.any():
            return
        labels = [lb for lb, ok in zip(self.labels, front, strict=True) if ok]
        clip = clip[front]
        metrics = QtGui.QFontMetricsF(self.font)
        sizes = np.array([(metrics.horizontalAdvance(lb.text), metrics.height()) for lb in labels])
        radii = np.array([lb.radius for lb in labels])
        halo = QtGui.QPen(QtGui.QColor(*_POINT_LABEL_HALO), _POINT_LABEL_HALO_WIDTH)
        halo.setJoinStyle(QtCore.Qt.PenJoinStyle.RoundJoin)
        with _viewport_painter(view, viewport) as (painter, w, h):
            ndc = clip[:, :2] / clip[:, 3:4]
            anchors = np.stack([(ndc[:, 0] + 1.0) * 0.5 * w, (1.0 - ndc[:, 1]) * 0.5 * h], axis=1)
            boxes = placed_label_boxes(anchors, sizes, radii, gap=_POINT_LABEL_GAP)
            for label, (x, y), box, r in zip(labels, anchors, boxes, radii, strict=True):
                color = _label_text_color(label.color)
                left, top, right, bottom = box
                near_x, near_y = min(max(x, left), right), min(max(y, top), bottom)
                reach = math.hypot(near_x - x, near_y - y)
                if reach > r + _POINT_LABEL_GAP + _LEADER_AFTER:
                    ux, uy = (near_x - x) / reach, (near_y - y) / reach
                    leader = QtCore.QLineF(x + ux * r, y + uy * r, near_x, near_y)
                    painter.setPen(halo)
                    painter.drawLine(leader)
                    painter.setPen(QtGui.QPen(color, 1.2))
                    painter.drawLine(leader)
                path = QtGui.QPainterPath()
                path.addText(left, top + metrics.ascent(), self.font, label.text)
                painter.strokePath(path, halo)
                painter.fillPath(path, QtGui.QBrush(color))


class SurfaceView(gl.GLViewWidget):
    """A height field drawn in a fixed scene box (see gdviz.render.axes3d for its extent).

    Data (x, y, z) map to scene coordinates x in [-half_x, half_x], y in [-half_y, half_y],
    z in [0, 1] through `data_to_scene`; the mapping follows the last `set_surface` call.
    Paths, arrows and lesson constructions are given in data coordinates with display heights
    and follow the mapping.
    A left click (press and release within CLICK_SLOP px, no drag) on the surface emits
    `surface_clicked(x, y, shift)`; dragging orbits as in pyqtgraph. GUI thread only.
    """

    surface_clicked = QtCore.Signal(float, float, bool)

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._paths: dict[int, _PathItems] = {}
        self._arrows: dict[str, _ArrowItems] = {}
        self._constructions: dict[str, _ConstructionItems] = {}
        # the drawn surface in scene coordinates, for picking: (sx, sy, sz) or None
        self._pick_grid: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._press_pos: QtCore.QPointF | None = None
        self._dragged = False
        self.opts["fov"] = FIELD_OF_VIEW
        self._mapping = SceneMapping()
        self._axis_names: tuple[str, str, str] = ("x", "y", "z")
        self._z_label: str | None = None
        self._point: tuple[float, float, float] | None = None
        self._dark = True
        # (elevation, azimuth) of a framed view that follows resizes and new surfaces, until
        # the user moves the camera with the mouse or keys
        self._auto_frame: tuple[float, float] | None = None

        self._surface = gl.GLMeshItem(smooth=True, shader=LIT_COLOR_SHADER, glOptions="opaque")
        self._grid = gl.GLLinePlotItem(mode="lines", glOptions="translucent", antialias=True)
        self._axes = gl.GLLinePlotItem(
            mode="lines", glOptions="translucent", width=1.5, antialias=True
        )
        self._drop_line = gl.GLLinePlotItem(
            mode="lines", glOptions=_SEE_THROUGH, width=1.5, color=_DROP_COLOR, antialias=True
        )
        self._ghost = _MarkerItem(
            size=_MARKER_SIZE, color=_GHOST_COLOR, pxMode=True, glOptions=_SEE_THROUGH
        )
        self._marker = _MarkerItem(
            size=_MARKER_SIZE, color=MARKER_COLOR, pxMode=True, glOptions="translucent"
        )
        self._labels = _LabelsItem()
        for depth, item in enumerate(
            (
                self._surface,
                self._grid,
                self._axes,
                self._drop_line,
                self._ghost,
                self._marker,
                self._labels,
            )
        ):
            item.setDepthValue(depth)
            self.addItem(item)
        self._point_labels = _PointLabelsItem()
        self._point_labels.setDepthValue(6.5)
        self.addItem(self._point_labels)
        self._surface.hide()  # an empty MeshData cannot be painted
        for item in self._point_items():
            item.hide()
        self.set_background(dark=True)
        self._update_guides()
        self.reset_camera()

    # ----------------------------------------------------------------- mapping
    @property
    def mapping(self) -> SceneMapping:
        """The current data <-> scene mapping."""
        return self._mapping

    def data_to_scene(self, x, y, z):
        """Scene coordinates (sx, sy, sz) of data (x, y, z); scalars or arrays."""
        return self._mapping.data_to_scene(x, y, z)

    def scene_to_data(self, sx, sy, sz):
        """Data coordinates (x, y, z) of scene (sx, sy, sz); scalars or arrays."""
        return self._mapping.scene_to_data(sx, sy, sz)

    # ----------------------------------------------------------------- content
    def set_surface(
        self,
        xs: np.ndarray,
        ys: np.ndarray,
        z_display: np.ndarray,
        z_range: tuple[float, float] | None = None,
        axis_names: tuple[str, str, str] = ("x", "y", "z"),
        z_label: str | None = None,
        colormap: str = "viridis",
    ) -> None:
        """Show z_display[i, j] over (xs[i], ys[j]); NaN are holes; colours span z_range."""
        xs = np.asarray(xs, dtype=np.float64)
        ys = np.asarray(ys, dtype=np.float64)
        z = np.asarray(z_display, dtype=np.float64)
        if z.shape != (xs.size, ys.size):
            raise ValueError(f"z_display must have shape {(xs.size, ys.size)}, got {z.shape}")
        if z_range is None:
            finite = z[np.isfinite(z)]
            z_range = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        self._mapping = SceneMapping.for_ranges((xs[0], xs[-1]), (ys[0], ys[-1]), z_range)
        self._axis_names = tuple(axis_names)  # type: ignore[assignment]
        self._z_label = z_label
        sx, sy, sz = self._mapping.data_to_scene(xs, ys, z)
        mesh = surface_mesh(sx, sy, sz)
        # 8-bit colours: a quarter of the float upload, and much faster to draw under llvmpipe
        rgba = colors_for(z.reshape(-1), z_range[0], z_range[1], colormap)
        colors = (rgba * 255.0 + 0.5).astype(np.uint8)
        meshdata = gl.MeshData(vertexes=mesh.vertexes, faces=mesh.faces, vertexColors=colors)
        meshdata._vertexNormals = mesh.normals  # precomputed: skips MeshData's per-vertex loop
        self._surface.setMeshData(meshdata=meshdata)
        self._surface.setVisible(mesh.faces.size > 0)
        self._pick_grid = (sx, sy, sz) if mesh.faces.size > 0 else None
        log.debug("surface %d×%d: %d triangles", xs.size, ys.size, len(mesh.faces))
        self._update_guides()
        self._reframe()
        if self._point is not None:
            self.set_point(*self._point)
        for path in self._paths.values():
            path.remap(self._mapping)
        for arrows in self._arrows.values():
            arrows.redraw(self._mapping)
        for construction in self._constructions.values():
            construction.redraw(self._mapping)
        self._update_point_labels()

    def clear_surface(self) -> None:
        """Hide the surface (axes stay)."""
        self._surface.hide()
        self._pick_grid = None

    def set_point(self, x: float, y: float, z_display: float) -> None:
        """Mark the data point (x, y, z_display) with a dot and a drop line to the floor."""
        self._point = (float(x), float(y), float(z_display))
        sx, sy, sz = (float(v) for v in self._mapping.data_to_scene(*self._point))
        if not all(math.isfinite(v) for v in (sx, sy, sz)):
            self.clear_point()
            return
        self._marker.setData(pos=np.array([[sx, sy, sz]], dtype=np.float32))
        self._ghost.setData(pos=np.array([[sx, sy, sz]], dtype=np.float32))
        self._drop_line.setData(pos=np.array([[sx, sy, sz], [sx, sy, 0.0]], dtype=np.float32))
        for item in self._point_items():
            item.show()

    def point_scene_position(self) -> tuple[float, float, float] | None:
        """Scene coordinates of the marked point, or None when no point is shown."""
        if self._point is None or not self._marker.visible():
            return None
        sx, sy, sz = (float(v) for v in self._mapping.data_to_scene(*self._point))
        return (sx, sy, sz)

    def clear_point(self) -> None:
        """Hide the point marker."""
        self._point = None
        for item in self._point_items():
            item.hide()

    def _point_items(self) -> tuple[GLGraphicsItem, ...]:
        return (self._marker, self._ghost, self._drop_line)

    # ----------------------------------------------------------------- paths
    def set_path(
        self,
        run_id: int,
        xs: Sequence[float] | np.ndarray,
        ys: Sequence[float] | np.ndarray,
        zs_display: Sequence[float] | np.ndarray,
        color: tuple[float, ...],
    ) -> None:
        """Draw run run_id through the data points (xs[k], ys[k], zs_display[k]) in color (RGBA
        floats in [0, 1]): a polyline, a white-edged start dot and a filled head dot."""
        path = self._paths.get(run_id)
        if path is None:
            path = self._paths[run_id] = _PathItems(rgba_floats(color))
            for offset, item in enumerate(path.items()):
                item.setDepthValue(2.5 + 0.01 * offset)
                self.addItem(item)
        else:
            path.set_color(rgba_floats(color))
        path.set_points(_path_rows(xs, ys, zs_display), self._mapping)

    def append_path(
        self,
        run_id: int,
        xs: Sequence[float] | np.ndarray,
        ys: Sequence[float] | np.ndarray,
        zs_display: Sequence[float] | np.ndarray,
    ) -> None:
        """Add points to the end of run run_id (cheap: for animation); unknown runs are ignored."""
        path = self._paths.get(run_id)
        if path is None:
            log.debug("append_path to unknown run %s ignored", run_id)
            return
        path.append_points(_path_rows(xs, ys, zs_display), self._mapping)

    def set_path_head(self, run_id: int, k: int | None) -> None:
        """Show only points 0..k of run run_id, the head dot at point k; None shows them all."""
        path = self._paths.get(run_id)
        if path is not None:
            path.set_head(k)

    def path_head_position(self, run_id: int) -> tuple[float, float, float] | None:
        """Scene coordinates of run run_id's head dot (after scrubbing, point k), or None."""
        path = self._paths.get(run_id)
        if path is None:
            return None
        shown = path.scene.shown_rows()
        if len(shown) == 0:
            return None
        sx, sy, sz = (float(v) for v in shown[-1])
        return (sx, sy, sz)

    def path_ids(self) -> list[int]:
        """The runs currently drawn."""
        return list(self._paths)

    def remove_path(self, run_id: int) -> None:
        """Remove run run_id's path and markers (no error when absent)."""
        path = self._paths.pop(run_id, None)
        if path is not None:
            for item in path.items():
                self.removeItem(item)

    def clear_paths(self) -> None:
        """Remove every path."""
        for run_id in list(self._paths):
            self.remove_path(run_id)

    # ----------------------------------------------------------------- arrows
    def set_arrows(self, key: str, arrows: Sequence[tuple]) -> None:
        """Draw the arrow set key: (x, y, z_display, dx, dy, dz_display, color) each, from the data
        point (x, y, z_display) by the data vector (dx, dy, dz_display); replaces that set."""
        group = self._arrows.get(key)
        if group is None:
            group = self._arrows[key] = _ArrowItems()
            for offset, item in enumerate(group.items()):
                item.setDepthValue(2.8 + 0.01 * offset)
                self.addItem(item)
        group.set_arrows(arrows, self._mapping)

    def clear_arrows(self, key: str) -> None:
        """Remove the arrow set key (no error when absent)."""
        group = self._arrows.pop(key, None)
        if group is not None:
            for item in group.items():
                self.removeItem(item)

    # ----------------------------------------------------------------- constructions
    def set_construction(self, key: str, construction: Construction) -> None:
        """Draw the construction key (points with labels, segments, curves, arrows, plane
        patches, all in data coordinates with display heights); replaces what key drew before,
        reusing its GL items."""
        group = self._constructions.get(key)
        if group is None:
            group = self._constructions[key] = _ConstructionItems(self._add_construction_item)
        group.set(construction, self._mapping)
        self._update_point_labels()

    def clear_construction(self, key: str) -> None:
        """Remove the construction key (no error when absent)."""
        group = self._constructions.pop(key, None)
        if group is not None:
            for item in group.items():
                self.removeItem(item)
            self._update_point_labels()

    def construction_keys(self) -> list[str]:
        """The keys of the constructions currently drawn, in the order they were first set."""
        return list(self._constructions)

    def floor_height(self) -> float:
        """The display height of the box floor (the lowest drawn height of the surface): points
        "on the (x, y) plane" are drawn at most this low."""
        return float(self._mapping.z_range[0])

    def _add_construction_item(self, item: GLGraphicsItem, depth: float) -> None:
        item.setDepthValue(depth)
        self.addItem(item)

    def _update_point_labels(self) -> None:
        self._point_labels.set_labels(
            [label for group in self._constructions.values() for label in group.labels]
        )

    # ----------------------------------------------------------------- picking
    def pick(self, px: float, py: float) -> tuple[float, float, float] | None:
        """The data point (x, y, z_display) of the surface under the widget point (px, py)
        (logical pixels, origin top-left), or None when the ray misses it or meets a hole."""
        if self._pick_grid is None or not self._surface.visible():
            return None
        w, h = max(self.width(), 1), max(self.height(), 1)
        # the projection depends only on the aspect ratio, so logical pixels serve as well as
        # device pixels (paintGL itself passes the logical viewport)
        region = (0, 0, w, h)
        mvp = self.projectionMatrix(region, region) * self.viewMatrix()
        matrix = np.array(mvp.data(), dtype=np.float64).reshape(4, 4).T
        sx, sy, sz = self._pick_grid
        hit = pick_height_field(px, py, w, h, matrix, sx, sy, sz)
        if hit is None:
            return None
        x, y, z = (float(v) for v in self._mapping.scene_to_data(*hit))
        return (x, y, z)

    def mousePressEvent(self, ev) -> None:
        if ev.button() == QtCore.Qt.MouseButton.LeftButton:
            self._press_pos = QtCore.QPointF(ev.position())
            self._dragged = False
        super().mousePressEvent(ev)

    def mouseMoveEvent(self, ev) -> None:
        if ev.buttons() != QtCore.Qt.MouseButton.NoButton:
            self._auto_frame = None  # the user takes the camera
        if self._press_pos is not None:
            moved = ev.position() - self._press_pos
            if math.hypot(moved.x(), moved.y()) > CLICK_SLOP:
                self._dragged = True
        super().mouseMoveEvent(ev)

    def mouseReleaseEvent(self, ev) -> None:
        super().mouseReleaseEvent(ev)
        if ev.button() != QtCore.Qt.MouseButton.LeftButton or self._press_pos is None:
            return
        pos = ev.position()
        moved = pos - self._press_pos
        clicked = not self._dragged and math.hypot(moved.x(), moved.y()) <= CLICK_SLOP
        self._press_pos = None
        if not clicked:
            return
        hit = self.pick(pos.x(), pos.y())
        if hit is not None:
            shift = bool(ev.modifiers() & QtCore.Qt.KeyboardModifier.ShiftModifier)
            self.surface_clicked.emit(hit[0], hit[1], shift)

    # ----------------------------------------------------------------- camera
    def reset_camera(self) -> None:
        """A three-quarter view from the +x, -y side that frames the whole box and its labels."""
        self._auto_frame = (DEFAULT_ELEVATION, DEFAULT_AZIMUTH)
        self._reframe()

    def top_view(self) -> None:
        """Looking straight down, +x to the right and +y (north) up."""
        self._auto_frame = (90.0, -90.0)
        self._reframe()

    def set_camera(
        self,
        elevation: float,
        azimuth: float,
        distance: float | None = None,
        center: tuple[float, float, float] | None = None,
    ) -> None:
        """Look from elevation and azimuth (degrees, pyqtgraph's convention).

        With neither distance nor center the view frames the whole box and its labels and keeps
        it framed on resizes, like reset_camera. A distance (scene units; the box is about 2
        wide) moves the camera in or out; a center (data x, y, z_display) is the point looked
        at, e.g. a construction to zoom in on. Either leaves the camera where it is put.
        """
        self._auto_frame = (float(elevation), float(azimuth))
        self._reframe()
        if distance is None and center is None:
            return
        self._auto_frame = None
        if center is not None:
            sx, sy, sz = (float(v) for v in self._mapping.data_to_scene(*center))
            self.opts["center"] = QtGui.QVector3D(sx, sy, sz)
        if distance is not None:
            self.opts["distance"] = float(distance)
        self.update()

    def _reframe(self) -> None:
        if self._auto_frame is not None:
            self._frame(*self._auto_frame)

    def auto_framing(self) -> tuple[float, float] | None:
        """(elevation, azimuth) while the view frames the whole box by itself, else None."""
        return self._auto_frame

    def frame_for_size(self, width: int, height: int) -> None:
        """Frame the box for a picture of width × height (an export), if the view auto-frames."""
        if self._auto_frame is not None:
            self._frame(*self._auto_frame, size=(width, height))

    def resizeGL(self, w: int, h: int) -> None:
        super().resizeGL(w, h)
        self._reframe()

    def wheelEvent(self, ev) -> None:
        self._auto_frame = None
        super().wheelEvent(ev)

    def keyPressEvent(self, ev) -> None:
        self._auto_frame = None
        super().keyPressEvent(ev)

    def _frame(self, elevation: float, azimuth: float, size: tuple[int, int] | None = None) -> None:
        """Aim and back off the camera so the box and its label anchors fill the view, centred."""
        el, az = math.radians(elevation), math.radians(azimuth)
        forward = -np.array(
            [math.cos(el) * math.cos(az), math.cos(el) * math.sin(az), math.sin(el)]
        )
        right = np.array([-math.sin(az), math.cos(az), 0.0])
        up = np.cross(right, forward)
        m = self._mapping
        corners = [
            (x, y, z)
            for x in (-m.half_x, m.half_x)
            for y in (-m.half_y, m.half_y)
            for z in (0.0, m.height)
        ]
        from_top = elevation > self._labels.hide_z_above_elevation
        anchors = [
            lb.pos for lb in self._labels.labels if not (from_top and lb.group in ("z", "name-z"))
        ]
        points = np.array(corners + anchors, dtype=np.float64)
        w, h = size or (max(self.width(), 1), max(self.height(), 1))
        # the anchors' text reaches past them: keep ~8 % of the view free on each side
        tan_h = 0.84 * math.tan(math.radians(self.opts["fov"]) / 2)
        tan_v = tan_h * h / w
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
        self.setCameraPosition(
            pos=QtGui.QVector3D(*center), distance=distance, elevation=elevation, azimuth=azimuth
        )

    # ----------------------------------------------------------------- look
    @property
    def dark(self) -> bool:
        """Whether the dark background is in use."""
        return self._dark

    def set_background(self, dark: bool) -> None:
        """Dark (#1e1e24) or light background, with axis and label colours to match."""
        self._dark = bool(dark)
        if self._dark:
            self.setBackgroundColor(DARK_BACKGROUND)
            self._grid.setData(color=(1.0, 1.0, 1.0, 0.13))
            self._axes.setData(color=(0.86, 0.86, 0.9, 0.9))
            self._labels.set_colors("#c9c9d3", "#ffffff")
        else:
            self.setBackgroundColor(LIGHT_BACKGROUND)
            self._grid.setData(color=(0.0, 0.0, 0.0, 0.14))
            self._axes.setData(color=(0.2, 0.2, 0.24, 0.9))
            self._labels.set_colors("#3a3a44", "#101014")

    def _update_guides(self) -> None:
        guides = axis_guides(self._mapping, self._axis_names, self._z_label)
        self._grid.setData(pos=guides.grid_segments)
        self._axes.setData(pos=guides.axis_segments)
        self._labels.set_labels(guides.labels)


def _path_rows(xs, ys, zs) -> np.ndarray:
    """(N, 3) float64 rows of equally long x, y, z sequences."""
    xs, ys, zs = (np.asarray(v, dtype=np.float64).ravel() for v in (xs, ys, zs))
    if not xs.size == ys.size == zs.size:
        raise ValueError(f"xs, ys, zs must be equally long, got {xs.size}, {ys.size}, {zs.size}")
    return np.stack([xs, ys, zs], axis=1)
