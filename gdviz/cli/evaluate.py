"""`gdviz eval`: f and its partial derivatives at a point, secants and a direction."""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Sequence

from gdviz.cli.options import (
    Parser,
    UsageError,
    add_scene_option,
    fmt,
    from_scene,
    json_float,
    parse_point,
    positive_finite,
)
from gdviz.core.shown import shown_text


def _eval_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="gdviz eval",
        description="f, its partial derivatives, |∇f|, forward secants, a directional derivative.",
    )
    parser.add_argument("--function", metavar="EXPR", help="f(x, y) or f(x, y, z)")
    add_scene_option(parser, "the function and the point of a saved scene")
    parser.add_argument(
        "--at",
        metavar="X,Y[,Z]",
        help="the point, e.g. 2,2.5, -1,0 or pi,pi/2 (numbers or constant expressions); "
        "three numbers evaluate f(x, y, z), e.g. 1,3,4",
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


def run_eval(argv: Sequence[str]) -> int:
    # parsed before the heavy imports (sympy): `gdviz eval --help` stays instant
    args = from_scene(_eval_parser().parse_args(argv), {"function": "function", "at": "point"})
    from gdviz.core.calculus import directional, point_report, secant_x, secant_y
    from gdviz.core.expression import explain_nan
    from gdviz.core.surfaces import ExpressionSurface
    from gdviz.core.window import Window

    delta = positive_finite(args.delta, "--delta", allow_negative=True)
    count = len(args.at.split(","))
    if count == 3:
        return _run_eval_3d(args)
    if count != 2:
        raise UsageError(
            f"--at needs 2 (x,y) or 3 (x,y,z) comma-separated numbers, got {shown_text(args.at)}"
        )
    x, y = parse_point(args.at, 2, "--at")
    direction = None
    if args.direction is not None:  # an empty --direction is an error, not "no direction"
        direction = parse_point(args.direction, 2, "--direction")
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
        # As shown: 0.0 where the raw value is below round-off (see calculus.shown_partial).
        "f_x_shown": point.f_x_shown.value,
        "f_y_shown": point.f_y_shown.value,
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
        f"at (x, y)    = ({fmt(x)}, {fmt(y)})",
        f"f            = {fmt(point.f)}",
        f"f_x          = {point.f_x_shown.text(7, ascii_minus=True)}",
        f"f_y          = {point.f_y_shown.text(7, ascii_minus=True)}",
        f"|∇f|         = {fmt(point.grad_norm)}",
        f"secant in x  : Δ = {fmt(delta)}, f({fmt(x + delta)}, {fmt(y)}) = "
        f"{fmt(sx.f_shifted)}, "
        f"Δz = {fmt(sx.delta_z)}, Δz/Δx = {fmt(sx.slope)} (error vs f_x {fmt(sx.error)})",
        f"secant in y  : Δ = {fmt(delta)}, f({fmt(x)}, {fmt(y + delta)}) = "
        f"{fmt(sy.f_shifted)}, "
        f"Δz = {fmt(sy.delta_z)}, Δz/Δy = {fmt(sy.slope)} (error vs f_y {fmt(sy.error)})",
    ]
    if direction is not None:
        u = result["direction"]
        lines += [
            f"u            = ({fmt(u['u'][0])}, {fmt(u['u'][1])})  (given |u| = "
            f"{fmt(u['input_norm'])}, normalised)",
            f"I0 = A0 + s·u = ({fmt(u['point'][0])}, {fmt(u['point'][1])}), s = {fmt(delta)}",
            f"f(I0)        = {fmt(u['f'])}",
            f"secant along u = {fmt(u['secant_slope'])}",
            f"D_u f = ∇f·u = {fmt(u['derivative'])}",
        ]
    print("\n".join(lines))
    return 0


def _run_eval_3d(args: argparse.Namespace) -> int:
    from gdviz.core.calculus import evaluate_at
    from gdviz.core.expression import parse_expression

    at = parse_point(args.at, 3, "--at")
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
            result[f"f_{name}"] = json_float(value)
            result[f"f_{name}_formula"] = formula
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    lines = [
        f"f(x, y, z)   = {expression.formula}",
        f"at (x, y, z) = ({', '.join(fmt(v) for v in at)})",
        f"f            = {fmt(point.value)}",
    ]
    for name, value, formula in zip(variables, point.gradient, formulas, strict=True):
        lines.append(f"f_{name}          = {fmt(value)}    ({formula})")
    print("\n".join(lines))
    return 0
