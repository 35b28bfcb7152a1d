"""Many starts on screen: the scatter computed off the GUI thread, its basins drawn."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PySide6 import QtCore, QtGui

from gdviz.core.descent import StopReason
from gdviz.core.grid import SampledGrid, display_height, display_heights
from gdviz.core.optimizers import OptimizerError, make_optimizer
from gdviz.core.scatter import NO_BASIN, Scatter
from gdviz.core.scene import RunSpec, StartsSpec
from gdviz.core.step_text import number
from gdviz.core.surfaces import Surface
from gdviz.model import Document
from gdviz.model.scatter_state import compute_scatter, starts_spec
from gdviz.render.contour_view import ContourView
from gdviz.render.items.colors import rgba_floats
from gdviz.render.items.scatter_items import ScatterItems
from gdviz.render.scatter_2d import Scatter2D
from gdviz.render.scatter_geometry import rows_at_steps, sampled_steps
from gdviz.render.view3d import PATH_DEPTH, SurfaceView
from gdviz.ui import theme
from gdviz.ui.panels.basin_legend import MAX_ROWS, BasinLegend, LegendRow
from gdviz.ui.panels.starts_panel import StartsPanel
from gdviz.workers.long_job import LongJobWorker

SCATTER_DEPTH = PATH_DEPTH - 0.3  # under the runs' paths: a run started on top stays in front
_FAR = 50.0  # top-view paths are clamped this many window sizes away (QPainter stays finite)


def basin_color(label: int) -> str:
    """The colour of basin `label` (NO_BASIN: grey) in the views, the legend and exports."""
    if label == NO_BASIN:
        return theme.NO_BASIN_COLOR
    return theme.BASIN_COLORS[label % len(theme.BASIN_COLORS)]


def legend_rows(scatter: Scatter, axis_names: tuple[str, str, str]) -> list[LegendRow]:
    """One row per minimum found (value, location, starts), the rest summed, then the starts
    that reached none."""
    a, b, z = axis_names
    f = "L" if z == "L" else "f"
    rows = []
    moving = np.array([r == StopReason.MAX_STEPS for r in scatter.reasons], dtype=bool)
    for k, m in enumerate(scatter.minima[:MAX_ROWS]):
        share = m.count / len(scatter)
        still = int(np.count_nonzero(moving & (scatter.labels == k)))
        text = (
            f"at ({number(m.x, 4)}, {number(m.y, 4)}): {f} = {number(m.value, 4)}\n"
            f"{m.count:,} start{'s' if m.count != 1 else ''} ({share:.0%})"
            + (f", {still:,} still moving at the last step" if still else "")
        )
        rows.append(LegendRow(basin_color(k), text, f"Basin {k + 1}: {a} = {m.x!r}, {b} = {m.y!r}"))
    rest = scatter.minima[MAX_ROWS:]
    if rest:
        count = sum(m.count for m in rest)
        rows.append(LegendRow(theme.BASIN_COLORS[len(rows) % len(theme.BASIN_COLORS)],
                              f"{len(rest)} more minima: {count:,} starts"))  # fmt: skip
    lost = int(np.count_nonzero(scatter.labels == NO_BASIN))
    if lost:
        rows.append(LegendRow(theme.NO_BASIN_COLOR, f"no minimum (diverged or left): {lost:,}"))
    return rows


def legend_title(scatter: Scatter) -> str:
    found = len(scatter.minima)
    return f"{found} minim{'um' if found == 1 else 'a'} found from {len(scatter):,} starts"


@dataclass(frozen=True, eq=False)
class _Job:
    job_id: int
    spec: StartsSpec
    surface: Surface


class ScatterController(QtCore.QObject):
    """Scatter starts: the panel's request becomes the scene's `starts` once computed (an undoable
    edit); a scene or undo that sets `starts` is computed too. Draws doc.scatter in both views."""

    status_message = QtCore.Signal(str, int)

    def __init__(
        self,
        doc: Document,
        view: SurfaceView,
        contour: ContourView,
        panel: StartsPanel,
        legend: BasinLegend,
        run_spec: Callable[[], RunSpec],
        parent: QtCore.QObject | None = None,
    ):
        super().__init__(parent)
        self.doc, self.view, self.panel, self.legend = doc, view, panel, legend
        self._run_spec = run_spec
        self.grid: SampledGrid | None = None
        self.jobs = LongJobWorker(self, name="gdviz-scatter")
        self.jobs.job_progressed.connect(self._on_progress)
        self.jobs.job_computed.connect(self._on_computed)
        self.jobs.job_failed.connect(self._on_failed)
        self._job: _Job | None = None
        self.items = ScatterItems()
        for offset, item in enumerate(self.items.items()):
            item.setDepthValue(SCATTER_DEPTH + 0.01 * offset)
            view.addItem(item)
        self.top = Scatter2D(contour.getPlotItem())
        panel.run_requested.connect(self.scatter_starts)
        panel.cancel_requested.connect(self.cancel_requested)
        panel.clear_requested.connect(self.clear)
        doc.events.starts_changed.connect(self._on_starts_changed)
        doc.scatter.events.scatter_changed.connect(self._draw)
        doc.scatter.events.head_changed.connect(self._on_head_changed)
        self._on_starts_changed()

    # --- asking ---------------------------------------------------------------------------------
    def scatter_starts(self) -> bool:
        """Run / Ctrl+Shift+M: the panel's K, layout and seed with the Descent panel's optimizer.
        Bad settings: the core's message, nothing started (False)."""
        try:
            spec = starts_spec(self._run_spec(), self.panel.requested())
            make_optimizer(spec.run.optimizer, spec.run.hyperparameters())
        except (ValueError, OptimizerError) as err:
            self._say(f"Cannot scatter starts: {err}", problem=True)
            return False
        if self.doc.scene.starts == spec and self.doc.scatter.matches(spec, self.doc.surface):
            self._say(self._summary(self.doc.scatter.scatter), problem=False)
            return True
        self._start(spec)
        return True

    def compute_now(self, spec: StartsSpec) -> None:
        """Compute `spec` here and now and show it (headless export); not an edit."""
        self.cancel()
        scatter = compute_scatter(self.doc.surface, self.doc.window, spec)
        self.doc.scatter.set_result(spec, self.doc.surface, scatter)
        self.doc.update(starts=spec)

    def is_busy(self) -> bool:
        return self._job is not None

    def cancel(self) -> bool:
        """Stop the scatter being computed (nothing changes); whether one was."""
        job, self._job = self._job, None
        if job is not None:
            self.jobs.cancel()
        self.panel.show_busy(False)
        return job is not None

    @QtCore.Slot()
    def cancel_requested(self) -> None:
        if self.cancel():
            self._say("Cancelled: the scatter was not computed; nothing changed", problem=False)

    @QtCore.Slot()
    def clear(self) -> None:
        """Remove the scatter (an undoable edit)."""
        self.cancel()
        if self.doc.scene.starts is not None:
            self.doc.update("Clear the scatter", starts=None)
            self._say("Scatter cleared (Ctrl+Z brings it back)", problem=False)

    def stop(self) -> None:
        """Cancel and join the worker thread (the window is closing)."""
        self.cancel()
        self.jobs.stop()

    def _start(self, spec: StartsSpec) -> None:
        self.cancel()  # a new request replaces the one running
        surface, window = self.doc.surface, self.doc.window

        def job(progress: Callable[[float], None], cancelled: Callable[[], bool]) -> Scatter:
            return compute_scatter(surface, window, spec, progress=progress, cancelled=cancelled)

        self._job = _Job(self.jobs.submit(job), spec, surface)
        self.panel.show_busy(True)
        self._say(f"Scattering {spec.count:,} starts ({spec.run.optimizer}, "
                  f"α = {number(spec.run.lr)})…", problem=False)  # fmt: skip

    # --- results --------------------------------------------------------------------------------
    @QtCore.Slot(int, float)
    def _on_progress(self, job_id: int, fraction: float) -> None:
        if self._job is not None and job_id == self._job.job_id:
            self.panel.show_busy(True, fraction)

    @QtCore.Slot(int, object)
    def _on_computed(self, job_id: int, scatter: Scatter) -> None:
        job = self._job
        if job is None or job.job_id != job_id:
            return
        self._job = None
        self.panel.show_busy(False)
        if job.surface is not self.doc.surface:
            return  # the surface changed meanwhile: this scatter belongs to the old one
        self.doc.scatter.set_result(job.spec, job.surface, scatter)
        if self.doc.scene.starts != job.spec:
            self.doc.update("Scatter starts", starts=job.spec)
        self._say(self._summary(scatter), problem=False)

    @QtCore.Slot(int, str)
    def _on_failed(self, job_id: int, message: str) -> None:
        job = self._job
        if job is None or job.job_id != job_id:
            return
        self._job = None
        self.panel.show_busy(False)
        self._say(f"The scatter failed: {message}", problem=True)

    def _on_starts_changed(self) -> None:
        """The scene's starts changed (a scatter computed, cleared, undone, a scene opened)."""
        spec = self.doc.scene.starts
        self.panel.show_cleared(spec is not None)
        if spec is None:
            self.cancel()
            return
        self.panel.show_settings(spec.settings())
        if self.doc.scatter.matches(spec, self.doc.surface):
            return
        job = self._job
        if job is not None and job.spec == spec and job.surface is self.doc.surface:
            return
        self._start(spec)

    # --- drawing ----------------------------------------------------------------------------------
    def set_grid(self, grid: SampledGrid | None) -> None:
        """The surface was (re)drawn: the scatter's heights and scene coordinates follow it."""
        self.grid = grid
        self._draw()

    def _draw(self) -> None:
        scatter = self.doc.scatter.scatter
        if scatter is None or self.grid is None:
            self.items.clear()
            self.top.clear()
            self.legend.clear()
            return
        runs = scatter.runs
        steps = sampled_steps(int(runs.lengths.max(initial=0)), len(scatter))
        xs, ys, fs = rows_at_steps((runs.x, runs.y, runs.f), runs.lengths, steps)
        labels = scatter.labels
        colors = np.array([rgba_floats(basin_color(int(k))) for k in labels], dtype=np.float32)
        minimum_colors = [basin_color(k) for k in range(len(scatter.minima))]
        minima = np.array(
            [(m.x, m.y, display_height(self.grid, m.value)) for m in scatter.minima]
        ).reshape(-1, 3)
        self.items.head = self.doc.scatter.head
        self.items.set(
            np.stack([xs, ys, display_heights(self.grid, fs)], axis=2), steps, colors,
            minima, np.array([rgba_floats(c) for c in minimum_colors]).reshape(-1, 4),
            self.view.mapping,
        )  # fmt: skip
        self.top.set(
            self._clamped(np.stack([xs, ys], axis=2)), labels,
            [_rgb(basin_color(k)) for k in range(max(len(scatter.minima), 1))],
            _rgb(theme.NO_BASIN_COLOR), minima[:, :2],
        )  # fmt: skip
        names = self.doc.surface.axis_names
        self.legend.set_rows(legend_title(scatter), legend_rows(scatter, names))

    def _on_head_changed(self) -> None:
        self.items.set_head(self.doc.scatter.head)

    def _clamped(self, rows: np.ndarray) -> np.ndarray:
        w = self.doc.window
        far_x, far_y = _FAR * w.width, _FAR * w.height
        with np.errstate(invalid="ignore"):
            x = np.clip(rows[..., 0], w.x_min - far_x, w.x_max + far_x)
            y = np.clip(rows[..., 1], w.y_min - far_y, w.y_max + far_y)
        return np.stack([x, y], axis=-1)

    def _summary(self, scatter: Scatter | None) -> str:
        if scatter is None:
            return ""
        text = legend_title(scatter)
        lost = int(np.count_nonzero(scatter.labels == NO_BASIN))
        return text + (f"; {lost:,} reached none (diverged or left the domain)" if lost else "")

    def _say(self, text: str, problem: bool) -> None:
        self.panel.show_status(text, problem)
        self.status_message.emit(text, 15000 if problem else 8000)


def _rgb(color: str) -> tuple[int, int, int]:
    c = QtGui.QColor(color)
    return (c.red(), c.green(), c.blue())
