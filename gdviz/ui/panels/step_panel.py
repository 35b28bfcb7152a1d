"""The step panel: the selected run's current step, written the lecture's way with its numbers."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from gdviz.core.descent import Step
from gdviz.core.optimizers import Optimizer
from gdviz.core.step_text import number, update_lines
from gdviz.ui import theme


class StepPanel(QtWidgets.QWidget):
    """Shows step k of one run: the point, the value, the gradient and the update arithmetic."""

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        layout = QtWidgets.QVBoxLayout(self)
        self.title_label = QtWidgets.QLabel("No run yet: click the surface, then press Space.")
        self.title_label.setObjectName("stepTitle")
        self.title_label.setWordWrap(True)
        self.title_label.setStyleSheet("font-weight: 600;")
        layout.addWidget(self.title_label)
        self.lines: list[QtWidgets.QLabel] = []
        for name in ("stepPoint", "stepValue", "stepGradient", "stepUpdateX", "stepUpdateY"):
            label = QtWidgets.QLabel(objectName=name)
            label.setStyleSheet("font-family: monospace;")
            label.setTextInteractionFlags(QtCore.Qt.TextSelectableByMouse)
            label.setWordWrap(True)
            layout.addWidget(label)
            self.lines.append(label)
        self.batch_lines: list[QtWidgets.QLabel] = []
        for name in ("stepBatch", "stepBatchNumbers"):  # a mini-batch run's batch at this step
            label = QtWidgets.QLabel(objectName=name)
            label.setStyleSheet("font-family: monospace;")
            label.setTextInteractionFlags(QtCore.Qt.TextSelectableByMouse)
            label.setWordWrap(True)
            label.hide()
            layout.addWidget(label)
            self.batch_lines.append(label)
        self.status_label = QtWidgets.QLabel(objectName="stepStatus")
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        layout.addStretch(1)

    def show_step(
        self,
        title: str,
        previous: Step | None,
        step: Step,
        optimizer: Optimizer,
        axis_names: tuple[str, str, str],
        update: tuple[str, str] | None = None,
    ) -> None:
        """`update` replaces the update lines (a mini-batch step: the batch's gradient)."""
        a, b, fn = axis_names
        fn = "L" if fn == "L" else "f"
        k = step.k
        point, value, gradient, update_x, update_y = self.lines
        self.title_label.setText(title)
        point.setText(f"({a}{k}, {b}{k}) = ({number(step.point[0])}, {number(step.point[1])})")
        value.setText(f"{fn}({a}{k}, {b}{k}) = {number(step.value)}")
        gradient.setText(
            f"∇{fn} = ({fn}_{a}, {fn}_{b}) = "
            f"({number(step.gradient[0])}, {number(step.gradient[1])})"
        )
        if previous is None:
            update_x.setText(f"{a}{k}: the start")
            update_y.setText(f"α = {number(optimizer.hp.lr)}, {optimizer.title}")
        else:
            x_line, y_line = update or update_lines(previous, step, optimizer, axis_names)
            update_x.setText(x_line)
            update_y.setText(y_line)

    def show_batch(self, lines: tuple[str, str] | None) -> None:
        """Which examples were in the step's batch, and its loss and gradient (None: hidden)."""
        for label, text in zip(self.batch_lines, lines or ("", ""), strict=True):
            label.setText(text)
            label.setVisible(bool(text))

    def show_status(self, text: str, problem: bool = False) -> None:
        self.status_label.setStyleSheet(f"color: {theme.ERROR};" if problem else theme.NOTE_STYLE)
        self.status_label.setText(text)

    def clear(self) -> None:
        self.title_label.setText("No run yet: click the surface, then press Space.")
        for label in self.lines:
            label.clear()
        self.show_batch(None)
        self.status_label.clear()
