"""The Δx / Δy panel: secants at the point shrinking into the partial derivatives."""

from __future__ import annotations

import math

from PySide6 import QtCore, QtWidgets

from gdviz.core.numbers import format_number
from gdviz.ui import theme
from gdviz.ui.table_fill import columns_fitted_once
from gdviz.ui.widgets import ComboBox, LogSlider, ScientificSpinBox, number_label, pin_check

DELTA_MIN, DELTA_MAX = 1e-10, 1.0
SHRINK_FRAME_MS = 50
SHRINK_STEPS_PER_DECADE = 8
TABLE_HEADERS = ("Δ", "forward slope", "error", "central slope", "error")


class PartialsPanel(QtWidgets.QWidget):
    """Δ, the secant numbers in x and in y, and a convergence table; emits what the user sets."""

    delta_changed = QtCore.Signal(float)
    shown_toggled = QtCore.Signal(bool)
    pinned_toggled = QtCore.Signal(bool)
    table_axis_changed = QtCore.Signal(str)
    close_up_requested = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        layout = QtWidgets.QVBoxLayout(self)
        self.show_check = QtWidgets.QCheckBox("Show the construction A0…H on the surface")
        self.show_check.setObjectName("partialsShow")
        self.show_check.setToolTip("Points, Δ segments, secants, slices and tangents at the point")
        self.show_check.toggled.connect(self.shown_toggled)
        self.close_up_button = QtWidgets.QPushButton("Close-up of the point (Ctrl+F)")
        self.close_up_button.setObjectName("partialsCloseUp")
        self.close_up_button.setToolTip("Zoom the 3D view in on A0 to read the construction")
        self.close_up_button.clicked.connect(self.close_up_requested)
        self.pin_check = pin_check("partialsPin")
        self.pin_check.toggled.connect(self.pinned_toggled)
        layout.addWidget(self.show_check)
        layout.addWidget(self.pin_check)
        layout.addWidget(self.close_up_button)

        delta_row = QtWidgets.QHBoxLayout()
        self.delta_box = ScientificSpinBox(DELTA_MIN, DELTA_MAX, factor=10**0.25)
        self.delta_box.setObjectName("deltaBox")
        self.delta_box.setValue(0.2)
        self.delta_box.setToolTip("Δ, the step of the secants (1 … 1e-10)")
        self.delta_slider = LogSlider(DELTA_MIN, DELTA_MAX)
        self.delta_slider.setObjectName("deltaSlider")
        self.delta_slider.set_log_value(0.2)
        self.delta_slider.setToolTip("Δ on a log scale: drag left to shrink it towards 0")
        self.delta_slider.log_value_changed.connect(self._on_slid)
        self.delta_box.valueChanged.connect(self._on_box)
        self.shrink_button = QtWidgets.QPushButton("Shrink Δ → 0", objectName="shrinkButton")
        self.shrink_button.setCheckable(True)
        self.shrink_button.setToolTip("Animate Δ from its value down to 1e-10")
        self.shrink_button.toggled.connect(self._on_shrink_toggled)
        delta_row.addWidget(QtWidgets.QLabel("Δ"))
        delta_row.addWidget(self.delta_box)
        delta_row.addWidget(self.shrink_button)
        layout.addLayout(delta_row)
        layout.addWidget(self.delta_slider)

        grid = QtWidgets.QGridLayout()
        self.headers = [QtWidgets.QLabel(), QtWidgets.QLabel("in x"), QtWidgets.QLabel("in y")]
        for column, label in enumerate(self.headers):
            label.setStyleSheet("font-weight: 600;")
            grid.addWidget(label, 0, column)
        self.row_names: list[QtWidgets.QLabel] = []
        self.values: dict[str, tuple[QtWidgets.QLabel, QtWidgets.QLabel]] = {}
        for row, key in enumerate(("point", "f", "dz", "slope", "exact", "error"), start=1):
            name = QtWidgets.QLabel()
            self.row_names.append(name)
            grid.addWidget(name, row, 0)
            pair = (number_label(f"partials_{key}_x"), number_label(f"partials_{key}_y"))
            grid.addWidget(pair[0], row, 1)
            grid.addWidget(pair[1], row, 2)
            self.values[key] = pair
        layout.addLayout(grid)

        table_row = QtWidgets.QHBoxLayout()
        table_row.addWidget(QtWidgets.QLabel("Convergence as Δ → 0, in"))
        self.axis_combo = ComboBox(objectName="tableAxis")
        self.axis_combo.addItem("x", "x")
        self.axis_combo.addItem("y", "y")
        self.axis_combo.currentIndexChanged.connect(
            lambda _i: self.table_axis_changed.emit(self.axis_combo.currentData())
        )
        table_row.addWidget(self.axis_combo)
        table_row.addStretch(1)
        layout.addLayout(table_row)
        self.table = QtWidgets.QTableWidget(0, len(TABLE_HEADERS), objectName="convergenceTable")
        self.table.setHorizontalHeaderLabels(TABLE_HEADERS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QtWidgets.QHeaderView.ResizeToContents)
        self.table.setMinimumHeight(260)
        self.table.setToolTip(
            "Forward (f(p+Δ) − f(p))/Δ and central (f(p+Δ) − f(p−Δ))/(2Δ) slopes: the error falls "
            "with Δ until round-off in f(p+Δ) − f(p) takes over (near Δ ≈ 1e-8 for forward)"
        )
        layout.addWidget(self.table)
        self.note_label = QtWidgets.QLabel(objectName="partialsNote")
        self.note_label.setWordWrap(True)
        self.note_label.setStyleSheet(theme.NOTE_STYLE)
        layout.addWidget(self.note_label)
        layout.addStretch(1)

        self._shrink_timer = QtCore.QTimer(self)
        self._shrink_timer.setInterval(SHRINK_FRAME_MS)
        self._shrink_timer.timeout.connect(self._shrink_step)
        self.set_axis_names("x", "y", "f")

    # --- Δ ------------------------------------------------------------------------------------
    def delta(self) -> float:
        return self.delta_box.value()

    def set_delta(self, delta: float, emit: bool = True) -> None:
        delta = min(max(delta, DELTA_MIN), DELTA_MAX)
        with QtCore.QSignalBlocker(self.delta_box):
            self.delta_box.setValue(delta)
        with QtCore.QSignalBlocker(self.delta_slider):
            self.delta_slider.set_log_value(delta)
        if emit:
            self.delta_changed.emit(delta)

    def _on_slid(self, value: float) -> None:
        self.set_delta(value)

    def _on_box(self, value: float) -> None:
        self.delta_slider.set_log_value(value)
        self.delta_changed.emit(value)

    def _on_shrink_toggled(self, running: bool) -> None:
        if running:
            if self.delta() <= DELTA_MIN * 1.0001:
                self.set_delta(DELTA_MAX)
            self._shrink_timer.start()
        else:
            self._shrink_timer.stop()
        self.shrink_button.setText("Stop" if running else "Shrink Δ → 0")

    def _shrink_step(self) -> None:
        value = self.delta() * 10 ** (-1 / SHRINK_STEPS_PER_DECADE)
        if value <= DELTA_MIN:
            self.set_delta(DELTA_MIN)
            self.shrink_button.setChecked(False)
            return
        self.set_delta(float(f"{value:.3g}"))

    # --- numbers ------------------------------------------------------------------------------
    def set_axis_names(self, a: str, b: str, fn: str) -> None:
        self.headers[0].setText("")
        self.headers[1].setText(f"in {a}: C = ({a}0+Δ, {b}0)")
        self.headers[2].setText(f"in {b}: F = ({a}0, {b}0+Δ)")
        names = ("point", f"{fn} there", f"Δ{fn}", f"Δ{fn}/Δ", "exact", "error")
        for label, text in zip(self.row_names, names, strict=True):
            label.setText(text)
        self.axis_combo.setItemText(0, a)
        self.axis_combo.setItemText(1, b)
        self._names = (a, b, fn)

    def show_secants(self, secant_x, secant_y) -> None:
        """Show two SecantReports (gdviz.core.calculus), in x and in y."""
        a, b, fn = self._names
        for i, report in enumerate((secant_x, secant_y)):
            px, py = report.point
            self.values["point"][i].setText(f"({format_number(px)}, {format_number(py)})")
            self.values["f"][i].setText(format_number(report.f_shifted))
            self.values["dz"][i].setText(format_number(report.delta_z))
            self.values["slope"][i].setText(format_number(report.slope))
            exact = report.exact_shown.text()  # 0 (round-off: …) when below round-off
            self.values["exact"][i].setText(f"{fn}_{(a, b)[i]} = {exact}")
            self.values["error"][i].setText(format_number(report.error, 3))

    def show_table(self, rows) -> None:
        """Show ConvergenceRows (gdviz.core.calculus.convergence_table)."""
        self.table.setRowCount(len(rows))
        best = min(range(len(rows)), key=lambda i: _abs_or_inf(rows[i].forward_error), default=0)
        with columns_fitted_once(self.table):
            for r, row in enumerate(rows):
                cells = (
                    f"{row.delta:.0e}" if row.delta < 0.01 else format_number(row.delta),
                    format_number(row.forward, 10),
                    format_number(row.forward_error, 2),
                    format_number(row.central, 10),
                    format_number(row.central_error, 2),
                )
                for c, text in enumerate(cells):
                    item = QtWidgets.QTableWidgetItem(text)
                    if r == best and c in (1, 2):
                        item.setBackground(QtCore.Qt.darkGreen)
                    self.table.setItem(r, c, item)
        self.note_label.setText(
            f"The forward error is smallest at Δ = {rows[best].delta:.0e}; below that, "
            "round-off in the difference of two nearly equal values grows as Δ shrinks."
            if rows
            else ""
        )


def _abs_or_inf(value: float) -> float:
    return abs(value) if math.isfinite(value) else math.inf
