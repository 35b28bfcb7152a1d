"""File → Export…: what to animate, format, size, timing, background, a preview, an estimate."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from gdviz.core.animation import ANIMATIONS, DEFAULT_TIMING, TIMINGS
from gdviz.export.formats import EXPORT_FORMATS, FORMAT_BY_KEY
from gdviz.export.spec import (
    DEFAULT_FPS,
    DEFAULT_FRAMES,
    ExportError,
    ExportSpec,
    estimate,
    hold_for,
    validate,
)
from gdviz.ui import theme
from gdviz.ui.exporter import FrameRequest

SIZES = (("1280 × 720", (1280, 720)), ("1920 × 1080", (1920, 1080)),
         ("3840 × 2160", (3840, 2160)), ("Custom", None))  # fmt: skip
ANIMATION_TITLES = {
    "descent": "Descent playback of every run",
    "delta": "Δ shrinking toward 0",
    "direction": "u rotating",
    "orbit": "Camera orbit",
    "starts": "Many starts growing together",
}
PREVIEW_WIDTH = 420


class ExportDialog(QtWidgets.QDialog):
    """Collects an ExportSpec and a FrameRequest; shows a preview frame and an estimate."""

    def __init__(self, window, default_folder: str, parent=None):
        super().__init__(parent or window)
        self.setWindowTitle("Export")
        self.window_ = window
        layout = QtWidgets.QHBoxLayout(self)
        form_box = QtWidgets.QWidget()
        form = QtWidgets.QFormLayout(form_box)
        layout.addWidget(form_box, 1)

        self.animation_checks: dict[str, QtWidgets.QCheckBox] = {}
        animations = QtWidgets.QVBoxLayout()
        for kind in ANIMATIONS:
            check = QtWidgets.QCheckBox(ANIMATION_TITLES[kind], objectName=f"animate_{kind}")
            animations.addWidget(check)
            self.animation_checks[kind] = check
        has_runs = bool(window.descent.runs)
        self.animation_checks["descent"].setChecked(has_runs)
        self.animation_checks["descent"].setEnabled(has_runs)
        has_scatter = window.doc.scatter.scatter is not None
        self.animation_checks["starts"].setEnabled(has_scatter)
        self.animation_checks["starts"].setChecked(has_scatter and not has_runs)
        if not has_scatter:
            self.animation_checks["starts"].setToolTip("Scatter starts first (Ctrl+Shift+M)")
        if not has_runs:
            self.animation_checks["descent"].setToolTip("Start a run first (Space)")
            self.animation_checks["orbit"].setChecked(not has_scatter)
        form.addRow("Animate", animations)

        self.format_combo = QtWidgets.QComboBox(objectName="exportFormat")
        for fmt in EXPORT_FORMATS:
            self.format_combo.addItem(fmt.label, fmt.key)
        form.addRow("Format", self.format_combo)
        self.size_combo = QtWidgets.QComboBox(objectName="exportSize")
        for title, size in SIZES:
            self.size_combo.addItem(title, size)
        self.width_box = QtWidgets.QSpinBox(objectName="exportWidth")
        self.height_box = QtWidgets.QSpinBox(objectName="exportHeight")
        for box, value in ((self.width_box, 1280), (self.height_box, 720)):
            box.setRange(16, 7680)
            box.setValue(value)
            box.setEnabled(False)
        size_row = QtWidgets.QHBoxLayout()
        size_row.addWidget(self.size_combo)
        size_row.addWidget(self.width_box)
        size_row.addWidget(QtWidgets.QLabel("×"))
        size_row.addWidget(self.height_box)
        form.addRow("Size", size_row)
        self.fps_box = QtWidgets.QSpinBox(objectName="exportFps")
        self.fps_box.setRange(1, 120)
        self.fps_box.setValue(DEFAULT_FPS)
        self.frames_box = QtWidgets.QSpinBox(objectName="exportFrames")
        self.frames_box.setRange(1, 100_000)
        self.frames_box.setValue(DEFAULT_FRAMES)
        self.frames_box.setToolTip(
            "Frames that move; a video of a descent or of Δ → 0 then stays 1 s on its last frame"
        )
        self.duration_label = QtWidgets.QLabel()
        timing = QtWidgets.QHBoxLayout()
        timing.addWidget(self.fps_box)
        timing.addWidget(QtWidgets.QLabel("fps,"))
        timing.addWidget(self.frames_box)
        timing.addWidget(QtWidgets.QLabel("frames ="))
        timing.addWidget(self.duration_label)
        form.addRow("Length", timing)
        self.timing_combo = QtWidgets.QComboBox(objectName="exportTiming")
        for item in TIMINGS:
            self.timing_combo.addItem(item.title, item.key)
            self.timing_combo.setItemData(
                self.timing_combo.count() - 1, item.help, QtCore.Qt.ToolTipRole
            )
        self.timing_combo.setCurrentIndex(self.timing_combo.findData(DEFAULT_TIMING))
        self.timing_combo.setToolTip("How the steps of a descent are spread over the frames")
        form.addRow("Descent timing", self.timing_combo)
        self.follow_check = QtWidgets.QCheckBox(
            "Camera follows the run, close up", objectName="exportFollow"
        )
        self.follow_check.setEnabled(has_runs)
        form.addRow("Camera", self.follow_check)
        self.background_combo = QtWidgets.QComboBox(objectName="exportBackground")
        for title, key in (
            ("Dark", "dark"),
            ("Light", "light"),
            ("Transparent (PNG)", "transparent"),
        ):
            self.background_combo.addItem(title, key)
        form.addRow("Background", self.background_combo)
        self.overlay_check = QtWidgets.QCheckBox("Title, formula, iteration and loss on the frames")
        self.overlay_check.setChecked(True)
        self.title_edit = QtWidgets.QLineEdit(window.surface.title, objectName="exportTitle")
        form.addRow("Text", self.overlay_check)
        form.addRow("Title", self.title_edit)
        self.path_edit = QtWidgets.QLineEdit(objectName="exportPath")
        self.path_edit.setText(str(Path(default_folder) / "gdviz.mp4"))
        browse = QtWidgets.QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        path_row = QtWidgets.QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        form.addRow("Save as", path_row)
        self.estimate_label = QtWidgets.QLabel(objectName="exportEstimate")
        self.error_label = QtWidgets.QLabel(objectName="exportError")
        self.error_label.setStyleSheet(theme.ERROR_STYLE)
        self.error_label.setWordWrap(True)
        form.addRow("Estimate", self.estimate_label)
        form.addRow(self.error_label)
        buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.Ok | QtWidgets.QDialogButtonBox.Cancel
        )
        self.export_button = buttons.button(QtWidgets.QDialogButtonBox.Ok)
        self.export_button.setText("Export")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

        self.preview = QtWidgets.QLabel(objectName="exportPreview")
        self.preview.setFixedSize(PREVIEW_WIDTH, round(PREVIEW_WIDTH * 9 / 16))
        self.preview.setAlignment(QtCore.Qt.AlignCenter)
        self.preview.setStyleSheet("background: #111;")
        preview_box = QtWidgets.QVBoxLayout()
        preview_box.addWidget(QtWidgets.QLabel("Preview"))
        preview_box.addWidget(self.preview)
        preview_box.addStretch(1)
        layout.addLayout(preview_box)

        self._preview_timer = QtCore.QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(250)
        self._preview_timer.timeout.connect(self.refresh_preview)
        for signal in (
            self.format_combo.currentIndexChanged, self.size_combo.currentIndexChanged,
            self.width_box.valueChanged, self.height_box.valueChanged,
            self.fps_box.valueChanged, self.frames_box.valueChanged,
            self.background_combo.currentIndexChanged, self.overlay_check.toggled,
            self.title_edit.textChanged, self.path_edit.textChanged,
            self.timing_combo.currentIndexChanged, self.follow_check.toggled,
        ):  # fmt: skip
            signal.connect(self._changed)
        for check in self.animation_checks.values():
            check.toggled.connect(self._changed)
        self.format_combo.currentIndexChanged.connect(self._format_changed)
        self.size_combo.currentIndexChanged.connect(self._size_changed)
        self.spec: ExportSpec | None = None
        self.request: FrameRequest | None = None
        self._changed()
        self.refresh_preview()

    # --- reading the form ---------------------------------------------------------------------
    def current(self) -> tuple[ExportSpec, FrameRequest]:
        """The spec and request the form describes; ExportError/ValueError say what is wrong."""
        fmt = self.format_combo.currentData()
        size = self.size_combo.currentData() or (self.width_box.value(), self.height_box.value())
        kinds = tuple(k for k, c in self.animation_checks.items() if c.isChecked())
        animated = FORMAT_BY_KEY[fmt].animated
        frames = self.frames_box.value() if animated else 1
        if animated and not kinds:
            raise ExportError("choose at least one thing to animate")
        background = self.background_combo.currentData()
        spec = validate(
            ExportSpec(
                Path(self.path_edit.text().strip()), fmt, size[0], size[1],
                float(self.fps_box.value()), frames, background,
            )
        )  # fmt: skip
        kinds = kinds or ("orbit",)
        hold = hold_for(fmt, kinds, float(self.fps_box.value())) if animated else 0
        spec = replace(spec, frames=frames + hold, hold=hold)
        request = FrameRequest(
            kinds, frames, size[0], size[1], background,
            overlays=self.overlay_check.isChecked(), title=self.title_edit.text(),
            timing=self.timing_combo.currentData(), hold=hold,
            follow=self.follow_check.isChecked() and "descent" in kinds,
        )  # fmt: skip
        return spec, request

    def _changed(self, *_args) -> None:
        self.duration_label.setText(f"{self.frames_box.value() / self.fps_box.value():.1f} s")
        self.timing_combo.setEnabled(
            any(self.animation_checks[k].isChecked() for k in ("descent", "starts"))
        )
        try:
            spec, request = self.current()
        except (ExportError, ValueError) as err:
            self.error_label.setText(str(err))
            self.estimate_label.setText("—")
            self.export_button.setEnabled(False)
            return
        self.error_label.clear()
        self.export_button.setEnabled(True)
        guess = estimate(spec, request.kinds, request.follow)
        held = f" (the last {request.hold / spec.fps:.0f} s held)" if request.hold else ""
        self.estimate_label.setText(
            f"{guess.duration_s:.1f} s of video{held}, about {_megabytes(guess.approx_bytes)}"
        )
        self._preview_timer.start()

    def _format_changed(self) -> None:
        fmt = self.format_combo.currentData()
        suffix = FORMAT_BY_KEY[fmt].suffix
        path = Path(self.path_edit.text().strip() or "gdviz")
        stem = path.with_suffix("") if path.suffix else path
        self.path_edit.setText(str(stem) + (suffix or ""))
        self.frames_box.setEnabled(FORMAT_BY_KEY[fmt].animated)

    def _size_changed(self) -> None:
        custom = self.size_combo.currentData() is None
        self.width_box.setEnabled(custom)
        self.height_box.setEnabled(custom)

    def _browse(self) -> None:
        fmt = self.format_combo.currentData()
        if not FORMAT_BY_KEY[fmt].suffix:  # a folder
            path = QtWidgets.QFileDialog.getExistingDirectory(self, "Folder for the PNG frames")
        else:
            path, _ = QtWidgets.QFileDialog.getSaveFileName(
                self, "Export to", self.path_edit.text()
            )
        if path:
            self.path_edit.setText(path)

    def refresh_preview(self) -> None:
        """Render the first frame at a small size with the chosen options."""
        from gdviz.ui.exporter import render_frames

        try:
            _, request = self.current()
        except (ExportError, ValueError):
            return
        w = PREVIEW_WIDTH
        h = max(16, round(w * request.height / request.width))
        small = replace(request, frames=1, width=w, height=h, hold=0)
        try:
            frame = next(iter(render_frames(self.window_, small)))
        except (RuntimeError, ValueError) as err:
            self.preview.setText(f"No preview: {err}")
            return
        frame = np.ascontiguousarray(frame)
        image = QtGui.QImage(frame.data, w, h, 4 * w, QtGui.QImage.Format_RGBA8888).copy()
        self.preview.setPixmap(QtGui.QPixmap.fromImage(image))

    def _accept(self) -> None:
        try:
            self.spec, self.request = self.current()
        except (ExportError, ValueError) as err:
            self.error_label.setText(str(err))
            return
        self.accept()


def _megabytes(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n / 1e3:.0f} kB"
