"""Creating the QApplication the way gdviz's GL views need it, and running the main window."""

from __future__ import annotations

import gc
import logging
import sys

from PySide6 import QtCore, QtWidgets

from gdviz.system_libraries import check_xcb_libraries
from gdviz.ui import theme

log = logging.getLogger(__name__)

SIGNAL_POLL_MS = 200


GUI_SWITCH_INTERVAL_S = 0.0005


def ensure_application() -> QtWidgets.QApplication:
    """The QApplication, created with shared GL contexts (pyqtgraph caches shaders globally).

    On Linux, MissingLibrariesError (naming the packages to install) comes before Qt would abort
    for want of a library its X11 plugin needs."""
    app = QtWidgets.QApplication.instance()
    if app is None:
        check_xcb_libraries()
        # The descent worker is Python too: each time the GUI thread lets go of the GIL (every
        # GL call, every large numpy copy) it waits up to the switch interval to get it back.
        # At the default 5 ms a 100,000-step run stalled the window 200–300 ms; at 0.5 ms, ~90.
        sys.setswitchinterval(GUI_SWITCH_INTERVAL_S)
        QtCore.QCoreApplication.setAttribute(QtCore.Qt.AA_ShareOpenGLContexts)
        app = QtWidgets.QApplication(sys.argv[:1])
        app.setApplicationName("gdviz")
        app.setOrganizationName("gdviz")
        app.setStyle("Fusion")
        app.setPalette(theme.palette(theme.current))
        font = app.font()
        font.setPointSizeF(max(font.pointSizeF(), 10.5))
        app.setFont(font)
    if app.windowIcon().isNull():  # every window's, the task bar's and the Alt+Tab's icon
        from gdviz.ui.icon import app_icon

        app.setWindowIcon(app_icon())
        # Wayland matches the window to gdviz.desktop (gdviz --install-desktop-entry) by it.
        app.setDesktopFileName("gdviz")
    return app


def run_app(
    preset: str | None = None,
    function: str | None = None,
    scene: str | None = None,
    lesson: str | None = None,
    theme_name: str | None = None,
    verbosity: int = 0,
) -> int:
    """Open the main window (remembering its layout) and run the event loop until it closes.

    theme_name (system, dark or light) is kept in the settings; None: the last one chosen.
    The log goes to a file in the app-data folder (and to stderr, from warnings or what
    verbosity -v asks for); an uncaught exception is shown in a dialog.
    """
    app = ensure_application()
    start_logging(verbosity)
    from gdviz.ui.look import apply_look, remembered_theme_name

    settings = QtCore.QSettings()
    if theme_name is not None:
        settings.setValue("theme", theme_name)
    apply_look(None, remembered_theme_name(settings))  # before the widgets are built
    from gdviz.ui.main_window import MainWindow

    window = MainWindow(preset=preset, function=function, settings=settings)
    window.show()
    if scene:
        window.open_scene(scene)
    elif not (preset or function or lesson):
        window.restore_last_scene()
    if lesson == "lecture":
        window.open_default_lesson()
    elif lesson:
        window.open_lesson(lesson)
    # after the first frame: a full collection (~40 ms) before it would delay it
    window.view.frameSwapped.connect(freeze_startup_objects, QtCore.Qt.SingleShotConnection)
    return run_until_closed(app, window)


def start_logging(verbosity: int = 0) -> None:
    """The log file in the window's log folder, faulthandler, and the error dialog's hooks."""
    from gdviz.logs import configure_logging
    from gdviz.ui.about import versions_text
    from gdviz.ui.error_hooks import install_error_hooks
    from gdviz.ui.log_folder import gui_log_folder

    configure_logging(verbosity, gui_log_folder())
    install_error_hooks()
    log.info("gdviz starting: %s", versions_text().replace("\n", "; "))


def run_until_closed(app: QtWidgets.QApplication, window) -> int:
    """app.exec(); Ctrl+C (SIGINT), SIGTERM or SIGHUP close the window cleanly (no prompt: the
    scene is kept as the last one) and the exit status is 128 + the signal."""
    from gdviz.stop_signals import stop_requested

    def close(_signum: int) -> None:
        window.stopping_on_signal = True
        QtCore.QTimer.singleShot(0, window.close)

    with stop_requested(on_stop=close) as stop:
        # Python runs signal handlers only between bytecodes: wake it up now and then.
        wake = QtCore.QTimer(interval=SIGNAL_POLL_MS)
        wake.timeout.connect(lambda: None)
        wake.start()
        status = app.exec()
        wake.stop()
    return stop.exit_status if stop.signum else status


def freeze_startup_objects() -> None:
    """Exclude everything created at start-up (sympy, Qt wrappers) from garbage collection.

    A full collection walks every tracked object; with ~10⁶ of them from sympy and pyqtgraph
    it stalls the GUI for ~100 ms while a descent run allocates its steps.
    """
    gc.collect()
    gc.freeze()
