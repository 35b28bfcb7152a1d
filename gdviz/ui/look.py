"""Switching the window's look (View → Theme, --theme): palette, plots, 3D and top views."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from gdviz.render.view3d import SurfaceView
from gdviz.ui import theme


def remembered_theme_name(settings: QtCore.QSettings | None) -> str:
    """The theme the user chose last (system when none was chosen)."""
    name = settings.value("theme", "system", type=str) if settings is not None else "system"
    return name if name in theme.THEME_CHOICES else "system"


def apply_look(window: QtWidgets.QWidget | None, name: str) -> theme.Theme:
    """Use theme `name` for new widgets and repaint `window`'s plots and views in it."""
    chosen = theme.resolve(name)
    theme.use(chosen)
    app = QtWidgets.QApplication.instance()
    if app is not None:
        app.setPalette(theme.palette(chosen))
    if window is None:
        return chosen
    for plot in window.findChildren(pg.PlotWidget):
        plot.setBackground(chosen.plot_background)
        for axis in ("left", "bottom", "right", "top"):
            item = plot.getPlotItem().getAxis(axis)
            item.setPen(chosen.plot_foreground)
            item.setTextPen(chosen.plot_foreground)
        legend = plot.getPlotItem().legend
        if legend is not None:
            legend.setBrush(theme.legend_brush(chosen))
            legend.setLabelTextColor(chosen.text)
    # the 3D view is a native window, not a child widget: findChildren does not reach it
    view = getattr(window, "view", None)
    if isinstance(view, SurfaceView):
        view.set_background(dark=chosen.dark)
    for widget in window.findChildren(QtWidgets.QWidget):
        if widget.styleSheet():  # styled widgets keep the palette they were polished with
            widget.setStyleSheet(widget.styleSheet())
    return chosen
