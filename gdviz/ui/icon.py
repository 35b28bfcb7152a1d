"""The application icon: resources/icons/gdviz-N.png at every size drawn (from gdviz.svg)."""

from __future__ import annotations

from PySide6 import QtGui

from gdviz.core.resources import ICON_SIZES, resource_path


def app_icon() -> QtGui.QIcon:
    """gdviz's icon with one pixmap per drawn size, so no size is scaled from another."""
    icon = QtGui.QIcon()
    for size in ICON_SIZES:
        image = QtGui.QImage()
        image.loadFromData(resource_path("icons", f"gdviz-{size}.png").read_bytes(), "PNG")
        icon.addPixmap(QtGui.QPixmap.fromImage(image))
    return icon
