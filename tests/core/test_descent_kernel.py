"""The compiled descent loop: paths equal an independent implementation, in every entry point."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdviz.core.descent import StopReason, run, run_path, run_to_end
from gdviz.core.descent_rows import DescentRows
from gdviz.core.optimizers import OPTIMIZER_NAMES, make_optimizer
from gdviz.core.surfaces import ExpressionSurface
from gdviz.core.update_rules import UPDATE_RULES
from gdviz.core.window import Window

WINDOW = Window(-2.0, 2.0, -1.0, 3.0)
ROSENBROCK = "(1 - x)^2 + 100*(y - x^2)^2"


def rosenbrock(x: float, y: float) -> tuple[float, float, float]:
    """f and ∇f by hand, in the order sympy's tree computes them (so the bits agree)."""
    r = y + (-1.0) * (x * x)
    f = (1.0 + (-1.0) * x) * (1.0 + (-1.0) * x) + 100.0 * (r * r)
    gx = (-2.0 + 2.0 * x) + ((-400.0) * x) * r
    gy = (-200.0) * (x * x) + 200.0 * y
    return f, gx, gy


def reference_path(name: str, lr: float, start: tuple[float, float], steps: int) -> list:
    """Each method's textbook update (torch.optim's), written out independently of gdviz."""
    x, y = start
    m = [0.0, 0.0]  # momentum buffer or Adam's first moment
    v = [0.0, 0.0]  # AdaGrad's sum of squares, RMSProp's and Adam's second moment
    points = [(x, y)]
    for t in range(1, steps + 1):
        _, gx, gy = rosenbrock(x, y)
        new = []
        for i, (p, g) in enumerate(((x, gx), (y, gy))):
            if name == "gd":
                p = p - lr * g
            elif name in ("momentum", "nesterov"):
                m[i] = 0.9 * m[i] + g
                p = p - lr * (m[i] if name == "momentum" else g + 0.9 * m[i])
            elif name == "adagrad":
                v[i] = v[i] + g * g
                p = p - lr * g / (math.sqrt(v[i]) + 1e-10)
            elif name == "rmsprop":
                v[i] = 0.99 * v[i] + (1 - 0.99) * g * g
                p = p - lr * g / (math.sqrt(v[i]) + 1e-8)
            else:  # adam
                m[i] = 0.9 * m[i] + (1 - 0.9) * g
                v[i] = 0.999 * v[i] + (1 - 0.999) * g * g
                m_hat, v_hat = m[i] / (1 - 0.9**t), v[i] / (1 - 0.999**t)
                p = p - lr * m_hat / (math.sqrt(v_hat) + 1e-8)
            new.append(p)
        x, y = new
        points.append((x, y))
    return points


def test_every_optimizer_has_an_update_rule():
    assert set(UPDATE_RULES) == set(OPTIMIZER_NAMES)


@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
@settings(max_examples=15, deadline=None)
@given(
    lr=st.floats(1e-5, 1e-3),
    start=st.tuples(st.floats(-1.5, 1.5), st.floats(-0.5, 2.5)),
)
def test_paths_equal_an_independent_implementation(name, lr, start):
    surface = ExpressionSurface(ROSENBROCK, WINDOW)
    path, end = run_path(surface, start, make_optimizer(name, lr=lr), max_steps=200, tol=0.0)
    # the fastest methods can diverge near the top of the range (nesterov at α ≈ 1e-3 from
    # (1.5, 0)): then the kept points are the reference's first ones
    assert end.reason in (StopReason.MAX_STEPS, StopReason.DIVERGED)
    assert (len(path) == 201) == (end.reason is StopReason.MAX_STEPS)
    expected = np.array(reference_path(name, lr, start, 200))[: len(path)]
    assert np.allclose(path.points, expected, rtol=1e-12, atol=1e-12)
    values = [rosenbrock(x, y) for x, y in expected]
    assert np.allclose(np.column_stack((path.f, path.gx, path.gy)), values, rtol=1e-12, atol=0)


@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
@pytest.mark.parametrize("lr", [1e-3, 0.02, 5.0])
def test_run_run_to_end_and_run_path_agree_bit_for_bit(name, lr):
    surface = ExpressionSurface(ROSENBROCK, WINDOW)
    optimizer = make_optimizer(name, lr=lr)
    generator = run(surface, (-1.2, 1.0), optimizer, max_steps=3000)
    yielded = []
    with pytest.raises(StopIteration) as stop:
        while True:
            yielded.append(next(generator))
    steps, end = run_to_end(surface, (-1.2, 1.0), optimizer, max_steps=3000)
    path, path_end = run_path(surface, (-1.2, 1.0), optimizer, max_steps=3000)
    assert yielded == steps and stop.value.value == end == path_end
    assert [s.k for s in steps] == list(range(len(path)))
    for column, values in [
        (path.x, [s.point[0] for s in steps]),
        (path.gy, [s.gradient[1] for s in steps]),
        (path.dx, [s.update[0] for s in steps]),
    ]:
        assert column.tolist() == values
    if name in ("momentum", "nesterov"):
        assert path.vx.tolist() == [s.velocity[0] for s in steps]
    else:
        assert all(s.velocity is None for s in steps) and np.isnan(path.vx).all()


def _taken_in_pieces(rows: DescentRows, sizes: list[int | None]) -> list:
    """Every Step the rows hand out, taken `sizes[i]` at a time (the last size repeats)."""
    steps = []
    i = 0
    while rows.end is None:
        batch = rows.take(sizes[min(i, len(sizes) - 1)])
        assert batch.first_k == len(steps)
        steps.extend(batch)
        i += 1
    assert len(rows.take(5)) == 0  # nothing after the end
    return steps


@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
@pytest.mark.parametrize("lr", [1e-3, 0.02, 5.0])
@pytest.mark.parametrize("sizes", [[None], [1, 7, 1000], [3]])
def test_rows_taken_in_pieces_are_the_steps_run_yields(name, lr, sizes):
    surface = ExpressionSurface(ROSENBROCK, WINDOW)
    optimizer = make_optimizer(name, lr=lr)
    steps, end = run_to_end(surface, (-1.2, 1.0), optimizer, max_steps=3000)
    rows = DescentRows(surface, (-1.2, 1.0), optimizer, max_steps=3000)
    assert _taken_in_pieces(rows, sizes) == steps
    assert rows.end == end and rows.taken == len(steps)


def test_rows_stop_at_the_deadline_and_go_on_from_there():
    surface = ExpressionSurface(ROSENBROCK, WINDOW)
    optimizer = make_optimizer("momentum", lr=1e-4)
    rows = DescentRows(surface, (-1.5, 2.0), optimizer, max_steps=400_000, tol=0.0)
    first = rows.take(None, deadline=0.0)  # already past: one chunk, then it stops
    assert 1 <= len(first) < 400_001 and rows.end is None
    rest = rows.take(None)
    assert rest.first_k == len(first) and rows.end.reason is StopReason.MAX_STEPS
    path, _ = run_path(surface, (-1.5, 2.0), optimizer, max_steps=400_000, tol=0.0)
    together = np.vstack([first.data, rest.data])
    assert together[:, 0].tolist() == path.x.tolist()
    assert together[:, 8].tolist() == path.vy.tolist()


def test_closed_rows_hand_out_nothing_more():
    surface = ExpressionSurface("x^2 + y^2", WINDOW)
    rows = DescentRows(surface, (1.0, 1.0), make_optimizer("gd", lr=1e-3), max_steps=100)
    assert len(rows.take(10)) == 10
    rows.close()
    assert len(rows.take(10)) == 0 and rows.end is None


def test_the_step_record_is_the_same_as_one_built_by_its_constructor():
    surface = ExpressionSurface("x^2 + y^2", WINDOW)
    steps, _ = run_to_end(surface, (1.0, 0.5), make_optimizer("momentum", lr=0.1), max_steps=2)
    s = steps[1]
    rebuilt = type(s)(s.k, s.point, s.value, s.gradient, s.update, s.velocity)
    assert s == rebuilt and hash(s) == hash(rebuilt) and repr(s) == repr(rebuilt)


@pytest.mark.parametrize(
    ("text", "lr", "start", "reason", "steps"),
    [
        ("x^2 + y^2", 0.1, (1.0, 1.0), StopReason.CONVERGED, None),
        ("x^2 + y^2", 1e-3, (0.0, 0.0), StopReason.CONVERGED, 0),  # stops at step 0
        ("x^2 + y^2", 1.5, (1.0, 1.0), StopReason.DIVERGED, None),
        ("sqrt(x) + y^2", 0.4, (0.5, 1.0), StopReason.LEFT_DOMAIN, None),
        (ROSENBROCK, 1e-4, (-1.5, 2.0), StopReason.MAX_STEPS, 50),
    ],
)
def test_stop_reasons_in_every_entry_point(text, lr, start, reason, steps):
    surface = ExpressionSurface(text, WINDOW)
    optimizer = make_optimizer("gd", lr=lr)
    path, end = run_path(surface, start, optimizer, max_steps=50 if steps == 50 else 10_000)
    rows = DescentRows(surface, start, optimizer, max_steps=50 if steps == 50 else 10_000)
    assert _taken_in_pieces(rows, [4]) == path.steps() and rows.end == end
    assert end.reason is reason
    assert len(path) == end.steps + 1
    if steps is not None:
        assert end.steps == steps
    assert np.isfinite(path.points).all()
