"""The window on its document: tools and their constructions, stale runs, lesson numbers with no
clicks, undo/redo, the save prompt, keyboard scope, reopened runs, GUI and CLI exports alike."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image
from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt

from gdviz.core.logistic import Dataset
from gdviz.core.scene import save_scene
from tests.gui.pixels import grab_rgb


def _wait_grid(qtbot, window):
    qtbot.waitUntil(window.grid_is_final, timeout=20000)


def _settle(qtbot, window):
    _wait_grid(qtbot, window)
    qtbot.wait(100)
    QtWidgets.QApplication.processEvents()


def _float(text: str) -> float:
    return float(text.replace("−", "-"))


def _number(label: QtWidgets.QLabel) -> float:
    text = label.text().replace("−", "-").split("=")[-1].strip()
    return float(text.split()[0].strip("()"))


def _changed(a: np.ndarray, b: np.ndarray) -> int:
    return int((np.abs(a.astype(int) - b.astype(int)).max(axis=2) > 40).sum())


def test_switching_tabs_draws_only_the_active_tools_construction(main_window, qtbot):
    window = main_window
    window.load_preset("sin-cos")
    window.move_point(2.0, 2.5)
    window.doc.update(shown=("partials", "direction"), tool="descent")
    window.view.set_camera(45.0, -110.0)
    _settle(qtbot, window)
    plain = grab_rgb(window.view)
    assert window.view.construction_keys() == []

    window.docks["partials"].raise_()
    qtbot.waitUntil(lambda: window.doc.scene.tool == "partials", timeout=3000)
    _settle(qtbot, window)
    partials = grab_rgb(window.view)
    assert window.view.construction_keys() == ["partials"]

    window.docks["direction"].raise_()
    qtbot.waitUntil(lambda: window.doc.scene.tool == "direction", timeout=3000)
    _settle(qtbot, window)
    direction = grab_rgb(window.view)
    assert window.view.construction_keys() == ["direction"]

    assert _changed(partials, plain) > 200 and _changed(direction, plain) > 200
    assert _changed(partials, direction) > 200
    window.docks["step"].raise_()  # a tool with no construction: the surface is clean again
    qtbot.waitUntil(lambda: window.doc.scene.tool == "descent", timeout=3000)
    _settle(qtbot, window)
    assert window.view.construction_keys() == []
    assert _changed(grab_rgb(window.view), plain) < 50


def test_a_pinned_construction_stays_and_a_new_function_redraws_it(main_window, qtbot):
    window = main_window
    window.load_preset("sin-cos")
    window.partials_panel.show_check.setChecked(True)  # ticking it opens its tool
    assert window.doc.scene.tool == "partials"
    window.partials_panel.pin_check.setChecked(True)
    window.docks["limits"].raise_()
    qtbot.waitUntil(lambda: window.doc.scene.tool == "limits", timeout=3000)
    _settle(qtbot, window)
    assert "partials" in window.view.construction_keys()
    window.apply_expression("x^2 + y^2")
    _settle(qtbot, window)
    assert window.view.construction_keys() == ["partials"]  # rebuilt on the new surface
    x, y = window.point
    assert _number(window.partials_panel.values["exact"][0]) == pytest.approx(2 * x, abs=1e-9)


def test_a_new_function_clears_stale_runs_from_every_run_panel(lesson_window, qtbot):
    window = lesson_window
    assert window.descent.add_run(window.point, synchronous=True) is not None
    qtbot.waitUntil(lambda: "run 1" in window.likelihood_panel.model_label.text(), timeout=3000)
    assert window.step_panel.title_label.text().startswith("Run 1")
    assert window.loss_plot.curve_count() == 1
    window.apply_expression("x^2 + y")
    assert window.descent.runs == {}
    assert window.loss_plot.curve_count() == 0
    assert window.step_panel.title_label.text().startswith("No run yet")
    assert window.likelihood_panel.model_label.text().startswith("No run of a loss yet")
    assert window.likelihood_panel.labels["likelihood"].text() == ""
    assert window.data_plot.caption.text().startswith("No dataset here")
    window.load_preset("lecture-logistic")  # back on a loss: the data and the model return
    assert window.data_plot.caption.text().startswith("w = 4, b = 5")


def _cell(view: QtWidgets.QTableView, row: int, column: int) -> str:
    model = view.model()
    return model.data(model.index(row, column), Qt.DisplayRole)


def _one_verdicts(window) -> list[str]:
    return window.limits_panel.one_verdict.text().splitlines()


def _limit_estimates(window) -> dict[str, str]:
    table = window.limits_panel.table
    last = table.columnCount() - 1
    return {
        table.item(r, 0).text(): table.item(r, last).text() for r in range(0, table.rowCount(), 2)
    }


@pytest.mark.slow
def test_each_lesson_step_shows_its_captions_numbers_with_no_clicks(main_window, qtbot):
    """Every number the thirteen captions cite, read from the panels right after selecting."""
    window = main_window
    window.open_default_lesson()
    panel, like = window.lesson_panel, window.likelihood_panel

    def select(index: int) -> None:
        panel.select(index)
        _settle(qtbot, window)

    select(0)  # the model 0.5x − 4
    assert float(like.labels["likelihood"].text()) == pytest.approx(2.000271323106e-8, rel=1e-8)
    p = [float(_cell(like.table, r, 5)) for r in range(8)]
    assert p == pytest.approx([0.5, 0.02931, 0.00407, 0.00033, 0.99992, 0.99998, 0.99999,
                               0.99999], abs=1.1e-5)  # the slide's 5 decimals  # fmt: skip

    select(1)  # z = x − 25
    assert float(like.labels["likelihood"].text()) == pytest.approx(0.6406754849808, rel=1e-6)

    select(2)  # the log losses: base 10 as on the slides, ln beside it, both models
    assert _number(like.labels["cost"]) == pytest.approx(0.96236, abs=5e-6)
    assert "2.21592" in like.labels["cost"].text()
    compare = like.compare_table
    assert float(compare.item(1, 1).text()) == pytest.approx(0.02417, abs=5e-6)
    assert float(compare.item(2, 1).text()) == pytest.approx(0.05565, abs=5e-6)

    select(3)  # f(1, 3, 4) = 11
    assert window.point == (1.0, 3.0)
    assert _number(window.point_panel.value_label) == pytest.approx(11.0)

    select(5)  # one-variable limits: 1/x at 0±, ±∞; x² at ±∞
    verdicts = _one_verdicts(window)
    assert len(verdicts) == 5
    assert "+∞" in verdicts[0] and "−∞" in verdicts[0]  # 1/x at 0: left −∞, right +∞
    assert "0" in verdicts[1] and "0" in verdicts[2]
    assert "+∞" in verdicts[3] and "+∞" in verdicts[4]

    select(6)  # −xy/(x² + y²) at (0, 0)
    estimates = _limit_estimates(window)
    value = {k: float(v.replace("−", "-")) for k, v in estimates.items()}
    assert value["x(t) = t, y(t) = t^2"] == pytest.approx(0.0, abs=1e-6)  # the slide's path
    assert value["y = x²"] == pytest.approx(0.0, abs=1e-6)
    assert value["y = x"] == pytest.approx(-0.5, abs=1e-6)
    assert value["y = −x"] == pytest.approx(0.5, abs=1e-6)
    assert "does not exist" in window.limits_panel.verdict_label.text()

    select(7)  # f(x) = x² from 0.5 to 0.9: Δx = 0.4, Δy = 0.56, rate 1.4
    labels = window.derivative_panel.labels
    assert window.derivative_panel.dx_box.value() == pytest.approx(0.9 - 0.5)
    assert _number(labels["dy"]) == pytest.approx(0.9**2 - 0.5**2, abs=5e-9)
    assert labels["dy"].text() == "0.56"
    assert _number(labels["slope"]) == pytest.approx((0.9**2 - 0.5**2) / 0.4, abs=5e-8)
    assert labels["slope"].text() == "1.4"

    select(8)  # √x at 4
    assert _number(labels["dy"]) == pytest.approx(0.2360680, abs=5e-8)
    assert _number(labels["exact"]) == pytest.approx(0.25)
    table = window.derivative_panel.table
    cell = [[_float(table.item(r, c).text()) for c in range(3)] for r in range(table.rowCount())]
    (row,) = [r for r in cell if r[0] == pytest.approx(8e-5)]
    assert row[1] == pytest.approx(0.0000199999, abs=5e-11)
    assert row[2] == pytest.approx((math.sqrt(4.00008) - 2) / 8e-5, rel=1e-7)
    assert row[2] == pytest.approx(0.2499988, abs=6e-8)  # ERRATA: 0.24999875 to 7 digits

    select(9)  # z = x² sin y at (π, π): ∂z/∂x = 2π sin π = 0, ∂z/∂y = π² cos π = −π²
    assert window.point == (math.pi, math.pi)
    point = window.point_panel
    raw = f"{2 * math.pi * math.sin(math.pi):.1e}".replace("-", "−")  # float64's 7.7e−16
    assert point.fx_label.text() == f"0 (round-off: {raw})"
    assert _number(point.fy_label) == pytest.approx(math.pi**2 * math.cos(math.pi), abs=5e-7)
    assert point.fy_label.text() == "−9.869604"  # −π² to the 7 digits the app prints
    exact = window.partials_panel.values["exact"]
    assert exact[0].text() == f"f_x = 0 (round-off: {raw})"
    assert exact[1].text() == "f_y = −9.869604"

    select(10)  # partial derivatives of sin x · cos y at (2, 2.5)
    values = window.partials_panel.values
    assert _number(window.point_panel.value_label) == pytest.approx(-0.7284778, abs=5e-8)
    assert _number(values["f"][0]) == pytest.approx(-0.6477217, abs=5e-8)
    assert _number(values["slope"][0]) == pytest.approx(0.4037805, abs=5e-8)
    assert _number(values["exact"][0]) == pytest.approx(0.3333934, abs=5e-8)
    assert _number(values["f"][1]) == pytest.approx(math.sin(2) * math.cos(2.7), abs=5e-8)
    assert _number(values["dz"][1]) == pytest.approx(-0.0935926, abs=2e-7)
    assert _number(values["exact"][1]) == pytest.approx(-0.5441892, abs=5e-8)
    assert window.view.construction_keys() == ["partials"]

    select(11)  # the directional derivative along u = (1/2, √3/2), s = 0.2
    d = window.direction_panel.labels
    assert d["i0"].text().replace("−", "-") == "(2.1, 2.6732051)"
    assert _number(d["f_i0"]) == pytest.approx(-0.7702395, abs=5e-8)
    assert _number(d["derivative"]) == pytest.approx(-0.3045850, abs=5e-8)
    assert _number(d["secant"]) == pytest.approx(-0.2088081, abs=5e-8)

    select(12)  # descent on L(w, b) from (4, 5)
    assert window.point == (4.0, 5.0)
    assert _number(window.point_panel.value_label) == pytest.approx(35.5, abs=1e-4)
    assert _number(window.point_panel.fx_label) == pytest.approx(8.25, abs=5e-5)
    assert _number(window.point_panel.fy_label) == pytest.approx(0.5, abs=5e-5)
    (record,) = window.descent.runs.values()
    assert record.history.step(1).point == pytest.approx((3.9175, 4.995), abs=1e-12)


def _press(qtbot, widget, sequence: QtGui.QKeySequence.StandardKey | str) -> None:
    keys = QtGui.QKeySequence(sequence)
    combo = keys[0]
    qtbot.keyClick(widget, combo.key(), combo.keyboardModifiers())


def test_undo_and_redo_a_point_move_a_function_and_a_dataset_edit(main_window, qtbot):
    window = main_window
    window.view.setFocus()
    window.move_point(1.0, -20.0)
    window.apply_expression("x^2 + y")
    new_data = Dataset([1.0, 2.0, 3.0, 4.0], [0.0, 0.0, 1.0, 1.0])
    window.dataset_panel.dataset_edited.emit(new_data)
    _settle(qtbot, window)
    assert len(window.dataset) == 4 and window.history.stack.count() == 3
    assert window.isWindowModified() and "*" in window.windowTitle().replace("[*]", "*")

    _press(qtbot, window, QtGui.QKeySequence.Undo)  # the dataset edit
    assert window.surface.formula.startswith("x^2") or "x²" in window.surface.title
    _press(qtbot, window, QtGui.QKeySequence.Undo)  # the function
    assert window.doc.scene.source.preset == "lecture-logistic"
    assert window.point == (1.0, -20.0)
    _press(qtbot, window, QtGui.QKeySequence.Undo)  # the point
    assert window.point == (4.0, 5.0)
    assert not window.isWindowModified()
    _settle(qtbot, window)
    assert _number(window.point_panel.value_label) == pytest.approx(35.5, abs=1e-4)

    _press(qtbot, window, "Ctrl+Shift+Z")
    assert window.point == (1.0, -20.0)
    _press(qtbot, window, "Ctrl+Y")
    assert window.doc.scene.source.expression == "x^2 + y"
    _press(qtbot, window, "Ctrl+Shift+Z")
    assert window.doc.is_loss and len(window.dataset) == 4


def test_slider_drags_merge_into_one_undo_step(main_window, qtbot):
    window = main_window
    for delta in (0.5, 0.3, 0.1, 0.05):
        window.partials_panel.set_delta(delta)
    assert window.doc.scene.delta == 0.05
    assert window.history.stack.count() == 1
    window.undo()
    assert window.doc.scene.delta == 0.2


@pytest.fixture
def remembering_window(qtbot, gl_context, tmp_path, monkeypatch):
    """A window that keeps settings, as the app's is: it asks before losing changes."""
    from gdviz.ui.main_window import MainWindow
    from gdviz.ui.scene_files import SceneFiles

    monkeypatch.setattr(SceneFiles, "last_scene_path", staticmethod(lambda: tmp_path / "l.json"))
    settings = QtCore.QSettings(str(tmp_path / "gdviz.ini"), QtCore.QSettings.IniFormat)
    window = MainWindow(settings=settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(window.grid_is_final, timeout=10000)
    return window


def test_closing_with_unsaved_changes_asks_first(remembering_window, qtbot, monkeypatch):
    window = remembering_window
    answers = [QtWidgets.QMessageBox.Cancel, QtWidgets.QMessageBox.Discard]
    asked = []

    def answer(parent, title, text, *_rest):
        asked.append(title)
        return answers.pop(0)

    monkeypatch.setattr(QtWidgets.QMessageBox, "question", answer)
    window.close()
    assert asked == [] and not window.isVisible()  # nothing changed: no question

    window.show()
    window.move_point(0.0, 0.0)
    window.close()  # Cancel: the window stays
    assert asked == ["Save changes?"] and window.isVisible()
    window.close()  # Discard: it closes
    assert asked == ["Save changes?", "Save changes?"] and not window.isVisible()


def test_saving_clears_the_modified_flag(remembering_window, tmp_path):
    window = remembering_window
    window.move_point(1.0, 1.0)
    assert window.isWindowModified()
    assert window.save_scene(str(tmp_path / "s.json"))
    assert not window.isWindowModified()
    assert window.windowTitle().startswith("s.json")
    window.close()


def test_space_on_a_focused_check_box_ticks_it(main_window, qtbot):
    window = main_window
    window.docks["partials"].raise_()
    check = window.partials_panel.show_check
    check.setFocus()
    qtbot.waitUntil(check.hasFocus, timeout=2000)
    qtbot.keyClick(check, Qt.Key_Space)
    assert check.isChecked() and "partials" in window.doc.scene.shown
    assert window.descent.runs == {} and not window.descent.playing
    qtbot.keyClick(check, Qt.Key_R)
    assert window.descent.runs == {}
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key_Right)  # in the view, → still takes a step
    qtbot.waitUntil(lambda: bool(window.descent.runs), timeout=3000)


def test_a_reopened_scene_shows_its_runs_as_recorded_paused(main_window, qtbot, tmp_path):
    window = main_window
    panel = window.descent_panel
    panel.speed_combo.setCurrentIndex(panel.speed_combo.findData(1000.0))
    panel.max_steps_box.setValue(600)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key_Space)
    (record,) = window.descent.runs.values()
    qtbot.waitUntil(lambda: len(record.history) > 150, timeout=20000)
    qtbot.keyClick(window.view, Qt.Key_Space)  # pause
    qtbot.wait(300)
    recorded = len(record.history)
    assert not record.finished
    path = tmp_path / "paused.json"
    assert window.save_scene(str(path))
    window.load_preset("himmelblau")
    assert window.open_scene(str(path))
    (record,) = window.descent.runs.values()
    assert len(record.history) == recorded and not record.finished
    assert not window.descent.playing
    ks, values = window.loss_plot.curve_data(record.run_id)
    assert len(ks) == recorded
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key_Space)  # Play continues the same run
    qtbot.waitUntil(lambda: record.finished, timeout=20000)
    assert len(record.history) == 601
    assert record.history.step(recorded).k == recorded


def _png_frames(folder) -> list[np.ndarray]:
    return [np.asarray(Image.open(p).convert("RGBA")) for p in sorted(folder.glob("*.png"))]


@pytest.mark.slow
def test_the_same_export_from_the_window_and_the_command_line_is_pixel_equal(
    main_window, qtbot, tmp_path
):
    from gdviz.export.spec import ExportSpec
    from gdviz.ui.exporter import FrameRequest

    window = main_window
    window.load_preset("himmelblau")
    _settle(qtbot, window)
    window.descent.add_run(window.point, synchronous=True)
    window.doc.update(delta=0.3)
    scene_path = tmp_path / "scene.json"
    save_scene(replace(window.current_scene(), panels=()), scene_path)
    assert window.open_scene(str(scene_path))
    _settle(qtbot, window)

    gui_dir, cli_dir = tmp_path / "gui", tmp_path / "cli"
    kinds = ("descent", "delta")
    spec = ExportSpec(gui_dir, "png-frames", 320, 180, 10.0, 4, "dark")
    assert window.export(spec, FrameRequest(kinds, 4, 320, 180)) is not None
    env = dict(os.environ)
    proc = subprocess.run(
        [sys.executable, "-m", "gdviz", "export", "--scene", str(scene_path),
         "--animate", ",".join(kinds), "--out", f"{cli_dir}/", "--size", "320x180",
         "--frames", "4", "--fps", "10"],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    gui, cli = _png_frames(gui_dir), _png_frames(cli_dir)
    assert len(gui) == len(cli) == 4
    for a, b in zip(gui, cli, strict=True):
        assert a.shape == b.shape
        # Equal, but for a few edge pixels: after many other GL tests in this process, llvmpipe
        # rasterizes a handful of triangle-edge pixels differently (a fresh process: 0).
        assert int((np.abs(a.astype(int) - b.astype(int)).max(axis=2) > 0).sum()) <= 10
    assert not np.array_equal(gui[0], gui[-1])  # something moves


def test_a_lesson_step_shows_only_the_bottom_panel_it_needs(main_window, qtbot):
    window = main_window
    window.open_default_lesson()
    window.lesson_panel.select(0)  # the likelihood step raises the data plot
    _settle(qtbot, window)
    assert not window.docks["data"].visibleRegion().isEmpty()
    sin_cos = next(
        i for i, s in enumerate(window.lesson_panel.lesson.steps) if "sin x · cos y" in s.title
    )
    window.lesson_panel.select(sin_cos)
    _settle(qtbot, window)
    assert window.docks["data"].visibleRegion().isEmpty()  # no logistic plot under sin x·cos y
    assert not window.docks["top"].visibleRegion().isEmpty()
