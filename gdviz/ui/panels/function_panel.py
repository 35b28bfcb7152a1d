"""The function chooser: preset list, expression field, view window, resolution and height scale."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from gdviz.core.presets import Preset
from gdviz.ui import theme
from gdviz.ui.widgets import ComboBox, SpinBox, number_box


class FunctionPanel(QtWidgets.QWidget):
    """Chooses what surface to draw; emits requests, never computes anything itself."""

    preset_chosen = QtCore.Signal(str)
    expression_entered = QtCore.Signal(str)
    window_edited = QtCore.Signal(float, float, float, float)
    resolution_edited = QtCore.Signal(int)
    log_height_toggled = QtCore.Signal(bool)
    log_base_chosen = QtCore.Signal(str)

    def __init__(self, presets: tuple[Preset, ...], parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        layout = QtWidgets.QVBoxLayout(self)

        self.preset_combo = ComboBox(objectName="presetCombo")
        for preset in presets:
            self.preset_combo.addItem(preset.title, preset.name)
            self.preset_combo.setItemData(
                self.preset_combo.count() - 1, preset.description, QtCore.Qt.ToolTipRole
            )
        self.preset_combo.setToolTip("Named functions and the lecture's loss surface")
        self.preset_combo.activated.connect(self._on_preset_activated)

        self.expression_edit = QtWidgets.QLineEdit(objectName="expressionEdit")
        self.expression_edit.setPlaceholderText("f(x, y), e.g. sin(x)*cos(y) — Enter applies")
        self.expression_edit.setToolTip(
            "Type f(x, y) and press Enter.\n"
            "Operators: + - * / ^ (or **), parentheses.\n"
            "Names: x, y, pi, e.\n"
            "Functions: sin cos tan asin acos atan sinh cosh tanh exp log ln log10 log2 "
            "sqrt abs sigmoid."
        )
        self.expression_edit.returnPressed.connect(self._on_expression_entered)
        self.expression_edit.textEdited.connect(lambda _text: self.clear_error())

        self.error_label = QtWidgets.QLabel(objectName="expressionError")
        self.error_label.setStyleSheet(theme.ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        source_box = QtWidgets.QGroupBox("Preset or expression")
        source_layout = QtWidgets.QVBoxLayout(source_box)
        source_layout.addWidget(QtWidgets.QLabel("Preset"))
        source_layout.addWidget(self.preset_combo)
        source_layout.addWidget(QtWidgets.QLabel("Expression f(x, y)"))
        source_layout.addWidget(self.expression_edit)
        source_layout.addWidget(self.error_label)
        layout.addWidget(source_box)

        window_box = QtWidgets.QGroupBox("View window")
        grid = QtWidgets.QGridLayout(window_box)
        self.x_min_box, self.x_max_box, self.y_min_box, self.y_max_box = (
            number_box(name, tip, decimals=3, step=1.0)
            for name, tip in (
                ("windowXMin", "Left edge of the window (first axis)"),
                ("windowXMax", "Right edge of the window (first axis)"),
                ("windowYMin", "Near edge of the window (second axis)"),
                ("windowYMax", "Far edge of the window (second axis)"),
            )
        )
        self.x_axis_label = QtWidgets.QLabel("x")
        self.y_axis_label = QtWidgets.QLabel("y")
        grid.addWidget(self.x_axis_label, 0, 0)
        grid.addWidget(self.x_min_box, 0, 1)
        grid.addWidget(QtWidgets.QLabel("to"), 0, 2)
        grid.addWidget(self.x_max_box, 0, 3)
        grid.addWidget(self.y_axis_label, 1, 0)
        grid.addWidget(self.y_min_box, 1, 1)
        grid.addWidget(QtWidgets.QLabel("to"), 1, 2)
        grid.addWidget(self.y_max_box, 1, 3)
        for box in (self.x_min_box, self.x_max_box, self.y_min_box, self.y_max_box):
            box.setMinimumWidth(80)
            box.editingFinished.connect(self._on_window_edited)

        self.resolution_box = SpinBox(objectName="resolutionBox")
        self.resolution_box.setRange(50, 800)
        self.resolution_box.setSingleStep(50)
        self.resolution_box.setSuffix(" ²")
        self.resolution_box.setKeyboardTracking(False)
        self.resolution_box.setToolTip(
            "Grid points per side (50–800); larger grids compute off-screen"
        )
        self.resolution_box.editingFinished.connect(
            lambda: self.resolution_edited.emit(self.resolution_box.value())
        )
        grid.addWidget(QtWidgets.QLabel("Resolution"), 2, 0)
        grid.addWidget(self.resolution_box, 2, 1, 1, 3)

        self.log_height_check = QtWidgets.QCheckBox("Log-scaled height", objectName="logHeight")
        self.log_height_check.setToolTip(
            "Draw log10 of the height: for surfaces that span decades, like the loss (Ctrl+L)"
        )
        self.log_height_check.toggled.connect(self.log_height_toggled)
        grid.addWidget(self.log_height_check, 3, 0, 1, 4)

        self.log_base_label = QtWidgets.QLabel("Loss log base")
        self.log_base_combo = ComboBox(objectName="logBaseCombo")
        for label, key in (("natural (ln)", "e"), ("10 (as on the slides)", "10"), ("2", "2")):
            self.log_base_combo.addItem(label, key)
        self.log_base_combo.setToolTip("Logarithm used by the loss: ln (e), log10 or log2")
        self.log_base_combo.activated.connect(
            lambda _i: self.log_base_chosen.emit(self.log_base_combo.currentData())
        )
        grid.addWidget(self.log_base_label, 4, 0, 1, 2)
        grid.addWidget(self.log_base_combo, 4, 2, 1, 2)
        layout.addWidget(window_box)

        self.note_label = QtWidgets.QLabel(objectName="surfaceNote")
        self.note_label.setStyleSheet(theme.NOTE_STYLE)
        self.note_label.setWordWrap(True)
        layout.addWidget(self.note_label)
        layout.addStretch(1)

    # --- showing state -------------------------------------------------------------------
    def show_source(self, preset_name: str | None, expression: str | None, is_loss: bool) -> None:
        index = self.preset_combo.findData(preset_name) if preset_name else -1
        self.preset_combo.setCurrentIndex(index)
        self.expression_edit.setText(expression or "")
        self.log_base_label.setVisible(is_loss)
        self.log_base_combo.setVisible(is_loss)
        self.clear_error()

    def show_window(self, bounds: tuple[float, float, float, float], axis_names: tuple[str, str]):
        boxes = (self.x_min_box, self.x_max_box, self.y_min_box, self.y_max_box)
        for box, value in zip(boxes, bounds, strict=True):
            with QtCore.QSignalBlocker(box):
                box.setValue(value)
        self.x_axis_label.setText(axis_names[0])
        self.y_axis_label.setText(axis_names[1])

    def show_resolution(self, resolution: int) -> None:
        with QtCore.QSignalBlocker(self.resolution_box):
            self.resolution_box.setValue(resolution)

    def show_log_height(self, checked: bool) -> None:
        with QtCore.QSignalBlocker(self.log_height_check):
            self.log_height_check.setChecked(checked)

    def show_log_base(self, key: str) -> None:
        self.log_base_combo.setCurrentIndex(self.log_base_combo.findData(key))

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def clear_error(self) -> None:
        self.error_label.clear()
        self.error_label.hide()

    def show_note(self, text: str) -> None:
        self.note_label.setText(text)

    # --- user actions --------------------------------------------------------------------
    def _on_preset_activated(self, index: int) -> None:
        name = self.preset_combo.itemData(index)
        if name:
            self.preset_chosen.emit(name)

    def _on_expression_entered(self) -> None:
        self.expression_entered.emit(self.expression_edit.text())

    def _on_window_edited(self) -> None:
        self.window_edited.emit(
            self.x_min_box.value(),
            self.x_max_box.value(),
            self.y_min_box.value(),
            self.y_max_box.value(),
        )
