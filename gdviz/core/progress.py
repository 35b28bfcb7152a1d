"""Progress reports and cancellation for long core work (sweeps, many starts, mini-batches)."""

from __future__ import annotations

from collections.abc import Callable

# Called now and then with the fraction of the work done, from 0.0 to 1.0.
Progress = Callable[[float], None]
# Polled between steps; True stops the work (threading.Event().is_set fits).
CancelFlag = Callable[[], bool]

# How many steps run between two calls of the progress callback and the cancel flag.
CHECK_EVERY = 16


class Cancelled(Exception):
    """The caller's cancel flag was set: the work stopped and returned nothing."""


def check_in(k: int, total: int, progress: Progress | None, cancelled: CancelFlag | None) -> None:
    """At step k of total: report progress and raise Cancelled if the flag is set."""
    if k % CHECK_EVERY:
        return
    if cancelled is not None and cancelled():
        raise Cancelled(f"cancelled at step {k} of {total}")
    if progress is not None:
        progress(min(k / total, 1.0) if total else 1.0)
