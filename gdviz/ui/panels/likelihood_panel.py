"""The likelihood panel: the lecture's table for a model, L, log L, the cost and the gradient."""

from __future__ import annotations

import numpy as np
from PySide6 import QtWidgets

from gdviz.core.likelihood import (
    LikelihoodTable,
    gradient_terms,
    likelihood_table,
    small_probability_rows,
)
from gdviz.core.logistic import Dataset, log_base_label
from gdviz.core.numbers import format_number
from gdviz.ui.table_model import ArrayTableModel, Column
from gdviz.ui.widgets import DoubleSpinBox, number_label

SMALL_P = 0.05
FIT_COLUMNS_UP_TO = 2000  # rows; fitting columns to a million rows would stall the GUI


def cost_text(table: LikelihoodTable) -> str:
    """The cost as the panel writes it, naming the base and giving the natural-log value too."""
    base = log_base_label(table.log_base)
    if base == "e":
        return f"{format_number(table.cost)}  (natural log)"
    slides = ", as on the slides" if base == "10" else ""
    return (
        f"{format_number(table.cost)}  (log{base}{slides}; with ln: "
        f"{format_number(table.cost_natural)})"
    )


class LikelihoodPanel(QtWidgets.QWidget):
    """Shows likelihood_table and gradient_terms (gdviz.core.likelihood) for one model."""

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        layout = QtWidgets.QVBoxLayout(self)
        self.model_label = QtWidgets.QLabel(objectName="likelihoodModel")
        self.model_label.setStyleSheet("font-weight: 600;")
        self.model_label.setWordWrap(True)
        layout.addWidget(self.model_label)
        self.model = ArrayTableModel(self)
        self.table = QtWidgets.QTableView(objectName="likelihoodTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()  # the i column numbers the rows
        self.table.setMinimumHeight(240)
        self.table.setToolTip(
            f"Rows with P(Y = yᵢ) < {SMALL_P} are highlighted: a few badly classified examples "
            "crush the product L"
        )
        layout.addWidget(self.table)
        form = QtWidgets.QFormLayout()
        self.labels: dict[str, QtWidgets.QLabel] = {}
        for key, title in (
            ("likelihood", "L = Π P(Y = yᵢ)"),
            ("log_likelihood", "ln L"),
            ("cost", "cost −(1/m)·log L"),
            ("dw", "∂L/∂w"),
            ("db", "∂L/∂b"),
        ):
            self.labels[key] = number_label(f"likelihood_{key}", wrap=True)
            form.addRow(title, self.labels[key])
        layout.addLayout(form)

        compare = QtWidgets.QGroupBox("Compare with another model")
        grid = QtWidgets.QGridLayout(compare)
        self.w2_box = DoubleSpinBox(objectName="compareW")
        self.b2_box = DoubleSpinBox(objectName="compareB")
        for box, value in ((self.w2_box, 1.0), (self.b2_box, -25.0)):
            box.setRange(-1e6, 1e6)
            box.setDecimals(4)
            box.setValue(value)
            box.setKeyboardTracking(False)
            box.valueChanged.connect(lambda _v: self._refresh_compare())
        grid.addWidget(QtWidgets.QLabel("w ="), 0, 0)
        grid.addWidget(self.w2_box, 0, 1)
        grid.addWidget(QtWidgets.QLabel("b ="), 0, 2)
        grid.addWidget(self.b2_box, 0, 3)
        self.compare_table = QtWidgets.QTableWidget(3, 2, objectName="compareTable")
        self.compare_table.setVerticalHeaderLabels(["L", "cost", "cost (ln)"])
        # columns as wide as their text (a stretched column elides "w = 0.5, b = −4" to "w…")
        self.compare_table.horizontalHeader().setSectionResizeMode(
            QtWidgets.QHeaderView.ResizeToContents
        )
        self.compare_table.verticalHeader().setSectionResizeMode(
            QtWidgets.QHeaderView.ResizeToContents
        )
        self.compare_table.setEditTriggers(QtWidgets.QAbstractItemView.NoEditTriggers)
        self.compare_table.setMinimumHeight(130)
        grid.addWidget(self.compare_table, 1, 0, 1, 4)
        layout.addWidget(compare)
        layout.addStretch(1)
        self._dataset: Dataset | None = None
        self._log_base = np.e
        self._current: LikelihoodTable | None = None

    def show_model(
        self, dataset: Dataset, w: float, b: float, log_base: float, where: str
    ) -> LikelihoodTable:
        """Recompute and show the table for the model (w, b); returns it."""
        self._dataset, self._log_base = dataset, log_base
        table = likelihood_table(dataset, w, b, log_base)
        self._current = table
        self.model_label.setText(
            f"Model z = w·x + b with w = {format_number(w)}, b = {format_number(b)} ({where})"
        )
        self.model.set_columns(
            [
                Column("i", np.arange(1, table.m + 1), integer=True),
                Column("xᵢ", table.x, digits=8),
                Column("yᵢ", table.y, integer=True),
                Column("zᵢ", table.z, digits=6),
                Column("aᵢ = σ(zᵢ)", table.a, digits=6),
                Column("P(Y = yᵢ)", table.p, digits=6),
            ],
            highlight=_mask(small_probability_rows(table, SMALL_P), table.m),
        )
        if table.m <= FIT_COLUMNS_UP_TO:
            self.table.resizeColumnsToContents()
        self.labels["likelihood"].setText(table.likelihood_text)
        self.labels["log_likelihood"].setText(format_number(table.log_likelihood, 10))
        self.labels["cost"].setText(cost_text(table))
        terms = gradient_terms(dataset, w, b, log_base)
        scale = "" if log_base_label(log_base) == "e" else f" / ln {log_base_label(log_base)}"
        m = table.m
        self.labels["dw"].setText(
            f"(1/m)·Σ (aᵢ − yᵢ)·xᵢ{scale} = (1/{m})·{format_number(float(terms.dw_terms.sum()))}"
            f"{scale} = {format_number(terms.dw)}"
        )
        self.labels["db"].setText(
            f"(1/m)·Σ (aᵢ − yᵢ){scale} = (1/{m})·{format_number(float(terms.db_terms.sum()))}"
            f"{scale} = {format_number(terms.db)}"
        )
        self._refresh_compare()
        return table

    def show_no_model(self, message: str) -> None:
        """Nothing to tabulate (the surface is not a loss): say so and clear the numbers."""
        self._dataset = self._current = None
        self.model_label.setText(message)
        self.model.set_columns([])
        for label in self.labels.values():
            label.clear()
        self.compare_table.clearContents()

    def _refresh_compare(self) -> None:
        if self._dataset is None or self._current is None:
            return
        other = likelihood_table(
            self._dataset, self.w2_box.value(), self.b2_box.value(), self._log_base
        )
        base = log_base_label(self._log_base)
        # in base e the cost is the natural-log cost: one row, not the same row twice
        natural = base == "e"
        rows = ["L", "cost (ln)"] if natural else ["L", f"cost (log{base})", "cost (ln)"]
        self.compare_table.setRowCount(len(rows))
        self.compare_table.setVerticalHeaderLabels(rows)
        headers = []
        for column, table in enumerate((self._current, other)):
            headers.append(f"w = {format_number(table.w, 4)}, b = {format_number(table.b, 4)}")
            texts = [table.likelihood_text, format_number(table.cost)]
            if not natural:
                texts.append(format_number(table.cost_natural))
            for row, text in enumerate(texts):
                self.compare_table.setItem(row, column, QtWidgets.QTableWidgetItem(text))
        self.compare_table.setHorizontalHeaderLabels(headers)


def _mask(indices: np.ndarray, m: int) -> np.ndarray:
    mask = np.zeros(m, bool)
    mask[np.asarray(indices, dtype=np.intp)] = True
    return mask
