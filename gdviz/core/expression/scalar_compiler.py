"""sympy trees -> Python source over floats (`math`): the fast path for single points and loops."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import sympy

from gdviz.core.expression.numpy_compiler import FUNCTION_CLASSES, _Compiler, runtime_name
from gdviz.core.expression.runtime import FUNCTIONS_BY_NAME, SCALAR_NAMESPACE, ScalarSource

# An operand is a constant (float, folded at compile time) or the name of a local (str).
ScalarOperand = float | str


# The same functions as _NUMPY_FUNCTIONS, over floats (runtime.FUNCTIONS_BY_NAME).
_MATH_FUNCTIONS: dict[type, Callable[[float], float]] = {
    func: FUNCTIONS_BY_NAME[runtime_name(func)][1] for func in FUNCTION_CLASSES
}
_FUNCTION_NAMES: dict[type, str] = {func: f"_{runtime_name(func)}" for func in FUNCTION_CLASSES}

ScalarProgram = Callable[..., tuple[float, ...]]


def scalar_source(
    roots: tuple[sympy.Expr, ...], variables: tuple[str, ...], names: tuple[str, ...]
) -> ScalarSource:
    """The source of `roots` over `variables`, read from the locals `names` (one per variable).

    The float operations are numpy's, in numpy's order, so +, −, ×, ÷ and sqrt give the
    same bits as the numpy closures; `math` functions may differ from numpy's in the last bit.
    Never `**`: a negative float to a fractional power is a complex number in Python. The text
    is generated from the validated sympy tree only (names, float literals, operators, calls
    of SCALAR_NAMESPACE), never from the user's text, and each line is one operation, so the
    nesting stays flat however deep the tree.
    """
    if len(names) != len(variables) or not all(n.isidentifier() for n in names):
        raise ValueError(f"need one identifier per variable, got {names!r}")
    target = _SourceTarget(names)
    compiler = _Compiler(roots, variables, target)
    outputs = tuple(_text(compiler.compile(root)) for root in roots)
    return ScalarSource(tuple(target.lines), outputs)


def _compile_scalar(roots: tuple[sympy.Expr, ...], variables: tuple[str, ...]) -> ScalarProgram:
    """One function for several trees over the same variables: values -> one float per root.

    Call it with one number per variable; it raises where `ScalarSource.lines` do.
    """
    names = tuple(f"_v{i}" for i in range(len(variables)))
    source = scalar_source(roots, variables, names)
    body = [f"{n} = float({n})" for n in names] + list(source.lines)
    body.append(f"return ({', '.join(source.outputs)},)")
    text = f"def _program({', '.join(names)}):\n" + "".join(f"    {line}\n" for line in body)
    namespace = dict(SCALAR_NAMESPACE)
    exec(compile(text, "<gdviz scalar program>", "exec"), namespace)  # our own text: see above
    return namespace["_program"]  # type: ignore[return-value]


def _text(a: ScalarOperand) -> str:
    """A Python expression for an operand: a local's name or a float literal."""
    if isinstance(a, str):
        return a
    if math.isnan(a):
        return "_nan"
    if math.isinf(a):
        return "_inf" if a > 0 else "(-_inf)"
    return repr(a) if math.copysign(1.0, a) > 0 else f"({a!r})"


class _SourceTarget:
    """Operands over Python floats: constants are folded, every operation is one new local."""

    functions = _MATH_FUNCTIONS

    def __init__(self, names: tuple[str, ...]):
        self.names = names
        self.lines: list[str] = []

    def emit(self, expression: str) -> str:
        name = f"_t{len(self.lines)}"
        self.lines.append(f"{name} = {expression}")
        return name

    def variable(self, index: int) -> ScalarOperand:
        return self.names[index]

    def constant(self, value: np.float64) -> ScalarOperand:
        return float(value)  # np.float64 arithmetic is several times slower than float's

    def shared(self, operand: ScalarOperand, key: int) -> ScalarOperand:
        return operand  # already a local computed once: the compiler hands out the same operand

    def add(self, a: ScalarOperand, b: ScalarOperand) -> ScalarOperand:
        if isinstance(a, float) and isinstance(b, float):
            return a + b
        return self.emit(f"{_text(a)} + {_text(b)}")

    def mul(self, a: ScalarOperand, b: ScalarOperand) -> ScalarOperand:
        if isinstance(a, float) and isinstance(b, float):
            return a * b
        return self.emit(f"{_text(a)} * {_text(b)}")

    def div(self, a: ScalarOperand, b: ScalarOperand) -> ScalarOperand:
        if isinstance(a, float) and isinstance(b, float) and b != 0:
            return a / b
        return self.emit(f"{_text(a)} / {_text(b)}")  # a division by 0.0 raises at run time

    def total(self, terms: list[ScalarOperand]) -> ScalarOperand:
        total = terms[0]
        for term in terms[1:]:
            total = self.add(total, term)
        return total

    def product(self, factors: list[ScalarOperand]) -> ScalarOperand:
        if not factors:
            return 1.0
        total = factors[0]
        for factor in factors[1:]:
            total = self.mul(total, factor)
        return total

    def quotient(self, top: ScalarOperand, bottom: ScalarOperand) -> ScalarOperand:
        return self.div(top, bottom)

    def square(self, b: ScalarOperand) -> ScalarOperand:
        if isinstance(b, float):
            return b * b
        return self.emit(f"{b} * {b}")

    def cube(self, b: ScalarOperand) -> ScalarOperand:
        if isinstance(b, float):
            return b * b * b
        return self.emit(f"{b} * {b} * {b}")

    def reciprocal(self, b: ScalarOperand) -> ScalarOperand:
        return self.div(1.0, b)

    def reciprocal_square(self, b: ScalarOperand) -> ScalarOperand:
        return self.div(1.0, self.square(b))

    def float_power(self, b: ScalarOperand, power: float) -> ScalarOperand:
        return self.power(b, power)

    def sqrt(self, b: ScalarOperand) -> ScalarOperand:
        return self.emit(f"_sqrt({_text(b)})")  # a constant argument stays a run-time call

    def reciprocal_sqrt(self, b: ScalarOperand) -> ScalarOperand:
        return self.div(1.0, self.sqrt(b))

    def power(self, b: ScalarOperand, e: ScalarOperand) -> ScalarOperand:
        return self.emit(f"_pow({_text(b)}, {_text(e)})")

    def function(self, func: type, arg: ScalarOperand) -> ScalarOperand:
        return self.emit(f"{_FUNCTION_NAMES[func]}({_text(arg)})")
