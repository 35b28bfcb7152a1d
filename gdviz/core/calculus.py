"""Secants, partial and directional derivatives at a point: the numbers the CLI and panels show."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from gdviz.core.expression import Expression


class ValueAndGradient(Protocol):
    """What calculus needs of a surface (every gdviz Surface has these)."""

    def value(self, x: np.ndarray | float, y: np.ndarray | float) -> np.ndarray: ...

    def gradient(
        self, x: np.ndarray | float, y: np.ndarray | float
    ) -> tuple[np.ndarray, np.ndarray]: ...


@dataclass(frozen=True)
class PointReport:
    """f and its gradient at (x, y)."""

    x: float
    y: float
    f: float
    f_x: float
    f_y: float
    grad_norm: float


@dataclass(frozen=True)
class SecantReport:
    """Forward secant along one axis: slope Δz/Δ against the exact partial derivative."""

    delta: float
    f0: float
    f_shifted: float
    delta_z: float
    slope: float
    exact: float
    error: float
    axis: str = "x"
    point: tuple[float, float] = (math.nan, math.nan)


@dataclass(frozen=True)
class DirectionalReport:
    """Directional derivative ∇f·u at (x, y) and the secant slope over a step s along u."""

    u: tuple[float, float]
    u_norm_input: float
    step: float
    point: tuple[float, float]
    f0: float
    f_shifted: float
    secant_slope: float
    derivative: float
    error: float = math.nan


class _ExpressionAsSurface:
    """Adapter so a plain two-variable Expression can be measured like a Surface."""

    def __init__(self, expression: Expression):
        if len(expression.variables) != 2:
            raise ValueError("calculus needs an expression of two variables")
        self.expression = expression
        self.f_a = expression.derivative(expression.variables[0])
        self.f_b = expression.derivative(expression.variables[1])

    def value(self, x, y) -> np.ndarray:
        return self.expression.evaluate(x, y)

    def gradient(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        return self.f_a.evaluate(x, y), self.f_b.evaluate(x, y)


def _surface(surface: ValueAndGradient | Expression) -> ValueAndGradient:
    if isinstance(surface, Expression):
        return _ExpressionAsSurface(surface)
    return surface


def _finite(name: str, value: float) -> float:
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number")
    return value


def _nonzero(name: str, value: float) -> float:
    value = _finite(name, value)
    if value == 0:
        raise ValueError(f"{name} must be non-zero")
    return value


def _value(surface: ValueAndGradient, x: float, y: float) -> float:
    return float(np.asarray(surface.value(x, y), dtype=np.float64))


def _gradient(surface: ValueAndGradient, x: float, y: float) -> tuple[float, float]:
    gx, gy = surface.gradient(x, y)
    return float(np.asarray(gx, dtype=np.float64)), float(np.asarray(gy, dtype=np.float64))


def point_report(surface: ValueAndGradient | Expression, x: float, y: float) -> PointReport:
    """f(x, y), f_x, f_y and |∇f| (NaN where f is undefined)."""
    s = _surface(surface)
    x, y = _finite("x", x), _finite("y", y)
    f_x, f_y = _gradient(s, x, y)
    return PointReport(x, y, _value(s, x, y), f_x, f_y, math.hypot(f_x, f_y))


def _secant(
    surface: ValueAndGradient | Expression, x: float, y: float, delta: float, axis: str
) -> SecantReport:
    s = _surface(surface)
    x, y = _finite("x", x), _finite("y", y)
    delta = _nonzero("delta", delta)
    shifted = (x + delta, y) if axis == "x" else (x, y + delta)
    f0 = _value(s, x, y)
    f_shifted = _value(s, *shifted)
    delta_z = f_shifted - f0
    slope = delta_z / delta
    f_x, f_y = _gradient(s, x, y)
    exact = f_x if axis == "x" else f_y
    return SecantReport(delta, f0, f_shifted, delta_z, slope, exact, slope - exact, axis, shifted)


def secant_x(
    surface: ValueAndGradient | Expression, x: float, y: float, delta: float
) -> SecantReport:
    """Forward secant from (x, y) to (x + Δ, y) against the partial derivative f_x(x, y)."""
    return _secant(surface, x, y, delta, "x")


def secant_y(
    surface: ValueAndGradient | Expression, x: float, y: float, delta: float
) -> SecantReport:
    """Forward secant from (x, y) to (x, y + Δ) against the partial derivative f_y(x, y)."""
    return _secant(surface, x, y, delta, "y")


def unit_vector(direction: tuple[float, float]) -> tuple[tuple[float, float], float]:
    """(u, |v|): the direction normalised to length 1 and the length it was given with."""
    a, b = (float(c) for c in direction)
    norm = math.hypot(a, b)
    if not (math.isfinite(a) and math.isfinite(b)) or norm == 0 or not math.isfinite(norm):
        raise ValueError("direction vector must be non-zero")
    return (a / norm, b / norm), norm


def directional(
    surface: ValueAndGradient | Expression,
    x: float,
    y: float,
    direction: tuple[float, float],
    step: float,
) -> DirectionalReport:
    """D_u f(x, y) = ∇f·u and the secant (f(A + s·u) − f(A)) / s, u = direction / |direction|."""
    s = _surface(surface)
    x, y = _finite("x", x), _finite("y", y)
    u, norm = unit_vector(direction)
    step = _nonzero("step", step)
    point = (x + step * u[0], y + step * u[1])
    f0 = _value(s, x, y)
    f_shifted = _value(s, *point)
    secant_slope = (f_shifted - f0) / step
    f_x, f_y = _gradient(s, x, y)
    derivative = f_x * u[0] + f_y * u[1]
    return DirectionalReport(
        u, norm, step, point, f0, f_shifted, secant_slope, derivative, secant_slope - derivative
    )
