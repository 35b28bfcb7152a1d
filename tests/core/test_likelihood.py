"""The likelihood table: the slides' two tables (ERRATA.md), underflow, gradient terms, helpers."""

from __future__ import annotations

import math
from decimal import Decimal, getcontext

import numpy as np
import pytest

from gdviz.core.likelihood import (
    GradientTerms,
    LikelihoodTable,
    decision_boundary,
    gradient_terms,
    likelihood_table,
    misclassified,
    model_overflows,
    scientific_from_log10,
    small_probability_rows,
)
from gdviz.core.logistic import Dataset, log_loss, log_loss_gradient

LECTURE_X = [8, 15, 19, 24, 27, 31, 35, 40]
LECTURE_Y = [0, 0, 0, 0, 1, 1, 1, 1]

# session2.md, first table, z = 0.5·x − 4: columns z, a, P(Y = y_i) as printed (truncated).
SLIDE_1_Z = [0, 3.5, 5.5, 8, 9.5, 11.5, 13.5, 16]
SLIDE_1_A = [0.50000, 0.97068, 0.99592, 0.99966, 0.99992, 0.99998, 0.99999, 0.99999]
SLIDE_1_P = [0.50000, 0.02931, 0.00407, 0.00033, 0.99992, 0.99998, 0.99999, 0.99999]
# Second table, z = x − 25. Its a column repeats the first table's in rows 5–8 (ERRATA item 2).
SLIDE_2_Z = [-17, -10, -6, -1, 2, 6, 10, 15]
SLIDE_2_A = [0.00000, 0.00004, 0.00247, 0.26894, 0.99992, 0.99998, 0.99999, 0.99999]
SLIDE_2_P = [0.99999, 0.99995, 0.99752, 0.73105, 0.88079, 0.99752, 0.99995, 0.99999]
ERRATA_2_A_ROWS_5_TO_8 = [0.88080, 0.99753, 0.99995, 1.00000]  # rounded to 5 places


@pytest.fixture(scope="module")
def lecture() -> Dataset:
    return Dataset.lecture()


def assert_truncates_to(values: np.ndarray, printed: list[float], places: int = 5) -> None:
    """Each value lies in [printed, printed + one unit of the last place): the slides truncate."""
    unit = 10.0**-places
    for value, shown in zip(values.tolist(), printed, strict=True):
        assert shown - 1e-12 <= value < shown + unit + 1e-12, (value, shown)


def softplus_math(t: float) -> float:
    return max(t, 0.0) + math.log1p(math.exp(-abs(t)))


def reference_log_p(w: float, b: float) -> list[float]:
    """ln P(Y = yᵢ) per lecture row, in plain math: −softplus(−z) for y = 1, −softplus(z) for 0."""
    out = []
    for x, y in zip(LECTURE_X, LECTURE_Y, strict=True):
        z = w * x + b
        out.append(-softplus_math(-z if y == 1 else z))
    return out


# --- the slides' tables ----------------------------------------------------------------------


def test_first_table_matches_the_slide(lecture):
    table = likelihood_table(lecture, 0.5, -4.0, 10.0)
    assert isinstance(table, LikelihoodTable)
    assert table.x.tolist() == LECTURE_X
    assert table.y.tolist() == LECTURE_Y
    assert table.z.tolist() == SLIDE_1_Z
    assert_truncates_to(table.a, SLIDE_1_A)
    assert_truncates_to(table.p, SLIDE_1_P)
    assert table.m == 8
    assert (table.w, table.b, table.log_base) == (0.5, -4.0, 10.0)
    # ERRATA.md: L = 2.000271323106e-8, cost₁₀ = 0.9623638864, cost_e = 2.2159247.
    assert table.likelihood == pytest.approx(2.000271323106e-8, rel=1e-12)
    assert table.likelihood_text == "2.0002713231e-08"  # the slide's 11 digits
    assert table.cost == pytest.approx(0.9623638864, abs=1e-10)
    assert table.cost_natural == pytest.approx(2.2159247, abs=1e-7)
    assert table.log_likelihood == pytest.approx(math.log(2.000271323106e-8), rel=1e-12)
    assert table.log10_likelihood == pytest.approx(math.log10(2.000271323106e-8), rel=1e-12)
    assert not table.likelihood_underflows


def test_second_table_matches_the_slide_and_corrects_its_a_column(lecture):
    table = likelihood_table(lecture, 1.0, -25.0, 10.0)
    assert table.z.tolist() == SLIDE_2_Z
    assert_truncates_to(table.p, SLIDE_2_P)
    assert_truncates_to(table.a[:4], SLIDE_2_A[:4])
    # ERRATA item 2: rows 5–8 of a are 0.88080, 0.99753, 0.99995, 1.00000, not the slide's.
    np.testing.assert_allclose(table.a[4:], ERRATA_2_A_ROWS_5_TO_8, atol=5e-6)
    assert table.a[4] < SLIDE_2_A[4] - 0.1  # the slide's 0.99992 is the first table's value
    np.testing.assert_array_equal(table.a[4:], table.p[4:])  # y = 1: P(Y = 1) = a
    assert table.likelihood == pytest.approx(0.6406754849808, rel=1e-12)
    assert table.likelihood_text == "6.4067548498e-01"
    assert table.cost == pytest.approx(0.0241702367, abs=1e-10)
    assert table.cost_natural == pytest.approx(0.0556540, abs=1e-7)


@pytest.mark.parametrize(("w", "b"), [(0.5, -4.0), (1.0, -25.0), (-1.0, 5.0), (0.1, -2.5)])
def test_likelihood_is_the_product_of_the_p_column(lecture, w, b):
    table = likelihood_table(lecture, w, b)
    assert table.likelihood > 1e-300
    reference_p = [math.exp(v) for v in reference_log_p(w, b)]
    np.testing.assert_allclose(table.p, reference_p, rtol=1e-13)
    assert table.likelihood == pytest.approx(math.prod(reference_p), rel=1e-12)
    assert table.likelihood == pytest.approx(math.prod(table.p.tolist()), rel=1e-12)
    # P(Y = y) is a for y = 1 and 1 − a for y = 0.
    for a, p, y in zip(table.a.tolist(), table.p.tolist(), LECTURE_Y, strict=True):
        assert p == pytest.approx(a if y == 1 else 1.0 - a, abs=1e-15)


@pytest.mark.parametrize("base", [math.e, 10.0, 2.0])
@pytest.mark.parametrize(("w", "b"), [(0.5, -4.0), (1.0, -25.0), (4.0, 5.0), (-3.0, 80.0)])
def test_costs_equal_the_log_loss(lecture, w, b, base):
    table = likelihood_table(lecture, w, b, base)
    assert table.cost == pytest.approx(float(log_loss(lecture, w, b, base)), rel=1e-13)
    assert table.cost_natural == pytest.approx(float(log_loss(lecture, w, b)), rel=1e-13)
    assert table.cost == pytest.approx(table.cost_natural / math.log(base), rel=1e-13)


# --- underflow ------------------------------------------------------------------------------


def test_underflowing_likelihood_stays_finite_and_readable(lecture):
    table = likelihood_table(lecture, 50.0, 50.0)
    reference = math.fsum(reference_log_p(50.0, 50.0))
    assert reference < -3000  # L ≈ 10^-1520: far below float64's range
    assert math.isfinite(table.log_likelihood)
    assert table.log_likelihood == pytest.approx(reference, rel=1e-13)
    np.testing.assert_allclose(table.log_p, reference_log_p(50.0, 50.0), rtol=1e-13)
    assert table.likelihood == 0.0
    assert table.likelihood_underflows
    assert table.cost_natural == pytest.approx(-reference / 8, rel=1e-13)
    text = table.likelihood_text
    assert text not in ("0", "0.0", "inf")
    mantissa, exponent = text.split("e")
    getcontext().prec = 50
    exact = Decimal(10) ** (Decimal(reference) / Decimal(10).ln())
    assert int(exponent) == exact.adjusted()
    assert Decimal(text) == pytest.approx(exact, rel=Decimal("1e-7"))
    assert 1.0 <= float(mantissa) < 10.0


def test_tiny_probabilities_do_not_underflow_when_representable(lecture):
    # Row 1 (x = 8, y = 0) at z = 450: P = 1 − σ(450) = e^−450·(…) ≈ 3.7e-196, not 0.
    table = likelihood_table(lecture, 50.0, 50.0)
    assert table.p[0] == pytest.approx(math.exp(-450.0), rel=1e-13)
    assert table.log_p[0] == pytest.approx(-450.0, rel=1e-15)


def test_huge_z_is_exact_in_log_p(lecture):
    table = likelihood_table(lecture, 1e6, 0.0)
    np.testing.assert_allclose(table.log_p[:4], -np.array(LECTURE_X[:4]) * 1e6, rtol=1e-15)
    assert np.all(table.log_p[4:] == 0.0)
    assert "e-" in table.likelihood_text


def test_the_table_is_read_only(lecture):
    table = likelihood_table(lecture, 0.5, -4.0)
    for name in ("x", "y", "z", "a", "p", "log_p"):
        with pytest.raises(ValueError):
            getattr(table, name)[0] = 1.0
    with pytest.raises(AttributeError):
        table.cost = 0.0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("w", "b", "base", "message"),
    [
        (math.nan, 0.0, math.e, "w must be a finite"),
        (0.0, math.inf, math.e, "b must be a finite"),
        (1e308, 0.0, math.e, "overflows"),
        (1.0, 0.0, 1.0, "log base"),
        (1.0, 0.0, -2.0, "log base"),
    ],
)
def test_bad_models_and_bases_are_refused(lecture, w, b, base, message):
    with pytest.raises(ValueError, match=message):
        likelihood_table(lecture, w, b, base)


@pytest.mark.parametrize(
    ("w", "b", "overflows"),
    [(0.5, -4.0, False), (1e306, 0.0, False), (1e307, 0.0, True), (0.0, 1e308, False),
     (-1e307, -1e308, True)],
)  # fmt: skip
def test_model_overflows_says_what_likelihood_table_refuses(lecture, w, b, overflows):
    # the lecture's x reach 40: 1e307 · 40 is past float64's 1.8e308, 1e306 · 40 is not
    assert model_overflows(lecture, w, b) is overflows
    if overflows:
        with pytest.raises(ValueError, match="overflows"):
            likelihood_table(lecture, w, b)


# --- scientific notation from log10 ---------------------------------------------------------


def test_scientific_from_log10_matches_decimal_arithmetic():
    getcontext().prec = 50
    for value in (-400.3, -7.698911, -0.25, 0.0, 3.5, -1234.56789):
        text = scientific_from_log10(value)
        exact = Decimal(10) ** Decimal(value)
        assert Decimal(text) == pytest.approx(exact, rel=Decimal("6e-8")), (value, text)
        assert len(text.split("e")[0].replace(".", "")) == 8
    assert scientific_from_log10(-400.3, digits=2) == "5.0e-401"
    assert scientific_from_log10(0.0) == "1.0000000e+00"
    assert scientific_from_log10(-8.0, digits=3) == "1.00e-08"


def test_scientific_from_log10_carries_a_mantissa_that_rounds_to_ten():
    assert scientific_from_log10(math.log10(9.999999999), digits=8) == "1.0000000e+01"
    assert scientific_from_log10(math.log10(9.999999999) - 5, digits=4) == "1.000e-04"


def test_scientific_from_log10_prints_only_the_digits_float64_can_place():
    # log10 = −10¹² + 0.5: the fraction is known to about 1e-4, so the mantissa to 3 digits.
    assert scientific_from_log10(-1e12 + 0.5) == "3.16e-1000000000000"


@pytest.mark.parametrize(("value", "digits"), [(math.nan, 8), (-math.inf, 8), (1.0, 0)])
def test_scientific_from_log10_refuses_non_finite_input(value, digits):
    with pytest.raises(ValueError):
        scientific_from_log10(value, digits)


# --- small probabilities, misclassified rows, boundary ----------------------------------------


def test_small_probability_rows_are_the_slides_three_bad_examples(lecture):
    # The slide: 0.0293 × 0.0040 × 0.0003 — rows 2, 3, 4 (indices 1, 2, 3) crush the product.
    table = likelihood_table(lecture, 0.5, -4.0)
    assert small_probability_rows(table).tolist() == [1, 2, 3]
    assert small_probability_rows(table, threshold=0.01).tolist() == [2, 3]
    assert small_probability_rows(likelihood_table(lecture, 1.0, -25.0)).tolist() == []
    # Underflowed P still counts as small.
    assert small_probability_rows(likelihood_table(lecture, 50.0, 50.0)).tolist() == [0, 1, 2, 3]
    with pytest.raises(ValueError):
        small_probability_rows(table, threshold=0.0)


@pytest.mark.parametrize(("w", "b"), [(0.5, -4.0), (1.0, -25.0), (-1.0, 5.0), (0.2, -5.0)])
def test_misclassified_compares_the_predicted_class_with_y(lecture, w, b):
    expected = [(w * x + b >= 0) != (y == 1) for x, y in zip(LECTURE_X, LECTURE_Y, strict=True)]
    result = misclassified(lecture, w, b)
    assert result.dtype == bool
    assert result.tolist() == expected


def test_misclassified_on_the_lecture_models(lecture):
    # z = 0.5x − 4 puts every x ≥ 8 in class 1: the four y = 0 examples are wrong.
    assert misclassified(lecture, 0.5, -4.0).tolist() == [True] * 4 + [False] * 4
    assert not misclassified(lecture, 1.0, -25.0).any()


def test_decision_boundary():
    assert decision_boundary(0.5, -4.0) == 8.0  # "look at where the function is null!"
    assert decision_boundary(1.0, -25.0) == 25.0
    assert decision_boundary(-1.0, 5.0) == 5.0
    assert decision_boundary(2.0, 0.0) == 0.0
    assert decision_boundary(0.0, 3.0) is None
    assert decision_boundary(1e-320, 1e300) is None  # −b/w overflows


# --- gradient terms -------------------------------------------------------------------------


@pytest.mark.parametrize("base", [math.e, 10.0, 2.0])
@pytest.mark.parametrize(("w", "b"), [(4.0, 5.0), (0.5, -4.0), (1.0, -25.0), (-1.18, 0.94)])
def test_gradient_terms_equal_log_loss_gradient(lecture, w, b, base):
    terms = gradient_terms(lecture, w, b, base)
    assert isinstance(terms, GradientTerms)
    d_w, d_b = log_loss_gradient(lecture, w, b, base)
    assert terms.dw == pytest.approx(float(d_w), rel=1e-13, abs=1e-300)
    assert terms.db == pytest.approx(float(d_b), rel=1e-13, abs=1e-300)
    assert terms.scale == pytest.approx(1.0 / math.log(base), rel=1e-15)
    # a − y: σ(z) for y = 0, −(1 − σ(z)) = −1/(1 + e^z) for y = 1 (no cancellation near a = 1).
    residuals = [
        1 / (1 + math.exp(-(w * x + b))) if y == 0 else -1 / (1 + math.exp(w * x + b))
        for x, y in zip(LECTURE_X, LECTURE_Y, strict=True)
    ]
    np.testing.assert_allclose(terms.db_terms, residuals, rtol=1e-12)
    np.testing.assert_allclose(
        terms.dw_terms, [r * x for r, x in zip(residuals, LECTURE_X, strict=True)], rtol=1e-12
    )
    assert terms.dw == pytest.approx(float(np.mean(terms.dw_terms)) * terms.scale, rel=1e-14)
    with pytest.raises(ValueError):
        terms.dw_terms[0] = 0.0


def test_gradient_terms_at_the_descent_start_are_errata_item_6(lecture):
    terms = gradient_terms(lecture, 4.0, 5.0)
    assert terms.scale == 1.0
    assert (terms.dw, terms.db) == pytest.approx((8.25, 0.5), abs=1e-12)
