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
    from gdviz.core.expression.runtime import ScalarSource


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
    """z = f(x, y) from a validated expression, with symbolic partial derivatives.

    Built from the text of a preset's expression, it computes from the stored compiled form
    (`expression.precompiled`: the same bits, no sympy) and parses the text only when something
    asks for the Expression itself (`expression`, `f_x`, `f_y`)."""

    axis_names = ("x", "y", "z")

    def __init__(self, expression: Expression | str, window: Window, title: str | None = None):
        self._stored = None
        self._expression: Expression | None = None
        if isinstance(expression, str):
            from gdviz.core.expression.precompiled import precompiled

            self._stored = precompiled(expression)
            if self._stored is None:
                expression = expressions.parse_expression(expression, ("x", "y"))
        if self._stored is not None:
            self.formula = self._stored.formula
        else:
            self._expression = expression  # type: ignore[assignment]
            self.formula = expression.formula  # type: ignore[union-attr]
        self.default_window = window
        self.title = title or f"f(x, y) = {readable_formula(self.formula)}"

    @property
    def expression(self) -> Expression:
        """The parsed Expression (parsed now if the surface was built from a stored form)."""
        if self._expression is None:
            assert self._stored is not None
            self._expression = expressions.parse_expression(self._stored.text, ("x", "y"))
        return self._expression

    @property
    def f_x(self) -> Expression:
        return self.expression.derivative("x")

    @property
    def f_y(self) -> Expression:
        return self.expression.derivative("y")

    def value(self, x, y) -> np.ndarray:
        if self._stored is not None:
            return self._stored.evaluate(x, y, 0)
        return self.expression.evaluate(x, y)

    def gradient(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        if self._stored is not None:
            return self._stored.evaluate(x, y, 1), self._stored.evaluate(x, y, 2)
        return self.f_x.evaluate(x, y), self.f_y.evaluate(x, y)

    def value_and_gradient(self, x: float, y: float) -> tuple[float, float, float]:
        """(f, f_x, f_y) at one point as floats: the fast path `descent.run` looks for."""
        if self._stored is not None:
            return self._stored.value_and_gradient(x, y)
        f, f_x, f_y = self.expression.value_and_gradient_scalar(x, y)
        return f, f_x, f_y

    def value_and_gradient_numpy(self, x: float, y: float) -> tuple[float, float, float]:
        """(f, f_x, f_y) at one point by numpy: what the fast path falls back on."""
        if self._stored is not None:
            return self._stored.value_and_gradient_numpy(x, y)
        return self.expression.value_and_gradient_numpy(x, y)  # type: ignore[return-value]

    def value_and_gradient_source(self) -> ScalarSource:
        """`value_and_gradient`'s fast path as source over the locals x, y, for compiled loops."""
        if self._stored is not None:
            return self._stored.source
        return self.expression.value_and_gradient_source(("x", "y"))

    def grid(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        gx, gy = np.meshgrid(np.asarray(xs, float), np.asarray(ys, float), indexing="ij")
        return self.value(gx, gy)

    def gradient_formulas(self) -> tuple[str, str]:
        if self._stored is not None:
            return self._stored.derivative_formulas
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
