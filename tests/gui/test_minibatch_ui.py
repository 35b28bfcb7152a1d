"""Mini-batch and stochastic descent in the real window: the batch box, runs, Step panel, plot."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest
from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import Qt

from gdviz.cli import main
from gdviz.core.descent import run_path
from gdviz.core.logistic import Dataset
from gdviz.core.minibatch import MiniBatchSettings, run_minibatch
from gdviz.core.optimizers import make_optimizer
from gdviz.core.scene import load_scene
from gdviz.ui import theme
from tests.gui.pixels import grab_rgb


def _grab_widget(widget) -> np.ndarray:
    QtCore.QCoreApplication.processEvents()
    image = widget.grab().toImage().convertToFormat(QtGui.QImage.Format_RGB888)
    width, height = image.width(), image.height()
    data = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
    return data.reshape(height, image.bytesPerLine())[:, : width * 3].reshape(height, width, 3)


START = (4.0, 5.0)  # the lecture preset's start


def _settle(window, lr: float, steps: int) -> None:
    """α, max steps and the fastest speed in the Descent panel."""
    panel = window.descent_panel
    panel.lr_box.setValue(lr)
    panel.max_steps_box.setValue(steps)
    panel.speed_combo.setCurrentIndex(panel.speed_combo.count() - 1)


def _type_batch(window, size: int | None, seed: int = 0) -> None:
    """What a user does in the batch box: seed, then B (Enter), or the Full batch button."""
    box = window.descent_panel.minibatch_box
    box.seed_box.setValue(seed)
    if size is None:
        box.full_button.click()
    else:
        box.size_box.setValue(size)


def _play_to_end(window, qtbot, timeout: int = 20000) -> None:
    window.descent_panel.play_button.click()
    qtbot.waitUntil(
        lambda: bool(window.descent.runs) and not window.descent.has_unfinished_runs(),
        timeout=timeout,
    )
    qtbot.wait(100)  # the panels' last refresh


def _reference_batches(m: int, size: int, seed: int, count: int) -> list[list[int]]:
    """The documented shuffle, written again: a permutation each epoch cut into slices of B."""
    rng = np.random.default_rng(seed)
    batches: list[list[int]] = []
    while len(batches) < count:
        perm = rng.permutation(m)
        batches += [sorted(int(i) for i in perm[j : j + size]) for j in range(0, m, size)]
    return batches[:count]


def _mean_loss(w: float, b: float, rows: list[int]) -> float:
    data = Dataset.lecture()
    z = w * data.x[rows] + b
    return float(np.mean(np.logaddexp(0.0, z) - data.y[rows] * z))


def test_the_box_follows_the_surface_full_batch_by_default(main_window, qtbot):
    window = main_window
    box = window.descent_panel.minibatch_box
    assert box.isEnabled() and box.size_box.value() == 8
    assert "full batch" in box.size_box.suffix() and "all m = 8" in box.note.text()
    assert window.doc.run_settings.minibatch is None
    window.load_preset("bowl")
    assert not box.isEnabled() and "dataset's loss" in box.toolTip()
    window.load_preset("lecture-logistic")
    assert box.isEnabled()


def test_batch_size_m_in_the_window_is_full_batch_descent_exactly(main_window, qtbot):
    window = main_window
    _settle(window, 0.1, 150)
    _type_batch(window, 2, seed=5)
    _type_batch(window, 8, seed=5)  # from mini-batches of 2 to B = m, typed
    assert window.doc.run_settings.minibatch == MiniBatchSettings(8, 5)
    batched = window.add_run()
    _type_batch(window, None)
    plain = window.add_run()
    _play_to_end(window, qtbot)
    path, end = run_path(window.surface, START, make_optimizer("gd", lr=0.1), 150)
    for run_id in (batched, plain):
        history = window.descent.runs[run_id].history
        assert np.array_equal(history.column("x"), path.x)
        assert np.array_equal(history.column("y"), path.y)
        assert history.end == end
    assert window.descent.runs[batched].batches is not None
    assert window.descent.runs[plain].batches is None


def test_a_seeded_sgd_run_in_the_window_is_core_and_the_cli(main_window, qtbot, capsys):
    window = main_window
    _settle(window, 0.05, 200)
    window.descent_panel.set_optimizer("momentum", 0.05)
    _type_batch(window, 1, seed=42)
    _play_to_end(window, qtbot)
    (record,) = window.descent.runs.values()
    assert record.spec.minibatch == MiniBatchSettings(1, 42)
    direct = run_minibatch(window.surface, START, make_optimizer("momentum", lr=0.05),
                           MiniBatchSettings(1, 42), 200)  # fmt: skip
    assert np.array_equal(record.history.column("x"), direct.x)
    assert np.array_equal(record.history.column("y"), direct.y)
    argv = ["run", "--preset", "lecture-logistic", "--optimizer", "momentum", "--lr", "0.05",
            "--steps", "200", "--batch-size", "1", "--seed", "42", "--format", "json"]  # fmt: skip
    assert main(argv) == 0
    steps = json.loads(capsys.readouterr().out)["steps"]
    assert [s["w"] for s in steps] == record.history.column("x").tolist()
    assert [s["b"] for s in steps] == record.history.column("y").tolist()
    assert "SGD" in window.descent_panel.run_row_text(record.run_id)


def test_the_export_path_honours_batch_size_and_seed(gl_context):
    from gdviz.cli import export as cli_export

    argv = ["--preset", "lecture-logistic", "--lr", "0.05", "--steps", "120", "--batch-size",
            "2", "--seed", "7", "--out", "unused.png"]  # fmt: skip
    args = cli_export._export_parser().parse_args(argv)
    optimizer, max_steps, tol = cli_export.optimizer_from_args(args)
    surface, suggested = cli_export.surface_from_args(args)
    batch = cli_export.minibatch_from_args(args, surface)
    assert batch == MiniBatchSettings(2, 7)
    plan = cli_export._Request(("descent",), 1, 0, None, batch)
    keep_going = SimpleNamespace(keep_going=lambda: True)
    spec = SimpleNamespace(width=320, height=240)
    stage = cli_export._stage_for(args, surface, suggested, optimizer, max_steps, tol, plan,
                                  spec, keep_going)  # fmt: skip
    try:
        (record,) = stage.doc.runs.values()
        direct = run_minibatch(surface, START, make_optimizer("gd", lr=0.05),
                               MiniBatchSettings(2, 7), 120)  # fmt: skip
        assert np.array_equal(record.history.column("x"), direct.x)
        assert np.array_equal(record.history.column("y"), direct.y)
    finally:
        stage.close()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (0, "batch size must be from 1 to 8 (the dataset has m = 8 examples), got 0"),
        (-3, "batch size must be from 1 to 8 (the dataset has m = 8 examples), got -3"),
        (9, "batch size must be from 1 to 8 (the dataset has m = 8 examples), got 9"),
    ],
)
def test_bad_batch_sizes_show_core_messages_and_start_nothing(main_window, qtbot, typed, message):
    window = main_window
    _type_batch(window, 3, seed=1)
    before = window.doc.run_settings
    window.descent_panel.minibatch_box.size_box.setValue(typed)
    note = window.descent_panel.minibatch_box.note
    assert message in note.text() and theme.ERROR in note.styleSheet()
    assert window.doc.run_settings == before  # the previous B is kept
    window.descent_panel.play_button.click()
    window.descent_panel.add_button.click()
    qtbot.wait(50)
    assert not window.descent.runs and not window.descent.playing
    assert message in window.statusBar().currentMessage()
    assert message in window.step_panel.status_label.text()
    _type_batch(window, 2, seed=1)  # fixed: runs start again
    assert window.add_run() is not None


def test_a_batch_larger_than_an_edited_dataset_is_refused(main_window, qtbot):
    window = main_window
    _type_batch(window, 7)
    data = Dataset.lecture()
    window.set_dataset(Dataset(data.x[:5], data.y[:5]), "five examples")
    note = window.descent_panel.minibatch_box.note.text()
    message = "batch size must be from 1 to 5 (the dataset has m = 5 examples), got 7"
    assert message in note
    qtbot.waitUntil(window.grid_is_final, timeout=10000)  # its status message comes first
    window.descent_panel.play_button.click()
    qtbot.wait(50)
    assert not window.descent.runs and message in window.statusBar().currentMessage()
    assert message in window.step_panel.status_label.text()


def test_the_step_panel_lists_the_batch_examples_from_one(main_window, qtbot):
    window = main_window
    _settle(window, 0.05, 40)
    _type_batch(window, 3, seed=5)
    _play_to_end(window, qtbot)
    (record,) = window.descent.runs.values()
    expected = _reference_batches(8, 3, 5, 40)  # 3 batches an epoch: 3, 3, 2 examples
    xs, ys = record.history.column("x"), record.history.column("y")
    for k in (1, 2, 3, 4, 9, 40):
        window.descent.scrub(k)
        numbers = ", ".join(str(i + 1) for i in expected[k - 1])
        epoch, batch = divmod(k - 1, 3)
        head = window.step_panel.batch_lines[0].text()
        assert head.startswith(f"Iteration {k} (epoch {epoch + 1}, batch {batch + 1} of 3)")
        assert f"examples {numbers} of m = 8" in head
        loss = _mean_loss(xs[k - 1], ys[k - 1], expected[k - 1])
        shown = window.step_panel.batch_lines[1].text().split("L_B = ")[1].split(",")[0]
        assert float(shown.replace("−", "-")) == pytest.approx(loss, rel=1e-5)
        assert window.step_panel.lines[3].text().startswith(f"w{k} = w{k - 1} − α × L_w(")
    window.descent.scrub(0)
    assert window.step_panel.batch_lines[0].text().startswith("Start: no batch yet")


def test_the_loss_plot_shows_batch_and_full_loss_as_two_labelled_curves(main_window, qtbot):
    window = main_window
    _settle(window, 0.05, 60)
    _type_batch(window, 2, seed=3)
    _play_to_end(window, qtbot)
    (record,) = window.descent.runs.values()
    labels = window.loss_plot.legend_labels()
    assert any(label.endswith(": L, all m") for label in labels)
    assert any(label.endswith(": batch L_B") for label in labels)
    expected = _reference_batches(8, 2, 3, 60)
    xs, ys = record.history.column("x"), record.history.column("y")
    ks, values = window.loss_plot.batch_curve_data(record.run_id)
    assert ks.tolist() == list(range(60))
    want = [_mean_loss(xs[k], ys[k], expected[k]) for k in range(60)]
    np.testing.assert_allclose(values, want, rtol=1e-7, atol=1e-15)
    _, full = window.loss_plot.curve_data(record.run_id)
    np.testing.assert_allclose(
        full,
        [_mean_loss(x, y, list(range(8))) for x, y in zip(xs, ys, strict=True)],
        rtol=1e-7,
        atol=1e-15,
    )


def test_the_sgd_path_is_drawn_in_the_top_view_and_the_3d_view(main_window, qtbot):
    window = main_window
    window.docks["top"].raise_()
    _settle(window, 0.5, 400)
    qtbot.wait(100)
    before_top, before_3d = _grab_widget(window.contour_view).copy(), grab_rgb(window.view)
    _type_batch(window, 1, seed=0)
    _play_to_end(window, qtbot)
    qtbot.wait(200)
    after_top, after_3d = _grab_widget(window.contour_view).copy(), grab_rgb(window.view)
    first = theme.RUN_COLORS[0]
    colour = np.array([int(first[i : i + 2], 16) for i in (1, 3, 5)])
    near = lambda img: (np.abs(img.astype(int) - colour).max(axis=2) < 60).sum()  # noqa: E731
    assert near(after_top) > near(before_top) + 30
    assert near(after_3d) > near(before_3d) + 30
    # the noise: SGD's steps turn, where full-batch descent's path is smooth
    (record,) = window.descent.runs.values()
    dx, dy = np.diff(record.history.column("x")), np.diff(record.history.column("y"))
    turns = np.sum(dx[1:] * dx[:-1] + dy[1:] * dy[:-1] < 0)
    assert turns > 10


def test_a_saved_mini_batch_run_reopens_with_its_settings_and_path(main_window, qtbot, tmp_path):
    window = main_window
    _settle(window, 0.05, 80)
    window.descent_panel.set_optimizer("adam", 0.05)
    _type_batch(window, 3, seed=11)
    _play_to_end(window, qtbot)
    (record,) = window.descent.runs.values()
    path = tmp_path / "sgd.json"
    assert window.save_scene(str(path))
    saved = load_scene(path)
    assert saved.runs[0].minibatch == MiniBatchSettings(3, 11)
    window.descent.reset()
    window.load_preset("bowl")
    assert window.open_scene(str(path))
    qtbot.waitUntil(lambda: bool(window.descent.runs), timeout=5000)
    (again,) = window.descent.runs.values()
    assert again.spec.minibatch == MiniBatchSettings(3, 11) and again.batches is not None
    assert np.array_equal(again.history.column("x"), record.history.column("x"))
    assert "B=3" in window.descent_panel.run_row_text(again.run_id)
    # a scene written by hand with a mini-batch run opens on the same path as core's
    data = json.loads(path.read_text())
    data["runs"][0].update(minibatch={"batch_size": 1, "seed": 2}, optimizer="gd", lr=0.1)
    path.write_text(json.dumps(data))
    assert window.open_scene(str(path))
    (hand,) = window.descent.runs.values()
    direct = run_minibatch(window.surface, START, make_optimizer("gd", lr=0.1),
                           MiniBatchSettings(1, 2), 80)  # fmt: skip
    assert np.array_equal(hand.history.column("x"), direct.x)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key_Right)  # the Step panel follows the reopened run


def test_the_view_menu_ghost_draws_the_current_batch_loss(main_window, qtbot):
    window = main_window
    _settle(window, 0.05, 30)
    _type_batch(window, 1, seed=4)
    _play_to_end(window, qtbot)
    window.view.reset_camera()
    qtbot.wait(100)
    window.view.update()
    without = grab_rgb(window.view)
    action = window.findChild(QtGui.QAction, "ghostAction")
    action.trigger()  # View → Mini-batch loss ghost
    ghost = window.minibatch_ghost
    expected = _reference_batches(8, 1, 4, 30)
    assert ghost.shown_indices.tolist() == expected[29]  # at the end: the last step's batch
    window.descent.scrub(6)
    # the batch that moves point 6 on
    qtbot.waitUntil(lambda: ghost.shown_indices.tolist() == expected[6], timeout=3000)
    assert window.view.ghost_surface_shown()
    qtbot.wait(100)
    window.view.update()
    with_ghost = grab_rgb(window.view)
    changed = np.abs(with_ghost.astype(int) - without.astype(int)).max(axis=2) > 20
    assert changed.sum() > 2000, "the ghost surface should show in the 3D view"
    window.descent.scrub(7)
    qtbot.waitUntil(lambda: ghost.shown_indices.tolist() == expected[7], timeout=3000)
    action.trigger()
    assert not window.view.ghost_surface_shown() and ghost.shown_indices is None


def test_the_batch_box_is_no_wider_than_the_descent_panels_other_boxes(main_window):
    """Its spin boxes do not ask for the width of ±1,000,000,000 (full batch): the Descent dock
    keeps the width it had, nothing clipped."""
    panel = main_window.descent_panel
    others = [
        box.minimumSizeHint().width()
        for box in panel.findChildren(QtWidgets.QGroupBox)
        if box is not panel.minibatch_box and box.title() in ("Optimizer", "Stop rules and speed")
    ]
    assert len(others) == 2
    assert panel.minibatch_box.minimumSizeHint().width() <= max(others)
