"""The options and argument checks every verb shares: parser, numbers, sources, runs, scenes."""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Sequence

from gdviz.core.numbers import format_number, parse_coordinate, parse_number
from gdviz.core.optimizers import HYPERPARAMETER_NAMES, HYPERPARAMETERS, OPTIMIZER_NAMES
from gdviz.core.shown import shown_text

# verb -> (module, function): each verb is imported only when it runs.
VERBS: dict[str, tuple[str, str]] = {
    "presets": ("gdviz.cli.presets", "run_presets"),
    "eval": ("gdviz.cli.evaluate", "run_eval"),
    "run": ("gdviz.cli.run", "run_run"),
    "limit": ("gdviz.cli.limit", "run_limit"),
    "likelihood": ("gdviz.cli.likelihood", "run_likelihood"),
    "export": ("gdviz.cli.export", "run_export"),
    "sweep": ("gdviz.cli.sweep", "run_sweep_verb"),
    "starts": ("gdviz.cli.starts", "run_starts_verb"),
}
GUI = ("gdviz.cli.gui", "run_gui")

# A run keeps every step in memory; a scene file allows the same maximum.
MAX_STEPS = 1_000_000

# Options whose value may begin with '-' (negative coordinates typed as `--at -1,0`).
VALUE_OPTIONS = frozenset(
    {"--at", "--direction", "--delta", "--start", "--model", "--function", "--tol", "--steps",
     "--slope", "--parabola", "--path", "--t0", "--title", "--lr-range", "--count", "--seed",
     "--batch-size"}
    | {f"--{name}" for name in HYPERPARAMETER_NAMES}
)  # fmt: skip


class UsageError(Exception):
    """Invalid command-line input: reported as one line on stderr with exit status 2."""


class Parser(argparse.ArgumentParser):
    """Every verb's parser: -v/--verbose logs what gdviz does on stderr once the options parse."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.add_argument(
            "-v", "--verbose", action="count", default=0,
            help="say what gdviz does on stderr (-vv: in more detail)",
        )  # fmt: skip

    def parse_args(self, args=None, namespace=None):  # type: ignore[override]
        parsed = super().parse_args(args, namespace)
        verbosity = getattr(parsed, "verbose", 0)  # absent when defaults are suppressed
        if verbosity:
            from gdviz.logs import configure_logging

            configure_logging(verbosity)
        return parsed

    def error(self, message: str):  # one clear line, not argparse's usage dump
        # argparse quotes the values it echoes ("invalid choice: '…'"): shorten long ones.
        raise UsageError(_LONG_QUOTED.sub(lambda m: shown_text(m.group(1)), message))


_LONG_QUOTED = re.compile(r"'([^']{81,})'")


def attach_negative_values(argv: Sequence[str]) -> list[str]:
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
    parts = text.split(",")
    if len(parts) != count:
        raise UsageError(f"{what} needs {count} comma-separated numbers, got {shown_text(text)}")
    try:
        return tuple(parse_number(part, what) for part in parts)
    except ValueError as err:
        raise UsageError(str(err)) from None


def parse_point(text: str, count: int, what: str) -> tuple[float, ...]:
    """Parse 'A,B' (count coordinates, comma separated) into finite floats, or raise UsageError.

    Each coordinate is a number or a constant expression such as pi, -pi/2 or sqrt(2).
    """
    parts = text.split(",")
    if len(parts) != count:
        raise UsageError(f"{what} needs {count} comma-separated numbers, got {text[:80]!r}")
    try:
        return tuple(parse_coordinate(part, what) for part in parts)
    except ValueError as err:
        raise UsageError(str(err)) from None


def positive_finite(text: str, what: str, allow_negative: bool = False) -> float:
    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"{what}: {shown_text(text)} is not a number") from None
    if not math.isfinite(value) or value == 0 or (value < 0 and not allow_negative):
        rule = "a finite non-zero number" if allow_negative else "a finite number > 0"
        raise UsageError(f"{what} must be {rule}, got {shown_text(text)}")
    return value


def add_scene_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--scene", metavar="FILE.json", help=f"take {what}")


def from_scene(args: argparse.Namespace, needs: dict[str, str]) -> argparse.Namespace:
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
        setattr(args, dest, scene_value(scene, what, args.scene))
    return args


def scene_value(scene, what: str, path: str):
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


def add_source_and_run_options(
    parser: argparse.ArgumentParser, with_lr: bool = True, with_start: bool = True
) -> None:
    """--preset | --function | --dataset, the optimizer and its settings, start, steps, tol.

    with_lr False leaves out --lr (a sweep sets the rates); with_start False leaves out --start.
    """
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
    for spec in HYPERPARAMETERS:
        if spec.name == "lr" and not with_lr:
            continue
        users = "" if spec.name == "lr" else f" ({', '.join(spec.used_by)})"
        parser.add_argument(
            f"--{spec.name}", metavar="V", help=f"{spec.help}{users}; default: torch's"
        )
    if with_start:
        parser.add_argument(
            "--start", metavar="X,Y",
            help="start point, e.g. 1,-1.5 or pi/2,0 (default: the preset's)",
        )  # fmt: skip
    parser.add_argument("--steps", default="1000", metavar="N", help="max steps (default 1000)")
    parser.add_argument("--tol", default="1e-6", metavar="T", help="stop when |∇f| < T (1e-6)")
    parser.add_argument(
        "--log-base", default="e", metavar="e|10|2", help="log of the loss (--dataset; default e)"
    )


def fmt(value: float) -> str:
    """A number as the CLI prints it: gdviz's formatter, 7 digits, an ASCII minus."""
    return format_number(value, 7, ascii_minus=True)


def fmt10(value: float) -> str:
    return format_number(value, 10, ascii_minus=True)


def json_float(value: float | None) -> float | str | None:
    """A number for JSON: NaN/None -> null, ±inf -> "+inf"/"-inf" (JSON has no infinities)."""
    if value is None or math.isnan(value):
        return None
    if math.isinf(value):
        return "+inf" if value > 0 else "-inf"
    return value


def value_text(value: float) -> str:
    return fmt(value)  # NaN is "undefined"


def finite_option(text: str, what: str) -> float:
    value = number_option(text, what)
    if not math.isfinite(value):
        raise UsageError(f"{what} must be a finite number, got {shown_text(text)}")
    return value


def number_option(text: str, what: str) -> float:
    try:
        return parse_number(text, what, finite=False)
    except ValueError as err:
        raise UsageError(str(err)) from None


def whole_number(text: str, what: str, minimum: int, maximum: int | None = None) -> int:
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or value < minimum:
        raise UsageError(f"{what} must be a whole number ≥ {minimum}, got {shown_text(text)}")
    if maximum is not None and value > maximum:
        raise UsageError(f"{what} must be at most {maximum}, got {shown_text(text)}")
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
    """(surface, the scene's point) for the source of a saved scene: the GUI's own function."""
    from gdviz.core.scene import load_scene
    from gdviz.core.scene_surface import surface_for_scene

    scene = load_scene(path)
    return surface_for_scene(scene), scene.point


def check_start_defined(surface, start: tuple[float, float]) -> None:
    """UsageError when f has no finite value at the start: what `gdviz eval` says there."""
    import numpy as np

    with np.errstate(all="ignore"):
        value = float(surface.value(*start))
    if math.isfinite(value):
        return
    reason = None
    expression = getattr(surface, "expression", None)
    if expression is not None:
        from gdviz.core.expression import explain_nan

        try:
            reason = explain_nan(expression, *start)
        except (ValueError, TypeError, ArithmeticError):
            reason = None
    x, y = start
    raise UsageError(
        f"f is not defined at the start ({x:g}, {y:g}): {reason or 'outside its domain'}"
    )


def optimizer_from_args(args: argparse.Namespace):
    """(optimizer, max_steps, tol) from the run options, validated."""
    from gdviz.core.optimizers import make_optimizer

    overrides = {
        name: number_option(getattr(args, name), f"--{name}")
        for name in HYPERPARAMETER_NAMES
        if getattr(args, name, None) is not None
    }
    optimizer = make_optimizer(args.optimizer, **overrides)
    max_steps = whole_number(args.steps, "--steps", 1, MAX_STEPS)
    tol = number_option(args.tol, "--tol")
    if not (math.isfinite(tol) and tol >= 0):  # checked here so export fails before any display
        raise UsageError(
            f"--tol (tolerance) must be a finite number ≥ 0, got {shown_text(args.tol)}"
        )
    return optimizer, max_steps, tol


def seed_option(text: str) -> int:
    """--seed as a whole number in 0 … MAX_SEED (UsageError otherwise)."""
    from gdviz.core.run_settings import MAX_SEED

    return whole_number(text, "--seed", 0, MAX_SEED)


def core_value(option: str, text: str, make):
    """make() for an option's value; a ValueError from the core becomes a UsageError naming the
    option and what was typed (`--lr-range 1,0.1: learning-rate range is reversed ...`)."""
    try:
        return make()
    except ValueError as err:
        raise UsageError(f"{option} {shown_text(text)}: {err}") from None


def start_from_args(args: argparse.Namespace, suggested) -> tuple[float, float]:
    if args.start is not None:
        return parse_point(args.start, 2, "--start")
    if suggested is not None:
        return suggested
    raise UsageError("--start X,Y is needed with --function")


def add_minibatch_options(parser: argparse.ArgumentParser) -> None:
    """--batch-size B and --seed S: mini-batches on a dataset's loss (`gdviz run`, `export`)."""
    parser.add_argument(
        "--batch-size", metavar="B",
        help="mini-batches of B examples, reshuffled each epoch (1: SGD; m: full batch); "
        "a dataset's loss only",
    )  # fmt: skip
    parser.add_argument(
        "--seed", metavar="S", help="seed of the shuffles of --batch-size (default 0)"
    )


def check_minibatch_options(args: argparse.Namespace) -> None:
    """The checks of --batch-size and --seed that need no surface (made before loading one)."""
    if args.seed is not None and args.batch_size is None:
        raise UsageError("--seed shuffles mini-batches: give --batch-size B with it")
    if args.batch_size is not None:
        whole_number(args.batch_size, "--batch-size", 1)
        if args.seed is not None:
            seed_option(args.seed)


def minibatch_from_args(args: argparse.Namespace, surface):
    """MiniBatchSettings from --batch-size/--seed (None without them); UsageError when B is not
    1 … m or the surface has no examples."""
    check_minibatch_options(args)
    if args.batch_size is None:
        return None
    batch_size = whole_number(args.batch_size, "--batch-size", 1)
    seed = 0 if args.seed is None else seed_option(args.seed)
    from gdviz.core.run_settings import MiniBatchSettings
    from gdviz.core.surfaces import LogisticLossSurface

    if not isinstance(surface, LogisticLossSurface):
        raise UsageError(
            "--batch-size needs a dataset's loss (--dataset, --preset lecture-logistic or a "
            "scene of one); a function f(x, y) has no examples to batch"
        )
    m = len(surface.dataset)
    if batch_size > m:
        raise UsageError(f"--batch-size must be at most m = {m} (the dataset's examples), "
                         f"got {batch_size}")  # fmt: skip
    return core_value("--batch-size", args.batch_size,
                      lambda: MiniBatchSettings(batch_size, seed))  # fmt: skip
