"""Bad dataset, scene and lesson files: a clear error from loader and CLI, nothing written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

from gdviz.cli import main
from gdviz.core.lesson import load_lesson
from gdviz.core.logistic import DatasetError, load_dataset_csv
from gdviz.core.resources import resource_path
from gdviz.core.scene import Scene, SceneError, SurfaceSource, load_scene, scene_to_json

LECTURE_CSV = "x,y\n8,0\n15,0\n19,0\n24,0\n27,1\n31,1\n35,1\n40,1\n"
LECTURE_X = [8.0, 15.0, 19.0, 24.0, 27.0, 31.0, 35.0, 40.0]
LECTURE_Y = [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0]


def scene_text() -> str:
    source = SurfaceSource("dataset", dataset_x=tuple(LECTURE_X), dataset_y=tuple(LECTURE_Y))
    return scene_to_json(Scene(source=source, window=(-1.0, 2.0, -30.0, 5.0), point=(0.5, -4.0)))


def lesson_bytes() -> bytes:
    return resource_path("lessons", "lecture.json").read_bytes()


def cli_refuses(capsys, argv: list[str], needle: str) -> str:
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert out == ""
    assert err.startswith("gdviz") and "Traceback" not in err
    assert needle.lower() in err.lower(), err
    return err


def folder_state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# ------------------------------------------------------------------------------------------------
# Broken contents: (id, bytes) -> the loader's error and the CLI's exit 2, files untouched.

rng = np.random.default_rng(7)
RANDOM_BYTES = bytes(rng.integers(128, 256, 4096, dtype=np.uint8))  # never valid UTF-8 at 0

CSV_CASES = [
    pytest.param(b"", "empty", id="empty"),
    pytest.param(b"   \n\n# just a comment\n", "empty", id="blank-and-comment"),
    pytest.param(RANDOM_BYTES, "not UTF-8", id="random-bytes"),
    pytest.param(b"\x00" * 64, "header", id="nul-bytes"),
    pytest.param(b"x,y\n8,0\n15,\x001\n", "line 3", id="nul-in-a-row"),
    pytest.param(LECTURE_CSV.encode()[: len(LECTURE_CSV) // 2 - 1], "line 5", id="truncated"),
    pytest.param(b"x,y\n", "no data rows", id="header-only"),
    pytest.param(b"a,b\n1,0\n", "header", id="wrong-header"),
    pytest.param(b"x,y\n1,0\n2,0.5\n3,1\n", "line 3", id="y-not-0-or-1"),
    pytest.param(b"x,y\n1,0\nnan,1\n", "finite", id="x-nan"),
    pytest.param(b"x,y\n1,0\n1e400,1\n", "finite", id="x-overflow"),
    pytest.param(b"x,y\n1,0,7\n", "fields", id="extra-field"),
    pytest.param("x,y\n1,0\n\u00e9,1\n".encode("latin-1"), "not UTF-8", id="latin-1"),
]


@pytest.mark.parametrize(("content", "needle"), CSV_CASES)
def test_bad_csv_is_a_dataset_error_and_exit_2(tmp_path, capsys, content, needle):
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    with pytest.raises(DatasetError) as info:
        load_dataset_csv(path)
    assert needle.lower() in str(info.value).lower()
    before = folder_state(tmp_path)
    cli_refuses(capsys, ["likelihood", "--dataset", str(path), "--model", "1,-25"], needle)
    cli_refuses(capsys, ["run", "--dataset", str(path)], needle)
    assert folder_state(tmp_path) == before


SCENE_CASES = [
    pytest.param(b"", "empty", id="empty"),
    pytest.param(b"  \n\t\n", "empty", id="whitespace"),
    pytest.param(RANDOM_BYTES, "not UTF-8", id="random-bytes"),
    pytest.param(b"\x00" * 64, "NUL", id="nul-bytes"),
    pytest.param(scene_text().encode()[: len(scene_text()) // 2], "not valid JSON", id="truncated"),
    pytest.param(b"[1, 2, 3]", "object", id="a-list"),
    pytest.param(b'{"schema_version": 99}', "newer", id="future-version"),
    pytest.param(b"[" * 100_000, "JSON", id="deeply-nested"),
]


@pytest.mark.parametrize(("content", "needle"), SCENE_CASES)
def test_bad_scene_is_a_scene_error_and_exit_2(tmp_path, capsys, content, needle):
    path = tmp_path / "view.json"
    path.write_bytes(content)
    with pytest.raises(SceneError) as info:
        load_scene(path)
    message = str(info.value)
    assert message.startswith("view.json: "), message
    assert needle.lower() in message.lower(), message
    before = folder_state(tmp_path)
    cli_refuses(capsys, ["run", "--scene", str(path)], needle)
    assert folder_state(tmp_path) == before


@pytest.mark.parametrize(("content", "needle"), SCENE_CASES[:5])
def test_bad_lesson_is_a_scene_error(tmp_path, content, needle):
    if needle == "not valid JSON":  # the truncation case: half of the shipped lesson
        content = lesson_bytes()[: len(lesson_bytes()) // 2]
    path = tmp_path / "my-lesson.json"
    path.write_bytes(content)
    with pytest.raises(SceneError) as info:
        load_lesson(path)
    message = str(info.value)
    assert message.startswith("my-lesson.json: "), message
    assert needle.lower() in message.lower(), message


def test_lesson_with_a_bad_scene_names_the_step(tmp_path):
    data = json.loads(lesson_bytes())
    data["steps"][1]["scene"]["resolution"] = "high"
    path = tmp_path / "lesson.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SceneError, match=r"steps\[1\]\.scene.*resolution"):
        load_lesson(path)


# ------------------------------------------------------------------------------------------------
# Accepted variants: a BOM and Windows line endings.


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"\xef\xbb\xbf" + LECTURE_CSV.encode(), id="bom"),
        pytest.param(LECTURE_CSV.replace("\n", "\r\n").encode(), id="crlf"),
        pytest.param(b"\xef\xbb\xbf" + LECTURE_CSV.replace("\n", "\r\n").encode(), id="bom-crlf"),
        pytest.param(LECTURE_CSV.replace("\n", "\r").encode(), id="old-mac-cr"),
    ],
)
def test_csv_with_bom_or_crlf_is_read(tmp_path, capsys, content):
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    dataset = load_dataset_csv(path)
    assert dataset.x.tolist() == LECTURE_X
    assert dataset.y.tolist() == LECTURE_Y
    assert main(["likelihood", "--dataset", str(path), "--model", "1,-25", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["m"] == 8


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda t: b"\xef\xbb\xbf" + t.encode(), id="bom"),
        pytest.param(lambda t: t.replace("\n", "\r\n").encode(), id="crlf"),
    ],
)
def test_scene_and_lesson_with_bom_or_crlf_are_read(tmp_path, encode):
    path = tmp_path / "view.json"
    path.write_bytes(encode(json.dumps(json.loads(scene_text()), indent=2)))
    scene = load_scene(path)
    assert scene.source.dataset_x == tuple(LECTURE_X)
    assert scene.point == (0.5, -4.0)
    lesson = tmp_path / "lesson.json"
    lesson.write_bytes(encode(lesson_bytes().decode("utf-8")))
    assert len(load_lesson(lesson).steps) == len(json.loads(lesson_bytes())["steps"])


# ------------------------------------------------------------------------------------------------
# Huge files: the one bad row among a million is found by line number.


@pytest.mark.slow
def test_million_row_csv_reports_the_one_bad_row(tmp_path, capsys):
    rows = 1_000_000
    bad_row = rows - 17  # 1-based data row; the header is line 1
    x = np.arange(rows, dtype=np.float64) * 0.001
    y = (np.arange(rows) % 2).astype(np.int64)
    lines = [f"{a:.3f},{b}" for a, b in zip(x.tolist(), y.tolist(), strict=True)]
    lines[bad_row - 1] = "12.5,maybe"
    path = tmp_path / "big.csv"
    path.write_text("x,y\n" + "\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DatasetError) as info:
        load_dataset_csv(path)
    assert info.value.errors == [f"line {bad_row + 1}: y is not a number: 'maybe'"]
    err = cli_refuses(capsys, ["likelihood", "--dataset", str(path), "--model", "1,0"], "maybe")
    assert err.strip() == f"gdviz likelihood: error: line {bad_row + 1}: y is not a number: 'maybe'"


def test_million_row_csv_lists_several_bad_rows_one_per_line(tmp_path, capsys):
    body = ["1,0"] * 1_000_000
    for i in (10, 500_000, 999_990):
        body[i] = "1,2"
    path = tmp_path / "big.csv"
    path.write_text("x,y\n" + "\n".join(body), encoding="utf-8")
    code = main(["likelihood", "--dataset", str(path), "--model", "1,0"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    lines = err.strip().split("\n")
    assert lines[0] == "gdviz likelihood: error: 3 bad dataset rows:"
    assert lines[1:] == [f"line {i + 2}: y must be 0 or 1, got 2" for i in (10, 500_000, 999_990)]


def test_multi_megabyte_scene_with_one_bad_value_names_the_field(tmp_path, capsys):
    n = 150_000
    x = (np.arange(n) * 0.01).tolist()
    y = [float(i % 2) for i in range(n)]
    y[n - 3] = 0.5
    data = json.loads(scene_text())
    data["source"]["dataset_x"], data["source"]["dataset_y"] = x, y
    path = tmp_path / "big.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert 2e6 < path.stat().st_size < 6e6
    with pytest.raises(SceneError) as info:
        load_scene(path)
    assert "dataset_y" in str(info.value)
    err = cli_refuses(capsys, ["run", "--scene", str(path)], "dataset_y")
    assert len(err.strip().splitlines()) == 1


# ------------------------------------------------------------------------------------------------
# Not a readable file: missing, a folder, an empty name, no permission.


@pytest.mark.parametrize("kind", ["missing", "folder", "empty-name"])
def test_csv_path_that_is_not_a_file(tmp_path, capsys, kind):
    path = {"missing": str(tmp_path / "nope.csv"), "folder": str(tmp_path), "empty-name": ""}[kind]
    needle = {"missing": "No such file", "folder": "it is a folder", "empty-name": "empty"}[kind]
    with pytest.raises(DatasetError, match=needle):
        load_dataset_csv(path)
    cli_refuses(capsys, ["likelihood", "--dataset", path, "--model", "1,0"], needle)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("kind", ["missing", "folder", "empty-name"])
@pytest.mark.parametrize("loader", [load_scene, load_lesson], ids=["scene", "lesson"])
def test_scene_or_lesson_path_that_is_not_a_file(tmp_path, capsys, kind, loader):
    path = {"missing": str(tmp_path / "nope.json"), "folder": str(tmp_path), "empty-name": ""}[kind]
    needle = {"missing": "No such file", "folder": "it is a folder", "empty-name": "empty"}[kind]
    # A folder is refused before it is opened (a ValueError); the others fail to open (OSError).
    with pytest.raises((OSError, ValueError), match=needle):
        loader(path)
    cli_refuses(capsys, ["run", "--scene", path], needle)
    assert list(tmp_path.iterdir()) == []


UNREADABLE_CHILD = """
import io, json, os, sys, contextlib
from gdviz.cli import main
from gdviz.core.lesson import load_lesson
from gdviz.core.logistic import load_dataset_csv
from gdviz.core.scene import load_scene
import gdviz.core.datasets, gdviz.core.descent, gdviz.core.likelihood, gdviz.core.surfaces
import gettext, locale  # argparse's messages need them (sympy used to import them first)
# (imported before dropping root: the interpreter's own files may be root-only)
if os.geteuid() == 0:
    os.setgroups([]); os.setgid(65534); os.setuid(65534)
folder = sys.argv[1]
report = {}
for name, load in (("data.csv", load_dataset_csv), ("view.json", load_scene),
                   ("lesson.json", load_lesson)):
    try:
        load(os.path.join(folder, name))
        report[name] = ["loaded", ""]
    except Exception as exc:
        report[name] = [type(exc).__name__, str(exc)]
for key, argv in (("likelihood", ["likelihood", "--dataset", os.path.join(folder, "data.csv"),
                                  "--model", "1,0"]),
                  ("run", ["run", "--scene", os.path.join(folder, "view.json")])):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    report[key] = [code, out.getvalue(), err.getvalue()]
print(json.dumps(report))
"""


@pytest.mark.skipif(sys.platform != "linux", reason="drops root with setuid like CI does")
def test_unreadable_files_for_a_normal_user():
    """chmod 000, read as a non-root user (a child drops root: as root every file is readable)."""
    with tempfile.TemporaryDirectory() as base:
        os.chmod(base, 0o755)
        folder = Path(base)
        files = {
            "data.csv": LECTURE_CSV.encode(),
            "view.json": scene_text().encode(),
            "lesson.json": lesson_bytes(),
        }
        for name, content in files.items():
            (folder / name).write_bytes(content)
            (folder / name).chmod(0o000)
        proc = subprocess.run(
            [sys.executable, "-c", UNREADABLE_CHILD, base],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        report = json.loads(proc.stdout)
        assert report["data.csv"][0] == "DatasetError"
        assert "Permission denied" in report["data.csv"][1]
        for name in ("view.json", "lesson.json"):
            kind, message = report[name]
            assert kind in ("OSError", "PermissionError"), report[name]
            assert message == f"cannot open {os.path.join(base, name)}: Permission denied"
        for key in ("likelihood", "run"):
            code, out, err = report[key]
            assert (code, out) == (2, "")
            assert err.startswith(f"gdviz {key}: error: ") and "Permission denied" in err
            assert len(err.strip().splitlines()) == 1
        for name, content in files.items():
            (folder / name).chmod(0o644)
            assert (folder / name).read_bytes() == content
        assert sorted(os.listdir(folder)) == sorted(files)
