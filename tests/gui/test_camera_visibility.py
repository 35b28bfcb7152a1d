"""A camera that shows what matters: the run's path and head are seen, or shown by the x-ray."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6 import QtWidgets

from gdviz.core.grid import display_heights
from gdviz.core.optimizers import make_optimizer
from gdviz.render.items.coords import PATH_LIFT
from gdviz.render.view3d import MARKER_COLOR
from gdviz.ui import theme
from gdviz.ui.panels.descent_panel import RunSettings
from tests.gui.pixels import differs_near, grab_rgb, project

SAMPLES = 80


def _settle(qtbot, window) -> None:
    qtbot.waitUntil(window.grid_is_final, timeout=20000)
    qtbot.waitUntil(lambda: not window.camera.searching(), timeout=5000)
    qtbot.waitUntil(lambda: not window.view.is_moving_camera(), timeout=5000)
    qtbot.wait(50)
    QtWidgets.QApplication.processEvents()


def _run(window, qtbot, start, lr, steps) -> object:
    gd = make_optimizer("gd", lr=lr)
    window.doc.update(point=start)
    run_id = window.descent.add_run(start, RunSettings("gd", gd.hp, steps, 0.0), synchronous=True)
    assert run_id is not None
    _settle(qtbot, window)
    return window.descent.runs[run_id]


def _path_pixels(window, record) -> np.ndarray:
    """Pixels of SAMPLES points spread evenly along the drawn path (by its length in the scene,
    not by step: a slow run's last steps would all fall on one spot)."""
    xs, ys = record.history.column("x"), record.history.column("y")
    zs = display_heights(window.grid, record.history.column("f"))
    scene = np.stack(window.view.data_to_scene(xs, ys, zs), axis=1) + [0, 0, PATH_LIFT]
    scene = scene[np.isfinite(scene).all(axis=1)]
    length = np.r_[0.0, np.cumsum(np.linalg.norm(np.diff(scene, axis=0), axis=1))]
    at = np.linspace(0.0, length[-1], SAMPLES)
    even = np.stack([np.interp(at, length, scene[:, i]) for i in range(3)], axis=1)
    pixels = project(window.view, even) * window.view.devicePixelRatioF()
    h, w = window.view.height(), window.view.width()
    inside = (
        (pixels[:, 0] >= 2) & (pixels[:, 0] < w - 2) & (pixels[:, 1] >= 2) & (pixels[:, 1] < h - 2)
    )
    return pixels[inside]


def _show(path, *, line: bool, xray: bool) -> None:
    """Only the path's line and/or its x-ray pass (not its dots, nor the point's marker, which
    sits on the path's start and would hide it in both pictures)."""
    view = path.line.view()
    for item in (*path.items(), view._marker, view._ghost, view._drop_line):
        item.setVisible(False)
    path.line.setVisible(line)
    path.hidden.setVisible(xray)


def _visible_share(window, record) -> float:
    """The share of path samples whose pixels change when the (depth-tested) path is drawn."""
    path = window.view._paths[record.run_id]
    _show(path, line=False, xray=False)
    window.view.update()
    without = grab_rgb(window.view)
    _show(path, line=True, xray=False)
    window.view.update()
    with_line = grab_rgb(window.view)
    seen = differs_near(with_line, without, _path_pixels(window, record), radius=2)
    path.redraw()
    return float(seen.mean())


@pytest.mark.slow
@pytest.mark.parametrize(
    ("preset", "start", "lr", "steps"),
    [("lecture-logistic", (4.0, 5.0), 0.01, 1000), ("sin-cos", (2.0, 2.5), 0.1, 200)],
)
def test_the_automatic_camera_sees_the_path_and_every_head(
    main_window, qtbot, preset, start, lr, steps
):
    window = main_window
    window.load_preset(preset)
    _settle(qtbot, window)
    record = _run(window, qtbot, start, lr, steps)
    assert not window.view.user_camera
    assert _visible_share(window, record) >= 0.9

    # the head dot (not its x-ray ghost) is seen at every step an export would show
    path = window.view._paths[record.run_id]
    n = len(record.history)
    view = window.view
    for item in (view._marker, view._ghost, view._drop_line):  # the point sits on step 0
        item.setVisible(False)
    for k in np.linspace(0, n - 1, 12).round().astype(int):
        window.doc.show_steps({record.run_id: int(k)})
        for item in (path.head_ghost, path.hidden, path.start_ring, path.start_dot):
            item.setVisible(False)
        window.view.update()
        with_head = grab_rgb(window.view)
        path.head_dot.setVisible(False)
        path.head_edge.setVisible(False)
        window.view.update()
        without_head = grab_rgb(window.view)
        path.redraw()
        head = window.view.path_head_position(record.run_id)
        pixel = project(window.view, np.array([head])) * window.view.devicePixelRatioF()
        assert differs_near(with_head, without_head, pixel, radius=2)[0], f"head hidden at {k}"
    window.doc.show_steps(None)


def test_the_xray_pass_shows_what_a_user_camera_hides(main_window, qtbot):
    window = main_window  # the lecture loss: from the old default view the valley is hidden
    record = _run(window, qtbot, (4.0, 5.0), 0.01, 1000)
    window.view.set_camera(28.0, -60.0, 4.0, (1.5, -10.0, 0.0))  # the user's own camera
    _settle(qtbot, window)
    path = window.view._paths[record.run_id]
    pixels = _path_pixels(window, record)
    _show(path, line=False, xray=False)
    window.view.update()
    without = grab_rgb(window.view)
    _show(path, line=True, xray=False)
    window.view.update()
    seen = differs_near(grab_rgb(window.view), without, pixels, radius=2)
    hidden = ~seen
    assert hidden.sum() >= 5  # this camera does hide part of the path
    _show(path, line=True, xray=True)
    window.view.update()
    xray = differs_near(grab_rgb(window.view), without, pixels, radius=2)
    assert xray[hidden].mean() >= 0.9
    assert window.view.user_camera
    before = (window.view.opts["elevation"], window.view.opts["azimuth"])
    window.descent.add_run((3.0, 0.0))  # a run starts: a user camera is never moved unasked
    qtbot.wait(100)
    assert (window.view.opts["elevation"], window.view.opts["azimuth"]) == before
    assert not window.view.is_moving_camera()


def test_run_colours_are_distinct_and_not_the_points_red():
    def rgb(hex_colour: str) -> np.ndarray:
        return np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)

    marker = np.array(MARKER_COLOR[:3]) * 255
    colours = [rgb(c) for c in theme.RUN_COLORS]
    assert all(np.linalg.norm(c - marker) > 120 for c in colours)
    for i, a in enumerate(colours):
        for b in colours[i + 1 :]:
            assert np.linalg.norm(a - b) > 80


def test_follow_the_run_keeps_the_newest_step_near_the_middle(main_window, qtbot):
    window = main_window
    record = _run(window, qtbot, (4.0, 5.0), 0.01, 300)
    window.menus.follow.setChecked(True)
    try:
        for k in (50, 150, 300):
            window.doc.focus(record.run_id, k)
            for _ in range(12):  # the camera eases towards the step, ten times a second
                window.camera._follow_step()
            head = window.view.path_head_position(record.run_id)
            pixel = project(window.view, np.array([head]))[0]
            w, h = window.view.width(), window.view.height()
            assert abs(pixel[0] - w / 2) < 0.15 * w and abs(pixel[1] - h / 2) < 0.15 * h
        assert window.view.auto_framing() is None  # a close camera, not the framed box
    finally:
        window.menus.follow.setChecked(False)
    assert window.view.auto_framing() is not None  # back to a framed view


def test_the_automatic_view_search_runs_off_the_gui_thread_and_aims_as_the_menu_does(
    main_window, qtbot, monkeypatch
):
    import threading

    from gdviz.render import view3d

    threads = []
    real = view3d.choose_view

    def recording(*args, **kwargs):
        threads.append(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr(view3d, "choose_view", recording)
    window = main_window
    _settle(qtbot, window)
    window.view.reset_camera()
    gd = make_optimizer("gd", lr=0.01)
    window.descent.add_run((4.0, 5.0), RunSettings("gd", gd.hp, 1000, 0.0), synchronous=True)
    qtbot.waitUntil(window.camera.searching, timeout=2000)
    qtbot.waitUntil(lambda: not window.camera.searching(), timeout=10000)
    qtbot.waitUntil(lambda: not window.view.is_moving_camera(), timeout=5000)
    assert threads and threading.main_thread().ident not in threads
    # where the search aimed is where View → Frame the runs aims, computed here
    aimed = window.view.auto_framing()
    expected = window.view.choose_camera(*window.camera.targets())
    assert aimed == (expected.elevation, expected.azimuth)


def test_a_camera_taken_during_the_view_search_is_left_alone(main_window, qtbot):
    window = main_window
    _settle(qtbot, window)
    window.view.reset_camera()
    gd = make_optimizer("gd", lr=0.01)
    window.descent.add_run((4.0, 5.0), RunSettings("gd", gd.hp, 1000, 0.0), synchronous=True)
    assert window.camera.searching()
    window.view.set_camera(33.0, 77.0)  # the user aims the camera meanwhile
    qtbot.waitUntil(lambda: not window.camera.searching(), timeout=10000)
    qtbot.wait(100)
    assert not window.view.is_moving_camera()
    assert (window.view.opts["elevation"], window.view.opts["azimuth"]) == (33.0, 77.0)


def test_a_view_search_of_the_old_surface_is_dropped_when_the_surface_changes(main_window, qtbot):
    window = main_window
    _settle(qtbot, window)
    window.view.reset_camera()
    gd = make_optimizer("gd", lr=0.01)
    window.descent.add_run((4.0, 5.0), RunSettings("gd", gd.hp, 1000, 0.0), synchronous=True)
    assert window.camera.searching()
    old = window.view.choose_camera(*window.camera.targets())  # what that search will find
    window.apply_expression("x^2 + y^2")  # before the search of the loss surface reports
    assert not window.camera.searching()
    _settle(qtbot, window)
    qtbot.wait(500)  # the search thread has finished; its result must not be applied
    qtbot.waitUntil(lambda: not window.view.is_moving_camera(), timeout=5000)
    new = window.view.choose_camera(*window.camera.targets())
    assert (old.elevation, old.azimuth) != (new.elevation, new.azimuth)  # else nothing to see
    assert window.view.auto_framing() == (new.elevation, new.azimuth)
