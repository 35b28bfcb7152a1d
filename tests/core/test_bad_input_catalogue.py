"""Bad input for every CLI verb and option: one 'gdviz…' line on stderr, exit 2, no output."""

from __future__ import annotations

import json
import sys
import time
import types

import pytest

import gdviz.display
from gdviz.cli import main

FX = ["--function", "x^2+y^2"]
RUN = ["run", *FX, "--start", "1,1"]
EVAL = ["eval", "--function", "sin(x)*cos(y)", "--at", "2,2.5"]
LIMIT = ["limit", "--function", "x*y/(x^2+y^2)", "--at", "0,0"]
LIMIT_1D = ["limit", "--function", "sin(x)/x", "--one-variable"]
LIMIT_AT_1_1 = ["limit", "--function", "x*y", "--at", "1,1"]
LIKE = ["likelihood", "--dataset", "lecture"]
LIKE_M = [*LIKE, "--model", "1,-25"]

# (id, argv after the verb's fixed part, a word the message must contain)
NUMBER_JUNK = [("empty", ""), ("space", " "), ("abc", "abc")]
NON_FINITE = [("nan", "nan"), ("inf", "inf"), ("-inf", "-inf"), ("1e400", "1e400")]
BAD_EXPRESSIONS = [
    ("empty", "", "empty"),
    ("blank", "   ", "empty"),
    ("unbalanced", "(x+y", "never closed"),
    ("unbalanced-close", "x+y)", "invalid expression"),
    ("dangling-op", "x+", "invalid"),
    ("unknown-function", "foo(x)", "foo"),
    ("import", "__import__('os')", "__import__"),
    ("attribute", "x.__class__", "invalid expression"),
    ("lambda", "(lambda: 1)()", "invalid expression"),
    ("unknown-name", "x+q", "q"),
    ("huge-power", "9**9**9", "exponent"),
    ("division-by-zero", "1/0", "division by zero"),
]


def _cases() -> list:
    cases = []

    def add(case_id: str, argv: list[str], needle: str) -> None:
        cases.append(pytest.param(argv, needle, id=case_id))

    # eval
    for name, value in [*NUMBER_JUNK, ("one", "1"), ("four", "1,2,3,4"), ("x-only", "1,")]:
        add(f"eval-at-{name}", ["eval", "--function", "x", "--at", value], "--at")
    add("eval-at-abc-second", ["eval", "--function", "x", "--at", "1,abc"], "--at")
    for name, value in NON_FINITE:
        add(f"eval-at-{name}", ["eval", "--function", "x", "--at", f"{value},0"], "--at")
    add("eval-at-3d-nan", ["eval", "--function", "x*y*z", "--at", "1,nan,3"], "--at")
    add("eval-at-overflow-window", ["eval", "--function", "x", "--at", "1.7976931348623157e308,0"],
        "--at")  # fmt: skip
    for name, value in [*NUMBER_JUNK, *NON_FINITE, ("zero", "0"), ("lost", "1e-20")]:
        add(f"eval-delta-{name}", [*EVAL, "--delta", value], "--delta")
    add("eval-delta-overflows-f", ["eval", "--function", "x^2", "--at", "1,2", "--delta", "1e308"],
        "overflow")  # fmt: skip
    add("eval-delta-3d-nan", ["eval", "--function", "x*y*z", "--at", "1,2,3", "--delta", "nan"],
        "--delta")  # fmt: skip
    for name, value in [*NUMBER_JUNK, ("one", "1"), ("three", "1,2,3"), ("zero", "0,0"),
                        ("nan", "nan,1"), ("inf", "1,inf")]:  # fmt: skip
        add(f"eval-direction-{name}", [*EVAL, "--direction", value], "--direction")
    add("eval-direction-3d", ["eval", "--function", "x*y*z", "--at", "1,2,3", "--direction", "1,0"],
        "--direction")  # fmt: skip
    for name, text, needle in BAD_EXPRESSIONS:
        add(f"eval-function-{name}", ["eval", "--function", text, "--at", "1,2"], needle)
    add("eval-outside-domain", ["eval", "--function", "log(x)", "--at", "-1,0"], "not defined")
    add("eval-overflow", ["eval", "--function", "exp(x)", "--at", "1000,0"], "overflow")
    add("eval-no-function", ["eval", "--at", "1,2"], "--function")
    add("eval-no-at", ["eval", "--function", "x"], "--at")

    # run
    for option, needle in [("lr", "learning rate"), ("eps", "eps")]:
        values = [*NON_FINITE, ("zero", "0"), ("negative", "-1"), ("-1e-9", "-1e-9")]
        for name, value in values:
            add(f"run-{option}-{name}", [*RUN, f"--{option}", value], needle)
        for name, value in NUMBER_JUNK:
            add(f"run-{option}-{name}", [*RUN, f"--{option}", value], f"--{option}")
    for option in ("momentum", "beta1", "beta2", "alpha"):
        for name, value in [*NON_FINITE, ("negative", "-0.5"), ("one", "1"), ("two", "2")]:
            add(f"run-{option}-{name}", [*RUN, "--optimizer", "adam", f"--{option}", value],
                option)  # fmt: skip
        add(f"run-{option}-abc", [*RUN, f"--{option}", "abc"], f"--{option}")
    for name, value in [*NUMBER_JUNK, ("zero", "0"), ("negative", "-1"), ("fraction", "2.5"),
                        ("nan", "nan"), ("1e400", "1e400"), ("1e3-float", "1e3"),
                        ("huge", "99999999999999999999")]:  # fmt: skip
        add(f"run-steps-{name}", [*RUN, "--steps", value], "--steps")
    for name, value in [*NUMBER_JUNK, *NON_FINITE, ("negative", "-1")]:
        needle = "--tol" if name not in ("empty", "space", "abc") else "not a number"
        add(f"run-tol-{name}", [*RUN, "--tol", value], needle)
    for name, value in [*NUMBER_JUNK, ("one", "1"), ("three", "1,2,3"), ("abc-second", "1,abc"),
                        ("nan", "nan,0"), ("inf", "0,inf"), ("1e400", "1e400,0")]:  # fmt: skip
        add(f"run-start-{name}", ["run", *FX, "--start", value], "--start")
    add("run-start-missing", ["run", *FX], "--start")
    for name, value in [("empty", ""), ("space", " "), ("unknown", "sgd2"), ("case", "ADAM ")]:
        add(f"run-optimizer-{name}", [*RUN, "--optimizer", value], "optimizer")
    for name, value in [("empty", ""), ("unknown", "nope"), ("space", " ")]:
        add(f"run-preset-{name}", ["run", "--preset", value], "preset")
    for name, value in [*NUMBER_JUNK, ("one", "1"), ("zero", "0"), ("negative", "-2"),
                        ("nan", "nan"), ("inf", "inf"), ("e2", "e2")]:  # fmt: skip
        add(f"run-log-base-{name}", ["run", "--dataset", "lecture", "--log-base", value],
            "log base")  # fmt: skip
    for name, text, needle in BAD_EXPRESSIONS:
        add(f"run-function-{name}", ["run", "--function", text, "--start", "1,1"], needle)
    add("run-dataset-empty-name", ["run", "--dataset", ""], "empty")
    add("run-dataset-missing", ["run", "--dataset", "/nonexistent/d.csv"], "No such file")
    add("run-scene-empty-name", ["run", "--scene", ""], "empty")
    add("run-scene-missing", ["run", "--scene", "/nonexistent/s.json"], "No such file")
    add("run-format", [*RUN, "--format", "xml"], "--format")
    add("run-two-sources", ["run", "--preset", "bowl", "--function", "x"], "not allowed")
    add("run-no-source", ["run"], "one of the arguments")
    add("run-unknown-option", [*RUN, "--speed", "3"], "unrecognized")

    # limit
    for name, value in [*NUMBER_JUNK, ("one", "1"), ("three", "1,2,3"), ("nan", "nan,0"),
                        ("inf", "inf,0"), ("1e400", "0,1e400")]:  # fmt: skip
        add(f"limit-at-{name}", ["limit", "--function", "x*y", "--at", value], "--at")
    for option in ("slope", "parabola", "t0"):
        for name, value in [*NUMBER_JUNK, *NON_FINITE]:
            add(f"limit-{option}-{name}", [*LIMIT, f"--{option}", value], f"--{option}")
    for name, value in [("empty", ""), ("one", "t"), ("three", "t,t,t"), ("unbalanced", "(t,t")]:
        add(f"limit-path-{name}", [*LIMIT, "--path", value], "--path")
    add("limit-path-unknown-function", [*LIMIT, "--path", "foo(t), t"], "foo")
    add("limit-path-unknown-name", [*LIMIT, "--path", "s, t"], "'s'")
    for name, text, needle in BAD_EXPRESSIONS:
        add(f"limit-function-{name}", ["limit", "--function", text, "--at", "0,0"], needle)
    for name, value in [*NUMBER_JUNK, ("nan", "nan"), ("two", "1,2")]:
        add(f"limit-1d-at-{name}", [*LIMIT_1D, "--at", value], "--at")
    add("limit-1d-with-slope", [*LIMIT_1D, "--at", "0", "--slope", "1"], "--slope")
    add("limit-1d-y-in-g", ["limit", "--function", "x+y", "--one-variable", "--at", "0"], "'y'")

    # likelihood
    for name, value in [*NUMBER_JUNK, ("one", "1"), ("three", "1,2,3"), ("nan", "nan,0"),
                        ("inf", "1,inf"), ("-inf", "-inf,0"), ("1e400", "1e400,0"),
                        ("abc-second", "1,abc")]:  # fmt: skip
        add(f"likelihood-model-{name}", [*LIKE, "--model", value], "--model")
    add("likelihood-model-overflow", [*LIKE, "--model", "1e308,1e308"], "overflow")
    for name, value in [*NUMBER_JUNK, ("one", "1"), ("zero", "0"), ("negative", "-10"),
                        ("nan", "nan"), ("inf", "inf")]:  # fmt: skip
        add(f"likelihood-log-base-{name}", [*LIKE_M, "--log-base", value], "log base")
    add("likelihood-dataset-empty-name", ["likelihood", "--dataset", "", "--model", "1,0"], "empty")
    missing_csv = ["likelihood", "--dataset", "/nonexistent/d.csv", "--model", "1,0"]
    add("likelihood-dataset-missing", missing_csv, "No such file")
    add("likelihood-no-model", LIKE, "--model")

    # presets
    add("presets-unknown-option", ["presets", "--yaml"], "unrecognized")

    # the window launcher (fails before any window: run_app is replaced by a trap)
    for name, value in [("empty", ""), ("unknown", "nope")]:
        add(f"gui-preset-{name}", ["--preset", value], "preset")
    for name, text, needle in BAD_EXPRESSIONS:
        add(f"gui-function-{name}", ["--function", text], needle)
    add("gui-scene-missing", ["/nonexistent/s.json"], "No such file")
    add("gui-scene-folder", ["/"], "folder")
    add("gui-scene-empty-name", [""], "empty")
    add("gui-lesson-missing", ["--lesson", "/nonexistent/l.json"], "No such file")
    add("gui-lesson-empty-name", ["--lesson", ""], "empty")
    add("gui-two-sources", ["--preset", "bowl", "--function", "x"], "not allowed")
    add("gui-two-scenes", ["a.json", "b.json"], "unrecognized")
    return cases


def _export_cases() -> list:
    base = ["export", *FX, "--start", "1,1"]
    cases = []

    def add(case_id: str, argv: list[str], needle: str) -> None:
        cases.append(pytest.param(argv, needle, id=case_id))

    for name, value in [*NUMBER_JUNK, ("width-only", "1280"), ("three", "1x2x3"),
                        ("negative", "-2x2"), ("1e400", "1e400x720"), ("8k", "8k")]:  # fmt: skip
        add(f"export-size-{name}", [*base, "--out", "{out}/a.mp4", "--size", value], "size")
    for name, value in [("zero", "0x0"), ("huge", "99999x720"), ("odd-mp4", "1281x720")]:
        add(f"export-size-{name}", [*base, "--out", "{out}/a.mp4", "--size", value], "width")
    for name, value in [*NUMBER_JUNK, *NON_FINITE, ("zero", "0"), ("negative", "-1"),
                        ("too-many", "1000")]:  # fmt: skip
        add(f"export-fps-{name}", [*base, "--out", "{out}/a.mp4", "--fps", value], "fps")
    add("export-fps-gif", [*base, "--out", "{out}/a.gif", "--fps", "60"], "GIF")
    for name, value in [*NUMBER_JUNK, ("zero", "0"), ("negative", "-1"), ("nan", "nan"),
                        ("fraction", "1.5"), ("float-1e9", "1e9")]:  # fmt: skip
        add(f"export-frames-{name}", [*base, "--out", "{out}/a.mp4", "--frames", value],
            "--frames")  # fmt: skip
    add("export-frames-png-still", [*base, "--out", "{out}/a.png", "--frames", "2"], "PNG")
    for name, value in [("empty", ""), ("comma", ","), ("unknown", "spin"),
                        ("one-unknown", "descent,spin")]:  # fmt: skip
        add(f"export-animate-{name}", [*base, "--out", "{out}/a.mp4", "--animate", value],
            "--animate")  # fmt: skip
    add("export-out-empty", [*base, "--out", ""], "--out")
    add("export-out-suffix", [*base, "--out", "{out}/a.xyz"], "format")
    add("export-out-no-folder", [*base, "--out", "{out}/missing/a.mp4"], "does not exist")
    add("export-background", [*base, "--out", "{out}/a.mp4", "--background", "pink"],
        "--background")  # fmt: skip
    add("export-transparent-mp4", [*base, "--out", "{out}/a.mp4", "--background", "transparent"],
        "transparent")  # fmt: skip
    add("export-lr", [*base, "--out", "{out}/a.mp4", "--lr", "0"], "learning rate")
    add("export-steps", [*base, "--out", "{out}/a.mp4", "--steps", "0"], "--steps")
    add("export-tol", [*base, "--out", "{out}/a.mp4", "--tol", "nan"], "--tol")
    add("export-start", ["export", *FX, "--start", "1", "--out", "{out}/a.mp4"], "--start")
    add("export-function", ["export", "--function", "(x", "--start", "1,1", "--out", "{out}/a.mp4"],
        "never closed")  # fmt: skip
    add("export-preset-empty", ["export", "--preset", "", "--out", "{out}/a.mp4"], "preset")
    add("export-dataset-missing", ["export", "--dataset", "/nonexistent/d.csv", "--out",
                                   "{out}/a.mp4"], "No such file")  # fmt: skip
    add("export-log-base", ["export", "--dataset", "lecture", "--log-base", "1", "--out",
                            "{out}/a.mp4"], "log base")  # fmt: skip
    return cases


@pytest.fixture
def no_window(monkeypatch):
    """A stand-in for gdviz.ui.app (no Qt in tests/core): reaching run_app fails the test."""

    def run_app(**kwargs):
        raise AssertionError(f"the window would have opened: {kwargs}")

    fake = types.ModuleType("gdviz.ui.app")
    fake.run_app = run_app
    monkeypatch.setitem(sys.modules, "gdviz.ui.app", fake)


@pytest.fixture
def no_display(monkeypatch):
    """Starting Xvfb (or any display) for a refused export fails the test."""

    def display_for_rendering():
        raise AssertionError("a display was started for bad input")

    monkeypatch.setattr(gdviz.display, "display_for_rendering", display_for_rendering)


def refused(capsys, argv: list[str]) -> str:
    """The one stderr line of a refused command (checks exit 2, empty stdout)."""
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2, (code, out, err)
    assert out == ""
    lines = err.rstrip("\n").split("\n")
    assert len(lines) == 1, err
    assert lines[0].startswith("gdviz"), err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize(("argv", "needle"), _cases())
def test_bad_input_is_one_line_and_exit_2(capsys, no_window, argv, needle):
    line = refused(capsys, argv)
    assert needle.lower() in line.lower(), line


@pytest.mark.parametrize(("argv", "needle"), _export_cases())
def test_bad_export_input_fails_fast_before_any_display(capsys, no_display, tmp_path, argv, needle):
    argv = [a.replace("{out}", str(tmp_path)) for a in argv]
    started = time.monotonic()
    line = refused(capsys, argv)
    assert time.monotonic() - started < 5.0
    assert needle.lower() in line.lower(), line
    assert list(tmp_path.iterdir()) == []


def test_the_verb_name_prefixes_the_message(capsys, no_window):
    assert refused(capsys, [*RUN, "--lr", "0"]).startswith("gdviz run: error: ")
    assert refused(capsys, [*EVAL, "--delta", "0"]).startswith("gdviz eval: error: ")
    assert refused(capsys, ["--preset", "nope"]).startswith("gdviz: error: ")


# Negative numbers typed as separate arguments are values, not options.
@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["run", *FX, "--start", "-1.2,1", "--steps", "3"], id="run-start"),
        pytest.param(["run", *FX, "--start", "-1,-1", "--steps", "3", "--tol", "0"], id="tol-0"),
        pytest.param(["eval", "--function", "x*y", "--at", "-1,0"], id="eval-at"),
        pytest.param(["eval", "--function", "x*y", "--at", "-1,-2"], id="eval-at-both"),
        pytest.param(["eval", "--function", "x*y*z", "--at", "-1,2,-3"], id="eval-at-3d"),
        pytest.param([*EVAL, "--delta", "-0.2"], id="eval-delta"),
        pytest.param([*EVAL, "--direction", "-1,-1"], id="eval-direction"),
        pytest.param(["eval", "--function", "-x", "--at", "1,1"], id="eval-function"),
        pytest.param([*LIKE, "--model", "-1,5"], id="likelihood-model"),
        pytest.param([*LIKE, "--model", "-0.5,-4"], id="likelihood-model-both"),
        pytest.param([*LIMIT, "--slope", "-1"], id="limit-slope"),
        pytest.param([*LIMIT, "--parabola", "-2"], id="limit-parabola"),
        pytest.param(["limit", "--function", "x*y", "--at", "-1,0"], id="limit-at"),
        pytest.param([*LIMIT_1D, "--at", "-inf"], id="limit-1d-minus-inf"),
        pytest.param([*LIMIT, "--path", "-t, t^2"], id="limit-path"),
        pytest.param([*LIMIT_AT_1_1, "--path", "t+2, t+2", "--t0", "-1"], id="limit-t0"),
    ],
)
def test_negative_values_are_accepted(capsys, argv):
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 0, err
    assert err == ""
    assert out.strip()


def test_negative_start_reaches_the_run(capsys):
    """-1.2,1 is the start itself (the first row), not swallowed or misread."""
    assert main(["run", *FX, "--start", "-1.2,1", "--steps", "1", "--format", "json"]) == 0
    steps = json.loads(capsys.readouterr().out)["steps"]
    assert (steps[0]["x"], steps[0]["y"]) == (-1.2, 1.0)


def test_negative_model_reaches_the_table(capsys):
    assert main([*LIKE, "--model", "-1,5", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["model"] == {"w": -1.0, "b": 5.0}
    assert r["rows"][0]["z"] == pytest.approx(-1.0 * r["rows"][0]["x"] + 5.0)
