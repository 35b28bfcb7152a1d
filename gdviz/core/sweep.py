"""Learning-rate sweeps: one start, M rates on a log grid run together; the stability edge."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gdviz.core.batch import BatchRun, run_batch
from gdviz.core.curvature import Curvature, curvature_at
from gdviz.core.descent import RunEnd, StopReason, checked_start
from gdviz.core.optimizers import Optimizer
from gdviz.core.progress import CancelFlag, Progress
from gdviz.core.run_settings import SweepSettings, learning_rate_grid
from gdviz.core.surfaces import Surface

# The edge between the largest stable rate and the first unstable one is narrowed this many
# times, each time with this many rates between them (log-spaced): 60 rates from 1e-4 to 10 are
# 21% apart, one round of 48 narrows that to 0.4%. Each round is one more batch of runs.
REFINE_ROUNDS = 1
REFINE_COUNT = 48
UNSTABLE_REASONS = (StopReason.DIVERGED, StopReason.LEFT_DOMAIN)

__all__ = ["Sweep", "SweepSettings", "learning_rate_grid", "run_sweep"]


@dataclass(frozen=True, eq=False)
class Sweep:
    """M runs from one start, one per learning rate, in ascending rate order.

    final_loss[i]: f at run i's last kept point (NaN when even the start was bad); steps[i]:
    the updates it made (its RunEnd.steps); stable[i]: it neither diverged nor left the
    domain, and ended no higher than it started. largest_stable_lr is the largest stable rate
    below the first unstable one, narrowed by extra runs between the two (edge_rates,
    edge_stable); smallest_unstable_lr is that first unstable rate (None when every rate is
    stable; largest_stable_lr is None when the smallest rate is already unstable). `runs`
    holds the M grid runs' paths (loss curves: runs.f[:, i]).
    """

    start: tuple[float, float]
    start_loss: float
    learning_rates: np.ndarray
    final_loss: np.ndarray
    steps: np.ndarray
    ends: tuple[RunEnd, ...]
    stable: np.ndarray
    largest_stable_lr: float | None
    smallest_unstable_lr: float | None
    edge_rates: np.ndarray
    edge_stable: np.ndarray
    curvature: Curvature | None
    runs: BatchRun

    def __len__(self) -> int:
        return len(self.learning_rates)

    @property
    def reasons(self) -> tuple[StopReason, ...]:
        return tuple(end.reason for end in self.ends)

    @property
    def steps_to_converge(self) -> np.ndarray:
        """Steps each run took to converge, as floats: NaN for runs that did not converge."""
        converged = np.array([r == StopReason.CONVERGED for r in self.reasons], dtype=bool)
        return np.where(converged, self.steps.astype(np.float64), np.nan)

    @property
    def gd_limit(self) -> float | None:
        """2/λ_max of the Hessian at the start for a convex quadratic f (Curvature.gd_limit)."""
        return None if self.curvature is None else self.curvature.gd_limit


def run_sweep(
    surface: Surface,
    start: tuple[float, float],
    optimizer: Optimizer,
    settings: SweepSettings | None = None,
    refine_rounds: int = REFINE_ROUNDS,
    progress: Progress | None = None,
    cancelled: CancelFlag | None = None,
) -> Sweep:
    """The optimizer from `start` with each rate of the settings' grid, all runs advanced
    together (batch.run_batch), then `refine_rounds` more batches between the largest stable
    rate and the first unstable one. The optimizer's other hyperparameters are kept.

    progress(fraction) and cancelled() as in progress.py; Cancelled is raised on cancel.
    ValueError for a bad argument (see learning_rate_grid), before anything runs.
    """
    settings = SweepSettings() if settings is None else settings
    rates = learning_rate_grid(settings.lr_min, settings.lr_max, settings.count)
    start = checked_start(start)
    total_rounds = 1 + max(refine_rounds, 0)

    def run(round_index: int, rates: np.ndarray) -> tuple[BatchRun, np.ndarray, np.ndarray]:
        scaled = None if progress is None else _scaled(progress, round_index, total_rounds)
        runs = run_batch(surface, start, optimizer, rates, settings.max_steps, settings.tol,
                         progress=scaled, cancelled=cancelled)  # fmt: skip
        final = _final_loss(runs)
        return runs, final, _stable(runs, final)

    runs, final_loss, stable = run(0, rates)
    start_loss = float(runs.f[0, 0]) if runs.lengths[0] else math.nan
    low, high = _edge(rates, stable)
    edge_rates, edge_stable = [], []
    for round_index in range(1, total_rounds):
        if low is None or high is None:
            break
        between = np.geomspace(low, high, REFINE_COUNT + 2)[1:-1]
        _, _, between_stable = run(round_index, between)
        edge_rates.append(between)
        edge_stable.append(between_stable)
        unstable = np.flatnonzero(~between_stable)
        cut = int(unstable[0]) if len(unstable) else len(between)
        if cut > 0:
            low = float(between[cut - 1])
        if cut < len(between):
            high = float(between[cut])
    if progress is not None:
        progress(1.0)
    return Sweep(
        start=start,
        start_loss=start_loss,
        learning_rates=rates,
        final_loss=final_loss,
        steps=np.array([end.steps for end in runs.ends], dtype=np.int64),
        ends=runs.ends,
        stable=stable,
        largest_stable_lr=low,
        smallest_unstable_lr=high,
        edge_rates=np.concatenate(edge_rates) if edge_rates else np.empty(0),
        edge_stable=np.concatenate(edge_stable) if edge_stable else np.empty(0, dtype=bool),
        curvature=curvature_at(surface, start),
        runs=runs,
    )


def _final_loss(runs: BatchRun) -> np.ndarray:
    """f at each run's last kept point; NaN for a run that kept none."""
    last = np.maximum(runs.lengths - 1, 0)
    final = runs.f[last, np.arange(len(runs))]
    return np.where(runs.lengths > 0, final, np.nan)


def _stable(runs: BatchRun, final_loss: np.ndarray) -> np.ndarray:
    """Runs that stayed finite and in the domain and ended no higher than they started."""
    ended_badly = np.array([end.reason in UNSTABLE_REASONS for end in runs.ends], dtype=bool)
    with np.errstate(invalid="ignore"):
        no_higher = final_loss <= runs.f[0]  # False for NaN
    return ~ended_badly & no_higher


def _edge(rates: np.ndarray, stable: np.ndarray) -> tuple[float | None, float | None]:
    """(largest stable rate below the first unstable one, that first unstable rate)."""
    unstable = np.flatnonzero(~stable)
    if len(unstable) == 0:
        return float(rates[-1]), None
    first = int(unstable[0])
    return (float(rates[first - 1]) if first > 0 else None), float(rates[first])


def _scaled(progress: Progress, index: int, total: int) -> Progress:
    """A progress callback for part `index` of `total` equal parts of the work."""
    return lambda fraction: progress((index + fraction) / total)
