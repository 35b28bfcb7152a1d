"""--scene for the headless verbs: the function, point, dataset and log base come from the file."""

from __future__ import annotations

import json
import math

import pytest

from gdviz.cli import main
from gdviz.core.scene import LimitSpec, Scene, SurfaceSource, save_scene


def _scene(tmp_path, name: str, **kwargs) -> str:
    path = tmp_path / name
    save_scene(Scene(**kwargs), path)
    return str(path)


def test_eval_takes_the_function_and_point_of_a_scene(tmp_path, capsys):
    path = _scene(tmp_path, "sincos.json", source=SurfaceSource("preset", "sin-cos"),
                  window=(-0.5, 4.5, 0.0, 5.0), point=(2.0, 2.5))  # fmt: skip
    assert main(["eval", "--scene", path, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["f"] == pytest.approx(math.sin(2) * math.cos(2.5))
    assert main(["eval", "--scene", path, "--at", "1,1", "--json"]) == 0  # options win
    assert json.loads(capsys.readouterr().out)["f"] == pytest.approx(math.sin(1) * math.cos(1))


def test_limit_takes_the_limit_point_of_a_scene(tmp_path, capsys):
    path = _scene(tmp_path, "limit.json", source=SurfaceSource("preset", "limit-example"),
                  window=(-1.0, 1.0, -1.0, 1.0), point=(0.5, 0.3),
                  limits=LimitSpec(0.0, 0.0, (1.0, -1.0), False, (1.0,), "", "", 0.0))  # fmt: skip
    assert main(["limit", "--scene", path]) == 0
    assert "does not exist" in capsys.readouterr().out


def test_likelihood_takes_the_dataset_model_and_base_of_a_scene(tmp_path, capsys):
    path = _scene(tmp_path, "loss.json", source=SurfaceSource("preset", "lecture-logistic"),
                  window=(-1.5, 6.0, -32.0, 10.0), point=(0.5, -4.0), log_base="10")  # fmt: skip
    assert main(["likelihood", "--scene", path, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    text = json.dumps(result)
    assert "0.9623638" in text  # cost in log10, as on the slides, for the model 0.5x − 4
    data = _scene(tmp_path, "data.json",
                  source=SurfaceSource("dataset", None, None, (1.0, 2.0, 3.0), (0.0, 1.0, 1.0)),
                  window=(-5.0, 5.0, -5.0, 5.0), point=(1.0, -1.5))  # fmt: skip
    assert main(["likelihood", "--scene", data]) == 0
    out = capsys.readouterr().out
    assert "L = " in out and "boundary" in out


def test_a_scene_that_cannot_give_what_a_verb_needs_says_so(tmp_path, capsys):
    path = _scene(tmp_path, "loss.json", source=SurfaceSource("preset", "lecture-logistic"),
                  window=(-1.5, 6.0, -32.0, 10.0), point=(4.0, 5.0))  # fmt: skip
    assert main(["eval", "--scene", path]) == 2
    err = capsys.readouterr().err
    assert "loss, not a typed function" in err and len(err.strip().splitlines()) == 1
    assert main(["eval", "--at", "1,2"]) == 2
    assert "--function is needed" in capsys.readouterr().err
