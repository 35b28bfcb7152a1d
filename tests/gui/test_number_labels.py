"""Number labels: selectable by mouse where the pointer is, plain labels while numbers change."""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

SELECTABLE = QtCore.Qt.TextInteractionFlag.TextSelectableByMouse


def _point(label: QtWidgets.QLabel) -> QtCore.QPointF:
    return QtCore.QPointF(label.rect().center())


def _hover(label: QtWidgets.QLabel, entering: bool) -> None:
    if entering:
        point = _point(label)
        event = QtGui.QEnterEvent(point, point, label.mapToGlobal(point))
    else:
        event = QtCore.QEvent(QtCore.QEvent.Type.Leave)
    QtWidgets.QApplication.sendEvent(label, event)


def test_the_point_panels_numbers_can_be_selected_and_copied_where_the_pointer_is(main_window):
    label = main_window.point_panel.value_label
    assert label.text() and not label.textInteractionFlags() & SELECTABLE
    _hover(label, entering=True)
    assert label.textInteractionFlags() & SELECTABLE
    label.setSelection(0, len(label.text()))  # what a drag across it does
    assert label.selectedText() == label.text()
    _hover(label, entering=False)
    assert label.textInteractionFlags() & SELECTABLE  # the selection stays, to be copied
    label.setSelection(0, 0)
    _hover(label, entering=True)
    _hover(label, entering=False)
    assert not label.textInteractionFlags() & SELECTABLE


def test_a_number_changing_under_the_pointer_keeps_its_new_text_selectable(main_window, qtbot):
    window = main_window
    label = window.point_panel.value_label
    _hover(label, entering=True)
    before = label.text()
    window.set_point(1.0, -2.0)
    qtbot.waitUntil(lambda: label.text() != before, timeout=2000)
    assert label.textInteractionFlags() & SELECTABLE
    label.setSelection(0, len(label.text()))
    assert label.selectedText() == label.text()
