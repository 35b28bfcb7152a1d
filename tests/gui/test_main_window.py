"""The real main window under Xvfb: lecture scene on start, expressions, errors, point edits."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6 import QtCore

from gdviz.core.logistic import Dataset, log_loss
from tests.gui.pixels import foreground_mask, grab_rgb


def _settle(qtbot, window, ms: int = 150) -> None:
    qtbot.wait(ms)
    window.view.update()


def test_window_opens_on_the_lecture_loss_surface(main_window, qtbot):
    window = main_window
    assert window.surface.axis_names == ("w", "b", "L")
    assert window.grid.height_scale == "log10"
    assert window.function_panel.preset_combo.currentData() == "lecture-logistic"
    _settle(qtbot, window)
    image = grab_rgb(window.view)
    fg = foreground_mask(image)
    assert fg.mean() > 0.12, "the surface should fill a good part of the view"
    pixels = image[fg].astype(float)
    # A real colormap: the drawn pixels span several distinct hues and brightnesses.
    assert pixels.std(axis=0).max() > 25
    quantised = np.unique((pixels // 32).astype(int), axis=0)
    assert len(quantised) >= 12
    # Viridis runs from purple-blue (b > r) to yellow-green (r, g > b): both must appear.
    bluish = (pixels[:, 2] > pixels[:, 0] + 20).mean()
    yellowish = ((pixels[:, 0] > pixels[:, 2] + 20) & (pixels[:, 1] > pixels[:, 2] + 20)).mean()
    assert bluish > 0.02 and yellowish > 0.02


def test_the_3d_view_is_a_native_gl_window_and_the_window_picture_includes_it(main_window, qtbot):
    from PySide6 import QtGui, QtOpenGL

    window = main_window
    assert isinstance(window.view, QtOpenGL.QOpenGLWindow)  # not a QOpenGLWidget
    assert window.centralWidget() is window.view.container
    _settle(qtbot, window)
    image = window.picture().toImage().convertToFormat(QtGui.QImage.Format_RGB888)
    origin = window.view.container.mapTo(window, QtCore.QPoint(0, 0))
    dpr = image.devicePixelRatio()
    w, h = image.width(), image.height()
    data = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
    rgb = data.reshape(h, image.bytesPerLine())[:, : w * 3].reshape(h, w, 3)
    x0, y0 = round(origin.x() * dpr), round(origin.y() * dpr)
    vw = round(window.view.container.width() * dpr)
    vh = round(window.view.container.height() * dpr)
    inside = rgb[y0 : y0 + vh, x0 : x0 + vw]
    view = grab_rgb(window.view)
    assert inside.shape == view.shape
    # the picture's central area is the view's own framebuffer, not a blank native window
    assert foreground_mask(inside).mean() > 0.12
    assert np.abs(inside.astype(int) - view.astype(int)).max(axis=2).mean() < 3


def test_point_panel_shows_the_loss_and_gradient_at_the_lecture_start(main_window):
    panel = main_window.point_panel
    assert main_window.point == (4.0, 5.0)
    data = Dataset.lecture()
    # Independent reference: plain Python over the 8 rows, natural log.
    xs, ys = data.x.tolist(), data.y.tolist()
    zs = [4.0 * x + 5.0 for x in xs]
    rows = list(zip(zs, ys, strict=True))
    loss = sum(math.log1p(math.exp(-abs(z))) + max(z, 0) - y * z for z, y in rows) / 8
    dw = sum((1 / (1 + math.exp(-z)) - y) * x for z, y, x in zip(zs, ys, xs, strict=True)) / 8
    db = sum((1 / (1 + math.exp(-z)) - y) for z, y in zip(zs, ys, strict=True)) / 8
    assert float(panel.value_label.text().replace("−", "-")) == pytest.approx(loss, rel=1e-6)
    assert float(panel.fx_label.text().replace("−", "-")) == pytest.approx(dw, rel=1e-6)
    assert float(panel.fy_label.text().replace("−", "-")) == pytest.approx(db, rel=1e-6)
    assert loss == pytest.approx(35.5, abs=0.05)  # ERRATA item 6
    assert (dw, db) == pytest.approx((8.25, 0.5), abs=0.005)
    assert float(log_loss(data, 4.0, 5.0)) == pytest.approx(loss, rel=1e-12)
    assert panel.value_name.text() == "L(w, b)"


def test_typing_an_expression_replaces_the_surface(main_window, qtbot):
    window = main_window
    _settle(qtbot, window)
    before = grab_rgb(window.view)
    old_grid = window.grid
    edit = window.function_panel.expression_edit
    edit.clear()
    qtbot.keyClicks(edit, "sin(x)*cos(y)")
    qtbot.keyClick(edit, QtCore.Qt.Key_Return)
    qtbot.waitUntil(lambda: window.grid is not None and window.grid is not old_grid, timeout=10000)
    assert window.surface.axis_names == ("x", "y", "z")
    assert window.grid.height_scale == "linear"
    xs, ys, z = window.grid.xs, window.grid.ys, window.grid.z
    np.testing.assert_allclose(z, np.sin(xs)[:, None] * np.cos(ys)[None, :], atol=1e-12)
    assert window.function_panel.error_label.isHidden()
    _settle(qtbot, window)
    after = grab_rgb(window.view)
    changed = np.abs(after.astype(int) - before.astype(int)).max(axis=2) > 30
    assert changed.mean() > 0.1
    assert window.point_panel.fx_formula.text() == "cos(x)*cos(y)"


def test_a_bad_expression_shows_its_error_and_keeps_the_surface(main_window, qtbot):
    window = main_window
    old_surface, old_grid = window.surface, window.grid
    edit = window.function_panel.expression_edit
    edit.clear()
    qtbot.keyClicks(edit, "sin(x) + foo(y)")
    qtbot.keyClick(edit, QtCore.Qt.Key_Return)
    error = window.function_panel.error_label
    assert error.isVisible()
    assert "foo" in error.text() and "column" in error.text()
    qtbot.wait(200)
    assert window.surface is old_surface
    assert window.grid is old_grid
    assert edit.text() == "sin(x) + foo(y)"  # the typed text stays to be fixed


def test_editing_the_point_moves_the_marker_and_updates_numbers(main_window, qtbot):
    window = main_window
    window.load_preset("sin-cos")
    qtbot.waitUntil(lambda: window.grid is not None, timeout=10000)
    _settle(qtbot, window)
    before = grab_rgb(window.view)
    panel = window.point_panel
    panel.x_box.setValue(0.5)
    panel.y_box.setValue(4.0)
    panel.x_box.editingFinished.emit()
    assert window.point == (0.5, 4.0)
    assert float(panel.value_label.text().replace("−", "-")) == pytest.approx(
        math.sin(0.5) * math.cos(4.0), rel=1e-6
    )
    scene = window.view.data_to_scene(0.5, 4.0, 0.0)
    marker = window.view.point_scene_position()
    assert marker is not None
    assert marker[:2] == pytest.approx(scene[:2], abs=1e-6)
    _settle(qtbot, window)
    after = grab_rgb(window.view)
    changed = np.abs(after.astype(int) - before.astype(int)).max(axis=2) > 40
    assert 0 < changed.mean() < 0.05, "only the marker's neighbourhood should change"


def test_point_outside_the_domain_hides_the_marker_and_says_so(main_window, qtbot):
    window = main_window
    assert window.apply_expression("sqrt(x) + y")
    qtbot.waitUntil(lambda: window.grid is not None, timeout=10000)
    window.set_point(-1.0, 0.0)
    assert window.point_panel.value_label.text() == "undefined"
    assert "not defined" in window.point_panel.domain_label.text()
    assert window.view.point_scene_position() is None
    assert window.grid.nan_fraction > 0.3


def test_invalid_window_edit_is_refused_and_the_old_window_kept(main_window):
    window = main_window
    old = window.doc.scene.window
    panel = window.function_panel
    panel.x_min_box.setValue(10.0)  # x_min > x_max
    panel.x_min_box.editingFinished.emit()
    assert window.doc.scene.window == old
    assert panel.error_label.isVisible()
    assert "x_min" in panel.error_label.text()


def test_large_resolution_shows_a_coarse_preview_then_the_full_grid(main_window, qtbot):
    window = main_window
    window.load_preset("himmelblau")
    qtbot.waitUntil(lambda: window.grid is not None, timeout=10000)
    sizes = []
    window.grid_displayed.connect(lambda: sizes.append(len(window.grid.xs)))
    window.set_resolution(600)
    qtbot.waitUntil(lambda: bool(sizes) and sizes[-1] == 600, timeout=30000)
    assert sizes[0] < 600  # the preview arrived first, the window stayed responsive meanwhile
    assert window.grid.z.shape == (600, 600)
    assert window.function_panel.resolution_box.value() == 600


def test_closing_mid_computation_joins_the_worker(qtbot, gl_context):
    from gdviz.ui.main_window import MainWindow

    window = MainWindow(preset="himmelblau")
    qtbot.addWidget(window)
    window.show()
    window.set_resolution(800)
    window.close()
    assert not window.jobs.is_running()


def test_typing_pi_in_the_point_field_sets_x_to_pi(main_window, qtbot):
    window = main_window
    window.load_preset("sin-cos")
    qtbot.waitUntil(lambda: window.grid is not None, timeout=10000)
    panel = window.point_panel
    y = window.point[1]
    panel.x_box.setFocus()
    panel.x_box.lineEdit().selectAll()
    qtbot.keyClicks(panel.x_box.lineEdit(), "pi")
    qtbot.keyClick(panel.x_box.lineEdit(), QtCore.Qt.Key_Return)
    assert window.point == (math.pi, y)  # exactly math.pi, not the 7 digits shown
    assert window.doc.scene.point == (math.pi, y)
    assert panel.entry_error.isHidden()
    assert float(panel.value_label.text().replace("−", "-")) == pytest.approx(
        math.sin(math.pi) * math.cos(y), abs=1e-6
    )
    # The true minus (pasted: QTest types ASCII only) and a constant expression in y.
    panel.y_box.setFocus()
    panel.y_box.lineEdit().setText("−pi/2")
    qtbot.keyClick(panel.y_box.lineEdit(), QtCore.Qt.Key_Return)
    assert window.point == (math.pi, -math.pi / 2)


@pytest.mark.parametrize("typed", ["x+1", "1/0", "__import__"])
def test_a_bad_point_entry_says_why_and_keeps_the_point(main_window, qtbot, typed):
    window = main_window
    panel = window.point_panel
    before = window.point
    panel.x_box.setFocus()
    panel.x_box.lineEdit().selectAll()
    qtbot.keyClicks(panel.x_box.lineEdit(), typed)
    qtbot.keyClick(panel.x_box.lineEdit(), QtCore.Qt.Key_Return)
    assert window.point == before
    assert panel.x_box.value() == before[0]
    assert panel.entry_error.isVisible()
    assert panel.entry_error.text().startswith("w: ")  # names the field (w on the loss surface)
    assert typed in panel.entry_error.text()


def test_the_point_panel_shows_a_round_off_derivative_as_zero(main_window, qtbot):
    window = main_window
    assert window.apply_expression("x^2*sin(y)")
    qtbot.waitUntil(lambda: window.grid is not None, timeout=10000)
    panel = window.point_panel
    for box in (panel.x_box, panel.y_box):
        box.setFocus()
        box.lineEdit().selectAll()
        qtbot.keyClicks(box.lineEdit(), "pi")
        qtbot.keyClick(box.lineEdit(), QtCore.Qt.Key_Return)
    assert window.point == (math.pi, math.pi)
    raw = 2 * math.pi * math.sin(math.pi)  # 2π sin π = 0 exactly; 7.7e−16 in float64
    assert panel.fx_label.text() == f"0 (round-off: {raw:.1e})".replace("e-", "e−")
    assert panel.fy_label.text() == f"{math.pi**2 * math.cos(math.pi):.7g}".replace("-", "−")
    assert panel.fy_label.text() == "−9.869604"  # π² cos π = −π²
    assert panel.grad_label.text() == "(0, −9.869604)"
