"""Descent runs in the document: their settings, their recorded steps and what is left to run."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from gdviz.core.batch_history import BatchHistory
from gdviz.core.descent import RunEnd, Step, cancelled_end
from gdviz.core.descent_rows import DescentRows
from gdviz.core.history import RunHistory
from gdviz.core.minibatch_rows import BatchedStepRows, MiniBatchRows
from gdviz.core.minibatch_text import batch_label
from gdviz.core.optimizers import Optimizer, make_optimizer
from gdviz.core.scene import RunSpec
from gdviz.core.step_text import number
from gdviz.core.surfaces import Surface

# Runs restored from a scene are computed at once up to this many steps; the rest waits for Play.
SYNCHRONOUS_RUN_STEPS = 200_000


PREALLOCATED_STEPS = 1 << 21  # 2 M rows, 151 MB of address space, touched only as steps arrive


@dataclass
class RunRecord:
    """One run: its settings, the optimizer built from them, its steps so far and what is left.

    `pending` is the rest of the descent still to be taken (by the worker, or at once when a
    scene is restored); None once the run has ended or the worker has it. A mini-batch run
    (spec.minibatch) also keeps, in `batches`, the batch that led to each of its points.
    """

    run_id: int
    spec: RunSpec
    optimizer: Optimizer
    history: RunHistory = field(default_factory=RunHistory)
    pending: DescentRows | MiniBatchRows | None = None
    batches: BatchHistory | None = None

    @property
    def label(self) -> str:
        text = f"{self.optimizer.name} α={number(self.optimizer.hp.lr, 3)}"
        if self.batches is not None:
            text += f" {batch_label(self.batches.batch_size, self.batches.examples)}"
        return text

    @property
    def title(self) -> str:
        text = f"Run {self.run_id}: {self.optimizer.title}, α = {number(self.optimizer.hp.lr)}"
        if self.spec.minibatch is not None and self.batches is not None:
            batch = self.spec.minibatch
            text += f", {batch_label(batch.batch_size, self.batches.examples)}, seed {batch.seed}"
        return text

    @property
    def finished(self) -> bool:
        return self.history.finished

    def steps_taken(self) -> int:
        """k of the last recorded step (0 when only the start is recorded, or nothing yet)."""
        return max(len(self.history) - 1, 0)

    def saved_spec(self) -> RunSpec:
        """The spec as a scene keeps it: an unfinished run with the steps recorded so far; a
        finished one without (reopening computes it to the same end)."""
        if self.finished:
            return replace(self.spec, recorded=None)
        return replace(self.spec, recorded=self.steps_taken() if len(self.history) else 0)


def start_run(run_id: int, surface: Surface, spec: RunSpec) -> RunRecord:
    """A new run of `spec` on `surface`; raises OptimizerError or ValueError for bad settings."""
    optimizer = make_optimizer(spec.optimizer, spec.hyperparameters())
    batches = None
    steps: DescentRows | MiniBatchRows
    if spec.minibatch is None:
        steps = DescentRows(surface, spec.start, optimizer, spec.max_steps, spec.tol)
    else:
        steps = MiniBatchRows(surface, spec.start, optimizer, spec.minibatch, spec.max_steps,
                              spec.tol)  # fmt: skip
        batches = BatchHistory(spec.minibatch.batch_size, steps.examples)
    # room for the whole run at once: untouched rows cost no memory, and growing by copies
    # costs the GUI thread tens of ms per doubling of a long run
    history = RunHistory(capacity=min(spec.max_steps + 1, PREALLOCATED_STEPS))
    return RunRecord(run_id, spec, optimizer, history=history, pending=steps, batches=batches)


def advance(record: RunRecord, count: int) -> None:
    """Take up to `count` more steps of the run here and now, recording them (and its end)."""
    if record.pending is None:
        return
    record_steps(record, record.pending.take(count))
    if record.pending.end is not None:
        record.history.end = record.pending.end
        record.pending = None


def record_steps(record: RunRecord, batch: Iterable[Step]) -> None:
    """Steps computed elsewhere (the worker) added to the run's history (and its batches)."""
    record.history.extend(batch)
    if record.batches is not None and isinstance(batch, BatchedStepRows):
        record.batches.extend(batch.batches)


def finish(record: RunRecord, end: RunEnd) -> None:
    record.history.end = end
    record.pending = None


def cancel(record: RunRecord) -> None:
    """Stop the run where it is (what is left of it is dropped; its steps stay)."""
    if record.pending is not None:
        record.pending.close()
        record.pending = None
    if record.history.end is None:
        record.history.end = cancelled_end(record.steps_taken())
