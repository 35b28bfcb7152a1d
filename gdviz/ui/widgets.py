"""Small reusable widgets: number labels; spin boxes, dials and sliders that wheel when focused."""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6 import QtCore, QtGui, QtWidgets

from gdviz.core.numbers import VALUE_DIGITS, format_number, parse_coordinate


class _WheelWhenFocused:
    """Mixin: the wheel changes the value only once the widget has the focus (a click or Tab).

    Before that the wheel event is ignored, so Qt passes it on to the parent and the panel's
    scroll area scrolls (u once jumped to 257.6° while the panel was being scrolled). With
    Qt.StrongFocus the wheel itself does not give the focus (spin boxes default to WheelFocus).
    """

    def wheelEvent(self, event: QtGui.QWheelEvent) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


def _take_focus_by_click_or_tab(widget: QtWidgets.QWidget) -> None:
    widget.setFocusPolicy(QtCore.Qt.StrongFocus)


class SpinBox(_WheelWhenFocused, QtWidgets.QSpinBox):
    """A QSpinBox for the side panels: the wheel scrolls the panel until it has the focus."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _take_focus_by_click_or_tab(self)


class DoubleSpinBox(_WheelWhenFocused, QtWidgets.QDoubleSpinBox):
    """A QDoubleSpinBox for the side panels: the wheel scrolls the panel until it has the focus."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _take_focus_by_click_or_tab(self)


class ComboBox(_WheelWhenFocused, QtWidgets.QComboBox):
    """A QComboBox for the side panels: the wheel scrolls the panel until it has the focus."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _take_focus_by_click_or_tab(self)


class Dial(_WheelWhenFocused, QtWidgets.QDial):
    """A QDial for the side panels: the wheel scrolls the panel until it has the focus."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _take_focus_by_click_or_tab(self)


class NumberLabel(QtWidgets.QLabel):
    """A label whose text the mouse can select while the pointer is over it (or text stays
    selected). A selectable QLabel keeps its text in a QTextDocument that every setText
    rebuilds, which doubles the cost of a number changing 15 times a second during a run; the
    rest of the time this one is a plain label."""

    _SELECTABLE = QtCore.Qt.TextInteractionFlag.TextSelectableByMouse
    _PLAIN = QtCore.Qt.TextInteractionFlag.NoTextInteraction

    def enterEvent(self, event) -> None:
        self.setTextInteractionFlags(self._SELECTABLE)
        super().enterEvent(event)

    def leaveEvent(self, event) -> None:
        super().leaveEvent(event)
        if not self.hasSelectedText():
            self.setTextInteractionFlags(self._PLAIN)


def number_label(name: str, wrap: bool = False) -> QtWidgets.QLabel:
    """A monospace label for numbers and formulas, selectable by mouse (tests find it by
    objectName)."""
    label = NumberLabel(objectName=name)
    label.setStyleSheet("font-family: monospace;")
    label.setWordWrap(wrap)
    return label


def number_box(
    name: str, tooltip: str, limit: float = 1e6, decimals: int = 6, step: float = 0.1
) -> QtWidgets.QDoubleSpinBox:
    """A spin box for a coordinate in [−limit, limit] that applies on Enter, not per keystroke."""
    box = DoubleSpinBox(objectName=name)
    box.setRange(-limit, limit)
    box.setDecimals(decimals)
    box.setSingleStep(step)
    box.setKeyboardTracking(False)
    box.setToolTip(tooltip)
    return box


class CoordinateSpinBox(DoubleSpinBox):
    """A coordinate field that reads numbers and constant expressions ("pi", "−pi/2", "sqrt(2)").

    The text is read by core's parse_coordinate (gdviz's safe expression parser), and the value
    is kept at full precision (typing pi gives math.pi, not 3.141593). Text that cannot be read
    is refused when Enter is pressed or the field loses focus: the value stays what it was and
    `take_error()` returns the reason once.
    """

    def __init__(self, what: str, limit: float, parent=None, **kwargs):
        super().__init__(parent, **kwargs)
        self.what = what  # the field's name in messages (x, or w on the loss surface)
        self._error = ""
        self.setDecimals(323)  # keep full precision; the text is formatted below
        self.setRange(-limit, limit)
        self.setKeyboardTracking(False)

    def textFromValue(self, value: float) -> str:
        return format_number(value, VALUE_DIGITS)

    def valueFromText(self, text: str) -> float:
        if text == self.textFromValue(self.value()):
            return self.value()  # Enter on the shown (rounded) text keeps the exact value
        value, error = self._read(text)
        if error:
            return self.value()
        self._error = ""
        return value

    def validate(self, text: str, pos: int):
        # Anything may be typed on the way to an expression; Enter then accepts or refuses it.
        value, error = self._read(text)
        state = QtGui.QValidator.Intermediate if error else QtGui.QValidator.Acceptable
        return state, text, pos

    def fixup(self, text: str) -> str:
        _value, error = self._read(text)
        if error:
            self._error = error
        return text

    def take_error(self) -> str:
        """Why the last entry was refused ("" if it was not), and forget it."""
        error, self._error = self._error, ""
        return error

    def _read(self, text: str) -> tuple[float, str]:
        try:
            value = parse_coordinate(text, self.what)
        except ValueError as err:
            return math.nan, str(err)
        if not self.minimum() <= value <= self.maximum():
            shown = f"[{format_number(self.minimum())}, {format_number(self.maximum())}]"
            return math.nan, f"{self.what}: {text.strip()[:40]!r} is outside {shown}"
        return value, ""


def coordinate_box(name: str, what: str, tooltip: str, limit: float = 1e9) -> CoordinateSpinBox:
    """A coordinate field in [−limit, limit] that applies on Enter and accepts pi, sqrt(2)…"""
    box = CoordinateSpinBox(what, limit, objectName=name)
    box.setSingleStep(0.1)
    box.setToolTip(tooltip)
    return box


def pin_check(name: str) -> QtWidgets.QCheckBox:
    """ "Keep drawn": a tool's construction stays on the surface while another tool is active."""
    check = QtWidgets.QCheckBox("Keep drawn when another tab is active", objectName=name)
    check.setToolTip("Pin this construction: it stays on the surface whatever tab you open")
    return check


class ScientificSpinBox(DoubleSpinBox):
    """A double spin box that prints and reads numbers such as 0.01, 1e-05 or 2.5e-3.

    Up/down multiply or divide by a step factor (log steps suit learning rates and tolerances).
    Text that is not a number inside the range is refused by the validator, so the value
    never becomes NaN, infinite or out of range.
    """

    def __init__(self, minimum: float, maximum: float, factor: float = 2.0, parent=None, **kwargs):
        super().__init__(parent, **kwargs)
        self.setDecimals(323)  # keep full precision; the text is formatted below
        self.setRange(minimum, maximum)
        self.setKeyboardTracking(False)
        self._factor = factor

    def textFromValue(self, value: float) -> str:
        return f"{value:.6g}"

    def valueFromText(self, text: str) -> float:
        try:
            return float(text.strip().replace("−", "-"))
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int):
        stripped = text.strip().replace("−", "-")
        try:
            value = float(stripped)
        except ValueError:
            partial = stripped in ("", "-", ".", "-.") or stripped.lower().endswith(
                ("e", "e-", "e+")
            )
            state = QtGui.QValidator.Intermediate if partial else QtGui.QValidator.Invalid
            return state, text, pos
        if not math.isfinite(value):
            return QtGui.QValidator.Invalid, text, pos
        if self.minimum() <= value <= self.maximum():
            return QtGui.QValidator.Acceptable, text, pos
        return QtGui.QValidator.Intermediate, text, pos

    def fixup(self, text: str) -> str:
        return self.textFromValue(self.value())

    def stepBy(self, steps: int) -> None:
        value = self.value() * self._factor**steps
        self.setValue(min(max(value, self.minimum()), self.maximum()))
        self.editingFinished.emit()


class LogSlider(_WheelWhenFocused, QtWidgets.QSlider):
    """A horizontal slider over [minimum, maximum] on a log scale; emits `log_value_changed`."""

    log_value_changed = QtCore.Signal(float)
    TICKS = 1000

    def __init__(self, minimum: float, maximum: float, parent=None, **kwargs):
        super().__init__(QtCore.Qt.Horizontal, parent, **kwargs)
        _take_focus_by_click_or_tab(self)
        self._lo, self._hi = math.log10(minimum), math.log10(maximum)
        self.setRange(0, self.TICKS)
        self.valueChanged.connect(self._on_value_changed)

    def set_log_value(self, value: float) -> None:
        position = (math.log10(value) - self._lo) / (self._hi - self._lo) * self.TICKS
        with QtCore.QSignalBlocker(self):
            self.setValue(round(min(max(position, 0), self.TICKS)))

    def log_value(self) -> float:
        return 10 ** (self._lo + self.value() / self.TICKS * (self._hi - self._lo))

    def _on_value_changed(self, _position: int) -> None:
        # Round to 3 significant digits so dragging gives readable rates like 0.0123.
        self.log_value_changed.emit(float(f"{self.log_value():.3g}"))


class RefreshWhenShown(QtCore.QObject):
    """Call it to run `refresh` now if `widget` is on screen or `needed()` says so, else when
    the widget is next painted: a panel in a hidden tab computes nothing (nor loads sympy).

    A dock in a tab that is not current still counts as visible to Qt, with nothing of it on
    screen: what counts here is its visible region."""

    def __init__(
        self,
        widget: QtWidgets.QWidget,
        refresh: Callable[[], object],
        needed: Callable[[], bool] = lambda: False,
    ) -> None:
        super().__init__(widget)
        self._widget, self._refresh, self._needed = widget, refresh, needed
        self.stale = False
        widget.installEventFilter(self)

    def __call__(self) -> None:
        if self._needed() or not self._widget.visibleRegion().isEmpty():
            self.stale = False
            self._refresh()
        else:
            self.stale = True

    def catch_up(self) -> None:
        """Refresh now if a refresh is owed (an edit made in the panel itself)."""
        if self.stale:
            self.stale = False
            self._refresh()

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        # a Show event also reaches docks in tabs that are not current: a paint means on screen
        if self.stale and event.type() == QtCore.QEvent.Type.Paint:
            self.stale = False
            QtCore.QTimer.singleShot(0, self._refresh)  # after this paint, not inside it
        return False
