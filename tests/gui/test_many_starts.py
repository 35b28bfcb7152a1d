"""Scatter starts in the window: basins in the top view and the legend, bad input, cancel, scenes,
undo, and the many-starts export."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import imageio.v2 as imageio
import numpy as np
import pytest
from PySide6 import QtGui

from gdviz.core.optimizers import Hyperparameters, make_optimizer
from gdviz.core.scatter import grid_starts, run_starts
from gdviz.core.scene import load_scene
from gdviz.core.step_text import number
from gdviz.export.spec import ExportSpec
from gdviz.ui import theme
from gdviz.ui.exporter import FrameRequest
from tests.gui.pixels import grab_rgb

REPO = Path(__file__).resolve().parents[2]
# Himmelblau's four minima (Himmelblau 1972; all f = 0), written out, not computed by gdviz.
HIMMELBLAU_MINIMA = ((3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186),
                     (3.584428, -1.848126))  # fmt: skip


def _widget_rgb(widget) -> np.ndarray:
    image = widget.grab().toImage().convertToFormat(QtGui.QImage.Format_RGB888)
    h, w = image.height(), image.width()
    data = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
    return data.reshape(h, image.bytesPerLine())[:, : w * 3].reshape(h, w, 3).copy()


def _near(image: np.ndarray, color: str, tolerance: int = 30) -> int:
    """How many pixels are within `tolerance` of color in every channel."""
    c = QtGui.QColor(color)
    target = np.array([c.red(), c.green(), c.blue()])
    return int(np.count_nonzero((np.abs(image.astype(int) - target) <= tolerance).all(axis=2)))


def _scatter(window, qtbot, count: str = "400", timeout: int = 20000) -> None:
    window.starts_panel.count_edit.setText(count)
    assert window.scatter_starts()
    qtbot.waitUntil(lambda: window.doc.scatter.scatter is not None, timeout=timeout)
    qtbot.waitUntil(lambda: not window.starts.is_busy(), timeout=timeout)


@pytest.fixture
def himmelblau(main_window, qtbot):
    window = main_window
    window.load_preset("himmelblau")
    qtbot.waitUntil(window.grid_is_final, timeout=15000)
    return window


def test_himmelblau_scatter_finds_the_four_minima_and_the_legend_lists_them(himmelblau, qtbot):
    window = himmelblau
    top_before = _widget_rgb(window.contour_view)
    view_before = grab_rgb(window.view)
    _scatter(window, qtbot)
    scatter = window.doc.scatter.scatter
    assert len(scatter) == 400 and len(scatter.minima) == 4
    assert all(m.value < 1e-6 for m in scatter.minima)
    for x, y in HIMMELBLAU_MINIMA:
        assert min(np.hypot(m.x - x, m.y - y) for m in scatter.minima) < 1e-3
    # the legend's rows are the core's minima, in order: value, location and count
    reference = run_starts(
        window.doc.surface, grid_starts(window.doc.window, 400),
        make_optimizer("gd", Hyperparameters(lr=0.01)), 1000, 1e-6,
    )  # fmt: skip
    rows = window.basin_legend.row_texts()
    assert window.basin_legend.isVisible() and len(rows) == 4
    assert [m.count for m in reference.minima] == [m.count for m in scatter.minima]
    for row, m in zip(rows, reference.minima, strict=True):
        assert f"{m.count} starts" in row
        assert f"({number(m.x, 4)}, {number(m.y, 4)})" in row  # gdviz's one number format
    assert "4 minima found from 400 starts" in window.basin_legend.title.text()
    # the legend sits beside the plot, not over it
    legend = window.basin_legend.geometry()
    plot = window.contour_view.geometry()
    assert legend.left() >= plot.right() and legend.width() > 150
    # ≥ 4 basin colours appear in the top view, and in the 3D view
    qtbot.wait(100)
    top_after = _widget_rgb(window.contour_view)
    view_after = grab_rgb(window.view)
    for color in theme.BASIN_COLORS[:4]:
        assert _near(top_after, color) - _near(top_before, color) > 40, color
        assert _near(view_after, color) - _near(view_before, color) > 40, color
    # the K paths are one GL line item, thin, inside its segment budget
    assert 1000 < window.starts.items.segment_count() <= 70_000
    assert window.doc.scene.starts.count == 400
    assert window.history.stack.undoText() == "Scatter starts"


def test_the_lecture_loss_sends_every_start_to_one_valley(main_window, qtbot):
    window = main_window
    _scatter(window, qtbot, "400")
    scatter = window.doc.scatter.scatter
    assert len(scatter.minima) == 1 and scatter.minima[0].count == 400
    assert "L = " in window.basin_legend.row_texts()[0]


@pytest.mark.parametrize("text", ["0", "10001", "2.5", "four", ""])
def test_a_bad_number_of_starts_is_refused_and_nothing_starts(himmelblau, text):
    window = himmelblau
    edits = window.history.stack.count()
    window.starts_panel.count_edit.setText(text)
    assert not window.scatter_starts()
    status = window.starts_panel.status_label.text()
    assert "number of starts" in status and "Cannot scatter starts" in status
    assert not window.starts.is_busy()
    assert window.doc.scene.starts is None and window.doc.scatter.scatter is None
    assert window.history.stack.count() == edits


@pytest.mark.parametrize("seed", ["-1", "1.5", "x"])
def test_a_bad_seed_is_refused(himmelblau, seed):
    window = himmelblau
    panel = window.starts_panel
    panel.layout_combo.setCurrentIndex(panel.layout_combo.findData("random"))
    panel.seed_edit.setText(seed)
    assert not window.scatter_starts()
    assert "seed" in panel.status_label.text()
    assert not window.starts.is_busy() and window.doc.scene.starts is None


def test_random_starts_with_a_seed_are_reproducible(himmelblau, qtbot):
    window = himmelblau
    panel = window.starts_panel
    panel.layout_combo.setCurrentIndex(panel.layout_combo.findData("random"))
    panel.seed_edit.setText("7")
    _scatter(window, qtbot, "50")
    first = window.doc.scatter.scatter.starts.copy()
    expected = np.random.default_rng(7).uniform((-5, -5), (5, 5), size=(50, 2))
    np.testing.assert_array_equal(first, expected)
    assert window.doc.scene.starts.seed == 7 and window.doc.scene.starts.layout == "random"


@pytest.mark.slow
def test_cancel_stops_the_scatter_and_changes_nothing(main_window, qtbot):
    window = main_window
    window.descent_panel.max_steps_box.setValue(1_000_000)  # minutes of work on the loss
    window.starts_panel.count_edit.setText("400")
    assert window.scatter_starts()
    panel = window.starts_panel
    assert window.starts.is_busy() and panel.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: panel.progress.value() > 0, timeout=10000)
    panel.cancel_button.click()
    assert not window.starts.is_busy() and not panel.cancel_button.isEnabled()
    assert "Cancelled" in panel.status_label.text()
    qtbot.wait(1000)
    assert window.doc.scatter.scatter is None and window.doc.scene.starts is None
    # the worker is free again: a new scatter runs at once
    window.descent_panel.max_steps_box.setValue(200)
    _scatter(window, qtbot, "25")
    assert window.doc.scene.starts.count == 25


def test_a_new_request_replaces_the_one_running(main_window, qtbot):
    window = main_window
    window.descent_panel.max_steps_box.setValue(1_000_000)
    window.starts_panel.count_edit.setText("400")
    assert window.scatter_starts()
    window.descent_panel.max_steps_box.setValue(100)
    _scatter(window, qtbot, "16")
    qtbot.wait(500)
    assert len(window.doc.scatter.scatter) == 16
    assert window.doc.scene.starts.run.max_steps == 100


def test_scenes_undo_and_a_new_surface(himmelblau, qtbot, tmp_path):
    window = himmelblau
    _scatter(window, qtbot, "100")
    spec = window.doc.scene.starts
    path = tmp_path / "basins.json"
    assert window.save_scene(str(path))
    assert load_scene(str(path)).starts == spec
    window.starts.clear()
    assert window.doc.scatter.scatter is None and not window.basin_legend.isVisible()
    window.undo()  # the scatter comes back (computed again off the GUI thread)
    qtbot.waitUntil(lambda: window.doc.scatter.scatter is not None, timeout=20000)
    assert len(window.doc.scatter.scatter.minima) == 4
    window.load_preset("bowl")  # a new surface: the scatter was the old one's
    assert window.doc.scene.starts is None and window.doc.scatter.scatter is None
    window.apply_scene(load_scene(str(path)))
    qtbot.waitUntil(lambda: window.doc.scatter.scatter is not None, timeout=20000)
    assert window.doc.scene.starts == spec and len(window.doc.scatter.scatter.minima) == 4
    assert window.starts_panel.count_edit.text() == "100"


def test_the_export_animates_the_starts_and_the_dialog_offers_it(himmelblau, qtbot, tmp_path):
    from gdviz.ui.export_dialog import ExportDialog

    window = himmelblau
    dialog = ExportDialog(window, str(tmp_path))
    assert not dialog.animation_checks["starts"].isEnabled()
    dialog.close()
    _scatter(window, qtbot, "100")
    dialog = ExportDialog(window, str(tmp_path))
    assert dialog.animation_checks["starts"].isEnabled()
    assert dialog.current()[1].kinds == ("starts",)
    dialog.close()
    folder = tmp_path / "frames"
    spec = ExportSpec(folder, "png-frames", 320, 240, 10.0, 8, "dark")
    result = window.export(spec, FrameRequest(("starts",), 8, 320, 240, "dark"))
    assert result is not None
    frames = [imageio.imread(p)[..., :3].astype(int) for p in sorted(folder.glob("*.png"))]
    assert len(frames) == 8
    changed = (np.abs(frames[0] - frames[-1]).max(axis=2) > 40).sum()
    assert changed > 500  # the paths grew from the starts to the minima
    assert window.doc.scatter.head is None  # the window shows the whole paths again


def test_headless_export_of_many_starts_moves(tmp_path):
    out = tmp_path / "starts.mp4"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    proc = subprocess.run(
        [sys.executable, "-m", "gdviz", "export", "--preset", "himmelblau", "--animate",
         "starts", "--starts", "100,random,3", "--out", str(out), "--size", "320x240",
         "--frames", "8", "--fps", "8"],
        capture_output=True, text=True, timeout=180, env=env, cwd=REPO,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    with imageio.get_reader(str(out), "ffmpeg") as reader:
        frames = [np.asarray(f).astype(int) for f in reader]
    assert len(frames) == 16  # 8 that move, the last held 1 s
    assert (np.abs(frames[0] - frames[7]).max(axis=2) > 40).sum() > 300


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--starts", "0"], "number of starts"),
        (["--starts", "400,random,-2"], "seed"),
        (["--starts", "400,grid,5"], "random"),
        ([], "--starts K"),
    ],
)
def test_headless_export_refuses_bad_starts_in_one_line(tmp_path, args, says):
    proc = subprocess.run(
        [sys.executable, "-m", "gdviz", "export", "--preset", "himmelblau", "--animate", "starts",
         *args, "--out", str(tmp_path / "x.mp4")],
        capture_output=True, text=True, timeout=60, cwd=REPO,
    )  # fmt: skip
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and says in proc.stderr, proc.stderr
    assert not (tmp_path / "x.mp4").exists()


def test_closing_mid_scatter_joins_its_worker(qtbot, gl_context):
    from gdviz.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.descent_panel.max_steps_box.setValue(1_000_000)
    assert window.scatter_starts()
    qtbot.waitUntil(lambda: window.starts_panel.progress.value() > 0, timeout=10000)
    window.close()
    assert not window.starts.jobs.is_running()
