"""DescentWorker: ordered complete batches, pacing, pause/step, cancel, failures, clean stops."""

from __future__ import annotations

import gc
import os
import time

import pytest
from PySide6 import QtCore

from gdviz.core import descent
from gdviz.core.descent import RunEnd, Step, StopReason, run, run_to_end
from gdviz.core.descent_rows import DescentRows
from gdviz.core.optimizers import make_optimizer
from gdviz.core.surfaces import ExpressionSurface
from gdviz.core.window import Window
from gdviz.workers.descent_worker import DescentWorker

START = (1.5, -1.0)


@pytest.fixture(autouse=True, params=["rows", "steps"])
def run_kind(request, monkeypatch):
    """Every test twice: with DescentRows (what the app hands the worker: `run` below builds
    them) and with a generator of Steps (`descent.run`, which the worker also takes)."""
    if request.param == "rows":
        monkeypatch.setitem(globals(), "run", DescentRows)
    return request.param


@pytest.fixture(scope="module")
def bowl():
    return ExpressionSurface("x^2 + y^2", Window(-2, 2, -2, 2))


class Recorder(QtCore.QObject):
    """Collects a worker's signals in the GUI thread (pitfall 8: methods, not lambdas)."""

    def __init__(self, worker: DescentWorker) -> None:
        super().__init__()
        self.batches: list[tuple[int, tuple[Step, ...]]] = []
        self.finished: dict[int, list[RunEnd]] = {}
        self.failed: dict[int, list[str]] = {}
        worker.steps_computed.connect(self.on_steps)
        worker.run_finished.connect(self.on_finished)
        worker.run_failed.connect(self.on_failed)

    @QtCore.Slot(int, object)
    def on_steps(self, run_id: int, batch: tuple[Step, ...]) -> None:
        self.batches.append((run_id, batch))

    @QtCore.Slot(int, object)
    def on_finished(self, run_id: int, run_end: RunEnd) -> None:
        self.finished.setdefault(run_id, []).append(run_end)

    @QtCore.Slot(int, str)
    def on_failed(self, run_id: int, message: str) -> None:
        self.failed.setdefault(run_id, []).append(message)

    def steps_of(self, run_id: int) -> list[Step]:
        return [step for rid, batch in self.batches if rid == run_id for step in batch]

    def batches_of(self, run_id: int) -> list[tuple[Step, ...]]:
        return [batch for rid, batch in self.batches if rid == run_id]


@pytest.fixture
def worker(qapp):
    worker = DescentWorker()
    yield worker
    worker.stop()
    assert not worker.is_running()
    assert worker._thread.isFinished()


def _long_run(surface, lr=0.001):
    """A run that does not end by itself within a test: tiny steps, no tolerance stop."""
    return run(surface, START, make_optimizer("gd", lr=lr), max_steps=1_000_000, tol=0.0)


def _thread_count() -> int:
    return len(os.listdir("/proc/self/task"))


def _is_increasing_by_one(steps: list[Step]) -> bool:
    return [s.k for s in steps] == list(range(len(steps)))


def test_batches_concatenate_to_the_whole_run(qtbot, worker, bowl):
    recorder = Recorder(worker)
    expected_steps, expected_end = run_to_end(bowl, START, make_optimizer("gd", lr=0.1))
    assert expected_end.reason is StopReason.CONVERGED  # the premise of the test

    worker.start_run(7, run(bowl, START, make_optimizer("gd", lr=0.1)))
    assert worker.active_runs() == {7}
    qtbot.waitUntil(lambda: 7 in recorder.finished, timeout=5000)

    assert recorder.steps_of(7) == expected_steps
    assert recorder.finished[7] == [expected_end]
    assert all(rid == 7 for rid, _ in recorder.batches)
    assert worker.active_runs() == set()


def test_finite_speed_gives_small_gapless_batches(qtbot, worker, bowl):
    recorder = Recorder(worker)
    speed = 200.0
    worker.set_speed(speed)
    assert worker.speed() == speed
    began = time.perf_counter()
    worker.start_run(1, _long_run(bowl))
    qtbot.wait(500)
    worker.cancel(1)
    seconds = time.perf_counter() - began

    steps = recorder.steps_of(1)
    assert _is_increasing_by_one(steps)
    expected, _ = run_to_end(bowl, START, make_optimizer("gd", lr=0.001), len(steps) - 1, 0.0)
    assert steps == expected
    # about speed × time, give or take a tick's worth and timer jitter on a loaded machine
    assert 0.4 * speed * seconds <= len(steps) <= speed * seconds + 10
    # ~16 ms ticks at 200 steps/s: a few steps per batch, never a burst
    assert max(len(b) for b in recorder.batches_of(1)) <= 0.1 * speed + 1
    assert len(recorder.batches_of(1)) > 10


@pytest.mark.slow
def test_as_fast_as_possible_emits_at_most_one_batch_per_tick(qtbot, worker, bowl):
    recorder = Recorder(worker)
    began = time.perf_counter()
    worker.start_run(1, _long_run(bowl))
    qtbot.wait(300)
    worker.cancel(1)
    seconds = time.perf_counter() - began

    steps = recorder.steps_of(1)
    assert _is_increasing_by_one(steps)
    ticks = seconds / 0.016
    assert len(recorder.batches_of(1)) <= ticks + 3
    assert len(steps) > 5 * len(recorder.batches_of(1))  # a tick computes many steps


@pytest.mark.slow
@pytest.mark.parametrize("run_kind", ["rows"], indirect=True)  # what the app runs
def test_a_fast_run_waits_while_the_gui_draws(qtbot, worker, bowl):
    recorder = Recorder(worker)
    worker.yield_to_gui(0.4)
    worker.start_run(1, _long_run(bowl))
    qtbot.wait(250)
    during = len(recorder.steps_of(1))
    worker.gui_done()
    qtbot.wait(250)
    after = len(recorder.steps_of(1))
    worker.cancel(1)
    # while the GUI draws, each ~16 ms tick takes one chunk of about a millisecond, not 8 ms
    assert 0 < during < 0.3 * (after - during)


def test_fractional_speed_accumulates(qtbot, worker, bowl):
    recorder = Recorder(worker)
    worker.set_speed(5.5)
    worker.start_run(1, _long_run(bowl))
    qtbot.wait(1000)
    worker.cancel(1)
    steps = recorder.steps_of(1)
    assert _is_increasing_by_one(steps)
    assert 3 <= len(steps) <= 8  # the start plus ~5.5 more in a second, not 0 (truncation)


def test_two_runs_complete_each_tagged(qtbot, worker, bowl):
    recorder = Recorder(worker)
    optimizers = {1: ("gd", 0.1), 2: ("momentum", 0.05)}
    for run_id, (name, lr) in optimizers.items():
        worker.start_run(run_id, run(bowl, START, make_optimizer(name, lr=lr)))
    assert worker.active_runs() == {1, 2}
    qtbot.waitUntil(lambda: len(recorder.finished) == 2, timeout=5000)

    for run_id, (name, lr) in optimizers.items():
        expected_steps, expected_end = run_to_end(bowl, START, make_optimizer(name, lr=lr))
        assert recorder.steps_of(run_id) == expected_steps
        assert recorder.finished[run_id] == [expected_end]
    assert recorder.steps_of(1) != recorder.steps_of(2)  # the tags are not interchangeable


def test_pause_step_once_and_play(qtbot, worker, bowl):
    recorder = Recorder(worker)
    worker.set_speed(500)
    worker.start_run(1, _long_run(bowl))
    worker.start_run(2, _long_run(bowl, lr=0.002))
    qtbot.waitUntil(lambda: bool(recorder.steps_of(1) and recorder.steps_of(2)), timeout=5000)

    worker.pause()
    assert not worker.is_playing()
    qtbot.wait(100)  # batches computed before the pause arrived may still be queued
    counts = {rid: len(recorder.steps_of(rid)) for rid in (1, 2)}
    qtbot.wait(200)
    assert {rid: len(recorder.steps_of(rid)) for rid in (1, 2)} == counts

    worker.step_once()
    qtbot.waitUntil(
        lambda: all(len(recorder.steps_of(rid)) == counts[rid] + 1 for rid in (1, 2)),
        timeout=2000,
    )
    qtbot.wait(100)
    for rid in (1, 2):
        steps = recorder.steps_of(rid)
        assert len(steps) == counts[rid] + 1
        assert _is_increasing_by_one(steps)

    worker.play()
    qtbot.waitUntil(lambda: len(recorder.steps_of(1)) > counts[1] + 10, timeout=2000)
    assert _is_increasing_by_one(recorder.steps_of(1))
    assert worker.active_runs() == {1, 2}


def test_cancel_mid_run_ends_it_and_drops_later_batches(qtbot, worker, bowl):
    recorder = Recorder(worker)
    worker.set_speed(1000)
    worker.start_run(3, _long_run(bowl))
    qtbot.waitUntil(lambda: len(recorder.steps_of(3)) > 20, timeout=5000)
    time.sleep(0.1)  # the GUI thread is busy: batches computed meanwhile queue up unseen

    worker.cancel(3)
    seen = recorder.steps_of(3)
    assert [end.reason for end in recorder.finished[3]] == [StopReason.CANCELLED]
    assert recorder.finished[3][0].steps == seen[-1].k
    assert worker.active_runs() == set()
    qtbot.wait(200)
    assert recorder.steps_of(3) == seen
    assert len(recorder.finished[3]) == 1


def test_restarting_an_active_id_cancels_the_old_run(qtbot, worker, bowl):
    recorder = Recorder(worker)
    worker.set_speed(1000)
    worker.start_run(4, _long_run(bowl))
    qtbot.waitUntil(lambda: len(recorder.steps_of(4)) > 5, timeout=5000)
    time.sleep(0.1)  # batches of the old run queue up unseen
    old_count = len(recorder.batches)

    worker.start_run(4, run(bowl, START, make_optimizer("gd", lr=0.1)))
    assert [end.reason for end in recorder.finished[4]] == [StopReason.CANCELLED]
    worker.set_speed(None)
    qtbot.waitUntil(lambda: len(recorder.finished[4]) == 2, timeout=5000)

    new_steps = [s for _, batch in recorder.batches[old_count:] for s in batch]
    expected_steps, expected_end = run_to_end(bowl, START, make_optimizer("gd", lr=0.1))
    assert new_steps == expected_steps  # nothing of the old generator leaked into the new run
    assert recorder.finished[4][1] == expected_end


def test_a_raising_generator_fails_and_the_worker_goes_on(qtbot, worker, bowl):
    recorder = Recorder(worker)

    def breaks_after_three():
        steps = descent.run(bowl, START, make_optimizer("gd", lr=0.1))
        for _ in range(3):
            yield next(steps)
        raise RuntimeError("surface exploded")

    worker.start_run(5, breaks_after_three())
    qtbot.waitUntil(lambda: 5 in recorder.failed, timeout=5000)
    assert recorder.failed[5] == ["surface exploded"]
    assert [s.k for s in recorder.steps_of(5)] == [0, 1, 2]
    assert 5 not in recorder.finished
    assert worker.active_runs() == set()

    worker.start_run(6, run(bowl, START, make_optimizer("gd", lr=0.1)))
    qtbot.waitUntil(lambda: 6 in recorder.finished, timeout=5000)
    expected_steps, expected_end = run_to_end(bowl, START, make_optimizer("gd", lr=0.1))
    assert recorder.steps_of(6) == expected_steps
    assert recorder.finished[6] == [expected_end]


class ExplodingBowl:
    """x² + y² whose evaluation raises after `good` calls."""

    default_window = Window(-2, 2, -2, 2)

    def __init__(self, good: int) -> None:
        self.good = good

    def value_and_gradient(self, x: float, y: float) -> tuple[float, float, float]:
        self.good -= 1
        if self.good < 0:
            raise RuntimeError("surface exploded")
        return x * x + y * y, 2 * x, 2 * y


def test_a_run_whose_surface_raises_fails_and_the_worker_goes_on(qtbot, worker, bowl):
    recorder = Recorder(worker)
    worker.start_run(5, run(ExplodingBowl(50), START, make_optimizer("gd", lr=0.001)))
    qtbot.waitUntil(lambda: 5 in recorder.failed, timeout=5000)
    assert recorder.failed[5] == ["surface exploded"]
    assert 5 not in recorder.finished and worker.active_runs() == set()
    assert len(recorder.steps_of(5)) <= 50

    worker.start_run(6, run(bowl, START, make_optimizer("gd", lr=0.1)))
    qtbot.waitUntil(lambda: 6 in recorder.finished, timeout=5000)
    assert recorder.steps_of(6) == run_to_end(bowl, START, make_optimizer("gd", lr=0.1))[0]


def test_speed_must_be_positive_and_finite(worker):
    for bad in (0, -1.0, float("nan"), float("inf"), "fast", True):
        with pytest.raises(ValueError):
            worker.set_speed(bad)
    worker.set_speed(1.5)
    worker.set_speed(None)
    assert worker.speed() is None


def test_many_start_cancel_cycles_leave_no_threads(qtbot, qapp, bowl):
    before = _thread_count()
    worker = DescentWorker()
    recorder = Recorder(worker)
    worker.set_speed(1000)
    for i in range(500):
        worker.start_run(1, _long_run(bowl))
        qapp.processEvents()
        worker.cancel(1)
        if i % 50 == 0:
            qtbot.wait(5)
    worker.stop()

    assert worker._thread.isFinished()
    assert not worker.is_running()
    assert len(recorder.finished[1]) == 500
    assert {end.reason for end in recorder.finished[1]} == {StopReason.CANCELLED}
    ks = [s.k for s in recorder.steps_of(1)]
    assert all(k >= 0 for k in ks)
    del worker, recorder
    gc.collect()
    qtbot.waitUntil(lambda: _thread_count() <= before, timeout=3000)


def test_twenty_workers_in_a_row_leave_no_threads(qtbot, qapp, bowl):
    before = _thread_count()
    for _ in range(20):
        worker = DescentWorker()
        worker.start_run(1, _long_run(bowl))
        qapp.processEvents()
        worker.stop()
        assert worker._thread.isFinished()
        worker.stop()  # idempotent
    del worker
    gc.collect()
    qtbot.waitUntil(lambda: _thread_count() <= before, timeout=3000)


def test_stop_mid_run_is_prompt_and_quiet(qtbot, qapp, bowl):
    messages: list[str] = []

    def collect(mode, context, message):
        messages.append(message)

    previous = QtCore.qInstallMessageHandler(collect)
    try:
        worker = DescentWorker()
        recorder = Recorder(worker)
        worker.start_run(1, _long_run(bowl))
        worker.start_run(2, _long_run(bowl, lr=0.002))
        qtbot.waitUntil(lambda: len(recorder.steps_of(1)) > 1000, timeout=5000)

        began = time.perf_counter()
        worker.stop()
        assert time.perf_counter() - began < 2.0
        assert worker._thread.isFinished()
        assert {rid: [e.reason for e in ends] for rid, ends in recorder.finished.items()} == {
            1: [StopReason.CANCELLED],
            2: [StopReason.CANCELLED],
        }
        with pytest.raises(RuntimeError):
            worker.start_run(3, _long_run(bowl))
        count = len(recorder.batches)
        qtbot.wait(100)
        assert len(recorder.batches) == count  # nothing arrives after stop
        del worker
        gc.collect()
        qapp.processEvents()
    finally:
        QtCore.qInstallMessageHandler(previous)
    assert not [m for m in messages if "QThread" in m or "Timer" in m or "thread" in m]


def test_job_worker_stop_cancels_a_long_cancellable_job_promptly(qtbot):
    import time

    from gdviz.workers.job_worker import JobCancelled, JobWorker

    worker = JobWorker()
    started = []

    def long_job(keep_going):
        started.append(1)
        for _ in range(10_000):  # ~100 s unless cancelled
            if not keep_going():
                raise JobCancelled
            time.sleep(0.01)
        return "finished"

    results = []
    worker.job_computed.connect(lambda _id, result: results.append(result))
    worker.submit(long_job, cancellable=True)
    qtbot.waitUntil(lambda: bool(started), timeout=2000)
    t0 = time.perf_counter()
    worker.stop()
    assert time.perf_counter() - t0 < 2.0
    assert not worker.is_running()
    assert results == []
