"""The legend of the basins beside the top view: each minimum found, where, how many starts."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6 import QtCore, QtGui, QtWidgets

MAX_ROWS = 8  # more minima are summed up in one line
LEGEND_WIDTH = 290


@dataclass(frozen=True)
class LegendRow:
    """One line of the legend: a colour swatch and its text."""

    color: str
    text: str
    tip: str = ""


class BasinLegend(QtWidgets.QFrame):
    """A column beside the top view (not over it): a title and one swatch + text row per basin."""

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("basinLegend")
        self.setFixedWidth(LEGEND_WIDTH)
        self._layout = QtWidgets.QVBoxLayout(self)
        self._layout.setContentsMargins(8, 6, 6, 6)
        self._layout.setSpacing(3)
        self.title = QtWidgets.QLabel(objectName="basinLegendTitle")
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self._layout.addWidget(self.title)
        self._rows: list[QtWidgets.QWidget] = []
        self._layout.addStretch(1)
        self.hide()

    def set_rows(self, title: str, rows: list[LegendRow]) -> None:
        for widget in self._rows:
            self._layout.removeWidget(widget)
            widget.deleteLater()
        self._rows = []
        self.title.setText(title)
        for i, row in enumerate(rows):
            widget = _row_widget(row)
            self._layout.insertWidget(1 + i, widget)
            self._rows.append(widget)
        self.show()

    def clear(self) -> None:
        self.set_rows("", [])
        self.hide()

    def row_texts(self) -> list[str]:
        """The text of every row, top to bottom (for tests and the status bar)."""
        return [w.findChild(QtWidgets.QLabel, "legendText").text() for w in self._rows]


def _row_widget(row: LegendRow) -> QtWidgets.QWidget:
    widget = QtWidgets.QWidget()
    layout = QtWidgets.QHBoxLayout(widget)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(6)
    swatch = QtWidgets.QLabel()
    pixmap = QtGui.QPixmap(12, 12)
    pixmap.fill(QtGui.QColor(row.color))
    swatch.setPixmap(pixmap)
    swatch.setAlignment(QtCore.Qt.AlignTop)
    text = QtWidgets.QLabel(row.text, objectName="legendText")
    text.setWordWrap(True)
    layout.addWidget(swatch)
    layout.addWidget(text, 1)
    if row.tip:
        widget.setToolTip(row.tip)
    return widget


class TopViewBox(QtWidgets.QWidget):
    """The top view with the basin legend at its right (the legend shows only with a scatter)."""

    def __init__(self, view: QtWidgets.QWidget, legend: BasinLegend):
        super().__init__()
        self.setObjectName("topViewBox")
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(view, 1)
        layout.addWidget(legend)
