"""GUI test set-up: shared GL contexts before the QApplication, and a real GL context or fail."""

from __future__ import annotations

import os

import pytest
from PySide6 import QtCore, QtGui

# pyqtgraph caches compiled shaders globally; without shared contexts the second GL view renders
# blank (DESIGN pitfall 2). This must run before pytest-qt creates the QApplication.
QtCore.QCoreApplication.setAttribute(QtCore.Qt.AA_ShareOpenGLContexts)


def _gl_context_problem() -> str | None:
    """None when an OpenGL context can be created and made current, else why not."""
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        return "QT_QPA_PLATFORM=offscreen cannot create GL contexts for QOpenGLWidget"
    context = QtGui.QOpenGLContext()
    if not context.create():
        return "QOpenGLContext.create() failed"
    surface = QtGui.QOffscreenSurface()
    surface.setFormat(context.format())
    surface.create()
    if not context.makeCurrent(surface):
        return "could not make a GL context current"
    context.doneCurrent()
    return None


@pytest.fixture(scope="session")
def gl_context(qapp):
    """Require a working GL context: skip on a developer machine without one, FAIL in CI."""
    problem = _gl_context_problem()
    if problem:
        message = (
            f"no OpenGL context ({problem}); run under Xvfb with Mesa (tools/install-linux-deps.sh)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return True


@pytest.fixture
def main_window(qtbot, gl_context):
    """The real main window on the default (lecture) scene, shown, with its first surface drawn."""
    from gdviz.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    # Xvfb has no window manager: activate explicitly so keyboard shortcuts reach the window.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.waitUntil(lambda: window.grid is not None, timeout=10000)
    yield window
    window.close()
    assert not window.jobs.is_running()


@pytest.fixture
def lesson_window(main_window, qtbot):
    """The main window with the Likelihood table and the Data plot on screen, as a teacher opens
    them (they compute only while they are seen)."""
    docks = [main_window.docks[name] for name in ("likelihood", "data")]
    for dock in docks:
        dock.raise_()
    qtbot.waitUntil(lambda: all(not d.visibleRegion().isEmpty() for d in docks), timeout=5000)
    # seen, they catch up with the document once painted
    qtbot.waitUntil(lambda: main_window.likelihood_panel.model.rowCount() > 0, timeout=5000)
    qtbot.waitUntil(lambda: main_window.data_plot.caption.text() != "", timeout=5000)
    return main_window
