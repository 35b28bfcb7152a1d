"""Presets: every one builds, its start lies in its window, the lecture scene holds its models."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdviz.core.presets import all_presets, default_preset_name, get_preset


def test_default_preset_is_the_lecture_loss():
    preset = get_preset(default_preset_name())
    assert preset.name == "lecture-logistic"
    assert preset.surface().axis_names == ("w", "b", "L")


@pytest.mark.parametrize("preset", all_presets(), ids=lambda p: p.name)
def test_each_preset_builds_and_is_defined_at_its_start(preset):
    surface = preset.surface()
    assert preset.window.contains(*preset.start)
    value = float(surface.value(*preset.start))
    gx, gy = surface.gradient(*preset.start)
    assert math.isfinite(value) and math.isfinite(float(gx)) and math.isfinite(float(gy))
    xs = np.linspace(preset.window.x_min, preset.window.x_max, 11)
    ys = np.linspace(preset.window.y_min, preset.window.y_max, 13)
    assert surface.grid(xs, ys).shape == (11, 13)


def test_lecture_window_holds_the_lectures_models_and_start():
    preset = get_preset("lecture-logistic")
    for w, b in [(0.5, -4.0), (1.0, -25.0), (4.0, 5.0)]:
        assert preset.window.contains(w, b)
    assert preset.start == (4.0, 5.0)
    assert preset.height_scale == "log10"


def test_lecture_loss_spans_decades_in_its_window():
    surface = get_preset("lecture-logistic").surface()
    assert float(surface.value(4.0, 5.0)) == pytest.approx(35.5, abs=0.05)  # ERRATA item 6
    assert float(surface.value(1.0, -25.0)) == pytest.approx(0.0556540, abs=1e-6)


def test_unknown_preset_names_the_valid_ones():
    with pytest.raises(KeyError, match="available: lecture-logistic"):
        get_preset("nope")


def test_a_preset_may_pin_its_camera():
    from gdviz.core.presets import _preset_from_json

    entry = {
        "name": "p", "title": "P", "kind": "expression", "expression": "x^2 + y^2",
        "window": [-1, 1, -1, 1], "start": [0.5, 0.5],
    }  # fmt: skip
    assert _preset_from_json(entry).camera is None
    assert _preset_from_json({**entry, "camera": [35, -120]}).camera == (35.0, -120.0)
    import pytest

    with pytest.raises(ValueError, match="elevation"):
        _preset_from_json({**entry, "camera": [120, 0]})
