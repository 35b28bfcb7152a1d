"""Many starts: Himmelblau's four minima and basins, the lecture loss's one valley, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdviz.core.descent import run_path
from gdviz.core.logistic import Dataset
from gdviz.core.optimizers import make_optimizer
from gdviz.core.presets import get_preset
from gdviz.core.progress import Cancelled
from gdviz.core.scatter import (
    NO_BASIN,
    StartsSettings,
    grid_starts,
    make_starts,
    random_starts,
    run_starts,
)
from gdviz.core.surfaces import ExpressionSurface
from gdviz.core.window import Window

# Himmelblau's minima (all f = 0), from the literature.
HIMMELBLAU_MINIMA = [
    (3.0, 2.0),
    (-2.805118, 3.131312),
    (-3.779310, -3.283186),
    (3.584428, -1.848126),
]


def _himmelblau(x, y):
    return (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2


@pytest.mark.parametrize("layout", ["grid", "random"])
def test_himmelblau_has_four_minima_and_every_start_its_basin(layout):
    preset = get_preset("himmelblau")
    surface = preset.surface()
    starts = make_starts(preset.window, StartsSettings(400, layout, seed=11))
    scatter = run_starts(surface, starts, make_optimizer("gd", lr=preset.lr))
    assert len(scatter.minima) == 4
    found = np.array(sorted((m.x, m.y) for m in scatter.minima))
    assert np.allclose(found, sorted(HIMMELBLAU_MINIMA), atol=1e-5)
    for minimum in scatter.minima:
        assert minimum.value < 1e-6
        assert _himmelblau(minimum.x, minimum.y) == pytest.approx(minimum.value, abs=1e-12)
    assert sum(m.count for m in scatter.minima) == 400
    assert (scatter.labels != NO_BASIN).all()
    assert [m.count for m in scatter.minima] == np.bincount(scatter.labels).tolist()
    # Each end is next to its basin's minimum; a few runs checked with the scalar runner.
    centres = np.array([(m.x, m.y) for m in scatter.minima])
    for i in range(0, 400, 37):
        path, _ = run_path(surface, tuple(starts[i]), make_optimizer("gd", lr=preset.lr))
        nearest = np.argmin(np.hypot(*(centres - path.points[-1]).T))
        assert scatter.labels[i] == nearest
        assert scatter.ends[i] == pytest.approx(path.points[-1], abs=1e-9)


@pytest.mark.parametrize("layout", ["grid", "random"])
def test_every_start_on_the_lecture_loss_heads_to_the_same_valley(layout):
    preset = get_preset("lecture-logistic")
    starts = make_starts(preset.window, StartsSettings(400, layout, seed=3))
    scatter = run_starts(preset.surface(), starts, make_optimizer("gd", lr=preset.lr))
    assert len(scatter.minima) == 1 and scatter.minima[0].count == 400
    assert (scatter.labels == 0).all()
    data = Dataset.lecture()
    w, b = scatter.ends[:, :1], scatter.ends[:, 1:]
    z = w * data.x + b
    losses = np.mean(np.logaddexp(0.0, z) - data.y * z, axis=1)
    assert scatter.end_values == pytest.approx(losses, rel=1e-9)
    z0 = starts[:, :1] * data.x + starts[:, 1:]
    assert (losses < np.mean(np.logaddexp(0.0, z0) - data.y * z0, axis=1)).all()
    assert scatter.minima[0].value == pytest.approx(losses.min(), rel=1e-12)


def test_grid_and_random_starts_cover_the_window():
    window = Window(-1.0, 3.0, 0.0, 2.0)
    grid = grid_starts(window, 4)
    assert grid.tolist() == [[0.0, 0.5], [2.0, 0.5], [0.0, 1.5], [2.0, 1.5]]
    assert len(grid_starts(window, 7)) == 7  # a 3 × 3 grid with its last row short
    drawn = random_starts(window, 1000, seed=9)
    assert np.array_equal(drawn, np.random.default_rng(9).uniform((-1, 0), (3, 2), (1000, 2)))
    assert np.array_equal(drawn, random_starts(window, 1000, seed=9))


def test_runs_that_diverge_have_no_basin():
    surface = ExpressionSurface("x^2 - y^2", Window(-1, 1, -1, 1))
    scatter = run_starts(surface, [(0.5, 0.0), (0.5, 0.5)], make_optimizer("gd", lr=0.1))
    assert scatter.labels.tolist() == [0, NO_BASIN]
    assert len(scatter.minima) == 1 and scatter.minima[0].count == 1


def test_progress_and_cancel():
    preset = get_preset("himmelblau")
    starts = grid_starts(preset.window, 25)
    seen: list[float] = []
    run_starts(preset.surface(), starts, make_optimizer("gd", lr=0.01), progress=seen.append)
    assert seen[-1] == 1.0
    with pytest.raises(Cancelled):
        run_starts(preset.surface(), starts, make_optimizer("gd"), cancelled=lambda: True)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"count": 0}, "number of starts must be from 1 to 10,000, got 0"),
        ({"count": 10_001}, "number of starts must be from 1 to 10,000, got 10001"),
        ({"count": -5}, "number of starts must be from 1"),
        ({"count": 2.0}, "number of starts must be a whole number"),
        ({"layout": "spiral"}, "start layout must be one of grid, random"),
        ({"seed": -1}, "seed must be from 0"),
    ],
)
def test_bad_start_settings_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        StartsSettings(**kwargs)


def test_bad_start_arrays_are_refused_before_anything_runs():
    surface = ExpressionSurface("x^2 + y^2", Window(-1, 1, -1, 1))
    gd = make_optimizer("gd")
    with pytest.raises(ValueError, match="number of starts must be from 1"):
        run_starts(surface, np.empty((0, 2)), gd)
    with pytest.raises(ValueError, match="number of starts must be from 1 to 10,000, got 10001"):
        run_starts(surface, np.zeros((10_001, 2)), gd)
    with pytest.raises(ValueError, match="starts must be an"):
        run_starts(surface, np.zeros((3, 3)), gd)
    with pytest.raises(ValueError, match="start 1 must be finite"):
        run_starts(surface, [(0.0, 0.0), (math.nan, 1.0)], gd)
    with pytest.raises(ValueError, match="number of starts"):
        grid_starts(surface.default_window, 0)
