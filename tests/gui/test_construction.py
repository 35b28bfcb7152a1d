"""The lecture's construction (points A..H, Δ segments, slices, tangent plane) in the 3D view,
under Xvfb with real GL: labels near their points, in grabs and renderToArray frames."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from gdviz.render.construction import (
    Arrow,
    Construction,
    Curve,
    LabelledPoint,
    PlanePatch,
    Segment,
)
from gdviz.render.view3d import SurfaceView
from tests.gui.pixels import grab_rgb, shown_view

SIZE = (640, 480)
X0, Y0, DELTA = 2.0, 2.5, 0.2
ORANGE = (1.0, 0.5, 0.0, 1.0)
MAGENTA = (1.0, 0.0, 1.0, 1.0)
WHITE = (1.0, 1.0, 1.0, 1.0)
RED = (1.0, 0.1, 0.1, 1.0)


def f(x: float, y: float) -> float:
    return math.sin(x) * math.cos(y)


def f_x(x: float, y: float) -> float:
    return math.cos(x) * math.cos(y)


def f_y(x: float, y: float) -> float:
    return -math.sin(x) * math.sin(y)


@pytest.fixture
def view(qtbot, gl_context):
    """A shown 640×480 SurfaceView with sin(x)·cos(y) on the preset's window."""
    widget = shown_view(qtbot, SIZE)
    grab_rgb(widget)  # forces initializeGL
    assert widget.isValid()
    xs, ys = np.linspace(-0.5, 4.5, 120), np.linspace(0.0, 5.0, 120)
    z = np.sin(xs)[:, None] * np.cos(ys)[None, :]
    widget.set_surface(xs, ys, z, (float(z.min()), float(z.max())))
    yield widget
    widget.container.close()


def lecture_points(floor: float) -> dict[str, tuple[float, float, float]]:
    """The lecture's points at A0 = (2, 2.5) with Δ = 0.2; "on the plane" points at floor."""
    f0 = f(X0, Y0)
    points = {
        "A": (X0, Y0, floor),
        "B": (X0, Y0, f0),
        "C": (X0 + DELTA, Y0, floor),
        "D": (X0 + DELTA, Y0, f(X0 + DELTA, Y0)),
        "E": (X0 + DELTA, Y0, f0),
        "F": (X0, Y0 + DELTA, floor),
        "G": (X0, Y0 + DELTA, f(X0, Y0 + DELTA)),
        "H": (X0, Y0 + DELTA, f0),
    }
    return points


def lecture_construction(floor: float, labels: bool = True) -> Construction:
    """Points A..H, the Δx, Δz and Δy segments, drop lines, secants, slices and tangents."""
    p = lecture_points(floor)
    colors = {"A": WHITE, "B": WHITE, "C": ORANGE, "D": ORANGE, "E": ORANGE}
    points = tuple(
        LabelledPoint(*xyz, name if labels else "", colors.get(name, MAGENTA))
        for name, xyz in p.items()
    )
    f0 = f(X0, Y0)
    secant_x = (p["D"][2] - f0) / DELTA
    secant_y = (p["G"][2] - f0) / DELTA
    segments = (
        Segment(p["A"], p["B"], WHITE, 1.5, dashed=True),
        Segment(p["C"], p["D"], ORANGE, 1.5, dashed=True),
        Segment(p["F"], p["G"], MAGENTA, 1.5, dashed=True),
        Segment(p["B"], p["E"], ORANGE, 3.0),  # Δx
        Segment(p["E"], p["D"], ORANGE, 3.0),  # Δz
        Segment(p["B"], p["H"], MAGENTA, 3.0),  # Δy
        Segment(p["H"], p["G"], MAGENTA, 3.0),
        Segment((X0 - 0.6, Y0, f0 - 0.6 * secant_x), (X0 + 0.8, Y0, f0 + 0.8 * secant_x), ORANGE),
        Segment((X0, Y0 - 0.6, f0 - 0.6 * secant_y), (X0, Y0 + 0.8, f0 + 0.8 * secant_y), MAGENTA),
        Segment(
            (X0 - 0.6, Y0, f0 - 0.6 * f_x(X0, Y0)), (X0 + 0.6, Y0, f0 + 0.6 * f_x(X0, Y0)), RED
        ),
    )
    s = np.linspace(1.2, 3.0, 60)
    curves = (
        Curve(s, np.full_like(s, Y0), np.sin(s) * math.cos(Y0), ORANGE),
        Curve(np.full_like(s, X0), s + 0.5, math.sin(X0) * np.cos(s + 0.5), MAGENTA),
    )
    return Construction(points=points, segments=segments, curves=curves)


def close_up(view: SurfaceView) -> None:
    """A camera looking down into the valley at B, so A..H are apart on screen."""
    view.set_camera(50.0, -100.0, distance=2.4, center=(X0 + 0.05, Y0 + 0.05, f(X0, Y0)))


def pixel_of(view: SurfaceView, x: float, y: float, z: float) -> tuple[int, int]:
    """(column, row) where the data point lands in the widget, from the view's own matrices."""
    w, h = view.width(), view.height()
    mvp = view.projectionMatrix((0, 0, w, h), (0, 0, w, h)) * view.viewMatrix()
    m = np.array(mvp.data(), dtype=np.float64).reshape(4, 4).T
    scene = np.array([float(v) for v in view.data_to_scene(x, y, z)] + [1.0])
    cx, cy, _, cw = m @ scene
    assert cw > 0, "point is behind the camera"
    return round((cx / cw + 1) * 0.5 * w), round((1 - cy / cw) * 0.5 * h)


def disc(shape, col: int, row: int, radius: float) -> np.ndarray:
    rows, cols = np.ogrid[: shape[0], : shape[1]]
    return (rows - row) ** 2 + (cols - col) ** 2 <= radius * radius


def changed(a: np.ndarray, b: np.ndarray, threshold: int = 60) -> np.ndarray:
    return np.abs(a.astype(int) - b.astype(int)).max(axis=2) > threshold


def color_mask(image: np.ndarray, rgba, tolerance: int = 40) -> np.ndarray:
    target = np.array(rgba[:3]) * 255
    return np.abs(image.astype(int) - target).max(axis=2) < tolerance


def near_any(mask: np.ndarray, spots, radius: float) -> np.ndarray:
    out = np.zeros(mask.shape, bool)
    for col, row in spots:
        out |= disc(mask.shape, col, row, radius)
    return out


# --------------------------------------------------------------------------- labels
def test_labels_are_drawn_next_to_their_points(view):
    close_up(view)
    floor = view.floor_height()
    view.set_construction("partials", lecture_construction(floor, labels=False))
    unlabelled = grab_rgb(view)
    view.set_construction("partials", lecture_construction(floor, labels=True))
    labelled = grab_rgb(view)
    text = changed(labelled, unlabelled)
    spots = {name: pixel_of(view, *xyz) for name, xyz in lecture_points(floor).items()}
    for name, (col, row) in spots.items():
        assert 0 <= col < SIZE[0] and 0 <= row < SIZE[1], name
        assert text[disc(text.shape, col, row, 32)].sum() > 12, f"no label glyphs near {name}"
    # glyphs only near the points, nowhere else
    assert text.sum() > 8 * 25
    assert text[near_any(text, spots.values(), 60)].sum() >= 0.97 * text.sum()


def test_labels_are_in_render_to_array_frames(view):
    close_up(view)
    floor = view.floor_height()
    view.set_construction("partials", lecture_construction(floor, labels=False))
    unlabelled = view.renderToArray(SIZE)
    view.set_construction("partials", lecture_construction(floor, labels=True))
    labelled = view.renderToArray(SIZE)
    grabbed = grab_rgb(view)
    assert labelled.shape == (SIZE[1], SIZE[0], 4)  # rows = height
    rgb = labelled[..., [2, 1, 0]]  # BGRA
    # the exported frame is the same picture as the widget's grab, labels included
    assert changed(rgb, grabbed, 40).mean() < 0.01
    text = changed(rgb, unlabelled[..., [2, 1, 0]])
    for name, xyz in lecture_points(floor).items():
        col, row = pixel_of(view, *xyz)
        assert text[disc(text.shape, col, row, 32)].sum() > 12, f"no label near {name}"


def test_crowded_labels_in_the_full_view_are_nudged_apart(view):
    """At the default camera A..H lie within a few dozen pixels: labels are nudged apart, so
    eight labels cover several times the pixels of one instead of piling up on each other."""
    construction = lecture_construction(view.floor_height(), labels=True)
    one = _label_pixels(view, replace(construction, points=construction.points[:1])).sum()
    eight = _label_pixels(view, construction)
    assert eight.sum() > 5 * one
    spots = [pixel_of(view, p.x, p.y, p.z) for p in construction.points]
    assert eight[near_any(eight, spots, 70)].sum() >= 0.97 * eight.sum()


def _label_pixels(view: SurfaceView, construction: Construction) -> np.ndarray:
    """Pixels that change when the construction's points get their labels."""
    points = tuple(replace(p, label="") for p in construction.points)
    view.set_construction("partials", replace(construction, points=points))
    without = grab_rgb(view)
    view.set_construction("partials", construction)
    return changed(grab_rgb(view), without)


# --------------------------------------------------------------------------- lines and curves
def test_slice_curves_show_in_their_colours_along_their_path(view):
    close_up(view)
    before = grab_rgb(view)
    view.set_construction("partials", lecture_construction(view.floor_height()))
    image = grab_rgb(view)
    for rgba, curve in zip((ORANGE, MAGENTA), lecture_construction(0.0).curves, strict=True):
        mask = color_mask(image, rgba) & ~color_mask(before, rgba)
        hits = 0
        samples = list(zip(curve.xs[::4], curve.ys[::4], curve.zs[::4], strict=True))
        for x, y, z in samples:
            col, row = pixel_of(view, x, y, z)
            if (
                0 <= col < SIZE[0]
                and 0 <= row < SIZE[1]
                and mask[disc(mask.shape, col, row, 3)].any()
            ):
                hits += 1
        assert hits >= 0.6 * len(samples), (rgba, hits, len(samples))


def test_solid_and_dashed_segments_above_the_surface(view):
    top = 1.3  # above every height of the surface
    solid = Segment((0.0, 1.0, top), (4.0, 1.0, top), ORANGE, 3.0)
    dashed = Segment((0.0, 4.0, top), (4.0, 4.0, top), MAGENTA, 3.0, dashed=True)
    view.set_construction("limits", Construction(segments=(solid, dashed)))
    image = grab_rgb(view)
    for segment, low, high in ((solid, 0.9, 1.0), (dashed, 0.3, 0.85)):
        mask = color_mask(image, segment.color)
        t = np.linspace(0.1, 0.9, 81)
        hits = 0
        for s in t:
            point = np.array(segment.start) + s * (np.array(segment.end) - np.array(segment.start))
            col, row = pixel_of(view, *point)
            hits += bool(mask[disc(mask.shape, col, row, 1.5)].any())
        assert low <= hits / len(t) <= high, (segment.dashed, hits)


def test_a_segment_under_the_surface_is_hidden_but_leaves_a_faint_trace(view):
    low = view.floor_height()  # the floor, under the surface everywhere but its lowest point
    before = grab_rgb(view)
    segment = Segment((0.5, 3.0, low), (4.0, 3.0, low), ORANGE, 3.0)
    view.set_construction("partials", Construction(segments=(segment,)))
    image = grab_rgb(view)
    spots = [pixel_of(view, x, 3.0, low) for x in np.linspace(0.8, 3.7, 30)]
    full = color_mask(image, ORANGE, 30)
    trace = changed(image, before, 8)
    on_line = near_any(full, spots, 2)
    assert full[on_line].mean() < 0.05, "depth-tested: the surface hides it"
    assert trace[on_line].mean() > 0.2, "a faint copy shows where it runs"


# --------------------------------------------------------------------------- planes, arrows
def test_tangent_plane_patch_changes_pixels_around_the_point(view):
    close_up(view)
    x0, y0, f0 = X0, Y0, f(X0, Y0)
    before = grab_rgb(view)
    patch = PlanePatch(x0, y0, f0, f_x(x0, y0), f_y(x0, y0), 0.5, 0.5, (1.0, 1.0, 1.0, 0.35))
    view.set_construction("tangent_plane", Construction(planes=(patch,)))
    image = grab_rgb(view)
    col, row = pixel_of(view, x0, y0, f0)
    diff = changed(image, before, 15)
    around = disc(diff.shape, col, row, 120)
    assert diff[around].sum() > 300
    assert diff[~around].sum() < 0.1 * diff[around].sum()
    # translucent: where the patch is drawn, the surface still shows through it
    assert not color_mask(image, (1.0, 1.0, 1.0), 10)[diff].mean() > 0.5


def test_a_plane_above_the_surface_is_translucent(view):
    before = grab_rgb(view)
    patch = PlanePatch(2.0, 2.5, 1.4, 0.0, 0.0, 1.0, 1.0, (1.0, 0.0, 0.0, 0.35))
    view.set_construction("tangent_plane", Construction(planes=(patch,)))
    image = grab_rgb(view)
    col, row = pixel_of(view, 2.0, 2.5, 1.4)
    inside = disc(image.shape, col, row, 8)
    r, g, b = (image[inside].astype(float).mean(axis=0) - before[inside].mean(axis=0)).tolist()
    assert r > 20 and g < 0 and b < 0  # redder, yet not the plane's pure red
    assert not color_mask(image, (1.0, 0.0, 0.0), 30)[inside].any()


def test_arrow_is_drawn_from_its_start_along_its_vector(view):
    top = 1.3
    arrow = Arrow((1.0, 2.5, top), (2.0, 0.0, 0.0), RED, 3.0)
    view.set_construction("gradient", Construction(arrows=(arrow,)))
    mask = color_mask(grab_rgb(view), RED, 60)
    for t in (0.2, 0.5, 0.8):
        col, row = pixel_of(view, 1.0 + 2.0 * t, 2.5, top)
        assert mask[disc(mask.shape, col, row, 3)].any(), t
    before_start = pixel_of(view, 0.6, 2.5, top)
    assert not mask[disc(mask.shape, *before_start, 3)].any()


# --------------------------------------------------------------------------- keys
def test_keys_coexist_and_clearing_one_removes_only_its_pixels(view):
    close_up(view)
    empty = grab_rgb(view)
    floor = view.floor_height()
    view.set_construction("partials", lecture_construction(floor))
    partials_only = grab_rgb(view)
    arrow = Arrow((X0, Y0, 0.0), (f_x(X0, Y0), f_y(X0, Y0), 0.0), RED, 3.0)
    view.set_construction("gradient", Construction(arrows=(arrow,)))
    both = grab_rgb(view)
    assert view.construction_keys() == ["partials", "gradient"]
    gradient_pixels = changed(both, partials_only, 40)
    assert gradient_pixels.sum() > 50
    assert changed(both, empty, 40).sum() > changed(partials_only, empty, 40).sum()

    view.clear_construction("gradient")
    assert view.construction_keys() == ["partials"]
    assert changed(grab_rgb(view), partials_only, 3).sum() == 0
    view.clear_construction("partials")
    view.clear_construction("never-set")
    assert view.construction_keys() == []
    assert changed(grab_rgb(view), empty, 3).sum() == 0


def test_setting_a_key_again_reuses_its_items_and_replaces_its_drawing(view):
    close_up(view)
    floor = view.floor_height()
    view.set_construction("partials", lecture_construction(floor))
    items = list(view.items)
    first = grab_rgb(view)
    moved = Construction(
        points=tuple(replace(p, x=p.x - 1.0) for p in lecture_construction(floor).points),
        segments=tuple(
            replace(s, start=(s.start[0] - 1, *s.start[1:]), end=(s.end[0] - 1, *s.end[1:]))
            for s in lecture_construction(floor).segments
        ),
        curves=lecture_construction(floor).curves,
    )
    view.set_construction("partials", moved)
    assert [id(i) for i in view.items] == [id(i) for i in items], "no items added or removed"
    second = grab_rgb(view)
    col, row = pixel_of(view, X0 - 1.0, Y0, floor)
    assert changed(second, first)[disc(first.shape, col, row, 20)].sum() > 10


def test_construction_follows_a_new_window(view):
    floor = view.floor_height()
    point = LabelledPoint(X0, Y0, 1.2, "P", ORANGE, 14.0)
    view.set_construction("direction", Construction(points=(point,)))
    before = pixel_of(view, X0, Y0, 1.2)
    assert color_mask(grab_rgb(view), ORANGE)[disc((SIZE[1], SIZE[0]), *before, 5)].sum() > 20
    xs, ys = np.linspace(0.0, 8.0, 80), np.linspace(0.0, 8.0, 80)
    view.set_surface(xs, ys, np.sin(xs)[:, None] * np.cos(ys)[None, :], (-1.0, 1.0))
    after = pixel_of(view, X0, Y0, 1.2)
    assert math.hypot(after[0] - before[0], after[1] - before[1]) > 30
    mask = color_mask(grab_rgb(view), ORANGE)
    assert mask[disc(mask.shape, *after, 5)].sum() > 20
    assert mask[disc(mask.shape, *before, 5)].sum() == 0
    assert floor == pytest.approx(-1.0, abs=1e-3)  # the first window's lowest height
    assert view.floor_height() == -1.0


def test_floor_height_is_the_lowest_display_height_of_the_box(view):
    xs = np.linspace(0.0, 1.0, 20)
    z = 3.0 + xs[:, None] + xs[None, :]
    view.set_surface(xs, xs, z)
    assert view.floor_height() == pytest.approx(3.0)
    sx, sy, sz = view.data_to_scene(0.5, 0.5, view.floor_height())
    assert float(sz) == pytest.approx(0.0)
