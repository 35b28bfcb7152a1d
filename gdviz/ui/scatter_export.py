"""Many starts in an exported animation: how their paths grow, and the legend written on frames."""

from __future__ import annotations

import math

import numpy as np

from gdviz.core.animation import RunTrace, descent_progress
from gdviz.core.step_text import number
from gdviz.model import Document
from gdviz.ui import theme
from gdviz.ui.scatter_controller import basin_color

OVERLAY_MINIMA = 4  # minima written on a frame; more are summed up in one line


def scatter_plan_fields(doc: Document, request) -> dict:
    """starts_length and starts_progress of an AnimationPlan for a "starts" animation: every
    path grows by the request's timing (the runs' shares averaged, as for several runs)."""
    scatter = doc.scatter.scatter
    if "starts" not in request.kinds or scatter is None:
        return {}
    runs = scatter.runs
    traces = [
        RunTrace(runs.x[:n, i], runs.y[:n, i], runs.f[:n, i])
        for i, n in enumerate(runs.lengths.tolist())
    ]
    window = doc.window
    progress = descent_progress(request.timing, traces, (window.width, window.height))
    return {"starts_length": int(runs.lengths.max(initial=0)), "starts_progress": progress}


def scatter_overlay_lines(doc: Document, head: float | None) -> list[tuple[str, str]]:
    """The lines a "starts" frame writes: K and the step, then the minima found in their colours."""
    scatter = doc.scatter.scatter
    if head is None or scatter is None:
        return []
    fn = "L" if doc.surface.axis_names[2] == "L" else "f"
    found = len(scatter.minima)
    lines = [
        (f"{len(scatter):,} starts, step {math.floor(head)}: {found} minim"
         f"{'um' if found == 1 else 'a'} found", theme.ACCENT)
    ]  # fmt: skip
    for k, m in enumerate(scatter.minima[:OVERLAY_MINIMA]):
        text = f"{fn} = {number(m.value, 3)} at ({number(m.x, 3)}, {number(m.y, 3)}): {m.count:,}"
        lines.append((text, basin_color(k)))
    rest = scatter.minima[OVERLAY_MINIMA:]
    if rest:
        lines.append((f"{len(rest)} more minima: {sum(m.count for m in rest):,}", theme.MUTED))
    lost = int(np.count_nonzero(scatter.labels < 0))
    if lost:
        lines.append((f"no minimum (diverged or left): {lost:,}", theme.NO_BASIN_COLOR))
    return lines
