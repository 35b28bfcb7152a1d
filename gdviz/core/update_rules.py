"""Each optimizer's update rule as Python source, compiled into scalar loops and array steps."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UpdateRule:
    """One method's update as straight-line source, valid over floats and over numpy arrays.

    The lines read the point x, y, its gradient gx, gy, k (updates applied so far), the state
    locals (zero before the first update), the hyperparameter locals and `sqrt` (math.sqrt for
    floats, np.sqrt for arrays); they write the new point nx, ny and the new state. Every float
    operation is the one `optimizers._STEPS` makes, in the same order, so a compiled loop and
    `Optimizer.step_xy` give the same bits (tests/core/test_descent_kernel.py checks this against
    an independent implementation). `velocity` names the state `Step.velocity` shows.
    """

    state: tuple[str, ...]
    hyperparameters: tuple[str, ...]
    lines: tuple[str, ...]
    velocity: tuple[str, str] | None = None


UPDATE_RULES: dict[str, UpdateRule] = {
    "gd": UpdateRule((), ("lr",), ("nx = x - lr * gx", "ny = y - lr * gy")),
    "momentum": UpdateRule(
        ("bx", "by"),
        ("lr", "momentum"),
        (
            "bx = momentum * bx + gx",
            "by = momentum * by + gy",
            "nx = x - lr * bx",
            "ny = y - lr * by",
        ),
        velocity=("bx", "by"),
    ),
    "nesterov": UpdateRule(
        ("bx", "by"),
        ("lr", "momentum"),
        (
            "bx = momentum * bx + gx",
            "by = momentum * by + gy",
            "nx = x - lr * (gx + momentum * bx)",
            "ny = y - lr * (gy + momentum * by)",
        ),
        velocity=("bx", "by"),
    ),
    "adagrad": UpdateRule(
        ("sx", "sy"),
        ("lr", "eps"),
        (
            "sx = sx + gx * gx",
            "sy = sy + gy * gy",
            "nx = x - lr * gx / (sqrt(sx) + eps)",
            "ny = y - lr * gy / (sqrt(sy) + eps)",
        ),
    ),
    "rmsprop": UpdateRule(
        ("vx", "vy"),
        ("lr", "eps", "alpha"),
        (
            "vx = alpha * vx + (1 - alpha) * gx * gx",
            "vy = alpha * vy + (1 - alpha) * gy * gy",
            "nx = x - lr * gx / (sqrt(vx) + eps)",
            "ny = y - lr * gy / (sqrt(vy) + eps)",
        ),
    ),
    "adam": UpdateRule(
        ("mx", "my", "vx", "vy"),
        ("lr", "eps", "beta1", "beta2"),
        (
            "t = k + 1",
            "mx = beta1 * mx + (1 - beta1) * gx",
            "my = beta1 * my + (1 - beta1) * gy",
            "vx = beta2 * vx + (1 - beta2) * gx * gx",
            "vy = beta2 * vy + (1 - beta2) * gy * gy",
            "c1 = 1 - beta1**t",
            "c2 = 1 - beta2**t",
            "nx = x - lr * (mx / c1) / (sqrt(vx / c2) + eps)",
            "ny = y - lr * (my / c1) / (sqrt(vy / c2) + eps)",
        ),
    ),
}
