"""RunHistory stores steps column-wise in order; the step text shows the lecture's arithmetic."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdviz.core.descent import Step, run_to_end
from gdviz.core.history import RunHistory, StepRows
from gdviz.core.logistic import Dataset
from gdviz.core.optimizers import make_optimizer
from gdviz.core.presets import get_preset
from gdviz.core.step_text import update_lines
from gdviz.core.surfaces import ExpressionSurface
from gdviz.core.window import Window


def test_history_keeps_every_step_in_order_and_gives_them_back():
    surface = ExpressionSurface("x^2 + 3*y^2", Window(-2, 2, -2, 2))
    steps, _ = run_to_end(surface, (1.5, -1.0), make_optimizer("momentum", lr=0.05), 700)
    history = RunHistory(capacity=4)
    for i in range(0, len(steps), 37):  # batches of uneven size, growing past the capacity
        history.extend(steps[i : i + 37])
    assert len(history) == len(steps)
    np.testing.assert_array_equal(history.column("x"), [s.point[0] for s in steps])
    np.testing.assert_array_equal(history.column("f"), [s.value for s in steps])
    assert history.step(5) == steps[5]
    assert history.step(-1) == steps[-1]
    with pytest.raises(ValueError, match="expected k"):
        history.extend(steps[3:4])
    with pytest.raises(ValueError):
        history.column("x")[0] = 1.0  # read-only view


@pytest.mark.parametrize("method", ["gd", "momentum"])
def test_rows_built_off_the_gui_thread_record_exactly_the_same_history(method):
    surface = ExpressionSurface("x^2 + 3*y^2", Window(-2, 2, -2, 2))
    steps, _ = run_to_end(surface, (1.5, -1.0), make_optimizer(method, lr=0.05), 300)
    by_steps, by_rows = RunHistory(capacity=4), RunHistory(capacity=4)
    for i in range(0, len(steps), 41):
        by_steps.extend(steps[i : i + 41])
        rows = StepRows.of(steps[i : i + 41])
        assert list(rows) == steps[i : i + 41]  # the rows give the same Steps back
        assert rows[-1] == steps[min(i + 40, len(steps) - 1)]
        by_rows.extend(rows)
    for name in ("x", "y", "f", "gx", "gy", "dx", "dy", "vx", "vy"):
        np.testing.assert_array_equal(by_rows.column(name), by_steps.column(name))
    assert [by_rows.step(k) for k in range(len(steps))] == steps
    with pytest.raises(ValueError, match="expected k"):
        by_rows.extend(StepRows.of(steps[5:9]))
    with pytest.raises(ValueError, match="expected k"):
        StepRows.of([steps[0], steps[2]])


def test_history_without_velocity_stores_none():
    step = Step(0, (1.0, 2.0), 3.0, (0.5, 0.25), (0.0, 0.0), None)
    history = RunHistory()
    history.extend([step])
    assert history.step(0) == step


def test_gd_step_is_written_the_lectures_way_with_real_numbers():
    surface = get_preset("lecture-logistic").surface()
    steps, _ = run_to_end(surface, (4.0, 5.0), make_optimizer("gd", lr=0.01), 1)
    w_line, b_line = update_lines(
        steps[0], steps[1], make_optimizer("gd", lr=0.01), ("w", "b", "L")
    )
    assert w_line == "w1 = w0 − α × L_w(w0, b0) = 4 − 0.01 × 8.25 = 3.9175"
    assert b_line == "b1 = b0 − α × L_b(w0, b0) = 5 − 0.01 × 0.5 = 4.995"
    # Independent check of the arithmetic the line shows.
    data = Dataset.lecture()
    dw = sum(
        (1 / (1 + math.exp(-(4 * x + 5))) - y) * x for x, y in zip(data.x, data.y, strict=True)
    )
    assert 4 - 0.01 * dw / 8 == pytest.approx(steps[1].point[0], rel=1e-12)


def test_other_methods_show_the_update_they_made():
    surface = ExpressionSurface("x^2 + y^2", Window(-2, 2, -2, 2))
    adam = make_optimizer("adam", lr=0.1)
    steps, _ = run_to_end(surface, (1.0, -1.0), adam, 1)
    x_line, y_line = update_lines(steps[0], steps[1], adam)
    # Adam's first bias-corrected step moves each coordinate by lr against the gradient's sign.
    assert x_line == "x1 = x0 + Δx = 1 + (−0.1) = 0.9"
    assert y_line == "y1 = y0 + Δy = −1 + 0.1 = −0.9"
