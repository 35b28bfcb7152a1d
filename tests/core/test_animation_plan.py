"""AnimationPlan: frame-exact descent steps, Δ toward 0, a full turn of u and of the camera."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdviz.core.animation import (
    DEFAULT_TIMING,
    DELTA_END,
    TIMING_KEYS,
    AnimationPlan,
    RunTrace,
    descent_progress,
    hold_frames,
)


def test_descent_frames_walk_every_run_from_its_start_to_its_end():
    plan = AnimationPlan(("descent",), frames=11, run_lengths=(101, 6))
    # t = 0.5 on a 6-step run is step 2.5: rounded half to even, step 2
    assert [plan.state(i).steps for i in (0, 5, 10)] == [(0, 0), (50, 2), (100, 5)]
    ks = [plan.state(i).steps[0] for i in range(11)]
    assert ks == sorted(ks) and ks[0] == 0 and ks[-1] == 100
    assert plan.state(3).delta is None and plan.state(3).azimuth is None


def test_delta_shrinks_geometrically_and_u_turns_once():
    plan = AnimationPlan(("delta", "direction", "orbit"), frames=5, delta_start=0.2,
                         angle_start=60.0, azimuth_start=-60.0)  # fmt: skip
    deltas = [plan.state(i).delta for i in range(5)]
    assert deltas[0] == pytest.approx(0.2) and deltas[-1] == pytest.approx(DELTA_END)
    ratios = [deltas[i + 1] / deltas[i] for i in range(4)]
    assert ratios == pytest.approx([ratios[0]] * 4)
    assert plan.state(0).angle == pytest.approx(60.0)
    assert plan.state(2).angle == pytest.approx(240.0)
    assert plan.state(4).azimuth == pytest.approx(300.0)


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"kinds": ("spin",), "frames": 3}, "spin"),
        ({"kinds": (), "frames": 3}, "none"),
        ({"kinds": ("orbit",), "frames": 0}, "frames"),
        ({"kinds": ("descent",), "frames": 3, "run_lengths": ()}, "run"),
        ({"kinds": ("delta",), "frames": 3, "delta_start": math.nan}, "Δ"),
    ],
)
def test_invalid_plans_say_why(kwargs, needle):
    with pytest.raises(ValueError, match=needle):
        AnimationPlan(**kwargs)


# --- timing: how the steps are spread over the frames ------------------------------------------


def _slowing_run(n: int = 400) -> RunTrace:
    """x shrinks by 2% a step: big early moves, then a long crawl."""
    xs = 4.0 * 0.98 ** np.arange(n)
    ys = np.zeros(n)
    return RunTrace(xs, ys, xs**2 + 0.5)


def test_distance_timing_moves_the_marker_the_same_length_every_frame():
    run = _slowing_run()
    frames = 41
    plan = AnimationPlan(("descent",), frames, run_lengths=(len(run.xs),),
                         progress=descent_progress("distance", [run]))  # fmt: skip
    ks = [plan.state(i).steps[0] for i in range(frames)]
    assert ks[0] == 0 and ks[-1] == len(run.xs) - 1
    xs = run.xs[ks]
    moves = np.abs(np.diff(xs))
    longest_step = np.abs(np.diff(run.xs)).max()
    target = (run.xs[0] - run.xs[-1]) / (frames - 1)
    assert np.all(np.abs(moves - target) <= longest_step + 1e-12)
    # the step timing of the same run spends most frames on the crawl
    even = AnimationPlan(("descent",), frames, run_lengths=(len(run.xs),))
    even_moves = np.abs(np.diff(run.xs[[even.state(i).steps[0] for i in range(frames)]]))
    assert even_moves.max() > 5 * target and even_moves.min() < target / 5


def test_loss_timing_lowers_log_f_the_same_every_frame():
    n = 300
    values = 10.0 * np.exp(-(np.linspace(0, 1, n) ** 0.3) * 5)  # falls fast, then slowly
    run = RunTrace(np.linspace(0, 1, n), np.zeros(n), values)
    frames = 21
    plan = AnimationPlan(("descent",), frames, run_lengths=(n,),
                         progress=descent_progress("loss", [run]))  # fmt: skip
    logs = np.log(values[[plan.state(i).steps[0] for i in range(frames)]])
    target = (np.log(values[0]) - np.log(values[-1])) / (frames - 1)
    biggest = np.abs(np.diff(np.log(values))).max()
    assert np.all(np.abs(-np.diff(logs) - target) <= biggest + 1e-12)


def test_loss_timing_works_for_values_below_zero_and_runs_share_k():
    a = RunTrace(np.arange(5.0), np.zeros(5), np.array([1.0, 0.0, -1.0, -1.5, -1.6]))
    b = RunTrace(np.arange(3.0), np.zeros(3), np.array([2.0, 1.0, 0.5]))
    progress = descent_progress("loss", [a, b])
    assert len(progress) == 5 and progress[0] == 0.0 and progress[-1] == 1.0
    assert list(progress) == sorted(progress)
    plan = AnimationPlan(("descent",), 9, run_lengths=(5, 3), progress=progress)
    for i in range(9):
        ka, kb = plan.state(i).steps
        assert kb == min(ka, 2)  # both runs show the same iteration k while both have it


def test_progress_by_hand_for_two_runs():
    a = RunTrace(np.array([0.0, 3.0, 4.0]), np.array([0.0, 0.0, 0.0]), np.ones(3))
    b = RunTrace(np.array([0.0, 0.0]), np.array([0.0, 2.0]), np.ones(2))
    # a: 0, 3/4, 1 of its length (x scaled by 2 changes nothing: one axis moves); b: 0, 1, 1
    assert descent_progress("distance", [a, b], (2.0, 1.0)) == pytest.approx(
        (0.0, (0.75 + 1.0) / 2, 1.0)
    )
    assert descent_progress("steps", [a, b]) == pytest.approx((0.0, 0.75, 1.0))
    with pytest.raises(ValueError, match="timing"):
        descent_progress("speed", [a])


def test_the_last_frame_is_held_and_loops_are_not():
    assert hold_frames(("descent",), 30.0) == 30
    assert hold_frames(("delta", "orbit"), 24.0) == 24
    assert hold_frames(("orbit",), 30.0) == 0 and hold_frames(("direction",), 30.0) == 0
    plan = AnimationPlan(("descent",), 5, run_lengths=(11,), hold=3)
    assert plan.total_frames == 8
    assert [plan.state(i).steps[0] for i in range(8)] == [0, 2, 5, 8, 10, 10, 10, 10]
    with pytest.raises(IndexError):
        plan.state(8)
    assert TIMING_KEYS[0] == DEFAULT_TIMING == "distance"


def test_between_steps_the_head_glides_along_the_segment():
    # one long step (length 4) then two short ones (length 1 each): 6 in all
    run = RunTrace(np.array([0.0, 4.0, 5.0, 6.0]), np.zeros(4), np.ones(4))
    plan = AnimationPlan(("descent",), 7, run_lengths=(4,),
                         progress=descent_progress("distance", [run]))  # fmt: skip
    positions = [plan.state(i).positions[0] for i in range(7)]
    # frame i is at length i: 1/4, 2/4, 3/4 of the first step, then steps 1, 2, 3
    assert positions == pytest.approx([0.0, 0.25, 0.5, 0.75, 1.0, 2.0, 3.0])
    assert [plan.state(i).steps[0] for i in range(7)] == [0, 0, 0, 0, 1, 2, 3]
    x = np.interp(positions, np.arange(4), run.xs)
    assert np.diff(x) == pytest.approx([1.0] * 6)  # equal path length per frame, exactly
