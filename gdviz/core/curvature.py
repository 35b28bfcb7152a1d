"""The Hessian of a typed f at a point, from symbolic second derivatives, and GD's 2/λ_max."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import sympy

from gdviz.core.surfaces import Surface


@dataclass(frozen=True)
class Curvature:
    """The Hessian [[f_xx, f_xy], [f_xy, f_yy]] at `point`, its eigenvalues (ascending), and
    whether f is a quadratic (then the Hessian is the same everywhere)."""

    point: tuple[float, float]
    hessian: tuple[tuple[float, float], tuple[float, float]]
    eigenvalues: tuple[float, float]
    is_quadratic: bool

    @property
    def largest_eigenvalue(self) -> float:
        return self.eigenvalues[1]

    @property
    def gd_limit(self) -> float | None:
        """2/λ_max: plain gradient descent on a quadratic is stable exactly for α < 2/λ_max.

        None unless f is a convex quadratic (λ_min ≥ 0) with λ_max > 0: on a saddle every rate
        diverges, and on other surfaces 2/λ_max at a point is only a local hint.
        """
        low, high = self.eigenvalues
        if not self.is_quadratic or low < 0 or not (math.isfinite(high) and high > 0):
            return None
        return 2.0 / high


def curvature_at(surface: Surface, point: tuple[float, float]) -> Curvature | None:
    """The Hessian of an expression surface at `point` (None for other surfaces, or where a
    second derivative is not finite). The derivatives come from the parsed tree (sympy.diff on
    gdviz's own expression, never on user text)."""
    expression = getattr(surface, "expression", None)
    if expression is None or len(expression.variables) != 2:
        return None
    a, b = expression.variables
    x, y = (float(v) for v in point)
    f_a, f_b = expression.derivative(a), expression.derivative(b)
    f_aa = float(f_a.derivative(a).evaluate(x, y))
    f_ab = float(f_a.derivative(b).evaluate(x, y))
    f_bb = float(f_b.derivative(b).evaluate(x, y))
    if not all(math.isfinite(v) for v in (f_aa, f_ab, f_bb)):
        return None
    hessian = ((f_aa, f_ab), (f_ab, f_bb))
    low, high = (float(v) for v in np.linalg.eigvalsh(np.array(hessian)))
    return Curvature((x, y), hessian, (low, high), _is_quadratic(expression.sympy_expr))


def _is_quadratic(expr: sympy.Expr) -> bool:
    """True for a polynomial of total degree ≤ 2 in its variables."""
    symbols = sorted(expr.free_symbols, key=lambda s: s.name)
    if not symbols:
        return True
    if not expr.is_polynomial(*symbols):
        return False
    return sympy.Poly(expr, *symbols).total_degree() <= 2
