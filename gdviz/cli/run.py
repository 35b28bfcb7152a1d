"""`gdviz run`: an optimizer from a start, every step printed."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence

from gdviz.cli.options import (
    Parser,
    add_source_and_run_options,
    check_start_defined,
    optimizer_from_args,
    start_from_args,
    surface_from_args,
)


def _run_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="gdviz run",
        description="Run an optimizer from a start point and print every step and why it stopped.",
    )
    add_source_and_run_options(parser)
    parser.add_argument("--format", choices=("csv", "json"), default="csv", help="output format")
    return parser


def run_run(argv: Sequence[str]) -> int:
    args = _run_parser().parse_args(argv)  # before the heavy imports: --help stays instant
    from gdviz.core.descent import run_to_end

    optimizer, max_steps, tol = optimizer_from_args(args)
    surface, suggested = surface_from_args(args)
    start = start_from_args(args, suggested)
    check_start_defined(surface, start)  # as `gdviz eval` does: exit 2, not a run of 0 steps
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
