"""`gdviz likelihood`: the slides' tables and costs, underflow, and bad input with exit status 2."""

from __future__ import annotations

import json
import math
import re

import pytest

from gdviz.cli import main

LECTURE_X = [8, 15, 19, 24, 27, 31, 35, 40]
LECTURE_Y = [0, 0, 0, 0, 1, 1, 1, 1]
# session2.md, first table (z = 0.5x − 4), P(Y = y_i) column as printed: truncated to 5 places.
SLIDE_1_P = [0.50000, 0.02931, 0.00407, 0.00033, 0.99992, 0.99998, 0.99999, 0.99999]


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def table_rows(out: str) -> list[list[float]]:
    """The numeric rows (i, x, y, z, a, P, ln P) of the text table."""
    rows = []
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 7 and fields[0].isdigit():
            rows.append([float(f) for f in fields])
    return rows


def test_text_output_for_the_slides_first_model_in_log10(capsys):
    code, out, err = run_cli(
        capsys, "likelihood", "--dataset", "lecture", "--model", "0.5,-4", "--log-base", "10"
    )
    assert code == 0, err
    assert err == ""
    rows = table_rows(out)
    assert [r[0] for r in rows] == list(range(1, 9))
    assert [r[1] for r in rows] == LECTURE_X
    assert [r[2] for r in rows] == LECTURE_Y
    assert [r[3] for r in rows] == [0.5 * x - 4 for x in LECTURE_X]
    for row, shown in zip(rows, SLIDE_1_P, strict=True):
        assert math.floor(row[5] * 1e5) / 1e5 == pytest.approx(shown, abs=1e-12)  # truncated
    assert "L = Π P(Y = y_i) = 2.0002713231e-08" in out  # ERRATA: 2.000271323106e-8
    # ERRATA: cost₁₀ = 0.9623638864 and, with ln, 2.2159247.
    match = re.search(r"cost \(log10, as on the slides\) = (\S+); with ln: (\S+)", out)
    assert match, out
    assert float(match.group(1)) == pytest.approx(0.9623638864, abs=1e-10)
    assert float(match.group(2)) == pytest.approx(2.2159247, abs=1e-7)
    assert "log L (natural) = " in out
    assert "rows with P < 0.05 (they crush the product): 2, 3, 4" in out
    assert "x = −b/w = 8" in out
    assert "separable" in out and "24" in out and "27" in out


def test_json_output_for_the_slides_second_model(capsys):
    code, out, err = run_cli(
        capsys, "likelihood", "--dataset", "lecture", "--model", "1,-25", "--log-base", "10",
        "--json",
    )  # fmt: skip
    assert code == 0, err
    r = json.loads(out)
    assert r["m"] == 8
    assert r["model"] == {"w": 1.0, "b": -25.0}
    assert r["log_base"] == "10"
    assert [row["z"] for row in r["rows"]] == [x - 25 for x in LECTURE_X]
    # ERRATA item 2: the correct a for rows 5–8.
    assert [row["a"] for row in r["rows"][4:]] == pytest.approx(
        [0.88080, 0.99753, 0.99995, 1.00000], abs=5e-6
    )
    assert r["likelihood"] == pytest.approx(0.6406754849808, rel=1e-12)
    assert r["cost"] == pytest.approx(0.0241702367, abs=1e-10)
    assert r["cost_natural"] == pytest.approx(0.0556540, abs=1e-7)
    assert r["likelihood_underflows"] is False
    assert r["decision_boundary"] == 25.0
    assert r["small_probability_rows"] == []
    assert r["separability"]["kind"] == "separable"
    assert r["separability"]["gap"] == [24.0, 27.0]


def test_natural_base_prints_one_cost(capsys):
    code, out, _ = run_cli(capsys, "likelihood", "--dataset", "lecture", "--model", "0.5,-4")
    assert code == 0
    match = re.search(r"cost \(ln\) = (\S+)\n", out)
    assert match, out
    assert float(match.group(1)) == pytest.approx(2.2159247, abs=1e-7)
    assert "with ln" not in out


def test_a_negative_model_is_accepted_as_typed(capsys):
    code, out, err = run_cli(
        capsys, "likelihood", "--dataset", "lecture", "--model", "-1,5", "--json"
    )
    assert code == 0, err
    r = json.loads(out)
    assert r["model"] == {"w": -1.0, "b": 5.0}
    log_l = sum(
        math.log(1 / (1 + math.exp(x - 5))) if y == 1 else math.log(1 / (1 + math.exp(5 - x)))
        for x, y in zip(LECTURE_X, LECTURE_Y, strict=True)
    )
    assert r["log_likelihood"] == pytest.approx(log_l, rel=1e-12)
    assert r["small_probability_rows"] == [5, 6, 7, 8]


def test_an_underflowing_likelihood_is_shown_from_its_logarithm(capsys):
    code, out, err = run_cli(capsys, "likelihood", "--dataset", "lecture", "--model", "50,50")
    assert code == 0, err
    match = re.search(r"L = Π P\(Y = y_i\) = (\S+)", out)
    assert match, out
    text = match.group(1)
    mantissa, exponent = text.split("e")
    # ln L = −(450 + 800 + 1000 + 1250) − (tiny) = −3500: log10 L = −1520.03…
    assert int(exponent) == math.floor(-3500 / math.log(10))
    assert float(mantissa) == pytest.approx(10 ** (-3500 / math.log(10) + 1521), rel=1e-7)
    assert "below float64's range" in out


def test_a_csv_file_works_like_the_built_in_dataset(capsys, tmp_path):
    path = tmp_path / "lecture.csv"
    path.write_text(
        "x,y\n" + "".join(f"{x},{y}\n" for x, y in zip(LECTURE_X, LECTURE_Y, strict=True))
    )
    code, out, _ = run_cli(capsys, "likelihood", "--dataset", str(path), "--model", "0.5,-4")
    assert code == 0
    _, built_in, _ = run_cli(capsys, "likelihood", "--dataset", "lecture", "--model", "0.5,-4")
    assert out.splitlines()[1:] == built_in.splitlines()[1:]  # the first line names the source


def test_the_first_bad_rows_are_listed_on_stderr_then_how_many_more(capsys, tmp_path):
    bad_rows = [f"{i},2" for i in range(60)]  # more than the 20 listed
    path = tmp_path / "bad.csv"
    path.write_text("x,y\n8,0\nabc,1\nnan,1\n" + "\n".join(bad_rows) + "\n")
    code, out, err = run_cli(capsys, "likelihood", "--dataset", str(path), "--model", "1,2")
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert lines[0] == "gdviz likelihood: error: 62 bad dataset rows:"
    assert lines[1] == "line 3: x is not a number: 'abc'"
    assert lines[2] == "line 4: x must be finite"
    assert lines[3:-1] == [f"line {i + 5}: y must be 0 or 1, got 2" for i in range(18)]
    assert lines[-1] == "… and 42 more rows"


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("", "the file is empty"),
        ("x\n1\n", "missing y"),
        ("x,y\n", "no data rows"),
        (None, "cannot open"),
    ],
)
def test_file_level_csv_errors_are_one_line(capsys, tmp_path, content, needle):
    path = tmp_path / "data.csv"
    if content is not None:
        path.write_text(content)
    code, out, err = run_cli(capsys, "likelihood", "--dataset", str(path), "--model", "1,2")
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert needle in err


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--model", "1"], "--model needs 2"),
        (["--model", "1,2,3"], "--model needs 2"),
        (["--model", "a,2"], "not a number"),
        (["--model", "nan,2"], "finite"),
        (["--model", "1,inf"], "finite"),
        (["--model", "1,2", "--log-base", "1"], "log base"),
        (["--model", "1,2", "--log-base", "ten"], "log base"),
        (["--model", "1e308,0"], "overflows"),
        ([], "--model"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(capsys, argv, needle):
    code, out, err = run_cli(capsys, "likelihood", "--dataset", "lecture", *argv)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("gdviz likelihood: error: ")
    assert needle in err


def test_dataset_is_required(capsys):
    code, _, err = run_cli(capsys, "likelihood", "--model", "1,2")
    assert code == 2
    assert "--dataset" in err
