"""Filling a QTableWidget whose columns fit their contents, with the columns measured once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6 import QtWidgets

_FIT = QtWidgets.QHeaderView.ResizeMode.ResizeToContents
_HELD = QtWidgets.QHeaderView.ResizeMode.Interactive


@contextmanager
def columns_fitted_once(table: QtWidgets.QTableWidget) -> Iterator[QtWidgets.QTableWidget]:
    """Inside, columns that fit their contents hold their width; on leaving they fit once.

    A ResizeToContents header re-measures its columns after every `setItem`, so filling a
    table cell by cell costs rows × cells measurements (in the themed window ~0.15 ms a cell:
    11 ms for the Δx/Δy table, against 1.4 ms filled this way). The widths end up the same.
    """
    header = table.horizontalHeader()
    fitted = [c for c in range(header.count()) if header.sectionResizeMode(c) == _FIT]
    for column in fitted:
        header.setSectionResizeMode(column, _HELD)
    try:
        yield table
    finally:
        for column in fitted:
            header.setSectionResizeMode(column, _FIT)
