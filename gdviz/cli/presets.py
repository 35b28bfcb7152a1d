"""`gdviz presets`: the named functions and datasets."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence

from gdviz.cli.options import (
    Parser,
)


def _presets_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="gdviz presets", description="List the named functions and datasets.")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    return parser


def run_presets(argv: Sequence[str]) -> int:
    args = _presets_parser().parse_args(argv)  # before the heavy imports: --help stays instant
    from gdviz.core.presets import all_presets, default_preset_name

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
