"""A read-mostly Qt table model over numpy columns: millions of rows, drawn only where visible."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from PySide6 import QtCore, QtGui

from gdviz.core.numbers import format_number


@dataclass(frozen=True)
class Column:
    """One column: its header, its values and how to print one."""

    header: str
    values: np.ndarray
    digits: int = 7
    integer: bool = False

    def text(self, row: int) -> str:
        value = self.values[row]
        if self.integer:
            return str(int(value))
        return format_number(float(value), self.digits)


class ArrayTableModel(QtCore.QAbstractTableModel):
    """Rows of numpy columns; optional highlighted rows; optional edits through a callback.

    `edit(row, column, text) -> str | None` applies an edit and returns None, or returns the
    reason it was refused (the model then leaves the data as it was).
    """

    edit_refused = QtCore.Signal(str)

    def __init__(self, parent: QtCore.QObject | None = None):
        super().__init__(parent)
        self._columns: tuple[Column, ...] = ()
        self._rows = 0
        self._highlight: np.ndarray | None = None
        self._highlight_brush = QtGui.QBrush(QtGui.QColor(150, 40, 40, 150))
        self._editable: frozenset[int] = frozenset()
        self._edit: Callable[[int, int, str], str | None] | None = None

    def set_columns(self, columns: Sequence[Column], highlight: np.ndarray | None = None) -> None:
        """Replace the whole table (one reset, however many rows)."""
        self.beginResetModel()
        self._columns = tuple(columns)
        self._rows = len(columns[0].values) if columns else 0
        self._highlight = None if highlight is None else np.asarray(highlight, bool)
        self.endResetModel()

    def set_editing(self, columns: Sequence[int], edit: Callable[[int, int, str], str | None]):
        self._editable = frozenset(columns)
        self._edit = edit

    def rowCount(self, parent=QtCore.QModelIndex()) -> int:  # noqa: B008 (Qt API)
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent=QtCore.QModelIndex()) -> int:  # noqa: B008 (Qt API)
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: QtCore.QModelIndex, role: int = QtCore.Qt.DisplayRole):
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role in (QtCore.Qt.DisplayRole, QtCore.Qt.EditRole):
            return self._columns[column].text(row)
        if role == QtCore.Qt.BackgroundRole and self._highlight is not None:
            return self._highlight_brush if self._highlight[row] else None
        if role == QtCore.Qt.TextAlignmentRole:
            return int(QtCore.Qt.AlignRight | QtCore.Qt.AlignVCenter)
        return None

    def headerData(self, section: int, orientation, role: int = QtCore.Qt.DisplayRole):
        if role != QtCore.Qt.DisplayRole:
            return None
        if orientation == QtCore.Qt.Horizontal:
            return self._columns[section].header if section < len(self._columns) else None
        return str(section + 1)

    def flags(self, index: QtCore.QModelIndex) -> QtCore.Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() in self._editable:
            flags |= QtCore.Qt.ItemIsEditable
        return flags

    def setData(self, index: QtCore.QModelIndex, value, role: int = QtCore.Qt.EditRole) -> bool:
        if role != QtCore.Qt.EditRole or self._edit is None or not index.isValid():
            return False
        problem = self._edit(index.row(), index.column(), str(value))
        if problem is not None:
            self.edit_refused.emit(problem)
            return False
        return True

    def column_text(self, row: int, column: int) -> str:
        """What a cell shows (for tests and copying)."""
        return self._columns[column].text(row)
