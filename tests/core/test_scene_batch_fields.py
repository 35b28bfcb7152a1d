"""Scene fields for mini-batch runs, learning-rate sweeps and many starts; old files still load."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from gdviz.core.document_reader import SceneError
from gdviz.core.minibatch import run_minibatch
from gdviz.core.optimizers import make_optimizer
from gdviz.core.run_settings import MiniBatchSettings, StartsSettings, SweepSettings
from gdviz.core.scene import (
    RunSpec,
    StartsSpec,
    SweepSpec,
    load_scene,
    scene_for_preset,
    scene_from_json,
    scene_to_dict,
    scene_to_json,
)
from gdviz.core.scene_surface import surface_for_scene

V1 = Path(__file__).parents[1] / "data" / "v1"


def _full_scene():
    base = scene_for_preset("lecture-logistic")
    run = RunSpec("adam", lr=0.05, start=(4.0, 5.0), max_steps=300,
                  minibatch=MiniBatchSettings(3, seed=17))  # fmt: skip
    sweep = SweepSpec(RunSpec("momentum", momentum=0.5, start=(1.0, -2.0), max_steps=400),
                      lr_min=1e-3, lr_max=2.0, count=25)  # fmt: skip
    starts = StartsSpec(RunSpec("gd", lr=0.01, start=(0.0, 0.0)), count=900, layout="random",
                        seed=5)  # fmt: skip
    return replace(base, runs=(run,), sweep=sweep, starts=starts)


@pytest.mark.parametrize("path", sorted(V1.glob("*.json")), ids=lambda p: p.name)
def test_older_scenes_load_without_the_new_fields_and_save_without_them(path):
    scene = load_scene(path)
    assert scene.sweep is None and scene.starts is None
    assert all(run.minibatch is None for run in scene.runs)
    written = scene_to_dict(scene)
    assert "sweep" not in written and "starts" not in written
    assert all("minibatch" not in run for run in written["runs"])


def test_the_new_fields_round_trip_byte_for_byte():
    scene = _full_scene()
    text = scene_to_json(scene)
    again = scene_from_json(text)
    assert again == scene
    assert scene_to_json(again) == text
    data = json.loads(text)
    assert data["runs"][0]["minibatch"] == {"batch_size": 3, "seed": 17}
    assert data["sweep"]["lr_min"] == 1e-3 and data["sweep"]["run"]["optimizer"] == "momentum"
    assert data["starts"] == {**data["starts"], "count": 900, "layout": "random", "seed": 5}


def test_the_specs_give_the_core_settings_and_the_same_run():
    scene = scene_from_json(scene_to_json(_full_scene()))
    assert scene.sweep.settings() == SweepSettings(1e-3, 2.0, 25, 400, 1e-6)
    assert scene.starts.settings() == StartsSettings(900, "random", 5)
    spec = scene.runs[0]
    surface = surface_for_scene(scene)
    optimizer = make_optimizer(spec.optimizer, spec.hyperparameters())
    first = run_minibatch(surface, spec.start, optimizer, spec.minibatch, spec.max_steps)
    direct = run_minibatch(surface, (4.0, 5.0), make_optimizer("adam", lr=0.05),
                           MiniBatchSettings(3, 17), 300)  # fmt: skip
    assert np.array_equal(first.points, direct.points)


def _with(change) -> str:
    data = json.loads(scene_to_json(_full_scene()))
    change(data)
    return json.dumps(data)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["sweep"].update(lr_min=3.0), "sweep: learning-rate range is reversed"),
        (lambda d: d["sweep"].update(lr_min=0.5, lr_max=0.5), "learning-rate range is empty"),
        (lambda d: d["sweep"].update(lr_min=-1.0), "its start must be a finite number > 0"),
        (lambda d: d["sweep"].update(count=0), "sweep.count: must be between 1 and 10000"),
        (lambda d: d["sweep"].pop("run"), "sweep"),
        (lambda d: d["starts"].update(count=0), "starts.count: must be between 1 and 10000"),
        (lambda d: d["starts"].update(count=10_001), "starts.count"),
        (lambda d: d["starts"].update(layout="spiral"), "starts.layout: expected one of"),
        (lambda d: d["starts"].update(seed=-1), "starts.seed"),
        (lambda d: d["runs"][0]["minibatch"].update(batch_size=0), "batch_size: must be between 1"),
        (lambda d: d["runs"][0]["minibatch"].update(batch_size=9),
         "runs[0].minibatch.batch_size: must be at most m = 8"),
        (lambda d: d["runs"][0]["minibatch"].update(seed=-3), "minibatch.seed"),
        (lambda d: d["runs"][0]["minibatch"].update(extra=1), "extra"),
        (lambda d: d["sweep"]["run"].update(minibatch={"batch_size": 2}) or d.update(
            runs=[], source={"kind": "expression", "expression": "x^2"}),
         "sweep.run.minibatch.batch_size: mini-batches need a dataset's loss"),
    ],
)  # fmt: skip
def test_bad_new_fields_are_named(change, message):
    with pytest.raises(SceneError, match=message.replace("[", r"\[").replace("]", r"\]")):
        scene_from_json(_with(change))
