"""How gdviz writes numbers (panels, CLI, exported frames) and reads the numbers people type."""

from __future__ import annotations

import math

VALUE_DIGITS = 7  # what panels and the CLI show by default: the lecture's checked values' digits
TRUE_MINUS = "−"


def format_number(value: float, digits: int = VALUE_DIGITS, ascii_minus: bool = False) -> str:
    """`value` to `digits` significant digits, with a true minus sign (or "-" for machine-read
    output), "undefined" for NaN and ±∞ spelt out. Zero is never written "−0"."""
    value = float(value)
    if math.isnan(value):
        return "undefined"
    if math.isinf(value):
        sign = "-" if ascii_minus else TRUE_MINUS
        if ascii_minus:
            return "inf" if value > 0 else "-inf"
        return "+∞" if value > 0 else f"{sign}∞"
    text = f"{value:.{digits}g}"
    if text.startswith("-") and float(text) == 0:  # −0.0, or a tiny negative rounded to 0
        text = text[1:]
    return text if ascii_minus else text.replace("-", TRUE_MINUS)


def parse_number(text: str, what: str = "value", finite: bool = True) -> float:
    """A number as typed or as gdviz printed it ("−0.5", "1e-3", " 2 "); ValueError naming
    `what` otherwise (and for NaN or ±∞ unless finite is False)."""
    cleaned = text.strip().replace(TRUE_MINUS, "-")
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"{what}: {text.strip()[:40]!r} is not a number") from None
    if finite and not math.isfinite(value):
        raise ValueError(f"{what}: {text.strip()[:40]!r} must be a finite number")
    return value


def parse_number_list(text: str, what: str) -> list[float]:
    """'1, −1, 0.5' → [1.0, -1.0, 0.5] (empty entries skipped); ValueError naming the bad one."""
    return [parse_number(part, what) for part in text.split(",") if part.strip()]


def parse_coordinate(text: str, what: str = "coordinate") -> float:
    """A coordinate as typed: a number ("−0.5", "1e-3") or a constant expression ("pi",
    "−pi/2", "sqrt(2)", "2*pi/3", "e"); ValueError naming `what` otherwise.

    A constant expression goes through gdviz's own allowlist parser (never eval/sympify) and
    is evaluated by its scalar compiler; one that uses x or y, or is not finite, is refused.
    """
    shown = text.strip()[:40]
    cleaned = text.strip().replace(TRUE_MINUS, "-")
    try:
        value = float(cleaned)
    except ValueError:
        pass
    else:
        if not math.isfinite(value):
            raise ValueError(f"{what}: {shown!r} must be a finite number")
        return value
    if not cleaned:
        raise ValueError(f"{what}: empty; type a number or a constant such as pi/2")
    # Imported here so that reading plain numbers does not load sympy.
    from gdviz.core.expression import ExpressionError, parse_expression

    try:
        expression = parse_expression(text, ("x", "y"))
    except ExpressionError as err:
        raise ValueError(
            f"{what}: {shown!r} is not a number or a constant expression ({err})"
        ) from None
    used = sorted(symbol.name for symbol in expression.sympy_expr.free_symbols)
    if used:
        raise ValueError(
            f"{what}: {shown!r} uses {' and '.join(used)}; a coordinate must be a number "
            "or a constant expression such as pi/2"
        )
    value = expression.evaluate_scalar(0.0, 0.0)
    if not math.isfinite(value):
        raise ValueError(f"{what}: {shown!r} is not a finite number")
    return value


def parse_limit_point(text: str, what: str = "a") -> float:
    """Where a one-variable limit is taken: a number, a constant expression such as pi/2
    (see parse_coordinate), or inf / +inf / -inf / ∞ / −∞."""
    cleaned = text.strip().replace(TRUE_MINUS, "-").replace("∞", "inf").lower()
    if cleaned in ("inf", "+inf", "infinity", "+infinity"):
        return math.inf
    if cleaned in ("-inf", "-infinity"):
        return -math.inf
    try:
        return parse_coordinate(text.strip().replace("∞", "inf"), what)
    except ValueError as err:
        raise ValueError(
            f"{what} must be a number or ±∞ (or a constant such as pi/2); {err}"
        ) from None
