"""Panels in tabs nobody looks at compute nothing until they are raised (start-up needs no
sympy for the lecture's loss), and then show exactly what they would have shown."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_window_starts_on_the_lecture_loss_without_sympy(gl_context):
    script = textwrap.dedent(
        """
        import sys, time
        from gdviz.ui.app import ensure_application
        app = ensure_application()
        from gdviz.ui.main_window import MainWindow
        window = MainWindow()
        window.resize(1280, 800)
        window.show()
        end = time.time() + 1.5
        while time.time() < end:
            app.processEvents()
            time.sleep(0.005)
        print("grid", window.grid is not None, "sympy", "sympy" in sys.modules)
        window.close()
        """
    )
    env = dict(os.environ, PYTHONPATH=str(REPO))
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env,
        cwd=REPO,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["grid", "True", "sympy", "False"]


def test_a_hidden_derivative_panel_catches_up_when_raised(main_window, qtbot):
    window = main_window
    panel = window.derivative_panel
    assert panel.visibleRegion().isEmpty()  # its tab is not the current one
    assert panel.table.rowCount() == 0  # nothing computed for a panel nobody sees
    window.docks["derivative"].raise_()
    qtbot.waitUntil(lambda: panel.table.rowCount() > 0, timeout=5000)
    assert window.doc.scene.derivative.g == panel.g_edit.text()


def test_a_hidden_limits_panel_follows_the_document_once_raised(main_window, qtbot):
    from dataclasses import replace

    window = main_window
    panel = window.limits_panel
    assert panel.visibleRegion().isEmpty()
    spec = replace(window.doc.scene.limits, x0=0.5, y0=-0.25)
    window.doc.update("Move the limit point", limits=spec)  # changed while hidden
    window.docks["limits"].raise_()
    qtbot.waitUntil(lambda: panel.x0_box.value() == 0.5, timeout=5000)
    assert panel.y0_box.value() == -0.25


def test_hidden_partials_and_direction_panels_catch_up_when_raised(main_window, qtbot):
    window = main_window
    partials, direction = window.partials_panel, window.direction_panel
    assert partials.visibleRegion().isEmpty() and direction.visibleRegion().isEmpty()
    assert partials.table.rowCount() == 0  # not computed at start-up, nor for point moves
    window.move_point(1.0, -3.0)
    assert partials.table.rowCount() == 0
    window.docks["partials"].raise_()
    qtbot.waitUntil(lambda: partials.table.rowCount() > 0, timeout=5000)
    assert partials.values["point"][0].text().endswith(", −3)")  # the point moved while hidden
    window.docks["direction"].raise_()
    qtbot.waitUntil(lambda: direction.labels["derivative"].text() != "", timeout=5000)


def test_the_hidden_likelihood_table_and_data_plot_catch_up_when_raised(main_window, qtbot):
    import math

    from gdviz.core.numbers import parse_number

    window = main_window
    table, plot = window.likelihood_panel, window.data_plot
    assert table.visibleRegion().isEmpty() and plot.visibleRegion().isEmpty()
    assert table.model.rowCount() == 0 and plot.caption.text() == ""  # nothing computed yet
    window.set_point(0.5, -4.0)  # the lecture's first model, while neither is seen
    assert table.model.rowCount() == 0
    for name in ("likelihood", "data"):
        window.docks[name].raise_()
    qtbot.waitUntil(lambda: table.model.rowCount() == 8, timeout=5000)
    qtbot.waitUntil(lambda: plot.caption.text().startswith("w = 0.5, b = −4"), timeout=5000)
    assert "(the point)" in table.model_label.text()
    # ERRATA: L = 2.000271323106e-8 for (w, b) = (0.5, −4)
    shown = parse_number(table.labels["log_likelihood"].text())
    assert shown == pytest.approx(math.log(2.000271323106e-8), rel=1e-9)
    assert plot.boundary.value() == 8.0  # x = −b/w
