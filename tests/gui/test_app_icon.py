"""The application icon is set on the application and so on the main window, at every size."""

from __future__ import annotations

from PySide6 import QtGui

from gdviz.core.resources import ICON_SIZES, resource_path
from gdviz.ui.app import ensure_application


def test_the_window_shows_gdviz_icon(main_window) -> None:
    app = ensure_application()
    sizes = {s.width() for s in app.windowIcon().availableSizes()}
    assert sizes == set(ICON_SIZES)
    drawn = main_window.windowIcon().pixmap(64, 64).toImage()
    expected = QtGui.QImage()
    assert expected.loadFromData(resource_path("icons", "gdviz-64.png").read_bytes(), "PNG")
    assert drawn.size() == expected.size()
    fmt = QtGui.QImage.Format.Format_ARGB32
    assert drawn.convertToFormat(fmt) == expected.convertToFormat(fmt)
    # not an empty picture: the descent path's orange is in it
    colours = {drawn.pixelColor(x, y).name() for x in range(64) for y in range(64)}
    assert len(colours) > 50
