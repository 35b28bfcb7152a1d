"""Bounded echoes of user input for error messages: long text is cut and its length said."""

from __future__ import annotations

from typing import Any

SHOWN_LIMIT = 80
# No line of an error message is longer than this (a last resort for text echoed elsewhere).
MESSAGE_LINE_LIMIT = 300


def shown_text(value: Any, limit: int = SHOWN_LIMIT) -> str:
    """repr(value) when short; else its first characters quoted: 'aaaa…' (100,000 characters)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        # str() of a huge int is slow, and refused past 4,300 digits.
        digits = int(value.bit_length() * 0.30103) + 1
        return f"a whole number of about {digits:,} digits"
    text = value if isinstance(value, str) else str(value)
    if len(text) <= limit:
        return repr(text) if isinstance(value, str) else text
    head = text[: max(1, limit - 20)]
    if not isinstance(value, str):
        return f"{head}… ({len(text):,} characters)"
    quoted = repr(head)
    return f"{quoted[:-1]}…{quoted[-1]} ({len(text):,} characters)"


def shown_path(path: str, limit: int = 160) -> str:
    """A path as given when it fits; else its start and end around '…'."""
    if len(path) <= limit:
        return path
    keep = (limit - 1) // 2
    return f"{path[:keep]}…{path[-keep:]}"


def bounded_line(line: str, limit: int = MESSAGE_LINE_LIMIT) -> str:
    """line, or its first limit characters and how many more there were."""
    if len(line) <= limit:
        return line
    return f"{line[:limit]}… ({len(line) - limit:,} more characters)"
