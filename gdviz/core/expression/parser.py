"""User text -> Expression through an ast allowlist; user text is never eval'ed or sympified."""

from __future__ import annotations

import ast
import keyword
import logging
import math
import warnings

import sympy

from gdviz.core.expression.errors import ExpressionError
from gdviz.core.expression.model import Expression
from gdviz.core.expression.vocabulary import (
    _CONSTANT_VALUES,
    CONSTANTS,
    FUNCTIONS,
    RealAbs,
    _symbol,
)

logger = logging.getLogger(__name__)

MAX_LENGTH = 1000
MAX_DEPTH = 50
MAX_CONSTANT_EXPONENT = 1000
# Exact integers/rationals beyond this are kept as floats so sympy never grinds huge numbers.
_MAX_EXACT = 10**30
_MAX_NAME_SHOWN = 30


_BINARY_OPS: dict[type, str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Pow: "^",
}
_FORBIDDEN_BINARY = {
    ast.MatMult: "'@'",
    ast.Mod: "'%'",
    ast.FloorDiv: "'//' (floor division)",
    ast.LShift: "'<<'",
    ast.RShift: "'>>'",
    ast.BitOr: "'|'",
    ast.BitAnd: "'&'",
    ast.BitXor: "'^'",
}
_FORBIDDEN_NODES: dict[type, str] = {
    ast.Attribute: "attribute access is not allowed",
    ast.Subscript: "indexing (subscripts) is not allowed",
    ast.Slice: "slices are not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.Compare: "comparisons are not allowed",
    ast.BoolOp: "'and'/'or' are not allowed",
    ast.IfExp: "conditional expressions (if/else) are not allowed",
    ast.JoinedStr: "strings are not allowed",
    ast.FormattedValue: "strings are not allowed",
    ast.List: "lists are not allowed",
    ast.Tuple: "tuples are not allowed (write a single expression)",
    ast.Set: "sets are not allowed",
    ast.Dict: "dictionaries are not allowed",
    ast.NamedExpr: "assignment (:=) is not allowed",
    ast.Starred: "'*' unpacking is not allowed",
    ast.Await: "'await' is not allowed",
    ast.Yield: "'yield' is not allowed",
    ast.YieldFrom: "'yield' is not allowed",
}


def parse_expression(text: str, variables: tuple[str, ...] = ("x", "y")) -> Expression:
    """Validate user text against the allowlist and build an Expression; raises ExpressionError."""
    variables = tuple(variables)
    for name in variables:
        if (
            not name.isidentifier()
            or keyword.iskeyword(name)
            or name in FUNCTIONS
            or name in CONSTANTS
        ):
            raise ValueError(f"invalid variable name {name!r}")
    if not isinstance(text, str):
        raise ExpressionError("expression must be text")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"expression is too long ({len(text)} characters; the limit is {MAX_LENGTH})"
        )
    if not text.strip():
        raise ExpressionError("empty expression")
    source = _Source(text)
    tree = source.parse()
    source.check_depth(tree)
    try:
        expr, _ = _Builder(source, variables).build(tree.body)
        expr = expr.replace(sympy.Abs, RealAbs)  # sympy makes Abs itself, e.g. sqrt(x^2)
        result = Expression(text, variables, expr)
    except ExpressionError:
        raise
    except (RecursionError, MemoryError, ArithmeticError, TypeError, ValueError) as exc:
        logger.debug("expression %r failed in sympy", text, exc_info=True)
        raise ExpressionError(f"cannot build this expression ({type(exc).__name__})") from None
    return result


# Same meaning, spelled the way the parser reads it: ^ for powers, and maths typed from slides.
_REPLACEMENTS = {"^": "**", "−": "-", "×": "*", "·": "*", "⋅": "*", "÷": "/", "π": "pi"}


class _Source:
    """The user's text and its parser-ready form (^ -> **, − -> -), with columns mapped back."""

    def __init__(self, text: str):
        self.text = text
        for i, ch in enumerate(text):
            if "\ud800" <= ch <= "\udfff" or ch == "\x00":
                raise ExpressionError(f"invalid character {ch!r}", i + 1)
        chars: list[str] = []
        self.original_index: list[int] = []
        for i, ch in enumerate(text):
            if ch.isspace():
                ch = " "  # one line, so columns are absolute; no-break spaces from slides too
            out = _REPLACEMENTS.get(ch, ch)
            chars.append(out)
            self.original_index += [i] * len(out)
        self.original_index.append(len(text))
        code = "".join(chars)
        # eval mode rejects leading whitespace as an "unexpected indent"; drop it, keep columns.
        lead = len(code) - len(code.lstrip(" \t\f"))
        self.code = code[lead:]
        self.original_index = self.original_index[lead:]
        self.code_bytes = self.code.encode("utf-8")
        self._check_brackets()

    def _check_brackets(self) -> None:
        # Brackets leave no AST node, so the depth walk cannot see them; cap them here.
        depth = 0
        for i, ch in enumerate(self.text):
            if ch in "([{":
                depth += 1
                if depth > MAX_DEPTH:
                    raise ExpressionError(
                        f"too many nested brackets (more than {MAX_DEPTH} levels)", i + 1
                    )
            elif ch in ")]}":
                depth -= 1

    def column(self, code_char_offset: int) -> int:
        """1-based column in the user's text of a 0-based character offset in the parsed code."""
        offset = min(max(code_char_offset, 0), len(self.original_index) - 1)
        return self.original_index[offset] + 1

    def _char_offset(self, byte_offset: int) -> int:
        return len(self.code_bytes[:byte_offset].decode("utf-8", errors="replace"))

    def node_column(self, node: ast.AST) -> int | None:
        offset = getattr(node, "col_offset", None)
        if offset is None:
            return None
        return self.column(self._char_offset(offset))

    def segment(self, node: ast.expr) -> str:
        """The user's original text of a node, shortened for messages."""
        start = self._char_offset(node.col_offset)
        end = self._char_offset(node.end_col_offset or node.col_offset)
        s = self.text[self.original_index[start] : self.original_index[min(end, len(self.code))]]
        return s if len(s) <= 40 else s[:37] + "..."

    def parse(self) -> ast.Expression:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return ast.parse(self.code, mode="eval")
        except SyntaxError as exc:
            message = exc.msg or "invalid syntax"
            if "decimal literal" in message:
                message += " (write 2*x for a product)"
            if exc.offset is None or exc.offset <= 0:
                raise ExpressionError(f"{message} (incomplete expression?)") from None
            raise ExpressionError(message, self.column(exc.offset - 1)) from None
        except (RecursionError, MemoryError):
            raise ExpressionError("expression is nested too deeply") from None
        except (ValueError, UnicodeError, OverflowError) as exc:
            raise ExpressionError(f"cannot read this expression ({exc})") from None

    def check_depth(self, tree: ast.Expression) -> None:
        """Reject trees deeper than MAX_DEPTH before anything recursive walks them."""
        stack: list[tuple[ast.AST, int]] = [(tree.body, 1)]
        while stack:
            node, depth = stack.pop()
            if depth > MAX_DEPTH:
                raise ExpressionError(
                    f"expression is nested too deeply (more than {MAX_DEPTH} levels)",
                    self.node_column(node),
                )
            for child in ast.iter_child_nodes(node):
                stack.append((child, depth + (1 if isinstance(child, ast.expr) else 0)))


class _Builder:
    """Allowlist walk: returns (sympy expression, float value if constant else None) per node."""

    def __init__(self, source: _Source, variables: tuple[str, ...]):
        self.source = source
        self.variables = variables

    def fail(self, message: str, node: ast.AST) -> ExpressionError:
        return ExpressionError(message, self.source.node_column(node))

    def build(self, node: ast.AST) -> tuple[sympy.Expr, float | None]:
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.BinOp):
            return self.binop(node)
        if isinstance(node, ast.UnaryOp):
            return self.unaryop(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        message = _FORBIDDEN_NODES.get(type(node), f"{type(node).__name__} is not allowed")
        raise self.fail(message, node)

    def checked(self, value: float, node: ast.expr) -> float:
        if math.isnan(value):
            raise self.fail(f"'{self.source.segment(node)}' is not a real number", node)
        if math.isinf(value):
            raise self.fail(f"'{self.source.segment(node)}' is too large", node)
        return value

    def constant(self, node: ast.Constant) -> tuple[sympy.Expr, float]:
        value = node.value
        if isinstance(value, bool):
            raise self.fail("True/False are not allowed", node)
        if isinstance(value, (str, bytes)):
            raise self.fail("strings are not allowed", node)
        if isinstance(value, complex):
            raise self.fail("complex numbers are not allowed", node)
        if isinstance(value, int):
            try:
                as_float = float(value)
            except OverflowError:
                raise self.fail("number is too large", node) from None
            if abs(value) > _MAX_EXACT:
                return sympy.Float(as_float), as_float
            return sympy.Integer(value), as_float
        if isinstance(value, float):
            if not math.isfinite(value):
                raise self.fail("number is too large", node)
            return sympy.Float(value), value
        raise self.fail(f"{value!r} is not allowed", node)

    def name(self, node: ast.Name) -> tuple[sympy.Expr, float | None]:
        if node.id in self.variables:
            return _symbol(node.id), None
        if node.id in CONSTANTS:
            return CONSTANTS[node.id], _CONSTANT_VALUES[node.id]
        shown = node.id if len(node.id) <= _MAX_NAME_SHOWN else node.id[:_MAX_NAME_SHOWN] + "..."
        if node.id in FUNCTIONS:
            raise self.fail(f"'{shown}' is a function: write {shown}(...)", node)
        allowed = ", ".join((*self.variables, *CONSTANTS))
        raise self.fail(f"unknown name '{shown}' (allowed: {allowed})", node)

    def unaryop(self, node: ast.UnaryOp) -> tuple[sympy.Expr, float | None]:
        if not isinstance(node.op, (ast.UAdd, ast.USub)):
            op = "'not'" if isinstance(node.op, ast.Not) else "'~'"
            raise self.fail(f"operator {op} is not allowed (allowed: + - * / ^)", node)
        expr, value = self.build(node.operand)
        if isinstance(node.op, ast.UAdd):
            return expr, value
        return -expr, (None if value is None else -value)

    def binop(self, node: ast.BinOp) -> tuple[sympy.Expr, float | None]:
        op = _BINARY_OPS.get(type(node.op))
        if op is None:
            shown = _FORBIDDEN_BINARY.get(type(node.op), type(node.op).__name__)
            raise self.fail(f"operator {shown} is not allowed (allowed: + - * / ^)", node)
        left, lv = self.build(node.left)
        right, rv = self.build(node.right)
        if op == "/" and rv == 0:
            raise self.fail("division by zero", node.right)
        if op == "^" and rv is not None and abs(rv) > MAX_CONSTANT_EXPONENT:
            shown = self.source.segment(node.right)
            raise self.fail(f"exponent too large (|{shown}| > {MAX_CONSTANT_EXPONENT})", node.right)
        value = None
        if lv is not None and rv is not None:
            value = self.checked(self.fold(op, lv, rv, node), node)
        if op == "+":
            expr = left + right
        elif op == "-":
            expr = left - right
        elif op == "*":
            expr = left * right
        elif op == "/":
            expr = left / right
        else:
            expr = left**right
        return _shrink(expr), value

    def fold(self, op: str, a: float, b: float, node: ast.BinOp) -> float:
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            return a / b
        try:
            return math.pow(a, b)
        except OverflowError:
            return math.inf
        except ValueError:
            if a == 0:
                raise self.fail("division by zero (0 to a negative power)", node) from None
            raise self.fail(
                f"'{self.source.segment(node)}' is not a real number "
                "(negative base with a fractional exponent)",
                node,
            ) from None

    def call(self, node: ast.Call) -> tuple[sympy.Expr, float | None]:
        if not isinstance(node.func, ast.Name):
            self.build(node.func)  # raises the func's own complaint (lambda, attribute, ...)
            raise self.fail("only the named functions can be called", node)
        name = node.func.id
        if name not in FUNCTIONS:
            shown = name if len(name) <= _MAX_NAME_SHOWN else name[:_MAX_NAME_SHOWN] + "..."
            if name in self.variables or name in CONSTANTS:
                raise self.fail(f"'{shown}' is not a function (write {shown}*(...))", node)
            raise self.fail(
                f"function '{shown}' is not available (available: {', '.join(FUNCTIONS)})", node
            )
        if node.keywords:
            raise self.fail(f"function '{name}' takes no keyword arguments", node.keywords[0])
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self.fail("'*' unpacking is not allowed", arg)
        if len(node.args) != 1:
            raise self.fail(
                f"function '{name}' takes exactly 1 argument (got {len(node.args)})", node
            )
        builder, folder = FUNCTIONS[name]
        arg, value = self.build(node.args[0])
        if value is not None:
            try:
                value = folder(value)
            except OverflowError:
                value = math.inf
            except (ValueError, ZeroDivisionError):
                raise self.fail(
                    f"'{self.source.segment(node)}' is undefined (outside the domain of {name})",
                    node,
                ) from None
            value = self.checked(value, node)
        return builder(arg), value


def _shrink(expr: sympy.Expr) -> sympy.Expr:
    if isinstance(expr, sympy.Rational) and (abs(expr.p) > _MAX_EXACT or expr.q > _MAX_EXACT):
        return sympy.Float(expr)
    return expr
