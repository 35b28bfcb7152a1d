"""GD, Momentum, Nesterov, AdaGrad, RMSProp and Adam on 2-D parameters: pure state + step."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np

from gdviz.core.shown import shown_text


class OptimizerError(ValueError):
    """An unknown optimizer name or a hyperparameter outside its valid range."""


@dataclass(frozen=True)
class Hyperparameters:
    """Every optimizer's knobs; each method reads only its own (see `defaults_for`).

    lr is the learning rate α (torch's η); momentum is μ (momentum, nesterov); beta1/beta2
    are Adam's β₁, β₂; eps is ε (adagrad, rmsprop, adam); alpha is RMSProp's smoothing
    constant, written ρ in the formulas so it is not taken for the learning rate α.
    """

    lr: float = 0.001
    momentum: float = 0.0
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    alpha: float = 0.99


@dataclass(frozen=True)
class HyperparameterSpec:
    """One knob: its Hyperparameters field (and CLI flag --name), its labels, its valid range
    ("positive": > 0; "unit": in [0, 1)) and the optimizers that read it."""

    name: str
    label: str
    help: str
    kind: str
    used_by: tuple[str, ...]


@dataclass(frozen=True)
class OptimizerSpec:
    """One method: its name (CLI, scenes), title (GUI), update rule and torch.optim defaults."""

    name: str
    title: str
    formula: str
    defaults: Hyperparameters


# The catalogue: the panel, the CLI, scenes, the docs and the tests read these two tables.
# Defaults are torch.optim's: SGD lr 1e-3 (torch ≥ 2.2), dampening 0, no weight decay; torch's
# momentum default 0 makes Momentum and Nesterov plain GD, so those use μ = 0.9 (the value
# torch's own examples use); AdaGrad lr 1e-2, eps 1e-10, lr_decay 0, initial accumulator 0;
# RMSProp lr 1e-2, alpha 0.99, eps 1e-8, no momentum, not centered; Adam lr 1e-3, betas
# (0.9, 0.999), eps 1e-8, bias-corrected, no amsgrad.
OPTIMIZERS: tuple[OptimizerSpec, ...] = (
    OptimizerSpec("gd", "Gradient descent", "θ ← θ − α·∇f", Hyperparameters(lr=1e-3)),
    OptimizerSpec(
        "momentum",
        "Momentum",
        "b ← μ·b + ∇f;  θ ← θ − α·b",
        Hyperparameters(lr=1e-3, momentum=0.9),
    ),
    OptimizerSpec(
        "nesterov",
        "Nesterov momentum",
        "b ← μ·b + ∇f;  θ ← θ − α·(∇f + μ·b)",
        Hyperparameters(lr=1e-3, momentum=0.9),
    ),
    OptimizerSpec(
        "adagrad",
        "AdaGrad",
        "s ← s + (∇f)²;  θ ← θ − α·∇f / (√s + ε)",
        Hyperparameters(lr=1e-2, eps=1e-10),
    ),
    OptimizerSpec(
        "rmsprop",
        "RMSProp",
        "v ← ρ·v + (1 − ρ)·(∇f)²;  θ ← θ − α·∇f / (√v + ε)",
        Hyperparameters(lr=1e-2, alpha=0.99, eps=1e-8),
    ),
    OptimizerSpec(
        "adam",
        "Adam",
        "m ← β₁·m + (1 − β₁)·∇f;  v ← β₂·v + (1 − β₂)·(∇f)²;  "
        "θ ← θ − α·m̂ / (√v̂ + ε),  m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)",
        Hyperparameters(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8),
    ),
)
OPTIMIZER_NAMES: tuple[str, ...] = tuple(spec.name for spec in OPTIMIZERS)
OPTIMIZER_TITLES: dict[str, str] = {spec.name: spec.title for spec in OPTIMIZERS}
_BY_NAME = {spec.name: spec for spec in OPTIMIZERS}

HYPERPARAMETERS: tuple[HyperparameterSpec, ...] = (
    HyperparameterSpec("lr", "Learning rate α", "learning rate α (> 0)", "positive",
                       OPTIMIZER_NAMES),
    HyperparameterSpec("momentum", "Momentum μ",
                       "momentum μ in [0, 1): how much of the previous step is kept", "unit",
                       ("momentum", "nesterov")),
    HyperparameterSpec("beta1", "β₁", "Adam's first-moment decay β₁, in [0, 1)", "unit",
                       ("adam",)),
    HyperparameterSpec("beta2", "β₂", "Adam's second-moment decay β₂, in [0, 1)", "unit",
                       ("adam",)),
    HyperparameterSpec("eps", "ε", "ε added to the denominator for stability (> 0)", "positive",
                       ("adagrad", "rmsprop", "adam")),
    HyperparameterSpec("alpha", "Decay ρ", "RMSProp's smoothing constant ρ, in [0, 1)", "unit",
                       ("rmsprop",)),
)  # fmt: skip
HYPERPARAMETER_NAMES: tuple[str, ...] = tuple(spec.name for spec in HYPERPARAMETERS)


def uses(name: str) -> tuple[str, ...]:
    """The hyperparameters the method `name` reads, in catalogue order (lr first)."""
    _check_name(name)
    return tuple(spec.name for spec in HYPERPARAMETERS if name in spec.used_by)


def defaults_for(name: str) -> Hyperparameters:
    """torch.optim's documented defaults for the method `name` (see OPTIMIZERS)."""
    _check_name(name)
    return _BY_NAME[name].defaults


def describe(name: str) -> str:
    """A one-line update formula for `name`, for tooltips."""
    _check_name(name)
    return _BY_NAME[name].formula


def validate(name: str, hp: Hyperparameters) -> None:
    """Raise OptimizerError with a readable message if `hp` is not valid for the method `name`.

    Every field is checked, used by the method or not, so a Hyperparameters value that passes
    is valid for any method it is later switched to (Nesterov also needs momentum > 0).
    """
    _check_name(name)
    for spec in HYPERPARAMETERS:
        label = "learning rate" if spec.name == "lr" else spec.name
        check = _check_positive if spec.kind == "positive" else _check_unit_interval
        check(label, getattr(hp, spec.name))
        if spec.name == "momentum" and name == "nesterov" and hp.momentum == 0:
            raise OptimizerError("Nesterov momentum needs a momentum > 0, got 0")


def _check_name(name: str) -> None:
    if name not in OPTIMIZER_NAMES:
        raise OptimizerError(
            f"unknown optimizer {shown_text(name)}; choose one of {', '.join(OPTIMIZER_NAMES)}"
        )


def _check_is_number(label: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise OptimizerError(f"{label} must be a number, got {shown_text(value)}")


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
        return _BY_NAME[self.name].formula

    def initial_state(self) -> OptimizerState:
        """The state before the first step: zero buffers for the method's own fields."""
        if self.name in ("momentum", "nesterov"):
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


def make_optimizer(name: str, hp: Hyperparameters | None = None, **overrides: float) -> Optimizer:
    """An optimizer `name` with `hp` (default: `defaults_for(name)`) and keyword overrides.

    make_optimizer("adam", lr=0.1) is Adam with torch's defaults except η = 0.1.
    Raises OptimizerError for an unknown name, an unknown keyword or an invalid value.
    """
    _check_name(name)
    unknown = sorted(set(overrides) - set(HYPERPARAMETER_NAMES))
    if unknown:
        raise OptimizerError(
            f"unknown hyperparameter {', '.join(unknown)}; known: {', '.join(HYPERPARAMETER_NAMES)}"
        )
    base = defaults_for(name) if hp is None else hp
    return Optimizer(name, replace(base, **overrides))
