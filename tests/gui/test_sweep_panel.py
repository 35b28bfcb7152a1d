"""The Sweep panel in the real window: a sweep run to its end, its marks, cancel, bad input,
a clicked rate run in the 3D view, scenes, the lesson's sweep step and the command line."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
from PySide6 import QtCore

from gdviz.cli import main
from gdviz.core.numbers import format_number
from gdviz.core.optimizers import make_optimizer
from gdviz.core.surfaces import ExpressionSurface
from gdviz.core.sweep import SweepSettings, run_sweep
from gdviz.core.window import Window

BOWL = "x^2 + 10*y^2"


def _wait_grid(qtbot, window):
    qtbot.waitUntil(window.grid_is_final, timeout=20000)


def _bowl(qtbot, window):
    assert window.apply_expression(BOWL)
    window.set_point(1.0, 1.0)
    _wait_grid(qtbot, window)


def _type(window, **texts):
    for name, text in texts.items():
        window.sweep_panel.fields[name].setText(text)


def _run_and_wait(qtbot, window, timeout=30000):
    with qtbot.waitSignal(window.sweeps.sweep_finished, timeout=timeout):
        qtbot.mouseClick(window.sweep_panel.run_button, QtCore.Qt.LeftButton)


def _hand_gd(lr: float, steps: int = 1000, tol: float = 1e-6) -> float:
    """GD on x² + 10y² from (1, 1) written out: the last f."""
    x = y = 1.0
    for _ in range(steps):
        if math.hypot(2 * x, 20 * y) < tol:
            break
        x, y = x - lr * 2 * x, y - lr * 20 * y
    return x * x + 10 * y * y


def test_a_sweep_runs_in_the_window_and_draws_the_cores_points(main_window, qtbot):
    window = main_window
    _bowl(qtbot, window)
    window.show_sweep()
    dock = window.docks["sweep"]
    assert dock.isVisible() and not dock.visibleRegion().isEmpty()
    _run_and_wait(qtbot, window)
    panel, plot = window.sweep_panel, window.sweep_panel.plot
    assert not panel.is_running() and not panel.progress.isVisible()
    expected = run_sweep(
        ExpressionSurface(BOWL, Window(-3.0, 3.0, -3.0, 3.0)), (1.0, 1.0), make_optimizer("gd"),
        SweepSettings(1e-4, 10.0, 60, 1000, 1e-6),
    )  # fmt: skip
    alphas, ys, indices = plot.plotted()
    assert len(alphas) == 60
    np.testing.assert_allclose(alphas, expected.learning_rates[indices], rtol=1e-12)
    np.testing.assert_allclose(expected.learning_rates, np.geomspace(1e-4, 10, 60), rtol=1e-12)
    stable = expected.stable[indices]
    np.testing.assert_allclose(ys[stable], expected.final_loss[indices][stable], rtol=1e-9)
    for i in (0, 20, 35):  # against GD written out here (α = 1e-4, 0.005, 0.093)
        at = list(indices).index(i)
        assert ys[at] == pytest.approx(_hand_gd(alphas[at]), rel=1e-9)
    assert ys[~stable].min() > expected.start_loss  # diverged: drawn above every stable one
    # The largest stable α: core's value, within 2 % of 2/λ_max = 2/20 = 0.1 for GD.
    edge = plot.line_value("edge")
    assert edge == pytest.approx(expected.largest_stable_lr, rel=1e-12)
    assert abs(edge - 0.1) <= 0.002
    assert plot.line_value("limit") == pytest.approx(2 / 20, rel=1e-12)
    assert format_number(expected.largest_stable_lr, 4) in panel.edge_label.text()
    assert "2/λ_max = " in panel.limit_label.text() and ">0.1<" in panel.limit_label.text()
    # the two lines are labelled apart, so both read when they nearly coincide
    assert plot.edge_line.label.toPlainText() == f"largest stable α = {format_number(edge, 4)}"
    assert plot.limit_line.label.toPlainText() == "2/λ_max = 0.1"
    assert plot.edge_line.label.orthoPos != plot.limit_line.label.orthoPos
    # the shaded region starts between the largest stable grid rate and the first unstable one
    (low, high), *_ = plot.shaded_spans()
    grid = expected.learning_rates
    first_bad = int(np.flatnonzero(~expected.stable)[0])
    assert grid[first_bad - 1] < low < grid[first_bad] and high >= grid[-1]
    assert "Shaded" in panel.explanation.text()
    message = window.statusBar().currentMessage()
    assert message.startswith("Sweep done") and format_number(edge, 4) in message
    # steps to converge: converged runs at their step counts, the rest at max steps
    panel.quantity_combo.setCurrentIndex(panel.quantity_combo.findData("steps"))
    _alphas, steps, indices = plot.plotted()
    converged = np.isfinite(expected.steps_to_converge[indices])
    assert converged.sum() > 10
    np.testing.assert_allclose(steps[converged], expected.steps[indices][converged], rtol=1e-9)
    assert np.all(steps[~converged] == pytest.approx(1000))


def test_clicking_a_dot_runs_that_rate_in_the_3d_view(main_window, qtbot):
    window = main_window
    _bowl(qtbot, window)
    window.show_sweep()
    _type(window, count="30", steps="400")
    _run_and_wait(qtbot, window)
    window.set_point(-2.0, 0.5)  # the point moved since: the run still starts where the sweep did
    result = window.doc.sweep_result
    index = 12
    alpha = float(result.sweep.learning_rates[index])
    plot = window.sweep_panel.plot
    speeds = window.descent_panel.speed_combo
    speeds.setCurrentIndex(speeds.count() - 1)  # as fast as possible (the run plays at once)
    qtbot.mouseClick(plot.plot.viewport(), QtCore.Qt.LeftButton, pos=plot.dot_position(index))
    qtbot.waitUntil(lambda: len(window.doc.runs) == 1, timeout=5000)
    (record,) = window.doc.runs.values()
    assert record.spec.lr == alpha and record.optimizer.hp.lr == alpha
    assert record.spec.start == (1.0, 1.0) and window.point == (1.0, 1.0)
    assert record.spec.optimizer == "gd" and record.spec.max_steps == 400
    assert window.doc.run_settings.lr == alpha  # the Descent panel's α follows
    assert window.descent_panel.lr_box.value() == pytest.approx(alpha, rel=1e-6)
    qtbot.waitUntil(lambda: record.finished, timeout=15000)
    assert record.history.column("f")[-1] == pytest.approx(_hand_gd(alpha, 400), rel=1e-9)


def test_cancel_stops_the_sweep_and_keeps_the_previous_result(main_window, qtbot):
    window = main_window
    _bowl(qtbot, window)
    window.show_sweep()
    _type(window, count="20", steps="200")
    _run_and_wait(qtbot, window)
    first = window.doc.sweep_result
    first_points = window.sweep_panel.plot.plotted()[0]
    # a long one (10,000 small rates × 500 steps, none converging), cancelled mid-way
    _type(window, lr_min="1e-6", lr_max="1e-4", count="10000", steps="500")
    worker = window.sweeps.worker
    with qtbot.waitSignal(worker.job_progressed, timeout=10000):
        qtbot.mouseClick(window.sweep_panel.run_button, QtCore.Qt.LeftButton)
    assert window.sweep_panel.is_running() and window.sweep_panel.progress.isVisible()
    with qtbot.waitSignal(worker.job_cancelled, timeout=10000):
        qtbot.mouseClick(window.sweep_panel.cancel_button, QtCore.Qt.LeftButton)
    assert not window.sweeps.is_running() and not window.sweep_panel.is_running()
    assert window.statusBar().currentMessage().startswith("Sweep cancelled")
    qtbot.wait(300)
    assert window.doc.sweep_result is first
    np.testing.assert_array_equal(window.sweep_panel.plot.plotted()[0], first_points)


def test_a_new_sweep_replaces_the_one_running(main_window, qtbot):
    window = main_window
    _bowl(qtbot, window)
    _type(window, lr_min="1e-6", lr_max="1e-4", count="10000", steps="500")
    qtbot.mouseClick(window.sweep_panel.run_button, QtCore.Qt.LeftButton)
    _type(window, lr_min="1e-3", lr_max="1", count="25", steps="300")
    _run_and_wait(qtbot, window)
    qtbot.wait(200)
    spec = window.doc.sweep_result.spec
    assert (spec.lr_min, spec.lr_max, spec.count, spec.run.max_steps) == (1e-3, 1.0, 25, 300)
    assert len(window.sweep_panel.plot.plotted()[0]) == 25


@pytest.mark.parametrize(
    ("texts", "field", "message"),
    [
        ({"lr_min": ""}, "lr_min", "α from: empty"),
        ({"lr_min": "1", "lr_max": "0.1"}, "lr_max", "learning-rate range is reversed: 1 > 0.1"),
        ({"lr_min": "0.5", "lr_max": "0.5"}, "lr_max", "learning-rate range is empty"),
        ({"lr_min": "-1"}, "lr_min", "its start must be a finite number > 0, got -1"),
        ({"lr_min": "0"}, "lr_min", "its start must be a finite number > 0, got 0"),
        ({"lr_max": "nan"}, "lr_max", "its end must be a finite number > 0, got nan"),
        ({"count": "0"}, "count", "count must be from 1 to 10,000, got 0"),
        ({"count": "10001"}, "count", "count must be from 1 to 10,000, got 10001"),
        ({"steps": "0"}, "steps", "steps must be from 1 to 1,000,000, got 0"),
    ],
)
def test_bad_input_is_explained_beside_its_field_and_nothing_starts(
    main_window, qtbot, texts, field, message
):
    window = main_window
    panel = window.sweep_panel
    _type(window, **texts)
    qtbot.mouseClick(panel.run_button, QtCore.Qt.LeftButton)
    assert message in panel.error_text(field)
    assert panel.errors[field].isVisible()
    assert all(not panel.error_text(other) for other in panel.fields if other != field)
    assert not window.sweeps.is_running() and not window.sweeps.worker.is_busy()
    assert not panel.is_running() and window.doc.scene.sweep is None
    assert window.statusBar().currentMessage().startswith("Sweep not started")
    panel.fields[field].setText("5")  # typing clears the message
    QtCore.QCoreApplication.processEvents()
    panel.fields[field].textEdited.emit("5")
    assert not panel.error_text(field)


def test_a_scene_keeps_its_sweep_and_the_cli_prints_the_panels_numbers(
    main_window, qtbot, tmp_path, capsys
):
    window = main_window
    _bowl(qtbot, window)
    _type(window, lr_min="0.001", lr_max="1", count="40", steps="500")
    _run_and_wait(qtbot, window)
    shown = window.sweep_panel.edge_label.text()
    path = tmp_path / "sweep.json"
    assert window.save_scene(str(path))
    saved = json.loads(path.read_text())["sweep"]
    assert (saved["lr_min"], saved["lr_max"], saved["count"]) == (0.001, 1.0, 40)
    assert saved["run"]["start"] == [1.0, 1.0] and saved["run"]["max_steps"] == 500
    window.load_preset("himmelblau")  # another surface: the sweep goes with the old one
    _wait_grid(qtbot, window)
    assert window.doc.scene.sweep is None and not window.sweep_panel.edge_label.isVisible()
    _type(window, count="7")
    with qtbot.waitSignal(window.sweeps.sweep_finished, timeout=30000):
        assert window.open_scene(str(path))
    assert window.sweep_panel.texts() == {
        "lr_min": "0.001", "lr_max": "1", "count": "40", "steps": "500"
    }  # fmt: skip
    assert window.sweep_panel.edge_label.text() == shown
    assert len(window.sweep_panel.plot.plotted()[0]) == 40
    # `gdviz sweep --scene` prints the same numbers the panel shows
    capsys.readouterr()
    assert main(["sweep", "--scene", str(path), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert format_number(out["largest_stable_lr"], 4) in shown
    assert out["gd_limit"] == 0.1 and ">0.1<" in window.sweep_panel.limit_label.text()
    assert [r["lr"] for r in out["rates"]] == pytest.approx(
        window.sweep_panel.plot.plotted()[0].tolist(), rel=1e-12
    )
    # undo of opening is not possible (a new baseline), but undo of a new sweep restores the old
    _type(window, count="9")
    _run_and_wait(qtbot, window)
    assert window.doc.scene.sweep.count == 9
    with qtbot.waitSignal(window.sweeps.sweep_finished, timeout=30000):
        window.undo()
    assert window.doc.scene.sweep.count == 40 and window.sweep_panel.texts()["count"] == "40"


def test_the_lesson_step_opens_the_sweep_of_the_lecture_loss(main_window, qtbot):
    window = main_window
    window.open_default_lesson()
    with qtbot.waitSignal(window.sweeps.sweep_finished, timeout=30000):
        window.lesson_panel.select(13)
    _wait_grid(qtbot, window)
    dock = window.docks["sweep"]
    assert dock.isVisible() and not dock.visibleRegion().isEmpty()
    assert window.surface.axis_names[:2] == ("w", "b")
    sweep = window.doc.sweep_result.sweep
    numbers = dict(window.lesson_panel.lesson.steps[13].numbers)
    measured = re.search(r"\((\d\.\d+);", numbers["largest stable α (measured)"]).group(1)
    assert format_number(sweep.largest_stable_lr, 4) == measured
    assert measured in window.sweep_panel.edge_label.text()
    label = window.sweep_panel.plot.edge_line.label  # drawn while the dock was still hidden
    assert label.toPlainText() == f"largest stable α = {measured}"
    assert not window.sweep_panel.limit_label.isVisible()  # the loss is not a quadratic
    assert len(window.sweep_panel.plot.plotted()[0]) == 60


def test_the_view_menu_shortcut_shows_the_sweep_and_closing_joins_its_thread(qtbot, gl_context):
    from gdviz.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    dock = window.docks["sweep"]
    assert dock.visibleRegion().isEmpty()  # behind the top view
    qtbot.keyClick(window, QtCore.Qt.Key_W, QtCore.Qt.ControlModifier | QtCore.Qt.ShiftModifier)
    qtbot.waitUntil(lambda: not dock.visibleRegion().isEmpty(), timeout=3000)
    assert window.sweep_panel.run_button.toolTip()
    _type(window, lr_min="1e-6", lr_max="1e-4", count="10000", steps="500")
    qtbot.mouseClick(window.sweep_panel.run_button, QtCore.Qt.LeftButton)
    window.close()  # mid-sweep
    assert not window.sweeps.worker.is_running()
