"""What a headless export renders: the document and its 3D view, without the window's docks.

`gdviz export` used to build the whole MainWindow (every dock, panel, plot and menu) to capture
its 3D view. The stage builds only what the frames show, and binds it to the document as the
window's controllers do: the surface and the point (as SurfaceController), the runs' paths,
heads and step arrows (as DescentController, with the same drawing helpers), the camera (the
window's own CameraController) and, when the export may draw one, the calculus constructions
(the window's own ConstructionDriver with its panels, never shown). `render_frames` takes a
stage wherever it takes the window: both have `doc`, `view`, `camera` and `sync_camera()`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6 import QtCore, QtWidgets

from gdviz.core.grid import SampledGrid, display_height, display_heights
from gdviz.core.optimizers import HYPERPARAMETER_NAMES, Optimizer
from gdviz.core.run_settings import MiniBatchSettings
from gdviz.core.scene import RunSpec
from gdviz.core.window import Window
from gdviz.model import Document
from gdviz.render.view3d import SurfaceView
from gdviz.ui.camera_controller import CameraController
from gdviz.ui.run_drawing import ARROW_KEYS, rgba, run_color, step_arrows

# The size the 3D view had in the 1280×800 window the export used to build: a camera given with
# a distance keeps the centre that framing at this aspect gives it, as before.
VIEW_SIZE = (641, 526)
EXPOSE_TIMEOUT_S = 10.0


class StageCancelled(Exception):
    """keep_going() said stop while the stage was being built."""


class ExportStage(QtCore.QObject):
    """The document's 3D view, drawn as the window draws it, for frames (GUI thread only).

    Build it with `build_stage`; call `close()` when done (it joins the camera's search thread).
    """

    def __init__(self, doc: Document, constructions: bool, starts: bool = False) -> None:
        super().__init__()
        self.doc = doc
        self.view = SurfaceView()
        # the view's container must not be a top-level widget (pitfall 22): it sits in a plain one
        self.holder = QtWidgets.QWidget()
        self.holder.resize(*VIEW_SIZE)
        self.view.container.setParent(self.holder)
        self.view.container.setGeometry(0, 0, *VIEW_SIZE)
        self.grid: SampledGrid | None = None
        self._paths: set[int] = set()
        self._panels: list[QtWidgets.QWidget] = []
        self.constructions = None
        events = doc.events
        events.surface_changed.connect(self._on_surface_changed)
        events.point_changed.connect(self._show_point)
        events.runs_changed.connect(self._draw_runs)
        events.run_finished.connect(self._on_run_finished)
        events.focus_changed.connect(self._on_focus_changed)
        if constructions:
            self.constructions = self._construction_driver()
        self.starts = self._scatter_controller() if starts else None
        self.camera = CameraController(doc, self.view, self, self)

    def _construction_driver(self):
        """The window's ConstructionDriver, on panels that are never shown (only its drawing
        on the 3D view is seen; the panels are what it reads its switches from)."""
        from gdviz.ui.construction_driver import ConstructionDriver
        from gdviz.ui.panels.derivative1d_panel import Derivative1DPanel
        from gdviz.ui.panels.direction_panel import DirectionPanel
        from gdviz.ui.panels.limits_panel import LimitsPanel
        from gdviz.ui.panels.partials_panel import PartialsPanel

        panels = [PartialsPanel(), DirectionPanel(), LimitsPanel(), Derivative1DPanel()]
        self._panels = panels
        return ConstructionDriver(self.doc, self.view, *panels, self)

    def _scatter_controller(self):
        """The window's ScatterController, on a panel, legend and top view never shown (only its
        drawing on the 3D view is seen); the stage computes with its compute_now."""
        from gdviz.render.contour_view import ContourView
        from gdviz.ui.panels.basin_legend import BasinLegend
        from gdviz.ui.panels.starts_panel import StartsPanel
        from gdviz.ui.scatter_controller import ScatterController

        panel, contour, legend = StartsPanel(), ContourView(), BasinLegend()
        self._panels += [panel, contour, legend]

        def run_spec() -> RunSpec:  # what a new request would use: the scene's own scatter's
            starts = self.doc.scene.starts
            if starts is None:
                raise ValueError("no scatter to export")
            return starts.run

        return ScatterController(self.doc, self.view, contour, panel, legend, run_spec, self)

    # --- what CameraController asks of the window's SurfaceController ---------------------------
    def grid_is_final(self) -> bool:
        return self.grid is not None and len(self.grid.xs) == self.doc.scene.resolution

    # --- the surface and the point ----------------------------------------------------------------
    def _on_surface_changed(self) -> None:
        self.grid = None
        self._show_point()

    def sample(self, keep_going: Callable[[], bool]) -> None:
        """Sample the document's surface at its resolution here and now, and draw it."""
        from gdviz.ui.grid_sampling import sample_for_display
        from gdviz.workers.job_worker import JobCancelled

        scene = self.doc.scene
        try:
            result = sample_for_display(
                self.doc.surface, Window(*scene.window), scene.resolution, scene.log_height,
                keep_going,
            )  # fmt: skip
        except JobCancelled:
            raise StageCancelled("cancelled while computing the surface") from None
        grid = self.grid = result.grid
        names = self.doc.surface.axis_names
        z_label = f"log₁₀ {names[2]}" if grid.height_scale == "log10" else names[2]
        self.view.set_surface(grid.xs, grid.ys, grid.z_display, grid.z_range, names, z_label)
        self._show_point()
        self._redraw_paths()
        if self.constructions is not None:
            self.constructions.set_grid(grid)
        if self.starts is not None:
            self.starts.set_grid(grid)
        self.camera.grid_shown()

    def _show_point(self) -> None:
        x, y = self.doc.point
        f = float(self.doc.surface.value(x, y))
        if self.grid is None or not math.isfinite(f):
            self.view.clear_point()
            return
        self.view.set_point(x, y, display_height(self.grid, f))

    # --- runs ----------------------------------------------------------------------------------
    def add_run(self, start: tuple[float, float], optimizer: Optimizer, max_steps: int,
                tol: float, minibatch: MiniBatchSettings | None = None) -> int:  # fmt: skip
        """A run from start (on mini-batches if given), computed to its end here and now."""
        knobs = {name: getattr(optimizer.hp, name) for name in HYPERPARAMETER_NAMES}
        spec = RunSpec(optimizer.name, **knobs, max_steps=max_steps, tol=tol, minibatch=minibatch)
        run_id = self.doc.add_run(start, spec)
        self.doc.advance_run(run_id, spec.max_steps + 2)  # the start, every step, the end
        return run_id

    def finish_runs(self) -> None:
        """Compute every run still paused (a reopened scene's) to its end."""
        for run_id, record in list(self.doc.runs.items()):
            if record.pending is not None:
                self.doc.advance_run(run_id, record.spec.max_steps + 2)

    def _draw_runs(self) -> None:
        for run_id in [r for r in self._paths if r not in self.doc.runs]:
            self._paths.discard(run_id)
            self.view.remove_path(run_id)
        if not self.doc.runs:
            for key in ARROW_KEYS:
                self.view.clear_arrows(key)
        self._redraw_paths()

    def _on_run_finished(self, run_id: int) -> None:
        if run_id in self.doc.runs:
            self._draw_path(run_id)
            self._show_focus_step()

    def _redraw_paths(self) -> None:
        for run_id in self.doc.runs:
            self._draw_path(run_id)
        self._show_focus_step()

    def _draw_path(self, run_id: int) -> None:
        history = self.doc.runs[run_id].history
        if self.grid is None or len(history) == 0:
            return
        zs = display_heights(self.grid, history.column("f"))
        color = rgba(run_color(self.doc, run_id))
        self.view.set_path(run_id, history.column("x"), history.column("y"), zs, color)
        self._paths.add(run_id)

    def _on_focus_changed(self) -> None:
        for run_id, record in self.doc.runs.items():
            if run_id in self._paths and len(record.history):
                self.view.set_path_head(run_id, self.doc.head_position(run_id))
        self._show_focus_step()

    def _show_focus_step(self) -> None:
        focused = self.doc.focused_step()
        if focused is None or self.grid is None or self.doc.scrub_k is not None:
            return
        record, k = focused
        for key, arrow in step_arrows(self.doc, self.grid, record, record.history.step(k)).items():
            if arrow is None:
                self.view.clear_arrows(key)
            else:
                self.view.set_arrows(key, [arrow])

    # --- what render_frames asks of the window ---------------------------------------------------
    def sync_camera(self) -> None:
        self.camera.sync_camera()

    def close(self) -> None:
        """Stop the camera's search thread (and the scatter's) and let the view and panels go."""
        self.camera.stop()
        if self.starts is not None:
            self.starts.stop()
        self.holder.close()
        self.holder.deleteLater()  # with the container and the view
        for panel in self._panels:
            panel.deleteLater()


def build_stage(
    doc: Document, constructions: bool, keep_going: Callable[[], bool], starts: bool = False
) -> ExportStage:
    """A stage for doc (with the drawing of constructions and of many starts if asked), its view
    on screen (in the X server, never seen) and painted once: the GL state the first frame
    starts from is then the one a window's view has."""
    stage = ExportStage(doc, constructions, starts)
    try:
        painted: list[bool] = []
        stage.view.frameSwapped.connect(lambda: painted.append(True))
        stage.holder.show()
        app = QtWidgets.QApplication.instance()
        timer = QtCore.QElapsedTimer()
        timer.start()
        while not painted:
            app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 5)
            if not keep_going():
                raise StageCancelled("cancelled while the view was being made")
            if timer.elapsed() > EXPOSE_TIMEOUT_S * 1000:
                raise RuntimeError("the 3D view was not painted: no OpenGL context")
    except BaseException:
        stage.close()
        raise
    return stage
