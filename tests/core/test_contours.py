"""Marching-squares level curves against analytic level sets, without Qt."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest

from gdviz.render.contours import contour_levels, level_segments
from gdviz.render.picking import bilinear_height

XS = np.linspace(-2.0, 2.0, 101)
YS = np.linspace(-1.5, 1.5, 76)


def _grid(f) -> np.ndarray:
    return f(XS[:, None], YS[None, :])


def _lengths(segments: np.ndarray) -> np.ndarray:
    pairs = segments.reshape(-1, 2, 2)
    return np.hypot(*(pairs[:, 1] - pairs[:, 0]).T)


def test_levels_are_evenly_spaced_strictly_inside_the_range():
    levels = contour_levels(-1.0, 2.0, 5)
    assert levels.size == 5
    assert levels.min() > -1.0 and levels.max() < 2.0
    np.testing.assert_allclose(np.diff(levels), 0.5)
    assert contour_levels(1.0, 1.0, 5).size == 0
    assert contour_levels(0.0, 1.0, 0).size == 0


def test_circles_of_a_paraboloid_have_the_right_radius_length_and_close():
    z = _grid(lambda x, y: x * x + y * y)
    for radius in (0.517, 1.013, 1.29):  # no grid node lies exactly on these circles
        segments = level_segments(XS, YS, z, [radius**2])
        r = np.hypot(segments[:, 0], segments[:, 1])
        assert np.abs(r - radius).max() < 0.01  # h = 0.04; linear interpolation error ~h²/(8r)
        assert _lengths(segments).sum() == pytest.approx(2 * math.pi * radius, rel=2e-3)
        # a closed curve: every endpoint is shared by exactly two segments
        _, counts = np.unique(segments.round(12), axis=0, return_counts=True)
        assert (counts == 2).all()


def test_a_plane_gives_straight_lines_at_the_level():
    z = _grid(lambda x, y: 0.5 * x + 0.0 * y)
    segments = level_segments(XS, YS, z, [-0.3, 0.45])
    assert set(np.round(segments[:, 0], 9)) == {-0.6, 0.9}
    for x in (-0.6, 0.9):
        on = np.isclose(segments[:, 0], x)
        assert _lengths(segments[on].reshape(-1, 2)).sum() == pytest.approx(YS[-1] - YS[0])


def test_segment_ends_lie_on_the_level_of_the_bilinear_surface_along_cell_edges():
    z = _grid(lambda x, y: np.sin(2 * x) * np.cos(3 * y) + 0.2 * x)
    levels = contour_levels(float(z.min()), float(z.max()), 10)
    segments = level_segments(XS, YS, z, levels)
    assert segments.shape[0] > 1000
    values = bilinear_height(XS, YS, z, segments[:, 0], segments[:, 1])
    # each end sits on some level (ends are on cell edges, where bilinear is linear)
    distance = np.abs(values[:, None] - levels[None, :]).min(axis=1)
    assert distance.max() < 1e-9


def test_saddles_are_split_consistently_and_curves_stay_closed():
    # z = x·y: the level 0 crosses at the saddle; small levels make hyperbolas
    z = _grid(lambda x, y: x * y + 1e-3)  # offset so no node sits exactly on a level
    for level in (0.0, 0.05, -0.05):
        segments = level_segments(XS, YS, z, [level])
        # away from the border every endpoint joins exactly two segments
        inner = (np.abs(segments[:, 0]) < 1.9) & (np.abs(segments[:, 1]) < 1.4)
        points, counts = np.unique(segments[inner].round(12), axis=0, return_counts=True)
        assert len(points) > 50
        assert (counts == 2).all(), level


def test_holes_have_no_curves_inside():
    r2 = XS[:, None] ** 2 + YS[None, :] ** 2
    z = np.where(r2 < 0.6**2, np.nan, r2)
    assert level_segments(XS, YS, z, [0.3**2]).size == 0  # that circle is inside the hole
    segments = level_segments(XS, YS, z, [1.0])
    assert np.hypot(segments[:, 0], segments[:, 1]).min() > 0.95


def test_ten_levels_at_200_squared_take_under_30_ms():
    xs = np.linspace(-3, 3, 200)
    z = np.sin(xs)[:, None] * np.cos(xs)[None, :] + 0.1 * xs[:, None] ** 2
    levels = contour_levels(float(z.min()), float(z.max()), 10)
    level_segments(xs, xs, z, levels)  # warm up
    best = min(_timed(lambda: level_segments(xs, xs, z, levels)) for _ in range(5))
    assert best < 0.030, f"{best * 1000:.1f} ms"


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start
