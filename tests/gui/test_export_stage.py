"""The export stage (what `gdviz export` renders) draws the frames the whole window would."""

from __future__ import annotations

import numpy as np
import pytest

from gdviz.cli.export import _aim
from gdviz.core.optimizers import make_optimizer
from gdviz.core.scene import scene_for_preset
from gdviz.export.spec import ExportSpec
from gdviz.model import Document
from gdviz.ui.export_stage import build_stage
from gdviz.ui.exporter import FrameRequest, render_frames
from gdviz.ui.panels.descent_panel import RunSettings

START, STEPS, LR = (2.0, 2.5), 40, 0.1
WIDTH, HEIGHT = 480, 270


def _window_frames(window, qtbot, request, spec, camera):
    """The frames as the export made them before the stage: from the 1280×800 main window."""
    window.load_preset("sin-cos")
    qtbot.waitUntil(window.grid_is_final, timeout=10000)
    window.set_point(*START)
    optimizer = make_optimizer("gd", lr=LR)
    settings = RunSettings(optimizer.name, optimizer.hp, STEPS, 0.0)
    assert window.descent.add_run(START, settings, synchronous=True) is not None
    window.descent.finish_runs_now()
    _aim(window, camera, spec)
    return [frame.copy() for frame in render_frames(window, request)]


def _stage_frames(request, spec, camera):
    doc = Document(scene_for_preset("sin-cos"))
    stage = build_stage(doc, constructions=True, keep_going=lambda: True)
    try:
        stage.sample(lambda: True)
        doc.update(point=START)
        stage.add_run(START, make_optimizer("gd", lr=LR), STEPS, 0.0)
        stage.finish_runs()
        _aim(stage, camera, spec)
        return [frame.copy() for frame in render_frames(stage, request)]
    finally:
        stage.close()


@pytest.mark.parametrize(
    ("kinds", "camera", "follow"),
    [
        (("descent",), None, False),
        (("descent", "direction"), (-50.0, 35.0, 9.0), False),
        (("descent",), None, True),
    ],
    ids=["descent", "direction-camera", "follow"],
)
def test_the_stage_draws_what_the_window_draws(main_window, qtbot, kinds, camera, follow):
    spec = ExportSpec("unused.mp4", "mp4", WIDTH, HEIGHT, 30.0, 6)
    request = FrameRequest(kinds, 6, WIDTH, HEIGHT, "dark", overlays=True, follow=follow)
    expected = _window_frames(main_window, qtbot, request, spec, camera)
    frames = _stage_frames(request, spec, camera)
    assert len(frames) == len(expected) == 6
    assert np.abs(frames[-1].astype(int) - frames[0].astype(int)).max() > 40  # it moves
    for index, (ours, theirs) in enumerate(zip(frames, expected, strict=True)):
        differ = np.abs(ours.astype(int) - theirs.astype(int)).max(axis=2)
        # the first frame of a followed run may differ in a few edge pixels by a few levels
        # (GL state left by the window's last on-screen paint); nothing else may
        assert (differ > 12).sum() == 0, index
        assert (differ > 0).sum() <= 40, index
