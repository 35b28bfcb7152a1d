"""The 3D view: a lit, colour-mapped surface in a fixed box with axes, ticks, a point marker,
descent paths, arrows, labelled lesson constructions and click-picking, in a native GL window."""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Callable, Sequence

import numpy as np
import pyqtgraph.opengl as gl
from OpenGL import GL
from pyqtgraph.opengl.GLGraphicsItem import GLGraphicsItem
from pyqtgraph.opengl.GLViewWidget import GLViewMixin
from PySide6 import QtCore, QtGui, QtOpenGL, QtWidgets

from gdviz.render.axes3d import SceneMapping, axis_guides
from gdviz.render.colormap import rgba8_colors
from gdviz.render.construction import Construction
from gdviz.render.framing import CameraChoice, choose_view, frame_points
from gdviz.render.items.arrows import ArrowItems
from gdviz.render.items.colors import rgba_floats
from gdviz.render.items.construction_items import ConstructionItems
from gdviz.render.items.coords import PATH_LIFT
from gdviz.render.items.ghost_surface import GhostSurfaceItem
from gdviz.render.items.gl_options import SEE_THROUGH
from gdviz.render.items.labels import LabelsItem, PointLabelsItem
from gdviz.render.items.marker import MarkerItem
from gdviz.render.items.path_items import PathItems
from gdviz.render.items.surface_item import SurfaceMeshItem
from gdviz.render.mesh import surface_mesh
from gdviz.render.picking import pick_height_field
from gdviz.render.still_layer import StillLayer

log = logging.getLogger(__name__)

DARK_BACKGROUND = "#1e1e24"
LIGHT_BACKGROUND = "#f4f4f0"
MARKER_COLOR = (1.0, 0.27, 0.16, 1.0)
_DROP_COLOR = (1.0, 0.45, 0.35, 0.55)
_GHOST_COLOR = (1.0, 0.27, 0.16, 0.35)  # the marker seen through whatever hides it
_MARKER_SIZE = 16.0  # px
DEFAULT_ELEVATION = 28.0
DEFAULT_AZIMUTH = -60.0  # camera on the +x, -y side: x runs left to right, y into the screen
FIELD_OF_VIEW = 40.0  # horizontal, degrees; narrower than pyqtgraph's 60 for less distortion
CLICK_SLOP = 4.0  # px a press may move and still count as a click
CAMERA_MOVE_MS = 600
PATH_DEPTH = 2.5  # paths, arrows, the point and labels are drawn from here on, over the surface
STILL_LAYER_IDLE_MS = 150  # a still camera this long: the still layer is drawn, off the clock
MIN_SURFACE_OPACITY = 0.15


class SurfaceView(GLViewMixin, QtOpenGL.QOpenGLWindow):
    """A height field drawn in a fixed scene box (see gdviz.render.axes3d for its extent).

    A native GL window (pyqtgraph's GLViewMixin on a QOpenGLWindow), placed among widgets
    through `container`: a QOpenGLWidget would make every repaint of any panel composite the
    whole window through GL, 16–19 ms a label on software GL against about 1 ms with this.
    The view's keys and drops go where a widget's would (`setFocus`, `event`).

    Data (x, y, z) map to scene coordinates x in [-half_x, half_x], y in [-half_y, half_y],
    z in [0, 1] through `data_to_scene`; the mapping follows the last `set_surface` call.
    Paths, arrows and lesson constructions are given in data coordinates with display heights
    and follow the mapping.
    A left click (press and release within CLICK_SLOP px, no drag) on the surface emits
    `surface_clicked(x, y, shift)`; dragging orbits as in pyqtgraph. GUI thread only.
    """

    surface_clicked = QtCore.Signal(float, float, bool)

    def __init__(self) -> None:
        super().__init__()
        # The widget that holds the window in layouts. The window container sits inside a
        # plain widget: a window container that is itself a top-level widget crashes
        # QApplication's destructor at exit (PySide6 6.11, reproduced).
        self.container = QtWidgets.QWidget()
        holder = QtWidgets.QWidget.createWindowContainer(self, self.container)
        # The container deletes the window (Qt's rule), so Python must not: else PySide's
        # clean-up at exit deletes it first and Qt then reads the container's dangling window.
        # Re-setting the same QObject parent moves ownership to C++ and changes nothing in Qt.
        QtCore.QObject.setParent(self, self.parent())
        holder.setFocusPolicy(QtCore.Qt.FocusPolicy.ClickFocus)
        layout = QtWidgets.QVBoxLayout(self.container)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(holder)
        self.container.setFocusProxy(holder)
        self.container.setMinimumSize(160, 120)
        self._drop_target: QtWidgets.QWidget | None = None
        self._paths: dict[int, PathItems] = {}
        self._arrows: dict[str, ArrowItems] = {}
        self._constructions: dict[str, ConstructionItems] = {}
        # the drawn surface in scene coordinates, for picking: (sx, sy, sz) or None
        self._pick_grid: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._press_pos: QtCore.QPointF | None = None
        self._dragged = False
        # Frames are drawn into _frame_fbo over the still layer (the items that stayed put)
        # and copied to the window; see paintGL.
        self.reuse_still_layer = True
        self.still_layer = StillLayer(self, below_depth=PATH_DEPTH)
        self._frame_fbo: QtOpenGL.QOpenGLFramebufferObject | None = None
        self._grab_fbo: QtOpenGL.QOpenGLFramebufferObject | None = None
        self._frame_format = QtOpenGL.QOpenGLFramebufferObjectFormat()
        self._frame_format.setAttachment(
            QtOpenGL.QOpenGLFramebufferObject.Attachment.CombinedDepthStencil
        )
        self._build_still_layer = False
        self.last_frame_layered = False  # whether the last frame was drawn over the layer
        self._still_layer_idle = QtCore.QTimer(self)
        self._still_layer_idle.setSingleShot(True)
        self._still_layer_idle.setInterval(STILL_LAYER_IDLE_MS)
        self._still_layer_idle.timeout.connect(self._paint_still_layer)
        self.opts["fov"] = FIELD_OF_VIEW
        self._mapping = SceneMapping()
        self._axis_names: tuple[str, str, str] = ("x", "y", "z")
        self._z_label: str | None = None
        self._point: tuple[float, float, float] | None = None
        self._dark = True
        # (elevation, azimuth) of a framed view that follows resizes and new surfaces, until
        # the user moves the camera with the mouse or keys
        self._auto_frame: tuple[float, float] | None = None
        self._camera_path: tuple[float, float, float, float] | None = None
        # True once the user (or a command such as Top view, a close-up, a scene's camera) aims
        # the camera: gdviz then never moves it unasked; reset_camera hands it back
        self.user_camera = False
        self._camera_move = QtCore.QVariantAnimation(self)
        self._camera_move.setStartValue(0.0)
        self._camera_move.setEndValue(1.0)
        self._camera_move.setEasingCurve(QtCore.QEasingCurve.InOutCubic)
        self._camera_move.valueChanged.connect(self._on_camera_step)

        self._surface = SurfaceMeshItem(glOptions="opaque")
        self._surface_opacity = 1.0
        self._grid = gl.GLLinePlotItem(mode="lines", glOptions="translucent", antialias=True)
        self._axes = gl.GLLinePlotItem(
            mode="lines", glOptions="translucent", width=1.5, antialias=True
        )
        self._drop_line = gl.GLLinePlotItem(
            mode="lines", glOptions=SEE_THROUGH, width=1.5, color=_DROP_COLOR, antialias=True
        )
        self._ghost = MarkerItem(
            size=_MARKER_SIZE, color=_GHOST_COLOR, pxMode=True, glOptions=SEE_THROUGH
        )
        self._marker = MarkerItem(
            size=_MARKER_SIZE, color=MARKER_COLOR, pxMode=True, glOptions="translucent"
        )
        self._labels = LabelsItem()
        for depth, item in enumerate(
            (
                self._surface,
                self._grid,
                self._axes,
                self._drop_line,
                self._ghost,
                self._marker,
                self._labels,
            )
        ):
            item.setDepthValue(depth)
            self.addItem(item)
        self._point_labels = PointLabelsItem()
        self._point_labels.setDepthValue(6.5)
        self.addItem(self._point_labels)
        self._surface.hide()
        self._ghost_surface = GhostSurfaceItem()  # a mini-batch's loss, faint, beside the surface
        self._ghost_surface.setDepthValue(0.5)
        self.addItem(self._ghost_surface)
        for item in self._point_items():
            item.hide()
        self.set_background(dark=True)
        self._update_guides()
        self.reset_camera()

    # ----------------------------------------------------------------- mapping
    @property
    def mapping(self) -> SceneMapping:
        """The current data <-> scene mapping."""
        return self._mapping

    def data_to_scene(self, x, y, z):
        """Scene coordinates (sx, sy, sz) of data (x, y, z); scalars or arrays."""
        return self._mapping.data_to_scene(x, y, z)

    def scene_to_data(self, sx, sy, sz):
        """Data coordinates (x, y, z) of scene (sx, sy, sz); scalars or arrays."""
        return self._mapping.scene_to_data(sx, sy, sz)

    # ----------------------------------------------------------------- content
    def set_surface(
        self,
        xs: np.ndarray,
        ys: np.ndarray,
        z_display: np.ndarray,
        z_range: tuple[float, float] | None = None,
        axis_names: tuple[str, str, str] = ("x", "y", "z"),
        z_label: str | None = None,
        colormap: str = "viridis",
    ) -> None:
        """Show z_display[i, j] over (xs[i], ys[j]); NaN are holes; colours span z_range."""
        xs = np.asarray(xs, dtype=np.float64)
        ys = np.asarray(ys, dtype=np.float64)
        z = np.asarray(z_display, dtype=np.float64)
        if z.shape != (xs.size, ys.size):
            raise ValueError(f"z_display must have shape {(xs.size, ys.size)}, got {z.shape}")
        if z_range is None:
            finite = z[np.isfinite(z)]
            z_range = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        self._mapping = SceneMapping.for_ranges((xs[0], xs[-1]), (ys[0], ys[-1]), z_range)
        self._axis_names = tuple(axis_names)  # type: ignore[assignment]
        self._z_label = z_label
        sx, sy, sz = self._mapping.data_to_scene(xs, ys, z)
        mesh = surface_mesh(sx, sy, sz)
        # 8-bit colours: a quarter of the float upload, and much faster to draw under llvmpipe
        colors = rgba8_colors(z.reshape(-1), z_range[0], z_range[1], colormap)
        colors[:, 3] = round(255 * self._surface_opacity)
        self._surface.set_mesh(mesh, colors)
        self._surface.setVisible(mesh.faces.size > 0)
        self._pick_grid = (sx, sy, sz) if mesh.faces.size > 0 else None
        log.debug("surface %d×%d: %d triangles", xs.size, ys.size, len(mesh.faces))
        self._update_guides()
        self._reframe()
        if self._point is not None:
            self.set_point(*self._point)
        self._ghost_surface.remap(self._mapping)
        for path in self._paths.values():
            path.remap(self._mapping)
        for arrows in self._arrows.values():
            arrows.redraw(self._mapping)
        for construction in self._constructions.values():
            construction.redraw(self._mapping)
        self._update_point_labels()

    def set_surface_opacity(self, opacity: float) -> None:
        """How opaque the surface is (0.15 … 1): below 1 the paths and constructions behind it
        show through it, as well as through the x-ray pass."""
        opacity = min(max(float(opacity), MIN_SURFACE_OPACITY), 1.0)
        if opacity == self._surface_opacity:
            return
        self._surface_opacity = opacity
        self._surface.setGLOptions("opaque" if opacity >= 1.0 else "translucent")
        if self._surface.colors is not None:
            colors = self._surface.colors.copy()
            colors[:, 3] = round(255 * opacity)
            self._surface.set_colors(colors)

    def set_ghost_surface(self, xs: np.ndarray, ys: np.ndarray, z_display: np.ndarray) -> None:
        """A faint second surface z_display[i, j] over (xs[i], ys[j]) (a mini-batch's loss)."""
        self._ghost_surface.set_heights(xs, ys, z_display, self._mapping)

    def clear_ghost_surface(self) -> None:
        self._ghost_surface.clear()

    def ghost_surface_shown(self) -> bool:
        return self._ghost_surface.visible()

    @property
    def surface_opacity(self) -> float:
        return self._surface_opacity

    def clear_surface(self) -> None:
        """Hide the surface (axes stay)."""
        self._surface.hide()
        self._pick_grid = None

    def set_point(self, x: float, y: float, z_display: float) -> None:
        """Mark the data point (x, y, z_display) with a dot and a drop line to the floor."""
        self._point = (float(x), float(y), float(z_display))
        sx, sy, sz = (float(v) for v in self._mapping.data_to_scene(*self._point))
        if not all(math.isfinite(v) for v in (sx, sy, sz)):
            self.clear_point()
            return
        self._marker.setData(pos=np.array([[sx, sy, sz]], dtype=np.float32))
        self._ghost.setData(pos=np.array([[sx, sy, sz]], dtype=np.float32))
        self._drop_line.setData(pos=np.array([[sx, sy, sz], [sx, sy, 0.0]], dtype=np.float32))
        for item in self._point_items():
            item.show()

    def point_scene_position(self) -> tuple[float, float, float] | None:
        """Scene coordinates of the marked point, or None when no point is shown."""
        if self._point is None or not self._marker.visible():
            return None
        sx, sy, sz = (float(v) for v in self._mapping.data_to_scene(*self._point))
        return (sx, sy, sz)

    def clear_point(self) -> None:
        """Hide the point marker."""
        self._point = None
        for item in self._point_items():
            item.hide()

    def _point_items(self) -> tuple[GLGraphicsItem, ...]:
        return (self._marker, self._ghost, self._drop_line)

    # ----------------------------------------------------------------- paths
    def set_path(
        self,
        run_id: int,
        xs: Sequence[float] | np.ndarray,
        ys: Sequence[float] | np.ndarray,
        zs_display: Sequence[float] | np.ndarray,
        color: tuple[float, ...],
    ) -> None:
        """Draw run run_id through the data points (xs[k], ys[k], zs_display[k]) in color (RGBA
        floats in [0, 1]): a polyline, a white-edged start dot and a filled head dot."""
        path = self._paths.get(run_id)
        if path is None:
            path = self._paths[run_id] = PathItems(rgba_floats(color))
            for offset, item in enumerate(path.items()):
                item.setDepthValue(PATH_DEPTH + 0.01 * offset)
                self.addItem(item)
        else:
            path.set_color(rgba_floats(color))
        path.set_points(_path_rows(xs, ys, zs_display), self._mapping)

    def append_path(
        self,
        run_id: int,
        xs: Sequence[float] | np.ndarray,
        ys: Sequence[float] | np.ndarray,
        zs_display: Sequence[float] | np.ndarray,
    ) -> None:
        """Add points to the end of run run_id (cheap: for animation); unknown runs are ignored."""
        path = self._paths.get(run_id)
        if path is None:
            log.debug("append_path to unknown run %s ignored", run_id)
            return
        path.append_points(_path_rows(xs, ys, zs_display), self._mapping)

    def set_path_head(self, run_id: int, k: float | None) -> None:
        """Show only points 0..k of run run_id, the head dot at point k (a fractional k: that
        far along the segment to the next point); None shows them all."""
        path = self._paths.get(run_id)
        if path is not None:
            path.set_head(k)

    def path_head_position(self, run_id: int) -> tuple[float, float, float] | None:
        """Scene coordinates of run run_id's head dot (after scrubbing, point k), or None."""
        path = self._paths.get(run_id)
        if path is None:
            return None
        shown = path.shown_rows()
        if len(shown) == 0:
            return None
        sx, sy, sz = (float(v) for v in shown[-1])
        return (sx, sy, sz)

    def path_ids(self) -> list[int]:
        """The runs currently drawn."""
        return list(self._paths)

    def remove_path(self, run_id: int) -> None:
        """Remove run run_id's path and markers (no error when absent)."""
        path = self._paths.pop(run_id, None)
        if path is not None:
            for item in path.items():
                self.removeItem(item)

    def clear_paths(self) -> None:
        """Remove every path."""
        for run_id in list(self._paths):
            self.remove_path(run_id)

    # ----------------------------------------------------------------- arrows
    def set_arrows(self, key: str, arrows: Sequence[tuple]) -> None:
        """Draw the arrow set key: (x, y, z_display, dx, dy, dz_display, color) each, from the data
        point (x, y, z_display) by the data vector (dx, dy, dz_display); replaces that set."""
        group = self._arrows.get(key)
        if group is None:
            group = self._arrows[key] = ArrowItems()
            for offset, item in enumerate(group.items()):
                item.setDepthValue(2.8 + 0.01 * offset)
                self.addItem(item)
        group.set_arrows(arrows, self._mapping)

    def clear_arrows(self, key: str) -> None:
        """Remove the arrow set key (no error when absent)."""
        group = self._arrows.pop(key, None)
        if group is not None:
            for item in group.items():
                self.removeItem(item)

    # ----------------------------------------------------------------- constructions
    def set_construction(self, key: str, construction: Construction) -> None:
        """Draw the construction key (points with labels, segments, curves, arrows, plane
        patches, all in data coordinates with display heights); replaces what key drew before,
        reusing its GL items."""
        group = self._constructions.get(key)
        if group is None:
            group = self._constructions[key] = ConstructionItems(self._add_construction_item)
        group.set(construction, self._mapping)
        self._update_point_labels()

    def clear_construction(self, key: str) -> None:
        """Remove the construction key (no error when absent)."""
        group = self._constructions.pop(key, None)
        if group is not None:
            for item in group.items():
                self.removeItem(item)
            self._update_point_labels()

    def construction_keys(self) -> list[str]:
        """The keys of the constructions currently drawn, in the order they were first set."""
        return list(self._constructions)

    def floor_height(self) -> float:
        """The display height of the box floor (the lowest drawn height of the surface): points
        "on the (x, y) plane" are drawn at most this low."""
        return float(self._mapping.z_range[0])

    def _add_construction_item(self, item: GLGraphicsItem, depth: float) -> None:
        item.setDepthValue(depth)
        self.addItem(item)

    def _update_point_labels(self) -> None:
        """Every construction's labels, once: two drawn constructions share A0 and B, which
        would otherwise be written twice on top of each other ("A0 A0")."""
        seen: set[tuple] = set()
        labels = []
        for group in self._constructions.values():
            for label in group.labels:
                key = (label.text, *(round(v, 4) for v in label.pos))
                if key not in seen:
                    seen.add(key)
                    labels.append(label)
        self._point_labels.set_labels(labels)

    def construction_label_positions(self) -> np.ndarray:
        """Scene positions of the construction labels drawn now (N, 3)."""
        return np.array([lb.pos for lb in self._point_labels.labels], dtype=np.float64).reshape(
            -1, 3
        )

    # ----------------------------------------------------------------- window
    def devicePixelRatioF(self) -> float:  # the name GLViewMixin calls
        return float(self.devicePixelRatio())

    def setFocus(self) -> None:
        """Give the view the keyboard focus, as a click does."""
        self.container.setFocus(QtCore.Qt.FocusReason.OtherFocusReason)
        self.requestActivate()

    def hasFocus(self) -> bool:
        """Whether the keys go to the view (its window is the focus window)."""
        return QtGui.QGuiApplication.focusWindow() is self

    def forward_drops_to(self, widget: QtWidgets.QWidget) -> None:
        """Files dragged onto the view are offered to `widget` (the main window), as a
        widget's drops would reach its parent: a native window receives them itself."""
        self._drop_target = widget

    def event(self, ev: QtCore.QEvent) -> bool:
        kind = ev.type()
        drops = (QtCore.QEvent.Type.DragEnter, QtCore.QEvent.Type.DragMove,
                 QtCore.QEvent.Type.Drop, QtCore.QEvent.Type.DragLeave)  # fmt: skip
        if kind in drops and self._drop_target is not None:
            handler = {
                QtCore.QEvent.Type.DragEnter: "dragEnterEvent",
                QtCore.QEvent.Type.DragMove: "dragMoveEvent",
                QtCore.QEvent.Type.Drop: "dropEvent",
                QtCore.QEvent.Type.DragLeave: "dragLeaveEvent",
            }[kind]
            getattr(self._drop_target, handler)(ev)
            return True
        return super().event(ev)

    def initializeGL(self) -> None:
        super().initializeGL()
        self.context().aboutToBeDestroyed.connect(self._release_frame)

    def paintGL(self) -> None:
        """Draw the scene. The leading items that stay put (the surface, its grid and axes) are
        drawn once into a still layer when the view has been idle a moment, and while the
        camera stays still each frame copies that layer and draws only the rest: a run
        animating on software GL redraws its path, not the whole surface, every frame."""
        region = self.getViewport()
        build, self._build_still_layer = self._build_still_layer, False
        layered = self.reuse_still_layer and self.devicePixelRatio() == 1.0 and min(region) >= 0
        if layered and not build and not self.still_layer.is_kept(region):
            layered = False
            self._still_layer_idle.start()  # make one once the view is idle
        if layered and (
            self._frame_fbo is None or self._frame_fbo.size() != QtCore.QSize(*region[2:])
        ):
            self._frame_fbo = QtOpenGL.QOpenGLFramebufferObject(*region[2:], self._frame_format)
        self.last_frame_layered = layered and self._frame_fbo.isValid()
        if not self.last_frame_layered:
            super().paintGL()
            self.still_layer.painted_whole(region)
            return
        self._frame_fbo.bind()
        GL.glViewport(*region)
        self.still_layer.paint(self._frame_fbo, self._frame_format, region, build=build)
        rect = QtCore.QRect(*region)
        QtOpenGL.QOpenGLFramebufferObject.blitFramebuffer(
            None, rect, self._frame_fbo, rect, GL.GL_COLOR_BUFFER_BIT, GL.GL_NEAREST
        )
        QtOpenGL.QOpenGLFramebufferObject.bindDefault()

    @QtCore.Slot()
    def _paint_still_layer(self) -> None:
        """The view has been idle: the next frame draws the still layer (it costs that frame
        a copy more than usual; the frames after it cost much less)."""
        if self.isExposed():
            self._build_still_layer = True
            self.update()

    @QtCore.Slot()
    def _release_frame(self) -> None:
        """The GL context is going: its framebuffers go with it."""
        self.makeCurrent()
        self.still_layer.close()
        self._frame_fbo = self._grab_fbo = None

    def gl_strings(self) -> dict[str, str]:
        """The GL driver's renderer, vendor and version (empty before the view was shown)."""
        if not self.isValid():
            return {}
        self.makeCurrent()
        names = {"renderer": GL.GL_RENDERER, "vendor": GL.GL_VENDOR, "version": GL.GL_VERSION}
        found = {}
        for key, name in names.items():
            value = GL.glGetString(name)
            found[key] = value.decode(errors="replace") if value else "?"
        return found

    def grabFramebuffer(self) -> QtGui.QImage:
        """The view as it is drawn now, rendered afresh at the window's device-pixel size (the
        window's own back buffer is undefined after a swap)."""
        if not self.isValid():
            return QtGui.QImage()
        w, h = max(self.deviceWidth(), 1), max(self.deviceHeight(), 1)
        self.makeCurrent()
        fbo = self._grab_fbo
        if fbo is None or fbo.size() != QtCore.QSize(w, h):
            # kept between grabs: tests, the clipboard and screenshots grab again and again
            fbo = self._grab_fbo = QtOpenGL.QOpenGLFramebufferObject(w, h, self._frame_format)
        fbo.bind()
        try:
            GL.glViewport(0, 0, w, h)
            region = self.getViewport()
            self.paint(region=region, viewport=region)
            GL.glFinish()
            image = fbo.toImage()
        finally:
            fbo.release()
        image.setDevicePixelRatio(self.devicePixelRatio())
        return image

    # ----------------------------------------------------------------- picking
    def pick(self, px: float, py: float) -> tuple[float, float, float] | None:
        """The data point (x, y, z_display) of the surface under the widget point (px, py)
        (logical pixels, origin top-left), or None when the ray misses it or meets a hole."""
        if self._pick_grid is None or not self._surface.visible():
            return None
        w, h = max(self.width(), 1), max(self.height(), 1)
        # the projection depends only on the aspect ratio, so logical pixels serve as well as
        # device pixels (paintGL itself passes the logical viewport)
        region = (0, 0, w, h)
        mvp = self.projectionMatrix(region, region) * self.viewMatrix()
        matrix = np.array(mvp.data(), dtype=np.float64).reshape(4, 4).T
        sx, sy, sz = self._pick_grid
        hit = pick_height_field(px, py, w, h, matrix, sx, sy, sz)
        if hit is None:
            return None
        x, y, z = (float(v) for v in self._mapping.scene_to_data(*hit))
        return (x, y, z)

    def project(self, points: np.ndarray, width: int, height: int) -> np.ndarray:
        """Pixels (N, 2: column, row from the top-left) of data points (N, 3: x, y, display
        height) in a width × height picture of the current camera (an export's frame)."""
        rows = np.asarray(points, dtype=np.float64).reshape(-1, 3)
        scene = np.stack(self._mapping.data_to_scene(rows[:, 0], rows[:, 1], rows[:, 2]), axis=1)
        region = (0, 0, int(width), int(height))
        mvp = self.projectionMatrix(region, region) * self.viewMatrix()
        matrix = np.array(mvp.data(), dtype=np.float64).reshape(4, 4).T
        clip = np.c_[scene, np.ones(len(scene))] @ matrix.T
        with np.errstate(divide="ignore", invalid="ignore"):
            ndc = clip[:, :2] / clip[:, 3:4]
        return np.c_[(ndc[:, 0] + 1) * 0.5 * width, (1 - ndc[:, 1]) * 0.5 * height]

    def mousePressEvent(self, ev) -> None:
        if not self.hasFocus():
            self.setFocus()  # a click gives the view the keys, as a widget's ClickFocus does
        if ev.button() == QtCore.Qt.MouseButton.LeftButton:
            self._press_pos = QtCore.QPointF(ev.position())
            self._dragged = False
        super().mousePressEvent(ev)

    def mouseMoveEvent(self, ev) -> None:
        if ev.buttons() != QtCore.Qt.MouseButton.NoButton:
            self._auto_frame = None  # the user takes the camera
            self.user_camera = True
        if self._press_pos is not None:
            moved = ev.position() - self._press_pos
            if math.hypot(moved.x(), moved.y()) > CLICK_SLOP:
                self._dragged = True
        super().mouseMoveEvent(ev)

    def mouseReleaseEvent(self, ev) -> None:
        super().mouseReleaseEvent(ev)
        if ev.button() != QtCore.Qt.MouseButton.LeftButton or self._press_pos is None:
            return
        pos = ev.position()
        moved = pos - self._press_pos
        clicked = not self._dragged and math.hypot(moved.x(), moved.y()) <= CLICK_SLOP
        self._press_pos = None
        if not clicked:
            return
        hit = self.pick(pos.x(), pos.y())
        if hit is not None:
            shift = bool(ev.modifiers() & QtCore.Qt.KeyboardModifier.ShiftModifier)
            self.surface_clicked.emit(hit[0], hit[1], shift)

    # ----------------------------------------------------------------- camera
    def reset_camera(self) -> None:
        """A three-quarter view from the +x, -y side that frames the whole box and its labels;
        gdviz may aim it again (Frame the runs) from here on."""
        self.user_camera = False
        self._auto_frame = (DEFAULT_ELEVATION, DEFAULT_AZIMUTH)
        self._reframe()

    def top_view(self) -> None:
        """Looking straight down, +x to the right and +y (north) up."""
        self.user_camera = True
        self._auto_frame = (90.0, -90.0)
        self._reframe()

    def set_auto_camera(self, elevation: float, azimuth: float) -> None:
        """Frame the box from elevation/azimuth as gdviz's own choice (it may move it again)."""
        self._camera_move.stop()
        self.set_camera(elevation, azimuth)
        self.user_camera = False

    def set_camera(
        self,
        elevation: float,
        azimuth: float,
        distance: float | None = None,
        center: tuple[float, float, float] | None = None,
    ) -> None:
        """Look from elevation and azimuth (degrees, pyqtgraph's convention).

        With neither distance nor center the view frames the whole box and its labels and keeps
        it framed on resizes, like reset_camera. A distance (scene units; the box is about 2
        wide) moves the camera in or out; a center (data x, y, z_display) is the point looked
        at, e.g. a construction to zoom in on. Either leaves the camera where it is put.
        The camera is then the user's: gdviz does not move it unasked (see set_auto_camera).
        """
        self.user_camera = True
        self._auto_frame = (float(elevation), float(azimuth))
        self._reframe()
        if distance is None and center is None:
            return
        self._auto_frame = None
        if center is not None:
            sx, sy, sz = (float(v) for v in self._mapping.data_to_scene(*center))
            self.opts["center"] = QtGui.QVector3D(sx, sy, sz)
        if distance is not None:
            self.opts["distance"] = float(distance)
        self.update()

    def _reframe(self) -> None:
        if self._auto_frame is not None:
            self._frame(*self._auto_frame)

    def auto_framing(self) -> tuple[float, float] | None:
        """(elevation, azimuth) while the view frames the whole box by itself, else None."""
        return self._auto_frame

    def frame_for_size(self, width: int, height: int) -> None:
        """Frame the box for a picture of width × height (an export), if the view auto-frames."""
        if self._auto_frame is not None:
            self._frame(*self._auto_frame, size=(width, height))

    def resizeGL(self, w: int, h: int) -> None:
        super().resizeGL(w, h)
        self._reframe()

    def wheelEvent(self, ev) -> None:
        self._auto_frame = None
        self.user_camera = True
        super().wheelEvent(ev)

    def keyPressEvent(self, ev) -> None:
        self._auto_frame = None
        self.user_camera = True
        super().keyPressEvent(ev)

    def _frame(self, elevation: float, azimuth: float, size: tuple[int, int] | None = None) -> None:
        """Aim and back off the camera so the box and its label anchors fill the view, centred."""
        w, h = size or (max(self.width(), 1), max(self.height(), 1))
        center, distance = frame_points(
            self._box_points(elevation), elevation, azimuth, self.opts["fov"], w / h
        )
        self.setCameraPosition(
            pos=QtGui.QVector3D(*center), distance=distance, elevation=elevation, azimuth=azimuth
        )

    def _box_points(self, elevation: float) -> np.ndarray:
        """The box corners and the label anchors seen from `elevation` (what framing must hold)."""
        m = self._mapping
        corners = [
            (x, y, z)
            for x in (-m.half_x, m.half_x)
            for y in (-m.half_y, m.half_y)
            for z in (0.0, m.height)
        ]
        from_top = elevation > self._labels.hide_z_above_elevation
        anchors = [
            lb.pos for lb in self._labels.labels if not (from_top and lb.group in ("z", "name-z"))
        ]
        return np.array(corners + anchors, dtype=np.float64)

    def choose_camera(
        self, targets: np.ndarray, weights: np.ndarray | None = None, aspect: float | None = None
    ) -> CameraChoice | None:
        """The view (among the candidates of render.framing) that sees the most of the data
        points `targets` (N, 3: x, y, display height) over the surface; None with no surface."""
        search = self.camera_search(targets, weights, aspect)
        return None if search is None else search()

    def camera_search(
        self, targets: np.ndarray, weights: np.ndarray | None = None, aspect: float | None = None
    ) -> Callable[[], CameraChoice] | None:
        """choose_camera as a function of plain data, to run on any thread (it touches no Qt
        object); None with no surface."""
        if self._pick_grid is None:
            return None
        rows = np.asarray(targets, dtype=np.float64).reshape(-1, 3)
        scene = np.stack(self._mapping.data_to_scene(rows[:, 0], rows[:, 1], rows[:, 2]), axis=1)
        keep = np.isfinite(scene).all(axis=1)
        w = None if weights is None else np.asarray(weights, dtype=np.float64)[keep]
        scene = scene[keep] + np.array([0.0, 0.0, PATH_LIFT])
        if aspect is None:
            aspect = max(self.width(), 1) / max(self.height(), 1)
        box = self._box_points(DEFAULT_ELEVATION)
        grid, fov = self._pick_grid, float(self.opts["fov"])
        preferred = (DEFAULT_ELEVATION, DEFAULT_AZIMUTH)
        return functools.partial(choose_view, grid, scene, box, fov, aspect, preferred, w)

    def animate_camera(self, elevation: float, azimuth: float, ms: int = CAMERA_MOVE_MS) -> None:
        """Turn the framed camera smoothly to elevation/azimuth (the short way round); a mouse
        drag or wheel during the move stops it and leaves the camera to the user."""
        start = self._auto_frame or (float(self.opts["elevation"]), float(self.opts["azimuth"]))
        turn = (azimuth - start[1] + 180.0) % 360.0 - 180.0
        self._camera_move.stop()
        if ms <= 0 or (abs(turn) < 0.5 and abs(elevation - start[0]) < 0.5):
            self.set_auto_camera(elevation, start[1] + turn)
            return
        self._camera_path = (start[0], start[1], elevation - start[0], turn)
        self.user_camera = False
        self._camera_move.setDuration(ms)
        self._camera_move.start()

    def _on_camera_step(self, t: float) -> None:
        if self._camera_path is None or (self.user_camera and t > 0):
            self._camera_move.stop()  # the user took the camera
            return
        e0, a0, de, da = self._camera_path
        self._auto_frame = (e0 + de * t, a0 + da * t)
        self._reframe()

    def settle_camera(self) -> None:
        """End a camera move at once, where it was going (before frames are captured)."""
        if self.is_moving_camera() and self._camera_path is not None:
            e0, a0, de, da = self._camera_path
            self._camera_move.stop()
            self.set_auto_camera(e0 + de, a0 + da)

    def is_moving_camera(self) -> bool:
        return self._camera_move.state() == QtCore.QAbstractAnimation.Running

    # ----------------------------------------------------------------- look
    @property
    def dark(self) -> bool:
        """Whether the dark background is in use."""
        return self._dark

    def set_background(self, dark: bool) -> None:
        """Dark (#1e1e24) or light background, with axis and label colours to match."""
        self._dark = bool(dark)
        if self._dark:
            self.setBackgroundColor(DARK_BACKGROUND)
            self._grid.setData(color=(1.0, 1.0, 1.0, 0.13))
            self._axes.setData(color=(0.86, 0.86, 0.9, 0.9))
            self._labels.set_colors("#c9c9d3", "#ffffff")
        else:
            self.setBackgroundColor(LIGHT_BACKGROUND)
            self._grid.setData(color=(0.0, 0.0, 0.0, 0.14))
            self._axes.setData(color=(0.2, 0.2, 0.24, 0.9))
            self._labels.set_colors("#3a3a44", "#101014")

    def _update_guides(self) -> None:
        guides = axis_guides(self._mapping, self._axis_names, self._z_label)
        self._grid.setData(pos=guides.grid_segments)
        self._axes.setData(pos=guides.axis_segments)
        self._labels.set_labels(guides.labels)


def _path_rows(xs, ys, zs) -> np.ndarray:
    """(N, 3) float64 rows of equally long x, y, z sequences."""
    xs, ys, zs = (np.asarray(v, dtype=np.float64).ravel() for v in (xs, ys, zs))
    if not xs.size == ys.size == zs.size:
        raise ValueError(f"xs, ys, zs must be equally long, got {xs.size}, {ys.size}, {zs.size}")
    return np.stack([xs, ys, zs], axis=1)
