"""Tests for gdviz.core.calculus against the lecture's worked numbers (ERRATA.md) and math.*."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdviz.core.calculus import (
    DirectionalReport,
    PointReport,
    SecantReport,
    directional,
    point_report,
    secant_x,
    secant_y,
    unit_vector,
)
from gdviz.core.expression import parse_expression

# ERRATA.md, first table ("exact" column), for f = sin x · cos y at A0 = (2, 2.5).
ERRATA = {
    "f(A0)": -0.7284778,
    "f(2.2, 2.5)": -0.6477217,
    "secant x, dx=0.2": 0.4037805,
    "f_x(A0)": 0.3333934,
    # ERRATA.md prints −0.8220742 here, which contradicts its own Δz: f(A0) + Δz =
    # −0.7284778 − 0.0935926 = −0.8220704, and sin 2 · cos 2.7 = −0.82207047. Corrected:
    "f(2, 2.7)": -0.8220705,
    "dz y, dy=0.2": -0.0935926,
    "secant y, dy=0.2": -0.4679632,
    "f_y(A0)": -0.5441892,
    "I0": (2.1, 2.6732051),
    "f(I0)": -0.7702395,
    "D_u f(A0)": -0.3045850,
    "secant u, s=0.2": -0.2088081,
}
SEVEN_DIGITS = 5e-8  # half a unit in the 7th decimal the table prints


def _f(x: float, y: float) -> float:
    return math.sin(x) * math.cos(y)


class ClosedFormSurface:
    """sin x · cos y written with math only: an independent Surface-like object."""

    def value(self, x, y):
        return np.sin(x) * np.cos(y)

    def gradient(self, x, y):
        return np.cos(x) * np.cos(y), -np.sin(x) * np.sin(y)


def _surfaces():
    yield "expression", parse_expression("sin(x)*cos(y)")
    yield "closed form", ClosedFormSurface()
    surfaces = pytest.importorskip("gdviz.core.surfaces")
    window = pytest.importorskip("gdviz.core.window")
    yield (
        "ExpressionSurface",
        surfaces.ExpressionSurface("sin(x)*cos(y)", window.Window(0, 4, 0, 4)),
    )


@pytest.fixture(params=["expression", "closed form", "ExpressionSurface"])
def lecture_surface(request):
    for name, surface in _surfaces():
        if name == request.param:
            return surface
    raise AssertionError(request.param)


def _close(value: float, errata: float, independent: float) -> None:
    assert abs(value - errata) <= SEVEN_DIGITS
    assert value == pytest.approx(independent, rel=1e-12, abs=1e-15)


def test_point_report_at_a0(lecture_surface) -> None:
    r = point_report(lecture_surface, 2, 2.5)
    assert isinstance(r, PointReport)
    assert (r.x, r.y) == (2.0, 2.5)
    _close(r.f, ERRATA["f(A0)"], _f(2, 2.5))
    _close(r.f_x, ERRATA["f_x(A0)"], math.cos(2) * math.cos(2.5))
    _close(r.f_y, ERRATA["f_y(A0)"], -math.sin(2) * math.sin(2.5))
    assert r.grad_norm == pytest.approx(math.hypot(r.f_x, r.f_y), rel=1e-15)
    assert r.grad_norm == pytest.approx(math.hypot(0.3333934, -0.5441892), abs=1e-7)


def test_secant_in_x(lecture_surface) -> None:
    r = secant_x(lecture_surface, 2, 2.5, 0.2)
    assert isinstance(r, SecantReport)
    assert r.delta == 0.2
    assert r.axis == "x"
    assert r.point == (2.2, 2.5)
    _close(r.f0, ERRATA["f(A0)"], _f(2, 2.5))
    _close(r.f_shifted, ERRATA["f(2.2, 2.5)"], _f(2.2, 2.5))
    _close(r.delta_z, ERRATA["f(2.2, 2.5)"] - ERRATA["f(A0)"], _f(2.2, 2.5) - _f(2, 2.5))
    _close(r.slope, ERRATA["secant x, dx=0.2"], (_f(2.2, 2.5) - _f(2, 2.5)) / 0.2)
    _close(r.exact, ERRATA["f_x(A0)"], math.cos(2) * math.cos(2.5))
    assert r.error == pytest.approx(r.slope - r.exact, abs=1e-15)
    assert r.error == pytest.approx(0.4037805 - 0.3333934, abs=1e-7)


def test_secant_in_y(lecture_surface) -> None:
    r = secant_y(lecture_surface, 2, 2.5, 0.2)
    assert r.axis == "y"
    assert r.point == (2.0, 2.7)
    _close(r.f_shifted, ERRATA["f(2, 2.7)"], _f(2, 2.7))
    assert abs(ERRATA["f(A0)"] + ERRATA["dz y, dy=0.2"] - r.f_shifted) <= 2 * SEVEN_DIGITS
    assert abs(-0.8220742 - r.f_shifted) > 1e-6  # the value printed in ERRATA.md is off
    _close(r.delta_z, ERRATA["dz y, dy=0.2"], _f(2, 2.7) - _f(2, 2.5))
    _close(r.slope, ERRATA["secant y, dy=0.2"], (_f(2, 2.7) - _f(2, 2.5)) / 0.2)
    _close(r.exact, ERRATA["f_y(A0)"], -math.sin(2) * math.sin(2.5))
    assert r.error == pytest.approx(r.slope - r.exact, abs=1e-15)


def test_directional_derivative(lecture_surface) -> None:
    u = (0.5, math.sqrt(3) / 2)
    r = directional(lecture_surface, 2, 2.5, u, 0.2)
    assert isinstance(r, DirectionalReport)
    assert r.u == pytest.approx(u, rel=1e-15)
    assert r.u_norm_input == pytest.approx(1.0, rel=1e-15)
    assert r.step == 0.2
    i0 = (2 + 0.2 * u[0], 2.5 + 0.2 * u[1])
    for got, errata, independent in zip(r.point, ERRATA["I0"], i0, strict=True):
        _close(got, errata, independent)
    _close(r.f0, ERRATA["f(A0)"], _f(2, 2.5))
    _close(r.f_shifted, ERRATA["f(I0)"], _f(*i0))
    _close(r.secant_slope, ERRATA["secant u, s=0.2"], (_f(*i0) - _f(2, 2.5)) / 0.2)
    grad_dot_u = math.cos(2) * math.cos(2.5) * u[0] - math.sin(2) * math.sin(2.5) * u[1]
    _close(r.derivative, ERRATA["D_u f(A0)"], grad_dot_u)
    assert r.error == pytest.approx(r.secant_slope - r.derivative, abs=1e-15)


def test_direction_is_normalised() -> None:
    f = parse_expression("sin(x)*cos(y)")
    given = directional(f, 2, 2.5, (1, math.sqrt(3)), 0.2)  # length 2, same direction
    unit = directional(f, 2, 2.5, (0.5, math.sqrt(3) / 2), 0.2)
    assert given.u_norm_input == pytest.approx(2.0, rel=1e-15)
    assert given.u == pytest.approx(unit.u, rel=1e-15)
    assert given.derivative == pytest.approx(unit.derivative, rel=1e-14)
    assert unit_vector((3, -4)) == ((0.6, -0.8), 5.0)


@pytest.mark.parametrize(
    "direction", [(0, 0), (0.0, -0.0), (math.nan, 1), (1, math.inf), (-math.inf, 0)]
)
def test_bad_direction_is_rejected(direction) -> None:
    with pytest.raises(ValueError, match="direction vector must be non-zero"):
        directional(parse_expression("x*y"), 1, 1, direction, 0.1)


@pytest.mark.parametrize("bad", [0, 0.0, math.nan, math.inf, -math.inf])
def test_bad_delta_and_step_are_rejected(bad) -> None:
    f = parse_expression("x*y")
    with pytest.raises(ValueError, match="delta"):
        secant_x(f, 1, 1, bad)
    with pytest.raises(ValueError, match="delta"):
        secant_y(f, 1, 1, bad)
    with pytest.raises(ValueError, match="step"):
        directional(f, 1, 1, (1, 0), bad)


def test_bad_point_is_rejected() -> None:
    with pytest.raises(ValueError, match="x"):
        point_report(parse_expression("x*y"), math.nan, 1)


def test_negative_step_and_delta_are_backward_secants() -> None:
    f = parse_expression("x^2*y")
    r = secant_x(f, 1.0, 2.0, -0.5)
    assert r.point == (0.5, 2.0)
    assert r.slope == pytest.approx((0.25 * 2 - 1 * 2) / -0.5, rel=1e-14)
    d = directional(f, 1.0, 2.0, (1, 0), -0.5)
    assert d.point == (0.5, 2.0)
    assert d.secant_slope == pytest.approx(r.slope, rel=1e-14)
    assert d.derivative == pytest.approx(4.0, rel=1e-14)  # f_x = 2xy


def test_secant_error_shrinks_linearly_with_delta() -> None:
    f = parse_expression("sin(x)*cos(y)")
    errors = [abs(secant_x(f, 2, 2.5, d).error) for d in (0.2, 0.02, 0.002)]
    # Forward difference: error ≈ |f_xx|·Δ/2 with f_xx = −sin 2 · cos 2.5.
    f_xx = -math.sin(2) * math.cos(2.5)
    for error, delta in zip(errors, (0.2, 0.02, 0.002), strict=True):
        assert error == pytest.approx(abs(f_xx) * delta / 2, rel=0.15)


def test_sqrt_secants_from_the_lecture() -> None:
    # ERRATA: √x at 4, Δx = 1: Δy = 0.2360680; f'(4) = 0.25; Δx = 0.00008: Δy = 0.0000199999,
    # rate 0.2499988 (the slide's 0.000021 and 0.26 are off).
    f = parse_expression("sqrt(x) + 0*y")
    big = secant_x(f, 4, 0, 1)
    assert abs(big.delta_z - 0.2360680) <= SEVEN_DIGITS
    assert big.delta_z == pytest.approx(math.sqrt(5) - 2, rel=1e-14)
    assert big.exact == 0.25
    small = secant_x(f, 4, 0, 0.00008)
    assert abs(small.delta_z - 0.0000199999) <= 5e-11
    assert abs(small.slope - 0.2499988) <= SEVEN_DIGITS
    assert small.slope < 0.25  # approaches 1/4 from below


def test_undefined_points_give_nan_not_errors() -> None:
    f = parse_expression("sqrt(x) * y")
    r = point_report(f, -1, 1)
    assert math.isnan(r.f) and math.isnan(r.f_x) and math.isnan(r.grad_norm)
    s = secant_x(f, 1, 1, -2)  # shifted point x = −1 is outside the domain
    assert math.isnan(s.f_shifted) and math.isnan(s.slope)
    assert s.exact == pytest.approx(0.5, rel=1e-15)


def test_reports_are_immutable() -> None:
    r = point_report(parse_expression("x + y"), 1, 2)
    with pytest.raises(AttributeError):
        r.f = 0.0  # type: ignore[misc]


def test_expression_needs_two_variables() -> None:
    with pytest.raises(ValueError, match="two variables"):
        point_report(parse_expression("x + y + z", ("x", "y", "z")), 1, 2)


def test_a_derivative_zero_up_to_round_off_is_shown_as_zero() -> None:
    # z = x² sin y at (π, π): ∂z/∂x = 2π sin π = 0 exactly, but float64 π is not π, so the
    # computed value is 2π·sin(fl(π)) ≈ 7.7e−16 (ERRATA: "0 (float64: 7.7e-16, round-off)").
    r = point_report(parse_expression("x^2*sin(y)"), math.pi, math.pi)
    assert r.f_x == 2 * math.pi * math.sin(math.pi) != 0.0  # the raw value is kept
    assert r.f_x_shown.value == 0.0 and r.f_x_shown.is_roundoff
    shown_raw = f"{abs(r.f_x):.1e}".replace("-", "−")
    assert r.f_x_shown.text() == f"0 (round-off: {shown_raw})"
    # ∂z/∂y = π² cos π = −π² is far above round-off: shown as computed, to 7 digits.
    assert r.f_y_shown.value == r.f_y == pytest.approx(-(math.pi**2), rel=1e-15)
    assert r.f_y_shown.text() == "−9.869604"
    assert not r.f_y_shown.is_roundoff
    s = secant_x(parse_expression("x^2*sin(y)"), math.pi, math.pi, 0.2)
    assert s.exact == r.f_x and s.exact_shown.value == 0.0


@pytest.mark.parametrize(
    ("text", "x", "y", "expected"),
    [
        ("1e-20*x", 3.0, 2.0, 1e-20),  # small at every scale: a real value, not round-off
        ("1e-20*x*y", 1e-3, 2.0, 2e-20),
        ("x^2", 1e-12, 0.0, 2e-12),
        ("exp(-x^2)", 20.0, 0.0, -40.0 * math.exp(-400.0)),
    ],
)
def test_a_small_but_real_derivative_is_not_zeroed(text, x, y, expected) -> None:
    r = point_report(parse_expression(text), x, y)
    assert r.f_x == pytest.approx(expected, rel=1e-12)
    assert r.f_x_shown.value == r.f_x and not r.f_x_shown.is_roundoff


def test_the_loss_surface_shows_its_partials_as_computed() -> None:
    from gdviz.core.logistic import Dataset
    from gdviz.core.surfaces import LogisticLossSurface
    from gdviz.core.window import Window

    surface = LogisticLossSurface(Dataset.lecture(), Window(-1, 6, -32, 10))
    r = point_report(surface, 4.0, 5.0)
    assert (r.f_x_shown.value, r.f_y_shown.value) == (r.f_x, r.f_y)
