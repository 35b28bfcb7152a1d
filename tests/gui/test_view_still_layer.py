"""The 3D view's still layer: frames drawn over it are the frames painted whole, and a changed
surface, a moved camera or a resize is never shown from a stale copy."""

from __future__ import annotations

import numpy as np
from PySide6 import QtGui

from tests.gui.pixels import grab_rgb


def _rgb(image: QtGui.QImage) -> np.ndarray:
    image = image.convertToFormat(QtGui.QImage.Format_RGB888)
    h, w = image.height(), image.width()
    data = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
    return data.reshape(h, image.bytesPerLine())[:, : w * 3].reshape(h, w, 3).copy()


def _next_frame(view, qtbot) -> bool:
    """Paint one frame; whether it was drawn over the still layer."""
    with qtbot.waitSignal(view.frameSwapped, timeout=5000):
        view.update()
    return view.last_frame_layered


def _shown(view) -> np.ndarray:
    """The frame the view last put on screen (it is drawn in _frame_fbo, then copied)."""
    view.makeCurrent()
    return _rgb(view._frame_fbo.toImage())


def _layered_after_idle(view, qtbot) -> None:
    qtbot.waitUntil(lambda: view.still_layer.is_kept(view.getViewport()), timeout=5000)
    assert _next_frame(view, qtbot)


def _path(window, n: int = 300):
    x0, x1 = window.doc.window.x_min, window.doc.window.x_max
    y0, y1 = window.doc.window.y_min, window.doc.window.y_max
    t = np.linspace(0.1, 0.9, n)
    xs, ys = x0 + t * (x1 - x0), y0 + (0.5 + 0.3 * np.sin(6 * t)) * (y1 - y0)
    return xs, ys, np.full(n, 0.6)


def test_frames_over_the_still_layer_are_the_frames_painted_whole(main_window, qtbot):
    view = main_window.view
    xs, ys, zs = _path(main_window)
    view.set_path(1, xs[:100], ys[:100], zs[:100], (1.0, 0.3, 0.2, 1.0))
    _layered_after_idle(view, qtbot)
    for end in (150, 220, 300):  # a run growing: only its path is drawn again
        view.append_path(1, xs[end - 50 : end], ys[end - 50 : end], zs[end - 50 : end])
        assert _next_frame(view, qtbot)
        assert np.array_equal(_shown(view), grab_rgb(view))
    assert not np.array_equal(_shown(view)[..., 0], _shown(view)[..., 1])  # a real picture


def test_a_changed_surface_or_camera_is_painted_whole_never_from_the_old_layer(main_window, qtbot):
    view = main_window.view
    _layered_after_idle(view, qtbot)
    kept = _shown(view)
    view.set_surface_opacity(0.5)  # the surface itself changes
    assert not _next_frame(view, qtbot)
    assert not np.array_equal(grab_rgb(view), kept)
    _layered_after_idle(view, qtbot)  # a new layer once the view is idle again
    assert np.array_equal(_shown(view), grab_rgb(view))

    view.set_camera(
        view.opts["elevation"] + 10, view.opts["azimuth"] + 20, view.opts["distance"], None
    )
    assert not _next_frame(view, qtbot)  # the camera moved: painted whole
    _layered_after_idle(view, qtbot)
    assert np.array_equal(_shown(view), grab_rgb(view))

    main_window.resize(1100, 760)
    qtbot.waitUntil(lambda: view.width() < 700, timeout=5000)
    assert not _next_frame(view, qtbot) or np.array_equal(_shown(view), grab_rgb(view))
    _layered_after_idle(view, qtbot)
    assert np.array_equal(_shown(view), grab_rgb(view))


def test_items_taken_out_of_the_view_are_let_go(main_window, qtbot):
    from gdviz.render.still_layer import update_watchers

    view = main_window.view
    xs, ys, zs = _path(main_window)
    view.set_path(7, xs, ys, zs, (0.2, 0.6, 1.0, 1.0))
    _next_frame(view, qtbot)
    items = view._paths[7].items()
    assert all(update_watchers(item) == 1 for item in items if item.visible())
    view.remove_path(7)
    _next_frame(view, qtbot)
    assert all(update_watchers(item) == 0 for item in items)
