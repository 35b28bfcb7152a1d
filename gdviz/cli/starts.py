"""`gdviz starts`: many starts over the window run together; the minima found and each basin."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence

from gdviz.cli.options import (
    Parser,
    add_source_and_run_options,
    json_float,
    optimizer_from_args,
    seed_option,
    surface_from_args,
    whole_number,
)

FORMATS = ("csv", "json")


def _starts_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="gdviz starts",
        description="Run an optimizer from many starts over the surface's window (run "
        "together), group where they end into the minima found, and print each start's basin.",
    )
    add_source_and_run_options(parser, with_start=False)
    parser.add_argument(
        "--count", default="400", metavar="K", help="how many starts, 1 to 10,000 (default 400)"
    )
    layout = parser.add_mutually_exclusive_group()
    layout.add_argument(
        "--grid",
        dest="layout",
        action="store_const",
        const="grid",
        help="starts at the centres of a grid of cells (the default)",
    )
    layout.add_argument("--random", dest="layout", action="store_const", const="random",
                        help="starts drawn uniformly over the window (see --seed)")  # fmt: skip
    parser.add_argument("--seed", default=None, metavar="S", help="seed of --random (default 0)")
    parser.add_argument("--format", choices=FORMATS, default="csv", help="output format")
    return parser


def run_starts_verb(argv: Sequence[str]) -> int:
    args = _starts_parser().parse_args(argv)  # before the heavy imports: --help stays instant
    from gdviz.cli.options import UsageError
    from gdviz.core.run_settings import MAX_STARTS, StartsSettings

    layout = args.layout or "grid"
    if args.seed is not None and layout != "random":
        raise UsageError("--seed draws --random starts; a --grid has none")
    count = whole_number(args.count, "--count", 1, MAX_STARTS)
    seed = 0 if args.seed is None else seed_option(args.seed)
    settings = StartsSettings(count, layout, seed)
    optimizer, max_steps, tol = optimizer_from_args(args)
    surface, _ = surface_from_args(args)
    from gdviz.core.scatter import make_starts, run_starts

    window = surface.default_window
    scatter = run_starts(surface, make_starts(window, settings), optimizer, max_steps, tol, window)
    a, b, _ = surface.axis_names
    if args.format == "json":
        print(_json(scatter, optimizer, settings, a, b))
    else:
        print(_csv(scatter, a, b))
    return 0


def _csv(scatter, a: str, b: str) -> str:
    lines = [f"i,{a},{b},end_{a},end_{b},end_f,stop,basin"]
    for i, ((x, y), (ex, ey), f, label) in enumerate(_rows(scatter)):
        stop = scatter.reasons[i].value
        lines.append(f"{i},{x!r},{y!r},{ex!r},{ey!r},{f!r},{stop},{label}")
    lines.append(f"# minima found: {len(scatter.minima)} (basin,{a},{b},f,count)")
    lines += [
        f"# minimum,{k},{m.x!r},{m.y!r},{m.value!r},{m.count}" for k, m in enumerate(scatter.minima)
    ]
    return "\n".join(lines)


def _rows(scatter):
    return zip(
        scatter.starts.tolist(), scatter.ends.tolist(), scatter.end_values.tolist(),
        scatter.labels.tolist(), strict=True,
    )  # fmt: skip


def _json(scatter, optimizer, settings, a: str, b: str) -> str:
    return json.dumps({
        "optimizer": optimizer.name,
        "hyperparameters": vars(optimizer.hp),
        "layout": settings.layout,
        "seed": settings.seed if settings.layout == "random" else None,
        "minima": [
            {"basin": k, a: m.x, b: m.y, "f": m.value, "count": m.count}
            for k, m in enumerate(scatter.minima)
        ],
        "starts": [
            {"i": i, a: x, b: y, f"end_{a}": json_float(ex), f"end_{b}": json_float(ey),
             "end_f": json_float(f), "stop": scatter.reasons[i].value,
             "basin": None if label < 0 else label}
            for i, ((x, y), (ex, ey), f, label) in enumerate(_rows(scatter))
        ],
    }, indent=1, ensure_ascii=False)  # fmt: skip
