"""The direction panel: a unit vector u, the secant along it, D_u f = ∇f·u and its polar plot."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from gdviz.core.numbers import format_number
from gdviz.ui import theme
from gdviz.ui.widgets import (
    Dial,
    DoubleSpinBox,
    ScientificSpinBox,
    number_box,
    number_label,
    pin_check,
)

ROTATE_FRAME_MS = 40
ROTATE_DEGREES_PER_FRAME = 3


def dial_value_for_angle(degrees: float) -> int:
    """The QDial value whose knob points along the angle (counter-clockwise from +x, as u is
    drawn in the top view). QDial's 0 is at the bottom and grows clockwise."""
    return round(-90.0 - degrees) % 360


def angle_for_dial_value(value: int) -> float:
    """The angle of u (degrees, counter-clockwise from +x) a dial value points along."""
    return float((-90 - value) % 360)


class DirectionPanel(QtWidgets.QWidget):
    """Sets u (by angle or components) and the step s; shows the numbers core computes."""

    direction_changed = QtCore.Signal(float, float)  # the vector as given (normalised by core)
    step_changed = QtCore.Signal(float)
    shown_toggled = QtCore.Signal(bool)
    pinned_toggled = QtCore.Signal(bool)
    gradient_toggled = QtCore.Signal(bool)
    tangent_plane_toggled = QtCore.Signal(bool)
    close_up_requested = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        layout = QtWidgets.QVBoxLayout(self)
        self.show_check = QtWidgets.QCheckBox("Show u, I0, J, the slice and the secant along u")
        self.show_check.setObjectName("directionShow")
        self.show_check.toggled.connect(self.shown_toggled)
        self.gradient_check = QtWidgets.QCheckBox("Show the gradient arrow at the point")
        self.gradient_check.setObjectName("gradientShow")
        self.gradient_check.toggled.connect(self.gradient_toggled)
        self.plane_check = QtWidgets.QCheckBox("Show the tangent plane at the point")
        self.plane_check.setObjectName("tangentPlaneShow")
        self.plane_check.toggled.connect(self.tangent_plane_toggled)
        self.pin_check = pin_check("directionPin")
        self.pin_check.toggled.connect(self.pinned_toggled)
        for check in (self.show_check, self.gradient_check, self.plane_check, self.pin_check):
            layout.addWidget(check)
        self.close_up_button = QtWidgets.QPushButton("Close-up of the point (Ctrl+F)")
        self.close_up_button.setObjectName("directionCloseUp")
        self.close_up_button.clicked.connect(self.close_up_requested)
        layout.addWidget(self.close_up_button)

        form = QtWidgets.QGridLayout()
        self.dial = Dial(objectName="directionDial")
        self.dial.setRange(0, 359)
        self.dial.setWrapping(True)
        self.dial.setNotchesVisible(True)
        self.dial.setFixedSize(84, 84)
        self.dial.setToolTip("The angle of u, measured from the first axis")
        self.dial.valueChanged.connect(self._on_dial)
        self.angle_box = DoubleSpinBox(objectName="angleBox")
        self.angle_box.setRange(-360.0, 720.0)
        self.angle_box.setDecimals(2)
        self.angle_box.setSuffix("°")
        self.angle_box.setKeyboardTracking(False)
        self.angle_box.setToolTip("The angle of u in degrees")
        self.angle_box.valueChanged.connect(self._on_angle)
        self.u1_box = number_box("u1Box", "First component of u (normalised for you)")
        self.u2_box = number_box("u2Box", "Second component of u (normalised for you)")
        for box in (self.u1_box, self.u2_box):
            box.editingFinished.connect(self._on_components)
        self.step_box = ScientificSpinBox(1e-10, 10.0, factor=10**0.25, objectName="stepBox")
        self.step_box.setValue(0.2)
        self.step_box.setToolTip("s: how far along u the secant reaches, I0 = A0 + s·u")
        self.step_box.valueChanged.connect(self.step_changed)
        self.rotate_button = QtWidgets.QPushButton("Rotate u", objectName="rotateButton")
        self.rotate_button.setCheckable(True)
        self.rotate_button.setToolTip("Turn u around the circle and watch D_u f change")
        self.rotate_button.toggled.connect(self._on_rotate_toggled)
        form.addWidget(self.dial, 0, 0, 3, 1)
        form.addWidget(QtWidgets.QLabel("angle"), 0, 1)
        form.addWidget(self.angle_box, 0, 2)
        form.addWidget(QtWidgets.QLabel("u ="), 1, 1)
        components = QtWidgets.QHBoxLayout()
        components.addWidget(self.u1_box)
        components.addWidget(self.u2_box)
        form.addLayout(components, 1, 2)
        form.addWidget(QtWidgets.QLabel("step s"), 2, 1)
        form.addWidget(self.step_box, 2, 2)
        form.addWidget(self.rotate_button, 3, 0, 1, 3)
        layout.addLayout(form)
        self.error_label = QtWidgets.QLabel(objectName="directionError")
        self.error_label.setStyleSheet(theme.ERROR_STYLE)
        self.error_label.hide()
        layout.addWidget(self.error_label)

        numbers = QtWidgets.QFormLayout()
        self.labels: dict[str, QtWidgets.QLabel] = {}
        for key, title in (
            ("u", "u (unit)"),
            ("norm", "|u| as typed"),
            ("i0", "I0 = A0 + s·u"),
            ("f_i0", "f(I0)"),
            ("secant", "secant slope"),
            ("derivative", "D_u f = ∇f·u"),
            ("gradient", "∇f"),
            ("grad_norm", "|∇f| (max D_u f)"),
        ):
            self.labels[key] = number_label(f"direction_{key}", wrap=True)
            numbers.addRow(title, self.labels[key])
        layout.addLayout(numbers)

        self.polar = pg.PlotWidget(background=theme.PLOT_BACKGROUND, objectName="polarPlot")
        self.polar.setAspectLocked(True)
        self.polar.setMinimumHeight(240)
        self.polar.hideAxis("left")
        self.polar.hideAxis("bottom")
        self.polar.setMouseEnabled(False, False)
        self.polar.setToolTip(
            "D_u f for every direction u, drawn at distance |D_u f| in direction u: green where "
            "f rises (largest along ∇f), red where it falls (most along −∇f), zero along the "
            "level curve"
        )
        self.positive_curve = self.polar.plot(pen=pg.mkPen(theme.GOOD, width=2))
        self.negative_curve = self.polar.plot(pen=pg.mkPen(theme.ERROR, width=2))
        self.level_line = self.polar.plot(
            pen=pg.mkPen(theme.MUTED, width=1, style=QtCore.Qt.DashLine)
        )
        self.u_line = self.polar.plot(pen=pg.mkPen(theme.ACCENT, width=3))
        self.gradient_line = self.polar.plot(pen=pg.mkPen(theme.WHITE, width=2))
        self.polar_caption = QtWidgets.QLabel(objectName="polarCaption")
        self.polar_caption.setWordWrap(True)
        self.polar_caption.setStyleSheet(theme.NOTE_STYLE)
        layout.addWidget(self.polar)
        layout.addWidget(self.polar_caption)
        layout.addStretch(1)

        self._rotate_timer = QtCore.QTimer(self)
        self._rotate_timer.setInterval(ROTATE_FRAME_MS)
        self._rotate_timer.timeout.connect(
            lambda: self._set_angle((self.angle_box.value() + ROTATE_DEGREES_PER_FRAME) % 360)
        )
        self.set_direction(0.5, math.sqrt(3) / 2, emit=False)

    # --- u ------------------------------------------------------------------------------------
    def direction(self) -> tuple[float, float]:
        """u as set: exact (the fields show it rounded to 6 decimals)."""
        return self._u

    def step(self) -> float:
        return self.step_box.value()

    def set_direction(self, u1: float, u2: float, emit: bool = True) -> None:
        """Show (u1, u2) in the fields, the dial and the angle; a zero vector is refused."""
        self._u = (float(u1), float(u2))
        for box, value in ((self.u1_box, u1), (self.u2_box, u2)):
            with QtCore.QSignalBlocker(box):
                box.setValue(value)
        if u1 == 0 and u2 == 0:
            self.show_error("u must be a non-zero vector: its direction is undefined")
            return
        self.clear_error()
        angle = math.degrees(math.atan2(u2, u1)) % 360
        with QtCore.QSignalBlocker(self.angle_box):
            self.angle_box.setValue(angle)
        with QtCore.QSignalBlocker(self.dial):
            self.dial.setValue(dial_value_for_angle(angle))
        if emit:
            self.direction_changed.emit(u1, u2)

    def _on_dial(self, value: int) -> None:
        self._set_angle(angle_for_dial_value(value))

    def _on_angle(self, degrees: float) -> None:
        self._set_angle(degrees)

    def _set_angle(self, degrees: float) -> None:
        radians = math.radians(degrees)
        u1, u2 = math.cos(radians), math.sin(radians)
        self._u = (u1, u2)
        for box, value in ((self.u1_box, u1), (self.u2_box, u2)):
            with QtCore.QSignalBlocker(box):
                box.setValue(value)
        with QtCore.QSignalBlocker(self.angle_box):
            self.angle_box.setValue(degrees % 360)
        with QtCore.QSignalBlocker(self.dial):
            self.dial.setValue(dial_value_for_angle(degrees))
        self.clear_error()
        self.direction_changed.emit(u1, u2)

    def _on_components(self) -> None:
        typed = (self.u1_box.value(), self.u2_box.value())
        shown = tuple(round(v, self.u1_box.decimals()) for v in self._u)
        if typed != shown:  # an edit, not just focus leaving the field
            self.set_direction(*typed)

    def _on_rotate_toggled(self, running: bool) -> None:
        if running:
            self._rotate_timer.start()
        else:
            self._rotate_timer.stop()
        self.rotate_button.setText("Stop" if running else "Rotate u")

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def clear_error(self) -> None:
        self.error_label.hide()

    # --- numbers ------------------------------------------------------------------------------
    def show_directional(self, report, gradient: tuple[float, float], grad_norm: float) -> None:
        """Show a DirectionalReport (gdviz.core.calculus.directional) and ∇f at the point."""
        u1, u2 = report.u
        ix, iy = report.point
        self.labels["u"].setText(f"({format_number(u1)}, {format_number(u2)})")
        self.labels["norm"].setText(format_number(report.u_norm_input))
        self.labels["i0"].setText(f"({format_number(ix, 8)}, {format_number(iy, 8)})")
        self.labels["f_i0"].setText(format_number(report.f_shifted))
        self.labels["secant"].setText(format_number(report.secant_slope))
        self.labels["derivative"].setText(format_number(report.derivative))
        self.labels["gradient"].setText(
            f"({format_number(gradient[0])}, {format_number(gradient[1])})"
        )
        self.labels["grad_norm"].setText(format_number(grad_norm))

    def show_polar(
        self, angles: np.ndarray, derivatives: np.ndarray, u: tuple[float, float],
        gradient: tuple[float, float],
    ) -> None:  # fmt: skip
        """The sweep of D_u f over the angle, as distance |D_u f| along each direction."""
        r = np.asarray(derivatives, float)
        cos, sin = np.cos(angles), np.sin(angles)
        positive = np.where(r >= 0, r, np.nan)
        negative = np.where(r < 0, -r, np.nan)
        self.positive_curve.setData(positive * cos, positive * sin, connect="finite")
        self.negative_curve.setData(negative * cos, negative * sin, connect="finite")
        radius = float(np.nanmax(np.abs(r))) if np.isfinite(r).any() else 1.0
        radius = radius or 1.0
        gx, gy = gradient
        norm = math.hypot(gx, gy)
        if norm > 0:
            self.gradient_line.setData([0, gx], [0, gy])
            self.level_line.setData([-gy / norm * radius, gy / norm * radius],
                                    [gx / norm * radius, -gx / norm * radius])  # fmt: skip
        else:
            self.gradient_line.setData([], [])
            self.level_line.setData([], [])
        d = float(np.dot(u, gradient))
        self.u_line.setData([0, u[0] * abs(d)], [0, u[1] * abs(d)])
        self.polar.setRange(xRange=(-radius, radius), yRange=(-radius, radius), padding=0.1)
        self.polar_caption.setText(
            f"Largest rise |∇f| = {format_number(norm)} along ∇f/|∇f|; zero along the level curve "
            f"(dashed); steepest fall −{format_number(norm)} along −∇f. Yellow: the current u."
        )
