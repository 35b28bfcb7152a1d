"""The names user text may use: constants, the function table and its sympy functions."""

from __future__ import annotations

import math
from collections.abc import Callable

import sympy
from sympy.core.function import ArgumentIndexError
from sympy.printing.str import StrPrinter

from gdviz.core.expression.runtime import math_sigmoid

CONSTANTS: dict[str, sympy.Expr] = {"pi": sympy.pi, "e": sympy.E}
_CONSTANT_VALUES = {"pi": math.pi, "e": math.e}


class Sigmoid(sympy.Function):
    """The logistic function 1 / (1 + e^(−z)), kept as one symbol so formulas stay readable."""

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        if argindex != 1:
            raise ArgumentIndexError(self, argindex)
        s = Sigmoid(self.args[0])
        return s * (1 - s)

    def _eval_is_extended_real(self) -> bool | None:
        return self.args[0].is_extended_real

    def _sympystr(self, printer: StrPrinter) -> str:
        return f"sigmoid({printer._print(self.args[0])})"


class RealAbs(sympy.Function):
    """|a| for real a; sympy's Abs differentiates through re/im, which real code never needs."""

    @classmethod
    def eval(cls, arg: sympy.Expr) -> sympy.Expr | None:
        if arg.is_Number:
            return abs(arg)
        return None

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        if argindex != 1:
            raise ArgumentIndexError(self, argindex)
        return sympy.sign(self.args[0])

    def _sympystr(self, printer: StrPrinter) -> str:
        return f"abs({printer._print(self.args[0])})"


def _log10(a: sympy.Expr) -> sympy.Expr:
    return sympy.log(a) / sympy.log(10)


def _log2(a: sympy.Expr) -> sympy.Expr:
    return sympy.log(a) / sympy.log(2)


# name -> (sympy builder, float folder for constant arguments)
FUNCTIONS: dict[str, tuple[Callable[[sympy.Expr], sympy.Expr], Callable[[float], float]]] = {
    "sin": (sympy.sin, math.sin),
    "cos": (sympy.cos, math.cos),
    "tan": (sympy.tan, math.tan),
    "asin": (sympy.asin, math.asin),
    "acos": (sympy.acos, math.acos),
    "atan": (sympy.atan, math.atan),
    "sinh": (sympy.sinh, math.sinh),
    "cosh": (sympy.cosh, math.cosh),
    "tanh": (sympy.tanh, math.tanh),
    "exp": (sympy.exp, math.exp),
    "log": (sympy.log, math.log),
    "ln": (sympy.log, math.log),
    "log10": (_log10, math.log10),
    "log2": (_log2, math.log2),
    "sqrt": (sympy.sqrt, math.sqrt),
    "abs": (RealAbs, abs),
    "sigmoid": (Sigmoid, math_sigmoid),
}


def _symbol(name: str) -> sympy.Symbol:
    return sympy.Symbol(name, real=True)
