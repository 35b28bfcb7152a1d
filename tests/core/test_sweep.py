"""Learning-rate sweeps: the stability edge against 2/λ_max, per-rate numbers against loops."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdviz.core.curvature import curvature_at
from gdviz.core.descent import StopReason
from gdviz.core.logistic import Dataset
from gdviz.core.optimizers import make_optimizer
from gdviz.core.presets import get_preset
from gdviz.core.progress import Cancelled
from gdviz.core.surfaces import ExpressionSurface
from gdviz.core.sweep import SweepSettings, learning_rate_grid, run_sweep
from gdviz.core.window import Window

WINDOW = Window(-3.0, 3.0, -3.0, 3.0)
BOWL = "x^2 + 10*y^2"


def _bowl_gd(lr: float, start=(1.0, 1.0), max_steps=1000, tol=1e-6):
    """GD on x² + 10y² by hand: (last f, updates made, converged?)."""
    x, y = start
    for k in range(max_steps + 1):
        gx, gy = 2 * x, 20 * y
        if math.hypot(gx, gy) < tol:
            return x * x + 10 * y * y, k, True
        if k == max_steps:
            return x * x + 10 * y * y, k, False
        x, y = x - lr * gx, y - lr * gy
    raise AssertionError


def test_the_largest_stable_rate_of_gd_on_x2_plus_10y2_is_2_over_20():
    sweep = run_sweep(ExpressionSurface(BOWL, WINDOW), (1.0, 1.0), make_optimizer("gd"))
    assert len(sweep) == 60
    assert sweep.learning_rates[0] == pytest.approx(1e-4) and sweep.learning_rates[-1] == 10
    assert sweep.gd_limit == 0.1  # 2/λ_max, λ_max = 20, from the symbolic Hessian
    assert sweep.curvature.hessian == ((2.0, 0.0), (0.0, 20.0))
    assert abs(sweep.largest_stable_lr - 0.1) <= 0.02 * 0.1
    assert sweep.largest_stable_lr < 0.1 < sweep.smallest_unstable_lr
    assert sweep.stable[sweep.learning_rates < 0.099].all()
    assert not sweep.stable[sweep.learning_rates > 0.101].any()
    assert sweep.reasons[-1] == StopReason.DIVERGED


def test_each_rate_matches_a_hand_written_loop():
    sweep = run_sweep(
        ExpressionSurface(BOWL, WINDOW), (1.0, 1.0), make_optimizer("gd"),
        SweepSettings(1e-3, 0.2, 25, max_steps=400),
    )  # fmt: skip
    assert sweep.start_loss == 11.0
    for i, lr in enumerate(sweep.learning_rates):
        if sweep.reasons[i] == StopReason.DIVERGED:
            assert lr > 0.1
            continue
        final, steps, converged = _bowl_gd(float(lr), max_steps=400)
        assert sweep.final_loss[i] == pytest.approx(final, rel=1e-9, abs=1e-300)
        assert sweep.steps[i] == steps
        assert (sweep.reasons[i] == StopReason.CONVERGED) == converged
        assert (
            (sweep.steps_to_converge[i] == steps)
            if converged
            else math.isnan(sweep.steps_to_converge[i])
        )


def test_a_sweep_on_the_lecture_loss_matches_a_numpy_loop_over_the_examples():
    preset = get_preset("lecture-logistic")
    data = Dataset.lecture()
    settings = SweepSettings(1e-3, 1.0, 6, max_steps=200)
    sweep = run_sweep(preset.surface(), preset.start, make_optimizer("gd"), settings)
    x, y = data.x, data.y
    for i, lr in enumerate(sweep.learning_rates):
        w, b = preset.start
        for _ in range(200):
            a = 1 / (1 + np.exp(-(w * x + b)))
            w, b = w - lr * np.mean((a - y) * x), b - lr * np.mean(a - y)
        z = w * x + b
        loss = np.mean(np.logaddexp(0, z) - y * z)
        assert sweep.final_loss[i] == pytest.approx(loss, rel=1e-8), lr
    assert sweep.curvature is None and sweep.gd_limit is None


def test_the_hessian_of_a_tilted_quadratic_and_surfaces_without_a_limit():
    surface = ExpressionSurface("x^2/2 + 5*y^2 + x*y - 3*x", WINDOW)
    curvature = curvature_at(surface, (0.3, -2.0))
    assert curvature.hessian == ((1.0, 1.0), (1.0, 10.0))
    high = (11 + math.sqrt(85)) / 2  # eigenvalues of [[1, 1], [1, 10]]
    assert curvature.eigenvalues == pytest.approx(((11 - math.sqrt(85)) / 2, high), rel=1e-14)
    assert curvature.gd_limit == pytest.approx(2 / high, rel=1e-14)
    assert curvature_at(ExpressionSurface("x*y", WINDOW), (1, 1)).gd_limit is None  # saddle
    himmelblau = ExpressionSurface("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", WINDOW)
    assert not curvature_at(himmelblau, (3.0, 2.0)).is_quadratic
    assert curvature_at(himmelblau, (3.0, 2.0)).gd_limit is None


def test_progress_reaches_one_and_cancel_stops_the_sweep():
    surface = ExpressionSurface(BOWL, WINDOW)
    seen: list[float] = []
    run_sweep(surface, (1.0, 1.0), make_optimizer("gd"), progress=seen.append)
    assert seen[-1] == 1.0 and seen == sorted(seen) and len(seen) > 10
    with pytest.raises(Cancelled):
        run_sweep(surface, (1.0, 1.0), make_optimizer("gd"), cancelled=lambda: True)


@pytest.mark.parametrize(
    ("lr_min", "lr_max", "count", "message"),
    [
        (0.1, 0.1, 60, "learning-rate range is empty"),
        (1.0, 0.1, 60, "learning-rate range is reversed"),
        (0.0, 1.0, 60, "its start must be a finite number > 0"),
        (-1.0, 1.0, 60, "its start must be a finite number > 0"),
        (1e-3, -1.0, 60, "its end must be a finite number > 0"),
        (math.nan, 1.0, 60, "its start must be a finite number > 0, got nan"),
        (1e-3, math.nan, 60, "its end must be"),
        (1e-3, math.inf, 60, "its end must be"),
        (1e-3, 1.0, 0, "count must be from 1 to 10,000, got 0"),
        (1e-3, 1.0, 10_001, "count must be from 1"),
        (1e-3, 1.0, 2.5, "count must be a whole number"),
    ],
)
def test_bad_sweep_settings_are_refused_before_anything_runs(lr_min, lr_max, count, message):
    with pytest.raises(ValueError, match=message):
        learning_rate_grid(lr_min, lr_max, count)
    with pytest.raises(ValueError, match=message):
        SweepSettings(lr_min, lr_max, count)


def test_one_rate_is_a_valid_grid():
    assert learning_rate_grid(0.5, 0.5, 1).tolist() == [0.5]
