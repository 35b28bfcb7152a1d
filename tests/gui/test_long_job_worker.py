"""The long-job worker alone: results, failures, cancel, the newest job wins, joined on stop."""

from __future__ import annotations

import threading

import pytest

from gdviz.core.progress import Cancelled
from gdviz.workers.long_job import LongJobWorker


@pytest.fixture
def worker(qtbot):
    worker = LongJobWorker()
    yield worker
    worker.stop()
    assert not worker.is_running()


def test_a_result_and_its_progress_arrive_on_the_gui_thread(worker, qtbot):
    seen: list[float] = []
    worker.job_progressed.connect(lambda _id, f: seen.append(f))
    main = threading.get_ident()

    def job(progress, cancelled):
        progress(0.5)
        progress(1.0)
        return {"thread": threading.get_ident(), "cancelled": cancelled()}

    with qtbot.waitSignal(worker.job_computed, timeout=5000) as blocker:
        job_id = worker.submit(job)
    assert blocker.args[0] == job_id
    assert blocker.args[1]["thread"] != main and blocker.args[1]["cancelled"] is False
    assert seen[-1] == 1.0 and not worker.is_busy()


def test_a_failure_is_reported_not_raised(worker, qtbot):
    def job(progress, cancelled):
        raise ValueError("f is not defined at the start")

    with qtbot.waitSignal(worker.job_failed, timeout=5000) as blocker:
        worker.submit(job)
    assert blocker.args[1] == "f is not defined at the start"


def test_cancel_and_a_newer_job_stop_the_one_running(worker, qtbot):
    started = threading.Event()

    def slow(progress, cancelled):
        started.set()
        while not cancelled():
            progress(0.1)
        raise Cancelled("stopped")

    computed = []
    worker.job_computed.connect(lambda job_id, result: computed.append((job_id, result)))
    with qtbot.waitSignal(worker.job_cancelled, timeout=5000):
        first = worker.submit(slow)
        assert started.wait(5)
        assert worker.cancel() == first
    with qtbot.waitSignal(worker.job_computed, timeout=5000):
        worker.submit(slow)
        second = worker.submit(lambda progress, cancelled: "newest")
    assert computed == [(second, "newest")]
