"""Errors a user can see: an exception in a slot or a thread opens a dialog and is logged;
Help → About names the versions; Help → Open log folder opens it."""

from __future__ import annotations

import logging
import platform
import threading

import numpy
import pyqtgraph
import PySide6
import pytest
from OpenGL import GL
from PySide6 import QtCore, QtGui, QtWidgets

import gdviz
from gdviz import logs
from gdviz.ui.app import start_logging
from gdviz.ui.error_hooks import uninstall_error_hooks


class Emitter(QtCore.QObject):
    fired = QtCore.Signal()


def _raise_in_a_slot() -> None:
    raise ZeroDivisionError("raised in a slot")


def _shown(name: str) -> list[QtWidgets.QWidget]:
    return [
        w for w in QtWidgets.QApplication.topLevelWidgets()
        if w.objectName() == name and w.isVisible()
    ]  # fmt: skip


@pytest.fixture
def log_dir(tmp_path, monkeypatch, qapp):
    monkeypatch.setenv(logs.LOG_DIR_ENV, str(tmp_path / "logs"))
    start_logging(0)
    yield tmp_path / "logs"
    uninstall_error_hooks()
    logs.stop_logging()
    logging.getLogger().setLevel(logging.WARNING)


def _menu_action(window, text: str) -> QtGui.QAction:
    for top in window.menuBar().actions():
        for action in top.menu().actions():
            if action.text() == text:
                return action
    raise AssertionError(f"no menu action {text!r}")


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_slot_shows_a_dialog_is_logged_and_the_app_goes_on(qtbot, log_dir):
    emitter = Emitter()
    emitter.fired.connect(_raise_in_a_slot)
    emitter.fired.emit()
    qtbot.waitUntil(lambda: len(_shown("errorDialog")) == 1, timeout=3000)
    (dialog,) = _shown("errorDialog")
    message = dialog.findChild(QtWidgets.QLabel, "detailsMessage").text()
    details = dialog.findChild(QtWidgets.QPlainTextEdit, "detailsText")
    assert "ZeroDivisionError: raised in a slot" in message
    assert details.isReadOnly()
    assert "in _raise_in_a_slot" in details.toPlainText()
    assert details.toPlainText().rstrip().endswith("ZeroDivisionError: raised in a slot")
    qtbot.mouseClick(dialog.copy_button, QtCore.Qt.LeftButton)
    assert QtGui.QGuiApplication.clipboard().text() == details.toPlainText()

    text = (log_dir / logs.LOG_FILE).read_text(encoding="utf-8")
    assert "ERROR [MainThread] gdviz.ui.error_hooks: uncaught exception" in text
    assert "in _raise_in_a_slot" in text and "ZeroDivisionError: raised in a slot" in text

    # Still running: the next error joins the same dialog.
    emitter.fired.emit()
    assert _shown("errorDialog") == [dialog]
    assert "(and 1 more below)" in dialog.message.text()
    assert details.toPlainText().count("ZeroDivisionError: raised in a slot") == 2
    dialog.close()
    assert _shown("errorDialog") == []


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_worker_thread_is_shown_on_the_gui_thread(qtbot, log_dir):
    shown_on = []

    def fail() -> None:
        raise RuntimeError("raised in a worker")

    thread = threading.Thread(target=fail, name="test-worker")
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: len(_shown("errorDialog")) == 1, timeout=3000)
    (dialog,) = _shown("errorDialog")
    shown_on.append(dialog.thread())
    assert shown_on == [QtWidgets.QApplication.instance().thread()]
    assert "RuntimeError: raised in a worker" in dialog.message.text()
    text = (log_dir / logs.LOG_FILE).read_text(encoding="utf-8")
    assert "uncaught exception in thread test-worker" in text
    assert "RuntimeError: raised in a worker" in text
    dialog.close()


def _gl_strings_of_a_new_context() -> tuple[str, str]:
    context = QtGui.QOpenGLContext()
    assert context.create()
    surface = QtGui.QOffscreenSurface()
    surface.setFormat(context.format())
    surface.create()
    assert context.makeCurrent(surface)
    try:
        return GL.glGetString(GL.GL_RENDERER).decode(), GL.glGetString(GL.GL_VENDOR).decode()
    finally:
        context.doneCurrent()


def test_about_names_every_version_and_the_gl_driver_and_copies_them(qtbot, main_window):
    _menu_action(main_window, "&About gdviz").trigger()
    qtbot.waitUntil(lambda: len(_shown("aboutDialog")) == 1, timeout=3000)
    (dialog,) = _shown("aboutDialog")
    text = dialog.details.toPlainText()
    renderer, vendor = _gl_strings_of_a_new_context()
    expected = [
        f"gdviz {gdviz.__version__}",
        f"Python {platform.python_version()}",
        f"Qt {QtCore.qVersion()}",
        f"PySide6 {PySide6.__version__}",
        f"pyqtgraph {pyqtgraph.__version__}",
        f"numpy {numpy.__version__}",
        f"OpenGL renderer {renderer}",
        f"OpenGL vendor {vendor}",
    ]
    lines = text.splitlines()
    for line in expected:
        assert any(row.startswith(line) for row in lines), (line, text)
    assert renderer and vendor
    qtbot.mouseClick(dialog.copy_button, QtCore.Qt.LeftButton)
    assert QtGui.QGuiApplication.clipboard().text() == text
    dialog.close()


def test_open_log_folder_opens_the_folder_logged_to(qtbot, main_window, log_dir, monkeypatch):
    opened = []
    monkeypatch.setattr(QtGui.QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    _menu_action(main_window, "Open &log folder").trigger()
    assert [url.toLocalFile() for url in opened] == [str(log_dir)]
    assert (log_dir / logs.LOG_FILE).exists()
