"""Regenerate docs/screenshots/ from the real window: python tools/screenshots.py

Starts a private Xvfb when there is no display (like `gdviz export`). Each picture is the
window (or the 3D view) as a student sees it; look at them after running this.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def _pump(app, seconds: float, until=None) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        if until is not None and until():
            break
        time.sleep(0.01)


def _settled(app, window) -> None:
    _pump(app, 20.0, window.grid_is_final)
    _pump(app, 2.0, lambda: not window.camera.searching() and not window.view.is_moving_camera())
    _pump(app, 0.3)


def main() -> int:
    from gdviz.display import display_for_rendering

    with display_for_rendering():
        return _shoot()


def _shoot() -> int:
    from gdviz.core.optimizers import make_optimizer
    from gdviz.ui.app import ensure_application
    from gdviz.ui.look import apply_look
    from gdviz.ui.main_window import MainWindow
    from gdviz.ui.panels.descent_panel import RunSettings

    app = ensure_application()
    OUT.mkdir(parents=True, exist_ok=True)
    window = MainWindow()
    window.resize(1440, 900)
    window.show()
    _settled(app, window)
    window.picture().save(str(OUT / "main-window.png"))

    # the lecture's descent, part way: the path in plain view
    gd = make_optimizer("gd", lr=0.01)
    run_id = window.descent.add_run((4.0, 5.0), RunSettings("gd", gd.hp, 1000, 0.0), True)
    window.doc.focus(run_id, 60)
    window.docks["loss"].raise_()
    _settled(app, window)
    window.picture().save(str(OUT / "lecture-descent.png"))

    # Δx, Δy on sin x · cos y at (2, 2.5), close up
    window.open_default_lesson()
    lesson = window.lesson_panel.lesson
    partials = next(
        i for i, s in enumerate(lesson.steps) if "Partial derivatives of sin x" in s.title
    )
    window.lesson_panel.select(partials)
    _settled(app, window)
    window.close_up()
    _pump(app, 0.5)
    window.picture().save(str(OUT / "partials-close-up.png"))

    # presenter mode at 1280×720
    window.toggle_presenter_mode()
    window.setGeometry(0, 0, 1280, 720)
    window.lesson_panel.select(1)
    _settled(app, window)
    window.picture().save(str(OUT / "presenter-1280x720.png"))
    window.toggle_presenter_mode()

    # the light theme, for projectors
    window.resize(1440, 900)
    window.set_theme("light")
    window.lesson_panel.select(partials)
    _settled(app, window)
    window.picture().save(str(OUT / "light-theme.png"))
    apply_look(window, "dark")

    _basins(app, window)
    shoot_sweep(app, window)
    _minibatch(app, window)

    window.history.mark_saved()
    window.close()
    window.deleteLater()
    app.processEvents()
    app.shutdown()  # before the private X server stops (DESIGN pitfall 18)
    print("\n".join(str(p) for p in sorted(OUT.glob("*.png"))))
    return 0


def _minibatch(app, window) -> None:
    """The lecture loss with an SGD run (B = 1, seed 0) beside a full-batch run from the same
    start, the loss plot with both of SGD's curves, the Step panel naming the batch's example."""
    from gdviz.core.minibatch import MiniBatchSettings
    from gdviz.core.optimizers import make_optimizer
    from gdviz.ui.panels.descent_panel import RunSettings

    lr, steps = 0.01, 1000  # the lecture's α: full batch glides into the valley, SGD wanders
    window.resize(1440, 900)
    window.load_preset("lecture-logistic")
    _settled(app, window)
    hp = make_optimizer("gd", lr=lr).hp
    window.descent_panel.lr_box.setValue(lr)
    window.descent_panel.max_steps_box.setValue(steps)
    window.minibatch.set_batch_size(1)  # the box shows SGD, as a student would have set it
    sgd = RunSettings("gd", hp, steps, 1e-6, MiniBatchSettings(1, 0))
    first = window.descent.add_run((4.0, 5.0), sgd, synchronous=True)
    window.descent.add_run((4.0, 5.0), RunSettings("gd", hp, steps, 1e-6), synchronous=True)
    for name in ("descent", "step", "loss"):
        window.docks[name].raise_()
    window.doc.focus(first)
    _settled(app, window)
    window.camera.frame_what_matters(animate=False)  # View → Frame the runs, as a user would
    _settled(app, window)
    window.picture().save(str(OUT / "minibatch.png"))


def _basins(app, window) -> None:
    """Himmelblau from 400 starts: each start coloured by the minimum it reaches, the legend."""
    from PySide6 import QtCore

    window.resize(1440, 900)
    window.load_preset("himmelblau")
    _settled(app, window)
    window.starts_panel.count_edit.setText("400")
    window.scatter_starts()
    _pump(app, 30.0, lambda: window.doc.scatter.scatter is not None)
    window.docks["top"].raise_()
    window.resizeDocks([window.docks["top"]], [330], QtCore.Qt.Vertical)
    _settled(app, window)
    window.picture().save(str(OUT / "basins.png"))


def shoot_sweep(app, window) -> None:
    """The learning-rate sweep of x² + 10y² with gradient descent from (1, 1): the measured edge
    beside 2/λ_max = 0.1, and the run of a rate just below the edge zigzagging in the 3D view."""
    window.resize(1440, 900)
    window.apply_expression("x^2 + 10*y^2")
    window.set_point(1.0, 1.0)
    window.show_sweep()
    window.sweeps.run_from_panel()
    _pump(app, 30.0, lambda: window.doc.sweep_result is not None)
    speeds = window.descent_panel.speed_combo
    speeds.setCurrentIndex(speeds.count() - 1)
    rates = window.doc.sweep_result.sweep.learning_rates
    window.sweeps.run_rate(float(rates[rates < 0.095][-1]))
    _pump(app, 20.0, lambda: not window.descent.has_unfinished_runs())
    _settled(app, window)
    window.picture().save(str(OUT / "sweep.png"))


if __name__ == "__main__":
    sys.exit(main())
