"""Descent in the real window: click to start, play/step/reset keys, paths, loss plot, scrubbing."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6 import QtCore
from PySide6.QtCore import QPoint, Qt

from gdviz.core.descent import StopReason, run_to_end
from gdviz.core.optimizers import make_optimizer
from gdviz.ui import theme
from tests.gui.pixels import grab_rgb


def _pixel_of(view, x: float, y: float, z: float) -> tuple[float, float]:
    """Widget position where a data point projects, from the view's own matrices."""
    w, h = view.width(), view.height()
    m = view.projectionMatrix((0, 0, w, h), (0, 0, w, h)) * view.viewMatrix()
    mvp = np.array(m.data(), dtype=np.float64).reshape(4, 4).T
    scene = np.array([float(v) for v in view.data_to_scene(x, y, z)] + [1.0])
    cx, cy, _, cw = mvp @ scene
    return (cx / cw + 1) * 0.5 * w, (1 - cy / cw) * 0.5 * h


@pytest.fixture
def sin_cos_window(main_window, qtbot):
    window = main_window
    window.load_preset("sin-cos")
    qtbot.waitUntil(lambda: window.grid is not None, timeout=10000)
    return window


def _wait_finished(qtbot, window, timeout=15000):
    qtbot.waitUntil(
        lambda: bool(window.descent.runs) and not window.descent.has_unfinished_runs(),
        timeout=timeout,
    )


def test_clicking_the_surface_sets_the_start_on_the_surface(sin_cos_window, qtbot):
    window = sin_cos_window
    view = window.view
    view.top_view()
    qtbot.wait(50)
    x, y = 1.3, 3.1
    px, py = _pixel_of(view, x, y, math.sin(x) * math.cos(y))
    qtbot.mouseClick(view, Qt.LeftButton, pos=QPoint(round(px), round(py)))
    got_x, got_y = window.point
    cell = (window.grid.xs[1] - window.grid.xs[0]) * 1.5
    assert math.hypot(got_x - x, got_y - y) < cell + 0.05
    # The panel shows f at the picked point, computed by core.
    shown = float(window.point_panel.value_label.text().replace("−", "-"))
    assert shown == pytest.approx(math.sin(got_x) * math.cos(got_y), rel=1e-6)


def test_space_plays_a_run_that_draws_its_path_and_loss_curve(sin_cos_window, qtbot):
    window = sin_cos_window
    window.descent_panel.speed_combo.setCurrentIndex(window.descent_panel.speed_combo.count() - 1)
    window.view.top_view()  # from the default camera the ridge in front hides this path
    qtbot.wait(50)
    window.view.update()
    before = grab_rgb(window.view)
    window.activateWindow()
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key_Space)
    _wait_finished(qtbot, window)
    (drawn,) = window.descent.runs.values()
    # The recorded run is exactly what core computes for the same settings.
    settings = window.descent_panel.settings()
    expected, end = run_to_end(
        window.surface, (2.0, 2.5), make_optimizer("gd", lr=settings.hp.lr), 1000, 1e-6
    )
    assert drawn.history.end.reason == end.reason == StopReason.CONVERGED
    np.testing.assert_allclose(drawn.history.column("x"), [s.point[0] for s in expected])
    assert window.loss_plot.curve_count() == 1
    ks, values = window.loss_plot.curve_data(drawn.run_id)
    np.testing.assert_allclose(values, [s.value for s in expected])
    qtbot.wait(50)
    window.view.update()
    after = grab_rgb(window.view)
    first = theme.RUN_COLORS[0]
    colour = np.array([int(first[i : i + 2], 16) for i in (1, 3, 5)])  # the first run's
    near = lambda img: (np.abs(img.astype(int) - colour).max(axis=2) < 60).sum()  # noqa: E731
    assert near(after) > near(before) + 30, "the path should appear in the run's colour"
    assert "converged" in window.statusBar().currentMessage()
    assert "converged" in window.step_panel.status_label.text()


def test_right_arrow_steps_and_the_step_panel_writes_the_lecture_update(main_window, qtbot):
    window = main_window  # the lecture scene, start (4, 5), lr 0.01 from the preset
    assert window.descent_panel.lr_box.value() == pytest.approx(0.01)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key_Right)  # k = 0
    qtbot.waitUntil(lambda: window.step_panel.lines[0].text().startswith("(w0, b0)"), timeout=5000)
    qtbot.keyClick(window.view, Qt.Key_Right)  # k = 1
    qtbot.waitUntil(lambda: window.step_panel.lines[3].text().startswith("w1"), timeout=5000)
    assert (
        window.step_panel.lines[3].text() == "w1 = w0 − α × L_w(w0, b0) = 4 − 0.01 × 8.25 = 3.9175"
    )
    assert window.step_panel.lines[4].text() == "b1 = b0 − α × L_b(w0, b0) = 5 − 0.01 × 0.5 = 4.995"
    assert not window.descent.playing
    (drawn,) = window.descent.runs.values()
    assert len(drawn.history) == 2
    qtbot.keyClick(window.view, Qt.Key_R)
    assert window.descent.runs == {}
    assert window.loss_plot.curve_count() == 0
    assert window.point == (4.0, 5.0)  # reset keeps the start


def test_shift_click_adds_a_second_run_and_both_race(sin_cos_window, qtbot):
    window = sin_cos_window
    panel = window.descent_panel
    panel.speed_combo.setCurrentIndex(panel.speed_combo.count() - 1)
    window.add_run()
    panel.set_optimizer("momentum", lr=0.05)
    view = window.view
    view.top_view()
    qtbot.wait(50)
    x, y = 0.8, 1.0
    px, py = _pixel_of(view, x, y, math.sin(x) * math.cos(y))
    qtbot.mouseClick(view, Qt.LeftButton, Qt.ShiftModifier, QPoint(round(px), round(py)))
    assert len(window.descent.runs) == 2
    window.toggle_play()
    _wait_finished(qtbot, window)
    assert window.loss_plot.curve_count() == 2
    names = [r.optimizer.name for r in window.descent.runs.values()]
    assert names == ["gd", "momentum"]
    assert window.descent_panel.runs_list.count() == 2


def test_scrubbing_the_loss_cursor_moves_every_marker_to_step_k(sin_cos_window, qtbot):
    window = sin_cos_window
    panel = window.descent_panel
    panel.speed_combo.setCurrentIndex(panel.speed_combo.count() - 1)
    window.toggle_play()
    _wait_finished(qtbot, window)
    (drawn,) = window.descent.runs.values()
    window.loss_plot.cursor.setValue(7)  # what dragging the cursor does
    assert window.descent.scrub_k == 7
    step = drawn.history.step(7)
    assert window.step_panel.lines[0].text().startswith("(x7, y7)")
    head = window.view.path_head_position(drawn.run_id)
    expected = window.view.data_to_scene(*step.point, 0.0)
    assert head[:2] == pytest.approx(expected[:2], abs=1e-6)


def test_a_huge_learning_rate_stops_as_diverged_and_says_so(main_window, qtbot):
    window = main_window
    window.load_preset("bowl")
    qtbot.waitUntil(lambda: window.grid is not None, timeout=10000)
    panel = window.descent_panel
    panel.speed_combo.setCurrentIndex(panel.speed_combo.count() - 1)
    panel.lr_box.setValue(10.0)
    window.toggle_play()
    _wait_finished(qtbot, window)
    (drawn,) = window.descent.runs.values()
    assert drawn.history.end.reason == StopReason.DIVERGED
    assert np.isfinite(drawn.history.column("f")).all()
    assert "smaller learning rate" in window.step_panel.status_label.text()
    assert "diverged at step" in window.statusBar().currentMessage()
    assert not window.descent.playing


def test_a_new_surface_removes_the_runs(sin_cos_window, qtbot):
    window = sin_cos_window
    window.step_once()
    qtbot.waitUntil(lambda: bool(window.descent.runs), timeout=5000)
    assert window.apply_expression("x^2 + y^2")
    assert window.descent.runs == {}
    assert window.loss_plot.curve_count() == 0


def test_closing_the_window_mid_run_stops_the_worker(qtbot, gl_context):
    from gdviz.ui.main_window import MainWindow

    window = MainWindow(preset="rosenbrock")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.grid is not None, timeout=10000)
    panel = window.descent_panel
    panel.max_steps_box.setValue(1_000_000)
    panel.tol_box.setValue(0.0)
    panel.speed_combo.setCurrentIndex(panel.speed_combo.count() - 1)
    window.toggle_play()
    qtbot.waitUntil(lambda: len(next(iter(window.descent.runs.values())).history) > 100)
    assert window.descent.has_unfinished_runs()
    window.close()
    assert not window.descent.worker.is_running()
    assert not window.jobs.is_running()


def test_typing_a_space_in_the_expression_field_types_it(main_window, qtbot):
    edit = main_window.function_panel.expression_edit
    edit.setFocus()
    edit.clear()
    qtbot.keyClicks(edit, "x + y")
    assert edit.text() == "x + y"
    assert main_window.descent.runs == {}
    assert QtCore.QCoreApplication.instance() is not None


def test_switching_the_method_keeps_the_learning_rate(main_window):
    panel = main_window.descent_panel
    panel.lr_box.setValue(0.01)
    for name in ("momentum", "adam", "rmsprop", "gd"):
        panel.set_optimizer(name)
        assert panel.lr_box.value() == pytest.approx(0.01), name
    panel.set_optimizer("momentum")
    assert panel.hp_boxes["momentum"].value() == pytest.approx(0.9)  # its own default


def test_a_run_updates_the_panels_at_most_15_times_a_second_and_ends_exact(sin_cos_window, qtbot):
    import time

    from PySide6 import QtWidgets

    from gdviz.ui.descent_controller import PANEL_REFRESH_MS

    window = sin_cos_window
    panel = window.descent_panel
    # 1,000 steps/s: batches arrive ~60 times a second, for 1.5 s
    panel.speed_combo.setCurrentIndex(panel.speed_combo.findData(1000.0))
    panel.max_steps_box.setValue(1500)
    panel.tol_box.setValue(0.0)
    panel.lr_box.setValue(1e-5)
    calls = []
    real = window.loss_plot.update_curve

    def counting(*args):
        calls.append(time.perf_counter())
        real(*args)

    window.loss_plot.update_curve = counting
    window.toggle_play()
    _wait_finished(qtbot, window)
    (record,) = window.descent.runs.values()
    during = calls[:-1]  # the last update is the end's, at once
    assert len(during) >= 8
    assert np.diff(during).min() >= PANEL_REFRESH_MS / 1000 * 0.9
    # the end shows the final numbers: the whole curve and the last step in the step panel
    ks, _values = window.loss_plot.curve_data(record.run_id)
    assert len(ks) == len(record.history) == 1501
    shown = " ".join(w.text() for w in window.step_panel.findChildren(QtWidgets.QLabel))
    assert "x1500" in shown.replace(",", "")
