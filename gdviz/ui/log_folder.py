"""The window's log folder (the platform's app-data folder) and Help → Open log folder."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6 import QtCore, QtGui

from gdviz.logs import LOG_DIR_ENV, log_folder


def gui_log_folder() -> Path:
    """$GDVIZ_LOG_DIR, else `logs` in QStandardPaths' AppDataLocation (~/.local/share/gdviz/gdviz
    on Linux, %APPDATA%/gdviz/gdviz on Windows, ~/Library/Application Support/gdviz/gdviz on
    macOS). Needs the QApplication (its names make the path)."""
    override = os.environ.get(LOG_DIR_ENV)
    if override:
        return Path(override)
    location = QtCore.QStandardPaths.StandardLocation.AppDataLocation
    return Path(QtCore.QStandardPaths.writableLocation(location)) / "logs"


def open_log_folder() -> bool:
    """Show the log folder in the desktop's file manager (created if it is not there yet)."""
    folder = log_folder() or gui_log_folder()
    folder.mkdir(parents=True, exist_ok=True)
    return QtGui.QDesktopServices.openUrl(QtCore.QUrl.fromLocalFile(str(folder)))
