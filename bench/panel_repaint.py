"""Side-panel repaint: a label in the Point panel changed and repainted, in the 1440×900 window.

gdviz's window holds the 3D view as a native GL window. Baseline, measured in the same run: the
same window with a GLViewWidget (a QOpenGLWidget) showing the same surface in its place, where
every repaint of any widget composites the whole window through GL.
"""

from __future__ import annotations

import statistics
import sys
import time

from bench.common import Figure
from bench.gui_stall import _pump

REPAINTS = 200
GOAL = "≥ 10× cheaper"


def _window(glwidget: bool):
    import pyqtgraph.opengl as gl

    from gdviz.ui.app import ensure_application
    from gdviz.ui.main_window import MainWindow

    app = ensure_application()
    window = MainWindow()
    window.resize(1440, 900)
    window.show()
    _pump(app, window.grid_is_final, 20)
    if glwidget:
        widget = gl.GLViewWidget()
        widget.opts = dict(window.view.opts)  # the same camera
        for item in list(window.view.items):
            window.view.removeItem(item)
            widget.addItem(item)
        window.setCentralWidget(widget)
    _pump(app, lambda: False, 0.5)
    return app, window


def repaint_seconds(glwidget: bool, repaints: int) -> float:
    """Median seconds per repaint of one changed label in a side panel."""
    app, window = _window(glwidget)
    label = window.point_panel.value_label
    times = []
    for i in range(repaints):
        start = time.perf_counter()
        label.setText(f"{i * 0.123456:.6f}")
        label.repaint()
        app.processEvents()
        times.append(time.perf_counter() - start)
    window.history.mark_saved()
    window.close()
    _pump(app, lambda: False, 0.1)
    return statistics.median(times)


def measure(quick: bool = False) -> list[Figure]:
    repaints = 40 if quick else REPAINTS
    theirs = repaint_seconds(True, repaints)
    ours = repaint_seconds(False, repaints)
    return [
        Figure(
            "side-panel label repaint, 1440×900 window (vs the same window around a GLViewWidget)",
            ours,
            theirs,
            "s",
            GOAL,
        )
    ]


if __name__ == "__main__":
    from bench.__main__ import print_table

    print_table(measure(quick="--quick" in sys.argv))
