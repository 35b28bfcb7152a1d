"""SIGINT, SIGTERM and SIGHUP as a request to stop, which long work checks where it can stop."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

STOP_SIGNALS: tuple[int, ...] = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


@dataclass
class StopRequest:
    """The first stop signal received (None: keep going)."""

    signum: int | None = None

    def keep_going(self) -> bool:
        return self.signum is None

    @property
    def exit_status(self) -> int:
        """The shell's status for a process ended by the signal: 130 for SIGINT, 143 SIGTERM."""
        return 128 + int(self.signum or 0)

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name if self.signum else ""


@contextmanager
def stop_requested(on_stop: Callable[[int], None] | None = None) -> Iterator[StopRequest]:
    """While inside, a stop signal is recorded (and on_stop(signum) called) instead of ending
    the process or raising KeyboardInterrupt; the previous handlers come back afterwards."""
    request = StopRequest()

    def record(signum: int, _frame) -> None:
        if request.signum is None:
            request.signum = signum
            if on_stop is not None:
                on_stop(signum)

    previous = {}
    for signum in STOP_SIGNALS:
        try:
            previous[signum] = signal.signal(signum, record)
        except (ValueError, OSError):  # not the main thread, or not settable here
            continue
    try:
        yield request
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def die_with_parent() -> None:
    """For a child process (preexec_fn): get SIGTERM when gdviz dies, even by SIGKILL (Linux)."""
    if sys.platform != "linux":
        return
    import ctypes

    pr_set_pdeathsig = 1
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
