"""The leading items of a 3D view that stay as they were, drawn once and copied under frames."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from OpenGL import GL
from PySide6 import QtOpenGL

# Depth is copied with the stencil it is packed with: a copy of the depth alone goes through a
# shader on llvmpipe and comes out 1 ulp off in places, so a line lying on the surface would
# lose pixels. (QPainter clears the stencil it uses, so what the copy brings there is unread.)
_ALL_BUFFERS = GL.GL_COLOR_BUFFER_BIT | GL.GL_DEPTH_BUFFER_BIT | GL.GL_STENCIL_BUFFER_BIT
_WATCHERS = "_gdviz_update_watchers"  # an item's attribute: who hears its update() calls


def watch_updates(item, notify: Callable[[], None]) -> None:
    """Call notify() whenever item.update() is called (every pyqtgraph setter calls it)."""
    watchers = vars(item).get(_WATCHERS)
    if watchers is None:
        watchers = []
        original = item.update

        def update(*args) -> None:
            for heard in list(watchers):
                heard()
            original(*args)

        setattr(item, _WATCHERS, watchers)
        item.update = update
    watchers.append(notify)


def unwatch_updates(item, notify: Callable[[], None]) -> None:
    """Undo one watch_updates(item, notify); with the last, the item's own update() is back."""
    watchers = vars(item).get(_WATCHERS)
    if watchers is None or notify not in watchers:
        return
    watchers.remove(notify)
    if not watchers:
        with contextlib.suppress(AttributeError, RuntimeError):  # gone with its C++ object
            del item.update
            delattr(item, _WATCHERS)


def update_watchers(item) -> int:
    """How many watch_updates are in place on item."""
    return len(vars(item).get(_WATCHERS, ()))


class StillLayer:
    """The leading items of a view that stay as they were, drawn once and copied under frames.

    An item counts as changed when it calls update() (every pyqtgraph setter does) or when the
    drawing order or the camera moves; the layer is rebuilt from the items that stayed put
    between two frames, and not used while the camera moves at every frame. With below_depth,
    only items drawn before that depth value go into the layer (those that a new run or a moved
    point cannot reorder).
    """

    def __init__(self, view, below_depth: float | None = None) -> None:  # a SurfaceView
        self.view = view
        self.below_depth = below_depth  # only items drawn before this depth value are kept
        self._watched: dict[int, tuple[object, Callable[[], None]]] = {}  # id -> item, watcher
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
        build: bool | None = None,
    ) -> None:
        """Draw the view into target (bound, viewport set) as view.paint would.

        A layer is made when there is none to use and `build` is True, or when it is None and
        the camera has not moved since the last frame; build=False only uses a kept layer."""
        order = self._drawing_order()
        key = (self._camera_key(), scene)
        kept = self._kept(order, key)
        if not kept and (build or (build is None and key == self._last_key)):
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

    def painted_whole(self, scene: tuple[int, int, int, int]) -> None:
        """The view was just painted whole, not through this layer: note what it showed."""
        order = self._drawing_order()
        self._kept(order, (self._camera_key(), scene))  # drops a layer a change outdated
        self._last_key = (self._camera_key(), scene)
        self._changed.clear()

    def is_kept(self, scene: tuple[int, int, int, int]) -> bool:
        """Whether the next paint at this size would use a kept layer."""
        return self._kept(self._drawing_order(), (self._camera_key(), scene))

    def close(self) -> None:
        for item, notify in self._watched.values():
            unwatch_updates(item, notify)
        self._watched.clear()
        self._fbo = None
        self._layer_key = None

    def _kept(self, order: list, key: tuple) -> bool:
        if self._fbo is None or self._layer_key is None:
            return False
        if any(id(item) in self._changed for item in self._layer_items):
            self._layer_key = None  # what the layer shows is out of date for good
            return False
        return key == self._layer_key and self._holds(order)

    def _drawing_order(self) -> list:
        """The view's visible top-level items, in the order drawItemTree draws them."""
        items = [item for item in self.view.items if item.parentItem() is None]
        items.sort(key=lambda item: item.depthValue())
        order = [item for item in items if item.visible()]
        for item in order:
            self._watch(item)
        if len(self._watched) > len(order):
            # items taken out of the view: let them go
            present = {id(item) for item in items}
            for key in [key for key in self._watched if key not in present]:
                unwatch_updates(*self._watched.pop(key))
        return order

    def _watch(self, item) -> None:
        key = id(item)
        if key in self._watched:
            return

        def notify() -> None:
            self._changed.add(key)

        watch_updates(item, notify)
        self._watched[key] = (item, notify)
        self._changed.add(key)  # unknown until it has been drawn once

    def _unchanged_lead(self, order: list) -> int:
        count = 0
        for item in order:
            if id(item) in self._changed or item.childItems():
                break
            if self.below_depth is not None and item.depthValue() >= self.below_depth:
                break
            count += 1
        return count

    def _holds(self, order: list) -> bool:
        layer = self._layer_items
        return len(order) > len(layer) and all(a is b for a, b in zip(order, layer, strict=False))

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
