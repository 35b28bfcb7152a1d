"""Descent controls: optimizer, learning rate, hyperparameters, stop rules, play, step, runs."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6 import QtCore, QtGui, QtWidgets

from gdviz.core.optimizers import (
    HYPERPARAMETERS,
    OPTIMIZER_NAMES,
    OPTIMIZER_TITLES,
    Hyperparameters,
    defaults_for,
    describe,
    uses,
)
from gdviz.core.run_settings import MiniBatchSettings
from gdviz.ui import theme
from gdviz.ui.panels.minibatch_box import MiniBatchBox
from gdviz.ui.widgets import ComboBox, DoubleSpinBox, LogSlider, ScientificSpinBox, SpinBox

SPEEDS = (
    ("1 step/s", 1.0),
    ("3 steps/s", 3.0),
    ("10 steps/s", 10.0),
    ("30 steps/s", 30.0),
    ("100 steps/s", 100.0),
    ("1,000 steps/s", 1000.0),
    ("As fast as possible", None),
)
DEFAULT_SPEED_INDEX = 2
LR_MIN, LR_MAX = 1e-5, 10.0


@dataclass(frozen=True)
class RunSettings:
    """What the panel says a new run should use."""

    optimizer: str
    hp: Hyperparameters
    max_steps: int
    tol: float
    minibatch: MiniBatchSettings | None = None  # None: full batch


class DescentPanel(QtWidgets.QWidget):
    """Emits what the user asks for; the window owns the runs."""

    play_toggled = QtCore.Signal(bool)
    step_requested = QtCore.Signal()
    reset_requested = QtCore.Signal()
    add_run_requested = QtCore.Signal()
    speed_changed = QtCore.Signal(object)  # float steps/s, or None for as fast as possible
    run_selected = QtCore.Signal(int)
    gradient_field_toggled = QtCore.Signal(bool)

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        layout = QtWidgets.QVBoxLayout(self)

        method_box = QtWidgets.QGroupBox("Optimizer")
        form = QtWidgets.QFormLayout(method_box)
        self.optimizer_combo = ComboBox(objectName="optimizerCombo")
        for name in OPTIMIZER_NAMES:
            self.optimizer_combo.addItem(OPTIMIZER_TITLES[name], name)
            self.optimizer_combo.setItemData(
                self.optimizer_combo.count() - 1, describe(name), QtCore.Qt.ToolTipRole
            )
        self.optimizer_combo.currentIndexChanged.connect(self._on_optimizer_changed)
        form.addRow("Method", self.optimizer_combo)

        self.lr_box = ScientificSpinBox(LR_MIN, LR_MAX, objectName="lrBox")
        self.lr_box.setToolTip("Learning rate α (1e-5 … 10): type an exact value or use the slider")
        self.lr_slider = LogSlider(LR_MIN, LR_MAX)
        self.lr_slider.setObjectName("lrSlider")
        self.lr_slider.setToolTip("Learning rate α on a log scale, 1e-5 … 10")
        self.lr_slider.log_value_changed.connect(self._on_lr_slid)
        self.lr_box.valueChanged.connect(self.lr_slider.set_log_value)
        lr_row = QtWidgets.QVBoxLayout()
        lr_row.addWidget(self.lr_box)
        lr_row.addWidget(self.lr_slider)
        form.addRow("Learning rate α", lr_row)

        self.hp_boxes: dict[str, QtWidgets.QDoubleSpinBox] = {}
        self.hp_labels: dict[str, QtWidgets.QLabel] = {}
        for spec in HYPERPARAMETERS:
            if spec.name == "lr":  # its own row: a field and a log slider
                continue
            box = _unit_box() if spec.kind == "unit" else ScientificSpinBox(1e-16, 1.0, factor=10.0)
            box.setObjectName(f"{spec.name}Box")
            box.setToolTip(spec.help[0].upper() + spec.help[1:])
            self.hp_boxes[spec.name] = box
            self.hp_labels[spec.name] = QtWidgets.QLabel(spec.label)
            form.addRow(self.hp_labels[spec.name], box)
        self.formula_label = QtWidgets.QLabel(objectName="optimizerFormula")
        self.formula_label.setWordWrap(True)
        self.formula_label.setStyleSheet(theme.NOTE_STYLE)
        form.addRow(self.formula_label)
        layout.addWidget(method_box)

        stop_box = QtWidgets.QGroupBox("Stop rules and speed")
        stop_form = QtWidgets.QFormLayout(stop_box)
        self.max_steps_box = SpinBox(objectName="maxStepsBox")
        self.max_steps_box.setRange(1, 1_000_000)
        self.max_steps_box.setValue(1000)
        self.max_steps_box.setGroupSeparatorShown(True)
        self.max_steps_box.setToolTip("The run stops after this many steps")
        self.tol_box = ScientificSpinBox(0.0, 1e3, factor=10.0, objectName="tolBox")
        self.tol_box.setValue(1e-6)
        self.tol_box.setToolTip("Converged when |∇f| < tolerance")
        self.speed_combo = ComboBox(objectName="speedCombo")
        for label, value in SPEEDS:
            self.speed_combo.addItem(label, value)
        self.speed_combo.setCurrentIndex(DEFAULT_SPEED_INDEX)
        self.speed_combo.setToolTip("How fast the path is drawn")
        self.speed_combo.currentIndexChanged.connect(
            lambda _i: self.speed_changed.emit(self.speed_combo.currentData())
        )
        stop_form.addRow("Max steps", self.max_steps_box)
        stop_form.addRow("Tolerance |∇f| <", self.tol_box)
        stop_form.addRow("Speed", self.speed_combo)
        layout.addWidget(stop_box)
        self.minibatch_box = MiniBatchBox()
        layout.addWidget(self.minibatch_box)

        buttons = QtWidgets.QGridLayout()
        style = self.style()
        self.play_button = QtWidgets.QPushButton("Play", objectName="playButton")
        self.play_button.setCheckable(True)
        self.play_button.setIcon(style.standardIcon(QtWidgets.QStyle.SP_MediaPlay))
        self.play_button.setToolTip("Play / pause every run (Space)")
        self.play_button.toggled.connect(self._on_play_toggled)
        self.step_button = QtWidgets.QPushButton("Step", objectName="stepButton")
        self.step_button.setIcon(style.standardIcon(QtWidgets.QStyle.SP_MediaSeekForward))
        self.step_button.setToolTip("One step of every run (→)")
        self.step_button.clicked.connect(self.step_requested)
        self.reset_button = QtWidgets.QPushButton("Reset", objectName="resetButton")
        self.reset_button.setIcon(style.standardIcon(QtWidgets.QStyle.SP_MediaSkipBackward))
        self.reset_button.setToolTip("Remove every run; keep the start point (R)")
        self.reset_button.clicked.connect(self.reset_requested)
        self.add_button = QtWidgets.QPushButton("Add run", objectName="addRunButton")
        self.add_button.setToolTip(
            "Another run from the current point with these settings, to race them "
            "(or Shift+click the surface)"
        )
        self.add_button.clicked.connect(self.add_run_requested)
        buttons.addWidget(self.play_button, 0, 0)
        buttons.addWidget(self.step_button, 0, 1)
        buttons.addWidget(self.reset_button, 1, 0)
        buttons.addWidget(self.add_button, 1, 1)
        layout.addLayout(buttons)

        self.field_check = QtWidgets.QCheckBox("Gradient arrows in the top view")
        self.field_check.setObjectName("gradientField")
        self.field_check.setToolTip("A field of −∇f arrows on the 2D contour view")
        self.field_check.toggled.connect(self.gradient_field_toggled)
        layout.addWidget(self.field_check)

        runs_box = QtWidgets.QGroupBox("Runs")
        runs_layout = QtWidgets.QVBoxLayout(runs_box)
        self.runs_list = QtWidgets.QListWidget(objectName="runsList")
        self.runs_list.setToolTip(
            "Each run's colour, settings and state; select one for the Step panel"
        )
        self.runs_list.setMinimumHeight(90)
        self.runs_list.currentItemChanged.connect(self._on_run_selected)
        runs_layout.addWidget(self.runs_list)
        layout.addWidget(runs_box)
        layout.addStretch(1)

        self._on_optimizer_changed(self.optimizer_combo.currentIndex())

    # --- settings ------------------------------------------------------------------------------
    def settings(self) -> RunSettings:
        name = self.optimizer_combo.currentData()
        values = {field: box.value() for field, box in self.hp_boxes.items()}
        hp = Hyperparameters(lr=self.lr_box.value(), **values)
        return RunSettings(name, hp, self.max_steps_box.value(), self.tol_box.value())

    def set_optimizer(self, name: str, lr: float | None = None) -> None:
        self.optimizer_combo.setCurrentIndex(self.optimizer_combo.findData(name))
        if lr is not None:
            self.lr_box.setValue(lr)

    def speed(self) -> float | None:
        return self.speed_combo.currentData()

    def _on_optimizer_changed(self, index: int) -> None:
        """A new method keeps the learning rate α you chose (torch's defaults differ by method,
        but changing α behind your back would change the comparison); its other knobs take
        the method's defaults."""
        name = self.optimizer_combo.itemData(index)
        defaults = defaults_for(name)
        used_here = uses(name)
        for field, box in self.hp_boxes.items():
            used = field in used_here
            box.setValue(getattr(defaults, field))
            box.setVisible(used)
            self.hp_labels[field].setVisible(used)
        self.formula_label.setText(describe(name))

    def _on_lr_slid(self, value: float) -> None:
        with QtCore.QSignalBlocker(self.lr_box):
            self.lr_box.setValue(value)

    # --- play state and runs ---------------------------------------------------------------------
    def _on_play_toggled(self, playing: bool) -> None:
        self.show_playing(playing)
        self.play_toggled.emit(playing)

    def show_playing(self, playing: bool) -> None:
        with QtCore.QSignalBlocker(self.play_button):
            self.play_button.setChecked(playing)
        icon = QtWidgets.QStyle.SP_MediaPause if playing else QtWidgets.QStyle.SP_MediaPlay
        self.play_button.setIcon(self.style().standardIcon(icon))
        self.play_button.setText("Pause" if playing else "Play")

    def set_run_row(self, run_id: int, color: str, text: str) -> None:
        item = self._run_item(run_id)
        if item is None:
            item = QtWidgets.QListWidgetItem()
            item.setData(QtCore.Qt.UserRole, run_id)
            pixmap = QtGui.QPixmap(14, 14)
            pixmap.fill(QtGui.QColor(color))
            item.setIcon(QtGui.QIcon(pixmap))
            self.runs_list.addItem(item)
            if self.runs_list.count() == 1:
                self.runs_list.setCurrentItem(item)
        item.setText(text)
        item.setToolTip(text)

    def remove_run_rows(self) -> None:
        self.runs_list.clear()

    def run_row_text(self, run_id: int) -> str | None:
        item = self._run_item(run_id)
        return None if item is None else item.text()

    def _run_item(self, run_id: int) -> QtWidgets.QListWidgetItem | None:
        for row in range(self.runs_list.count()):
            item = self.runs_list.item(row)
            if item.data(QtCore.Qt.UserRole) == run_id:
                return item
        return None

    def _on_run_selected(self, current, _previous) -> None:
        if current is not None:
            self.run_selected.emit(current.data(QtCore.Qt.UserRole))


def _unit_box() -> QtWidgets.QDoubleSpinBox:
    box = DoubleSpinBox()
    box.setRange(0.0, 0.9999)
    box.setDecimals(4)
    box.setSingleStep(0.01)
    box.setKeyboardTracking(False)
    return box
