"""A layout made for teaching: the 3D view gets half the window, panels scroll at most once,
and a light theme for projectors."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from gdviz.ui import theme
from tests.gui.pixels import background_rgb, grab_rgb


def test_the_3d_view_gets_half_the_window_at_1440_by_900(qtbot, gl_context):
    from gdviz.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1440, 900)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.grid is not None, timeout=10000)
    qtbot.wait(50)
    assert window.view.width() >= 0.5 * window.width()
    window.close()


def test_no_scroll_area_sits_inside_another(main_window):
    for area in main_window.findChildren(QtWidgets.QScrollArea):
        parent = area.parentWidget()
        while parent is not None:
            assert not isinstance(parent, QtWidgets.QScrollArea), area.objectName()
            parent = parent.parentWidget()


def test_every_dock_has_one_title_and_tabs_are_not_elided(main_window):
    titles = [dock.windowTitle() for dock in main_window.docks.values()]
    assert len(titles) == len(set(titles))
    for bar in main_window.findChildren(QtWidgets.QTabBar):
        if bar.parent() is main_window and bar.isVisible():
            assert bar.elideMode() == QtCore.Qt.ElideNone


def test_the_light_theme_reaches_the_window_plots_and_3d_view(main_window, qtbot):
    window = main_window
    try:
        window.set_theme("light")
        qtbot.wait(50)
        assert not theme.current.dark
        palette = QtWidgets.QApplication.instance().palette()
        assert palette.color(palette.ColorRole.Window).lightness() > 200
        for plot in window.findChildren(pg.PlotWidget):
            assert plot.backgroundBrush().color().lightness() > 200
        assert not window.view.dark
        assert background_rgb(grab_rgb(window.view)).mean() > 200
        window.set_theme("dark")
        assert theme.current.dark and window.view.dark
        assert background_rgb(grab_rgb(window.view)).mean() < 60
    finally:
        window.set_theme("dark")


def test_system_follows_the_desktop_and_bad_names_are_refused():
    assert theme.resolve("system").name in ("dark", "light")
    try:
        theme.resolve("sepia")
    except ValueError as err:
        assert "sepia" in str(err)
    else:
        raise AssertionError("an unknown theme must be refused")
    assert np.all([c in theme.THEMES for c in ("dark", "light")])


def _elided_cells(table: QtWidgets.QTableView) -> list[str]:
    """Cells and headers whose text is wider than their column (Qt elides them "2.05…")."""
    model = table.model()
    fm = table.fontMetrics()
    out = []
    for c in range(model.columnCount()):
        if table.isColumnHidden(c):
            continue
        width = table.columnWidth(c)
        header = str(model.headerData(c, QtCore.Qt.Horizontal) or "")
        hfm = table.horizontalHeader().fontMetrics()
        if hfm.horizontalAdvance(header) > table.horizontalHeader().sectionSize(c):
            out.append(f"header {header!r}")
        for r in range(min(model.rowCount(), 50)):
            text = str(model.data(model.index(r, c), QtCore.Qt.DisplayRole) or "")
            if fm.horizontalAdvance(text) + 6 > width:
                out.append(f"({r}, {c}) {text!r} in {width} px")
    return out


def test_presenter_mode_elides_nothing_at_1280_by_720(main_window, qtbot):
    window = main_window
    window.toggle_presenter_mode()
    try:
        window.setGeometry(0, 0, 1280, 720)
        window.lesson_panel.select(1)  # the likelihood table of z = x − 25, and the comparison
        qtbot.waitUntil(window.grid_is_final, timeout=20000)
        window.docks["likelihood"].show()
        window.docks["likelihood"].raise_()
        qtbot.wait(100)
        for table in (window.likelihood_panel.table, window.likelihood_panel.compare_table):
            assert _elided_cells(table) == []
        for label in window.lesson_panel.findChildren(QtWidgets.QLabel):
            if label.isVisible() and not label.wordWrap() and label.text():
                assert label.fontMetrics().horizontalAdvance(label.text()) <= label.width()
    finally:
        window.toggle_presenter_mode()


def test_layout_presets_arrange_the_docks(main_window, qtbot):
    from gdviz.ui.docks import apply_layout

    window = main_window
    window.resize(1440, 900)
    apply_layout(window, window.docks, "present")
    qtbot.wait(100)
    shown = {name for name, dock in window.docks.items() if dock.isVisible()}
    assert shown == {"lesson", "point", "step"}
    assert window.view.width() >= 0.55 * window.width()
    apply_layout(window, window.docks, "compare")
    qtbot.wait(100)
    shown = {name for name, dock in window.docks.items() if dock.isVisible()}
    assert shown == {"descent", "step", "loss", "top"}
    apply_layout(window, window.docks, "explore")
    qtbot.wait(100)
    assert "lesson" not in {n for n, d in window.docks.items() if d.isVisible()}
    assert window.view.width() >= 0.5 * window.width()


def test_no_panel_repeats_its_docks_title(main_window):
    for dock in main_window.docks.values():
        for box in dock.findChildren(QtWidgets.QGroupBox):
            assert box.title() != dock.windowTitle(), dock.windowTitle()


def test_a_finished_runs_cursor_does_not_show_through_the_loss_legend(main_window, qtbot):
    """The legend has the plot's background (nearly opaque), in either theme."""
    window = main_window
    legend = window.loss_plot.plot.getPlotItem().legend
    try:
        for name in ("dark", "light"):
            window.set_theme(name)
            qtbot.wait(20)
            brush = legend.brush().color()
            plot_background = QtGui.QColor(theme.current.plot_background)
            assert brush.alpha() >= 200
            assert brush.rgb() == plot_background.rgb()
    finally:
        window.set_theme("dark")
