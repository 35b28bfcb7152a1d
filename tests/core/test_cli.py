"""The headless CLI verbs: the lecture's numbers printed, bad input as one line and exit 2."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from gdviz.cli import main


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_eval_prints_the_lectures_checked_numbers(capsys):
    code, out, err = run_cli(
        capsys,
        "eval", "--function", "sin(x)*cos(y)", "--at", "2,2.5", "--delta", "0.2",
        "--direction", f"0.5,{math.sqrt(3) / 2}", "--json",
    )  # fmt: skip
    assert code == 0, err
    r = json.loads(out)
    # ERRATA.md, first table (float64, 7 decimals).
    assert r["f"] == pytest.approx(-0.7284778, abs=5e-8)
    assert r["f_x"] == pytest.approx(0.3333934, abs=5e-8)
    assert r["f_y"] == pytest.approx(-0.5441892, abs=5e-8)
    assert r["secant_x"]["f"] == pytest.approx(-0.6477217, abs=5e-8)
    assert r["secant_x"]["slope"] == pytest.approx(0.4037805, abs=5e-8)
    # ERRATA prints f(2, 2.7) = −0.8220742, a typo: sin 2 · cos 2.7 = −0.8220705, which is what
    # its own Δz (−0.0935926) and slope (−0.4679632) imply.
    assert r["secant_y"]["f"] == pytest.approx(-0.8220705, abs=5e-8)
    assert r["secant_y"]["f"] == pytest.approx(math.sin(2) * math.cos(2.7), rel=1e-12)
    assert r["secant_y"]["delta_z"] == pytest.approx(-0.0935926, abs=5e-8)
    assert r["secant_y"]["slope"] == pytest.approx(-0.4679632, abs=5e-8)
    d = r["direction"]
    assert d["point"] == pytest.approx([2.1, 2.6732051], abs=5e-8)
    assert d["f"] == pytest.approx(-0.7702395, abs=5e-8)
    assert d["derivative"] == pytest.approx(-0.3045850, abs=5e-8)
    assert d["secant_slope"] == pytest.approx(-0.2088081, abs=5e-8)
    # And independently of ERRATA: the closed forms.
    assert r["f_x"] == pytest.approx(math.cos(2) * math.cos(2.5), rel=1e-12)
    assert r["grad_norm"] == pytest.approx(math.hypot(r["f_x"], r["f_y"]), rel=1e-12)


def test_eval_text_output_shows_the_values(capsys):
    code, out, _ = run_cli(
        capsys, "eval", "--function", "sin(x)*cos(y)", "--at", "2,2.5", "--delta", "0.2"
    )
    assert code == 0
    assert "f            = -0.7284778\n" in out  # sin 2 · cos 2.5 to 7 significant digits
    assert "0.4037805" in out
    assert "cos(x)*cos(y)" in out


def test_eval_accepts_negative_coordinates_as_typed(capsys):
    code, out, err = run_cli(capsys, "eval", "--function", "x^2 + y", "--at", "-1,0", "--json")
    assert code == 0, err
    r = json.loads(out)
    assert r["at"] == [-1.0, 0.0]
    assert r["f"] == pytest.approx(1.0)
    assert r["f_x"] == pytest.approx(-2.0)
    assert r["f_y"] == pytest.approx(1.0)


def test_eval_accepts_constant_coordinates(capsys):
    code, out, err = run_cli(capsys, "eval", "--function", "x^2*sin(y)", "--at", "pi,pi", "--json")
    assert code == 0, err
    r = json.loads(out)
    assert r["at"] == [math.pi, math.pi]
    assert r["f"] == pytest.approx(math.pi**2 * math.sin(math.pi), abs=1e-14)
    assert r["f_x"] == pytest.approx(2 * math.pi * math.sin(math.pi), abs=1e-14)
    assert r["f_y"] == pytest.approx(math.pi**2 * math.cos(math.pi), rel=1e-12)
    code, out, err = run_cli(capsys, "eval", "--function", "x^2*sin(y)", "--at", "−pi/2,2*pi/3")
    assert code == 0, err
    assert f"f_y          = {(-math.pi / 2) ** 2 * math.cos(2 * math.pi / 3):.7g}\n" in out


def test_eval_shows_a_derivative_below_round_off_as_zero(capsys):
    # z = x² sin y at (π, π): ∂z/∂x = 2π sin π = 0 (float64: 7.7e−16), ∂z/∂y = π² cos π = −π².
    code, out, err = run_cli(capsys, "eval", "--function", "x^2*sin(y)", "--at", "pi,pi")
    assert code == 0, err
    raw = 2 * math.pi * math.sin(math.pi)
    assert f"f_x          = 0 (round-off: {raw:.1e})\n" in out
    assert f"f_y          = {math.pi**2 * math.cos(math.pi):.7g}\n" in out
    assert "f_y          = -9.869604\n" in out
    code, out, err = run_cli(capsys, "eval", "--function", "x^2*sin(y)", "--at", "pi,pi", "--json")
    r = json.loads(out)
    assert r["f_x"] == raw and r["f_x_shown"] == 0.0  # machine output keeps the raw float
    assert r["f_y"] == r["f_y_shown"] == pytest.approx(-(math.pi**2), rel=1e-15)
    code, out, err = run_cli(capsys, "eval", "--function", "1e-20*x", "--at", "2,1")
    assert "f_x          = 1e-20\n" in out  # genuinely small, not round-off


def test_run_and_limit_read_constant_coordinates(capsys):
    argv = ["run", "--function", "x^2 + y^2", "--start", "pi/2,-sqrt(2)", "--steps", "1"]
    assert main(argv) == 0
    rows = capsys.readouterr().out.strip().splitlines()
    assert rows[1].startswith(f"0,{math.pi / 2!r},{-math.sqrt(2)!r},")
    code, out, err = run_cli(capsys, "limit", "--function", "sin(x)*y", "--at", "pi/2,1", "--json")
    assert code == 0, err
    assert json.loads(out)["at"] == [math.pi / 2, 1.0]
    code, out, err = run_cli(
        capsys, "limit", "--function", "sin(x)/x", "--one-variable", "--at", "pi", "--json"
    )
    assert code == 0, err
    assert json.loads(out)["at"] == math.pi


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["eval", "--function", "x", "--at", "x+1,0"], "--at: 'x+1' uses x"),
        (["eval", "--function", "x", "--at", "1,1/0"], "division by zero"),
        (["run", "--function", "x", "--start", "1,__import__"], "--start: '__import__'"),
        (["eval", "--function", "sin(x", "--at", "1,2"], "invalid expression"),
        (["eval", "--function", "__import__('os')", "--at", "1,2"], "invalid expression"),
        (["eval", "--function", "x", "--at", "1"], "--at needs 2"),
        (["eval", "--function", "x", "--at", "1,abc"], "not a number"),
        (["eval", "--function", "x", "--at", "nan,1"], "finite"),
        (["eval", "--function", "x", "--at", "1,2", "--delta", "0"], "--delta"),
        (["eval", "--function", "x", "--at", "1,2", "--delta", "inf"], "--delta"),
        (["eval", "--function", "x", "--at", "1,2", "--direction", "0,0"], "non-zero"),
        (["eval", "--function", "sqrt(x)", "--at", "-1,0"], "not defined"),
        (["eval", "--at", "1,2"], "--function"),
        (["eval", "--function", "x", "--at", "1,2", "--bogus"], "unrecognized"),
        (["--preset", "nope"], "unknown preset"),
        (["--function", "x +* y"], "invalid expression"),
    ],
)
def test_invalid_input_is_one_line_on_stderr_and_exit_2(capsys, argv, needle):
    code, out, err = run_cli(capsys, *argv)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("gdviz")
    assert needle in lines[0]


def test_presets_lists_every_preset_with_the_lecture_default(capsys):
    code, out, _ = run_cli(capsys, "presets")
    assert code == 0
    names = [line.split()[0] for line in out.strip().splitlines()]
    expected = {
        "lecture-logistic", "sin-cos", "x2-plus-y", "limit-example", "bowl", "elongated-bowl",
        "saddle", "rosenbrock", "himmelblau", "beale", "six-hump-camel",
    }  # fmt: skip
    assert set(names) == expected
    assert "(default)" in next(line for line in out.splitlines() if line.startswith("lecture"))


def test_python_dash_m_gdviz_runs_in_a_fresh_process():
    proc = subprocess.run(
        [sys.executable, "-m", "gdviz", "eval", "--function", "x*y", "--at", "-1.5,2", "--json"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["f"] == pytest.approx(-3.0)


def test_an_unknown_theme_is_refused_before_any_window(capsys):
    assert main(["--theme", "sepia"]) == 2
    err = capsys.readouterr().err
    assert "--theme" in err and "sepia" in err and err.count("\n") == 1
