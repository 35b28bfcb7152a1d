"""What the window remembers between launches: geometry, dock layout, export size and folder."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets


def restore_window_state(window: QtWidgets.QMainWindow, settings: QtCore.QSettings | None) -> bool:
    """Bring back the window's last geometry, docks and export settings; whether a dock layout
    came back."""
    if settings is None:
        return False
    geometry = settings.value("geometry")
    state = settings.value("window_state")
    if geometry is not None:
        window.restoreGeometry(geometry)
    restored = state is not None and bool(window.restoreState(state))
    size = settings.value("export_size", [], type=list)
    if len(size) == 2:
        window.export_size = (int(size[0]), int(size[1]))
    window.export_folder = str(settings.value("export_folder") or window.export_folder)
    return restored


def keep_window_state(window: QtWidgets.QMainWindow, settings: QtCore.QSettings | None) -> None:
    if settings is None:
        return
    settings.setValue("geometry", window.saveGeometry())
    settings.setValue("window_state", window.saveState())
    settings.setValue("export_size", list(window.export_size))
    settings.setValue("export_folder", window.export_folder)
