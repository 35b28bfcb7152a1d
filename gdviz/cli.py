"""The `gdviz` command: opens the window, or runs a headless verb (presets, eval, run, limit, …)."""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence

from gdviz.core.expression import ExpressionError, explain_nan
from gdviz.core.logistic import DatasetError
from gdviz.core.optimizers import OPTIMIZER_NAMES

# A run keeps every step in memory; a scene file allows the same maximum.
MAX_STEPS = 1_000_000
VERBS = ("presets", "eval", "run", "limit", "likelihood", "export")
# Options whose value may begin with '-' (negative coordinates typed as `--at -1,0`).
VALUE_OPTIONS = frozenset(
    {"--at", "--direction", "--delta", "--start", "--model", "--function", "--lr", "--momentum",
     "--beta1", "--beta2", "--eps", "--alpha", "--tol", "--steps", "--slope", "--parabola",
     "--path", "--t0", "--title"}
)  # fmt: skip


class UsageError(Exception):
    """Invalid command-line input: reported as one line on stderr with exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one clear line, not argparse's usage dump
        raise UsageError(message)


def _attach_negative_values(argv: Sequence[str]) -> list[str]:
    """Turn `--at -1,0` into `--at=-1,0` so argparse does not read -1,0 as an option."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        token = argv[i]
        if token in VALUE_OPTIONS and i + 1 < len(argv) and argv[i + 1].startswith("-"):
            out.append(f"{token}={argv[i + 1]}")
            i += 2
            continue
        out.append(token)
        i += 1
    return out


def parse_numbers(text: str, count: int, what: str) -> tuple[float, ...]:
    """Parse 'A,B' (count numbers, comma separated) into finite floats, or raise UsageError."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != count:
        raise UsageError(f"{what} needs {count} comma-separated numbers, got {text!r}")
    values = []
    for part in parts:
        try:
            value = float(part)
        except ValueError:
            raise UsageError(f"{what}: {part!r} is not a number") from None
        if not math.isfinite(value):
            raise UsageError(f"{what}: {part!r} must be a finite number")
        values.append(value)
    return tuple(values)


def _positive_finite(text: str, what: str, allow_negative: bool = False) -> float:
    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"{what}: {text!r} is not a number") from None
    if not math.isfinite(value) or value == 0 or (value < 0 and not allow_negative):
        rule = "a finite non-zero number" if allow_negative else "a finite number > 0"
        raise UsageError(f"{what} must be {rule}, got {text!r}")
    return value


def _gui_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="gdviz",
        description="See gradient descent: opens the window on the lecture's log loss L(w, b). "
        f"Headless verbs: {', '.join(VERBS)} (gdviz VERB --help).",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--preset", metavar="NAME", help="open a preset (see `gdviz presets`)")
    source.add_argument(
        "--function", metavar="EXPR", help="open f(x, y) = EXPR, e.g. 'sin(x)*cos(y)'"
    )
    source.add_argument("scene", nargs="?", metavar="FILE.json", help="open a saved scene")
    parser.add_argument(
        "--lesson", metavar="FILE", nargs="?", const="lecture",
        help="step through a lesson (default: the lecture's; or a lesson file you wrote)",
    )  # fmt: skip
    return parser


def _add_scene_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--scene", metavar="FILE.json", help=f"take {what}")


def _from_scene(args: argparse.Namespace, needs: dict[str, str]) -> argparse.Namespace:
    """Fill options left out from --scene; each still missing is an error naming it.

    needs maps an option (dest) to what the scene gives for it: "function", "point",
    "limit_point", "dataset" or "log_base".
    """
    scene = None
    if getattr(args, "scene", None) is not None:
        from gdviz.core.scene import load_scene

        scene = load_scene(args.scene)
    for dest, what in needs.items():
        if getattr(args, dest) is not None:
            continue
        if scene is None:
            raise UsageError(f"--{dest.replace('_', '-')} is needed (or --scene FILE)")
        setattr(args, dest, _scene_value(scene, what, args.scene))
    return args


def _scene_value(scene, what: str, path: str):
    from gdviz.core.logistic import Dataset
    from gdviz.core.presets import get_preset

    source = scene.source
    if what == "point":
        return f"{scene.point[0]!r},{scene.point[1]!r}"
    if what == "limit_point":
        return f"{scene.limits.x0!r},{scene.limits.y0!r}"
    if what == "log_base":
        return scene.log_base
    if what == "function":
        text = source.expression
        if source.kind == "preset":
            text = get_preset(source.preset).expression
        if not text:
            raise UsageError(f"--scene {path}: its surface is a loss, not a typed function")
        return text
    if source.kind == "dataset":
        return Dataset(source.dataset_x, source.dataset_y)
    if source.kind == "preset" and get_preset(source.preset).kind == "logistic":
        return "lecture"
    raise UsageError(f"--scene {path}: its surface is a function, not a dataset's loss")


def _eval_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="gdviz eval",
        description="f, its partial derivatives, |∇f|, forward secants, a directional derivative.",
    )
    parser.add_argument("--function", metavar="EXPR", help="f(x, y) or f(x, y, z)")
    _add_scene_option(parser, "the function and the point of a saved scene")
    parser.add_argument(
        "--at",
        metavar="X,Y[,Z]",
        help="the point, e.g. 2,2.5 or -1,0; three numbers evaluate f(x, y, z), e.g. 1,3,4",
    )
    parser.add_argument(
        "--delta",
        default="0.01",
        metavar="D",
        help="secant step in x, y and along u (default 0.01)",
    )
    parser.add_argument(
        "--direction", metavar="A,B", help="direction vector u (normalised for you)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    return parser


def _run_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="gdviz run",
        description="Run an optimizer from a start point and print every step and why it stopped.",
    )
    add_source_and_run_options(parser)
    parser.add_argument("--format", choices=("csv", "json"), default="csv", help="output format")
    return parser


def add_source_and_run_options(parser: argparse.ArgumentParser) -> None:
    """--preset | --function | --dataset, the optimizer and its settings, start, steps, tol."""
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--preset", metavar="NAME", help="a preset (see `gdviz presets`)")
    source.add_argument("--function", metavar="EXPR", help="f(x, y)")
    source.add_argument(
        "--dataset", metavar="lecture|FILE.csv", help="the log loss L(w, b) of a dataset (x,y CSV)"
    )
    source.add_argument(
        "--scene", metavar="FILE.json", help="a scene saved by gdviz (its surface, point, runs)"
    )
    parser.add_argument(
        "--optimizer", default="gd", help=f"one of {', '.join(OPTIMIZER_NAMES)} (default gd)"
    )
    for name, what in (
        ("lr", "learning rate α"),
        ("momentum", "momentum μ (momentum, nesterov)"),
        ("beta1", "Adam's β₁"),
        ("beta2", "Adam's β₂"),
        ("eps", "ε (adagrad, rmsprop, adam)"),
        ("alpha", "RMSProp's smoothing α"),
    ):
        parser.add_argument(f"--{name}", metavar="V", help=f"{what}; default: torch's")
    parser.add_argument("--start", metavar="X,Y", help="start point (default: the preset's)")
    parser.add_argument("--steps", default="1000", metavar="N", help="max steps (default 1000)")
    parser.add_argument("--tol", default="1e-6", metavar="T", help="stop when |∇f| < T (1e-6)")
    parser.add_argument(
        "--log-base", default="e", metavar="e|10|2", help="log of the loss (--dataset; default e)"
    )


def _presets_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gdviz presets", description="List the named functions and datasets.")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    return parser


def _fmt(value: float) -> str:
    return f"{value:.7g}"


def run_presets(argv: Sequence[str]) -> int:
    from gdviz.core.presets import all_presets, default_preset_name

    args = _presets_parser().parse_args(argv)
    presets = all_presets()
    if args.json:
        rows = [
            {
                "name": p.name,
                "title": p.title,
                "kind": p.kind,
                "expression": p.expression,
                "dataset": p.dataset,
                "window": list(p.window.as_tuple()),
                "start": list(p.start),
            }
            for p in presets
        ]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    default = default_preset_name()
    width = max(len(p.name) for p in presets)
    for p in presets:
        what = p.expression if p.kind == "expression" else f"log loss of dataset {p.dataset!r}"
        mark = " (default)" if p.name == default else ""
        print(f"{p.name:<{width}}  {what}{mark}")
    return 0


def run_eval(argv: Sequence[str]) -> int:
    from gdviz.core.calculus import directional, point_report, secant_x, secant_y
    from gdviz.core.surfaces import ExpressionSurface
    from gdviz.core.window import Window

    args = _from_scene(_eval_parser().parse_args(argv), {"function": "function", "at": "point"})
    delta = _positive_finite(args.delta, "--delta", allow_negative=True)
    count = len(args.at.split(","))
    if count == 3:
        return _run_eval_3d(args)
    if count != 2:
        raise UsageError(
            f"--at needs 2 (x,y) or 3 (x,y,z) comma-separated numbers, got {args.at!r}"
        )
    x, y = parse_numbers(args.at, 2, "--at")
    direction = None
    if args.direction is not None:  # an empty --direction is an error, not "no direction"
        direction = parse_numbers(args.direction, 2, "--direction")
    if direction is not None and direction == (0.0, 0.0):
        raise UsageError("--direction must be a non-zero vector")
    # A window around the point that stays a real interval for |x| ~ 1e308 (x + 1 == x there).
    hx, hy = max(1.0, abs(x) * 1e-3), max(1.0, abs(y) * 1e-3)
    try:
        window = Window(x - hx, x + hx, y - hy, y + hy)
    except ValueError:
        raise UsageError(f"--at: ({x:g}, {y:g}) is too large to evaluate at") from None
    surface = ExpressionSurface(args.function, window)
    point = point_report(surface, x, y)
    if not math.isfinite(point.f):
        reason = explain_nan(surface.expression, x, y) or "outside its domain"
        raise UsageError(f"f is not defined at ({x:g}, {y:g}): {reason}")
    if x + delta == x or y + delta == y:  # the secant would divide 0 by Δ
        raise UsageError(f"--delta {delta:g} is lost in rounding at ({x:g}, {y:g}): use a larger Δ")
    sx, sy = secant_x(surface, x, y, delta), secant_y(surface, x, y, delta)
    for (sx_x, sx_y), shifted in (((x + delta, y), sx.f_shifted), ((x, y + delta), sy.f_shifted)):
        if not math.isfinite(shifted):  # e.g. --delta 1e308: f overflows at the secant point
            reason = explain_nan(surface.expression, sx_x, sx_y) or "outside its domain"
            raise UsageError(
                f"--delta {delta:g}: f is not defined at ({sx_x:g}, {sx_y:g}): {reason}"
            )
    result = {
        "function": surface.formula,
        "at": [x, y],
        "f": point.f,
        "f_x": point.f_x,
        "f_y": point.f_y,
        "f_x_formula": surface.f_x.formula,
        "f_y_formula": surface.f_y.formula,
        "grad_norm": point.grad_norm,
        "delta": delta,
        "secant_x": {
            "point": [x + delta, y],
            "f": sx.f_shifted,
            "delta_z": sx.delta_z,
            "slope": sx.slope,
            "error": sx.error,
        },
        "secant_y": {
            "point": [x, y + delta],
            "f": sy.f_shifted,
            "delta_z": sy.delta_z,
            "slope": sy.slope,
            "error": sy.error,
        },
    }
    if direction is not None:
        d = directional(surface, x, y, direction, delta)
        result["direction"] = {
            "u": list(d.u),
            "input_norm": d.u_norm_input,
            "step": d.step,
            "point": list(d.point),
            "f": d.f_shifted,
            "secant_slope": d.secant_slope,
            "derivative": d.derivative,
        }
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    lines = [
        f"f(x, y)      = {surface.formula}",
        f"f_x          = {surface.f_x.formula}",
        f"f_y          = {surface.f_y.formula}",
        f"at (x, y)    = ({_fmt(x)}, {_fmt(y)})",
        f"f            = {_fmt(point.f)}",
        f"f_x          = {_fmt(point.f_x)}",
        f"f_y          = {_fmt(point.f_y)}",
        f"|∇f|         = {_fmt(point.grad_norm)}",
        f"secant in x  : Δ = {_fmt(delta)}, f({_fmt(x + delta)}, {_fmt(y)}) = "
        f"{_fmt(sx.f_shifted)}, "
        f"Δz = {_fmt(sx.delta_z)}, Δz/Δx = {_fmt(sx.slope)} (error vs f_x {_fmt(sx.error)})",
        f"secant in y  : Δ = {_fmt(delta)}, f({_fmt(x)}, {_fmt(y + delta)}) = "
        f"{_fmt(sy.f_shifted)}, "
        f"Δz = {_fmt(sy.delta_z)}, Δz/Δy = {_fmt(sy.slope)} (error vs f_y {_fmt(sy.error)})",
    ]
    if direction is not None:
        u = result["direction"]
        lines += [
            f"u            = ({_fmt(u['u'][0])}, {_fmt(u['u'][1])})  (given |u| = "
            f"{_fmt(u['input_norm'])}, normalised)",
            f"I0 = A0 + s·u = ({_fmt(u['point'][0])}, {_fmt(u['point'][1])}), s = {_fmt(delta)}",
            f"f(I0)        = {_fmt(u['f'])}",
            f"secant along u = {_fmt(u['secant_slope'])}",
            f"D_u f = ∇f·u = {_fmt(u['derivative'])}",
        ]
    print("\n".join(lines))
    return 0


def _json_float(value: float | None) -> float | str | None:
    """A number for JSON: NaN/None -> null, ±inf -> "+inf"/"-inf" (JSON has no infinities)."""
    if value is None or math.isnan(value):
        return None
    if math.isinf(value):
        return "+inf" if value > 0 else "-inf"
    return value


def _run_eval_3d(args: argparse.Namespace) -> int:
    from gdviz.core.calculus import evaluate_at
    from gdviz.core.expression import parse_expression

    at = parse_numbers(args.at, 3, "--at")
    if args.direction is not None:
        raise UsageError("--direction applies to a point (x,y) of f(x, y) only")
    variables = ("x", "y", "z")
    expression = parse_expression(args.function, variables)
    point = evaluate_at(expression, at)
    shown = ", ".join(f"{v:g}" for v in at)
    if not math.isfinite(point.value):
        raise UsageError(f"f is not defined at ({shown}): {point.reason}")
    formulas = [expression.derivative(v).formula for v in variables]
    if args.json:
        result = {"function": expression.formula, "variables": list(variables), "at": list(at)}
        result["f"] = point.value
        for name, value, formula in zip(variables, point.gradient, formulas, strict=True):
            result[f"f_{name}"] = _json_float(value)
            result[f"f_{name}_formula"] = formula
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    lines = [
        f"f(x, y, z)   = {expression.formula}",
        f"at (x, y, z) = ({', '.join(_fmt(v) for v in at)})",
        f"f            = {_fmt(point.value)}",
    ]
    for name, value, formula in zip(variables, point.gradient, formulas, strict=True):
        lines.append(f"f_{name}          = {_fmt(value)}    ({formula})")
    print("\n".join(lines))
    return 0


def _limit_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="gdviz limit",
        description="Approach a point along paths and print f there: does the limit exist? "
        "With --one-variable, one-sided limits of g(x) (also at inf / -inf).",
    )
    parser.add_argument("--function", metavar="EXPR", help="f(x, y), or g(x)")
    _add_scene_option(parser, "the function and the limit point of a saved scene")
    parser.add_argument(
        "--at", metavar="X0,Y0", help="the point (with --one-variable: A, inf, -inf)"
    )
    parser.add_argument(
        "--slope", action="append", default=[], metavar="M", help="the line y − y0 = M(x − x0)"
    )
    parser.add_argument(
        "--parabola", action="append", default=[], metavar="K", help="y − y0 = K(x − x0)²"
    )
    parser.add_argument("--vertical", action="store_true", help="the vertical line x = x0")
    parser.add_argument(
        "--path",
        action="append",
        default=[],
        metavar="X(T), Y(T)",
        help="a curve in t through the point at t = t0, e.g. 't, t^2'",
    )
    parser.add_argument("--t0", metavar="T", help="t0 of the --path curves (default 0)")
    parser.add_argument(
        "--one-variable", action="store_true", help="one-sided limits of g(x) at A (or ±inf)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    return parser


def _finite_option(text: str, what: str) -> float:
    value = _number_option(text, what)
    if not math.isfinite(value):
        raise UsageError(f"{what} must be a finite number, got {text!r}")
    return value


def _split_path(text: str) -> tuple[str, str]:
    """'x(t), y(t)' -> the two texts, split at the comma outside brackets."""
    depth = 0
    cuts = []
    for i, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            cuts.append(i)
    if len(cuts) != 1:
        raise UsageError(f"--path needs two expressions in t, 'x(t), y(t)', got {text!r}")
    return text[: cuts[0]], text[cuts[0] + 1 :]


def _limit_paths(args: argparse.Namespace) -> list:
    from gdviz.core.limits import line_path, parabola_path, parametric_path, vertical_path

    t0 = 0.0 if args.t0 is None else _finite_option(args.t0, "--t0")
    paths = [line_path(_finite_option(m, "--slope")) for m in args.slope]
    if args.vertical:
        paths.append(vertical_path())
    paths += [parabola_path(_finite_option(k, "--parabola")) for k in args.parabola]
    paths += [parametric_path(*_split_path(text), t0=t0) for text in args.path]
    if not paths:
        paths = [line_path(1.0), line_path(-1.0), line_path(0.0), vertical_path()]
        paths.append(parabola_path(1.0))
    return paths


def _value_text(value: float) -> str:
    return "undefined" if math.isnan(value) else _fmt(value)


def run_limit(argv: Sequence[str]) -> int:
    args = _from_scene(
        _limit_parser().parse_args(argv), {"function": "function", "at": "limit_point"}
    )
    if args.one_variable:
        return _run_limit_1d(args)
    from gdviz.core.expression import parse_expression
    from gdviz.core.limits import format_limit_value, limit_along, limit_verdict

    if len(args.at.split(",")) != 2:
        raise UsageError(
            f"--at needs 2 comma-separated numbers X0,Y0 (or use --one-variable), got {args.at!r}"
        )
    x0, y0 = parse_numbers(args.at, 2, "--at")
    expression = parse_expression(args.function, ("x", "y"))
    results = [limit_along(expression, x0, y0, path) for path in _limit_paths(args)]
    verdict = limit_verdict(results)
    if args.json:

        def rows(side) -> list[dict]:
            return [{"t": r.t, "x": r.x, "y": r.y, "f": _json_float(r.value)} for r in side]

        print(json.dumps({
            "function": expression.formula,
            "at": [x0, y0],
            "paths": [
                {"name": r.path_name, "t0": r.t0, "left": rows(r.left), "right": rows(r.right),
                 "estimate": _json_float(r.estimate), "agrees_both_sides": r.agrees_both_sides,
                 "left_trend": r.left_trend, "right_trend": r.right_trend, "note": r.note}
                for r in results
            ],
            "verdict": {"agree": verdict.agree, "value": _json_float(verdict.value),
                        "message": verdict.message},
        }, indent=1, ensure_ascii=False))  # fmt: skip
        return 0
    lines = [f"f(x, y) = {expression.formula}, (x, y) → ({_fmt(x0)}, {_fmt(y0)})"]
    for r in results:
        lines += ["", f"along {r.path_name}, t → {_fmt(r.t0)}:"]
        lines.append(f"  {'side':<6}{'t':>15}{'x':>15}{'y':>15}{'f(x, y)':>17}")
        for side, table in (("left", r.left), ("right", r.right)):
            lines += [
                f"  {side:<6}{_fmt(row.t):>15}{_fmt(row.x):>15}{_fmt(row.y):>15}"
                f"{_value_text(row.value):>17}"
                for row in table
            ]
        lines.append(f"  estimate: {format_limit_value(r.estimate)} ({r.note})")
    lines += ["", f"verdict: {verdict.message}"]
    print("\n".join(lines))
    return 0


def _parse_limit_point(text: str) -> float:
    cleaned = text.strip().replace("−", "-").replace("∞", "inf")
    if cleaned in ("inf", "+inf", "-inf"):
        return float(cleaned)
    if "," in cleaned:
        raise UsageError(
            f"--at needs one number A (or inf, -inf) with --one-variable, got {text!r}"
        )
    return _finite_option(cleaned, "--at")


def _run_limit_1d(args: argparse.Namespace) -> int:
    from gdviz.core.expression import parse_expression
    from gdviz.core.limits import (
        infinity_verdict,
        limit_at_infinity,
        one_sided_limit,
        one_variable_verdict,
    )

    if args.slope or args.parabola or args.path or args.vertical or args.t0 is not None:
        raise UsageError("--slope, --parabola, --vertical, --path and --t0 are for f(x, y)")
    a = _parse_limit_point(args.at)
    g = parse_expression(args.function, ("x",))
    if math.isinf(a):
        limit = limit_at_infinity(g, 1 if a > 0 else -1)
        sides = [(limit, "+∞" if a > 0 else "−∞")]
        verdict = infinity_verdict(limit)
    else:
        left, right = one_sided_limit(g, a, "left"), one_sided_limit(g, a, "right")
        sides = [(left, "left"), (right, "right")]
        verdict = one_variable_verdict(left, right)
    if args.json:
        print(json.dumps({
            "function": g.formula,
            "at": _json_float(a),
            "sides": [
                {"side": name, "rows": [{"x": r.x, "g": _json_float(r.value)} for r in lim.rows],
                 "estimate": _json_float(lim.estimate), "trend": lim.trend,
                 "verdict": lim.verdict}
                for lim, name in sides
            ],
            "verdict": {"agree": verdict.agree, "value": _json_float(verdict.value),
                        "message": verdict.message},
        }, indent=1, ensure_ascii=False))  # fmt: skip
        return 0
    target = sides[0][1] if math.isinf(a) else _fmt(a)
    lines = [f"g(x) = {g.formula}, x → {target}"]
    for lim, name in sides:
        lines += ["", f"  {'side':<6}{'x':>15}{'g(x)':>17}"]
        lines += [f"  {name:<6}{_fmt(r.x):>15}{_value_text(r.value):>17}" for r in lim.rows]
        lines.append(f"  {name}: {lim.verdict}")
    lines += ["", f"verdict: {verdict.message}"]
    print("\n".join(lines))
    return 0


def _number_option(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"{what}: {text!r} is not a number") from None
    return value


def _whole_number(text: str, what: str, minimum: int, maximum: int | None = None) -> int:
    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"{what} must be a whole number ≥ {minimum}, got {text!r}") from None
    if value < minimum:
        raise UsageError(f"{what} must be a whole number ≥ {minimum}, got {text!r}")
    if maximum is not None and value > maximum:
        raise UsageError(f"{what} must be at most {maximum}, got {text!r}")
    return value


def surface_from_args(args: argparse.Namespace):
    """(surface, suggested start) for --preset, --function or --dataset."""
    from gdviz.core.logistic import Dataset, load_dataset_csv, parse_log_base
    from gdviz.core.presets import get_preset
    from gdviz.core.surfaces import ExpressionSurface, LogisticLossSurface
    from gdviz.core.window import Window

    log_base = parse_log_base(args.log_base)
    # `is not None`: an empty value (--preset "") is reported, not mistaken for another source.
    if getattr(args, "scene", None) is not None:
        return surface_from_scene(args.scene)
    if args.preset is not None:
        preset = get_preset(args.preset)
        return preset.surface(log_base), preset.start
    if args.function is not None:
        return ExpressionSurface(args.function, Window(-3.0, 3.0, -3.0, 3.0)), None
    lecture = get_preset("lecture-logistic")
    dataset = Dataset.lecture() if args.dataset == "lecture" else load_dataset_csv(args.dataset)
    return LogisticLossSurface(dataset, lecture.window, log_base), lecture.start


def surface_from_scene(path: str):
    """(surface, the scene's point) for the source of a saved scene."""
    from gdviz.core.logistic import LOG_BASES, Dataset
    from gdviz.core.presets import get_preset
    from gdviz.core.scene import load_scene
    from gdviz.core.surfaces import ExpressionSurface, LogisticLossSurface
    from gdviz.core.window import Window

    scene = load_scene(path)
    window, base = Window(*scene.window), LOG_BASES[scene.log_base]
    source = scene.source
    if source.kind == "preset":
        surface = get_preset(source.preset).surface(base)
    elif source.kind == "expression":
        surface = ExpressionSurface(source.expression, window)
    else:
        surface = LogisticLossSurface(Dataset(source.dataset_x, source.dataset_y), window, base)
    return surface, scene.point


def optimizer_from_args(args: argparse.Namespace):
    """(optimizer, max_steps, tol) from the run options, validated."""
    from gdviz.core.optimizers import make_optimizer

    overrides = {
        name: _number_option(getattr(args, name), f"--{name}")
        for name in ("lr", "momentum", "beta1", "beta2", "eps", "alpha")
        if getattr(args, name) is not None
    }
    optimizer = make_optimizer(args.optimizer, **overrides)
    max_steps = _whole_number(args.steps, "--steps", 1, MAX_STEPS)
    tol = _number_option(args.tol, "--tol")
    if not (math.isfinite(tol) and tol >= 0):  # checked here so export fails before any display
        raise UsageError(f"--tol (tolerance) must be a finite number ≥ 0, got {args.tol!r}")
    return optimizer, max_steps, tol


def start_from_args(args: argparse.Namespace, suggested) -> tuple[float, float]:
    if args.start is not None:
        return parse_numbers(args.start, 2, "--start")
    if suggested is not None:
        return suggested
    raise UsageError("--start X,Y is needed with --function")


def run_run(argv: Sequence[str]) -> int:
    from gdviz.core.descent import run_to_end

    args = _run_parser().parse_args(argv)
    optimizer, max_steps, tol = optimizer_from_args(args)
    surface, suggested = surface_from_args(args)
    start = start_from_args(args, suggested)
    steps, end = run_to_end(surface, start, optimizer, max_steps=max_steps, tol=tol)
    a, b, _ = surface.axis_names
    if args.format == "json":
        print(json.dumps({
            "optimizer": optimizer.name,
            "hyperparameters": vars(optimizer.hp),
            "start": list(start),
            "axes": list(surface.axis_names),
            "steps": [
                {"k": s.k, a: s.point[0], b: s.point[1], "f": s.value,
                 "f_x": s.gradient[0], "f_y": s.gradient[1]}
                for s in steps
            ],
            "stop": {"reason": end.reason.value, "step": end.steps, "message": end.message},
        }, indent=1, ensure_ascii=False))  # fmt: skip
    else:
        lines = [f"k,{a},{b},f,f_x,f_y"]
        lines += [
            f"{s.k},{s.point[0]!r},{s.point[1]!r},{s.value!r},{s.gradient[0]!r},{s.gradient[1]!r}"
            for s in steps
        ]
        lines.append(f"# stop: {end.reason.value}: {end.message}")
        print("\n".join(lines))
    return 0


def _likelihood_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="gdviz likelihood",
        description="The lecture's likelihood table for z = W·x + B: z, a = σ(z), P(Y = yᵢ) per "
        "example, then L = Π P, log L and the cost −(1/m)·log L.",
    )
    parser.add_argument("--dataset", metavar="lecture|FILE.csv", help="the examples (x,y CSV)")
    _add_scene_option(parser, "the dataset, model (the point) and log base of a saved scene")
    parser.add_argument("--model", metavar="W,B", help="weight and bias, e.g. 0.5,-4 or 1,-25")
    parser.add_argument(
        "--log-base",
        default="e",
        metavar="e|10|2",
        help="log base of the cost (default e; the slides use 10)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    return parser


def _cost_line(table) -> str:
    """The cost −(1/m)·log L in the table's base, and with ln when that base is not e."""
    from gdviz.core.logistic import log_base_label

    label = log_base_label(table.log_base)
    if label == "e":
        return f"cost (ln) = {_fmt10(table.cost)}"
    slides = ", as on the slides" if label == "10" else ""
    return (
        f"cost (log{label}{slides}) = {_fmt10(table.cost)}; with ln: {_fmt10(table.cost_natural)}"
    )


def _model_text(w: float, b: float) -> str:
    """'z = 0.5·x − 4' for w = 0.5, b = −4."""
    sign = "−" if b < 0 else "+"
    return f"z = {_fmt10(w)}·x {sign} {_fmt10(abs(b))}"


def run_likelihood(argv: Sequence[str]) -> int:
    from gdviz.core.datasets import separability
    from gdviz.core.likelihood import (
        decision_boundary,
        likelihood_table,
        misclassified,
        small_probability_rows,
    )
    from gdviz.core.logistic import Dataset, load_dataset_csv, log_base_label, parse_log_base

    args = _likelihood_parser().parse_args(argv)
    if args.scene is not None and "--log-base" not in argv:
        args.log_base = None
    args = _from_scene(args, {"dataset": "dataset", "model": "point", "log_base": "log_base"})
    w, b = parse_numbers(args.model, 2, "--model")
    log_base = parse_log_base(args.log_base)
    if isinstance(args.dataset, Dataset):
        dataset, args.dataset = args.dataset, f"{args.scene} (its dataset)"
    elif args.dataset == "lecture":
        dataset = Dataset.lecture()
    else:
        dataset = load_dataset_csv(args.dataset)
    table = likelihood_table(dataset, w, b, log_base)
    small = small_probability_rows(table)
    wrong = misclassified(dataset, w, b)
    boundary = decision_boundary(w, b)
    verdict = separability(dataset)
    if args.json:
        print(json.dumps({
            "dataset": args.dataset,
            "m": table.m,
            "model": {"w": w, "b": b},
            "log_base": log_base_label(log_base),
            "rows": [
                {"i": i + 1, "x": x, "y": int(y), "z": z, "a": a, "p": p, "log_p": lp,
                 "misclassified": bad}
                for i, (x, y, z, a, p, lp, bad) in enumerate(zip(
                    table.x.tolist(), table.y.tolist(), table.z.tolist(), table.a.tolist(),
                    table.p.tolist(), table.log_p.tolist(), wrong.tolist(), strict=True))
            ],
            "likelihood": table.likelihood,
            "likelihood_underflows": table.likelihood_underflows,
            "likelihood_text": table.likelihood_text,
            "log_likelihood": table.log_likelihood,
            "log10_likelihood": table.log10_likelihood,
            "cost": table.cost,
            "cost_natural": table.cost_natural,
            "small_probability_rows": (small + 1).tolist(),
            "decision_boundary": boundary,
            "separability": {"kind": verdict.kind, "separable": verdict.separable,
                             "direction": verdict.direction,
                             "gap": None if verdict.gap is None else list(verdict.gap),
                             "has_minimum": verdict.has_minimum, "message": verdict.message},
        }, indent=1, ensure_ascii=False))  # fmt: skip
        return 0
    lines = [
        f"dataset: {args.dataset} ({table.m} examples); model {_model_text(w, b)}",
        "",
        f"{'i':>6} {'x':>14} {'y':>2} {'z':>14} {'a = σ(z)':>16} {'P(Y = y_i)':>16} {'ln P':>16}",
    ]
    lines += [
        f"{i:>6} {_fmt10(x):>14} {int(y):>2} {_fmt10(z):>14} {_fmt10(a):>16} {_fmt10(p):>16} "
        f"{_fmt10(lp):>16}"
        for i, (x, y, z, a, p, lp) in enumerate(
            zip(
                table.x.tolist(),
                table.y.tolist(),
                table.z.tolist(),
                table.a.tolist(),
                table.p.tolist(),
                table.log_p.tolist(),
                strict=True,
            ),
            start=1,
        )
    ]
    underflow = ""
    if table.likelihood_underflows:
        underflow = " (below float64's range: computed from log10 L)"
    lines += [
        "",
        f"L = Π P(Y = y_i) = {table.likelihood_text}{underflow}",
        f"log L (natural) = {_fmt10(table.log_likelihood)}; "
        f"log10 L = {_fmt10(table.log10_likelihood)}",
        _cost_line(table),
    ]
    if small.size:
        shown = ", ".join(str(i + 1) for i in small[:20].tolist())
        more = f" and {small.size - 20} more" if small.size > 20 else ""
        lines.append(f"rows with P < 0.05 (they crush the product): {shown}{more}")
    if boundary is None:
        lines.append("boundary: none (w = 0: every example gets the same a)")
    else:
        side = "≥" if w > 0 else "≤"
        lines.append(
            f"boundary: z = 0 at x = −b/w = {_fmt(boundary)} (class 1 predicted for x {side} "
            f"{_fmt(boundary)}); misclassified: {int(wrong.sum())} of {table.m}"
        )
    lines.append(f"dataset: {verdict.message}")
    print("\n".join(lines))
    return 0


def _fmt10(value: float) -> str:
    return f"{value:.10g}"


def run_gui(argv: Sequence[str]) -> int:
    args = _gui_parser().parse_args(argv)
    from gdviz.core.presets import get_preset

    if args.preset is not None:
        get_preset(args.preset)  # unknown names fail here, before a window exists
    if args.function is not None:
        from gdviz.core.expression import parse_expression

        parse_expression(args.function)
    if args.scene is not None:
        from gdviz.core.scene import load_scene

        load_scene(args.scene)  # a bad file is reported here, before a window exists
    if args.lesson is not None and args.lesson != "lecture":
        from gdviz.core.lesson import load_lesson

        load_lesson(args.lesson)
    from gdviz.ui.app import run_app

    return run_app(preset=args.preset, function=args.function, scene=args.scene, lesson=args.lesson)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `gdviz` command; returns the process exit status."""
    argv = _attach_negative_values(list(sys.argv[1:] if argv is None else argv))
    verb = argv[0] if argv and argv[0] in VERBS else None
    prog = f"gdviz {verb}" if verb else "gdviz"
    try:
        if verb == "presets":
            return run_presets(argv[1:])
        if verb == "eval":
            return run_eval(argv[1:])
        if verb == "run":
            return run_run(argv[1:])
        if verb == "limit":
            return run_limit(argv[1:])
        if verb == "likelihood":
            return run_likelihood(argv[1:])
        if verb == "export":
            from gdviz.cli_export import run_export

            return run_export(argv[1:])
        return run_gui(argv)
    except DatasetError as err:
        # Every bad row on its own line (the message itself lists at most 50).
        if len(err.errors) == 1:
            print(f"{prog}: error: {err.errors[0]}", file=sys.stderr)
        else:
            lines = [f"{prog}: error: {len(err.errors)} bad dataset rows:", *err.errors]
            print("\n".join(lines), file=sys.stderr)
        return 2
    except (UsageError, ExpressionError, ValueError, KeyError, OSError) as err:
        message = str(err)
        if isinstance(err, ExpressionError):
            message = f"invalid expression: {message}"
        print(f"{prog}: error: {message}", file=sys.stderr)
        return 2
