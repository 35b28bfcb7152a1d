"""render.framing: the candidate search, checked against evaluating every candidate."""

from __future__ import annotations

import numpy as np
import pytest

from gdviz.render import framing as fr


def _grid(amplitude: float):
    xs = np.linspace(-1.0, 1.0, 80)
    ys = np.linspace(-0.8, 0.8, 64)
    z = 0.5 + amplitude * np.sin(3 * xs)[:, None] * np.cos(4 * ys)[None, :]
    return xs, ys, z


BOX = np.array([(x, y, z) for x in (-1, 1) for y in (-0.8, 0.8) for z in (0, 1)], float)


def _every_candidate(grid, targets, preferred):
    """Each candidate's (seen, closeness), evaluated in full: the reference for choose_view."""
    pe, pa = preferred
    scores = {}
    for elevation in fr.CANDIDATE_ELEVATIONS:
        for azimuth in (pa, *fr.CANDIDATE_AZIMUTHS):
            center, distance = fr.frame_points(BOX, elevation, azimuth, 40.0, 1.5)
            eye = fr.camera_position(center, distance, elevation, azimuth)
            seen = fr.visible_mask(eye, targets, *grid).mean()
            turn = abs((azimuth - pa + 180.0) % 360.0 - 180.0) / 180.0
            scores[(elevation, azimuth)] = (round(seen, 3), -(turn + abs(elevation - pe) / 90.0))
    return scores


@pytest.mark.parametrize("amplitude", [0.0, 0.45])
def test_the_chosen_view_is_the_best_of_all_candidates(amplitude):
    grid = _grid(amplitude)
    rng = np.random.default_rng(7)
    xs, ys, z = grid
    i, j = rng.integers(0, len(xs), 60), rng.integers(0, len(ys), 60)
    targets = np.c_[xs[i], ys[j], z[i, j] + 0.02]
    preferred = (28.0, -60.0)
    choice = fr.choose_view(grid, targets, BOX, 40.0, 1.5, preferred)
    scores = _every_candidate(grid, targets, preferred)
    assert scores[(choice.elevation, choice.azimuth)] == max(scores.values())
    if amplitude == 0.0:  # a flat surface hides nothing: the preferred view, found at once
        assert (choice.elevation, choice.azimuth, choice.visible) == (28.0, -60.0, 1.0)
