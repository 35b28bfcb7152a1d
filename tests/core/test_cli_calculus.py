"""`gdviz eval` at (x, y, z) and `gdviz limit`: the lesson's numbers, verdicts and exit codes."""

from __future__ import annotations

import json
import math

import pytest

from gdviz.cli import main

LECTURE = "-x*y/(x^2+y^2)"


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_eval_three_variables_prints_the_lectures_value(capsys) -> None:
    code, out, err = run_cli(
        capsys, "eval", "--function", "x^2 + x*y + y^2 - sqrt(z)", "--at", "1,3,4"
    )
    assert code == 0, err
    assert "f            = 11\n" in out  # ERRATA: f(1, 3, 4) = 11


def test_eval_three_variables_json(capsys) -> None:
    code, out, err = run_cli(
        capsys, "eval", "--function", "x^2 + x*y + y^2 - sqrt(z)", "--at", "1,3,4", "--json"
    )
    assert code == 0, err
    r = json.loads(out)
    assert r["variables"] == ["x", "y", "z"]
    assert r["at"] == [1.0, 3.0, 4.0]
    assert r["f"] == 1 + 3 + 9 - math.sqrt(4)
    assert (r["f_x"], r["f_y"], r["f_z"]) == pytest.approx((5.0, 7.0, -0.25))


def test_eval_three_variables_off_the_domain(capsys) -> None:
    code, out, err = run_cli(
        capsys, "eval", "--function", "x^2 + x*y + y^2 - sqrt(z)", "--at", "1,3,-1"
    )
    assert code == 2
    assert out == ""
    assert err.strip().splitlines() == [
        "gdviz eval: error: f is not defined at (1, 3, -1): sqrt of a negative number: "
        "z must be ≥ 0"
    ]


def test_eval_two_variables_not_defined_says_why(capsys) -> None:
    code, _, err = run_cli(capsys, "eval", "--function", "log(x - 1)", "--at", "-1,0")
    assert code == 2
    line = err.strip()
    assert "f is not defined at (-1, 0): log of a non-positive number" in line
    assert "\n" not in line


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["eval", "--function", "x", "--at", "1,2,3,4"], "--at needs 2"),
        (["eval", "--function", "x+y+z", "--at", "1,2,3", "--direction", "1,0"], "--direction"),
        (["eval", "--function", "x+y+w", "--at", "1,2,3"], "invalid expression"),
        (["limit", "--function", LECTURE, "--at", "1"], "--at needs 2"),
        (["limit", "--function", "x +* y", "--at", "0,0"], "invalid expression"),
        (["limit", "--function", LECTURE, "--at", "0,0", "--path", "t + 1, t"], "does not pass"),
        (["limit", "--function", LECTURE, "--at", "0,0", "--path", "t, t +* 1"], "column"),
        (["limit", "--function", LECTURE, "--at", "0,0", "--path", "t"], "--path needs two"),
        (["limit", "--function", LECTURE, "--at", "0,0", "--slope", "abc"], "--slope"),
        (["limit", "--function", LECTURE, "--at", "0,0", "--slope", "inf"], "--slope"),
        (["limit", "--function", LECTURE, "--at", "0,0", "--t0", "nan"], "--t0"),
        (["limit", "--function", "1/x", "--at", "0,1", "--one-variable"], "--at needs one"),
        (["limit", "--function", "1/x", "--at", "0", "--one-variable", "--slope", "1"], "f(x, y)"),
        (["limit", "--function", "1/y", "--at", "0", "--one-variable"], "invalid expression"),
        (["limit", "--at", "0,0"], "--function"),
    ],
)
def test_invalid_input_is_one_line_and_exit_2(capsys, argv, needle) -> None:
    code, out, err = run_cli(capsys, *argv)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("gdviz")
    assert needle in lines[0]


def test_limit_default_paths_show_that_the_lecture_limit_does_not_exist(capsys) -> None:
    code, out, err = run_cli(capsys, "limit", "--function", LECTURE, "--at", "0,0")
    assert code == 0, err
    for name in ("y = x", "y = −x", "y = 0", "x = 0", "y = x²"):
        assert f"along {name}, t → 0:" in out
    last = out.strip().splitlines()[-1]
    assert last.startswith("verdict: different limits along different paths: the limit does not")


def test_limit_json_estimates(capsys) -> None:
    code, out, err = run_cli(capsys, "limit", "--function", LECTURE, "--at", "0,0", "--json")
    assert code == 0, err
    r = json.loads(out)
    paths = {p["name"]: p for p in r["paths"]}
    assert len(paths) == 5
    # ERRATA item 8: along y = m·x the value is −m/(1 + m²).
    for name, m in (("y = x", 1), ("y = −x", -1), ("y = 0", 0)):
        assert paths[name]["estimate"] == pytest.approx(-m / (1 + m * m), abs=1e-12)
        for row in paths[name]["left"] + paths[name]["right"]:
            x, y = row["x"], row["y"]
            assert row["f"] == pytest.approx(-x * y / (x * x + y * y), abs=1e-15)
    parabola = paths["y = x²"]
    assert parabola["estimate"] == pytest.approx(0.0, abs=1e-6)
    for row in parabola["right"]:
        t = row["t"]
        assert row["f"] == pytest.approx(-(t**3) / (t**2 + t**4), rel=1e-12)
    assert r["verdict"]["agree"] is False
    assert r["verdict"]["value"] is None


def test_limit_with_chosen_paths_and_negative_values(capsys) -> None:
    code, out, err = run_cli(
        capsys, "limit", "--function", LECTURE, "--at", "0,0", "--slope", "-1",
        "--parabola", "-2", "--path", "t, t^2", "--json",
    )  # fmt: skip
    assert code == 0, err
    r = json.loads(out)
    assert [p["name"] for p in r["paths"]] == ["y = −x", "y = −2x²", "x(t) = t, y(t) = t^2"]
    assert r["paths"][0]["estimate"] == pytest.approx(0.5)
    assert "does not exist" in r["verdict"]["message"]


def test_limit_paths_that_agree(capsys) -> None:
    code, out, err = run_cli(
        capsys, "limit", "--function", LECTURE, "--at", "0,0", "--path", "t - 1, (t - 1)^2",
        "--t0", "1", "--slope", "0", "--vertical",
    )  # fmt: skip
    assert code == 0, err
    assert "along x(t) = t - 1, y(t) = (t - 1)^2, t → 1:" in out
    assert "verdict: all paths agree ≈ 0" in out


def test_limit_at_a_shifted_point(capsys) -> None:
    code, out, err = run_cli(capsys, "limit", "--function", "x*y", "--at", "-1,2", "--json")
    assert code == 0, err
    r = json.loads(out)
    assert r["verdict"]["agree"] is True
    assert r["verdict"]["value"] == pytest.approx(-1 * 2, abs=1e-6)
    first = r["paths"][0]
    assert first["name"] == "y − 2 = (x + 1)"
    assert first["right"][0]["x"] == pytest.approx(-0.9)


def test_one_variable_one_over_x(capsys) -> None:
    code, out, err = run_cli(capsys, "limit", "--function", "1/x", "--at", "0", "--one-variable")
    assert code == 0, err
    assert "left: → −∞" in out and "right: → +∞" in out
    assert out.strip().splitlines()[-1] == "verdict: left: → −∞, right: → +∞: no limit"


def test_one_variable_at_infinity(capsys) -> None:
    code, out, err = run_cli(capsys, "limit", "--function", "1/x", "--at", "inf", "--one-variable")
    assert code == 0, err
    assert out.strip().splitlines()[-1] == "verdict: as x → +∞, g(x) → 0⁺"
    code, out, err = run_cli(
        capsys, "limit", "--function", "1/x", "--at", "-inf", "--one-variable", "--json"
    )
    assert code == 0, err
    r = json.loads(out)
    assert r["at"] == "-inf"
    rows = r["sides"][0]["rows"]
    assert [row["x"] for row in rows] == pytest.approx([-(10.0**k) for k in range(1, 9)])
    assert [row["g"] for row in rows] == pytest.approx([-(10.0**-k) for k in range(1, 9)])
    assert r["verdict"]["message"] == "as x → −∞, g(x) → 0⁻"


def test_one_variable_x_squared(capsys) -> None:
    code, out, err = run_cli(
        capsys, "limit", "--function", "x^2", "--at", "0", "--one-variable", "--json"
    )
    assert code == 0, err
    r = json.loads(out)
    assert [s["side"] for s in r["sides"]] == ["left", "right"]
    for side in r["sides"]:
        for row in side["rows"]:
            assert row["g"] == pytest.approx(row["x"] ** 2, rel=1e-15)
    assert r["verdict"]["agree"] is True
    assert r["verdict"]["value"] == pytest.approx(0.0, abs=1e-12)
