"""Compiled descent loops over plain floats: a surface's value and gradient fused with an update."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

from gdviz.core.optimizers import Optimizer
from gdviz.core.update_rules import UPDATE_RULES, UpdateRule

if TYPE_CHECKING:
    from gdviz.core.expression.runtime import ScalarSource

VALUE_LIMIT = 1e12

# What a loop call ended on. Every status but RUNNING ends the run at the point k it returns.
RUNNING = 0  # `stop` reached: call again to go on
BEYOND_BOUND = 1  # the point k is not finite or beyond the bound; not recorded
BAD_POINT = 2  # f or ∇f at the point k is not finite or |f| > VALUE_LIMIT; not recorded
CONVERGED = 3  # |∇f| < tol at the point k, which is recorded
MAX_STEPS = 4  # k == max_steps, recorded

# (x, y) -> (f, f_x, f_y) as floats
ValueAndGradient = Callable[[float, float], tuple[float, float, float]]

# Column lists a loop appends to, per recorded point: x, y, f, gx, gy, and for methods with a
# momentum buffer the buffer after the update that led to the point (vx, vy).
COLUMNS = ("x", "y", "f", "gx", "gy", "vx", "vy")

_GOOD = f"abs(f) <= {VALUE_LIMIT!r} and gx - gx == 0.0 and gy - gy == 0.0"  # False for NaN, ±inf
_FINITE = "f - f == 0.0 and gx - gx == 0.0 and gy - gy == 0.0"


class Loop:
    """One run in progress: `advance(count)` records up to `count` more points into `columns`.

    `evaluate` is the surface's (f, f_x, f_y) at a point, exactly as the loop computes it there.
    """

    def __init__(
        self,
        surface: object,
        x: float,
        y: float,
        optimizer: Optimizer,
        max_steps: int,
        tol: float,
        bound: float,
    ):
        rule = UPDATE_RULES[optimizer.name]
        source = _source_of(surface)
        self.evaluate = _value_and_gradient_of(surface)
        if source is not None:
            self._loop = _compiled(optimizer.name, source.lines, source.outputs)
            self._fallback: ValueAndGradient = surface.value_and_gradient_numpy  # type: ignore[attr-defined]
        else:
            self._loop = _compiled(optimizer.name, None, None)
            self._fallback = self.evaluate
        self.x, self.y, self.k = x, y, 0
        self.state = tuple(0.0 for _ in rule.state)
        self._hp = tuple(float(getattr(optimizer.hp, name)) for name in rule.hyperparameters)
        self.max_steps, self.tol, self.bound = max_steps, float(tol), float(bound)
        self.columns: tuple[list[float], ...] = tuple([] for _ in COLUMNS)
        self.has_velocity = rule.velocity is not None
        self.status = RUNNING

    def advance(self, count: int) -> int:
        """Record up to `count` more points (fewer if the run ends); returns the status."""
        if self.status != RUNNING:
            return self.status
        self.status, self.x, self.y, self.k, self.state = self._loop(
            self.x, self.y, self.k, self.k + count, self.max_steps, self.tol, self.bound,
            self.columns, self.evaluate, self._fallback, self.state, self._hp,
        )  # fmt: skip
        return self.status


def _source_of(surface: object) -> ScalarSource | None:
    """The fused fast path of an expression surface's value_and_gradient, if it has one."""
    get_source = getattr(surface, "value_and_gradient_source", None)
    if get_source is None or getattr(surface, "value_and_gradient_numpy", None) is None:
        return None
    try:
        return get_source()
    except (RecursionError, MemoryError, ValueError):
        return None


def _value_and_gradient_of(surface: object) -> ValueAndGradient:
    fast = getattr(surface, "value_and_gradient", None)
    if fast is not None:
        return fast
    value, gradient = surface.value, surface.gradient  # type: ignore[attr-defined]

    def value_and_gradient(x: float, y: float) -> tuple[float, float, float]:
        gx, gy = gradient(x, y)
        return float(value(x, y)), float(gx), float(gy)

    return value_and_gradient


LoopFn = Callable[..., tuple[int, float, float, int, tuple[float, ...]]]


@lru_cache(maxsize=64)
def _compiled(name: str, lines: tuple[str, ...] | None, outputs: tuple[str, ...] | None) -> LoopFn:
    """The loop of the method `name` over the value-and-gradient source (None: call evaluate)."""
    text = loop_source(UPDATE_RULES[name], lines, outputs)
    namespace: dict[str, object] = {"sqrt": math.sqrt, "_hypot": math.hypot, "_abs": abs}
    if lines is not None:  # an expression's source
        from gdviz.core.expression.runtime import SCALAR_NAMESPACE

        namespace = {**SCALAR_NAMESPACE, **namespace}
    # The text is ours: the rule's lines and source generated from a validated sympy tree.
    exec(compile(text, f"<gdviz descent loop: {name}>", "exec"), namespace)
    return namespace["_loop"]  # type: ignore[return-value]


def loop_source(
    rule: UpdateRule, lines: tuple[str, ...] | None, outputs: tuple[str, ...] | None
) -> str:
    """The Python text of a loop; `lines`/`outputs` from Expression.value_and_gradient_source."""
    state = f"({', '.join(rule.state)}{',' if len(rule.state) == 1 else ''})"
    done = f"x, y, k, {state}"
    out = [
        "def _loop(x, y, k, stop, max_steps, tol, bound, columns, evaluate, fallback, state, hp):",
        f"    {''.join(n + ', ' for n in rule.hyperparameters)}= hp",
    ]
    if rule.state:
        out.append(f"    {''.join(n + ', ' for n in rule.state)}= state")
    out.append("    xs, ys, fs, gxs, gys, vxs, vys = columns")
    names = ("xs", "ys", "fs", "gxs", "gys", "vxs", "vys")
    out.append("    hypot = _hypot")
    out.append("    abs = _abs")
    out.append("    while k < stop:")
    body = [
        "if not (abs(x) <= bound and abs(y) <= bound):",
        f"    return {BEYOND_BOUND}, {done}",
    ]
    if lines is None:
        body.append("f, gx, gy = evaluate(x, y)")
        body += [f"if not ({_GOOD}):", f"    return {BAD_POINT}, {done}"]
    else:
        assert outputs is not None and len(outputs) == 3
        body.append("try:")
        body += [f"    {line}" for line in lines]
        body += [f"    {n} = {o}" for n, o in zip(("f", "gx", "gy"), outputs, strict=True)]
        body += ["except (ArithmeticError, ValueError):", "    f, gx, gy = fallback(x, y)"]
        body += [
            f"if not ({_GOOD}):",
            f"    if not ({_FINITE}):",
            "        f, gx, gy = fallback(x, y)  # what value_and_gradient_scalar gives",
            f"    if not ({_GOOD}):",
            f"        return {BAD_POINT}, {done}",
        ]
    recorded = zip(names[:5], COLUMNS[:5], strict=True)
    # `xs.append(x)`, not a bound method in a local: CPython 3.11+ specialises this form.
    body += [f"{column}.append({value})" for column, value in recorded]
    if rule.velocity is not None:
        body += [f"vxs.append({rule.velocity[0]})", f"vys.append({rule.velocity[1]})"]
    body += [
        # hypot(gx, gy) ≥ max(|gx|, |gy|) even rounded, so the cheap test changes no decision.
        "if abs(gx) < tol and abs(gy) < tol and hypot(gx, gy) < tol:",
        f"    return {CONVERGED}, {done}",
        "if k == max_steps:",
        f"    return {MAX_STEPS}, {done}",
        *rule.lines,
        "x = nx",
        "y = ny",
        "k += 1",
    ]
    out += [f"        {line}" for line in body]
    out.append(f"    return {RUNNING}, {done}")
    return "\n".join(out) + "\n"
