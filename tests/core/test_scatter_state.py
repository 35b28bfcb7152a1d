"""Many starts in the document (Qt-free): the scene's spec, the computed scatter, what drops it."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from gdviz.core.animation import AnimationPlan
from gdviz.core.run_settings import StartsSettings, starts_from_text
from gdviz.core.scene import RunSpec, SceneError, StartsSpec, scene_for_preset
from gdviz.model import Document
from gdviz.model.scatter_state import compute_scatter, starts_spec
from gdviz.render.scatter_geometry import rows_at_steps, sampled_steps, segments_until


def _himmelblau_scatter(count: int = 64):
    doc = Document(scene_for_preset("himmelblau"))
    spec = starts_spec(replace(doc.run_settings, start=(1.0, 1.0)), StartsSettings(count))
    return doc, spec, compute_scatter(doc.surface, doc.window, spec)


def test_a_scatter_kept_while_the_scene_asks_for_it_and_dropped_with_its_surface():
    doc, spec, scatter = _himmelblau_scatter()
    heard = []
    doc.scatter.events.scatter_changed.connect(lambda: heard.append("scatter"))
    doc.events.starts_changed.connect(lambda: heard.append("starts"))
    doc.scatter.set_result(spec, doc.surface, scatter)
    doc.update("Scatter starts", starts=spec)
    assert doc.scatter.scatter is scatter and doc.snapshot().starts == spec
    assert heard == ["scatter", "starts"]
    doc.update(resolution=120)  # re-sampled, same surface: the scatter stays
    assert doc.scatter.scatter is scatter
    doc.load_preset("bowl")
    assert doc.scene.starts is None and doc.scatter.scatter is None
    assert heard[-2:] in (["scatter", "starts"], ["starts", "scatter"])


def test_restoring_a_scene_without_starts_drops_the_scatter():
    doc, spec, scatter = _himmelblau_scatter()
    doc.scatter.set_result(spec, doc.surface, scatter)
    doc.update(starts=spec)
    doc.restore(replace(doc.snapshot(), starts=None))
    assert doc.scatter.scatter is None


def test_a_spec_has_no_start_no_minibatch_and_a_grid_has_no_seed():
    spec = starts_spec(RunSpec(start=(3.0, 4.0), recorded=5), StartsSettings(9, "grid", 0))
    assert spec.run.start == (0.0, 0.0) and spec.run.recorded is None
    assert spec == starts_spec(RunSpec(), StartsSettings(9, "grid", 0))
    assert starts_spec(RunSpec(), StartsSettings(9, "random", 4)).seed == 4


def test_a_bad_starts_spec_in_a_scene_is_refused_by_the_document():
    doc = Document(scene_for_preset("himmelblau"))
    with pytest.raises(SceneError, match="starts: number of starts"):
        doc.update(starts=StartsSpec(RunSpec(), count=0))
    assert doc.scene.starts is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("400", StartsSettings(400)), ("1,000", None),
     ("50,random,7", StartsSettings(50, "random", 7)), ("50, grid", StartsSettings(50, "grid"))],
)  # fmt: skip
def test_starts_from_text(text, expected):
    if expected is None:  # "1,000" is K=1 with a layout "000": a clear error, not 1000
        with pytest.raises(ValueError, match="layout"):
            starts_from_text(text)
    else:
        assert starts_from_text(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [("0", "number of starts"), ("10001", "number of starts"), ("2.5", "whole number"),
     ("9,grid,3", "random"), ("9,random,-1", "seed"), ("9,spiral", "layout"), ("1,2,3,4", "K")],
)  # fmt: skip
def test_bad_starts_text_says_what_is_wrong(text, says):
    with pytest.raises(ValueError, match=says):
        starts_from_text(text)


def test_a_starts_animation_runs_the_paths_from_their_start_to_their_end():
    plan = AnimationPlan(("starts",), frames=11, starts_length=101)
    heads = [plan.state(i).starts_head for i in range(11)]
    assert heads[0] == 0.0 and heads[-1] == 100.0
    assert heads == sorted(heads)
    with pytest.raises(ValueError, match="scatter"):
        AnimationPlan(("starts",), frames=3)


def test_sampled_paths_end_where_their_runs_end_and_grow_to_a_head():
    x = np.array([[0.0, 0.0], [1.0, 5.0], [2.0, np.nan], [3.0, np.nan]])
    lengths = np.array([4, 2])
    steps = np.array([0, 2, 3])
    (xs,) = rows_at_steps((x,), lengths, steps)
    np.testing.assert_array_equal(xs, [[0.0, 0.0], [2.0, 5.0], [3.0, 5.0]])
    rows = np.stack([xs, np.zeros_like(xs), np.zeros_like(xs)], axis=2)
    colors = np.array([[1, 0, 0, 1], [0, 1, 0, 1]], dtype=np.float32)
    pos, vertex_colors = segments_until(rows, steps, colors)
    assert len(pos) == 6  # run 0: 2 segments, run 1: 1 (its held end adds none)
    np.testing.assert_array_equal(vertex_colors[:2], colors[[0, 0]])
    pos, _ = segments_until(rows, steps, colors, head=1.0)  # halfway to sample step 2
    assert sorted(pos[:, 0].tolist()) == [0.0, 0.0, 1.0, 2.5]


def test_the_sampled_steps_keep_every_path_inside_the_segment_budget():
    for paths in (1, 400, 10_000):
        steps = sampled_steps(1001, paths)
        assert steps[0] == 0 and steps[-1] == 1000 and np.all(np.diff(steps) > 0)
        assert (len(steps) - 1) * paths <= max(60_000, 5 * paths)
    assert len(sampled_steps(30, 400)) == 30  # short paths are drawn whole
