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


def project(view, scene_points: np.ndarray) -> np.ndarray:
    """Widget pixel positions (N, 2: column, row) of scene points (N, 3), from the view's own
    matrices (grabFramebuffer is in device pixels; multiply by devicePixelRatio for those)."""
    w, h = view.width(), view.height()
    m = view.projectionMatrix((0, 0, w, h), (0, 0, w, h)) * view.viewMatrix()
    mvp = np.array(m.data(), dtype=np.float64).reshape(4, 4).T
    rows = np.asarray(scene_points, dtype=np.float64).reshape(-1, 3)
    clip = np.c_[rows, np.ones(len(rows))] @ mvp.T
    ndc = clip[:, :2] / clip[:, 3:4]
    return np.c_[(ndc[:, 0] + 1) * 0.5 * w, (1 - ndc[:, 1]) * 0.5 * h]


def differs_near(a: np.ndarray, b: np.ndarray, pixels: np.ndarray, radius: int = 1) -> np.ndarray:
    """For each (column, row), whether images a and b differ clearly within `radius` of it."""
    h, w = a.shape[:2]
    diff = np.abs(a.astype(int) - b.astype(int)).max(axis=2) > 30
    out = np.zeros(len(pixels), dtype=bool)
    for i, (cx, cy) in enumerate(np.rint(pixels).astype(int)):
        x0, x1 = max(cx - radius, 0), min(cx + radius + 1, w)
        y0, y1 = max(cy - radius, 0), min(cy + radius + 1, h)
        out[i] = x0 < x1 and y0 < y1 and bool(diff[y0:y1, x0:x1].any())
    return out


def shown_view(qtbot, size: tuple[int, int], track: bool = True):
    """A new SurfaceView shown in its own container at `size`, its GL context created
    (closed by qtbot at the end of the test when `track`)."""
    from gdviz.render.view3d import SurfaceView

    view = SurfaceView()
    if track:
        qtbot.addWidget(view.container)
    view.container.resize(*size)
    view.container.show()
    qtbot.waitExposed(view.container)
    qtbot.waitUntil(view.isExposed, timeout=5000)
    qtbot.waitUntil(view.isValid, timeout=5000)
    return view
