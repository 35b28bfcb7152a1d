"""N descent runs of one optimizer advanced together as numpy arrays (learning-rate sweeps)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from gdviz.core.descent import (
    RunEnd,
    StopReason,
    bad_point_end,
    beyond_bound_end,
    checked_settings,
    converged_end,
    max_steps_end,
)
from gdviz.core.descent_kernel import VALUE_LIMIT
from gdviz.core.optimizers import Optimizer
from gdviz.core.progress import CancelFlag, Progress, check_in
from gdviz.core.surfaces import Surface
from gdviz.core.update_rules import UPDATE_RULES

# Every optimizer in the catalogue has an update rule over arrays; a method added to the
# catalogue without one cannot be batched and `run_batch` says so.
ArrayUpdate = Callable[..., tuple[np.ndarray, ...]]


@dataclass(frozen=True, eq=False)
class BatchRun:
    """N runs' paths as (steps + 1, N) float64 arrays indexed [k, run], NaN after a run's end.

    `ends[i]` is exactly the RunEnd `descent.run_to_end` gives run i; `lengths[i]` is how many
    points it kept (0 when its start was already bad).
    """

    x: np.ndarray
    y: np.ndarray
    f: np.ndarray
    gx: np.ndarray
    gy: np.ndarray
    lengths: np.ndarray
    ends: tuple[RunEnd, ...]
    learning_rates: np.ndarray

    def __len__(self) -> int:
        return len(self.ends)

    @property
    def reasons(self) -> tuple[StopReason, ...]:
        return tuple(end.reason for end in self.ends)

    def points(self, i: int) -> np.ndarray:
        """Run i's kept points as an (n, 2) array."""
        n = int(self.lengths[i])
        return np.column_stack((self.x[:n, i], self.y[:n, i]))


def run_batch(
    surface: Surface,
    starts: Sequence[float] | np.ndarray,
    optimizer: Optimizer,
    learning_rates: Sequence[float] | np.ndarray | None = None,
    max_steps: int = 1000,
    tol: float = 1e-6,
    bound: float | None = None,
    progress: Progress | None = None,
    cancelled: CancelFlag | None = None,
) -> BatchRun:
    """Runs of `optimizer` from each start with each learning rate, advanced as arrays.

    `starts` is one (x, y) or an (N, 2) array; `learning_rates` None (the optimizer's) or N
    numbers; a single start or rate is shared by all N runs. The other hyperparameters are
    the optimizer's. Each run stops exactly where `descent.run` stops it, and its points are
    those of `run` to rounding: the same bits where the surface's gradient is +, −, ×, ÷ and
    sqrt (numpy's sin, exp, pow … may differ from `math`'s in the last bit). The surface's
    `value` and `gradient` are called with arrays of the runs still going.
    `progress(fraction)` is called and `cancelled()` polled every few steps (progress.py);
    when it returns True the work stops and Cancelled is raised.
    Raises ValueError for a bad argument (a NaN learning rate, starts of the wrong shape …).
    """
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"optimizer must be an Optimizer, got {type(optimizer).__name__}")
    if optimizer.name not in UPDATE_RULES:
        raise ValueError(f"the optimizer {optimizer.name!r} cannot be batched: no array update")
    x0, y0, lr = _checked_runs(starts, learning_rates, optimizer.hp.lr)
    max_steps, tol, bound = checked_settings(surface, max_steps, tol, bound)
    with np.errstate(all="ignore"):
        return _run(surface, x0, y0, lr, optimizer, max_steps, tol, bound, progress, cancelled)


def _checked_runs(
    starts: Sequence[float] | np.ndarray,
    learning_rates: Sequence[float] | np.ndarray | None,
    default_lr: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    try:
        points = np.array(starts, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"starts must be (x, y) or an (N, 2) array, got {starts!r}") from None
    if points.shape == (2,):
        points = points.reshape(1, 2)
    if points.ndim != 2 or points.shape[1] != 2 or len(points) == 0:
        raise ValueError(f"starts must be (x, y) or an (N, 2) array, got shape {points.shape}")
    for i, (x, y) in enumerate(points):
        if not (math.isfinite(x) and math.isfinite(y)):
            raise ValueError(f"start {i} must be finite, got ({x:g}, {y:g})")
    if learning_rates is None:
        rates = np.array([float(default_lr)])
    else:
        try:
            rates = np.array(learning_rates, dtype=np.float64).reshape(-1)
        except (TypeError, ValueError):
            raise ValueError(f"learning rates must be numbers, got {learning_rates!r}") from None
        if len(rates) == 0:
            raise ValueError("learning rates must not be empty")
    for i, rate in enumerate(rates):
        if not (math.isfinite(rate) and rate > 0):
            raise ValueError(f"learning rate {i} must be a finite number > 0, got {rate:g}")
    n = max(len(points), len(rates))
    if len(points) not in (1, n) or len(rates) not in (1, n):
        raise ValueError(f"{len(points)} starts and {len(rates)} learning rates do not pair up")
    points = np.broadcast_to(points, (n, 2))
    return points[:, 0].copy(), points[:, 1].copy(), np.broadcast_to(rates, (n,)).copy()


def _run(
    surface: Surface,
    x: np.ndarray,
    y: np.ndarray,
    lr: np.ndarray,
    optimizer: Optimizer,
    max_steps: int,
    tol: float,
    bound: float,
    progress: Progress | None = None,
    cancelled: CancelFlag | None = None,
) -> BatchRun:
    """`descent`'s loop over the arrays of the runs still going (`ids` into the N runs)."""
    rule = UPDATE_RULES[optimizer.name]
    assert rule.hyperparameters[0] == "lr"  # the one knob that varies per run
    update = array_update(optimizer.name)
    others = tuple(float(getattr(optimizer.hp, name)) for name in rule.hyperparameters[1:])
    n = len(x)
    all_rates = lr.copy()
    ids = np.arange(n)
    state = [np.zeros(n) for _ in rule.state]
    ends: list[RunEnd | None] = [None] * n
    rows: list[tuple[np.ndarray, ...]] = []  # per k: (ids, x, y, f, gx, gy) of the kept points
    for k in range(max_steps + 1):
        check_in(k, max_steps, progress, cancelled)
        inside = (np.abs(x) <= bound) & (np.abs(y) <= bound)  # False for NaN
        for i in np.flatnonzero(~inside):
            ends[ids[i]] = beyond_bound_end(k, float(x[i]), float(y[i]), bound)
        f, gx, gy = _value_and_gradient(surface, x, y, inside)
        good = inside & (np.abs(f) <= VALUE_LIMIT) & (gx - gx == 0.0) & (gy - gy == 0.0)
        for i in np.flatnonzero(inside & ~good):
            end = bad_point_end(surface, k, float(x[i]), float(y[i]), *_floats(f[i], gx[i], gy[i]))
            ends[ids[i]] = end
        rows.append((ids[good], x[good], y[good], f[good], gx[good], gy[good]))
        # np.hypot may differ from math.hypot in the last bit: decide near tol with math.hypot.
        keep = good.copy()
        near = good & (np.abs(gx) < tol) & (np.abs(gy) < tol)
        for i in np.flatnonzero(near):
            norm = math.hypot(float(gx[i]), float(gy[i]))
            if norm < tol:
                ends[ids[i]] = converged_end(k, norm, tol)
                keep[i] = False
        if k == max_steps:
            for i in np.flatnonzero(keep):
                ends[ids[i]] = max_steps_end(k)
            break
        if not keep.all():
            ids, x, y, gx, gy, lr = ids[keep], x[keep], y[keep], gx[keep], gy[keep], lr[keep]
            state = [s[keep] for s in state]
        if len(ids) == 0:
            break
        x, y, *state = update(x, y, gx, gy, k, lr, *others, *state)
    if progress is not None:
        progress(1.0)
    return _collected(rows, ends, n, all_rates)


def _value_and_gradient(
    surface: Surface, x: np.ndarray, y: np.ndarray, where: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """f, f_x, f_y at the points `where` is True (NaN elsewhere), as float64 arrays."""
    f, gx, gy = (np.full(len(x), np.nan) for _ in range(3))
    if where.any():
        xs, ys = x[where], y[where]
        f[where] = np.asarray(surface.value(xs, ys), dtype=np.float64)
        fx, fy = surface.gradient(xs, ys)
        gx[where] = np.asarray(fx, dtype=np.float64)
        gy[where] = np.asarray(fy, dtype=np.float64)
    return f, gx, gy


def _floats(*values: np.floating) -> tuple[float, ...]:
    return tuple(float(v) for v in values)


def _collected(
    rows: list[tuple[np.ndarray, ...]], ends: list[RunEnd | None], n: int, rates: np.ndarray
) -> BatchRun:
    columns = [np.full((len(rows), n), np.nan) for _ in range(5)]
    lengths = np.zeros(n, dtype=np.int64)
    for k, (ids, *values) in enumerate(rows):
        for column, value in zip(columns, values, strict=True):
            column[k, ids] = value
        lengths[ids] = k + 1
    finished = tuple(end for end in ends if end is not None)
    if len(finished) != n:
        raise RuntimeError("a batched run has no end")  # cannot happen: every run stops
    x, y, f, gx, gy = columns
    return BatchRun(x, y, f, gx, gy, lengths, finished, rates)


@cache
def array_update(name: str) -> ArrayUpdate:
    """The rule of `name` as a function over arrays: (x, y, gx, gy, k, hp…, state…) -> (nx, ny,
    state…), the same operations as the scalar loop's (see update_rules)."""
    rule = UPDATE_RULES[name]
    parameters = ", ".join(("x", "y", "gx", "gy", "k", *rule.hyperparameters, *rule.state))
    results = ", ".join(("nx", "ny", *rule.state))
    text = f"def _update({parameters}):\n"
    text += "".join(f"    {line}\n" for line in rule.lines)
    text += f"    return {results}\n"
    namespace: dict[str, object] = {"sqrt": np.sqrt}
    exec(compile(text, f"<gdviz array update: {name}>", "exec"), namespace)  # our own text
    return namespace["_update"]  # type: ignore[return-value]
