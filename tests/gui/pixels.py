"""Reading a GL view's pixels as numpy arrays for assertions."""

from __future__ import annotations

import numpy as np
from PySide6 import QtGui


def grab_rgb(view) -> np.ndarray:
    """The view's rendered framebuffer as an (h, w, 3) uint8 array."""
    image = view.grabFramebuffer().convertToFormat(QtGui.QImage.Format_RGB888)
    h, w = image.height(), image.width()
    data = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
    return data.reshape(h, image.bytesPerLine())[:, : w * 3].reshape(h, w, 3).copy()


def background_rgb(image: np.ndarray) -> np.ndarray:
    """The most common colour of the image's corners: the background."""
    corners = np.concatenate(
        [image[:8, :8].reshape(-1, 3), image[:8, -8:].reshape(-1, 3), image[-8:, :8].reshape(-1, 3)]
    )
    values, counts = np.unique(corners, axis=0, return_counts=True)
    return values[np.argmax(counts)]


def foreground_mask(image: np.ndarray, tolerance: int = 12) -> np.ndarray:
    """Pixels that differ from the background by more than tolerance in some channel."""
    diff = np.abs(image.astype(int) - background_rgb(image).astype(int))
    return diff.max(axis=2) > tolerance
