"""The document: everything the views show, in one Qt-free model that emits what changed."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from psygnal import Signal, SignalGroup

from gdviz.core.descent import RunEnd, Step
from gdviz.core.expression import ExpressionError
from gdviz.core.logistic import Dataset
from gdviz.core.presets import get_preset
from gdviz.core.scene import (
    CONSTRUCTIONS,
    MAX_RESOLUTION,
    MIN_RESOLUTION,
    TOOLS,
    RunSpec,
    Scene,
    SceneError,
    SurfaceSource,
    SweepSpec,
    scene_for_preset,
)
from gdviz.core.scene import LOG_BASES as LOG_BASE_KEYS
from gdviz.core.scene_surface import dataset_of, surface_for_scene
from gdviz.core.surfaces import ExpressionSurface, LogisticLossSurface, Surface
from gdviz.core.window import Window, check_finite_somewhere
from gdviz.model import runs as run_ops
from gdviz.model.runs import SYNCHRONOUS_RUN_STEPS, RunRecord
from gdviz.model.scatter_state import ScatterState
from gdviz.model.sweeps import SweepResult

# Which event a change of each Scene field emits.
FIELD_EVENTS: dict[str, str] = {
    "source": "surface_changed",
    "window": "surface_changed",
    "resolution": "surface_changed",
    "log_height": "surface_changed",
    "log_base": "surface_changed",
    "point": "point_changed",
    "delta": "delta_changed",
    "direction": "direction_changed",
    "step": "direction_changed",
    "limits": "limits_changed",
    "derivative": "derivative_changed",
    "one_variable": "one_variable_changed",
    "tool": "tool_changed",
    "shown": "shown_changed",
    "pinned": "shown_changed",
    "camera": "camera_changed",
    "panels": "panels_changed",
    "starts": "starts_changed",
    "sweep": "sweep_changed",
}
# Fields whose change makes a new Surface (the rest only re-sample or re-draw it).
SURFACE_FIELDS = ("source", "window", "log_base")
DEFAULT_EXPRESSION_WINDOW = (-3.0, 3.0, -3.0, 3.0)


class DocumentEvents(SignalGroup):
    """What a view can subscribe to; every signal is emitted after the document has changed."""

    surface_changed = Signal()
    point_changed = Signal()
    delta_changed = Signal()
    direction_changed = Signal()
    limits_changed = Signal()
    derivative_changed = Signal()
    one_variable_changed = Signal()
    tool_changed = Signal()
    shown_changed = Signal()
    camera_changed = Signal()
    panels_changed = Signal()
    starts_changed = Signal()  # the scatter asked for (scene.starts); its result: doc.scatter
    run_settings_changed = Signal()
    runs_changed = Signal()  # a run was added or removed
    run_stepped = Signal(int)  # new steps recorded for run id
    run_finished = Signal(int)
    focus_changed = Signal()  # the focused run or the scrubbed iteration
    sweep_changed = Signal()  # the scene's sweep spec (its result is then out of date)
    sweep_computed = Signal()  # a sweep's result was stored
    edited = Signal(object)  # an Edit: what undo needs


@dataclass(frozen=True)
class Edit:
    """A user's change: its label, the snapshot before it, and a key that merges repeats."""

    label: str
    before: Scene
    merge_key: str | None = None


class Document:
    """The scene on screen (a Scene), its surface, its runs and the next run's settings.

    Every change goes through `update`, `restore` or the run methods; each emits the events of
    what changed. A change with a `label` is a user edit: `events.edited` carries the snapshot
    from before it, so undo can restore it.
    """

    def __init__(self, scene: Scene | None = None):
        self.events = DocumentEvents()
        scene = scene or scene_for_preset(_default_preset())
        self._dataset: Dataset | None = dataset_of(scene.source)
        self._surface: Surface = surface_for_scene(scene, self._dataset)
        self._scene = replace(scene, runs=())
        self._runs: dict[int, RunRecord] = {}
        self._next_run_id = 0
        self.focus_run: int | None = None
        self.scrub_k: int | None = None
        self.heads: dict[int, float] | None = None  # per-run steps shown (an export's frame)
        self.run_settings = RunSpec(lr=_preset_lr(scene.source))
        self.scatter = ScatterState()  # the many starts computed for scene.starts
        self._sweep_result: SweepResult | None = None
        self._add_scene_runs(scene.runs)

    # --- reading ------------------------------------------------------------------------------
    @property
    def scene(self) -> Scene:
        """The scene without its runs (cheap: the stored snapshot)."""
        return self._scene

    @property
    def surface(self) -> Surface:
        return self._surface

    @property
    def dataset(self) -> Dataset | None:
        """The examples of a loss surface, or None for a function of (x, y)."""
        return self._dataset

    @property
    def window(self) -> Window:
        return Window(*self._scene.window)

    @property
    def point(self) -> tuple[float, float]:
        return self._scene.point

    @property
    def is_loss(self) -> bool:
        return isinstance(self._surface, LogisticLossSurface)

    @property
    def runs(self) -> dict[int, RunRecord]:
        return self._runs

    def snapshot(self) -> Scene:
        """Everything on screen as a Scene, runs with the number of steps recorded."""
        return replace(self._scene, runs=tuple(r.saved_spec() for r in self._runs.values()))

    def drawn_constructions(self) -> tuple[str, ...]:
        return self._scene.drawn_constructions()

    @property
    def sweep_result(self) -> SweepResult | None:
        """The result of the scene's sweep on this surface; None until it is computed (or when
        the sweep or the surface changed since)."""
        held = self._sweep_result
        if held is None or held.spec != self._scene.sweep or held.surface is not self._surface:
            return None
        return held

    # --- changing the scene ---------------------------------------------------------------------
    def update(
        self, label: str | None = None, merge_key: str | None = None, **changes: Any
    ) -> bool:
        """Change scene fields; a bad value raises SceneError (or the surface's error) and
        changes nothing. Returns whether anything changed."""
        unknown = set(changes) - set(FIELD_EVENTS)
        if unknown:
            raise SceneError(f"unknown scene field(s): {', '.join(sorted(unknown))}")
        new = replace(self._scene, **changes)
        changed = [
            f.name for f in fields(Scene) if getattr(new, f.name) != getattr(self._scene, f.name)
        ]
        if not changed:
            return False
        _check(new)
        before = self.snapshot() if label else None
        self._commit(new, changed)
        if label and before is not None:
            self.events.edited.emit(Edit(label, before, merge_key))
        return True

    def restore(self, scene: Scene, label: str | None = None) -> None:
        """Show `scene` whole (open, undo, redo): its fields, surface and runs."""
        _check(scene)
        before = self.snapshot() if label else None
        changed = [
            f.name
            for f in fields(Scene)
            if f.name != "runs" and getattr(scene, f.name) != getattr(self._scene, f.name)
        ]
        self._commit(replace(scene, runs=()), changed, keep_runs=False)
        self._clear_runs(emit=False)
        self._add_scene_runs(scene.runs)
        self.events.runs_changed.emit()
        self.events.focus_changed.emit()
        if label and before is not None:
            self.events.edited.emit(Edit(label, before))

    def apply_fields(self, scene: Scene, names: tuple[str, ...], label: str | None = None) -> None:
        """Set only the fields `names` of `scene` (a lesson step names what it sets)."""
        keep = {f.name: getattr(self._scene, f.name) for f in fields(Scene) if f.name not in names}
        keep.pop("runs", None)
        merged = replace(scene, **keep)
        if "runs" not in names:
            merged = replace(merged, runs=tuple(r.saved_spec() for r in self._runs.values()))
            if any(getattr(merged, n) != getattr(self._scene, n) for n in SURFACE_FIELDS):
                merged = replace(merged, runs=())
        if "sweep" not in names and any(
            getattr(merged, n) != getattr(self._scene, n) for n in SURFACE_FIELDS
        ):
            merged = replace(merged, sweep=None)  # it swept the old surface
        self.restore(merged, label)

    def _commit(
        self,
        new: Scene,
        changed: list[str],
        keep_runs: bool = True,
        dataset: Dataset | None = None,
    ) -> None:
        """Make `new` the scene; `dataset` passes the examples of a new dataset source (built
        already, so they are not rebuilt from the scene's tuples)."""
        surface_fields = [n for n in changed if n in SURFACE_FIELDS]
        if surface_fields:
            if dataset is None:
                dataset = self._dataset if "source" not in changed else dataset_of(new.source)
            surface = surface_for_scene(new, dataset)  # raises before anything has changed
            self._dataset, self._surface = dataset, surface
            if keep_runs and new.sweep is not None:  # like the runs, it swept the old surface
                new = replace(new, sweep=None)
                changed = [*changed, "sweep"]
        if surface_fields and keep_runs and new.starts is not None:
            new = replace(new, starts=None)  # a scatter belongs to the old surface, as runs do
            changed = [*changed, "starts"]
        self._scene = new
        self.scatter.follow(new.starts, self._surface)
        if surface_fields and keep_runs:
            self._clear_runs(emit=True)  # their paths belong to the old surface
        for event in dict.fromkeys(FIELD_EVENTS[n] for n in changed):
            getattr(self.events, event).emit()

    # --- conveniences for the usual edits ---------------------------------------------------------
    def load_preset(self, name: str, label: str | None = "Open a preset") -> None:
        """The preset's surface, window, start point, height scale and learning rate.

        The log base of a loss stays what the user chose."""
        scene = scene_for_preset(name)
        self.set_run_settings(replace(self.run_settings, lr=get_preset(name).lr))
        self.update(
            label,
            source=scene.source,
            window=scene.window,
            log_height=scene.log_height,
            point=scene.point,
        )

    def set_expression(self, text: str, label: str | None = "Change the function") -> None:
        """f(x, y) = text; keeps an expression's window and the point if it is inside it."""
        window = self._scene.window
        if self._scene.source.kind != "expression":
            window = DEFAULT_EXPRESSION_WINDOW
        try:  # nothing could be drawn or run on a function with no value anywhere in view
            check_finite_somewhere(ExpressionSurface(text, Window(*window)), Window(*window))
        except ExpressionError:
            raise
        except ValueError as err:
            raise ExpressionError(str(err)) from None
        point = self.point if Window(*window).contains(*self.point) else Window(*window).center
        self.update(
            label,
            source=SurfaceSource("expression", expression=text),
            window=window,
            log_height=False,
            point=point,
        )

    def set_dataset(self, dataset: Dataset, label: str | None = "Edit the dataset") -> None:
        """The log loss of `dataset`; keeps a loss window and the point if it is inside it."""
        window = self._scene.window if self.is_loss else scene_for_preset(_default_preset()).window
        plane = Window(*window)
        point = self.point if plane.contains(*self.point) else plane.center
        source = SurfaceSource(
            "dataset",
            dataset_x=tuple(map(float, dataset.x)),
            dataset_y=tuple(map(float, dataset.y)),
        )
        new = replace(self._scene, source=source, window=window, point=point)
        changed = [
            f.name for f in fields(Scene) if getattr(new, f.name) != getattr(self._scene, f.name)
        ]
        if not changed:
            return  # the same examples again
        _check(new)
        before = self.snapshot() if label else None
        self._commit(new, changed, dataset=dataset)
        if label and before is not None:
            self.events.edited.emit(Edit(label, before))

    def set_tool(self, tool: str) -> None:
        """The active tool (not an undoable edit: it is where the user looks)."""
        self.update(tool=tool)

    def set_run_settings(self, spec: RunSpec) -> None:
        if spec != self.run_settings:
            self.run_settings = spec
            self.events.run_settings_changed.emit()

    # --- the learning-rate sweep ---------------------------------------------------------------
    def set_sweep(
        self, spec: SweepSpec | None, result: SweepResult | None = None, label: str | None = None
    ) -> None:
        """The scene's sweep and, when given, its computed result (for this spec and surface)."""
        if result is not None and (result.spec != spec or result.surface is not self._surface):
            raise ValueError("a sweep result must be for the given spec on the current surface")
        if spec is not None:
            spec.settings()  # ValueError for a bad range, count or steps; nothing changes
        before = self.snapshot() if label else None
        changed = spec != self._scene.sweep
        self._scene = replace(self._scene, sweep=spec)
        self._sweep_result = result
        if changed:
            self.events.sweep_changed.emit()
        if result is not None:
            self.events.sweep_computed.emit()
        if label and changed and before is not None:
            self.events.edited.emit(Edit(label, before))

    def set_sweep_result(self, result: SweepResult) -> bool:
        """The computed result of the scene's sweep; ignored (False) if the sweep or the
        surface changed while it was computed."""
        if result.spec != self._scene.sweep or result.surface is not self._surface:
            return False
        self._sweep_result = result
        self.events.sweep_computed.emit()
        return True

    # --- runs -----------------------------------------------------------------------------------
    def add_run(self, start: tuple[float, float], spec: RunSpec | None = None) -> int:
        """A new run from `start` (with the current run settings unless `spec` is given).

        Raises OptimizerError or ValueError for bad settings; nothing changes then.
        """
        spec = replace(spec or self.run_settings, start=(float(start[0]), float(start[1])))
        record = run_ops.start_run(self._next_run_id + 1, self._surface, spec)
        self._next_run_id += 1
        self._runs[record.run_id] = record
        if self.focus_run is None:
            self.focus_run = record.run_id
        self.events.runs_changed.emit()
        return record.run_id

    def record_steps(self, run_id: int, batch: Sequence[Step]) -> None:
        record = self._runs.get(run_id)
        if record is None or not batch:
            return
        run_ops.record_steps(record, batch)
        self.events.run_stepped.emit(run_id)

    def finish_run(self, run_id: int, end: RunEnd) -> None:
        record = self._runs.get(run_id)
        if record is None:
            return
        run_ops.finish(record, end)
        self.events.run_finished.emit(run_id)

    def advance_run(self, run_id: int, count: int) -> None:
        """Compute up to `count` steps of a run here and now (tests, headless export)."""
        record = self._runs[run_id]
        before = len(record.history)
        run_ops.advance(record, count)
        if len(record.history) != before:
            self.events.run_stepped.emit(run_id)
        if record.finished:
            self.events.run_finished.emit(run_id)

    def clear_runs(self) -> None:
        self._clear_runs(emit=True)

    def _clear_runs(self, emit: bool) -> None:
        had = bool(self._runs)
        for record in self._runs.values():
            run_ops.cancel(record)
        self._runs = {}
        self.focus_run = None
        self.scrub_k = None
        self.heads = None
        if emit and had:
            self.events.runs_changed.emit()
            self.events.focus_changed.emit()

    def focus(self, run_id: int | None = None, k: int | None = None) -> None:
        """Which run the Step and Likelihood panels follow, and the scrubbed step (None: last)."""
        if run_id is not None and run_id in self._runs:
            self.focus_run = run_id
        self.scrub_k = None if k is None else max(int(k), 0)
        self.events.focus_changed.emit()

    def show_steps(self, heads: dict[int, float] | None) -> None:
        """Show step heads[run id] of each run (an exported frame; 2.5 is halfway from step 2
        to step 3); None: back to the cursor."""
        self.heads = None if heads is None else {k: float(v) for k, v in heads.items()}
        self.events.focus_changed.emit()

    def head(self, run_id: int) -> int | None:
        """The step shown of a run: an export's frame, else the scrubbed k, else None (newest)."""
        position = self.head_position(run_id)
        return None if position is None else math.floor(position)

    def head_position(self, run_id: int) -> float | None:
        """Where a run's head is drawn, in steps: head(), or between two steps in an export."""
        record = self._runs[run_id]
        last = len(record.history) - 1
        if last < 0:
            return None
        if self.heads is not None and run_id in self.heads:
            return min(max(self.heads[run_id], 0.0), float(last))
        return None if self.scrub_k is None else min(self.scrub_k, last)

    def focused_step(self) -> tuple[RunRecord, int] | None:
        """(the focused run, the step k shown), or None when there is no run with steps."""
        record = self._runs.get(self.focus_run) if self.focus_run is not None else None
        if record is None or not len(record.history):
            return None
        head = self.head(record.run_id)
        return record, len(record.history) - 1 if head is None else head

    def _add_scene_runs(self, specs: tuple[RunSpec, ...]) -> None:
        """Runs of a restored scene: their recorded steps computed at once, the rest paused."""
        for spec in specs:
            try:
                record = run_ops.start_run(self._next_run_id + 1, self._surface, spec)
            except ValueError:
                continue  # a start outside this surface's domain: no run
            self._next_run_id += 1
            self._runs[record.run_id] = record
            if spec.recorded is None:  # to its end (+1 for the start, +1 to hear the end)
                run_ops.advance(record, min(spec.max_steps, SYNCHRONOUS_RUN_STEPS) + 2)
            else:
                run_ops.advance(record, min(spec.recorded, SYNCHRONOUS_RUN_STEPS) + 1)
            if self.focus_run is None:
                self.focus_run = record.run_id


def _check(scene: Scene) -> None:
    """The in-memory checks the scene reader makes of a file (SceneError names the field)."""
    try:
        Window(*scene.window)
    except ValueError as err:
        raise SceneError(f"window: {err}") from None
    if not all(math.isfinite(v) for v in scene.point):
        raise SceneError("point: must be two finite numbers")
    if not MIN_RESOLUTION <= scene.resolution <= MAX_RESOLUTION:
        raise SceneError(f"resolution: must be between {MIN_RESOLUTION} and {MAX_RESOLUTION}")
    if scene.log_base not in LOG_BASE_KEYS:
        raise SceneError(f"log_base: expected one of {', '.join(LOG_BASE_KEYS)}")
    if not (math.isfinite(scene.delta) and scene.delta != 0):
        raise SceneError("delta: must be a finite number other than 0")
    if not (math.isfinite(scene.step) and scene.step != 0):
        raise SceneError("step: must be a finite number other than 0")
    dx, dy = scene.direction
    if not (math.isfinite(dx) and math.isfinite(dy)) or (dx == 0 and dy == 0):
        raise SceneError("direction: must be a finite vector other than (0, 0)")
    if not (math.isfinite(scene.derivative.dx) and scene.derivative.dx != 0):
        raise SceneError("derivative.dx: must be a finite number other than 0")
    if not math.isfinite(scene.derivative.a):
        raise SceneError("derivative.a: must be a finite number")
    if scene.tool not in TOOLS:
        raise SceneError(f"tool: unknown tool {scene.tool!r}")
    if any(name not in CONSTRUCTIONS for name in scene.shown):
        raise SceneError("shown: unknown construction")
    if any(name not in TOOLS for name in scene.pinned):
        raise SceneError("pinned: unknown tool")
    if scene.starts is not None:
        try:
            scene.starts.settings()
        except ValueError as err:
            raise SceneError(f"starts: {err}") from None


def _default_preset() -> str:
    from gdviz.core.presets import default_preset_name

    return default_preset_name()


def _preset_lr(source: SurfaceSource) -> float:
    if source.kind == "preset":
        return get_preset(source.preset or "").lr
    return RunSpec().lr
