"""The optional lesson step "How small should α be?": its sweep and numbers against GD written
out with numpy."""

from __future__ import annotations

import numpy as np

from gdviz.core.lesson import default_lesson
from gdviz.core.logistic import Dataset
from gdviz.core.numbers import format_number
from gdviz.model import Document
from gdviz.model.sweeps import compute_sweep


def _lecture_gd(lr: float, steps: int, start=(4.0, 5.0)) -> float:
    """Natural-log loss of the lecture's data after `steps` GD updates, written out."""
    data = Dataset.lecture()
    w, b = start
    for _ in range(steps):
        a = 1 / (1 + np.exp(-(w * data.x + b)))
        w, b = w - lr * np.mean((a - data.y) * data.x), b - lr * np.mean(a - data.y)
    z = w * data.x + b
    return float(np.mean(np.logaddexp(0, z) - data.y * z))


def test_the_optional_sweep_step_says_what_the_sweep_computes():
    lesson = default_lesson()
    step = lesson.steps[13]
    assert step.title == "Optional: how small should α be?"
    scene = step.scene
    assert scene.source.preset == "lecture-logistic" and scene.log_base == "e"
    assert scene.panels == ("sweep",) and scene.runs == ()
    spec = scene.sweep
    assert (spec.lr_min, spec.lr_max, spec.count) == (1e-4, 10.0, 60)
    assert (spec.run.optimizer, spec.run.start, spec.run.max_steps) == ("gd", (4.0, 5.0), 100)
    doc = Document()
    doc.apply_fields(scene, step.fields)
    sweep = compute_sweep(doc.surface, doc.scene.sweep)
    # Every rate against GD written out with numpy. 100 steps, not 1,000: from (4, 5) with
    # α ≳ 0.02 the runs bounce across the valley and after 1,000 steps where they end depends
    # on the last bits of the arithmetic; after 100 steps it does not.
    with np.errstate(over="ignore"):
        by_hand = np.array([_lecture_gd(lr, 100) for lr in sweep.learning_rates])
    np.testing.assert_allclose(sweep.final_loss, by_hand, rtol=1e-7)
    np.testing.assert_array_equal(sweep.stable, by_hand <= 35.5)
    assert (
        _lecture_gd(sweep.largest_stable_lr, 100)
        <= 35.5
        < _lecture_gd(sweep.smallest_unstable_lr, 100)
    )
    numbers = dict(step.numbers)
    assert numbers["L at the start (4, 5), natural log"] == format_number(sweep.start_loss)
    assert numbers["L after 100 steps, α = 0.0001"].startswith(f"{by_hand[0]:.2f} ")
    best = int(np.argmin(by_hand))
    assert numbers["lowest L after 100 steps"].startswith(
        f"{by_hand[best]:.3f}, at α ≈ {sweep.learning_rates[best]:.3f} "
    )
    assert (
        f"({format_number(sweep.largest_stable_lr, 4)};" in numbers["largest stable α (measured)"]
    )
    alpha_one = _lecture_gd(1.0, 100)
    assert numbers["L after 100 steps, the lecture's α = 1"].startswith(f"{alpha_one:.2f}: stable")
    assert alpha_one <= 35.5 and sweep.largest_stable_lr > 1.0
    assert sweep.stable[sweep.learning_rates > 1.36].sum() == 0  # "every run" past the edge
    assert "α ≈ 1.35" in step.caption and "100 steps" in step.caption
