"""One-variable secants and tangents against the lecture's √x at 4 (ERRATA items 4) and math."""

from __future__ import annotations

import dataclasses
import math

import pytest

from gdviz.core.derivative1d import (
    DEFAULT_DXS,
    SecantRow1D,
    derivative_at,
    secant_1d,
    secant_table_1d,
    tangent_line_1d,
)
from gdviz.core.expression import ExpressionError, parse_expression

SEVEN_DIGITS = 5e-8


def test_sqrt_at_4_with_dx_1() -> None:
    row = secant_1d("sqrt(x)", 4, 1.0)
    assert isinstance(row, SecantRow1D)
    assert abs(row.dy - 0.2360680) <= SEVEN_DIGITS  # ERRATA (slide: ≈ 0.24)
    assert row.dy == pytest.approx(math.sqrt(5) - 2, rel=1e-14)
    assert row.slope == row.dy
    assert row.error == pytest.approx((math.sqrt(5) - 2) - 0.25, rel=1e-12)


def test_sqrt_at_4_with_the_lectures_tiny_dx() -> None:
    row = secant_1d("sqrt(x)", 4, 0.00008)
    assert abs(row.slope - 0.2499988) <= SEVEN_DIGITS  # ERRATA item 4
    assert row.dy == pytest.approx(0.0000199999, abs=5e-11)
    assert row.slope == pytest.approx((math.sqrt(4.00008) - 2) / 0.00008, rel=1e-9)
    assert abs(row.slope - 0.26) > 0.01  # the slide's 0.26 is wrong
    assert row.slope < 0.25  # and the secant approaches 0.25 from below


def test_derivative_and_tangent_of_sqrt_at_4() -> None:
    assert derivative_at("sqrt(x)", 4) == 0.25  # ERRATA: 1/4
    assert derivative_at("sqrt(x)", 9) == pytest.approx(1 / (2 * math.sqrt(9)))
    slope, intercept = tangent_line_1d("sqrt(x)", 4)
    assert slope == 0.25
    assert intercept == pytest.approx(2 - 0.25 * 4)


def test_default_table() -> None:
    assert 0.00008 in DEFAULT_DXS
    assert all(10.0**-k in DEFAULT_DXS for k in range(11))
    assert list(DEFAULT_DXS) == sorted(DEFAULT_DXS, reverse=True)
    rows = secant_table_1d("sqrt(x)", 4)
    assert [r.dx for r in rows] == list(DEFAULT_DXS)
    for r in rows:
        assert r.dy == pytest.approx(math.sqrt(4 + r.dx) - 2, rel=1e-6, abs=1e-15)
    # Truncation error: the slope climbs to 0.25 from below while Δx is not tiny.
    coarse = [r for r in rows if r.dx >= 1e-6]
    assert all(r.slope < 0.25 for r in coarse)
    assert [abs(r.error) for r in coarse] == sorted((abs(r.error) for r in coarse), reverse=True)


def test_lecture_x_squared_secant() -> None:
    # The slide: f(x) = x², Δx = 0.9 − 0.5 = 0.4, Δy = 0.56.
    row = secant_1d(parse_expression("x^2", ("x",)), 0.5, 0.4)
    assert row.dy == pytest.approx(0.9**2 - 0.5**2, rel=1e-12)
    assert row.dy == pytest.approx(0.56, abs=1e-12)
    assert row.slope == pytest.approx(1.4)
    assert row.error == pytest.approx(1.4 - 2 * 0.5)


def test_custom_table_and_other_variable_names() -> None:
    g = parse_expression("t^3", ("t",))
    rows = secant_table_1d(g, 1.0, (0.5, -0.5))
    assert rows[0].slope == pytest.approx((1.5**3 - 1) / 0.5)
    assert rows[1].slope == pytest.approx((0.5**3 - 1) / -0.5)


def test_bad_input() -> None:
    with pytest.raises(ValueError):
        secant_1d("sqrt(x)", 4, 0.0)
    with pytest.raises(ValueError):
        secant_1d("sqrt(x)", math.nan, 0.1)
    with pytest.raises(ValueError):
        derivative_at(parse_expression("x*y"), 1.0)
    with pytest.raises(ExpressionError):
        derivative_at("sqrt(", 1.0)
    assert math.isnan(derivative_at("sqrt(x)", -1.0))


def test_rows_are_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        secant_1d("x", 0, 1).slope = 2.0  # type: ignore[misc]
