"""Synthetic datasets, writing a dataset as CSV (atomically) and the separability verdict."""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from gdviz.core.atomic_file import atomic_path, create_text
from gdviz.core.logistic import Dataset
from gdviz.core.shown import shown_text

DATASET_KINDS = ("separable", "overlapping")
MIN_EXAMPLES = 2
MAX_EXAMPLES = 10_000_000
_CSV_CHUNK = 1 << 16


# ---------------------------------------------------------------------------------------------
# Synthetic data


def synthetic_dataset(
    n: int,
    kind: str = "separable",
    seed: int = 0,
    *,
    center: float = 25.0,
    spread: float = 8.0,
    gap: float = 3.0,
    decimals: int = 3,
) -> Dataset:
    """n examples (⌊n/2⌋ with y = 0, the rest y = 1), the same for the same arguments.

    separable: y = 0 at x ≤ center − gap/2 and y = 1 at x ≥ center + gap/2, each spread
    uniformly over `spread`. overlapping: normal classes at center ∓ spread/4 with standard
    deviation `spread`; if a small draw happens to be separable, one or two values are moved
    so that it is not (with n = 2 both x are equal).
    x is rounded to `decimals` places; rows are sorted by x, like the lecture's table.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise ValueError(f"n must be a whole number, got {n!r}")
    if not MIN_EXAMPLES <= n <= MAX_EXAMPLES:
        raise ValueError(f"n must be from {MIN_EXAMPLES} to {MAX_EXAMPLES:,}, got {n:,}")
    if kind not in DATASET_KINDS:
        raise ValueError(f"kind must be one of {', '.join(DATASET_KINDS)}; got {shown_text(kind)}")
    for name, value in (("center", center), ("spread", spread), ("gap", gap)):
        if not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number, got {value!r}")
    if spread <= 0 or gap <= 0:
        raise ValueError(f"spread and gap must be > 0, got spread={spread!r}, gap={gap!r}")
    if not 0 <= decimals <= 12:
        raise ValueError(f"decimals must be from 0 to 12, got {decimals!r}")
    rng = np.random.default_rng(seed)
    n0 = int(n) // 2
    n1 = int(n) - n0
    scale = 10.0**decimals
    if kind == "separable":
        # Rounded away from the gap, so the gap survives the rounding.
        x0 = np.floor((center - gap / 2 - spread * rng.random(n0)) * scale) / scale
        x1 = np.ceil((center + gap / 2 + spread * rng.random(n1)) * scale) / scale
    else:
        x0 = np.round(rng.normal(center - spread / 4, spread, n0), decimals)
        x1 = np.round(rng.normal(center + spread / 4, spread, n1), decimals)
        _force_overlap(x0, x1, decimals)
    x = np.concatenate([x0, x1])
    y = np.concatenate([np.zeros(n0), np.ones(n1)])
    order = np.argsort(x, kind="stable")
    return Dataset(x[order], y[order])


def _force_overlap(x0: np.ndarray, x1: np.ndarray, decimals: int) -> None:
    """Move at most two values, in place, so that no threshold on x splits the classes.

    Strict overlap (max x0 > min x1 and max x1 > min x0) is needed: classes that merely touch
    still have no minimum. A normal draw of more than a handful of rows overlaps anyway.
    """
    if x0.max() > x1.min() and x1.max() > x0.min():
        return
    if x1.size == 1:  # n = 2: one example per class, which overlap only at the same x
        x0[0] = x1[0] = round((x0[0] + x1[0]) / 2, decimals)
        return
    unit = 10.0**-decimals
    low, high = int(np.argmin(x1)), int(np.argmax(x1))
    if high == low:
        high = (low + 1) % x1.size
    x1[low] = round(float(x0.min()) - unit, decimals)
    x1[high] = round(float(x0.max()) + unit, decimals)


# ---------------------------------------------------------------------------------------------
# CSV writing


def dataset_csv_text(dataset: Dataset) -> str:
    """The dataset as CSV: header x,y, one row per example, x at full (round-trip) precision."""
    return "".join(_csv_chunks(dataset))


def write_dataset_csv(dataset: Dataset, path: str | os.PathLike[str]) -> None:
    """Write the dataset as CSV at path, all or nothing (core/atomic_file.py); OSError with a
    clear message when the folder is missing or not writable."""
    target = os.path.abspath(os.fspath(path))
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise OSError(f"cannot write {target}: the folder {folder} does not exist")
    if os.path.isdir(target):
        raise OSError(f"cannot write {target}: it is a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OSError(f"cannot write {target}: the folder {folder} is not writable")
    try:
        with atomic_path(target) as temporary, create_text(temporary) as file:
            for chunk in _csv_chunks(dataset):
                file.write(chunk)
    except OSError as exc:
        raise OSError(f"cannot write {target}: {exc.strerror or exc}") from exc


def _csv_chunks(dataset: Dataset) -> Iterator[str]:
    yield "x,y\n"
    x, y = dataset.x, dataset.y
    integral = bool(np.all(np.abs(x) < 2.0**53)) and bool(np.all(x == np.trunc(x)))
    for start in range(0, x.size, _CSV_CHUNK):
        xs = x[start : start + _CSV_CHUNK]
        ys = y[start : start + _CSV_CHUNK].astype(np.int8).tolist()
        # repr is the shortest text that reads back to the same float64.
        texts = xs.astype(np.int64).tolist() if integral else map(repr, xs.tolist())
        yield "".join([f"{a},{b}\n" for a, b in zip(texts, ys, strict=True)])


# ---------------------------------------------------------------------------------------------
# Separability


@dataclass(frozen=True)
class Separability:
    """Can one threshold on x split the classes, and what that means for the log loss.

    kind: 'separable' (a gap between the classes), 'touching' (they meet at one x only: still no
    minimum), 'overlapping' (a minimum exists) or 'one class'. direction: +1 when every y = 0
    lies below every y = 1, −1 the other way round, 0 otherwise. gap: (largest x of the lower
    class, smallest x of the upper class) when direction ≠ 0, else None.
    """

    separable: bool
    direction: int
    gap: tuple[float, float] | None
    has_minimum: bool
    kind: str
    message: str


def separability(dataset: Dataset) -> Separability:
    """The verdict on dataset: separable (no minimum, |w| → ∞) or not (a minimum exists)."""
    x0 = dataset.x[dataset.y == 0.0]
    x1 = dataset.x[dataset.y == 1.0]
    if x0.size == 0 or x1.size == 0:
        label = "0" if x1.size == 0 else "1"
        toward = "−∞" if label == "0" else "+∞"
        return Separability(
            separable=False,
            direction=0,
            gap=None,
            has_minimum=False,
            kind="one class",
            message=(
                f"only one class: every example has y = {label}, so there is no boundary to "
                f"learn; the log loss has no minimum: it keeps falling toward 0 as b → {toward}"
            ),
        )
    lo0, hi0, lo1, hi1 = float(x0.min()), float(x0.max()), float(x1.min()), float(x1.max())
    for direction, (below, above), (low, high) in (
        (1, ("0", "1"), (hi0, lo1)),
        (-1, ("1", "0"), (hi1, lo0)),
    ):
        w_limit = "+∞" if direction == 1 else "−∞"
        if low < high:
            return Separability(
                separable=True,
                direction=direction,
                gap=(low, high),
                has_minimum=False,
                kind="separable",
                message=(
                    f"separable: every y = {below} has x ≤ {_num(low)} and every y = {above} has "
                    f"x ≥ {_num(high)}, so one threshold splits the classes perfectly; the log "
                    f"loss has no minimum: it keeps falling toward 0 as w → {w_limit}, so "
                    f"gradient descent never converges — |w| grows without bound while the "
                    f"boundary −b/w settles between {_num(low)} and {_num(high)}"
                ),
            )
        if low == high and not (lo0 == hi0 == lo1 == hi1):
            return Separability(
                separable=False,
                direction=direction,
                gap=(low, high),
                has_minimum=False,
                kind="touching",
                message=(
                    f"almost separable: every y = {below} has x ≤ {_num(low)} and every "
                    f"y = {above} has x ≥ {_num(low)}; the classes meet only at x = {_num(low)}. "
                    f"The log loss still has no minimum: it keeps falling as w → {w_limit} with "
                    f"the boundary −b/w tending to {_num(low)}"
                ),
            )
    start, end = max(lo0, lo1), min(hi0, hi1)
    return Separability(
        separable=False,
        direction=0,
        gap=None,
        has_minimum=True,
        kind="overlapping",
        message=(
            f"not separable: x spans [{_num(lo0)}, {_num(hi0)}] for y = 0 and "
            f"[{_num(lo1)}, {_num(hi1)}] for y = 1, which overlap on [{_num(start)}, {_num(end)}]; "
            f"no threshold splits the classes, so the log loss has a minimum and gradient descent "
            f"can converge to it"
        ),
    )


def _num(value: float) -> str:
    """The shortest text that reads back as value, without a trailing '.0' (24.0 -> '24')."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text
