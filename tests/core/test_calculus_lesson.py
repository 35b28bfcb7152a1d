"""The calculus lesson's numbers: constructions, convergence tables, sweeps, tangent planes."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from gdviz.core.calculus import (
    ConvergenceRow,
    PointValue,
    TangentPlane,
    construction_points,
    convergence_table,
    direction_points,
    directional_sweep,
    evaluate_at,
    gradient_angles,
    slice_curve,
    tangent_plane,
)
from gdviz.core.expression import ExpressionError, parse_expression
from gdviz.core.surfaces import ExpressionSurface
from gdviz.core.window import Window

SEVEN_DIGITS = 5e-8  # half a unit in the 7th decimal ERRATA.md prints
X0, Y0, DELTA = 2.0, 2.5, 0.2
U = (0.5, math.sqrt(3) / 2)


def _f(x: float, y: float) -> float:
    return math.sin(x) * math.cos(y)


def _fx(x: float, y: float) -> float:
    return math.cos(x) * math.cos(y)


def _fy(x: float, y: float) -> float:
    return -math.sin(x) * math.sin(y)


@pytest.fixture
def lecture():
    return ExpressionSurface("sin(x)*cos(y)", Window(0, 4, 0, 4))


def test_construction_points_match_the_lecture(lecture) -> None:
    p = construction_points(lecture, X0, Y0, DELTA)
    assert set(p) == {"A0", "B", "C", "D", "E", "F", "G", "H"}
    assert all(len(v) == 3 for v in p.values())
    f_a = _f(2, 2.5)
    assert p["A0"] == (2.0, 2.5, 0.0)
    assert p["B"] == pytest.approx((2, 2.5, f_a), rel=1e-12)
    assert abs(p["B"][2] - (-0.7284778)) <= SEVEN_DIGITS  # ERRATA f(A0)
    assert p["C"] == pytest.approx((2.2, 2.5, 0.0))
    assert abs(p["D"][2] - (-0.6477217)) <= SEVEN_DIGITS  # ERRATA f(2.2, 2.5)
    assert p["D"][2] == pytest.approx(_f(2.2, 2.5), rel=1e-12)
    assert p["E"] == pytest.approx((2.2, 2.5, f_a), rel=1e-12)
    assert p["F"] == pytest.approx((2.0, 2.7, 0.0))
    # ERRATA prints f(2, 2.7) = −0.8220742: a typo for sin 2 · cos 2.7 = −0.8220705.
    assert abs(p["G"][2] - (-0.8220705)) <= SEVEN_DIGITS
    assert p["G"][2] == pytest.approx(_f(2, 2.7), rel=1e-12)
    assert p["H"] == pytest.approx((2.0, 2.7, f_a), rel=1e-12)
    slope_x = (p["D"][2] - p["E"][2]) / DELTA
    slope_y = (p["G"][2] - p["H"][2]) / DELTA
    assert abs(slope_x - 0.4037805) <= SEVEN_DIGITS
    assert abs(slope_y - (-0.4679632)) <= SEVEN_DIGITS
    assert abs(_fx(2, 2.5) - 0.3333934) <= SEVEN_DIGITS
    assert abs(_fy(2, 2.5) - (-0.5441892)) <= SEVEN_DIGITS


def test_direction_points_match_the_lecture(lecture) -> None:
    p = direction_points(lecture, X0, Y0, U, 0.2)
    assert {"A0", "B", "I0", "J"} <= set(p)
    xi, yi = 2 + 0.2 * 0.5, 2.5 + 0.2 * math.sqrt(3) / 2
    assert p["I0"] == pytest.approx((xi, yi, 0.0), rel=1e-14)
    assert p["I0"][:2] == pytest.approx((2.1, 2.6732051), abs=SEVEN_DIGITS)
    assert abs(p["J"][2] - (-0.7702395)) <= SEVEN_DIGITS
    assert p["J"][2] == pytest.approx(_f(xi, yi), rel=1e-12)
    assert p["K"] == pytest.approx((xi, yi, _f(2, 2.5)), rel=1e-12)
    secant = (p["J"][2] - p["B"][2]) / 0.2
    assert abs(secant - (-0.2088081)) <= SEVEN_DIGITS


def test_direction_points_normalise_u(lecture) -> None:
    unit = direction_points(lecture, X0, Y0, U, 0.2)
    long = direction_points(lecture, X0, Y0, (5.0, 5 * math.sqrt(3)), 0.2)
    assert long["I0"] == pytest.approx(unit["I0"], rel=1e-14)


@pytest.mark.parametrize("bad", [0.0, math.nan, math.inf])
def test_construction_rejects_bad_steps(lecture, bad) -> None:
    with pytest.raises(ValueError):
        construction_points(lecture, X0, Y0, bad)
    with pytest.raises(ValueError):
        direction_points(lecture, X0, Y0, U, bad)


def test_convergence_table_default_deltas_and_exact_values(lecture) -> None:
    rows = convergence_table(lecture, X0, Y0, "x")
    assert len(rows) == 13
    assert [r.delta for r in rows] == pytest.approx([10.0**-k for k in range(13)], rel=1e-15)
    exact = _fx(2, 2.5)
    for r in rows:
        assert isinstance(r, ConvergenceRow)
        assert r.forward - r.forward_error == pytest.approx(exact, rel=1e-12)
        assert r.central - r.central_error == pytest.approx(exact, rel=1e-12)
    for r in rows[:5]:  # large Δ: truncation dominates, math.* agrees to many digits
        d = r.delta
        assert r.forward == pytest.approx((_f(2 + d, 2.5) - _f(2, 2.5)) / d, rel=1e-9)
        assert r.central == pytest.approx((_f(2 + d, 2.5) - _f(2 - d, 2.5)) / (2 * d), rel=1e-9)


def test_convergence_table_shows_round_off_taking_over(lecture) -> None:
    rows = convergence_table(lecture, X0, Y0, "x")
    forward = [abs(r.forward_error) for r in rows]
    best = int(np.argmin(forward))
    assert rows[best].delta == pytest.approx(1e-8, rel=1e-12)
    # Before the minimum: truncation, first order (error ∝ Δ, a factor 10 per row).
    for k in range(1, 6):
        assert 8 < forward[k] / forward[k + 1] < 12
    # After it: round-off, growing again as Δ shrinks.
    assert forward[12] > 100 * forward[best]
    assert forward[11] > forward[best]
    # The central quotient is second order: a factor ~100 per row while truncation dominates.
    central = [abs(r.central_error) for r in rows]
    for k in range(1, 4):
        assert 80 < central[k] / central[k + 1] < 120
    assert min(central) < min(forward)


def test_convergence_table_along_y_and_along_u(lecture) -> None:
    rows_y = convergence_table(lecture, X0, Y0, "y", deltas=(0.2, 1e-3))
    assert rows_y[0].forward == pytest.approx(-0.4679632, abs=SEVEN_DIGITS)
    assert rows_y[0].forward - rows_y[0].forward_error == pytest.approx(_fy(2, 2.5), rel=1e-12)
    rows_u = convergence_table(lecture, X0, Y0, (1.0, math.sqrt(3)), deltas=(0.2,))
    assert rows_u[0].forward == pytest.approx(-0.2088081, abs=SEVEN_DIGITS)
    exact = 0.5 * _fx(2, 2.5) + math.sqrt(3) / 2 * _fy(2, 2.5)
    assert rows_u[0].forward - rows_u[0].forward_error == pytest.approx(exact, rel=1e-12)
    assert abs(exact - (-0.3045850)) <= SEVEN_DIGITS


@pytest.mark.parametrize("direction", ["z", (0.0, 0.0), (math.nan, 1.0)])
def test_convergence_table_rejects_bad_directions(lecture, direction) -> None:
    with pytest.raises(ValueError):
        convergence_table(lecture, X0, Y0, direction)


def test_slice_curve_follows_the_line(lecture) -> None:
    s, xs, ys, zs = slice_curve(lecture, X0, Y0, U, -1.0, 1.0, n=41)
    assert s.shape == xs.shape == ys.shape == zs.shape == (41,)
    assert s[0] == -1.0 and s[-1] == 1.0
    np.testing.assert_allclose(xs, 2 + s * 0.5, rtol=1e-14)
    np.testing.assert_allclose(ys, 2.5 + s * math.sqrt(3) / 2, rtol=1e-14)
    np.testing.assert_allclose(zs, [_f(a, b) for a, b in zip(xs, ys, strict=True)], rtol=1e-12)
    s, xs, ys, zs = slice_curve(lecture, X0, Y0, "y", 0.0, 0.2)
    assert s.shape == (200,)
    assert np.all(xs == 2.0)
    assert zs[-1] == pytest.approx(-0.8220705, abs=SEVEN_DIGITS)


def test_slice_curve_rejects_bad_ranges(lecture) -> None:
    with pytest.raises(ValueError):
        slice_curve(lecture, X0, Y0, "x", 1.0, 1.0)
    with pytest.raises(ValueError):
        slice_curve(lecture, X0, Y0, "x", 0.0, 1.0, n=1)


def test_directional_sweep_passes_through_the_lecture_direction(lecture) -> None:
    angles, derivatives = directional_sweep(lecture, X0, Y0)
    assert angles.shape == derivatives.shape == (361,)
    assert angles[0] == 0.0 and angles[-1] == pytest.approx(2 * math.pi)
    # θ = 60° is u = (1/2, √3/2).
    assert angles[60] == pytest.approx(math.pi / 3)
    assert abs(derivatives[60] - (-0.3045850)) <= SEVEN_DIGITS
    assert derivatives[0] == pytest.approx(_fx(2, 2.5), rel=1e-12)
    assert derivatives[90] == pytest.approx(_fy(2, 2.5), rel=1e-9, abs=1e-12)
    norm = math.hypot(_fx(2, 2.5), _fy(2, 2.5))
    assert derivatives.max() <= norm + 1e-12
    assert derivatives.max() == pytest.approx(norm, rel=1e-3)
    assert derivatives.min() == pytest.approx(-norm, rel=1e-3)


def test_gradient_angles_give_steepest_level_and_descent(lecture) -> None:
    angles = gradient_angles(lecture, X0, Y0)
    top, (z1, z2), bottom = angles
    gx, gy = _fx(2, 2.5), _fy(2, 2.5)
    norm = math.hypot(gx, gy)

    def d_u(theta: float) -> float:
        return gx * math.cos(theta) + gy * math.sin(theta)

    assert d_u(top) == pytest.approx(norm, rel=1e-12)
    assert d_u(bottom) == pytest.approx(-norm, rel=1e-12)
    assert d_u(z1) == pytest.approx(0.0, abs=1e-12)
    assert d_u(z2) == pytest.approx(0.0, abs=1e-12)
    assert all(0 <= a < 2 * math.pi for a in (top, z1, z2, bottom))
    assert z1 < z2


def test_gradient_angles_at_a_critical_point_are_nan() -> None:
    bowl = ExpressionSurface("x^2 + y^2", Window(-1, 1, -1, 1))
    top, zeros, bottom = gradient_angles(bowl, 0.0, 0.0)
    assert math.isnan(top) and math.isnan(bottom) and all(math.isnan(z) for z in zeros)


def test_tangent_plane_touches_the_surface(lecture) -> None:
    plane = tangent_plane(lecture, X0, Y0)
    assert isinstance(plane, TangentPlane)
    assert plane.z0 == pytest.approx(_f(2, 2.5), rel=1e-12)
    assert (plane.f_x, plane.f_y) == pytest.approx((_fx(2, 2.5), _fy(2, 2.5)), rel=1e-12)
    assert plane.height(X0, Y0) == pytest.approx(plane.z0)
    h = 1e-3
    gap = abs(plane.height(X0 + h, Y0 - h) - _f(X0 + h, Y0 - h))
    assert gap < 2 * h * h  # the plane is first-order exact: the gap is O(h²)
    heights = plane.height(np.array([2.0, 2.2]), np.array([2.5, 2.5]))
    assert heights == pytest.approx([_f(2, 2.5), _f(2, 2.5) + 0.2 * _fx(2, 2.5)], rel=1e-12)


def test_evaluate_at_three_variables_from_the_lecture() -> None:
    text = "x^2 + x*y + y^2 - sqrt(z)"
    value = evaluate_at(text, (1, 3, 4))
    assert isinstance(value, PointValue)
    assert value.value == 1 + 3 + 9 - math.sqrt(4) == 11  # ERRATA: 11
    assert value.reason is None
    assert value.gradient == pytest.approx((2 * 1 + 3, 1 + 2 * 3, -1 / (2 * math.sqrt(4))))
    off = evaluate_at(text, (1, 3, -1))
    assert math.isnan(off.value)
    assert off.reason == "sqrt of a negative number: z must be ≥ 0"


def test_evaluate_at_other_variables_and_errors() -> None:
    assert evaluate_at("a*b", (2, 3), ("a", "b")).value == 6
    assert evaluate_at(parse_expression("x - y"), (5, 2)).value == 3
    with pytest.raises(ValueError):
        evaluate_at("x + y + z", (1, 2))
    with pytest.raises(ExpressionError):
        evaluate_at("x +* y", (1, 2, 3))


def test_records_are_immutable(lecture) -> None:
    row = convergence_table(lecture, X0, Y0, "x", deltas=(0.1,))[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.forward = 0.0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        tangent_plane(lecture, X0, Y0).z0 = 0.0  # type: ignore[misc]
