"""The logistic-regression dataset with its numerically stable log loss, gradient and loss grid."""

from __future__ import annotations

import csv
import io
import math
import os
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from gdviz.core.resources import resource_path
from gdviz.core.safe_read import DATASET_MAX_BYTES, FileRefused, read_bounded
from gdviz.core.shown import shown_text

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

LOG_BASES: dict[str, float] = {"e": math.e, "10": 10.0, "2": 2.0}

# A CSV error lists this many bad rows, then says how many more there are.
MAX_LISTED_ROWS = 20
# Elements (float64) per chunk in the pointwise functions; float32 elements per grid chunk.
_POINTWISE_CHUNK = 1 << 20
_GRID_CHUNK = 1 << 17
_GRID_BLOCK = 4096
# A float32 grid cell is trusted when C·D ≤ this × total (see _float32_bound_exceeded).
_FLOAT32_TRUST = 32.0


class DatasetError(ValueError):
    """A dataset that cannot be used.

    `errors` lists the problems shown (one per bad row, at most MAX_LISTED_ROWS of them);
    `bad_rows` counts every bad row (len(errors) when all are listed).
    """

    def __init__(self, message: str, errors: list[str] | None = None, bad_rows: int | None = None):
        super().__init__(message)
        self.errors = list(errors) if errors is not None else [message]
        self.bad_rows = len(self.errors) if bad_rows is None else bad_rows


@dataclass(frozen=True, eq=False)
class Dataset:
    """Examples (xᵢ, yᵢ) for one-feature logistic regression: x finite, y ∈ {0, 1}; read-only."""

    x: np.ndarray
    y: np.ndarray

    def __post_init__(self) -> None:
        x = _as_vector(self.x, "x")
        y = _as_vector(self.y, "y")
        if x.size == 0:
            raise DatasetError("a dataset needs at least one example")
        if x.size != y.size:
            raise DatasetError(f"x and y differ in length: {x.size} x values, {y.size} y values")
        if not np.all(np.isfinite(x)):
            bad = np.flatnonzero(~np.isfinite(x))
            raise DatasetError(
                f"x must be finite; {bad.size} value(s) are not, first at index {bad[0]}"
            )
        bad_y = np.flatnonzero((y != 0.0) & (y != 1.0))
        if bad_y.size:
            raise DatasetError(
                f"y must be 0 or 1; {bad_y.size} value(s) are not, "
                f"first at index {bad_y[0]}: {y[bad_y[0]]:g}"
            )
        x.setflags(write=False)
        y.setflags(write=False)
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)

    def __len__(self) -> int:
        return int(self.x.size)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Dataset):
            return NotImplemented
        return np.array_equal(self.x, other.x) and np.array_equal(self.y, other.y)

    def __hash__(self) -> int:
        return hash((self.x.tobytes(), self.y.tobytes()))

    @classmethod
    def lecture(cls) -> Dataset:
        """The lecture's 8 examples (resources/datasets/lecture.csv)."""
        return _lecture_dataset()


@lru_cache(maxsize=1)
def _lecture_dataset() -> Dataset:
    return load_dataset_csv(resource_path("datasets", "lecture.csv"))


def _as_vector(values: object, name: str) -> np.ndarray:
    try:
        array = np.array(values, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as exc:
        raise DatasetError(f"{name} must be numbers: {exc}") from None
    if array.ndim != 1:
        raise DatasetError(f"{name} must be one-dimensional, got shape {array.shape}")
    return array


# ---------------------------------------------------------------------------------------------
# CSV


def load_dataset_csv(path: str | os.PathLike[str] | Traversable) -> Dataset:
    """The dataset in a CSV file with header x,y (extra columns ignored, '#' starts a comment).

    A file is read only when it is a regular file of at most DATASET_MAX_BYTES (safe_read.py).
    """
    try:
        if isinstance(path, (str, os.PathLike)):
            data = read_bounded(path, DATASET_MAX_BYTES, "dataset")
        else:
            data = path.read_bytes()  # a file shipped with gdviz
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DatasetError(f"the dataset is not UTF-8 text: {exc}") from None
    except (FileRefused, OSError) as exc:
        raise DatasetError(str(exc)) from None
    del data
    return parse_dataset_csv(text)


def parse_dataset_csv(text: str) -> Dataset:
    """The dataset in CSV text; DatasetError lists the bad rows as 'line N: reason'."""
    text = text.removeprefix("\ufeff")
    # Only \n, \r\n and \r end a line (str.splitlines also splits on form feeds and others).
    header_index, header, body_start = 0, None, 0
    for header_index, match in enumerate(_LINE.finditer(text)):  # noqa: B007
        if _strip_comment(match.group(1)).strip():
            header, body_start = match.group(1), match.end()
            break
        if match.end() >= len(text):
            break
    if header is None:
        raise DatasetError("the file is empty: expected a header line x,y and data rows")
    try:
        names = [name.strip().lower() for name in _fields(_strip_comment(header))]
    except csv.Error as exc:
        raise DatasetError(f"line {header_index + 1}: {_quoting_text(exc)}") from None
    missing = [column for column in ("x", "y") if column not in names]
    if missing:
        semicolon = _semicolon_text(header_index + 1, _strip_comment(header))
        if semicolon:
            raise DatasetError(semicolon)
        raise DatasetError(
            f"line {header_index + 1}: the header must name columns x and y; "
            f"missing {' and '.join(missing)} (header: {shown_text(header.strip())})"
        )
    ix, iy = names.index("x"), names.index("y")
    body = text[body_start:]
    values = _parse_fast(body, len(names), ix, iy)
    if values is None:
        lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        values = _parse_rows(lines, header_index + 2, len(names), ix, iy)
    if values[0].size == 0:
        raise DatasetError("the file has a header but no data rows")
    return Dataset(values[0], values[1])


_LINE = re.compile(r"([^\r\n]*)(?:\r\n|\r|\n|$)")


def _strip_comment(line: str) -> str:
    return line.split("#", 1)[0]


def _fields(line: str) -> list[str]:
    """The comma-separated fields of one line, quotes as Excel and pandas write them removed."""
    if '"' not in line:  # what csv.reader gives, without its limit on a field's length
        return line.split(",")
    return next(csv.reader([line], skipinitialspace=True, strict=True), [])


def _quoting_text(exc: csv.Error) -> str:
    if "field limit" in str(exc):
        return f"a quoted field is longer than {csv.field_size_limit():,} characters"
    return f'the quoting is broken ({exc}); a quoted field is "..." followed by a comma'


def _semicolon_text(line_number: int, content: str) -> str | None:
    """Why a line with ';' did not parse: where the ';' is, and what to do; None without one."""
    column = content.find(";")
    if column < 0:
        return None
    return (
        f"line {line_number}, column {column + 1}: ';' separates the values, but a dataset is "
        "comma-separated (x,y); save the file as CSV with commas (Excel: 'CSV UTF-8 (Comma "
        "delimited)')"
    )


def _parse_fast(
    body: str, n_columns: int, ix: int, iy: int
) -> tuple[np.ndarray, np.ndarray] | None:
    """x and y via numpy's C parser, or None when anything is off (the row pass then explains)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # e.g. "input contained no data"
            # newline=None reads \r\n and \r as line ends; the text is parsed in chunks.
            table = np.loadtxt(
                io.StringIO(body, newline=None),
                delimiter=",",
                quotechar='"',
                comments="#",
                ndmin=2,
                dtype=np.float64,
            )
    except (ValueError, UserWarning):
        return None
    if table.size == 0:
        return np.empty(0), np.empty(0)
    if table.shape[1] != n_columns:
        return None
    x, y = table[:, ix], table[:, iy]
    if not np.all(np.isfinite(x)) or not np.all((y == 0.0) | (y == 1.0)):
        return None
    return x, y


def _parse_rows(
    body: list[str], first_line: int, n_columns: int, ix: int, iy: int
) -> tuple[np.ndarray, np.ndarray]:
    """x and y row by row; DatasetError with the first bad rows' line numbers and reasons."""
    xs: list[float] = []
    ys: list[float] = []
    errors: list[str] = []
    bad_rows = 0
    for line_number, line in enumerate(body, start=first_line):
        content = _strip_comment(line)
        if not content.strip():
            continue
        try:
            fields = _fields(content)
        except csv.Error as exc:
            bad_rows += 1
            if len(errors) < MAX_LISTED_ROWS:
                errors.append(f"line {line_number}: {_quoting_text(exc)}")
            continue
        if len(fields) != n_columns:
            bad_rows += 1
            if len(errors) < MAX_LISTED_ROWS:
                errors.append(
                    _semicolon_text(line_number, content)
                    or f"line {line_number}: expected {n_columns} fields, got {len(fields)}"
                )
            continue
        reasons = []
        x = _number(fields[ix])
        if x is None:
            reasons.append(_not_a_number("x", fields[ix]))
        elif not math.isfinite(x):
            reasons.append("x must be finite")
        y = _number(fields[iy])
        if y is None:
            reasons.append(_not_a_number("y", fields[iy]))
        elif y not in (0.0, 1.0):
            field = fields[iy].strip()
            reasons.append(
                f"y must be 0 or 1, got {field if len(field) <= 40 else shown_text(field)}"
            )
        if reasons:
            bad_rows += 1
            if len(errors) < MAX_LISTED_ROWS:
                errors.append(f"line {line_number}: {'; '.join(reasons)}")
        else:
            xs.append(x)  # type: ignore[arg-type]
            ys.append(y)  # type: ignore[arg-type]
    if errors:
        raise DatasetError(bad_rows_text(errors, bad_rows), errors, bad_rows)
    return np.array(xs, dtype=np.float64), np.array(ys, dtype=np.float64)


def bad_rows_text(listed: list[str], bad_rows: int) -> str:
    """'N bad dataset rows:' then the listed rows, one a line, and '… and K more rows'."""
    lines = [f"{bad_rows:,} bad dataset row{'s' if bad_rows != 1 else ''}:", *listed]
    if bad_rows > len(listed):
        more = bad_rows - len(listed)
        lines.append(f"… and {more:,} more row{'s' if more != 1 else ''}")
    return "\n".join(lines)


def _not_a_number(name: str, field: str) -> str:
    if not field.strip():
        return f"{name} is missing"
    return f"{name} is not a number: {shown_text(field.strip())}"


def _number(text: str) -> float | None:
    text = text.strip()
    if "_" in text:  # float() accepts 1_000; numpy's parser does not
        return None
    try:
        return float(text)
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------------
# Log bases


def log_base_label(base: float) -> str:
    """'e', '10' or '2' for the usual bases, else the base printed with :g."""
    for label, value in LOG_BASES.items():
        if math.isclose(base, value, rel_tol=1e-12):
            return label
    return f"{base:g}"


def log_base_key(text: str) -> str:
    """'e', '10' or '2' for the log base named by text ('ln' is e); ValueError listing them."""
    cleaned = text.strip().lower()
    if cleaned == "ln":
        cleaned = "e"
    if cleaned not in LOG_BASES:
        raise ValueError(f"log base must be one of e, 10 or 2; got {shown_text(text)}")
    return cleaned


def parse_log_base(text: str) -> float:
    """The log base named by text: 'e' (or 'ln'), '10' or '2' — the bases the scenes allow."""
    return LOG_BASES[log_base_key(text)]


def _ln_base(log_base: float) -> float:
    base = float(log_base)
    if not (math.isfinite(base) and base > 0 and base != 1):
        raise ValueError(f"log base must be a positive number other than 1; got {log_base!r}")
    return math.log(base)


# ---------------------------------------------------------------------------------------------
# Pointwise loss and gradient


def stable_sigmoid(z: np.ndarray | float) -> np.ndarray:
    """σ(z) = 1 / (1 + e^−z) without overflow for any finite z; exactly 0.5 at 0."""
    z = np.asarray(z, dtype=np.float64)
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))[()]


def softplus(t: np.ndarray | float) -> np.ndarray:
    """log(1 + e^t) for any finite t: no overflow when t ≫ 0, full relative accuracy when t ≪ 0."""
    t = np.asarray(t, dtype=np.float64)
    with np.errstate(under="ignore"):
        return (np.maximum(t, 0.0) + np.log1p(np.exp(-np.abs(t))))[()]


def _cells(
    w: np.ndarray | float, b: np.ndarray | float
) -> tuple[tuple[int, ...], np.ndarray, np.ndarray]:
    w = np.asarray(w, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    shape = np.broadcast_shapes(w.shape, b.shape)
    return shape, np.broadcast_to(w, shape).ravel(), np.broadcast_to(b, shape).ravel()


def log_loss(
    dataset: Dataset, w: np.ndarray | float, b: np.ndarray | float, log_base: float = math.e
) -> np.ndarray:
    """L(w, b) = mean(log(1 + e^z) − y·z) / ln(base), z = w·x + b; w and b broadcast together."""
    ln_base = _ln_base(log_base)
    shape, w_cells, b_cells = _cells(w, b)
    # log(1 + e^z) − y·z = softplus(s·z) with s = 1 − 2y: a sum of positive terms, no cancellation.
    sign = 1.0 - 2.0 * dataset.y
    signed_x = sign * dataset.x
    out = np.empty(w_cells.size)
    step = max(1, _POINTWISE_CHUNK // len(dataset))
    # With |x| near 1e308, z can pass float64's range: ±inf then gives the right limits
    # (softplus(−inf) = 0, softplus(inf) = inf, which a run reports as an overflow).
    with np.errstate(over="ignore"):
        for start in range(0, w_cells.size, step):
            cells = slice(start, start + step)
            t = w_cells[cells, None] * signed_x + b_cells[cells, None] * sign
            out[cells] = _row_means(softplus(t))
        return (out / ln_base).reshape(shape)[()]


def _row_means(terms: np.ndarray) -> np.ndarray:
    """terms.mean(axis=1), without overflow in the sum when every term is finite."""
    with np.errstate(over="ignore", invalid="ignore"):
        means = terms.mean(axis=1)
        overflowed = ~np.isfinite(means)
        if np.any(overflowed):  # each |term| / m summed is at most the largest |term|
            means[overflowed] = (terms[overflowed] / terms.shape[1]).sum(axis=1)
    return means


def log_loss_gradient(
    dataset: Dataset, w: np.ndarray | float, b: np.ndarray | float, log_base: float = math.e
) -> tuple[np.ndarray, np.ndarray]:
    """(∂L/∂w, ∂L/∂b) = (mean((σ(z) − y)·x), mean(σ(z) − y)) / ln(base), z = w·x + b."""
    ln_base = _ln_base(log_base)
    shape, w_cells, b_cells = _cells(w, b)
    sign = 1.0 - 2.0 * dataset.y
    signed_x = sign * dataset.x
    d_w = np.empty(w_cells.size)
    d_b = np.empty(w_cells.size)
    step = max(1, _POINTWISE_CHUNK // len(dataset))
    with np.errstate(over="ignore"):  # z = ±inf gives σ = 1 or 0: the right limits
        for start in range(0, w_cells.size, step):
            cells = slice(start, start + step)
            t = w_cells[cells, None] * signed_x + b_cells[cells, None] * sign
            # σ(z) − y = s·σ(s·z): for y = 1 it is −σ(−z), which keeps its digits when σ(z) ≈ 1.
            residual = sign * stable_sigmoid(t)
            d_w[cells] = _row_means(residual * dataset.x)
            d_b[cells] = residual.mean(axis=1)
        return (d_w / ln_base).reshape(shape)[()], (d_b / ln_base).reshape(shape)[()]


# ---------------------------------------------------------------------------------------------
# The loss over a grid of (w, b)


@dataclass(frozen=True)
class _Prepared:
    """The dataset folded for the grid: sorted distinct centred x with per-class counts."""

    d: np.ndarray  # distinct x − mean(x), ascending
    n0: np.ndarray  # how many examples with y = 0 at each d
    n1: np.ndarray  # how many with y = 1
    x_mean: float
    m: int


def _prepare(dataset: Dataset) -> _Prepared:
    values, inverse = np.unique(dataset.x, return_inverse=True)
    n1 = np.bincount(inverse, weights=dataset.y, minlength=values.size)
    n0 = np.bincount(inverse, minlength=values.size) - n1
    x_mean = float(_row_means(dataset.x[None, :])[0])
    return _Prepared(values - x_mean, n0, n1, x_mean, len(dataset))


def log_loss_grid(
    dataset: Dataset, ws: np.ndarray, bs: np.ndarray, log_base: float = math.e
) -> np.ndarray:
    """L at every (ws[i], bs[j]): shape (len(ws), len(bs)), rows are w (indexing 'ij'); float64.

    m·L·ln(base) = R + C with R = Σ relu(sᵢ·zᵢ) (exact, by prefix sums over sorted x) and
    C = Σ log1p(e^−|zᵢ|) (float32 SIMD, in cache-sized chunks). Cells whose float32 error bound
    could exceed about 1e-5 relative are recomputed in float64.
    """
    ln_base = _ln_base(log_base)
    ws = _grid_axis(ws, "ws")
    bs = _grid_axis(bs, "bs")
    prepared = _prepare(dataset)
    b_shifted = bs[None, :] + ws[:, None] * prepared.x_mean  # z = w·d + b'
    relu_sums = _relu_sums(prepared, ws, b_shifted)
    corrections, direct = _log1p_exp_sums_float32(prepared, ws, b_shifted)
    total = relu_sums + corrections
    redo = _float32_bound_exceeded(prepared, ws, b_shifted, corrections, total)
    redo &= direct
    redo |= total < prepared.m * 1e-30
    if np.any(redo):
        rows, cols = np.nonzero(redo)
        total[rows, cols] = _loss_sums_float64(prepared, ws[rows], b_shifted[rows, cols])
    return total / (prepared.m * ln_base)


def _grid_axis(values: np.ndarray, name: str) -> np.ndarray:
    axis = np.asarray(values, dtype=np.float64)
    if axis.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {axis.shape}")
    if not np.all(np.isfinite(axis)):
        raise ValueError(f"{name} must be finite")
    return axis


def _relu_sums(p: _Prepared, ws: np.ndarray, b_shifted: np.ndarray) -> np.ndarray:
    """Σ n0·relu(w·d + b') + n1·relu(−(w·d + b')) per cell, from prefix sums over sorted d."""
    zero = np.zeros(1)
    prefix = [np.concatenate([zero, np.cumsum(v)]) for v in (p.n0, p.n0 * p.d, p.n1, p.n1 * p.d)]
    # Suffix sums summed from the top, not total − prefix, to avoid cancellation.
    suffix = [
        np.concatenate([np.cumsum(v[::-1])[::-1], zero])
        for v in (p.n0, p.n0 * p.d, p.n1, p.n1 * p.d)
    ]
    out = np.empty(b_shifted.shape)
    step = max(1, _POINTWISE_CHUNK // (4 * b_shifted.shape[1]))  # bounds the temporaries
    for start in range(0, ws.size, step):
        rows = slice(start, start + step)
        out[rows] = _relu_sums_rows(p, prefix, suffix, ws[rows, None], b_shifted[rows])
    return out


def _relu_sums_rows(
    p: _Prepared, prefix: list[np.ndarray], suffix: list[np.ndarray], w: np.ndarray, b: np.ndarray
) -> np.ndarray:
    pre0_n, pre0_d, pre1_n, pre1_d = prefix
    suf0_n, suf0_d, suf1_n, suf1_d = suffix
    w = np.broadcast_to(w, b.shape)
    flat = w == 0
    boundary = -b / np.where(flat, 1.0, w)  # where w·d + b' changes sign (unused when w = 0)
    above = np.searchsorted(p.d, boundary, side="right")  # first index with d > boundary
    below = np.searchsorted(p.d, boundary, side="left")  # indices < below have d < boundary
    positive = w > 0
    # y = 0 examples count where w·d + b' > 0; y = 1 examples where it is < 0.
    r0 = np.where(
        positive,
        w * suf0_d[above] + b * suf0_n[above],
        w * pre0_d[below] + b * pre0_n[below],
    )
    r1 = -np.where(
        positive,
        w * pre1_d[below] + b * pre1_n[below],
        w * suf1_d[above] + b * suf1_n[above],
    )
    r0 = np.where(flat, np.maximum(b, 0.0) * pre0_n[-1], r0)
    r1 = np.where(flat, np.maximum(-b, 0.0) * pre1_n[-1], r1)
    return np.maximum(r0, 0.0) + np.maximum(r1, 0.0)


def _log1p_exp_sums_float32(
    p: _Prepared, ws: np.ndarray, b_shifted: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Σ (n0 + n1)·log1p(e^−|w·d + b'|) per cell in float32 chunks, and which cells went direct.

    Where |w·d| and |b'| stay within float32's exponent range, e^z = e^b'·e^(w·d) is an outer
    product of float64 exponentials rounded once to float32 (a BLAS matmul), and e^−|z| =
    min(e^z, 1/e^z): about 4 ulp whatever the size of z. Elsewhere z is formed in float32
    directly, whose error grows with |z| (see _float32_bound_exceeded).
    """
    counts = (p.n0 + p.n1).astype(np.float32)
    n_w, n_b = b_shifted.shape
    block = min(p.d.size, _GRID_BLOCK)
    b_step = min(n_b, max(1, _GRID_CHUNK // block))
    w_step = max(1, _GRID_CHUNK // (block * b_step))
    buffers = np.empty((2, w_step * b_step * block), dtype=np.float32)
    sums = np.zeros((n_w, n_b))
    direct = np.zeros((n_w, n_b), dtype=bool)
    # e^±80 keeps both factors normal float32 numbers (whose range ends near e^±87).
    cell_factorable = np.abs(b_shifted) <= 80.0
    with np.errstate(under="ignore", over="ignore", divide="ignore"):
        # A k = 2 matmul against a zero column: BLAS forms each e^b'·e^wd with one rounding.
        exp_b = np.zeros((n_w, n_b, 2), dtype=np.float32)
        exp_b[..., 0] = np.exp(np.where(cell_factorable, b_shifted, 0.0))
        for u0 in range(0, p.d.size, block):
            us = slice(u0, u0 + block)
            wd = ws[:, None] * p.d[None, us]
            row_factorable = np.abs(ws) * np.max(np.abs(p.d[us])) <= 80.0
            exp_wd = np.zeros((n_w, 2, wd.shape[1]), dtype=np.float32)
            exp_wd[:, 0, :] = np.exp(np.where(row_factorable[:, None], wd, 0.0))
            for w0 in range(0, n_w, w_step):
                rows = slice(w0, w0 + w_step)
                for b0 in range(0, n_b, b_step):
                    cols = slice(b0, b0 + b_step)
                    shape = (wd[rows].shape[0], b_shifted[0, cols].size, wd.shape[1])
                    size = shape[0] * shape[1] * shape[2]
                    e_abs = buffers[0, :size].reshape(shape)
                    if row_factorable[rows].all() and cell_factorable[rows, cols].all():
                        np.matmul(exp_b[rows, cols], exp_wd[rows], out=e_abs)
                        spare = buffers[1, :size].reshape(shape)
                        np.divide(1.0, e_abs, out=spare)
                        np.minimum(e_abs, spare, out=e_abs)
                    else:
                        _exp_minus_abs_direct(wd[rows], b_shifted[rows, cols], e_abs)
                        direct[rows, cols] = True
                    np.log1p(e_abs, out=e_abs)
                    sums[rows, cols] += (e_abs.reshape(-1, shape[2]) @ counts[us]).reshape(
                        shape[:2]
                    )
    return sums, direct


def _exp_minus_abs_direct(wd: np.ndarray, b_shifted: np.ndarray, out: np.ndarray) -> None:
    """out[i, j, k] = e^−|wd[i, k] + b'[i, j]| with z formed in float32."""
    np.add(wd.astype(np.float32)[:, None, :], b_shifted.astype(np.float32)[:, :, None], out=out)
    np.abs(out, out=out)
    np.negative(out, out=out)
    np.exp(out, out=out)


def _float32_bound_exceeded(
    p: _Prepared,
    ws: np.ndarray,
    b_shifted: np.ndarray,
    corrections: np.ndarray,
    total: np.ndarray,
) -> np.ndarray:
    """Cells where the float32 part may miss 1e-5 relative accuracy.

    Each float32 z is off by at most 2u·D (u = 2⁻²⁴, D = |w|·max|d| + |b'|), and
    |d/dz log1p(e^−|z|)| ≤ log1p(e^−|z|), so C is off by at most 2u·D·C: relative to the
    total that is ≤ 4e-6 when C·D ≤ 32·total. Totals below m·1e-30 may hold float32 underflow.
    """
    spread = np.abs(ws)[:, None] * float(np.max(np.abs(p.d))) + np.abs(b_shifted)
    return corrections * spread > _FLOAT32_TRUST * total


def _loss_sums_float64(p: _Prepared, w: np.ndarray, b_shifted: np.ndarray) -> np.ndarray:
    """Σ n0·softplus(z) + n1·softplus(−z), z = w·d + b', per cell in float64."""
    out = np.empty(w.size)
    step = max(1, _POINTWISE_CHUNK // p.d.size)
    for start in range(0, w.size, step):
        cells = slice(start, start + step)
        z = w[cells, None] * p.d + b_shifted[cells, None]
        out[cells] = softplus(z) @ p.n0 + softplus(-z) @ p.n1
    return out
