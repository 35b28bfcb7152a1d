"""`gdviz limit`: f along paths into a point, and one-variable limits."""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Sequence

from gdviz.cli.options import (
    Parser,
    UsageError,
    add_scene_option,
    finite_option,
    fmt,
    from_scene,
    json_float,
    parse_point,
    value_text,
)
from gdviz.core.numbers import parse_limit_point
from gdviz.core.shown import shown_text


def _limit_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="gdviz limit",
        description="Approach a point along paths and print f there: does the limit exist? "
        "With --one-variable, one-sided limits of g(x) (also at inf / -inf).",
    )
    parser.add_argument("--function", metavar="EXPR", help="f(x, y), or g(x)")
    add_scene_option(parser, "the function and the limit point of a saved scene")
    parser.add_argument(
        "--at",
        metavar="X0,Y0",
        help="the point, e.g. 0,0 or pi,0 (with --one-variable: A, inf, -inf)",
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
        raise UsageError(f"--path needs two expressions in t, 'x(t), y(t)', got {shown_text(text)}")
    return text[: cuts[0]], text[cuts[0] + 1 :]


def _limit_paths(args: argparse.Namespace) -> list:
    from gdviz.core.limits import line_path, parabola_path, parametric_path, vertical_path

    t0 = 0.0 if args.t0 is None else finite_option(args.t0, "--t0")
    paths = [line_path(finite_option(m, "--slope")) for m in args.slope]
    if args.vertical:
        paths.append(vertical_path())
    paths += [parabola_path(finite_option(k, "--parabola")) for k in args.parabola]
    paths += [parametric_path(*_split_path(text), t0=t0) for text in args.path]
    if not paths:
        paths = [line_path(1.0), line_path(-1.0), line_path(0.0), vertical_path()]
        paths.append(parabola_path(1.0))
    return paths


def run_limit(argv: Sequence[str]) -> int:
    args = from_scene(
        _limit_parser().parse_args(argv), {"function": "function", "at": "limit_point"}
    )
    if args.one_variable:
        return _run_limit_1d(args)
    from gdviz.core.expression import parse_expression
    from gdviz.core.limits import format_limit_value, limit_along, limit_verdict

    if len(args.at.split(",")) != 2:
        raise UsageError(
            "--at needs 2 comma-separated numbers X0,Y0 (or use --one-variable), "
            f"got {shown_text(args.at)}"
        )
    x0, y0 = parse_point(args.at, 2, "--at")
    expression = parse_expression(args.function, ("x", "y"))
    results = [limit_along(expression, x0, y0, path) for path in _limit_paths(args)]
    verdict = limit_verdict(results)
    if args.json:

        def rows(side) -> list[dict]:
            return [{"t": r.t, "x": r.x, "y": r.y, "f": json_float(r.value)} for r in side]

        print(json.dumps({
            "function": expression.formula,
            "at": [x0, y0],
            "paths": [
                {"name": r.path_name, "t0": r.t0, "left": rows(r.left), "right": rows(r.right),
                 "estimate": json_float(r.estimate), "agrees_both_sides": r.agrees_both_sides,
                 "left_trend": r.left_trend, "right_trend": r.right_trend, "note": r.note}
                for r in results
            ],
            "verdict": {"agree": verdict.agree, "value": json_float(verdict.value),
                        "message": verdict.message},
        }, indent=1, ensure_ascii=False))  # fmt: skip
        return 0
    lines = [f"f(x, y) = {expression.formula}, (x, y) → ({fmt(x0)}, {fmt(y0)})"]
    for r in results:
        lines += ["", f"along {r.path_name}, t → {fmt(r.t0)}:"]
        lines.append(f"  {'side':<6}{'t':>15}{'x':>15}{'y':>15}{'f(x, y)':>17}")
        for side, table in (("left", r.left), ("right", r.right)):
            lines += [
                f"  {side:<6}{fmt(row.t):>15}{fmt(row.x):>15}{fmt(row.y):>15}"
                f"{value_text(row.value):>17}"
                for row in table
            ]
        lines.append(f"  estimate: {format_limit_value(r.estimate)} ({r.note})")
    lines += ["", f"verdict: {verdict.message}"]
    print("\n".join(lines))
    return 0


def _parse_limit_point(text: str) -> float:
    """A of the one-variable limit: the GUI's parser (a number, inf, -inf, ∞)."""
    if "," in text:
        raise UsageError(
            f"--at needs one number A (or inf, -inf) with --one-variable, got {shown_text(text)}"
        )
    try:
        return parse_limit_point(text, "--at")
    except ValueError as err:
        raise UsageError(str(err)) from None


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
            "at": json_float(a),
            "sides": [
                {"side": name, "rows": [{"x": r.x, "g": json_float(r.value)} for r in lim.rows],
                 "estimate": json_float(lim.estimate), "trend": lim.trend,
                 "verdict": lim.verdict}
                for lim, name in sides
            ],
            "verdict": {"agree": verdict.agree, "value": json_float(verdict.value),
                        "message": verdict.message},
        }, indent=1, ensure_ascii=False))  # fmt: skip
        return 0
    target = sides[0][1] if math.isinf(a) else fmt(a)
    lines = [f"g(x) = {g.formula}, x → {target}"]
    for lim, name in sides:
        lines += ["", f"  {'side':<6}{'x':>15}{'g(x)':>17}"]
        lines += [f"  {name:<6}{fmt(r.x):>15}{value_text(r.value):>17}" for r in lim.rows]
        lines.append(f"  {name}: {lim.verdict}")
    lines += ["", f"verdict: {verdict.message}"]
    print("\n".join(lines))
    return 0
