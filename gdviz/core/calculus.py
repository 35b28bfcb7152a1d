"""Secants, partial and directional derivatives at a point: the numbers the CLI and panels show."""

from __future__ import annotations

import functools
import math
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple, Protocol, cast

import numpy as np

from gdviz.core import expression as expressions
from gdviz.core.numbers import VALUE_DIGITS, format_number

if TYPE_CHECKING:
    from gdviz.core.expression import Expression


class ValueAndGradient(Protocol):
    """What calculus needs of a surface (every gdviz Surface has these)."""

    def value(self, x: np.ndarray | float, y: np.ndarray | float) -> np.ndarray: ...

    def gradient(
        self, x: np.ndarray | float, y: np.ndarray | float
    ) -> tuple[np.ndarray, np.ndarray]: ...


# A value this many float64 round-off units (eps) of its scale is shown as 0 (see shown_partial).
ROUNDOFF_FACTOR = 16


@dataclass(frozen=True)
class ShownValue:
    """A computed number as gdviz shows it: 0 when it is zero up to round-off, with a note.

    `raw` is the float64 result; `value` is what panels and the CLI show (0.0 when `raw` is
    within `bound`, the round-off estimate of shown_partial, else `raw`).
    """

    raw: float
    value: float
    bound: float = 0.0

    @property
    def is_roundoff(self) -> bool:
        """True when a nonzero float64 result is shown as 0 (it is below round-off)."""
        return self.raw != 0.0 and self.value == 0.0

    def text(self, digits: int = VALUE_DIGITS, ascii_minus: bool = False) -> str:
        """ "0 (round-off: 7.7e−16)" when zeroed, else the raw value to `digits` digits."""
        if self.is_roundoff:
            return f"0 (round-off: {format_number(self.raw, 2, ascii_minus)})"
        return format_number(self.raw, digits, ascii_minus)


@dataclass(frozen=True)
class PointReport:
    """f and its gradient at (x, y); f_x_shown, f_y_shown are the partials as shown (0 when
    they are zero up to round-off, see shown_partial)."""

    x: float
    y: float
    f: float
    f_x: float
    f_y: float
    grad_norm: float
    f_x_shown: ShownValue | None = None
    f_y_shown: ShownValue | None = None

    def __post_init__(self) -> None:
        if self.f_x_shown is None:
            object.__setattr__(self, "f_x_shown", ShownValue(self.f_x, self.f_x))
        if self.f_y_shown is None:
            object.__setattr__(self, "f_y_shown", ShownValue(self.f_y, self.f_y))


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
    exact_shown: ShownValue | None = None  # `exact` as shown: 0 when below round-off

    def __post_init__(self) -> None:
        if self.exact_shown is None:
            object.__setattr__(self, "exact_shown", ShownValue(self.exact, self.exact))


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
    if expressions.is_expression(surface):
        return _ExpressionAsSurface(surface)
    return cast("ValueAndGradient", surface)  # is_expression only narrows when True


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
    shown = (shown_partial(s, x, y, "x", f_x), shown_partial(s, x, y, "y", f_y))
    return PointReport(x, y, _value(s, x, y), f_x, f_y, math.hypot(f_x, f_y), *shown)


def shown_partial(
    surface: ValueAndGradient | Expression, x: float, y: float, axis: str, raw: float
) -> ShownValue:
    """The partial derivative ∂f/∂axis = `raw` at (x, y) as gdviz shows it.

    It is shown as 0 when it is zero symbolically, or when |raw| is within round-off:
        |raw| ≤ 16·eps·(Σ|tᵢ| + |∂d/∂x|·|x| + |∂d/∂y|·|y|),
    where d is the derivative's formula, tᵢ its additive terms at the point (the cancellation
    an evaluation can suffer) and the second-derivative part is how much d moves when x and
    y are rounded to float64 (π is not a float: at (π, π), 2x·sin y is 7.7e−16, not 0).
    A derivative that is small at every scale (1e−20·x) is not zeroed. Surfaces without a
    formula (the log loss) are shown as computed.
    """
    raw = float(raw)
    expression = _expression_of(surface)
    if expression is None or raw == 0.0 or not math.isfinite(raw):
        return ShownValue(raw, raw)
    variable = expression.variables[0 if axis == "x" else 1]
    d = expression.derivative(variable)
    if d.sympy_expr.is_zero:
        return ShownValue(raw, 0.0, abs(raw))
    magnitude, d_a, d_b = _roundoff_parts(d)
    scale = magnitude.evaluate_scalar(x, y)
    scale += abs(d_a.evaluate_scalar(x, y)) * abs(x) + abs(d_b.evaluate_scalar(x, y)) * abs(y)
    bound = ROUNDOFF_FACTOR * sys.float_info.epsilon * scale
    if math.isfinite(bound) and abs(raw) <= bound:
        return ShownValue(raw, 0.0, bound)
    return ShownValue(raw, raw, bound)


def _expression_of(surface: ValueAndGradient | Expression) -> Expression | None:
    if expressions.is_expression(surface):
        return surface if len(surface.variables) == 2 else None
    expression = getattr(surface, "expression", None)
    if expressions.is_expression(expression) and len(expression.variables) == 2:
        return expression
    return None


@functools.lru_cache(maxsize=64)
def _roundoff_parts(d: Expression) -> tuple[Expression, Expression, Expression]:
    """(Σ|terms of d|, ∂d/∂a, ∂d/∂b) for shown_partial, built once per derivative."""
    import sympy  # loaded already: d is an Expression

    terms = sympy.Add.make_args(d.sympy_expr)
    magnitude = sympy.Add(*(expressions.RealAbs(t) for t in terms))
    a, b = d.variables
    return (
        expressions.Expression(expressions.formula_of(magnitude), d.variables, magnitude),
        d.derivative(a),
        d.derivative(b),
    )


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
    shown = shown_partial(s, x, y, axis, exact)
    error = slope - exact
    return SecantReport(delta, f0, f_shifted, delta_z, slope, exact, error, axis, shifted, shown)


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


# ---------------------------------------------------------------- the lesson's numbers

Direction = str | tuple[float, float]

_DEFAULT_DELTAS = tuple(10.0**-k for k in range(13))


def direction_vector(direction: Direction) -> tuple[float, float]:
    """The unit vector for "x", "y" or a non-zero 2-vector (normalised)."""
    if isinstance(direction, str):
        if direction == "x":
            return (1.0, 0.0)
        if direction == "y":
            return (0.0, 1.0)
        raise ValueError(f"direction must be 'x', 'y' or a vector (a, b), got {direction!r}")
    return unit_vector(direction)[0]


def _exact_along(
    surface: ValueAndGradient, x: float, y: float, direction: Direction, u: tuple[float, float]
) -> float:
    f_x, f_y = _gradient(surface, x, y)
    if direction == "x":
        return f_x
    if direction == "y":
        return f_y
    return f_x * u[0] + f_y * u[1]


@dataclass(frozen=True)
class ConvergenceRow:
    """Forward and central difference quotients at one Δ, and their errors (quotient − exact)."""

    delta: float
    forward: float
    forward_error: float
    central: float
    central_error: float


def convergence_table(
    surface: ValueAndGradient | Expression,
    x: float,
    y: float,
    direction: Direction,
    deltas: tuple[float, ...] | None = None,
) -> tuple[ConvergenceRow, ...]:
    """Forward and central quotients for each Δ (default 1 … 1e-12) against the exact slope.

    Evaluated in float64 exactly as written, so the table shows truncation error shrinking with Δ
    and then round-off (f(p + Δu) − f(p) cancelling) taking over for tiny Δ.
    """
    s = _surface(surface)
    x, y = _finite("x", x), _finite("y", y)
    u = direction_vector(direction)
    exact = _exact_along(s, x, y, direction, u)
    f0 = _value(s, x, y)
    rows = []
    for delta in _DEFAULT_DELTAS if deltas is None else deltas:
        delta = _nonzero("delta", delta)
        f_plus = _value(s, x + delta * u[0], y + delta * u[1])
        f_minus = _value(s, x - delta * u[0], y - delta * u[1])
        forward = (f_plus - f0) / delta
        central = (f_plus - f_minus) / (2 * delta)
        rows.append(ConvergenceRow(delta, forward, forward - exact, central, central - exact))
    return tuple(rows)


def slice_curve(
    surface: ValueAndGradient | Expression,
    x: float,
    y: float,
    direction: Direction,
    s_min: float,
    s_max: float,
    n: int = 200,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(s, xs, ys, zs): the surface along the line (x, y) + s·u for s in [s_min, s_max]."""
    s = _surface(surface)
    x, y = _finite("x", x), _finite("y", y)
    s_min, s_max = _finite("s_min", s_min), _finite("s_max", s_max)
    if not s_min < s_max:
        raise ValueError("s_min must be less than s_max")
    if int(n) < 2:
        raise ValueError("n must be at least 2")
    u = direction_vector(direction)
    params = np.linspace(s_min, s_max, int(n))
    xs = x + params * u[0]
    ys = y + params * u[1]
    zs = np.array(np.broadcast_to(s.value(xs, ys), params.shape), dtype=np.float64)
    return params, xs, ys, zs


def directional_sweep(
    surface: ValueAndGradient | Expression, x: float, y: float, n: int = 361
) -> tuple[np.ndarray, np.ndarray]:
    """(θ, D_u f) for u = (cos θ, sin θ), θ from 0 to 2π inclusive, n samples."""
    s = _surface(surface)
    x, y = _finite("x", x), _finite("y", y)
    if int(n) < 2:
        raise ValueError("n must be at least 2")
    f_x, f_y = _gradient(s, x, y)
    angles = np.linspace(0.0, 2.0 * math.pi, int(n))
    return angles, f_x * np.cos(angles) + f_y * np.sin(angles)


class GradientAngles(NamedTuple):
    """Directions (radians in [0, 2π)) of steepest ascent, of no change, of steepest descent.

    D_u f is |∇f| along max_angle, 0 along both zero_angles (the level curve), −|∇f| along
    min_angle. All NaN where ∇f is 0 (every direction is level) or undefined.
    """

    max_angle: float
    zero_angles: tuple[float, float]
    min_angle: float


def gradient_angles(surface: ValueAndGradient | Expression, x: float, y: float) -> GradientAngles:
    """The angles of ∇f/|∇f| (maximum D_u f), of the level curve (zero) and of −∇f (minimum)."""
    s = _surface(surface)
    f_x, f_y = _gradient(s, _finite("x", x), _finite("y", y))
    if not (math.isfinite(f_x) and math.isfinite(f_y)) or (f_x == 0 and f_y == 0):
        return GradientAngles(math.nan, (math.nan, math.nan), math.nan)
    two_pi = 2.0 * math.pi
    top = math.atan2(f_y, f_x) % two_pi
    zeros = sorted(((top + math.pi / 2) % two_pi, (top - math.pi / 2) % two_pi))
    return GradientAngles(top, (zeros[0], zeros[1]), (top + math.pi) % two_pi)


@dataclass(frozen=True)
class TangentPlane:
    """z = z0 + f_x·(x − x0) + f_y·(y − y0): the plane touching the surface at (x0, y0)."""

    x0: float
    y0: float
    z0: float
    f_x: float
    f_y: float

    def height(self, x: np.ndarray | float, y: np.ndarray | float) -> np.ndarray | float:
        """The plane's z above (x, y) (arrays broadcast)."""
        return self.z0 + self.f_x * (np.asarray(x) - self.x0) + self.f_y * (np.asarray(y) - self.y0)


def tangent_plane(surface: ValueAndGradient | Expression, x: float, y: float) -> TangentPlane:
    """The tangent plane at (x, y) (fields NaN where f or ∇f is undefined)."""
    report = point_report(surface, x, y)
    return TangentPlane(report.x, report.y, report.f, report.f_x, report.f_y)


Point3 = tuple[float, float, float]


def construction_points(
    surface: ValueAndGradient | Expression, x0: float, y0: float, delta: float
) -> dict[str, Point3]:
    """The lecture's construction for f_x and f_y with step Δ: A0, B, C, D, E, F, G, H.

    A0 on the plane, B above it on the surface; C = A0 + Δ in x, D on the surface above C, E at
    B's height above C (so ED = Δz); F, G, H the same in y.
    """
    s = _surface(surface)
    x0, y0 = _finite("x0", x0), _finite("y0", y0)
    delta = _nonzero("delta", delta)
    f_a = _value(s, x0, y0)
    xc, yf = x0 + delta, y0 + delta
    return {
        "A0": (x0, y0, 0.0),
        "B": (x0, y0, f_a),
        "C": (xc, y0, 0.0),
        "D": (xc, y0, _value(s, xc, y0)),
        "E": (xc, y0, f_a),
        "F": (x0, yf, 0.0),
        "G": (x0, yf, _value(s, x0, yf)),
        "H": (x0, yf, f_a),
    }


def direction_points(
    surface: ValueAndGradient | Expression,
    x0: float,
    y0: float,
    u: tuple[float, float],
    s: float,
) -> dict[str, Point3]:
    """The lecture's construction along u (normalised) with step s: A0, B, I0, J, K.

    I0 = A0 + s·u on the plane, J on the surface above it, K at B's height above I0.
    """
    surf = _surface(surface)
    x0, y0 = _finite("x0", x0), _finite("y0", y0)
    (a, b), _ = unit_vector(u)
    s = _nonzero("s", s)
    f_a = _value(surf, x0, y0)
    xi, yi = x0 + s * a, y0 + s * b
    return {
        "A0": (x0, y0, 0.0),
        "B": (x0, y0, f_a),
        "I0": (xi, yi, 0.0),
        "J": (xi, yi, _value(surf, xi, yi)),
        "K": (xi, yi, f_a),
    }


@dataclass(frozen=True)
class PointValue:
    """f at one point of any dimension: the value (NaN off the domain), why not, and ∇f there."""

    value: float
    reason: str | None
    gradient: tuple[float, ...] = ()


def evaluate_at(
    text: str | Expression,
    values: tuple[float, ...],
    variables: tuple[str, ...] = ("x", "y", "z"),
) -> PointValue:
    """f(values) for an expression in `variables`; NaN with explain_nan's reason off-domain.

    `text` is parsed with `variables` (an Expression is used as it is, with its own variables).
    Raises ExpressionError for bad text and ValueError when the point has the wrong length.
    """
    expression = expressions.parse_expression(text, variables) if isinstance(text, str) else text
    variables = expression.variables
    values = tuple(float(v) for v in values)
    if len(values) != len(variables):
        raise ValueError(
            f"need {len(variables)} values ({', '.join(variables)}), got {len(values)}"
        )
    value = float(expression.evaluate(*values))
    gradient = tuple(float(expression.derivative(v).evaluate(*values)) for v in variables)
    reason = None if math.isfinite(value) else expressions.explain_nan(expression, *values)
    return PointValue(value, reason, gradient)
