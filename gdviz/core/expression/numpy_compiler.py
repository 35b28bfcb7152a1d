"""sympy tree -> numpy closures: the shared tree compiler and its numpy-array target."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Generic, Protocol, TypeVar

import numpy as np
import sympy

from gdviz.core.expression.runtime import FUNCTIONS_BY_NAME, NumpyValue
from gdviz.core.expression.vocabulary import RealAbs, Sigmoid


class _Unsupported(Exception):
    pass


# A compiled numpy node takes the variable values and a per-call memo of shared subtrees' values;
# it returns an array, or a numpy scalar where the node is a constant.
Value = NumpyValue
Compiled = Callable[[tuple[np.ndarray, ...], dict], Value]


# The sympy function classes compiled expressions may call, each by its lower-case name.
FUNCTION_CLASSES: tuple[type, ...] = (
    sympy.sin, sympy.cos, sympy.tan, sympy.asin, sympy.acos, sympy.atan,
    sympy.sinh, sympy.cosh, sympy.tanh, sympy.asinh, sympy.acosh, sympy.atanh,
    sympy.exp, sympy.log, sympy.sign, sympy.Abs, RealAbs, Sigmoid, sympy.DiracDelta,
    sympy.sec, sympy.csc, sympy.cot, sympy.sech, sympy.csch, sympy.coth,
)  # fmt: skip


def runtime_name(func: type) -> str:
    """The name a function class has in runtime.FUNCTIONS_BY_NAME (and, with `_`, in source)."""
    return func.__name__.lower()


_NUMPY_FUNCTIONS: dict[type, Callable[[Value], Value]] = {
    func: FUNCTIONS_BY_NAME[runtime_name(func)][0] for func in FUNCTION_CLASSES
}


def _compile(expr: sympy.Expr, variables: tuple[str, ...]) -> Callable[[tuple], Value]:
    """Nested numpy closures for a sympy tree, built once; call with a tuple of variable values."""
    fn = _Compiler[Compiled]((expr,), variables, _NumpyTarget()).compile(expr)
    return lambda args: fn(args, {})


# What _Compiler builds for a node: a numpy closure or a scalar operand, by target.
Node = TypeVar("Node")


class _Target(Protocol[Node]):
    """What _Compiler builds with: _NumpyTarget below, or scalar_compiler's _ScalarTarget."""

    @property
    def functions(self) -> Mapping[type, Callable]: ...

    def variable(self, index: int) -> Node: ...
    def constant(self, value: np.float64) -> Node: ...
    def shared(self, fn: Node, key: int) -> Node: ...
    def total(self, terms: list[Node]) -> Node: ...
    def product(self, factors: list[Node]) -> Node: ...
    def quotient(self, top: Node, bottom: Node) -> Node: ...
    def square(self, b: Node) -> Node: ...
    def cube(self, b: Node) -> Node: ...
    def reciprocal(self, b: Node) -> Node: ...
    def reciprocal_square(self, b: Node) -> Node: ...
    def float_power(self, b: Node, power: float) -> Node: ...
    def sqrt(self, b: Node) -> Node: ...
    def reciprocal_sqrt(self, b: Node) -> Node: ...
    def power(self, b: Node, e: Node) -> Node: ...
    def function(self, func: type, arg: Node) -> Node: ...


class _Compiler(Generic[Node]):
    """sympy -> closures for a target (numpy arrays or Python floats). Constant subtrees are
    folded; repeated subtrees (derivatives repeat inner functions, e.g. sigmoid(u)·(1 − sigmoid(u)),
    and f, f_x, f_y share pieces) are computed once per call."""

    def __init__(
        self,
        roots: tuple[sympy.Expr, ...],
        variables: tuple[str, ...],
        target: _Target[Node],
    ):
        self.variables = variables
        self.target = target
        self.cache: dict[sympy.Expr, Node] = {}
        self.shared = _shared_subtrees(roots)

    def compile(self, expr: sympy.Expr) -> Node:
        fn = self.cache.get(expr)
        if fn is not None:
            return fn
        if not expr.free_symbols:
            fn = self.target.constant(self.constant_value(expr))
        else:
            fn = self.structure(expr)
            if expr in self.shared:
                fn = self.target.shared(fn, len(self.cache))
        self.cache[expr] = fn
        return fn

    def constant_value(self, expr: sympy.Expr) -> np.float64:
        # Always numpy's value, so every target folds constants to the same float.
        if not isinstance(self.target, _NumpyTarget):
            return _Compiler((expr,), (), _NumpyTarget()).constant_value(expr)
        try:
            with np.errstate(all="ignore"):
                value = np.float64(self.structure(expr)((), {}))
        except _Unsupported:
            try:
                c = complex(sympy.N(expr))
            except (TypeError, ValueError, ArithmeticError):
                return np.float64(np.nan)
            value = np.float64(c.real if c.imag == 0 else np.nan)
        return value if np.isfinite(value) else np.float64(np.nan)

    def structure(self, expr: sympy.Expr) -> Node:
        t = self.target
        if expr.is_Symbol:
            if expr.name not in self.variables:
                raise _Unsupported(f"unknown symbol {expr.name}")
            return t.variable(self.variables.index(expr.name))
        if expr.is_Atom:
            return t.constant(_number_value(expr))
        if expr.is_Add:
            return t.total([self.compile(term) for term in expr.args])
        if expr.is_Mul:
            return self.mul(expr)
        if expr.is_Pow:
            return self.power(expr.base, expr.exp)
        if expr.func not in t.functions or not expr.args:
            raise _Unsupported(type(expr).__name__)
        return t.function(expr.func, self.compile(expr.args[0]))

    def mul(self, expr: sympy.Mul) -> Node:
        # Factors with negative exponents divide, which is more accurate than multiplying by 1/b.
        numerator: list[sympy.Expr] = []
        denominator: list[sympy.Expr] = []
        for factor in expr.args:
            if factor.is_Pow and factor.exp.is_Number and factor.exp.is_negative:
                denominator.append(sympy.Pow(factor.base, -factor.exp))
            elif factor.is_Rational and not factor.is_Integer:
                numerator.append(sympy.Integer(factor.p))
                denominator.append(sympy.Integer(factor.q))
            else:
                numerator.append(factor)
        top = self.target.product([self.compile(f) for f in numerator])
        if not denominator:
            return top
        bottom = self.target.product([self.compile(f) for f in denominator])
        return self.target.quotient(top, bottom)

    def power(self, base: sympy.Expr, exponent: sympy.Expr) -> Node:
        t = self.target
        b = self.compile(base)
        if exponent.is_Integer:
            n = int(exponent)
            if n == 1:
                return b
            if n == 2:
                return t.square(b)
            if n == 3:
                return t.cube(b)
            if n == -1:
                return t.reciprocal(b)
            if n == -2:
                return t.reciprocal_square(b)
            return t.float_power(b, float(n))
        if exponent == sympy.S.Half:
            return t.sqrt(b)
        if exponent == -sympy.S.Half:
            return t.reciprocal_sqrt(b)
        return t.power(b, self.compile(exponent))


def _shared_subtrees(roots: tuple[sympy.Expr, ...]) -> set[sympy.Expr]:
    """Non-constant subtrees reached more than once when each distinct subtree is walked once."""
    seen: dict[sympy.Expr, int] = {}
    stack = list(roots)
    while stack:
        node = stack.pop()
        n = seen.get(node, 0)
        seen[node] = n + 1
        if n == 0:
            stack.extend(node.args)
    return {node for node, n in seen.items() if n > 1 and not node.is_Atom and node.free_symbols}


def _number_value(expr: sympy.Expr) -> np.float64:
    if expr.is_Number or expr.is_NumberSymbol:
        try:
            return np.float64(float(expr))
        except OverflowError:
            return np.float64(np.inf if expr > 0 else -np.inf)
        except TypeError:  # zoo, nan
            return np.float64(np.nan)
    return np.float64(np.nan)  # I and other non-real atoms: off the real domain


class _NumpyTarget:
    """Closures (variable arrays, memo) -> array."""

    functions = _NUMPY_FUNCTIONS

    def variable(self, index: int) -> Compiled:
        return lambda args, memo: args[index]

    def constant(self, value: np.float64) -> Compiled:
        return lambda args, memo: value

    def shared(self, fn: Compiled, key: int) -> Compiled:
        def memoized(args: tuple, memo: dict) -> Value:
            value = memo.get(key)
            if value is None:
                value = memo[key] = fn(args, memo)
            return value

        return memoized

    def total(self, terms: list[Compiled]) -> Compiled:
        def add(args: tuple, memo: dict) -> Value:
            total = terms[0](args, memo)
            for term in terms[1:]:
                total = total + term(args, memo)
            return total

        return add

    def product(self, factors: list[Compiled]) -> Compiled:
        if not factors:
            one = np.float64(1.0)
            return lambda args, memo: one
        if len(factors) == 1:
            return factors[0]

        def mul(args: tuple, memo: dict) -> Value:
            total = factors[0](args, memo)
            for factor in factors[1:]:
                total = total * factor(args, memo)
            return total

        return mul

    def quotient(self, top: Compiled, bottom: Compiled) -> Compiled:
        return lambda args, memo: top(args, memo) / bottom(args, memo)

    def square(self, b: Compiled) -> Compiled:
        def square(args: tuple, memo: dict) -> Value:
            v = b(args, memo)
            return v * v

        return square

    def cube(self, b: Compiled) -> Compiled:
        def cube(args: tuple, memo: dict) -> Value:
            v = b(args, memo)
            return v * v * v

        return cube

    def reciprocal(self, b: Compiled) -> Compiled:
        return lambda args, memo: 1.0 / b(args, memo)

    def reciprocal_square(self, b: Compiled) -> Compiled:
        square = self.square(b)
        return lambda args, memo: 1.0 / square(args, memo)

    def float_power(self, b: Compiled, power: float) -> Compiled:
        return lambda args, memo: np.power(b(args, memo), power)

    def sqrt(self, b: Compiled) -> Compiled:
        return lambda args, memo: np.sqrt(b(args, memo))

    def reciprocal_sqrt(self, b: Compiled) -> Compiled:
        return lambda args, memo: 1.0 / np.sqrt(b(args, memo))

    def power(self, b: Compiled, e: Compiled) -> Compiled:
        return lambda args, memo: np.power(b(args, memo), e(args, memo))

    def function(self, func: type, arg: Compiled) -> Compiled:
        fn = self.functions[func]
        return lambda args, memo: fn(arg(args, memo))
