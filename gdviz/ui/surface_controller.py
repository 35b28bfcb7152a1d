"""The surface on screen: samples the document's surface off the GUI thread and draws it, with
the point, in the 3D and top views; binds the Function and Point panels to the document."""

from __future__ import annotations

import math

import numpy as np
from PySide6 import QtCore

from gdviz.core.calculus import point_report
from gdviz.core.expression import ExpressionError
from gdviz.core.grid import (
    SampledGrid,
    display_height,
)
from gdviz.core.scene import SceneError
from gdviz.core.surfaces import LogisticLossSurface
from gdviz.core.window import Window
from gdviz.model import Document
from gdviz.render.contour_view import ContourView
from gdviz.render.view3d import SurfaceView
from gdviz.ui.grid_sampling import GridResult, sample_for_display
from gdviz.ui.panels.function_panel import FunctionPanel
from gdviz.ui.panels.point_panel import PointPanel
from gdviz.workers.job_worker import JobWorker

PREVIEW_RESOLUTION = 100
LARGE_DATASET = 20_000  # loss surfaces over more examples get a quick coarse preview first
LARGE_DATASET_PREVIEW = 40
GRADIENT_FIELD_SIZE = 15


def grid_notes(grid: SampledGrid, axis_name: str, note: str = "") -> str:
    """What the Function panel says about the drawn grid: log height, clipping, holes."""
    notes = [note] if note else []
    if grid.height_scale == "log10":
        notes.append(f"Height axis is log₁₀ {axis_name} (the surface spans decades).")
    if grid.clip_range is not None:
        lo, hi = grid.clip_range
        notes.append(
            f"Heights clipped to [{lo:.4g}, {hi:.4g}] for display "
            f"({grid.clipped_fraction:.1%} of points: poles)."
        )
    if grid.nan_fraction > 0:
        notes.append(f"{grid.nan_fraction:.1%} of the window is outside the domain (holes).")
    return "\n".join(notes)


class SurfaceController(QtCore.QObject):
    """Keeps the drawn grid, the point marker and the Function/Point panels on the document."""

    grid_changed = QtCore.Signal()  # a grid (preview or final) is on screen
    status_message = QtCore.Signal(str, int)

    def __init__(
        self,
        doc: Document,
        view: SurfaceView,
        contour: ContourView,
        function_panel: FunctionPanel,
        point_panel: PointPanel,
        parent: QtCore.QObject | None = None,
    ):
        super().__init__(parent)
        self.doc, self.view, self.contour = doc, view, contour
        self.function_panel, self.point_panel = function_panel, point_panel
        self.grid: SampledGrid | None = None
        self.gradient_field = False
        self._pending_full_job: int | None = None
        self._grid_key: tuple | None = None
        self.jobs = JobWorker(self)
        self.jobs.job_computed.connect(self._on_grid_computed)
        self.jobs.job_failed.connect(self._on_grid_failed)

        events = doc.events
        events.surface_changed.connect(self._on_surface_changed)
        events.point_changed.connect(self._show_point)
        function_panel.preset_chosen.connect(self._on_preset_chosen)
        function_panel.expression_entered.connect(self.apply_expression)
        function_panel.window_edited.connect(self._on_window_edited)
        function_panel.resolution_edited.connect(self._on_resolution_edited)
        function_panel.log_height_toggled.connect(self.set_log_height)
        function_panel.log_base_chosen.connect(self._on_log_base_chosen)
        point_panel.point_edited.connect(self.move_point)
        self._on_surface_changed()

    # --- user edits -> document ---------------------------------------------------------------
    @QtCore.Slot(str)
    def _on_preset_chosen(self, name: str) -> None:
        self.doc.load_preset(name)

    @QtCore.Slot(str)
    def apply_expression(self, text: str) -> bool:
        """f(x, y) = text; a bad text shows its error under the field and changes nothing."""
        try:
            self.doc.set_expression(text)
        except ExpressionError as err:
            self.function_panel.show_error(str(err))
            self.status_message.emit(f"Expression not applied: {err}", 8000)
            return False
        self.status_message.emit(f"f(x, y) = {self.doc.surface.formula}", 5000)
        return True

    @QtCore.Slot(float, float, float, float)
    def _on_window_edited(self, x_min: float, x_max: float, y_min: float, y_max: float) -> None:
        try:
            self.doc.update("Change the view window", window=(x_min, x_max, y_min, y_max))
        except (SceneError, ValueError) as err:
            self._show_source()
            self.function_panel.show_error(str(err).removeprefix("window: "))

    @QtCore.Slot(int)
    def _on_resolution_edited(self, resolution: int) -> None:
        self.set_resolution(resolution)

    def set_resolution(self, resolution: int) -> None:
        resolution = max(50, min(800, int(resolution)))
        self.doc.update("Change the resolution", resolution=resolution)
        self.function_panel.show_resolution(resolution)

    @QtCore.Slot(bool)
    def set_log_height(self, enabled: bool) -> None:
        self.doc.update("Log-scaled height", log_height=bool(enabled))

    @QtCore.Slot(str)
    def _on_log_base_chosen(self, key: str) -> None:
        self.doc.update("Change the log base", log_base=key)

    @QtCore.Slot(float, float)
    def move_point(self, x: float, y: float) -> None:
        """The user moved the point (typed or clicked): an edit that Ctrl+Z undoes."""
        if math.isfinite(x) and math.isfinite(y):
            self.doc.update("Move the point", point=(float(x), float(y)))

    # --- document -> views ----------------------------------------------------------------------
    def _on_surface_changed(self) -> None:
        surface = self.doc.surface
        self.point_panel.show_axes(surface.axis_names, surface.gradient_formulas())
        self._show_source()
        key = (id(surface), self.doc.scene.window, self.doc.scene.resolution)
        key += (self.doc.scene.log_height,)
        if key != self._grid_key:
            self._grid_key = key
            self.grid = None
            self._request_grid()
        self._show_point()

    def _show_source(self) -> None:
        scene, panel = self.doc.scene, self.function_panel
        source = scene.source
        preset = source.preset if source.kind == "preset" else None
        text = source.expression if source.kind == "expression" else None
        if preset is not None:
            from gdviz.core.presets import get_preset

            text = get_preset(preset).expression
        panel.show_source(preset, text, isinstance(self.doc.surface, LogisticLossSurface))
        panel.show_window(scene.window, self.doc.surface.axis_names[:2])
        panel.show_resolution(scene.resolution)
        panel.show_log_height(scene.log_height)
        panel.show_log_base(scene.log_base)

    def _request_grid(self) -> None:
        """Sample the surface off the GUI thread: a quick preview first when the grid is big."""
        surface, scene = self.doc.surface, self.doc.scene
        window, log_height, resolution = Window(*scene.window), scene.log_height, scene.resolution
        large = isinstance(surface, LogisticLossSurface) and len(surface.dataset) > LARGE_DATASET
        preview = LARGE_DATASET_PREVIEW if large else PREVIEW_RESOLUTION

        def job(n: int):
            return lambda keep_going: sample_for_display(surface, window, n, log_height, keep_going)

        if resolution > PREVIEW_RESOLUTION * 2 or large:
            self.jobs.submit(job(preview), cancellable=True)
            self._pending_full_job = self.jobs.submit(
                job(resolution), supersede=False, cancellable=True
            )
            self.status_message.emit(f"Computing the {resolution}² surface…", 0)
        else:
            self._pending_full_job = self.jobs.submit(job(resolution), cancellable=True)

    def grid_is_final(self) -> bool:
        """Whether the grid on screen is the full-resolution one asked for (not a preview)."""
        return self.grid is not None and len(self.grid.xs) == self.doc.scene.resolution

    @QtCore.Slot(int, object)
    def _on_grid_computed(self, job_id: int, result: GridResult) -> None:
        if self._pending_full_job is not None and job_id > self._pending_full_job:
            return
        grid = result.grid
        self.grid = grid
        names = self.doc.surface.axis_names
        z_label = f"log₁₀ {names[2]}" if grid.height_scale == "log10" else names[2]
        self.view.set_surface(grid.xs, grid.ys, grid.z_display, grid.z_range, names, z_label)
        self.contour.set_surface(grid.xs, grid.ys, grid.z_display, grid.z_range, names)
        if self.gradient_field:
            self.show_gradient_field(True)
        self._show_point()
        self.function_panel.show_note(grid_notes(grid, names[2], result.note))
        if job_id == self._pending_full_job:
            n = len(grid.xs)
            self.status_message.emit(
                f"{self.doc.surface.title} — {n}×{n} grid in {result.seconds * 1000:.0f} ms", 8000
            )
        self.grid_changed.emit()

    @QtCore.Slot(int, str)
    def _on_grid_failed(self, _job_id: int, message: str) -> None:
        self.status_message.emit(f"Could not compute the surface: {message}", 10000)
        self.function_panel.show_error(f"Could not compute the surface: {message}")

    def _show_point(self) -> None:
        x, y = self.doc.point
        report = point_report(self.doc.surface, x, y)
        self.point_panel.show_report(report)
        self.contour.set_point(x, y)
        if self.grid is None or not math.isfinite(report.f):
            self.view.clear_point()
            return
        self.view.set_point(x, y, display_height(self.grid, report.f))

    @QtCore.Slot(bool)
    def show_gradient_field(self, visible: bool) -> None:
        """The top view's field of −∇f arrows."""
        self.gradient_field = visible
        if visible and self.grid is not None:
            w = Window(*self.doc.scene.window)
            xs = np.linspace(w.x_min, w.x_max, GRADIENT_FIELD_SIZE)
            ys = np.linspace(w.y_min, w.y_max, GRADIENT_FIELD_SIZE)
            gx_grid, gy_grid = np.meshgrid(xs, ys, indexing="ij")
            gx, gy = self.doc.surface.gradient(gx_grid, gy_grid)
            self.contour.set_gradient_field(xs, ys, np.asarray(gx), np.asarray(gy))
        self.contour.show_gradient_field(visible)

    def stop(self) -> None:
        self.jobs.stop()
