"""Scenes and the guided lecture in the real window: save/open, undo, every lesson step."""

from __future__ import annotations

import math

import pytest
from PySide6 import QtWidgets

from gdviz.core.numbers import parse_number as parse_shown_number
from gdviz.core.scene import load_scene, scene_to_json


def _wait_grid(qtbot, window):
    qtbot.waitUntil(window.grid_is_final, timeout=20000)


def test_a_saved_scene_reopens_as_it_was(main_window, qtbot, tmp_path):
    window = main_window
    window.load_preset("sin-cos")
    _wait_grid(qtbot, window)
    window.move_point(1.25, 3.5)
    window.partials_panel.set_delta(0.05)
    window.direction_panel.set_direction(3.0, 4.0)
    window.partials_panel.show_check.setChecked(True)
    window.descent_panel.set_optimizer("adam", lr=0.05)
    window.descent_panel.speed_combo.setCurrentIndex(window.descent_panel.speed_combo.count() - 1)
    window.toggle_play()
    qtbot.waitUntil(lambda: not window.descent.has_unfinished_runs(), timeout=15000)
    path = tmp_path / "scene.json"
    assert window.save_scene(str(path))
    first = path.read_bytes()
    # Change everything, then open the file again.
    window.load_preset("himmelblau")
    _wait_grid(qtbot, window)
    assert window.open_scene(str(path))
    _wait_grid(qtbot, window)
    assert window.point == (1.25, 3.5)
    assert window.partials_panel.delta() == pytest.approx(0.05)
    assert window.direction_panel.direction() == (3.0, 4.0)
    assert window.partials_panel.show_check.isChecked()
    (run,) = window.descent.runs.values()
    assert run.optimizer.name == "adam" and run.optimizer.hp.lr == pytest.approx(0.05)
    assert window.surface.formula == "sin(x)*cos(y)"
    # Saving again gives the same bytes.
    again = tmp_path / "again.json"
    assert window.save_scene(str(again))
    assert again.read_bytes() == first


def test_a_custom_dataset_scene_round_trips(main_window, qtbot, tmp_path):
    window = main_window
    panel = window.dataset_panel
    panel.n_box.setValue(40)
    panel.generate_button.click()
    _wait_grid(qtbot, window)
    window.move_point(0.3, -7.5)
    path = tmp_path / "data.json"
    assert window.save_scene(str(path))
    scene = load_scene(path)
    assert scene.source.kind == "dataset" and len(scene.source.dataset_x) == 40
    window.load_preset("bowl")
    _wait_grid(qtbot, window)
    assert window.open_scene(str(path))
    assert len(window.dataset) == 40
    assert window.surface.axis_names == ("w", "b", "L")
    assert scene_to_json(window.current_scene()) == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('{"schema_version": 1, "source": {"kind": "preset", "preset": "nope"}}', "nope"),
        ('{"schema_version": 99, "source": {"kind": "preset", "preset": "bowl"}}', "99"),
        (
            '{"schema_version": 1, "source": {"kind": "expression", "expression": "x +* y"}}',
            "source.expression",
        ),
        ("{ not json", "JSON"),
        ("", "empty"),
    ],
)
def test_a_bad_scene_file_is_refused_and_the_scene_kept(
    main_window, qtbot, tmp_path, monkeypatch, text, needle
):
    window = main_window
    warnings = []
    monkeypatch.setattr(QtWidgets.QMessageBox, "warning", lambda *a: warnings.append(a[2]) or 0)
    before = scene_to_json(window.current_scene())
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    assert not window.open_scene(str(path))
    assert warnings and (needle in warnings[0] or needle.lower() in warnings[0].lower())
    assert scene_to_json(window.current_scene()) == before


def test_undo_restores_the_previous_surface_and_point(main_window, qtbot):
    window = main_window
    assert window.surface.axis_names == ("w", "b", "L")
    assert window.apply_expression("x^2 - y")
    _wait_grid(qtbot, window)
    window.move_point(0.5, 0.25)
    assert window.undo()  # the point
    assert window.point != (0.5, 0.25)
    assert window.surface.formula == "x^2 - y"
    assert window.undo()  # the expression
    _wait_grid(qtbot, window)
    assert window.surface.axis_names == ("w", "b", "L")
    assert not window.undo() or True  # further undos are harmless


def _number(label: QtWidgets.QLabel) -> float:
    return parse_shown_number(label.text().split("=")[-1].split()[0])


@pytest.mark.slow
def test_every_lecture_step_loads_and_shows_its_numbers(main_window, qtbot):
    window = main_window
    window.open_default_lesson()
    lesson = window.lesson_panel.lesson
    assert len(lesson.steps) == 14  # the lecture's 13 and the optional sweep
    assert window.lesson_dock.isVisible()
    for index, step in enumerate(lesson.steps):
        window.lesson_panel.select(index)
        _wait_grid(qtbot, window)
        assert window.lesson_panel.current_index() == index
        assert step.title in window.lesson_panel.caption.text()
        for _label, value in step.numbers:
            assert value in window.lesson_panel.numbers.text()
    # The numbers the panels compute for the key steps, read from the widgets.
    window.lesson_panel.select(0)  # the model 0.5x − 4
    _wait_grid(qtbot, window)
    assert float(window.likelihood_panel.labels["likelihood"].text()) == pytest.approx(
        2.000271323106e-8, rel=1e-7
    )
    assert _number(window.likelihood_panel.labels["cost"]) == pytest.approx(0.9623639, abs=1e-7)
    window.lesson_panel.select(10)  # partial derivatives of sin x cos y at (2, 2.5)
    _wait_grid(qtbot, window)
    assert _number(window.partials_panel.values["slope"][0]) == pytest.approx(0.4037805, abs=5e-8)
    assert _number(window.partials_panel.values["exact"][1]) == pytest.approx(-0.5441892, abs=5e-8)
    window.lesson_panel.select(11)  # the directional derivative
    _wait_grid(qtbot, window)
    assert _number(window.direction_panel.labels["derivative"]) == pytest.approx(
        -0.3045850, abs=5e-8
    )
    window.lesson_panel.select(12)  # descent on L(w, b) from (4, 5)
    _wait_grid(qtbot, window)
    assert window.point == (4.0, 5.0)
    assert _number(window.point_panel.fx_label) == pytest.approx(8.25, abs=5e-3)


def test_page_down_moves_to_the_next_step(main_window, qtbot):
    window = main_window
    window.open_default_lesson()
    _wait_grid(qtbot, window)
    from PySide6.QtCore import Qt

    qtbot.keyClick(window, Qt.Key_PageDown)
    assert window.lesson_panel.current_index() == 1
    _wait_grid(qtbot, window)
    assert window.point == (1.0, -25.0)
    qtbot.keyClick(window, Qt.Key_PageUp)
    assert window.lesson_panel.current_index() == 0
    assert math.isclose(window.point[0], 0.5)


def test_headless_verbs_take_a_scene_file(main_window, qtbot, tmp_path):
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    window = main_window
    window.load_preset("bowl")
    _wait_grid(qtbot, window)
    window.move_point(1.0, -1.5)
    path = tmp_path / "bowl.json"
    assert window.save_scene(str(path))
    repo = Path(__file__).resolve().parents[2]
    run = subprocess.run(
        [sys.executable, "-m", "gdviz", "run", "--scene", str(path), "--lr", "0.1",
         "--steps", "2", "--format", "json"],
        capture_output=True, text=True, timeout=60, cwd=repo,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    steps = json.loads(run.stdout)["steps"]
    assert (steps[0]["x"], steps[0]["y"]) == (1.0, -1.5)  # the scene's point is the start
    assert steps[1]["x"] == pytest.approx(1.0 - 0.1 * 2.0)
    out = tmp_path / "bowl.png"
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    export = subprocess.run(
        [sys.executable, "-m", "gdviz", "export", "--scene", str(path), "--animate", "orbit",
         "--out", str(out), "--size", "320x180"],
        capture_output=True, text=True, timeout=180, cwd=repo, env=env,
    )  # fmt: skip
    assert export.returncode == 0, export.stderr
    assert out.exists()
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": 1}', encoding="utf-8")
    refused = subprocess.run(
        [sys.executable, "-m", "gdviz", "run", "--scene", str(bad)],
        capture_output=True, text=True, timeout=60, cwd=repo,
    )  # fmt: skip
    assert refused.returncode == 2 and "source" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1


def test_presenter_mode_shows_only_the_lessons_panels_and_arrows_step(main_window, qtbot):
    from PySide6.QtCore import Qt

    window = main_window
    window.open_default_lesson()
    window.lesson_panel.select(10)  # partial derivatives: the Δx, Δy panel
    _wait_grid(qtbot, window)
    window.toggle_presenter_mode()
    try:
        assert window.is_presenting()
        visible = {d.objectName() for d in window.findChildren(QtWidgets.QDockWidget)
                   if d.isVisible()}  # fmt: skip
        assert "lessonDock" in visible and "partialsDock" in visible
        assert "functionDock" not in visible and "lossDock" not in visible
        qtbot.keyClick(window, Qt.Key_Right)
        assert window.lesson_panel.current_index() == 11
    finally:
        window.toggle_presenter_mode()
    assert not window.is_presenting()
    assert window.findChild(QtWidgets.QDockWidget, "functionDock").isVisible()


def test_the_window_keeps_its_last_scene_for_next_time(qtbot, gl_context, tmp_path, monkeypatch):
    from PySide6 import QtCore

    from gdviz.ui.main_window import MainWindow
    from gdviz.ui.scene_files import SceneFiles

    monkeypatch.setattr(SceneFiles, "last_scene_path", staticmethod(lambda: tmp_path / "last.json"))
    # The moved point is an unsaved change: closing asks, and this user discards it.
    asked = []

    def discard(*_args):
        asked.append(True)
        return QtWidgets.QMessageBox.Discard

    monkeypatch.setattr(QtWidgets.QMessageBox, "question", discard)
    settings = QtCore.QSettings(str(tmp_path / "gdviz.ini"), QtCore.QSettings.IniFormat)
    first = MainWindow(preset="saddle", settings=settings)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitUntil(first.grid_is_final, timeout=10000)
    first.move_point(-0.75, 0.5)
    first.export_size = (640, 360)
    first.close()
    assert asked == [True]
    second = MainWindow(settings=settings)
    qtbot.addWidget(second)
    second.show()
    assert second.restore_last_scene()
    assert second.point == (-0.75, 0.5)
    assert second.surface.formula == "x^2 - y^2"
    assert second.export_size == (640, 360)
    second.close()
