"""The main window: the 3D surface in the centre, the function and point panels docked beside it."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from gdviz import __version__
from gdviz.core.calculus import point_report
from gdviz.core.datasets import separability, write_dataset_csv
from gdviz.core.expression import ExpressionError, parse_expression
from gdviz.core.grid import (
    SampledGrid,
    SamplingCancelled,
    can_use_log_height,
    display_height,
    sample_surface,
    with_height_scale,
)
from gdviz.core.logistic import LOG_BASES, Dataset, DatasetError, load_dataset_csv
from gdviz.core.presets import Preset, all_presets, default_preset_name, get_preset
from gdviz.core.surfaces import ExpressionSurface, LogisticLossSurface, Surface
from gdviz.core.window import Window
from gdviz.render.contour_view import ContourView
from gdviz.render.view3d import SurfaceView
from gdviz.ui.descent_controller import DescentController
from gdviz.ui.lesson_controller import LessonController
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
from gdviz.ui.panels.step_panel import StepPanel
from gdviz.workers.job_worker import JobCancelled, JobWorker

log = logging.getLogger(__name__)

DEFAULT_RESOLUTION = 200
PREVIEW_RESOLUTION = 100
GRADIENT_FIELD_SIZE = 15
UNDO_DEPTH = 30
RECENT_SCENES = 8
PRESENTER_FONT_SCALE = 1.4
LARGE_DATASET = 20_000  # loss surfaces over more examples get a quick coarse preview first
LARGE_DATASET_PREVIEW = 40
CLOSE_UP_ELEVATION, CLOSE_UP_AZIMUTH, CLOSE_UP_DISTANCE = 45.0, -110.0, 1.3

SHORTCUTS = (
    ("Click the surface", "Set the start point (in the 3D or the top view)"),
    ("Shift+click", "Add another run from that point"),
    ("Space", "Play / pause the runs"),
    ("→", "One step of every run"),
    ("R", "Reset: remove every run"),
    ("Enter (in the expression field)", "Apply the typed function"),
    ("Home", "Reset the camera"),
    ("Ctrl+T", "Look straight down (top view)"),
    ("Ctrl+F", "Close-up of the point (for the Δ and direction constructions)"),
    ("Ctrl+L", "Toggle log-scaled height"),
    ("Ctrl+E", "Export an animation (MP4, GIF, WebM, PNG frames) or a still"),
    ("Ctrl+Shift+C", "Copy the 3D view to the clipboard at the export size"),
    ("Ctrl+O / Ctrl+S / Ctrl+Shift+S", "Open, save, save as a scene (a .json file)"),
    ("Ctrl+Z", "Undo the last scene edit (function, dataset, point)"),
    ("Ctrl+Shift+L", "The lecture, step by step (the Lesson sidebar)"),
    ("PageDown / PageUp", "Next / previous lesson step (← → too in presenter mode)"),
    ("F11", "Presenter mode: full screen, larger text, the lesson's panels"),
    ("Ctrl+Q", "Quit"),
    ("Mouse drag / wheel", "Orbit / zoom the 3D view"),
)


@dataclass(frozen=True)
class LoadedDataset:
    """What a background CSV load hands back: the dataset, or the error that refused the file."""

    path: str
    dataset: Dataset | None
    error: Exception | None


def load_dataset_file(path: str) -> LoadedDataset:
    """Read a CSV of x,y rows; a bad file comes back as its error, never raised."""
    try:
        return LoadedDataset(path, load_dataset_csv(path), None)
    except (DatasetError, OSError, ValueError, UnicodeDecodeError) as err:
        return LoadedDataset(path, None, err)


@dataclass(frozen=True)
class GridResult:
    """What a background sampling job hands back to the GUI thread."""

    grid: SampledGrid
    seconds: float
    note: str = ""


def sample_for_display(
    surface: Surface,
    window: Window,
    resolution: int,
    log_height: bool,
    keep_going: Callable[[], bool] | None = None,
) -> GridResult:
    """Sample a surface for drawing; falls back to a linear height when log10 cannot apply."""
    start = time.perf_counter()
    note = ""
    try:
        grid = sample_surface(surface, window, resolution, "linear", keep_going)
    except SamplingCancelled:
        raise JobCancelled from None
    if log_height:
        if can_use_log_height(grid.z):
            grid = with_height_scale(grid, "log10")
        else:
            note = "Log-scaled height needs positive values here; showing linear height."
    return GridResult(grid, time.perf_counter() - start, note)


class MainWindow(QtWidgets.QMainWindow):
    """gdviz's window: owns the current surface, point and view settings."""

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
        self._undo: list = []
        self._applying_scene = False
        self._scene_path: str | None = None
        self.setWindowTitle("gdviz — gradient descent, visible")
        self.resize(1440, 900)

        self._presets: tuple[Preset, ...] = all_presets()
        self._preset_name: str | None = None
        self._expression_text: str | None = None
        self._surface: Surface | None = None
        self._window: Window | None = None
        self._resolution = DEFAULT_RESOLUTION
        self._log_height = False
        self._log_base_key = "e"
        self._point = (0.0, 0.0)
        self._grid: SampledGrid | None = None
        self._pending_full_job: int | None = None

        self.view = SurfaceView()
        self.view.setObjectName("surfaceView")
        self.setCentralWidget(self.view)

        self.function_panel = FunctionPanel(self._presets)
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
        left, right, bottom = (
            QtCore.Qt.LeftDockWidgetArea,
            QtCore.Qt.RightDockWidgetArea,
            QtCore.Qt.BottomDockWidgetArea,
        )
        function_dock = self._add_dock("Function", self.function_panel, left)
        self.lesson_dock = self._add_dock("Lesson", self.lesson_panel, None)
        self.tabifyDockWidget(function_dock, self.lesson_dock)
        self.lesson_dock.hide()  # shown when a lesson is opened
        for title, panel in (("Descent", self.descent_panel), ("Data", self.dataset_panel)):
            self.tabifyDockWidget(function_dock, self._add_dock(title, panel, None))
        function_dock.raise_()
        self._add_dock("Point", self.point_panel, right)
        lesson_docks = [
            self._add_dock(title, panel, right if title == "Step" else None)
            for title, panel in (
                ("Step", self.step_panel),
                ("Likelihood", self.likelihood_panel),
                ("Δx, Δy", self.partials_panel),
                ("Direction", self.direction_panel),
                ("Limits", self.limits_panel),
                ("g′(x)", self.derivative_panel),
            )
        ]
        for dock in lesson_docks[1:]:
            self.tabifyDockWidget(lesson_docks[0], dock)
        lesson_docks[0].raise_()
        contour_dock = self._add_dock("Top view", self.contour_view, bottom, scroll=False)
        loss_dock = self._add_dock("Loss", self.loss_plot, bottom, scroll=False)
        self.splitDockWidget(contour_dock, loss_dock, QtCore.Qt.Horizontal)
        data_dock = self._add_dock("Data plot", self.data_plot, None, scroll=False)
        self.tabifyDockWidget(contour_dock, data_dock)
        contour_dock.raise_()
        self.resizeDocks([contour_dock], [280], QtCore.Qt.Vertical)

        self.descent = DescentController(
            self.view, self.contour_view, self.loss_plot, self.descent_panel, self.step_panel, self
        )
        self.descent.status_message.connect(self.statusBar().showMessage)
        self.lesson = LessonController(
            self.view, self.partials_panel, self.direction_panel, self.limits_panel, self
        )
        self.partials_panel.close_up_requested.connect(self.close_up)
        self.direction_panel.close_up_requested.connect(self.close_up)
        self.descent_panel.add_run_requested.connect(self.add_run)
        self.descent_panel.play_toggled.connect(self._on_play_toggled)
        self.descent_panel.step_requested.connect(self.step_once)
        self.descent_panel.gradient_field_toggled.connect(self._show_gradient_field)
        self.view.surface_clicked.connect(self._on_surface_clicked)
        self.descent.focus_step_shown.connect(self._on_focus_step)
        self.dataset_panel.dataset_edited.connect(
            lambda dataset: self.set_dataset(dataset, "edited")
        )
        self.dataset_panel.lecture_requested.connect(
            lambda: self.load_preset(default_preset_name())
        )
        self.dataset_panel.import_requested.connect(self._import_dataset)
        self.dataset_panel.export_requested.connect(self._export_dataset)
        self.setAcceptDrops(True)
        self.lesson_panel.step_chosen.connect(self.show_lesson_step)
        self.contour_view.plane_clicked.connect(self._on_surface_clicked)

        self.function_panel.preset_chosen.connect(self.load_preset)
        self.function_panel.expression_entered.connect(self.apply_expression)
        self.function_panel.window_edited.connect(self._on_window_edited)
        self.function_panel.resolution_edited.connect(self.set_resolution)
        self.function_panel.log_height_toggled.connect(self.set_log_height)
        self.function_panel.log_base_chosen.connect(self.set_log_base)
        self.point_panel.point_edited.connect(self.move_point)

        self.jobs = JobWorker(self)
        self.jobs.job_computed.connect(self._on_grid_computed)
        self.jobs.job_failed.connect(self._on_grid_failed)
        self.loader = JobWorker(self)
        self.loader.job_computed.connect(self._on_dataset_loaded)
        self._export_size = (1920, 1080)
        self._export_folder = str(Path.home())
        self._dataset = Dataset.lecture()
        self._dataset_source = "the lecture's 8 examples"
        self._separability = separability(self._dataset)

        self._build_menus()
        self.statusBar().showMessage("Ready")

        if function:
            self.load_preset(default_preset_name(), request_grid=False)
            if not self.apply_expression(function):
                self._request_grid()
        else:
            self.load_preset(preset or default_preset_name())
        self._undo.clear()  # the opening scene is not an edit
        self._restore_settings()

    # --- construction --------------------------------------------------------------------
    def _add_dock(
        self, title: str, widget: QtWidgets.QWidget, area, scroll: bool = True
    ) -> QtWidgets.QDockWidget:
        dock = QtWidgets.QDockWidget(title, self)
        dock.setObjectName(
            "".join(ch for ch in title.lower() if ch.isascii() and ch.isalnum()) + "Dock"
        )
        if scroll:
            holder = QtWidgets.QScrollArea()
            holder.setWidget(widget)
            holder.setWidgetResizable(True)
            holder.setFrameShape(QtWidgets.QFrame.NoFrame)
            dock.setWidget(holder)
            dock.setMinimumWidth(320)
        else:
            dock.setWidget(widget)
        if area is not None:  # docks tabified onto another are placed by tabifyDockWidget
            self.addDockWidget(area, dock)
        return dock

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        open_scene = file_menu.addAction("&Open scene…", self._open_scene_dialog)
        open_scene.setShortcut(QtGui.QKeySequence.Open)
        save = file_menu.addAction("&Save scene", self.save_scene)
        save.setShortcut(QtGui.QKeySequence.Save)
        save_as = file_menu.addAction("Save scene &as…", self._save_scene_as_dialog)
        save_as.setShortcut(QtGui.QKeySequence("Ctrl+Shift+S"))
        self.recent_menu = file_menu.addMenu("&Recent scenes")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        lecture = file_menu.addAction("The &lecture, step by step", self.open_default_lesson)
        lecture.setShortcut(QtGui.QKeySequence("Ctrl+Shift+L"))
        file_menu.addAction("Open a lesson &file…", self._open_lesson_dialog)
        file_menu.addSeparator()
        export = file_menu.addAction("&Export animation or picture…", self.export_dialog)
        export.setShortcut(QtGui.QKeySequence("Ctrl+E"))
        file_menu.addSeparator()
        quit_action = file_menu.addAction("&Quit", self.close)
        edit_menu = menu.addMenu("&Edit")
        undo = edit_menu.addAction("&Undo the last scene edit", self.undo)
        undo.setShortcut(QtGui.QKeySequence.Undo)
        copy = edit_menu.addAction("&Copy view as picture", self.copy_view_to_clipboard)
        copy.setShortcut(QtGui.QKeySequence("Ctrl+Shift+C"))
        quit_action.setShortcut(QtGui.QKeySequence.Quit)

        view_menu = menu.addMenu("&View")
        reset = view_menu.addAction("&Reset camera", self.view.reset_camera)
        reset.setShortcut(QtGui.QKeySequence(QtCore.Qt.Key_Home))
        top = view_menu.addAction("&Top view", self.view.top_view)
        top.setShortcut(QtGui.QKeySequence("Ctrl+T"))
        close_up = view_menu.addAction("&Close-up of the point", self.close_up)
        close_up.setShortcut(QtGui.QKeySequence("Ctrl+F"))
        close_up.setToolTip("Zoom the 3D view in on the point, to read a construction")
        self.log_height_action = view_menu.addAction("&Log-scaled height")
        self.log_height_action.setCheckable(True)
        self.log_height_action.setShortcut(QtGui.QKeySequence("Ctrl+L"))
        self.log_height_action.toggled.connect(self.set_log_height)
        presenter = view_menu.addAction("&Presenter mode", self.toggle_presenter_mode)
        presenter.setShortcut(QtGui.QKeySequence(QtCore.Qt.Key_F11))
        next_step = view_menu.addAction("&Next lesson step", self.lesson_panel.next)
        next_step.setShortcut(QtGui.QKeySequence(QtCore.Qt.Key_PageDown))
        previous_step = view_menu.addAction("P&revious lesson step", self.lesson_panel.previous)
        previous_step.setShortcut(QtGui.QKeySequence(QtCore.Qt.Key_PageUp))
        view_menu.addSeparator()
        for dock in self.findChildren(QtWidgets.QDockWidget):
            view_menu.addAction(dock.toggleViewAction())

        run_menu = menu.addMenu("&Run")
        self.play_action = run_menu.addAction("&Play / pause", self.toggle_play)
        self.play_action.setShortcut(QtGui.QKeySequence(QtCore.Qt.Key_Space))
        step = run_menu.addAction("&Step", self._on_right_key)
        step.setShortcut(QtGui.QKeySequence(QtCore.Qt.Key_Right))
        reset_runs = run_menu.addAction("&Reset runs", self.descent.reset)
        reset_runs.setShortcut(QtGui.QKeySequence(QtCore.Qt.Key_R))
        run_menu.addAction("&Add run from the point", self.add_run)

        help_menu = menu.addMenu("&Help")
        help_menu.addAction("&Keyboard shortcuts", self._show_shortcuts)
        help_menu.addAction("&About gdviz", self._show_about)

    # --- what the user can change ----------------------------------------------------------
    @property
    def surface(self) -> Surface | None:
        return self._surface

    @property
    def grid(self) -> SampledGrid | None:
        return self._grid

    def grid_is_final(self) -> bool:
        """Whether the grid on screen is the full-resolution one asked for (not a preview)."""
        return self._grid is not None and len(self._grid.xs) == self._resolution

    @property
    def point(self) -> tuple[float, float]:
        return self._point

    @QtCore.Slot(str)
    def load_preset(self, name: str, request_grid: bool = True) -> None:
        preset = get_preset(name)
        self._record_undo()
        self._load_preset_surface(preset)
        surface = preset.surface(LOG_BASES[self._log_base_key])
        self._preset_name = preset.name
        self._expression_text = preset.expression
        self._log_height = preset.height_scale == "log10"
        self._install_surface(surface, preset.window, preset.start, request_grid)
        self.statusBar().showMessage(f"Preset: {preset.title}", 5000)

    def _load_preset_surface(self, preset: Preset) -> None:
        """What a preset sets besides its surface: its learning rate, the lecture's dataset."""
        self.descent_panel.lr_box.setValue(preset.lr)
        if preset.kind == "logistic":
            self._adopt_dataset(Dataset.lecture(), "the lecture's 8 examples")

    def _adopt_dataset(self, dataset: Dataset, source: str) -> None:
        self._dataset, self._dataset_source = dataset, source
        self._separability = separability(dataset)
        self._show_dataset()

    @QtCore.Slot(str)
    def apply_expression(self, text: str) -> bool:
        """Replace the surface with f(x, y) = text; bad text shows its error, keeps the surface."""
        try:
            expression = parse_expression(text, ("x", "y"))
        except ExpressionError as err:
            self.function_panel.show_error(str(err))
            self.statusBar().showMessage(f"Expression not applied: {err}", 8000)
            return False
        window = self._window if isinstance(self._surface, ExpressionSurface) else None
        window = window or Window(-3.0, 3.0, -3.0, 3.0)
        surface = ExpressionSurface(expression, window)
        self._record_undo()
        self._preset_name = None
        self._expression_text = text
        self._log_height = False
        x, y = self._point if window.contains(*self._point) else window.center
        self._install_surface(surface, window, (x, y), True)
        self.statusBar().showMessage(f"f(x, y) = {expression.formula}", 5000)
        return True

    def set_window(self, window: Window) -> None:
        self._window = window
        self._show_source()
        self._request_grid()

    @QtCore.Slot(float, float, float, float)
    def _on_window_edited(self, x_min: float, x_max: float, y_min: float, y_max: float) -> None:
        try:
            window = Window(x_min, x_max, y_min, y_max)
        except ValueError as err:
            self.function_panel.show_error(str(err))
            self._show_source(keep_error=True)
            return
        if window != self._window:
            self.set_window(window)

    @QtCore.Slot(int)
    def set_resolution(self, resolution: int) -> None:
        resolution = max(50, min(800, int(resolution)))
        self.function_panel.show_resolution(resolution)
        if resolution != self._resolution:
            self._resolution = resolution
            self._request_grid()

    @QtCore.Slot(bool)
    def set_log_height(self, enabled: bool) -> None:
        if enabled != self._log_height:
            self._log_height = enabled
            self._show_source()
            self._request_grid()

    @QtCore.Slot(str)
    def set_log_base(self, key: str) -> None:
        if key not in LOG_BASES or key == self._log_base_key:
            return
        self._log_base_key = key
        if isinstance(self._surface, LogisticLossSurface):
            surface = LogisticLossSurface(
                self._surface.dataset, self._surface.default_window, LOG_BASES[key]
            )
            self._install_surface(surface, self._window, self._point, True)

    @QtCore.Slot(float, float)
    def set_point(self, x: float, y: float) -> None:
        if not (math.isfinite(x) and math.isfinite(y)):
            return
        self._point = (float(x), float(y))
        self._show_point()

    @QtCore.Slot(float, float)
    def move_point(self, x: float, y: float) -> None:
        """The user moved the point (typed or clicked): an edit that Ctrl+Z undoes."""
        if (float(x), float(y)) != self._point:
            self._record_undo()
        self.set_point(x, y)

    def close_up(self) -> None:
        """Look closely at the current point (the Δ and direction constructions are small)."""
        x, y = self._point
        value = float(self._surface.value(x, y))
        if self._grid is None or not math.isfinite(value):
            return
        self.view.set_camera(
            CLOSE_UP_ELEVATION, CLOSE_UP_AZIMUTH, CLOSE_UP_DISTANCE,
            center=(x, y, display_height(self._grid, value)),
        )  # fmt: skip

    def load_default_preset(self) -> None:
        self.load_preset(default_preset_name())

    # --- scenes, undo, lessons -------------------------------------------------------------
    def current_scene(self):
        from gdviz.ui.scene_bridge import capture_scene

        return capture_scene(self)

    def apply_scene(self, scene, record_undo: bool = True) -> None:
        """Show a Scene; the previous state can be had back with Ctrl+Z."""
        from gdviz.ui.scene_bridge import apply_scene

        if record_undo:
            self._record_undo()
        self._applying_scene = True
        try:
            apply_scene(self, scene)
        finally:
            self._applying_scene = False

    def set_camera_when_drawn(self, camera) -> None:
        """Aim the 3D view once the surface being computed is drawn (its box sets the scale)."""
        self._pending_camera = camera
        if self.grid_is_final():
            self._apply_pending_camera()

    def _apply_pending_camera(self) -> None:
        camera, self._pending_camera = getattr(self, "_pending_camera", None), None
        if camera is not None:
            self.view.set_camera(camera.elevation, camera.azimuth, camera.distance, camera.center)

    def _record_undo(self) -> None:
        if self._applying_scene or self._surface is None:
            return
        self._undo.append(self.current_scene())
        del self._undo[:-UNDO_DEPTH]

    def undo(self) -> bool:
        """Back to the scene before the last edit (function, dataset, point, preset)."""
        if not self._undo:
            self.statusBar().showMessage("Nothing to undo", 4000)
            return False
        self.apply_scene(self._undo.pop(), record_undo=False)
        self.statusBar().showMessage("Undone", 4000)
        return True

    def open_scene(self, path: str) -> bool:
        """Load a scene file; a bad file is explained and the current scene stays."""
        from gdviz.core.scene import SceneError, load_scene

        try:
            scene = load_scene(path)
        except (SceneError, OSError) as err:
            QtWidgets.QMessageBox.warning(self, "Cannot open the scene", str(err))
            self.statusBar().showMessage(f"Scene not opened: {err}", 10000)
            return False
        self.apply_scene(scene)
        self._scene_path = path
        self._remember_recent(path)
        self.statusBar().showMessage(f"Opened {path}", 6000)
        return True

    def save_scene(self, path: str | None = None) -> bool:
        from gdviz.core.scene import save_scene

        path = path or self._scene_path
        if path is None:
            return self._save_scene_as_dialog()
        try:
            save_scene(self.current_scene(), path)
        except (OSError, ValueError) as err:
            QtWidgets.QMessageBox.warning(self, "Cannot save the scene", str(err))
            return False
        self._scene_path = path
        self._remember_recent(path)
        self.statusBar().showMessage(f"Saved {path}", 6000)
        return True

    def _open_scene_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(
            self, "Open a scene", "", "gdviz scenes (*.json);;All files (*)"
        )
        if path:
            self.open_scene(path)

    def _save_scene_as_dialog(self) -> bool:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self, "Save the scene", self._scene_path or "scene.json", "gdviz scenes (*.json)"
        )
        return self.save_scene(path) if path else False

    def _remember_recent(self, path: str) -> None:
        if self._settings is None:
            return
        recent = [p for p in (self._settings.value("recent_scenes") or []) if p != path]
        self._settings.setValue("recent_scenes", [path, *recent][:RECENT_SCENES])

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = list(self._settings.value("recent_scenes") or []) if self._settings else []
        for path in recent:
            self.recent_menu.addAction(path, lambda p=path: self.open_scene(p))
        if not recent:
            self.recent_menu.addAction("(none yet)").setEnabled(False)

    def open_default_lesson(self) -> None:
        from gdviz.core.lesson import default_lesson

        self.show_lesson(default_lesson())

    def open_lesson(self, path: str) -> bool:
        from gdviz.core.lesson import load_lesson
        from gdviz.core.scene import SceneError

        try:
            lesson = load_lesson(path)
        except (SceneError, OSError, ValueError) as err:
            QtWidgets.QMessageBox.warning(self, "Cannot open the lesson", str(err))
            return False
        self.show_lesson(lesson)
        return True

    def _open_lesson_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(
            self, "Open a lesson", "", "gdviz lessons (*.json);;All files (*)"
        )
        if path:
            self.open_lesson(path)

    def show_lesson(self, lesson) -> None:
        self.lesson_panel.show_lesson(lesson)
        self.lesson_dock.show()
        self.lesson_dock.raise_()
        self.lesson_panel.select(0)

    @QtCore.Slot(int)
    def show_lesson_step(self, index: int) -> None:
        lesson = self.lesson_panel.lesson
        if lesson is None:
            return
        step = lesson.steps[index]
        self.apply_scene(step.scene)
        if getattr(self, "_presenter", False):
            self._show_only_lesson_panels()
        self.lesson_dock.raise_()
        self.statusBar().showMessage(f"Lesson step {index + 1}: {step.title}", 6000)

    def toggle_presenter_mode(self) -> None:
        """Full screen with larger text and the lesson's sidebar; F11 again to leave."""
        app = QtWidgets.QApplication.instance()
        font = app.font()
        if getattr(self, "_presenter", False):
            self.showNormal()
            font.setPointSizeF(font.pointSizeF() / PRESENTER_FONT_SCALE)
            self._presenter = False
            for dock in self.findChildren(QtWidgets.QDockWidget):
                dock.setVisible(dock in self._docks_before_presenting)
        else:
            self._docks_before_presenting = [
                d for d in self.findChildren(QtWidgets.QDockWidget) if d.isVisible()
            ]
            self.showFullScreen()
            font.setPointSizeF(font.pointSizeF() * PRESENTER_FONT_SCALE)
            self._presenter = True
            if self.lesson_panel.lesson is None:
                self.open_default_lesson()
            self._show_only_lesson_panels()
        app.setFont(font)

    def is_presenting(self) -> bool:
        return getattr(self, "_presenter", False)

    def _show_only_lesson_panels(self) -> None:
        """Presenter mode: the lesson sidebar and the panels the current step names, no more."""
        from gdviz.ui.scene_bridge import PANEL_DOCKS

        lesson = self.lesson_panel.lesson
        index = self.lesson_panel.current_index()
        names = lesson.steps[index].scene.panels if lesson and index >= 0 else ()
        wanted = {PANEL_DOCKS[n] for n in names if n in PANEL_DOCKS} | {"lessonDock"}
        for dock in self.findChildren(QtWidgets.QDockWidget):
            dock.setVisible(dock.objectName() in wanted)

    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if getattr(self, "_presenter", False) and event.key() in (
            QtCore.Qt.Key_Left, QtCore.Qt.Key_Right
        ):  # fmt: skip
            if event.key() == QtCore.Qt.Key_Right:
                self.lesson_panel.next()
            else:
                self.lesson_panel.previous()
            return
        super().keyPressEvent(event)

    def _restore_settings(self) -> None:
        if self._settings is None:
            return
        geometry = self._settings.value("geometry")
        state = self._settings.value("window_state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)
        size = self._settings.value("export_size")
        if size:
            self._export_size = (int(size[0]), int(size[1]))
        self._export_folder = str(self._settings.value("export_folder") or self._export_folder)

    def last_scene_path(self) -> Path:
        """Where the scene on screen is kept when the window closes, to come back next time."""
        folder = QtCore.QStandardPaths.writableLocation(QtCore.QStandardPaths.AppDataLocation)
        return Path(folder) / "last-scene.json"

    def restore_last_scene(self) -> bool:
        """Reopen the scene the window showed when it last closed (quietly: it is a nicety)."""
        from gdviz.core.scene import SceneError, load_scene

        path = self.last_scene_path()
        if not path.exists():
            return False
        try:
            self.apply_scene(load_scene(path), record_undo=False)
        except (SceneError, OSError, ValueError) as err:
            log.warning("last scene %s not restored: %s", path, err)
            return False
        return True

    def _save_settings(self) -> None:
        if self._settings is None:
            return
        from gdviz.core.scene import save_scene

        try:
            self.last_scene_path().parent.mkdir(parents=True, exist_ok=True)
            save_scene(self.current_scene(), self.last_scene_path())
        except (OSError, ValueError) as err:
            log.warning("last scene not kept: %s", err)
        self._settings.setValue("geometry", self.saveGeometry())
        self._settings.setValue("window_state", self.saveState())
        self._settings.setValue("export_size", list(self._export_size))
        self._settings.setValue("export_folder", self._export_folder)
        if self._scene_path:
            self._settings.setValue("last_scene", self._scene_path)

    # --- export ---------------------------------------------------------------------------
    def export_dialog(self) -> None:
        """File → Export…: choose, check the destination, then export with progress and cancel."""
        from gdviz.ui.export_dialog import ExportDialog

        dialog = ExportDialog(self, self._export_folder)
        if dialog.exec() != QtWidgets.QDialog.Accepted:
            return
        self._export_size = (dialog.spec.width, dialog.spec.height)
        self._export_folder = str(dialog.spec.path.parent)
        self.export(dialog.spec, dialog.request)

    def export(self, spec, request) -> object | None:
        """Write the frames of request to spec's file; returns the ExportResult or None."""
        from gdviz.export.spec import ExportError, check_destination
        from gdviz.export.writers import ExportCancelled, export_frames
        from gdviz.ui.exporter import render_frames

        try:
            check_destination(spec)
        except ExportError as err:
            QtWidgets.QMessageBox.warning(self, "Cannot export", str(err))
            return None
        progress = QtWidgets.QProgressDialog(
            f"Exporting {spec.path.name}…", "Cancel", 0, spec.frames, self
        )
        progress.setWindowModality(QtCore.Qt.WindowModal)
        progress.setMinimumDuration(300)

        def report(done: int, total: int) -> None:
            progress.setValue(done)
            QtWidgets.QApplication.processEvents()

        self._exporting, self._close_after_export = True, False
        try:
            result = export_frames(
                spec, render_frames(self, request), progress=report,
                keep_going=lambda: not (progress.wasCanceled() or self._close_after_export),
            )  # fmt: skip
        except ExportCancelled:
            self.statusBar().showMessage("Export cancelled: nothing was written", 8000)
            return None
        except (ExportError, OSError, RuntimeError) as err:
            QtWidgets.QMessageBox.warning(self, "Export failed", f"{err}\n\nNothing was written.")
            return None
        finally:
            self._exporting = False
            progress.close()
            if self._close_after_export:  # the window was closed during the export
                QtCore.QTimer.singleShot(0, self.close)
        self._export_done(result)
        return result

    def _export_done(self, result) -> None:
        size = result.bytes / 1e6
        text = f"Saved {result.path}\n{result.frames} frames, {size:.1f} MB"
        self.statusBar().showMessage(text.replace("\n", " — "), 15000)
        box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Information, "Export finished", text)
        box.setParent(self, QtCore.Qt.Dialog)
        show = box.addButton("Show in folder", QtWidgets.QMessageBox.ActionRole)
        box.addButton(QtWidgets.QMessageBox.Ok)
        box.setModal(True)
        box.open()
        folder = str(Path(result.path).parent)
        show.clicked.connect(
            lambda: QtGui.QDesktopServices.openUrl(QtCore.QUrl.fromLocalFile(folder))
        )

    def copy_view_to_clipboard(self) -> QtGui.QImage:
        """The 3D view at the export size, with its text, on the clipboard (Ctrl+Shift+C)."""
        from gdviz.render.capture import FrameCapture

        width, height = self._export_size
        with FrameCapture(self.view, width, height, "dark" if self.view.dark else "light") as cap:
            frame = np.ascontiguousarray(cap.frame())
        image = QtGui.QImage(frame.data, width, height, 4 * width, QtGui.QImage.Format_RGBA8888)
        image = image.copy()
        QtWidgets.QApplication.clipboard().setImage(image)
        self.statusBar().showMessage(f"Copied the view ({width} × {height}) to the clipboard", 5000)
        return image

    # --- the dataset of the loss surface ---------------------------------------------------
    @property
    def dataset(self) -> Dataset:
        return self._dataset

    def set_dataset(self, dataset: Dataset, source: str) -> None:
        """Show the log loss of a new dataset (the window and point stay, runs are removed)."""
        self._record_undo()
        self._adopt_dataset(dataset, source)
        window = self._window if isinstance(self._surface, LogisticLossSurface) else None
        window = window or get_preset(default_preset_name()).window
        surface = LogisticLossSurface(dataset, window, LOG_BASES[self._log_base_key])
        self._preset_name, self._expression_text = None, None
        x, y = self._point if window.contains(*self._point) else window.center
        self._install_surface(surface, window, (x, y), True)
        self.statusBar().showMessage(f"Dataset: {len(dataset):,} examples ({source})", 8000)

    def _show_dataset(self) -> None:
        self.dataset_panel.show_dataset(
            self._dataset, self._dataset_source, self._separability.message
        )
        self.data_plot.show_dataset(self._dataset)

    def load_dataset_file(self, path: str) -> None:
        """Read a CSV off the GUI thread; a bad file is reported and the current data stays."""
        self.statusBar().showMessage(f"Reading {path}…")
        self.loader.submit(lambda: load_dataset_file(path))

    @QtCore.Slot(int, object)
    def _on_dataset_loaded(self, _job_id: int, result: LoadedDataset) -> None:
        name = Path(result.path).name
        if result.error is not None:
            self.dataset_panel.show_dataset_error(result.error, name)
            self._raise_dock("dataDock")
            self.statusBar().showMessage(f"{name} was not loaded: {result.error}", 15000)
            return
        self.set_dataset(result.dataset, name)

    def _import_dataset(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(
            self, "Import a dataset", "", "CSV files (*.csv);;All files (*)"
        )
        if path:
            self.load_dataset_file(path)

    def _export_dataset(self) -> None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self, "Export the dataset", "dataset.csv", "CSV files (*.csv)"
        )
        if path:
            self.export_dataset(path)

    def export_dataset(self, path: str) -> bool:
        try:
            write_dataset_csv(self._dataset, path)
        except OSError as err:
            self.dataset_panel.show_error(str(err))
            return False
        self.statusBar().showMessage(f"Saved {len(self._dataset):,} examples to {path}", 8000)
        return True

    def _raise_dock(self, name: str) -> None:
        dock = self.findChild(QtWidgets.QDockWidget, name)
        if dock is not None:
            dock.raise_()

    def dragEnterEvent(self, event: QtGui.QDragEnterEvent) -> None:  # noqa: N802 (Qt override)
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QtGui.QDropEvent) -> None:  # noqa: N802 (Qt override)
        for url in event.mimeData().urls():
            if url.isLocalFile():
                path = url.toLocalFile()
                if path.lower().endswith(".json"):
                    self.open_scene(path)
                else:
                    self.load_dataset_file(path)
                event.acceptProposedAction()
                return

    def _show_model(self, w: float, b: float, where: str) -> None:
        """The likelihood table and the data plot for the model (w, b) of the loss surface."""
        if not isinstance(self._surface, LogisticLossSurface):
            return
        if not (math.isfinite(w) and math.isfinite(b)):
            return
        try:
            self.likelihood_panel.show_model(
                self._surface.dataset, w, b, LOG_BASES[self._log_base_key], where
            )
        except ValueError as err:  # z = w·x + b overflows for an extreme model
            self.likelihood_panel.model_label.setText(f"Model (w, b) = ({w:g}, {b:g}): {err}")
            return
        self.data_plot.show_model(w, b, self._separability.message)

    @QtCore.Slot(int, int, float, float)
    def _on_focus_step(self, run_id: int, k: int, w: float, b: float) -> None:
        self._show_model(w, b, f"step {k} of run {run_id}")

    # --- descent ---------------------------------------------------------------------------
    def add_run(self) -> int | None:
        """Another run from the current point with the Descent panel's settings."""
        run_id = self.descent.add_run(self._point)
        if run_id is not None and self.descent.playing:
            self.descent.set_playing(True)
        return run_id

    def toggle_play(self) -> None:
        self._on_play_toggled(not self.descent.playing)

    def _on_right_key(self) -> None:
        """→ takes a descent step; in presenter mode it goes to the next lesson step."""
        if self.is_presenting():
            self.lesson_panel.next()
        else:
            self.step_once()

    def step_once(self) -> None:
        self._ensure_run()
        self.descent.step_once()

    def _ensure_run(self) -> None:
        """Play and Step need a run: make one from the point if none is left to continue."""
        if not self.descent.has_unfinished_runs():
            self.descent.reset()
            self.descent.add_run(self._point)

    @QtCore.Slot(bool)
    def _on_play_toggled(self, playing: bool) -> None:
        if playing:
            self._ensure_run()
        self.descent.set_playing(playing and self.descent.has_unfinished_runs())

    @QtCore.Slot(float, float, bool)
    def _on_surface_clicked(self, x: float, y: float, shift: bool) -> None:
        """A click sets the start point (and clears the runs); Shift+click adds a run there."""
        if shift:
            self.move_point(x, y)
            self.add_run()
            return
        self.descent.reset()
        self.move_point(x, y)
        a, b, _ = self._surface.axis_names
        self.statusBar().showMessage(
            f"Start ({a}, {b}) = ({x:.4g}, {y:.4g}): press Space to descend", 8000
        )

    @QtCore.Slot(bool)
    def _show_gradient_field(self, visible: bool) -> None:
        if visible and self._grid is not None:
            w = self._window
            xs = np.linspace(w.x_min, w.x_max, GRADIENT_FIELD_SIZE)
            ys = np.linspace(w.y_min, w.y_max, GRADIENT_FIELD_SIZE)
            gx_grid, gy_grid = np.meshgrid(xs, ys, indexing="ij")
            gx, gy = self._surface.gradient(gx_grid, gy_grid)
            self.contour_view.set_gradient_field(xs, ys, np.asarray(gx), np.asarray(gy))
        self.contour_view.show_gradient_field(visible)

    # --- internals -----------------------------------------------------------------------
    def _install_surface(self, surface: Surface, window: Window, point, request_grid: bool):
        self._pending_camera = None
        self._surface = surface
        self._window = window
        self._point = (float(point[0]), float(point[1]))
        self._grid = None
        self.descent.set_surface(surface)
        self.lesson.set_surface(surface)
        self.point_panel.show_axes(surface.axis_names, surface.gradient_formulas())
        self._show_source()
        self._show_point()
        self.surface_changed.emit()
        if request_grid:
            self._request_grid()

    def _show_source(self, keep_error: bool = False) -> None:
        panel = self.function_panel
        is_loss = isinstance(self._surface, LogisticLossSurface)
        if not keep_error:
            panel.show_source(self._preset_name, self._expression_text, is_loss)
        panel.show_window(self._window.as_tuple(), self._surface.axis_names[:2])
        panel.show_resolution(self._resolution)
        panel.show_log_height(self._log_height)
        panel.show_log_base(self._log_base_key)
        with QtCore.QSignalBlocker(self.log_height_action):
            self.log_height_action.setChecked(self._log_height)

    def _request_grid(self) -> None:
        """Sample the surface off the GUI thread: a quick preview first when the grid is big."""
        surface, window, log_height = self._surface, self._window, self._log_height
        large = isinstance(surface, LogisticLossSurface) and len(surface.dataset) > LARGE_DATASET
        preview = LARGE_DATASET_PREVIEW if large else PREVIEW_RESOLUTION

        def job(resolution: int):
            return lambda keep_going: sample_for_display(
                surface, window, resolution, log_height, keep_going
            )

        if self._resolution > PREVIEW_RESOLUTION * 2 or large:
            self.jobs.submit(job(preview), cancellable=True)
            self._pending_full_job = self.jobs.submit(
                job(self._resolution), supersede=False, cancellable=True
            )
            self.statusBar().showMessage(f"Computing the {self._resolution}² surface…")
        else:
            self._pending_full_job = self.jobs.submit(job(self._resolution), cancellable=True)

    @QtCore.Slot(int, object)
    def _on_grid_computed(self, job_id: int, result: GridResult) -> None:
        if self._pending_full_job is not None and job_id > self._pending_full_job:
            return
        grid = result.grid
        self._grid = grid
        names = self._surface.axis_names
        z_label = f"log₁₀ {names[2]}" if grid.height_scale == "log10" else names[2]
        self.view.set_surface(grid.xs, grid.ys, grid.z_display, grid.z_range, names, z_label)
        self.contour_view.set_surface(grid.xs, grid.ys, grid.z_display, grid.z_range, names)
        self.descent.set_grid(grid)
        self.lesson.set_grid(grid)
        if self.descent_panel.field_check.isChecked():
            self._show_gradient_field(True)
        self._show_point()
        n = len(grid.xs)
        notes = [result.note] if result.note else []
        if grid.height_scale == "log10":
            notes.append(f"Height axis is log₁₀ {names[2]} (the surface spans decades).")
        if grid.clip_range is not None:
            lo, hi = grid.clip_range
            notes.append(
                f"Heights clipped to [{lo:.4g}, {hi:.4g}] for display "
                f"({grid.clipped_fraction:.1%} of points: poles)."
            )
        if grid.nan_fraction > 0:
            notes.append(f"{grid.nan_fraction:.1%} of the window is outside the domain (holes).")
        self.function_panel.show_note("\n".join(notes))
        final = job_id == self._pending_full_job
        if final:
            self._apply_pending_camera()
            self.statusBar().showMessage(
                f"{self._surface.title} — {n}×{n} grid in {result.seconds * 1000:.0f} ms", 8000
            )
        self.grid_displayed.emit()

    @QtCore.Slot(int, str)
    def _on_grid_failed(self, job_id: int, message: str) -> None:
        self.statusBar().showMessage(f"Could not compute the surface: {message}", 10000)
        self.function_panel.show_error(f"Could not compute the surface: {message}")

    def _show_point(self) -> None:
        x, y = self._point
        report = point_report(self._surface, x, y)
        self.point_panel.show_report(report)
        self.lesson.set_point(x, y)
        self._show_model(x, y, "the point")
        self.contour_view.set_point(x, y)
        if self._grid is None or not math.isfinite(report.f):
            self.view.clear_point()
            return
        self.view.set_point(x, y, display_height(self._grid, report.f))

    def _show_shortcuts(self) -> None:
        rows = "".join(f"<tr><td><b>{k}</b></td><td>{v}</td></tr>" for k, v in SHORTCUTS)
        QtWidgets.QMessageBox.information(
            self, "Keyboard shortcuts", f"<table cellspacing='6'>{rows}</table>"
        )

    def _show_about(self) -> None:
        QtWidgets.QMessageBox.about(
            self,
            "About gdviz",
            f"<h3>gdviz {__version__}</h3><p>See the mathematics of gradient descent: "
            "surfaces, partial and directional derivatives, and descent paths.</p>",
        )

    def showEvent(self, event: QtGui.QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        QtCore.QTimer.singleShot(0, self._hide_orphan_tab_bars)

    def _hide_orphan_tab_bars(self) -> None:
        """Hide dock tab bars that belong to no dock group.

        Qt 6.11 leaves a stray copy of a tab bar visible (over the status bar) when a window
        builds two tabbed dock groups; a real one sits right under its group's current dock.
        """
        docks = {d.windowTitle(): d for d in self.findChildren(QtWidgets.QDockWidget)}
        for bar in self.findChildren(QtWidgets.QTabBar):
            if bar.parent() is not self or bar.count() == 0:
                continue
            dock = docks.get(bar.tabText(bar.currentIndex()))
            if dock is None or abs(bar.geometry().top() - dock.geometry().bottom()) > 3:
                bar.hide()

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:  # noqa: N802 (Qt override)
        if getattr(self, "_exporting", False):
            # Mid-export: cancel it (its temporary file is removed), then close.
            self._close_after_export = True
            event.ignore()
            return
        self._save_settings()
        self.descent.stop()
        self.jobs.stop()
        self.loader.stop()
        super().closeEvent(event)
