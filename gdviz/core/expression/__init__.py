"""Public API of the expression package: parse user text into an Expression, explain NaNs.

Everything but ExpressionError is loaded on first use: it brings in sympy (0.3 s, ~40 MB), which
a window showing a dataset's loss, or a verb's --help, never needs.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, TypeGuard

from gdviz.core.expression.errors import ExpressionError

if TYPE_CHECKING:
    from gdviz.core.expression.model import Expression, formula_of
    from gdviz.core.expression.nan_explainer import explain_nan
    from gdviz.core.expression.parser import (
        MAX_CONSTANT_EXPONENT,
        MAX_DEPTH,
        MAX_LENGTH,
        parse_expression,
    )
    from gdviz.core.expression.vocabulary import CONSTANTS, FUNCTIONS, RealAbs, Sigmoid

# name -> the submodule that defines it
_LAZY = {
    "Expression": "model",
    "formula_of": "model",
    "explain_nan": "nan_explainer",
    "MAX_CONSTANT_EXPONENT": "parser",
    "MAX_DEPTH": "parser",
    "MAX_LENGTH": "parser",
    "parse_expression": "parser",
    "CONSTANTS": "vocabulary",
    "FUNCTIONS": "vocabulary",
    "RealAbs": "vocabulary",
    "Sigmoid": "vocabulary",
}

__all__ = [
    "CONSTANTS",
    "FUNCTIONS",
    "MAX_CONSTANT_EXPONENT",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "Expression",
    "ExpressionError",
    "RealAbs",
    "Sigmoid",
    "explain_nan",
    "formula_of",
    "is_expression",
    "parse_expression",
]


def is_expression(value: object) -> TypeGuard[Expression]:
    """isinstance(value, Expression), without loading sympy when no Expression exists yet."""
    model = sys.modules.get(f"{__name__}.model")
    return model is not None and isinstance(value, model.Expression)


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
