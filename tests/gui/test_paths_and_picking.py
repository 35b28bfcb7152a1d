"""SurfaceView paths, arrows and click-picking under Xvfb with real GL."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6 import QtCore, QtGui
from PySide6.QtCore import QPoint, Qt

from gdviz.render.paths import PathBuffer
from gdviz.render.view3d import SurfaceView
from tests.gui.pixels import grab_rgb, shown_view

SIZE = (640, 480)
N = 120
XS = np.linspace(-3.0, 3.0, N)
YS = np.linspace(-3.0, 3.0, N)
CELL = float(XS[1] - XS[0])
MAGENTA = (1.0, 0.0, 1.0, 1.0)
CYAN = (0.0, 1.0, 1.0, 1.0)


def sin_cos(x, y):
    return np.sin(x) * np.cos(y)


def hill(x, y):
    return np.exp(-(x * x + y * y) / 0.8)


@pytest.fixture
def view(qtbot, gl_context):
    widget = shown_view(qtbot, SIZE)
    grab_rgb(widget)
    assert widget.isValid()
    yield widget
    widget.container.close()


def _show(view: SurfaceView, f) -> None:
    view.set_surface(XS, YS, f(XS[:, None], YS[None, :]), (0.0, 1.0) if f is hill else (-1, 1))


def _mvp(view: SurfaceView) -> np.ndarray:
    w, h = view.width(), view.height()
    m = view.projectionMatrix((0, 0, w, h), (0, 0, w, h)) * view.viewMatrix()
    return np.array(m.data(), dtype=np.float64).reshape(4, 4).T


def _pixel_of(view: SurfaceView, x: float, y: float, z: float) -> tuple[float, float]:
    """Widget position (continuous, origin top-left) where a data point projects."""
    scene = np.array([float(v) for v in view.data_to_scene(x, y, z)] + [1.0])
    cx, cy, _, cw = _mvp(view) @ scene
    assert cw > 0
    return (cx / cw + 1) * 0.5 * view.width(), (1 - cy / cw) * 0.5 * view.height()


def _camera_scene(view: SurfaceView) -> np.ndarray:
    c = view.cameraPosition()
    return np.array([c.x(), c.y(), c.z()])


def _first_analytic_hit(view: SurfaceView, f, target_scene: np.ndarray, samples: int = 200000):
    """Brute force, independent of gdviz.render.picking: march from the camera towards a scene
    point and return the first sample whose scene z is at or below the analytic surface."""
    camera = _camera_scene(view)
    t = np.linspace(0.0, 1.0, samples)
    points = camera[None] + t[:, None] * (target_scene - camera)[None]
    x, y, _ = view.scene_to_data(points[:, 0], points[:, 1], points[:, 2])
    inside = (x >= XS[0]) & (x <= XS[-1]) & (y >= YS[0]) & (y <= YS[-1])
    surface_z = view.data_to_scene(x, y, f(x, y))[2]
    below = inside & (points[:, 2] <= surface_z)
    if not below.any():
        return None
    k = int(np.argmax(below))
    return float(x[k]), float(y[k]), float(t[k])


def _color_mask(image: np.ndarray, rgb, tolerance: int = 60) -> np.ndarray:
    target = np.array(rgb[:3]) * 255
    return np.abs(image.astype(int) - target).max(axis=2) < tolerance


def _near(mask: np.ndarray, col: float, row: float, radius: float) -> int:
    rows, cols = np.ogrid[: mask.shape[0], : mask.shape[1]]
    return int(mask[(rows - row) ** 2 + (cols - col) ** 2 <= radius * radius].sum())


def _mouse(view, kind, pos: QtCore.QPointF, button, buttons, modifiers=Qt.NoModifier):
    event = QtGui.QMouseEvent(kind, pos, view.mapToGlobal(pos), button, buttons, modifiers)
    QtCore.QCoreApplication.sendEvent(view, event)


# --------------------------------------------------------------------------- picking
def test_clicking_a_projected_surface_point_emits_that_point(view, qtbot):
    _show(view, sin_cos)
    peak = (math.pi / 2, 0.0, 1.0)
    # the highest point is visible whenever the camera is above it: nothing on the way is higher
    assert _camera_scene(view)[2] > view.data_to_scene(*peak)[2]
    for frame, (x, y) in ((view.reset_camera, peak[:2]), (view.top_view, (-1.3, 2.1))):
        frame()
        px, py = _pixel_of(view, x, y, float(sin_cos(x, y)))
        with qtbot.waitSignal(view.surface_clicked, timeout=2000) as blocker:
            qtbot.mouseClick(view, Qt.LeftButton, pos=QPoint(round(px), round(py)))
        got_x, got_y, shift = blocker.args
        assert shift is False
        # the click lands on a whole pixel: allow its size in data units on top of one cell
        assert math.hypot(got_x - x, got_y - y) < CELL + 2 * _data_per_pixel(view), (x, y)


def _data_per_pixel(view: SurfaceView) -> float:
    c0 = np.array(_pixel_of(view, 0.0, 0.0, 0.0))
    c1 = np.array(_pixel_of(view, 1.0, 0.0, 0.0))
    return 1.0 / float(np.linalg.norm(c1 - c0))


def test_clicking_the_centre_agrees_with_an_independent_ray_march(view, qtbot):
    _show(view, sin_cos)
    w, h = view.width(), view.height()
    picked = view.pick(w / 2, h / 2)
    assert picked is not None
    # the ray through the widget centre passes the camera's look-at point
    center = view.opts["center"]
    target = np.array([center.x(), center.y(), center.z()])
    camera = _camera_scene(view)
    far = camera + 4.0 * (target - camera)
    expected = _first_analytic_hit(view, sin_cos, far)
    assert expected is not None
    assert math.hypot(picked[0] - expected[0], picked[1] - expected[1]) < CELL
    assert picked[2] == pytest.approx(float(sin_cos(picked[0], picked[1])), abs=0.01)
    with qtbot.waitSignal(view.surface_clicked, timeout=2000) as blocker:
        qtbot.mouseClick(view, Qt.LeftButton, pos=QPoint(w // 2, h // 2))
    assert math.hypot(blocker.args[0] - expected[0], blocker.args[1] - expected[1]) < 1.5 * CELL


def test_shift_click_reports_shift(view, qtbot):
    _show(view, sin_cos)
    px, py = _pixel_of(view, math.pi / 2, 0.0, 1.0)
    with qtbot.waitSignal(view.surface_clicked, timeout=2000) as blocker:
        qtbot.mouseClick(view, Qt.LeftButton, Qt.ShiftModifier, QPoint(round(px), round(py)))
    assert blocker.args[2] is True


def test_a_drag_orbits_and_does_not_emit(view, qtbot):
    _show(view, sin_cos)
    clicks = []
    view.surface_clicked.connect(lambda *args: clicks.append(args))
    start = QtCore.QPointF(*_pixel_of(view, math.pi / 2, 0.0, 1.0))
    azimuth = view.opts["azimuth"]
    _mouse(view, QtCore.QEvent.MouseButtonPress, start, Qt.LeftButton, Qt.LeftButton)
    for step in range(1, 9):
        pos = start + QtCore.QPointF(5.0 * step, 0.0)
        _mouse(view, QtCore.QEvent.MouseMove, pos, Qt.NoButton, Qt.LeftButton)
    _mouse(view, QtCore.QEvent.MouseButtonRelease, pos, Qt.LeftButton, Qt.NoButton)
    qtbot.wait(50)
    assert view.opts["azimuth"] != azimuth, "the drag should orbit the camera"
    assert clicks == []
    # a drag that returns to where it started is still a drag
    _mouse(view, QtCore.QEvent.MouseButtonPress, start, Qt.LeftButton, Qt.LeftButton)
    _mouse(view, QtCore.QEvent.MouseMove, start + QtCore.QPointF(30, 0), Qt.NoButton, Qt.LeftButton)
    _mouse(view, QtCore.QEvent.MouseMove, start, Qt.NoButton, Qt.LeftButton)
    _mouse(view, QtCore.QEvent.MouseButtonRelease, start, Qt.LeftButton, Qt.NoButton)
    qtbot.wait(50)
    assert clicks == []


def test_clicks_off_the_surface_or_into_a_hole_emit_nothing(view, qtbot):
    z = sin_cos(XS[:, None], YS[None, :])
    z[(XS[:, None] ** 2 + YS[None, :] ** 2) < 1.0] = np.nan
    view.set_surface(XS, YS, z, (-1, 1))
    view.top_view()
    clicks = []
    view.surface_clicked.connect(lambda *args: clicks.append(args))
    qtbot.mouseClick(view, Qt.LeftButton, pos=QPoint(3, 3))  # background corner
    px, py = _pixel_of(view, 0.0, 0.0, 0.0)  # the middle of the hole
    qtbot.mouseClick(view, Qt.LeftButton, pos=QPoint(round(px), round(py)))
    qtbot.wait(50)
    assert clicks == []
    assert view.pick(px, py) is None
    px, py = _pixel_of(view, 2.0, 2.0, 0.0)  # outside the hole the surface is hit
    assert view.pick(px, py) is not None


# --------------------------------------------------------------------------- paths
def _diagonal_path(count: int = 30):
    t = np.linspace(0.0, 1.0, count)
    xs = -2.5 + 4.0 * t
    ys = -2.0 + 3.5 * t
    return xs, ys, sin_cos(xs, ys)


def test_a_path_renders_in_its_colour_along_its_points(view):
    _show(view, sin_cos)
    view.top_view()  # nothing hides anything
    before = _color_mask(grab_rgb(view), MAGENTA)
    xs, ys, zs = _diagonal_path()
    view.set_path(7, xs, ys, zs, MAGENTA)
    mask = _color_mask(grab_rgb(view), MAGENTA)
    assert before.sum() == 0
    assert mask.sum() > 200
    for k in range(0, len(xs), 5):
        assert _near(mask, *_pixel_of(view, xs[k], ys[k], zs[k]), 4) > 0, k
    # a second run in another colour; removing the first leaves the second
    view.set_path(8, xs, -ys, sin_cos(xs, -ys), CYAN)
    assert _color_mask(grab_rgb(view), CYAN).sum() > 200
    view.remove_path(7)
    image = grab_rgb(view)
    assert _color_mask(image, MAGENTA).sum() == 0 and _color_mask(image, CYAN).sum() > 200
    view.clear_paths()
    assert _color_mask(grab_rgb(view), CYAN).sum() == 0
    assert view.path_ids() == []


def test_appending_draws_the_same_as_setting_the_whole_path(view):
    _show(view, sin_cos)
    xs, ys, zs = _diagonal_path(200)  # more points than the buffer's first capacity
    view.set_path(1, xs, ys, zs, MAGENTA)
    whole = grab_rgb(view)
    view.clear_paths()
    view.set_path(1, xs[:1], ys[:1], zs[:1], MAGENTA)
    for k in range(1, len(xs), 7):
        view.append_path(1, xs[k : k + 7], ys[k : k + 7], zs[k : k + 7])
    appended = grab_rgb(view)
    assert np.abs(whole.astype(int) - appended.astype(int)).max() <= 2


def test_a_path_behind_a_hill_is_hidden_where_the_hill_covers_it(view):
    _show(view, hill)
    camera = _camera_scene(view)
    # the camera looks from +x, −y; this path runs on the floor behind the hill, across the
    # line of sight, so its middle is hidden and its ends are not
    t = np.linspace(0.0, 1.0, 60)
    away = -np.array([camera[0], camera[1]]) / math.hypot(camera[0], camera[1])
    across = np.array([-away[1], away[0]])
    points = 1.3 * away[None] + (t[:, None] - 0.5) * 5.0 * across[None]
    xs, ys = points[:, 0], points[:, 1]
    keep = (np.abs(xs) < 2.9) & (np.abs(ys) < 2.9)
    xs, ys = xs[keep], ys[keep]
    zs = hill(xs, ys)
    view.set_path(3, xs, ys, zs, MAGENTA)
    mask = _color_mask(grab_rgb(view), MAGENTA)

    hidden, visible = [], []
    for x, y, z in zip(xs, ys, zs, strict=True):
        target = np.array([float(v) for v in view.data_to_scene(x, y, z)])
        hit = _first_analytic_hit(view, hill, target)
        # hidden: the ray meets the hill well before the point (not at the point itself)
        is_hidden = hit is not None and hit[2] < 0.97 and math.hypot(hit[0] - x, hit[1] - y) > 0.3
        (hidden if is_hidden else visible).append(_pixel_of(view, x, y, z))
    assert len(hidden) >= 8 and len(visible) >= 8
    for col, row in visible:
        assert _near(mask, col, row, 4) > 0
    for col, row in hidden:
        if min(math.hypot(col - c, row - r) for c, r in visible) < 12:
            continue  # close to the hill's silhouette
        assert _near(mask, col, row, 3) == 0, (col, row)

    # control: the same path drawn without the depth test shows through the hill
    view._paths[3].line.setGLOptions("additive")
    leaky = _color_mask(grab_rgb(view), MAGENTA)
    assert sum(_near(leaky, c, r, 3) > 0 for c, r in hidden) > len(hidden) // 2


def test_scrubbing_the_head_shows_only_the_first_points(view):
    _show(view, sin_cos)
    view.top_view()
    xs, ys, zs = _diagonal_path(30)
    view.set_path(1, xs, ys, zs, MAGENTA)
    full = _color_mask(grab_rgb(view), MAGENTA)
    view.set_path_head(1, 10)
    scrubbed = _color_mask(grab_rgb(view), MAGENTA)
    px = [_pixel_of(view, xs[k], ys[k], zs[k]) for k in range(30)]
    assert scrubbed.sum() < 0.7 * full.sum()
    for k in (0, 3, 6):
        assert _near(scrubbed, *px[k], 4) > 0
    for k in range(16, 30, 3):
        assert _near(full, *px[k], 4) > 0 and _near(scrubbed, *px[k], 4) == 0, k
    # the head dot (11 px) sits on point 10: a filled blob there
    assert _near(scrubbed, *px[10], 5) > 40
    view.set_path_head(1, None)
    assert np.array_equal(_color_mask(grab_rgb(view), MAGENTA), full)


def test_paths_follow_a_new_window(view):
    _show(view, sin_cos)
    view.top_view()
    xs, ys, _ = _diagonal_path(30)
    zs = np.ones_like(xs)  # at the top of the box: above the new surface too
    view.set_path(1, xs, ys, zs, MAGENTA)
    view.set_surface(2 * XS, 2 * YS, sin_cos(XS[:, None], YS[None, :]), (-1, 1))
    mask = _color_mask(grab_rgb(view), MAGENTA)
    for k in (5, 15, 25):
        assert _near(mask, *_pixel_of(view, xs[k], ys[k], zs[k]), 4) > 0


# --------------------------------------------------------------------------- arrows
def test_arrows_are_drawn_from_their_point_by_their_vector_and_cleared(view):
    _show(view, sin_cos)
    view.top_view()
    x, y, dx, dy = -2.0, -1.0, 2.5, 1.5
    z = 1.0  # at the top of the box, above the whole surface
    view.set_arrows("step", [(x, y, z, dx, dy, 0.0, CYAN)])
    mask = _color_mask(grab_rgb(view), CYAN, tolerance=90)
    start = np.array(_pixel_of(view, x, y, z))
    end = np.array(_pixel_of(view, x + dx, y + dy, z))
    for s in (0.05, 0.3, 0.6, 0.97):
        assert _near(mask, *(start + s * (end - start)), 4) > 0, s
    beyond = start + 1.3 * (end - start)
    assert _near(mask, *beyond, 6) == 0
    view.set_arrows("velocity", [(x, y, z, -dx, 0.0, 0.0, MAGENTA)])
    assert _color_mask(grab_rgb(view), MAGENTA).sum() > 30
    view.clear_arrows("step")
    image = grab_rgb(view)
    assert _color_mask(image, CYAN, tolerance=90).sum() == 0
    assert _color_mask(image, MAGENTA).sum() > 30


# --------------------------------------------------------------------------- buffers
def test_path_buffer_doubles_its_capacity_and_keeps_rows():
    buffer = PathBuffer(3)
    rows = np.arange(3000, dtype=np.float64).reshape(-1, 3)
    capacities = set()
    for k in range(len(rows)):
        buffer.append(rows[k])
        capacities.add(buffer.capacity)
    np.testing.assert_array_equal(buffer.all_rows(), rows)
    assert all(c & (c - 1) == 0 for c in capacities)  # powers of two: it doubles
    assert len(capacities) <= 6
    buffer.head = 4
    np.testing.assert_array_equal(buffer.shown_rows(), rows[:5])
    buffer.head = 10_000
    assert len(buffer.shown_rows()) == len(rows)
