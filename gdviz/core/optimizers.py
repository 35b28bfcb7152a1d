"""GD, Momentum, Nesterov, AdaGrad, RMSProp and Adam on 2-D parameters: pure state + step."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from typing import NamedTuple

import numpy as np

OPTIMIZER_NAMES: tuple[str, ...] = ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")

OPTIMIZER_TITLES: dict[str, str] = {
    "gd": "Gradient descent",
    "momentum": "Momentum",
    "nesterov": "Nesterov momentum",
    "adagrad": "AdaGrad",
    "rmsprop": "RMSProp",
    "adam": "Adam",
}

_FORMULAS: dict[str, str] = {
    "gd": "θ ← θ − η·∇f",
    "momentum": "b ← μ·b + ∇f;  θ ← θ − η·b",
    "nesterov": "b ← μ·b + ∇f;  θ ← θ − η·(∇f + μ·b)",
    "adagrad": "s ← s + (∇f)²;  θ ← θ − η·∇f / (√s + ε)",
    "rmsprop": "v ← α·v + (1 − α)·(∇f)²;  θ ← θ − η·∇f / (√v + ε)",
    "adam": (
        "m ← β₁·m + (1 − β₁)·∇f;  v ← β₂·v + (1 − β₂)·(∇f)²;  "
        "θ ← θ − η·m̂ / (√v̂ + ε),  m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)"
    ),
}

_MOMENTUM_METHODS = ("momentum", "nesterov")


class OptimizerError(ValueError):
    """An unknown optimizer name or a hyperparameter outside its valid range."""


@dataclass(frozen=True)
class Hyperparameters:
    """Every optimizer's knobs; each method reads only its own (see `defaults_for`).

    lr is η; momentum is μ (momentum, nesterov); beta1/beta2 are Adam's β₁, β₂; eps is ε
    (adagrad, rmsprop, adam); alpha is RMSProp's smoothing constant α.
    """

    lr: float = 0.001
    momentum: float = 0.0
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    alpha: float = 0.99


def defaults_for(name: str) -> Hyperparameters:
    """torch.optim's documented defaults for the method `name`.

    gd, momentum, nesterov: torch.optim.SGD, lr 1e-3 (torch ≥ 2.2's default), dampening 0,
    no weight decay. torch's momentum default is 0, which makes Momentum and Nesterov plain
    GD, so those two default to μ = 0.9 (the value torch's own examples use).
    adagrad: lr 1e-2, eps 1e-10, lr_decay 0, initial accumulator 0 (fixed here).
    rmsprop: lr 1e-2, alpha 0.99, eps 1e-8; no momentum, not centered (fixed here).
    adam: lr 1e-3, betas (0.9, 0.999), eps 1e-8, bias-corrected, no amsgrad.
    """
    _check_name(name)
    if name == "gd":
        return Hyperparameters(lr=1e-3)
    if name in _MOMENTUM_METHODS:
        return Hyperparameters(lr=1e-3, momentum=0.9)
    if name == "adagrad":
        return Hyperparameters(lr=1e-2, eps=1e-10)
    if name == "rmsprop":
        return Hyperparameters(lr=1e-2, alpha=0.99, eps=1e-8)
    return Hyperparameters(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8)


def describe(name: str) -> str:
    """A one-line update formula for `name`, for tooltips."""
    _check_name(name)
    return _FORMULAS[name]


def validate(name: str, hp: Hyperparameters) -> None:
    """Raise OptimizerError with a readable message if `hp` is not valid for the method `name`.

    Every field is checked, used by the method or not, so a Hyperparameters value that passes
    is valid for any method it is later switched to (Nesterov also needs momentum > 0).
    """
    _check_name(name)
    _check_positive("learning rate", hp.lr)
    _check_unit_interval("momentum", hp.momentum)
    if name == "nesterov" and hp.momentum == 0:
        raise OptimizerError("Nesterov momentum needs a momentum > 0, got 0")
    _check_unit_interval("beta1", hp.beta1)
    _check_unit_interval("beta2", hp.beta2)
    _check_positive("eps", hp.eps)
    _check_unit_interval("alpha", hp.alpha)


def _check_name(name: str) -> None:
    if name not in OPTIMIZER_NAMES:
        raise OptimizerError(
            f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZER_NAMES)}"
        )


def _check_is_number(label: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise OptimizerError(f"{label} must be a number, got {value!r}")


def _check_positive(label: str, value: float) -> None:
    _check_is_number(label, value)
    if not (math.isfinite(value) and value > 0):
        raise OptimizerError(f"{label} must be a finite number > 0, got {value:g}")


def _check_unit_interval(label: str, value: float) -> None:
    _check_is_number(label, value)
    if not 0 <= value < 1:  # also rejects NaN
        raise OptimizerError(f"{label} must be in [0, 1), got {value:g}")


class OptimizerState(NamedTuple):
    """What an optimizer carries between steps; immutable, coordinates as (x, y) float tuples.

    t: updates applied so far. velocity: the momentum buffer b (momentum, nesterov).
    first_moment: Adam's m. second_moment: AdaGrad's sum of squares, RMSProp's and Adam's v.
    Fields a method does not use are None. A NamedTuple, not a dataclass: a run makes one per
    step, and a tuple is built in a third of the time.
    """

    t: int = 0
    velocity: tuple[float, float] | None = None
    first_moment: tuple[float, float] | None = None
    second_moment: tuple[float, float] | None = None


_ZERO = (0.0, 0.0)
# (x, y, gx, gy, state, hp) -> (new x, new y, new state)
_StepFn = Callable[
    [float, float, float, float, OptimizerState, Hyperparameters],
    tuple[float, float, OptimizerState],
]


def _gd(x, y, gx, gy, state, hp):
    lr = hp.lr
    return x - lr * gx, y - lr * gy, OptimizerState(state.t + 1)


def _momentum(x, y, gx, gy, state, hp):
    # torch: b_1 = g, then b_t = μ·b_{t−1} + g (dampening 0); starting from b_0 = 0 is the same.
    mu, lr = hp.momentum, hp.lr
    bx, by = state.velocity
    bx, by = mu * bx + gx, mu * by + gy
    return x - lr * bx, y - lr * by, OptimizerState(state.t + 1, velocity=(bx, by))


def _nesterov(x, y, gx, gy, state, hp):
    mu, lr = hp.momentum, hp.lr
    bx, by = state.velocity
    bx, by = mu * bx + gx, mu * by + gy
    dx, dy = gx + mu * bx, gy + mu * by
    return x - lr * dx, y - lr * dy, OptimizerState(state.t + 1, velocity=(bx, by))


def _adagrad(x, y, gx, gy, state, hp):
    # lr_decay 0, so the effective step size η̃ = η / (1 + (t − 1)·lr_decay) is η.
    lr, eps = hp.lr, hp.eps
    sx, sy = state.second_moment
    sx, sy = sx + gx * gx, sy + gy * gy
    new_x = x - lr * gx / (math.sqrt(sx) + eps)
    new_y = y - lr * gy / (math.sqrt(sy) + eps)
    return new_x, new_y, OptimizerState(state.t + 1, second_moment=(sx, sy))


def _rmsprop(x, y, gx, gy, state, hp):
    lr, eps, alpha = hp.lr, hp.eps, hp.alpha
    vx, vy = state.second_moment
    vx, vy = alpha * vx + (1 - alpha) * gx * gx, alpha * vy + (1 - alpha) * gy * gy
    new_x = x - lr * gx / (math.sqrt(vx) + eps)
    new_y = y - lr * gy / (math.sqrt(vy) + eps)
    return new_x, new_y, OptimizerState(state.t + 1, second_moment=(vx, vy))


def _adam(x, y, gx, gy, state, hp):
    lr, eps, beta1, beta2 = hp.lr, hp.eps, hp.beta1, hp.beta2
    t = state.t + 1
    mx, my = state.first_moment
    vx, vy = state.second_moment
    mx, my = beta1 * mx + (1 - beta1) * gx, beta1 * my + (1 - beta1) * gy
    vx, vy = beta2 * vx + (1 - beta2) * gx * gx, beta2 * vy + (1 - beta2) * gy * gy
    correction1, correction2 = 1 - beta1**t, 1 - beta2**t
    new_x = x - lr * (mx / correction1) / (math.sqrt(vx / correction2) + eps)
    new_y = y - lr * (my / correction1) / (math.sqrt(vy / correction2) + eps)
    return new_x, new_y, OptimizerState(t, first_moment=(mx, my), second_moment=(vx, vy))


_STEPS: dict[str, _StepFn] = {
    "gd": _gd,
    "momentum": _momentum,
    "nesterov": _nesterov,
    "adagrad": _adagrad,
    "rmsprop": _rmsprop,
    "adam": _adam,
}


@dataclass(frozen=True)
class Optimizer:
    """A method name with validated hyperparameters; stateless itself, it steps a given state."""

    name: str
    hp: Hyperparameters

    def __post_init__(self) -> None:
        validate(self.name, self.hp)

    @property
    def title(self) -> str:
        return OPTIMIZER_TITLES[self.name]

    @property
    def formula(self) -> str:
        return _FORMULAS[self.name]

    def initial_state(self) -> OptimizerState:
        """The state before the first step: zero buffers for the method's own fields."""
        if self.name in _MOMENTUM_METHODS:
            return OptimizerState(velocity=_ZERO)
        if self.name in ("adagrad", "rmsprop"):
            return OptimizerState(second_moment=_ZERO)
        if self.name == "adam":
            return OptimizerState(first_moment=_ZERO, second_moment=_ZERO)
        return OptimizerState()

    def step(
        self, point: np.ndarray, gradient: np.ndarray, state: OptimizerState
    ) -> tuple[np.ndarray, np.ndarray, OptimizerState]:
        """(new point, update = new point − point, new state) for the gradient at `point`."""
        x, y = (float(v) for v in np.asarray(point, dtype=np.float64).reshape(2))
        gx, gy = (float(v) for v in np.asarray(gradient, dtype=np.float64).reshape(2))
        new_x, new_y, new_state = self.step_xy(x, y, gx, gy, state)
        return np.array([new_x, new_y]), np.array([new_x - x, new_y - y]), new_state

    def step_xy(
        self, x: float, y: float, gx: float, gy: float, state: OptimizerState
    ) -> tuple[float, float, OptimizerState]:
        """`step` on plain floats, for loops that take thousands of steps: (new x, new y, state)."""
        return _STEPS[self.name](x, y, gx, gy, state, self.hp)


_HP_FIELDS = tuple(f.name for f in fields(Hyperparameters))


def make_optimizer(name: str, hp: Hyperparameters | None = None, **overrides: float) -> Optimizer:
    """An optimizer `name` with `hp` (default: `defaults_for(name)`) and keyword overrides.

    make_optimizer("adam", lr=0.1) is Adam with torch's defaults except η = 0.1.
    Raises OptimizerError for an unknown name, an unknown keyword or an invalid value.
    """
    _check_name(name)
    unknown = sorted(set(overrides) - set(_HP_FIELDS))
    if unknown:
        raise OptimizerError(
            f"unknown hyperparameter {', '.join(unknown)}; known: {', '.join(_HP_FIELDS)}"
        )
    base = defaults_for(name) if hp is None else hp
    return Optimizer(name, replace(base, **overrides))
