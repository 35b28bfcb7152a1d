"""`gdviz run`: every step printed, the stop reason, lecture numbers, and one-line errors."""

from __future__ import annotations

import json
import math

import pytest

from gdviz.cli import main
from gdviz.core.logistic import Dataset


def _lecture_gradient(w: float, b: float) -> tuple[float, float]:
    """∂L/∂w, ∂L/∂b (natural log) over the lecture's 8 rows, in plain Python."""
    data = Dataset.lecture()
    rows = list(zip(data.x.tolist(), data.y.tolist(), strict=True))
    sig = [1 / (1 + math.exp(-(w * x + b))) for x, _ in rows]
    dw = sum((a - y) * x for a, (x, y) in zip(sig, rows, strict=True)) / len(rows)
    db = sum(a - y for a, (_, y) in zip(sig, rows, strict=True)) / len(rows)
    return dw, db


def test_run_on_the_lecture_dataset_prints_the_lectures_first_step(capsys):
    assert main(["run", "--dataset", "lecture", "--lr", "0.01", "--steps", "3"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0] == "k,w,b,f,f_x,f_y"
    rows = [list(map(float, line.split(","))) for line in out[1:-1]]
    assert [int(r[0]) for r in rows] == [0, 1, 2, 3]
    dw, db = _lecture_gradient(4.0, 5.0)
    assert rows[0][4:6] == pytest.approx([dw, db], rel=1e-12)
    assert rows[1][1] == pytest.approx(4 - 0.01 * dw, rel=1e-12)
    assert round(rows[1][1], 4) == 3.9175  # the lecture's w1 = 4 − 0.01 × 8.25
    assert out[-1].startswith("# stop: max_steps")


def test_run_json_reports_divergence_and_keeps_the_good_prefix(capsys):
    argv = ["run", "--preset", "bowl", "--lr", "10", "--steps", "50", "--format", "json"]
    assert main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["stop"]["reason"] == "diverged"
    assert "smaller learning rate" in result["stop"]["message"]
    steps = result["steps"]
    assert all(math.isfinite(s["f"]) for s in steps)
    # Plain GD on x² + y² multiplies each coordinate by (1 − 2·lr) = −19 per step.
    assert steps[1]["x"] == pytest.approx(1.5 * -19)
    assert steps[-1]["k"] == result["stop"]["step"]


def test_run_with_a_function_and_negative_start(capsys):
    argv = ["run", "--function", "x^2 + y^2", "--start", "-1.2,1", "--lr", "0.1", "--tol", "1e-3"]
    assert main(argv) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[1].startswith("0,-1.2,1.0,")
    assert out[-1].startswith("# stop: converged")


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["run", "--function", "x^2", "--start", "1,1", "--lr", "-1"], "learning rate"),
        (["run", "--function", "x^2", "--start", "1,1", "--lr", "nan"], "learning rate"),
        (["run", "--function", "x^2", "--start", "1,1", "--lr", "abc"], "not a number"),
        (["run", "--function", "x^2", "--start", "1,1", "--optimizer", "sgdx"], "sgdx"),
        (["run", "--preset", "adam", "--optimizer", "adam"], "unknown preset"),
        (["run", "--preset", "bowl", "--optimizer", "adam", "--beta1", "1"], "beta1"),
        (["run", "--preset", "bowl", "--steps", "0"], "--steps"),
        (["run", "--preset", "bowl", "--steps", "2.5"], "--steps"),
        (["run", "--preset", "bowl", "--tol", "-1"], "tolerance"),
        (["run", "--function", "x^2"], "--start"),
        (["run", "--function", "x^2", "--start", "1"], "--start needs 2"),
        (["run", "--dataset", "/nonexistent/file.csv"], "No such file"),
        (["run"], "one of the arguments"),
    ],
)
def test_run_invalid_input_is_one_line_and_exit_2(capsys, argv, needle):
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert needle in err
