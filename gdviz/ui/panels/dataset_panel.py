"""The dataset editor: the (x, y) rows of the logistic example, CSV in and out, synthetic data."""

from __future__ import annotations

import math

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from gdviz.core.datasets import synthetic_dataset
from gdviz.core.logistic import Dataset, DatasetError
from gdviz.ui import theme
from gdviz.ui.table_model import ArrayTableModel, Column
from gdviz.ui.widgets import ComboBox, SpinBox

MAX_ERRORS_SHOWN = 8


class DatasetPanel(QtWidgets.QWidget):
    """Shows and edits a Dataset; every change is a new Dataset emitted as `dataset_edited`."""

    dataset_edited = QtCore.Signal(object)
    import_requested = QtCore.Signal()
    export_requested = QtCore.Signal()
    lecture_requested = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.dataset: Dataset | None = None
        layout = QtWidgets.QVBoxLayout(self)
        self.model = ArrayTableModel(self)
        self.model.set_editing((0, 1), self._edit_cell)
        self.model.edit_refused.connect(self.show_error)
        self.table = QtWidgets.QTableView(objectName="datasetTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QtWidgets.QHeaderView.Stretch)
        self.table.setMinimumHeight(200)
        self.table.setToolTip("Double-click a cell to edit it: x any finite number, y 0 or 1")
        layout.addWidget(self.table)

        buttons = QtWidgets.QGridLayout()
        self.add_button = QtWidgets.QPushButton("Add row", objectName="datasetAdd")
        self.add_button.setToolTip("Append a row (x one more than the last, y = 0)")
        self.add_button.clicked.connect(self.add_row)
        self.delete_button = QtWidgets.QPushButton("Delete rows", objectName="datasetDelete")
        self.delete_button.setToolTip("Delete the selected rows (Delete)")
        self.delete_button.clicked.connect(self.delete_selected_rows)
        self.import_button = QtWidgets.QPushButton("Import CSV…", objectName="datasetImport")
        self.import_button.setToolTip("Load x,y rows from a CSV file (or drop it on the window)")
        self.import_button.clicked.connect(self.import_requested)
        self.export_button = QtWidgets.QPushButton("Export CSV…", objectName="datasetExport")
        self.export_button.clicked.connect(self.export_requested)
        self.lecture_button = QtWidgets.QPushButton("Lecture data", objectName="datasetLecture")
        self.lecture_button.setToolTip("Back to the lecture's 8 examples")
        self.lecture_button.clicked.connect(self.lecture_requested)
        buttons.addWidget(self.add_button, 0, 0)
        buttons.addWidget(self.delete_button, 0, 1)
        buttons.addWidget(self.import_button, 1, 0)
        buttons.addWidget(self.export_button, 1, 1)
        buttons.addWidget(self.lecture_button, 2, 0, 1, 2)
        layout.addLayout(buttons)
        delete = QtGui.QShortcut(QtGui.QKeySequence(QtCore.Qt.Key_Delete), self.table)
        delete.setContext(QtCore.Qt.WidgetShortcut)
        delete.activated.connect(self.delete_selected_rows)

        generate = QtWidgets.QGroupBox("Generate synthetic data")
        form = QtWidgets.QGridLayout(generate)
        self.kind_combo = ComboBox(objectName="syntheticKind")
        self.kind_combo.addItem("separable (a gap between the classes)", "separable")
        self.kind_combo.addItem("overlapping (a minimum exists)", "overlapping")
        self.n_box = SpinBox(objectName="syntheticN")
        self.n_box.setRange(2, 10_000_000)
        self.n_box.setValue(100)
        self.n_box.setGroupSeparatorShown(True)
        self.seed_box = SpinBox(objectName="syntheticSeed")
        self.seed_box.setRange(0, 2**31 - 1)
        self.seed_box.setValue(1)
        self.generate_button = QtWidgets.QPushButton("Generate", objectName="syntheticGenerate")
        self.generate_button.clicked.connect(self.generate)
        form.addWidget(self.kind_combo, 0, 0, 1, 4)
        form.addWidget(QtWidgets.QLabel("n"), 1, 0)
        form.addWidget(self.n_box, 1, 1)
        form.addWidget(QtWidgets.QLabel("seed"), 1, 2)
        form.addWidget(self.seed_box, 1, 3)
        form.addWidget(self.generate_button, 2, 0, 1, 4)
        layout.addWidget(generate)

        self.error_label = QtWidgets.QLabel(objectName="datasetError")
        self.error_label.setStyleSheet(theme.ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(QtCore.Qt.TextSelectableByMouse)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        self.summary_label = QtWidgets.QLabel(objectName="datasetSummary")
        self.summary_label.setWordWrap(True)
        layout.addWidget(self.summary_label)
        self.separability_label = QtWidgets.QLabel(objectName="separability")
        self.separability_label.setWordWrap(True)
        self.separability_label.setStyleSheet(f"color: {theme.ACCENT};")
        layout.addWidget(self.separability_label)
        layout.addStretch(1)

    # --- showing ------------------------------------------------------------------------------
    def show_dataset(self, dataset: Dataset, source: str, separability_message: str) -> None:
        self.dataset = dataset
        self.model.set_columns(
            [Column("x", dataset.x, digits=10), Column("y", dataset.y, integer=True)]
        )
        ones = int(dataset.y.sum())
        self.summary_label.setText(
            f"{len(dataset):,} examples ({len(dataset) - ones:,} with y = 0, {ones:,} with "
            f"y = 1) — {source}"
        )
        self.separability_label.setText(separability_message)
        self.clear_error()

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def show_dataset_error(self, err: DatasetError | OSError | ValueError, source: str) -> None:
        """A refused file: its problems, every bad row up to a few, and the rest counted."""
        problems = list(getattr(err, "errors", None) or [str(err)])
        shown = problems[:MAX_ERRORS_SHOWN]
        # A DatasetError lists its first bad rows and counts them all in bad_rows.
        more = max(len(problems), getattr(err, "bad_rows", 0)) - len(shown)
        text = f"{source} was not loaded; the data you had is unchanged.\n" + "\n".join(shown)
        if more > 0:
            text += f"\n… and {more} more problems"
        self.show_error(text)
        self.error_label.setToolTip("\n".join(problems[:200]))

    def clear_error(self) -> None:
        self.error_label.hide()
        self.error_label.setToolTip("")

    # --- editing --------------------------------------------------------------------------------
    def _edit_cell(self, row: int, column: int, text: str) -> str | None:
        data = self.dataset
        try:
            value = float(text.strip().replace("−", "-"))
        except ValueError:
            return f"row {row + 1}: {'x' if column == 0 else 'y'} must be a number, got {text!r}"
        if column == 0:
            if not math.isfinite(value):
                return f"row {row + 1}: x must be a finite number"
            x = data.x.copy()
            x[row] = value
            new = Dataset(x, data.y)
        else:
            if value not in (0.0, 1.0):
                return f"row {row + 1}: y must be 0 or 1, got {text}"
            y = data.y.copy()
            y[row] = value
            new = Dataset(data.x, y)
        self.dataset_edited.emit(new)
        return None

    def add_row(self) -> None:
        data = self.dataset
        x_new = float(data.x[-1]) + 1.0 if len(data) else 0.0
        self.dataset_edited.emit(Dataset(np.append(data.x, x_new), np.append(data.y, 0.0)))
        self.table.scrollToBottom()

    def delete_selected_rows(self) -> None:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        if not rows:
            self.show_error("Select the rows to delete first.")
            return
        keep = np.ones(len(self.dataset), bool)
        keep[rows] = False
        if not keep.any():
            self.show_error("A dataset needs at least one row: not every row can be deleted.")
            return
        self.dataset_edited.emit(Dataset(self.dataset.x[keep], self.dataset.y[keep]))

    def generate(self) -> None:
        try:
            dataset = synthetic_dataset(
                self.n_box.value(), self.kind_combo.currentData(), self.seed_box.value()
            )
        except ValueError as err:
            self.show_error(str(err))
            return
        self.dataset_edited.emit(dataset)
