"""Mini-batch runs in words: batch names, iterations and epochs, the batch of a step, its update."""

from __future__ import annotations

import math

from gdviz.core.batch_history import BatchHistory
from gdviz.core.descent import Step
from gdviz.core.optimizers import Optimizer
from gdviz.core.step_text import _operand, number, update_lines

SHOWN_EXAMPLES = 24  # a batch longer than this is written with its first examples and a count


def batch_label(batch_size: int, examples: int) -> str:
    """A run's batch in a few characters: SGD (B=1), B=3, or B=m=8 (every example)."""
    if batch_size == 1:
        return "SGD"
    if batch_size == examples:
        return f"B=m={examples}"
    return f"B={batch_size}"


def batches_per_epoch(batch_size: int, examples: int) -> int:
    """ceil(m / B) iterations make one epoch (one pass over every example)."""
    return math.ceil(examples / batch_size)


def counting_text(batch_size: int, examples: int) -> str:
    """How steps are counted: iterations (one per batch) and epochs (one pass over the m)."""
    per_epoch = batches_per_epoch(batch_size, examples)
    kind = "SGD: 1 example" if batch_size == 1 else f"{batch_size:,} examples"
    return (
        f"{kind} per iteration (step); {per_epoch:,} iteration{'s' if per_epoch != 1 else ''} "
        f"= 1 epoch, a pass over all m = {examples:,} examples, reshuffled each epoch. "
        "Max steps counts iterations."
    )


def full_batch_text(examples: int) -> str:
    return (
        f"Full batch: every step uses all m = {examples:,} examples (the lecture's descent). "
        "Choose B < m for mini-batches, B = 1 for SGD."
    )


def iteration_text(k: int, batch_size: int, examples: int) -> str:
    """Point k counted both ways: "iteration 13 (epoch 4, batch 1 of 4)"; k = 0 is the start."""
    if k <= 0:
        return "the start (iteration 0)"
    per_epoch = batches_per_epoch(batch_size, examples)
    epoch, batch = divmod(k - 1, per_epoch)
    return f"iteration {k:,} (epoch {epoch + 1:,}, batch {batch + 1} of {per_epoch})"


def examples_text(indices) -> str:
    """0-based example indices as the lecture's table numbers them, from 1: "2, 5, 7"."""
    numbers = [str(int(i) + 1) for i in indices]
    if len(numbers) > SHOWN_EXAMPLES:
        return f"{', '.join(numbers[:SHOWN_EXAMPLES])}, … ({len(numbers):,} examples)"
    return ", ".join(numbers)


def batch_lines(batches: BatchHistory, k: int, axis_names: tuple[str, str, str]) -> tuple[str, str]:
    """Which examples moved point k − 1 to point k, and the batch's loss and gradient there."""
    a, b, _ = axis_names
    m, size = batches.examples, batches.batch_size
    if k == 0:
        first = "Iteration 1 will use the first batch of epoch 1"
        return f"Start: no batch yet. {first} (examples shuffled with the seed).", ""
    indices = batches.indices(k)
    shown = "(not kept: a very long run)" if indices is None else examples_text(indices)
    noun = "example" if indices is not None and len(indices) == 1 else "examples"
    head = f"{iteration_text(k, size, m).capitalize()}: {noun} {shown} of m = {m}"
    j = k - 1
    gx, gy = batches.gradient(k)
    numbers = (
        f"On this batch at ({a}{j}, {b}{j}): L_B = {number(batches.loss(k))}, "
        f"∇L_B = ({number(gx)}, {number(gy)})"
    )
    return head, numbers


def batch_update_lines(
    previous: Step,
    current: Step,
    optimizer: Optimizer,
    axis_names: tuple[str, str, str],
    batch_gradient: tuple[float, float],
) -> tuple[str, str]:
    """The update of a mini-batch step: the lecture's line with the batch's gradient (GD), or
    the optimizer's update (the others: the optimizer was given the batch's gradient)."""
    if optimizer.name != "gd":
        return update_lines(previous, current, optimizer, axis_names)
    a, b, _ = axis_names
    k, j = current.k, previous.k
    lr = optimizer.hp.lr
    lines = []
    for i, name in enumerate((a, b)):
        lines.append(
            f"{name}{k} = {name}{j} − α × L_{name}({a}{j}, {b}{j}; batch) = "
            f"{number(previous.point[i])} − {number(lr)} × {_operand(batch_gradient[i])} = "
            f"{number(current.point[i])}"
        )
    return lines[0], lines[1]
