"""How panels print numbers: significant digits, a true minus sign, words for NaN and ±∞."""

from __future__ import annotations

import math

VALUE_DIGITS = 7


def format_number(value: float, digits: int = VALUE_DIGITS) -> str:
    """A number as the panels print it: `digits` significant digits, 'undefined' for NaN."""
    if not math.isfinite(value):
        return "undefined" if math.isnan(value) else ("+∞" if value > 0 else "−∞")
    text = f"{value:.{digits}g}"
    return text.replace("-", "−")


def parse_shown_number(text: str) -> float:
    """The float a label shows (inverse of format_number for finite values)."""
    return float(text.replace("−", "-"))
