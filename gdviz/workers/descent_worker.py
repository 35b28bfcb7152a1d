"""A background thread that advances descent runs at a chosen pace and emits their steps."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass

from PySide6 import QtCore

from gdviz.core.descent import Step, cancelled_end
from gdviz.core.descent_rows import DescentRows
from gdviz.core.history import StepRows
from gdviz.core.minibatch_rows import MiniBatchRows

log = logging.getLogger(__name__)

TICK_MS = 16  # ~60 Hz: at most this many batches per second per run reach the GUI
FAST_BUDGET_S = 0.008  # "as fast as possible" computes this long per tick, then yields
MAX_TICK_GAP_S = 0.1  # a late tick does not turn into a burst of catch-up steps
GUI_YIELD_S = 0.05  # the longest the worker leaves the GUI a frame to draw in
DEFAULT_STOP_TIMEOUT_MS = 5000


@dataclass
class _Run:
    """A run as the worker thread sees it."""

    generation: int
    steps: DescentRows | MiniBatchRows | Iterator[Step]
    owed: float = 1.0  # steps due at a finite speed; 1 so the start shows on the first tick


def _close(steps: DescentRows | Iterator[Step]) -> None:
    close = getattr(steps, "close", None)
    if close is None:
        return
    try:
        close()
    except Exception:  # a generator that misbehaves on close must not kill the thread
        log.exception("closing a descent run failed")


class _DescentRunner(QtCore.QObject):
    """Lives in the worker thread; advances its runs on a timer there. Only its slots touch it."""

    computed = QtCore.Signal(int, int, object)  # run id, generation, StepRows
    finished = QtCore.Signal(int, int, object)  # run id, generation, the generator's return value
    failed = QtCore.Signal(int, int, str)  # run id, generation, message

    def __init__(self, gui_busy: _GuiBusy) -> None:
        super().__init__()
        self._gui_busy = gui_busy
        self._runs: dict[int, _Run] = {}
        self._playing = True
        self._speed: float | None = None
        self._timer: QtCore.QTimer | None = None
        self._last_tick = 0.0

    @QtCore.Slot(int, int, object)
    def add_run(self, run_id: int, generation: int, steps: DescentRows | Iterator[Step]) -> None:
        old = self._runs.pop(run_id, None)
        if old is not None:
            _close(old.steps)
        self._runs[run_id] = _Run(generation, steps)
        self._update_timer()

    @QtCore.Slot(int, int)
    def cancel(self, run_id: int, generation: int) -> None:
        run = self._runs.get(run_id)
        if run is not None and run.generation == generation:
            del self._runs[run_id]
            _close(run.steps)
            self._update_timer()

    @QtCore.Slot(bool)
    def set_playing(self, playing: bool) -> None:
        self._playing = playing
        self._update_timer()

    @QtCore.Slot(object)
    def set_speed(self, steps_per_second: float | None) -> None:
        self._speed = steps_per_second

    @QtCore.Slot()
    def step_once(self) -> None:
        for run_id, run in list(self._runs.items()):
            self._advance(run_id, run, 1, math.inf)
        self._update_timer()

    @QtCore.Slot()
    def shut_down(self) -> None:
        """Close every run, stop the timer and end this thread's event loop."""
        runs, self._runs = self._runs, {}
        for run in runs.values():
            _close(run.steps)
        if self._timer is not None:
            self._timer.stop()
        self.thread().quit()

    def _update_timer(self) -> None:
        """Tick only while playing with something to run (no idle wake-ups)."""
        if self._timer is None:
            # Created here, in a slot, so that the timer lives in (and fires in) the worker thread.
            self._timer = QtCore.QTimer(self)
            self._timer.setTimerType(QtCore.Qt.TimerType.PreciseTimer)
            self._timer.setInterval(TICK_MS)
            self._timer.timeout.connect(self._tick)
        wanted = self._playing and bool(self._runs)
        if wanted and not self._timer.isActive():
            self._last_tick = time.perf_counter()
            self._timer.start()
        elif not wanted and self._timer.isActive():
            self._timer.stop()

    @QtCore.Slot()
    def _tick(self) -> None:
        now = time.perf_counter()
        elapsed = min(now - self._last_tick, MAX_TICK_GAP_S)
        self._last_tick = now
        runs = list(self._runs.items())
        for i, (run_id, run) in enumerate(runs):
            # Each run gets its share of the budget, so one run cannot starve the others.
            deadline = now + FAST_BUDGET_S * (i + 1) / len(runs)
            if self._speed is None:
                self._advance(run_id, run, None, deadline)
                continue
            cap = self._speed * MAX_TICK_GAP_S + 1.0
            run.owed = min(run.owed + self._speed * elapsed, cap)
            due = int(run.owed)
            if due > 0:
                run.owed -= self._advance(run_id, run, due, deadline)
        self._update_timer()

    def _advance(self, run_id: int, run: _Run, limit: int | None, deadline: float) -> int:
        """Take up to limit steps (None: no limit) until deadline; emit one batch; return count."""
        batch: StepRows | None = None
        ended = False
        end: object = None
        error: str | None = None
        try:
            if isinstance(run.steps, (DescentRows, MiniBatchRows)):
                # columns straight from the loop: no Step per point
                batch = run.steps.take(limit, deadline, self._gui_busy.now)
                ended, end = run.steps.end is not None, run.steps.end
            else:
                batch, ended, end, error = _take_steps(run.steps, limit, deadline)
        except Exception as err:  # a run's failure is reported, never raised in the thread
            error = str(err) or type(err).__name__
        if error is not None:
            log.error("descent run %d failed: %s", run_id, error)
        if batch is not None and len(batch):
            self.computed.emit(run_id, run.generation, batch)
        if ended or error is not None:
            del self._runs[run_id]
            if error is not None:
                self.failed.emit(run_id, run.generation, error)
            else:
                self.finished.emit(run_id, run.generation, end)
        return 0 if batch is None else len(batch)


def _take_steps(
    steps: Iterator[Step], limit: int | None, deadline: float
) -> tuple[StepRows | None, bool, object, str | None]:
    """Up to limit Steps of a generator until deadline: (their rows, whether it ended, its
    return value, the message if it raised; the Steps before a failure are kept)."""
    batch: list[Step] = []
    try:
        while limit is None or len(batch) < limit:
            batch.append(next(steps))
            if time.perf_counter() >= deadline:
                break
    except StopIteration as stop:
        return StepRows.of(batch), True, stop.value, None
    except Exception as err:
        return StepRows.of(batch), False, None, str(err) or type(err).__name__
    return StepRows.of(batch), False, None, None


class _GuiBusy:
    """Until when the GUI thread asked the worker to leave it the GIL and the cores (a float
    written by one thread and read by the other is safe under the GIL)."""

    def __init__(self) -> None:
        self.until = 0.0

    def now(self) -> bool:
        return time.perf_counter() < self.until


@dataclass
class _Shown:
    """A run as the GUI thread sees it: which start of the id, and the last k re-emitted."""

    generation: int
    last_k: int = -1


class DescentWorker(QtCore.QObject):
    """Advances descent generators off the GUI thread, several at once, at a chosen speed.

    Call every method from the GUI thread. `start_run(run_id, DescentRows(...))` (or a
    `descent.run(...)` generator) adds a run;
    its steps arrive in order as `steps_computed(run_id, batch)` (StepRows, a sequence of
    Steps; at most one batch per run per ~16 ms tick), then `run_finished(run_id, run_end)`
    with the generator's RunEnd, or `run_failed(run_id, message)` if it raised. A new worker
    is playing at "as fast as possible"; `set_speed(steps_per_second)` paces it. `cancel` emits
    `run_finished(run_id, cancelled_end(last k emitted))` at once, before it returns, and no
    batch of that run is emitted after it. Call `stop()` before the worker is dropped
    (closeEvent, test teardown); it also runs when the application is about to quit.
    """

    steps_computed = QtCore.Signal(int, object)
    run_finished = QtCore.Signal(int, object)
    run_failed = QtCore.Signal(int, str)

    _run_started = QtCore.Signal(int, int, object)
    _run_cancelled = QtCore.Signal(int, int)
    _playing_changed = QtCore.Signal(bool)
    _speed_changed = QtCore.Signal(object)
    _step_requested = QtCore.Signal()
    _shutdown_requested = QtCore.Signal()

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._shown: dict[int, _Shown] = {}
        self._generation = 0
        self._playing = True
        self._speed: float | None = None
        self._stopped = False
        self._thread = QtCore.QThread()
        self._thread.setObjectName("gdviz-descent-worker")
        self._gui_busy = _GuiBusy()
        self._runner = _DescentRunner(self._gui_busy)
        self._runner.moveToThread(self._thread)
        queued = QtCore.Qt.ConnectionType.QueuedConnection
        self._run_started.connect(self._runner.add_run, queued)
        self._run_cancelled.connect(self._runner.cancel, queued)
        self._playing_changed.connect(self._runner.set_playing, queued)
        self._speed_changed.connect(self._runner.set_speed, queued)
        self._step_requested.connect(self._runner.step_once, queued)
        self._shutdown_requested.connect(self._runner.shut_down, queued)
        self._runner.computed.connect(self._on_computed, queued)
        self._runner.finished.connect(self._on_finished, queued)
        self._runner.failed.connect(self._on_failed, queued)
        app = QtCore.QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)
        self._thread.start()

    def start_run(self, run_id: int, steps: DescentRows | Iterator[Step]) -> None:
        """Start advancing steps (DescentRows, or a generator of Steps such as `descent.run`);
        an active run_id is cancelled."""
        if self._stopped:
            raise RuntimeError("the descent worker has been stopped")
        if run_id in self._shown:
            self.cancel(run_id)
        self._generation += 1
        self._shown[run_id] = _Shown(self._generation)
        self._run_started.emit(run_id, self._generation, steps)

    def play(self) -> None:
        self._set_playing(True)

    def yield_to_gui(self, seconds: float = GUI_YIELD_S) -> None:
        """The GUI thread is about to draw: runs computing as fast as possible pause for up to
        `seconds` (until `gui_done`), so the frame does not wait for the GIL or a core."""
        self._gui_busy.until = time.perf_counter() + seconds

    @QtCore.Slot()
    def gui_done(self) -> None:
        """The GUI thread has drawn: the runs go on."""
        self._gui_busy.until = 0.0

    def pause(self) -> None:
        self._set_playing(False)

    def step_once(self) -> None:
        """Advance every active run by one step; pauses first if playing."""
        if self._stopped:
            return
        self.pause()
        self._step_requested.emit()

    def set_speed(self, steps_per_second: float | None) -> None:
        """Steps per second for each run, or None for as fast as possible (~8 ms per tick)."""
        if steps_per_second is not None:
            if isinstance(steps_per_second, bool) or not isinstance(steps_per_second, (int, float)):
                raise ValueError(f"speed must be a number or None, got {steps_per_second!r}")
            if not (math.isfinite(steps_per_second) and steps_per_second > 0):
                raise ValueError(f"speed must be a finite number > 0, got {steps_per_second!r}")
            steps_per_second = float(steps_per_second)
        self._speed = steps_per_second
        if not self._stopped:
            self._speed_changed.emit(steps_per_second)

    def cancel(self, run_id: int) -> None:
        """Stop run_id (no-op if not active) and emit its run_finished(CANCELLED) now."""
        shown = self._shown.pop(run_id, None)
        if shown is None:
            return
        if not self._stopped:
            self._run_cancelled.emit(run_id, shown.generation)
        self.run_finished.emit(run_id, cancelled_end(max(shown.last_k, 0)))

    def cancel_all(self) -> None:
        for run_id in sorted(self._shown):
            self.cancel(run_id)

    @QtCore.Slot()
    def stop(self, timeout_ms: int = DEFAULT_STOP_TIMEOUT_MS) -> None:
        """Cancel every run, end the worker thread and join it. Idempotent."""
        if self._stopped:
            return
        self._stopped = True  # before cancel_all, so a run_finished slot cannot start a new run
        self.cancel_all()
        if not self._thread.isRunning():
            return
        self._shutdown_requested.emit()
        if not self._thread.wait(timeout_ms):
            log.error("descent worker thread did not stop within %d ms", timeout_ms)
            self._thread.quit()
            self._thread.wait()

    def is_running(self) -> bool:
        """True while the worker thread is alive."""
        return self._thread.isRunning()

    def is_playing(self) -> bool:
        return self._playing

    def speed(self) -> float | None:
        """Steps per second, or None for as fast as possible."""
        return self._speed

    def active_runs(self) -> set[int]:
        """Run ids started and not yet finished, failed or cancelled, as the GUI side knows them."""
        return set(self._shown)

    def _set_playing(self, playing: bool) -> None:
        self._playing = playing
        if not self._stopped:
            self._playing_changed.emit(playing)

    def _current(self, run_id: int, generation: int) -> _Shown | None:
        """The GUI-side record if this message is about the run's current start, else None."""
        shown = self._shown.get(run_id)
        return shown if shown is not None and shown.generation == generation else None

    @QtCore.Slot(int, int, object)
    def _on_computed(self, run_id: int, generation: int, batch: StepRows) -> None:
        shown = self._current(run_id, generation)
        if shown is None:
            return  # queued before a cancel or a restart of this id
        shown.last_k = batch.first_k + len(batch) - 1
        self.steps_computed.emit(run_id, batch)

    @QtCore.Slot(int, int, object)
    def _on_finished(self, run_id: int, generation: int, run_end: object) -> None:
        if self._current(run_id, generation) is not None:
            del self._shown[run_id]
            self.run_finished.emit(run_id, run_end)

    @QtCore.Slot(int, int, str)
    def _on_failed(self, run_id: int, generation: int, message: str) -> None:
        if self._current(run_id, generation) is not None:
            del self._shown[run_id]
            self.run_failed.emit(run_id, message)
