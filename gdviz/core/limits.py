"""Limits by numbers: f along paths into a point (two variables) and one-sided limits of g(x)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, cast

import numpy as np

from gdviz.core import expression as expressions
from gdviz.core.expression import ExpressionError
from gdviz.core.numbers import format_number

if TYPE_CHECKING:
    from gdviz.core.expression import Expression

# A side "settles" when its last two values differ by at most SETTLE_TOLERANCE × scale, where
# scale = max(1, largest |value| on that side); two sides or two paths agree within the same.
SETTLE_TOLERANCE = 1e-3
# Values within ZERO_TOLERANCE × scale of 0 are shown as 0 (f(t, t²) = −t/(1 + t²) gives 1e-8).
ZERO_TOLERANCE = 1e-6
# How many of the last values must grow monotonically in size to call it a blow-up.
_BLOW_UP_RUN = 4
# A parametric path must pass within this × max(1, |x0|, |y0|) of (x0, y0) at t0.
PATH_TOLERANCE = 1e-9

# Trends of one side of a limit table.
SETTLES = "settles"
PLUS_INFINITY = "+inf"
MINUS_INFINITY = "-inf"
UNSETTLED = "unsettled"
UNDEFINED = "undefined"


class _HasValue(Protocol):
    def value(self, x: np.ndarray | float, y: np.ndarray | float) -> np.ndarray: ...


# ---------------------------------------------------------------- paths into a point


def _signed(value: float) -> str:
    return f"{value:g}".replace("-", "−")


def _shifted(name: str, origin: float) -> str:
    """'x' -> 'x − 1' / 'x + 2' for a point off the origin."""
    if origin == 0:
        return name
    sign = "−" if origin > 0 else "+"
    return f"{name} {sign} {abs(origin):g}"


def _coefficient(m: float) -> str:
    if m == 1:
        return ""
    if m == -1:
        return "−"
    return _signed(m)


@dataclass(frozen=True)
class LimitPath:
    """A curve t ↦ (x(t), y(t)) along which to approach a point as t → t0.

    Built-in paths are `relative`: `point(t)` is the offset from the point (x0, y0), and
    `point_near(t, x0, y0)` adds it. Parametric paths are absolute: what the user typed.
    """

    name: str
    t0: float
    relative: bool
    _offset: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]] = field(
        repr=False, compare=False
    )
    _label: Callable[[float, float], str] = field(repr=False, compare=False)

    def point(self, t: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) at t (offsets from (x0, y0) for a relative path); vectorised over t."""
        xs, ys = self._offset(np.asarray(t, dtype=np.float64))
        return np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)

    def point_near(
        self, t: np.ndarray | float, x0: float, y0: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) at t on this path through (x0, y0)."""
        xs, ys = self.point(t)
        if self.relative:
            return x0 + xs, y0 + ys
        return xs, ys

    def label(self, x0: float, y0: float) -> str:
        """The path's equation at the point (x0, y0): 'y = x' at the origin, 'y − 2 = (x − 1)'."""
        return self._label(float(x0), float(y0))


def line_path(slope: float) -> LimitPath:
    """The line y − y0 = m·(x − x0), walked with x = x0 + t."""
    m = float(slope)
    if not math.isfinite(m):
        raise ValueError("the slope must be a finite number (use vertical_path for x = x0)")

    def label(x0: float, y0: float) -> str:
        lhs = _shifted("y", y0)
        if m == 0:
            return f"{lhs} = 0"
        inner = _shifted("x", x0)
        if x0 != 0:
            inner = f"({inner})"
        return f"{lhs} = {_coefficient(m)}{inner}"

    return LimitPath(label(0.0, 0.0), 0.0, True, lambda t: (t, m * t), label)


def vertical_path() -> LimitPath:
    """The vertical line x = x0, walked with y = y0 + t."""

    def label(x0: float, y0: float) -> str:
        return f"x = {_signed(x0)}"

    return LimitPath(label(0.0, 0.0), 0.0, True, lambda t: (np.zeros_like(t), t), label)


def parabola_path(k: float) -> LimitPath:
    """The parabola y − y0 = k·(x − x0)², walked with x = x0 + t."""
    k = float(k)
    if not math.isfinite(k):
        raise ValueError("the parabola's k must be a finite number")

    def label(x0: float, y0: float) -> str:
        lhs = _shifted("y", y0)
        if k == 0:
            return f"{lhs} = 0"
        inner = "x²" if x0 == 0 else f"({_shifted('x', x0)})²"
        return f"{lhs} = {_coefficient(k)}{inner}"

    return LimitPath(label(0.0, 0.0), 0.0, True, lambda t: (t, k * t * t), label)


def _parse_coordinate(text: str, which: str) -> Expression:
    try:
        return expressions.parse_expression(text, ("t",))
    except ExpressionError as err:
        raise ExpressionError(f"{err.message} (in {which})", err.column) from None


def parametric_path(x_text: str, y_text: str, t0: float = 0.0) -> LimitPath:
    """The curve x = x(t), y = y(t) as typed (absolute coordinates), approached as t → t0.

    Raises ExpressionError (with the column in that coordinate's text) for bad text.
    """
    t0 = float(t0)
    if not math.isfinite(t0):
        raise ValueError("t0 must be a finite number")
    x_expr = _parse_coordinate(x_text, "x(t)")
    y_expr = _parse_coordinate(y_text, "y(t)")
    name = f"x(t) = {x_text.strip()}, y(t) = {y_text.strip()}"

    def offset(t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return x_expr.evaluate(t), y_expr.evaluate(t)

    return LimitPath(name, t0, False, offset, lambda x0, y0: name)


def _check_passes_through(path: LimitPath, x0: float, y0: float) -> None:
    if path.relative:
        return
    xs, ys = path.point(path.t0)
    x, y = float(xs), float(ys)
    where = f"(x0, y0) = ({x0:g}, {y0:g}) at t = {path.t0:g}"
    if not (math.isfinite(x) and math.isfinite(y)):
        raise ValueError(
            f"the path is not defined at t = {path.t0:g}, so it does not reach {where}"
        )
    scale = max(1.0, abs(x0), abs(y0))
    if math.hypot(x - x0, y - y0) > PATH_TOLERANCE * scale:
        raise ValueError(
            f"the path does not pass through ({x0:g}, {y0:g}) at t = {path.t0:g}: "
            f"it is at ({x:.10g}, {y:.10g})"
        )


# ---------------------------------------------------------------- reading a table of values


@dataclass(frozen=True)
class _SideTrend:
    trend: str
    value: float | None  # the last value when it settles; ±inf for a blow-up
    note: str


def _side_trend(values: list[float], overflow: bool = False) -> _SideTrend:
    """What the values do as t → t0 on one side (values ordered from far to near)."""
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return _SideTrend(UNDEFINED, None, "undefined on this side")
    last_ok = math.isfinite(values[-1]) and len(values) >= 2 and math.isfinite(values[-2])
    scale = max(1.0, max(abs(v) for v in finite))
    if last_ok and abs(values[-1] - values[-2]) <= SETTLE_TOLERANCE * scale:
        return _SideTrend(SETTLES, values[-1], f"settles at ≈ {format_limit_value(values[-1])}")
    # An overflow (the value got too large for float64) after growing values is a blow-up too.
    tail = finite[-(2 if overflow else _BLOW_UP_RUN) :]
    growing = (
        len(tail) >= 2
        and (all(v > 0 for v in tail) or all(v < 0 for v in tail))
        and all(abs(b) > abs(a) for a, b in zip(tail, tail[1:], strict=False))
    )
    if growing and ((len(tail) == _BLOW_UP_RUN and last_ok) or overflow):
        infinite = math.copysign(math.inf, tail[-1])
        trend = PLUS_INFINITY if infinite > 0 else MINUS_INFINITY
        return _SideTrend(trend, infinite, f"grows without bound ({format_limit_value(infinite)})")
    if not math.isfinite(values[-1]):
        return _SideTrend(UNDEFINED, None, "undefined close to the point")
    return _SideTrend(UNSETTLED, None, "does not settle")


def format_limit_value(value: float | None, scale: float = 1.0) -> str:
    """A limit as shown: '→ +∞', '0' for values within ZERO_TOLERANCE·scale of 0, else 7 digits."""
    if value is None or math.isnan(value):
        return "none"
    if math.isinf(value):
        return format_number(value)
    if abs(value) <= ZERO_TOLERANCE * max(1.0, scale):
        return "0"
    return _signed(float(f"{value:.7g}"))


def _agree(a: float, b: float, scale: float) -> bool:
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= SETTLE_TOLERANCE * max(1.0, scale)


# ---------------------------------------------------------------- limits along paths


@dataclass(frozen=True)
class LimitRow:
    """One sample on a path: the parameter t, the point (x, y) and f there (NaN if undefined)."""

    t: float
    x: float
    y: float
    value: float


@dataclass(frozen=True)
class PathLimit:
    """f along one path as t → t0 from both sides, and what that suggests.

    `estimate` is the mean of both sides' values at the smallest |t − t0| when each side
    settles and they agree (or the one defined side's, when the other leaves the domain), ±inf
    for a blow-up of one sign, else None. `left_trend`/`right_trend` are SETTLES, PLUS_INFINITY,
    MINUS_INFINITY, UNSETTLED or UNDEFINED.
    """

    path_name: str
    left: tuple[LimitRow, ...]
    right: tuple[LimitRow, ...]
    estimate: float | None
    agrees_both_sides: bool
    note: str
    left_trend: str = UNSETTLED
    right_trend: str = UNSETTLED
    t0: float = 0.0


def _as_function(
    f: Expression | _HasValue | str,
) -> tuple[Callable[[np.ndarray, np.ndarray], np.ndarray], Expression | None]:
    if isinstance(f, str):
        f = expressions.parse_expression(f, ("x", "y"))
    if expressions.is_expression(f):
        if len(f.variables) != 2:
            raise ValueError("a limit along a path needs an expression of two variables")
        return f.evaluate, f
    return cast("_HasValue", f).value, None  # is_expression only narrows when True


def _overflowed(expression: Expression | None, point: tuple[float, ...]) -> bool:
    if expression is None or not all(math.isfinite(p) for p in point):
        return False
    reason = expressions.explain_nan(expression, *point)
    return reason is not None and reason.startswith("value too large")


def _combine(left: _SideTrend, right: _SideTrend, scale: float) -> tuple[float | None, bool, str]:
    """(estimate, agrees_both_sides, note) from the two sides' trends."""
    sides = (left, right)
    if left.value is not None and right.value is not None:
        a, b = left.value, right.value
        if _agree(a, b, scale):
            estimate = a if math.isinf(a) else (a + b) / 2
            if math.isinf(estimate):
                shown = format_limit_value(estimate)
                return estimate, True, f"grows without bound on both sides (→ {shown})"
            return estimate, True, f"both sides settle at ≈ {format_limit_value(estimate, scale)}"
        return (
            None,
            False,
            f"the two sides differ ({format_limit_value(a, scale)} vs "
            f"{format_limit_value(b, scale)})",
        )
    if all(s.trend == UNDEFINED for s in sides):
        return None, False, "f is undefined along this path near the point"
    defined = [s for s in sides if s.trend != UNDEFINED]
    if len(defined) == 1 and defined[0].value is not None:
        which = "left" if defined[0] is left else "right"
        other = "right" if which == "left" else "left"
        return (
            defined[0].value,
            False,
            f"only the {which} side is in the domain ({other}: undefined); {defined[0].note}",
        )
    named = zip(("left", "right"), sides, strict=True)
    notes = [f"{name}: {s.note}" for name, s in named if s.value is None]
    return None, False, "; ".join(notes)


def limit_along(
    f: Expression | _HasValue | str,
    x0: float,
    y0: float,
    path: LimitPath,
    exponents: Iterable[int] = range(1, 9),
) -> PathLimit:
    """f at t = t0 ∓ 10^-k (k in exponents) along `path` into (x0, y0), and the estimate.

    `f` is a two-variable Expression, text in x and y, or any surface with `.value(x, y)`.
    Raises ValueError when a parametric path does not pass through (x0, y0) at t0.
    """
    x0, y0 = float(x0), float(y0)
    if not (math.isfinite(x0) and math.isfinite(y0)):
        raise ValueError("the point must be finite")
    evaluate, expression = _as_function(f)
    _check_passes_through(path, x0, y0)
    steps = np.array([10.0**-k for k in exponents], dtype=np.float64)
    if steps.size < 2:
        raise ValueError("need at least two exponents")
    tables = []
    trends = []
    for sign in (-1.0, 1.0):
        ts = path.t0 + sign * steps
        xs, ys = path.point_near(ts, x0, y0)
        xs = np.broadcast_to(xs, ts.shape).astype(np.float64)
        ys = np.broadcast_to(ys, ts.shape).astype(np.float64)
        with np.errstate(all="ignore"):
            values = np.broadcast_to(np.asarray(evaluate(xs, ys), dtype=np.float64), ts.shape)
        rows = tuple(
            LimitRow(float(t), float(x), float(y), float(v) if math.isfinite(v) else math.nan)
            for t, x, y, v in zip(ts, xs, ys, values, strict=True)
        )
        tables.append(rows)
        overflow = _overflowed(expression, (rows[-1].x, rows[-1].y))
        trends.append(_side_trend([r.value for r in rows], overflow))
    finite = [abs(r.value) for rows in tables for r in rows if math.isfinite(r.value)]
    scale = max([1.0, *finite])
    estimate, agrees, note = _combine(trends[0], trends[1], scale)
    return PathLimit(
        path.label(x0, y0),
        tables[0],
        tables[1],
        estimate,
        agrees,
        note,
        trends[0].trend,
        trends[1].trend,
        path.t0,
    )


@dataclass(frozen=True)
class Verdict:
    """What the tables together say: do the limits agree, on what value, in one sentence."""

    agree: bool
    value: float | None
    message: str


def limit_verdict(results: Iterable[PathLimit]) -> Verdict:
    """Compare the estimates along several paths: one common value, or no limit.

    Paths where f is undefined on both sides are left out (a limit only looks at the domain).
    Agreement along finitely many paths only suggests a limit; the message says so.
    """
    results = tuple(results)
    if not results:
        raise ValueError("no paths to compare")
    usable = [r for r in results if not (r.left_trend == r.right_trend == UNDEFINED)]
    if not usable:
        return Verdict(False, None, "f is undefined along every path near the point")
    valued = [(r, r.estimate) for r in usable if r.estimate is not None]
    finite = [abs(e) for _, e in valued if math.isfinite(e)]
    scale = max([1.0, *finite])
    if any(not _agree(valued[0][1], e, scale) for _, e in valued):
        detail = ", ".join(f"{format_limit_value(e, scale)} along {r.path_name}" for r, e in valued)
        return Verdict(
            False,
            None,
            f"different limits along different paths: the limit does not exist ({detail})",
        )
    missing = [r for r in usable if r.estimate is None]
    if missing:
        why = "; ".join(f"along {r.path_name}: {r.note}" for r in missing)
        return Verdict(False, None, f"no limit along every path: the limit does not exist ({why})")
    first = valued[0][1]
    value = first if math.isinf(first) else float(np.mean([e for _, e in valued]))
    shown = format_limit_value(value, scale)
    if math.isinf(value):
        message = f"all paths agree → {shown} (f grows without bound near the point)"
    else:
        hedge = f"this suggests, but cannot prove, that the limit is {shown}"
        message = f"all paths agree ≈ {shown} ({hedge})"
    return Verdict(True, value, message)


# ---------------------------------------------------------------- one variable


@dataclass(frozen=True)
class LimitRow1D:
    """One sample of g: x and g(x) (NaN if undefined)."""

    x: float
    value: float


@dataclass(frozen=True)
class Limit1D:
    """g(x) as x → a from one side (or x → ±∞): the rows, the trend and the verdict.

    `where` is "a⁻"/"a⁺" as text ('0⁻', '+∞'); `a` is the point (±inf at infinity); `side` is
    "left", "right" or "" at infinity. `estimate` is the last value when it settles, ±inf for a
    blow-up, else None; `verdict` is what a reader sees: "→ −∞", "→ 0⁺", "≈ 0.25", "does not
    settle".
    """

    a: float
    side: str
    rows: tuple[LimitRow1D, ...]
    estimate: float | None
    trend: str
    verdict: str
    note: str


def _expression_1d(g: Expression | str) -> Expression:
    if isinstance(g, str):
        return expressions.parse_expression(g, ("x",))
    if len(g.variables) != 1:
        raise ValueError("a one-variable limit needs an expression of one variable")
    return g


def _limit_1d(g: Expression, a: float, side: str, xs: np.ndarray) -> Limit1D:
    values = g.evaluate(xs)
    rows = tuple(LimitRow1D(float(x), float(v)) for x, v in zip(xs, values, strict=True))
    overflow = math.isfinite(rows[-1].x) and bool(
        (expressions.explain_nan(g, rows[-1].x) or "").startswith("value too large")
    )
    side_trend = _side_trend([r.value for r in rows], overflow)
    finite = [abs(r.value) for r in rows if math.isfinite(r.value)]
    scale = max([1.0, *finite])
    estimate = side_trend.value
    if side_trend.trend == SETTLES:
        shown = format_limit_value(estimate, scale)
        if shown == "0" and estimate != 0:
            near = [r.value for r in rows[-3:]]
            if all(v > 0 for v in near):
                shown = "0⁺"
            elif all(v < 0 for v in near):
                shown = "0⁻"
        verdict = f"→ {shown}"
    elif estimate is not None:
        verdict = f"→ {format_limit_value(estimate)}"
    else:
        verdict = side_trend.note
    return Limit1D(a, side, rows, estimate, side_trend.trend, verdict, side_trend.note)


def one_sided_limit(
    g: Expression | str, a: float, side: str, exponents: Iterable[int] = range(1, 9)
) -> Limit1D:
    """g(x) at x = a ∓ 10^-k (k in exponents): the limit from the left or the right of a."""
    g = _expression_1d(g)
    a = float(a)
    if not math.isfinite(a):
        raise ValueError("a must be finite (use limit_at_infinity for ±∞)")
    if side not in ("left", "right"):
        raise ValueError(f"side must be 'left' or 'right', got {side!r}")
    steps = np.array([10.0**-k for k in exponents], dtype=np.float64)
    if steps.size < 2:
        raise ValueError("need at least two exponents")
    sign = -1.0 if side == "left" else 1.0
    return _limit_1d(g, a, side, a + sign * steps)


def limit_at_infinity(
    g: Expression | str, sign: int, exponents: Iterable[int] = range(1, 9)
) -> Limit1D:
    """g(x) at x = ±10^k (k in exponents): the limit at +∞ (sign +1) or −∞ (sign −1)."""
    g = _expression_1d(g)
    if sign not in (1, -1):
        raise ValueError("sign must be +1 or -1")
    xs = np.array([sign * 10.0**k for k in exponents], dtype=np.float64)
    if xs.size < 2:
        raise ValueError("need at least two exponents")
    return _limit_1d(g, math.copysign(math.inf, sign), "", xs)


def one_variable_verdict(left: Limit1D, right: Limit1D) -> Verdict:
    """The two-sided limit at a from its one-sided limits: 'left: → −∞, right: → +∞: no limit'."""
    head = f"left: {left.verdict}, right: {right.verdict}"
    if left.estimate is None or right.estimate is None:
        return Verdict(False, None, f"{head}: no limit")
    finite = [abs(r.value) for r in (*left.rows, *right.rows) if math.isfinite(r.value)]
    scale = max([1.0, *finite])
    if _agree(left.estimate, right.estimate, scale):
        value = left.estimate if math.isinf(left.estimate) else (left.estimate + right.estimate) / 2
        return Verdict(True, value, f"{head}: the limit is {format_limit_value(value, scale)}")
    return Verdict(False, None, f"{head}: no limit")


def infinity_verdict(limit: Limit1D) -> Verdict:
    """The verdict of a limit at ±∞ in words: 'as x → +∞, g(x) → 0⁺'."""
    if not math.isinf(limit.a):
        raise ValueError("infinity_verdict takes the result of limit_at_infinity")
    where = "+∞" if limit.a > 0 else "−∞"
    return Verdict(
        limit.estimate is not None, limit.estimate, f"as x → {where}, g(x) {limit.verdict}"
    )


def paths_of_spec(spec) -> list[LimitPath]:
    """The paths a LimitSpec (gdviz.core.scene) names: lines, the vertical, parabolas, custom.

    ValueError / ExpressionError name what is wrong (no path, a custom path half given).
    """
    paths = [line_path(m) for m in spec.slopes]
    if spec.vertical:
        paths.append(vertical_path())
    paths += [parabola_path(k) for k in spec.parabolas]
    x_text, y_text = spec.path_x.strip(), spec.path_y.strip()
    if x_text or y_text:
        if not (x_text and y_text):
            raise ValueError("a custom path needs both x(t) and y(t)")
        paths.append(parametric_path(x_text, y_text, spec.t0))
    if not paths:
        raise ValueError("choose at least one path")
    return paths
