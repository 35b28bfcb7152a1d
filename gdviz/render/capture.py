"""Frames from a 3D view at a chosen size: one offscreen paint per frame, RGBA, top row first."""

from __future__ import annotations

import numpy as np
from OpenGL import GL
from PySide6 import QtGui, QtOpenGL

from gdviz.render.still_layer import StillLayer
from gdviz.render.view3d import DARK_BACKGROUND, LIGHT_BACKGROUND, SurfaceView

BACKGROUNDS = ("dark", "light", "transparent")
_OPAQUE = np.frombuffer(bytes((0, 0, 0, 255)), np.uint32)[0]  # alpha 255 as a pixel's uint32


class FrameCapture:
    """Renders a SurfaceView at width × height, whatever the widget's own size.

    The view is painted once per frame into a framebuffer object of exactly that size (labels
    included: they are drawn into the bound framebuffer); the camera framing follows the
    picture's aspect ratio while the view frames itself. A top band of `top_band` rows is left
    to the background (an export's text goes there); the scene fills the rest. Use it on the
    GUI thread and close() it afterwards: it restores the view's background and framing.

    reuse_still_layer: the leading items (in drawing order) that did not change since the last
    frame, under the same camera, are drawn once into a framebuffer of their own (colour and
    depth) and copied under each later frame, which then draws only the rest: the same pixels,
    without repainting the surface for every frame of a descent or a Δ → 0.
    """

    def __init__(
        self,
        view: SurfaceView,
        width: int,
        height: int,
        background: str = "dark",
        top_band: int = 0,
        reuse_still_layer: bool = True,
    ):
        if background not in BACKGROUNDS:
            raise ValueError(f"background must be one of {', '.join(BACKGROUNDS)}")
        self.view, self.width, self.height, self.background = (
            view,
            int(width),
            int(height),
            background,
        )
        self.top_band = min(max(int(top_band), 0), self.height // 3)
        self.scene_height = self.height - self.top_band
        self._was_dark = view.dark
        view.set_background(background != "light")
        if background == "transparent":
            color = QtGui.QColor(DARK_BACKGROUND)
            view.setBackgroundColor((color.red(), color.green(), color.blue(), 0))
        view.frame_for_size(self.width, self.scene_height)
        view.makeCurrent()
        fmt = QtOpenGL.QOpenGLFramebufferObjectFormat()
        fmt.setAttachment(QtOpenGL.QOpenGLFramebufferObject.Attachment.CombinedDepthStencil)
        fmt.setSamples(0)
        self._format = fmt
        self._fbo = QtOpenGL.QOpenGLFramebufferObject(self.width, self.height, fmt)
        if not self._fbo.isValid():
            raise RuntimeError(f"cannot render {self.width}×{self.height}: no framebuffer")
        self._still = StillLayer(view) if reuse_still_layer else None
        self._pixels = np.empty((self.height, self.width, 4), np.uint8)  # GL's rows, bottom up

    def frame(self) -> np.ndarray:
        """The view now, as an (height, width, 4) RGBA uint8 array, top row first."""
        view = self.view
        view.makeCurrent()
        self._fbo.bind()
        try:
            # GL counts rows from the bottom: the scene takes the lower rows, the band stays clear
            scene = (0, 0, self.width, self.scene_height)
            GL.glViewport(*scene)
            if self._still is None:
                view.paint(region=scene, viewport=scene)
            else:
                self._still.paint(self._fbo, self._format, scene)
            GL.glFinish()
            pixels = self._pixels
            GL.glReadPixels(
                0, 0, self.width, self.height, GL.GL_RGBA, GL.GL_UNSIGNED_BYTE, pixels.ctypes.data
            )
        finally:
            self._fbo.release()
        if self.background == "transparent":
            return pixels[::-1].copy()
        # alpha 255 as the rows are turned top-down, in one pass over whole pixels (RGBA bytes:
        # alpha is the top byte of a little-endian uint32)
        out = np.empty_like(pixels)
        np.bitwise_or(pixels.view(np.uint32)[::-1], _OPAQUE, out=out.view(np.uint32))
        return out

    def close(self) -> None:
        self.view.makeCurrent()
        if self._still is not None:
            self._still.close()
        self._fbo = None
        self.view.set_background(self._was_dark)
        self.view.frame_for_size(max(self.view.width(), 1), max(self.view.height(), 1))
        self.view.update()

    def __enter__(self) -> FrameCapture:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def background_rgb(background: str) -> tuple[int, int, int]:
    """The RGB of a named export background (transparent frames are composited on dark)."""
    color = QtGui.QColor(LIGHT_BACKGROUND if background == "light" else DARK_BACKGROUND)
    return (color.red(), color.green(), color.blue())
