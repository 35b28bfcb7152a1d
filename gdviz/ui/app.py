"""Creating the QApplication the way gdviz's GL views need it, and running the main window."""

from __future__ import annotations

import gc
import sys

from PySide6 import QtCore, QtGui, QtWidgets


def ensure_application() -> QtWidgets.QApplication:
    """The QApplication, created with shared GL contexts (pyqtgraph caches shaders globally)."""
    app = QtWidgets.QApplication.instance()
    if app is None:
        QtCore.QCoreApplication.setAttribute(QtCore.Qt.AA_ShareOpenGLContexts)
        app = QtWidgets.QApplication(sys.argv[:1])
        app.setApplicationName("gdviz")
        app.setOrganizationName("gdviz")
        app.setStyle("Fusion")
        app.setPalette(dark_palette())
        font = app.font()
        font.setPointSizeF(max(font.pointSizeF(), 10.5))
        app.setFont(font)
    return app


def dark_palette() -> QtGui.QPalette:
    """A calm dark palette that matches the 3D view's background."""
    p = QtGui.QPalette()
    colors = {
        QtGui.QPalette.Window: "#25262b",
        QtGui.QPalette.WindowText: "#e8e8ea",
        QtGui.QPalette.Base: "#1b1c20",
        QtGui.QPalette.AlternateBase: "#2c2d33",
        QtGui.QPalette.ToolTipBase: "#2c2d33",
        QtGui.QPalette.ToolTipText: "#e8e8ea",
        QtGui.QPalette.Text: "#e8e8ea",
        QtGui.QPalette.Button: "#303137",
        QtGui.QPalette.ButtonText: "#e8e8ea",
        QtGui.QPalette.Highlight: "#3d7bd9",
        QtGui.QPalette.HighlightedText: "#ffffff",
        QtGui.QPalette.PlaceholderText: "#8a8d93",
        QtGui.QPalette.Link: "#7fb0ff",
    }
    for role, color in colors.items():
        p.setColor(role, QtGui.QColor(color))
    p.setColor(QtGui.QPalette.Disabled, QtGui.QPalette.Text, QtGui.QColor("#6b6e74"))
    p.setColor(QtGui.QPalette.Disabled, QtGui.QPalette.ButtonText, QtGui.QColor("#6b6e74"))
    return p


def run_app(
    preset: str | None = None,
    function: str | None = None,
    scene: str | None = None,
    lesson: str | None = None,
) -> int:
    """Open the main window (remembering its layout) and run the event loop until it closes."""
    app = ensure_application()
    from gdviz.ui.main_window import MainWindow

    window = MainWindow(preset=preset, function=function, settings=QtCore.QSettings())
    window.show()
    if scene:
        window.open_scene(scene)
    elif not (preset or function or lesson):
        window.restore_last_scene()
    if lesson == "lecture":
        window.open_default_lesson()
    elif lesson:
        window.open_lesson(lesson)
    freeze_startup_objects()
    return app.exec()


def freeze_startup_objects() -> None:
    """Exclude everything created at start-up (sympy, Qt wrappers) from garbage collection.

    A full collection walks every tracked object; with ~10⁶ of them from sympy and pyqtgraph
    it stalls the GUI for ~100 ms while a descent run allocates its steps.
    """
    gc.collect()
    gc.freeze()
