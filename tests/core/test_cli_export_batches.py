"""`gdviz export --batch-size/--seed`: the same checks as `gdviz run`, before any rendering."""

from __future__ import annotations

import pytest

from gdviz.cli import main

EXPORT = ["export", "--preset", "lecture-logistic"]


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--seed", "1"], "--seed shuffles mini-batches: give --batch-size B with it"),
        (["--batch-size", "0"], "--batch-size must be a whole number ≥ 1, got '0'"),
        (["--batch-size", "-2"], "--batch-size must be a whole number ≥ 1, got '-2'"),
        (["--batch-size", "9"], "--batch-size must be at most m = 8"),
        (["--batch-size", "2", "--seed", "-1"], "--seed must be a whole number ≥ 0"),
    ],
)
def test_bad_batch_options_stop_an_export_before_it_starts(tmp_path, capsys, extra, needle):
    out = tmp_path / "never.png"
    assert main([*EXPORT, *extra, "--out", str(out)]) == 2
    assert needle in capsys.readouterr().err
    assert not out.exists()


def test_batch_size_on_a_function_of_x_and_y_is_refused(tmp_path, capsys):
    argv = ["export", "--preset", "bowl", "--batch-size", "1", "--out", str(tmp_path / "a.png")]
    assert main(argv) == 2
    assert "--batch-size needs a dataset's loss" in capsys.readouterr().err
