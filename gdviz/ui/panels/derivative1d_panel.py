"""The one-variable derivative view: g(x), the secant through a and a + Δx, the tangent at a."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from gdviz.core import expression as expressions
from gdviz.core.derivative1d import secant_1d, secant_table_1d, tangent_line_1d
from gdviz.core.expression import ExpressionError
from gdviz.core.numbers import format_number
from gdviz.core.scene import DerivativeSpec
from gdviz.ui import theme
from gdviz.ui.table_fill import columns_fitted_once
from gdviz.ui.widgets import DoubleSpinBox, LogSlider, ScientificSpinBox

DX_MIN, DX_MAX = 1e-10, 10.0


class Derivative1DPanel(QtWidgets.QWidget):
    """g typed by the user (default √x), a point a, Δx; the numbers come from core.derivative1d."""

    edited = QtCore.Signal()  # g (on Enter), a or Δx changed by the user

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        layout = QtWidgets.QVBoxLayout(self)
        form = QtWidgets.QGridLayout()
        self.g_edit = QtWidgets.QLineEdit("sqrt(x)", objectName="derivG")
        self.g_edit.setToolTip("g(x), in x; Enter applies")
        self.a_box = DoubleSpinBox(objectName="derivA")
        self.a_box.setRange(-1e6, 1e6)
        self.a_box.setDecimals(4)
        self.a_box.setValue(4.0)
        self.a_box.setKeyboardTracking(False)
        self.dx_box = ScientificSpinBox(DX_MIN, DX_MAX, factor=10**0.25, objectName="derivDx")
        self.dx_box.setValue(1.0)
        self.dx_box.setToolTip("Δx: the secant runs from a to a + Δx")
        self.dx_slider = LogSlider(DX_MIN, DX_MAX)
        self.dx_slider.set_log_value(1.0)
        self.dx_slider.log_value_changed.connect(self._on_slid)
        form.addWidget(QtWidgets.QLabel("g(x) ="), 0, 0)
        form.addWidget(self.g_edit, 0, 1, 1, 3)
        form.addWidget(QtWidgets.QLabel("a ="), 1, 0)
        form.addWidget(self.a_box, 1, 1)
        form.addWidget(QtWidgets.QLabel("Δx ="), 1, 2)
        form.addWidget(self.dx_box, 1, 3)
        form.addWidget(self.dx_slider, 2, 0, 1, 4)
        layout.addLayout(form)
        self.error_label = QtWidgets.QLabel(objectName="derivError")
        self.error_label.setStyleSheet(theme.ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addWidget(self.error_label)

        numbers = QtWidgets.QFormLayout()
        self.labels: dict[str, QtWidgets.QLabel] = {}
        for key, title in (("dy", "Δy = g(a+Δx) − g(a)"), ("slope", "Δy/Δx"),
                           ("exact", "g′(a)"), ("error", "error")):  # fmt: skip
            label = QtWidgets.QLabel(objectName=f"deriv_{key}")
            label.setStyleSheet("font-family: monospace;")
            label.setTextInteractionFlags(QtCore.Qt.TextSelectableByMouse)
            self.labels[key] = label
            numbers.addRow(title, label)
        layout.addLayout(numbers)

        self.plot = pg.PlotWidget(background=theme.PLOT_BACKGROUND, objectName="derivPlot")
        self.plot.setMinimumHeight(240)
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.addLegend(offset=(10, 10), labelTextColor=theme.TEXT, brush=theme.legend_brush())
        self.g_curve = self.plot.plot(pen=pg.mkPen(theme.CURVE, width=2), name="g(x)")
        self.secant_curve = self.plot.plot(pen=pg.mkPen(theme.ACCENT, width=2), name="secant")
        self.tangent_curve = self.plot.plot(
            pen=pg.mkPen(theme.ERROR, width=2, style=QtCore.Qt.DashLine), name="tangent"
        )
        self.points = self.plot.plot(pen=None, symbol="o", symbolSize=8, symbolBrush=theme.WHITE)
        layout.addWidget(self.plot)

        self.table = QtWidgets.QTableWidget(0, 4, objectName="derivTable")
        self.table.setHorizontalHeaderLabels(["Δx", "Δy", "Δy/Δx", "error"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QtWidgets.QHeaderView.ResizeToContents)
        self.table.setMinimumHeight(240)
        layout.addWidget(self.table)
        layout.addStretch(1)

        self.g_edit.returnPressed.connect(self.edited)
        self.a_box.valueChanged.connect(lambda _a: self.edited.emit())
        self.dx_box.valueChanged.connect(self._on_box)

    def spec(self) -> DerivativeSpec:
        return DerivativeSpec(self.g_edit.text(), self.a_box.value(), self.dx_box.value())

    def show_spec(self, spec: DerivativeSpec) -> None:
        """Set g, a and Δx (without emitting edits)."""
        self.g_edit.setText(spec.g)
        for box, value in ((self.a_box, spec.a), (self.dx_box, spec.dx)):
            with QtCore.QSignalBlocker(box):
                box.setValue(value)
        self.dx_slider.set_log_value(min(max(spec.dx, DX_MIN), DX_MAX))

    def _on_slid(self, value: float) -> None:
        with QtCore.QSignalBlocker(self.dx_box):
            self.dx_box.setValue(value)
        self.edited.emit()

    def _on_box(self, value: float) -> None:
        self.dx_slider.set_log_value(value)
        self.edited.emit()

    def refresh(self) -> bool:
        """Recompute everything for the current g, a and Δx; a bad g keeps the old view."""
        text, a, dx = self.g_edit.text(), self.a_box.value(), self.dx_box.value()
        try:
            g = expressions.parse_expression(text, ("x",))
            secant = secant_1d(g, a, dx)
            slope, intercept = tangent_line_1d(g, a)
            table = secant_table_1d(g, a)
        except ExpressionError as err:
            self._error(f"g(x): {err}")
            return False
        except ValueError as err:
            self._error(str(err))
            return False
        if not math.isfinite(secant.dy) or not math.isfinite(slope):
            self._error(f"g is not defined (or not differentiable) at a = {format_number(a)}")
            return False
        self.error_label.hide()
        self.labels["dy"].setText(format_number(secant.dy, 8))
        self.labels["slope"].setText(format_number(secant.slope, 8))
        self.labels["exact"].setText(format_number(slope, 8))
        self.labels["error"].setText(format_number(secant.error, 3))
        self.table.setRowCount(len(table))
        with columns_fitted_once(self.table):
            for r, row in enumerate(table):
                cells = (format_number(row.dx, 3), format_number(row.dy, 8),
                         format_number(row.slope, 10), format_number(row.error, 3))  # fmt: skip
                for c, cell in enumerate(cells):
                    self.table.setItem(r, c, QtWidgets.QTableWidgetItem(cell))
        span = max(abs(dx) * 1.6, 1.0)
        xs = np.linspace(a - span, a + span, 400)
        ys = g.evaluate(xs)
        ga = float(g.evaluate(a))
        self.g_curve.setData(xs, ys, connect="finite")
        self.secant_curve.setData(xs, ga + secant.slope * (xs - a))
        self.tangent_curve.setData(xs, slope * xs + intercept)
        self.points.setData([a, a + dx], [ga, ga + secant.dy])
        finite = ys[np.isfinite(ys)]
        if finite.size:
            lo, hi = float(finite.min()), float(finite.max())
            pad = 0.1 * (hi - lo or 1.0)
            self.plot.setRange(xRange=(xs[0], xs[-1]), yRange=(lo - pad, hi + pad), padding=0)
        return True

    def _error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()
