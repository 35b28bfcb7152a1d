"""`gdviz sweep`, `gdviz starts` and `gdviz run --batch-size`: output against independent
numbers, and bad input refused with exit 2 before anything runs."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from gdviz.cli import main
from gdviz.core.logistic import Dataset

HIMMELBLAU_MINIMA = [
    (3.0, 2.0),
    (-2.805118, 3.131312),
    (-3.779310, -3.283186),
    (3.584428, -1.848126),
]


def _bowl_final(lr: float, steps: int, tol: float = 1e-6) -> tuple[float, int]:
    """GD on x² + 10y² from (1, 1) by hand: (last f, updates made) when it does not diverge."""
    x = y = 1.0
    for k in range(steps + 1):
        if math.hypot(2 * x, 20 * y) < tol or k == steps:
            return x * x + 10 * y * y, k
        x, y = x - lr * 2 * x, y - lr * 20 * y
    raise AssertionError


def _comments(lines: list[str]) -> dict[str, str]:
    return dict(line[2:].split(": ", 1) for line in lines if line.startswith("# "))


def test_sweep_csv_matches_hand_written_gd_and_finds_the_edge(capsys):
    argv = ["sweep", "--function", "x^2 + 10*y^2", "--start", "1,1", "--optimizer", "gd",
            "--lr-range", "1e-4,10", "--count", "60", "--steps", "500"]  # fmt: skip
    assert main(argv) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "lr,final_f,steps,stop,stable"
    rows = [line.split(",") for line in lines[1:61]]
    rates = [float(r[0]) for r in rows]
    assert rates == pytest.approx(np.geomspace(1e-4, 10, 60).tolist(), rel=1e-15)
    for lr, final, steps, stop, stable in rows:
        if float(lr) < 0.1:
            expected, expected_steps = _bowl_final(float(lr), 500)
            assert float(final) == pytest.approx(expected, rel=1e-9, abs=1e-300)
            assert int(steps) == expected_steps and stable == "yes"
            assert stop == ("converged" if expected_steps < 500 else "max_steps")
        else:
            assert stable == "no"
    notes = _comments(lines)
    assert abs(float(notes["largest stable lr"]) - 0.1) <= 0.002
    assert float(notes["2/lambda_max (gradient descent's limit on a quadratic)"]) == 0.1
    assert notes["Hessian eigenvalues at the start"] == "2.0, 20.0"


def test_sweep_json_on_the_lecture_loss(capsys):
    argv = ["sweep", "--dataset", "lecture", "--lr-range", "0.001,0.01", "--count", "2",
            "--steps", "50", "--format", "json"]  # fmt: skip
    assert main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    data = Dataset.lecture()
    assert result["start"] == [4.0, 5.0] and result["gd_limit"] is None
    for entry in result["rates"]:
        w, b = 4.0, 5.0
        for _ in range(50):
            a = 1 / (1 + np.exp(-(w * data.x + b)))
            w, b = (
                w - entry["lr"] * np.mean((a - data.y) * data.x),
                b - entry["lr"] * np.mean(a - data.y),
            )
        z = w * data.x + b
        assert entry["final_f"] == pytest.approx(np.mean(np.logaddexp(0, z) - data.y * z))
        assert entry["stop"] == "max_steps" and entry["steps"] == 50


def test_starts_finds_himmelblaus_four_minima(capsys):
    argv = ["starts", "--preset", "himmelblau", "--count", "400", "--grid", "--lr", "0.01"]
    assert main(argv) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "i,x,y,end_x,end_y,end_f,stop,basin"
    minima = [line.split(",")[2:] for line in lines if line.startswith("# minimum,")]
    assert len(minima) == 4
    found = np.array(sorted((float(x), float(y)) for x, y, _, _ in minima))
    assert np.allclose(found, sorted(HIMMELBLAU_MINIMA), atol=1e-5)
    assert all(float(f) < 1e-6 for _, _, f, _ in minima)
    assert sum(int(count) for *_, count in minima) == 400
    rows = [line.split(",") for line in lines[1:401]]
    assert [(float(r[1]), float(r[2])) for r in rows[:2]] == [(-4.75, -4.75), (-4.25, -4.75)]
    centres = np.array([(float(x), float(y)) for x, y, _, _ in minima])
    for row in rows:
        end = np.array([float(row[3]), float(row[4])])
        assert int(row[7]) == int(np.argmin(np.hypot(*(centres - end).T)))


def test_starts_random_is_seeded_and_json_on_the_lecture_loss(capsys):
    argv = ["starts", "--dataset", "lecture", "--count", "400", "--random", "--seed", "8",
            "--lr", "0.01", "--format", "json"]  # fmt: skip
    assert main(argv) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out) == first
    drawn = np.random.default_rng(8).uniform((-1.5, -32.0), (6.0, 10.0), (400, 2))
    assert [(s["w"], s["b"]) for s in first["starts"]] == [tuple(p) for p in drawn.tolist()]
    assert len(first["minima"]) == 1 and first["minima"][0]["count"] == 400


def _reference_sgd(seed: int, steps: int, lr: float):
    data = Dataset.lecture()
    rng = np.random.default_rng(seed)
    w, b = 4.0, 5.0
    rows = []
    for _ in range(steps // 8 + 1):
        for i in rng.permutation(8):
            if len(rows) == steps:
                return rows, (w, b)
            a = 1 / (1 + math.exp(-(w * data.x[i] + b)))
            rows.append((int(i), w, b))
            w, b = w - lr * (a - data.y[i]) * data.x[i], b - lr * (a - data.y[i])
    return rows, (w, b)


def test_run_with_batch_size_one_is_sgd_with_its_seed(capsys):
    argv = ["run", "--dataset", "lecture", "--batch-size", "1", "--seed", "42", "--lr", "0.01",
            "--steps", "20"]  # fmt: skip
    assert main(argv) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "k,w,b,f,epoch,batch,batch_f,batch_f_x,batch_f_y"
    rows = [line.split(",") for line in lines[1:22]]
    reference, last = _reference_sgd(42, 20, 0.01)
    for row, (index, w, b) in zip(rows, reference, strict=False):
        assert int(row[5]) == index
        assert float(row[1]) == pytest.approx(w, rel=1e-12)
        assert float(row[2]) == pytest.approx(b, rel=1e-12)
    assert (float(rows[20][1]), float(rows[20][2])) == pytest.approx(last, rel=1e-12)
    assert [int(r[4]) for r in rows[:20]] == [k // 8 for k in range(20)]


def test_run_with_a_full_batch_prints_the_plain_run(capsys):
    base = ["run", "--dataset", "lecture", "--lr", "0.01", "--steps", "30"]
    assert main(base) == 0
    plain = [line.split(",")[:4] for line in capsys.readouterr().out.splitlines()[1:-1]]
    assert main([*base, "--batch-size", "8", "--seed", "3"]) == 0
    batched = [line.split(",")[:4] for line in capsys.readouterr().out.splitlines()[1:-2]]
    assert batched == plain


SWEEP = ["sweep", "--preset", "bowl"]
STARTS = ["starts", "--preset", "bowl"]
RUN = ["run", "--dataset", "lecture"]


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        ([*SWEEP, "--lr-range", "1,0.1"], "--lr-range '1,0.1': learning-rate range is reversed"),
        ([*SWEEP, "--lr-range", "0.1,0.1"], "learning-rate range is empty"),
        ([*SWEEP, "--lr-range", "0,1"], "its start must be a finite number > 0"),
        ([*SWEEP, "--lr-range", "-1,1"], "its start must be a finite number > 0"),
        ([*SWEEP, "--lr-range", "1e-3,-1"], "its end must be a finite number > 0"),
        ([*SWEEP, "--lr-range", "nan,1"], "--lr-range: 'nan' must be a finite number"),
        ([*SWEEP, "--lr-range", "1e-3,nan"], "--lr-range: 'nan' must be"),
        ([*SWEEP, "--lr-range", "1e-3"], "--lr-range needs 2 comma-separated"),
        ([*SWEEP, "--lr", "0.1"], "--lr '0.1': a sweep runs many learning rates; give their"),
        ([*SWEEP, "--count", "0"], "--count must be a whole number ≥ 1, got '0'"),
        ([*SWEEP, "--count", "10001"], "--count must be at most 10000"),
        (["sweep", "--function", "sqrt(x)", "--start", "-1,0"], "f is not defined at the start"),
        ([*STARTS, "--count", "0"], "--count must be a whole number ≥ 1, got '0'"),
        ([*STARTS, "--count", "10001"], "--count must be at most 10000"),
        ([*STARTS, "--count", "-4"], "--count must be a whole number ≥ 1"),
        ([*STARTS, "--seed", "1"], "--seed draws --random starts"),
        ([*STARTS, "--random", "--seed", "-1"], "--seed must be a whole number ≥ 0"),
        ([*RUN, "--batch-size", "0"], "--batch-size must be a whole number ≥ 1, got '0'"),
        ([*RUN, "--batch-size", "-2"], "--batch-size must be a whole number ≥ 1, got '-2'"),
        ([*RUN, "--batch-size", "1.5"], "--batch-size must be a whole number ≥ 1, got '1.5'"),
        ([*RUN, "--batch-size", "9"], "--batch-size must be at most m = 8"),
        ([*RUN, "--seed", "1"], "--seed shuffles mini-batches"),
        (["run", "--preset", "bowl", "--batch-size", "1"], "--batch-size needs a dataset's loss"),
        (["run", "--function", "x+y", "--start", "0,0", "--batch-size", "1"], "needs a dataset"),
    ],
)
def test_bad_input_exits_2_with_a_clear_line_and_runs_nothing(capsys, argv, needle):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert needle in captured.err
    assert captured.err.startswith(f"gdviz {argv[0]}: error: ")
