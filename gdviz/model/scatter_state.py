"""Many starts in the document: the scatter computed for scene.starts, and the step it shows."""

from __future__ import annotations

from dataclasses import dataclass, replace

from psygnal import Signal, SignalGroup

from gdviz.core.optimizers import make_optimizer
from gdviz.core.progress import CancelFlag, Progress
from gdviz.core.run_settings import StartsSettings
from gdviz.core.scatter import Scatter, make_starts, run_starts
from gdviz.core.scene import RunSpec, StartsSpec
from gdviz.core.surfaces import Surface
from gdviz.core.window import Window


def starts_spec(run: RunSpec, settings: StartsSettings) -> StartsSpec:
    """The scene's record of a scatter: the run settings (full batch; no start) and K, layout, seed.

    A grid has no seed: it is kept at 0 so two equal grids are one spec."""
    run = replace(run, start=(0.0, 0.0), recorded=None, minibatch=None)
    seed = settings.seed if settings.layout == "random" else 0
    return StartsSpec(run, settings.count, settings.layout, seed)


def compute_scatter(
    surface: Surface,
    window: Window,
    spec: StartsSpec,
    progress: Progress | None = None,
    cancelled: CancelFlag | None = None,
) -> Scatter:
    """The scatter `spec` describes on `surface` over `window` (core's run_starts). ValueError or
    OptimizerError for bad settings; progress.Cancelled when `cancelled` turns True."""
    run = spec.run
    optimizer = make_optimizer(run.optimizer, run.hyperparameters())
    starts = make_starts(window, spec.settings())
    return run_starts(
        surface, starts, optimizer, run.max_steps, run.tol, window,
        progress=progress, cancelled=cancelled,
    )  # fmt: skip


class ScatterEvents(SignalGroup):
    """Emitted after the scatter state has changed."""

    scatter_changed = Signal()  # a scatter arrived, or the one shown was dropped
    head_changed = Signal()  # the step the paths are drawn up to (an export's frame)


@dataclass(frozen=True, eq=False)
class ScatterResult:
    """A computed scatter and what it was computed for: the spec and the surface."""

    spec: StartsSpec
    surface: Surface
    scatter: Scatter


class ScatterState:
    """The scatter shown for the scene's `starts` (derived data: computed off the GUI thread and
    handed in), and `head`, the step its paths are drawn up to (None: to their ends)."""

    def __init__(self) -> None:
        self.events = ScatterEvents()
        self.result: ScatterResult | None = None
        self.head: float | None = None

    @property
    def scatter(self) -> Scatter | None:
        return None if self.result is None else self.result.scatter

    def matches(self, spec: StartsSpec | None, surface: Surface) -> bool:
        """Whether the scatter shown is the one `spec` asks for on `surface`."""
        result = self.result
        return result is not None and result.spec == spec and result.surface is surface

    def set_result(self, spec: StartsSpec, surface: Surface, scatter: Scatter) -> None:
        self.result = ScatterResult(spec, surface, scatter)
        self.head = None
        self.events.scatter_changed.emit()

    def follow(self, spec: StartsSpec | None, surface: Surface) -> None:
        """The scene's spec or surface changed: drop a scatter that no longer belongs to them."""
        if self.result is not None and not self.matches(spec, surface):
            self.result = None
            self.head = None
            self.events.scatter_changed.emit()

    def show_step(self, head: float | None) -> None:
        """Draw the paths up to step `head` (2.5: halfway from step 2 to 3); None: whole."""
        head = None if head is None else float(head)
        if head != self.head:
            self.head = head
            self.events.head_changed.emit()
