"""The window's menus and their shortcuts; Space, → and R act on the views only."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6 import QtCore, QtGui, QtWidgets

from gdviz.ui.about import show_about
from gdviz.ui.docks import LAYOUTS, apply_layout
from gdviz.ui.log_folder import open_log_folder
from gdviz.ui.theme import THEME_CHOICES

SURFACE_OPACITIES = (100, 75, 50, 30)

SHORTCUTS = (
    ("Click the surface", "Set the start point (in the 3D or the top view)"),
    ("Shift+click", "Add another run from that point"),
    ("Space (in a view)", "Play / pause the runs"),
    ("→ (in a view)", "One step of every run"),
    ("R (in a view)", "Reset: remove every run"),
    ("Enter (in the expression field)", "Apply the typed function"),
    ("Home", "Reset the camera"),
    ("Ctrl+T", "Look straight down (top view)"),
    ("Ctrl+F", "Close-up of the point (for the Δ and direction constructions)"),
    ("Ctrl+Shift+F", "Frame the runs: turn the view so the point and every path are seen"),
    ("Ctrl+1 / Ctrl+2 / Ctrl+3", "Layout: explore every tool / present / compare runs"),
    ("Ctrl+L", "Toggle log-scaled height"),
    ("Ctrl+Shift+M", "Scatter starts: many runs at once, coloured by the minimum each reaches"),
    ("Ctrl+Shift+W", "Learning-rate sweep: final loss against α, the largest stable α"),
    ("Ctrl+E", "Export an animation (MP4, GIF, WebM, PNG frames) or a still"),
    ("Ctrl+Shift+C", "Copy the 3D view to the clipboard at the export size"),
    ("Ctrl+O / Ctrl+S / Ctrl+Shift+S", "Open, save, save as a scene (a .json file)"),
    ("Ctrl+Z / Ctrl+Shift+Z (Ctrl+Y)", "Undo / redo the last edit (function, dataset, point, Δ…)"),
    ("Ctrl+Shift+L", "The lecture, step by step (the Lesson sidebar)"),
    ("PageDown / PageUp", "Next / previous lesson step (← → too in presenter mode)"),
    ("F11", "Presenter mode: full screen, larger text, the lesson's panels"),
    ("Ctrl+Q", "Quit"),
    ("Mouse drag / wheel", "Orbit / zoom the 3D view"),
)


def _action(menu: QtWidgets.QMenu, text: str, slot, shortcut=None, tip: str = "") -> QtGui.QAction:
    action = menu.addAction(text, slot)
    if shortcut is not None:
        action.setShortcut(QtGui.QKeySequence(shortcut))
    if tip:
        action.setToolTip(tip)
        action.setStatusTip(tip)
    return action


def _view_scoped(action: QtGui.QAction, views: tuple[QtWidgets.QWidget, ...]) -> None:
    """A key that acts only while a view has the focus (a focused check box still ticks)."""
    action.setShortcutContext(QtCore.Qt.WidgetWithChildrenShortcut)
    for view in views:
        view.addAction(action)


@dataclass(frozen=True)
class Menus:
    """The actions other code (and tests) reach: recent files, log height, play."""

    recent: QtWidgets.QMenu
    log_height: QtGui.QAction
    play: QtGui.QAction
    follow: QtGui.QAction
    undo: QtGui.QAction
    redo: QtGui.QAction


def build_menus(window) -> Menus:
    """File, Edit, View, Run and Help for the main window."""
    bar = window.menuBar()
    files, history, lessons = window.files, window.history, window.lessons

    file_menu = bar.addMenu("&File")
    _action(file_menu, "&Open scene…", files.open_dialog, QtGui.QKeySequence.Open)
    _action(file_menu, "&Save scene", files.save, QtGui.QKeySequence.Save)
    _action(file_menu, "Save scene &as…", files.save_as_dialog, "Ctrl+Shift+S")
    recent = file_menu.addMenu("&Recent scenes")
    recent.aboutToShow.connect(lambda: files.fill_recent_menu(recent))
    file_menu.addSeparator()
    _action(file_menu, "The &lecture, step by step", lessons.open_default, "Ctrl+Shift+L")
    _action(file_menu, "Open a lesson &file…", lessons.open_dialog)
    file_menu.addSeparator()
    _action(file_menu, "&Export animation or picture…", window.export_dialog, "Ctrl+E")
    file_menu.addSeparator()
    _action(file_menu, "&Quit", window.close, QtGui.QKeySequence.Quit)

    edit_menu = bar.addMenu("&Edit")
    # Qt's own undo/redo actions follow the stack (enabled, "Undo Move the point"); triggering
    # them goes through the window so the status bar says what happened.
    undo = history.stack.createUndoAction(window, "&Undo")
    redo = history.stack.createRedoAction(window, "&Redo")
    undo.setShortcut(QtGui.QKeySequence.Undo)
    redo.setShortcuts([QtGui.QKeySequence("Ctrl+Shift+Z"), QtGui.QKeySequence("Ctrl+Y")])
    edit_menu.addAction(undo)
    edit_menu.addAction(redo)
    _action(edit_menu, "&Copy view as picture", window.copy_view_to_clipboard, "Ctrl+Shift+C")

    view_menu = bar.addMenu("&View")
    view = window.view
    _action(view_menu, "&Reset camera", view.reset_camera, QtCore.Qt.Key_Home)
    _action(view_menu, "&Top view", view.top_view, "Ctrl+T")
    _action(view_menu, "&Close-up of the point", window.close_up, "Ctrl+F",
            "Zoom the 3D view in on the point, to read a construction")  # fmt: skip
    camera = window.camera
    _action(view_menu, "&Frame the runs", lambda: camera.frame_what_matters(), "Ctrl+Shift+F",
            "Turn the 3D view so the point and every run's path are in sight")  # fmt: skip
    follow = view_menu.addAction("F&ollow the run")
    follow.setCheckable(True)
    follow.setToolTip("The camera tracks the focused run's newest step, close up")
    follow.toggled.connect(window.camera.set_following)
    ghost = view_menu.addAction("Mini-batch loss &ghost")
    ghost.setObjectName("ghostAction")
    ghost.setCheckable(True)
    ghost.setToolTip("A faint surface of the focused mini-batch run's current batch loss L_B")
    ghost.toggled.connect(window.minibatch_ghost.set_enabled)
    opacity_menu = view_menu.addMenu("Surface &opacity")
    opacity_group = QtGui.QActionGroup(opacity_menu)
    for percent in SURFACE_OPACITIES:
        action = opacity_menu.addAction(f"{percent} %")
        action.setCheckable(True)
        action.setChecked(percent == 100)
        action.triggered.connect(
            lambda _on=False, p=percent: window.view.set_surface_opacity(p / 100)
        )
        opacity_group.addAction(action)
    layout_menu = view_menu.addMenu("L&ayout")
    for number, layout in enumerate(LAYOUTS, start=1):
        choose = lambda n=layout.name: apply_layout(window, window.docks, n)  # noqa: E731
        _action(layout_menu, layout.title, choose, f"Ctrl+{number}")
    theme_menu = view_menu.addMenu("T&heme")
    theme_group = QtGui.QActionGroup(theme_menu)
    for name in THEME_CHOICES:
        action = theme_menu.addAction(name.capitalize())
        action.setCheckable(True)
        action.setChecked(name == window.theme_name)
        action.setToolTip("Light reads better on a projector; System follows the desktop")
        action.triggered.connect(lambda _on=False, n=name: window.set_theme(n))
        theme_group.addAction(action)
    log_height = view_menu.addAction("&Log-scaled height")
    log_height.setCheckable(True)
    log_height.setShortcut(QtGui.QKeySequence("Ctrl+L"))
    log_height.toggled.connect(window.set_log_height)
    doc = window.doc

    def show_log_height() -> None:
        with QtCore.QSignalBlocker(log_height):
            log_height.setChecked(doc.scene.log_height)

    doc.events.surface_changed.connect(show_log_height)
    show_log_height()
    _action(view_menu, "&Presenter mode", window.toggle_presenter_mode, QtCore.Qt.Key_F11)
    _action(view_menu, "&Next lesson step", window.lesson_panel.next, QtCore.Qt.Key_PageDown)
    _action(view_menu, "P&revious lesson step", window.lesson_panel.previous,
            QtCore.Qt.Key_PageUp)  # fmt: skip
    _action(view_menu, "Learning-rate s&weep", window.show_sweep, "Ctrl+Shift+W",
            "The Sweep panel: run many α at once and see which are stable")  # fmt: skip
    view_menu.addSeparator()
    for dock in window.docks.values():
        view_menu.addAction(dock.toggleViewAction())

    run_menu = bar.addMenu("&Run")
    views = (window.view.container, window.contour_view)
    play = _action(run_menu, "&Play / pause", window.toggle_play, QtCore.Qt.Key_Space)
    step = _action(run_menu, "&Step", window.on_right_key, QtCore.Qt.Key_Right)
    reset = _action(run_menu, "&Reset runs", window.descent.reset, QtCore.Qt.Key_R)
    for action in (play, step, reset):
        _view_scoped(action, views)
    _action(run_menu, "&Add run from the point", window.add_run)
    run_menu.addSeparator()
    _action(run_menu, "S&catter starts", window.scatter_starts, "Ctrl+Shift+M",
            "Run the Descent panel's optimizer from many starts over the window at once; "
            "the top view colours each start by the minimum it reaches")  # fmt: skip
    _action(run_menu, "C&lear the scatter", window.starts.clear,
            tip="Remove the many starts from the views (Ctrl+Z brings them back)")  # fmt: skip

    help_menu = bar.addMenu("&Help")
    _action(help_menu, "&Keyboard shortcuts", lambda: show_shortcuts(window))
    _action(help_menu, "Open &log folder", open_log_folder,
            tip="Show gdviz's log files (what it did, any errors) in the file manager")  # fmt: skip
    help_menu.addSeparator()
    _action(help_menu, "&About gdviz", lambda: show_about(window),
            tip="Versions of gdviz, Python, Qt, OpenGL: for a bug report")  # fmt: skip
    return Menus(recent, log_height, play, follow, undo, redo)


def show_shortcuts(parent: QtWidgets.QWidget) -> None:
    rows = "".join(f"<tr><td><b>{k}</b></td><td>{v}</td></tr>" for k, v in SHORTCUTS)
    QtWidgets.QMessageBox.information(
        parent, "Keyboard shortcuts", f"<table cellspacing='6'>{rows}</table>"
    )
