"""explain_nan: why an expression has no value at a point, in words for the user."""

from __future__ import annotations

import math

import numpy as np
import sympy

from gdviz.core.expression.model import Expression, formula_of
from gdviz.core.expression.numpy_compiler import _compile


def explain_nan(expression: Expression, *values: float) -> str | None:
    """Why `expression` has no value at this point (None if it has one).

    Finds the innermost sqrt/log/asin/acos/power/division whose argument is out of its domain,
    e.g. "sqrt of a negative number: z must be ≥ 0" or "log of a non-positive number (x - 1 = -2)".
    """
    point = tuple(np.float64(v) for v in values)
    value = expression.evaluate(*point)
    if value.ndim != 0:
        raise ValueError("explain_nan takes one point (scalar values)")
    if np.isfinite(value):
        return None
    for name, v in zip(expression.variables, point, strict=True):
        if not np.isfinite(v):
            return f"{name} is not a finite number"
    reason = _innermost_failure(expression.sympy_expr, expression.variables, point)
    return reason or "the expression is undefined at this point"


def _value_at(expr: sympy.Expr, variables: tuple[str, ...], point: tuple) -> float:
    with np.errstate(all="ignore"):
        return float(np.asarray(_compile(expr, variables)(point), dtype=np.float64))


def _innermost_failure(expr: sympy.Expr, variables: tuple[str, ...], point: tuple) -> str | None:
    for child in expr.args:
        reason = _innermost_failure(child, variables, point)
        if reason:
            return reason
    if expr.is_Atom:
        return None
    if not all(math.isfinite(_value_at(a, variables, point)) for a in expr.args):
        return None
    if math.isfinite(_value_at(expr, variables, point)):
        return None
    return _describe_failure(expr, variables, point)


def _detail(arg: sympy.Expr, value: float, requirement: str) -> str:
    if arg.is_Symbol:
        return f": {arg.name} {requirement}"
    return f" ({formula_of(arg)} = {value:g})"


def _describe_failure(expr: sympy.Expr, variables: tuple[str, ...], point: tuple) -> str:
    args = [_value_at(a, variables, point) for a in expr.args]
    if expr.is_Pow:
        base, exponent = expr.args
        b, e = args
        if b == 0 and e < 0:
            return "division by zero" + _detail(base, b, "must not be 0")
        if b < 0 and e != int(e):
            if abs(e) == 0.5:
                return "sqrt of a negative number" + _detail(base, b, "must be ≥ 0")
            return "fractional power of a negative number" + _detail(base, b, "must be ≥ 0")
        return "value too large (overflow) in " + formula_of(expr)
    if expr.func == sympy.log:
        return "log of a non-positive number" + _detail(expr.args[0], args[0], "must be > 0")
    if expr.func in (sympy.asin, sympy.acos):
        name = expr.func.__name__
        return f"{name} of a number outside [−1, 1]" + _detail(
            expr.args[0], args[0], "must be between −1 and 1"
        )
    if expr.func == sympy.DiracDelta:
        return "not differentiable here" + _detail(expr.args[0], args[0], "must not be 0")
    if math.isinf(_value_at(expr, variables, point)):
        return "value too large (overflow) in " + formula_of(expr)
    return f"{formula_of(expr)} is undefined here"
