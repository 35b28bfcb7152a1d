"""What compiled expressions call at run time, by name, for numpy arrays and for floats (no sympy).

The compilers (numpy_compiler, scalar_compiler) map each sympy function class to these by its
lower-case name; generated source calls them as `_<name>` (`_sin`, `_sigmoid`, `_pow`, …), so
source made once can run again later without sympy (see precompiled.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

# What a compiled numpy expression computes with: arrays, or numpy scalars for constants.
NumpyValue = np.ndarray | np.float64


def _stable_sigmoid(z: NumpyValue) -> NumpyValue:
    ez = np.exp(-np.abs(z))  # never overflows
    return np.where(z >= 0, 1.0 / (1.0 + ez), ez / (1.0 + ez))


def _dirac(z: NumpyValue) -> NumpyValue:
    return np.where(z == 0, np.nan, 0.0)


def _reciprocal(f: Callable[[NumpyValue], NumpyValue]) -> Callable[[NumpyValue], NumpyValue]:
    return lambda z: 1.0 / f(z)


def math_sigmoid(z: float) -> float:
    """The logistic function of a float, the same formula as the numpy one (never overflows)."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    ez = math.exp(z)
    return ez / (1.0 + ez)


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


# name -> (numpy function, float function). The float ones raise (ValueError, OverflowError,
# ZeroDivisionError) where numpy gives NaN or ±inf; their callers then ask numpy.
FUNCTIONS_BY_NAME: dict[str, tuple[Callable[[NumpyValue], NumpyValue], Callable[[float], float]]]
FUNCTIONS_BY_NAME = {
    "sin": (np.sin, math.sin),
    "cos": (np.cos, math.cos),
    "tan": (np.tan, math.tan),
    "asin": (np.arcsin, math.asin),
    "acos": (np.arccos, math.acos),
    "atan": (np.arctan, math.atan),
    "sinh": (np.sinh, math.sinh),
    "cosh": (np.cosh, math.cosh),
    "tanh": (np.tanh, math.tanh),
    "asinh": (np.arcsinh, math.asinh),
    "acosh": (np.arccosh, math.acosh),
    "atanh": (np.arctanh, math.atanh),
    "exp": (np.exp, math.exp),
    "log": (np.log, math.log),
    "sign": (np.sign, _scalar_sign),
    "abs": (np.abs, abs),
    "realabs": (np.abs, abs),
    "sigmoid": (_stable_sigmoid, math_sigmoid),
    "diracdelta": (_dirac, _scalar_dirac),
    "sec": (_reciprocal(np.cos), _scalar_reciprocal(math.cos)),
    "csc": (_reciprocal(np.sin), _scalar_reciprocal(math.sin)),
    "cot": (_reciprocal(np.tan), _scalar_reciprocal(math.tan)),
    "sech": (_reciprocal(np.cosh), _scalar_reciprocal(math.cosh)),
    "csch": (_reciprocal(np.sinh), _scalar_reciprocal(math.sinh)),
    "coth": (_reciprocal(np.tanh), _scalar_reciprocal(math.tanh)),
}

# The names generated source may read besides its own locals, over floats and over arrays.
SCALAR_NAMESPACE: dict[str, object] = {
    "_pow": math.pow,  # raises for a negative base with a fractional exponent, like numpy's NaN
    "_sqrt": math.sqrt,
    "_nan": math.nan,
    "_inf": math.inf,
    **{f"_{name}": fns[1] for name, fns in FUNCTIONS_BY_NAME.items()},
}
NUMPY_NAMESPACE: dict[str, object] = {
    "_pow": np.power,
    "_sqrt": np.sqrt,
    "_nan": math.nan,
    "_inf": math.inf,
    **{f"_{name}": fns[0] for name, fns in FUNCTIONS_BY_NAME.items()},
}


@dataclass(frozen=True)
class ScalarSource:
    """Straight-line Python statements computing several trees at one point over floats.

    `lines` read the variables as the locals named at compilation and write locals `_t0`, `_t1`,
    …; `outputs` are one Python expression per tree (a local's name or a float literal), valid
    after the lines. The names the lines use besides locals are in SCALAR_NAMESPACE. The lines
    raise ArithmeticError or ValueError where numpy would give NaN or ±inf (domain errors, a
    division by zero, an overflowing function); a caller then asks numpy. Run over numpy arrays
    (NUMPY_NAMESPACE) they are the numpy evaluation, operation for operation.
    """

    lines: tuple[str, ...]
    outputs: tuple[str, ...]
