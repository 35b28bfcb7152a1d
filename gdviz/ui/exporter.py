"""Animation frames of the window's scene: descent playback, Δ → 0, u rotating, a camera orbit."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from gdviz.core.animation import AnimationPlan, FrameState
from gdviz.core.calculus import point_report
from gdviz.core.step_text import number
from gdviz.render.capture import FrameCapture
from gdviz.render.overlay import Overlay, draw_overlay


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


def animation_plan(window, request: FrameRequest) -> AnimationPlan:
    """The plan for the window's current runs, Δ, u and camera."""
    runs = list(window.descent.runs.values())
    azimuth = window.view.opts["azimuth"]
    angle = math.degrees(math.atan2(*reversed(window.direction_panel.direction())))
    return AnimationPlan(
        kinds=tuple(request.kinds),
        frames=int(request.frames),
        run_lengths=tuple(len(r.history) for r in runs),
        delta_start=window.partials_panel.delta(),
        angle_start=angle % 360.0,
        azimuth_start=float(azimuth),
    )


def render_frames(window, request: FrameRequest) -> Iterator[np.ndarray]:
    """Frames (h, w, 4) RGBA of the window's 3D view, one per plan state; restores the view.

    Descent playback is frame-exact: frame i shows step round(i/(n−1)·(K−1)) of a run of K
    recorded steps, whatever the wall clock. Run on the GUI thread (it paints with OpenGL).
    """
    plan = animation_plan(window, request)
    runs = list(window.descent.runs.values())
    saved = _saved_state(window)
    # Δ and u animations show their constructions, whether or not they are on in the window.
    if "delta" in plan.kinds:
        window.partials_panel.show_check.setChecked(True)
    if "direction" in plan.kinds:
        window.direction_panel.show_check.setChecked(True)
    try:
        with FrameCapture(window.view, request.width, request.height, request.background) as cap:
            for index in range(plan.frames):
                state = plan.state(index)
                _apply(window, runs, state, (cap.width, cap.height))
                frame = cap.frame()
                if request.overlays:
                    frame = draw_overlay(frame, _overlay(window, runs, state, request))
                yield frame
    finally:
        _restore(window, runs, saved)


def _saved_state(window) -> dict:
    return {
        "partials_shown": window.partials_panel.show_check.isChecked(),
        "direction_shown": window.direction_panel.show_check.isChecked(),
        "delta": window.partials_panel.delta(),
        "direction": window.direction_panel.direction(),
        "azimuth": window.view.opts["azimuth"],
        "framing": window.view.auto_framing(),
    }


def _apply(window, runs, state: FrameState, size: tuple[int, int]) -> None:
    view = window.view
    for drawn, k in zip(runs, state.steps, strict=True):
        view.set_path_head(drawn.run_id, k)
    if state.delta is not None:
        window.partials_panel.set_delta(state.delta)
    if state.angle is not None:
        radians = math.radians(state.angle)
        window.direction_panel.set_direction(math.cos(radians), math.sin(radians))
    if state.azimuth is not None:
        framing = view.auto_framing()
        elevation = framing[0] if framing else view.opts["elevation"]
        view.set_camera(elevation, state.azimuth)
        view.frame_for_size(*size)


def _restore(window, runs, saved: dict) -> None:
    for drawn in runs:
        window.view.set_path_head(drawn.run_id, None)
    window.partials_panel.set_delta(saved["delta"])
    window.partials_panel.show_check.setChecked(saved["partials_shown"])
    window.direction_panel.show_check.setChecked(saved["direction_shown"])
    window.direction_panel.set_direction(*saved["direction"])
    if saved["framing"] is not None:
        window.view.set_camera(*saved["framing"])


def _overlay(window, runs, state: FrameState, request: FrameRequest) -> Overlay:
    surface = window.surface
    fn = "L" if surface.axis_names[2] == "L" else "f"
    lines = []
    for drawn, k in zip(runs, state.steps, strict=True):
        if len(drawn.history) == 0:
            continue
        step = drawn.history.step(min(k, len(drawn.history) - 1))
        lines.append((f"{drawn.label}: k = {step.k}, {fn} = {number(step.value, 6)}", drawn.color))
    if state.delta is not None:
        lines.append((f"Δ = {state.delta:.2e}", "#ffd166"))
    if state.angle is not None:
        x, y = window.point
        at = point_report(surface, x, y)
        u = (math.cos(math.radians(state.angle)), math.sin(math.radians(state.angle)))
        derivative = at.f_x * u[0] + at.f_y * u[1]
        lines.append((f"u at {state.angle:.0f}°: D_u f = {number(derivative, 6)}", "#ffd166"))
    return Overlay(
        title=request.title if request.title is not None else surface.title,
        subtitle=surface.formula if surface.formula not in surface.title else "",
        lines=tuple(lines),
        dark=request.background != "light",
    )
