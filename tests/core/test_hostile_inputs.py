"""Hostile files and values: bounded reads, short messages, big valid input, no stray warnings."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

from gdviz.core import safe_read
from gdviz.core.lesson import load_lesson
from gdviz.core.logistic import (
    Dataset,
    DatasetError,
    load_dataset_csv,
    log_loss,
    log_loss_gradient,
    parse_log_base,
)
from gdviz.core.safe_read import FileRefused, read_bounded
from gdviz.core.scene import SceneError, load_scene, scene_for_preset, scene_to_json
from gdviz.core.shown import bounded_line, shown_text

REPO = Path(__file__).resolve().parents[2]


def gdviz(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """`python -m gdviz ARGS` in a child process, from this checkout."""
    env = dict(os.environ, PYTHONPATH=str(REPO), OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    return subprocess.run(
        [sys.executable, "-m", "gdviz", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def assert_one_line_refusal(proc: subprocess.CompletedProcess, *needles: str) -> str:
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    for needle in needles:
        assert needle in lines[0]
    return lines[0]


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    path = tmp_path / "pipe.csv"
    os.mkfifo(path)
    return path


# ---------------------------------------------------------------------------------------------
# 1. Bounded reads


def test_a_regular_file_is_read_whole_up_to_its_cap(tmp_path):
    path = tmp_path / "data.bin"
    content = bytes(range(256)) * 5000  # spans several read chunks
    path.write_bytes(content)
    assert read_bounded(path, len(content), "scene") == content
    with pytest.raises(FileRefused, match=r"data\.bin as a scene: it is larger than the"):
        read_bounded(path, len(content) - 1, "scene")


def test_the_caps_are_named_once_and_ordered():
    assert safe_read.LESSON_MAX_BYTES == 16 * 1024 * 1024
    assert safe_read.DATASET_MAX_BYTES == 128 * 1024 * 1024
    # A scene may embed the largest dataset a CSV may hold (its JSON is a little larger).
    assert safe_read.SCENE_MAX_BYTES >= 2 * safe_read.DATASET_MAX_BYTES


@pytest.mark.parametrize(
    ("kind", "says"),
    [("folder", "it is a folder"), ("fifo", "it is a pipe (FIFO), not a regular file")],
)
def test_a_folder_or_a_fifo_is_refused_without_opening_it(tmp_path, fifo, kind, says):
    path = tmp_path if kind == "folder" else fifo
    started = time.monotonic()
    with pytest.raises(FileRefused) as caught:
        read_bounded(path, 1000, "dataset")
    assert time.monotonic() - started < 5  # a FIFO with no writer would block an open()
    assert str(caught.value) == f"cannot read {path} as a dataset: {says}"


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
@pytest.mark.parametrize("loader", [load_scene, load_lesson, load_dataset_csv])
def test_dev_zero_is_refused_by_every_reader(loader):
    with pytest.raises(ValueError, match="/dev/zero as a .*: it is a character device"):
        loader("/dev/zero")


def test_a_file_over_the_cap_is_refused_by_the_readers(tmp_path, monkeypatch):
    monkeypatch.setattr("gdviz.core.scene.SCENE_MAX_BYTES", 100)
    monkeypatch.setattr("gdviz.core.lesson.LESSON_MAX_BYTES", 100)
    monkeypatch.setattr("gdviz.core.logistic.DATASET_MAX_BYTES", 100)
    big = tmp_path / "big.json"
    big.write_text("x,y\n" + "1,0\n" * 100)
    for loader, what in ((load_scene, "scene"), (load_lesson, "lesson")):
        with pytest.raises(FileRefused, match=f"as a {what}: it is larger than the 100 bytes"):
            loader(big)
    with pytest.raises(DatasetError, match="as a dataset: it is larger than the 100 bytes"):
        load_dataset_csv(big)


def test_the_size_text_in_messages():
    assert safe_read.size_text(16 * 1024 * 1024) == "16 MB"
    assert safe_read.size_text(1536) == "1.5 KB"
    assert safe_read.size_text(12) == "12 bytes"


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero and /dev/urandom")
@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["run", "--dataset", "/dev/zero"], ["gdviz run: error:", "/dev/zero as a dataset"]),
        (["run", "--scene", "/dev/urandom"], ["/dev/urandom as a scene", "character device"]),
        (["/dev/zero"], ["gdviz: error:", "/dev/zero as a scene"]),
        (["--lesson", "/dev/zero"], ["gdviz: error:", "/dev/zero as a lesson"]),
        (["likelihood", "--dataset", "/dev/zero", "--model", "1,0"], ["/dev/zero as a dataset"]),
    ],
)
def test_devices_on_the_command_line_end_in_one_line_quickly(args, needles):
    started = time.monotonic()
    proc = gdviz(*args, timeout=30)
    assert time.monotonic() - started < 20
    assert_one_line_refusal(proc, *needles)


def test_a_fifo_on_the_command_line_ends_in_one_line_quickly(fifo):
    proc = gdviz("run", "--dataset", str(fifo), timeout=30)
    assert_one_line_refusal(proc, f"{fifo} as a dataset: it is a pipe (FIFO)")


# ---------------------------------------------------------------------------------------------
# 2. Bounded messages

BIG = 2 * 1024 * 1024  # stands in for a 200 MB value: the message must not grow with it


def bowl_scene() -> dict:
    return json.loads(scene_to_json(scene_for_preset("bowl")))


def assert_short_refusal(proc: subprocess.CompletedProcess, *needles: str) -> str:
    line = assert_one_line_refusal(proc, *needles)
    assert len(line) < 400, line[:1000]
    return line


def test_shown_text_cuts_long_values_and_says_how_long():
    assert shown_text("abc") == "'abc'"
    assert shown_text(2.5) == "2.5"
    shown = shown_text("a" * 100_000)
    assert shown == "'" + "a" * 60 + "…' (100,000 characters)"
    assert shown_text(10**10_000) == "a whole number of about 10,001 digits"
    assert len(shown_text("é" * BIG, limit=30)) < 60


@pytest.mark.parametrize(
    ("where", "needle"),
    [
        (("log_base",), "log_base: expected one of"),
        (("source", "preset"), "source.preset"),
        (("runs",), "runs[0].optimizer: unknown optimizer"),
        (("title-as-unknown-key",), "unknown field"),
    ],
)
def test_a_megabytes_long_scene_value_gives_a_short_message(tmp_path, where, needle):
    data = bowl_scene()
    huge = "q" * BIG
    if where == ("runs",):
        data["runs"] = [{"optimizer": huge, "start": [1.0, 1.0]}]
    elif where == ("title-as-unknown-key",):
        data[huge] = 1
    elif len(where) == 2:
        data[where[0]][where[1]] = huge
    else:
        data[where[0]] = huge
    path = tmp_path / "huge.json"
    path.write_text(json.dumps(data))
    line = assert_short_refusal(gdviz("run", "--scene", str(path)), "huge.json", needle)
    assert f"({BIG:,} characters)" in line


@pytest.mark.parametrize("field", ["resolution", "schema_version", "point"])
def test_a_ten_thousand_digit_integer_names_the_file_and_the_field(tmp_path, field):
    digits = "9" * 10_000
    if field == "point":
        data = bowl_scene()
        text = json.dumps({**data, "point": ["@", data["point"][1]]}).replace('"@"', digits)
        expected = "point[0]: too large (a whole number of 10,000 digits)"
    else:
        text = json.dumps({**bowl_scene(), field: "@"}).replace('"@"', digits)
        expected = f"{field}: too large (a whole number of 10,000 digits)"
    path = tmp_path / "digits.json"
    path.write_text(text)
    with pytest.raises(SceneError) as caught:
        load_scene(path)
    assert str(caught.value) == f"digits.json: {expected}"
    line = assert_short_refusal(gdviz("run", "--scene", str(path)), f"digits.json: {expected}")
    assert "int_max_str_digits" not in line and "4300" not in line


def test_a_100_kb_optimizer_name_gives_one_short_line():
    proc = gdviz("run", "--preset", "bowl", "--optimizer", "z" * 100_000)
    line = assert_short_refusal(proc, "unknown optimizer 'zzz", "(100,000 characters)")
    assert "gd, momentum" in line or "choose one of" in line


@pytest.mark.parametrize(
    "args",
    [
        ["run", "--preset", "bowl", "--steps", "7" * 100_000],
        ["run", "--preset", "bowl", "--tol", "x" * 100_000],
        ["run", "--preset", "bowl", "--start", "1" * 100_000],
        ["eval", "--function", "x", "--at", "1," * 50_000],
        ["run", "--preset", "bowl", "--format", "y" * 100_000],  # argparse echoes the choice
        ["likelihood", "--dataset", "lecture", "--model", "1," * 50_000],
        ["--preset", "p" * 100_000],
    ],
    ids=["steps", "tol", "start", "eval-at", "format", "model", "gui-preset"],
)
def test_long_command_line_values_give_one_short_line(args):
    assert_short_refusal(gdviz(*args))


def test_a_csv_with_100_000_bad_rows_lists_20_then_how_many_more(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("x,y\n" + "oops,7\n" * 100_000 + "1,0\n")
    started = time.monotonic()
    proc = gdviz("likelihood", "--dataset", str(path), "--model", "1,0")
    assert time.monotonic() - started < 30
    assert proc.returncode == 2 and proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert lines[0] == "gdviz likelihood: error: 100,000 bad dataset rows:"
    assert lines[1] == "line 2: x is not a number: 'oops'; y must be 0 or 1, got 7"
    assert lines[20] == "line 21: x is not a number: 'oops'; y must be 0 or 1, got 7"
    assert lines[21:] == ["… and 99,980 more rows"]
    assert max(len(line) for line in lines) < 200


def test_a_csv_with_one_megabytes_long_field_gives_a_short_line(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("x,y\n" + "1" * 50 + "e" * BIG + ",1\n")
    proc = gdviz("run", "--dataset", str(path))
    assert_short_refusal(proc, "line 2: x is not a number:", f"({BIG + 50:,} characters)")


def test_bounded_line_is_the_last_resort_for_any_echo():
    assert bounded_line("short") == "short"
    cut = bounded_line("e" * 10_000, limit=300)
    assert cut == "e" * 300 + "… (9,700 more characters)"


# ---------------------------------------------------------------------------------------------
# 3. Big valid input works

MEASURE_CHILD = """
import resource, subprocess, sys
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)
sys.stdout.write(proc.stdout)
sys.stderr.write(proc.stderr)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
sys.exit(proc.returncode)
"""


def write_eighths_csv(path: Path, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n rows of x = k/8 (exact in float64) and y drawn from a logistic model, written fast."""
    rng = np.random.default_rng(seed)
    k = rng.integers(-400, 401, n)
    x = k / 8.0
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-(x - 5.0) / 4.0))).astype(np.int64)
    texts = np.array([f"{v / 8!r},{c}\n" for c in (0, 1) for v in range(-400, 401)], dtype=object)
    rows = texts[(k + 400) + 801 * y]
    with path.open("w") as file:
        file.write("x,y\n")
        for start in range(0, n, 1 << 20):
            file.write("".join(rows[start : start + (1 << 20)].tolist()))
    return x, y.astype(np.float64)


def independent_cost(x: np.ndarray, y: np.ndarray, w: float, b: float) -> float:
    z = w * x + b
    return float(np.mean(np.logaddexp(0.0, z) - y * z))


@pytest.mark.slow
def test_likelihood_of_four_million_rows_lists_20_and_sums_all_in_under_1_gb(tmp_path):
    n = 4_000_000
    path = tmp_path / "big.csv"
    x, y = write_eighths_csv(path, n)
    env = dict(os.environ, PYTHONPATH=str(REPO), OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    argv = [sys.executable, "-m", "gdviz", "likelihood", "--dataset", str(path)]
    proc = subprocess.run(
        [sys.executable, "-c", MEASURE_CHILD, *argv, "--model", "0.5,-2", "--json"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    *warnings_text, peak_kb = proc.stderr.splitlines()
    assert warnings_text == []
    assert int(peak_kb) < 1024 * 1024, f"peak RSS {int(peak_kb) // 1024} MB"
    result = json.loads(proc.stdout)
    assert result["m"] == n
    assert [row["i"] for row in result["rows"]] == list(range(1, 21))
    assert [row["x"] for row in result["rows"]] == x[:20].tolist()
    assert result["rows_omitted"] == n - 20
    assert result["cost_natural"] == pytest.approx(independent_cost(x, y, 0.5, -2.0), rel=1e-10)
    wrong = ((0.5 * x - 2.0) >= 0) != (y == 1.0)
    assert result["misclassified_count"] == int(wrong.sum())
    assert len(result["small_probability_rows"]) == 20
    assert len(proc.stdout) < 20_000


def test_likelihood_lists_every_row_with_all_and_the_same_sums(tmp_path):
    path = tmp_path / "data.csv"
    x, y = write_eighths_csv(path, 1000, seed=3)
    base = ["likelihood", "--dataset", str(path), "--model", "0.25,-1"]
    short, every = gdviz(*base), gdviz(*base, "--all")
    assert short.returncode == every.returncode == 0, short.stderr + every.stderr
    short_rows = [line for line in short.stdout.splitlines() if line[:6].strip().isdigit()]
    every_rows = [line for line in every.stdout.splitlines() if line[:6].strip().isdigit()]
    assert len(short_rows) == 20 and len(every_rows) == 1000
    assert every_rows[:20] == short_rows
    assert "… and 980 more rows (--all lists every row)" in short.stdout
    assert "more rows" not in every.stdout
    tail = short.stdout.split("more rows (--all lists every row)\n")[1]
    assert every.stdout.endswith(tail)  # the sums cover every row either way
    listed = json.loads(gdviz(*base, "--all", "--json").stdout)
    assert [row["x"] for row in listed["rows"]] == x.tolist()
    assert listed["rows_omitted"] == 0
    assert listed["cost_natural"] == pytest.approx(independent_cost(x, y, 0.25, -1.0), rel=1e-12)


# ---------------------------------------------------------------------------------------------
# 4. No stray warnings

EXTREMES_CSV = "x,y\n1e308,1\n-1e308,0\n3,1\n2,0\n"


def assert_result_or_one_clear_line(proc: subprocess.CompletedProcess) -> None:
    assert "RuntimeWarning" not in proc.stderr
    assert "site-packages" not in proc.stderr and "Traceback" not in proc.stderr
    if proc.returncode == 0:
        assert proc.stderr == "" and proc.stdout
    else:
        assert_short_refusal(proc)


@pytest.mark.parametrize(
    "args",
    [
        ["likelihood", "--model", "1,0"],
        ["likelihood", "--model", "4,5"],
        ["likelihood", "--model", "1e-300,0", "--log-base", "2", "--json"],
        ["run"],
        ["run", "--start", "0,0"],
        ["run", "--start", "0,0", "--log-base", "2", "--optimizer", "adam"],
    ],
)
def test_extreme_x_gives_a_result_or_one_line_and_no_warning(tmp_path, args):
    path = tmp_path / "extremes.csv"
    path.write_text(EXTREMES_CSV)
    proc = gdviz(args[0], "--dataset", str(path), *args[1:])
    assert_result_or_one_clear_line(proc)


def test_a_run_from_an_overflowing_gradient_says_it_diverged(tmp_path):
    path = tmp_path / "extremes.csv"
    path.write_text(EXTREMES_CSV)
    proc = gdviz("run", "--dataset", str(path), "--start", "0,0")
    assert proc.returncode == 0 and proc.stderr == ""
    assert proc.stdout.splitlines()[-1].startswith("# stop: diverged")


def test_the_loss_and_gradient_at_extreme_x_are_their_limits_without_warnings():
    dataset = Dataset([1e308, -1e308, 3.0, 2.0], [1.0, 0.0, 1.0, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = float(log_loss(dataset, 4.0, 5.0))
        d_w, d_b = log_loss_gradient(dataset, 0.0, 0.0)
        opposed = Dataset([1e308, 1e308, -1e308, -1e308], [0.0, 0.0, 1.0, 1.0])
        sum_overflows, _ = log_loss_gradient(opposed, 0.0, 0.0)
        wrong_side = float(log_loss(dataset, -4.0, 5.0))
    # The two extreme rows are classified right with |z| past float64: their terms are 0.
    expected = (np.logaddexp(0.0, -(4 * 3 + 5)) + np.logaddexp(0.0, 4 * 2 + 5)) / 4
    assert loss == pytest.approx(expected, rel=1e-15)
    # ∂L/∂w at (0, 0) = mean((σ(0) − y)·x) = (−0.5e308 − 0.5e308 − 1.5 + 1) / 4.
    assert float(d_w) == pytest.approx(-0.5e308 / 2, rel=1e-15) and float(d_b) == 0.0
    # Four terms of +0.5e308: their sum passes float64's range, their mean does not.
    assert float(sum_overflows) == pytest.approx(0.5e308, rel=1e-15)
    assert wrong_side == math.inf


# ---------------------------------------------------------------------------------------------
# 5. Consistent semantics


@pytest.mark.parametrize(("text", "base"), [("e", math.e), (" LN ", math.e), ("10", 10), ("2", 2)])
def test_the_log_bases_are_e_10_and_2(text, base):
    assert parse_log_base(text) == base


@pytest.mark.parametrize("text", ["0.5", "1.0000000000000002", "3.5", "10.0", "e2", ""])
def test_any_other_log_base_is_refused_with_the_choices(text):
    with pytest.raises(ValueError, match="^log base must be one of e, 10 or 2; got "):
        parse_log_base(text)


@pytest.mark.parametrize("value", ["0.5", "1.0000000000000002"])
@pytest.mark.parametrize(
    "verb",
    [
        ["run", "--dataset", "lecture"],
        ["run", "--preset", "bowl"],
        ["likelihood", "--dataset", "lecture", "--model", "1,0"],
    ],
    ids=["run-dataset", "run-preset", "likelihood"],
)
def test_the_cli_refuses_other_log_bases(verb, value):
    proc = gdviz(*verb, "--log-base", value)
    assert_short_refusal(proc, f"log base must be one of e, 10 or 2; got '{value}'")


def test_a_scene_with_another_log_base_is_refused_with_the_choices(tmp_path):
    path = tmp_path / "base.json"
    path.write_text(json.dumps({**bowl_scene(), "log_base": "0.5"}))
    with pytest.raises(SceneError, match=r"log_base: expected one of 'e', '10', '2', got '0.5'"):
        load_scene(path)


@pytest.mark.parametrize(
    ("function", "start", "reason"),
    [
        ("sqrt(x)", "-1,0", "(-1, 0): sqrt of a negative number: x must be ≥ 0"),
        ("log(x - 1) + y", "0.5,2", "(0.5, 2): log of a non-positive number (x - 1 = -0.5)"),
        ("exp(x*y)", "30,30", "(30, 30): value too large (overflow)"),
    ],
)
def test_run_and_eval_agree_on_a_start_where_f_is_not_defined(function, start, reason):
    evaluated = gdviz("eval", "--function", function, "--at", start)
    run = gdviz("run", "--function", function, "--start", start)
    assert_short_refusal(evaluated, f"gdviz eval: error: f is not defined at {reason}")
    assert_short_refusal(run, f"gdviz run: error: f is not defined at the start {reason}")


def test_a_start_where_f_is_defined_still_runs():
    proc = gdviz("run", "--function", "sqrt(x) + y^2", "--start", "1,1", "--steps", "2")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[1].startswith("0,1.0,1.0,2.0,")
