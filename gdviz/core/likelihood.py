"""The likelihood table: P(Y = yᵢ) per example, L = Π P, log L and the cost, without underflow."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gdviz.core.logistic import Dataset, softplus, stable_sigmoid

_LN10 = math.log(10.0)
# The smallest normal float64: below it L has lost digits (subnormal) or is 0.
_SMALLEST_NORMAL = float(np.finfo(np.float64).tiny)
_EPS = float(np.finfo(np.float64).eps)


@dataclass(frozen=True, eq=False)
class LikelihoodTable:
    """One model (w, b) on a dataset, row by row, with the likelihood and cost; arrays read-only.

    z = w·x + b, a = σ(z), p = P(Y = yᵢ) (a for y = 1, 1 − a for y = 0, each computed without
    cancellation), log_p = ln p (exact even where p underflows to 0). log_likelihood is natural.
    `likelihood` is exp(log_likelihood) and may underflow: show `likelihood_text` instead when
    `likelihood_underflows`.
    """

    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    a: np.ndarray
    p: np.ndarray
    log_p: np.ndarray
    w: float
    b: float
    m: int
    log_base: float
    log_likelihood: float  # ln L
    log10_likelihood: float  # log10 L
    likelihood: float  # L as a float64: 0.0 (or subnormal) when it underflows
    likelihood_underflows: bool  # L is below the smallest normal float64 (2.2e-308)
    likelihood_text: str  # L in scientific notation from log10 L, 8 significant digits
    cost: float  # −(1/m)·log_base L
    cost_natural: float  # −(1/m)·ln L


def _model_z(x: np.ndarray, w: float, b: float) -> np.ndarray | None:
    """z = w·x + b, or None where it overflows float64."""
    with np.errstate(over="ignore", invalid="ignore"):
        z = w * x + b
    return z if np.all(np.isfinite(z)) else None


def model_overflows(dataset: Dataset, w: float, b: float) -> bool:
    """Whether z = w·x + b overflows float64 for some example (likelihood_table refuses it)."""
    return _model_z(dataset.x, float(w), float(b)) is None


def likelihood_table(
    dataset: Dataset, w: float, b: float, log_base: float = math.e
) -> LikelihoodTable:
    """The per-example table and L, log L and the cost in log_base for z = w·x + b."""
    w, b = _finite(w, "w"), _finite(b, "b")
    ln_base = _ln_base(log_base)
    x, y = dataset.x, dataset.y  # already read-only and owned by the frozen dataset
    z = _model_z(x, w, b)
    if z is None:
        raise ValueError(f"z = w·x + b overflows float64 for w = {w!r}, b = {b!r}")
    # t = (1 − 2y)·z: P(Y = yᵢ) = σ(−t) and ln P = −softplus(t), for either class.
    t = np.where(y == 1.0, -z, z)
    a = stable_sigmoid(z)
    p = stable_sigmoid(-t)
    log_p = -softplus(t) + 0.0  # + 0.0: ln 1 prints as 0, not −0
    log_likelihood = float(np.sum(log_p))
    if not math.isfinite(log_likelihood):
        raise ValueError(f"log L overflows float64 for w = {w!r}, b = {b!r}")
    log10_likelihood = log_likelihood / _LN10
    m = len(dataset)
    likelihood = math.exp(log_likelihood)
    for array in (z, a, p, log_p):
        array.setflags(write=False)
    return LikelihoodTable(
        x=x,
        y=y,
        z=z,
        a=a,
        p=p,
        log_p=log_p,
        w=w,
        b=b,
        m=m,
        log_base=float(log_base),
        log_likelihood=log_likelihood,
        log10_likelihood=log10_likelihood,
        likelihood=likelihood,
        likelihood_underflows=likelihood < _SMALLEST_NORMAL,
        likelihood_text=scientific_from_log10(log10_likelihood, LIKELIHOOD_DIGITS),
        cost=-log_likelihood / (m * ln_base) + 0.0,  # + 0.0 turns −0.0 into 0.0
        cost_natural=-log_likelihood / m + 0.0,
    )


# L is printed with at least the digits the slides print (2.0002713231e-8: 11 significant).
LIKELIHOOD_DIGITS = 11


def scientific_from_log10(log10_value: float, digits: int = 8) -> str:
    """10**log10_value as 'd.ddddddde-NN' (digits significant), for any finite exponent.

    Never '0' or 'inf': log10 L = −400.3 gives '5.0118723e-401'. When |log10_value| is so large
    that float64 cannot locate the mantissa to `digits` digits, fewer digits are printed.
    """
    value = float(log10_value)
    if not math.isfinite(value):
        raise ValueError(f"log10 value must be finite, got {log10_value!r}")
    if digits < 1:
        raise ValueError(f"digits must be ≥ 1, got {digits!r}")
    # The fraction part of log10 carries an absolute error of about |value|·eps, i.e. a relative
    # error of ln(10)·|value|·eps in the mantissa.
    mantissa_error = _LN10 * max(abs(value), 1.0) * _EPS
    digits = max(1, min(digits, int(-math.log10(mantissa_error))))
    exponent = math.floor(value)
    mantissa = 10.0 ** (value - exponent)
    text = f"{mantissa:.{digits - 1}f}"
    if float(text) >= 10.0:  # the mantissa rounded up to 10
        exponent += 1
        text = f"{mantissa / 10.0:.{digits - 1}f}"
    sign = "-" if exponent < 0 else "+"
    return f"{text}e{sign}{abs(exponent):02d}"


def small_probability_rows(table: LikelihoodTable, threshold: float = 0.05) -> np.ndarray:
    """Indices of the rows whose P(Y = yᵢ) < threshold: the few examples that crush the product."""
    if not (0.0 < threshold <= 1.0):
        raise ValueError(f"threshold must be in (0, 1], got {threshold!r}")
    return np.flatnonzero(table.log_p < math.log(threshold))


def misclassified(dataset: Dataset, w: float, b: float) -> np.ndarray:
    """Per example: does the predicted class (1 when σ(w·x + b) ≥ 0.5, else 0) differ from y?"""
    w, b = _finite(w, "w"), _finite(b, "b")
    with np.errstate(over="ignore", invalid="ignore"):
        predicted_one = stable_sigmoid(w * dataset.x + b) >= 0.5
    return predicted_one != (dataset.y == 1.0)


def decision_boundary(w: float, b: float) -> float | None:
    """The x where z = w·x + b = 0, i.e. −b/w; None when w = 0 (or −b/w overflows)."""
    w, b = _finite(w, "w"), _finite(b, "b")
    if w == 0.0:
        return None
    with np.errstate(over="ignore"):
        boundary = float(np.float64(-b) / np.float64(w))
    return boundary + 0.0 if math.isfinite(boundary) else None


@dataclass(frozen=True, eq=False)
class GradientTerms:
    """∂cost/∂w and ∂cost/∂b with the per-example terms they average; arrays read-only.

    dw = mean(dw_terms)·scale, db = mean(db_terms)·scale, scale = 1/ln(base) (1 for base e).
    """

    dw: float
    db: float
    dw_terms: np.ndarray  # (aᵢ − yᵢ)·xᵢ
    db_terms: np.ndarray  # aᵢ − yᵢ
    scale: float


def gradient_terms(dataset: Dataset, w: float, b: float, log_base: float = math.e) -> GradientTerms:
    """The gradient of the cost in log_base at (w, b), term by term (equals log_loss_gradient)."""
    w, b = _finite(w, "w"), _finite(b, "b")
    ln_base = _ln_base(log_base)
    with np.errstate(over="ignore", invalid="ignore"):
        z = w * dataset.x + b
    if not np.all(np.isfinite(z)):
        raise ValueError(f"z = w·x + b overflows float64 for w = {w!r}, b = {b!r}")
    # a − y = s·σ(s·z) with s = 1 − 2y: for y = 1 it is −σ(−z), which keeps its digits when a ≈ 1.
    sign = 1.0 - 2.0 * dataset.y
    db_terms = sign * stable_sigmoid(sign * z)
    dw_terms = db_terms * dataset.x
    db_terms.setflags(write=False)
    dw_terms.setflags(write=False)
    return GradientTerms(
        dw=float(np.mean(dw_terms) / ln_base),
        db=float(np.mean(db_terms) / ln_base),
        dw_terms=dw_terms,
        db_terms=db_terms,
        scale=1.0 / ln_base,
    )


def _finite(value: float, name: str) -> float:
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return number


def _ln_base(log_base: float) -> float:
    base = float(log_base)
    if not (math.isfinite(base) and base > 0 and base != 1):
        raise ValueError(f"log base must be a positive number other than 1; got {log_base!r}")
    return math.log(base)
