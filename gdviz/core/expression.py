"""User text -> ast allowlist -> sympy tree -> numpy closures, derivatives and formulas."""

from __future__ import annotations

import ast
import keyword
import logging
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import sympy
from sympy.core.function import ArgumentIndexError
from sympy.printing.str import StrPrinter

logger = logging.getLogger(__name__)

MAX_LENGTH = 1000
MAX_DEPTH = 50
MAX_CONSTANT_EXPONENT = 1000
# Exact integers/rationals beyond this are kept as floats so sympy never grinds huge numbers.
_MAX_EXACT = 10**30
_MAX_NAME_SHOWN = 30

CONSTANTS: dict[str, sympy.Expr] = {"pi": sympy.pi, "e": sympy.E}
_CONSTANT_VALUES = {"pi": math.pi, "e": math.e}


class ExpressionError(ValueError):
    """User text that is not an allowed expression; `column` is 1-based in the user's text."""

    def __init__(self, message: str, column: int | None = None):
        self.message = message
        self.column = column
        super().__init__(f"column {column}: {message}" if column is not None else message)


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


def _math_sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    ez = math.exp(z)
    return ez / (1.0 + ez)


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
    "sigmoid": (Sigmoid, _math_sigmoid),
}

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
            (value,) = program(values)
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
            roots = (self.sympy_expr, *(self.derivative(v).sympy_expr for v in self.variables))
            program = self._compile_scalar("_scalar_gradient", roots)
        try:
            results = program(values)
        except (ArithmeticError, ValueError):
            return self._value_and_gradient_numpy(values)
        for r in results:
            if r - r != 0.0:  # inf or NaN
                return self._value_and_gradient_numpy(values)
        return results

    def _value_and_gradient_numpy(self, values: tuple) -> tuple[float, ...]:
        gradient = (float(self.derivative(v).evaluate(*values)) for v in self.variables)
        return (float(self.evaluate(*values)), *gradient)

    def _check_count(self, values: tuple) -> None:
        if len(values) != len(self.variables):
            raise TypeError(
                f"expected {len(self.variables)} values ({', '.join(self.variables)}), "
                f"got {len(values)}"
            )

    def _compile_scalar(self, name: str, roots: tuple[sympy.Expr, ...]) -> ScalarProgram:
        try:
            program = _compile_scalar(roots, self.variables)
        except _Unsupported:  # cannot happen for what numpy compiles; stay correct regardless
            logger.warning("no scalar program for %r; using numpy", self.text)
            exprs = [Expression(formula_of(r), self.variables, r) for r in roots]

            def program(values: tuple) -> tuple[float, ...]:
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


def _symbol(name: str) -> sympy.Symbol:
    return sympy.Symbol(name, real=True)


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

    def segment(self, node: ast.AST) -> str:
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

    def checked(self, value: float, node: ast.AST) -> float:
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


# ---------------------------------------------------------------- compiler: sympy -> closures


class _Unsupported(Exception):
    pass


# A compiled numpy node takes the variable values and a per-call memo of shared subtrees' values.
Compiled = Callable[[tuple[np.ndarray, ...], dict], np.ndarray]


def _stable_sigmoid(z: np.ndarray) -> np.ndarray:
    ez = np.exp(-np.abs(z))  # never overflows
    return np.where(z >= 0, 1.0 / (1.0 + ez), ez / (1.0 + ez))


def _dirac(z: np.ndarray) -> np.ndarray:
    return np.where(z == 0, np.nan, 0.0)


def _reciprocal(f: Callable[[np.ndarray], np.ndarray]) -> Callable[[np.ndarray], np.ndarray]:
    return lambda z: 1.0 / f(z)


_NUMPY_FUNCTIONS: dict[type, Callable[[np.ndarray], np.ndarray]] = {
    sympy.sin: np.sin,
    sympy.cos: np.cos,
    sympy.tan: np.tan,
    sympy.asin: np.arcsin,
    sympy.acos: np.arccos,
    sympy.atan: np.arctan,
    sympy.sinh: np.sinh,
    sympy.cosh: np.cosh,
    sympy.tanh: np.tanh,
    sympy.asinh: np.arcsinh,
    sympy.acosh: np.arccosh,
    sympy.atanh: np.arctanh,
    sympy.exp: np.exp,
    sympy.log: np.log,
    sympy.sign: np.sign,
    sympy.Abs: np.abs,
    RealAbs: np.abs,
    Sigmoid: _stable_sigmoid,
    sympy.DiracDelta: _dirac,
    sympy.sec: _reciprocal(np.cos),
    sympy.csc: _reciprocal(np.sin),
    sympy.cot: _reciprocal(np.tan),
    sympy.sech: _reciprocal(np.cosh),
    sympy.csch: _reciprocal(np.sinh),
    sympy.coth: _reciprocal(np.tanh),
}


def _compile(expr: sympy.Expr, variables: tuple[str, ...]) -> Callable[[tuple], np.ndarray]:
    """Nested numpy closures for a sympy tree, built once; call with a tuple of variable values."""
    fn = _Compiler((expr,), variables, _NumpyTarget()).compile(expr)
    return lambda args: fn(args, {})


class _Compiler:
    """sympy -> closures for a target (numpy arrays or Python floats). Constant subtrees are
    folded; repeated subtrees (derivatives repeat inner functions, e.g. sigmoid(u)·(1 − sigmoid(u)),
    and f, f_x, f_y share pieces) are computed once per call."""

    def __init__(
        self,
        roots: tuple[sympy.Expr, ...],
        variables: tuple[str, ...],
        target: _NumpyTarget | _ScalarTarget,
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
        def memoized(args: tuple, memo: dict) -> np.ndarray:
            value = memo.get(key)
            if value is None:
                value = memo[key] = fn(args, memo)
            return value

        return memoized

    def total(self, terms: list[Compiled]) -> Compiled:
        def add(args: tuple, memo: dict) -> np.ndarray:
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

        def mul(args: tuple, memo: dict) -> np.ndarray:
            total = factors[0](args, memo)
            for factor in factors[1:]:
                total = total * factor(args, memo)
            return total

        return mul

    def quotient(self, top: Compiled, bottom: Compiled) -> Compiled:
        return lambda args, memo: top(args, memo) / bottom(args, memo)

    def square(self, b: Compiled) -> Compiled:
        def square(args: tuple, memo: dict) -> np.ndarray:
            v = b(args, memo)
            return v * v

        return square

    def cube(self, b: Compiled) -> Compiled:
        def cube(args: tuple, memo: dict) -> np.ndarray:
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


# ------------------------------------------------------ scalar target: Python floats and `math`

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
# What _Compiler builds for a node: a numpy closure or a scalar operand, by target.
Node = Compiled | ScalarOperand


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


# ---------------------------------------------------------------- why is it NaN here?


def explain_nan(expression: Expression, *values: float) -> str | None:
    """Why `expression` has no value at this point (None if it has one).

    Finds the innermost sqrt/log/asin/acos/power/division whose argument is out of its domain,
    e.g. "sqrt of a negative number: z must be ≥ 0" or "log of a non-positive number (x - 1 = -2)".
    """
    point = tuple(np.float64(v) for v in values)
    value = expression.evaluate(*point)
    if value.ndim != 0:
        raise ValueError("explain_nan takes one point (scalar values)")
    if np.isfinite(value):
        return None
    for name, v in zip(expression.variables, point, strict=True):
        if not np.isfinite(v):
            return f"{name} is not a finite number"
    reason = _innermost_failure(expression.sympy_expr, expression.variables, point)
    return reason or "the expression is undefined at this point"


def _value_at(expr: sympy.Expr, variables: tuple[str, ...], point: tuple) -> float:
    with np.errstate(all="ignore"):
        return float(np.asarray(_compile(expr, variables)(point), dtype=np.float64))


def _innermost_failure(expr: sympy.Expr, variables: tuple[str, ...], point: tuple) -> str | None:
    for child in expr.args:
        reason = _innermost_failure(child, variables, point)
        if reason:
            return reason
    if expr.is_Atom:
        return None
    if not all(math.isfinite(_value_at(a, variables, point)) for a in expr.args):
        return None
    if math.isfinite(_value_at(expr, variables, point)):
        return None
    return _describe_failure(expr, variables, point)


def _detail(arg: sympy.Expr, value: float, requirement: str) -> str:
    if arg.is_Symbol:
        return f": {arg.name} {requirement}"
    return f" ({formula_of(arg)} = {value:g})"


def _describe_failure(expr: sympy.Expr, variables: tuple[str, ...], point: tuple) -> str:
    args = [_value_at(a, variables, point) for a in expr.args]
    if expr.is_Pow:
        base, exponent = expr.args
        b, e = args
        if b == 0 and e < 0:
            return "division by zero" + _detail(base, b, "must not be 0")
        if b < 0 and e != int(e):
            if abs(e) == 0.5:
                return "sqrt of a negative number" + _detail(base, b, "must be ≥ 0")
            return "fractional power of a negative number" + _detail(base, b, "must be ≥ 0")
        return "value too large (overflow) in " + formula_of(expr)
    if expr.func == sympy.log:
        return "log of a non-positive number" + _detail(expr.args[0], args[0], "must be > 0")
    if expr.func in (sympy.asin, sympy.acos):
        name = expr.func.__name__
        return f"{name} of a number outside [−1, 1]" + _detail(
            expr.args[0], args[0], "must be between −1 and 1"
        )
    if expr.func == sympy.DiracDelta:
        return "not differentiable here" + _detail(expr.args[0], args[0], "must not be 0")
    if math.isinf(_value_at(expr, variables, point)):
        return "value too large (overflow) in " + formula_of(expr)
    return f"{formula_of(expr)} is undefined here"
