"""The learning-rate sweep in the document: what a scene's sweep runs, and its computed result."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from gdviz.core.optimizers import make_optimizer
from gdviz.core.progress import CancelFlag, Progress
from gdviz.core.run_settings import SweepSettings
from gdviz.core.scene import RunSpec, SweepSpec
from gdviz.core.surfaces import Surface

if TYPE_CHECKING:  # core.sweep imports sympy, which the window loads only when needed
    from gdviz.core.sweep import Sweep


@dataclass(frozen=True, eq=False)
class SweepResult:
    """A computed sweep and what it was computed for (it is shown only while both still hold)."""

    spec: SweepSpec
    surface: Surface
    sweep: Sweep


def sweep_spec_for(run: RunSpec, start: tuple[float, float], settings: SweepSettings) -> SweepSpec:
    """The sweep of `run` (the Descent panel's optimizer and knobs) from `start`, with the
    settings' rates, steps and tolerance. Sweeps run the full batch; the run's α is not used."""
    swept = replace(
        run,
        start=(float(start[0]), float(start[1])),
        max_steps=settings.max_steps,
        tol=settings.tol,
        recorded=None,
        minibatch=None,
    )
    return SweepSpec(swept, settings.lr_min, settings.lr_max, settings.count)


def compute_sweep(
    surface: Surface,
    spec: SweepSpec,
    progress: Progress | None = None,
    cancelled: CancelFlag | None = None,
) -> Sweep:
    """core.sweep.run_sweep for a scene's sweep spec (Cancelled when `cancelled()` turns True)."""
    from gdviz.core.sweep import run_sweep  # sympy (the Hessian): not at the window's start

    optimizer = make_optimizer(spec.run.optimizer, spec.run.hyperparameters())
    return run_sweep(
        surface, spec.run.start, optimizer, spec.settings(), progress=progress, cancelled=cancelled
    )


def run_at_rate(spec: SweepSpec, lr: float) -> RunSpec:
    """The sweep's run with learning rate `lr`: what clicking a point of the sweep starts."""
    return replace(spec.run, lr=float(lr), recorded=None)
