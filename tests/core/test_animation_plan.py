"""AnimationPlan: frame-exact descent steps, Δ toward 0, a full turn of u and of the camera."""

from __future__ import annotations

import math

import pytest

from gdviz.core.animation import DELTA_END, AnimationPlan


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
