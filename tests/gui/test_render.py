"""SurfaceView under Xvfb with real GL: colours, lighting, holes, marker, labels, repaints."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from PySide6 import QtGui

from gdviz.render.colormap import lookup_table
from gdviz.render.view3d import MARKER_COLOR, SurfaceView
from tests.gui.pixels import background_rgb, foreground_mask, grab_rgb, shown_view

REPO = Path(__file__).resolve().parents[2]
SIZE = (640, 480)


@pytest.fixture
def view(qtbot, gl_context):
    """A shown 640×480 SurfaceView whose GL context really exists (else the test fails)."""
    widget = shown_view(qtbot, SIZE)
    grab_rgb(widget)  # forces initializeGL
    assert widget.isValid(), "the view has no valid GL context"
    assert widget.context() is not None and widget.context().isValid()
    yield widget
    widget.container.close()


def _sin_cos(n: int = 120, hole: tuple[float, float, float] | None = None):
    xs = np.linspace(-3.0, 3.0, n)
    ys = np.linspace(-3.0, 3.0, n)
    z = np.sin(xs)[:, None] * np.cos(ys)[None, :]
    if hole is not None:
        cx, cy, r = hole
        z[(xs[:, None] - cx) ** 2 + (ys[None, :] - cy) ** 2 < r * r] = np.nan
    return xs, ys, z


def _show(view: SurfaceView, xs, ys, z) -> np.ndarray:
    view.set_surface(xs, ys, z, (-1.0, 1.0), ("x", "y", "z"))
    return grab_rgb(view)


def _pixel_of(view: SurfaceView, x: float, y: float, z: float) -> tuple[int, int]:
    """(column, row) where the data point lands in the widget, from the view's own matrices."""
    w, h = view.width(), view.height()
    mvp = view.projectionMatrix((0, 0, w, h), (0, 0, w, h)) * view.viewMatrix()
    m = np.array(mvp.data(), dtype=np.float64).reshape(4, 4).T
    scene = np.array([float(v) for v in view.data_to_scene(x, y, z)] + [1.0])
    cx, cy, _, cw = m @ scene
    assert cw > 0, "point is behind the camera"
    return round((cx / cw + 1) * 0.5 * w), round((1 - cy / cw) * 0.5 * h)


def _hsv(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hue in degrees and value in [0, 1] of (N, 3) uint8 pixels."""
    rgb = pixels.astype(np.float64) / 255.0
    mx, mn = rgb.max(axis=1), rgb.min(axis=1)
    delta = np.where(mx - mn == 0, 1.0, mx - mn)
    r, g, b = rgb.T
    hue = np.select(
        [mx == r, mx == g],
        [((g - b) / delta) % 6, (b - r) / delta + 2],
        (r - g) / delta + 4,
    )
    return hue * 60.0, mx


def _marker_pixels(image: np.ndarray) -> np.ndarray:
    """Pixels close to the marker colour (reddish orange; viridis never goes there)."""
    target = np.array(MARKER_COLOR[:3]) * 255
    return np.abs(image.astype(int) - target).max(axis=2) < 40


def _near(mask: np.ndarray, col: int, row: int, radius: int) -> int:
    rows, cols = np.ogrid[: mask.shape[0], : mask.shape[1]]
    return int(mask[(rows - row) ** 2 + (cols - col) ** 2 <= radius * radius].sum())


# --------------------------------------------------------------------------- surface
def test_surface_fills_the_view_with_viridis_hues_and_shading(view):
    image = _show(view, *_sin_cos())
    assert image.shape == (SIZE[1], SIZE[0], 3)
    np.testing.assert_array_equal(background_rgb(image), [0x1E, 0x1E, 0x24])
    fg = foreground_mask(image)
    assert fg.mean() > 0.25, "the surface should cover a good part of the view"

    hue, _ = _hsv(image[fg])
    table_hue, _ = _hsv((lookup_table("viridis") * 255).astype(np.uint8))
    low_hue, high_hue = table_hue[10], table_hue[245]  # purple-blue end, yellow end
    purple_blue = np.abs(hue - low_hue) < 25
    yellow_green = np.abs(hue - high_hue) < 25
    assert purple_blue.mean() > 0.02 and yellow_green.mean() > 0.02

    # Lighting: each surface pixel is a viridis colour times a brightness factor. Fit the factor
    # against every table entry and keep the best match; unlit rendering gives factors of 1.
    pixels = image[fg].astype(np.float64)[::3] / 255.0
    table = lookup_table("viridis").astype(np.float64)
    scales = (pixels @ table.T) / (table * table).sum(axis=1)
    residual = ((pixels[:, None, :] - scales[..., None] * table[None]) ** 2).sum(axis=-1)
    best = residual.argmin(axis=1)
    factor = scales[np.arange(len(pixels)), best]
    assert np.percentile(np.sqrt(residual.min(axis=1)), 80) < 0.08  # they are viridis colours
    p10, p90 = np.percentile(factor, [10, 90])
    assert p90 / p10 > 1.4, (p10, p90)


def test_nan_disc_shows_the_background_through_the_hole(view):
    hole = (1.5, -1.0, 0.9)
    _show(view, *_sin_cos())
    view.top_view()
    full = grab_rgb(view)
    holed = _show(view, *_sin_cos(hole=hole))
    col, row = _pixel_of(view, hole[0], hole[1], 0.0)
    radius = 12  # px, well inside the hole's image (0.9 data units ≈ 40 px here)
    rows, cols = np.ogrid[: full.shape[0], : full.shape[1]]
    disc = (rows - row) ** 2 + (cols - col) ** 2 <= radius**2
    bg_full = ~foreground_mask(full)
    bg_holed = ~foreground_mask(holed)
    assert bg_full[disc].mean() < 0.05
    assert bg_holed[disc].mean() > 0.75  # faint floor grid lines may cross the hole
    # away from the hole both renders agree
    far = (rows - row) ** 2 + (cols - col) ** 2 > 60**2
    same = np.abs(full.astype(int) - holed.astype(int)).max(axis=2) <= 3
    assert same[far].mean() > 0.97


def test_second_view_after_the_first_is_destroyed_still_renders(qtbot, gl_context):
    """Pitfall 2: shaders cached from a dead context render blank without shared contexts."""
    for _ in range(2):
        widget = shown_view(qtbot, SIZE, track=False)
        try:
            image = _show(widget, *_sin_cos(60))
            assert foreground_mask(image).mean() > 0.25
        finally:
            widget.container.close()
            widget.container.deleteLater()
            qtbot.wait(20)


def test_a_whole_grid_draws_one_strip_with_the_pixels_of_its_triangle_list(view, monkeypatch):
    import gdviz.render.view3d as view3d

    xs, ys, z = _sin_cos()
    strip_image = _show(view, xs, ys, z)
    assert view._surface.index_count == 119 * (2 * 120 + 2) - 2  # a strip, not 6 per cell
    as_list = view3d.surface_mesh
    monkeypatch.setattr(
        view3d, "surface_mesh", lambda *a: dataclasses.replace(as_list(*a), strip=None)
    )
    list_image = _show(view, xs, ys, z)
    assert view._surface.index_count == 119 * 119 * 6
    assert foreground_mask(strip_image).mean() > 0.25
    differs = np.abs(strip_image.astype(int) - list_image.astype(int)).max(axis=2) > 2
    assert differs.mean() < 0.001  # the same triangles: at most a few edge pixels round apart


@pytest.mark.parametrize("n", [2, 3, 60, 200, 401])
def test_draw_batches_draw_every_triangle_once_with_its_winding(n, monkeypatch):
    from OpenGL import GL

    import gdviz.render.items.surface_item as surface_item
    from gdviz.render.mesh import grid_faces, grid_strip

    monkeypatch.setattr(surface_item, "TRIANGLES_PER_BATCH", 501)  # odd: splits mid-row
    strip = grid_strip(n, n)
    drawn: list[int] = []  # the strip's triangle k spans indices k, k+1, k+2
    for first, count in surface_item.draw_batches(GL.GL_TRIANGLE_STRIP, strip.size):
        assert first % 2 == 0  # a strip's odd triangles are wound the other way
        drawn += range(first, first + count - 2)
    assert drawn == list(range(strip.size - 2))  # each once, in order
    faces = grid_faces(n, n)
    batches = list(surface_item.draw_batches(GL.GL_TRIANGLES, faces.size))
    assert all(first % 3 == 0 and count % 3 == 0 for first, count in batches)
    assert sum(count for _, count in batches) == faces.size
    assert [first for first, _ in batches] == list(range(0, faces.size, 3 * 501))


def test_an_opacity_change_keeps_the_mesh_and_lets_the_background_through(view):
    xs, ys, z = _sin_cos()
    opaque = _show(view, xs, ys, z)
    view.set_surface_opacity(0.3)
    faint = grab_rgb(view)
    surface = foreground_mask(opaque)
    back = background_rgb(opaque).astype(int)
    # the surface pixels move towards the background (the grid, axes and labels stay)
    before = np.abs(opaque[surface].astype(int) - back).sum(axis=1).mean()
    after = np.abs(faint[surface].astype(int) - back).sum(axis=1).mean()
    assert after < 0.75 * before


# --------------------------------------------------------------------------- marker
def test_point_marker_appears_where_the_point_projects_and_follows_it(view):
    xs, ys, z = _sin_cos()
    _show(view, xs, ys, z)
    assert not _marker_pixels(grab_rgb(view)).any()

    peaks = [(np.pi / 2, 0.0), (-np.pi / 2, np.pi * 0.9)]
    spots = []
    for x, y in peaks:
        height = float(np.sin(x) * np.cos(y))
        view.set_point(x, y, height)
        mask = _marker_pixels(grab_rgb(view))
        col, row = _pixel_of(view, x, y, height)
        spots.append((col, row))
        assert _near(mask, col, row, 14) > 60, (x, y, col, row)
        assert _near(mask, col, row, 14) > 0.8 * mask.sum()  # nothing marker-coloured elsewhere
    assert np.hypot(spots[0][0] - spots[1][0], spots[0][1] - spots[1][1]) > 60
    assert _near(mask, *spots[0], 14) == 0, "the old marker position must be cleared"

    view.clear_point()
    assert not _marker_pixels(grab_rgb(view)).any()


def test_marker_keeps_its_data_position_when_the_window_changes(view):
    xs, ys, z = _sin_cos()
    _show(view, xs, ys, z)
    view.set_point(np.pi / 2, 0.0, 1.0)
    before = _pixel_of(view, np.pi / 2, 0.0, 1.0)
    # a window twice as wide: the same data point now sits elsewhere in the scene box, above
    # the new surface (sin(pi/4) < 1), so it must show there
    view.set_surface(2 * xs, 2 * ys, z, (-1.0, 1.0), ("w", "b", "L"))
    col, row = _pixel_of(view, np.pi / 2, 0.0, 1.0)
    assert np.hypot(col - before[0], row - before[1]) > 30
    assert _near(_marker_pixels(grab_rgb(view)), col, row, 14) > 60


# --------------------------------------------------------------------------- labels, camera
def test_axis_labels_are_drawn_near_their_anchors(view):
    xs, ys, z = _sin_cos()
    with_labels = _show(view, xs, ys, z)
    view._labels.hide()
    without = grab_rgb(view)
    view._labels.show()
    text = np.abs(with_labels.astype(int) - without.astype(int)).max(axis=2) > 60
    assert text.sum() > 400, "tick labels and axis names should be visible"
    # labels are light on the dark background
    assert with_labels[text].mean() > 150
    for label in view._labels.labels:
        col, row = _pixel_of(view, *view.scene_to_data(*label.pos))
        assert 0 <= col < SIZE[0] and 0 <= row < SIZE[1], f"{label.text!r} is off screen"


def test_light_background_keeps_labels_readable(view):
    view.set_background(dark=False)
    image = _show(view, *_sin_cos())
    bg = background_rgb(image)
    assert bg.min() > 200
    view._labels.hide()
    without = grab_rgb(view)
    text = np.abs(image.astype(int) - without.astype(int)).max(axis=2) > 60
    assert text.sum() > 400 and image[text].mean() < 120


def test_reset_camera_frames_the_whole_box_and_top_view_looks_down(view):
    _show(view, *_sin_cos())
    m = view.mapping
    for frame in (view.reset_camera, view.top_view):
        frame()
        for x in m.x_range:
            for y in m.y_range:
                for z in m.z_range:
                    col, row = _pixel_of(view, x, y, z)
                    assert 0 <= col < SIZE[0] and 0 <= row < SIZE[1]
    # top view: +x to the right, +y up the screen
    (c0, r0), (c1, r1) = _pixel_of(view, -2, 0, 0), _pixel_of(view, 2, 0, 0)
    assert c1 > c0 + 100 and abs(r1 - r0) <= 2
    (c0, r0), (c1, r1) = _pixel_of(view, 0, -2, 0), _pixel_of(view, 0, 2, 0)
    assert r1 < r0 - 100 and abs(c1 - c0) <= 2


# --------------------------------------------------------------------------- repaint stress
_STRESS_SCRIPT = textwrap.dedent(
    """
    import sys
    import time
    import numpy as np
    from PySide6 import QtCore, QtWidgets
    QtCore.QCoreApplication.setAttribute(QtCore.Qt.AA_ShareOpenGLContexts)
    app = QtWidgets.QApplication(sys.argv)
    from gdviz.render.view3d import SurfaceView

    class Counting(SurfaceView):
        frames = 0
        def paintGL(self):
            super().paintGL()
            Counting.frames += 1

    view = Counting()
    view.container.resize(320, 240)
    view.container.show()
    xs = np.linspace(-3, 3, 60)
    view.set_surface(xs, xs, np.sin(xs)[:, None] * np.cos(xs)[None, :], (-1, 1))
    view.set_point(1.0, 0.5, float(np.sin(1.0) * np.cos(0.5)))
    target = int(sys.argv[1])
    deadline = time.monotonic() + 10
    while Counting.frames == 0 and time.monotonic() < deadline:  # wait until exposed
        app.processEvents()
        time.sleep(0.01)
    deadline = time.monotonic() + 150
    # Until paintGL really ran target times: on a busy machine updates coalesce.
    while Counting.frames < target and time.monotonic() < deadline:
        view.opts["azimuth"] += 0.1
        view.update()  # repaint() alone does not reach paintGL on every call
        app.processEvents()
    print("frames", Counting.frames, flush=True)
    """
)


@pytest.mark.slow
def test_three_thousand_repaints_do_not_abort_the_process(gl_context, tmp_path):
    """Pitfall 3: PySide6 6.12.0 aborts after ~2,500 GLViewWidget paints (a leaked None ref).

    Runs in a child process so an abort is reported as a failure, not a dead test run.
    """
    script = tmp_path / "stress.py"
    script.write_text(_STRESS_SCRIPT)
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
    )
    result = subprocess.run(
        [sys.executable, str(script), "3000"],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        cwd=REPO,
    )
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stderr[-2000:]}"
    frames = int(result.stdout.split("frames")[-1])
    assert frames >= 3000, result.stdout


def test_grab_is_not_null(view):
    image = view.grabFramebuffer()
    assert isinstance(image, QtGui.QImage) and not image.isNull()
    assert (image.width(), image.height()) == SIZE
