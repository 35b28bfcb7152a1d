"""ExpressionError: the one exception user text raises, with the column it points at."""

from __future__ import annotations


class ExpressionError(ValueError):
    """User text that is not an allowed expression; `column` is 1-based in the user's text."""

    def __init__(self, message: str, column: int | None = None):
        self.message = message
        self.column = column
        super().__init__(f"column {column}: {message}" if column is not None else message)
