"""`gdviz run`: an optimizer from a start, every step printed (mini-batches on a dataset's loss)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence

from gdviz.cli.options import (
    Parser,
    add_minibatch_options,
    add_source_and_run_options,
    check_minibatch_options,
    check_start_defined,
    minibatch_from_args,
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
    add_minibatch_options(parser)
    parser.add_argument("--format", choices=("csv", "json"), default="csv", help="output format")
    return parser


def run_run(argv: Sequence[str]) -> int:
    args = _run_parser().parse_args(argv)  # before the heavy imports: --help stays instant
    check_minibatch_options(args)
    optimizer, max_steps, tol = optimizer_from_args(args)
    if args.batch_size is not None:
        return _run_minibatch(args, optimizer, max_steps, tol)
    from gdviz.core.descent import run_to_end

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


def _run_minibatch(args: argparse.Namespace, optimizer, max_steps: int, tol: float) -> int:
    """--batch-size: each update sees one mini-batch's gradient (core/minibatch.py)."""
    surface, suggested = surface_from_args(args)
    settings = minibatch_from_args(args, surface)
    batch_size, seed, m = settings.batch_size, settings.seed, len(surface.dataset)
    start = start_from_args(args, suggested)
    check_start_defined(surface, start)
    from gdviz.core.minibatch import run_minibatch

    run = run_minibatch(surface, start, optimizer, settings, max_steps, tol)
    a, b, _ = surface.axis_names
    rows = _minibatch_rows(run)
    end = run.end
    if args.format == "json":
        print(json.dumps({
            "optimizer": optimizer.name,
            "hyperparameters": vars(optimizer.hp),
            "batch_size": batch_size, "seed": seed, "examples": m,
            "start": list(start),
            "axes": list(surface.axis_names),
            "steps": [
                {"k": k, a: x, b: y, "f": f, "epoch": epoch, "batch": batch,
                 "batch_f": batch_f, "batch_f_x": gx, "batch_f_y": gy}
                for k, x, y, f, epoch, batch, batch_f, gx, gy in rows
            ],
            "stop": {"reason": end.reason.value, "step": end.steps, "message": end.message},
        }, indent=1, ensure_ascii=False))  # fmt: skip
        return 0
    lines = [f"k,{a},{b},f,epoch,batch,batch_f,batch_f_x,batch_f_y"]
    for k, x, y, f, epoch, batch, batch_f, gx, gy in rows:
        tail = (
            ""
            if epoch is None
            else f"{epoch},{' '.join(map(str, batch))},{batch_f!r},{gx!r},{gy!r}"
        )
        lines.append(f"{k},{x!r},{y!r},{f!r},{tail or ',,,,'}")
    note = "f: the loss over every example; batch_*: the batch's, that moved point k"
    lines.append(f"# batch size {batch_size} of m = {m}, seed {seed}; {note}")
    lines.append(f"# stop: {end.reason.value}: {end.message}")
    print("\n".join(lines))
    return 0


def _minibatch_rows(run):
    """(k, x, y, full f, epoch, batch indices, batch f, batch f_x, batch f_y) per point; the
    batch fields are None at the last point (no update left it)."""
    xs, ys, fs = run.x.tolist(), run.y.tolist(), run.full_loss.tolist()
    for k in range(len(xs)):
        if k < run.iterations:
            batch = run.indices(k).tolist()
            extra = (int(run.epoch[k]), batch, float(run.batch_loss[k]), float(run.gx[k]),
                     float(run.gy[k]))  # fmt: skip
        else:
            extra = (None, None, None, None, None)
        yield (k, xs[k], ys[k], fs[k], *extra)
