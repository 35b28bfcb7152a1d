"""Many starts at once: K runs over a window, their end points grouped into minima and basins."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gdviz.core.batch import BatchRun, run_batch
from gdviz.core.descent import StopReason
from gdviz.core.optimizers import Optimizer
from gdviz.core.progress import CancelFlag, Progress
from gdviz.core.run_settings import MAX_SEED, MAX_STARTS, StartsSettings, check_whole
from gdviz.core.surfaces import Surface
from gdviz.core.window import Window

# Ends closer than this fraction of the window (in each direction) are linked into one basin.
MERGE_FRACTION = 0.05
SETTLED = (StopReason.CONVERGED, StopReason.MAX_STEPS)
NO_BASIN = -1

__all__ = [
    "NO_BASIN",
    "Minimum",
    "Scatter",
    "StartsSettings",
    "basins_of",
    "grid_starts",
    "make_starts",
    "random_starts",
    "run_starts",
]


@dataclass(frozen=True)
class Minimum:
    """A minimum found: the lowest end point of one basin, and how many starts ended there."""

    x: float
    y: float
    value: float
    count: int


@dataclass(frozen=True, eq=False)
class Scatter:
    """K runs from K starts. ends[i] is run i's last kept point and end_values[i] f there (NaN
    when even its start was bad); labels[i] the index into `minima` of the basin it ended in,
    or NO_BASIN (−1) when it diverged or left the domain. minima are sorted by value. `runs`
    holds every path (runs.x[:, i], runs.y[:, i], NaN after a run's end)."""

    starts: np.ndarray
    ends: np.ndarray
    end_values: np.ndarray
    labels: np.ndarray
    minima: tuple[Minimum, ...]
    runs: BatchRun

    def __len__(self) -> int:
        return len(self.starts)

    @property
    def reasons(self) -> tuple[StopReason, ...]:
        return self.runs.reasons


def grid_starts(window: Window, count: int) -> np.ndarray:
    """`count` starts at the cell centres of an nx × ny grid over the window, nx = ⌈√count⌉,
    ny = ⌈count / nx⌉, row by row from (x_min, y_min); when nx·ny > count the last row is short.
    An (count, 2) array."""
    check_whole("number of starts", count, 1, MAX_STARTS)
    nx = math.ceil(math.sqrt(count))
    ny = math.ceil(count / nx)
    xs = window.x_min + (np.arange(nx) + 0.5) * (window.width / nx)
    ys = window.y_min + (np.arange(ny) + 0.5) * (window.height / ny)
    gx, gy = np.meshgrid(xs, ys, indexing="xy")  # rows of constant y
    return np.column_stack((gx.ravel(), gy.ravel()))[:count]


def random_starts(window: Window, count: int, seed: int) -> np.ndarray:
    """`count` starts drawn uniformly over the window by np.random.default_rng(seed)."""
    check_whole("number of starts", count, 1, MAX_STARTS)
    check_whole("seed", seed, 0, MAX_SEED)
    rng = np.random.default_rng(seed)
    low, high = (window.x_min, window.y_min), (window.x_max, window.y_max)
    return rng.uniform(low, high, size=(count, 2))


def make_starts(window: Window, settings: StartsSettings) -> np.ndarray:
    """The starts the settings describe, as an (count, 2) array."""
    if settings.layout == "grid":
        return grid_starts(window, settings.count)
    return random_starts(window, settings.count, settings.seed)


def run_starts(
    surface: Surface,
    starts: np.ndarray,
    optimizer: Optimizer,
    max_steps: int = 1000,
    tol: float = 1e-6,
    window: Window | None = None,
    merge_fraction: float = MERGE_FRACTION,
    progress: Progress | None = None,
    cancelled: CancelFlag | None = None,
) -> Scatter:
    """The optimizer from every start, all runs advanced together (batch.run_batch); the ends
    of runs that converged or ran out of steps grouped into basins (`basins_of`) over `window`
    (default: the surface's). progress/cancelled as in progress.py. ValueError for a bad
    argument, before anything runs."""
    points = np.asarray(starts, dtype=np.float64)
    if points.ndim != 2 or points.shape[1:] != (2,):
        raise ValueError(f"starts must be an (N, 2) array, got shape {points.shape}")
    check_whole("number of starts", len(points), 1, MAX_STARTS)
    if not (math.isfinite(merge_fraction) and 0 < merge_fraction <= 1):
        raise ValueError(f"merge fraction must be in (0, 1], got {merge_fraction!r}")
    window = surface.default_window if window is None else window
    runs = run_batch(surface, points, optimizer, None, max_steps, tol,
                     progress=progress, cancelled=cancelled)  # fmt: skip
    n = len(runs)
    last = np.maximum(runs.lengths - 1, 0)
    kept = runs.lengths > 0
    ends = np.column_stack((runs.x[last, np.arange(n)], runs.y[last, np.arange(n)]))
    ends[~kept] = np.nan
    values = np.where(kept, runs.f[last, np.arange(n)], np.nan)
    settled = kept & np.array([reason in SETTLED for reason in runs.reasons], dtype=bool)
    labels, minima = basins_of(ends, values, settled, window, merge_fraction)
    return Scatter(points.copy(), ends, values, labels, minima, runs)


def basins_of(
    ends: np.ndarray,
    values: np.ndarray,
    settled: np.ndarray,
    window: Window,
    merge_fraction: float = MERGE_FRACTION,
) -> tuple[np.ndarray, tuple[Minimum, ...]]:
    """(labels, minima): settled ends grouped by single linkage on a grid of cells
    merge_fraction × the window's width and height. Two ends share a basin when a chain of
    occupied cells, each touching the next (edges or corners), joins theirs, so a valley the
    runs are still sliding along is one basin. Each basin's minimum is its lowest end; labels
    index the minima, sorted by value, and are NO_BASIN for ends that did not settle."""
    labels = np.full(len(ends), NO_BASIN, dtype=np.int64)
    index = np.flatnonzero(settled)
    if len(index) == 0:
        return labels, ()
    scale = np.array([window.width, window.height]) * merge_fraction
    cells = np.floor((ends[index] - (window.x_min, window.y_min)) / scale).astype(np.int64)
    occupied, cell_of_end = np.unique(cells, axis=0, return_inverse=True)
    component = _touching_components([tuple(c) for c in occupied.tolist()])
    groups = component[cell_of_end.reshape(-1)]
    minima: list[tuple[float, float, float, int, int]] = []
    for group in np.unique(groups):
        members = index[groups == group]
        lowest = members[np.argmin(values[members])]
        minima.append((float(values[lowest]), *map(float, ends[lowest]), len(members), group))
    minima.sort()
    relabel = {group: rank for rank, (*_, group) in enumerate(minima)}
    labels[index] = [relabel[g] for g in groups.tolist()]
    found = tuple(Minimum(x, y, value, count) for value, x, y, count, _ in minima)
    return labels, found


def _touching_components(cells: list[tuple[int, int]]) -> np.ndarray:
    """Connected components of grid cells, neighbours by edge or corner (union-find)."""
    position = {cell: i for i, cell in enumerate(cells)}
    parent = list(range(len(cells)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (cx, cy) in enumerate(cells):
        for dx, dy in ((1, -1), (1, 0), (1, 1), (0, 1)):
            j = position.get((cx + dx, cy + dy))
            if j is not None:
                a, b = root(i), root(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    return np.array([root(i) for i in range(len(cells))], dtype=np.int64)
