"""Ray picking against analytic height fields, without Qt or GL."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gdviz.render.picking import (
    bilinear_height,
    intersect_height_field,
    pick_height_field,
    ray_from_screen,
)

XS = np.linspace(-1.0, 1.0, 81)
YS = np.linspace(-0.8, 0.8, 65)
CELL = float(XS[1] - XS[0])


def _grid(f) -> np.ndarray:
    return f(XS[:, None], YS[None, :])


def _unit(v) -> np.ndarray:
    v = np.asarray(v, dtype=np.float64)
    return v / np.linalg.norm(v)


def _perspective_look_at(eye, target, fov_deg: float, aspect: float) -> np.ndarray:
    """A textbook OpenGL projection·view matrix (column vectors), built independently of Qt."""
    eye, target = np.asarray(eye, float), np.asarray(target, float)
    f = _unit(target - eye)
    s = _unit(np.cross(f, [0.0, 0.0, 1.0]))
    u = np.cross(s, f)
    view = np.eye(4)
    view[0, :3], view[1, :3], view[2, :3] = s, u, -f
    view[:3, 3] = -view[:3, :3] @ eye
    near, far = 0.01, 100.0
    top = near * math.tan(math.radians(fov_deg) / 2)
    right = top * aspect
    proj = np.zeros((4, 4))
    proj[0, 0] = near / right
    proj[1, 1] = near / top
    proj[2, 2] = -(far + near) / (far - near)
    proj[2, 3] = -2 * far * near / (far - near)
    proj[3, 2] = -1.0
    return proj @ view


# --------------------------------------------------------------------------- bilinear
def test_bilinear_height_is_exact_for_a_bilinear_function():
    def f(x, y):
        return x * y + 0.5 * x - 2.0 * y + 0.25

    rng = np.random.default_rng(1)
    x = rng.uniform(XS[0], XS[-1], 500)
    y = rng.uniform(YS[0], YS[-1], 500)
    np.testing.assert_allclose(bilinear_height(XS, YS, _grid(f), x, y), f(x, y), atol=1e-12)
    # grid nodes themselves, including the far corner
    np.testing.assert_allclose(
        bilinear_height(XS, YS, _grid(f), XS[[0, -1, 7]], YS[[0, -1, 3]]),
        f(XS[[0, -1, 7]], YS[[0, -1, 3]]),
        atol=1e-12,
    )


def test_bilinear_height_is_nan_outside_and_in_cells_touching_a_hole():
    z = _grid(lambda x, y: x + y)
    z[40, 30] = np.nan
    outside = bilinear_height(XS, YS, z, np.array([1.2, 0.0]), np.array([0.0, -0.9]))
    assert np.isnan(outside).all()
    near_hole = bilinear_height(XS, YS, z, np.array([XS[40] + CELL / 3]), np.array([YS[30]]))
    assert np.isnan(near_hole).all()
    far = bilinear_height(XS, YS, z, np.array([XS[10] + CELL / 3]), np.array([YS[5]]))
    assert np.isfinite(far).all()


# --------------------------------------------------------------------------- rays
@given(
    a=st.floats(-0.8, 0.8),
    b=st.floats(-0.8, 0.8),
    c=st.floats(0.0, 0.5),
    tx=st.floats(-0.9, 0.9),
    ty=st.floats(-0.7, 0.7),
    azimuth=st.floats(0.0, 2 * math.pi),
    elevation=st.floats(0.35, 1.5),
)
def test_rays_hit_a_tilted_plane_where_the_analytic_intersection_is(
    a, b, c, tx, ty, azimuth, elevation
):
    z = _grid(lambda x, y: a * x + b * y + c)
    target = np.array([tx, ty, a * tx + b * ty + c])
    toward_camera = np.array(
        [
            math.cos(elevation) * math.cos(azimuth),
            math.cos(elevation) * math.sin(azimuth),
            math.sin(elevation),
        ]
    )
    origin = target + 3.0 * toward_camera
    direction = -toward_camera
    # z = a x + b y + c meets o + t d at t = (a ox + b oy + c − oz) / (dz − a dx − b dy)
    denominator = direction[2] - a * direction[0] - b * direction[1]
    if abs(denominator) < 0.05:
        return  # grazing: the ray runs almost inside the plane
    t = (a * origin[0] + b * origin[1] + c - origin[2]) / denominator
    expected = origin + t * direction
    if not (XS[0] <= expected[0] <= XS[-1] and YS[0] <= expected[1] <= YS[-1]):
        return
    hit = intersect_height_field(origin, direction, XS, YS, z)
    assert hit is not None
    np.testing.assert_allclose(hit, expected, atol=1e-6)


def test_rays_hit_a_paraboloid_within_one_grid_cell():
    def f(x, y):
        return x * x + y * y

    z = _grid(f)
    rng = np.random.default_rng(7)
    checked = 0
    for _ in range(60):
        origin = np.array([rng.uniform(-2, 2), rng.uniform(-2, 2), rng.uniform(1.8, 3.0)])
        target = np.array([rng.uniform(-0.9, 0.9), rng.uniform(-0.7, 0.7), 0.0])
        target[2] = f(target[0], target[1])
        direction = _unit(target - origin)
        # the exact first root of oz + t dz = (ox + t dx)² + (oy + t dy)², independently
        qa = direction[0] ** 2 + direction[1] ** 2
        qb = 2 * (origin[0] * direction[0] + origin[1] * direction[1]) - direction[2]
        qc = origin[0] ** 2 + origin[1] ** 2 - origin[2]
        roots = [r.real for r in np.roots([qa, qb, qc]) if abs(r.imag) < 1e-12 and r.real > 0]
        # the grid is a patch of the paraboloid: the first root over the patch
        points = [origin + t * direction for t in sorted(roots)]
        expected = next(p for p in points if XS[0] <= p[0] <= XS[-1] and YS[0] <= p[1] <= YS[-1])
        normal = _unit([-2 * expected[0], -2 * expected[1], 1.0])
        if abs(normal @ direction) < 0.15:
            continue  # grazing: a near-double root, ill-conditioned for any method
        checked += 1
        hit = intersect_height_field(origin, direction, XS, YS, z)
        assert hit is not None
        assert math.hypot(hit[0] - expected[0], hit[1] - expected[1]) < CELL
        # and the hit lies on the drawn (bilinear) surface
        drawn = bilinear_height(XS, YS, z, np.array([hit[0]]), np.array([hit[1]]))[0]
        assert abs(hit[2] - drawn) < 1e-6
    assert checked >= 40


def test_the_first_crossing_wins_over_a_later_one():
    # a bump at x = -0.5 in front of a bump at x = +0.5, the ray coming from −x
    def f(x, y):
        return 0.8 * np.exp(-((x + 0.5) ** 2 + y**2) / 0.02) + 0.8 * np.exp(
            -((x - 0.5) ** 2 + y**2) / 0.02
        )

    z = _grid(f)
    origin = np.array([-2.0, 0.0, 0.5])
    hit = intersect_height_field(origin, np.array([1.0, 0.0, 0.0]), XS, YS, z)
    assert hit is not None
    assert -0.5 - 0.2 < hit[0] < -0.5  # the near flank of the first bump, where f = 0.5
    assert abs(f(hit[0], 0.0) - 0.5) < 0.05


def test_misses_return_none():
    z = _grid(lambda x, y: 0.2 * x)
    assert intersect_height_field([0, 0, 1], [0, 0, 1], XS, YS, z) is None  # upwards
    assert intersect_height_field([5, 5, 1], [0, 0, -1], XS, YS, z) is None  # beside the grid
    assert intersect_height_field([0, 0, 1], [1, 0, 0], XS, YS, z) is None  # level, above
    assert intersect_height_field([0, 0, -1], [0, 0, -1], XS, YS, z) is None  # below, away
    assert intersect_height_field([0, 0, 1], [0, 0, -1], XS, YS, np.full_like(z, np.nan)) is None


def test_holes_are_not_hit():
    r2 = XS[:, None] ** 2 + YS[None, :] ** 2
    z = np.where(r2 < 0.3**2, np.nan, 0.0 * r2)
    # straight down into the hole: nothing
    assert intersect_height_field([0.0, 0.0, 1.0], [0.0, 0.0, -1.0], XS, YS, z) is None
    # slanted through the hole: the floor beyond it, never a point inside the hole
    direction = _unit([0.6, 0.0, -1.0])
    origin = np.array([-0.2, 0.0, 1.0])  # reaches z = 0 at x = 0.4, past the hole's rim at 0.3
    hit = intersect_height_field(origin, direction, XS, YS, z)
    assert hit is not None
    assert hit[0] ** 2 + hit[1] ** 2 >= 0.3**2 - 2 * CELL
    assert hit[0] == pytest.approx(0.4, abs=1e-6) and hit[2] == pytest.approx(0.0, abs=1e-9)


def test_a_ray_from_below_the_surface_meets_its_underside():
    z = np.full((XS.size, YS.size), 0.5)
    hit = intersect_height_field([0.1, 0.2, -1.0], [0.0, 0.0, 1.0], XS, YS, z)
    assert hit is not None
    np.testing.assert_allclose(hit, [0.1, 0.2, 0.5], atol=1e-9)


# --------------------------------------------------------------------------- screen rays
def test_ray_from_screen_passes_through_the_point_projected_to_that_pixel():
    width, height = 640, 480
    mvp = _perspective_look_at([2.0, -3.0, 2.5], [0.0, 0.0, 0.3], 40.0, width / height)
    rng = np.random.default_rng(3)
    for point in rng.uniform(-1, 1, (20, 3)):
        clip = mvp @ np.append(point, 1.0)
        ndc = clip[:3] / clip[3]
        px = (ndc[0] + 1) / 2 * width
        py = (1 - ndc[1]) / 2 * height
        origin, direction = ray_from_screen(px, py, width, height, mvp)
        assert np.linalg.norm(direction) == pytest.approx(1.0)
        along = (point - origin) @ direction
        assert along > 0, "the point is in front of the ray origin"
        miss = np.linalg.norm(point - origin - along * direction)
        assert miss < 1e-7


def test_pick_height_field_finds_the_surface_point_under_a_projected_pixel():
    def f(x, y):
        return 0.1 * np.sin(3 * x) * np.cos(2 * y) + 0.4

    z = _grid(f)  # gentle enough that no point hides another from this camera
    width, height = 800, 600
    mvp = _perspective_look_at([2.5, -2.5, 3.0], [0.0, 0.0, 0.3], 40.0, width / height)
    for x, y in [(0.0, 0.0), (0.5, -0.3), (-0.6, 0.5)]:
        point = np.array([x, y, f(x, y)])
        clip = mvp @ np.append(point, 1.0)
        px = (clip[0] / clip[3] + 1) / 2 * width
        py = (1 - clip[1] / clip[3]) / 2 * height
        hit = pick_height_field(px, py, width, height, mvp, XS, YS, z)
        assert hit is not None
        assert math.hypot(hit[0] - x, hit[1] - y) < CELL, (x, y, hit)
