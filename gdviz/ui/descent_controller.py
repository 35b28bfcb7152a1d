"""Descent runs on screen: runs the document's runs in the worker and draws them everywhere."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
from PySide6 import QtCore

from gdviz.core.descent import RunEnd, Step, StopReason, cancelled_end
from gdviz.core.grid import SampledGrid, display_heights
from gdviz.core.history import StepRows
from gdviz.core.minibatch_text import batch_lines, batch_update_lines, iteration_text
from gdviz.core.optimizers import HYPERPARAMETER_NAMES, OptimizerError
from gdviz.core.scene import RunSpec
from gdviz.core.step_text import number
from gdviz.model import Document, RunRecord
from gdviz.render.contour_view import ContourView
from gdviz.render.view3d import SurfaceView
from gdviz.ui import theme
from gdviz.ui.panels.descent_panel import DescentPanel, RunSettings
from gdviz.ui.panels.loss_plot import LossPlot
from gdviz.ui.panels.step_panel import StepPanel
from gdviz.ui.run_drawing import ARROW_KEYS, rgba, run_color, step_arrows
from gdviz.workers.descent_worker import DescentWorker

REFRESH_MS = 33  # batches arriving faster than this are drawn together, in one 3D frame
PANEL_REFRESH_MS = 66  # the panels, the top view and the loss plot: at most ~15 Hz in a run
PANEL_YIELD_S = 0.03  # a fast run pauses this long while the panels draw and repaint
TARGETS = ("3d", "contour", "plot")
PANEL_TARGETS = ("contour", "plot")
RUN_COLORS = theme.RUN_COLORS


def run_spec_of(settings: RunSettings) -> RunSpec:
    """The Descent panel's settings as the document keeps them."""
    knobs = {name: getattr(settings.hp, name) for name in HYPERPARAMETER_NAMES}
    return RunSpec(settings.optimizer, **knobs, max_steps=settings.max_steps, tol=settings.tol,
                   minibatch=settings.minibatch)  # fmt: skip


class DescentController(QtCore.QObject):
    """Runs the document's runs in the worker; draws them in the views, the plot and the panels."""

    status_message = QtCore.Signal(str, int)
    runs_changed = QtCore.Signal()

    def __init__(
        self,
        doc: Document,
        view: SurfaceView,
        contour: ContourView,
        loss_plot: LossPlot,
        panel: DescentPanel,
        step_panel: StepPanel,
        parent: QtCore.QObject | None = None,
    ):
        super().__init__(parent)
        self.doc = doc
        self.view, self.contour, self.loss_plot = view, contour, loss_plot
        self.panel, self.step_panel = panel, step_panel
        self.worker = DescentWorker(self)
        self.worker.steps_computed.connect(self._on_worker_steps)
        self.worker.run_finished.connect(self._on_worker_finished)
        self.worker.run_failed.connect(self._on_failed)
        self.worker.pause()  # a new worker plays at once; runs start when the user says so
        self.worker.set_speed(panel.speed())
        view.frameSwapped.connect(self.worker.gui_done)
        panel.speed_changed.connect(self.worker.set_speed)
        panel.reset_requested.connect(self.reset)
        panel.add_run_requested.connect(self.add_run_from_point)
        panel.play_toggled.connect(self._on_play_toggled)
        panel.step_requested.connect(self.step_from_point)
        panel.run_selected.connect(self._on_run_selected)
        loss_plot.iteration_scrubbed.connect(self.scrub)
        self.grid: SampledGrid | None = None
        self.playing = False
        self._drawn: dict[int, dict[str, int]] = {}  # run id -> steps drawn in each target
        self._compute_here = False  # a run being added is computed on this thread (export)
        self.batches = None  # the MiniBatchController: a new run's mini-batches (set by the window)
        self._shown_lr: float | None = None  # the document's α last shown in the panel
        self._refresh = QtCore.QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(REFRESH_MS)
        self._refresh.timeout.connect(self._draw_view_steps)
        self._panel_refresh = QtCore.QTimer(self)
        self._panel_refresh.setSingleShot(True)
        self._panel_refresh.setInterval(PANEL_REFRESH_MS)
        self._panel_refresh.timeout.connect(self._draw_panel_steps)
        events = doc.events
        events.surface_changed.connect(self._on_surface_changed)
        events.runs_changed.connect(self._sync_runs)
        events.run_stepped.connect(self._on_stepped)
        events.run_finished.connect(self._on_finished)
        events.focus_changed.connect(self._on_focus_changed)
        events.run_settings_changed.connect(self._show_settings)
        self._on_surface_changed()
        self._show_settings()
        self._sync_runs()

    @property
    def runs(self) -> dict[int, RunRecord]:
        return self.doc.runs

    @property
    def scrub_k(self) -> int | None:
        return self.doc.scrub_k

    # --- the surface under the runs -----------------------------------------------------------
    def _on_surface_changed(self) -> None:
        self.loss_plot.set_axis_name(self.doc.surface.axis_names[2])

    def set_grid(self, grid: SampledGrid | None) -> None:
        """The grid was re-sampled (resolution, log height): redraw paths at the new heights."""
        self.grid = grid
        for drawn in self._drawn.values():
            drawn.update({"3d": 0, "contour": 0})  # redrawn whole at the new heights
        self._draw_new_steps()

    def _show_settings(self) -> None:
        # only a new α in the document (a preset's) replaces the one typed: other run settings
        # (the mini-batches) change without touching it
        lr = self.doc.run_settings.lr
        if lr != self._shown_lr and lr != self.panel.lr_box.value():
            self.panel.lr_box.setValue(lr)
        self._shown_lr = lr

    # --- starting and stopping ------------------------------------------------------------------
    def add_run(
        self,
        start: tuple[float, float],
        settings: RunSettings | None = None,
        synchronous: bool = False,
    ) -> int | None:
        """Start another run from `start` with the panel's settings; None if they are invalid.

        synchronous runs it to the end here and now (headless export), not in the worker.
        """
        spec = run_spec_of(settings or self.panel.settings())
        if settings is None and self.batches is not None:
            if self._batch_refused():
                return None
            spec = replace(spec, minibatch=self.batches.next_minibatch())
        self._compute_here = synchronous
        try:
            run_id = self.doc.add_run(start, spec)
        except (OptimizerError, ValueError) as err:
            self.status_message.emit(f"Cannot start the run: {err}", 10000)
            self.step_panel.show_status(f"Cannot start the run: {err}", problem=True)
            return None
        finally:
            self._compute_here = False
        if synchronous:
            self.doc.advance_run(run_id, spec.max_steps + 2)  # the start, every step, the end
        return run_id

    def _batch_refused(self) -> bool:
        """A bad batch size starts nothing: its message goes to the status bar and Step panel."""
        problem = None if self.batches is None else self.batches.problem()
        if problem is not None:
            self.status_message.emit(f"Cannot start the run: {problem}", 10000)
            self.step_panel.show_status(f"Cannot start the run: {problem}", problem=True)
        return problem is not None

    def next_run_spec(self) -> RunSpec:
        """What a new run would use: the Descent panel's method, α, knobs and stop rules."""
        return run_spec_of(self.panel.settings())

    def finish_runs_now(self) -> None:
        """Compute every run still paused (a reopened scene's) to its end, here and now
        (headless export: a scene may ask for more steps than are computed on opening)."""
        for run_id, record in list(self.doc.runs.items()):
            if record.pending is not None:
                self.doc.advance_run(run_id, record.spec.max_steps + 2)

    def add_run_from_point(self) -> int | None:
        """Another run from the point with the Descent panel's settings (racing the others)."""
        run_id = self.add_run(self.doc.point)
        if run_id is not None and self.playing:
            self.set_playing(True)
        return run_id

    @QtCore.Slot(float, float, bool)
    def start_at(self, x: float, y: float, shift: bool) -> None:
        """A click on a view: the start point (the runs are cleared); Shift+click adds a run."""
        if not (math.isfinite(x) and math.isfinite(y)):
            return
        if not shift:
            self.reset()
        self.doc.update("Move the point", point=(float(x), float(y)))
        if shift:
            self.add_run_from_point()
            return
        a, b, _ = self.doc.surface.axis_names
        self.status_message.emit(
            f"Start ({a}, {b}) = ({x:.4g}, {y:.4g}): press Space to descend", 8000
        )

    def toggle_play(self) -> None:
        self._on_play_toggled(not self.playing)

    @QtCore.Slot(bool)
    def _on_play_toggled(self, playing: bool) -> None:
        if playing:
            self._ensure_run()
        self.set_playing(playing and self.has_unfinished_runs())

    def step_from_point(self) -> None:
        """One step of every run (a new run from the point if none is left to continue)."""
        self._ensure_run()
        self.step_once()

    def _ensure_run(self) -> None:
        """Play and Step need a run: make one from the point if none is left to continue."""
        if not self.has_unfinished_runs() and not self._batch_refused():
            self.reset()
            self.add_run(self.doc.point)

    def _sync_runs(self) -> None:
        """Runs were added to or removed from the document: start, cancel, draw or undraw them."""
        runs = self.doc.runs
        for run_id in [r for r in self._drawn if r not in runs]:
            self.worker.cancel(run_id)
            del self._drawn[run_id]
            self.view.remove_path(run_id)
            self.contour.remove_path(run_id)
            self.loss_plot.remove_curve(run_id)
        if not runs:
            self.loss_plot.clear()
            self.panel.remove_run_rows()
            self.step_panel.clear()
            self._clear_arrows()
            self.set_playing(False)
        for run_id, record in runs.items():
            if run_id in self._drawn:
                continue
            self._drawn[run_id] = dict.fromkeys(TARGETS, 0)
            color = run_color(self.doc, run_id)
            batched = record.batches is not None
            label = f"{record.label}: L, all m" if batched else record.label
            self.loss_plot.set_curve(run_id, np.empty(0), np.empty(0), color, label)
            if batched:
                self.loss_plot.set_batch_curve(run_id, color, f"{record.label}: batch L_B")
            self._show_row(record)
            if record.pending is not None and not self._compute_here:
                steps, record.pending = record.pending, None  # the worker owns it from now on
                self.worker.start_run(run_id, steps)
        self._draw_new_steps()
        self.runs_changed.emit()

    def reset(self) -> None:
        """Cancel and remove every run; the start point stays where it is."""
        self.worker.cancel_all()
        self.doc.clear_runs()
        self.set_playing(False)

    @QtCore.Slot(bool)
    def set_playing(self, playing: bool) -> None:
        self.playing = playing
        self.panel.show_playing(playing)
        if playing:
            if self.doc.scrub_k is not None:
                self.doc.focus()
            self.worker.play()
        else:
            self.worker.pause()

    @QtCore.Slot()
    def step_once(self) -> None:
        self.set_playing(False)
        if self.doc.scrub_k is not None:
            self.doc.focus()
        self.worker.step_once()

    def has_unfinished_runs(self) -> bool:
        return any(not r.finished for r in self.doc.runs.values())

    def stop(self) -> None:
        """Cancel every run and join the worker thread (the window is closing)."""
        self.worker.stop()

    # --- steps arriving from the worker ----------------------------------------------------------
    @QtCore.Slot(int, object)
    def _on_worker_steps(self, run_id: int, batch: StepRows) -> None:
        self.doc.record_steps(run_id, batch)

    @QtCore.Slot(int, object)
    def _on_worker_finished(self, run_id: int, end: RunEnd) -> None:
        self.doc.finish_run(run_id, end)

    @QtCore.Slot(int, str)
    def _on_failed(self, run_id: int, message: str) -> None:
        record = self.doc.runs.get(run_id)
        if record is None:
            return
        self.doc.finish_run(run_id, cancelled_end(record.steps_taken()))
        self.status_message.emit(f"Run {run_id} failed: {message}", 15000)
        self.step_panel.show_status(f"Run failed: {message}", problem=True)

    def _on_stepped(self, _run_id: int) -> None:
        """Draw the new steps with the next refresh (many batches, one redraw): the 3D view
        at most ~30 times a second, the panels ~15 (they show the final numbers at the end)."""
        if not self._refresh.isActive():
            self._refresh.start()
        if not self._panel_refresh.isActive():
            self._panel_refresh.start()

    def _draw_view_steps(self) -> None:
        self.worker.yield_to_gui()  # until the frame is on screen
        self._draw_new_steps(("3d",), focus_step=False)

    def _draw_panel_steps(self) -> None:
        self.worker.yield_to_gui(PANEL_YIELD_S)  # the panels and their repaint
        self._draw_new_steps(PANEL_TARGETS)

    def _draw_new_steps(self, targets: tuple[str, ...] = TARGETS, focus_step: bool = True) -> None:
        """Bring `targets` up to date with the steps recorded since they were drawn, and the
        focused step's panel and arrows when `focus_step`."""
        for run_id, record in self.doc.runs.items():
            drawn = self._drawn.get(run_id)
            if drawn is None:
                continue
            count = len(record.history)
            for target in targets:
                first = drawn[target]
                if count == first:
                    continue
                if target == "plot":
                    drawn[target] = count
                    self._draw_plot_and_row(record, count)
                elif self.grid is not None:
                    drawn[target] = count
                    self._draw_path(target, record, first)
        if focus_step and self.doc.scrub_k is None:
            self._show_focus_step()

    def _draw_path(self, target: str, record: RunRecord, first: int) -> None:
        history, run_id = record.history, record.run_id
        xs, ys = history.column("x")[first:], history.column("y")[first:]
        color = rgba(run_color(self.doc, run_id))
        if target == "3d":
            zs = display_heights(self.grid, history.column("f")[first:])
            if first == 0:
                self.view.set_path(run_id, xs, ys, zs, color)
            else:
                self.view.append_path(run_id, xs, ys, zs)
        elif first == 0:
            self.contour.set_path(run_id, xs, ys, color)
        else:
            self.contour.append_path(run_id, xs, ys)

    def _draw_plot_and_row(self, record: RunRecord, count: int) -> None:
        ks = np.arange(count, dtype=float)
        self.loss_plot.update_curve(record.run_id, ks, record.history.column("f"))
        if record.batches is not None:  # batch k's loss was taken at point k − 1
            self.loss_plot.update_batch_curve(
                record.run_id, ks[:-1], record.batches.loss_column()[1:]
            )
        if self.loss_plot.follow_check.isChecked():
            self.loss_plot.set_cursor(count - 1)
        self._show_row(record)

    def _show_row(self, record: RunRecord) -> None:
        if record.finished:
            state = record.history.end.message
        elif len(record.history) and record.batches is not None:
            k, batches = len(record.history) - 1, record.batches
            state = iteration_text(k, batches.batch_size, batches.examples)
        elif len(record.history):
            state = f"step {len(record.history) - 1}"
        else:
            state = "ready"
        text = f"{record.label} from {self._coords(record.spec.start)}: {state}"
        self.panel.set_run_row(record.run_id, run_color(self.doc, record.run_id), text)

    def _on_finished(self, run_id: int) -> None:
        record = self.doc.runs.get(run_id)
        if record is None:
            return
        self._draw_new_steps()
        end = record.history.end
        problem = end.reason in (StopReason.DIVERGED, StopReason.LEFT_DOMAIN)
        self._show_row(record)
        self.status_message.emit(f"Run {run_id} ({record.label}): {end.message}", 15000)
        if run_id == self.doc.focus_run:
            self.step_panel.show_status(end.message, problem)
        if not self.has_unfinished_runs():
            self.set_playing(False)
        self.runs_changed.emit()

    # --- scrubbing and the focused run -------------------------------------------------------
    @QtCore.Slot(int)
    def scrub(self, k: int) -> None:
        """Move every run's marker to step k (or its last step if it is shorter)."""
        if self.playing:
            self.set_playing(False)
        self.doc.focus(None, k)

    def _on_focus_changed(self) -> None:
        if self.doc.scrub_k is not None:
            self.loss_plot.set_cursor(self.doc.scrub_k)
        for run_id, record in self.doc.runs.items():
            if run_id not in self._drawn or not len(record.history):
                continue
            self.view.set_path_head(run_id, self.doc.head_position(run_id))
            self.contour.set_path_head(run_id, self.doc.head(run_id))
        self._show_focus_step()

    @QtCore.Slot(int)
    def _on_run_selected(self, run_id: int) -> None:
        if run_id in self.doc.runs and run_id != self.doc.focus_run:
            self.doc.focus(run_id, self.doc.scrub_k)

    def focused_step_k(self) -> int | None:
        focused = self.doc.focused_step()
        return None if focused is None else focused[1]

    def _show_focus_step(self) -> None:
        focused = self.doc.focused_step()
        if focused is None:
            return
        record, k = focused
        step = record.history.step(k)
        previous = record.history.step(k - 1) if k > 0 else None
        names = self.doc.surface.axis_names
        update, batch = None, None
        if record.batches is not None and k < len(record.batches):
            batch = batch_lines(record.batches, k, names)
            if previous is not None:
                gradient = record.batches.gradient(k)
                update = batch_update_lines(previous, step, record.optimizer, names, gradient)
        self.step_panel.show_step(record.title, previous, step, record.optimizer, names, update)
        self.step_panel.show_batch(batch)
        self._draw_arrows(record, step)

    def _draw_arrows(self, record: RunRecord, step: Step) -> None:
        if self.grid is None:
            return
        for key, arrow in step_arrows(self.doc, self.grid, record, step).items():
            if arrow is None:
                self.view.clear_arrows(key)
                self.contour.clear_arrows(key)
                continue
            x, y, z, dx, dy, dz, color = arrow
            self.view.set_arrows(key, [(x, y, z, dx, dy, dz, color)])
            self.contour.set_arrows(key, [(x, y, dx, dy, color)])

    def _clear_arrows(self) -> None:
        for key in ARROW_KEYS:
            self.view.clear_arrows(key)
            self.contour.clear_arrows(key)

    @staticmethod
    def _coords(point: tuple[float, float]) -> str:
        return f"({number(point[0], 4)}, {number(point[1], 4)})"
