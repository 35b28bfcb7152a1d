"""Many paths drawn as one: sampled steps, and line segments up to a head (numpy only)."""

from __future__ import annotations

import math

import numpy as np

MAX_SEGMENTS = 60_000  # every path together: one GL line item stays smooth on software GL
DENSE_STEPS = 48  # the first steps (where paths bend most) are all kept, when the budget allows
MIN_SAMPLES, MAX_SAMPLES = 6, 160


def sampled_steps(length: int, paths: int, max_segments: int = MAX_SEGMENTS) -> np.ndarray:
    """The steps drawn of `paths` paths of up to `length` points: every early step, then
    log-spaced ones to the last, so all of them together make at most ~max_segments segments."""
    if length <= 0:
        return np.zeros(0, dtype=np.intp)
    budget = max(MIN_SAMPLES, min(MAX_SAMPLES, max_segments // max(paths, 1) + 1))
    if length <= budget:
        return np.arange(length, dtype=np.intp)
    dense = min(DENSE_STEPS, budget // 2)
    tail = np.geomspace(dense, length - 1, budget - dense)
    steps = np.unique(np.r_[np.arange(dense), tail.round()].astype(np.intp))
    steps[-1] = length - 1
    return steps


def rows_at_steps(columns: tuple[np.ndarray, ...], lengths: np.ndarray, steps: np.ndarray):
    """Each column (steps + 1, N) at `steps`, a run past its end held at its last point (so a
    sampled path ends where the run did); runs with no point stay NaN. (len(steps), N) each."""
    lengths = np.asarray(lengths)
    n = len(lengths)
    last = np.maximum(lengths - 1, 0)
    index = np.minimum(steps[:, None], last[None, :])
    runs = np.arange(n)[None, :]
    out = tuple(np.asarray(c)[index, runs] for c in columns)
    if (lengths == 0).any():
        for column in out:
            column[:, lengths == 0] = np.nan
    return out


def segments_until(
    rows: np.ndarray, steps: np.ndarray, colors: np.ndarray, head: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(pos (2M, 3), colors (2M, 4)) float32 for a 'lines' item: the paths rows[:, i] (through
    the sampled `steps`, (T, N, 3)) in colors[i], up to step `head` (None: whole; between two
    samples the last segment ends part of the way). Segments with a NaN end or of zero length
    are left out."""
    rows = np.asarray(rows, dtype=np.float64)
    if head is not None and len(steps):
        if head <= steps[0]:
            rows = rows[:1]
        else:
            i = int(np.searchsorted(steps, head, side="right")) - 1  # steps[i] <= head
            if i < len(steps) - 1:
                share = (head - steps[i]) / (steps[i + 1] - steps[i])
                tip = rows[i] + share * (rows[i + 1] - rows[i])
                rows = np.concatenate([rows[: i + 1], tip[None]])
    if len(rows) < 2:
        return np.zeros((0, 3), np.float32), np.zeros((0, 4), np.float32)
    a, b = rows[:-1], rows[1:]  # (T - 1, N, 3)
    keep = np.isfinite(a).all(axis=2) & np.isfinite(b).all(axis=2) & (a != b).any(axis=2)
    pairs = np.stack([a[keep], b[keep]], axis=1).reshape(-1, 3)
    run = np.broadcast_to(np.arange(rows.shape[1])[None, :], keep.shape)[keep]
    color = np.repeat(np.asarray(colors, dtype=np.float32)[run], 2, axis=0)
    return pairs.astype(np.float32), color


def marker_size(count: int, smallest: float = 3.0, largest: float = 10.0) -> float:
    """Pixel size of a start's dot: large for a few starts, small for thousands."""
    return float(min(largest, max(smallest, 120.0 / math.sqrt(max(count, 1)))))
