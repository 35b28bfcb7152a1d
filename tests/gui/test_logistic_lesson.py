"""The logistic-regression lesson in the real window: tables, costs, dataset edits, CSV, links."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6 import QtCore

from gdviz.core.logistic import Dataset
from gdviz.core.numbers import parse_number as parse_shown_number

LECTURE_X = [8, 15, 19, 24, 27, 31, 35, 40]
LECTURE_Y = [0, 0, 0, 0, 1, 1, 1, 1]


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def _cell(panel, row: int, column: int) -> float:
    return parse_shown_number(panel.model.column_text(row, column))


def _set_base(window, key: str) -> None:
    window.set_log_base(key)


def test_the_first_lecture_model_gives_the_slides_table_and_cost(lesson_window):
    window = lesson_window
    _set_base(window, "10")
    window.set_point(0.5, -4.0)
    panel = window.likelihood_panel
    assert panel.model.rowCount() == 8
    for i, (x, y) in enumerate(zip(LECTURE_X, LECTURE_Y, strict=True)):
        z = 0.5 * x - 4
        a = _sigmoid(z)
        assert _cell(panel, i, 3) == pytest.approx(z)
        assert _cell(panel, i, 4) == pytest.approx(a, rel=1e-5)
        assert _cell(panel, i, 5) == pytest.approx(a if y else 1 - a, rel=1e-5)
    # ERRATA: L = 2.000271323106e-8, cost₁₀ = 0.9623638864, with ln 2.2159247.
    assert float(panel.labels["likelihood"].text()) == pytest.approx(2.000271323106e-8, rel=1e-7)
    cost = panel.labels["cost"].text()
    assert parse_shown_number(cost.split()[0]) == pytest.approx(0.9623638864, abs=5e-8)
    assert "log10" in cost and "as on the slides" in cost
    assert "2.215925" in cost
    # The badly classified rows (small P) are highlighted: the product is crushed by them.
    highlighted = [
        r for r in range(8)
        if panel.model.data(panel.model.index(r, 0), QtCore.Qt.BackgroundRole) is not None
    ]  # fmt: skip
    small = [i for i, (x, y) in enumerate(zip(LECTURE_X, LECTURE_Y, strict=True))
             if (_sigmoid(0.5 * x - 4) if y else 1 - _sigmoid(0.5 * x - 4)) < 0.05]  # fmt: skip
    assert highlighted == small and small


def test_comparing_with_the_second_lecture_model(lesson_window):
    window = lesson_window
    _set_base(window, "10")
    window.set_point(0.5, -4.0)
    panel = window.likelihood_panel
    panel.w2_box.setValue(1.0)
    panel.b2_box.setValue(-25.0)
    table = panel.compare_table
    assert float(table.item(0, 1).text()) == pytest.approx(0.6406754849808, rel=1e-7)
    assert parse_shown_number(table.item(1, 1).text()) == pytest.approx(0.0241702367, abs=5e-9)
    assert parse_shown_number(table.item(2, 1).text()) == pytest.approx(0.0556540, abs=5e-8)
    assert float(table.item(0, 0).text()) == pytest.approx(2.000271323106e-8, rel=1e-7)


def test_second_model_a_column_is_the_correct_one_not_the_slides(lesson_window):
    window = lesson_window
    window.set_point(1.0, -25.0)
    panel = window.likelihood_panel
    # ERRATA item 2: rows 5–8 (z = 2, 6, 10, 15) give a = 0.88080, 0.99753, 0.99995, 1.00000.
    for row, expected in zip(range(4, 8), (0.88080, 0.99753, 0.99995, 1.00000), strict=True):
        assert _cell(panel, row, 4) == pytest.approx(expected, abs=1e-5)  # 5 decimals


def test_an_underflowing_likelihood_is_shown_from_its_logarithm(lesson_window):
    window = lesson_window
    window.set_point(50.0, 50.0)
    text = window.likelihood_panel.labels["likelihood"].text()
    assert text not in ("0", "inf") and "e-" in text
    # Independent: ln L = −Σ softplus(t) with t = z for y = 0 (here every y = 0 row has z ≫ 0).
    log_l = -sum(50 * x + 50 for x, y in zip(LECTURE_X, LECTURE_Y, strict=True) if y == 0)
    mantissa, exponent = text.split("e")
    assert int(exponent) == math.floor(log_l / math.log(10))
    ln_shown = parse_shown_number(window.likelihood_panel.labels["log_likelihood"].text())
    assert ln_shown == pytest.approx(log_l, rel=1e-9)


def test_the_data_plot_shows_the_boundary_and_the_misclassified(lesson_window):
    window = lesson_window
    window.set_point(0.5, -4.0)
    plot = window.data_plot
    assert plot.boundary.value() == pytest.approx(8.0)  # x = −b/w
    # z = 0.5x − 4 ≥ 0 for x ≥ 8: rows x = 8 (a = 0.5), 15, 19, 24 are predicted 1 but are 0.
    xs, _ = plot.wrong.getData()
    assert sorted(xs.tolist()) == [8.0, 15.0, 19.0, 24.0]
    assert "separable" in plot.caption.text()
    assert "24" in window.dataset_panel.separability_label.text()


def test_editing_a_cell_changes_the_surface_and_a_bad_edit_keeps_it(lesson_window, qtbot):
    window = lesson_window
    panel = window.dataset_panel
    model = panel.model
    old_surface = window.surface
    assert not model.setData(model.index(0, 1), "2")
    assert panel.error_label.isVisible() and "0 or 1" in panel.error_label.text()
    assert window.surface is old_surface
    assert not model.setData(model.index(0, 0), "abc")
    assert window.surface is old_surface
    assert model.setData(model.index(0, 1), "1")  # x = 8 now has y = 1: not separable any more
    assert window.surface is not old_surface
    assert window.dataset.y[0] == 1.0
    assert "not separable" in panel.separability_label.text()
    qtbot.waitUntil(lambda: window.grid is not None, timeout=10000)
    assert window.surface.axis_names == ("w", "b", "L")


def test_importing_a_bad_csv_lists_every_bad_row_and_keeps_the_data(lesson_window, qtbot, tmp_path):
    window = lesson_window
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n1,0\nabc,1\n3,2\n4,nan\n", encoding="utf-8")
    before = window.dataset
    window.load_dataset_file(str(bad))
    error = window.dataset_panel.error_label
    qtbot.waitUntil(error.isVisible, timeout=5000)
    text = error.text()
    assert "line 3" in text and "line 4" in text and "line 5" in text
    assert "unchanged" in text
    assert window.dataset is before


def test_importing_and_dropping_a_good_csv_loads_it(lesson_window, qtbot, tmp_path):
    window = lesson_window
    good = tmp_path / "good.csv"
    good.write_text("x,y\n1,0\n2,0\n3,1\n5,1\n4,0\n", encoding="utf-8")
    window.load_dataset_file(str(good))
    qtbot.waitUntil(lambda: len(window.dataset) == 5, timeout=5000)
    assert window.dataset_panel.model.rowCount() == 5
    assert "good.csv" in window.dataset_panel.summary_label.text()
    # Drag and drop onto the window does the same.
    other = tmp_path / "other.csv"
    other.write_text("x,y\n0,0\n1,1\n", encoding="utf-8")
    mime = QtCore.QMimeData()
    mime.setUrls([QtCore.QUrl.fromLocalFile(str(other))])
    from PySide6 import QtGui

    drop = QtGui.QDropEvent(
        QtCore.QPointF(50, 50), QtCore.Qt.CopyAction, mime, QtCore.Qt.LeftButton,
        QtCore.Qt.NoModifier,
    )  # fmt: skip
    window.dropEvent(drop)
    qtbot.waitUntil(lambda: len(window.dataset) == 2, timeout=5000)


def test_export_writes_the_dataset_and_a_bad_destination_is_refused(lesson_window, tmp_path):
    window = lesson_window
    path = tmp_path / "out.csv"
    assert window.export_dataset(str(path))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "x,y" and len(lines) == 9
    # Root can write anywhere, so refuse by destinations no permission makes valid.
    assert not window.export_dataset(str(tmp_path / "missing" / "x.csv"))
    assert "does not exist" in window.dataset_panel.error_label.text()
    assert not window.export_dataset(str(tmp_path))  # a folder, not a file
    assert window.dataset_panel.error_label.isVisible()
    assert path.read_text(encoding="utf-8").splitlines() == lines  # nothing replaced


def test_synthetic_data_replaces_the_dataset(lesson_window, qtbot):
    window = lesson_window
    panel = window.dataset_panel
    panel.n_box.setValue(300)
    panel.kind_combo.setCurrentIndex(1)  # overlapping
    panel.generate_button.click()
    assert len(window.dataset) == 300
    assert "not separable" in panel.separability_label.text()
    qtbot.waitUntil(lambda: window.grid is not None, timeout=20000)


def test_a_descent_step_updates_the_table_and_the_plot(lesson_window, qtbot):
    window = lesson_window
    window.step_once()
    window.step_once()
    qtbot.waitUntil(
        lambda: "step 1 of run" in window.likelihood_panel.model_label.text(), timeout=5000
    )
    (drawn,) = window.descent.runs.values()
    w, b = drawn.history.step(1).point
    z = w * LECTURE_X[0] + b
    assert _cell(window.likelihood_panel, 0, 3) == pytest.approx(z, rel=1e-6)
    assert window.data_plot.boundary.value() == pytest.approx(-b / w)


def test_a_large_dataset_loads_without_freezing_and_previews_first(lesson_window, qtbot, tmp_path):
    window = lesson_window
    rng = np.random.default_rng(3)
    n = 200_000
    x = rng.normal(size=n)
    y = (x + rng.normal(scale=0.5, size=n) > 0).astype(float)
    path = tmp_path / "big.csv"
    np.savetxt(path, np.column_stack([x, y]), delimiter=",", header="x,y", comments="", fmt="%.8g")
    sizes = []
    window.grid_displayed.connect(lambda: sizes.append(len(window.grid.xs)))
    window.load_dataset_file(str(path))
    qtbot.waitUntil(lambda: len(window.dataset) == n, timeout=20000)
    qtbot.waitUntil(lambda: bool(sizes), timeout=60000)
    assert sizes[0] < 200  # the coarse preview comes first
    assert window.likelihood_panel.model.rowCount() == n
    assert isinstance(window.dataset, Dataset)


def test_the_comparison_lists_the_natural_log_cost_once(lesson_window):
    table = lesson_window.likelihood_panel.compare_table
    lesson_window.set_log_base("e")
    rows = [table.verticalHeaderItem(r).text() for r in range(table.rowCount())]
    assert rows == ["L", "cost (ln)"]
    lesson_window.set_log_base("10")
    rows = [table.verticalHeaderItem(r).text() for r in range(table.rowCount())]
    assert rows == ["L", "cost (log10)", "cost (ln)"]
