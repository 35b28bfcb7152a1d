"""The point panel: an editable (x, y) and the value, partial derivatives and gradient there."""

from __future__ import annotations

import math

from PySide6 import QtCore, QtWidgets

from gdviz.core.calculus import PointReport
from gdviz.core.numbers import format_number
from gdviz.ui import theme
from gdviz.ui.widgets import coordinate_box, number_label


class PointPanel(QtWidgets.QWidget):
    """Shows numbers computed by core.calculus at the current point; emits edits of the point."""

    point_edited = QtCore.Signal(float, float)

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        layout = QtWidgets.QVBoxLayout(self)
        box = QtWidgets.QGroupBox("Coordinates and values")
        form = QtWidgets.QFormLayout(box)
        self.x_box = coordinate_box(
            "pointX", "x", "First coordinate of the point: a number or pi, pi/2, sqrt(2)… (Enter)"
        )
        self.y_box = coordinate_box(
            "pointY", "y", "Second coordinate of the point: a number or pi, pi/2, sqrt(2)… (Enter)"
        )
        self.x_label = QtWidgets.QLabel("x")
        self.y_label = QtWidgets.QLabel("y")
        form.addRow(self.x_label, self.x_box)
        form.addRow(self.y_label, self.y_box)
        for spin in (self.x_box, self.y_box):
            spin.editingFinished.connect(self._on_edited)
        self.entry_error = QtWidgets.QLabel(objectName="pointEntryError")
        self.entry_error.setStyleSheet(theme.ERROR_STYLE)
        self.entry_error.setWordWrap(True)
        self.entry_error.hide()
        form.addRow(self.entry_error)

        self.value_name = QtWidgets.QLabel("f")
        self.fx_name = QtWidgets.QLabel("∂f/∂x")
        self.fy_name = QtWidgets.QLabel("∂f/∂y")
        self.value_label = number_label("pointValue")
        self.fx_label = number_label("pointFx")
        self.fy_label = number_label("pointFy")
        self.grad_label = number_label("pointGradient")
        self.norm_label = number_label("pointGradNorm")
        form.addRow(self.value_name, self.value_label)
        form.addRow(self.fx_name, self.fx_label)
        form.addRow(self.fy_name, self.fy_label)
        self.grad_name = QtWidgets.QLabel("∇f")
        self.norm_name = QtWidgets.QLabel("|∇f|")
        form.addRow(self.grad_name, self.grad_label)
        form.addRow(self.norm_name, self.norm_label)
        layout.addWidget(box)

        formulas = QtWidgets.QGroupBox("Partial derivatives")
        formula_layout = QtWidgets.QFormLayout(formulas)
        self.fx_formula_name = QtWidgets.QLabel("∂f/∂x =")
        self.fy_formula_name = QtWidgets.QLabel("∂f/∂y =")
        self.fx_formula = number_label("formulaFx")
        self.fy_formula = number_label("formulaFy")
        for label in (self.fx_formula, self.fy_formula):
            label.setWordWrap(True)
        formula_layout.addRow(self.fx_formula_name, self.fx_formula)
        formula_layout.addRow(self.fy_formula_name, self.fy_formula)
        layout.addWidget(formulas)

        self.domain_label = QtWidgets.QLabel(objectName="pointDomain")
        self.domain_label.setStyleSheet(theme.WARNING_STYLE)
        self.domain_label.setWordWrap(True)
        layout.addWidget(self.domain_label)
        layout.addStretch(1)

    def show_axes(self, axis_names: tuple[str, str, str], formulas: tuple[str, str]) -> None:
        a, b, z = axis_names
        fn = "L" if z == "L" else "f"
        self.x_label.setText(a)
        self.y_label.setText(b)
        self.x_box.what, self.y_box.what = a, b
        self.value_name.setText(f"{fn}({a}, {b})")
        self.fx_name.setText(f"∂{fn}/∂{a}")
        self.fy_name.setText(f"∂{fn}/∂{b}")
        self.fx_formula_name.setText(f"∂{fn}/∂{a} =")
        self.fy_formula_name.setText(f"∂{fn}/∂{b} =")
        self.grad_name.setText(f"∇{fn}")
        self.norm_name.setText(f"|∇{fn}|")
        self.fx_formula.setText(formulas[0])
        self.fy_formula.setText(formulas[1])

    def show_report(self, report: PointReport) -> None:
        for spin, value in ((self.x_box, report.x), (self.y_box, report.y)):
            with QtCore.QSignalBlocker(spin):
                spin.setValue(value)
        self.value_label.setText(format_number(report.f))
        fx, fy = report.f_x_shown, report.f_y_shown  # 0 with a note when below round-off
        self.fx_label.setText(fx.text())
        self.fy_label.setText(fy.text())
        self.grad_label.setText(f"({format_number(fx.value)}, {format_number(fy.value)})")
        self.norm_label.setText(format_number(report.grad_norm))
        defined = math.isfinite(report.f)
        self.domain_label.setText("" if defined else "The function is not defined at this point.")

    def _on_edited(self) -> None:
        errors = [e for e in (self.x_box.take_error(), self.y_box.take_error()) if e]
        if errors:  # the refused field kept its value: say why and move nothing
            self.entry_error.setText("\n".join(errors))
            self.entry_error.show()
            return
        self.entry_error.clear()
        self.entry_error.hide()
        self.point_edited.emit(self.x_box.value(), self.y_box.value())
