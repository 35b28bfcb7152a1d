"""Scenes as JSON: byte-identical round trips, strict validation, migrations, atomic saves."""

from __future__ import annotations

import json
import math
import os
from dataclasses import replace

import pytest

from gdviz.core import scene as scene_module
from gdviz.core.resources import resource_path
from gdviz.core.scene import (
    Camera,
    LimitSpec,
    RunSpec,
    Scene,
    SceneError,
    SurfaceSource,
    load_scene,
    save_scene,
    scene_for_preset,
    scene_from_json,
    scene_to_dict,
    scene_to_json,
)

DATASET = SurfaceSource(
    "dataset", dataset_x=(0.1, 1e-7, -2.5, 1 / 3), dataset_y=(0.0, 1.0, 0.0, 1.0)
)

SCENES = [
    Scene(SurfaceSource("preset", preset="lecture-logistic")),
    replace(
        scene_for_preset("sin-cos"),
        point=(2.0, 2.5),
        direction=(0.5, math.sqrt(3) / 2),
        runs=(
            RunSpec("adam", lr=0.1, start=(0.1, 0.2)),
            RunSpec("momentum", lr=1e-5, start=(2.0, 2.5), max_steps=7, tol=0.0),
        ),
        camera=Camera(12.5, -170.25, 7.1, (0.1, 0.2, -0.3)),
        panels=("partials", "direction"),
        shown=("partials", "gradient"),
    ),
    Scene(
        DATASET,
        window=(-0.1, 0.7, -1e-7, 3.3),
        resolution=50,
        log_height=True,
        log_base="2",
        point=(0.1, -0.30000000000000004),
        delta=-1e-10,
        limits=LimitSpec(0.1, -0.2, (), True, (0.5, 2.0), "", "", 0.0),
    ),
    Scene(SurfaceSource("expression", expression="sin(x)*cos(y) − x^2"), resolution=800),
]


def base_dict() -> dict:
    return json.loads(scene_to_json(SCENES[1]))


@pytest.mark.parametrize("scene", SCENES)
def test_round_trip_is_byte_identical_and_equal(scene: Scene, tmp_path) -> None:
    text = scene_to_json(scene)
    assert scene_from_json(text) == scene
    path = tmp_path / "a.gdviz.json"
    save_scene(scene, path)
    first = path.read_bytes()
    assert first == text.encode("utf-8")
    save_scene(load_scene(path), path)
    assert path.read_bytes() == first
    assert first.endswith(b"\n")


def test_floats_keep_every_bit() -> None:
    loaded = scene_from_json(scene_to_json(SCENES[2]))
    assert loaded.source.dataset_x == (0.1, 1e-7, -2.5, 1 / 3)
    assert loaded.point == (0.1, -0.30000000000000004)
    assert loaded.delta == -1e-10


def test_whole_numbers_and_bom_are_accepted() -> None:
    data = {"schema_version": 1, "source": {"kind": "preset", "preset": "bowl"}, "point": [1, 2]}
    scene = scene_from_json("\ufeff" + json.dumps(data))
    assert scene.point == (1.0, 2.0)
    assert scene_from_json(("\ufeff" + json.dumps(data)).encode("utf-8")) == scene
    assert scene.limits == LimitSpec() and scene.runs == ()


def test_scenes_are_hashable() -> None:
    assert len({scene_from_json(scene_to_json(s)) for s in SCENES + SCENES}) == len(SCENES)


def _mutated(path: str, value) -> str:
    data = base_dict()
    node = data
    keys = path.split("/")
    for key in keys[:-1]:
        node = node[int(key)] if isinstance(node, list) else node[key]
    last = keys[-1]
    if value is _DELETE:
        del node[last]
    elif isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return json.dumps(data, allow_nan=True)


_DELETE = object()

BAD_FIELDS = [
    (
        "runs/1/optimizer",
        "sgdx",
        "runs[1].optimizer: unknown optimizer 'sgdx' (known: gd, momentum",
    ),
    ("window", [3, 1, 0, 1], "window: x_min (3) must be less than x_max (1)"),
    ("window", [0, 1, 2, 2], "window: y_min (2) must be less than y_max (2)"),
    ("window", [0, 1, 2], "window: expected four numbers"),
    ("point", "abc", "point: expected two numbers, got 'abc'"),
    ("point", [1, float("nan")], "point[1]: must be a finite number"),
    ("point", [1, float("inf")], "point[1]: must be a finite number"),
    ("point", [True, 1], "point[0]: expected a number, got true"),
    ("resolution", 49, "resolution: must be between 50 and 800, got 49"),
    ("resolution", 801, "resolution: must be between 50 and 800"),
    ("resolution", 100.5, "resolution: expected a whole number"),
    ("log_base", "3", "log_base: expected one of"),
    ("log_height", 1, "log_height: expected true or false, got 1"),
    ("direction", [0, 0], "direction: must not be the zero vector"),
    ("delta", 0, "delta: must not be 0"),
    ("step", float("inf"), "step: must be a finite number"),
    ("foo", 1, "unknown field 'foo'"),
    ("source", _DELETE, "source: missing"),
    ("source", "sin-cos", "source: expected an object"),
    ("source/kind", "picture", "source.kind: expected one of"),
    ("source/preset", "nope", "source.preset: unknown preset 'nope'"),
    ("runs/0/lr", -1, "runs[0]: learning rate must be a finite number > 0"),
    ("runs/0/beta2", 1.0, "runs[0]: beta2 must be in [0, 1)"),
    ("runs/0/max_steps", 0, "runs[0].max_steps: must be between 1"),
    ("runs/0/start", [1], "runs[0].start: expected two numbers"),
    ("runs/0/tol", -1, "runs[0].tol: must be ≥ 0"),
    ("runs/0/speed", 2, "runs[0]: unknown field 'speed'"),
    ("runs/0/optimizer", _DELETE, "runs[0].optimizer: missing"),
    ("runs", {}, "runs: expected a list of runs"),
    ("limits/path_x", "t + foo", "limits.path_x: column 5: unknown name"),
    ("limits/path_y", "", "limits: path_x and path_y must both be given or both be empty"),
    ("limits/slopes", [1, "a"], "limits.slopes[1]: expected a number, got 'a'"),
    ("limits/vertical", "yes", "limits.vertical: expected true or false"),
    ("camera/distance", -1, "camera.distance: must be > 0"),
    ("camera/elevation", 91, "camera.elevation: must be between -90 and 90"),
    ("camera/center", [1, 2], "camera.center: expected three numbers"),
    ("panels", ["partials", "nope"], "panels[1]: unknown name 'nope'"),
    ("shown", ["gradient", "gradient"], "shown: a name is listed twice"),
    ("schema_version", _DELETE, "schema_version: missing"),
    ("schema_version", 0, "schema_version: must be at least 1"),
    ("schema_version", "1", "schema_version: expected a whole number"),
]


@pytest.mark.parametrize(("path", "value", "message"), BAD_FIELDS)
def test_bad_field_is_named(path: str, value, message: str) -> None:
    with pytest.raises(SceneError) as info:
        scene_from_json(_mutated(path, value))
    assert str(info.value).startswith(message), str(info.value)


def test_bad_expression_reports_the_parser_message_with_the_field() -> None:
    data = base_dict()
    data["source"] = {"kind": "expression", "expression": "sin(x) + foo"}
    with pytest.raises(SceneError) as info:
        scene_from_json(json.dumps(data))
    message = str(info.value)
    assert message.startswith("source.expression: column 10:") and "foo" in message


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ({"kind": "dataset", "dataset_x": [1.0], "dataset_y": [2]}, "dataset_y[0]: must be 0 or 1"),
        ({"kind": "dataset", "dataset_x": [1.0, 2.0], "dataset_y": [0]}, "dataset_x has 2 values"),
        ({"kind": "dataset", "dataset_x": [], "dataset_y": []}, "source.dataset_x: needs at least"),
        (
            {"kind": "dataset", "dataset_x": [1e999], "dataset_y": [0]},
            "dataset_x[0]: must be a finite",
        ),
        ({"kind": "dataset", "dataset_x": [1]}, "source.dataset_y: missing"),
        ({"kind": "preset", "preset": "bowl", "expression": "x"}, "source: unknown field"),
    ],
)
def test_bad_dataset_rows(source: dict, message: str) -> None:
    data = base_dict()
    data["source"] = source
    with pytest.raises(SceneError) as info:
        scene_from_json(json.dumps(data))
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("  \n", "the file is empty"),
        ('{\n  "schema_version": 1,\n  "source": {"kind"', "not valid JSON at line 3, column"),
        ("[1, 2]", "expected an object {...}, got a list"),
        ("42", "expected an object"),
        ("null", "expected an object {...}, got null"),
        ("[" * 100_000 + "]" * 100_000, "not valid JSON"),
    ],
)
def test_broken_documents(text: str, message: str) -> None:
    with pytest.raises(SceneError) as info:
        scene_from_json(text)
    assert message in str(info.value)


def test_binary_garbage_is_refused(tmp_path) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(SceneError) as info:
        load_scene(path)
    assert str(info.value).startswith("x.json: not a text file")


def test_newer_version_is_refused() -> None:
    with pytest.raises(SceneError) as info:
        scene_from_json(_mutated("schema_version", 7))
    assert str(info.value) == (
        "schema_version 7 is newer than this gdviz understands (2): update gdviz"
    )


def test_migrations_upgrade_older_versions_in_order(monkeypatch) -> None:
    # Pretend this gdviz writes version 3, where version 1 called "point" "at" and version 2
    # stored the resolution halved.
    calls = []

    def one_to_two(data: dict) -> dict:
        calls.append(1)
        data["point"] = data.pop("at")
        return data

    def two_to_three(data: dict) -> dict:
        calls.append(2)
        data["resolution"] = data["resolution"] * 2
        return data

    monkeypatch.setattr(scene_module, "SCHEMA_VERSION", 3)
    monkeypatch.setattr(scene_module, "MIGRATIONS", {1: one_to_two, 2: two_to_three})
    old = {
        "schema_version": 1,
        "source": {"kind": "preset", "preset": "bowl"},
        "at": [0.25, -0.5],
        "resolution": 60,
    }
    scene = scene_from_json(json.dumps(old))
    assert calls == [1, 2]
    assert scene.point == (0.25, -0.5) and scene.resolution == 120
    assert json.loads(scene_to_json(scene))["schema_version"] == 3


def test_missing_migration_is_reported(monkeypatch) -> None:
    monkeypatch.setattr(scene_module, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(scene_module, "MIGRATIONS", {})
    with pytest.raises(SceneError, match="schema_version: no migration from version 1 to 2"):
        scene_from_json(
            json.dumps({"schema_version": 1, "source": {"kind": "preset", "preset": "bowl"}})
        )


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path, monkeypatch) -> None:
    path = tmp_path / "scene.json"
    save_scene(SCENES[0], path)
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(scene_module.os, "replace", broken_replace)
    with pytest.raises(OSError, match="cannot save scene.json"):
        save_scene(SCENES[1], path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["scene.json"]


def test_saving_into_a_missing_folder_says_so(tmp_path) -> None:
    with pytest.raises(OSError, match="does not exist"):
        save_scene(SCENES[0], tmp_path / "nowhere" / "scene.json")
    assert os.listdir(tmp_path) == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs POSIX permissions")
def test_saving_into_a_read_only_folder_says_so(tmp_path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(OSError, match="cannot save scene.json"):
            save_scene(SCENES[0], folder / "scene.json")
        assert os.listdir(folder) == []
    finally:
        folder.chmod(0o700)


def test_loading_names_the_file(tmp_path) -> None:
    with pytest.raises(OSError, match=r"cannot open .*missing\.json: No such file"):
        load_scene(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text(_mutated("resolution", 7), encoding="utf-8")
    with pytest.raises(SceneError, match=r"^bad\.json: resolution: must be between"):
        load_scene(bad)


def test_scene_for_preset_uses_the_preset_window() -> None:
    presets = json.loads(resource_path("presets.json").read_text(encoding="utf-8"))
    entry = next(p for p in presets["presets"] if p["name"] == "lecture-logistic")
    scene = scene_for_preset("lecture-logistic")
    assert scene.window == tuple(entry["window"])
    assert scene.point == tuple(entry["start"])
    assert scene_to_dict(scene)["source"] == {"kind": "preset", "preset": "lecture-logistic"}
    with pytest.raises(SceneError, match="unknown preset"):
        scene_for_preset("nope")


def test_an_unwritable_folder_gives_a_clear_message(tmp_path, monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    from gdviz.core import atomic_file

    monkeypatch.setattr(atomic_file, "create_text", refuse)
    with pytest.raises(OSError, match="cannot save scene.json: Permission denied"):
        save_scene(SCENES[0], tmp_path / "scene.json")
    assert os.listdir(tmp_path) == []


def test_the_expression_defaults_a_reader_does_not_parse_again_do_parse() -> None:
    from gdviz.core.expression import parse_expression
    from gdviz.core.scene import DerivativeSpec, OneVariableSpec

    parse_expression(LimitSpec().path_x, ("t",))
    parse_expression(LimitSpec().path_y, ("t",))
    parse_expression(DerivativeSpec().g, ("x",))
    parse_expression(OneVariableSpec().g, ("x",))


def test_reading_a_scene_of_defaults_loads_no_sympy(tmp_path) -> None:
    """The window reopens its last scene at start-up: the lecture's loads no sympy (0.35 s)."""
    import subprocess
    import sys

    from gdviz.core.presets import default_preset_name

    lecture = scene_for_preset(default_preset_name())
    path = tmp_path / "lecture.json"
    save_scene(lecture, path)
    code = (
        "import sys\nfrom gdviz.core.scene import load_scene\n"
        f"load_scene({str(path)!r})\nprint('sympy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False"]
    bad = scene_to_dict(lecture)
    bad["derivative"]["g"] = "sqrt(x"
    with pytest.raises(SceneError, match=r"derivative\.g"):
        scene_from_json(json.dumps(bad))
