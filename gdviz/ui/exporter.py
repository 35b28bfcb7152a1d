"""Animation frames of the document: descent playback, Δ → 0, u rotating, a camera orbit.

Each frame sets document fields (Δ, u, the steps shown, the camera); the views follow the
document as they always do, and the 3D view is captured. The document is put back afterwards.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np

from gdviz.core.animation import AnimationPlan, FrameState
from gdviz.core.calculus import point_report
from gdviz.core.step_text import number
from gdviz.model import Document
from gdviz.render.capture import FrameCapture
from gdviz.render.overlay import Overlay, draw_overlay
from gdviz.ui import theme
from gdviz.ui.descent_controller import run_color

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


def animation_plan(doc: Document, azimuth: float, request: FrameRequest) -> AnimationPlan:
    """The plan for the document's runs, Δ and u, orbiting from `azimuth`."""
    u1, u2 = doc.scene.direction
    return AnimationPlan(
        kinds=tuple(request.kinds),
        frames=int(request.frames),
        run_lengths=tuple(len(r.history) for r in doc.runs.values()),
        delta_start=doc.scene.delta,
        angle_start=math.degrees(math.atan2(u2, u1)) % 360.0,
        azimuth_start=float(azimuth),
    )


def render_frames(window, request: FrameRequest) -> Iterator[np.ndarray]:
    """Frames (h, w, 4) RGBA of the window's 3D view, one per plan state; restores the document.

    Descent playback is frame-exact: frame i shows step round(i/(n−1)·(K−1)) of a run of K
    recorded steps, whatever the wall clock. Run on the GUI thread (it paints with OpenGL).
    """
    window.sync_camera()
    doc: Document = window.doc
    view = window.view
    plan = animation_plan(doc, view.opts["azimuth"], request)
    saved = doc.scene
    framing = view.auto_framing()
    elevation = framing[0] if framing else float(view.opts["elevation"])
    pinned = tuple(saved.pinned)
    shown = tuple(saved.shown)
    for kind, (construction, tool) in ANIMATED_TOOLS.items():
        if kind in plan.kinds:
            shown += () if construction in shown else (construction,)
            pinned += () if tool in pinned else (tool,)
    doc.update(shown=shown, pinned=pinned)
    try:
        with FrameCapture(view, request.width, request.height, request.background) as cap:
            for index in range(plan.frames):
                state = plan.state(index)
                _apply(doc, state, elevation)
                if state.azimuth is not None:
                    view.frame_for_size(cap.width, cap.height)
                frame = cap.frame()
                if request.overlays:
                    frame = draw_overlay(frame, frame_overlay(doc, state, request))
                yield frame
    finally:
        doc.show_steps(None)
        doc.update(
            delta=saved.delta,
            direction=saved.direction,
            shown=saved.shown,
            pinned=saved.pinned,
            camera=saved.camera,
        )
        if framing is not None:
            view.set_camera(*framing)


def _apply(doc: Document, state: FrameState, elevation: float) -> None:
    """Set the document to frame `state`: the steps shown, Δ, u and the camera's azimuth."""
    doc.show_steps(dict(zip(doc.runs, state.steps, strict=True)))
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
        subtitle=surface.formula if surface.formula not in surface.title else "",
        lines=tuple(lines),
        dark=request.background != "light",
    )
