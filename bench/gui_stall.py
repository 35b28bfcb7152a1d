"""GUI stall: the longest gap of a 5 ms heartbeat while a 100,000-step run animates in the window.

Baseline, measured in the same run: the same 100,000 steps computed and drawn on the GUI thread
in one go (what a program without the worker thread would do).
"""

from __future__ import annotations

import sys
import time

from bench.common import Figure

STEPS = 100_000
PRESET = "rosenbrock"
LEARNING_RATE = 1e-4
GOAL_MS = 30


class Heartbeat:
    """A 5 ms QTimer that records the longest gap between its ticks."""

    def __init__(self):
        from PySide6 import QtCore

        self.timer = QtCore.QTimer()
        self.timer.setInterval(5)
        self.timer.setTimerType(QtCore.Qt.PreciseTimer)
        self.timer.timeout.connect(self._beat)
        self.longest = 0.0
        self._last = None

    def start(self) -> None:
        self.longest, self._last = 0.0, time.perf_counter()
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return self.longest

    def _beat(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now


def _window():
    from gdviz.ui.app import ensure_application, freeze_startup_objects
    from gdviz.ui.main_window import MainWindow

    app = ensure_application()
    window = MainWindow(preset=PRESET)
    window.resize(1440, 900)
    window.show()
    freeze_startup_objects()  # as run_app does
    _pump(app, lambda: window.grid is not None, 20)
    _pump(app, lambda: False, 0.3)
    return app, window


def _pump(app, done, timeout: float) -> None:
    """Run a real event loop (as app.exec() would) until done() or the timeout."""
    from PySide6 import QtCore

    loop = QtCore.QEventLoop()
    deadline = time.perf_counter() + timeout
    poll = QtCore.QTimer()
    poll.setInterval(10)
    poll.timeout.connect(lambda: (done() or time.perf_counter() > deadline) and loop.quit())
    poll.start()
    loop.exec()
    poll.stop()


def animated_stall(quick: bool) -> float:
    """Longest heartbeat gap (s) while the worker animates the run as fast as possible."""
    app, window = _window()
    panel = window.descent_panel
    panel.lr_box.setValue(LEARNING_RATE)
    panel.max_steps_box.setValue(STEPS // 10 if quick else STEPS)
    panel.tol_box.setValue(0.0)
    panel.speed_combo.setCurrentIndex(panel.speed_combo.count() - 1)
    beat = Heartbeat()
    beat.start()
    window.toggle_play()
    _pump(app, lambda: bool(window.descent.runs) and not window.descent.has_unfinished_runs(), 120)
    longest = beat.stop()
    (drawn,) = window.descent.runs.values()
    if len(drawn.history) != panel.max_steps_box.value() + 1:
        raise RuntimeError(f"the run ended early: {drawn.history.end}")
    window.close()
    return longest


def blocking_stall(quick: bool) -> float:
    """The same run computed and drawn on the GUI thread at once: the stall it causes."""
    import numpy as np

    from gdviz.core.descent import run_to_end
    from gdviz.core.grid import display_heights
    from gdviz.core.optimizers import make_optimizer

    app, window = _window()
    steps = STEPS // 10 if quick else STEPS
    beat = Heartbeat()
    beat.start()
    _pump(app, lambda: False, 0.05)
    path, _ = run_to_end(
        window.surface, window.point, make_optimizer("gd", lr=LEARNING_RATE), steps, 0.0
    )
    xs = np.array([s.point[0] for s in path])
    ys = np.array([s.point[1] for s in path])
    fs = np.array([s.value for s in path])
    window.view.set_path(1, xs, ys, display_heights(window.grid, fs), (1.0, 0.3, 0.2, 1.0))
    window.loss_plot.set_curve(1, np.arange(len(fs)), fs, "#ff453a", "blocking")
    _pump(app, lambda: False, 0.2)
    longest = beat.stop()
    window.close()
    return longest


def measure(quick: bool = False) -> list[Figure]:
    ours = animated_stall(quick)
    theirs = blocking_stall(quick)
    steps = STEPS // 10 if quick else STEPS
    return [
        Figure(
            f"GUI stall while a {steps:,}-step run animates (5 ms heartbeat)",
            ours,
            theirs,
            "s",
            f"≤ {GOAL_MS} ms",
        )
    ]


if __name__ == "__main__":
    from bench.__main__ import print_table

    print_table(measure(quick="--quick" in sys.argv))
