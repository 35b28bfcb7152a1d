"""Export from the window and headless: files read back, overlays, alpha, clipboard, errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import imageio.v2 as imageio
import numpy as np
import pytest
from PySide6 import QtWidgets

from gdviz.export.spec import ExportSpec
from gdviz.ui.exporter import FrameRequest, render_frames

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def descended(main_window, qtbot):
    """The sin-cos preset with one finished gradient-descent run."""
    window = main_window
    window.load_preset("sin-cos")
    qtbot.waitUntil(lambda: window.grid is not None, timeout=10000)
    window.view.top_view()
    panel = window.descent_panel
    panel.speed_combo.setCurrentIndex(panel.speed_combo.count() - 1)
    window.toggle_play()
    qtbot.waitUntil(
        lambda: bool(window.descent.runs) and not window.descent.has_unfinished_runs(),
        timeout=15000,
    )
    return window


def _frames(path: Path) -> list[np.ndarray]:
    return [np.asarray(f) for f in imageio.get_reader(str(path), "ffmpeg")]


def test_mp4_export_plays_the_descent_frame_by_frame(descended, tmp_path):
    window = descended
    spec = ExportSpec(tmp_path / "run.mp4", "mp4", 320, 240, 10.0, 12, "dark")
    request = FrameRequest(("descent",), 12, 320, 240, "dark", overlays=True)
    result = window.export(spec, request)
    assert result is not None and Path(result.path) == spec.path
    frames = _frames(spec.path)
    assert len(frames) == 12
    assert frames[0].shape == (240, 320, 3)
    meta = imageio.get_reader(str(spec.path), "ffmpeg").get_meta_data()
    assert meta["fps"] == pytest.approx(10.0)
    pairs = zip(frames, frames[1:], strict=False)
    moved = [np.abs(a.astype(int) - b.astype(int)).max() > 40 for a, b in pairs]
    assert sum(moved) >= 6  # the head marker moves between most frames
    assert not list(tmp_path.glob(".*partial*"))


def test_overlays_are_drawn_into_the_frames(descended):
    window = descended
    base = FrameRequest(("descent",), 3, 480, 270, "dark", overlays=False)
    with_text = FrameRequest(("descent",), 3, 480, 270, "dark", overlays=True, title="Lecture")
    plain = list(render_frames(window, base))[-1]
    written = list(render_frames(window, with_text))[-1]
    corner = np.abs(written[:60, :200, :3].astype(int) - plain[:60, :200, :3].astype(int))
    assert (corner.max(axis=2) > 40).mean() > 0.05  # text in the top-left panel
    rest = np.abs(written[150:, 250:, :3].astype(int) - plain[150:, 250:, :3].astype(int))
    assert rest.max() == 0  # nothing else changed


def test_transparent_png_frames_have_alpha(descended, tmp_path):
    window = descended
    folder = tmp_path / "frames"
    spec = ExportSpec(folder, "png-frames", 200, 150, 10.0, 3, "transparent")
    request = FrameRequest(("orbit",), 3, 200, 150, "transparent", overlays=False)
    assert window.export(spec, request) is not None
    files = sorted(folder.glob("*.png"))
    assert len(files) == 3
    image = imageio.imread(files[0])
    assert image.shape[2] == 4
    assert (
        image[..., 3].min() == 0 and image[..., 3].max() == 255
    )  # clear background, opaque surface


def test_the_view_state_is_restored_after_an_export(descended):
    window = descended
    delta, azimuth = window.partials_panel.delta(), window.view.opts["azimuth"]
    request = FrameRequest(("descent", "delta", "orbit"), 4, 160, 120, "dark")
    frames = list(render_frames(window, request))
    assert len(frames) == 4
    assert window.partials_panel.delta() == pytest.approx(delta)
    assert window.view.opts["azimuth"] == pytest.approx(azimuth)
    (drawn,) = window.descent.runs.values()
    head = window.view.path_head_position(drawn.run_id)
    last = window.view.data_to_scene(*drawn.history.step(-1).point, 0.0)
    assert head[:2] == pytest.approx(tuple(float(v) for v in last[:2]))


def test_a_bad_destination_is_refused_before_any_work(descended, tmp_path, monkeypatch):
    window = descended
    warnings = []
    monkeypatch.setattr(
        QtWidgets.QMessageBox, "warning", lambda *args: warnings.append(args[2]) or 0
    )
    spec = ExportSpec(tmp_path / "missing" / "run.mp4", "mp4", 320, 240, 10.0, 5, "dark")
    assert window.export(spec, FrameRequest(("descent",), 5, 320, 240)) is None
    assert warnings and "missing" in warnings[0]
    assert not (tmp_path / "missing").exists()


def test_copy_view_puts_a_picture_of_the_export_size_on_the_clipboard(descended):
    window = descended
    window.export_size = (640, 360)
    image = window.copy_view_to_clipboard()
    clip = QtWidgets.QApplication.clipboard().image()
    assert (image.width(), image.height()) == (640, 360)
    assert (clip.width(), clip.height()) == (640, 360)


def test_export_dialog_builds_a_valid_spec_and_flags_odd_sizes(descended, tmp_path):
    from gdviz.ui.export_dialog import ExportDialog

    dialog = ExportDialog(descended, str(tmp_path))
    spec, request = dialog.current()
    assert spec.format == "mp4" and (spec.width, spec.height) == (1280, 720)
    assert request.kinds == ("descent",)
    assert dialog.preview.pixmap() is not None and not dialog.preview.pixmap().isNull()
    dialog.size_combo.setCurrentIndex(dialog.size_combo.count() - 1)  # custom
    dialog.width_box.setValue(1281)
    assert not dialog.export_button.isEnabled()
    assert "even" in dialog.error_label.text()
    dialog.close()


def test_headless_export_starts_its_own_x_server(tmp_path):
    out = tmp_path / "orbit.gif"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    proc = subprocess.run(
        [sys.executable, "-m", "gdviz", "export", "--preset", "bowl", "--animate", "descent,orbit",
         "--lr", "0.1", "--out", str(out), "--size", "320x240", "--frames", "8", "--fps", "8"],
        capture_output=True, text=True, timeout=180, env=env, cwd=REPO,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert out.exists()
    reader = imageio.get_reader(str(out))
    assert len(list(reader)) == 8
    assert "8/8 frames" in proc.stderr


def test_headless_export_reports_bad_input_in_one_line(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "gdviz", "export", "--preset", "bowl", "--animate", "spin",
         "--out", str(tmp_path / "x.mp4")],
        capture_output=True, text=True, timeout=60, cwd=REPO,
    )  # fmt: skip
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "spin" in proc.stderr


def test_headless_still_png_defaults_to_one_frame(tmp_path):
    out = tmp_path / "still.png"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    proc = subprocess.run(
        [sys.executable, "-m", "gdviz", "export", "--preset", "sin-cos", "--animate", "orbit",
         "--out", str(out), "--size", "320x180", "--background", "light"],
        capture_output=True, text=True, timeout=180, env=env, cwd=REPO,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    image = imageio.imread(out)
    assert image.shape[:2] == (180, 320)
    assert tuple(image[2, 2, :3]) == (244, 244, 240)  # the light background


def test_closing_the_window_during_an_export_cancels_it_and_leaves_nothing(
    descended, qtbot, tmp_path
):
    window = descended
    spec = ExportSpec(tmp_path / "run.mp4", "mp4", 320, 240, 10.0, 60, "dark")
    request = FrameRequest(("descent",), 60, 320, 240)
    frames = render_frames

    def closing_frames(win, req):
        for i, frame in enumerate(frames(win, req)):
            if i == 10:
                win.close()  # what a click on the window's close button does mid-export
            yield frame

    import gdviz.ui.exporter as exporter

    original = exporter.render_frames
    exporter.render_frames = closing_frames
    try:
        assert window.export(spec, request) is None
    finally:
        exporter.render_frames = original
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
    assert list(tmp_path.iterdir()) == []
    assert not window.descent.worker.is_running() and not window.jobs.is_running()
