"""Mini-batch runs taken in chunks (the window's worker) and kept in the document."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from gdviz.core.batch_history import BatchHistory
from gdviz.core.descent import run_path
from gdviz.core.history import RunHistory
from gdviz.core.minibatch import MiniBatchSettings, run_minibatch
from gdviz.core.minibatch_rows import MiniBatchRows
from gdviz.core.minibatch_text import batch_label, examples_text, iteration_text
from gdviz.core.optimizers import OPTIMIZER_NAMES, make_optimizer
from gdviz.core.presets import get_preset
from gdviz.core.scene import RunSpec, scene_for_preset, scene_from_json, scene_to_json
from gdviz.model import Document

LECTURE = get_preset("lecture-logistic")


def _taken(rows: MiniBatchRows, chunk: int) -> tuple[RunHistory, BatchHistory]:
    history, batches = RunHistory(), BatchHistory(rows.batch_size, 8)
    while rows.end is None:
        taken = rows.take(chunk)
        history.extend(taken)
        batches.extend(taken.batches)
    return history, batches


@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
def test_chunks_are_run_minibatch_exactly(name):
    optimizer, settings = make_optimizer(name, lr=0.05), MiniBatchSettings(3, seed=11)
    whole = run_minibatch(LECTURE.surface(), LECTURE.start, optimizer, settings, 400)
    rows = MiniBatchRows(LECTURE.surface(), LECTURE.start, optimizer, settings, 400)
    history, batches = _taken(rows, 37)
    assert rows.end == whole.end and rows.taken == len(history) == whole.iterations + 1
    assert np.array_equal(history.column("x"), whole.x)
    assert np.array_equal(history.column("y"), whole.y)
    assert np.array_equal(history.column("f"), whole.full_loss)
    assert np.isnan(batches.loss(0)) and batches.indices(0).size == 0 and batches.epoch(0) == -1
    assert np.array_equal(batches.loss_column()[1:], whole.batch_loss)
    for k in range(whole.iterations):
        assert np.array_equal(batches.indices(k + 1), whole.indices(k))
        assert batches.gradient(k + 1) == (whole.gx[k], whole.gy[k])
        assert batches.epoch(k + 1) == whole.epoch[k]
    # the update column is the move from the previous point, as a full-batch history has it
    assert np.allclose(history.column("dx")[1:], np.diff(whole.x), rtol=0, atol=0)


def test_a_deadline_or_a_limit_ends_a_take_and_close_stops_the_run():
    rows = MiniBatchRows(LECTURE.surface(), LECTURE.start, make_optimizer("gd", lr=0.1),
                         MiniBatchSettings(1), 10_000)  # fmt: skip
    assert len(rows.take(5)) == 5 and rows.taken == 5
    assert 0 < len(rows.take(None, deadline=0.0)) <= 8  # looks at the deadline every 8 points
    rows.close()
    assert len(rows.take(100)) == 0 and rows.end is None


def test_bad_batch_sizes_raise_core_messages():
    for size, message in ((9, "from 1 to 8 (the dataset has m = 8 examples), got 9"),):
        with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
            MiniBatchRows(LECTURE.surface(), LECTURE.start, make_optimizer("gd"),
                          MiniBatchSettings(size))  # fmt: skip
    with pytest.raises(ValueError, match="batch size must be ≥ 1, got 0"):
        MiniBatchSettings(0)


def test_the_document_runs_keep_their_batches_and_reopen_on_the_same_path():
    doc = Document(scene_for_preset("lecture-logistic"))
    spec = RunSpec("momentum", lr=0.05, momentum=0.9, max_steps=120,
                   minibatch=MiniBatchSettings(2, seed=9))  # fmt: skip
    run_id = doc.add_run((4.0, 5.0), spec)
    doc.advance_run(run_id, 500)
    record = doc.runs[run_id]
    direct = run_minibatch(LECTURE.surface(), (4.0, 5.0), make_optimizer("momentum", lr=0.05),
                           MiniBatchSettings(2, seed=9), 120)  # fmt: skip
    assert np.array_equal(record.history.column("x"), direct.x)
    assert len(record.batches) == len(record.history) == 121
    assert "B=2" in record.label and "seed 9" in record.title

    scene = scene_from_json(scene_to_json(doc.snapshot()))
    assert scene.runs[0].minibatch == MiniBatchSettings(2, seed=9)
    reopened = Document(scene)
    again = next(iter(reopened.runs.values()))
    assert again.spec.minibatch == MiniBatchSettings(2, seed=9)
    assert np.array_equal(again.history.column("x"), direct.x)
    assert np.array_equal(again.batches.loss_column()[1:], direct.batch_loss)


def test_an_unfinished_mini_batch_run_reopens_at_its_recorded_step():
    doc = Document(scene_for_preset("lecture-logistic"))
    spec = RunSpec("gd", lr=0.1, max_steps=300, minibatch=MiniBatchSettings(1, seed=4))
    run_id = doc.add_run((4.0, 5.0), spec)
    doc.advance_run(run_id, 41)  # the start and 40 iterations
    saved = doc.snapshot()
    assert saved.runs[0].recorded == 40
    reopened = next(iter(Document(saved).runs.values()))
    assert len(reopened.history) == 41 and not reopened.finished
    assert np.array_equal(reopened.history.column("x"), doc.runs[run_id].history.column("x"))


def test_full_batch_spec_and_batch_of_m_give_the_same_path():
    doc = Document(scene_for_preset("lecture-logistic"))
    plain = doc.add_run((4.0, 5.0), RunSpec("adam", lr=0.1, max_steps=200))
    batched = doc.add_run(
        (4.0, 5.0), RunSpec("adam", lr=0.1, max_steps=200, minibatch=MiniBatchSettings(8, 3))
    )
    for run_id in (plain, batched):
        doc.advance_run(run_id, 300)
    path, _ = run_path(LECTURE.surface(), (4.0, 5.0), make_optimizer("adam", lr=0.1), 200)
    for run_id in (plain, batched):
        assert np.array_equal(doc.runs[run_id].history.column("x"), path.x)
        assert np.array_equal(doc.runs[run_id].history.column("y"), path.y)
    assert doc.runs[plain].batches is None


def test_a_mini_batch_spec_on_a_function_of_x_and_y_is_refused():
    doc = Document(scene_for_preset("bowl"))
    spec = replace(RunSpec(), minibatch=MiniBatchSettings(1))
    with pytest.raises(ValueError, match="mini-batches need a dataset's loss"):
        doc.add_run((1.0, 1.0), spec)
    assert not doc.runs


def test_words_for_batches_count_from_one_as_the_lecture_table():
    assert (
        batch_label(1, 8) == "SGD" and batch_label(8, 8) == "B=m=8" and batch_label(3, 8) == "B=3"
    )
    assert iteration_text(0, 3, 8) == "the start (iteration 0)"
    assert iteration_text(1, 3, 8) == "iteration 1 (epoch 1, batch 1 of 3)"
    assert iteration_text(4, 3, 8) == "iteration 4 (epoch 2, batch 1 of 3)"
    assert examples_text(np.array([0, 4, 7])) == "1, 5, 8"
    assert examples_text(np.arange(30)).endswith("… (30 examples)")
