"""sympy trees -> one Python-float program (`math`), the fast path for single points."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import sympy

from gdviz.core.expression.numpy_compiler import _Compiler
from gdviz.core.expression.vocabulary import RealAbs, Sigmoid, _math_sigmoid

# A compiled scalar node reads `env`: the variables' values, then the shared subtrees' values.
ScalarFn = Callable[[list[float]], float]
# An operand is a constant (float), an index into env (int) or a closure over env.
ScalarOperand = float | int | ScalarFn


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

ScalarProgram = Callable[[tuple[float, ...]], tuple[float, ...]]


def _compile_scalar(roots: tuple[sympy.Expr, ...], variables: tuple[str, ...]) -> ScalarProgram:
    """One program for several trees over the same variables: values -> one float per root.

    The float operations are numpy's, in numpy's order, so +, −, ×, ÷ and sqrt give the
    same bits as the numpy closures; `math` functions may differ from numpy's in the last bit.
    Never `**`: a negative float to a fractional power is a complex number in Python.
    """
    target = _ScalarTarget(len(variables))
    compiler = _Compiler(roots, variables, target)
    outputs = tuple(_scalar_function(compiler.compile(root)) for root in roots)
    steps = tuple(target.steps)

    if len(outputs) == 1:
        (only,) = outputs

        def one(values: tuple[float, ...]) -> tuple[float, ...]:
            env = [float(v) for v in values]
            for step in steps:
                env.append(step(env))
            return (only(env),)

        return one

    if len(outputs) == 3:
        f, g, h = outputs

        def three(values: tuple[float, ...]) -> tuple[float, ...]:
            env = [float(v) for v in values]
            for step in steps:
                env.append(step(env))
            return f(env), g(env), h(env)

        return three

    def program(values: tuple[float, ...]) -> tuple[float, ...]:
        env = [float(v) for v in values]
        for step in steps:
            env.append(step(env))
        return tuple([fn(env) for fn in outputs])

    return program


class _ScalarTarget:
    """Operands over Python floats; shared subtrees become `steps` run once, in order, per call."""

    functions = _MATH_FUNCTIONS

    def __init__(self, n_variables: int):
        self.n_variables = n_variables
        self.steps: list[ScalarFn] = []

    def variable(self, index: int) -> ScalarOperand:
        return index

    def constant(self, value: np.float64) -> ScalarOperand:
        return float(value)  # np.float64 arithmetic is several times slower than float's

    def shared(self, operand: ScalarOperand, key: int) -> ScalarOperand:
        if not callable(operand):
            return operand
        self.steps.append(operand)
        return self.n_variables + len(self.steps) - 1

    def total(self, terms: list[ScalarOperand]) -> ScalarOperand:
        total = terms[0]
        for term in terms[1:]:
            total = _scalar_add(total, term)
        return total

    def product(self, factors: list[ScalarOperand]) -> ScalarOperand:
        if not factors:
            return 1.0
        total = factors[0]
        for factor in factors[1:]:
            total = _scalar_mul(total, factor)
        return total

    def quotient(self, top: ScalarOperand, bottom: ScalarOperand) -> ScalarOperand:
        return _scalar_div(top, bottom)

    def square(self, b: ScalarOperand) -> ScalarOperand:
        if isinstance(b, float):
            return b * b
        if isinstance(b, int):
            return lambda env: env[b] * env[b]

        def square(env: list[float]) -> float:
            v = b(env)
            return v * v

        return square

    def cube(self, b: ScalarOperand) -> ScalarOperand:
        if isinstance(b, float):
            return b * b * b
        if isinstance(b, int):
            return lambda env: env[b] * env[b] * env[b]

        def cube(env: list[float]) -> float:
            v = b(env)
            return v * v * v

        return cube

    def reciprocal(self, b: ScalarOperand) -> ScalarOperand:
        return _scalar_div(1.0, b)

    def reciprocal_square(self, b: ScalarOperand) -> ScalarOperand:
        return _scalar_div(1.0, self.square(b))

    def float_power(self, b: ScalarOperand, power: float) -> ScalarOperand:
        return self.power(b, power)

    def sqrt(self, b: ScalarOperand) -> ScalarOperand:
        return _scalar_call(math.sqrt, b)

    def reciprocal_sqrt(self, b: ScalarOperand) -> ScalarOperand:
        return _scalar_div(1.0, self.sqrt(b))

    def power(self, b: ScalarOperand, e: ScalarOperand) -> ScalarOperand:
        pow_ = math.pow  # raises for a negative base with a fractional exponent, like numpy's NaN
        if isinstance(e, float):
            if isinstance(b, int):
                return lambda env: pow_(env[b], e)
            base = _scalar_function(b)
            return lambda env: pow_(base(env), e)
        base, exponent = _scalar_function(b), _scalar_function(e)
        return lambda env: pow_(base(env), exponent(env))

    def function(self, func: type, arg: ScalarOperand) -> ScalarOperand:
        return _scalar_call(self.functions[func], arg)


def _scalar_function(a: ScalarOperand) -> ScalarFn:
    if isinstance(a, float):
        return lambda env: a
    if isinstance(a, int):
        return lambda env: env[a]
    return a


def _scalar_call(fn: Callable[[float], float], a: ScalarOperand) -> ScalarFn:
    if isinstance(a, int):
        return lambda env: fn(env[a])
    a = _scalar_function(a)  # a constant argument stays a run-time call: it may raise
    return lambda env: fn(a(env))


# One closure per operand kind, so reading a variable or a constant costs no call.
def _scalar_add(a: ScalarOperand, b: ScalarOperand) -> ScalarOperand:
    if isinstance(a, float):
        if isinstance(b, float):
            return a + b
        if isinstance(b, int):
            return lambda env: a + env[b]
        return lambda env: a + b(env)
    if isinstance(a, int):
        if isinstance(b, float):
            return lambda env: env[a] + b
        if isinstance(b, int):
            return lambda env: env[a] + env[b]
        return lambda env: env[a] + b(env)
    if isinstance(b, float):
        return lambda env: a(env) + b
    if isinstance(b, int):
        return lambda env: a(env) + env[b]
    return lambda env: a(env) + b(env)


def _scalar_mul(a: ScalarOperand, b: ScalarOperand) -> ScalarOperand:
    if isinstance(a, float):
        if isinstance(b, float):
            return a * b
        if isinstance(b, int):
            return lambda env: a * env[b]
        return lambda env: a * b(env)
    if isinstance(a, int):
        if isinstance(b, float):
            return lambda env: env[a] * b
        if isinstance(b, int):
            return lambda env: env[a] * env[b]
        return lambda env: env[a] * b(env)
    if isinstance(b, float):
        return lambda env: a(env) * b
    if isinstance(b, int):
        return lambda env: a(env) * env[b]
    return lambda env: a(env) * b(env)


def _scalar_div(a: ScalarOperand, b: ScalarOperand) -> ScalarOperand:
    if isinstance(a, float):
        if isinstance(b, float) and b != 0:
            return a / b
        if isinstance(b, int):
            return lambda env: a / env[b]
        b = _scalar_function(b)
        return lambda env: a / b(env)
    if isinstance(a, int):
        if isinstance(b, float):
            return lambda env: env[a] / b
        if isinstance(b, int):
            return lambda env: env[a] / env[b]
        return lambda env: env[a] / b(env)
    if isinstance(b, float):
        return lambda env: a(env) / b
    if isinstance(b, int):
        return lambda env: a(env) / env[b]
    return lambda env: a(env) / b(env)
