"""Export from the window and headless: files read back, overlays, alpha, clipboard, errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import imageio.v2 as imageio
import numpy as np
import pytest
from PySide6 import QtCore, QtWidgets

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
    with imageio.get_reader(str(path), "ffmpeg") as reader:  # closed: its ffmpeg and pipes end
        return [np.asarray(f) for f in reader]


def test_mp4_export_plays_the_descent_frame_by_frame(descended, tmp_path):
    window = descended
    spec = ExportSpec(tmp_path / "run.mp4", "mp4", 320, 240, 10.0, 12, "dark")
    request = FrameRequest(("descent",), 12, 320, 240, "dark", overlays=True)
    result = window.export(spec, request)
    assert result is not None and Path(result.path) == spec.path
    frames = _frames(spec.path)
    assert len(frames) == 12
    assert frames[0].shape == (240, 320, 3)
    with imageio.get_reader(str(spec.path), "ffmpeg") as reader:
        meta = reader.get_meta_data()
    assert meta["fps"] == pytest.approx(10.0)
    pairs = zip(frames, frames[1:], strict=False)
    moved = [np.abs(a.astype(int) - b.astype(int)).max() > 40 for a, b in pairs]
    assert sum(moved) >= 6  # the head marker moves between most frames
    assert not list(tmp_path.glob(".*partial*"))


@pytest.mark.parametrize(
    "kinds", [("descent",), ("delta", "direction"), ("descent", "orbit")], ids=lambda k: "+".join(k)
)
def test_frames_drawn_over_the_kept_still_layer_are_the_frames_painted_whole(
    descended, monkeypatch, kinds
):
    from gdviz.render import capture, still_layer
    from gdviz.ui import exporter

    built = []
    original_build = still_layer.StillLayer._build

    def counting_build(self, *args):
        if self is not descended.view.still_layer:  # the export's layers, not the window's
            built.append(len(args[0]))
        original_build(self, *args)

    monkeypatch.setattr(still_layer.StillLayer, "_build", counting_build)
    request = FrameRequest(kinds, 10, 320, 240, "dark", hold=2)
    frames = {}
    for reuse in (False, True):
        monkeypatch.setattr(
            exporter, "FrameCapture",
            lambda *a, reuse=reuse, **k: capture.FrameCapture(*a, reuse_still_layer=reuse, **k),
        )  # fmt: skip
        frames[reuse] = [frame.copy() for frame in render_frames(descended, request)]
    assert len(frames[True]) == 12
    # the export's layer let go of every item (the view's own layer may still watch them)
    assert all(still_layer.update_watchers(item) <= 1 for item in descended.view.items)
    for index, (whole, layered) in enumerate(zip(frames[False], frames[True], strict=True)):
        assert np.array_equal(whole, layered), f"frame {index} differs"
    if "orbit" in kinds:
        assert built == []  # the camera moves every frame: every frame is painted whole
    else:
        assert len(built) == 1 and built[0] >= 1  # built once, then copied under each frame


def test_overlays_are_drawn_into_the_frames(descended):
    window = descended
    base = FrameRequest(("descent",), 3, 480, 270, "dark", overlays=False)
    with_text = FrameRequest(("descent",), 3, 480, 270, "dark", overlays=True, title="Lecture")
    plain = list(render_frames(window, base))[-1]
    written = list(render_frames(window, with_text))[-1]
    corner = np.abs(written[:60, :200, :3].astype(int) - plain[:60, :200, :3].astype(int))
    assert (corner.max(axis=2) > 40).mean() > 0.05  # text in the top-left panel
    # the text has a band of its own: beside the panel it is the plain background
    background = plain[0, -1, :3]
    assert (written[:40, 400:, :3] == background).all()
    assert not (written[120:, :, :3] == background).all()  # the scene is drawn below


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


@pytest.mark.slow
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
    with imageio.get_reader(str(out)) as reader:
        count = len(list(reader))
    assert count == 16  # 8 that move, then the last held 1 s (8 frames at 8 fps)
    assert "16/16 frames" in proc.stderr


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


# --- timing, the hold, following, the palette, Ctrl+E ---------------------------------------


@pytest.fixture
def lecture_run(main_window, qtbot):
    """The lecture loss with the lecture's run: GD from (4, 5), α = 0.01, 1,000 steps."""
    from gdviz.core.optimizers import make_optimizer
    from gdviz.ui.panels.descent_panel import RunSettings

    window = main_window
    gd = make_optimizer("gd", lr=0.01)
    run_id = window.descent.add_run((4.0, 5.0), RunSettings("gd", gd.hp, 1000, 0.0),
                                    synchronous=True)  # fmt: skip
    assert run_id is not None and len(window.descent.runs[run_id].history) == 1001
    qtbot.waitUntil(lambda: not window.camera.searching(), timeout=5000)
    qtbot.waitUntil(lambda: not window.view.is_moving_camera(), timeout=5000)
    return window


def _changed(a: np.ndarray, b: np.ndarray) -> bool:
    """A visible change: a few pixels differ clearly (not encoder noise)."""
    return int((np.abs(a.astype(int) - b.astype(int)).max(axis=2) > 24).sum()) >= 3


@pytest.mark.slow
def test_the_lecture_export_moves_in_almost_every_frame_then_holds_the_end(lecture_run, tmp_path):
    from gdviz.export.spec import DEFAULT_FRAMES, hold_for

    window = lecture_run
    hold = hold_for("mp4", ("descent",), 30.0)
    assert hold == 30
    spec = ExportSpec(tmp_path / "lecture.mp4", "mp4", 480, 270, 30.0, DEFAULT_FRAMES + hold)
    # no text on the frames: every change counted is the scene's (outside any overlay box)
    request = FrameRequest(("descent",), DEFAULT_FRAMES, 480, 270, overlays=False, hold=hold)
    assert request.timing == "distance"
    assert window.export(spec, request) is not None
    frames = _frames(spec.path)
    assert len(frames) == DEFAULT_FRAMES + hold
    pairs = list(zip(frames, frames[1:], strict=False))
    moving = [_changed(a, b) for a, b in pairs]
    assert sum(moving) >= 0.8 * len(pairs)
    assert all(moving[: DEFAULT_FRAMES - 1])  # every frame of the motion moves
    assert not any(moving[DEFAULT_FRAMES - 1 :])  # the last second holds the end
    # the same export spread by steps is still for most of its length (what distance fixes)
    by_steps = FrameRequest(("descent",), 40, 240, 136, overlays=False, timing="steps")
    still = list(render_frames(window, by_steps))
    moved = [_changed(a, b) for a, b in zip(still, still[1:], strict=False)]
    assert sum(moved) < 0.8 * len(moved)


def test_each_timing_starts_at_the_start_and_ends_at_the_end(lecture_run):
    window = lecture_run
    (record,) = window.descent.runs.values()
    seen = {}
    for timing in ("distance", "loss", "steps"):
        request = FrameRequest(("descent",), 5, 160, 90, overlays=False, timing=timing, hold=2)
        ks = []
        for _frame in render_frames(window, request):
            ks.append(window.doc.head(record.run_id))
        seen[timing] = ks
        assert ks[0] == 0 and ks[4:] == [1000, 1000, 1000]
    # distance and loss spend their frames where the path moves and the loss falls
    assert seen["distance"] != seen["steps"] and seen["loss"] != seen["steps"]


def test_following_the_run_keeps_the_camera_on_the_shown_step(lecture_run):
    from gdviz.ui.camera_controller import FOLLOW_DISTANCE

    window = lecture_run
    view = window.view
    (record,) = window.descent.runs.values()
    request = FrameRequest(("descent",), 12, 160, 90, overlays=False, follow=True)
    gaps, distances = [], []
    for _frame in render_frames(window, request):
        head = np.array(view.path_head_position(record.run_id))
        c = view.opts["center"]
        gaps.append(float(np.linalg.norm(head[:2] - np.array([c.x(), c.y()]))))
        distances.append(view.opts["distance"])
    assert distances == pytest.approx([FOLLOW_DISTANCE] * 12)
    assert gaps[0] == pytest.approx(0.0, abs=1e-6)  # the first frame starts on the step
    assert max(gaps) < 0.5  # the box is about 2 wide: the step stays near the middle
    assert not window.camera.following  # an export option, not the View menu's setting


@pytest.mark.slow
def test_a_gif_export_from_the_window_keeps_its_fps_and_late_colours(lecture_run, tmp_path):
    from PIL import Image

    window = lecture_run
    spec = ExportSpec(tmp_path / "run.gif", "gif", 240, 136, 30.0, 31)
    request = FrameRequest(("descent",), 30, 240, 136, hold=1)
    assert window.export(spec, request) is not None
    with Image.open(spec.path) as gif:
        durations = []
        for index in range(gif.n_frames):
            gif.seek(index)
            durations.append(gif.info["duration"])
        late = np.asarray(gif.convert("RGB")).astype(int)
    assert len(durations) == 31
    assert sum(durations) / len(durations) == pytest.approx(1000 / 30, abs=1.0)
    truth = list(render_frames(window, request, indices=[29]))[0][..., :3].astype(int)
    assert np.abs(late - truth).mean() < 3.0  # the palette holds the run's late colours


def test_ctrl_e_exports_again_right_after_an_export(lecture_run, qtbot, tmp_path, monkeypatch):
    import gdviz.ui.export_dialog as export_dialog
    from gdviz.export.spec import ExportSpec as Spec

    window = lecture_run
    opened = []

    class Dialog:  # the real dialog is tested above; this one answers at once
        def __init__(self, win, folder):
            opened.append(folder)
            self.spec = Spec(tmp_path / f"still{len(opened)}.png", "png", 64, 48, 30.0, 1)
            self.request = FrameRequest(("orbit",), 1, 64, 48)

        def exec(self):
            return QtWidgets.QDialog.Accepted

    monkeypatch.setattr(export_dialog, "ExportDialog", Dialog)
    qtbot.keyClick(window, QtCore.Qt.Key_E, QtCore.Qt.ControlModifier)
    qtbot.waitUntil(lambda: (tmp_path / "still1.png").exists(), timeout=5000)
    assert QtWidgets.QApplication.activeModalWidget() is None  # no box to close first
    assert "still1.png" in window.statusBar().currentMessage()
    button = window.findChild(QtWidgets.QToolButton, "showExportInFolder")
    assert button.isVisible() and button.property("folder") == str(tmp_path)
    qtbot.keyClick(window, QtCore.Qt.Key_E, QtCore.Qt.ControlModifier)
    qtbot.waitUntil(lambda: (tmp_path / "still2.png").exists(), timeout=5000)
    assert len(opened) == 2


def test_the_dialog_offers_timing_follow_and_counts_the_hold(lecture_run, tmp_path):
    from gdviz.ui.export_dialog import ExportDialog

    dialog = ExportDialog(lecture_run, str(tmp_path))
    spec, request = dialog.current()
    assert request.timing == "distance" and not request.follow
    assert request.hold == 30 and spec.frames == request.frames + 30
    assert "held" in dialog.estimate_label.text()
    dialog.timing_combo.setCurrentIndex(dialog.timing_combo.findData("loss"))
    dialog.follow_check.setChecked(True)
    spec, request = dialog.current()
    assert request.timing == "loss" and request.follow
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("png-frames"))
    spec, request = dialog.current()
    assert request.hold == 0 and spec.frames == request.frames  # frames in a folder: no hold
    dialog.close()


def test_the_overlay_writes_the_formula_as_the_title_does(main_window, qtbot):
    from gdviz.core.animation import FrameState
    from gdviz.ui.exporter import frame_overlay

    window = main_window
    window.apply_expression("x^2*y - 3*x")
    qtbot.waitUntil(window.grid_is_final, timeout=10000)
    state = FrameState(0, (), None, None, None)
    overlay = frame_overlay(window.doc, state, FrameRequest(("orbit",), 1, 64, 48))
    assert overlay.title == "f(x, y) = x²·y − 3·x"
    assert overlay.subtitle == ""  # the title already holds it
    window.load_preset("x2-plus-y")
    qtbot.waitUntil(window.grid_is_final, timeout=10000)
    overlay = frame_overlay(window.doc, state, FrameRequest(("orbit",), 1, 64, 48))
    assert overlay.title == "x² + y" and "^" not in overlay.subtitle


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "fmt", "kinds", "size", "frames"),
    [
        ("lecture.mp4", "mp4", ("descent",), (1280, 720), 150),
        ("lecture.gif", "gif", ("descent",), (640, 360), 150),
        ("orbit.mp4", "mp4", ("orbit",), (640, 360), 60),
        ("orbit.gif", "gif", ("orbit",), (480, 270), 40),
    ],
)
def test_the_size_estimate_is_within_30_percent_of_the_file(
    lecture_run, tmp_path, name, fmt, kinds, size, frames
):
    from gdviz.export.spec import estimate, hold_for

    window = lecture_run
    hold = hold_for(fmt, kinds, 30.0)
    spec = ExportSpec(tmp_path / name, fmt, *size, 30.0, frames + hold)
    request = FrameRequest(kinds, frames, *size, hold=hold)
    result = window.export(spec, request)
    assert result is not None
    guess = estimate(spec, kinds).approx_bytes
    assert 0.7 * result.bytes <= guess <= 1.3 * result.bytes, (guess, result.bytes)


def test_headless_export_takes_duration_timing_and_a_camera(tmp_path):
    out = tmp_path / "lecture.mp4"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    proc = subprocess.run(
        [sys.executable, "-m", "gdviz", "export", "--dataset", "lecture", "--lr", "0.01",
         "--out", str(out), "--size", "320x180", "--fps", "10", "--duration", "1.5",
         "--timing", "loss", "--camera=-60,35,4"],
        capture_output=True, text=True, timeout=180, env=env, cwd=REPO,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "(25 frames" in proc.stdout  # 1.5 s × 10 fps that move, then 1 s held
    frames = _frames(out)
    assert len(frames) == 25
    assert np.array_equal(frames[-1], frames[-5])  # the held end
    assert not np.array_equal(frames[0], frames[14])


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--camera", "30"], "AZIMUTH,ELEVATION"),
        (["--camera", "a,b"], "--camera"),
        (["--camera", "30,120"], "elevation"),
        (["--camera", "30,20,-1"], "distance"),
        (["--duration", "0"], "--duration"),
        (["--duration", "nan"], "--duration"),
        (["--duration", "0.01"], "less than one frame"),
        (["--duration", "2", "--frames", "10"], "not allowed with"),
        (["--timing", "fast"], "invalid choice"),
        (["--log-base", "3"], "log base must be one of e, 10 or 2"),
    ],
)
def test_headless_export_refuses_bad_length_timing_and_camera(tmp_path, args, needle):
    proc = subprocess.run(
        [sys.executable, "-m", "gdviz", "export", "--preset", "bowl",
         "--out", str(tmp_path / "x.mp4"), *args],
        capture_output=True, text=True, timeout=60, cwd=REPO,
    )  # fmt: skip
    assert proc.returncode == 2
    assert needle in proc.stderr
    assert "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_headless_export_refuses_a_descent_from_where_f_is_undefined_as_run_does(tmp_path):
    argv = ["--function", "sqrt(x)", "--start", "-1,0"]
    run = subprocess.run(
        [sys.executable, "-m", "gdviz", "run", *argv], capture_output=True, text=True,
        timeout=60, cwd=REPO,
    )  # fmt: skip
    export = subprocess.run(
        [sys.executable, "-m", "gdviz", "export", *argv, "--animate", "descent",
         "--out", str(tmp_path / "x.mp4")],
        capture_output=True, text=True, timeout=60, cwd=REPO,
    )  # fmt: skip
    assert run.returncode == export.returncode == 2
    assert "f is not defined at the start (-1, 0)" in run.stderr
    assert run.stderr.split(": ", 1)[1] == export.stderr.split(": ", 1)[1]
    assert list(tmp_path.iterdir()) == []


def test_the_text_has_a_band_of_its_own_above_the_point_and_the_paths(lecture_run):
    from gdviz.render.overlay import overlay_box, text_band
    from gdviz.ui.exporter import animation_plan, frame_overlay

    window = lecture_run
    w, h = 640, 360
    request = FrameRequest(("descent",), 3, w, h)
    points, _weights = window.camera.targets()
    plan = animation_plan(window.doc, window.view.opts["azimuth"], request)
    for index, frame in enumerate(render_frames(window, request)):
        overlay = frame_overlay(window.doc, plan.state(index), request)
        box, band = overlay_box(overlay, w, h), text_band(overlay, h)
        assert box.bottom() < band < h // 3
        # the scene is drawn below the band (with the camera of this frame): every target too
        pixels = window.view.project(points, w, h - band)
        assert (pixels[:, 0] >= 0).all() and (pixels[:, 0] < w).all()
        assert (pixels[:, 1] >= 0).all() and (pixels[:, 1] + band < h).all()
        # and the band holds nothing but the background beside the text panel
        beside = frame[:band, int(box.right()) + 4 :, :3].reshape(-1, 3)
        assert (beside == frame[0, -1, :3]).all()


@pytest.mark.slow
def test_headless_export_of_a_scene_whose_run_is_longer_than_what_opening_computes(tmp_path):
    import json

    from gdviz.model.runs import SYNCHRONOUS_RUN_STEPS

    scene = json.loads((REPO / "tests/data/v1/lesson-step-11.json").read_text())
    scene["runs"][0]["max_steps"] = SYNCHRONOUS_RUN_STEPS + 50_000
    scene["runs"][0]["tol"] = 0.0
    path = tmp_path / "long.json"
    path.write_text(json.dumps(scene))
    out = tmp_path / "long"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    proc = subprocess.run(
        [sys.executable, "-m", "gdviz", "export", "--scene", str(path), "--out", str(out),
         "--size", "160x96", "--frames", "3", "--timing", "steps", "--no-overlay"],
        capture_output=True, text=True, timeout=300, env=env, cwd=REPO,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert len(list(out.iterdir())) == 3  # PNG frames: no hold


def test_a_fault_in_a_frame_ends_in_a_dialog_and_keeps_the_old_file(
    descended, tmp_path, monkeypatch
):
    import gdviz.ui.exporter as exporter

    window = descended
    warnings = []
    monkeypatch.setattr(
        QtWidgets.QMessageBox, "warning", lambda *args: warnings.append(args[2]) or 0
    )
    original = exporter.render_frames
    restored = []

    def failing_frames(win, req, indices=None):
        frames = original(win, req, indices)
        try:
            for i, frame in enumerate(frames):
                if i == 4:
                    raise TypeError("a bug in a frame")
                yield frame
        finally:
            frames.close()
            restored.append(win.doc.heads is None)

    monkeypatch.setattr(exporter, "render_frames", failing_frames)
    out = tmp_path / "talk.mp4"
    out.write_bytes(b"old")
    spec = ExportSpec(out, "mp4", 320, 240, 10.0, 12, "dark")
    assert window.export(spec, FrameRequest(("descent",), 12, 320, 240)) is None
    assert warnings and "TypeError: a bug in a frame" in warnings[0]
    assert restored == [True]  # the document shows the cursor's steps again, at once
    assert out.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["talk.mp4"]
    assert window.isVisible()
