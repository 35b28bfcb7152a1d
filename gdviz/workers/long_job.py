"""A background thread for long core work (a sweep): progress, cancel, the newest job wins."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from PySide6 import QtCore

from gdviz.core.progress import CancelFlag, Cancelled, Progress

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 0.05  # progress reaches the GUI at most ~20 times a second

# A long job: computes plain data (no Qt objects), calls progress(fraction) now and then, polls
# cancelled() and raises core's Cancelled when it turns True.
LongJob = Callable[[Progress, CancelFlag], object]


class _Runner(QtCore.QObject):
    """Lives in the worker thread and runs the jobs it is handed, one at a time."""

    progressed = QtCore.Signal(int, float)
    computed = QtCore.Signal(int, object)
    failed = QtCore.Signal(int, str)
    cancelled = QtCore.Signal(int)

    @QtCore.Slot(int, object, object)
    def run(self, job_id: int, job: LongJob, stop: threading.Event) -> None:
        if stop.is_set():
            self.cancelled.emit(job_id)
            return
        last = [0.0]

        def progress(fraction: float) -> None:
            now = time.monotonic()
            if now - last[0] >= PROGRESS_INTERVAL_S or fraction >= 1.0:
                last[0] = now
                self.progressed.emit(job_id, float(fraction))

        try:
            result = job(progress, stop.is_set)
        except Cancelled:
            self.cancelled.emit(job_id)
            return
        except Exception as err:  # a job's failure is reported, never raised in the thread
            log.exception("long job %d failed", job_id)
            self.failed.emit(job_id, str(err) or type(err).__name__)
            return
        if stop.is_set():
            self.cancelled.emit(job_id)
        else:
            self.computed.emit(job_id, result)


class LongJobWorker(QtCore.QObject):
    """Runs one long job at a time off the GUI thread; a new job cancels the one before it.

    Signals carry the job's id; only the current job's reach the GUI (`job_progressed`,
    `job_computed`, `job_failed`, `job_cancelled`). The result is the job's own fresh data:
    the thread never touches it again once emitted.
    """

    job_progressed = QtCore.Signal(int, float)
    job_computed = QtCore.Signal(int, object)
    job_failed = QtCore.Signal(int, str)
    job_cancelled = QtCore.Signal(int)
    _submitted = QtCore.Signal(int, object, object)

    def __init__(self, parent: QtCore.QObject | None = None, name: str = "gdviz-long-job"):
        super().__init__(parent)
        self._next_id = 0
        self._current: int | None = None
        self._stops: dict[int, threading.Event] = {}
        self._thread = QtCore.QThread()
        self._thread.setObjectName(name)
        self._runner = _Runner()
        self._runner.moveToThread(self._thread)
        self._submitted.connect(self._runner.run)
        self._runner.progressed.connect(self._on_progressed)
        self._runner.computed.connect(self._on_computed)
        self._runner.failed.connect(self._on_failed)
        self._runner.cancelled.connect(self._on_cancelled)
        self._thread.start()

    @property
    def current_job(self) -> int | None:
        """The id of the job running or queued, None when idle."""
        return self._current

    def is_busy(self) -> bool:
        return self._current is not None

    def submit(self, job: LongJob) -> int:
        """Queue `job` (cancelling the one before it); returns its id."""
        self.cancel()
        self._next_id += 1
        job_id = self._next_id
        self._stops[job_id] = threading.Event()
        self._current = job_id
        self._submitted.emit(job_id, job, self._stops[job_id])
        return job_id

    def cancel(self) -> int | None:
        """Ask the current job to stop; its result will not arrive. Returns its id."""
        job_id, self._current = self._current, None
        if job_id is not None and job_id in self._stops:
            self._stops[job_id].set()
        return job_id

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def stop(self, timeout_ms: int = 10000) -> None:
        """Cancel every job and join the thread (the window is closing)."""
        self.cancel()
        for stop in self._stops.values():
            stop.set()
        if self._thread.isRunning():
            self._thread.quit()
            if not self._thread.wait(timeout_ms):
                log.error("long job thread did not stop within %d ms", timeout_ms)

    def _finished(self, job_id: int) -> bool:
        """Forget a job that ended; True when it was the current one."""
        self._stops.pop(job_id, None)
        if job_id != self._current:
            return False
        self._current = None
        return True

    @QtCore.Slot(int, float)
    def _on_progressed(self, job_id: int, fraction: float) -> None:
        if job_id == self._current:
            self.job_progressed.emit(job_id, fraction)

    @QtCore.Slot(int, object)
    def _on_computed(self, job_id: int, result: object) -> None:
        if self._finished(job_id):
            self.job_computed.emit(job_id, result)

    @QtCore.Slot(int, str)
    def _on_failed(self, job_id: int, message: str) -> None:
        if self._finished(job_id):
            self.job_failed.emit(job_id, message)

    @QtCore.Slot(int)
    def _on_cancelled(self, job_id: int) -> None:
        self._stops.pop(job_id, None)
        self.job_cancelled.emit(job_id)
