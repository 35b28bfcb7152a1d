"""The batch runner: each of N runs equals the scalar runner's, stop state included."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdviz.core.batch import run_batch
from gdviz.core.descent import StopReason, run_path
from gdviz.core.optimizers import OPTIMIZER_NAMES, make_optimizer
from gdviz.core.surfaces import ExpressionSurface
from gdviz.core.window import Window

WINDOW = Window(-2.0, 2.0, -1.0, 3.0)
ROSENBROCK = "(1 - x)^2 + 100*(y - x^2)^2"


def assert_batch_is_scalar(surface, starts, name, rates, max_steps, tol=1e-6):
    batch = run_batch(surface, starts, make_optimizer(name), rates, max_steps=max_steps, tol=tol)
    starts = np.broadcast_to(np.asarray(starts, float).reshape(-1, 2), (len(batch), 2))
    rates = make_optimizer(name).hp.lr if rates is None else rates
    rates = np.broadcast_to(np.asarray(rates, float), (len(batch),))
    for i in range(len(batch)):
        optimizer = make_optimizer(name, lr=float(rates[i]))
        path, end = run_path(surface, tuple(starts[i]), optimizer, max_steps=max_steps, tol=tol)
        assert batch.ends[i] == end, i
        assert batch.lengths[i] == len(path)
        assert np.allclose(batch.points(i), path.points, rtol=1e-12, atol=1e-12)
        n = len(path)
        assert np.allclose(batch.f[:n, i], path.f, rtol=1e-12, atol=1e-12)
        assert np.isnan(batch.x[n:, i]).all()
    return batch


@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
def test_mixed_learning_rates_and_starts_equal_the_scalar_runner(name):
    surface = ExpressionSurface(ROSENBROCK, WINDOW)
    rng = np.random.default_rng(14)
    rates = np.geomspace(1e-4, 3.0, 40)  # the large ones diverge at different steps
    starts = rng.uniform((-2.0, -1.0), (2.0, 3.0), (40, 2))
    batch = assert_batch_is_scalar(surface, starts, name, rates, max_steps=300)
    if name in ("gd", "momentum", "nesterov"):
        assert StopReason.DIVERGED in batch.reasons and StopReason.MAX_STEPS in batch.reasons


def test_gd_sweep_diverges_converges_and_runs_out_of_steps():
    surface = ExpressionSurface("x^2 + 3*y^2", WINDOW)
    batch = assert_batch_is_scalar(surface, (1.0, -1.0), "gd", [1e-3, 0.1, 0.3, 0.34, 2.0], 400)
    assert batch.reasons == (
        StopReason.MAX_STEPS,
        StopReason.CONVERGED,
        StopReason.CONVERGED,
        StopReason.DIVERGED,
        StopReason.DIVERGED,
    )


def test_leaving_the_domain_and_a_bad_start():
    surface = ExpressionSurface("sqrt(x) + y^2", WINDOW)
    starts = [(0.5, 1.0), (-1.0, 1.0), (1.0, 1.0)]
    batch = assert_batch_is_scalar(surface, starts, "gd", [0.4, 0.1, 1e-3], 100)
    assert batch.reasons[:2] == (StopReason.LEFT_DOMAIN, StopReason.LEFT_DOMAIN)
    assert batch.lengths[1] == 0  # the start itself is outside the domain: nothing kept
    assert batch.ends[1].steps == 0


def test_one_run_and_a_run_that_converges_at_step_zero():
    surface = ExpressionSurface("x^2 + y^2", WINDOW)
    batch = assert_batch_is_scalar(surface, (0.0, 0.0), "adam", None, 50)
    assert len(batch) == 1 and batch.lengths[0] == 1
    assert batch.reasons == (StopReason.CONVERGED,) and batch.ends[0].steps == 0
    mixed = assert_batch_is_scalar(surface, [(0.0, 0.0), (1.0, 1.0)], "gd", 0.1, 50)
    assert mixed.lengths[0] == 1 and mixed.lengths[1] > 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"learning_rates": [0.1, math.nan]}, "learning rate 1 must be a finite number > 0"),
        ({"learning_rates": [math.inf]}, "learning rate 0"),
        ({"learning_rates": [-0.1]}, "learning rate 0"),
        ({"learning_rates": []}, "must not be empty"),
        ({"learning_rates": [0.1, 0.2, 0.3], "starts": [(0, 0), (1, 1)]}, "do not pair up"),
        ({"starts": [(0.0, math.nan)]}, "start 0 must be finite"),
        ({"starts": [1.0, 2.0, 3.0]}, "starts must be"),
        ({"max_steps": 0}, "max steps"),
        ({"tol": -1.0}, "tolerance"),
    ],
)
def test_bad_arguments_are_refused_with_a_clear_value_error(kwargs, message):
    surface = ExpressionSurface("x^2 + y^2", WINDOW)
    arguments = {"starts": (1.0, 1.0), "learning_rates": [0.1], **kwargs}
    with pytest.raises(ValueError, match=message):
        run_batch(surface, arguments.pop("starts"), make_optimizer("gd"), **arguments)
