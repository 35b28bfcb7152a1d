"""The Descent panel's mini-batch controls: batch size B (1 = SGD … m = full batch) and seed."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from gdviz.core.run_settings import MAX_SEED
from gdviz.ui import theme
from gdviz.ui.widgets import SpinBox

# What the field accepts as typed: anything whole; core says what is wrong with it.
TYPED_LIMIT = 1_000_000_000
SEED_LIMIT = min(MAX_SEED, 2**31 - 1)  # a QSpinBox holds an int32
BOX_MIN_WIDTH = 96  # px: "8  (full batch)" and a 10-digit seed still show whole
NOT_A_LOSS = (
    "Mini-batches need a dataset's loss L(w, b): open the lecture loss or a dataset "
    "(File → Presets, or the Data panel). A function f(x, y) has no examples to batch."
)


class MiniBatchBox(QtWidgets.QGroupBox):
    """Emits the user's edits; shows what the document says (set by MiniBatchController)."""

    batch_size_edited = QtCore.Signal(int)
    full_batch_requested = QtCore.Signal()
    seed_edited = QtCore.Signal(int)

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__("Mini-batches (dataset loss)", parent)
        self.setObjectName("miniBatchBox")
        form = QtWidgets.QFormLayout(self)
        self.size_box = SpinBox(objectName="batchSizeBox")
        self.size_box.setRange(-TYPED_LIMIT, TYPED_LIMIT)
        self.size_box.setKeyboardTracking(False)  # applies on Enter or when the field is left
        self.size_box.setGroupSeparatorShown(True)
        self.size_box.setToolTip(
            "Batch size B: each iteration uses the gradient of B examples "
            "(1: stochastic gradient descent; m: every example, plain descent)"
        )
        self.size_box.valueChanged.connect(self.batch_size_edited)
        self.sgd_button = QtWidgets.QPushButton("SGD", objectName="sgdButton")
        self.sgd_button.setToolTip("B = 1: one example per iteration (stochastic gradient descent)")
        self.sgd_button.clicked.connect(lambda: self.batch_size_edited.emit(1))
        self.full_button = QtWidgets.QPushButton("Full batch", objectName="fullBatchButton")
        self.full_button.setToolTip("Every example in every step: the lecture's gradient descent")
        self.full_button.clicked.connect(self.full_batch_requested)
        form.addRow("Batch size B", self.size_box)
        buttons = QtWidgets.QHBoxLayout()
        buttons.addWidget(self.sgd_button)
        buttons.addWidget(self.full_button)
        form.addRow("", buttons)

        self.seed_box = SpinBox(objectName="seedBox")
        self.seed_box.setRange(0, SEED_LIMIT)
        self.seed_box.setKeyboardTracking(False)
        self.seed_box.setToolTip(
            "Seed of the shuffles: the same seed gives the same batches and the same path "
            "(in the window, `gdviz run --seed` and exports)"
        )
        self.seed_box.valueChanged.connect(self.seed_edited)
        form.addRow("Shuffle seed", self.seed_box)
        # A spin box asks for the width of its widest value (−1,000,000,000  (full batch)), which
        # would widen the whole Descent dock past its column; the layout's width is enough.
        for box in (self.size_box, self.seed_box):
            box.setMinimumWidth(BOX_MIN_WIDTH)

        self.note = QtWidgets.QLabel(objectName="batchNote")
        self.note.setWordWrap(True)
        form.addRow(self.note)

    def show_settings(
        self, batch_size: int, seed: int, full: bool, enabled: bool, note: str, problem: bool
    ) -> None:
        """Show B (m for full batch), the seed, and the note: how steps count, or what is wrong."""
        for box, value in ((self.size_box, batch_size), (self.seed_box, seed)):
            if box.value() != value:
                with QtCore.QSignalBlocker(box):
                    box.setValue(value)
        self.size_box.setSuffix("  (full batch)" if full else "")
        self.setEnabled(enabled)
        self.setToolTip("" if enabled else NOT_A_LOSS)
        self.show_note(note, problem)

    def show_note(self, note: str, problem: bool = False) -> None:
        self.note.setStyleSheet(theme.ERROR_STYLE if problem else theme.NOTE_STYLE)
        self.note.setText(note)
