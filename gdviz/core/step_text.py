"""A descent step written the lecture's way, with its real numbers: w1 = w0 − α × L_w(w0, b0) = …"""

from __future__ import annotations

from gdviz.core.descent import Step
from gdviz.core.numbers import format_number
from gdviz.core.optimizers import Optimizer

STEP_DIGITS = 6


def number(value: float, digits: int = STEP_DIGITS) -> str:
    """A number as the step text prints it: gdviz's one formatter at `digits` digits."""
    return format_number(value, digits)


def _operand(value: float) -> str:
    """A number that stands after an operator: negative ones in parentheses."""
    text = number(value)
    return f"({text})" if value < 0 else text


def update_lines(
    previous: Step,
    current: Step,
    optimizer: Optimizer,
    axis_names: tuple[str, str, str] = ("x", "y", "z"),
) -> tuple[str, str]:
    """The update of each coordinate from step k−1 to step k, one line per coordinate.

    Plain gradient descent is written as the lecture writes it,
    `w1 = w0 − α × L_w(w0, b0) = 4 − 0.01 × 8.25 = 3.9175`; other methods as the old value plus
    the update their rule produced, `w1 = w0 + Δw = 4 + (−0.0123) = 3.9877`.
    """
    a, b, fn = axis_names
    fn = "L" if fn == "L" else "f"
    k, j = current.k, previous.k
    lines = []
    for i, name in enumerate((a, b)):
        old, new = previous.point[i], current.point[i]
        grad = previous.gradient[i]
        head = f"{name}{k} = {name}{j}"
        if optimizer.name == "gd":
            lr = optimizer.hp.lr
            lines.append(
                f"{head} − α × {fn}_{name}({a}{j}, {b}{j}) = "
                f"{number(old)} − {number(lr)} × {_operand(grad)} = {number(new)}"
            )
        else:
            lines.append(
                f"{head} + Δ{name} = {number(old)} + {_operand(current.update[i])} = {number(new)}"
            )
    return lines[0], lines[1]
