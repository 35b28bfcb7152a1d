"""Synthetic datasets, atomic round-trip CSV writing, CSV reading errors, separability verdicts."""

from __future__ import annotations

import math
import os
import stat

import numpy as np
import pytest

import gdviz.core.datasets as datasets_module
from gdviz.core.datasets import (
    Separability,
    dataset_csv_text,
    separability,
    synthetic_dataset,
    write_dataset_csv,
)
from gdviz.core.logistic import Dataset, DatasetError, load_dataset_csv, log_loss, parse_dataset_csv
from gdviz.core.resources import resource_path

LECTURE_X = [8, 15, 19, 24, 27, 31, 35, 40]
LECTURE_Y = [0, 0, 0, 0, 1, 1, 1, 1]


def threshold_splits(x: np.ndarray, y: np.ndarray) -> bool:
    """Brute force: is there a threshold t and a side such that y = [x > t] (or [x < t])?"""
    values = np.unique(x)
    cuts = np.concatenate([[values[0] - 1], (values[:-1] + values[1:]) / 2, [values[-1] + 1]])
    return any(np.array_equal(y == 1, x > t) or np.array_equal(y == 1, x < t) for t in cuts)


# --- synthetic data -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["separable", "overlapping"])
def test_synthetic_datasets_are_deterministic_per_seed(kind):
    first = synthetic_dataset(500, kind, seed=7)
    assert first == synthetic_dataset(500, kind, seed=7)
    assert first != synthetic_dataset(500, kind, seed=8)


@pytest.mark.parametrize("n", [2, 3, 4, 5, 8, 31, 1000])
@pytest.mark.parametrize("seed", range(12))
def test_synthetic_datasets_have_the_kind_asked_for(n, seed):
    separable = synthetic_dataset(n, "separable", seed)
    overlapping = synthetic_dataset(n, "overlapping", seed)
    for data in (separable, overlapping):
        assert len(data) == n
        assert 0 < data.y.sum() < n  # both classes present
    assert threshold_splits(separable.x, separable.y)
    gap = separable.x[separable.y == 1].min() - separable.x[separable.y == 0].max()
    assert gap >= 3.0 - 1e-9  # the default gap
    assert not threshold_splits(overlapping.x, overlapping.y)
    assert separability(separable).kind == "separable"
    assert separability(overlapping).kind == "overlapping"


def test_small_overlapping_draws_overlap_even_with_coarse_rounding():
    for seed in range(50):
        data = synthetic_dataset(3, "overlapping", seed, spread=0.3, decimals=0)
        assert not threshold_splits(data.x, data.y)
        assert separability(data).has_minimum


def test_synthetic_dataset_options_and_limits():
    data = synthetic_dataset(100, "separable", 1, center=0.0, gap=10.0, spread=1.0, decimals=2)
    assert data.x[data.y == 0].max() <= -5.0
    assert data.x[data.y == 1].min() >= 5.0
    np.testing.assert_array_equal(data.x, np.round(data.x, 2))
    assert np.all(np.diff(data.x) >= 0)  # sorted by x, like the lecture's table
    for bad in (1, 10_000_001, 2.5, True):
        with pytest.raises(ValueError, match="n must be"):
            synthetic_dataset(bad, "separable")
    with pytest.raises(ValueError, match="kind"):
        synthetic_dataset(10, "circles")
    with pytest.raises(ValueError):
        synthetic_dataset(10, "separable", gap=0.0)
    with pytest.raises(ValueError):
        synthetic_dataset(10, "overlapping", spread=math.nan)


# --- CSV writing ----------------------------------------------------------------------------


def test_the_lecture_dataset_is_written_as_the_shipped_file():
    shipped = resource_path("datasets", "lecture.csv").read_text(encoding="utf-8")
    assert dataset_csv_text(Dataset.lecture()) == shipped


def test_csv_round_trips_every_float_exactly(tmp_path):
    x = [0.1, 1 / 3, -2.5e10, 1e-300, 5e-324, 2.0**60, -0.0, 12345.678901234567]
    data = Dataset(x, [0, 1, 0, 1, 0, 1, 0, 1])
    path = tmp_path / "floats.csv"
    write_dataset_csv(data, path)
    loaded = load_dataset_csv(path)
    assert loaded.x.tobytes() == data.x.tobytes()  # bit for bit, −0.0 included
    assert [float(v) for v in loaded.x.tolist()] == x
    assert loaded.y.tolist() == data.y.tolist()
    assert path.read_text().splitlines()[0] == "x,y"


def test_a_million_synthetic_rows_round_trip(tmp_path):
    data = synthetic_dataset(1_000_000, "overlapping", seed=3)
    path = tmp_path / "big.csv"
    write_dataset_csv(data, path)
    assert load_dataset_csv(path) == data


def test_writing_replaces_atomically_and_keeps_the_mode(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("old\n")
    os.chmod(path, 0o640)
    write_dataset_csv(Dataset.lecture(), path)
    assert load_dataset_csv(path) == Dataset.lecture()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv"]  # no temporary left


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "data.csv"
    path.write_text("x,y\n1,0\n2,1\n")

    def failing_chunks(dataset):
        yield "x,y\n"
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(datasets_module, "_csv_chunks", failing_chunks)
    with pytest.raises(OSError, match="cannot write .*No space left"):
        write_dataset_csv(Dataset.lecture(), path)
    assert path.read_text() == "x,y\n1,0\n2,1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv"]


def test_writing_into_a_missing_folder_or_onto_a_folder_fails_clearly(tmp_path):
    with pytest.raises(OSError, match="does not exist"):
        write_dataset_csv(Dataset.lecture(), tmp_path / "nope" / "data.csv")
    with pytest.raises(OSError, match="is a folder"):
        write_dataset_csv(Dataset.lecture(), tmp_path)


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root ignores folder permissions"
)
def test_writing_into_a_read_only_folder_fails_before_writing(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    os.chmod(folder, 0o555)
    try:
        with pytest.raises(OSError, match="not writable"):
            write_dataset_csv(Dataset.lecture(), folder / "data.csv")
        assert list(folder.iterdir()) == []
    finally:
        os.chmod(folder, 0o755)


def test_a_read_only_folder_is_refused_even_for_root(tmp_path, monkeypatch):
    # Simulate the permission check (as root, chmod cannot make a folder unwritable).
    monkeypatch.setattr(datasets_module.os, "access", lambda path, mode: False)
    with pytest.raises(OSError, match="not writable"):
        write_dataset_csv(Dataset.lecture(), tmp_path / "data.csv")
    assert list(tmp_path.iterdir()) == []


# --- CSV reading errors ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        ("x\n1\n", ["line 1: the header must name columns x and y; missing y"]),
        ("y,z\n1,0\n", ["missing x"]),
        ("x,y\n8,0\nabc,1\n", ["line 3: x is not a number: 'abc'"]),
        ("x,y\n8,0\n9,yes\n", ["line 3: y is not a number: 'yes'"]),
        ("x,y\n8,0\n9,2\n10,1\n", ["line 3: y must be 0 or 1, got 2"]),
        ("x,y\nnan,0\n9,1\n", ["line 2: x must be finite"]),
        ("x,y\n8,nan\n9,1\n", ["line 2: y must be 0 or 1, got nan"]),
        ("", ["the file is empty"]),
        ("x,y\n", ["no data rows"]),
        (
            "x,y\n1,2\nfoo,1\n3,0\n,1\n",
            [
                "line 2: y must be 0 or 1, got 2",
                "line 3: x is not a number",
                "line 5: x is missing",
            ],
        ),
    ],
)
def test_csv_errors_name_the_problem(text, messages):
    with pytest.raises(DatasetError) as caught:
        parse_dataset_csv(text)
    assert len(caught.value.errors) == len(messages)
    for error, message in zip(caught.value.errors, messages, strict=True):
        assert message in error


# --- separability ---------------------------------------------------------------------------


def test_the_lecture_dataset_is_separable_with_the_gap_24_27():
    verdict = separability(Dataset.lecture())
    assert isinstance(verdict, Separability)
    assert verdict.separable
    assert verdict.direction == 1
    assert verdict.gap == (24.0, 27.0)
    assert not verdict.has_minimum
    assert verdict.kind == "separable"
    assert "x ≤ 24" in verdict.message and "x ≥ 27" in verdict.message
    assert "no minimum" in verdict.message
    # What the verdict claims: along the boundary x = 25.5 the loss falls toward 0 as w grows.
    data = Dataset.lecture()
    losses = [float(log_loss(data, k, -25.5 * k)) for k in (1.0, 10.0, 100.0)]
    assert losses[0] > losses[1] > losses[2]
    assert losses[2] < 1e-60


def test_the_reversed_lecture_dataset_is_separable_the_other_way():
    verdict = separability(Dataset(LECTURE_X, [1 - y for y in LECTURE_Y]))
    assert verdict.separable
    assert verdict.direction == -1
    assert verdict.gap == (24.0, 27.0)
    assert "every y = 1 has x ≤ 24" in verdict.message
    assert "w → −∞" in verdict.message


def test_overlapping_classes_have_a_minimum():
    data = Dataset([8, 15, 19, 24, 27, 31, 35, 40], [0, 0, 1, 0, 1, 0, 1, 1])
    verdict = separability(data)
    assert not verdict.separable
    assert verdict.direction == 0
    assert verdict.gap is None
    assert verdict.has_minimum
    assert verdict.kind == "overlapping"
    assert verdict.message.startswith("not separable")
    assert "a minimum" in verdict.message
    # What the verdict claims: the loss grows without bound along any boundary as |w| grows.
    for boundary in (10.0, 20.0, 25.5, 30.0):
        for sign in (1.0, -1.0):
            far = float(log_loss(data, 100 * sign, -100 * sign * boundary))
            near = float(log_loss(data, sign, -sign * boundary))
            assert far > near


def test_classes_that_meet_at_one_x_still_have_no_minimum():
    verdict = separability(Dataset([1, 2, 2, 3], [0, 0, 1, 1]))
    assert not verdict.separable
    assert verdict.direction == 1
    assert verdict.gap == (2.0, 2.0)
    assert not verdict.has_minimum
    assert verdict.kind == "touching"


def test_all_x_equal_with_both_classes_has_a_minimum():
    verdict = separability(Dataset([5, 5, 5], [0, 1, 1]))
    assert verdict.kind == "overlapping"
    assert verdict.has_minimum


@pytest.mark.parametrize("label", [0, 1])
def test_one_class_only(label):
    verdict = separability(Dataset([1.0, 2.0, 3.0], [label] * 3))
    assert not verdict.separable
    assert verdict.direction == 0
    assert verdict.gap is None
    assert not verdict.has_minimum
    assert verdict.kind == "one class"
    assert verdict.message.startswith(f"only one class: every example has y = {label}")
