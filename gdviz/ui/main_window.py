"""The main window: the 3D view in the centre, the panels docked around it, all on one document."""

from __future__ import annotations

import logging
import math
from dataclasses import replace
from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

from gdviz.core.grid import SampledGrid
from gdviz.core.logistic import Dataset
from gdviz.core.presets import all_presets, default_preset_name
from gdviz.core.scene import PANELS, Scene, scene_for_preset
from gdviz.core.surfaces import Surface
from gdviz.model import Document
from gdviz.render.contour_view import ContourView
from gdviz.render.view3d import SurfaceView
from gdviz.ui.camera_controller import CameraController
from gdviz.ui.construction_driver import ConstructionDriver
from gdviz.ui.descent_controller import DescentController
from gdviz.ui.docks import (
    DOCK_BY_NAME,
    TOOL_DOCK,
    build_docks,
    hide_orphan_tab_bars,
    raised_docks,
    size_for_teaching,
)
from gdviz.ui.lesson_presenter import LessonPresenter
from gdviz.ui.logistic_controller import LogisticController
from gdviz.ui.look import apply_look, remembered_theme_name
from gdviz.ui.menus import build_menus
from gdviz.ui.minibatch_controller import MiniBatchController
from gdviz.ui.minibatch_ghost import MiniBatchGhost
from gdviz.ui.panels.basin_legend import BasinLegend, TopViewBox
from gdviz.ui.panels.data_plot import DataPlot
from gdviz.ui.panels.dataset_panel import DatasetPanel
from gdviz.ui.panels.derivative1d_panel import Derivative1DPanel
from gdviz.ui.panels.descent_panel import DescentPanel
from gdviz.ui.panels.direction_panel import DirectionPanel
from gdviz.ui.panels.function_panel import FunctionPanel
from gdviz.ui.panels.lesson_panel import LessonPanel
from gdviz.ui.panels.likelihood_panel import LikelihoodPanel
from gdviz.ui.panels.limits_panel import LimitsPanel
from gdviz.ui.panels.loss_plot import LossPlot
from gdviz.ui.panels.partials_panel import PartialsPanel
from gdviz.ui.panels.point_panel import PointPanel
from gdviz.ui.panels.starts_panel import StartsPanel
from gdviz.ui.panels.step_panel import StepPanel
from gdviz.ui.panels.sweep_panel import SweepPanel
from gdviz.ui.scatter_controller import ScatterController
from gdviz.ui.scene_files import SceneFiles
from gdviz.ui.surface_controller import SurfaceController
from gdviz.ui.sweep_controller import SweepController, grow_when_shown
from gdviz.ui.undo import UndoHistory
from gdviz.ui.window_state import keep_window_state, restore_window_state

log = logging.getLogger(__name__)

TITLE = "gdviz — gradient descent, visible"


class MainWindow(QtWidgets.QMainWindow):
    """gdviz's window: builds the docks and menus and binds every view to one Document."""

    surface_changed = QtCore.Signal()
    grid_displayed = QtCore.Signal()

    def __init__(
        self,
        preset: str | None = None,
        function: str | None = None,
        settings: QtCore.QSettings | None = None,
    ):
        super().__init__()
        self._settings = settings  # None: nothing is remembered (tests, headless export)
        self.export_size = (1920, 1080)
        self.export_folder = str(Path.home())
        self.exporting = False
        self.stopping_on_signal = False  # closing on Ctrl+C or SIGTERM: no "Save changes?"
        self.close_after_export = False
        self._laid_out = False  # docks sized for teaching at the first show
        self._layout_restored = False  # unless the user's own layout came back from settings
        self._raising_tool = False
        self.setWindowTitle(f"untitled[*] — {TITLE}")
        self.resize(1440, 900)

        self.doc = Document(scene_for_preset(preset or default_preset_name()))
        self.view = SurfaceView()
        self.view.setObjectName("surfaceView")
        self.view.container.setObjectName("surfaceViewContainer")
        self.view.forward_drops_to(self)
        self.setCentralWidget(self.view.container)
        self.function_panel = FunctionPanel(all_presets())
        self.point_panel = PointPanel()
        self.descent_panel = DescentPanel()
        self.step_panel = StepPanel()
        self.contour_view = ContourView()
        self.contour_view.setObjectName("contourView")
        self.loss_plot = LossPlot()
        self.partials_panel = PartialsPanel()
        self.direction_panel = DirectionPanel()
        self.limits_panel = LimitsPanel()
        self.derivative_panel = Derivative1DPanel()
        self.dataset_panel = DatasetPanel()
        self.lesson_panel = LessonPanel()
        self.likelihood_panel = LikelihoodPanel()
        self.data_plot = DataPlot()
        self.starts_panel = StartsPanel()
        self.basin_legend = BasinLegend()
        self.sweep_panel = SweepPanel()
        self.docks = build_docks(self, {
            "function": self.function_panel, "lesson": self.lesson_panel,
            "descent": self.descent_panel, "dataset": self.dataset_panel,
            "point": self.point_panel, "step": self.step_panel,
            "likelihood": self.likelihood_panel, "partials": self.partials_panel,
            "direction": self.direction_panel, "limits": self.limits_panel,
            "derivative": self.derivative_panel,
            "top": TopViewBox(self.contour_view, self.basin_legend), "starts": self.starts_panel,
            "loss": self.loss_plot, "data": self.data_plot, "sweep": self.sweep_panel,
        })  # fmt: skip
        self.lesson_dock = self.docks["lesson"]

        doc = self.doc
        self.surfaces = SurfaceController(
            doc, self.view, self.contour_view, self.function_panel, self.point_panel, self
        )
        self.jobs = self.surfaces.jobs
        self.descent = DescentController(
            doc, self.view, self.contour_view, self.loss_plot, self.descent_panel,
            self.step_panel, self,
        )  # fmt: skip
        self.minibatch = MiniBatchController(doc, self.descent_panel.minibatch_box, self)
        self.descent.batches = self.minibatch
        self.minibatch_ghost = MiniBatchGhost(doc, self.view, lambda: self.surfaces.grid, self)
        self.constructions = ConstructionDriver(
            doc, self.view, self.partials_panel, self.direction_panel, self.limits_panel,
            self.derivative_panel, self,
        )  # fmt: skip
        self.logistic = LogisticController(
            doc, self.dataset_panel, self.likelihood_panel, self.data_plot, self
        )
        self.starts = ScatterController(
            doc, self.view, self.contour_view, self.starts_panel, self.basin_legend,
            self.descent.next_run_spec, self,
        )  # fmt: skip
        self.camera = CameraController(doc, self.view, self.surfaces, self)
        self.sweeps = SweepController(doc, self.sweep_panel, self.descent, self)
        grow_when_shown(self, self.docks["sweep"])
        self.history = UndoHistory(doc, self)
        self.files = SceneFiles(doc, self.history, self.current_scene, settings, self)
        self.lessons = LessonPresenter(doc, self.lesson_panel, self.docks, self)
        sources = (
            self.surfaces,
            self.descent,
            self.minibatch,
            self.minibatch_ghost,
            self.logistic,
            self.files,
            self.lessons,
            self.camera,
            self.starts,
            self.sweeps,
        )
        for source in sources:
            source.status_message.connect(self.statusBar().showMessage)
        self.surfaces.grid_changed.connect(self._on_grid_changed)
        self.constructions.close_up_requested.connect(self.close_up)
        self.logistic.dataset_refused.connect(self.docks["dataset"].raise_)
        self.descent_panel.gradient_field_toggled.connect(self.surfaces.show_gradient_field)
        self.dataset_panel.import_requested.connect(self.logistic.import_dialog)
        self.dataset_panel.export_requested.connect(self.logistic.export_dialog)
        self.view.surface_clicked.connect(self.descent.start_at)
        self.contour_view.plane_clicked.connect(self.descent.start_at)
        doc.events.surface_changed.connect(self.surface_changed.emit)
        doc.events.tool_changed.connect(self._raise_tool_dock)
        doc.events.panels_changed.connect(self._show_panels)
        self.history.stack.cleanChanged.connect(self._show_title)
        self.files.path_changed.connect(self._show_title)
        for name, dock in self.docks.items():
            if DOCK_BY_NAME[name].tool:
                dock.visibilityChanged.connect(lambda on, n=name: self._on_dock_shown(n, on))
        self.setAcceptDrops(True)
        self.theme_name = remembered_theme_name(settings)
        self.menus = build_menus(self)
        self.statusBar().showMessage("Ready")
        if function and not self.surfaces.apply_expression(function):
            pass  # the error is shown under the expression field; the preset stays
        self.history.clear()  # the opening scene is not an edit
        self._layout_restored = restore_window_state(self, settings)

    # --- what the views show ------------------------------------------------------------------
    @property
    def surface(self) -> Surface:
        return self.doc.surface

    @property
    def grid(self) -> SampledGrid | None:
        return self.surfaces.grid

    def grid_is_final(self) -> bool:
        return self.surfaces.grid_is_final()

    @property
    def point(self) -> tuple[float, float]:
        return self.doc.point

    @property
    def dataset(self) -> Dataset:
        return self.doc.dataset or Dataset.lecture()

    def _on_grid_changed(self) -> None:
        grid = self.surfaces.grid
        self.descent.set_grid(grid)
        self.constructions.set_grid(grid)
        self.minibatch_ghost.grid_changed()
        self.starts.set_grid(grid)
        if self.grid_is_final():
            self.camera.grid_shown()
        self.grid_displayed.emit()

    # --- edits (each goes to the document; Ctrl+Z undoes it) ------------------------------------
    @QtCore.Slot(str)
    def load_preset(self, name: str) -> None:
        self.doc.load_preset(name)
        self.statusBar().showMessage(f"Preset: {self.doc.surface.title}", 5000)

    def load_default_preset(self) -> None:
        self.load_preset(default_preset_name())

    def apply_expression(self, text: str) -> bool:
        return self.surfaces.apply_expression(text)

    def set_point(self, x: float, y: float) -> None:
        """Move the point without recording an edit (headless export, tests)."""
        if math.isfinite(x) and math.isfinite(y):
            self.doc.update(point=(float(x), float(y)))

    def move_point(self, x: float, y: float) -> None:
        self.surfaces.move_point(x, y)

    def set_resolution(self, resolution: int) -> None:
        self.surfaces.set_resolution(resolution)

    def set_log_height(self, enabled: bool) -> None:
        self.surfaces.set_log_height(enabled)

    def set_log_base(self, key: str) -> None:
        self.doc.update("Change the log base", log_base=key)

    def set_dataset(self, dataset: Dataset, source: str) -> None:
        self.logistic.set_dataset(dataset, source)

    def load_dataset_file(self, path: str) -> None:
        self.logistic.load_file(path)

    def export_dataset(self, path: str) -> bool:
        return self.logistic.export_dataset(path)

    def undo(self) -> bool:
        done = self.history.undo()
        self.statusBar().showMessage("Undone" if done else "Nothing to undo", 4000)
        return done

    def redo(self) -> bool:
        done = self.history.redo()
        self.statusBar().showMessage("Redone" if done else "Nothing to redo", 4000)
        return done

    # --- scenes ---------------------------------------------------------------------------------
    def sync_camera(self) -> None:
        self.camera.sync_camera()

    def close_up(self) -> None:
        self.camera.close_up()

    def current_scene(self) -> Scene:
        """Everything on screen as a Scene: the document, with the camera and open panels."""
        panels = tuple(n for n in raised_docks(self.docks) if n in PANELS)
        return replace(self.doc.snapshot(), camera=self.camera.view_camera(), panels=panels)

    def apply_scene(self, scene: Scene, record_undo: bool = True) -> None:
        self.doc.restore(scene, label="Apply a scene" if record_undo else None)

    def open_scene(self, path: str) -> bool:
        return self.files.open(path)

    def save_scene(self, path: str | None = None) -> bool:
        return self.files.save(path)

    def restore_last_scene(self) -> bool:
        return self.files.restore_last()

    def _show_panels(self) -> None:
        for name in self.doc.scene.panels:
            self.docks[name].show()
            self.docks[name].raise_()

    def _raise_tool_dock(self) -> None:
        dock = self.docks.get(TOOL_DOCK.get(self.doc.scene.tool, ""))
        if dock is not None and not self._raising_tool:
            self._raising_tool = True
            try:
                dock.show()
                dock.raise_()
            finally:
                self._raising_tool = False

    def _on_dock_shown(self, name: str, visible: bool) -> None:
        """Raising a tool's tab makes it the active tool: its construction is drawn."""
        if visible and not self._raising_tool and self.isVisible():
            self.doc.set_tool(DOCK_BY_NAME[name].tool)

    def _show_title(self) -> None:
        name = Path(self.files.path).name if self.files.path else "untitled"
        self.setWindowTitle(f"{name}[*] — {TITLE}")  # Qt writes * at [*] while modified
        self.setWindowModified(self.history.is_modified())

    def set_theme(self, name: str) -> None:
        """View → Theme: light, dark or the desktop's; remembered for the next launch."""
        self.theme_name = name
        chosen = apply_look(self, name)
        if self._settings is not None:
            self._settings.setValue("theme", name)
        self.statusBar().showMessage(f"Theme: {name} ({chosen.name})", 4000)

    def show_sweep(self) -> None:
        """View → Learning-rate sweep: bring the Sweep dock forward, its Run button focused."""
        self.docks["sweep"].show()
        self.docks["sweep"].raise_()
        self.sweep_panel.run_button.setFocus()

    # --- lessons --------------------------------------------------------------------------------
    def open_default_lesson(self) -> None:
        self.lessons.open_default()

    def open_lesson(self, path: str) -> bool:
        return self.lessons.open_file(path)

    def show_lesson(self, lesson) -> None:
        self.lessons.show_lesson(lesson)

    def toggle_presenter_mode(self) -> None:
        self.lessons.toggle_presenter_mode()

    def is_presenting(self) -> bool:
        return self.lessons.presenting

    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:
        if not self.lessons.handle_key(event.key()):
            super().keyPressEvent(event)

    # --- descent (the controller does it; these are the names menus and tests use) ---
    def add_run(self) -> int | None:
        return self.descent.add_run_from_point()

    def toggle_play(self) -> None:
        self.descent.toggle_play()

    def step_once(self) -> None:
        self.descent.step_from_point()

    def on_right_key(self) -> None:
        """→ takes a descent step; in presenter mode it goes to the next lesson step."""
        if self.is_presenting():
            self.lesson_panel.next()
        else:
            self.step_once()

    def scatter_starts(self) -> bool:
        """Run → Scatter starts: the Many starts panel's K, layout and seed, computed off the
        GUI thread; False (the panel says why) when a setting is bad."""
        self.docks["starts"].show()
        self.docks["starts"].raise_()
        return self.starts.scatter_starts()

    def export_dialog(self) -> None:
        """File → Export…: choose, check the destination, then export with progress and cancel."""
        from gdviz.ui.export_runner import export_with_dialog

        export_with_dialog(self)

    def export(self, spec, request) -> object | None:
        """Write the frames of request to spec's file; returns the ExportResult or None."""
        from gdviz.ui.export_runner import run_export

        return run_export(self, spec, request)

    def picture(self) -> QtGui.QPixmap:
        """The window as it looks, the 3D view included (for screenshots and tests)."""
        from gdviz.ui.window_picture import window_picture

        return window_picture(self, self.view)

    def copy_view_to_clipboard(self) -> QtGui.QImage:
        """The 3D view at the export size, with its text, on the clipboard (Ctrl+Shift+C)."""
        from gdviz.ui.export_runner import copy_view

        return copy_view(self)

    # --- export and the clipboard -----------------------------------------------------------------
    # --- files dropped, imported, exported --------------------------------------------------------
    def dragEnterEvent(self, event: QtGui.QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QtGui.QDropEvent) -> None:
        for url in event.mimeData().urls():
            if url.isLocalFile():
                path = url.toLocalFile()
                if path.lower().endswith(".json"):
                    self.open_scene(path)
                else:
                    self.load_dataset_file(path)
                event.acceptProposedAction()
                return

    # --- help, settings, closing ------------------------------------------------------------------
    def showEvent(self, event: QtGui.QShowEvent) -> None:
        super().showEvent(event)
        if not self._laid_out:
            self._laid_out = True
            if not self._layout_restored:
                size_for_teaching(self, self.docks)
        QtCore.QTimer.singleShot(0, lambda: hide_orphan_tab_bars(self, self.docks))

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        if self.exporting:
            # Mid-export: cancel it (its temporary file is removed), then close.
            self.close_after_export = True
            event.ignore()
            return
        # A stop signal (Ctrl+C in the terminal) does not ask: the scene is kept as the last one.
        if not self.stopping_on_signal and not self.files.confirm_discard("closing"):
            event.ignore()
            return
        self.files.keep_last()
        keep_window_state(self, self._settings)
        self.descent.stop()
        self.starts.stop()
        self.surfaces.stop()
        self.logistic.stop()
        self.camera.stop()
        self.sweeps.stop()
        super().closeEvent(event)
