"""The Expression class (evaluation, scalar fast path, derivatives) and its display formula."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import sympy
from sympy.printing.str import StrPrinter

from gdviz.core.expression.errors import ExpressionError
from gdviz.core.expression.numpy_compiler import _compile, _Unsupported
from gdviz.core.expression.scalar_compiler import (
    ScalarProgram,
    ScalarSource,
    _compile_scalar,
    scalar_source,
)
from gdviz.core.expression.vocabulary import RealAbs, _symbol

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Expression:
    """A validated expression: its text, variables, sympy tree, display formula and numpy evaluator.

    Build one with `parse_expression`. Evaluation is NaN outside the real domain (sqrt of a
    negative, log 0, 0/0, asin 2) and at poles: ±inf results are mapped to NaN, so a pole is a
    hole in the surface, never a spike, a warning or an exception.
    """

    text: str
    variables: tuple[str, ...]
    sympy_expr: sympy.Expr
    _fn: Callable[[tuple[np.ndarray, ...]], np.ndarray] = field(
        init=False, repr=False, compare=False, hash=False
    )
    _derivatives: dict[str, Expression] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )
    _sources: dict[tuple[str, ...], ScalarSource] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )
    # Scalar programs, compiled at first use: (f,) and (f, ∂f/∂v for each variable v).
    _scalar_value: ScalarProgram | None = field(
        init=False, repr=False, compare=False, hash=False, default=None
    )
    _scalar_gradient: ScalarProgram | None = field(
        init=False, repr=False, compare=False, hash=False, default=None
    )

    def __post_init__(self) -> None:
        symbols = {s.name for s in self.sympy_expr.free_symbols}
        unknown = symbols - set(self.variables)
        if unknown:
            raise ExpressionError(f"unknown variables {sorted(unknown)}")
        try:
            fn = _compile(self.sympy_expr, self.variables)
        except _Unsupported as exc:
            raise ExpressionError(f"cannot evaluate {exc}") from None
        object.__setattr__(self, "_fn", fn)

    @property
    def formula(self) -> str:
        """Readable display string: sympy's form with powers written as ^."""
        return formula_of(self.sympy_expr)

    @property
    def is_constant(self) -> bool:
        """True when no variable appears (it still evaluates to the inputs' broadcast shape)."""
        return not self.sympy_expr.free_symbols

    def evaluate(self, *values: np.ndarray | float) -> np.ndarray:
        """Values at the broadcast of `values` (one per variable, in order); NaN off-domain."""
        self._check_count(values)
        arrays = tuple(np.asarray(v, dtype=np.float64) for v in values)
        shape = np.broadcast_shapes(*(a.shape for a in arrays))
        with np.errstate(all="ignore"):
            raw = self._fn(arrays)
            out = np.array(np.broadcast_to(raw, shape), dtype=np.float64)
            out[~np.isfinite(out)] = np.nan
        return out

    def evaluate_scalar(self, *values: float) -> float:
        """`float(evaluate(*values))` at one point, about 10× faster (Python floats and `math`).

        +, −, ×, ÷ and sqrt give the same bits as `evaluate`; other functions may differ from
        numpy's in the last bit. Off-domain, at poles and on overflow it returns exactly what
        `evaluate` does (NaN, or numpy's finite value, e.g. atan(1/x) = π/2 at x = 0).
        """
        self._check_count(values)
        program = self._scalar_value
        if program is None:
            program = self._compile_scalar("_scalar_value", (self.sympy_expr,))
        try:
            (value,) = program(*values)
        except (ArithmeticError, ValueError):
            return float(self.evaluate(*values))
        if value - value == 0.0:  # finite
            return value
        return float(self.evaluate(*values))

    def value_and_gradient_scalar(self, *values: float) -> tuple[float, ...]:
        """(f, ∂f/∂v₁, ∂f/∂v₂, …) at one point as floats, each equal to `evaluate_scalar`'s.

        f and its partial derivatives are compiled together, so the pieces they share are
        computed once per point.
        """
        self._check_count(values)
        program = self._scalar_gradient
        if program is None:
            program = self._compile_scalar("_scalar_gradient", self._gradient_roots())
        try:
            results = program(*values)
        except (ArithmeticError, ValueError):
            return self.value_and_gradient_numpy(*values)
        for r in results:
            if r - r != 0.0:  # inf or NaN
                return self.value_and_gradient_numpy(*values)
        return results

    def value_and_gradient_numpy(self, *values: float) -> tuple[float, ...]:
        """`value_and_gradient_scalar` computed by `evaluate`: what it gives where `math` fails."""
        gradient = (float(self.derivative(v).evaluate(*values)) for v in self.variables)
        return (float(self.evaluate(*values)), *gradient)

    def value_and_gradient_source(self, names: tuple[str, ...]) -> ScalarSource:
        """The source of `value_and_gradient_scalar`'s fast path, reading the locals `names`.

        Its outputs are f, ∂f/∂v₁, …; where the lines raise (ArithmeticError, ValueError) or an
        output is not finite, `value_and_gradient_numpy` gives the values instead.
        """
        source = self._sources.get(names)
        if source is None:
            source = scalar_source(self._gradient_roots(), self.variables, names)
            self._sources[names] = source
        return source

    def _gradient_roots(self) -> tuple[sympy.Expr, ...]:
        return (self.sympy_expr, *(self.derivative(v).sympy_expr for v in self.variables))

    def _check_count(self, values: tuple) -> None:
        if len(values) != len(self.variables):
            raise TypeError(
                f"expected {len(self.variables)} values ({', '.join(self.variables)}), "
                f"got {len(values)}"
            )

    def _compile_scalar(self, name: str, roots: tuple[sympy.Expr, ...]) -> ScalarProgram:
        try:
            program = _compile_scalar(roots, self.variables)
        except (_Unsupported, RecursionError, SyntaxError, MemoryError):
            # Cannot happen for what numpy compiles (the source is flat); stay correct regardless.
            logger.warning("no scalar program for %r; using numpy", self.text)
            exprs = [Expression(formula_of(r), self.variables, r) for r in roots]

            def program(*values: float) -> tuple[float, ...]:
                return tuple(float(e.evaluate(*values)) for e in exprs)

        object.__setattr__(self, name, program)  # a benign race: both threads build the same
        return program

    def derivative(self, var: str) -> Expression:
        """The symbolic partial derivative with respect to `var`, as a new Expression."""
        if var not in self.variables:
            raise ExpressionError(
                f"cannot differentiate with respect to '{var}' "
                f"(variables: {', '.join(self.variables)})"
            )
        cached = self._derivatives.get(var)
        if cached is None:
            d = sympy.diff(self.sympy_expr, _symbol(var))
            d = d.replace(sympy.Abs, RealAbs)
            cached = Expression(formula_of(d), self.variables, d)
            self._derivatives[var] = cached
        return cached


class _FormulaPrinter(StrPrinter):
    def _print_Exp1(self, expr: sympy.Expr) -> str:
        return "e"

    def _print_Float(self, expr: sympy.Float) -> str:
        return repr(float(expr))  # shortest round-trip form: 0.1, not 0.100000000000000


def formula_of(expr: sympy.Expr) -> str:
    """Display string of a sympy expression: `sin(x)*cos(y)`, `x^2 + y`, `e`."""
    return _FormulaPrinter().doprint(expr).replace("**", "^")
