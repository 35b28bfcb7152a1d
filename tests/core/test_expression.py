"""Tests for gdviz.core.expression: allowlist, columns, formulas, evaluation, derivatives."""

from __future__ import annotations

import builtins
import dataclasses
import math
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gdviz.core.expression import Expression, ExpressionError, explain_nan, parse_expression
from tests.core.timing import fastest_seconds

FAST = 0.1  # seconds: every rejection must be this quick


def _rejected(text: str, variables: tuple[str, ...] = ("x", "y")) -> ExpressionError:
    with pytest.raises(ExpressionError) as info:
        parse_expression(text, variables)
    assert fastest_seconds(lambda: parse_expression(text, variables), good_enough=FAST) < FAST
    return info.value


@pytest.fixture(autouse=True, scope="module")
def _warm_up() -> None:
    parse_expression("sin(x)*cos(y) + sqrt(x^2 + 1)").derivative("x")  # sympy's first-call caches


# ---------------------------------------------------------------------- the allowlist

REJECTED = [
    # (text, words the message must contain, column)
    ("9**9**9", "exponent too large", 4),
    ("9^9^9", "exponent too large", 3),
    ("__import__('os')", "function '__import__' is not available", 1),
    ("x.__class__", "attribute access", 1),
    ("(lambda: 1)()", "lambda", 2),
    ("[x for x in y]", "comprehension", 1),
    ("sin(x=1)", "keyword", 5),
    ("'abc'", "strings are not allowed", 1),
    ("x if y else 1", "conditional", 1),
    ("x < y", "comparison", 1),
    ("x[0]", "subscript", 1),
    ("foo(x)", "function 'foo' is not available", 1),
    ("unknown", "unknown name 'unknown' (allowed: x, y, pi, e)", 1),
    ("1j", "complex", 1),
    ("(" * 200 + "x" + ")" * 200, "nested", 51),
    ("2**100000", "exponent too large", 4),
    ("x @ y", "'@'", 1),
    ("sin()", "exactly 1 argument (got 0)", 1),
    ("sin(x, y)", "exactly 1 argument (got 2)", 1),
    ("True", "True/False", 1),
    ("x + 2**1001", "exponent too large", 8),
    ("x^-1001", "exponent too large", 3),
    ("1/0", "division by zero", 3),
    ("x/(2-2)", "division by zero", 4),
    ("sqrt(-1)", "sqrt", 1),
    ("x + log(0)", "log", 5),
    ("(-8)^(1/3)", "not a real number", 1),
    ("exp(1000)", "too large", 1),
    ("1e400", "too large", 1),
    ("10^400", "too large", 1),
    ("-" * 60 + "x", "nested too deeply", 51),
    ("sin(" * 50 + "x" + ")" * 50, "nested too deeply", 201),
    ("x % 2", "'%'", 1),
    ("x // 2", "floor division", 1),
    ("not x", "'not'", 1),
    ("x and y", "'and'/'or'", 1),
    ("x, y", "tuples", 1),
    ("{x: y}", "dictionaries", 1),
    ("f'{x}'", "strings", 1),
    ("b'x'", "strings", 1),
    ("None", "None", 1),
    ("sin", "is a function", 1),
    ("x(2)", "'x' is not a function", 1),
    ("sin(*x)", "unpacking", 5),
    ("2x", "2*x", 1),
    ("x^^2", "invalid syntax", 3),
    ("x = 1", "syntax", 3),
    ("x\x00", "invalid character", 2),
    ("\ud800 + x", "invalid character", 1),
    ("é + x", "unknown name 'é'", 1),
    ("x^2 + é", "unknown name 'é'", 7),
]


@pytest.mark.parametrize(("text", "words", "column"), REJECTED)
def test_rejects_with_message_and_column(text: str, words: str, column: int) -> None:
    err = _rejected(text)
    assert words in err.message
    assert err.column == column
    assert str(err) == f"column {column}: {err.message}"
    assert isinstance(err, ValueError)


@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_empty_is_rejected(text: str) -> None:
    err = _rejected(text)
    assert err.message == "empty expression"
    assert err.column is None
    assert str(err) == "empty expression"


def test_too_long_is_rejected_before_parsing() -> None:
    err = _rejected("x" * 10_000)
    assert "too long" in err.message
    assert "10000" in err.message
    assert _rejected("1+" * 500 + "x").message.startswith("expression is too long")  # 1001 chars


def test_incomplete_expression_has_a_message() -> None:
    assert "syntax" in _rejected("x +").message


def test_three_variables_change_what_is_allowed() -> None:
    assert "allowed: x, y, pi, e" in _rejected("z").message
    f = parse_expression("x + y + z", ("x", "y", "z"))
    assert f.variables == ("x", "y", "z")
    err = _rejected("w", ("x", "y", "z"))
    assert err.message == "unknown name 'w' (allowed: x, y, z, pi, e)"


def test_invalid_variable_names_are_a_programming_error() -> None:
    for bad in (("x", "sin"), ("x", "e"), ("x", "1y")):
        with pytest.raises(ValueError):
            parse_expression("x", bad)


def test_nothing_from_the_text_is_executed(tmp_path, monkeypatch) -> None:
    marker = tmp_path / "pwned"
    attacks = [
        f"__import__('os').system('touch {marker}')",
        f"exec(\"open('{marker}', 'w')\")",
        f"eval(\"open('{marker}', 'w')\")",
        f"open('{marker}', 'w')",
        f"(lambda: __import__('os').system('touch {marker}'))()",
        f"[__import__('os').system('touch {marker}') for _ in (1,)]",
        f"sin(x).__class__.__init__.__globals__['os'].system('touch {marker}')",
        f"x if __import__('os').system('touch {marker}') else y",
    ]

    def forbidden(*args, **kwargs):
        raise AssertionError("eval/exec must never be called on user text")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    for text in attacks:
        _rejected(text)
    # Valid expressions go through sympy and numpy without eval/exec either.
    f = parse_expression("sigmoid(x) * log10(abs(y) + 1) + asin(x/9)^2")
    f.derivative("x").evaluate(np.linspace(-1, 1, 5), 2.0)
    assert not marker.exists()


def test_bracket_depth_50_is_allowed_51_is_not() -> None:
    assert parse_expression("(" * 50 + "x" + ")" * 50).evaluate(3.0, 0.0) == 3.0
    assert _rejected("(" * 51 + "x" + ")" * 51).column == 51


def test_column_maps_back_through_caret_expansion() -> None:
    # "^" becomes "**" for the parser; columns must still point into the user's text.
    text = "x^2^1 + y^3 + foo"
    err = _rejected(text)
    assert err.column == text.index("foo") + 1
    assert "'foo'" in err.message


def test_column_counts_characters_not_bytes() -> None:
    text = "(é + ü) * bar"
    assert _rejected(text).column == text.index("é") + 1
    text = "ééé"
    assert _rejected(text).column == 1
    text = "1 + ééé.real"
    assert "attribute" in _rejected(text).message


def test_messages_quote_the_users_text() -> None:
    assert "'(-2)^0.5'" in _rejected("x + (-2)^0.5").message
    assert "|9^9|" in _rejected("9^9^9").message


# ---------------------------------------------------------------------- valid expressions


def _grid() -> tuple[np.ndarray, np.ndarray]:
    xs = np.array([[0.5, 1.5, 2.0], [-0.7, 0.3, 1.1]])
    ys = np.array([[1.0, -2.0, 0.25], [3.0, 0.6, -1.3]])
    return xs, ys


VALID = [
    ("x^2 + y", lambda x, y: x**2 + y),
    ("-x*y/(x^2+y^2)", lambda x, y: -x * y / (x**2 + y**2)),
    ("sigmoid(x)", lambda x, y: 1 / (1 + np.exp(-x))),
    ("ln(x^2 + 1)", lambda x, y: np.log(x**2 + 1)),
    ("log(x^2 + 1)", lambda x, y: np.log(x**2 + 1)),
    ("log2(x^2 + 1) - log10(y^2 + 1)", lambda x, y: np.log2(x**2 + 1) - np.log10(y**2 + 1)),
    ("2*pi*e + x", lambda x, y: 2 * math.pi * math.e + x),
    ("sin(x)*cos(y)", lambda x, y: np.sin(x) * np.cos(y)),
    ("tan(x/2) + atan(y) + asin(x/3) + acos(y/4)", None),
    ("sinh(x) - cosh(y) + tanh(x*y)", lambda x, y: np.sinh(x) - np.cosh(y) + np.tanh(x * y)),
    ("exp(-x^2 - y^2)", lambda x, y: np.exp(-(x**2) - y**2)),
    ("sqrt(x^2 + y^2)", lambda x, y: np.hypot(x, y)),
    ("abs(x) * abs(y - 1)", lambda x, y: np.abs(x) * np.abs(y - 1)),
    ("-x^2", lambda x, y: -(x**2)),
    ("2^-x", lambda x, y: 2.0**-x),
    ("x**3 - 3*x*y**2", lambda x, y: x**3 - 3 * x * y**2),
    ("(x^2 + 1)^(y/2)", lambda x, y: (x**2 + 1) ** (y / 2)),
    ("0.1*x + 1e-3*y + 1_000", lambda x, y: 0.1 * x + 1e-3 * y + 1000),
    ("+x - -y", lambda x, y: x + y),
    ("x\n + y", lambda x, y: x + y),
    ("x^2/3", lambda x, y: x**2 / 3),
]


def _tan_mix(x, y):
    return np.tan(x / 2) + np.arctan(y) + np.arcsin(x / 3) + np.arccos(y / 4)


@pytest.mark.parametrize(("text", "reference"), VALID)
def test_valid_expressions_match_numpy(text: str, reference) -> None:
    reference = reference or _tan_mix
    xs, ys = _grid()
    f = parse_expression(text)
    assert f.text == text
    assert f.variables == ("x", "y")
    got = f.evaluate(xs, ys)
    assert got.dtype == np.float64
    assert got.shape == xs.shape
    np.testing.assert_allclose(got, reference(xs, ys), rtol=1e-12, atol=1e-12)


def test_constant_expression_broadcasts_to_the_input_shape() -> None:
    f = parse_expression("log10(100)")
    assert f.is_constant
    xs = np.zeros((4, 5))
    out = f.evaluate(xs, xs)
    assert out.shape == (4, 5)
    np.testing.assert_allclose(out, 2.0, rtol=1e-15)
    assert f.evaluate(1.0, 2.0).shape == ()


def test_constant_derivative_broadcasts_to_the_input_shape() -> None:
    f = parse_expression("3*x + y")
    assert not f.is_constant
    xs, ys = np.random.default_rng(1).normal(size=(2, 4, 5))
    fx, fy = f.derivative("x"), f.derivative("y")
    assert fx.is_constant and fy.is_constant
    assert fx.evaluate(xs, ys).shape == (4, 5)
    np.testing.assert_array_equal(fx.evaluate(xs, ys), np.full((4, 5), 3.0))
    np.testing.assert_array_equal(fy.evaluate(xs, ys), np.ones((4, 5)))


def test_inputs_broadcast_together() -> None:
    f = parse_expression("x")  # y unused: the result must still take y's shape
    out = f.evaluate(np.arange(4.0).reshape(4, 1), np.zeros((1, 5)))
    assert out.shape == (4, 5)
    np.testing.assert_array_equal(out, np.repeat(np.arange(4.0).reshape(4, 1), 5, axis=1))
    out = f.evaluate(np.arange(3), 7)  # integer input is computed in float64
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, [0.0, 1.0, 2.0])


def test_evaluate_returns_a_fresh_writable_array() -> None:
    f = parse_expression("2 + 0*x")
    out = f.evaluate(np.zeros(3), np.zeros(3))
    out[0] = 99.0
    assert f.evaluate(np.zeros(3), np.zeros(3))[0] == 2.0


def test_wrong_number_of_values_is_an_error() -> None:
    with pytest.raises(TypeError):
        parse_expression("x + y").evaluate(1.0)


def test_formulas_use_caret_and_read_like_math() -> None:
    f = parse_expression("sin(x)*cos(y)")
    assert f.formula == "sin(x)*cos(y)"
    assert f.derivative("x").formula == "cos(x)*cos(y)"
    assert f.derivative("y").formula == "-sin(x)*sin(y)"
    assert parse_expression("x**2 + y").formula == "x^2 + y"
    assert parse_expression("x^2 + y").derivative("x").formula == "2*x"
    assert parse_expression("0.1*x").derivative("x").formula == "0.1"
    assert parse_expression("e^x").formula == "exp(x)"
    assert parse_expression("abs(x)").formula == "abs(x)"
    assert parse_expression("sigmoid(y)").formula == "sigmoid(y)"
    assert "e" in parse_expression("2*e").formula.split("*")


def test_derivative_text_is_its_formula_and_is_cached() -> None:
    f = parse_expression("x^3*y")
    d = f.derivative("x")
    assert d.text == d.formula == "3*x^2*y"
    assert f.derivative("x") is d
    assert d.variables == f.variables


def test_derivative_with_respect_to_unknown_variable() -> None:
    with pytest.raises(ExpressionError, match="differentiate"):
        parse_expression("x").derivative("z")


def test_expression_is_immutable_and_comparable() -> None:
    f = parse_expression("x + y")
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.text = "x"  # type: ignore[misc]
    assert f == parse_expression("x + y")
    assert hash(f) == hash(parse_expression("x + y"))
    assert isinstance(f, Expression)


def test_sigmoid_derivative_is_sigmoid_times_one_minus_sigmoid() -> None:
    f = parse_expression("sigmoid(x)")
    xs = np.linspace(-30, 30, 13)
    s = 1 / (1 + np.exp(-xs))
    np.testing.assert_allclose(f.derivative("x").evaluate(xs, 0.0), s * (1 - s), rtol=1e-10)


def test_sigmoid_is_stable_far_out() -> None:
    f = parse_expression("sigmoid(x)")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = f.evaluate(np.array([-1e4, -800.0, 0.0, 800.0, 1e4]), 0.0)
        d = f.derivative("x").evaluate(np.array([-1e4, 1e4]), 0.0)
    np.testing.assert_array_equal(out, [0.0, 0.0, 0.5, 1.0, 1.0])
    np.testing.assert_array_equal(d, [0.0, 0.0])
    assert f.evaluate(-30.0, 0.0) == pytest.approx(math.exp(-30) / (1 + math.exp(-30)), rel=1e-14)


def test_lecture_three_variable_function() -> None:
    # session2: f(x, y, z) = x^2 + xy + y^2 − √z; f(1, 3, 4) = 11 (ERRATA), undefined for z < 0.
    f = parse_expression("x^2 + x*y + y^2 - sqrt(z)", ("x", "y", "z"))
    assert f.evaluate(1, 3, 4) == 11.0
    assert math.isnan(f.evaluate(1, 3, -1))
    assert explain_nan(f, 1, 3, -1) == "sqrt of a negative number: z must be ≥ 0"
    assert explain_nan(f, 1, 3, 4) is None


def test_lecture_limit_differs_along_lines() -> None:
    # ERRATA 8: −xy/(x²+y²) is −m/(1+m²) along y = m·x, 0 along (t, t²) as t → 0.
    f = parse_expression("-x*y/(x^2+y^2)")
    t = np.array([1e-1, 1e-3, 1e-6])
    for m in (1.0, -1.0, 2.0):
        np.testing.assert_allclose(f.evaluate(t, m * t), -m / (1 + m * m), rtol=1e-12)
    assert abs(f.evaluate(1e-6, 1e-12)) < 1e-5


# ---------------------------------------------------------------------- domain: NaN, no warnings

NAN_CASES = [
    ("sqrt(x)", -1.0, 0.0),
    ("log(x)", 0.0, 0.0),
    ("ln(x)", -2.0, 0.0),
    ("x/y", 0.0, 0.0),
    ("1/x", 0.0, 1.0),  # a pole is a hole, not inf
    ("asin(x)", 2.0, 0.0),
    ("acos(x*y)", 2.0, 3.0),
    ("exp(x)", 1000.0, 0.0),
    ("x^y", -8.0, 1 / 3),
    ("log10(x) + log2(y)", -1.0, 1.0),
    ("sinh(x) - cosh(x)", 1000.0, 0.0),
    ("tan(x)/sin(y)", 1.0, 0.0),
]


@pytest.mark.parametrize(("text", "x", "y"), NAN_CASES)
def test_outside_the_domain_is_nan_without_warnings(text: str, x: float, y: float) -> None:
    f = parse_expression(text)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = f.evaluate(x, y)
        grid = f.evaluate(np.array([x, 0.5]), np.array([y, 0.5]))
        for var in f.variables:
            f.derivative(var).evaluate(np.array([x, 0.5]), np.array([y, 0.5]))
    assert math.isnan(value)
    assert math.isnan(grid[0])
    assert np.isfinite(grid[1])


def test_evaluate_never_returns_infinity() -> None:
    xs = np.linspace(-800, 800, 101)
    for text in ("exp(x)", "1/x", "-1/x^2", "log(abs(x))", "x^1000", "sinh(x)*y"):
        out = parse_expression(text).evaluate(xs, 5.0)
        assert not np.isinf(out).any(), text


def test_explain_nan_names_the_innermost_problem() -> None:
    v = ("x", "y", "z")
    g = parse_expression("sqrt(z - 5) + log(x - 1) + x/y + asin(y)", v)
    assert explain_nan(g, 2, 0.5, -1) == "sqrt of a negative number (z - 5 = -6)"
    assert explain_nan(g, 0, 0.5, 6) == "log of a non-positive number (x - 1 = -1)"
    assert explain_nan(g, 2, 0, 6) == "division by zero: y must not be 0"
    assert explain_nan(g, 2, 3, 6) == "asin of a number outside [−1, 1]: y must be between −1 and 1"
    assert explain_nan(g, 2, 0.5, 6) is None
    assert (
        explain_nan(parse_expression("log(x)"), -3, 0)
        == "log of a non-positive number: x must be > 0"
    )
    assert "overflow" in explain_nan(parse_expression("exp(x)*y"), 1000, 1)
    assert explain_nan(parse_expression("x + y"), math.nan, 1) == "x is not a finite number"


# ---------------------------------------------------------------------- derivatives vs differences

# Every allowed function appears; the box keeps each away from its singularities.
FAMILY = [
    "sin(x)*cos(y)",
    "tan(x/2) + atan(x*y)",
    "asin(x/3)*acos(y/3)",
    "sinh(x/2) + cosh(y/2)*tanh(x - y)",
    "exp(-(x^2 + y^2)/4)",
    "log(x^2 + 1) + ln(y^2 + 2)",
    "log10(x^2 + y^2 + 1) - log2(3 + sin(x))",
    "sqrt(x^2 + y^2 + 1)",
    "abs(x - y) * y",
    "sigmoid(3*x - 2*y)",
    "-x*y/(x^2 + y^2 + 0.5)",
    "(x^2 + 1)^(y/3) + pi*e*x",
    "x^3 - 3*x*y^2 + 2^y",
    "1/(x + 3) - y/(2 - y)^2",
]

coordinate = st.floats(min_value=-1.9, max_value=1.9, allow_nan=False)


def _central_difference(f: Expression, x: float, y: float, var: str, h: float) -> float:
    if var == "x":
        return float((f.evaluate(x + h, y) - f.evaluate(x - h, y)) / (2 * h))
    return float((f.evaluate(x, y + h) - f.evaluate(x, y - h)) / (2 * h))


@pytest.mark.parametrize("text", FAMILY)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(x=coordinate, y=coordinate)
def test_symbolic_derivatives_match_central_differences(text: str, x: float, y: float) -> None:
    assume(abs(x - y) > 1e-3)  # abs(x − y) has a kink on the diagonal
    f = parse_expression(text)
    h = 1e-6
    for var in ("x", "y"):
        exact = float(f.derivative(var).evaluate(x, y))
        numeric = _central_difference(f, x, y, var, h)
        assert math.isfinite(exact)
        assert exact == pytest.approx(numeric, rel=1e-5, abs=1e-5), (text, var, x, y)
        # Second derivatives exercise what sympy produces (tan^2 + 1, sign, sigmoid products...).
        second = f.derivative(var).derivative(var)
        exact2 = float(second.evaluate(x, y))
        numeric2 = _central_difference(f.derivative(var), x, y, var, 1e-5)
        assert exact2 == pytest.approx(numeric2, rel=1e-4, abs=1e-4), (text, var, x, y)


def test_family_covers_every_function() -> None:
    from gdviz.core.expression import FUNCTIONS

    used = " ".join(FAMILY)
    for name in FUNCTIONS:
        assert f"{name}(" in used, name


def test_known_derivatives_from_the_lecture() -> None:
    # d/dx √x = 1/(2√x): f'(4) = 1/4 (session2, derivative section)
    f = parse_expression("sqrt(x)")
    assert float(f.derivative("x").evaluate(4.0, 0.0)) == 0.25
    assert f.derivative("x").formula in ("1/(2*sqrt(x))", "1/(2*x^(1/2))")


def test_whitespace_and_slide_typography_are_accepted() -> None:
    xs, ys = _grid()
    f = parse_expression("  2·π·x − y÷2\u00a0")  # leading spaces, ·, π, −, ÷, no-break space
    np.testing.assert_allclose(f.evaluate(xs, ys), 2 * math.pi * xs - ys / 2, rtol=1e-14)
    text = "  π·x − foo"
    assert _rejected(text).column == text.index("foo") + 1
