"""Bad input in the window's fields: an inline error, and the previous state stays."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

EXPRESSIONS = ["", "   ", "nan", "inf", "1e400", "x +", "foo(x)", "x**9**9", "__import__('os')",
               "x" * 1200, "(" * 300 + "x" + ")" * 300, "sqrt(-1)", "1/0"]  # fmt: skip


@pytest.mark.parametrize("text", EXPRESSIONS, ids=lambda t: repr(t[:20]))
def test_a_bad_expression_is_refused_inline(main_window, qtbot, text):
    window = main_window
    surface, grid = window.surface, window.grid
    edit = window.function_panel.expression_edit
    edit.setText(text)
    qtbot.keyClick(edit, Qt.Key_Return)
    assert window.function_panel.error_label.isVisible()
    assert window.function_panel.error_label.text()
    assert window.surface is surface and window.grid is grid


@pytest.mark.parametrize("typed", ["nan", "inf", "-1", "0", "abc", "1e400", ""])
def test_number_fields_refuse_what_they_cannot_hold(main_window, qtbot, typed):
    window = main_window
    panel = window.descent_panel
    for box in (panel.lr_box, panel.tol_box, panel.hp_boxes["eps"]):
        before = box.value()
        box.lineEdit().selectAll()
        qtbot.keyClicks(box.lineEdit(), typed)
        qtbot.keyClick(box.lineEdit(), Qt.Key_Return)
        box.clearFocus()
        value = box.value()
        assert value == before or (box.minimum() <= value <= box.maximum() and value == value)
        assert value > 0 or box is panel.tol_box


@pytest.mark.parametrize(
    ("field", "typed", "needle"),
    [
        ("slopes_edit", "1, abc", "abc"),
        ("slopes_edit", "nan", "finite"),
        ("parabolas_edit", "inf", "finite"),
        ("custom_x", "t +", "x(t)"),
    ],
)
def test_limits_fields_say_what_is_wrong_and_keep_the_table(
    main_window, qtbot, field, typed, needle
):
    window = main_window
    window.load_preset("limit-example")
    qtbot.waitUntil(window.grid_is_final, timeout=10000)
    panel = window.limits_panel
    panel.compute_requested.emit()
    rows = panel.table.rowCount()
    getattr(panel, field).setText(typed)
    if field == "custom_x":
        panel.custom_y.setText("t")
    panel.compute_requested.emit()
    assert panel.error_label.isVisible() and needle in panel.error_label.text()
    assert panel.table.rowCount() == rows


@pytest.mark.parametrize("typed", ["inf", "nan", "-inf", "abc", ""])
def test_dataset_cells_refuse_non_finite_x(main_window, typed):
    window = main_window
    model = window.dataset_panel.model
    before = window.dataset
    assert not model.setData(model.index(2, 0), typed)
    assert window.dataset is before
    assert window.dataset_panel.error_label.isVisible()


@pytest.mark.parametrize("typed", ["", "abc", "sqrt(", "log(x)"])
def test_the_one_variable_fields_keep_the_last_good_view(main_window, typed):
    panel = main_window.derivative_panel
    shown = panel.labels["slope"].text()
    panel.g_edit.setText(typed)
    panel.refresh()
    if typed == "log(x)":  # a valid g: the numbers change
        assert panel.labels["slope"].text() != shown
        return
    assert panel.error_label.isVisible()
    assert panel.labels["slope"].text() == shown


def _wheel(widget, steps: int = -1) -> bool:
    """One wheel notch over the widget's centre (negative: scroll down), delivered as Qt
    delivers a real one: to the widget, then to each parent in turn until one accepts it.
    (QApplication propagates only spontaneous wheel events; a sent one stops at the widget.)
    Returns whether the widget itself took it."""
    from PySide6 import QtCore, QtGui, QtWidgets

    centre = QtCore.QPointF(widget.width() / 2, widget.height() / 2)
    global_pos = QtCore.QPointF(widget.mapToGlobal(centre))
    target, taken_by_widget = widget, None
    while target is not None:
        local = QtCore.QPointF(target.mapFromGlobal(global_pos))
        event = QtGui.QWheelEvent(
            local, global_pos, QtCore.QPoint(0, 0), QtCore.QPoint(0, 120 * steps),
            QtCore.Qt.NoButton, QtCore.Qt.NoModifier, QtCore.Qt.NoScrollPhase, False,
        )  # fmt: skip
        QtWidgets.QApplication.sendEvent(target, event)
        if taken_by_widget is None:
            taken_by_widget = event.isAccepted()
        if event.isAccepted() or target.isWindow():
            break
        target = target.parentWidget()
    return taken_by_widget


def _scroll_bar(widget):
    from PySide6 import QtWidgets

    parent = widget.parentWidget()
    while not isinstance(parent, QtWidgets.QScrollArea):
        parent = parent.parentWidget()
    return parent.verticalScrollBar()


def _value(widget):
    return widget.currentIndex() if hasattr(widget, "currentIndex") else widget.value()


def test_the_wheel_scrolls_the_panel_not_an_unfocused_field(main_window, qtbot):
    window = main_window
    window.resize(1280, 420)  # short: the side panels scroll
    window.docks["direction"].raise_()
    window.docks["descent"].raise_()
    qtbot.wait(100)
    direction, descent = window.direction_panel, window.descent_panel
    fields = [direction.angle_box, direction.dial, direction.step_box, direction.u1_box,
              descent.optimizer_combo, descent.lr_box, descent.lr_slider, descent.max_steps_box,
              window.point_panel.x_box]  # fmt: skip
    window.view.setFocus()
    qtbot.waitUntil(window.view.hasFocus, timeout=2000)
    before = [_value(w) for w in fields]
    scrolled = 0
    for widget in fields:
        bar = _scroll_bar(widget)
        bar.setValue(bar.minimum())
        can_scroll = bar.maximum() > bar.minimum()
        assert not _wheel(widget), widget.objectName()  # ignored: it goes on to the panel
        assert not widget.hasFocus()  # the wheel does not take the focus either
        if can_scroll:
            assert bar.value() > bar.minimum(), widget.objectName()  # the panel scrolled
            scrolled += 1
    assert [_value(w) for w in fields] == before
    assert scrolled >= 2  # the short window made at least the two raised panels scroll
    assert window.doc.point == window.point and window.descent.runs == {}
    for widget in (direction.angle_box, direction.dial, descent.optimizer_combo):
        widget.setFocus()
        qtbot.waitUntil(widget.hasFocus, timeout=2000)
        value = _value(widget)
        assert _wheel(widget)
        assert _value(widget) != value, widget.objectName()  # a focused field takes the wheel
