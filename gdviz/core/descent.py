"""Descent runs: run(surface, start, optimizer, stop rules) yields immutable Step records."""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from dataclasses import dataclass
from enum import Enum
from numbers import Integral

from gdviz.core.expression import explain_nan
from gdviz.core.numbers import format_number
from gdviz.core.optimizers import Optimizer
from gdviz.core.surfaces import Surface

DEFAULT_BOUND = 1e6
# A bound this many times the window's largest coordinate, when that is more than DEFAULT_BOUND.
WINDOW_BOUND_FACTOR = 1000.0
VALUE_LIMIT = 1e12


@dataclass(frozen=True)
class Step:
    """One point of a descent path; k = 0 is the start.

    update is the (dx, dy) that moved the previous point here ((0, 0) at k = 0); velocity is
    the optimizer's momentum buffer after that update, or None for methods without one.
    """

    k: int
    point: tuple[float, float]
    value: float
    gradient: tuple[float, float]
    update: tuple[float, float]
    velocity: tuple[float, float] | None


class StopReason(str, Enum):
    """Why a run ended."""

    CONVERGED = "converged"
    MAX_STEPS = "max_steps"
    DIVERGED = "diverged"
    LEFT_DOMAIN = "left_domain"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class RunEnd:
    """How a run ended: the reason, the k of its last kept Step, and a sentence for people.

    If the start itself is bad (outside the domain, overflowing) nothing is yielded and steps is 0.
    """

    reason: StopReason
    steps: int
    message: str


def cancelled_end(steps: int) -> RunEnd:
    """The RunEnd for a run its caller stopped (closed the generator) after Step k = steps."""
    return RunEnd(StopReason.CANCELLED, steps, f"cancelled after {steps} steps")


# (x, y) -> (f, f_x, f_y) as floats
ValueAndGradient = Callable[[float, float], tuple[float, float, float]]


def run(
    surface: Surface,
    start: tuple[float, float],
    optimizer: Optimizer,
    max_steps: int = 1000,
    tol: float = 1e-6,
    bound: float | None = None,
) -> Generator[Step, None, RunEnd]:
    """A generator of the descent from `start`: yields Step k = 0, 1, …, returns the RunEnd.

    The RunEnd arrives as StopIteration.value (`run_to_end` collects both). Arguments are
    checked at the call (ValueError), not at the first next().

    Stop rules, checked in this order at each new point:
    - diverged: the point is not finite or max(|x|, |y|) > bound, or f or ∇f is infinite or
      overflows, or |f| > 1e12. bound defaults to max(1e6, 1000 × the largest |coordinate| of
      the surface's default window).
    - left the domain: f or ∇f is NaN at a point within the bound for a reason other than
      overflow (for expression surfaces, `explain_nan` names it, e.g. sqrt of a negative).
    - converged: |∇f| < tol at the point, the start included.
    - max steps: max_steps updates were made.
    A diverged or off-domain point is not yielded: the path is the good prefix. Closing the
    generator cancels the run (see `cancelled_end`).

    A surface may offer `value_and_gradient(x, y) -> (f, f_x, f_y)` floats as a fast path;
    otherwise `value` and `gradient` are called with scalars.
    """
    if isinstance(max_steps, bool) or not isinstance(max_steps, Integral) or max_steps < 1:
        raise ValueError(f"max steps must be a whole number ≥ 1, got {max_steps!r}")
    if not _is_number(tol) or not math.isfinite(tol) or tol < 0:
        raise ValueError(f"tolerance must be a finite number ≥ 0, got {tol!r}")
    try:
        x0, y0 = (float(v) for v in start)
    except (TypeError, ValueError):
        raise ValueError(f"start must be two numbers (x, y), got {start!r}") from None
    if not (math.isfinite(x0) and math.isfinite(y0)):
        raise ValueError(f"start must be finite, got ({x0:g}, {y0:g})")
    if bound is None:
        bound = default_bound(surface)
    elif not _is_number(bound) or not math.isfinite(bound) or bound <= 0:
        raise ValueError(f"bound must be a finite number > 0, got {bound!r}")
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"optimizer must be an Optimizer, got {type(optimizer).__name__}")
    return _descend(surface, x0, y0, optimizer, int(max_steps), float(tol), float(bound))


def run_to_end(
    surface: Surface,
    start: tuple[float, float],
    optimizer: Optimizer,
    max_steps: int = 1000,
    tol: float = 1e-6,
    bound: float | None = None,
) -> tuple[list[Step], RunEnd]:
    """The whole run at once: (every yielded Step, the RunEnd)."""
    ends: list[RunEnd] = []
    steps = list(_collect_end(run(surface, start, optimizer, max_steps, tol, bound), ends))
    return steps, ends[0]


def _collect_end(
    generator: Generator[Step, None, RunEnd], ends: list[RunEnd]
) -> Generator[Step, None, None]:
    # `yield from` hands the return value over; list() then drains the steps at C speed.
    ends.append((yield from generator))


def default_bound(surface: Surface) -> float:
    """max(1e6, 1000 × the largest |coordinate| of the surface's default window)."""
    window = surface.default_window
    extent = max(abs(v) for v in (window.x_min, window.x_max, window.y_min, window.y_max))
    return max(DEFAULT_BOUND, WINDOW_BOUND_FACTOR * extent)


def _is_number(value: object) -> bool:
    try:
        float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return not isinstance(value, (bool, str, bytes))


def _descend(
    surface: Surface,
    x: float,
    y: float,
    optimizer: Optimizer,
    max_steps: int,
    tol: float,
    bound: float,
) -> Generator[Step, None, RunEnd]:
    evaluate = _value_and_gradient_of(surface)
    step_xy = optimizer.step_xy
    state = optimizer.initial_state()
    hypot = math.hypot
    dx = dy = 0.0
    k = 0
    while True:
        if not (abs(x) <= bound and abs(y) <= bound):  # also False for NaN
            return _diverged(k, f"the point {_coords(x, y)} is beyond the bound {bound:g}")
        f, gx, gy = evaluate(x, y)
        if not (abs(f) <= VALUE_LIMIT and gx - gx == 0.0 and gy - gy == 0.0):
            return _bad_point(surface, k, x, y, f, gx, gy)
        yield Step(k, (x, y), f, (gx, gy), (dx, dy), state.velocity)
        norm = hypot(gx, gy)
        if norm < tol:
            message = f"converged at step {k} (|∇f| = {norm:.2g} < tol {tol:g})"
            return RunEnd(StopReason.CONVERGED, k, message)
        if k == max_steps:
            return RunEnd(StopReason.MAX_STEPS, k, f"stopped after {k} steps (max steps)")
        new_x, new_y, state = step_xy(x, y, gx, gy, state)
        dx, dy = new_x - x, new_y - y
        x, y = new_x, new_y
        k += 1


def _value_and_gradient_of(surface: Surface) -> ValueAndGradient:
    fast = getattr(surface, "value_and_gradient", None)
    if fast is not None:
        return fast
    value, gradient = surface.value, surface.gradient

    def value_and_gradient(x: float, y: float) -> tuple[float, float, float]:
        gx, gy = gradient(x, y)
        return float(value(x, y)), float(gx), float(gy)

    return value_and_gradient


def _last_kept(k: int) -> int:
    return max(k - 1, 0)


def _diverged(k: int, detail: str) -> RunEnd:
    message = f"diverged at step {k} ({detail}): try a smaller learning rate"
    return RunEnd(StopReason.DIVERGED, _last_kept(k), message)


def _bad_point(
    surface: Surface, k: int, x: float, y: float, f: float, gx: float, gy: float
) -> RunEnd:
    """The RunEnd for a point where f or ∇f is infinite, NaN or beyond VALUE_LIMIT."""
    if math.isinf(f) or math.isinf(gx) or math.isinf(gy):
        return _diverged(k, f"f or its gradient overflowed at {_coords(x, y)}")
    if abs(f) > VALUE_LIMIT:
        return _diverged(k, f"|f| = {abs(f):.2g}")
    what = "f" if math.isnan(f) else "∂f/∂x" if math.isnan(gx) else "∂f/∂y"
    reason = _nan_reason(surface, what, x, y)
    if reason is not None and "overflow" in reason:
        return _diverged(k, f"{what} overflowed at {_coords(x, y)}")
    detail = f"{what} is undefined at {_coords(x, y)}"
    if reason is not None:
        detail += f": {reason}"
    return RunEnd(StopReason.LEFT_DOMAIN, _last_kept(k), f"left the domain at step {k} ({detail})")


def _nan_reason(surface: Surface, what: str, x: float, y: float) -> str | None:
    """explain_nan's sentence for an expression surface's f, f_x or f_y; None for others."""
    expression = {
        "f": getattr(surface, "expression", None),
        "∂f/∂x": getattr(surface, "f_x", None),
        "∂f/∂y": getattr(surface, "f_y", None),
    }[what]
    if expression is None:
        return None
    try:
        return explain_nan(expression, x, y)
    except (ValueError, TypeError, ArithmeticError):
        return None


def _coords(x: float, y: float) -> str:
    return f"({_number(x)}, {_number(y)})"


def _number(v: float) -> str:
    return format_number(v, 4)
