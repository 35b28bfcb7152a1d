"""The calculus lesson in the real window: the panels show the lecture's checked numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6 import QtWidgets

from gdviz.core.numbers import parse_number as parse_shown_number
from tests.gui.pixels import grab_rgb


def shown(label: QtWidgets.QLabel) -> float:
    return parse_shown_number(label.text().split("=")[-1])


@pytest.fixture
def lecture_point(main_window, qtbot):
    """sin x · cos y at A0 = (2, 2.5): the lecture's example for partial derivatives."""
    window = main_window
    window.load_preset("sin-cos")
    qtbot.waitUntil(lambda: window.grid is not None, timeout=10000)
    assert window.point == (2.0, 2.5)
    return window


def test_partials_panel_shows_the_lectures_secants(lecture_point):
    panel = lecture_point.partials_panel
    panel.set_delta(0.2)
    v = panel.values
    # ERRATA.md, first table (f(2, 2.7) is −0.8220705: the errata's −0.8220742 is a typo).
    assert shown(v["f"][0]) == pytest.approx(-0.6477217, abs=5e-8)
    assert shown(v["slope"][0]) == pytest.approx(0.4037805, abs=5e-8)
    assert shown(v["exact"][0]) == pytest.approx(0.3333934, abs=5e-8)
    assert shown(v["f"][1]) == pytest.approx(-0.8220705, abs=5e-8)
    assert shown(v["dz"][1]) == pytest.approx(-0.0935926, abs=5e-8)
    assert shown(v["slope"][1]) == pytest.approx(-0.4679632, abs=5e-8)
    assert shown(v["exact"][1]) == pytest.approx(-0.5441892, abs=5e-8)
    # Independent: the closed forms.
    assert shown(v["slope"][0]) == pytest.approx(
        (math.sin(2.2) - math.sin(2)) * math.cos(2.5) / 0.2, rel=1e-6
    )


def test_convergence_table_shows_round_off_taking_over(lecture_point, qtbot):
    panel = lecture_point.partials_panel
    table = panel.table
    lecture_point.docks["partials"].raise_()  # a hidden tab computes when it is raised
    qtbot.waitUntil(lambda: table.rowCount() > 0, timeout=5000)
    errors = [abs(parse_shown_number(table.item(r, 2).text())) for r in range(table.rowCount())]
    deltas = [float(table.item(r, 0).text()) for r in range(table.rowCount())]
    best = int(np.argmin(errors))
    assert 1e-9 <= deltas[best] <= 1e-7  # truncation error falls, then round-off grows
    assert errors[-1] > 100 * errors[best]
    assert "round-off" in panel.note_label.text()


def test_shrinking_delta_updates_the_numbers(lecture_point, qtbot):
    panel = lecture_point.partials_panel
    panel.set_delta(1e-6)
    assert shown(panel.values["slope"][0]) == pytest.approx(0.3333934, abs=1e-6)
    panel.shrink_button.setChecked(True)
    qtbot.waitUntil(lambda: not panel.shrink_button.isChecked(), timeout=15000)
    assert panel.delta() == pytest.approx(1e-10)


def test_direction_panel_shows_the_lectures_directional_derivative(lecture_point):
    panel = lecture_point.direction_panel
    panel.set_direction(0.5, math.sqrt(3) / 2)
    labels = panel.labels
    i0 = labels["i0"].text().strip("()").split(", ")
    assert parse_shown_number(i0[0]) == pytest.approx(2.1, abs=5e-8)
    assert parse_shown_number(i0[1]) == pytest.approx(2.6732051, abs=5e-8)
    assert shown(labels["f_i0"]) == pytest.approx(-0.7702395, abs=5e-8)
    assert shown(labels["derivative"]) == pytest.approx(-0.3045850, abs=5e-8)
    assert shown(labels["secant"]) == pytest.approx(-0.2088081, abs=5e-8)
    fx, fy = math.cos(2) * math.cos(2.5), -math.sin(2) * math.sin(2.5)
    assert shown(labels["grad_norm"]) == pytest.approx(math.hypot(fx, fy), rel=1e-6)
    assert shown(labels["norm"]) == pytest.approx(1.0)


def test_direction_by_angle_and_zero_vector_error(lecture_point):
    panel = lecture_point.direction_panel
    panel.angle_box.setValue(60.0)
    assert shown(panel.labels["derivative"]) == pytest.approx(-0.3045850, abs=5e-8)
    before = panel.labels["derivative"].text()
    panel.u1_box.setValue(0.0)
    panel.u2_box.setValue(0.0)
    panel.u1_box.editingFinished.emit()
    assert panel.error_label.isVisible()
    assert "non-zero" in panel.error_label.text()
    assert panel.labels["derivative"].text() == before  # the last good u stays
    panel.u1_box.setValue(3.0)
    panel.u2_box.setValue(4.0)
    panel.u1_box.editingFinished.emit()
    assert not panel.error_label.isVisible()
    assert shown(panel.labels["norm"]) == pytest.approx(5.0)
    fx, fy = math.cos(2) * math.cos(2.5), -math.sin(2) * math.sin(2.5)
    assert shown(panel.labels["derivative"]) == pytest.approx(0.6 * fx + 0.8 * fy, rel=1e-6)


def test_constructions_draw_on_the_surface_and_clear(lecture_point, qtbot):
    window = lecture_point
    view = window.view
    qtbot.wait(50)
    view.update()
    plain = grab_rgb(view)
    window.partials_panel.show_check.setChecked(True)
    assert "partials" in view.construction_keys()
    qtbot.wait(50)
    view.update()
    drawn = grab_rgb(view)
    changed = np.abs(drawn.astype(int) - plain.astype(int)).max(axis=2) > 40
    assert changed.sum() > 200
    for check in (window.direction_panel.show_check, window.direction_panel.gradient_check,
                  window.direction_panel.plane_check):  # fmt: skip
        check.setChecked(True)
    assert {"direction", "gradient", "tangent_plane"} <= set(view.construction_keys())
    window.partials_panel.show_check.setChecked(False)
    assert "partials" not in view.construction_keys()


def test_limits_panel_finds_that_the_lecture_limit_does_not_exist(main_window, qtbot):
    window = main_window
    window.load_preset("limit-example")
    qtbot.waitUntil(lambda: window.grid is not None, timeout=10000)
    panel = window.limits_panel
    panel.slopes_edit.setText("1, -1")
    panel.vertical_check.setChecked(False)
    panel.parabolas_edit.setText("1")
    panel.compute_requested.emit()
    table = panel.table
    estimates = {
        table.item(r, 0).text(): table.item(r, table.columnCount() - 1).text()
        for r in range(0, table.rowCount(), 2)
    }
    # ERRATA item 8: −m/(1+m²) along y = m·x; 0 along the parabola.
    assert parse_shown_number(estimates["y = x"]) == pytest.approx(-0.5)
    assert parse_shown_number(estimates["y = −x"]) == pytest.approx(0.5)
    assert parse_shown_number(estimates["y = x²"]) == pytest.approx(0.0, abs=1e-6)
    assert "does not exist" in panel.verdict_label.text()


def test_limits_panel_custom_path_errors_keep_the_table(main_window, qtbot):
    window = main_window
    window.load_preset("limit-example")
    qtbot.waitUntil(lambda: window.grid is not None, timeout=10000)
    panel = window.limits_panel
    panel.custom_x.setText("")
    panel.custom_y.setText("")
    panel.compute_requested.emit()
    rows = panel.table.rowCount()
    assert window.doc.scene.limits.path_x == ""
    panel.custom_x.setText("t +* 2")
    panel.custom_y.setText("t^2")
    panel.compute_requested.emit()
    assert panel.error_label.isVisible() and "column" in panel.error_label.text()
    assert panel.table.rowCount() == rows
    assert window.doc.scene.limits.path_x == ""  # the bad path never reached the document
    panel.custom_x.setText("t + 1")  # at t = 0 this is (1, 0), not (0, 0)
    panel.compute_requested.emit()
    assert "does not pass through" in panel.error_label.text()
    panel.custom_x.setText("t")
    panel.compute_requested.emit()
    assert not panel.error_label.isVisible()
    assert panel.table.rowCount() == rows + 2


def test_one_variable_limits_of_one_over_x(main_window):
    panel = main_window.limits_panel
    panel.g_edit.setText("1/x")
    panel.a_edit.setText("0")
    assert panel.compute_one_variable()
    text = panel.one_verdict.text()
    assert "−∞" in text and "+∞" in text and "no limit" in text
    panel.a_edit.setText("inf")
    assert panel.compute_one_variable()
    assert "0" in panel.one_verdict.text()
    panel.a_edit.setText("zero")
    assert not panel.compute_one_variable()
    assert panel.one_error.isVisible()


def test_one_variable_derivative_view_shows_the_lectures_sqrt_example(main_window, qtbot):
    panel = main_window.derivative_panel
    main_window.docks["derivative"].raise_()  # a panel computes once it is seen
    qtbot.waitUntil(lambda: panel.labels["dy"].text() != "", timeout=5000)
    assert panel.g_edit.text() == "sqrt(x)" and panel.a_box.value() == 4.0
    panel.dx_box.setValue(1.0)
    assert shown(panel.labels["dy"]) == pytest.approx(0.2360680, abs=5e-8)
    assert shown(panel.labels["exact"]) == pytest.approx(0.25)
    panel.dx_box.setValue(0.00008)
    # ERRATA item 4: the slide's 0.26 is wrong; the rate is 0.2499988.
    assert shown(panel.labels["slope"]) == pytest.approx(0.2499988, abs=1e-7)
    assert shown(panel.labels["slope"]) == pytest.approx((math.sqrt(4.00008) - 2) / 0.00008)
    panel.g_edit.setText("sqrt(x")
    assert not panel.refresh()
    assert panel.error_label.isVisible()
    assert shown(panel.labels["slope"]) == pytest.approx(0.2499988, abs=1e-7)  # kept


def test_close_up_zooms_onto_the_point(lecture_point, qtbot):
    window = lecture_point
    far = window.view.opts["distance"]
    window.partials_panel.close_up_button.click()
    assert window.view.opts["distance"] < far
    centre = window.view.opts["center"]
    expected = window.view.data_to_scene(2.0, 2.5, math.sin(2) * math.cos(2.5))
    assert (centre.x(), centre.y()) == pytest.approx(tuple(float(v) for v in expected[:2]))


@pytest.mark.parametrize(("angle", "value"), [(0, 270), (60, 210), (90, 180), (180, 90), (270, 0)])
def test_the_dial_points_along_u(angle, value):
    from gdviz.ui.panels.direction_panel import angle_for_dial_value, dial_value_for_angle

    # QDial's 0 is at the bottom, growing clockwise: east is 270, north 180
    assert dial_value_for_angle(angle) == value
    assert angle_for_dial_value(value) == pytest.approx(angle % 360)


def test_turning_the_dial_turns_u_the_same_way(main_window):
    panel = main_window.direction_panel
    panel.dial.setValue(210)  # knob up and to the right
    u1, u2 = panel.direction()
    assert u1 > 0 and u2 > 0 and panel.angle_box.value() == pytest.approx(60.0)
