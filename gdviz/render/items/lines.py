"""Depth-tested lines that write no depth, their x-ray twin, and lines of coloured chunks."""

from __future__ import annotations

import numpy as np
import pyqtgraph.opengl as gl
from OpenGL import GL


class DepthTestedLine(gl.GLLinePlotItem):
    """A line that is hidden by what lies in front of it but writes no depth itself: with
    antialiasing, a segment's faint edge pixels would otherwise block the next segment where
    they meet, and a path of many short steps would look dashed."""

    def paint(self) -> None:
        GL.glDepthMask(GL.GL_FALSE)
        try:
            super().paint()
        finally:
            GL.glDepthMask(GL.GL_TRUE)


class HiddenPartLine(gl.GLLinePlotItem):
    """The x-ray pass of a path: drawn only where something nearer hides it (the depth test
    inverted), faintly, writing no depth, so the eye can follow a path behind a hill."""

    def paint(self) -> None:
        GL.glDepthMask(GL.GL_FALSE)
        GL.glDepthFunc(GL.GL_GREATER)
        try:
            super().paint()
        finally:
            GL.glDepthFunc(GL.GL_LESS)
            GL.glDepthMask(GL.GL_TRUE)


def _faded(rgba: tuple[float, float, float, float], factor: float) -> tuple[float, ...]:
    return (rgba[0], rgba[1], rgba[2], rgba[3] * factor)


def show_line_chunks(item: gl.GLLinePlotItem, chunks: list, alpha_factor: float) -> None:
    """Draw (line pairs, colour) chunks with one line item, or hide it when there are none."""
    if not chunks:
        item.hide()
        return
    pos = np.concatenate([rows for rows, _ in chunks]).astype(np.float32)
    colors = np.concatenate(
        [np.tile(_faded(color, alpha_factor), (len(rows), 1)) for rows, color in chunks]
    ).astype(np.float32)
    item.setData(pos=pos, color=colors)
    item.show()
