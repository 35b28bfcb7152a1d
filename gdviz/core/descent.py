"""Descent runs: run(surface, start, optimizer, stop rules) yields immutable Step records."""

from __future__ import annotations

import math
import time
from collections.abc import Generator
from dataclasses import dataclass
from enum import Enum
from numbers import Integral

import numpy as np

from gdviz.core import expression as expressions
from gdviz.core.descent_kernel import (
    BAD_POINT,
    BEYOND_BOUND,
    CONVERGED,
    MAX_STEPS,
    VALUE_LIMIT,
    Loop,
)
from gdviz.core.numbers import format_number
from gdviz.core.optimizers import Optimizer
from gdviz.core.surfaces import Surface

DEFAULT_BOUND = 1e6
# A bound this many times the window's largest coordinate, when that is more than DEFAULT_BOUND.
WINDOW_BOUND_FACTOR = 1000.0


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
    otherwise `value` and `gradient` are called with scalars. An expression surface's
    `value_and_gradient_source()` is compiled into the loop itself (see descent_kernel). Points
    are computed in chunks a few milliseconds long at most, then yielded one by one.
    """
    from gdviz.core.descent_rows import DescentRows  # built on this module's loop and ends

    return _steps_taken(DescentRows(surface, start, optimizer, max_steps, tol, bound))


def run_path(
    surface: Surface,
    start: tuple[float, float],
    optimizer: Optimizer,
    max_steps: int = 1000,
    tol: float = 1e-6,
    bound: float | None = None,
) -> tuple[DescentPath, RunEnd]:
    """The whole run as columns, with no Step per point: `run`'s path and RunEnd, fastest."""
    loop = _loop_of(surface, start, optimizer, max_steps, tol, bound)
    loop.advance(max_steps + 1)
    return _path_of(loop.columns, loop.has_velocity), _end_of(surface, loop)


def run_to_end(
    surface: Surface,
    start: tuple[float, float],
    optimizer: Optimizer,
    max_steps: int = 1000,
    tol: float = 1e-6,
    bound: float | None = None,
) -> tuple[list[Step], RunEnd]:
    """The whole run at once: (every yielded Step, the RunEnd)."""
    path, end = run_path(surface, start, optimizer, max_steps, tol, bound)
    return path.steps(), end


@dataclass(frozen=True, eq=False)
class DescentPath:
    """A run's kept points as float64 columns indexed by k: the fields of its Steps.

    dx, dy are the updates (0 at k = 0); vx, vy the momentum buffer, NaN for methods without one.
    """

    x: np.ndarray
    y: np.ndarray
    f: np.ndarray
    gx: np.ndarray
    gy: np.ndarray
    dx: np.ndarray
    dy: np.ndarray
    vx: np.ndarray
    vy: np.ndarray
    has_velocity: bool

    def __len__(self) -> int:
        return len(self.x)

    @property
    def points(self) -> np.ndarray:
        """The (n, 2) array of points."""
        return np.column_stack((self.x, self.y))

    def steps(self) -> list[Step]:
        """The Step records, k = 0, 1, …"""
        columns: tuple[np.ndarray, ...] = (self.x, self.y, self.f, self.gx, self.gy)
        columns += (self.dx, self.dy)
        if self.has_velocity:
            columns += (self.vx, self.vy)
        return _steps_of(0, *(c.tolist() for c in columns))


def _loop_of(
    surface: Surface,
    start: tuple[float, float],
    optimizer: Optimizer,
    max_steps: int,
    tol: float,
    bound: float | None,
) -> Loop:
    """The checked arguments as a Loop at its start (ValueError for a bad one)."""
    x0, y0 = checked_start(start)
    max_steps, tol, bound = checked_settings(surface, max_steps, tol, bound)
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"optimizer must be an Optimizer, got {type(optimizer).__name__}")
    return Loop(surface, x0, y0, optimizer, max_steps, tol, bound)


def checked_start(start: tuple[float, float]) -> tuple[float, float]:
    """(x, y) as floats; ValueError unless two finite numbers."""
    try:
        x0, y0 = (float(v) for v in start)
    except (TypeError, ValueError):
        raise ValueError(f"start must be two numbers (x, y), got {start!r}") from None
    if not (math.isfinite(x0) and math.isfinite(y0)):
        raise ValueError(f"start must be finite, got ({x0:g}, {y0:g})")
    return x0, y0


def checked_settings(
    surface: Surface, max_steps: int, tol: float, bound: float | None
) -> tuple[int, float, float]:
    """(max_steps, tol, bound) checked, bound defaulted (see `run`); ValueError for a bad one."""
    if isinstance(max_steps, bool) or not isinstance(max_steps, Integral) or max_steps < 1:
        raise ValueError(f"max steps must be a whole number ≥ 1, got {max_steps!r}")
    if not _is_number(tol) or not math.isfinite(tol) or tol < 0:
        raise ValueError(f"tolerance must be a finite number ≥ 0, got {tol!r}")
    if bound is None:
        bound = default_bound(surface)
    elif not _is_number(bound) or not math.isfinite(bound) or bound <= 0:
        raise ValueError(f"bound must be a finite number > 0, got {bound!r}")
    return int(max_steps), float(tol), float(bound)


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


# The generator hands out Steps from chunks computed in about this long.
CHUNK_SECONDS = 0.002


def _steps_taken(rows) -> Generator[Step, None, RunEnd]:
    """The Steps of a DescentRows, a chunk at a time; returns its RunEnd."""
    while rows.end is None:
        yield from rows.take(None, time.perf_counter() + CHUNK_SECONDS)
    return rows.end


def _steps_of(k0: int, xs, ys, fs, gxs, gys, dxs, dys, vxs=None, vys=None) -> list[Step]:
    """Step records k0, k0 + 1, … from columns (lists of floats)."""
    new, S = object.__new__, Step
    steps = []
    for i, (x, y, f, gx, gy, dx, dy) in enumerate(zip(xs, ys, fs, gxs, gys, dxs, dys, strict=True)):
        step = new(S)  # a frozen dataclass: fill its __dict__ as __init__ would, at half the cost
        step.__dict__.update(
            k=k0 + i, point=(x, y), value=f, gradient=(gx, gy), update=(dx, dy),
            velocity=None if vxs is None else (vxs[i], vys[i]),
        )  # fmt: skip
        steps.append(step)
    return steps


def _path_of(columns: tuple[list[float], ...], has_velocity: bool) -> DescentPath:
    x, y, f, gx, gy, vx, vy = (np.array(c, dtype=np.float64) for c in columns)
    dx, dy = np.zeros_like(x), np.zeros_like(y)
    dx[1:], dy[1:] = x[1:] - x[:-1], y[1:] - y[:-1]
    if not has_velocity:
        vx, vy = np.full_like(x, np.nan), np.full_like(y, np.nan)
    return DescentPath(x, y, f, gx, gy, dx, dy, vx, vy, has_velocity)


def _end_of(surface: Surface, loop: Loop) -> RunEnd:
    """The RunEnd of a loop that stopped, with the messages `run` documents."""
    k, x, y = loop.k, loop.x, loop.y
    if loop.status == BEYOND_BOUND:
        return beyond_bound_end(k, x, y, loop.bound)
    if loop.status == BAD_POINT:
        return bad_point_end(surface, k, x, y, *loop.evaluate(x, y))
    if loop.status == CONVERGED:
        return converged_end(k, math.hypot(loop.columns[3][-1], loop.columns[4][-1]), loop.tol)
    if loop.status == MAX_STEPS:
        return max_steps_end(k)
    raise RuntimeError(f"the run has not ended (status {loop.status})")


def beyond_bound_end(k: int, x: float, y: float, bound: float) -> RunEnd:
    """The RunEnd for a point k that is not finite or beyond the bound."""
    return _diverged(k, f"the point {_coords(x, y)} is beyond the bound {bound:g}")


def converged_end(k: int, norm: float, tol: float) -> RunEnd:
    """The RunEnd for |∇f| = norm < tol at the point k."""
    message = f"converged at step {k} (|∇f| = {norm:.2g} < tol {tol:g})"
    return RunEnd(StopReason.CONVERGED, k, message)


def max_steps_end(k: int) -> RunEnd:
    """The RunEnd for a run that made its max_steps = k updates."""
    return RunEnd(StopReason.MAX_STEPS, k, f"stopped after {k} steps (max steps)")


def _last_kept(k: int) -> int:
    return max(k - 1, 0)


def _diverged(k: int, detail: str) -> RunEnd:
    message = f"diverged at step {k} ({detail}): try a smaller learning rate"
    return RunEnd(StopReason.DIVERGED, _last_kept(k), message)


def bad_point_end(
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
        return expressions.explain_nan(expression, x, y)
    except (ValueError, TypeError, ArithmeticError):
        return None


def _coords(x: float, y: float) -> str:
    return f"({_number(x)}, {_number(y)})"


def _number(v: float) -> str:
    return format_number(v, 4)
