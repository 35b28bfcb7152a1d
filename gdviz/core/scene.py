"""A whole gdviz view as data: frozen dataclasses, versioned JSON, atomic save, strict load."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gdviz.core import expression as expressions
from gdviz.core.atomic_file import write_text_atomically
from gdviz.core.document_reader import (
    MAX_FILE_BYTES,
    FieldReader,
    SceneError,
    dump_json,
    parse_json_document,
    read_document_bytes,
    refuse_huge_integer,
    shown_value,
)
from gdviz.core.expression import ExpressionError
from gdviz.core.logistic import Dataset
from gdviz.core.optimizers import (
    HYPERPARAMETERS,
    OPTIMIZER_NAMES,
    Hyperparameters,
    OptimizerError,
    defaults_for,
)
from gdviz.core.optimizers import (
    validate as validate_hyperparameters,
)
from gdviz.core.presets import PresetError, get_preset
from gdviz.core.run_settings import (
    MAX_RATES,
    MAX_SEED,
    MAX_STARTS,
    START_LAYOUTS,
    MiniBatchSettings,
    StartsSettings,
    SweepSettings,
)
from gdviz.core.safe_read import SCENE_MAX_BYTES
from gdviz.core.shown import shown_text

SCHEMA_VERSION = 2

SOURCE_KINDS: tuple[str, ...] = ("preset", "expression", "dataset")
LOG_BASES: tuple[str, ...] = ("e", "10", "2")
PANELS: tuple[str, ...] = (
    "point",
    "step",
    "loss",
    "likelihood",
    "data",
    "partials",
    "direction",
    "limits",
    "derivative",
    "top",
    "sweep",
    "starts",
)
CONSTRUCTIONS: tuple[str, ...] = ("partials", "direction", "gradient", "tangent_plane", "limits")
# The tools, one tab each; a construction is drawn while its tool is active or while it is pinned.
TOOLS: tuple[str, ...] = (
    "function",
    "descent",
    "partials",
    "direction",
    "limits",
    "derivative",
    "likelihood",
)
CONSTRUCTION_TOOL: dict[str, str] = {
    "partials": "partials",
    "direction": "direction",
    "gradient": "direction",
    "tangent_plane": "direction",
    "limits": "limits",
}
# The tool a v1 scene meant, from the panel it showed (the first one found in this order).
PANEL_TOOL: dict[str, str] = {
    "partials": "partials",
    "direction": "direction",
    "limits": "limits",
    "derivative": "derivative",
    "likelihood": "likelihood",
    "data": "likelihood",
    "step": "descent",
    "loss": "descent",
}
MIN_RESOLUTION = 50
MAX_RESOLUTION = 800
MAX_RUN_STEPS = 1_000_000
MAX_DATASET_ROWS = 10_000_000
MAX_BATCH_SIZE = MAX_DATASET_ROWS
MAX_EXPRESSION_CHARS = 10_000

# MIGRATIONS[n] turns a version-n scene dict into a version-(n + 1) one; the loader chains them.
MIGRATIONS: dict[int, Callable[[dict], dict]] = {}

__all__ = ["MAX_FILE_BYTES", "SceneError", "dump_json", "parse_json_document"]


@dataclass(frozen=True)
class SurfaceSource:
    """What is drawn: a named preset, a typed f(x, y), or the log-loss of an (x, y) dataset."""

    kind: str
    preset: str | None = None
    expression: str | None = None
    dataset_x: tuple[float, ...] | None = None
    dataset_y: tuple[float, ...] | None = None


@dataclass(frozen=True)
class RunSpec:
    """One descent run: the optimizer, its hyperparameters, the start and the stopping rule."""

    optimizer: str = "gd"
    lr: float = 0.01  # the window's starting learning rate; the others are Hyperparameters'
    momentum: float = Hyperparameters.momentum
    beta1: float = Hyperparameters.beta1
    beta2: float = Hyperparameters.beta2
    eps: float = Hyperparameters.eps
    alpha: float = Hyperparameters.alpha
    start: tuple[float, float] = (0.0, 0.0)
    max_steps: int = 1000
    tol: float = 1e-6
    recorded: int | None = None  # steps recorded when saved; None: as many as max_steps allows
    minibatch: MiniBatchSettings | None = None  # a dataset's loss only; None: full batch

    def hyperparameters(self) -> Hyperparameters:
        """The optimizer knobs as gdviz.core.optimizers takes them."""
        return Hyperparameters(**{spec.name: getattr(self, spec.name) for spec in HYPERPARAMETERS})


@dataclass(frozen=True)
class SweepSpec:
    """A learning-rate sweep: `run` gives the optimizer, its other knobs, the start, max steps
    and tol (its lr is not used); the rates are `count` from lr_min to lr_max, log-spaced."""

    run: RunSpec
    lr_min: float = SweepSettings.lr_min
    lr_max: float = SweepSettings.lr_max
    count: int = SweepSettings.count

    def settings(self) -> SweepSettings:
        """The core's SweepSettings (ValueError for a bad range or count)."""
        return SweepSettings(self.lr_min, self.lr_max, self.count, self.run.max_steps, self.run.tol)


@dataclass(frozen=True)
class StartsSpec:
    """Many starts over the window: `run` gives the optimizer and its knobs, max steps and tol
    (its start is not used); `count` starts on a grid or at random with `seed`."""

    run: RunSpec
    count: int = StartsSettings.count
    layout: str = StartsSettings.layout
    seed: int = StartsSettings.seed

    def settings(self) -> StartsSettings:
        return StartsSettings(self.count, self.layout, self.seed)


@dataclass(frozen=True)
class LimitSpec:
    """The limit construction: the point approached and the paths drawn towards it."""

    x0: float = 0.0
    y0: float = 0.0
    slopes: tuple[float, ...] = (1.0, -1.0)
    vertical: bool = False
    parabolas: tuple[float, ...] = (1.0,)
    path_x: str = "t"
    path_y: str = "t^2"
    t0: float = 0.0


@dataclass(frozen=True)
class DerivativeSpec:
    """The one-variable derivative: g(x), the point a and the secant's step Δx."""

    g: str = "sqrt(x)"
    a: float = 4.0
    dx: float = 1.0


@dataclass(frozen=True)
class OneVariableSpec:
    """One-variable limits of g(x) as x → at: a number, inf or -inf; several with commas."""

    g: str = "1/x"
    at: str = "0"


@dataclass(frozen=True)
class Camera:
    """The 3D view's orbit angles in degrees; distance/center None means the view frames itself."""

    elevation: float = 30.0
    azimuth: float = 45.0
    distance: float | None = None
    center: tuple[float, float, float] | None = None


@dataclass(frozen=True)
class Scene:
    """Everything needed to rebuild a view: surface, window, point, constructions, runs, camera."""

    source: SurfaceSource
    window: tuple[float, float, float, float] = (-2.0, 2.0, -2.0, 2.0)
    resolution: int = 200
    log_height: bool = False
    log_base: str = "e"
    point: tuple[float, float] = (1.0, 1.0)
    delta: float = 0.2
    direction: tuple[float, float] = (1.0, 0.0)
    step: float = 0.2
    limits: LimitSpec = field(default_factory=LimitSpec)
    runs: tuple[RunSpec, ...] = ()
    camera: Camera = field(default_factory=Camera)
    panels: tuple[str, ...] = ()
    shown: tuple[str, ...] = ()
    derivative: DerivativeSpec = field(default_factory=DerivativeSpec)
    # The first is the one being edited; the others are shown beside it (a lesson's examples).
    one_variable: tuple[OneVariableSpec, ...] = (OneVariableSpec(),)
    tool: str = "function"
    pinned: tuple[str, ...] = ()
    # Optional, absent from older files: the learning-rate sweep and the many starts.
    sweep: SweepSpec | None = None
    starts: StartsSpec | None = None

    def drawn_constructions(self) -> tuple[str, ...]:
        """The constructions on screen: shown ones whose tool is active, and pinned ones."""
        return tuple(
            name
            for name in self.shown
            if CONSTRUCTION_TOOL[name] == self.tool or CONSTRUCTION_TOOL[name] in self.pinned
        )


def scene_for_preset(name: str) -> Scene:
    """A scene on the preset `name` with its window, its start as the point, and log height."""
    try:
        preset = get_preset(name)
    except PresetError as err:
        raise SceneError(f"source.preset: {err}") from None
    w = preset.window
    return Scene(
        source=SurfaceSource("preset", preset=name),
        window=(w.x_min, w.x_max, w.y_min, w.y_max),
        log_height=preset.height_scale != "linear",
        log_base="e",
        point=preset.start,
    )


# ---------------------------------------------------------------- writing


def scene_to_dict(scene: Scene) -> dict[str, Any]:
    """The scene as plain JSON values, keys in the order scene_to_json writes them."""
    source = scene.source
    src: dict[str, Any] = {"kind": source.kind}
    if source.kind == "preset":
        src["preset"] = source.preset
    elif source.kind == "expression":
        src["expression"] = source.expression
    else:
        src["dataset_x"] = [float(v) for v in source.dataset_x or ()]
        src["dataset_y"] = [float(v) for v in source.dataset_y or ()]
    lim = scene.limits
    cam = scene.camera
    return {
        "schema_version": SCHEMA_VERSION,
        "source": src,
        "window": _floats(scene.window),
        "resolution": int(scene.resolution),
        "log_height": bool(scene.log_height),
        "log_base": scene.log_base,
        "point": _floats(scene.point),
        "delta": float(scene.delta),
        "direction": _floats(scene.direction),
        "step": float(scene.step),
        "limits": {
            "x0": float(lim.x0),
            "y0": float(lim.y0),
            "slopes": _floats(lim.slopes),
            "vertical": bool(lim.vertical),
            "parabolas": _floats(lim.parabolas),
            "path_x": lim.path_x,
            "path_y": lim.path_y,
            "t0": float(lim.t0),
        },
        "runs": [_run_to_dict(run) for run in scene.runs],
        "camera": {
            "elevation": float(cam.elevation),
            "azimuth": float(cam.azimuth),
            "distance": None if cam.distance is None else float(cam.distance),
            "center": None if cam.center is None else _floats(cam.center),
        },
        "panels": list(scene.panels),
        "shown": list(scene.shown),
        "derivative": {
            "g": scene.derivative.g,
            "a": float(scene.derivative.a),
            "dx": float(scene.derivative.dx),
        },
        "one_variable": [{"g": spec.g, "at": spec.at} for spec in scene.one_variable],
        "tool": scene.tool,
        "pinned": list(scene.pinned),
        **({} if scene.sweep is None else {"sweep": _sweep_to_dict(scene.sweep)}),
        **({} if scene.starts is None else {"starts": _starts_to_dict(scene.starts)}),
    }


def _run_to_dict(run: RunSpec) -> dict[str, Any]:
    batch = run.minibatch
    return {
        "optimizer": run.optimizer,
        **{spec.name: float(getattr(run, spec.name)) for spec in HYPERPARAMETERS},
        "start": _floats(run.start),
        "max_steps": int(run.max_steps),
        "tol": float(run.tol),
        **({} if run.recorded is None else {"recorded": int(run.recorded)}),
        **(
            {}
            if batch is None
            else {"minibatch": {"batch_size": int(batch.batch_size), "seed": int(batch.seed)}}
        ),
    }


def _sweep_to_dict(sweep: SweepSpec) -> dict[str, Any]:
    return {
        "lr_min": float(sweep.lr_min),
        "lr_max": float(sweep.lr_max),
        "count": int(sweep.count),
        "run": _run_to_dict(sweep.run),
    }


def _starts_to_dict(starts: StartsSpec) -> dict[str, Any]:
    return {
        "count": int(starts.count),
        "layout": starts.layout,
        "seed": int(starts.seed),
        "run": _run_to_dict(starts.run),
    }


def _floats(values: Sequence[float]) -> list[float]:
    return [float(v) for v in values]


def scene_to_json(scene: Scene) -> str:
    """The scene as versioned JSON text; save → load → save gives the same bytes."""
    try:
        return dump_json(scene_to_dict(scene))
    except ValueError as err:
        raise SceneError(f"cannot write this scene: {err}") from None


# ---------------------------------------------------------------- reading


def scene_from_json(text: str | bytes) -> Scene:
    """Parse and validate a scene document; SceneError names the first bad field."""
    return scene_from_dict(parse_json_document(text))


def scene_from_dict(data: Any, where: str = "") -> Scene:
    """Validate a parsed scene object; `where` prefixes field names (e.g. "steps[2].scene")."""
    r = FieldReader(where)
    data = _migrated(r, data)
    r.check_keys(data, _SCENE_KEYS, required=("source",))
    source = _read_source(r.sub("source"), data["source"])
    window = r.numbers(data, "window", 4, (-2.0, 2.0, -2.0, 2.0))
    wr = r.sub("window")
    if not window[0] < window[1]:
        raise wr.error(f"x_min ({window[0]:g}) must be less than x_max ({window[1]:g})")
    if not window[2] < window[3]:
        raise wr.error(f"y_min ({window[2]:g}) must be less than y_max ({window[3]:g})")
    resolution = r.integer(data, "resolution", 200, MIN_RESOLUTION, MAX_RESOLUTION)
    log_base = r.choice(data, "log_base", LOG_BASES, "e")
    direction = r.numbers(data, "direction", 2, (1.0, 0.0))
    if direction == (0.0, 0.0):
        raise r.sub("direction").error("must not be the zero vector")
    runs = _read_runs(r.sub("runs"), r.get(data, "runs", []))
    sweep = _read_sweep(r.sub("sweep"), data["sweep"]) if "sweep" in data else None
    starts = _read_starts(r.sub("starts"), data["starts"]) if "starts" in data else None
    _check_minibatches(r, source, runs, sweep, starts)
    return Scene(
        source=source,
        window=window,
        resolution=resolution,
        log_height=r.boolean(data, "log_height", False),
        log_base=log_base,
        point=r.numbers(data, "point", 2, (1.0, 1.0)),
        delta=r.nonzero(data, "delta", 0.2),
        direction=direction,
        step=r.nonzero(data, "step", 0.2),
        limits=_read_limits(r.sub("limits"), r.get(data, "limits", {})),
        runs=runs,
        camera=_read_camera(r.sub("camera"), r.get(data, "camera", {})),
        panels=r.names(data, "panels", PANELS),
        shown=r.names(data, "shown", CONSTRUCTIONS),
        derivative=_read_derivative(r.sub("derivative"), r.get(data, "derivative", {})),
        one_variable=_read_one_variables(r.sub("one_variable"), r.get(data, "one_variable", [{}])),
        tool=r.choice(data, "tool", TOOLS, "function"),
        pinned=r.names(data, "pinned", TOOLS),
        sweep=sweep,
        starts=starts,
    )


_SCENE_KEYS = (
    "schema_version",
    "source",
    "window",
    "resolution",
    "log_height",
    "log_base",
    "point",
    "delta",
    "direction",
    "step",
    "limits",
    "runs",
    "camera",
    "panels",
    "shown",
    "derivative",
    "one_variable",
    "tool",
    "pinned",
    "sweep",
    "starts",
)


def _v1_to_v2(data: dict) -> dict:
    """Version 1 drew every shown construction: keep that by pinning the ones of other tools."""
    shown = [name for name in data.get("shown", []) if name in CONSTRUCTION_TOOL]
    panels = [name for name in data.get("panels", []) if isinstance(name, str)]
    tools = [CONSTRUCTION_TOOL[name] for name in shown]
    tools += [PANEL_TOOL[name] for name in panels if name in PANEL_TOOL]
    tool = tools[0] if tools else "function"
    pinned = []
    for name in shown:
        owner = CONSTRUCTION_TOOL[name]
        if owner != tool and owner not in pinned:
            pinned.append(owner)
    return {**data, "tool": tool, "pinned": pinned}


MIGRATIONS[1] = _v1_to_v2


def _migrated(r: FieldReader, data: Any) -> dict:
    r.require_object(data)
    if "schema_version" not in data:
        raise r.sub("schema_version").error(f"missing (this gdviz writes version {SCHEMA_VERSION})")
    version = data["schema_version"]
    vr = r.sub("schema_version")
    refuse_huge_integer(vr, version)
    if isinstance(version, bool) or not isinstance(version, int):
        raise vr.error(f"expected a whole number, got {shown_value(version)}")
    if version > SCHEMA_VERSION:
        raise SceneError(
            f"{r.prefix}schema_version {shown_value(version)} is newer than this gdviz understands "
            f"({SCHEMA_VERSION}): update gdviz"
        )
    if version < 1:
        raise vr.error(f"must be at least 1, got {shown_value(version)}")
    while version < SCHEMA_VERSION:
        migrate = MIGRATIONS.get(version)
        if migrate is None:
            raise vr.error(f"no migration from version {version} to {version + 1}")
        data = migrate(dict(data))
        version += 1
        data["schema_version"] = version
    return data


def _read_source(r: FieldReader, data: Any) -> SurfaceSource:
    r.require_object(data)
    kind = r.choice(data, "kind", SOURCE_KINDS, None)
    if kind == "preset":
        r.check_keys(data, ("kind", "preset"), required=("preset",))
        name = r.text(data, "preset")
        try:
            get_preset(name)
        except PresetError as err:
            raise r.sub("preset").error(str(err)) from None
        return SurfaceSource("preset", preset=name)
    if kind == "expression":
        r.check_keys(data, ("kind", "expression"), required=("expression",))
        text = r.text(data, "expression")
        try:
            expressions.parse_expression(text)
        except ExpressionError as err:
            raise r.sub("expression").error(str(err)) from None
        return SurfaceSource("expression", expression=text)
    r.check_keys(data, ("kind", "dataset_x", "dataset_y"), required=("dataset_x", "dataset_y"))
    xs = r.number_list(data, "dataset_x", MAX_DATASET_ROWS)
    ys = r.number_list(data, "dataset_y", MAX_DATASET_ROWS)
    if not xs:
        raise r.sub("dataset_x").error("needs at least one example")
    if len(xs) != len(ys):
        raise r.error(f"dataset_x has {len(xs)} values but dataset_y has {len(ys)}")
    for i, y in enumerate(ys):
        if y not in (0.0, 1.0):
            raise r.sub(f"dataset_y[{i}]").error(f"must be 0 or 1, got {y:g}")
    return SurfaceSource("dataset", dataset_x=xs, dataset_y=tuple(float(y) for y in ys))


def _read_limits(r: FieldReader, data: Any) -> LimitSpec:
    r.require_object(data)
    d = LimitSpec()
    r.check_keys(data, tuple(LimitSpec.__dataclass_fields__))
    path_x = r.text(data, "path_x", d.path_x, allow_empty=True)
    path_y = r.text(data, "path_y", d.path_y, allow_empty=True)
    if bool(path_x.strip()) != bool(path_y.strip()):
        raise r.error("path_x and path_y must both be given or both be empty")
    for key, text, default in (("path_x", path_x, d.path_x), ("path_y", path_y, d.path_y)):
        if text.strip():
            _check_parses(r.sub(key), text, ("t",), default)
    return LimitSpec(
        x0=r.number(data, "x0", d.x0),
        y0=r.number(data, "y0", d.y0),
        slopes=r.number_list(data, "slopes", 100, d.slopes),
        vertical=r.boolean(data, "vertical", d.vertical),
        parabolas=r.number_list(data, "parabolas", 100, d.parabolas),
        path_x=path_x,
        path_y=path_y,
        t0=r.number(data, "t0", d.t0),
    )


def _read_derivative(r: FieldReader, data: Any) -> DerivativeSpec:
    r.require_object(data)
    r.check_keys(data, tuple(DerivativeSpec.__dataclass_fields__))
    d = DerivativeSpec()
    g = _g_of_x(r, data, d.g)
    dx = r.nonzero(data, "dx", d.dx)
    return DerivativeSpec(g=g, a=r.number(data, "a", d.a), dx=dx)


def _g_of_x(r: FieldReader, data: Any, default: str) -> str:
    """The field g: a function of x that gdviz's parser accepts."""
    g = r.text(data, "g", default)
    _check_parses(r.sub("g"), g, ("x",), default)
    return g


def _check_parses(r: FieldReader, text: str, variables: tuple[str, ...], default: str) -> None:
    """Raise the field's error unless text parses in variables.

    A field left at its default is known to parse (a test checks each default), and is not
    parsed again: reading a scene or lesson step that keeps the defaults loads no sympy.
    """
    if text == default:
        return
    try:
        expressions.parse_expression(text, variables)
    except ExpressionError as err:
        raise r.error(str(err)) from None


def _read_one_variables(r: FieldReader, data: Any) -> tuple[OneVariableSpec, ...]:
    if not isinstance(data, list) or not data or len(data) > 20:
        raise r.error(f"expected a list of 1 to 20 limits, got {shown_value(data)}")
    return tuple(
        _read_one_variable(r.sub(f"[{i}]", dot=False), item) for i, item in enumerate(data)
    )


def _read_one_variable(r: FieldReader, data: Any) -> OneVariableSpec:
    r.require_object(data)
    r.check_keys(data, tuple(OneVariableSpec.__dataclass_fields__))
    d = OneVariableSpec()
    g = _g_of_x(r, data, d.g)
    at = r.text(data, "at", d.at)
    if len(at) > 100:
        raise r.sub("at").error("too long (at most 100 characters)")
    return OneVariableSpec(g=g, at=at)


def _read_runs(r: FieldReader, data: Any) -> tuple[RunSpec, ...]:
    if not isinstance(data, list):
        raise r.error(f"expected a list of runs, got {shown_value(data)}")
    return tuple(_read_run(r.sub(f"[{i}]", dot=False), item) for i, item in enumerate(data))


def _read_run(r: FieldReader, data: Any) -> RunSpec:
    r.require_object(data)
    r.check_keys(data, tuple(RunSpec.__dataclass_fields__), required=("optimizer", "start"))
    name = r.text(data, "optimizer")
    if name not in OPTIMIZER_NAMES:
        raise r.sub("optimizer").error(
            f"unknown optimizer {shown_text(name)} (known: {', '.join(OPTIMIZER_NAMES)})"
        )
    d = RunSpec()
    own = defaults_for(name)  # an omitted knob takes this optimizer's own default (μ = 0.9 …)
    knobs = {
        spec.name: r.number(data, spec.name, d.lr if spec.name == "lr" else getattr(own, spec.name))
        for spec in HYPERPARAMETERS
    }
    run = RunSpec(
        optimizer=name,
        **knobs,
        start=r.numbers(data, "start", 2),
        max_steps=r.integer(data, "max_steps", d.max_steps, 1, MAX_RUN_STEPS),
        tol=r.number(data, "tol", d.tol),
        recorded=(r.integer(data, "recorded", 0, 0, MAX_RUN_STEPS) if "recorded" in data else None),
        minibatch=(_read_minibatch(r.sub("minibatch"), data["minibatch"])
                   if "minibatch" in data else None),
    )  # fmt: skip
    if run.tol < 0:
        raise r.sub("tol").error(f"must be ≥ 0, got {run.tol:g}")
    try:
        validate_hyperparameters(name, run.hyperparameters())
    except OptimizerError as err:
        raise r.error(str(err)) from None
    return run


def _read_minibatch(r: FieldReader, data: Any) -> MiniBatchSettings:
    r.require_object(data)
    r.check_keys(data, ("batch_size", "seed"), required=("batch_size",))
    size = r.integer(data, "batch_size", 1, 1, MAX_BATCH_SIZE)
    return MiniBatchSettings(size, r.integer(data, "seed", 0, 0, MAX_SEED))


def _read_sweep(r: FieldReader, data: Any) -> SweepSpec:
    r.require_object(data)
    r.check_keys(data, ("lr_min", "lr_max", "count", "run"), required=("run",))
    d = SweepSpec(RunSpec())
    sweep = SweepSpec(
        run=_read_run(r.sub("run"), data["run"]),
        lr_min=r.number(data, "lr_min", d.lr_min),
        lr_max=r.number(data, "lr_max", d.lr_max),
        count=r.integer(data, "count", d.count, 1, MAX_RATES),
    )
    try:
        sweep.settings()
    except ValueError as err:
        raise r.error(str(err)) from None
    return sweep


def _read_starts(r: FieldReader, data: Any) -> StartsSpec:
    r.require_object(data)
    r.check_keys(data, ("count", "layout", "seed", "run"), required=("run",))
    d = StartsSpec(RunSpec())
    return StartsSpec(
        run=_read_run(r.sub("run"), data["run"]),
        count=r.integer(data, "count", d.count, 1, MAX_STARTS),
        layout=r.choice(data, "layout", START_LAYOUTS, d.layout),
        seed=r.integer(data, "seed", d.seed, 0, MAX_SEED),
    )


def _check_minibatches(
    r: FieldReader,
    source: SurfaceSource,
    runs: tuple[RunSpec, ...],
    sweep: SweepSpec | None,
    starts: StartsSpec | None,
) -> None:
    """Mini-batches need a dataset's loss, and at most m examples a batch."""
    placed = [(f"runs[{i}]", run) for i, run in enumerate(runs)]
    placed += [(f"{name}.run", spec.run) for name, spec in (("sweep", sweep), ("starts", starts))
               if spec is not None]  # fmt: skip
    batched = [(where, run.minibatch) for where, run in placed if run.minibatch is not None]
    if not batched:
        return
    m = _examples(source)
    for where, batch in batched:
        sub = r.sub(f"{where}.minibatch.batch_size")
        if m is None:
            raise sub.error("mini-batches need a dataset's loss; this scene's surface is f(x, y)")
        if batch.batch_size > m:
            raise sub.error(f"must be at most m = {m} (the dataset's examples), "
                            f"got {batch.batch_size}")  # fmt: skip


def _examples(source: SurfaceSource) -> int | None:
    """How many examples the source's dataset has; None for a typed function."""
    if source.kind == "dataset":
        return len(source.dataset_x or ())
    if source.kind == "preset" and get_preset(source.preset or "").kind == "logistic":
        return len(Dataset.lecture())  # the one dataset presets use
    return None


def _read_camera(r: FieldReader, data: Any) -> Camera:
    r.require_object(data)
    r.check_keys(data, tuple(Camera.__dataclass_fields__))
    d = Camera()
    elevation = r.number(data, "elevation", d.elevation)
    if not -90 <= elevation <= 90:
        raise r.sub("elevation").error(f"must be between -90 and 90 degrees, got {elevation:g}")
    distance = data.get("distance")
    if distance is not None:
        distance = r.number(data, "distance", 1.0)
        if distance <= 0:
            raise r.sub("distance").error(f"must be > 0 (or null), got {distance:g}")
    center = data.get("center")
    if center is not None:
        center = r.numbers(data, "center", 3)
    return Camera(
        elevation=elevation,
        azimuth=r.number(data, "azimuth", d.azimuth),
        distance=distance,
        center=center,
    )


# ---------------------------------------------------------------- files


def save_scene(scene: Scene, path: str | os.PathLike[str]) -> None:
    """Write the scene as JSON to path atomically (the old file survives a failed write)."""
    write_text_atomically(scene_to_json(scene), path)


def load_scene(path: str | os.PathLike[str]) -> Scene:
    """Read and validate a scene file; SceneError/OSError messages start with the file name."""
    data = read_document_bytes(path, SCENE_MAX_BYTES, "scene")
    try:
        return scene_from_json(data)
    except SceneError as err:
        raise SceneError(f"{Path(path).name}: {err}") from None
