"""Mesh, normals, colour maps and scene-box geometry of gdviz.render, checked without a display."""

from __future__ import annotations

import importlib.util
import itertools
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdviz.render.axes3d import (
    MIN_ASPECT,
    SCENE_HALF_WIDTH,
    SCENE_HEIGHT,
    SceneMapping,
    axis_guides,
    nice_ticks,
    tick_labels,
)
from gdviz.render.colormap import COLORMAP_NAMES, lookup_table, rgba8_colors
from gdviz.render.mesh import grid_faces, grid_strip, height_field_normals, surface_mesh


def _uneven(lo: float, hi: float, n: int) -> np.ndarray:
    """Strictly increasing, unevenly spaced samples of [lo, hi]."""
    t = np.linspace(0.0, 1.0, n)
    return lo + (hi - lo) * (t + 0.15 * np.sin(3 * t) * t * (1 - t))


def _hole_disc(xs: np.ndarray, ys: np.ndarray, z: np.ndarray, r: float) -> np.ndarray:
    z = z.copy()
    z[xs[:, None] ** 2 + ys[None, :] ** 2 < r * r] = np.nan
    return z


# --------------------------------------------------------------------------- mesh
def test_normals_are_unit_vectors_and_point_up() -> None:
    xs, ys = np.linspace(-2, 2, 41), _uneven(-1, 3, 33)
    z = np.sin(xs)[:, None] * np.cosh(ys)[None, :] + xs[:, None] ** 2
    mesh = surface_mesh(xs, ys, z)
    lengths = np.linalg.norm(mesh.normals.astype(np.float64), axis=1)
    np.testing.assert_allclose(lengths, 1.0, atol=1e-6)
    assert (mesh.normals[:, 2] > 0).all()


@pytest.mark.parametrize(("a", "b"), [(0.0, 0.0), (0.7, -1.3), (-4.0, 2.5)])
def test_plane_has_the_analytic_normal_everywhere(a: float, b: float) -> None:
    xs, ys = _uneven(-3, 6, 37), _uneven(-30, 10, 29)
    z = a * xs[:, None] + b * ys[None, :] + 1.5
    expected = np.array([-a, -b, 1.0]) / math.sqrt(a * a + b * b + 1.0)
    mesh = surface_mesh(xs, ys, z)
    np.testing.assert_allclose(
        mesh.normals, np.broadcast_to(expected, mesh.normals.shape), atol=1e-6
    )


def test_plane_with_holes_keeps_the_analytic_normal_at_every_finite_vertex() -> None:
    xs, ys = np.linspace(-1, 1, 50), np.linspace(-1, 1, 40)
    a, b = 0.4, -2.0
    z = _hole_disc(xs, ys, a * xs[:, None] + b * ys[None, :], 0.45)
    z[10, :] = np.nan  # a whole row: its neighbours must fall back to one-sided differences
    normals = height_field_normals(xs, ys, z)
    finite = np.isfinite(z)
    expected = np.array([-a, -b, 1.0]) / math.sqrt(a * a + b * b + 1.0)
    np.testing.assert_allclose(
        normals[finite], np.broadcast_to(expected, (finite.sum(), 3)), atol=1e-6
    )


def test_curved_surface_normals_converge_to_the_gradient_formula() -> None:
    xs, ys = _uneven(-1.5, 1.5, 121), np.linspace(-1, 2, 101)
    x, y = np.meshgrid(xs, ys, indexing="ij")
    z = np.sin(2 * x) * np.cos(y) + 0.3 * x * y
    z_x = 2 * np.cos(2 * x) * np.cos(y) + 0.3 * y
    z_y = -np.sin(2 * x) * np.sin(y) + 0.3 * x
    exact = np.stack([-z_x, -z_y, np.ones_like(z)], axis=-1)
    exact /= np.linalg.norm(exact, axis=-1, keepdims=True)
    normals = height_field_normals(xs, ys, z)
    # second order inside, first order on the border rows
    assert np.abs(normals[1:-1, 1:-1] - exact[1:-1, 1:-1]).max() < 2e-3
    assert np.abs(normals - exact).max() < 5e-2


def test_faces_are_two_counter_clockwise_triangles_per_cell_tiling_the_window() -> None:
    xs, ys = _uneven(0, 3, 7), _uneven(-1, 1, 5)
    mesh = surface_mesh(xs, ys, np.zeros((7, 5)))
    assert mesh.faces.shape == (2 * 6 * 4, 3)
    v = mesh.vertexes.astype(np.float64)
    p0, p1, p2 = v[mesh.faces[:, 0]], v[mesh.faces[:, 1]], v[mesh.faces[:, 2]]
    signed_area = 0.5 * np.cross(p1 - p0, p2 - p0)[:, 2]
    assert (signed_area > 0).all()
    assert signed_area.sum() == pytest.approx((xs[-1] - xs[0]) * (ys[-1] - ys[0]))


def test_vertexes_follow_ij_indexing() -> None:
    xs, ys = np.array([0.0, 1.0, 3.0]), np.array([10.0, 20.0])
    z = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    mesh = surface_mesh(xs, ys, z)
    for i, j in itertools.product(range(3), range(2)):
        assert tuple(mesh.vertexes[i * 2 + j]) == (xs[i], ys[j], z[i, j])


def test_faces_touching_a_nan_vertex_are_absent_and_the_rest_remain() -> None:
    n, m = 6, 5
    xs, ys = np.arange(n, dtype=float), np.arange(m, dtype=float)
    z = np.ones((n, m))
    holes = [(2, 3), (0, 0), (5, 4)]
    for i, j in holes:
        z[i, j] = np.nan
    hole_ids = {i * m + j for i, j in holes}
    # independent enumeration: every cell's two triangles, kept iff no corner is a hole
    expected = set()
    for i, j in itertools.product(range(n - 1), range(m - 1)):
        a, b, c, d = i * m + j, (i + 1) * m + j, (i + 1) * m + j + 1, i * m + j + 1
        for tri in ((a, b, c), (a, c, d)):
            if not hole_ids & set(tri):
                expected.add(frozenset(tri))
    mesh = surface_mesh(xs, ys, z)
    assert {frozenset(map(int, f)) for f in mesh.faces} == expected
    assert len(mesh.faces) == len(expected)


def test_nan_disc_leaves_no_nan_anywhere() -> None:
    xs, ys = np.linspace(-1, 1, 60), np.linspace(-1, 1, 60)
    z = _hole_disc(xs, ys, np.exp(xs[:, None] + ys[None, :]), 0.5)
    z[0, 0] = np.inf
    mesh = surface_mesh(xs, ys, z)
    for arr in (mesh.vertexes, mesh.normals):
        assert np.isfinite(arr).all()
    assert mesh.vertexes.dtype == np.float32 and mesh.normals.dtype == np.float32
    assert mesh.faces.dtype == np.uint32
    assert mesh.faces.max() < mesh.vertexes.shape[0]


def test_all_nan_surface_gives_no_faces() -> None:
    mesh = surface_mesh(np.arange(4.0), np.arange(3.0), np.full((4, 3), np.nan))
    assert mesh.faces.shape == (0, 3)
    assert np.isfinite(mesh.vertexes).all() and np.isfinite(mesh.normals).all()


def test_wrong_shape_is_rejected() -> None:
    with pytest.raises(ValueError, match="shape"):
        surface_mesh(np.arange(4.0), np.arange(3.0), np.zeros((3, 4)))


def _strip_triangles(strip: np.ndarray) -> list[tuple[int, int, int]]:
    """The triangles a GL triangle strip draws, in GL's order (odd ones with the first two
    swapped, so all keep the strip's winding); degenerate ones dropped."""
    triangles = []
    for k in range(len(strip) - 2):
        a, b, c = (int(v) for v in strip[k : k + 3])
        if len({a, b, c}) == 3:
            triangles.append((b, a, c) if k % 2 else (a, b, c))
    return triangles


@pytest.mark.parametrize(("n", "m"), [(2, 2), (3, 5), (7, 4), (40, 33)])
def test_grid_strip_draws_the_grid_faces_with_one_winding(n, m) -> None:
    xs, ys = np.arange(float(n)), np.arange(float(m)) * 0.5
    px, py = np.meshgrid(xs, ys, indexing="ij")
    px, py = px.ravel(), py.ravel()

    def area(t):  # signed, seen from +z
        (a, b, c) = t
        return (px[b] - px[a]) * (py[c] - py[a]) - (px[c] - px[a]) * (py[b] - py[a])

    from_strip = _strip_triangles(grid_strip(n, m))
    faces = [tuple(int(v) for v in f) for f in grid_faces(n, m)]
    assert sorted(tuple(sorted(t)) for t in from_strip) == sorted(tuple(sorted(f)) for f in faces)
    signs = {bool(area(t) > 0) for t in from_strip}
    assert len(signs) == 1  # one winding: the strip never flips a triangle
    assert grid_strip(n, m).size == (n - 1) * (2 * m + 2) - 2


def test_surface_mesh_gives_a_strip_only_without_holes() -> None:
    xs, ys = np.arange(4.0), np.arange(3.0)
    whole = surface_mesh(xs, ys, np.zeros((4, 3)))
    assert whole.strip is grid_strip(4, 3)
    z = np.zeros((4, 3))
    z[1, 1] = np.nan
    assert surface_mesh(xs, ys, z).strip is None
    assert grid_strip(1, 5).size == 0
    with pytest.raises(ValueError):
        grid_strip(30, 20)[0] = 1


def test_grid_faces_is_cached_and_read_only() -> None:
    faces = grid_faces(30, 20)
    assert grid_faces(30, 20) is faces
    with pytest.raises(ValueError):
        faces[0, 0] = 1


# --------------------------------------------------------------------------- colour maps
def _pyqtgraph_table(name: str) -> np.ndarray:
    """matplotlib's table as published, read from pyqtgraph's data file (not its ColorMap)."""
    spec = importlib.util.find_spec("pyqtgraph")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("pyqtgraph is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "colors" / "maps" / f"{name}.csv"
    rows = [ln for ln in path.read_text().splitlines() if ln.strip() and not ln.startswith(";")]
    return np.array([[float(v) for v in ln.split(",")] for ln in rows])


# pyqtgraph's ColorMap stores its stops as 8-bit colours: within half a step (1/510) of the data.
_EIGHT_BIT = 0.5 / 255 + 1e-6


@pytest.mark.parametrize("name", COLORMAP_NAMES)
def test_tables_match_matplotlib_data(name: str) -> None:
    table = lookup_table(name)
    assert table.shape == (256, 3) and table.dtype == np.float32
    np.testing.assert_allclose(table, _pyqtgraph_table(name), atol=_EIGHT_BIT)


def test_viridis_end_points_are_the_published_ones() -> None:
    table = lookup_table("viridis")
    np.testing.assert_allclose(table[0], [0.267004, 0.004874, 0.329415], atol=_EIGHT_BIT)
    np.testing.assert_allclose(table[-1], [0.993248, 0.906157, 0.143936], atol=_EIGHT_BIT)


def test_lookup_table_is_cached_and_read_only() -> None:
    table = lookup_table("plasma")
    assert lookup_table("plasma") is table
    with pytest.raises(ValueError):
        table[0, 0] = 1


def _levels(rgb: np.ndarray) -> np.ndarray:
    return np.floor(np.asarray(rgb, dtype=np.float64) * 255.0 + 0.5)


def test_rgba8_colors_maps_the_range_onto_the_table_and_nan_to_transparent() -> None:
    table = lookup_table("viridis").astype(np.float64)
    values = np.array([-5.0, -1.0, 3.0, 7.0, np.nan, -1.0 + 8.0 * 100 / 255, np.inf, -np.inf])
    rgba = rgba8_colors(values, -1.0, 7.0)
    assert rgba.shape == (8, 4) and rgba.dtype == np.uint8
    np.testing.assert_array_equal(rgba[[0, 1, 7], :3], _levels([table[0]] * 3))  # clipped below
    np.testing.assert_array_equal(rgba[[3, 6], :3], _levels([table[255]] * 2))  # and above
    np.testing.assert_array_equal(rgba[2, :3], _levels(0.5 * (table[127] + table[128])))
    np.testing.assert_array_equal(rgba[5, :3], _levels(table[100]))
    np.testing.assert_array_equal(rgba[4], [0, 0, 0, 0])
    np.testing.assert_array_equal(rgba[[0, 1, 2, 3, 5, 6, 7], 3], 255)


@pytest.mark.parametrize("name", COLORMAP_NAMES)
def test_rgba8_colors_is_within_one_level_of_exact_interpolation(name) -> None:
    table = lookup_table(name).astype(np.float64)
    values = np.random.default_rng(7).uniform(-3.0, 12.0, 20_000)
    position = np.clip((values - 0.0) / 10.0, 0.0, 1.0) * 255.0
    exact = np.stack([np.interp(position, np.arange(256), table[:, c]) for c in range(3)], 1)
    rgba = rgba8_colors(values, 0.0, 10.0, name)
    assert np.abs(rgba[:, :3].astype(np.int64) - _levels(exact)).max() <= 1


def test_rgba8_colors_keeps_the_input_shape_and_handles_a_flat_range() -> None:
    rgba = rgba8_colors(np.full((3, 2), 4.0), 4.0, 4.0, "plasma")
    assert rgba.shape == (3, 2, 4)
    table = lookup_table("plasma").astype(np.float64)
    middle = 0.5 * (table[127] + table[128])
    np.testing.assert_array_equal(rgba[..., :3], np.broadcast_to(_levels(middle), (3, 2, 3)))
    assert rgba8_colors(2.0, 0.0, 4.0).shape == (4,)
    with pytest.raises(ValueError, match="unknown colour map"):
        rgba8_colors(np.zeros(2), 0, 1, "jet")


# --------------------------------------------------------------------------- scene box
def test_lecture_window_maps_onto_the_box_with_clamped_aspect() -> None:
    m = SceneMapping.for_ranges((-3.0, 6.0), (-30.0, 10.0), (0.0, 40.0))
    assert m.half_y == SCENE_HALF_WIDTH
    assert m.half_x == pytest.approx(SCENE_HALF_WIDTH * max(9 / 40, MIN_ASPECT))
    sx, sy, sz = m.data_to_scene(
        np.array([-3.0, 6.0]), np.array([-30.0, 10.0]), np.array([0.0, 40.0])
    )
    np.testing.assert_allclose(sx, [-m.half_x, m.half_x])
    np.testing.assert_allclose(sy, [-m.half_y, m.half_y])
    np.testing.assert_allclose(sz, [0.0, SCENE_HEIGHT])


def test_square_window_fills_the_box_and_mild_aspect_is_kept() -> None:
    square = SceneMapping.for_ranges((0, 2), (5, 7), (1, 2))
    assert (square.half_x, square.half_y) == (SCENE_HALF_WIDTH, SCENE_HALF_WIDTH)
    wide = SceneMapping.for_ranges((0, 4), (0, 3), (0, 1))
    assert wide.half_x == SCENE_HALF_WIDTH and wide.half_y == pytest.approx(0.75 * SCENE_HALF_WIDTH)


@settings(max_examples=200, deadline=None)
@given(
    st.tuples(st.floats(-1e6, 1e6), st.floats(1e-3, 1e6)),
    st.tuples(st.floats(-1e6, 1e6), st.floats(1e-3, 1e6)),
    st.tuples(st.floats(-1e6, 1e6), st.floats(0, 1e6)),
    st.tuples(st.floats(0, 1), st.floats(0, 1), st.floats(-0.5, 1.5)),
)
def test_scene_to_data_inverts_data_to_scene(xr, yr, zr, t) -> None:
    m = SceneMapping.for_ranges(
        (xr[0], xr[0] + xr[1]), (yr[0], yr[0] + yr[1]), (zr[0], zr[0] + zr[1])
    )
    x = m.x_range[0] + t[0] * (m.x_range[1] - m.x_range[0])
    y = m.y_range[0] + t[1] * (m.y_range[1] - m.y_range[0])
    z = m.z_range[0] + t[2] * (m.z_range[1] - m.z_range[0])
    back = m.scene_to_data(*m.data_to_scene(x, y, z))
    for got, want, rng in zip(back, (x, y, z), (m.x_range, m.y_range, m.z_range), strict=True):
        assert abs(float(got) - want) <= 1e-9 * max(abs(rng[0]), abs(rng[1]), rng[1] - rng[0])


def test_flat_z_range_is_widened_not_divided_by_zero() -> None:
    m = SceneMapping.for_ranges((0, 1), (0, 1), (3.0, 3.0))
    assert m.z_range[0] < 3.0 < m.z_range[1]
    assert float(m.data_to_scene(0, 0, 3.0)[2]) == pytest.approx(SCENE_HEIGHT / 2)


# --------------------------------------------------------------------------- ticks
@pytest.mark.parametrize(
    ("lo", "hi", "expected"),
    [
        (-3, 6, [-2, 0, 2, 4, 6]),
        (-30, 10, [-30, -20, -10, 0, 10]),
        (0, 40, [0, 10, 20, 30, 40]),
        (-1, 1, [-1, -0.5, 0, 0.5, 1]),
    ],
)
def test_lecture_ranges_get_round_ticks(lo: float, hi: float, expected: list[float]) -> None:
    np.testing.assert_allclose(nice_ticks(lo, hi), expected)


@settings(max_examples=300, deadline=None)
@given(st.floats(-1e6, 1e6), st.floats(-6, 6))
def test_ticks_are_evenly_spaced_nice_steps_inside_the_range(lo: float, log_span: float) -> None:
    hi = lo + 10.0**log_span
    ticks = nice_ticks(lo, hi)
    assert 3 <= ticks.size <= 7
    span = hi - lo
    assert ticks[0] >= lo - 1e-9 * max(span, abs(lo)) and ticks[-1] <= hi + 1e-9 * max(
        span, abs(hi)
    )
    steps = np.diff(ticks)
    step = steps.mean()
    roundoff = 1e-12 * max(abs(lo), abs(hi))  # absolute float error at this magnitude
    np.testing.assert_allclose(steps, step, rtol=1e-6, atol=2 * roundoff)
    mantissa = step / 10.0 ** math.floor(math.log10(step) + 1e-12)
    assert min(abs(mantissa - m) for m in (1, 2, 2.5, 5, 10)) < 1e-6 + 10 * roundoff / step
    # a multiple of the step sits on every tick
    assert np.allclose(ticks / step, np.round(ticks / step), atol=1e-6 + roundoff / step)


def test_tick_labels_are_exact_short_and_use_a_true_minus() -> None:
    assert tick_labels(np.array([-2.0, 0.0, 2.0])) == ["\u22122", "0", "2"]
    assert tick_labels(np.array([-0.5, 0.0, 0.5])) == ["\u22120.5", "0.0", "0.5"]
    assert tick_labels(np.array([0.0, 0.25, 0.5])) == ["0.00", "0.25", "0.50"]
    big = tick_labels(np.array([1.0e6, 1.0001e6, 1.0002e6]))
    assert len(set(big)) == 3


def test_axis_guides_name_the_axes_and_label_every_tick() -> None:
    m = SceneMapping.for_ranges((-3.0, 6.0), (-30.0, 10.0), (0.0, 40.0))
    guides = axis_guides(m, ("w", "b", "L"), z_label="log10 L")
    texts = {g: [lb.text for lb in guides.labels if lb.group == g] for g in ("x", "y", "z")}
    assert texts["x"] == ["\u22122", "0", "2", "4", "6"]
    assert texts["y"] == ["\u221230", "\u221220", "\u221210", "0", "10"]
    assert texts["z"] == ["0", "10", "20", "30", "40"]
    names = {lb.group: lb.text for lb in guides.labels if lb.group.startswith("name")}
    assert names == {"name-x": "w", "name-y": "b", "name-z": "log10 L"}
    for segments in (guides.axis_segments, guides.grid_segments):
        assert segments.shape[1] == 3 and segments.shape[0] % 2 == 0
        assert np.isfinite(segments).all()
        assert (np.abs(segments[:, 0]) <= m.half_x + 0.1).all()
        assert (segments[:, 2] >= 0).all() and (segments[:, 2] <= m.height + 1e-6).all()


# --------------------------------------------------------------------------- layering
def test_mesh_colormap_and_axes_import_without_qt() -> None:
    code = (
        "import sys, gdviz.render.mesh, gdviz.render.colormap, gdviz.render.axes3d;"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'pyqtgraph', 'OpenGL', 'shiboken6')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
