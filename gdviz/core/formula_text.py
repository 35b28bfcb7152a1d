"""Formulas as people write them: `x^2*y` becomes `x²·y` for titles and exported frames."""

from __future__ import annotations

import re

_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_POWER = re.compile(r"\^(\d+)(?![\d.])")


def readable_formula(formula: str) -> str:
    """Whole-number powers as superscripts, products as a middle dot, true minus signs;
    other powers (x^(1/2), x^0.5) stay as typed."""
    text = _POWER.sub(lambda m: m.group(1).translate(_SUPERSCRIPTS), formula)
    return text.replace("*", "·").replace("-", "−")
