"""A picture of the whole main window, the native 3D view composited where it sits."""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets


def window_picture(window: QtWidgets.QWidget, view) -> QtGui.QPixmap:
    """`window` as a QPixmap with the 3D view drawn in: QWidget.grab() leaves a native GL
    window's area blank, so its framebuffer is painted over the container's place."""
    picture = window.grab()
    frame = view.grabFramebuffer()
    if frame.isNull():
        return picture
    origin = QtCore.QPointF(view.container.mapTo(window, QtCore.QPoint(0, 0)))
    place = QtCore.QRectF(origin, QtCore.QSizeF(view.container.size()))
    painter = QtGui.QPainter(picture)
    try:
        painter.drawImage(place, frame)
    finally:
        painter.end()
    return picture
