"""The sweep in the document and its typed fields: what is swept, when a result holds, scenes,
the lesson's sweep step against hand-written loops, and `gdviz sweep --scene`."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy as np
import pytest

from gdviz.cli import main
from gdviz.core.run_settings import MAX_SWEEP_CELLS, SweepSettings
from gdviz.core.scene import (
    RunSpec,
    Scene,
    SurfaceSource,
    SweepSpec,
    save_scene,
    scene_from_json,
    scene_to_json,
)
from gdviz.core.sweep_input import SweepInputError, read_sweep_settings
from gdviz.model import Document
from gdviz.model.sweeps import SweepResult, compute_sweep, run_at_rate, sweep_spec_for

BOWL = "x^2 + 10*y^2"


def _bowl_doc() -> Document:
    scene = Scene(SurfaceSource("expression", expression=BOWL), window=(-3, 3, -3, 3),
                  point=(1.0, 1.0))  # fmt: skip
    return Document(scene)


def _events(doc: Document) -> list[str]:
    seen: list[str] = []
    for name in ("sweep_changed", "sweep_computed", "surface_changed"):
        getattr(doc.events, name).connect(lambda *_a, n=name: seen.append(n))
    return seen


# --- the typed fields ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("texts", "field", "message"),
    [
        (("", "10", "60", "1000"), "lr_min", "α from: empty"),
        (("1e-4", "", "60", "1000"), "lr_max", "α to: empty"),
        (("abc", "10", "60", "1000"), "lr_min", "α from: 'abc' is not a number"),
        (("1", "0.1", "60", "1000"), "lr_max", "learning-rate range is reversed: 1 > 0.1"),
        (("0.1", "0.1", "60", "1000"), "lr_max", "learning-rate range is empty"),
        (("0", "10", "60", "1000"), "lr_min", "its start must be a finite number > 0, got 0"),
        (("-1", "10", "60", "1000"), "lr_min", "its start must be a finite number > 0, got -1"),
        (("1e-4", "-2", "60", "1000"), "lr_max", "its end must be a finite number > 0, got -2"),
        (("nan", "10", "60", "1000"), "lr_min", "its start must be a finite number > 0, got nan"),
        (("1e-4", "NaN", "60", "1000"), "lr_max", "its end must be a finite number > 0, got nan"),
        (("1e-4", "inf", "60", "1000"), "lr_max", "its end must be a finite number > 0, got inf"),
        (("1e-4", "10", "0", "1000"), "count", "count must be from 1 to 10,000, got 0"),
        (("1e-4", "10", "10001", "1000"), "count", "count must be from 1 to 10,000, got 10001"),
        (("1e-4", "10", "2.5", "1000"), "count", "count: '2.5' is not a whole number"),
        (("1e-4", "10", "", "1000"), "count", "count: empty"),
        (("1e-4", "10", "60", "0"), "steps", "steps must be from 1 to 1,000,000, got 0"),
        (("1e-4", "10", "60", "x"), "steps", "steps: 'x' is not a whole number"),
        (("1e-4", "10", "6000", "1000"), "steps", "rates × steps must be at most 5,000,000"),
    ],
)
def test_a_bad_field_is_named_with_cores_message(texts, field, message):
    with pytest.raises(SweepInputError) as caught:
        read_sweep_settings(*texts)
    assert caught.value.field == field
    assert message in str(caught.value)


def test_good_fields_are_the_settings_they_say():
    assert read_sweep_settings(" 1e-4 ", "10", "60", "1,000", 1e-8) == SweepSettings(
        1e-4, 10.0, 60, 1000, 1e-8
    )
    assert read_sweep_settings("0.5", "0.5", "1", "3") == SweepSettings(0.5, 0.5, 1, 3)


def test_a_sweep_too_large_to_keep_is_refused_by_the_settings_themselves():
    assert MAX_SWEEP_CELLS == 10_000 * 500
    SweepSettings(1e-3, 1.0, 10_000, 500)  # at the limit: fine
    with pytest.raises(ValueError, match="rates × steps must be at most 5,000,000"):
        SweepSettings(1e-3, 1.0, 10_000, 501)


# --- what is swept, and the result the document keeps ----------------------------------------
def test_the_sweep_spec_is_the_run_from_the_start_in_full_batch():
    run = RunSpec("momentum", lr=0.3, momentum=0.5, start=(9.0, 9.0), max_steps=7, recorded=3)
    spec = sweep_spec_for(run, (1.0, -2.0), SweepSettings(1e-3, 1.0, 5, 400, 1e-7))
    assert spec.run == RunSpec("momentum", lr=0.3, momentum=0.5, start=(1.0, -2.0),
                               max_steps=400, tol=1e-7)  # fmt: skip
    assert (spec.lr_min, spec.lr_max, spec.count) == (1e-3, 1.0, 5)
    assert run_at_rate(spec, 0.02) == replace(spec.run, lr=0.02)


def test_a_computed_sweep_is_kept_with_its_spec_and_surface():
    doc = _bowl_doc()
    seen = _events(doc)
    spec = sweep_spec_for(RunSpec(), (1.0, 1.0), SweepSettings(1e-3, 1.0, 30, 500))
    sweep = compute_sweep(doc.surface, spec)
    # 2/λ_max of x² + 10y² is 2/20; the measured edge within 2 % of it
    assert sweep.gd_limit == 0.1 and abs(sweep.largest_stable_lr - 0.1) <= 0.002
    doc.set_sweep(spec, SweepResult(spec, doc.surface, sweep), label="Run a learning-rate sweep")
    assert seen == ["sweep_changed", "sweep_computed"]
    assert doc.scene.sweep == spec and doc.sweep_result.sweep is sweep
    assert doc.snapshot().sweep == spec
    assert scene_from_json(scene_to_json(doc.snapshot())).sweep == spec


def test_a_result_for_another_spec_or_surface_is_not_shown():
    doc = _bowl_doc()
    spec = sweep_spec_for(RunSpec(), (1.0, 1.0), SweepSettings(1e-3, 1.0, 4, 50))
    other = replace(spec, count=5)
    sweep = compute_sweep(doc.surface, spec)
    doc.set_sweep(spec)
    assert doc.sweep_result is None  # not computed yet
    assert not doc.set_sweep_result(SweepResult(other, doc.surface, sweep))
    assert doc.set_sweep_result(SweepResult(spec, doc.surface, sweep))
    assert doc.sweep_result is not None
    doc.update(sweep=other)  # a scene field like the others
    assert doc.sweep_result is None
    with pytest.raises(ValueError):
        doc.set_sweep(spec, SweepResult(other, doc.surface, sweep))


def test_a_new_surface_drops_the_sweep_like_the_runs_and_undo_brings_it_back():
    doc = _bowl_doc()
    seen = _events(doc)
    spec = sweep_spec_for(RunSpec(), (1.0, 1.0), SweepSettings(1e-3, 1.0, 4, 50))
    doc.set_sweep(spec, SweepResult(spec, doc.surface, compute_sweep(doc.surface, spec)))
    edits = []
    doc.events.edited.connect(edits.append)
    seen.clear()
    doc.set_expression("x^2 + y^2")
    assert doc.scene.sweep is None and doc.sweep_result is None
    assert "sweep_changed" in seen
    doc.restore(edits[-1].before)  # undo
    assert doc.scene.sweep == spec and doc.sweep_result is None  # to be computed again


def test_restoring_a_scene_with_a_sweep_emits_its_event():
    doc = _bowl_doc()
    seen = _events(doc)
    spec = sweep_spec_for(RunSpec(), (0.5, 0.5), SweepSettings())
    doc.restore(replace(doc.snapshot(), sweep=spec))
    assert seen == ["sweep_changed"] and doc.scene.sweep == spec


def test_a_lesson_step_without_a_sweep_on_another_surface_clears_it():
    doc = _bowl_doc()
    spec = sweep_spec_for(RunSpec(), (1.0, 1.0), SweepSettings(1e-3, 1.0, 4, 50))
    with_sweep = replace(doc.scene, sweep=spec)
    doc.apply_fields(with_sweep, ("sweep",))
    assert doc.scene.sweep == spec
    doc.apply_fields(replace(with_sweep, point=(2.5, 2.5)), ("point",))  # same surface: it stays
    assert doc.scene.sweep == spec
    other = replace(doc.scene, source=SurfaceSource("expression", expression="x^2 + y^2"))
    doc.apply_fields(other, ("source",))  # a step that names no sweep, on another surface
    assert doc.scene.sweep is None
    doc.apply_fields(replace(other, sweep=spec), ("source", "sweep"))  # one that names it
    assert doc.scene.sweep == spec


# --- the command line prints the numbers of a saved sweep ------------------------------------
def test_gdviz_sweep_takes_a_scenes_sweep(tmp_path, capsys):
    spec = SweepSpec(RunSpec("gd", start=(1.0, 1.0), max_steps=300), 0.01, 0.3, 7)
    scene = Scene(SurfaceSource("expression", expression=BOWL), window=(-3, 3, -3, 3),
                  point=(0.5, -0.5), sweep=spec)  # fmt: skip
    path = tmp_path / "bowl.json"
    save_scene(scene, path)
    assert main(["sweep", "--scene", str(path), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["start"] == [1.0, 1.0] and len(out["rates"]) == 7
    rates = np.geomspace(0.01, 0.3, 7)
    for entry, lr in zip(out["rates"], rates, strict=True):
        assert entry["lr"] == pytest.approx(lr, rel=1e-15)
        if lr < 0.1:  # x ← (1 − 2α)x, y ← (1 − 20α)y by hand, 300 steps or |∇f| < 1e-6
            x = y = 1.0
            for _ in range(300):
                if math.hypot(2 * x, 20 * y) < 1e-6:
                    break
                x, y = x - lr * 2 * x, y - lr * 20 * y
            assert entry["final_f"] == pytest.approx(x * x + 10 * y * y, rel=1e-9, abs=1e-300)
    assert out["gd_limit"] == 0.1
    assert (
        out["largest_stable_lr"] == compute_sweep(Document(scene).surface, spec).largest_stable_lr
    )
    assert main(["sweep", "--scene", str(path), "--count", "3", "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["rates"]) == 3  # an option overrides it


def test_gdviz_sweep_refuses_a_sweep_too_large_naming_count_and_steps(capsys):
    argv = ["sweep", "--function", BOWL, "--start", "1,1", "--count", "10000", "--steps", "600"]
    assert main(argv) == 2
    assert "--count/--steps" in capsys.readouterr().err
