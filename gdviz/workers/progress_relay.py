"""Progress of a job in the worker thread, carried to the GUI thread as a queued signal."""

from __future__ import annotations

from PySide6 import QtCore


class ProgressRelay(QtCore.QObject):
    """Lives in the GUI thread; `report` may be called from any thread (a signal is queued to
    the GUI thread): `progressed(token, fraction)`, token saying which job it is."""

    progressed = QtCore.Signal(object, float)

    def report(self, token: object, fraction: float) -> None:
        self.progressed.emit(token, float(fraction))
