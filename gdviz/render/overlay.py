"""Text drawn onto exported frames: a title, the formula and one line per run (k and the loss)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6 import QtCore, QtGui


@dataclass(frozen=True)
class Overlay:
    """What to write on a frame; colours are '#rrggbb' strings."""

    title: str = ""
    subtitle: str = ""
    lines: tuple[tuple[str, str], ...] = ()  # (text, colour), e.g. a run's k and loss
    dark: bool = True


def draw_overlay(frame: np.ndarray, overlay: Overlay) -> np.ndarray:
    """A copy of an RGBA frame (h, w, 4) with the overlay in a panel at its top-left corner."""
    if not (overlay.title or overlay.subtitle or overlay.lines):
        return frame
    h, w = frame.shape[:2]
    out = np.ascontiguousarray(frame.copy())
    image = QtGui.QImage(out.data, w, h, 4 * w, QtGui.QImage.Format_RGBA8888)
    painter = QtGui.QPainter(image)
    try:
        painter.setRenderHints(
            QtGui.QPainter.RenderHint.Antialiasing | QtGui.QPainter.RenderHint.TextAntialiasing
        )
        unit = max(h / 720.0, 0.5)
        title_font = QtGui.QFont("DejaVu Sans")
        title_font.setPixelSize(round(26 * unit))
        title_font.setBold(True)
        body_font = QtGui.QFont("DejaVu Sans")
        body_font.setPixelSize(round(18 * unit))
        mono_font = QtGui.QFont("DejaVu Sans Mono")
        mono_font.setPixelSize(round(18 * unit))
        rows: list[tuple[str, QtGui.QFont, QtGui.QColor]] = []
        text = QtGui.QColor("#f0f0f3" if overlay.dark else "#15151a")
        muted = QtGui.QColor("#b9bcc4" if overlay.dark else "#444851")
        if overlay.title:
            rows.append((overlay.title, title_font, text))
        if overlay.subtitle:
            rows.append((overlay.subtitle, body_font, muted))
        for line, color in overlay.lines:
            rows.append((line, mono_font, QtGui.QColor(color)))
        pad, gap = round(14 * unit), round(6 * unit)
        widths, heights = [], []
        for line, font, _ in rows:
            metrics = QtGui.QFontMetrics(font)
            widths.append(metrics.horizontalAdvance(line))
            heights.append(metrics.height())
        box = QtCore.QRectF(
            pad, pad, max(widths) + 2 * pad, sum(heights) + gap * (len(rows) - 1) + 2 * pad
        )
        backdrop = (
            QtGui.QColor(20, 20, 26, 165) if overlay.dark else QtGui.QColor(255, 255, 255, 190)
        )
        painter.setPen(QtCore.Qt.NoPen)
        painter.setBrush(backdrop)
        painter.drawRoundedRect(box, 10 * unit, 10 * unit)
        y = box.top() + pad
        for (line, font, color), height in zip(rows, heights, strict=True):
            painter.setFont(font)
            painter.setPen(color)
            metrics = QtGui.QFontMetrics(font)
            painter.drawText(QtCore.QPointF(box.left() + pad, y + metrics.ascent()), line)
            y += height + gap
    finally:
        painter.end()
    return out
