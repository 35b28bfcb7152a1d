"""Many starts: how many, on a grid or at random (seeded), Run / Cancel with progress, Clear."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from gdviz.core.run_settings import (
    DEFAULT_STARTS,
    MAX_STARTS,
    START_LAYOUTS,
    StartsSettings,
    typed_whole,
)
from gdviz.ui import theme
from gdviz.ui.widgets import ComboBox

LAYOUT_TITLES = {"grid": "Grid over the window", "random": "At random (seeded)"}


class StartsPanel(QtWidgets.QWidget):
    """Asks for a scatter of starts; shows progress, the result's summary or what is wrong."""

    run_requested = QtCore.Signal()
    cancel_requested = QtCore.Signal()
    clear_requested = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        layout = QtWidgets.QVBoxLayout(self)
        intro = QtWidgets.QLabel(
            "Run the Descent panel's optimizer from many starts at once. Each start is "
            "coloured by the minimum it reaches: the basins of attraction."
        )
        intro.setWordWrap(True)
        intro.setStyleSheet(theme.NOTE_STYLE)
        layout.addWidget(intro)

        form = QtWidgets.QFormLayout()
        self.count_edit = QtWidgets.QLineEdit(str(DEFAULT_STARTS), objectName="startsCount")
        self.count_edit.setToolTip(f"How many starts K, 1 to {MAX_STARTS:,}")
        self.count_edit.returnPressed.connect(self.run_requested)
        self.layout_combo = ComboBox(objectName="startsLayout")
        for key in START_LAYOUTS:
            self.layout_combo.addItem(LAYOUT_TITLES[key], key)
        self.layout_combo.setToolTip(
            "Grid: the centres of ⌈√K⌉ columns of cells; random: uniform over the window"
        )
        self.seed_edit = QtWidgets.QLineEdit("0", objectName="startsSeed")
        self.seed_edit.setToolTip("The same seed draws the same starts (random layout only)")
        self.seed_edit.returnPressed.connect(self.run_requested)
        self.layout_combo.currentIndexChanged.connect(self._on_layout_changed)
        form.addRow("Starts K", self.count_edit)
        form.addRow("Layout", self.layout_combo)
        form.addRow("Seed", self.seed_edit)
        layout.addLayout(form)

        buttons = QtWidgets.QHBoxLayout()
        self.run_button = QtWidgets.QPushButton("Scatter starts", objectName="startsRun")
        self.run_button.setToolTip("Run from every start, all together (Ctrl+Shift+M)")
        self.run_button.clicked.connect(self.run_requested)
        self.cancel_button = QtWidgets.QPushButton("Cancel", objectName="startsCancel")
        self.cancel_button.setToolTip("Stop the scatter being computed")
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.clear_button = QtWidgets.QPushButton("Clear", objectName="startsClear")
        self.clear_button.setToolTip("Remove the scatter from the views (Ctrl+Z brings it back)")
        self.clear_button.clicked.connect(self.clear_requested)
        for button in (self.run_button, self.cancel_button, self.clear_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.progress = QtWidgets.QProgressBar(objectName="startsProgress")
        self.progress.setRange(0, 100)
        self.progress.setTextVisible(True)
        layout.addWidget(self.progress)
        self.status_label = QtWidgets.QLabel(objectName="startsStatus")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(QtCore.Qt.TextSelectableByMouse)
        layout.addWidget(self.status_label)
        layout.addStretch(1)
        self._on_layout_changed()
        self.show_busy(False)
        self.show_cleared(False)

    def requested(self) -> StartsSettings:
        """The settings typed; ValueError with the core's message when one is not valid."""
        return StartsSettings(
            typed_whole(self.count_edit.text()),
            self.layout_combo.currentData(),
            typed_whole(self.seed_edit.text()) if self.start_layout() == "random" else 0,
        )

    def start_layout(self) -> str:
        """grid or random."""
        return self.layout_combo.currentData()

    def show_settings(self, settings: StartsSettings) -> None:
        """Show a scene's settings (opened, undone) in the fields."""
        self.count_edit.setText(str(settings.count))
        with QtCore.QSignalBlocker(self.layout_combo):
            self.layout_combo.setCurrentIndex(self.layout_combo.findData(settings.layout))
        if settings.layout == "random":
            self.seed_edit.setText(str(settings.seed))
        self._on_layout_changed()

    def show_busy(self, busy: bool, fraction: float = 0.0) -> None:
        self.run_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        self.progress.setVisible(busy)
        self.progress.setValue(round(100 * fraction))

    def show_cleared(self, has_scatter: bool) -> None:
        self.clear_button.setEnabled(has_scatter)

    def show_status(self, text: str, problem: bool = False) -> None:
        self.status_label.setText(text)
        self.status_label.setStyleSheet(theme.ERROR_STYLE if problem else theme.NOTE_STYLE)

    def _on_layout_changed(self) -> None:
        self.seed_edit.setEnabled(self.start_layout() == "random")
