"""The 2D contour view: the surface seen from above as a colour image with level curves, descent
paths, arrows, an optional −∇f field, and clicks mapped to (x, y)."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from gdviz.render.colormap import rgba8_colors
from gdviz.render.contours import contour_levels, level_segments
from gdviz.render.paths import PathBuffer, arrow_head_segments_2d, decimated
from gdviz.render.view3d import DARK_BACKGROUND, MARKER_COLOR, rgba_floats

log = logging.getLogger(__name__)

# opaque: the curves are many separate segments, and a translucent pen would darken or
# brighten every joint where two of them overlap, so the curves would look dotted
CONTOUR_PEN_COLOR = (214, 214, 222)
FIELD_PEN_COLOR = (235, 235, 245, 150)
FIELD_SAMPLES = 15  # arrows per side of the −∇f field
_FIELD_FILL = 0.7  # arrow length as a fraction of the field's cell
PATH_WIDTH = 2.5  # px
ARROW_WIDTH = 2.5  # px
_TICK_COLOR = "#c9c9d3"
_AXIS_COLOR = "#6a6a75"
_NAME_COLOR = "#ffffff"
_FAR = 1e3  # path coordinates are clamped this many window sizes away: Qt paths stay finite

# stacking order, bottom to top
_Z_IMAGE, _Z_CONTOURS, _Z_FIELD, _Z_PATH, _Z_ARROWS, _Z_MARKERS, _Z_POINT = range(7)


def _qcolor(rgba: tuple[float, float, float, float]) -> QtGui.QColor:
    return QtGui.QColor.fromRgbF(*rgba)


class _Path2D:
    """One descent run: a polyline, a white-edged start dot and a filled head dot."""

    def __init__(self, plot: pg.PlotItem, color: tuple[float, float, float, float]) -> None:
        self.points = PathBuffer(2)
        self.line = pg.PlotCurveItem(antialias=True, connect="finite")
        self.start = pg.ScatterPlotItem(size=11, pxMode=True)
        self.head = pg.ScatterPlotItem(size=12, pxMode=True)
        self.line.setZValue(_Z_PATH)
        self.start.setZValue(_Z_MARKERS)
        self.head.setZValue(_Z_MARKERS + 0.5)
        for item in self.items():
            plot.addItem(item)
        self.set_color(color)

    def items(self) -> tuple[pg.GraphicsObject, ...]:
        return (self.line, self.start, self.head)

    def set_color(self, color: tuple[float, float, float, float]) -> None:
        qcolor = _qcolor(color)
        self.line.setPen(pg.mkPen(qcolor, width=PATH_WIDTH))
        self.start.setPen(pg.mkPen("#ffffff", width=2.0))
        self.start.setBrush(pg.mkBrush(qcolor))
        self.head.setPen(pg.mkPen((20, 20, 26, 230), width=1.5))
        self.head.setBrush(pg.mkBrush(qcolor))

    def redraw(self, window: tuple[float, float, float, float]) -> None:
        rows = decimated(self.points.shown_rows())
        if len(rows) == 0:
            for item in self.items():
                item.hide()
            return
        x0, x1, y0, y1 = window
        far_x, far_y = _FAR * (x1 - x0), _FAR * (y1 - y0)
        with np.errstate(invalid="ignore"):
            x = np.clip(rows[:, 0], x0 - far_x, x1 + far_x)
            y = np.clip(rows[:, 1], y0 - far_y, y1 + far_y)
        finite = np.isfinite(x) & np.isfinite(y)
        self.line.setData(x=x, y=y)
        self.line.setVisible(int(np.count_nonzero(finite)) >= 2)
        if not finite.any():
            self.start.hide()
            self.head.hide()
            return
        first, last = np.flatnonzero(finite)[[0, -1]]
        self.start.setData(x=[x[first]], y=[y[first]])
        self.head.setData(x=[x[last]], y=[y[last]])
        self.start.show()
        self.head.show()


class ContourView(pg.PlotWidget):
    """The surface from above in the window's own coordinates: x to the right, y up.

    A left click (not a pan drag) inside the window emits `plane_clicked(x, y, shift)`.
    GUI thread only.
    """

    plane_clicked = QtCore.Signal(float, float, bool)

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent=parent, background=DARK_BACKGROUND)
        self._plot = self.getPlotItem()
        self._box = self._plot.getViewBox()
        self._plot.hideButtons()
        self._plot.layout.setContentsMargins(4, 12, 18, 4)  # room for the last tick labels
        self._plot.setMenuEnabled(False)
        self._box.setDefaultPadding(0.0)
        self._window: tuple[float, float, float, float] | None = None
        self._paths: dict[int, _Path2D] = {}
        self._arrows: dict[str, tuple[list[tuple], list[pg.PlotCurveItem]]] = {}
        self._field: tuple[np.ndarray, np.ndarray] | None = None  # centres, vectors (data)

        self._image = pg.ImageItem(axisOrder="col-major")
        self._image.setZValue(_Z_IMAGE)
        self._contours = pg.PlotCurveItem(
            pen=pg.mkPen(CONTOUR_PEN_COLOR, width=1.0), connect="pairs", antialias=True
        )
        self._contours.setZValue(_Z_CONTOURS)
        self._field_item = pg.PlotCurveItem(
            pen=pg.mkPen(FIELD_PEN_COLOR, width=1.2), connect="pairs", antialias=True
        )
        self._field_item.setZValue(_Z_FIELD)
        self._field_item.hide()
        marker = _qcolor(MARKER_COLOR)
        self._point = pg.ScatterPlotItem(
            size=14, pxMode=True, brush=pg.mkBrush(marker), pen=pg.mkPen("#ffffff", width=1.5)
        )
        self._point.setZValue(_Z_POINT)
        self._point.hide()
        for item in (self._image, self._contours, self._field_item, self._point):
            self._plot.addItem(item)

        self._style_axes(("x", "y"))
        self.scene().sigMouseClicked.connect(self._on_scene_clicked)
        self._box.sigTransformChanged.connect(self._on_transform_changed)

    # ----------------------------------------------------------------- surface
    def set_surface(
        self,
        xs: np.ndarray,
        ys: np.ndarray,
        z_display: np.ndarray,
        z_range: tuple[float, float] | None = None,
        axis_names: Sequence[str] = ("x", "y", "z"),
        levels: int = 12,
        colormap: str = "viridis",
    ) -> None:
        """Show z_display[i, j] over (xs[i], ys[j]) as colours spanning z_range (NaN shows the
        background) with `levels` level curves evenly spaced inside z_range."""
        xs = np.asarray(xs, dtype=np.float64)
        ys = np.asarray(ys, dtype=np.float64)
        z = np.asarray(z_display, dtype=np.float64)
        if z.shape != (xs.size, ys.size):
            raise ValueError(f"z_display must have shape {(xs.size, ys.size)}, got {z.shape}")
        if xs.size < 2 or ys.size < 2:
            raise ValueError("the grid needs at least 2 samples a side")
        if z_range is None:
            finite = z[np.isfinite(z)]
            z_range = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        lo, hi = float(z_range[0]), float(z_range[1])
        self._image.setImage(rgba8_colors(z, lo, hi, colormap), autoLevels=False)
        # pixel (i, j) is centred on (xs[i], ys[j]): the image reaches half a cell past them
        dx = (xs[-1] - xs[0]) / (xs.size - 1)
        dy = (ys[-1] - ys[0]) / (ys.size - 1)
        self._image.setRect(
            QtCore.QRectF(xs[0] - dx / 2, ys[0] - dy / 2, xs[-1] - xs[0] + dx, ys[-1] - ys[0] + dy)
        )
        segments = level_segments(xs, ys, z, contour_levels(lo, hi, levels))
        self._contours.setData(x=segments[:, 0], y=segments[:, 1], skipFiniteCheck=True)
        window = (float(xs[0]), float(xs[-1]), float(ys[0]), float(ys[-1]))
        if window != self._window:
            self._window = window
            self._box.setRange(xRange=window[:2], yRange=window[2:], padding=0.0)
        self._style_axes(tuple(axis_names)[:2])
        for path in self._paths.values():
            path.redraw(self._window)

    def contour_segment_count(self) -> int:
        """How many level-curve segments are drawn."""
        x = self._contours.getData()[0]
        return 0 if x is None else len(x) // 2

    def reset_view(self) -> None:
        """Show the whole window."""
        if self._window is not None:
            x0, x1, y0, y1 = self._window
            self._box.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.0)

    # ----------------------------------------------------------------- point
    def set_point(self, x: float, y: float) -> None:
        """Mark the point (x, y)."""
        if not (math.isfinite(x) and math.isfinite(y)):
            self.clear_point()
            return
        self._point.setData(x=[float(x)], y=[float(y)])
        self._point.show()

    def clear_point(self) -> None:
        """Hide the point marker."""
        self._point.hide()

    # ----------------------------------------------------------------- paths
    def set_path(
        self,
        run_id: int,
        xs: Sequence[float] | np.ndarray,
        ys: Sequence[float] | np.ndarray,
        color: tuple[float, ...],
    ) -> None:
        """Draw run run_id through (xs[k], ys[k]) in color (RGBA floats in [0, 1])."""
        path = self._paths.get(run_id)
        rgba = rgba_floats(color)
        if path is None:
            path = self._paths[run_id] = _Path2D(self._plot, rgba)
        else:
            path.set_color(rgba)
        path.points.set(_rows(xs, ys))
        path.redraw(self._window_or_unit())

    def append_path(
        self, run_id: int, xs: Sequence[float] | np.ndarray, ys: Sequence[float] | np.ndarray
    ) -> None:
        """Add points to the end of run run_id; unknown runs are ignored."""
        path = self._paths.get(run_id)
        if path is None:
            log.debug("append_path to unknown run %s ignored", run_id)
            return
        path.points.append(_rows(xs, ys))
        path.redraw(self._window_or_unit())

    def set_path_head(self, run_id: int, k: int | None) -> None:
        """Show only points 0..k of run run_id (head dot at k); None shows them all."""
        path = self._paths.get(run_id)
        if path is not None:
            path.points.head = None if k is None else int(k)
            path.redraw(self._window_or_unit())

    def remove_path(self, run_id: int) -> None:
        """Remove run run_id's path (no error when absent)."""
        path = self._paths.pop(run_id, None)
        if path is not None:
            for item in path.items():
                self._plot.removeItem(item)

    def clear_paths(self) -> None:
        """Remove every path."""
        for run_id in list(self._paths):
            self.remove_path(run_id)

    def _window_or_unit(self) -> tuple[float, float, float, float]:
        return self._window if self._window is not None else (-1.0, 1.0, -1.0, 1.0)

    # ----------------------------------------------------------------- arrows
    def set_arrows(self, key: str, arrows: Sequence[tuple]) -> None:
        """Draw the arrow set key: (x, y, dx, dy, color) each, from (x, y) by (dx, dy) in data
        units, with heads of a fixed pixel size; replaces that set."""
        self.clear_arrows(key)
        curves = []
        for _arrow in arrows:
            curve = pg.PlotCurveItem(connect="pairs", antialias=True)
            curve.setZValue(_Z_ARROWS)
            self._plot.addItem(curve)
            curves.append(curve)
        self._arrows[key] = ([tuple(a) for a in arrows], curves)
        self._redraw_arrows(key)

    def clear_arrows(self, key: str) -> None:
        """Remove the arrow set key (no error when absent)."""
        _, curves = self._arrows.pop(key, ([], []))
        for curve in curves:
            self._plot.removeItem(curve)

    def _redraw_arrows(self, key: str) -> None:
        arrows, curves = self._arrows[key]
        pixel = self._pixel_size()
        for (x, y, dx, dy, color), curve in zip(arrows, curves, strict=True):
            rows = arrow_head_segments_2d([[x, y]], [[dx, dy]], pixel)
            curve.setPen(pg.mkPen(_qcolor(rgba_floats(color)), width=ARROW_WIDTH))
            curve.setData(x=rows[:, 0], y=rows[:, 1])

    # ----------------------------------------------------------------- gradient field
    def set_gradient_field(
        self, xs: np.ndarray, ys: np.ndarray, gx: np.ndarray, gy: np.ndarray
    ) -> None:
        """Arrows along −∇f, of equal length, on at most FIELD_SAMPLES² of the nodes
        (xs[i], ys[j]) where the gradient is (gx[i, j], gy[i, j]). Shown with
        show_gradient_field(True)."""
        xs = np.asarray(xs, dtype=np.float64)
        ys = np.asarray(ys, dtype=np.float64)
        gx = np.asarray(gx, dtype=np.float64)
        gy = np.asarray(gy, dtype=np.float64)
        if gx.shape != (xs.size, ys.size) or gy.shape != gx.shape:
            raise ValueError(f"gx and gy must have shape {(xs.size, ys.size)}")
        ii = _subsample(xs.size)
        jj = _subsample(ys.size)
        xs, ys = xs[ii], ys[jj]
        gx, gy = gx[np.ix_(ii, jj)], gy[np.ix_(ii, jj)]
        cell_x = (xs[-1] - xs[0]) / max(xs.size - 1, 1) if xs.size > 1 else 1.0
        cell_y = (ys[-1] - ys[0]) / max(ys.size - 1, 1) if ys.size > 1 else 1.0
        # normalise in cell units, so every arrow spans the same share of its cell whatever
        # the axis scales; the direction in data coordinates is that of −∇f
        ux, uy = -gx / cell_x, -gy / cell_y
        norm = np.hypot(ux, uy)
        ok = np.isfinite(norm) & (norm > 0)
        scale = np.divide(_FIELD_FILL, norm, out=np.zeros_like(norm), where=ok)
        vectors = np.stack([ux * scale * cell_x, uy * scale * cell_y], axis=-1)[ok]
        centres = np.stack(np.meshgrid(xs, ys, indexing="ij"), axis=-1)[ok]
        self._field = (centres - vectors / 2, vectors)
        self._redraw_field()

    def show_gradient_field(self, visible: bool) -> None:
        """Show or hide the −∇f field."""
        self._field_item.setVisible(bool(visible))
        if visible:
            self._redraw_field()

    def gradient_field_visible(self) -> bool:
        """Whether the −∇f field is shown."""
        return self._field_item.isVisible()

    def _redraw_field(self) -> None:
        if self._field is None:
            self._field_item.setData(x=np.empty(0), y=np.empty(0))
            return
        starts, vectors = self._field
        rows = arrow_head_segments_2d(starts, vectors, self._pixel_size(), head_px=5.0)
        self._field_item.setData(x=rows[:, 0], y=rows[:, 1], skipFiniteCheck=True)

    def _pixel_size(self) -> tuple[float, float]:
        size = self._box.viewPixelSize()
        px, py = float(size[0]), float(size[1])
        if not (px > 0 and py > 0 and math.isfinite(px) and math.isfinite(py)):
            return (1e-3, 1e-3)
        return (px, py)

    def _on_transform_changed(self, *_args) -> None:
        # arrow heads are drawn a fixed number of pixels long
        for key in self._arrows:
            self._redraw_arrows(key)
        if self._field_item.isVisible():
            self._redraw_field()

    # ----------------------------------------------------------------- clicks
    def _on_scene_clicked(self, event) -> None:
        if event.button() != QtCore.Qt.MouseButton.LeftButton or event.double():
            return
        scene_pos = event.scenePos()
        if not self._box.sceneBoundingRect().contains(scene_pos):
            return  # on an axis
        point = self._box.mapSceneToView(scene_pos)
        x, y = float(point.x()), float(point.y())
        if self._window is not None:
            x0, x1, y0, y1 = self._window
            if not (x0 <= x <= x1 and y0 <= y <= y1):
                return
        shift = bool(event.modifiers() & QtCore.Qt.KeyboardModifier.ShiftModifier)
        self.plane_clicked.emit(x, y, shift)

    # ----------------------------------------------------------------- look
    def _style_axes(self, names: Sequence[str]) -> None:
        font = QtGui.QFont()
        font.setPointSizeF(10.0)
        for side, name in (("bottom", names[0]), ("left", names[1])):
            axis = self._plot.getAxis(side)
            axis.setPen(pg.mkPen(_AXIS_COLOR))
            axis.setTextPen(pg.mkPen(_TICK_COLOR))
            axis.setTickFont(font)
            axis.setLabel(name, color=_NAME_COLOR, **{"font-size": "11pt", "font-weight": "bold"})


def _rows(xs, ys) -> np.ndarray:
    """(N, 2) float64 rows of equally long x and y sequences."""
    xs, ys = (np.asarray(v, dtype=np.float64).ravel() for v in (xs, ys))
    if xs.size != ys.size:
        raise ValueError(f"xs and ys must be equally long, got {xs.size} and {ys.size}")
    return np.stack([xs, ys], axis=1)


def _subsample(n: int) -> np.ndarray:
    """At most FIELD_SAMPLES evenly spread indices of range(n), ends included."""
    if n <= FIELD_SAMPLES:
        return np.arange(n)
    return np.unique(np.round(np.linspace(0, n - 1, FIELD_SAMPLES)).astype(np.intp))
