"""Mini-batch and stochastic descent against full-batch runs and loops written here in numpy."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdviz.core.descent import StopReason, run_path
from gdviz.core.logistic import Dataset
from gdviz.core.minibatch import MiniBatchSettings, run_minibatch
from gdviz.core.optimizers import OPTIMIZER_NAMES, make_optimizer
from gdviz.core.presets import get_preset
from gdviz.core.progress import Cancelled
from gdviz.core.surfaces import ExpressionSurface, LogisticLossSurface
from gdviz.core.window import Window

LECTURE = get_preset("lecture-logistic")
START = LECTURE.start  # (4, 5)


def _surface() -> LogisticLossSurface:
    return LECTURE.surface()


def _reference_batches(m: int, size: int, seed: int, count: int) -> list[np.ndarray]:
    """The documented rule, written again: each epoch a permutation cut into slices of `size`."""
    rng = np.random.default_rng(seed)
    batches: list[np.ndarray] = []
    while len(batches) < count:
        perm = rng.permutation(m)
        batches += [perm[i : i + size] for i in range(0, m, size)]
    return batches[:count]


def _gradient(w: float, b: float, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    a = 1.0 / (1.0 + np.exp(-(w * x + b)))
    return float(np.mean((a - y) * x)), float(np.mean(a - y))


def _loss(w: float, b: float, x: np.ndarray, y: np.ndarray) -> float:
    z = w * x + b
    return float(np.mean(np.logaddexp(0.0, z) - y * z))


@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
def test_a_batch_of_every_example_is_full_batch_descent_exactly(name):
    optimizer = make_optimizer(name, lr=0.05)
    run = run_minibatch(_surface(), START, optimizer, MiniBatchSettings(8, seed=5), 300, tol=0.0)
    path, end = run_path(_surface(), START, optimizer, 300, tol=0.0)
    assert run.end == end
    assert np.array_equal(run.points, path.points)
    assert np.array_equal(run.full_loss, path.f)
    assert np.array_equal(run.gx, path.gx[:-1]) and np.array_equal(run.gy, path.gy[:-1])
    assert (run.batch_sizes == 8).all() and (np.sort(run.batch_indices, axis=1) == range(8)).all()
    assert run.epoch.tolist() == list(range(300))


def test_sgd_with_a_seed_equals_a_plain_numpy_loop():
    data = Dataset.lecture()
    steps, lr, seed = 500, 0.002, 2024
    run = run_minibatch(
        _surface(), START, make_optimizer("gd", lr=lr), MiniBatchSettings(1, seed), steps
    )
    w, b = START
    points, losses, full = [(w, b)], [], [_loss(w, b, data.x, data.y)]
    batches = _reference_batches(8, 1, seed, steps)
    for batch in batches:
        x, y = data.x[batch], data.y[batch]
        losses.append(_loss(w, b, x, y))
        gw, gb = _gradient(w, b, x, y)
        w, b = w - lr * gw, b - lr * gb
        points.append((w, b))
        full.append(_loss(w, b, data.x, data.y))
    assert run.iterations == steps and run.end.reason == StopReason.MAX_STEPS
    assert run.batch_indices[:, 0].tolist() == [int(batch[0]) for batch in batches]
    assert np.allclose(run.points, points, rtol=1e-12, atol=1e-12)
    assert np.allclose(run.batch_loss, losses, rtol=1e-12, atol=1e-12)
    assert np.allclose(run.full_loss, full, rtol=1e-12, atol=1e-12)
    assert run.epoch.tolist() == [k // 8 for k in range(steps)]
    again = run_minibatch(
        _surface(), START, make_optimizer("gd", lr=lr), MiniBatchSettings(1, seed), steps
    )
    assert np.array_equal(again.points, run.points)  # same seed, same path
    other = run_minibatch(
        _surface(), START, make_optimizer("gd", lr=lr), MiniBatchSettings(1, seed + 1), steps
    )
    assert not np.array_equal(other.points, run.points)


def test_momentum_keeps_its_buffer_across_batches_as_torch_does():
    data = Dataset.lecture()
    lr, mu, steps, seed = 0.001, 0.9, 60, 7
    optimizer = make_optimizer("momentum", lr=lr, momentum=mu)
    run = run_minibatch(_surface(), START, optimizer, MiniBatchSettings(3, seed), steps)
    w, b = START
    buf_w = buf_b = 0.0
    points = [(w, b)]
    for batch in _reference_batches(8, 3, seed, steps):  # batches of 3, 3, 2 each epoch
        gw, gb = _gradient(w, b, data.x[batch], data.y[batch])
        buf_w, buf_b = mu * buf_w + gw, mu * buf_b + gb  # torch.optim.SGD, dampening 0
        w, b = w - lr * buf_w, b - lr * buf_b
        points.append((w, b))
    assert run.batch_sizes.tolist()[:6] == [3, 3, 2, 3, 3, 2]
    assert run.batch_indices[2, 2] == -1
    assert np.allclose(run.points, points, rtol=1e-12, atol=1e-12)


def test_adam_counts_its_steps_across_epochs_as_torch_does():
    data = Dataset.lecture()
    lr, beta1, beta2, eps, steps, seed = 0.05, 0.9, 0.999, 1e-8, 40, 3
    optimizer = make_optimizer("adam", lr=lr)
    run = run_minibatch(_surface(), START, optimizer, MiniBatchSettings(5, seed), steps)
    w, b = START
    m_ = np.zeros(2)
    v = np.zeros(2)
    points = [(w, b)]
    for t, batch in enumerate(_reference_batches(8, 5, seed, steps), start=1):
        g = np.array(_gradient(w, b, data.x[batch], data.y[batch]))
        m_ = beta1 * m_ + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        step = lr * (m_ / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
        w, b = w - step[0], b - step[1]
        points.append((w, b))
    assert np.allclose(run.points, points, rtol=1e-12, atol=1e-12)


def test_progress_and_cancel():
    seen: list[float] = []
    optimizer = make_optimizer("gd", lr=0.01)
    run_minibatch(_surface(), START, optimizer, MiniBatchSettings(2), 100, progress=seen.append)
    assert seen[-1] == 1.0 and seen == sorted(seen)
    with pytest.raises(Cancelled):
        run_minibatch(_surface(), START, optimizer, MiniBatchSettings(2), cancelled=lambda: True)


def test_a_divergent_rate_stops_with_the_good_prefix():
    run = run_minibatch(_surface(), START, make_optimizer("gd", lr=1e6), MiniBatchSettings(4))
    assert run.end.reason == StopReason.DIVERGED
    assert np.isfinite(run.full_loss).all() and len(run.x) == run.iterations + 1


@pytest.mark.parametrize(
    ("size", "seed", "message"),
    [
        (0, 0, "batch size must be ≥ 1, got 0"),
        (-3, 0, "batch size must be ≥ 1, got -3"),
        (2.5, 0, "batch size must be a whole number"),
        (True, 0, "batch size must be a whole number"),
        (4, -1, "seed must be from 0"),
        (4, 1.5, "seed must be a whole number"),
    ],
)
def test_bad_settings_are_refused(size, seed, message):
    with pytest.raises(ValueError, match=message):
        MiniBatchSettings(size, seed)


def test_a_batch_larger_than_the_dataset_or_a_surface_without_examples_is_refused():
    optimizer = make_optimizer("gd")
    with pytest.raises(ValueError, match=r"batch size must be from 1 to 8 \(the dataset has m = 8"):
        run_minibatch(_surface(), START, optimizer, MiniBatchSettings(9))
    bowl = ExpressionSurface("x^2 + y^2", Window(-1, 1, -1, 1))
    with pytest.raises(ValueError, match="mini-batches need a dataset's loss"):
        run_minibatch(bowl, (1.0, 1.0), optimizer, MiniBatchSettings(1))
    with pytest.raises(ValueError, match="start must be finite"):
        run_minibatch(_surface(), (math.nan, 0.0), optimizer, MiniBatchSettings(1))
