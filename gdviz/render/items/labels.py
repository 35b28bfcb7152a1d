"""Axis labels and construction labels, painted with QPainter onto the bound framebuffer."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pyqtgraph.opengl as gl
from OpenGL import GL
from pyqtgraph.opengl.GLGraphicsItem import GLGraphicsItem
from PySide6 import QtCore, QtGui, QtOpenGL

from gdviz.render.axes3d import Label
from gdviz.render.construction import placed_label_boxes

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
_POINT_LABEL_PX = 13  # bold
_POINT_LABEL_HALO = (12, 12, 16, 235)
_POINT_LABEL_HALO_WIDTH = 3.5  # px
_POINT_LABEL_GAP = 3.0  # px between a label, its dot and other labels
_LEADER_AFTER = 6.0  # px: a label pushed farther than this from its dot gets a leader line


class LabelsItem(GLGraphicsItem):
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


@dataclass(frozen=True)
class PointLabel:
    """A construction label: scene anchor, text, colour and the radius of its dot in px."""

    pos: tuple[float, float, float]
    text: str
    color: tuple[float, float, float, float]
    radius: float


def _label_text_color(rgba: tuple[float, float, float, float]) -> QtGui.QColor:
    """The label's colour: the point's, lightened when too dark to read on its dark halo."""
    r, g, b = rgba[:3]
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    if luminance < 0.25:
        r, g, b = (v + (1.0 - v) * 0.5 for v in (r, g, b))
    return QtGui.QColor.fromRgbF(r, g, b, 1.0)


class PointLabelsItem(GLGraphicsItem):
    """Every construction label in one QPainter pass over the bound framebuffer (so labels are
    in grabs and renderToArray frames): bold text in the point's colour with a dark halo,
    placed around its dot clear of the other labels and dots."""

    def __init__(self) -> None:
        super().__init__()
        self.labels: list[PointLabel] = []
        self.font = QtGui.QFont()
        self.font.setPixelSize(_POINT_LABEL_PX)
        self.font.setBold(True)

    def set_labels(self, labels: Sequence[PointLabel]) -> None:
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
