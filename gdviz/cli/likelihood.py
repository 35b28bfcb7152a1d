"""`gdviz likelihood`: the likelihood table and the cost of a model (w, b)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from gdviz.cli.options import (
    Parser,
    add_scene_option,
    fmt,
    fmt10,
    from_scene,
    parse_numbers,
)


def _likelihood_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="gdviz likelihood",
        description="The lecture's likelihood table for z = W·x + B: z, a = σ(z), P(Y = yᵢ) per "
        "example, then L = Π P, log L and the cost −(1/m)·log L.",
    )
    parser.add_argument("--dataset", metavar="lecture|FILE.csv", help="the examples (x,y CSV)")
    add_scene_option(parser, "the dataset, model (the point) and log base of a saved scene")
    parser.add_argument("--model", metavar="W,B", help="weight and bias, e.g. 0.5,-4 or 1,-25")
    parser.add_argument(
        "--log-base",
        default="e",
        metavar="e|10|2",
        help="log base of the cost (default e; the slides use 10)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument(
        "--all",
        action="store_true",
        help=f"list every row (default: the first {LISTED_ROWS}; the sums always use every row)",
    )
    return parser


def _cost_line(table) -> str:
    """The cost −(1/m)·log L in the table's base, and with ln when that base is not e."""
    from gdviz.core.logistic import log_base_label

    label = log_base_label(table.log_base)
    if label == "e":
        return f"cost (ln) = {fmt10(table.cost)}"
    slides = ", as on the slides" if label == "10" else ""
    return f"cost (log{label}{slides}) = {fmt10(table.cost)}; with ln: {fmt10(table.cost_natural)}"


def _model_text(w: float, b: float) -> str:
    """'z = 0.5·x − 4' for w = 0.5, b = −4."""
    sign = "−" if b < 0 else "+"
    return f"z = {fmt10(w)}·x {sign} {fmt10(abs(b))}"


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
    args = from_scene(args, {"dataset": "dataset", "model": "point", "log_base": "log_base"})
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
    listed = table.m if args.all else min(table.m, LISTED_ROWS)
    if args.json:
        head = {
            "dataset": args.dataset,
            "m": table.m,
            "model": {"w": w, "b": b},
            "log_base": log_base_label(log_base),
            "rows": _ROWS_MARK,
            "rows_omitted": table.m - listed,
            "likelihood": table.likelihood,
            "likelihood_underflows": table.likelihood_underflows,
            "likelihood_text": table.likelihood_text,
            "log_likelihood": table.log_likelihood,
            "log10_likelihood": table.log10_likelihood,
            "cost": table.cost,
            "cost_natural": table.cost_natural,
            "small_probability_rows": (small[: None if args.all else LISTED_ROWS] + 1).tolist(),
            "small_probability_count": int(small.size),
            "misclassified_count": int(np.count_nonzero(wrong)),
            "decision_boundary": boundary,
            "separability": {"kind": verdict.kind, "separable": verdict.separable,
                             "direction": verdict.direction,
                             "gap": None if verdict.gap is None else list(verdict.gap),
                             "has_minimum": verdict.has_minimum, "message": verdict.message},
        }  # fmt: skip
        before, after = json.dumps(head, indent=1, ensure_ascii=False).split(f'"{_ROWS_MARK}"')
        _write_chunks([before, "[\n", *_json_row_chunks(table, wrong, listed), "\n ]", after])
        sys.stdout.write("\n")
        return 0
    header = [
        f"dataset: {args.dataset} ({table.m:,} examples); model {_model_text(w, b)}",
        "",
        f"{'i':>6} {'x':>14} {'y':>2} {'z':>14} {'a = σ(z)':>16} {'P(Y = y_i)':>16} {'ln P':>16}",
    ]
    lines = []
    if listed < table.m:
        lines.append(f"… and {table.m - listed:,} more rows (--all lists every row)")
    underflow = ""
    if table.likelihood_underflows:
        underflow = " (below float64's range: computed from log10 L)"
    lines += [
        "",
        f"L = Π P(Y = y_i) = {table.likelihood_text}{underflow}",
        f"log L (natural) = {fmt10(table.log_likelihood)}; "
        f"log10 L = {fmt10(table.log10_likelihood)}",
        _cost_line(table),
    ]
    if small.size:
        shown = ", ".join(str(i + 1) for i in small[:20].tolist())
        more = f" and {small.size - 20:,} more" if small.size > 20 else ""
        lines.append(f"rows with P < 0.05 (they crush the product): {shown}{more}")
    if boundary is None:
        lines.append("boundary: none (w = 0: every example gets the same a)")
    else:
        side = "≥" if w > 0 else "≤"
        lines.append(
            f"boundary: z = 0 at x = −b/w = {fmt(boundary)} (class 1 predicted for x {side} "
            f"{fmt(boundary)}); misclassified: {int(np.count_nonzero(wrong)):,} of {table.m:,}"
        )
    lines.append(f"dataset: {verdict.message}")
    _write_chunks(["\n".join(header), "\n", *_text_row_chunks(table, listed), "\n".join(lines)])
    sys.stdout.write("\n")
    return 0


# The table lists this many rows unless --all is given; the summary always covers every row.
LISTED_ROWS = 20
_CHUNK_ROWS = 1 << 16
_ROWS_MARK = "@@gdviz-rows@@"


def _write_chunks(chunks: Iterable[str]) -> None:
    for chunk in chunks:
        sys.stdout.write(chunk)


def _row_blocks(table, listed: int) -> Iterator[tuple[int, list, ...]]:
    """(first index, x, y, z, a, p, ln p as lists) for the listed rows, a block at a time."""
    for start in range(0, listed, _CHUNK_ROWS):
        rows = slice(start, min(listed, start + _CHUNK_ROWS))
        yield (start, *(column[rows].tolist() for column in (
            table.x, table.y, table.z, table.a, table.p, table.log_p)))  # fmt: skip


def _text_row_chunks(table, listed: int) -> Iterator[str]:
    for start, xs, ys, zs, a_s, ps, lps in _row_blocks(table, listed):
        yield "".join(
            f"{i:>6} {fmt10(x):>14} {int(y):>2} {fmt10(z):>14} {fmt10(a):>16} {fmt10(p):>16} "
            f"{fmt10(lp):>16}\n"
            for i, x, y, z, a, p, lp in zip(
                range(start + 1, start + len(xs) + 1), xs, ys, zs, a_s, ps, lps, strict=True
            )
        )


def _json_row_chunks(table, wrong: np.ndarray, listed: int) -> Iterator[str]:
    """The listed rows as json.dumps(indent=1) writes them inside the document."""
    for start, xs, ys, zs, a_s, ps, lps in _row_blocks(table, listed):
        bad = wrong[start : start + len(xs)].tolist()
        rows = (
            {"i": i, "x": x, "y": int(y), "z": z, "a": a, "p": p, "log_p": lp,
             "misclassified": m}
            for i, x, y, z, a, p, lp, m in zip(
                range(start + 1, start + len(xs) + 1), xs, ys, zs, a_s, ps, lps, bad, strict=True
            )
        )  # fmt: skip
        text = ",\n".join("  " + json.dumps(row, indent=1).replace("\n", "\n  ") for row in rows)
        yield ("" if start == 0 else ",\n") + text
