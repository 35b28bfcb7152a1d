"""Tests for the scalar (Python float) evaluation path: it must give `evaluate`'s values, fast."""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gdviz.core.descent import run_to_end
from gdviz.core.expression import (
    Expression,
    RealAbs,
    Sigmoid,
    formula_of,
    parse_expression,
)
from gdviz.core.expression.numpy_compiler import _NUMPY_FUNCTIONS
from gdviz.core.optimizers import make_optimizer
from gdviz.core.presets import all_presets
from gdviz.core.surfaces import ExpressionSurface
from gdviz.core.window import Window

X, Y = sympy.Symbol("x", real=True), sympy.Symbol("y", real=True)
WINDOW = Window(-2.0, 2.0, -1.0, 3.0)
# Well above the few-ulp differences between `math` and numpy's own (SIMD) sin, exp, pow, ...
RTOL = 1e-13

coordinate = st.floats(min_value=-5.0, max_value=5.0, allow_nan=False)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _with_derivatives(expr: Expression) -> list[Expression]:
    """expr, its two first and three second partial derivatives."""
    fx, fy = expr.derivative("x"), expr.derivative("y")
    return [expr, fx, fy, fx.derivative("x"), fx.derivative("y"), fy.derivative("y")]


def _numpy_value(expr: Expression, x: float, y: float) -> float:
    return float(expr.evaluate(x, y))


def _same_bits(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a.hex() == b.hex()


# ------------------------------------------------ +, −, ×, ÷, x², x³, sqrt, abs: the same bits

# Only correctly rounded operations, so the scalar path must reproduce numpy bit for bit:
# a different operation order or a lost term shows up here even when it is tiny.
EXACT_TEXTS = [
    "x^2 + y^2",
    "x^2/2 + 5*y^2",
    "x^2 - y^2",
    "(1 - x)^2 + 100*(y - x^2)^2",
    "-x*y/(x^2 + y^2)",
    "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
    "(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2",
    "sqrt(x^2 + y^2 + 1)",
    "sqrt(x)*y - 1/sqrt(y)",
    "x + 1/sqrt(y) + 1/x + 1/(1 + y^2)^2",  # bare reciprocals, not parts of a product
    "abs(x - y)*x + abs(y)",
    "x/(y - 1) + 3/x - 1/(1 + x^2 + y^2)",
    "pi*x^3 - e*y/7 + 2*pi*x*y",
]


@pytest.mark.parametrize("text", EXACT_TEXTS)
@SETTINGS
@given(x=coordinate, y=coordinate)
def test_arithmetic_and_sqrt_give_the_same_bits_as_evaluate(text, x, y):
    for expr in _derivative_family(text):
        scalar = expr.evaluate_scalar(x, y)
        assert type(scalar) is float
        assert _same_bits(scalar, _numpy_value(expr, x, y)), (expr.formula, x, y)


@cache
def _derivative_family(text: str) -> tuple[Expression, ...]:
    """expr and those of its derivatives whose powers are products, divisions or sqrt."""
    family = tuple(e for e in _with_derivatives(parse_expression(text)) if _exact(e.sympy_expr))
    assert family[0].text == text, text  # f itself at least
    return family


# x^4 or x^(3/2) go through pow, whose last bit differs between libm and numpy.
_EXACT_EXPONENTS = {1, 2, 3, -1, -2, sympy.S.Half, -sympy.S.Half}


def _exact(tree: sympy.Expr) -> bool:
    return all(p.exp in _EXACT_EXPONENTS for p in tree.atoms(sympy.Pow))


# ------------------------------------------------ every function: within rounding of numpy

# Every function a user can type, in compositions whose derivatives bring in more.
FUNCTION_TEXTS = [
    "sin(x)*cos(y)",
    "tan(x*y/4)",
    "asin(x/6)*acos(y/6)",
    "atan(x - 2*y) + atan(1/(x + 10))",
    "sinh(x/2) + cosh(y/3)*tanh(x*y)",
    "exp(-(x^2 + y^2)/4)",
    "log(1 + x^2) + ln(2 + y^2)",
    "log10(1 + x^2)*log2(6 + y)",
    "sqrt(x^2 + y^2 + 1) + abs(sin(x))*y",
    "sigmoid(x*y - 1) + sigmoid(3*x)*log(1 + exp(y))",
    "x^y",
    "x^(1/3) + y^2.5",
    "x^4 - x^5*y + y^-3",
    "exp(sin(x) - cos(y))",
    "(4 - 2.1*x^2 + x^4/3)*x^2 + x*y + (-4 + 4*y^2)*y^2",
]

# Functions sympy may produce but users cannot type, and sympy's own Abs.
_u = X * Y / 3 + sympy.Rational(1, 10)
SYMPY_TREES = [
    sympy.asinh(_u) + sympy.acosh(X**2 + Y**2 + 1) + sympy.atanh(_u / 3),
    sympy.sec(_u) * sympy.csc(_u + 2) + sympy.cot(_u + 2),
    sympy.sech(_u) + sympy.csch(_u + 7) * sympy.coth(_u - 7),
    sympy.sign(X - Y) * sympy.Abs(X + Y) + RealAbs(X) * sympy.DiracDelta(Y + 1),
    Sigmoid(X) * Sigmoid(-Y),
]


@cache
def _checked_family(key: str | int) -> tuple[tuple[Expression, Expression], ...]:
    """Each tree of the family with its error scale compiled (see `_error_scale`)."""
    if isinstance(key, str):
        base = parse_expression(key)
    else:
        tree = SYMPY_TREES[key]
        base = Expression(formula_of(tree), ("x", "y"), tree)
    return tuple(
        (e, Expression("scale", e.variables, _error_scale(e.sympy_expr)))
        for e in _with_derivatives(base)
    )


def _error_scale(expr: sympy.Expr) -> sympy.Expr:
    """A first-order bound on how far rounding errors of relative size ε move expr, over ε.

    Sums add their terms' bounds, products multiply them, f(u) gives |f(u)| + |f'(u)|·bound(u).
    Near a cancellation (1 − sigmoid(z) for large z, sin x − cos y) a one-ulp difference in a
    function's value is large relative to the result but small against this scale.
    """
    if expr.is_Atom:
        return RealAbs(expr)
    if expr.is_Add:
        return sympy.Add(*(_error_scale(a) for a in expr.args))
    if expr.is_Mul:
        return sympy.Mul(*(_error_scale(a) for a in expr.args))
    if expr.is_Pow:
        b, e = expr.args
        scale = RealAbs(expr) + RealAbs(e * b ** (e - 1)) * _error_scale(b)
        if e.free_symbols:
            scale += RealAbs(expr * sympy.log(RealAbs(b))) * _error_scale(e)
        return scale
    (u,) = expr.args[:1]
    if expr.func in (sympy.sign, sympy.DiracDelta, sympy.Abs, RealAbs):
        return RealAbs(expr) + _error_scale(u)  # slope 1 (abs) or a jump only at 0
    t = sympy.Dummy("t", real=True)
    slope = sympy.diff(expr.func(t), t).subs(t, u)
    return RealAbs(expr) + RealAbs(slope) * _error_scale(u)


def _assert_close_to_evaluate(expr: Expression, scale: Expression, x: float, y: float) -> None:
    scalar = expr.evaluate_scalar(x, y)
    assert type(scalar) is float
    _assert_close(scalar, _numpy_value(expr, x, y), _numpy_value(scale, x, y), (expr.formula, x, y))


def _assert_close(got: float, want: float, bound: float, context: tuple) -> None:
    """got is NaN where want is, else within RTOL·bound of it (no bound where bound is NaN)."""
    if math.isnan(want):
        assert math.isnan(got), context
    else:
        assert math.isnan(bound) or abs(got - want) <= RTOL * bound, (*context, got, want)


@pytest.mark.parametrize("key", [*FUNCTION_TEXTS, *range(len(SYMPY_TREES))])
@SETTINGS
@given(x=coordinate, y=coordinate)
def test_every_function_and_its_derivatives_match_evaluate(key, x, y):
    for expr, scale in _checked_family(key):
        _assert_close_to_evaluate(expr, scale, x, y)


def test_the_families_cover_every_function_the_compiler_knows():
    used = set()
    for key in [*FUNCTION_TEXTS, *range(len(SYMPY_TREES))]:
        for expr, _ in _checked_family(key):
            used |= {type(f) for f in expr.sympy_expr.atoms(sympy.Function)}
    compiled = set(_NUMPY_FUNCTIONS)
    assert compiled <= used, compiled - used


# ------------------------------------------------ domain edges, poles, overflow: evaluate's value

NAN = math.nan
EDGES = [
    # (text, x, y, evaluate's value worked out by hand)
    ("sqrt(x)", -1.0, 0.0, NAN),
    ("1/x", 0.0, 0.0, NAN),
    ("1/x", -0.0, 0.0, NAN),
    ("atan(1/x)", 0.0, 0.0, math.pi / 2),  # 1/0 = inf in numpy, atan(inf) = π/2
    ("atan(1/x)", -0.0, 0.0, -math.pi / 2),
    ("exp(-1/x^2)", 0.0, 0.0, 0.0),
    ("exp(x)", 1000.0, 0.0, NAN),
    ("exp(-x)", math.inf, 0.0, 0.0),
    ("x*exp(x)", 1000.0, 0.0, NAN),
    ("log(x)", 0.0, 0.0, NAN),
    ("log(x)", -1.0, 0.0, NAN),
    ("log10(x)", 0.0, 0.0, NAN),
    ("log2(x)", -2.0, 0.0, NAN),
    ("x^(1/3)", -8.0, 0.0, NAN),
    ("x^y", -8.0, 1 / 3, NAN),
    ("x^y", -2.0, 3.0, -8.0),
    ("x^y", 0.0, -1.0, NAN),
    ("x^5", 1e100, 0.0, NAN),
    ("x*y", 1e200, 1e200, NAN),
    ("1/(x*y)", 1e200, 1e200, 0.0),  # x·y overflows to inf, 1/inf = 0 in both
    ("asin(x)", 2.0, 0.0, NAN),
    ("acos(x)", -1.5, 0.0, NAN),
    ("cosh(x)", 1000.0, 0.0, NAN),
    ("sinh(x)", -1000.0, 0.0, NAN),
    ("tan(x)", math.inf, 0.0, NAN),
    ("sin(x)", -math.inf, 0.0, NAN),
    ("sigmoid(x)", 1000.0, 0.0, 1.0),
    ("sigmoid(x)", -1000.0, 0.0, 0.0),
    ("abs(x)/x", 0.0, 0.0, NAN),
    ("(x - y)/(x^2 - y)", 1.0, 1.0, NAN),  # 0/0
    ("x + y", math.nan, 0.0, NAN),
]


@pytest.mark.parametrize(("text", "x", "y", "expected"), EDGES)
def test_domain_edges_poles_and_overflow_return_evaluates_value(text, x, y, expected):
    expr = parse_expression(text)
    scalar = expr.evaluate_scalar(x, y)
    assert type(scalar) is float
    assert _same_bits(scalar, _numpy_value(expr, x, y))
    assert _same_bits(scalar, expected)


SYMPY_EDGES = [
    (sympy.acosh(X), 0.5, NAN),
    (sympy.atanh(X), 1.0, NAN),  # inf in numpy
    (sympy.coth(X), 0.0, NAN),
    (sympy.sign(X), 0.0, 0.0),
    (sympy.sign(X), -0.0, 0.0),
    (sympy.sign(X), -3.0, -1.0),
    (sympy.DiracDelta(X), 0.0, NAN),
    (sympy.DiracDelta(X), 1.0, 0.0),
]


@pytest.mark.parametrize(("tree", "x", "expected"), SYMPY_EDGES)
def test_edges_of_functions_sympy_introduces(tree, x, expected):
    expr = Expression(formula_of(tree), ("x", "y"), tree)
    scalar = expr.evaluate_scalar(x, 0.0)
    assert _same_bits(scalar, _numpy_value(expr, x, 0.0))
    assert scalar == expected or (math.isnan(scalar) and math.isnan(expected))


def test_gradient_falls_back_per_component():
    # f is defined at x = 0 but f_x = 1/(2·sqrt(x)) is a pole: only f_x is NaN.
    f, fx, fy = parse_expression("sqrt(x) + 3*y").value_and_gradient_scalar(0.0, 2.0)
    assert (f, fy) == (6.0, 3.0)
    assert math.isnan(fx)
    f, fx, fy = parse_expression("abs(x) + y^2").value_and_gradient_scalar(0.0, -1.5)
    assert (f, fx, fy) == (2.25, 0.0, -3.0)
    # No exception here: x·y overflows to inf, which evaluate maps to NaN.
    f, fx, fy = parse_expression("x*y").value_and_gradient_scalar(1e200, 1e300)
    assert math.isnan(f)
    assert (fx, fy) == (1e300, 1e200)


# ------------------------------------------------ API: arguments, variables, types


def test_wrong_number_of_values_is_a_type_error():
    expr = parse_expression("x + y")
    with pytest.raises(TypeError, match="expected 2 values"):
        expr.evaluate_scalar(1.0)
    with pytest.raises(TypeError, match="expected 2 values"):
        expr.value_and_gradient_scalar(1.0, 2.0, 3.0)


def test_numpy_and_integer_inputs_give_python_floats():
    expr = parse_expression("x/y")
    result = expr.evaluate_scalar(np.float64(1.0), 4)
    assert type(result) is float and result == 0.25
    assert all(type(v) is float for v in expr.value_and_gradient_scalar(np.float32(1.0), 4))


def test_other_variable_counts():
    three = parse_expression("x*y*z + z", ("x", "y", "z"))
    assert three.value_and_gradient_scalar(2.0, 3.0, 5.0) == (35.0, 15.0, 10.0, 7.0)
    one = parse_expression("t^3 - 2*t", ("t",))
    assert one.value_and_gradient_scalar(2.0) == (4.0, 10.0)
    constant = parse_expression("2*pi")
    assert constant.evaluate_scalar(1.0, 1.0) == 2 * math.pi


# ------------------------------------------------ ExpressionSurface.value_and_gradient

EXPRESSION_PRESETS = [p for p in all_presets() if isinstance(p.surface(), ExpressionSurface)]


@pytest.mark.parametrize("preset", EXPRESSION_PRESETS, ids=lambda p: p.name)
@settings(max_examples=40, deadline=None)
@given(x=coordinate, y=coordinate)
def test_surface_value_and_gradient_is_value_and_gradient(preset, x, y):
    surface = _surface(preset.name)
    result = surface.value_and_gradient(x, y)
    gx, gy = surface.gradient(x, y)
    expected = (float(surface.value(x, y)), float(gx), float(gy))
    assert len(result) == 3 and all(type(v) is float for v in result)
    for expr, got, want in zip(
        (surface.expression, surface.f_x, surface.f_y), result, expected, strict=True
    ):
        assert _same_bits(got, expr.evaluate_scalar(x, y))
        _assert_close(got, want, _numpy_value(_scale_of(expr), x, y), (expr.formula, x, y))


@cache
def _surface(name: str) -> ExpressionSurface:
    return next(p for p in EXPRESSION_PRESETS if p.name == name).surface()


@cache
def _scale_of(expr: Expression) -> Expression:
    return Expression("scale", expr.variables, _error_scale(expr.sympy_expr))


class _NumpyOnly:
    """An ExpressionSurface without value_and_gradient, so descent takes the numpy path."""

    def __init__(self, surface: ExpressionSurface):
        self.default_window = surface.default_window
        self.value, self.gradient = surface.value, surface.gradient
        self.expression, self.f_x, self.f_y = surface.expression, surface.f_x, surface.f_y


@pytest.mark.parametrize(
    ("text", "start", "lr", "steps"),
    [
        ("(1 - x)^2 + 100*(y - x^2)^2", (-1.5, 2.0), 1e-4, 2000),  # max steps
        ("x^2 + y^2", (1.0, -0.5), 0.1, 1000),  # converges
        ("sqrt(x) + y^2", (1.0, 1.0), 1.0, 100),  # leaves the domain at x < 0
        ("x^2 - y^2", (0.5, 0.5), 0.5, 1000),  # diverges
    ],
)
def test_descent_takes_the_same_path_on_the_fast_path(text, start, lr, steps):
    surface = ExpressionSurface(text, WINDOW)
    optimizer = make_optimizer("gd", lr=lr)
    fast = run_to_end(surface, start, optimizer, max_steps=steps)
    slow = run_to_end(_NumpyOnly(surface), start, optimizer, max_steps=steps)
    assert fast == slow
