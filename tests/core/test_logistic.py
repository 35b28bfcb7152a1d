"""Logistic regression: the lecture's numbers, gradient, loss grid, stability, dataset and CSV."""

from __future__ import annotations

import math
import time
import warnings
from decimal import Decimal, getcontext

import numpy as np
import pytest

from gdviz.core.logistic import (
    LOG_BASES,
    Dataset,
    DatasetError,
    load_dataset_csv,
    log_base_label,
    log_loss,
    log_loss_gradient,
    log_loss_grid,
    parse_dataset_csv,
    parse_log_base,
    stable_sigmoid,
)

LECTURE_X = [8, 15, 19, 24, 27, 31, 35, 40]
LECTURE_Y = [0, 0, 0, 0, 1, 1, 1, 1]


def reference_loss_and_gradient(w: float, b: float, base: float = math.e):
    """−(1/m)·Σ log P(Y = yᵢ) and its gradient over the lecture rows, in 50-digit decimals."""
    getcontext().prec = 50
    ln_base = Decimal(base).ln()
    loss = grad_w = grad_b = Decimal(0)
    for x, y in zip(LECTURE_X, LECTURE_Y, strict=True):
        z = Decimal(w) * x + Decimal(b)
        a = 1 / (1 + (-z).exp())
        one_minus_a = 1 / (1 + z.exp())  # not 1 − a, which would cancel for large z
        loss -= (a if y == 1 else one_minus_a).ln()
        residual = a if y == 0 else -one_minus_a  # a − y
        grad_w += residual * x
        grad_b += residual
    m = len(LECTURE_X)
    return float(loss / m / ln_base), float(grad_w / m / ln_base), float(grad_b / m / ln_base)


@pytest.fixture(scope="module")
def lecture() -> Dataset:
    return Dataset.lecture()


def synthetic(m: int, seed: int) -> Dataset:
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 2.0, m)
    y = (rng.random(m) < 1.0 / (1.0 + np.exp(-(1.5 * x - 0.5)))).astype(float)
    return Dataset(x, y)


# --- the lecture's numbers (ERRATA.md) ---------------------------------------------------------


def test_lecture_dataset_is_the_slides_table(lecture):
    assert lecture.x.tolist() == LECTURE_X
    assert lecture.y.tolist() == LECTURE_Y
    assert len(lecture) == 8


@pytest.mark.parametrize(
    ("w", "b", "base", "expected", "tolerance"),
    [
        (0.5, -4.0, 10.0, 0.9623638864, 1e-10),
        (1.0, -25.0, 10.0, 0.0241702367, 1e-10),
        (0.5, -4.0, math.e, 2.2159247, 1e-7),
        (1.0, -25.0, math.e, 0.0556540, 1e-7),
    ],
)
def test_lecture_log_losses(lecture, w, b, base, expected, tolerance):
    assert float(log_loss(lecture, w, b, base)) == pytest.approx(expected, abs=tolerance)


@pytest.mark.parametrize(
    ("w", "b", "likelihood"), [(0.5, -4.0, 2.000271323106e-8), (1.0, -25.0, 0.6406754849808)]
)
def test_lecture_likelihood_products(lecture, w, b, likelihood):
    m = len(lecture)
    assert math.exp(-m * float(log_loss(lecture, w, b))) == pytest.approx(likelihood, rel=1e-11)


def test_real_loss_and_gradient_at_the_descent_start(lecture):
    # ERRATA item 6: the slide's (4, 5) example is hypothetical; the real numbers are these.
    loss, grad_w, grad_b = reference_loss_and_gradient(4.0, 5.0)
    assert loss == pytest.approx(35.5, abs=0.05)
    assert (grad_w, grad_b) == pytest.approx((8.25, 0.5), abs=1e-12)
    assert float(log_loss(lecture, 4.0, 5.0)) == pytest.approx(loss, rel=1e-12)
    d_w, d_b = log_loss_gradient(lecture, 4.0, 5.0)
    assert (float(d_w), float(d_b)) == pytest.approx((grad_w, grad_b), rel=1e-12)
    assert float(log_loss(lecture, 4.0, 5.0, 10.0)) == pytest.approx(15.42, abs=0.005)


@pytest.mark.parametrize("base", [math.e, 10.0, 2.0])
@pytest.mark.parametrize(("w", "b"), [(0.5, -4.0), (1.0, -25.0), (-1.18, 0.94), (0.2, -5.0)])
def test_loss_and_gradient_match_a_50_digit_reference(lecture, w, b, base):
    loss, grad_w, grad_b = reference_loss_and_gradient(w, b, base)
    assert float(log_loss(lecture, w, b, base)) == pytest.approx(loss, rel=1e-12)
    d_w, d_b = log_loss_gradient(lecture, w, b, base)
    assert float(d_w) == pytest.approx(grad_w, rel=1e-10, abs=1e-15)
    assert float(d_b) == pytest.approx(grad_b, rel=1e-10, abs=1e-15)


# --- gradient, broadcasting, grid --------------------------------------------------------------


@pytest.mark.parametrize("base", [math.e, 10.0])
def test_gradient_matches_central_differences(base):
    dataset = synthetic(60, seed=1)
    rng = np.random.default_rng(2)
    for w, b in rng.uniform(-3, 3, size=(20, 2)):
        h = 1e-6
        numeric_w = (log_loss(dataset, w + h, b, base) - log_loss(dataset, w - h, b, base)) / (
            2 * h
        )
        numeric_b = (log_loss(dataset, w, b + h, base) - log_loss(dataset, w, b - h, base)) / (
            2 * h
        )
        d_w, d_b = log_loss_gradient(dataset, w, b, base)
        assert float(d_w) == pytest.approx(numeric_w, rel=1e-6, abs=1e-9)
        assert float(d_b) == pytest.approx(numeric_b, rel=1e-6, abs=1e-9)


def test_loss_and_gradient_broadcast_over_w_and_b(lecture):
    ws = np.array([0.5, 1.0, 4.0])[:, None]
    bs = np.array([-25.0, -4.0, 0.0, 5.0])[None, :]
    losses = log_loss(lecture, ws, bs)
    d_w, d_b = log_loss_gradient(lecture, ws, bs)
    assert losses.shape == d_w.shape == d_b.shape == (3, 4)
    for i, w in enumerate(ws[:, 0]):
        for j, b in enumerate(bs[0]):
            loss, grad_w, grad_b = reference_loss_and_gradient(float(w), float(b))
            assert losses[i, j] == pytest.approx(loss, rel=1e-12)
            assert (d_w[i, j], d_b[i, j]) == pytest.approx((grad_w, grad_b), rel=1e-10, abs=1e-15)


@pytest.mark.parametrize("base", [math.e, 10.0])
def test_grid_equals_pointwise_loss_with_ij_orientation(lecture, base):
    ws = np.linspace(-1.5, 6.0, 37)
    bs = np.linspace(-32.0, 10.0, 23)
    grid = log_loss_grid(lecture, ws, bs, base)
    assert grid.shape == (37, 23) and grid.dtype == np.float64
    pointwise = log_loss(lecture, ws[:, None], bs[None, :], base)
    np.testing.assert_allclose(grid, pointwise, rtol=1e-5)
    assert grid[5, 17] == pytest.approx(float(log_loss(lecture, ws[5], bs[17], base)), rel=1e-5)


@pytest.mark.parametrize(
    "window",
    [
        (-3.0, 3.0, -3.0, 3.0),
        (-1.5, 6.0, -32.0, 10.0),
        (-3.0, 30.0, -800.0, 100.0),  # the separable valley: losses down to 1e-20
        (0.0, 200.0, -5500.0, 0.0),  # losses down to 1e-128 (recomputed in float64)
        (-1e3, 1e3, -1e4, 1e4),
    ],
)
@pytest.mark.parametrize("which", ["lecture", "synthetic", "repeated x"])
def test_grid_relative_error_is_below_1e_5(window, which):
    if which == "lecture":
        dataset = Dataset.lecture()
    elif which == "synthetic":
        dataset = synthetic(1000, seed=3)
    else:
        base = synthetic(500, seed=4)
        dataset = Dataset(np.round(base.x * 2) / 2 + 100.0, base.y)
    ws = np.linspace(window[0], window[1], 41)
    bs = np.linspace(window[2], window[3], 43)
    grid = log_loss_grid(dataset, ws, bs)
    reference = log_loss(dataset, ws[:, None], bs[None, :])
    assert np.all(np.isfinite(grid))
    relative = np.abs(grid - reference) / reference
    assert relative.max() <= 1e-5


@pytest.mark.slow
def test_grid_at_the_benchmark_size_is_accurate():
    dataset = synthetic(1000, seed=20240611)
    ws = np.linspace(-3.0, 3.0, 200)
    bs = np.linspace(-3.0, 3.0, 200)
    x, y = dataset.x, dataset.y
    z = ws[:, None, None] * x + bs[None, :, None]
    naive = np.mean(np.logaddexp(0, z) - y * z, axis=-1)
    assert np.max(np.abs(log_loss_grid(dataset, ws, bs) - naive) / naive) <= 1e-5


def test_grid_rejects_non_vector_or_non_finite_axes(lecture):
    with pytest.raises(ValueError, match="one-dimensional"):
        log_loss_grid(lecture, np.zeros((2, 2)), np.zeros(3))
    with pytest.raises(ValueError, match="finite"):
        log_loss_grid(lecture, np.array([0.0, np.nan]), np.zeros(3))


# --- stability -----------------------------------------------------------------------------------


def test_sigmoid_is_exact_at_zero_and_stable_far_out():
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        assert float(stable_sigmoid(0.0)) == 0.5
        values = stable_sigmoid(np.array([-1e4, -745.0, -40.0, 40.0, 745.0, 1e4]))
    assert values[0] == 0.0 and values[-1] == 1.0
    assert np.all(np.isfinite(values))
    for z in (-30.0, -2.5, 0.3, 7.0):
        assert float(stable_sigmoid(z)) == pytest.approx(1 / (1 + math.exp(-z)), rel=1e-14)


def test_loss_gradient_and_grid_are_finite_and_quiet_at_z_1e4(lecture):
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        # w = 0: z = b = ±1e4 for every example.
        assert float(log_loss(lecture, 0.0, 1e4)) == pytest.approx(1e4 * 4 / 8, rel=1e-12)
        assert float(log_loss(lecture, 0.0, -1e4)) == pytest.approx(1e4 * 4 / 8, rel=1e-12)
        d_w, d_b = log_loss_gradient(lecture, 0.0, 1e4)
        assert (float(d_w), float(d_b)) == (66 / 8, 0.5)  # σ = 1: mean((1 − y)·x), mean(1 − y)
        d_w, d_b = log_loss_gradient(lecture, 0.0, -1e4)
        assert (float(d_w), float(d_b)) == (-133 / 8, -0.5)  # σ = 0: mean(−y·x), mean(−y)
        # w = 250: z = 250·x spans 2,000 … 10,000.
        d_w, d_b = log_loss_gradient(lecture, np.array([250.0, -250.0]), 0.0)
        grid = log_loss_grid(lecture, np.array([-250.0, 0.0, 250.0]), np.array([-1e4, 0.0, 1e4]))
    assert np.all(np.isfinite(d_w)) and np.all(np.isfinite(d_b))
    assert np.all(np.isfinite(grid))
    np.testing.assert_allclose(
        grid, log_loss(lecture, np.array([-250.0, 0.0, 250.0])[:, None], [[-1e4, 0.0, 1e4]])
    )


# --- log bases -----------------------------------------------------------------------------------


def test_log_base_labels_and_parsing():
    assert dict(LOG_BASES) == {"e": math.e, "10": 10.0, "2": 2.0}
    assert [log_base_label(b) for b in (math.e, 10.0, 2.0, 3.0, 0.5)] == [
        "e",
        "10",
        "2",
        "3",
        "0.5",
    ]
    assert parse_log_base("e") == math.e
    assert parse_log_base(" ln ") == math.e
    assert parse_log_base("10") == 10.0
    assert parse_log_base("2") == 2.0
    for bad in ("3.5", "0.5", "1.0000000000000002", "1", "0", "-2", "abc", "nan", "inf", ""):
        with pytest.raises(ValueError, match="log base"):
            parse_log_base(bad)


def test_a_bad_log_base_is_refused(lecture):
    with pytest.raises(ValueError, match="log base"):
        log_loss(lecture, 1.0, 0.0, 1.0)


# --- dataset validation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        ([], [], "at least one example"),
        ([1.0, 2.0], [0.0], "differ in length"),
        ([1.0, np.nan], [0.0, 1.0], "x must be finite"),
        ([1.0, np.inf], [0.0, 1.0], "x must be finite"),
        ([1.0, 2.0], [0.0, 2.0], "y must be 0 or 1"),
        ([1.0, 2.0], [0.0, 0.5], "y must be 0 or 1"),
        ([1.0, 2.0], [0.0, np.nan], "y must be 0 or 1"),
        ([[1.0, 2.0]], [[0.0, 1.0]], "one-dimensional"),
        (["a", "b"], [0, 1], "x must be numbers"),
    ],
)
def test_dataset_validation(x, y, message):
    with pytest.raises(DatasetError, match=message):
        Dataset(x, y)


def test_dataset_holds_read_only_copies():
    x = np.array([1.0, 2.0, 3.0])
    y = np.array([0, 1, 1])
    dataset = Dataset(x, y)
    x[0] = 99.0
    assert dataset.x[0] == 1.0
    assert dataset.x.dtype == dataset.y.dtype == np.float64
    with pytest.raises(ValueError):
        dataset.x[0] = 5.0
    assert dataset == Dataset([1.0, 2.0, 3.0], [0.0, 1.0, 1.0])
    assert hash(dataset) == hash(Dataset([1.0, 2.0, 3.0], [0.0, 1.0, 1.0]))


# --- CSV ------------------------------------------------------------------------------------------


def test_csv_lists_every_bad_row_with_its_line_number(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("x,y\n8,0\n15,0\n19,2\n24,0\n27,1\nabc,1\n31,1\ninf,1\n35,1,7\n40,\n")
    with pytest.raises(DatasetError) as caught:
        load_dataset_csv(path)
    assert caught.value.errors == [
        "line 4: y must be 0 or 1, got 2",
        "line 7: x is not a number: 'abc'",
        "line 9: x must be finite",
        "line 10: expected 2 fields, got 3",
        "line 11: y is missing",
    ]
    for error in caught.value.errors:
        assert error in str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("\n  \n", "empty"),
        ("x\n1\n", "line 1: the header must name columns x and y; missing y"),
        ("a,b\n1,0\n", "missing x and y"),
        ("x,y\n", "no data rows"),
    ],
)
def test_csv_file_level_errors(tmp_path, text, message):
    path = tmp_path / "data.csv"
    path.write_text(text)
    with pytest.raises(DatasetError, match=message):
        load_dataset_csv(path)


def test_csv_missing_file_is_a_dataset_error(tmp_path):
    with pytest.raises(DatasetError, match=r"cannot open .*nope\.csv: No such file"):
        load_dataset_csv(tmp_path / "nope.csv")


def test_csv_accepts_comments_blank_lines_crlf_bom_and_other_column_orders():
    dataset = parse_dataset_csv("\ufeff# lecture\r\nid,y,x\r\n1,0,8\r\n\r\n2,1,27 # late\r\n")
    assert dataset.x.tolist() == [8.0, 27.0]
    assert dataset.y.tolist() == [0.0, 1.0]


def test_csv_reads_quoted_fields_as_excel_and_pandas_write_them(tmp_path):
    path = tmp_path / "quoted.csv"
    path.write_text('"x","y","note"\r\n"8","0","first, of two"\r\n27, "1",""\r\n')
    dataset = load_dataset_csv(path)
    assert dataset.x.tolist() == [8.0, 27.0]
    assert dataset.y.tolist() == [0.0, 1.0]


def test_csv_row_pass_reads_quoted_fields_and_names_only_the_bad_rows():
    # A bad row sends the whole file through the row-by-row reader: the quoted good rows
    # must still parse there, and only the bad rows be listed.
    with pytest.raises(DatasetError) as caught:
        parse_dataset_csv('"x","y"\n"8","0"\n"abc","1"\n"27","1"\n"31",\n"5,1\n')
    assert caught.value.errors == [
        "line 3: x is not a number: 'abc'",
        "line 5: y is missing",
        'line 6: the quoting is broken (unexpected end of data); a quoted field is "..." '
        "followed by a comma",
    ]


def test_csv_quoted_field_too_long_for_csv_reader_is_one_short_message():
    with pytest.raises(DatasetError) as caught:
        parse_dataset_csv('x,y\n8,0\n"' + "1" * 200_000 + '",1\n')
    assert caught.value.errors == ["line 3: a quoted field is longer than 131,072 characters"]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("x;y\n8;0\n27;1\n", "line 1, column 2: "),
        ("# exported\nid;x;y\n1;8;0\n", "line 2, column 3: "),
        ("x,y\n8,0\n27;1\n", "line 3, column 3: "),
    ],
)
def test_csv_refuses_semicolons_saying_where_and_suggesting_commas(text, where):
    with pytest.raises(DatasetError) as caught:
        parse_dataset_csv(text)
    message = str(caught.value)
    assert where + "';' separates the values" in message
    assert "save the file as CSV with commas" in message


def test_csv_of_a_million_rows_loads_within_two_seconds(tmp_path):
    rng = np.random.default_rng(5)
    x = rng.normal(size=1_000_000).round(6)
    y = rng.integers(0, 2, size=1_000_000)
    path = tmp_path / "big.csv"
    path.write_text(
        "x,y\n" + "\n".join(f"{a},{b}" for a, b in zip(x.tolist(), y.tolist(), strict=True))
    )
    start = time.perf_counter()
    dataset = load_dataset_csv(path)
    assert time.perf_counter() - start <= 2.0
    assert len(dataset) == 1_000_000
    np.testing.assert_array_equal(dataset.x, x)
    np.testing.assert_array_equal(dataset.y, y)
