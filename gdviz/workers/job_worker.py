"""A background thread that runs one job function at a time and emits its result; newest wins."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6 import QtCore

log = logging.getLogger(__name__)


class JobCancelled(Exception):
    """Raised by a cancellable job whose keep_going() turned False: not an error."""


class _JobRunner(QtCore.QObject):
    """Lives in the worker thread; runs the jobs it is handed in order, skipping superseded ones."""

    computed = QtCore.Signal(int, object)
    failed = QtCore.Signal(int, str)

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._oldest_wanted = 0
        self.stopping = threading.Event()

    def supersede_before(self, job_id: int) -> None:
        """Jobs with an id below job_id are no longer wanted (called from the GUI thread)."""
        with self._lock:
            self._oldest_wanted = max(self._oldest_wanted, job_id)

    def is_wanted(self, job_id: int) -> bool:
        with self._lock:
            return job_id >= self._oldest_wanted and not self.stopping.is_set()

    @QtCore.Slot(int, object, bool)
    def run(self, job_id: int, job: Callable[..., object], cancellable: bool) -> None:
        if not self.is_wanted(job_id):
            return
        try:
            result = job(lambda: self.is_wanted(job_id)) if cancellable else job()
        except JobCancelled:
            return
        except Exception as err:  # a job's failure is reported, never raised in the thread
            log.exception("background job %d failed", job_id)
            self.failed.emit(job_id, str(err) or type(err).__name__)
            return
        if self.is_wanted(job_id):
            self.computed.emit(job_id, result)


class JobWorker(QtCore.QObject):
    """Runs job functions off the GUI thread; results arrive as `job_computed(job_id, result)`.

    A job function must not touch Qt objects: it computes plain data (numpy arrays, records)
    which the GUI thread applies when the signal arrives. Submitting with `supersede=True`
    drops every job submitted before it that has not started yet, and hides the result of
    one that is running.
    """

    job_computed = QtCore.Signal(int, object)
    job_failed = QtCore.Signal(int, str)
    _job_submitted = QtCore.Signal(int, object, bool)

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._next_id = 0
        self._newest_group = 0
        self._thread = QtCore.QThread()
        self._thread.setObjectName("gdviz-job-worker")
        self._runner = _JobRunner()
        self._runner.moveToThread(self._thread)
        self._job_submitted.connect(self._runner.run)
        self._runner.computed.connect(self._on_computed)
        self._runner.failed.connect(self._on_failed)
        self._thread.start()

    def submit(
        self, job: Callable[..., object], supersede: bool = True, cancellable: bool = False
    ) -> int:
        """Queue job to run in the worker thread; returns its id.

        A cancellable job is called as job(keep_going): it should check keep_going() now and
        then and raise JobCancelled when it turns False (superseded, or the worker stopping).
        """
        self._next_id += 1
        job_id = self._next_id
        if supersede:
            self._newest_group = job_id
            self._runner.supersede_before(job_id)
        self._job_submitted.emit(job_id, job, cancellable)
        return job_id

    def is_current(self, job_id: int) -> bool:
        """True when job_id belongs to the newest group of jobs (nothing superseded it)."""
        return job_id >= self._newest_group

    @QtCore.Slot(int, object)
    def _on_computed(self, job_id: int, result: object) -> None:
        if self.is_current(job_id):
            self.job_computed.emit(job_id, result)

    @QtCore.Slot(int, str)
    def _on_failed(self, job_id: int, message: str) -> None:
        if self.is_current(job_id):
            self.job_failed.emit(job_id, message)

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def stop(self, timeout_ms: int = 10000) -> None:
        """Drop queued jobs, ask a running cancellable one to stop, and join the thread."""
        self._runner.stopping.set()
        if self._thread.isRunning():
            self._thread.quit()
            if not self._thread.wait(timeout_ms):
                log.error("job worker thread did not stop within %d ms", timeout_ms)
