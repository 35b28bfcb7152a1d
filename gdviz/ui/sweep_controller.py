"""The learning-rate sweep on screen: runs the document's sweep off the GUI thread and shows it."""

from __future__ import annotations

import math
import re
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6 import QtCore, QtWidgets

from gdviz.core.numbers import format_number
from gdviz.core.optimizers import OptimizerError
from gdviz.core.scene import SweepSpec
from gdviz.core.surfaces import Surface
from gdviz.core.sweep_input import SweepInputError, read_sweep_settings
from gdviz.model import Document
from gdviz.model.sweeps import SweepResult, compute_sweep, run_at_rate, sweep_spec_for
from gdviz.ui.descent_controller import DescentController
from gdviz.ui.panels.sweep_panel import SweepPanel, edge_text
from gdviz.workers.long_job import LongJobWorker

if TYPE_CHECKING:  # core.sweep imports sympy, which the window loads only when needed
    from gdviz.core.sweep import Sweep

SWEEP_DOCK_HEIGHT = 0.4  # share of the window's height the bottom docks get while it is shown


class SweepController(QtCore.QObject):
    """Binds the Sweep panel to the document's sweep: Run sweep (the Descent panel's run from
    the point), progress and Cancel, the result drawn, a clicked rate run in the 3D view."""

    status_message = QtCore.Signal(str, int)
    sweep_finished = QtCore.Signal()

    def __init__(
        self,
        doc: Document,
        panel: SweepPanel,
        descent: DescentController,
        parent: QtCore.QObject | None = None,
    ):
        super().__init__(parent)
        self.doc, self.panel, self.descent = doc, panel, descent
        self.worker = LongJobWorker(self, "gdviz-sweep")
        self.worker.job_progressed.connect(self._on_progressed)
        self.worker.job_computed.connect(self._on_computed)
        self.worker.job_failed.connect(self._on_failed)
        # what the current job computes: (job id, spec, surface, whether it is a user's new sweep)
        self._job: tuple[int, SweepSpec, Surface, bool] | None = None
        panel.run_requested.connect(self.run_from_panel)
        panel.cancel_requested.connect(self.cancel)
        panel.rate_clicked.connect(self.run_rate)
        doc.events.sweep_changed.connect(self._on_sweep_changed)
        doc.events.surface_changed.connect(self._on_surface_changed)
        doc.events.sweep_computed.connect(self._show)
        self._on_sweep_changed()

    # --- starting and stopping -----------------------------------------------------------------
    def run_from_panel(self) -> bool:
        """Run sweep: the panel's rates and steps, the Descent panel's run, from the point.

        A bad field shows its message beside it and nothing starts; a sweep still running is
        cancelled by the new one."""
        self.panel.clear_errors()
        texts = self.panel.texts()
        run = self.descent.next_run_spec()
        try:
            settings = read_sweep_settings(
                texts["lr_min"], texts["lr_max"], texts["count"], texts["steps"], run.tol
            )
        except SweepInputError as err:
            self.panel.show_error(err.field, str(err))
            self.status_message.emit(f"Sweep not started: {err}", 10000)
            return False
        self._start(sweep_spec_for(run, self.doc.point, settings), new=True)
        return True

    def _start(self, spec: SweepSpec, new: bool) -> None:
        surface = self.doc.surface

        def job(progress, cancelled) -> Sweep:  # runs in the worker thread: core only
            return compute_sweep(surface, spec, progress, cancelled)

        job_id = self.worker.submit(job)
        self._job = (job_id, spec, surface, new)
        self.panel.show_running(0.0)
        self.status_message.emit(f"Sweeping {spec.count:,} learning rates…", 0)

    def cancel(self) -> None:
        """Stop the running sweep; the result shown before it stays."""
        if self.worker.cancel() is None:
            return
        self._job = None
        self.panel.show_running(None)
        self.status_message.emit("Sweep cancelled: the previous result is kept", 6000)

    def is_running(self) -> bool:
        return self._job is not None

    def stop(self) -> None:
        """Cancel the sweep and join its thread (the window is closing)."""
        self._job = None
        self.worker.stop()

    # --- what the worker sends ------------------------------------------------------------------
    @QtCore.Slot(int, float)
    def _on_progressed(self, job_id: int, fraction: float) -> None:
        if self._job is not None and self._job[0] == job_id:
            self.panel.show_running(fraction)

    @QtCore.Slot(int, object)
    def _on_computed(self, job_id: int, sweep: Sweep) -> None:
        if self._job is None or self._job[0] != job_id:
            return
        _, spec, surface, new = self._job
        self._job = None
        self.panel.show_running(None)
        if surface is not self.doc.surface:
            return  # the surface changed meanwhile: the result is for another f
        result = SweepResult(spec, surface, sweep)
        if new:
            self.doc.set_sweep(spec, result, label="Run a learning-rate sweep")
            self._show()  # also when the spec did not change (the same sweep again)
        else:
            self.doc.set_sweep_result(result)
        self.status_message.emit(f"Sweep done: {finished_text(sweep)}", 15000)
        self.sweep_finished.emit()

    @QtCore.Slot(int, str)
    def _on_failed(self, job_id: int, message: str) -> None:
        if self._job is None or self._job[0] != job_id:
            return
        self._job = None
        self.panel.show_running(None)
        self.status_message.emit(f"Sweep failed: {message}", 15000)
        self.panel.swept_label.setText(f"Sweep failed: {message}")

    # --- following the document ------------------------------------------------------------------
    def _on_sweep_changed(self) -> None:
        """A sweep set by a scene, a lesson step, undo or redo: its fields, and its result
        computed when it has none yet."""
        spec = self.doc.scene.sweep
        if spec is not None:
            self.panel.show_inputs(spec)
        self._compute_if_missing()
        self._show()

    def _on_surface_changed(self) -> None:
        if self._job is not None and self._job[2] is not self.doc.surface:
            self.cancel()  # it sweeps the old surface
        self._compute_if_missing()
        self._show()

    def _compute_if_missing(self) -> None:
        spec = self.doc.scene.sweep
        if spec is None or self.doc.sweep_result is not None:
            return
        if self._job is not None and self._job[1] == spec and self._job[2] is self.doc.surface:
            return  # already on its way
        self._start(spec, new=False)

    def _show(self) -> None:
        result = self.doc.sweep_result
        if result is None:
            waiting = self.doc.scene.sweep is not None
            self.panel.show_result(None, note="Computing the sweep…" if waiting else "")
            return
        self.panel.show_result(result.sweep, result.spec)

    # --- a rate clicked --------------------------------------------------------------------------
    @QtCore.Slot(float)
    def run_rate(self, lr: float) -> int | None:
        """Run the swept descent with learning rate `lr` in the 3D view (the other runs go)."""
        result = self.doc.sweep_result
        if result is None or not (math.isfinite(lr) and lr > 0):
            return None
        spec = run_at_rate(result.spec, lr)
        self.descent.reset()
        if self.doc.point != spec.start:
            self.doc.update("Run a rate of the sweep", point=spec.start)
        self.doc.set_run_settings(replace(self.doc.run_settings, lr=spec.lr))
        try:
            run_id = self.doc.add_run(spec.start, spec)
        except (OptimizerError, ValueError) as err:
            self.status_message.emit(f"Cannot start the run: {err}", 10000)
            return None
        self.descent.set_playing(True)
        self.status_message.emit(
            f"Running α = {format_number(lr, 4)} from the sweep in the 3D view", 8000
        )
        return run_id


def finished_text(sweep: Sweep) -> str:
    """The status-bar line when a sweep ends: core's edge and 2/λ_max, as the panel says them."""
    parts = [re.sub(r"<[^>]*>", "", edge_text(sweep))]
    if sweep.gd_limit is not None:
        parts.append(f"2/λ_max = {format_number(sweep.gd_limit, 4)}")
    parts.append("click a dot to run that α")
    return "; ".join(parts)


def grow_when_shown(window: QtWidgets.QMainWindow, dock: QtWidgets.QDockWidget) -> None:
    """Give the bottom docks SWEEP_DOCK_HEIGHT of the window while the Sweep dock is on top (a
    log–log plot needs the height a contour strip does not)."""

    def grow(visible: bool) -> None:
        want = round(SWEEP_DOCK_HEIGHT * window.height())
        if visible and dock.height() < want:
            QtCore.QTimer.singleShot(
                0, lambda: window.resizeDocks([dock], [want], QtCore.Qt.Vertical)
            )

    dock.visibilityChanged.connect(grow)
