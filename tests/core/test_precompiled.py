"""The presets' stored compiled forms: current, equal to parsing bit for bit, and sympy-free."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest

from gdviz.core.expression import parse_expression
from gdviz.core.expression.precompiled import (
    RESOURCE,
    compile_table,
    precompiled,
    preset_expressions,
)
from gdviz.core.presets import all_presets
from gdviz.core.resources import resource_path
from gdviz.core.surfaces import ExpressionSurface
from gdviz.core.window import Window

EXPRESSION_PRESETS = [p for p in all_presets() if p.kind == "expression"]


def test_the_stored_file_is_what_the_compiler_makes_today():
    stored = json.loads(resource_path(RESOURCE).read_text(encoding="utf-8"))
    assert stored == compile_table(preset_expressions()), (
        "resources/precompiled_expressions.json is stale: "
        "run `python -m gdviz.core.expression.precompiled`"
    )


def test_every_expression_preset_is_stored_and_nothing_else():
    assert len(EXPRESSION_PRESETS) >= 5
    assert all(precompiled(p.expression) is not None for p in EXPRESSION_PRESETS)
    assert precompiled("x^2 + 3*y") is None


def _pair(preset) -> tuple[ExpressionSurface, ExpressionSurface]:
    """The preset's surface from its stored form, and the same built by parsing its text."""
    stored = ExpressionSurface(preset.expression, preset.window)
    parsed = ExpressionSurface(parse_expression(preset.expression, ("x", "y")), preset.window)
    return stored, parsed


def _points(window: Window) -> tuple[np.ndarray, np.ndarray]:
    """A grid over three times the window (off-domain parts too) and a few extreme points."""
    rng = np.random.default_rng(7)
    w, h = window.x_max - window.x_min, window.y_max - window.y_min
    xs = np.linspace(window.x_min - w, window.x_max + w, 61)
    ys = np.linspace(window.y_min - h, window.y_max + h, 59)
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    extra_x = np.r_[0.0, -0.0, 1e300, -1e300, 1e-300, rng.normal(0, 50, 40)]
    extra_y = np.r_[0.0, 0.0, 1e300, 1e5, -1e-300, rng.normal(0, 50, 40)]
    return np.r_[gx.ravel(), extra_x], np.r_[gy.ravel(), extra_y]


@pytest.mark.parametrize("preset", EXPRESSION_PRESETS, ids=lambda p: p.name)
def test_a_stored_surface_computes_the_bits_a_parsed_one_does(preset):
    stored, parsed = _pair(preset)
    assert stored._stored is not None and parsed._stored is None
    x, y = _points(preset.window)
    np.testing.assert_array_equal(stored.value(x, y), parsed.value(x, y))
    for ours, theirs in zip(stored.gradient(x, y), parsed.gradient(x, y), strict=True):
        np.testing.assert_array_equal(ours, theirs)
    xs, ys = np.linspace(-3, 3, 17), np.linspace(-2, 4, 13)
    np.testing.assert_array_equal(stored.grid(xs, ys), parsed.grid(xs, ys))
    for px, py in zip(x[::7], y[::7], strict=True):
        ours, theirs = stored.value_and_gradient(px, py), parsed.value_and_gradient(px, py)
        assert all(
            a == b or (math.isnan(a) and math.isnan(b)) for a, b in zip(ours, theirs, strict=True)
        ), (px, py, ours, theirs)
    assert stored.value_and_gradient_source() == parsed.value_and_gradient_source()
    assert stored.gradient_formulas() == parsed.gradient_formulas()
    assert stored.formula == parsed.formula and stored.title == parsed.title


def test_a_scalar_value_is_a_zero_dimensional_array_like_the_parsed_one():
    stored, parsed = _pair(next(p for p in EXPRESSION_PRESETS if p.name == "sin-cos"))
    assert stored.value(2.0, 2.5).shape == parsed.value(2.0, 2.5).shape == ()
    assert float(stored.value(2.0, 2.5)) == math.sin(2.0) * math.cos(2.5)


def test_a_preset_surface_samples_and_descends_without_sympy_and_parses_when_asked():
    code = (
        "import sys, json\n"
        "import numpy as np\n"
        "from gdviz.core.presets import get_preset\n"
        "from gdviz.core.descent import run_path\n"
        "from gdviz.core.optimizers import make_optimizer\n"
        "surface = get_preset('sin-cos').surface()\n"
        "surface.grid(np.linspace(0, 4, 50), np.linspace(0, 5, 50))\n"
        "path, end = run_path(surface, (2.0, 2.5), make_optimizer('gd', lr=0.1), 100)\n"
        "before = 'sympy' in sys.modules\n"
        "formula = surface.f_x.formula\n"
        "print(json.dumps([before, 'sympy' in sys.modules, formula, len(path.x)]))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    before, after, formula, points = json.loads(proc.stdout)
    assert (before, after) == (False, True)
    assert formula == "cos(x)*cos(y)"
    assert points == 101


def test_the_generator_writes_the_top_level_resources_file():
    from pathlib import Path

    from gdviz.core.expression.precompiled import source_file

    root = Path(__file__).resolve().parents[2]
    assert source_file() == root / "resources" / RESOURCE
    # in a source checkout the package reads that very file (the editable install or PYTHONPATH)
    assert source_file().read_bytes() == resource_path(RESOURCE).read_bytes()
