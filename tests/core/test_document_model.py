"""The document model alone (no Qt): edits, events, runs, lesson steps, undo/redo, snapshots."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from gdviz.core.calculus import point_report, secant_x, secant_y
from gdviz.core.descent import StopReason
from gdviz.core.expression import ExpressionError
from gdviz.core.lesson import default_lesson
from gdviz.core.logistic import Dataset
from gdviz.core.scene import (
    DerivativeSpec,
    Scene,
    SceneError,
    SurfaceSource,
    load_scene,
    scene_from_json,
    scene_to_json,
)
from gdviz.model import Document

V1 = Path(__file__).parent.parent / "data" / "v1"
LECTURE_X = np.array([8.0, 15.0, 19.0, 24.0, 27.0, 31.0, 35.0, 40.0])  # the lecture's examples
LECTURE_Y = np.array([0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0])


def _loss_and_gradient(w: float, b: float) -> tuple[float, float, float]:
    """The natural-log loss and its gradient over the lecture's data, written out independently."""
    z = w * LECTURE_X + b
    a = 1 / (1 + np.exp(-z))
    loss = np.mean(np.logaddexp(0, z) - LECTURE_Y * z)
    return float(loss), float(np.mean((a - LECTURE_Y) * LECTURE_X)), float(np.mean(a - LECTURE_Y))


class Recorder:
    """Every event a document emits, in order."""

    def __init__(self, doc: Document):
        self.names: list[str] = []
        self.edits = []
        for name in doc.events:
            if name == "edited":
                doc.events.edited.connect(self.edits.append)
            else:
                getattr(doc.events, name).connect(lambda *_a, n=name: self.names.append(n))


def test_the_lecture_dataset_matches_the_shipped_csv():
    lecture = Dataset.lecture()
    np.testing.assert_array_equal(lecture.x, LECTURE_X)
    np.testing.assert_array_equal(lecture.y, LECTURE_Y)


def test_a_new_document_is_the_lecture_loss_at_its_start():
    doc = Document()
    assert doc.scene.source == SurfaceSource("preset", preset="lecture-logistic")
    assert doc.point == (4.0, 5.0) and doc.is_loss and doc.scene.log_base == "e"
    loss, gw, gb = _loss_and_gradient(4.0, 5.0)
    report = point_report(doc.surface, *doc.point)
    assert report.f == pytest.approx(loss, rel=1e-12) == pytest.approx(35.5, abs=1e-3)
    assert (report.f_x, report.f_y) == pytest.approx((gw, gb), rel=1e-10)
    assert (report.f_x, report.f_y) == pytest.approx((8.25, 0.5), abs=1e-6)
    assert doc.run_settings.lr == pytest.approx(0.01)  # the preset's learning rate


def test_a_new_function_replaces_the_surface_and_emits_what_changed():
    doc = Document()
    seen = Recorder(doc)
    doc.set_expression("sin(x)*cos(y)")
    assert seen.names[0] == "surface_changed" and "point_changed" in seen.names
    assert [e.label for e in seen.edits] == ["Change the function"]
    assert doc.scene.window == (-3.0, 3.0, -3.0, 3.0)
    assert doc.point == (0.0, 0.0)  # (4, 5) is outside the new window: its centre
    doc.update("Move", point=(2.0, 2.5))
    report = point_report(doc.surface, 2.0, 2.5)
    assert report.f == pytest.approx(math.sin(2) * math.cos(2.5), rel=1e-14)
    assert report.f_x == pytest.approx(math.cos(2) * math.cos(2.5), rel=1e-14)
    assert report.f_y == pytest.approx(-math.sin(2) * math.sin(2.5), rel=1e-14)


@pytest.mark.parametrize(
    "change",
    [
        {"point": (math.nan, 1.0)},
        {"window": (1.0, -1.0, 0.0, 1.0)},
        {"delta": 0.0},
        {"direction": (0.0, 0.0)},
        {"resolution": 5},
        {"log_base": "7"},
        {"tool": "hammer"},
        {"derivative": DerivativeSpec("sqrt(x)", 4.0, 0.0)},
    ],
)
def test_a_bad_value_is_refused_and_nothing_changes(change):
    doc = Document()
    before = doc.snapshot()
    seen = Recorder(doc)
    with pytest.raises(SceneError):
        doc.update("Bad edit", **change)
    assert doc.snapshot() == before and seen.names == [] and seen.edits == []


def test_a_bad_expression_keeps_the_surface_and_the_runs():
    doc = Document()
    run_id = doc.add_run(doc.point)
    surface = doc.surface
    with pytest.raises(ExpressionError, match="column"):
        doc.set_expression("sin(x) + foo(y)")
    assert doc.surface is surface and run_id in doc.runs


def test_a_run_records_the_lectures_first_step_and_ends():
    doc = Document()
    seen = Recorder(doc)
    run_id = doc.add_run((4.0, 5.0), replace(doc.run_settings, max_steps=2))
    doc.advance_run(run_id, 10)
    record = doc.runs[run_id]
    assert record.finished and record.history.end.reason == StopReason.MAX_STEPS
    w, b = record.history.column("x"), record.history.column("y")
    assert (w[1], b[1]) == pytest.approx((4 - 0.01 * 8.25, 5 - 0.01 * 0.5), abs=1e-12)
    assert (w[1], b[1]) == pytest.approx((3.9175, 4.995), abs=1e-12)
    assert seen.names[:3] == ["runs_changed", "run_stepped", "run_finished"]
    assert doc.focused_step()[1] == 2  # the newest step
    doc.focus(run_id, 1)
    assert doc.focused_step()[1] == 1


def test_a_new_surface_removes_the_runs_of_the_old_one():
    doc = Document()
    doc.add_run(doc.point)
    seen = Recorder(doc)
    doc.load_preset("himmelblau")
    assert doc.runs == {} and doc.focused_step() is None
    assert "runs_changed" in seen.names


def test_a_snapshot_restores_runs_as_recorded_and_play_continues_them():
    doc = Document()
    doc.load_preset("rosenbrock")
    run_id = doc.add_run(doc.point, replace(doc.run_settings, lr=1e-3, max_steps=500))
    doc.advance_run(run_id, 101)
    scene = scene_from_json(scene_to_json(doc.snapshot()))
    assert scene.runs[0].recorded == 100

    other = Document(scene)
    (restored,) = other.runs.values()
    assert len(restored.history) == 101 and not restored.finished  # paused, not re-run
    np.testing.assert_array_equal(
        restored.history.column("x"), doc.runs[run_id].history.column("x")
    )
    other.advance_run(restored.run_id, 1000)  # Play: the rest of the run
    doc.advance_run(run_id, 1000)
    np.testing.assert_array_equal(
        restored.history.column("x"), doc.runs[run_id].history.column("x")
    )
    assert restored.history.end == doc.runs[run_id].history.end


def test_undo_and_redo_are_the_snapshots_an_edit_reports():
    doc = Document()
    seen = Recorder(doc)
    doc.update("Move the point", point=(1.0, -20.0))
    doc.set_expression("x^2 + y")
    doc.set_dataset(Dataset([0.0, 1.0, 2.0, 3.0], [0.0, 0.0, 1.0, 1.0]))
    after = doc.snapshot()
    assert [e.label for e in seen.edits] == [
        "Move the point",
        "Change the function",
        "Edit the dataset",
    ]
    for edit in reversed(seen.edits):  # undo, undo, undo
        doc.restore(edit.before)
    assert doc.scene.source.preset == "lecture-logistic" and doc.point == (4.0, 5.0)
    assert point_report(doc.surface, 4, 5).f == pytest.approx(_loss_and_gradient(4, 5)[0])
    doc.restore(after)  # redo all
    assert doc.dataset is not None and len(doc.dataset) == 4
    assert doc.snapshot() == after
    assert len(seen.edits) == 3  # restoring is not an edit of its own


def test_constructions_are_drawn_while_their_tool_is_active_or_pinned():
    doc = Document()
    doc.update(shown=("partials", "direction", "gradient"), tool="partials")
    assert doc.drawn_constructions() == ("partials",)
    doc.set_tool("direction")
    assert doc.drawn_constructions() == ("direction", "gradient")
    doc.update(pinned=("partials",))
    assert doc.drawn_constructions() == ("partials", "direction", "gradient")
    doc.set_tool("descent")
    assert doc.drawn_constructions() == ("partials",)


@pytest.mark.slow
def test_a_lesson_step_sets_what_it_names_and_its_numbers_follow():
    doc = Document()
    lesson = default_lesson()
    step = lesson.steps[10]  # partial derivatives of sin x · cos y at (2, 2.5)
    doc.apply_fields(step.scene, step.fields, label="Lesson step 11")
    assert doc.point == (2.0, 2.5) and doc.scene.delta == 0.2 and doc.scene.tool == "partials"
    assert doc.drawn_constructions() == ("partials",)
    sx, sy = secant_x(doc.surface, 2, 2.5, 0.2), secant_y(doc.surface, 2, 2.5, 0.2)
    assert sx.slope == pytest.approx((math.sin(2.2) - math.sin(2)) * math.cos(2.5) / 0.2)
    assert sx.slope == pytest.approx(0.4037805, abs=5e-8)
    assert sy.exact == pytest.approx(-0.5441892, abs=5e-8)

    partial = replace(doc.scene, point=(1.0, 1.0), delta=0.5)
    doc.apply_fields(partial, ("point",))  # a step that names only the point
    assert doc.point == (1.0, 1.0) and doc.scene.delta == 0.2

    doc.apply_fields(lesson.steps[8].scene, lesson.steps[8].fields)  # g′(x): √x at 4
    assert doc.scene.derivative == DerivativeSpec("sqrt(x)", 4.0, 1.0)
    assert doc.scene.tool == "derivative"
    doc.apply_fields(lesson.steps[12].scene, lesson.steps[12].fields)  # descent from (4, 5)
    (record,) = doc.runs.values()
    assert len(record.history) == 20001 and record.history.step(1).point == pytest.approx(
        (3.9175, 4.995), abs=1e-12
    )
    w, b = record.history.step(20000).point
    assert 24 < -b / w < 27  # the boundary the caption says the run settles at


def test_step_11_prints_the_true_f_of_2_and_2_7():
    step = default_lesson().steps[10]
    shown = dict(step.numbers)["f(2, 2.7)"]
    assert f"exact {math.sin(2) * math.cos(2.7):.7f}".replace("-", "−") in shown


def test_the_one_variable_limits_of_the_lesson_are_in_the_document():
    step = default_lesson().steps[5]
    gs = [(spec.g, spec.at) for spec in step.scene.one_variable]
    assert gs == [("1/x", "0, inf, -inf"), ("x^2", "-inf, inf")]


def test_a_version_1_scene_opens_unchanged_in_meaning():
    scene = load_scene(V1 / "sin-cos-runs-constructions.json")
    assert scene.source.expression == "sin(x)*cos(y)" and scene.point == (2.0, 2.5)
    assert scene.delta == 0.05 and scene.step == 0.3
    # v1 drew every shown construction: they all still are.
    assert set(Document(scene).drawn_constructions()) == {"partials", "direction", "limits"}
    doc = Document(scene)
    momentum, adam = doc.runs.values()
    assert momentum.optimizer.name == "momentum" and momentum.spec.lr == 0.05
    assert len(momentum.history) - 1 <= 300 and momentum.finished  # computed to the end, as v1
    assert len(adam.history) == 51 and adam.history.end.reason == StopReason.MAX_STEPS
    assert scene_from_json(scene_to_json(scene)) == scene  # saved again as version 2


@pytest.mark.parametrize("path", sorted(V1.glob("*.json")), ids=lambda p: p.name)
def test_every_version_1_fixture_loads(path):
    scene = load_scene(path)
    doc = Document(scene)
    assert isinstance(doc.snapshot(), Scene)
    if scene.source.kind == "dataset":
        assert doc.dataset is not None and len(doc.dataset) == len(scene.source.dataset_x)


def test_a_function_with_no_finite_value_in_view_is_refused_and_changes_nothing():
    from gdviz.core.expression import ExpressionError

    doc = Document()
    before = doc.snapshot()
    with pytest.raises(ExpressionError, match="no finite value anywhere"):
        doc.set_expression("sqrt(-1 - x^2)")
    assert doc.snapshot() == before
    doc.set_expression("sqrt(x)")  # a domain that covers part of the window is fine
    assert doc.scene.source.expression == "sqrt(x)"
