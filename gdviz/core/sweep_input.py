"""A sweep's typed fields (α from, α to, count, steps) read into SweepSettings, a bad one named."""

from __future__ import annotations

from gdviz.core.numbers import parse_number
from gdviz.core.run_settings import SweepSettings, check_whole, learning_rate_grid
from gdviz.core.scene import MAX_RUN_STEPS

# The fields in the order they are checked (the first bad one is reported), with their labels.
FIELDS: dict[str, str] = {"lr_min": "α from", "lr_max": "α to", "count": "count", "steps": "steps"}


class SweepInputError(ValueError):
    """A typed sweep field is bad: `field` is one of FIELDS, the message says why."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def read_sweep_settings(
    lr_min: str, lr_max: str, count: str, steps: str, tol: float = SweepSettings.tol
) -> SweepSettings:
    """SweepSettings from the texts typed in the Sweep panel; SweepInputError naming the field
    (with core's message for an empty, reversed, non-positive or NaN range and a bad count)."""
    low = _number("lr_min", lr_min)
    high = _number("lr_max", lr_max)
    rates = _whole("count", count)
    max_steps = _whole("steps", steps)
    try:
        learning_rate_grid(low, high, rates)
    except ValueError as err:
        raise SweepInputError(_field_of(str(err)), str(err)) from None
    try:
        check_whole("steps", max_steps, 1, MAX_RUN_STEPS)
        return SweepSettings(low, high, rates, max_steps, tol)
    except ValueError as err:
        raise SweepInputError("steps", str(err)) from None


def _number(field: str, text: str) -> float:
    """A typed rate; NaN and ±∞ pass, for learning_rate_grid to refuse with its message."""
    if not text.strip():
        raise SweepInputError(field, f"{FIELDS[field]}: empty; type a rate such as 1e-4")
    try:
        return parse_number(text, FIELDS[field], finite=False)
    except ValueError as err:
        raise SweepInputError(field, str(err)) from None


def _whole(field: str, text: str) -> int:
    cleaned = text.strip().replace(",", "").replace("_", "")
    if not cleaned:
        raise SweepInputError(field, f"{FIELDS[field]}: empty; type a whole number")
    try:
        return int(cleaned)
    except ValueError:
        raise SweepInputError(
            field, f"{FIELDS[field]}: {text.strip()[:40]!r} is not a whole number"
        ) from None


def _field_of(message: str) -> str:
    """Which field a message of learning_rate_grid is about."""
    if message.startswith("count"):
        return "count"
    if "its start" in message:
        return "lr_min"
    return "lr_max"  # its end, a reversed or an empty range: beside "α to"
