"""The Sweep panel: the rates to try, Run sweep with progress and Cancel, the plot and its edge."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6 import QtCore, QtWidgets

from gdviz.core.numbers import format_number
from gdviz.core.optimizers import OPTIMIZER_TITLES
from gdviz.core.run_settings import DEFAULT_LR_MAX, DEFAULT_LR_MIN, DEFAULT_RATES, MAX_RATES
from gdviz.core.scene import MAX_RUN_STEPS, SweepSpec
from gdviz.core.sweep_input import FIELDS
from gdviz.ui import theme
from gdviz.ui.panels.sweep_plot import QUANTITIES, SweepPlot

if TYPE_CHECKING:  # core.sweep imports sympy, which the window loads only when needed
    from gdviz.core.sweep import Sweep

DEFAULT_STEPS = 1000
EXPLANATION = (
    "Shaded: learning rates too large for this start — their runs diverged, left the domain "
    "or ended higher than they began; the largest stable α is the edge of the shading."
)
IDLE_TEXT = (
    "Runs the Descent panel's method and knobs from the point, once for each α, all at once. "
    "Click a dot to run that α in the 3D view."
)
TOOLTIPS = {
    "lr_min": "The smallest learning rate tried (> 0), e.g. 1e-4",
    "lr_max": "The largest learning rate tried (> α from), e.g. 10",
    "count": f"How many rates, spaced evenly on a log scale (1 to {MAX_RATES:,})",
    "steps": f"Steps of each run (1 to {MAX_RUN_STEPS:,})",
}


class SweepPanel(QtWidgets.QWidget):
    """Emits what the user asks for (run, cancel, a rate clicked); shows what it is told."""

    run_requested = QtCore.Signal()
    cancel_requested = QtCore.Signal()
    rate_clicked = QtCore.Signal(float)

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.fields: dict[str, QtWidgets.QLineEdit] = {}
        self.errors: dict[str, QtWidgets.QLabel] = {}
        defaults = {
            "lr_min": format_number(DEFAULT_LR_MIN), "lr_max": format_number(DEFAULT_LR_MAX),
            "count": str(DEFAULT_RATES), "steps": str(DEFAULT_STEPS),
        }  # fmt: skip
        grid = QtWidgets.QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(2)
        for i, (name, label) in enumerate(FIELDS.items()):
            edit = QtWidgets.QLineEdit(defaults[name], objectName=f"sweep_{name}")
            edit.setToolTip(TOOLTIPS[name])
            edit.setMaximumWidth(90)
            edit.returnPressed.connect(self.run_requested)
            edit.textEdited.connect(lambda _t, n=name: self.show_error(n, None))
            error = QtWidgets.QLabel(objectName=f"sweep_{name}_error")
            error.setWordWrap(True)
            error.setStyleSheet(theme.ERROR_STYLE)
            error.hide()
            row, column = divmod(i, 2)
            grid.addWidget(QtWidgets.QLabel(label), 2 * row, 2 * column)
            grid.addWidget(edit, 2 * row, 2 * column + 1)
            grid.addWidget(error, 2 * row + 1, 0, 1, 4)
            self.fields[name], self.errors[name] = edit, error

        self.run_button = QtWidgets.QPushButton("Run sweep", objectName="runSweepButton")
        self.run_button.setToolTip(
            "Run the Descent panel's method from the point once for every α (Enter in a field)"
        )
        self.run_button.clicked.connect(self.run_requested)
        self.cancel_button = QtWidgets.QPushButton("Cancel", objectName="cancelSweepButton")
        self.cancel_button.setToolTip("Stop the sweep; the previous result stays")
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.cancel_button.setEnabled(False)
        self.progress = QtWidgets.QProgressBar(objectName="sweepProgress")
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.progress.hide()
        buttons = QtWidgets.QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)

        self.swept_label = QtWidgets.QLabel(IDLE_TEXT, objectName="sweptLabel")
        self.swept_label.setWordWrap(True)
        self.swept_label.setStyleSheet(theme.NOTE_STYLE)
        self.edge_label = QtWidgets.QLabel(objectName="sweepEdgeLabel")
        self.edge_label.setToolTip("Measured: the largest α of the sweep whose run stayed stable")
        self.limit_label = QtWidgets.QLabel(objectName="sweepLimitLabel")
        self.limit_label.setToolTip(
            "From the Hessian at the start, computed symbolically: for a quadratic f, plain "
            "gradient descent is stable exactly for α < 2/λ_max"
        )
        for label in (self.edge_label, self.limit_label):
            label.setWordWrap(True)
            label.setTextInteractionFlags(QtCore.Qt.TextSelectableByMouse)

        left = QtWidgets.QVBoxLayout()
        left.setSpacing(4)
        left.addLayout(grid)
        left.addLayout(buttons)
        left.addWidget(self.progress)
        left.addWidget(self.edge_label)
        left.addWidget(self.limit_label)
        left.addWidget(self.swept_label)
        left.addStretch(1)
        left_box = QtWidgets.QWidget()
        left_box.setLayout(left)
        left_box.setFixedWidth(330)

        self.quantity_combo = QtWidgets.QComboBox(objectName="sweepQuantity")
        for key, title in QUANTITIES.items():
            self.quantity_combo.addItem(f"Plot: {title}", key)
        self.quantity_combo.setToolTip("What the dots show against α")
        self.plot = SweepPlot()
        self.plot.rate_clicked.connect(self.rate_clicked)
        self.quantity_combo.currentIndexChanged.connect(
            lambda _i: self.plot.set_quantity(self.quantity_combo.currentData())
        )
        top = QtWidgets.QHBoxLayout()
        top.addWidget(self.plot.key, 1)
        top.addWidget(self.quantity_combo)
        self.explanation = QtWidgets.QLabel(EXPLANATION, objectName="sweepExplanation")
        self.explanation.setWordWrap(True)
        self.explanation.setStyleSheet(theme.NOTE_STYLE)
        right = QtWidgets.QVBoxLayout()
        right.setSpacing(2)
        right.addLayout(top)
        right.addWidget(self.plot.plot, 1)
        right.addWidget(self.explanation)

        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(left_box)
        layout.addLayout(right, 1)
        self.show_result(None)

    # --- the inputs ------------------------------------------------------------------------
    def texts(self) -> dict[str, str]:
        """What is typed in each field (FIELDS' names)."""
        return {name: edit.text() for name, edit in self.fields.items()}

    def show_error(self, name: str, message: str | None) -> None:
        """A message beside field `name` (None clears it)."""
        label = self.errors[name]
        label.setText(message or "")
        label.setVisible(bool(message))
        self.fields[name].setStyleSheet(f"border: 1px solid {theme.ERROR};" if message else "")

    def clear_errors(self) -> None:
        for name in self.fields:
            self.show_error(name, None)

    def error_text(self, name: str) -> str:
        return self.errors[name].text() if self.errors[name].isVisible() else ""

    def show_inputs(self, spec: SweepSpec) -> None:
        """The fields as a sweep (a reopened scene's, a lesson's) says."""
        values = {
            "lr_min": format_number(spec.lr_min, 6), "lr_max": format_number(spec.lr_max, 6),
            "count": str(spec.count), "steps": str(spec.run.max_steps),
        }  # fmt: skip
        for name, text in values.items():
            self.fields[name].setText(text)
        self.clear_errors()

    # --- running ------------------------------------------------------------------------------
    def show_running(self, fraction: float | None) -> None:
        """Progress of a running sweep (0 … 1), or None when none is running."""
        running = fraction is not None
        self.progress.setVisible(running)
        self.cancel_button.setEnabled(running)
        if running:
            self.progress.setValue(round(1000 * min(max(fraction, 0.0), 1.0)))

    def is_running(self) -> bool:
        return self.cancel_button.isEnabled()

    # --- the result ---------------------------------------------------------------------------
    def show_result(
        self, sweep: Sweep | None, spec: SweepSpec | None = None, note: str = ""
    ) -> None:
        """Draw a sweep and its numbers (core's), or nothing with `note` saying why."""
        if sweep is None or spec is None:
            self.plot.clear()
            self.edge_label.setText("")
            self.limit_label.setText("")
            self.edge_label.hide()
            self.limit_label.hide()
            self.swept_label.setText(note or IDLE_TEXT)
            return
        self.plot.show_sweep(sweep, spec.run.max_steps)
        self.edge_label.setText(edge_text(sweep))
        self.limit_label.setText(limit_text(sweep))
        self.edge_label.show()
        self.limit_label.setVisible(bool(self.limit_label.text()))
        self.swept_label.setText(swept_text(spec) + (f" {note}" if note else ""))


def edge_text(sweep: Sweep) -> str:
    """The measured edge as the panel prints it."""
    color = theme.GOOD
    if sweep.largest_stable_lr is None:
        first = format_number(float(sweep.learning_rates[0]), 4)
        return f"<span style='color:{theme.ERROR}'>Every α from {first} up was unstable</span>"
    edge = format_number(sweep.largest_stable_lr, 4)
    if sweep.smallest_unstable_lr is None:
        return f"<span style='color:{color}'>Every α was stable</span> (up to {edge})"
    return f"Largest stable α ≈ <b style='color:{color}'>{edge}</b> (measured)"


def limit_text(sweep: Sweep) -> str:
    """2/λ_max as the panel prints it, or "" when f is not a convex quadratic."""
    limit = sweep.gd_limit
    if limit is None:
        return ""
    high = sweep.curvature.largest_eigenvalue
    return (
        f"2/λ_max = <b style='color:{theme.ACCENT}'>{format_number(limit, 4)}</b> "
        f"(λ_max = {format_number(high, 4)}; theory for plain GD on a quadratic)"
    )


def swept_text(spec: SweepSpec) -> str:
    run = spec.run
    x, y = run.start
    return (
        f"Swept: {OPTIMIZER_TITLES[run.optimizer]} from ({format_number(x, 4)}, "
        f"{format_number(y, 4)}), {spec.count:,} rates from {format_number(spec.lr_min, 3)} to "
        f"{format_number(spec.lr_max, 3)}, {run.max_steps:,} steps each. Click a dot to run it."
    )
