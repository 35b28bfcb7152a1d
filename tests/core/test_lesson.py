"""The lesson format and the shipped lecture lesson, checked against ERRATA.md's numbers."""

from __future__ import annotations

import json
import math
import re

import pytest

from gdviz.core.lesson import Lesson, default_lesson, lesson_from_json, load_lesson
from gdviz.core.resources import resource_path
from gdviz.core.scene import (
    DerivativeSpec,
    SceneError,
    dump_json,
    scene_from_dict,
    scene_to_dict,
)

LECTURE_X = (8, 15, 19, 24, 27, 31, 35, 40)
LECTURE_Y = (0, 0, 0, 0, 1, 1, 1, 1)


@pytest.fixture(scope="module")
def lesson() -> Lesson:
    return default_lesson()


def _raw() -> dict:
    return json.loads(resource_path("lessons", "lecture.json").read_text(encoding="utf-8"))


def _number(text: str) -> float:
    return float(text.replace("−", "-"))


def _exact(value: str) -> float:
    match = re.search(r"\(exact ([−\-0-9.e]+)\)", value)
    assert match, value
    return _number(match.group(1))


def _numbers(step) -> dict[str, str]:
    return dict(step.numbers)


def test_thirteen_steps_in_lecture_order_then_the_optional_sweep(lesson: Lesson) -> None:
    assert len(lesson.steps) == 14
    keys = [
        "0.5·x − 4",
        "x − 25",
        "log loss",
        "three variables",
        "x² + y",
        "one variable",
        "−xy/(x² + y²)",
        "x² from 0.5 to 0.9",
        "√x",
        "x² sin y at (π, π)",
        "Partial",
        "directional",
        "Gradient descent",
        "Optional: how small should α be?",
    ]
    for step, key in zip(lesson.steps, keys, strict=True):
        assert key in step.title
    for step in lesson.steps:
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", step.caption.strip()) if s]
        assert 2 <= len(sentences) <= 4, step.title


def test_every_step_scene_is_written_as_scene_to_json_writes_it(lesson: Lesson) -> None:
    shipped = resource_path("lessons", "lecture.json").read_text(encoding="utf-8")
    raw = _raw()
    for i, step in enumerate(lesson.steps):
        assert scene_to_dict(step.scene) == raw["steps"][i]["scene"]
        assert scene_from_dict(raw["steps"][i]["scene"]) == step.scene
    assert dump_json(raw) == shipped


def test_scene_choices_follow_the_brief(lesson: Lesson) -> None:
    s = [step.scene for step in lesson.steps]
    assert s[0].source.preset == "lecture-logistic" and s[0].point == (0.5, -4.0)
    assert s[0].log_base == "10" and s[0].panels == ("likelihood", "data")
    assert s[1].point == (1.0, -25.0)
    assert s[4].source.preset == "x2-plus-y"
    assert s[5].panels == ("limits",)
    assert s[6].source.preset == "limit-example" and s[6].shown == ("limits",)
    assert s[6].limits.slopes == (1.0, -1.0) and s[6].limits.parabolas == (1.0,)
    assert s[7].panels == ("derivative",) and s[7].tool == "derivative"
    assert s[7].derivative == DerivativeSpec("x^2", 0.5, 0.4)
    assert s[8].panels == ("derivative",)
    assert s[9].source.expression == "x^2*sin(y)" and s[9].point == (math.pi, math.pi)
    assert s[9].tool == "partials" and "point" in s[9].panels
    assert s[10].source.preset == "sin-cos" and s[10].point == (2.0, 2.5) and s[10].delta == 0.2
    assert s[11].direction == (0.5, math.sqrt(3) / 2) and s[11].step == 0.2
    assert set(s[11].shown) == {"direction", "gradient"}
    (run,) = s[12].runs
    # 20,000 steps: by then the boundary −b/w is 24.7, between 24 and 27 as the caption says
    assert (run.optimizer, run.lr, run.start, run.max_steps) == ("gd", 0.01, (4.0, 5.0), 20000)
    for scene in s:
        x_min, x_max, y_min, y_max = scene.window
        assert x_min <= scene.point[0] <= x_max and y_min <= scene.point[1] <= y_max


def _likelihood(w: float, b: float) -> float:
    product = 1.0
    for x, y in zip(LECTURE_X, LECTURE_Y, strict=True):
        a = 1 / (1 + math.exp(-(w * x + b)))
        product *= a if y == 1 else 1 - a
    return product


def test_likelihood_and_cost_numbers(lesson: Lesson) -> None:
    one, two, three = (_numbers(step) for step in lesson.steps[:3])
    assert _exact(one["L for z = 0.5·x − 4"]) == pytest.approx(_likelihood(0.5, -4), rel=1e-12)
    assert one["L for z = 0.5·x − 4"].startswith("2.0002713231e-8")
    assert _exact(two["L for z = x − 25"]) == pytest.approx(_likelihood(1, -25), rel=1e-12)
    assert two["L for z = x − 25"].startswith("0.640675")
    assert _number(three["cost −(1/8)·log10 L, z = 0.5·x − 4"]) == pytest.approx(
        -math.log10(_likelihood(0.5, -4)) / 8, abs=5e-6
    )
    assert _number(three["cost −(1/8)·log10 L, z = x − 25"]) == pytest.approx(
        -math.log10(_likelihood(1, -25)) / 8, abs=5e-6
    )
    ln_cost = three["cost −(1/8)·ln L, z = 0.5·x − 4"].split()[0]
    assert _number(ln_cost) == pytest.approx(-math.log(_likelihood(0.5, -4)) / 8, abs=5e-6)


def test_step8_change_of_x_squared_from_0_5_to_0_9(lesson: Lesson) -> None:
    numbers = _numbers(lesson.steps[7])
    dx, dy = 0.9 - 0.5, 0.9**2 - 0.5**2
    assert _number(numbers["Δx = 0.9 − 0.5"]) == pytest.approx(dx, abs=1e-12)
    assert _number(numbers["Δy = f(0.9) − f(0.5)"]) == pytest.approx(dy, abs=1e-12)
    assert _number(numbers["rate Δy/Δx"].split()[0]) == pytest.approx(dy / dx, abs=1e-12)
    caption = lesson.steps[7].caption
    assert "Δx = 0.9 − 0.5 = 0.4" in caption and "0.56" in caption and "1.4" in caption


def test_step10_partials_of_x2_sin_y_at_pi_pi(lesson: Lesson) -> None:
    numbers = _numbers(lesson.steps[9])
    fx = numbers["∂z/∂x at (π, π) = 2π sin π"]
    assert fx.startswith("0 ")  # the slide's exact 0 ...
    assert f"{2 * math.pi * math.sin(math.pi):.1e}" in fx  # ... and float64's round-off
    fy = numbers["∂z/∂y at (π, π) = π² cos π"]
    assert fy.startswith("−π² ")
    assert _exact(fy) == pytest.approx(math.pi**2 * math.cos(math.pi), abs=5e-8)
    assert "−9.8696044" in lesson.steps[9].caption


def test_step11_partials_numbers_as_on_the_slide_with_exact_values(lesson: Lesson) -> None:
    numbers = _numbers(lesson.steps[10])

    def f(x: float, y: float) -> float:
        return math.sin(x) * math.cos(y)

    secant = numbers["secant slope in x, Δx = 0.2"]
    assert secant.startswith("0.4 ")
    assert _exact(secant) == pytest.approx((f(2.2, 2.5) - f(2, 2.5)) / 0.2, abs=5e-8)
    fx = numbers["f_x(2, 2.5) = cos 2 · cos 2.5"]
    assert _exact(fx) == pytest.approx(math.cos(2) * math.cos(2.5), abs=5e-8)
    fy = numbers["f_y(2, 2.5) = −sin 2 · sin 2.5"]
    assert _exact(fy) == pytest.approx(-math.sin(2) * math.sin(2.5), abs=5e-8)
    assert _exact(numbers["f(2, 2.5)"]) == pytest.approx(f(2, 2.5), abs=5e-8)
    assert _exact(numbers["Δz in y, Δy = 0.2"]) == pytest.approx(f(2, 2.7) - f(2, 2.5), abs=5e-8)


def test_step12_directional_numbers(lesson: Lesson) -> None:
    numbers = _numbers(lesson.steps[11])
    u = (0.5, math.sqrt(3) / 2)
    grad = (math.cos(2) * math.cos(2.5), -math.sin(2) * math.sin(2.5))
    d_u = numbers["D_u f(2, 2.5) = ∇f · u"]
    assert _exact(d_u) == pytest.approx(grad[0] * u[0] + grad[1] * u[1], abs=5e-8)
    f_i0 = math.sin(2 + 0.2 * u[0]) * math.cos(2.5 + 0.2 * u[1])
    assert _exact(numbers["f(I0)"]) == pytest.approx(f_i0, abs=5e-8)


def test_step13_descent_numbers_and_errata(lesson: Lesson) -> None:
    step = lesson.steps[12]
    numbers = _numbers(step)
    assert numbers["w1 = w0 − α·L_w"].endswith(f"= {4 - 1 * 0.41:.2f}")
    assert f"= {5 - 1 * 0.22:.2f}" in numbers["b1 = b0 − α·L_b"]
    # Natural-log gradient of the mean log loss at (4, 5): mean((a − y)·x), mean(a − y).
    a = [1 / (1 + math.exp(-(4 * x + 5))) for x in LECTURE_X]
    gw = sum((ai - y) * x for ai, y, x in zip(a, LECTURE_Y, LECTURE_X, strict=True)) / 8
    gb = sum(ai - y for ai, y in zip(a, LECTURE_Y, strict=True)) / 8
    assert numbers["real gradient at (4, 5), natural log"].startswith(f"({gw:.2f}, {gb:.1f})")
    assert "separable" in step.errata and "5 − 0.22" in step.errata


def test_errata_appear_where_they_apply(lesson: Lesson) -> None:
    errata = [step.errata for step in lesson.steps]
    assert "0.00033" in errata[0]  # item 3
    assert "0.88080" in errata[1]  # item 2
    assert "log base 10" in errata[2]  # item 1
    assert "does not exist" in errata[6]  # item 8
    assert "0.2499988" in errata[8]  # item 4
    assert "35.5" in errata[12]  # item 6


def _lesson_text(mutate) -> str:
    data = _raw()
    mutate(data)
    return json.dumps(data)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d["steps"][3]["scene"].update(window=[3, 1, 0, 1]),
            "steps[3].scene.window: x_min (3) must be less than x_max (1)",
        ),
        (
            lambda d: d["steps"][12]["scene"]["runs"][0].update(optimizer="sgdx"),
            "steps[12].scene.runs[0].optimizer: unknown optimizer 'sgdx'",
        ),
        (lambda d: d["steps"][0].pop("caption"), "steps[0].caption: missing"),
        (lambda d: d["steps"][1].update(numbers=[["a", 1]]), "steps[1].numbers[0]: expected"),
        (lambda d: d["steps"][1].update(extra=1), "steps[1]: unknown field 'extra'"),
        (
            lambda d: d["steps"][2]["scene"].update(schema_version=9),
            "steps[2].scene.schema_version 9 is newer",
        ),
        (lambda d: d.update(steps=[]), "steps: expected a non-empty list"),
        (lambda d: d.update(schema_version=2), "schema_version 2 is newer"),
        (lambda d: d.update(author="me"), "unknown field 'author'"),
    ],
)
def test_bad_lessons_name_the_field(mutate, message: str) -> None:
    with pytest.raises(SceneError) as info:
        lesson_from_json(_lesson_text(mutate))
    assert str(info.value).startswith(message), str(info.value)


def test_load_lesson_names_the_file(tmp_path) -> None:
    path = tmp_path / "mine.json"
    path.write_text(_lesson_text(lambda d: d["steps"][3]["scene"].update(resolution=5)), "utf-8")
    with pytest.raises(SceneError, match=r"^mine\.json: steps\[3\]\.scene\.resolution"):
        load_lesson(path)
    good = tmp_path / "good.json"
    good.write_text(resource_path("lessons", "lecture.json").read_text(encoding="utf-8"), "utf-8")
    assert load_lesson(good) == default_lesson()
