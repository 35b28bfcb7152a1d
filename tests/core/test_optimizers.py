"""Optimizers: torch.optim's published update rules, step by step, and hyperparameter checks."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from gdviz.core.optimizers import (
    OPTIMIZER_NAMES,
    Hyperparameters,
    OptimizerError,
    defaults_for,
    describe,
    make_optimizer,
    validate,
)

# f = x² + 3y², so ∇f = (2x, 6y): each coordinate θ sees the gradient c·θ with c = 2 or 6.
CURVATURES = (2.0, 6.0)
START = (1.0, 1.0)


def run_steps(optimizer, start, gradient_of, n):
    """n steps of the optimizer under test; the points after each step."""
    point = np.array(start, dtype=float)
    state = optimizer.initial_state()
    points = []
    for _ in range(n):
        point, _, state = optimizer.step(point, gradient_of(point), state)
        points.append(tuple(point))
    return points


def quadratic_gradient(point):
    return np.array([2.0 * point[0], 6.0 * point[1]])


def assert_points(actual, expected, rel=1e-12):
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected, strict=True):
        assert a == pytest.approx(e, rel=rel, abs=1e-15)


# ------------------------------------------------- three steps on x² + 3y², worked out by hand


def test_gd_three_steps_by_hand():
    # θ ← θ − η·g, η = 0.1: x ← 0.8·x, y ← 0.4·y
    expected = [(0.8, 0.4), (0.64, 0.16), (0.512, 0.064)]
    points = run_steps(make_optimizer("gd", lr=0.1), START, quadratic_gradient, 3)
    assert_points(points, expected)


def test_momentum_three_steps_by_hand():
    # b ← 0.9·b + g (b₁ = g), θ ← θ − 0.1·b
    # t1: g = (2, 6),        b = (2, 6),       θ = (0.8, 0.4)
    # t2: g = (1.6, 2.4),    b = (3.4, 7.8),   θ = (0.46, −0.38)
    # t3: g = (0.92, −2.28), b = (3.98, 4.74), θ = (0.062, −0.854)
    optimizer = make_optimizer("momentum", lr=0.1, momentum=0.9)
    points = run_steps(optimizer, START, quadratic_gradient, 3)
    assert_points(points, [(0.8, 0.4), (0.46, -0.38), (0.062, -0.854)])


def test_nesterov_three_steps_by_hand():
    # b ← 0.9·b + g, θ ← θ − 0.1·(g + 0.9·b)
    # t1: g = (2, 6),            b = (2, 6),           d = (3.8, 11.4),     θ = (0.62, −0.14)
    # t2: g = (1.24, −0.84),     b = (3.04, 4.56),     d = (3.976, 3.264),  θ = (0.2224, −0.4664)
    # t3: g = (0.4448, −2.7984), b = (3.1808, 1.3056), d = (3.30752, −1.62336),
    #     θ = (−0.108352, −0.304064)
    optimizer = make_optimizer("nesterov", lr=0.1, momentum=0.9)
    points = run_steps(optimizer, START, quadratic_gradient, 3)
    assert_points(points, [(0.62, -0.14), (0.2224, -0.4664), (-0.108352, -0.304064)])


def test_momentum_state_is_the_buffer_b():
    optimizer = make_optimizer("momentum", lr=0.1, momentum=0.9)
    state = optimizer.initial_state()
    point = np.array(START)
    for expected_b in [(2.0, 6.0), (3.4, 7.8), (3.98, 4.74)]:
        point, _, state = optimizer.step(point, quadratic_gradient(point), state)
        assert state.velocity == pytest.approx(expected_b, rel=1e-12)


def adagrad_1d(theta, c, lr, eps):
    # state_sum ← state_sum + g², θ ← θ − η·g / (√state_sum + ε)
    g1 = c * theta
    s1 = g1 * g1
    theta1 = theta - lr * g1 / (math.sqrt(s1) + eps)
    g2 = c * theta1
    s2 = s1 + g2 * g2
    theta2 = theta1 - lr * g2 / (math.sqrt(s2) + eps)
    g3 = c * theta2
    s3 = s2 + g3 * g3
    theta3 = theta2 - lr * g3 / (math.sqrt(s3) + eps)
    return [theta1, theta2, theta3]


def rmsprop_1d(theta, c, lr, alpha, eps):
    # v ← α·v + (1 − α)·g², θ ← θ − η·g / (√v + ε)
    g1 = c * theta
    v1 = (1 - alpha) * g1 * g1
    theta1 = theta - lr * g1 / (math.sqrt(v1) + eps)
    g2 = c * theta1
    v2 = alpha * v1 + (1 - alpha) * g2 * g2
    theta2 = theta1 - lr * g2 / (math.sqrt(v2) + eps)
    g3 = c * theta2
    v3 = alpha * v2 + (1 - alpha) * g3 * g3
    theta3 = theta2 - lr * g3 / (math.sqrt(v3) + eps)
    return [theta1, theta2, theta3]


def adam_1d(theta, c, lr, b1, b2, eps):
    # m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², θ ← θ − η·m̂ / (√v̂ + ε)
    g1 = c * theta
    m1 = (1 - b1) * g1
    v1 = (1 - b2) * g1 * g1
    theta1 = theta - lr * (m1 / (1 - b1)) / (math.sqrt(v1 / (1 - b2)) + eps)
    g2 = c * theta1
    m2 = b1 * m1 + (1 - b1) * g2
    v2 = b2 * v1 + (1 - b2) * g2 * g2
    theta2 = theta1 - lr * (m2 / (1 - b1**2)) / (math.sqrt(v2 / (1 - b2**2)) + eps)
    g3 = c * theta2
    m3 = b1 * m2 + (1 - b1) * g3
    v3 = b2 * v2 + (1 - b2) * g3 * g3
    theta3 = theta2 - lr * (m3 / (1 - b1**3)) / (math.sqrt(v3 / (1 - b2**3)) + eps)
    return [theta1, theta2, theta3]


def paired(xs, ys):
    return list(zip(xs, ys, strict=True))


def test_adagrad_three_steps_by_hand():
    expected = paired(adagrad_1d(1.0, 2.0, 0.1, 1e-10), adagrad_1d(1.0, 6.0, 0.1, 1e-10))
    # The first AdaGrad step is η·sign(g) (up to ε) on both coordinates.
    assert expected[0] == pytest.approx((0.9, 0.9), rel=1e-9)
    points = run_steps(make_optimizer("adagrad", lr=0.1), START, quadratic_gradient, 3)
    assert_points(points, expected)


def test_rmsprop_three_steps_by_hand():
    expected = paired(
        rmsprop_1d(1.0, 2.0, 0.01, 0.99, 1e-8), rmsprop_1d(1.0, 6.0, 0.01, 0.99, 1e-8)
    )
    # First step: √v = 0.1·|g|, so θ moves by η·g / (0.1·|g|) = 10·η = 0.1 on both coordinates.
    assert expected[0] == pytest.approx((0.9, 0.9), rel=1e-6)
    points = run_steps(make_optimizer("rmsprop"), START, quadratic_gradient, 3)
    assert_points(points, expected)


def test_adam_three_steps_by_hand():
    expected = paired(
        adam_1d(1.0, 2.0, 0.1, 0.9, 0.999, 1e-8), adam_1d(1.0, 6.0, 0.1, 0.9, 0.999, 1e-8)
    )
    # Adam's bias-corrected first step is η·sign(g) (up to ε).
    assert expected[0] == pytest.approx((0.9, 0.9), rel=1e-7)
    points = run_steps(make_optimizer("adam", lr=0.1), START, quadratic_gradient, 3)
    assert_points(points, expected)


# ------------------------------------- 50 steps on a coupled quadratic vs a plain re-implementation


def coupled_gradient(p):
    # f = x² + x·y + 2y²: the coordinates interact, so a mixed-up x/y would show.
    return [2.0 * p[0] + p[1], p[0] + 4.0 * p[1]]


def reference_path(name, hp, start, n):
    """torch.optim's documented algorithms, coordinate by coordinate, in plain floats."""
    p = list(start)
    buf = [0.0, 0.0]
    s = [0.0, 0.0]
    m = [0.0, 0.0]
    v = [0.0, 0.0]
    path = []
    for t in range(1, n + 1):
        g = coupled_gradient(p)
        for i in range(2):
            if name == "gd":
                p[i] -= hp.lr * g[i]
            elif name == "momentum":
                buf[i] = g[i] if t == 1 else hp.momentum * buf[i] + g[i]
                p[i] -= hp.lr * buf[i]
            elif name == "nesterov":
                buf[i] = g[i] if t == 1 else hp.momentum * buf[i] + g[i]
                p[i] -= hp.lr * (g[i] + hp.momentum * buf[i])
            elif name == "adagrad":
                s[i] += g[i] ** 2
                p[i] -= hp.lr * g[i] / (math.sqrt(s[i]) + hp.eps)
            elif name == "rmsprop":
                v[i] = hp.alpha * v[i] + (1 - hp.alpha) * g[i] ** 2
                p[i] -= hp.lr * g[i] / (math.sqrt(v[i]) + hp.eps)
            elif name == "adam":
                m[i] = hp.beta1 * m[i] + (1 - hp.beta1) * g[i]
                v[i] = hp.beta2 * v[i] + (1 - hp.beta2) * g[i] ** 2
                m_hat = m[i] / (1 - hp.beta1**t)
                v_hat = v[i] / (1 - hp.beta2**t)
                p[i] -= hp.lr * m_hat / (math.sqrt(v_hat) + hp.eps)
        path.append(tuple(p))
    return path


@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
def test_fifty_steps_match_an_independent_implementation(name):
    hp = dataclasses.replace(
        Hyperparameters(), lr=0.05, momentum=0.8, beta1=0.85, beta2=0.99, eps=1e-8, alpha=0.9
    )
    optimizer = make_optimizer(name, hp)
    start = (1.5, -2.0)
    points = run_steps(optimizer, start, lambda p: np.array(coupled_gradient(p)), 50)
    assert_points(points, reference_path(name, hp, start, 50), rel=1e-10)
    # the methods differ, so the test would notice one being swapped for another
    others = {other: reference_path(other, hp, start, 50)[-1] for other in OPTIMIZER_NAMES}
    assert all(
        points[-1] != pytest.approx(last, rel=1e-6)
        for other, last in others.items()
        if other != name
    )


# ------------------------------------------------------------------- the step's contract


@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
def test_step_returns_the_update_and_leaves_inputs_alone(name):
    optimizer = make_optimizer(name, lr=0.1)
    point = np.array([0.3, -0.7])
    gradient = np.array([1.5, 2.5])
    state = optimizer.initial_state()
    before = (point.copy(), gradient.copy(), state)
    new_point, update, new_state = optimizer.step(point, gradient, state)
    np.testing.assert_array_equal(update, new_point - point)
    np.testing.assert_array_equal(point, before[0])
    np.testing.assert_array_equal(gradient, before[1])
    assert state == before[2] == optimizer.initial_state()
    assert new_state.t == state.t + 1
    assert np.all(update != 0) and np.all(np.sign(update) == -np.sign(gradient))


@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
def test_velocity_is_exposed_only_by_momentum_methods(name):
    optimizer = make_optimizer(name, lr=0.1)
    _, _, state = optimizer.step(
        np.array([1.0, 1.0]), np.array([2.0, 3.0]), optimizer.initial_state()
    )
    if name in ("momentum", "nesterov"):
        assert state.velocity == (2.0, 3.0)  # b₁ = g
    else:
        assert state.velocity is None


def test_state_is_immutable():
    optimizer = make_optimizer("adam")
    _, _, state = optimizer.step(
        np.array([1.0, 1.0]), np.array([2.0, 3.0]), optimizer.initial_state()
    )
    with pytest.raises(AttributeError):
        state.t = 5  # type: ignore[misc]
    assert isinstance(state.first_moment, tuple) and isinstance(state.second_moment, tuple)


def test_lecture_hypothetical_step():
    # Slide 172: α = 1 and the slide's gradient (0.41, 0.22) from (w, b) = (4, 5).
    optimizer = make_optimizer("gd", lr=1.0)
    new_point, update, _ = optimizer.step(
        np.array([4.0, 5.0]), np.array([0.41, 0.22]), optimizer.initial_state()
    )
    assert tuple(new_point) == pytest.approx((4 - 1 * 0.41, 5 - 1 * 0.22), abs=1e-15)
    assert tuple(new_point) == pytest.approx((3.59, 4.78), abs=1e-12)  # ERRATA: (3.59, 4.78)
    assert tuple(update) == pytest.approx((-0.41, -0.22), abs=1e-15)


# -------------------------------------------------------------- defaults and descriptions


def test_defaults_are_torchs_documented_values():
    assert defaults_for("gd").lr == 1e-3
    for name in ("momentum", "nesterov"):
        assert (defaults_for(name).lr, defaults_for(name).momentum) == (1e-3, 0.9)
    adagrad = defaults_for("adagrad")
    assert (adagrad.lr, adagrad.eps) == (1e-2, 1e-10)
    rmsprop = defaults_for("rmsprop")
    assert (rmsprop.lr, rmsprop.alpha, rmsprop.eps) == (1e-2, 0.99, 1e-8)
    adam = defaults_for("adam")
    assert (adam.lr, adam.beta1, adam.beta2, adam.eps) == (1e-3, 0.9, 0.999, 1e-8)


@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
def test_defaults_validate_and_describe_is_one_line(name):
    validate(name, defaults_for(name))
    assert make_optimizer(name).hp == defaults_for(name)
    text = describe(name)
    assert "θ" in text and "\n" not in text


def test_overrides_replace_only_the_named_field():
    optimizer = make_optimizer("adam", lr=0.1)
    assert optimizer.hp == dataclasses.replace(defaults_for("adam"), lr=0.1)


# ---------------------------------------------------------------------- invalid settings


@pytest.mark.parametrize(
    ("name", "overrides", "message"),
    [
        ("gd", {"lr": -1}, "learning rate must be a finite number > 0, got -1"),
        ("gd", {"lr": 0}, "learning rate must be a finite number > 0, got 0"),
        ("gd", {"lr": math.nan}, "learning rate must be a finite number > 0, got nan"),
        ("gd", {"lr": math.inf}, "learning rate must be a finite number > 0, got inf"),
        ("adam", {"beta1": 1.0}, "beta1 must be in [0, 1), got 1"),
        ("adam", {"beta2": -0.1}, "beta2 must be in [0, 1), got -0.1"),
        ("adam", {"eps": 0}, "eps must be a finite number > 0, got 0"),
        ("adagrad", {"eps": math.nan}, "eps must be a finite number > 0, got nan"),
        ("momentum", {"momentum": 1.5}, "momentum must be in [0, 1), got 1.5"),
        ("nesterov", {"momentum": math.nan}, "momentum must be in [0, 1), got nan"),
        ("nesterov", {"momentum": 0.0}, "Nesterov momentum needs a momentum > 0"),
        ("rmsprop", {"alpha": 1.0}, "alpha must be in [0, 1), got 1"),
        ("gd", {"lr": "0.1"}, "learning rate must be a number, got '0.1'"),
        ("gd", {"lr": True}, "learning rate must be a number, got True"),
    ],
)
def test_invalid_hyperparameters_raise_with_a_message(name, overrides, message):
    with pytest.raises(OptimizerError) as excinfo:
        make_optimizer(name, **overrides)
    assert message in str(excinfo.value)
    assert isinstance(excinfo.value, ValueError)


def test_validate_rejects_an_invalid_hyperparameters_value():
    with pytest.raises(OptimizerError, match="learning rate"):
        validate("gd", Hyperparameters(lr=-0.5))


def test_unknown_names_are_rejected():
    with pytest.raises(OptimizerError, match="unknown optimizer 'sgd'; choose one of gd"):
        make_optimizer("sgd")
    with pytest.raises(OptimizerError, match="unknown optimizer"):
        describe("lbfgs")
    with pytest.raises(OptimizerError, match="unknown hyperparameter learning_rate"):
        make_optimizer("gd", learning_rate=0.1)


# --- the catalogue: one table that the panel, the CLI, scenes and the docs read ---------------


def test_the_catalogue_lists_every_knob_of_hyperparameters_once():
    from dataclasses import fields

    from gdviz.core.optimizers import HYPERPARAMETER_NAMES, HYPERPARAMETERS, Hyperparameters

    assert sorted(HYPERPARAMETER_NAMES) == sorted(f.name for f in fields(Hyperparameters))
    assert {spec.kind for spec in HYPERPARAMETERS} <= {"positive", "unit"}


def test_every_optimizer_has_valid_defaults_and_reads_what_the_table_says():
    from gdviz.core.optimizers import OPTIMIZERS, uses, validate

    for spec in OPTIMIZERS:
        validate(spec.name, spec.defaults)
        assert uses(spec.name)[0] == "lr"
    assert uses("gd") == ("lr",)
    assert uses("adam") == ("lr", "beta1", "beta2", "eps")
    assert uses("rmsprop") == ("lr", "eps", "alpha")


def test_readme_documents_every_optimizer_and_every_hyperparameter_flag():
    from pathlib import Path

    from gdviz.core.optimizers import HYPERPARAMETER_NAMES, OPTIMIZER_NAMES

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    for name in OPTIMIZER_NAMES:
        assert name in readme
    for name in HYPERPARAMETER_NAMES:
        assert f"--{name}" in readme


def test_a_scene_run_that_omits_a_knob_takes_its_optimizers_default():
    from gdviz.core.optimizers import Hyperparameters
    from gdviz.core.scene import RunSpec, scene_from_dict

    def run_of(optimizer: str) -> RunSpec:
        data = {
            "schema_version": 2,
            "source": {"kind": "preset", "preset": "bowl"},
            "runs": [{"optimizer": optimizer, "start": [1.0, 1.0]}],
        }
        return scene_from_dict(data).runs[0]

    assert run_of("momentum").momentum == 0.9
    assert run_of("gd").momentum == 0.0
    assert run_of("adagrad").eps == 1e-10
    assert run_of("gd").lr == 0.01  # the window's starting learning rate
    defaults = Hyperparameters()
    assert (RunSpec().momentum, RunSpec().eps) == (defaults.momentum, defaults.eps)


def test_the_formulas_write_alpha_for_the_learning_rate_as_the_lecture_does():
    from gdviz.core.optimizers import HYPERPARAMETERS, OPTIMIZERS

    for spec in OPTIMIZERS:
        assert "α·" in spec.formula and "η" not in spec.formula, spec.name
    labels = [spec.label for spec in HYPERPARAMETERS]
    assert sum("α" in label for label in labels) == 1  # RMSProp's decay is ρ
