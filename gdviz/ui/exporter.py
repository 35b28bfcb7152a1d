"""Animation frames of the document: descent playback, Δ → 0, u rotating, a camera orbit.

Each frame sets document fields (Δ, u, the steps shown, the camera); the views follow the
document as they always do, and the 3D view is captured. The document is put back afterwards.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np

from gdviz.core.animation import (
    DEFAULT_TIMING,
    AnimationPlan,
    FrameState,
    RunTrace,
    descent_progress,
)
from gdviz.core.calculus import point_report
from gdviz.core.formula_text import readable_formula
from gdviz.core.step_text import number
from gdviz.model import Document
from gdviz.render.capture import FrameCapture
from gdviz.render.overlay import Overlay, draw_overlay, text_band
from gdviz.ui import theme
from gdviz.ui.camera_controller import FOLLOW_SMOOTHING
from gdviz.ui.run_drawing import run_color
from gdviz.ui.scatter_export import scatter_overlay_lines, scatter_plan_fields

# The tools whose constructions an animation shows, pinned for the export.
ANIMATED_TOOLS = {"delta": ("partials", "partials"), "direction": ("direction", "direction")}


@dataclass(frozen=True)
class FrameRequest:
    """What to render: the animations, the frame count, the picture and whether to write text."""

    kinds: tuple[str, ...]
    frames: int
    width: int
    height: int
    background: str = "dark"
    overlays: bool = True
    title: str | None = None  # None: the surface's own title
    timing: str = DEFAULT_TIMING  # how the steps are spread over the frames (TIMINGS)
    hold: int = 0  # frames that repeat the last one
    follow: bool = False  # the camera follows the focused run, close up


def animation_plan(doc: Document, azimuth: float, request: FrameRequest) -> AnimationPlan:
    """The plan for the document's runs, Δ and u, orbiting from `azimuth`."""
    u1, u2 = doc.scene.direction
    traces = [
        RunTrace(r.history.column("x"), r.history.column("y"), r.history.column("f"))
        for r in doc.runs.values()
    ]
    window = doc.window
    return AnimationPlan(
        kinds=tuple(request.kinds),
        frames=int(request.frames),
        run_lengths=tuple(len(r.history) for r in doc.runs.values()),
        delta_start=doc.scene.delta,
        angle_start=math.degrees(math.atan2(u2, u1)) % 360.0,
        azimuth_start=float(azimuth),
        progress=descent_progress(request.timing, traces, (window.width, window.height)),
        hold=int(request.hold),
        **scatter_plan_fields(doc, request),
    )


def render_frames(
    window, request: FrameRequest, indices: Sequence[int] | None = None
) -> Iterator[np.ndarray]:
    """Frames (h, w, 4) RGBA of the window's 3D view, one per plan state (only those of
    `indices` if given: e.g. samples for a GIF palette); restores the document and camera.

    Descent playback is frame-exact: which step each frame shows follows the request's timing,
    whatever the wall clock. Run on the GUI thread (it paints with OpenGL).
    """
    window.camera.settle_search()
    window.view.settle_camera()
    window.sync_camera()
    doc: Document = window.doc
    view = window.view
    plan = animation_plan(doc, view.opts["azimuth"], request)
    saved = doc.scene
    framing = view.auto_framing()
    user_camera = view.user_camera
    elevation = framing[0] if framing else float(view.opts["elevation"])
    pinned = tuple(saved.pinned)
    shown = tuple(saved.shown)
    for kind, (construction, tool) in ANIMATED_TOOLS.items():
        if kind in plan.kinds:
            shown += () if construction in shown else (construction,)
            pinned += () if tool in pinned else (tool,)
    doc.update(shown=shown, pinned=pinned)
    order = range(plan.total_frames) if indices is None else indices
    window.camera.forget_follow()
    # the text gets a band of its own at the top, so it never covers the point or a path
    band = text_band(frame_overlay(doc, plan.state(0), request), request.height)
    band = band if request.overlays else 0
    try:
        with FrameCapture(
            view, request.width, request.height, request.background, top_band=band
        ) as cap:
            last: np.ndarray | None = None
            for index in order:
                if index >= plan.frames and last is not None:
                    yield last  # the hold: the last moving frame again
                    continue
                state = plan.state(index)
                _apply(doc, state, elevation)
                if request.follow and doc.runs:
                    window.camera.follow_focused_step(1.0 if last is None else FOLLOW_SMOOTHING)
                elif state.azimuth is not None:
                    view.frame_for_size(cap.width, cap.scene_height)
                frame = cap.frame()  # a fresh array: the text is written into it
                if request.overlays:
                    frame = draw_overlay(frame, frame_overlay(doc, state, request), in_place=True)
                last = frame
                yield frame
    finally:
        doc.show_steps(None)
        doc.scatter.show_step(None)
        doc.update(
            delta=saved.delta,
            direction=saved.direction,
            shown=saved.shown,
            pinned=saved.pinned,
            camera=saved.camera,
        )
        if framing is not None:
            view.set_camera(*framing)
        view.user_camera = user_camera


PALETTE_SAMPLES = 8


def palette_samples(window, spec, request: FrameRequest) -> Iterator[np.ndarray] | None:
    """For a GIF, frames spread evenly over the animation (first and last included) that its
    palette is built from; None for other formats."""
    if spec.format != "gif":
        return None
    moving = max(int(request.frames), 1)
    picks = np.unique(np.linspace(0, moving - 1, min(PALETTE_SAMPLES, moving)).round())
    return render_frames(window, request, indices=[int(i) for i in picks])


def _apply(doc: Document, state: FrameState, elevation: float) -> None:
    """Set the document to frame `state`: the steps shown, Δ, u and the camera's azimuth."""
    doc.show_steps(dict(zip(doc.runs, state.positions, strict=True)))
    doc.scatter.show_step(state.starts_head)
    changes: dict = {}
    if state.delta is not None:
        changes["delta"] = state.delta
    if state.angle is not None:
        radians = math.radians(state.angle)
        changes["direction"] = (math.cos(radians), math.sin(radians))
    if state.azimuth is not None:
        changes["camera"] = replace(doc.scene.camera, elevation=elevation, azimuth=state.azimuth,
                                    distance=None, center=None)  # fmt: skip
    if changes:
        doc.update(**changes)


def frame_overlay(doc: Document, state: FrameState, request: FrameRequest) -> Overlay:
    """The text written on a frame: title, formula, each run's step and value, Δ or D_u f."""
    surface = doc.surface
    fn = "L" if surface.axis_names[2] == "L" else "f"
    lines = []
    for record, k in zip(doc.runs.values(), state.steps, strict=True):
        if len(record.history) == 0:
            continue
        step = record.history.step(min(k, len(record.history) - 1))
        value = number(step.value, 6)
        lines.append(
            (f"{record.label}: k = {step.k}, {fn} = {value}", run_color(doc, record.run_id))
        )
    lines += scatter_overlay_lines(doc, state.starts_head)
    if state.delta is not None:
        lines.append((f"Δ = {state.delta:.2e}", theme.ACCENT))
    if state.angle is not None:
        x, y = doc.point
        at = point_report(surface, x, y)
        u = (math.cos(math.radians(state.angle)), math.sin(math.radians(state.angle)))
        derivative = at.f_x * u[0] + at.f_y * u[1]
        lines.append((f"u at {state.angle:.0f}°: D_u f = {number(derivative, 6)}", theme.ACCENT))
    return Overlay(
        title=request.title if request.title is not None else surface.title,
        subtitle=_subtitle(surface.formula, surface.title),
        lines=tuple(lines),
        dark=request.background != "light",
    )


def _subtitle(formula: str, title: str) -> str:
    """The formula under the title, written as the title writes it, unless the title has it."""
    readable = readable_formula(formula)
    return "" if readable in title or formula in title else readable
