"""Frames from a 3D view at a chosen size: one offscreen paint per frame, RGBA, top row first."""

from __future__ import annotations

import contextlib

import numpy as np
from OpenGL import GL
from PySide6 import QtGui, QtOpenGL

from gdviz.render.view3d import DARK_BACKGROUND, LIGHT_BACKGROUND, SurfaceView

BACKGROUNDS = ("dark", "light", "transparent")
# Depth is copied with the stencil it is packed with: a copy of the depth alone goes through a
# shader on llvmpipe and comes out 1 ulp off in places, so a line lying on the surface would
# lose pixels. (QPainter clears the stencil it uses, so what the copy brings there is unread.)
_ALL_BUFFERS = GL.GL_COLOR_BUFFER_BIT | GL.GL_DEPTH_BUFFER_BIT | GL.GL_STENCIL_BUFFER_BIT


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
        self._still = _StillLayer(view) if reuse_still_layer else None

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
            data = GL.glReadPixels(0, 0, self.width, self.height, GL.GL_RGBA, GL.GL_UNSIGNED_BYTE)
        finally:
            self._fbo.release()
        image = np.frombuffer(data, np.uint8).reshape(self.height, self.width, 4)[::-1]
        if self.background != "transparent":
            image = image.copy()
            image[..., 3] = 255
            return image
        return np.ascontiguousarray(image)

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


class _StillLayer:
    """The leading items of a view that stay as they were, drawn once and copied under frames.

    An item counts as changed when it calls update() (every pyqtgraph setter does) or when the
    drawing order or the camera moves; the layer is rebuilt from the items that stayed put
    between two frames, and not used while the camera moves at every frame.
    """

    def __init__(self, view: SurfaceView) -> None:
        self.view = view
        self._watched: dict[int, object] = {}  # id -> item whose update() is wrapped
        self._changed: set[int] = set()
        self._fbo: QtOpenGL.QOpenGLFramebufferObject | None = None
        self._layer_items: list = []  # the items the layer holds, in drawing order
        self._layer_key: tuple | None = None
        self._last_key: tuple | None = None

    def paint(
        self,
        target: QtOpenGL.QOpenGLFramebufferObject,
        fmt: QtOpenGL.QOpenGLFramebufferObjectFormat,
        scene: tuple[int, int, int, int],
    ) -> None:
        """Draw the view into target (bound, viewport set) as view.paint would."""
        order = self._drawing_order()
        key = (self._camera_key(), scene)
        kept = self._fbo is not None and key == self._layer_key and self._holds(order)
        if not kept and key == self._last_key:
            count = self._unchanged_lead(order)
            if count > 0:
                self._build(order[:count], key, target, fmt, scene)
                kept = True
        self._last_key = key
        self._changed.clear()
        if not kept:
            self.view.paint(region=scene, viewport=scene)
            return
        assert self._fbo is not None
        QtOpenGL.QOpenGLFramebufferObject.blitFramebuffer(
            target, self._fbo, _ALL_BUFFERS, GL.GL_NEAREST
        )
        target.bind()
        GL.glViewport(*scene)
        for item in self._layer_items:
            item.setupGLState()  # the GL state the layer's last items leave behind
        self._draw(order[len(self._layer_items) :], scene)

    def close(self) -> None:
        for item in self._watched.values():
            with contextlib.suppress(AttributeError, RuntimeError):  # gone with its C++ object
                del item.update  # type: ignore[attr-defined]
        self._watched.clear()
        self._fbo = None

    def _drawing_order(self) -> list:
        """The view's visible top-level items, in the order drawItemTree draws them."""
        items = [item for item in self.view.items if item.parentItem() is None]
        items.sort(key=lambda item: item.depthValue())
        order = [item for item in items if item.visible()]
        for item in order:
            self._watch(item)
        return order

    def _watch(self, item) -> None:
        if id(item) in self._watched:
            return
        original, key = item.update, id(item)

        def update(*args) -> None:
            self._changed.add(key)
            original(*args)

        item.update = update
        self._watched[id(item)] = item
        self._changed.add(id(item))  # unknown until it has been drawn once

    def _unchanged_lead(self, order: list) -> int:
        count = 0
        for item in order:
            if id(item) in self._changed or item.childItems():
                break
            count += 1
        return count

    def _holds(self, order: list) -> bool:
        layer = self._layer_items
        return (
            len(order) > len(layer)
            and all(a is b for a, b in zip(order, layer, strict=False))
            and not any(id(item) in self._changed for item in layer)
        )

    def _camera_key(self) -> tuple:
        opts = self.view.opts
        center = opts["center"]
        return (
            opts["distance"], opts["elevation"], opts["azimuth"], opts["fov"],
            (center.x(), center.y(), center.z()), opts.get("rotationMethod"),
            repr(opts.get("rotation")), tuple(opts["bgcolor"]),
        )  # fmt: skip

    def _build(self, items: list, key: tuple, target, fmt, scene) -> None:
        if self._fbo is None or self._fbo.size() != target.size():
            self._fbo = QtOpenGL.QOpenGLFramebufferObject(target.size(), fmt)
        self._fbo.bind()
        GL.glViewport(*scene)
        saved = self.view.items
        self.view.items = list(items)
        try:
            self.view.paint(region=scene, viewport=scene)
        finally:
            self.view.items = saved
        self._layer_items = list(items)
        self._layer_key = key

    def _draw(self, items: list, scene: tuple[int, int, int, int]) -> None:
        """Draw items over what the target holds, as view.paint does after its clear."""
        view = self.view
        view.setProjection(scene, scene)
        view.setModelview()
        saved = view.items
        view.items = list(items)
        try:
            view.drawItemTree()
        finally:
            view.items = saved
