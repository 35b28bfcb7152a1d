"""ContourView under Xvfb: image orientation, level curves, clicks, paths, arrows, −∇f field."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from PySide6 import QtCore, QtGui
from PySide6.QtCore import QPoint, Qt

from gdviz.render.colormap import lookup_table
from gdviz.render.contour_view import CONTOUR_PEN_COLOR, ContourView

SIZE = (640, 520)
N = 200
XS = np.linspace(-2.0, 4.0, N)  # a window that is not centred on 0, and not square
YS = np.linspace(-1.0, 2.0, N)
MAGENTA = (1.0, 0.0, 1.0, 1.0)
CYAN = (0.0, 1.0, 1.0, 1.0)


@pytest.fixture
def view(qtbot, qapp):
    widget = ContourView()
    qtbot.addWidget(widget)
    widget.resize(*SIZE)
    widget.show()
    qtbot.waitExposed(widget)
    return widget  # qtbot closes it


def _grab(view: ContourView) -> np.ndarray:
    QtCore.QCoreApplication.processEvents()
    image = view.grab().toImage().convertToFormat(QtGui.QImage.Format_RGB888)
    h, w = image.height(), image.width()
    data = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
    return data.reshape(h, image.bytesPerLine())[:, : w * 3].reshape(h, w, 3).copy()


def _pixel_of(view: ContourView, x: float, y: float) -> tuple[float, float]:
    """Widget position of the data point (x, y), through the view box's own mapping."""
    box = view.getPlotItem().getViewBox()
    scene = box.mapViewToScene(QtCore.QPointF(x, y))
    pos = view.mapFromScene(scene)
    return float(pos.x()), float(pos.y())


def _color_mask(image: np.ndarray, rgb, tolerance: int = 60) -> np.ndarray:
    target = np.array(rgb[:3], dtype=float)
    if target.max() <= 1.0:
        target = target * 255
    return np.abs(image.astype(int) - target).max(axis=2) < tolerance


def _window_only(view: ContourView, mask: np.ndarray) -> np.ndarray:
    """mask with everything outside the window's rectangle (axes, tick labels) cleared."""
    (c0, r0), (c1, r1) = _pixel_of(view, XS[0], YS[-1]), _pixel_of(view, XS[-1], YS[0])
    out = np.zeros_like(mask)
    out[round(r0) + 1 : round(r1) - 1, round(c0) + 1 : round(c1) - 1] = True
    return mask & out


def _near(mask: np.ndarray, col: float, row: float, radius: float) -> int:
    rows, cols = np.ogrid[: mask.shape[0], : mask.shape[1]]
    return int(mask[(rows - row) ** 2 + (cols - col) ** 2 <= radius * radius].sum())


def _viridis_index(pixel: np.ndarray) -> int:
    """Index of the viridis entry closest to an RGB pixel."""
    table = lookup_table("viridis") * 255
    return int(np.argmin(np.abs(table - pixel.astype(float)).sum(axis=1)))


def _show(view: ContourView, f, levels: int = 12) -> np.ndarray:
    z = f(XS[:, None], YS[None, :])
    view.set_surface(XS, YS, z, (float(np.nanmin(z)), float(np.nanmax(z))), ("w", "b"), levels)
    return z


# --------------------------------------------------------------------------- image
@pytest.mark.parametrize("axis", ["x", "y"])
def test_image_runs_x_to_the_right_and_y_up(view, axis):
    def f(x, y):
        return (x + 0 * y) if axis == "x" else (y + 0 * x)

    _show(view, f, levels=0)
    image = _grab(view)
    # off the diagonal, so a transposed image would fail too
    for fx, fy in ((0.2, 0.8), (0.8, 0.2), (0.5, 0.9)):
        x, y = XS[0] + fx * (XS[-1] - XS[0]), YS[0] + fy * (YS[-1] - YS[0])
        col, row = _pixel_of(view, x, y)
        index = _viridis_index(image[round(row), round(col)])
        expected = fx if axis == "x" else fy
        assert abs(index / 255 - expected) < 0.03, (axis, fx, fy, index)


def test_the_image_fills_the_window_and_holes_show_the_background(view):
    def f(x, y):
        return np.where((x - 1.0) ** 2 + (y - 0.5) ** 2 < 0.5**2, np.nan, x * y)

    _show(view, f, levels=0)
    image = _grab(view)
    background = np.array([0x1E, 0x1E, 0x24])
    col, row = _pixel_of(view, 1.0, 0.5)
    assert np.abs(image[round(row), round(col)].astype(int) - background).max() <= 3
    col, row = _pixel_of(view, 3.0, -0.5)
    assert np.abs(image[round(row), round(col)].astype(int) - background).max() > 20
    # the window's corners are just inside the image
    for x, y, dc, dr in ((XS[0], YS[0], 2, -2), (XS[-1], YS[-1], -2, 2)):
        col, row = _pixel_of(view, x, y)
        pixel = image[round(row) + dr, round(col) + dc]
        assert np.abs(pixel.astype(int) - background).max() > 20


def test_level_curves_lie_on_their_circles(view):
    def f(x, y):
        return (x - 1.0) ** 2 + (y - 0.5) ** 2

    z = _show(view, f, levels=5)
    image = _grab(view)
    lines = _window_only(view, _color_mask(image, CONTOUR_PEN_COLOR, tolerance=45))
    levels = np.linspace(z.min(), z.max(), 7)[1:-1]
    radius = math.sqrt(levels[0])  # the innermost circle, wholly inside the window
    angles = np.linspace(0, 2 * math.pi, 24, endpoint=False)
    on_circle = [
        _near(lines, *_pixel_of(view, 1 + radius * math.cos(a), 0.5 + radius * math.sin(a)), 2)
        for a in angles
    ]
    assert sum(n > 0 for n in on_circle) >= 22
    between = math.sqrt(0.5 * (levels[0] + levels[1]))  # halfway to the next circle
    off_circle = [
        _near(lines, *_pixel_of(view, 1 + between * math.cos(a), 0.5 + between * math.sin(a)), 1)
        for a in angles
    ]
    assert sum(n > 0 for n in off_circle) <= 2
    assert view.contour_segment_count() > 100
    _show(view, f, levels=0)
    assert view.contour_segment_count() == 0
    assert _window_only(view, _color_mask(_grab(view), CONTOUR_PEN_COLOR, tolerance=45)).sum() == 0


def test_set_surface_with_twelve_levels_is_fast(view):
    xs = np.linspace(-3, 3, 200)
    z = np.sin(xs)[:, None] * np.cos(xs)[None, :] + 0.1 * xs[:, None] ** 2
    view.set_surface(xs, xs, z, (float(z.min()), float(z.max())), ("x", "y"))
    times = []
    for _ in range(5):
        start = time.perf_counter()
        view.set_surface(xs, xs, z, (float(z.min()), float(z.max())), ("x", "y"))
        times.append(time.perf_counter() - start)
    assert min(times) < 0.05, f"{min(times) * 1000:.1f} ms"


# --------------------------------------------------------------------------- clicks
def test_a_click_emits_the_data_point_under_it(view, qtbot):
    _show(view, lambda x, y: x * y)
    box = view.getPlotItem().getViewBox()
    pixel_w, pixel_h = box.viewPixelSize()
    for x, y in ((1.0, -0.5), (3.7, 1.8), (-1.5, 0.2)):
        col, row = _pixel_of(view, x, y)
        with qtbot.waitSignal(view.plane_clicked, timeout=2000) as blocker:
            qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=QPoint(round(col), round(row)))
        got_x, got_y, shift = blocker.args
        assert abs(got_x - x) <= pixel_w and abs(got_y - y) <= pixel_h
        assert shift is False
    with qtbot.waitSignal(view.plane_clicked, timeout=2000) as blocker:
        col, row = _pixel_of(view, 1.0, 1.0)
        qtbot.mouseClick(
            view.viewport(), Qt.LeftButton, Qt.ShiftModifier, QPoint(round(col), round(row))
        )
    assert blocker.args[2] is True


def test_a_pan_drag_does_not_emit_and_axes_clicks_are_ignored(view, qtbot):
    _show(view, lambda x, y: x * y)
    clicks = []
    view.plane_clicked.connect(lambda *args: clicks.append(args))
    start = QPoint(*(round(v) for v in _pixel_of(view, 1.0, 0.5)))
    x_before = view.getPlotItem().getViewBox().viewRange()[0]
    qtbot.mousePress(view.viewport(), Qt.LeftButton, pos=start)
    for step in range(1, 8):
        _move(view, start + QPoint(8 * step, 3 * step))
    qtbot.mouseRelease(view.viewport(), Qt.LeftButton, pos=start + QPoint(56, 21))
    qtbot.wait(50)
    assert clicks == []
    assert view.getPlotItem().getViewBox().viewRange()[0] != x_before, "the drag should pan"
    # the bottom axis, below the window
    qtbot.mouseClick(
        view.viewport(), Qt.LeftButton, pos=QPoint(view.width() // 2, view.height() - 8)
    )
    qtbot.wait(50)
    assert clicks == []


def _move(view: ContourView, pos: QPoint) -> None:
    event = QtGui.QMouseEvent(
        QtCore.QEvent.MouseMove,
        QtCore.QPointF(pos),
        QtCore.QPointF(view.viewport().mapToGlobal(pos)),
        Qt.NoButton,
        Qt.LeftButton,
        Qt.NoModifier,
    )
    QtCore.QCoreApplication.sendEvent(view.viewport(), event)


# --------------------------------------------------------------------------- paths, arrows
def test_paths_render_scrub_and_go(view):
    _show(view, lambda x, y: x * y)
    t = np.linspace(0, 1, 40)
    xs, ys = -1.5 + 5.0 * t, -0.5 + 2.0 * t**2
    view.set_path(2, xs, ys, MAGENTA)
    full = _color_mask(_grab(view), MAGENTA)
    pixels = [_pixel_of(view, x, y) for x, y in zip(xs, ys, strict=True)]
    for k in range(0, 40, 4):
        assert _near(full, *pixels[k], 3) > 0, k
    view.set_path_head(2, 15)
    scrubbed = _color_mask(_grab(view), MAGENTA)
    for k in range(22, 40, 3):
        assert _near(scrubbed, *pixels[k], 3) == 0, k
    assert _near(scrubbed, *pixels[15], 5) > 30  # the head dot
    view.set_path_head(2, None)
    view.append_path(2, [3.9], [1.9])
    grown = _color_mask(_grab(view), MAGENTA)
    assert _near(grown, *_pixel_of(view, 3.9, 1.9), 5) > 30
    view.clear_paths()
    assert _color_mask(_grab(view), MAGENTA).sum() == 0


def test_arrows_are_drawn_and_cleared(view):
    _show(view, lambda x, y: 0 * x + 0 * y)
    view.set_arrows("step", [(0.0, 0.0, 2.0, 1.0, CYAN)])
    mask = _color_mask(_grab(view), CYAN)
    start, end = np.array(_pixel_of(view, 0.0, 0.0)), np.array(_pixel_of(view, 2.0, 1.0))
    for s in (0.1, 0.5, 0.95):
        assert _near(mask, *(start + s * (end - start)), 3) > 0
    assert _near(mask, *(start + 1.2 * (end - start)), 4) == 0
    view.clear_arrows("step")
    assert _color_mask(_grab(view), CYAN).sum() == 0


def test_gradient_field_points_downhill_and_toggles(view):
    def f(x, y):
        return (x - 1.0) ** 2 + 4 * (y - 0.5) ** 2

    _show(view, f, levels=0)
    gx_nodes, gy_nodes = np.linspace(XS[0], XS[-1], 40), np.linspace(YS[0], YS[-1], 40)
    gx = 2 * (gx_nodes[:, None] - 1.0) + 0 * gy_nodes[None, :]
    gy = 8 * (gy_nodes[None, :] - 0.5) + 0 * gx_nodes[:, None]
    view.set_gradient_field(gx_nodes, gy_nodes, gx, gy)
    hidden = _grab(view)
    assert not view.gradient_field_visible()
    view.show_gradient_field(True)
    shown = _grab(view)
    changed = np.abs(shown.astype(int) - hidden.astype(int)).max(axis=2) > 40
    assert changed.sum() > 500
    assert view.gradient_field_visible()
    # every drawn arrow points along −∇f (data coordinates), and there are at most 15²
    x, y = view._field_item.getData()
    segments = np.stack([x, y], axis=1).reshape(-1, 6, 2)
    assert 100 <= len(segments) <= 15 * 15
    starts, ends = segments[:, 0], segments[:, 1]
    middle = (starts + ends) / 2
    expected = -np.stack([2 * (middle[:, 0] - 1.0), 8 * (middle[:, 1] - 0.5)], axis=1)
    drawn = ends - starts
    cosine = (drawn * expected).sum(1) / (
        np.linalg.norm(drawn, axis=1) * np.linalg.norm(expected, axis=1)
    )
    assert cosine.min() > 0.999
    view.show_gradient_field(False)
    assert np.array_equal(_grab(view), hidden)
