"""The limits panel: f along several paths into a point, and one-variable limits of g(x)."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from gdviz.core.expression import ExpressionError
from gdviz.core.limits import limit_at_infinity, one_sided_limit, one_variable_verdict
from gdviz.core.numbers import format_number, parse_limit_point, parse_number_list
from gdviz.core.scene import LimitSpec, OneVariableSpec
from gdviz.ui import theme
from gdviz.ui.table_fill import columns_fitted_once
from gdviz.ui.widgets import DoubleSpinBox, pin_check

EXPONENTS = range(1, 9)


def _line(name: str, text: str, tip: str) -> QtWidgets.QLineEdit:
    edit = QtWidgets.QLineEdit(text, objectName=name)
    edit.setToolTip(tip)
    return edit


class LimitsPanel(QtWidgets.QWidget):
    """Two-variable limits along paths (computed by the window) and one-variable limits."""

    compute_requested = QtCore.Signal()
    shown_toggled = QtCore.Signal(bool)
    pinned_toggled = QtCore.Signal(bool)
    one_variable_requested = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        layout = QtWidgets.QVBoxLayout(self)

        box = QtWidgets.QGroupBox("Limit of f(x, y) at a point, along paths")
        form = QtWidgets.QGridLayout(box)
        self.x0_box = DoubleSpinBox(objectName="limitX0")
        self.y0_box = DoubleSpinBox(objectName="limitY0")
        for spin in (self.x0_box, self.y0_box):
            spin.setRange(-1e6, 1e6)
            spin.setDecimals(4)
            spin.setKeyboardTracking(False)
        self.slopes_edit = _line("limitSlopes", "1, -1, 0", "Lines y − y0 = m(x − x0): slopes m")
        self.vertical_check = QtWidgets.QCheckBox("the vertical line x = x0")
        self.vertical_check.setChecked(True)
        self.parabolas_edit = _line("limitParabolas", "1", "Parabolas y − y0 = k(x − x0)²: k")
        self.custom_x = _line("limitCustomX", "", "x(t), in t (e.g. t or t^3)")
        self.custom_y = _line("limitCustomY", "", "y(t), in t (e.g. t^2)")
        self.custom_x.setPlaceholderText("x(t), e.g. t")
        self.custom_y.setPlaceholderText("y(t), e.g. t^2")
        self.t0_box = DoubleSpinBox(objectName="limitT0")
        self.t0_box.setRange(-1e6, 1e6)
        self.t0_box.setDecimals(4)
        self.t0_box.setToolTip("t0: the parametric path reaches (x0, y0) as t → t0")
        form.addWidget(QtWidgets.QLabel("point (x0, y0)"), 0, 0)
        form.addWidget(self.x0_box, 0, 1)
        form.addWidget(self.y0_box, 0, 2)
        form.addWidget(QtWidgets.QLabel("lines, slopes m"), 1, 0)
        form.addWidget(self.slopes_edit, 1, 1, 1, 2)
        form.addWidget(self.vertical_check, 2, 1, 1, 2)
        form.addWidget(QtWidgets.QLabel("parabolas, k"), 3, 0)
        form.addWidget(self.parabolas_edit, 3, 1, 1, 2)
        form.addWidget(QtWidgets.QLabel("custom path"), 4, 0)
        form.addWidget(self.custom_x, 4, 1)
        form.addWidget(self.custom_y, 4, 2)
        form.addWidget(QtWidgets.QLabel("t → t0 ="), 5, 0)
        form.addWidget(self.t0_box, 5, 1)
        self.compute_button = QtWidgets.QPushButton("Compute", objectName="limitCompute")
        self.compute_button.setToolTip("Evaluate f along every path as t → t0 (Enter)")
        self.compute_button.clicked.connect(self.compute_requested)
        form.addWidget(self.compute_button, 5, 2)
        for edit in (self.slopes_edit, self.parabolas_edit, self.custom_x, self.custom_y):
            edit.returnPressed.connect(self.compute_requested)
        self.show_check = QtWidgets.QCheckBox("Draw the paths on the plane and on the surface")
        self.show_check.setObjectName("limitsShow")
        self.show_check.toggled.connect(self.shown_toggled)
        form.addWidget(self.show_check, 6, 0, 1, 3)
        self.pin_check = pin_check("limitsPin")
        self.pin_check.toggled.connect(self.pinned_toggled)
        form.addWidget(self.pin_check, 7, 0, 1, 3)
        layout.addWidget(box)

        self.error_label = QtWidgets.QLabel(objectName="limitError")
        self.error_label.setStyleSheet(theme.ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        headers = ["path", "side", *(f"|t−t0|=1e-{k}" for k in EXPONENTS), "estimate"]
        self.table = QtWidgets.QTableWidget(0, len(headers), objectName="limitTable")
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QtWidgets.QHeaderView.ResizeToContents)
        self.table.setMinimumHeight(220)
        layout.addWidget(self.table)
        self.verdict_label = QtWidgets.QLabel(objectName="limitVerdict")
        self.verdict_label.setWordWrap(True)
        layout.addWidget(self.verdict_label)

        one = QtWidgets.QGroupBox("One-variable limit of g(x) as x → a")
        one_form = QtWidgets.QGridLayout(one)
        self.g_edit = _line("limitG", "1/x", "g(x), in x")
        self.a_edit = _line("limitA", "0", "a: a number, or inf / -inf for x → ±∞")
        self.one_button = QtWidgets.QPushButton("Compute", objectName="limitOneCompute")
        self.one_button.clicked.connect(self.one_variable_requested)
        self.g_edit.returnPressed.connect(self.one_variable_requested)
        self.a_edit.returnPressed.connect(self.one_variable_requested)
        one_form.addWidget(QtWidgets.QLabel("g(x) ="), 0, 0)
        one_form.addWidget(self.g_edit, 0, 1)
        one_form.addWidget(QtWidgets.QLabel("a ="), 0, 2)
        one_form.addWidget(self.a_edit, 0, 3)
        one_form.addWidget(self.one_button, 0, 4)
        self.one_error = QtWidgets.QLabel(objectName="limitOneError")
        self.one_error.setStyleSheet(theme.ERROR_STYLE)
        self.one_error.setWordWrap(True)
        self.one_error.hide()
        one_form.addWidget(self.one_error, 1, 0, 1, 5)
        self.one_table = QtWidgets.QTableWidget(0, 3, objectName="limitOneTable")
        self.one_table.setHorizontalHeaderLabels(["side", "x", "g(x)"])
        self.one_table.verticalHeader().hide()
        self.one_table.setEditTriggers(QtWidgets.QAbstractItemView.NoEditTriggers)
        self.one_table.horizontalHeader().setSectionResizeMode(QtWidgets.QHeaderView.Stretch)
        self.one_table.setMinimumHeight(200)
        one_form.addWidget(self.one_table, 2, 0, 1, 5)
        self.one_verdict = QtWidgets.QLabel(objectName="limitOneVerdict")
        self.one_verdict.setWordWrap(True)
        one_form.addWidget(self.one_verdict, 3, 0, 1, 5)
        self.one_plot = pg.PlotWidget(background=theme.PLOT_BACKGROUND, objectName="limitOnePlot")
        self.one_plot.setMinimumHeight(200)
        self.one_plot.showGrid(x=True, y=True, alpha=0.2)
        self.one_curves = [self.one_plot.plot(pen=pg.mkPen(theme.CURVE, width=2)) for _ in range(2)]
        self.one_points = self.one_plot.plot(pen=None, symbol="o", symbolSize=6,
                                             symbolBrush=theme.ACCENT)  # fmt: skip
        one_form.addWidget(self.one_plot, 4, 0, 1, 5)
        layout.addWidget(one)
        layout.addStretch(1)

    # --- two variables --------------------------------------------------------------------------
    def point(self) -> tuple[float, float]:
        return (self.x0_box.value(), self.y0_box.value())

    def spec(self) -> LimitSpec:
        """The limit construction the fields describe; ValueError names a bad field."""
        return LimitSpec(
            x0=self.x0_box.value(),
            y0=self.y0_box.value(),
            slopes=tuple(parse_number_list(self.slopes_edit.text(), "slopes")),
            vertical=self.vertical_check.isChecked(),
            parabolas=tuple(parse_number_list(self.parabolas_edit.text(), "k")),
            path_x=self.custom_x.text().strip(),
            path_y=self.custom_y.text().strip(),
            t0=self.t0_box.value(),
        )

    def show_spec(self, spec: LimitSpec) -> None:
        """Set the fields to a limit construction (without emitting edits)."""
        for box, value in ((self.x0_box, spec.x0), (self.y0_box, spec.y0), (self.t0_box, spec.t0)):
            with QtCore.QSignalBlocker(box):
                box.setValue(value)
        with QtCore.QSignalBlocker(self.vertical_check):
            self.vertical_check.setChecked(spec.vertical)
        self.slopes_edit.setText(", ".join(format_number(m) for m in spec.slopes))
        self.parabolas_edit.setText(", ".join(format_number(k) for k in spec.parabolas))
        self.custom_x.setText(spec.path_x)
        self.custom_y.setText(spec.path_y)

    def one_variable_spec(self) -> OneVariableSpec:
        return OneVariableSpec(g=self.g_edit.text(), at=self.a_edit.text().strip())

    def show_one_variable_spec(self, spec: OneVariableSpec) -> None:
        self.g_edit.setText(spec.g)
        self.a_edit.setText(spec.at)

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def clear_error(self) -> None:
        self.error_label.hide()

    def show_results(self, x0: float, y0: float, results, verdict) -> None:
        """PathLimits (one per path) and their Verdict (gdviz.core.limits)."""
        self.clear_error()
        self.table.setRowCount(2 * len(results))
        with columns_fitted_once(self.table):
            for i, result in enumerate(results):
                sides = (("t → t0⁻", result.left), ("t → t0⁺", result.right))
                for j, (side, rows) in enumerate(sides):
                    r = 2 * i + j
                    cells = [result.path_name if j == 0 else "", side]
                    cells += [format_number(row.value, 6) for row in rows]
                    estimate = "" if j else _estimate_text(result)
                    cells.append(estimate)
                    for c, text in enumerate(cells):
                        self.table.setItem(r, c, QtWidgets.QTableWidgetItem(text))
        colour = theme.GOOD if verdict.agree else theme.CAUTION
        self.verdict_label.setStyleSheet(f"color: {colour}; font-weight: 600;")
        self.verdict_label.setText(
            f"At ({format_number(x0)}, {format_number(y0)}): {verdict.message}"
        )

    def clear_results(self, note: str = "") -> None:
        self.table.setRowCount(0)
        self.verdict_label.setStyleSheet(theme.NOTE_STYLE)
        self.verdict_label.setText(note)

    # --- one variable -----------------------------------------------------------------------------
    def compute_one_variable(self, also: tuple[OneVariableSpec, ...] = ()) -> bool:
        """One-sided limits of g at each a typed (a number, inf or -inf; several with commas),
        and of the functions in `also` (a lesson's other examples), in the table and the plot."""
        results = []
        for spec in (self.one_variable_spec(), *also):
            for token in spec.at.split(","):
                try:
                    a = parse_limit_point(token)
                    if math.isinf(a):
                        sides = [limit_at_infinity(spec.g, 1 if a > 0 else -1, EXPONENTS)]
                    else:
                        sides = [
                            one_sided_limit(spec.g, a, side, EXPONENTS)
                            for side in ("left", "right")
                        ]
                except ExpressionError as err:
                    self._one_error(f"g(x): {err}")
                    return False
                except ValueError as err:
                    self._one_error(str(err))
                    return False
                results.append((spec.g, a, sides))
        self.one_error.hide()
        named = len(results) > 1
        rows, verdicts = [], []
        for g, a, sides in results:
            prefix = f"g = {g}, " if named else ""
            for s in sides:
                side = s.side or ("x → +∞" if a > 0 else "x → −∞")
                rows += [(prefix + side, r) for r in s.rows]
            if len(sides) == 2:
                verdict = f"at x = {format_number(a)}: {one_variable_verdict(*sides).message}"
            else:
                verdict = f"as x → {'+' if a > 0 else '−'}∞: g(x) {sides[0].verdict}"
            verdicts.append(f"g(x) = {g} {verdict}" if named else verdict)
        self.one_table.setRowCount(len(rows))
        with columns_fitted_once(self.one_table):
            for i, (side, row) in enumerate(rows):
                texts = (side, format_number(row.x, 6), format_number(row.value, 8))
                for c, text in enumerate(texts):
                    self.one_table.setItem(i, c, QtWidgets.QTableWidgetItem(text))
        self.one_verdict.setText("\n".join(verdicts))
        g, a, sides = results[0]
        self._plot_one(g, sides, a)
        return True

    def _one_error(self, message: str) -> None:
        self.one_error.setText(message)
        self.one_error.show()

    def _plot_one(self, g: str, sides, a: float) -> None:
        for curve in self.one_curves:
            curve.setData([], [])
        xs_all, ys_all = [], []
        for curve, side in zip(self.one_curves, sides, strict=False):
            xs = np.array([r.x for r in side.rows])
            ys = np.array([r.value for r in side.rows])
            xs_all.append(xs)
            ys_all.append(ys)
            if math.isinf(a):
                grid = np.sign(xs[0]) * np.logspace(0, 8, 200)
                self.one_plot.setLogMode(x=False)
            else:
                grid = a + np.sign(xs[0] - a) * np.logspace(-8, 0, 200)
            values = _evaluate_1d(g, grid)
            curve.setData(grid, np.clip(values, -1e9, 1e9), connect="finite")
        xs = np.concatenate(xs_all)
        ys = np.clip(np.concatenate(ys_all), -1e9, 1e9)
        self.one_points.setData(xs, ys, connect="finite")


def _estimate_text(result) -> str:
    if result.estimate is None:
        return result.note or "no limit"
    return format_number(result.estimate, 6)


def _evaluate_1d(text: str, xs: np.ndarray) -> np.ndarray:
    from gdviz.core.expression import parse_expression

    return parse_expression(text, ("x",)).evaluate(xs)
