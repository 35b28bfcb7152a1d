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


def overlay_box(overlay: Overlay, width: int, height: int) -> QtCore.QRectF:
    """Where the overlay's panel is drawn on a width × height frame, at its top-left corner
    (empty: nothing drawn)."""
    rows, pad, gap = _rows(overlay, height)
    if not rows:
        return QtCore.QRectF()
    widths = [QtGui.QFontMetrics(font).horizontalAdvance(line) for line, font, _ in rows]
    heights = [QtGui.QFontMetrics(font).height() for _, font, _ in rows]
    box_w = max(widths) + 2 * pad
    box_h = sum(heights) + gap * (len(rows) - 1) + 2 * pad
    return QtCore.QRectF(pad, pad, min(box_w, width - 2 * pad), box_h)


def _rows(overlay: Overlay, height: int):
    """The text rows (text, font, colour), the padding and the gap between rows, in pixels."""
    unit = max(height / 720.0, 0.5)
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
    return rows, round(14 * unit), round(6 * unit)


def text_band(overlay: Overlay, height: int) -> int:
    """Rows at the top of a frame that the overlay's panel needs (the scene is drawn below)."""
    box = overlay_box(overlay, 10_000, height)
    return 0 if box.isEmpty() else int(box.bottom() + _rows(overlay, height)[1] // 2)


def draw_overlay(frame: np.ndarray, overlay: Overlay, in_place: bool = False) -> np.ndarray:
    """A copy of an RGBA frame (h, w, 4) with the overlay in a panel at its top-left corner;
    in_place: drawn into frame itself (which must be C-contiguous) and frame returned."""
    if not (overlay.title or overlay.subtitle or overlay.lines):
        return frame
    h, w = frame.shape[:2]
    if in_place and not frame.flags.c_contiguous:
        raise ValueError("an overlay is drawn in place only into a C-contiguous frame")
    out = frame if in_place else np.ascontiguousarray(frame.copy())
    image = QtGui.QImage(out.data, w, h, 4 * w, QtGui.QImage.Format_RGBA8888)
    painter = QtGui.QPainter(image)
    try:
        painter.setRenderHints(
            QtGui.QPainter.RenderHint.Antialiasing | QtGui.QPainter.RenderHint.TextAntialiasing
        )
        rows, pad, gap = _rows(overlay, h)
        unit = max(h / 720.0, 0.5)
        box = overlay_box(overlay, w, h)
        backdrop = (
            QtGui.QColor(20, 20, 26, 165) if overlay.dark else QtGui.QColor(255, 255, 255, 190)
        )
        painter.setPen(QtCore.Qt.NoPen)
        painter.setBrush(backdrop)
        painter.drawRoundedRect(box, 10 * unit, 10 * unit)
        y = box.top() + pad
        for line, font, color in rows:
            painter.setFont(font)
            painter.setPen(color)
            metrics = QtGui.QFontMetrics(font)
            painter.drawText(QtCore.QPointF(box.left() + pad, y + metrics.ascent()), line)
            y += metrics.height() + gap
    finally:
        painter.end()
    return out
