"""Descent runs on screen: starts runs in the worker, records their steps, draws them everywhere."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from PySide6 import QtCore

from gdviz.core.descent import RunEnd, Step, StopReason, run
from gdviz.core.grid import SampledGrid, display_height, display_heights
from gdviz.core.history import RunHistory
from gdviz.core.optimizers import Optimizer, OptimizerError, make_optimizer
from gdviz.core.step_text import number
from gdviz.core.surfaces import Surface
from gdviz.render.contour_view import ContourView
from gdviz.render.view3d import SurfaceView
from gdviz.ui.panels.descent_panel import DescentPanel, RunSettings
from gdviz.ui.panels.loss_plot import LossPlot
from gdviz.ui.panels.step_panel import StepPanel
from gdviz.workers.descent_worker import DescentWorker

REFRESH_MS = 33  # batches arriving faster than this are drawn together, in one frame
TARGETS = ("3d", "contour", "plot")
RUN_COLORS = ("#ff453a", "#ffffff", "#ff9f0a", "#ff2d95", "#00e5ff", "#bf5af2", "#ffd60a")
STEP_ARROW_COLOR = (1.0, 0.84, 0.04, 1.0)
VELOCITY_ARROW_COLOR = (0.0, 0.9, 1.0, 1.0)


def _rgba(color: str) -> tuple[float, float, float, float]:
    h = color.lstrip("#")
    return (int(h[0:2], 16) / 255, int(h[2:4], 16) / 255, int(h[4:6], 16) / 255, 1.0)


@dataclass
class DrawnRun:
    """One run as the window knows it: its settings, colour and recorded steps."""

    run_id: int
    optimizer: Optimizer
    start: tuple[float, float]
    color: str
    max_steps: int = 1000
    tol: float = 1e-6
    history: RunHistory = field(default_factory=RunHistory)
    drawn: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TARGETS, 0))

    @property
    def label(self) -> str:
        return f"{self.optimizer.name} α={number(self.optimizer.hp.lr, 3)}"


def yield_from_all(steps, into: list) -> RunEnd:
    """Drain a descent generator into a list and return its RunEnd."""
    while True:
        try:
            into.append(next(steps))
        except StopIteration as stop:
            return stop.value


class DescentController(QtCore.QObject):
    """Owns the runs and the descent worker; keeps the views, plot and panels in step."""

    status_message = QtCore.Signal(str, int)
    runs_changed = QtCore.Signal()
    focus_step_shown = QtCore.Signal(int, int, float, float)  # run id, k, x, y

    def __init__(
        self,
        view: SurfaceView,
        contour: ContourView,
        loss_plot: LossPlot,
        panel: DescentPanel,
        step_panel: StepPanel,
        parent: QtCore.QObject | None = None,
    ):
        super().__init__(parent)
        self.view, self.contour, self.loss_plot = view, contour, loss_plot
        self.panel, self.step_panel = panel, step_panel
        self.worker = DescentWorker(self)
        self.worker.steps_computed.connect(self._on_steps)
        self.worker.run_finished.connect(self._on_finished)
        self.worker.run_failed.connect(self._on_failed)
        self.worker.pause()  # a new worker plays at once; runs start when the user says so
        self.worker.set_speed(panel.speed())
        panel.speed_changed.connect(self.worker.set_speed)
        panel.reset_requested.connect(self.reset)
        panel.run_selected.connect(self._on_run_selected)
        loss_plot.iteration_scrubbed.connect(self.scrub)
        self.surface: Surface | None = None
        self.grid: SampledGrid | None = None
        self.runs: dict[int, DrawnRun] = {}
        self.focus_run: int | None = None
        self.playing = False
        self.scrub_k: int | None = None
        self._next_id = 0
        self._refresh = QtCore.QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(REFRESH_MS)
        self._refresh.timeout.connect(self._draw_new_steps)

    # --- the surface under the runs -----------------------------------------------------
    def set_surface(self, surface: Surface) -> None:
        """A new surface: every run is removed (their paths belong to the old one)."""
        self.reset()
        self.surface = surface
        self.loss_plot.set_axis_name(surface.axis_names[2])

    def set_grid(self, grid: SampledGrid) -> None:
        """The grid was re-sampled (resolution, log height): redraw paths at the new heights."""
        self.grid = grid
        for drawn in self.runs.values():
            drawn.drawn = dict.fromkeys(TARGETS, 0)  # redrawn whole at the new heights
        self._draw_new_steps()

    # --- starting and stopping -----------------------------------------------------------------
    def add_run(
        self,
        start: tuple[float, float],
        settings: RunSettings | None = None,
        synchronous: bool = False,
    ) -> int | None:
        """Start another run from `start` with the panel's settings; None if they are invalid.

        synchronous runs it to the end here and now (headless export), not in the worker.
        """
        if self.surface is None:
            return None
        settings = settings or self.panel.settings()
        try:
            optimizer = make_optimizer(settings.optimizer, settings.hp)
            steps = run(self.surface, start, optimizer, settings.max_steps, settings.tol)
        except (OptimizerError, ValueError) as err:
            self.status_message.emit(f"Cannot start the run: {err}", 10000)
            self.step_panel.show_status(f"Cannot start the run: {err}", problem=True)
            return None
        self._next_id += 1
        run_id = self._next_id
        color = RUN_COLORS[(run_id - 1) % len(RUN_COLORS)]
        drawn = DrawnRun(
            run_id, optimizer, (float(start[0]), float(start[1])), color,
            settings.max_steps, settings.tol,
        )  # fmt: skip
        self.runs[run_id] = drawn
        if self.focus_run is None:
            self.focus_run = run_id
        self.loss_plot.set_curve(run_id, np.empty(0), np.empty(0), color, drawn.label)
        self.panel.set_run_row(run_id, color, f"{drawn.label} from {self._coords(start)}: ready")
        if synchronous:
            recorded: list = []
            end = yield_from_all(steps, recorded)
            self._on_steps(run_id, tuple(recorded))
            self._on_finished(run_id, end)
        else:
            self.worker.start_run(run_id, steps)
        self.runs_changed.emit()
        return run_id

    def reset(self) -> None:
        """Cancel and remove every run; the start point stays where it is."""
        removed = list(self.runs)
        self.runs.clear()  # first, so the cancelled runs' last signals find nothing to update
        self.worker.cancel_all()
        for run_id in removed:
            self.view.remove_path(run_id)
            self.contour.remove_path(run_id)
        self.focus_run = None
        self.scrub_k = None
        self.loss_plot.clear()
        self.panel.remove_run_rows()
        self.step_panel.clear()
        self._clear_arrows()
        self.set_playing(False)
        self.runs_changed.emit()

    @QtCore.Slot(bool)
    def set_playing(self, playing: bool) -> None:
        self.playing = playing
        self.panel.show_playing(playing)
        if playing:
            self.scrub_k = None
            self._show_all_heads()
            self.worker.play()
        else:
            self.worker.pause()

    @QtCore.Slot()
    def step_once(self) -> None:
        self.set_playing(False)
        self.scrub_k = None
        self._show_all_heads()
        self.worker.step_once()

    def has_unfinished_runs(self) -> bool:
        return any(not d.history.finished for d in self.runs.values())

    def stop(self) -> None:
        """Cancel every run and join the worker thread (the window is closing)."""
        self.worker.stop()

    # --- steps arriving from the worker ----------------------------------------------------------
    @QtCore.Slot(int, object)
    def _on_steps(self, run_id: int, batch: tuple[Step, ...]) -> None:
        """Record the steps now; draw them with the next refresh (many batches, one redraw)."""
        drawn = self.runs.get(run_id)
        if drawn is None or not batch:
            return
        drawn.history.extend(batch)
        if not self._refresh.isActive():
            self._refresh.start()

    def _draw_new_steps(self, targets: tuple[str, ...] = TARGETS) -> None:
        """Bring the given views up to date with the steps recorded since they were drawn."""
        for drawn in self.runs.values():
            history = drawn.history
            count = len(history)
            for target in targets:
                first = drawn.drawn[target]
                if count == first:
                    continue
                drawn.drawn[target] = count
                if target == "plot":
                    self._draw_plot_and_panels(drawn, count)
                elif self.grid is not None:
                    self._draw_path(target, drawn, first)
        if "plot" in targets and self.scrub_k is None:
            self._show_focus_step()

    def _draw_path(self, target: str, drawn: DrawnRun, first: int) -> None:
        history, run_id = drawn.history, drawn.run_id
        xs, ys = history.column("x")[first:], history.column("y")[first:]
        if target == "3d":
            zs = display_heights(self.grid, history.column("f")[first:])
            if first == 0:
                self.view.set_path(run_id, xs, ys, zs, _rgba(drawn.color))
            else:
                self.view.append_path(run_id, xs, ys, zs)
        elif first == 0:
            self.contour.set_path(run_id, xs, ys, _rgba(drawn.color))
        else:
            self.contour.append_path(run_id, xs, ys)

    def _draw_plot_and_panels(self, drawn: DrawnRun, count: int) -> None:
        history = drawn.history
        self.loss_plot.update_curve(
            drawn.run_id, np.arange(count, dtype=float), history.column("f")
        )
        if self.loss_plot.follow_check.isChecked():
            self.loss_plot.set_cursor(count - 1)
        if not history.finished:
            self.panel.set_run_row(
                drawn.run_id, drawn.color,
                f"{drawn.label} from {self._coords(drawn.start)}: step {count - 1}",
            )  # fmt: skip

    @QtCore.Slot(int, object)
    def _on_finished(self, run_id: int, end: RunEnd) -> None:
        drawn = self.runs.get(run_id)
        if drawn is None:
            return
        drawn.history.end = end
        self._draw_new_steps()
        problem = end.reason in (StopReason.DIVERGED, StopReason.LEFT_DOMAIN)
        self.panel.set_run_row(
            run_id, drawn.color, f"{drawn.label} from {self._coords(drawn.start)}: {end.message}"
        )
        self.status_message.emit(f"Run {run_id} ({drawn.label}): {end.message}", 15000)
        if run_id == self.focus_run:
            self.step_panel.show_status(end.message, problem)
            self._show_focus_step()
        if not self.has_unfinished_runs():
            self.set_playing(False)
        self.runs_changed.emit()

    @QtCore.Slot(int, str)
    def _on_failed(self, run_id: int, message: str) -> None:
        drawn = self.runs.get(run_id)
        if drawn is None:
            return
        drawn.history.end = RunEnd(StopReason.CANCELLED, max(len(drawn.history) - 1, 0), message)
        self.status_message.emit(f"Run {run_id} failed: {message}", 15000)
        self.step_panel.show_status(f"Run failed: {message}", problem=True)

    # --- scrubbing and the focused run -------------------------------------------------------
    @QtCore.Slot(int)
    def scrub(self, k: int) -> None:
        """Move every run's marker to step k (or its last step if it is shorter)."""
        if self.playing:
            self.set_playing(False)
        self.scrub_k = max(int(k), 0)
        for run_id, drawn in self.runs.items():
            n = len(drawn.history)
            if n:
                head = min(self.scrub_k, n - 1)
                self.view.set_path_head(run_id, head)
                self.contour.set_path_head(run_id, head)
        self._show_focus_step()

    def _show_all_heads(self) -> None:
        for run_id in self.runs:
            self.view.set_path_head(run_id, None)
            self.contour.set_path_head(run_id, None)

    @QtCore.Slot(int)
    def _on_run_selected(self, run_id: int) -> None:
        if run_id in self.runs:
            self.focus_run = run_id
            self._show_focus_step()

    def focused_step_k(self) -> int | None:
        drawn = self.runs.get(self.focus_run) if self.focus_run else None
        if drawn is None or not len(drawn.history):
            return None
        last = len(drawn.history) - 1
        return last if self.scrub_k is None else min(self.scrub_k, last)

    def _show_focus_step(self) -> None:
        k = self.focused_step_k()
        if k is None or self.surface is None:
            return
        drawn = self.runs[self.focus_run]
        step = drawn.history.step(k)
        previous = drawn.history.step(k - 1) if k > 0 else None
        title = f"Run {drawn.run_id}: {drawn.optimizer.title}, α = {number(drawn.optimizer.hp.lr)}"
        self.step_panel.show_step(title, previous, step, drawn.optimizer, self.surface.axis_names)
        self.focus_step_shown.emit(drawn.run_id, step.k, step.point[0], step.point[1])
        self._draw_arrows(drawn, step)

    def _draw_arrows(self, drawn: DrawnRun, step: Step) -> None:
        if self.grid is None:
            return
        lr = drawn.optimizer.hp.lr
        x, y = step.point
        z = display_height(self.grid, step.value)
        arrows = {"step": (-lr * step.gradient[0], -lr * step.gradient[1], STEP_ARROW_COLOR)}
        if step.velocity is not None and drawn.optimizer.name in ("momentum", "nesterov"):
            vx, vy = step.velocity
            arrows["velocity"] = (-lr * vx, -lr * vy, VELOCITY_ARROW_COLOR)
        else:
            self.view.clear_arrows("velocity")
            self.contour.clear_arrows("velocity")
        for key, (dx, dy, color) in arrows.items():
            if not (math.isfinite(dx) and math.isfinite(dy)) or (dx == 0 and dy == 0):
                self.view.clear_arrows(key)
                self.contour.clear_arrows(key)
                continue
            end = float(self.surface.value(x + dx, y + dy))
            dz = display_height(self.grid, end) - z if math.isfinite(end) else 0.0
            self.view.set_arrows(key, [(x, y, z, dx, dy, dz if math.isfinite(dz) else 0.0, color)])
            self.contour.set_arrows(key, [(x, y, dx, dy, color)])

    def _clear_arrows(self) -> None:
        for key in ("step", "velocity"):
            self.view.clear_arrows(key)
            self.contour.clear_arrows(key)

    @staticmethod
    def _coords(point: tuple[float, float]) -> str:
        return f"({number(point[0], 4)}, {number(point[1], 4)})"
