"""The 3D camera: the document's camera, a view chosen so the point and the runs are seen,
following a run, the close-up, and the surface's opacity."""

from __future__ import annotations

import math

import numpy as np
from PySide6 import QtCore

from gdviz.core.grid import display_height, display_heights
from gdviz.core.presets import get_preset
from gdviz.core.scene import Camera
from gdviz.model import Document
from gdviz.render.framing import CameraChoice
from gdviz.render.view3d import SurfaceView
from gdviz.workers.job_worker import JobWorker

CLOSE_UP_ELEVATION, CLOSE_UP_AZIMUTH, CLOSE_UP_DISTANCE = 45.0, -110.0, 1.3
SAMPLES_PER_RUN = 60  # path points a view is judged by
POINT_WEIGHT, END_WEIGHT, PATH_WEIGHT = 4.0, 4.0, 1.0
FOLLOW_DISTANCE = 1.6  # scene units: a close-up that still shows the hills around the iterate
FOLLOW_MS = 100  # the camera follows the run at most ten times a second
FOLLOW_SMOOTHING = 0.35  # each update moves this share of the way to the newest iterate


def even_along_path(xs: np.ndarray, ys: np.ndarray, count: int) -> np.ndarray:
    """Indices of about `count` steps spread evenly along the path's length (a slow run's many
    last steps sit on one spot: sampling by step would judge a view by that spot alone)."""
    length = np.r_[0.0, np.cumsum(np.hypot(np.diff(xs), np.diff(ys)))]
    length = np.nan_to_num(length, nan=0.0, posinf=0.0)
    if length[-1] <= 0:
        return np.array([len(xs) - 1])
    at = np.linspace(0.0, length[-1], count)
    picked = np.searchsorted(length, at, side="left").clip(0, len(xs) - 1)
    return np.unique(np.r_[picked, len(xs) - 1])


class CameraController(QtCore.QObject):
    """Aims the 3D view: at what the document says, or at what matters on the surface."""

    status_message = QtCore.Signal(str, int)

    def __init__(self, doc: Document, view: SurfaceView, surfaces, parent=None):
        super().__init__(parent)
        self.doc, self.view, self.surfaces = doc, view, surfaces
        self.following = False
        self._explicit: Camera | None = None  # a camera the document set, applied when drawn
        self._auto_pending = True  # a new surface: choose a view once it is drawn
        self._source = doc.scene.source
        self._follow_center: np.ndarray | None = None
        self._follow_timer = QtCore.QTimer(self, singleShot=True, interval=FOLLOW_MS)
        self._follow_timer.timeout.connect(self._follow_step)
        self._reframe_timer = QtCore.QTimer(self, singleShot=True, interval=0)
        self._reframe_timer.timeout.connect(self._reframe_now)
        # the view search takes tens of ms on software GL's CPU: never on the GUI thread
        # while a run animates
        self._search = JobWorker(self)
        self._search.job_computed.connect(self._on_view_found)
        self._search.job_failed.connect(self._on_search_failed)
        self._search_job: int | None = None
        events = doc.events
        events.surface_changed.connect(self._on_surface_changed)
        events.camera_changed.connect(self._on_camera_changed)
        events.runs_changed.connect(self._on_runs_changed)
        events.run_finished.connect(lambda _run_id: self._reframe_if_automatic())
        events.run_stepped.connect(self._on_run_stepped)

    # --- the document's camera ------------------------------------------------------------------
    def view_camera(self) -> Camera:
        """The 3D view's camera as the document keeps it."""
        framing = self.view.auto_framing()
        if framing is not None:
            return Camera(framing[0], framing[1], None, None)
        c = self.view.opts["center"]
        center = tuple(float(v) for v in self.view.scene_to_data(c.x(), c.y(), c.z()))
        o = self.view.opts
        return Camera(float(o["elevation"]), float(o["azimuth"]), float(o["distance"]), center)

    def sync_camera(self) -> None:
        """Write the view's camera into the document (it is not an edit of its own)."""
        self._explicit = None
        self.doc.update(camera=self.view_camera())
        self._explicit = None

    def _on_camera_changed(self) -> None:
        self._explicit = self.doc.scene.camera
        if self.surfaces.grid_is_final():
            self.grid_shown()

    def _on_surface_changed(self) -> None:
        self._reframe_timer.stop()
        self._search_job = None  # a view searched on the old surface is not applied to the new
        if self.doc.scene.source != self._source:
            self._source = self.doc.scene.source
            self._auto_pending = True

    def grid_shown(self) -> None:
        """A final grid is on screen: apply the document's camera, or choose one."""
        camera, self._explicit = self._explicit, None
        if camera is not None:
            self._auto_pending = False
            self.view.set_camera(camera.elevation, camera.azimuth, camera.distance, camera.center)
            return
        if self._auto_pending:
            self._auto_pending = False
            pinned = self._pinned_camera()
            if pinned is not None:
                self.view.set_auto_camera(*pinned)
            else:
                self.frame_what_matters(animate=False)

    def _pinned_camera(self) -> tuple[float, float] | None:
        source = self.doc.scene.source
        return get_preset(source.preset).camera if source.kind == "preset" else None

    # --- a view that shows what matters -----------------------------------------------------------
    def targets(self) -> tuple[np.ndarray, np.ndarray]:
        """(points (N, 3) in data x, y, display height; weights): the point, samples of every
        run's path and where each run has got to."""
        grid = self.surfaces.grid
        rows, weights = [], []
        x, y = self.doc.point
        f = float(self.doc.surface.value(x, y))
        if grid is not None and math.isfinite(f):
            rows.append((x, y, display_height(grid, f)))
            weights.append(POINT_WEIGHT)
        window = self.doc.window
        for record in self.doc.runs.values():
            if grid is None or len(record.history) == 0:
                continue
            xs, ys = record.history.column("x"), record.history.column("y")
            zs = display_heights(grid, record.history.column("f"))
            pick = even_along_path(xs / window.width, ys / window.height, SAMPLES_PER_RUN)
            rows += list(zip(xs[pick], ys[pick], zs[pick], strict=True))
            weights += [PATH_WEIGHT] * (len(pick) - 1) + [END_WEIGHT]
        return np.array(rows, dtype=np.float64).reshape(-1, 3), np.array(weights)

    def frame_what_matters(self, animate: bool = True, aspect: float | None = None) -> None:
        """View → Frame the runs: the candidate view that sees the point and the runs best
        (judged for a picture of `aspect` width/height; default the view's)."""
        points, weights = self.targets()
        choice = self.view.choose_camera(points, weights, aspect) if len(points) else None
        self._aim(choice, animate)

    def _aim(self, choice: CameraChoice | None, animate: bool) -> None:
        if choice is None:
            self.view.reset_camera()
            return
        self.view.user_camera = False  # asked for (or automatic): gdviz aims it from here on
        if animate:
            self.view.animate_camera(choice.elevation, choice.azimuth)
        else:
            self.view.set_auto_camera(choice.elevation, choice.azimuth)
        if choice.visible < 0.999:
            self.status_message.emit(
                f"{choice.visible:.0%} of the path is in plain view from the best angle; the rest "
                "shows faintly through the surface",
                6000,
            )

    def _on_runs_changed(self) -> None:
        if self.doc.runs:
            self._reframe_if_automatic()

    def _reframe_if_automatic(self) -> None:
        """A run started or ended: re-aim, unless the user has taken the camera (soon, in an
        event-loop pass of its own: the view search must not add to the run's last frame)."""
        if not self._reframe_timer.isActive():
            self._reframe_timer.start()

    def _reframe_now(self) -> None:
        """Search the candidate views in the search thread; _on_view_found aims the camera."""
        if self.following or self.view.user_camera or not self.surfaces.grid_is_final():
            return
        points, weights = self.targets()
        search = self.view.camera_search(points, weights) if len(points) else None
        if search is None:
            self.view.reset_camera()
            return
        self._search_job = self._search.submit(search)

    @QtCore.Slot(int, object)
    def _on_view_found(self, job_id: int, choice: CameraChoice) -> None:
        if job_id != self._search_job:
            return
        self._search_job = None
        if self.following or self.view.user_camera or not self.surfaces.grid_is_final():
            return  # the user took the camera meanwhile, or the surface is being replaced
        self._aim(choice, animate=True)

    @QtCore.Slot(int, str)
    def _on_search_failed(self, job_id: int, _message: str) -> None:
        if job_id == self._search_job:
            self._search_job = None  # logged by the worker; the camera stays where it is

    def searching(self) -> bool:
        """Whether an automatic view search is under way (tests, exports wait for it)."""
        return self._reframe_timer.isActive() or self._search_job is not None

    def settle_search(self) -> None:
        """Finish a pending automatic view search here and now (before frames are captured),
        and forget the one in the thread."""
        if not self.searching():
            return
        self._reframe_timer.stop()
        self._search_job = None
        if not (self.following or self.view.user_camera) and self.surfaces.grid_is_final():
            self.frame_what_matters(animate=False)

    def cancel_search(self) -> None:
        """Forget a pending automatic view search without aiming (the caller aims the camera
        itself: an export that frames for its own picture size)."""
        self._reframe_timer.stop()
        self._search_job = None

    def stop(self) -> None:
        """Join the search thread (the window is closing)."""
        self._search.stop()

    # --- following a run --------------------------------------------------------------------------
    def set_following(self, on: bool) -> None:
        """View → Follow the run: the camera tracks the focused run's newest iterate, close up."""
        self.following = bool(on)
        self._follow_center = None
        if on:
            self._follow_step()
        else:
            self.view.reset_camera()
            self.frame_what_matters(animate=False)

    def _on_run_stepped(self, run_id: int) -> None:
        if self.following and run_id == self.doc.focus_run and not self._follow_timer.isActive():
            self._follow_timer.start()

    def _follow_step(self) -> None:
        self.follow_focused_step(FOLLOW_SMOOTHING)

    def follow_focused_step(self, smoothing: float = FOLLOW_SMOOTHING) -> None:
        """Move the camera `smoothing` of the way toward the focused run's shown step (1: onto
        it), close up, keeping its elevation and azimuth (following a run; exports too)."""
        focused = self.doc.focused_step()
        grid = self.surfaces.grid
        if focused is None or grid is None:
            return
        record, k = focused
        step = record.history.step(k)
        z = display_height(grid, step.value)
        if not math.isfinite(z):
            return
        target = np.array(self.view.data_to_scene(step.point[0], step.point[1], z), dtype=float)
        center = target if self._follow_center is None else self._follow_center
        center = center + smoothing * (target - center)
        self._follow_center = center
        data = tuple(float(v) for v in self.view.scene_to_data(*center))
        elevation, azimuth = float(self.view.opts["elevation"]), float(self.view.opts["azimuth"])
        self.view.set_camera(elevation, azimuth, FOLLOW_DISTANCE, data)

    def forget_follow(self) -> None:
        """The next follow_focused_step starts on the step itself, not on the last centre."""
        self._follow_center = None

    # --- close-up and opacity ---------------------------------------------------------------------
    def close_up(self) -> None:
        """Look closely at the current point (the Δ and direction constructions are small)."""
        x, y = self.doc.point
        value = float(self.doc.surface.value(x, y))
        grid = self.surfaces.grid
        if grid is None or not math.isfinite(value):
            return
        center = (x, y, display_height(grid, value))
        azimuth = self._close_up_azimuth(center)
        self.view.set_camera(CLOSE_UP_ELEVATION, azimuth, CLOSE_UP_DISTANCE, center)

    def _close_up_azimuth(self, center: tuple[float, float, float]) -> float:
        """The side to look from: the one that sees most of the construction's points (a
        slope behind the point is better than one in front of it)."""
        labels = self.view.construction_label_positions()
        if len(labels) == 0:
            return CLOSE_UP_AZIMUTH
        data = np.stack(self.view.scene_to_data(labels[:, 0], labels[:, 1], labels[:, 2]), axis=1)
        points = np.vstack([np.array([center]), data])
        choice = self.view.choose_camera(points)
        return CLOSE_UP_AZIMUTH if choice is None else choice.azimuth
