"""Descent runs: the paths taken, every stop reason, cancelling, and the lecture's first step."""

from __future__ import annotations

import dataclasses
import math

import pytest

from gdviz.core.descent import (
    Step,
    StopReason,
    cancelled_end,
    default_bound,
    run,
    run_to_end,
)
from gdviz.core.logistic import Dataset
from gdviz.core.optimizers import make_optimizer
from gdviz.core.surfaces import ExpressionSurface, LogisticLossSurface
from gdviz.core.window import Window

WINDOW = Window(-2.0, 2.0, -2.0, 2.0)
LECTURE_X = [8, 15, 19, 24, 27, 31, 35, 40]
LECTURE_Y = [0, 0, 0, 0, 1, 1, 1, 1]


@pytest.fixture(scope="module")
def bowl():
    return ExpressionSurface("x^2 + y^2", WINDOW)


def gd_on_bowl(start, lr, n):
    """Plain gd on x² + y² (∇f = (2x, 2y)): the first n + 1 points."""
    x, y = start
    points = [(x, y)]
    for _ in range(n):
        x, y = x - lr * (2 * x), y - lr * (2 * y)
        points.append((x, y))
    return points


def assert_well_formed(steps):
    for k, step in enumerate(steps):
        assert step.k == k
        assert all(isinstance(v, float) for v in (*step.point, step.value, *step.gradient))
        assert all(math.isfinite(v) for v in (*step.point, step.value, *step.gradient))
    assert steps[0].update == (0.0, 0.0)
    for before, after in zip(steps, steps[1:], strict=False):
        assert after.update == pytest.approx(
            (after.point[0] - before.point[0], after.point[1] - before.point[1]), abs=1e-15
        )


# ------------------------------------------------------------------------- stop reasons


def test_converges_on_the_bowl(bowl):
    steps, end = run_to_end(bowl, (1.0, 1.0), make_optimizer("gd", lr=0.1), tol=1e-6)
    assert end.reason is StopReason.CONVERGED
    reference = gd_on_bowl((1.0, 1.0), 0.1, 200)
    norms = [2 * math.hypot(x, y) for x, y in reference]
    first_below = next(k for k, n in enumerate(norms) if n < 1e-6)
    assert end.steps == first_below == len(steps) - 1
    assert_well_formed(steps)
    for step, (x, y) in zip(steps, reference, strict=False):
        assert step.point == pytest.approx((x, y), rel=1e-12, abs=1e-300)
        assert step.value == pytest.approx(x * x + y * y, rel=1e-12)
        assert step.gradient == pytest.approx((2 * x, 2 * y), rel=1e-12)
    assert end.message.startswith(f"converged at step {first_below} (|∇f| = ")
    assert end.message.endswith("< tol 1e-06)")


def test_converged_at_the_start_yields_only_the_start(bowl):
    steps, end = run_to_end(bowl, (0.0, 0.0), make_optimizer("gd", lr=0.1))
    assert [s.point for s in steps] == [(0.0, 0.0)]
    assert (end.reason, end.steps) == (StopReason.CONVERGED, 0)


def test_stops_after_max_steps(bowl):
    steps, end = run_to_end(bowl, (1.0, -1.5), make_optimizer("gd", lr=1e-3), max_steps=10)
    assert (end.reason, end.steps, len(steps)) == (StopReason.MAX_STEPS, 10, 11)
    assert end.message == "stopped after 10 steps (max steps)"
    for step, expected in zip(steps, gd_on_bowl((1.0, -1.5), 1e-3, 10), strict=True):
        assert step.point == pytest.approx(expected, rel=1e-12)


def test_tol_zero_never_converges_early(bowl):
    _, end = run_to_end(bowl, (1.0, 1.0), make_optimizer("gd", lr=0.1), max_steps=50, tol=0.0)
    assert end.reason is StopReason.MAX_STEPS


def test_diverges_at_a_huge_learning_rate_and_keeps_the_good_prefix(bowl):
    steps, end = run_to_end(bowl, (1.0, 1.0), make_optimizer("gd", lr=10.0))
    assert end.reason is StopReason.DIVERGED
    assert_well_formed(steps)
    # each gd step multiplies the point by 1 − 2·10 = −19
    reference = gd_on_bowl((1.0, 1.0), 10.0, 20)
    bound = default_bound(bowl)
    first_bad = next(k for k, (x, y) in enumerate(reference) if max(abs(x), abs(y)) > bound)
    assert len(steps) == first_bad and end.steps == first_bad - 1
    assert all(max(abs(c) for c in s.point) <= bound for s in steps)
    assert end.message.startswith(f"diverged at step {first_bad} (")
    assert end.message.endswith("try a smaller learning rate")


def test_diverges_when_the_value_passes_1e12(bowl):
    steps, end = run_to_end(bowl, (1.0, 1.0), make_optimizer("gd", lr=10.0), bound=1e300)
    assert end.reason is StopReason.DIVERGED
    reference = gd_on_bowl((1.0, 1.0), 10.0, 30)
    first_bad = next(k for k, (x, y) in enumerate(reference) if x * x + y * y > 1e12)
    assert len(steps) == first_bad
    assert f"diverged at step {first_bad} (|f| = " in end.message
    assert all(abs(s.value) <= 1e12 for s in steps)


def test_overflow_nan_counts_as_divergence_not_leaving_the_domain():
    # exp(x²) is defined everywhere; at x ≈ 31 it overflows (evaluate maps inf to NaN).
    surface = ExpressionSurface("exp(x^2) + y^2", WINDOW)
    steps, end = run_to_end(surface, (1.0, 0.0), make_optimizer("gd", lr=0.5))
    assert end.reason is StopReason.DIVERGED, end.message
    x = steps[-1].point[0]
    next_x = x - 0.5 * 2 * x * math.exp(x * x)
    with pytest.raises(OverflowError):
        math.exp(next_x * next_x)
    assert "overflowed" in end.message


def test_left_the_domain_is_not_divergence():
    # f = √x + y²: f_x = 1/(2√x) > 0 pushes x towards 0 and, with a big enough step, past it.
    surface = ExpressionSurface("sqrt(x) + y^2", Window(0.0, 2.0, -2.0, 2.0))
    steps, end = run_to_end(surface, (0.01, 1.0), make_optimizer("gd", lr=0.1))
    assert end.reason is StopReason.LEFT_DOMAIN
    assert [s.point for s in steps] == [(0.01, 1.0)]
    assert end.steps == 0
    next_x = 0.01 - 0.1 * (1 / (2 * math.sqrt(0.01)))  # −0.49
    assert next_x < 0
    assert end.message.startswith("left the domain at step 1 (f is undefined at (−0.49, 0.8)")
    assert "sqrt of a negative number" in end.message


def test_left_the_domain_after_several_good_steps():
    surface = ExpressionSurface("sqrt(x) + y^2", Window(0.0, 2.0, -2.0, 2.0))
    steps, end = run_to_end(surface, (1.0, 1.0), make_optimizer("gd", lr=0.1))
    assert end.reason is StopReason.LEFT_DOMAIN
    assert len(steps) > 3
    assert_well_formed(steps)
    assert all(s.point[0] >= 0 for s in steps)
    x = steps[-1].point[0]
    assert x - 0.1 / (2 * math.sqrt(x)) < 0  # the step that was not yielded
    assert end.message.startswith(f"left the domain at step {len(steps)} (")


def test_a_start_outside_the_domain_yields_nothing():
    surface = ExpressionSurface("sqrt(x) + y^2", Window(0.0, 2.0, -2.0, 2.0))
    steps, end = run_to_end(surface, (-1.0, 2.0), make_optimizer("gd", lr=0.1))
    assert steps == []
    assert (end.reason, end.steps) == (StopReason.LEFT_DOMAIN, 0)
    assert "at step 0 (f is undefined at (−1, 2)" in end.message


def test_an_undefined_gradient_names_the_partial():
    # √x has value 0 at x = 0 but f_x = 1/(2√x) does not exist there.
    surface = ExpressionSurface("sqrt(x) + y^2", Window(0.0, 2.0, -2.0, 2.0))
    steps, end = run_to_end(surface, (0.0, 1.0), make_optimizer("gd", lr=0.1))
    assert steps == [] and end.reason is StopReason.LEFT_DOMAIN
    assert "∂f/∂x is undefined at (0, 1)" in end.message


# --------------------------------------------------------------------- cancelling, generators


def test_cancel_is_closing_the_generator(bowl):
    generator = run(bowl, (1.0, 1.0), make_optimizer("gd", lr=1e-3), max_steps=1000)
    seen = [next(generator) for _ in range(3)]
    generator.close()
    with pytest.raises(StopIteration):
        next(generator)
    end = cancelled_end(seen[-1].k)
    assert (end.reason, end.steps, end.message) == (
        StopReason.CANCELLED,
        2,
        "cancelled after 2 steps",
    )


def test_run_returns_the_end_as_stop_iteration_value(bowl):
    generator = run(bowl, (1.0, 1.0), make_optimizer("gd", lr=0.1), max_steps=3)
    steps = []
    with pytest.raises(StopIteration) as stop:
        while True:
            steps.append(next(generator))
    assert stop.value.value.reason is StopReason.MAX_STEPS
    assert run_to_end(bowl, (1.0, 1.0), make_optimizer("gd", lr=0.1), max_steps=3) == (
        steps,
        stop.value.value,
    )


def test_steps_are_immutable(bowl):
    step = next(run(bowl, (1.0, 1.0), make_optimizer("gd", lr=0.1)))
    assert isinstance(step, Step)
    with pytest.raises(dataclasses.FrozenInstanceError):
        step.value = 0.0  # type: ignore[misc]


def test_momentum_steps_carry_the_velocity(bowl):
    steps, _ = run_to_end(
        bowl, (1.0, -0.5), make_optimizer("momentum", lr=0.05, momentum=0.9), max_steps=20
    )
    x, y = 1.0, -0.5
    bx = by = 0.0
    for step in steps[1:]:
        bx, by = 0.9 * bx + 2 * x, 0.9 * by + 2 * y
        x, y = x - 0.05 * bx, y - 0.05 * by
        assert step.velocity == pytest.approx((bx, by), rel=1e-12)
        assert step.point == pytest.approx((x, y), rel=1e-12)
    gd_steps, _ = run_to_end(bowl, (1.0, -0.5), make_optimizer("gd", lr=0.05), max_steps=5)
    assert all(s.velocity is None for s in gd_steps)


def test_a_surface_may_offer_a_fast_value_and_gradient():
    class FastOnly:
        default_window = WINDOW

        def value_and_gradient(self, x, y):
            return x * x + 3 * y * y, 2 * x, 6 * y

        def value(self, x, y):
            raise AssertionError("the fast path should be used")

        gradient = value

    steps, end = run_to_end(FastOnly(), (1.0, 1.0), make_optimizer("gd", lr=0.1), max_steps=3)
    points = [c for s in steps for c in s.point]
    assert points == pytest.approx([1, 1, 0.8, 0.4, 0.64, 0.16, 0.512, 0.064], rel=1e-12)
    assert end.reason is StopReason.MAX_STEPS


# ------------------------------------------------------------------------- argument checks


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_steps": 0}, "max steps must be a whole number ≥ 1"),
        ({"max_steps": -5}, "max steps"),
        ({"max_steps": 1.5}, "max steps"),
        ({"max_steps": True}, "max steps"),
        ({"tol": -1e-3}, "tolerance must be a finite number ≥ 0"),
        ({"tol": math.nan}, "tolerance"),
        ({"tol": math.inf}, "tolerance"),
        ({"start": (math.nan, 0.0)}, "start must be finite"),
        ({"start": (0.0, math.inf)}, "start must be finite"),
        ({"start": (1.0,)}, "start must be two numbers"),
        ({"start": "ab"}, "start must be two numbers"),
        ({"bound": 0.0}, "bound must be a finite number > 0"),
        ({"bound": math.nan}, "bound"),
    ],
)
def test_invalid_arguments_raise_at_the_call(bowl, kwargs, message):
    arguments = {"start": (1.0, 1.0), **kwargs}
    with pytest.raises(ValueError, match=message):
        run(bowl, optimizer=make_optimizer("gd", lr=0.1), **arguments)  # no next() needed


def test_default_bound_grows_with_a_large_window():
    assert default_bound(ExpressionSurface("x", WINDOW)) == 1e6
    big = ExpressionSurface("x", Window(-5e3, 5e3, 0.0, 1.0))
    assert default_bound(big) == 1000 * 5e3


# ---------------------------------------------------------------------------- the lecture


def lecture_gradient(w, b):
    """∂L/∂w, ∂L/∂b of the natural-log loss: mean((aᵢ − yᵢ)·xᵢ), mean(aᵢ − yᵢ)."""
    gw = gb = 0.0
    for x, y in zip(LECTURE_X, LECTURE_Y, strict=True):
        a = 1 / (1 + math.exp(-(w * x + b)))
        gw += (a - y) * x
        gb += a - y
    return gw / len(LECTURE_X), gb / len(LECTURE_X)


def test_lecture_first_step_from_4_5():
    surface = LogisticLossSurface(Dataset.lecture(), Window(-5, 5, -5, 5), math.e)
    generator = run(surface, (4.0, 5.0), make_optimizer("gd", lr=0.01))
    start, first = next(generator), next(generator)
    generator.close()
    gw, gb = lecture_gradient(4.0, 5.0)
    assert gw == pytest.approx(8.25, abs=0.005)  # ERRATA 6: the real gradient is (8.25, 0.5)
    assert start.gradient == pytest.approx((gw, gb), rel=1e-9)
    assert first.point == pytest.approx((4 - 0.01 * gw, 5 - 0.01 * gb), rel=1e-12)
    assert round(first.point[0], 4) == 3.9175


def test_lecture_loss_never_converges_and_keeps_falling():
    # ERRATA 7: the lecture data are separable, so the loss has no minimiser.
    surface = LogisticLossSurface(Dataset.lecture(), Window(-5, 5, -5, 5), math.e)
    steps, end = run_to_end(surface, (4.0, 5.0), make_optimizer("gd", lr=0.01), max_steps=500)
    assert end.reason is StopReason.MAX_STEPS
    values = [s.value for s in steps]
    assert all(later <= earlier for earlier, later in zip(values, values[1:], strict=False))
