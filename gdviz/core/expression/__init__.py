"""Public API of the expression package: parse user text into an Expression, explain NaNs."""

from gdviz.core.expression.errors import ExpressionError
from gdviz.core.expression.model import Expression, formula_of
from gdviz.core.expression.nan_explainer import explain_nan
from gdviz.core.expression.parser import (
    MAX_CONSTANT_EXPONENT,
    MAX_DEPTH,
    MAX_LENGTH,
    parse_expression,
)
from gdviz.core.expression.vocabulary import CONSTANTS, FUNCTIONS, RealAbs, Sigmoid

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
    "parse_expression",
]
