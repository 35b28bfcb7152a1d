"""`gdviz sweep`: one start, many learning rates on a log grid; the largest stable rate."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence

from gdviz.cli.options import (
    Parser,
    UsageError,
    add_source_and_run_options,
    check_start_defined,
    core_value,
    json_float,
    optimizer_from_args,
    parse_numbers,
    start_from_args,
    surface_from_args,
    whole_number,
)
from gdviz.core.shown import shown_text

FORMATS = ("csv", "json")


def _sweep_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="gdviz sweep",
        description="Run an optimizer from one start with many learning rates (log-spaced, "
        "run together) and print each rate's final loss, steps and stop reason, the largest "
        "stable rate and, for a quadratic f, 2/λ_max of its Hessian. With --scene, a scene "
        "that holds a sweep (saved from the Sweep panel) gives its optimizer, knobs, start, "
        "steps, rates and count; options given override them.",
    )
    add_source_and_run_options(parser, with_lr=False)
    parser.add_argument(
        "--lr-range", default="1e-4,10", metavar="LO,HI",
        help="smallest and largest learning rate, both > 0 (default 1e-4,10)",
    )  # fmt: skip
    parser.add_argument(
        "--count", default="60", metavar="M", help="how many rates, 1 to 10,000 (default 60)"
    )
    parser.add_argument("--format", choices=FORMATS, default="csv", help="output format")
    # not an option of a sweep, but what a user types first: told so, not read as --lr-range
    parser.add_argument("--lr", help=argparse.SUPPRESS)
    return parser


def run_sweep_verb(argv: Sequence[str]) -> int:
    args = _sweep_parser().parse_args(argv)  # before the heavy imports: --help stays instant
    if args.lr is not None:
        raise UsageError(
            f"--lr {shown_text(args.lr)}: a sweep runs many learning rates; give their range "
            "with --lr-range LO,HI (and how many with --count M)"
        )
    from gdviz.core.run_settings import MAX_RATES, SweepSettings, learning_rate_grid

    if args.scene is not None:
        _take_the_scenes_sweep(args, _given(argv))

    lr_min, lr_max = parse_numbers(args.lr_range, 2, "--lr-range")
    count = whole_number(args.count, "--count", 1, MAX_RATES)
    optimizer, max_steps, tol = optimizer_from_args(args)
    core_value("--lr-range", args.lr_range, lambda: learning_rate_grid(lr_min, lr_max, count))
    settings = core_value(
        "--count/--steps", f"{count} × {max_steps}",
        lambda: SweepSettings(lr_min, lr_max, count, max_steps, tol),
    )  # fmt: skip
    surface, suggested = surface_from_args(args)
    start = start_from_args(args, suggested)
    check_start_defined(surface, start)  # nothing runs from a start where f is undefined
    from gdviz.core.sweep import run_sweep

    sweep = run_sweep(surface, start, optimizer, settings)
    print(_json(sweep, optimizer) if args.format == "json" else _csv(sweep))
    return 0


def _given(argv: Sequence[str]) -> set[str]:
    """The options typed on the command line (dest names), whatever argparse's defaults."""
    parser = _sweep_parser()
    for action in parser._actions:
        action.default = argparse.SUPPRESS
    return set(vars(parser.parse_args(argv)))


def _take_the_scenes_sweep(args: argparse.Namespace, given: set[str]) -> None:
    """Fill the options not given from the scene's sweep (what the GUI's Sweep panel ran)."""
    from gdviz.core.optimizers import HYPERPARAMETER_NAMES
    from gdviz.core.scene import load_scene

    spec = load_scene(args.scene).sweep
    if spec is None:
        return
    run = spec.run
    if "optimizer" not in given:
        args.optimizer = run.optimizer
    if args.optimizer == run.optimizer:
        for name in HYPERPARAMETER_NAMES:
            if name != "lr" and name not in given:
                setattr(args, name, repr(getattr(run, name)))
    defaults = {
        "start": f"{run.start[0]!r},{run.start[1]!r}",
        "steps": str(run.max_steps),
        "tol": repr(run.tol),
        "lr_range": f"{spec.lr_min!r},{spec.lr_max!r}",
        "count": str(spec.count),
    }
    for dest, value in defaults.items():
        if dest not in given:
            setattr(args, dest, value)


def _rows(sweep):
    for i, lr in enumerate(sweep.learning_rates.tolist()):
        end = sweep.ends[i]
        yield lr, float(sweep.final_loss[i]), end, bool(sweep.stable[i])


def _csv(sweep) -> str:
    lines = ["lr,final_f,steps,stop,stable"]
    lines += [
        f"{lr!r},{final!r},{end.steps},{end.reason.value},{'yes' if stable else 'no'}"
        for lr, final, end, stable in _rows(sweep)
    ]
    lines.append(f"# start: {sweep.start[0]!r},{sweep.start[1]!r}  f = {sweep.start_loss!r}")
    lines.append(f"# largest stable lr: {_text(sweep.largest_stable_lr)}")
    lines.append(f"# smallest unstable lr: {_text(sweep.smallest_unstable_lr)}")
    if sweep.curvature is not None:
        low, high = sweep.curvature.eigenvalues
        lines.append(f"# Hessian eigenvalues at the start: {low!r}, {high!r}")
        lines.append(f"# 2/lambda_max (gradient descent's limit on a quadratic): "
                     f"{_text(sweep.gd_limit)}")  # fmt: skip
    return "\n".join(lines)


def _text(value: float | None) -> str:
    return "none" if value is None else repr(value)


def _json(sweep, optimizer) -> str:
    curvature = sweep.curvature
    return json.dumps({
        "optimizer": optimizer.name,
        "hyperparameters": {k: v for k, v in vars(optimizer.hp).items() if k != "lr"},
        "start": list(sweep.start),
        "start_f": json_float(sweep.start_loss),
        "rates": [
            {"lr": lr, "final_f": json_float(final), "steps": end.steps,
             "stop": end.reason.value, "stable": stable, "message": end.message}
            for lr, final, end, stable in _rows(sweep)
        ],
        "largest_stable_lr": sweep.largest_stable_lr,
        "smallest_unstable_lr": sweep.smallest_unstable_lr,
        "hessian_eigenvalues": None if curvature is None else list(curvature.eigenvalues),
        "gd_limit": sweep.gd_limit,
    }, indent=1, ensure_ascii=False)  # fmt: skip
