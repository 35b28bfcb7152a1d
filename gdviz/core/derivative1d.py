"""One-variable derivatives: secant slopes Δy/Δx shrinking to g'(a), and the tangent line."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gdviz.core import expression as expressions

if TYPE_CHECKING:
    from gdviz.core.expression import Expression

# 1, 0.1, …, 1e-10 and the lecture's Δx = 0.00008 (slide: "≈ 0.26"; exact 0.2499988).
DEFAULT_DXS = tuple(sorted((*(10.0**-k for k in range(11)), 0.00008), reverse=True))


@dataclass(frozen=True)
class SecantRow1D:
    """One secant from a to a + Δx: Δy = g(a + Δx) − g(a), slope Δy/Δx, error slope − g'(a)."""

    dx: float
    dy: float
    slope: float
    error: float


def _expression_1d(g: Expression | str) -> Expression:
    if isinstance(g, str):
        return expressions.parse_expression(g, ("x",))
    if len(g.variables) != 1:
        raise ValueError("a one-variable derivative needs an expression of one variable")
    return g


def _finite(name: str, value: float) -> float:
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number")
    return value


def _value(g: Expression, x: float) -> float:
    return float(g.evaluate(x))


def derivative_at(g: Expression | str, a: float) -> float:
    """g'(a) from the symbolic derivative (NaN where it is undefined)."""
    g = _expression_1d(g)
    return _value(g.derivative(g.variables[0]), _finite("a", a))


def secant_1d(g: Expression | str, a: float, dx: float) -> SecantRow1D:
    """The secant from (a, g(a)) to (a + Δx, g(a + Δx)) against g'(a)."""
    g = _expression_1d(g)
    a, dx = _finite("a", a), _finite("dx", dx)
    if dx == 0:
        raise ValueError("dx must be non-zero")
    dy = _value(g, a + dx) - _value(g, a)
    slope = dy / dx
    return SecantRow1D(dx, dy, slope, slope - derivative_at(g, a))


def secant_table_1d(
    g: Expression | str, a: float, dxs: tuple[float, ...] | None = None
) -> tuple[SecantRow1D, ...]:
    """secant_1d for each Δx (default DEFAULT_DXS: 1 … 1e-10 with the lecture's 0.00008)."""
    g = _expression_1d(g)
    return tuple(secant_1d(g, a, dx) for dx in (DEFAULT_DXS if dxs is None else dxs))


def tangent_line_1d(g: Expression | str, a: float) -> tuple[float, float]:
    """(slope, intercept) of the tangent y = g'(a)·x + (g(a) − g'(a)·a)."""
    g = _expression_1d(g)
    a = _finite("a", a)
    slope = derivative_at(g, a)
    return slope, _value(g, a) - slope * a
