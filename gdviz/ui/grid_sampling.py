"""Sampling a surface for drawing: the grid the 3D and top views show, and how long it took."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from gdviz.core.grid import (
    SampledGrid,
    SamplingCancelled,
    can_use_log_height,
    sample_surface,
    with_height_scale,
)
from gdviz.core.surfaces import Surface
from gdviz.core.window import Window
from gdviz.workers.job_worker import JobCancelled


@dataclass(frozen=True)
class GridResult:
    """What a background sampling job hands back to the GUI thread."""

    grid: SampledGrid
    seconds: float
    note: str = ""


def sample_for_display(
    surface: Surface,
    window: Window,
    resolution: int,
    log_height: bool,
    keep_going: Callable[[], bool] | None = None,
) -> GridResult:
    """Sample a surface for drawing; falls back to a linear height when log10 cannot apply."""
    start = time.perf_counter()
    note = ""
    try:
        grid = sample_surface(surface, window, resolution, "linear", keep_going)
    except SamplingCancelled:
        raise JobCancelled from None
    if log_height:
        if can_use_log_height(grid.z):
            grid = with_height_scale(grid, "log10")
        else:
            note = "Log-scaled height needs positive values here; showing linear height."
    return GridResult(grid, time.perf_counter() - start, note)
