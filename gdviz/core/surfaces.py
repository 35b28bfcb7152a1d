"""The Surface protocol and its two kinds: a typed f(x, y) and the logistic log loss L(w, b)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from gdviz.core import expression as expressions
from gdviz.core.formula_text import readable_formula
from gdviz.core.logistic import Dataset, log_base_label, log_loss, log_loss_gradient, log_loss_grid
from gdviz.core.window import Window

if TYPE_CHECKING:
    from gdviz.core.expression import Expression
    from gdviz.core.expression.scalar_compiler import ScalarSource


@runtime_checkable
class Surface(Protocol):
    """A height field z = f(x, y) with its gradient, as gdviz draws and descends it."""

    title: str
    formula: str
    axis_names: tuple[str, str, str]
    default_window: Window

    def value(self, x: np.ndarray | float, y: np.ndarray | float) -> np.ndarray: ...

    def gradient(
        self, x: np.ndarray | float, y: np.ndarray | float
    ) -> tuple[np.ndarray, np.ndarray]: ...

    def grid(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray: ...

    def gradient_formulas(self) -> tuple[str, str]: ...


class ExpressionSurface:
    """z = f(x, y) from a validated expression, with symbolic partial derivatives."""

    axis_names = ("x", "y", "z")

    def __init__(self, expression: Expression | str, window: Window, title: str | None = None):
        if isinstance(expression, str):
            expression = expressions.parse_expression(expression, ("x", "y"))
        self.expression = expression
        self.f_x = expression.derivative("x")
        self.f_y = expression.derivative("y")
        self.default_window = window
        self.formula = expression.formula
        self.title = title or f"f(x, y) = {readable_formula(expression.formula)}"

    def value(self, x, y) -> np.ndarray:
        return self.expression.evaluate(x, y)

    def gradient(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        return self.f_x.evaluate(x, y), self.f_y.evaluate(x, y)

    def value_and_gradient(self, x: float, y: float) -> tuple[float, float, float]:
        """(f, f_x, f_y) at one point as floats: the fast path `descent.run` looks for."""
        return self.expression.value_and_gradient_scalar(x, y)

    def value_and_gradient_source(self) -> ScalarSource:
        """`value_and_gradient`'s fast path as source over the locals x, y, for compiled loops."""
        return self.expression.value_and_gradient_source(("x", "y"))

    def grid(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        gx, gy = np.meshgrid(np.asarray(xs, float), np.asarray(ys, float), indexing="ij")
        return self.expression.evaluate(gx, gy)

    def gradient_formulas(self) -> tuple[str, str]:
        return self.f_x.formula, self.f_y.formula


class LogisticLossSurface:
    """L(w, b) = mean(log(1 + e^z) − y·z) / ln(base), z = w·x + b, over a dataset."""

    axis_names = ("w", "b", "L")

    def __init__(
        self, dataset: Dataset, window: Window, log_base: float = math.e, title: str | None = None
    ):
        self.dataset = dataset
        self.log_base = float(log_base)
        self.default_window = window
        base = log_base_label(self.log_base)
        log = "ln" if base == "e" else f"log{base}"
        self.formula = f"L(w, b) = −(1/m)·Σ {log} P(Y = yᵢ),  aᵢ = σ(w·xᵢ + b)"
        self.title = title or f"Log loss L(w, b) over {len(dataset)} examples"

    def value(self, w, b) -> np.ndarray:
        return log_loss(self.dataset, w, b, self.log_base)

    def gradient(self, w, b) -> tuple[np.ndarray, np.ndarray]:
        return log_loss_gradient(self.dataset, w, b, self.log_base)

    def grid(self, ws: np.ndarray, bs: np.ndarray) -> np.ndarray:
        return log_loss_grid(self.dataset, ws, bs, self.log_base)

    def gradient_formulas(self) -> tuple[str, str]:
        scale = (
            "" if log_base_label(self.log_base) == "e" else f" / ln {log_base_label(self.log_base)}"
        )
        return (f"(1/m)·Σ (aᵢ − yᵢ)·xᵢ{scale}", f"(1/m)·Σ (aᵢ − yᵢ){scale}")
