"""Limits by numbers: paths into a point (ERRATA item 8) and one-sided limits of g(x)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from gdviz.core.expression import ExpressionError, parse_expression
from gdviz.core.limits import (
    MINUS_INFINITY,
    PLUS_INFINITY,
    SETTLES,
    UNDEFINED,
    Limit1D,
    LimitRow,
    PathLimit,
    Verdict,
    format_limit_value,
    infinity_verdict,
    limit_along,
    limit_at_infinity,
    limit_verdict,
    line_path,
    one_sided_limit,
    one_variable_verdict,
    parabola_path,
    parametric_path,
    vertical_path,
)
from gdviz.core.surfaces import ExpressionSurface
from gdviz.core.window import Window

LECTURE = "-x*y/(x^2+y^2)"


def _lecture_f(x: float, y: float) -> float:
    return -x * y / (x * x + y * y)


def _default_paths():
    return [line_path(1), line_path(-1), line_path(0), vertical_path(), parabola_path(1)]


def test_path_names() -> None:
    assert line_path(1).name == "y = x"
    assert line_path(-1).name == "y = −x"
    assert line_path(0).name == "y = 0"
    assert line_path(2.5).name == "y = 2.5x"
    assert vertical_path().name == "x = 0"
    assert parabola_path(1).name == "y = x²"
    assert parabola_path(-3).name == "y = −3x²"
    assert parametric_path("t", "t^2").name == "x(t) = t, y(t) = t^2"
    assert line_path(1).label(1, 2) == "y − 2 = (x − 1)"
    assert line_path(-2).label(1, -2) == "y + 2 = −2(x − 1)"
    assert parabola_path(1).label(-1, 0) == "y = (x + 1)²"
    assert vertical_path().label(3, 4) == "x = 3"


def test_paths_are_vectorised() -> None:
    t = np.array([-0.5, 0.25, 2.0])
    xs, ys = parabola_path(3).point(t)
    np.testing.assert_array_equal(xs, t)
    np.testing.assert_array_equal(ys, 3 * t * t)
    xs, ys = line_path(-2).point_near(t, 1.0, 2.0)
    np.testing.assert_array_equal(xs, 1 + t)
    np.testing.assert_array_equal(ys, 2 - 2 * t)
    xs, ys = parametric_path("cos(t)", "sin(t)").point(t)
    np.testing.assert_allclose(xs, np.cos(t))
    np.testing.assert_allclose(ys, np.sin(t))


def test_lecture_parabola_limit_is_zero() -> None:
    # The slide: f(t, t²) = −t³/(t² + t⁴) → 0.
    result = limit_along(LECTURE, 0, 0, parametric_path("t", "t^2"))
    assert isinstance(result, PathLimit)
    assert len(result.left) == len(result.right) == 8
    for row in (*result.left, *result.right):
        t = row.t
        assert (row.x, row.y) == (pytest.approx(t), pytest.approx(t * t))
        assert row.value == pytest.approx(-(t**3) / (t**2 + t**4), rel=1e-12)
    assert [r.t for r in result.right] == pytest.approx([10.0**-k for k in range(1, 9)])
    assert [r.t for r in result.left] == pytest.approx([-(10.0**-k) for k in range(1, 9)])
    assert result.estimate == pytest.approx(0.0, abs=1e-6)
    assert result.agrees_both_sides
    assert format_limit_value(result.estimate) == "0"


@pytest.mark.parametrize("m", [1.0, -1.0, 2.0, -0.5, 3.0])
def test_along_a_line_the_value_is_the_constant_minus_m_over_1_plus_m2(m) -> None:
    # ERRATA item 8: f(t, m·t) = −m/(1 + m²) for every t ≠ 0.
    result = limit_along(LECTURE, 0, 0, line_path(m))
    expected = -m / (1 + m * m)
    for row in (*result.left, *result.right):
        assert row.value == pytest.approx(_lecture_f(row.x, row.y), rel=1e-12)
        assert row.value == pytest.approx(expected, rel=1e-12)
    assert result.estimate == pytest.approx(expected, rel=1e-12)
    assert result.agrees_both_sides


def test_lecture_limit_does_not_exist() -> None:
    results = [limit_along(LECTURE, 0, 0, p) for p in _default_paths()]
    estimates = {r.path_name: r.estimate for r in results}
    assert estimates["y = x"] == pytest.approx(-0.5)
    assert estimates["y = −x"] == pytest.approx(0.5)
    assert estimates["y = x²"] == pytest.approx(0.0, abs=1e-6)
    verdict = limit_verdict(results)
    assert isinstance(verdict, Verdict)
    assert not verdict.agree
    assert verdict.value is None
    assert "different limits along different paths: the limit does not exist" in verdict.message
    assert "−0.5 along y = x" in verdict.message and "0.5 along y = −x" in verdict.message


def test_paths_that_agree_suggest_a_limit() -> None:
    # Along the axes and the parabola the lecture's f gives 0: agreement, honestly hedged.
    results = [limit_along(LECTURE, 0, 0, p) for p in (line_path(0), vertical_path())]
    results.append(limit_along(LECTURE, 0, 0, parabola_path(1)))
    verdict = limit_verdict(results)
    assert verdict.agree
    assert verdict.value == pytest.approx(0.0, abs=1e-6)
    assert verdict.message.startswith("all paths agree ≈ 0")
    assert "cannot prove" in verdict.message


def test_continuous_function_at_a_shifted_point() -> None:
    surface = ExpressionSurface("x^2 + y^2", Window(-3, 3, -3, 3))
    paths = [*_default_paths(), parametric_path("1 + sin(t)", "2 - t^3")]
    results = [limit_along(surface, 1.0, 2.0, p) for p in paths]
    for r in results:
        assert r.estimate == pytest.approx(5.0, abs=1e-6)
        last = r.right[-1]
        assert last.value == pytest.approx(last.x**2 + last.y**2, rel=1e-14)
    verdict = limit_verdict(results)
    assert verdict.agree and verdict.value == pytest.approx(5.0, abs=1e-6)
    assert verdict.message.startswith("all paths agree ≈ 5")


def test_parametric_path_with_t0() -> None:
    path = parametric_path("t - 2", "(t - 2)^2", t0=2.0)
    result = limit_along(parse_expression(LECTURE), 0, 0, path)
    assert result.t0 == 2.0
    assert result.right[0].t == pytest.approx(2.1)
    assert result.estimate == pytest.approx(0.0, abs=1e-6)


def test_parametric_path_bad_text_has_a_column() -> None:
    with pytest.raises(ExpressionError) as info:
        parametric_path("t", "t +* 2")
    assert info.value.column is not None
    assert "y(t)" in str(info.value)
    with pytest.raises(ExpressionError) as info:
        parametric_path("x + t", "t")  # only t is a variable of a path
    assert "x(t)" in str(info.value)


def test_parametric_path_that_misses_the_point() -> None:
    with pytest.raises(ValueError, match=r"does not pass through \(0, 0\) at t = 0: it is at"):
        limit_along(LECTURE, 0, 0, parametric_path("t + 1", "t"))
    with pytest.raises(ValueError, match="does not pass through"):
        limit_along(LECTURE, 0, 0, parametric_path("t", "t", t0=1.0))
    with pytest.raises(ValueError, match="not defined at t = 0"):
        limit_along(LECTURE, 0, 0, parametric_path("t", "sin(t)/t - 1"))


def test_two_sides_that_differ_along_a_path() -> None:
    result = limit_along("abs(x)/x", 0, 0, line_path(1))
    assert result.estimate is None
    assert not result.agrees_both_sides
    assert "the two sides differ (−1 vs 1)" in result.note
    verdict = limit_verdict([result, limit_along("abs(x)/x", 0, 0, line_path(-1))])
    assert not verdict.agree and "does not exist" in verdict.message


def test_blow_up_along_paths() -> None:
    result = limit_along("1/x", 0, 0, line_path(1))
    assert (result.left_trend, result.right_trend) == (MINUS_INFINITY, PLUS_INFINITY)
    assert result.estimate is None
    assert "−∞ vs +∞" in result.note
    both = limit_along("1/(x^2 + y^2)", 0, 0, line_path(2))
    assert both.estimate == math.inf
    verdict = limit_verdict([both, limit_along("1/(x^2 + y^2)", 0, 0, vertical_path())])
    assert verdict.agree and verdict.value == math.inf


def test_oscillation_does_not_settle() -> None:
    result = limit_along("sin(1/x)", 0, 0, line_path(1))
    assert result.estimate is None
    assert "does not settle" in result.note
    assert not limit_verdict([result]).agree


def test_paths_outside_the_domain_are_left_out() -> None:
    # log(x·y) is undefined along y = −x; along y = x it → −∞.
    results = [limit_along("log(x*y)", 0, 0, p) for p in (line_path(1), line_path(-1))]
    assert results[1].left_trend == results[1].right_trend == UNDEFINED
    verdict = limit_verdict(results)
    assert verdict.value == -math.inf
    one_side = limit_along("sqrt(x) + y", 0, 0, line_path(1))
    assert one_side.left_trend == UNDEFINED and one_side.right_trend == SETTLES
    assert "only the right side" in one_side.note


def test_one_sided_limits_of_one_over_x() -> None:
    left = one_sided_limit("1/x", 0, "left")
    right = one_sided_limit("1/x", 0, "right")
    assert isinstance(left, Limit1D)
    assert [r.x for r in left.rows] == pytest.approx([-(10.0**-k) for k in range(1, 9)])
    assert [r.value for r in right.rows] == pytest.approx([10.0**k for k in range(1, 9)])
    assert (left.trend, left.verdict) == (MINUS_INFINITY, "→ −∞")
    assert (right.trend, right.verdict) == (PLUS_INFINITY, "→ +∞")
    verdict = one_variable_verdict(left, right)
    assert not verdict.agree
    assert verdict.message == "left: → −∞, right: → +∞: no limit"


def test_one_over_x_at_infinity_tends_to_zero() -> None:
    plus = limit_at_infinity("1/x", +1)
    minus = limit_at_infinity("1/x", -1)
    assert [r.x for r in plus.rows] == pytest.approx([10.0**k for k in range(1, 9)])
    assert plus.estimate == pytest.approx(0.0, abs=1e-6)
    assert minus.estimate == pytest.approx(0.0, abs=1e-6)
    assert plus.verdict == "→ 0⁺"  # the lecture's lim 1/x = 0⁺ at +∞
    assert minus.verdict == "→ 0⁻"
    assert infinity_verdict(plus).message == "as x → +∞, g(x) → 0⁺"


def test_x_squared() -> None:
    left, right = one_sided_limit("x^2", 0, "left"), one_sided_limit("x^2", 0, "right")
    assert left.estimate == pytest.approx(0.0, abs=1e-12)
    assert right.estimate == pytest.approx(0.0, abs=1e-12)
    verdict = one_variable_verdict(left, right)
    assert verdict.agree and verdict.value == pytest.approx(0.0, abs=1e-12)
    assert verdict.message.endswith("the limit is 0")
    assert limit_at_infinity("x^2", 1).trend == PLUS_INFINITY
    assert limit_at_infinity("x^2", -1).verdict == "→ +∞"


def test_one_sided_limit_at_a_regular_point() -> None:
    g = parse_expression("sin(x)/x", ("x",))
    left, right = one_sided_limit(g, 0, "left"), one_sided_limit(g, 0, "right")
    verdict = one_variable_verdict(left, right)
    assert verdict.agree and verdict.value == pytest.approx(1.0, abs=1e-9)
    jump = one_variable_verdict(
        one_sided_limit("abs(x)/x", 0, "left"), one_sided_limit("abs(x)/x", 0, "right")
    )
    assert not jump.agree and jump.message == "left: → −1, right: → 1: no limit"


def test_overflow_counts_as_a_blow_up() -> None:
    right = one_sided_limit("exp(1/x)", 0, "right")
    assert right.trend == PLUS_INFINITY
    assert one_sided_limit("exp(1/x)", 0, "left").estimate == pytest.approx(0.0, abs=1e-12)
    assert limit_at_infinity("-exp(x)", 1).trend == MINUS_INFINITY


@pytest.mark.parametrize(
    "call",
    [
        lambda: one_sided_limit("1/x", 0, "up"),
        lambda: one_sided_limit("1/x", math.inf, "left"),
        lambda: limit_at_infinity("1/x", 2),
        lambda: one_sided_limit(parse_expression("x*y"), 0, "left"),
        lambda: limit_along(parse_expression("x", ("x",)), 0, 0, line_path(1)),
        lambda: line_path(math.inf),
        lambda: limit_verdict([]),
    ],
)
def test_bad_arguments_raise_value_error(call) -> None:
    with pytest.raises(ValueError):
        call()


def test_bad_one_variable_text_raises_expression_error() -> None:
    with pytest.raises(ExpressionError):
        one_sided_limit("x +", 0, "left")
    with pytest.raises(ExpressionError):
        one_sided_limit("x + y", 0, "left")  # one variable: x


def test_records_are_immutable() -> None:
    result = limit_along(LECTURE, 0, 0, line_path(1))
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.estimate = 1.0  # type: ignore[misc]
    assert isinstance(result.left, tuple) and isinstance(result.left[0], LimitRow)
