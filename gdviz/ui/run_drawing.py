"""How a run looks in the views: its colour, and the step and velocity arrows at a step."""

from __future__ import annotations

import math

from gdviz.core.descent import Step
from gdviz.core.grid import SampledGrid, display_height
from gdviz.model import Document, RunRecord
from gdviz.ui import theme

RUN_COLORS = theme.RUN_COLORS
STEP_ARROW_COLOR = (1.0, 0.84, 0.04, 1.0)
VELOCITY_ARROW_COLOR = (0.0, 0.9, 1.0, 1.0)
ARROW_KEYS = ("step", "velocity")

# key -> (x, y, z, dx, dy, dz, color) of the arrow drawn under that key, or None: none drawn
StepArrows = dict[str, tuple | None]


def rgba(color: str) -> tuple[float, float, float, float]:
    """A '#rrggbb' colour as RGBA floats (opaque)."""
    h = color.lstrip("#")
    return (int(h[0:2], 16) / 255, int(h[2:4], 16) / 255, int(h[4:6], 16) / 255, 1.0)


def run_color(doc: Document, run_id: int) -> str:
    """A run's colour in every view, the plot and exported frames: by its place among the runs
    (so a reopened scene, or the same scene exported from the command line, looks the same)."""
    return RUN_COLORS[list(doc.runs).index(run_id) % len(RUN_COLORS)]


def step_arrows(doc: Document, grid: SampledGrid, record: RunRecord, step: Step) -> StepArrows:
    """The arrows at a run's step: −lr ∇f (step) and, for momentum and Nesterov, −lr v
    (velocity), lifted to the surface's display heights; None for a key that has no arrow.
    In the order the views are to be told (an arrow item is made at its first drawing)."""
    lr = record.optimizer.hp.lr
    x, y = step.point
    z = display_height(grid, step.value)
    arrows = {"step": (-lr * step.gradient[0], -lr * step.gradient[1], STEP_ARROW_COLOR)}
    drawn: StepArrows = {}
    if step.velocity is not None and record.optimizer.name in ("momentum", "nesterov"):
        vx, vy = step.velocity
        arrows["velocity"] = (-lr * vx, -lr * vy, VELOCITY_ARROW_COLOR)
    else:
        drawn["velocity"] = None
    for key, (dx, dy, color) in arrows.items():
        if not (math.isfinite(dx) and math.isfinite(dy)) or (dx == 0 and dy == 0):
            drawn[key] = None
            continue
        end = float(doc.surface.value(x + dx, y + dy))
        dz = display_height(grid, end) - z if math.isfinite(end) else 0.0
        drawn[key] = (x, y, z, dx, dy, dz if math.isfinite(dz) else 0.0, color)
    return drawn
