"""Uncaught exceptions (in slots, in threads) logged and shown in a dialog; the app keeps going."""

from __future__ import annotations

import html
import logging
import sys
import threading
import traceback
from types import TracebackType

from PySide6 import QtCore, QtWidgets

from gdviz.core.shown import bounded_line
from gdviz.ui.details_dialog import DetailsDialog

log = logging.getLogger(__name__)


class ErrorDialog(DetailsDialog):
    """What went wrong, with its traceback; later errors are added to the same dialog."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__("gdviz: an error", parent, QtWidgets.QStyle.SP_MessageBoxCritical)
        self.setObjectName("errorDialog")
        self.errors = 0

    def add_error(self, message: str, details: str) -> None:
        self.errors += 1
        more = f" (and {self.errors - 1} more below)" if self.errors > 1 else ""
        self.message.setText(
            f"<b>{html.escape(message)}</b>{more}<p>gdviz kept running, but what you were doing "
            "may not have finished: if anything looks wrong, save the scene under a new name and "
            "restart. The details are also in the log file (Open log folder); please include "
            "them when you report this.</p>"
        )
        text = self.details.toPlainText()
        self.details.setPlainText(f"{text}\n{'-' * 40}\n{details}" if text else details)


class ErrorReporter(QtCore.QObject):
    """sys.excepthook and threading.excepthook: each error is logged, then shown on the GUI
    thread (a worker thread's through a queued signal)."""

    error_caught = QtCore.Signal(str, str)  # message, details

    def __init__(self) -> None:
        super().__init__()
        self.dialog: ErrorDialog | None = None
        self._previous_hooks = (sys.excepthook, threading.excepthook)
        self._showing = False
        self.error_caught.connect(self.show_error)

    def install(self) -> None:
        sys.excepthook = self._excepthook
        threading.excepthook = self._thread_excepthook

    def uninstall(self) -> None:
        sys.excepthook, threading.excepthook = self._previous_hooks
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None

    def _excepthook(
        self, kind: type[BaseException], error: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            self._previous_hooks[0](kind, error, tb)
            return
        log.error("uncaught exception", exc_info=(kind, error, tb))
        self._report(kind, error, tb)

    def _thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread is not None else "?"
        log.error("uncaught exception in thread %s", name,
                  exc_info=(args.exc_type, args.exc_value, args.exc_traceback))  # fmt: skip
        self._report(args.exc_type, args.exc_value, args.exc_traceback)

    def _report(self, kind, error, tb) -> None:
        message = bounded_line("".join(traceback.format_exception_only(kind, error)).strip(), 300)
        details = "".join(traceback.format_exception(kind, error, tb))
        self.error_caught.emit(message, details)  # queued when it comes from another thread

    @QtCore.Slot(str, str)
    def show_error(self, message: str, details: str) -> None:
        if self._showing:  # an error while showing one: logged, not shown again
            return
        self._showing = True
        try:
            if self.dialog is None:
                # No parent: it outlives whichever window was active, until it is closed.
                self.dialog = ErrorDialog()
                self.dialog.finished.connect(self._dialog_closed)
            self.dialog.add_error(message, details)
            self.dialog.show()
            self.dialog.raise_()
        finally:
            self._showing = False

    def _dialog_closed(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None  # the next error opens a new one


_reporter: ErrorReporter | None = None


def install_error_hooks() -> ErrorReporter:
    """Show uncaught exceptions in a dialog (and log them) from now on; call on the GUI thread."""
    global _reporter
    if _reporter is None:
        _reporter = ErrorReporter()
        _reporter.install()
    return _reporter


def uninstall_error_hooks() -> None:
    global _reporter
    if _reporter is not None:
        _reporter.uninstall()
        _reporter = None
