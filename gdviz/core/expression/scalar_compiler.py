"""sympy trees -> Python source over floats (`math`): the fast path for single points and loops."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy

from gdviz.core.expression.numpy_compiler import _Compiler
from gdviz.core.expression.vocabulary import RealAbs, Sigmoid, _math_sigmoid

# An operand is a constant (float, folded at compile time) or the name of a local (str).
ScalarOperand = float | str


def _scalar_sign(z: float) -> float:
    if z > 0:
        return 1.0
    if z < 0:
        return -1.0
    return 0.0 if z == 0 else math.nan


def _scalar_dirac(z: float) -> float:
    return math.nan if z == 0 else 0.0


def _scalar_reciprocal(f: Callable[[float], float]) -> Callable[[float], float]:
    return lambda z: 1.0 / f(z)


# The same functions as _NUMPY_FUNCTIONS. Domain errors raise (ValueError, OverflowError,
# ZeroDivisionError) where numpy gives NaN or ±inf; the caller then asks numpy.
_MATH_FUNCTIONS: dict[type, Callable[[float], float]] = {
    sympy.sin: math.sin,
    sympy.cos: math.cos,
    sympy.tan: math.tan,
    sympy.asin: math.asin,
    sympy.acos: math.acos,
    sympy.atan: math.atan,
    sympy.sinh: math.sinh,
    sympy.cosh: math.cosh,
    sympy.tanh: math.tanh,
    sympy.asinh: math.asinh,
    sympy.acosh: math.acosh,
    sympy.atanh: math.atanh,
    sympy.exp: math.exp,
    sympy.log: math.log,
    sympy.sign: _scalar_sign,
    sympy.Abs: abs,
    RealAbs: abs,
    Sigmoid: _math_sigmoid,  # the same formula as _stable_sigmoid
    sympy.DiracDelta: _scalar_dirac,
    sympy.sec: _scalar_reciprocal(math.cos),
    sympy.csc: _scalar_reciprocal(math.sin),
    sympy.cot: _scalar_reciprocal(math.tan),
    sympy.sech: _scalar_reciprocal(math.cosh),
    sympy.csch: _scalar_reciprocal(math.sinh),
    sympy.coth: _scalar_reciprocal(math.tanh),
}

# The names generated source may read besides its own locals; every program shares them.
SCALAR_NAMESPACE: dict[str, object] = {
    "_pow": math.pow,  # raises for a negative base with a fractional exponent, like numpy's NaN
    "_sqrt": math.sqrt,
    "_nan": math.nan,
    "_inf": math.inf,
    **{f"_{func.__name__.lower()}": fn for func, fn in _MATH_FUNCTIONS.items()},
}
_FUNCTION_NAMES: dict[type, str] = {func: f"_{func.__name__.lower()}" for func in _MATH_FUNCTIONS}

ScalarProgram = Callable[..., tuple[float, ...]]


@dataclass(frozen=True)
class ScalarSource:
    """Straight-line Python statements computing several trees at one point over floats.

    `lines` read the variables as the locals named at compilation and write locals `_t0`, `_t1`,
    …; `outputs` are one Python expression per tree (a local's name or a float literal), valid
    after the lines. The names the lines use besides locals are in SCALAR_NAMESPACE. The lines
    raise ArithmeticError or ValueError where numpy would give NaN or ±inf (domain errors, a
    division by zero, an overflowing function); a caller then asks numpy.
    """

    lines: tuple[str, ...]
    outputs: tuple[str, ...]


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
