"""Faults and lifetime: odd surfaces explained on screen, and a soak of runs and surface changes."""

from __future__ import annotations

import ctypes
import gc
import os

import numpy as np
import pytest

from gdviz.core.descent import StopReason


def _threads() -> int:
    return len(os.listdir("/proc/self/task"))


def _rss_mb() -> float:
    """Resident memory after the allocator returns what it merely caches (retained, not pooled)."""
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def _run_to_end(qtbot, window):
    panel = window.descent_panel
    panel.speed_combo.setCurrentIndex(panel.speed_combo.count() - 1)
    window.toggle_play()
    qtbot.waitUntil(
        lambda: bool(window.descent.runs) and not window.descent.has_unfinished_runs(),
        timeout=15000,
    )
    (drawn,) = window.descent.runs.values()
    return drawn.history.end


def _apply(qtbot, window, text: str) -> None:
    assert window.apply_expression(text)
    qtbot.waitUntil(window.grid_is_final, timeout=15000)


def test_a_constant_surface_draws_and_a_run_converges_at_once(main_window, qtbot):
    window = main_window
    _apply(qtbot, window, "3")
    assert np.all(window.grid.z == 3.0)
    assert window.point_panel.norm_label.text() == "0"
    end = _run_to_end(qtbot, window)
    assert end.reason == StopReason.CONVERGED and end.steps == 0
    assert "converged at step 0" in window.step_panel.status_label.text()


def test_a_surface_that_is_nan_almost_everywhere_shows_its_holes(main_window, qtbot):
    window = main_window
    _apply(qtbot, window, "sqrt(x - 2.7) + y")  # defined on a sliver of [-3, 3]²
    assert window.grid.nan_fraction > 0.9
    assert "outside the domain" in window.function_panel.note_label.text()


def test_a_surface_with_no_defined_value_is_refused_and_the_old_one_kept(main_window, qtbot):
    window = main_window
    _apply(qtbot, window, "x^2 + y^2")
    old = window.grid
    old_source = window.doc.scene.source
    # Refused at once, before any grid is computed: the document keeps the old surface.
    assert not window.apply_expression("sqrt(-1 - x^2)")
    qtbot.waitUntil(lambda: window.function_panel.error_label.isVisible(), timeout=10000)
    assert "no finite value" in window.function_panel.error_label.text()
    assert window.view.isVisible()
    assert window.doc.scene.source == old_source
    assert window.grid is old  # nothing garbage was drawn


def test_a_run_that_diverges_on_its_first_step_says_so(main_window, qtbot):
    window = main_window
    window.load_preset("rosenbrock")
    qtbot.waitUntil(window.grid_is_final, timeout=10000)
    window.descent_panel.lr_box.setValue(10.0)
    end = _run_to_end(qtbot, window)
    assert end.reason == StopReason.DIVERGED and end.steps <= 1
    assert "smaller learning rate" in window.step_panel.status_label.text()


def test_a_pole_on_the_path_ends_the_run_with_a_reason(main_window, qtbot):
    window = main_window
    _apply(qtbot, window, "-1/(x^2 + y^2)")  # a pole at the origin that descent falls into
    window.set_point(0.5, 0.5)
    window.descent_panel.lr_box.setValue(0.05)
    end = _run_to_end(qtbot, window)
    # Near the pole the steps explode: the run either stops as diverged or is flung far out
    # where the surface is flat and converges there; either way it ends and says how.
    assert end.message in window.step_panel.status_label.text()
    assert end.message in window.statusBar().currentMessage()
    (drawn,) = window.descent.runs.values()
    assert np.isfinite(drawn.history.column("f")).all()


@pytest.mark.slow
def test_soak_runs_and_surface_changes_leave_no_threads_or_memory_behind(main_window, qtbot):
    window = main_window
    window.load_preset("bowl")
    qtbot.waitUntil(window.grid_is_final, timeout=10000)
    panel = window.descent_panel
    panel.max_steps_box.setValue(1_000_000)
    panel.tol_box.setValue(0.0)
    panel.lr_box.setValue(1e-5)
    panel.speed_combo.setCurrentIndex(panel.speed_combo.count() - 1)
    qtbot.wait(200)
    gc.collect()
    threads, rss = _threads(), _rss_mb()
    for i in range(1000):
        window.add_run()
        window.descent.set_playing(True)
        if i % 10 == 0:
            qtbot.wait(1)
        window.descent.reset()
    for i in range(200):
        window.apply_expression(f"x^2 + {i % 7 + 1}*y^2")
    qtbot.waitUntil(window.grid_is_final, timeout=30000)
    qtbot.wait(300)
    gc.collect()
    assert window.descent.runs == {}
    assert window.descent.worker.active_runs() == set()
    assert _threads() <= threads
    assert _rss_mb() - rss < 50
    assert window.surface.formula == "x^2 + 4*y^2"
