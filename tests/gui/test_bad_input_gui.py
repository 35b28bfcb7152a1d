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
