"""docs/screenshots/minibatch.png from the real window: python tools/screenshot_minibatch.py

The lecture loss with an SGD run (B = 1, seed 0) beside a full-batch run from the same start,
the loss plot with both of SGD's curves, and the Step panel naming the batch's example.
Starts a private Xvfb when there is no display; look at the picture after running this.
"""

from __future__ import annotations

import sys

from tools.screenshots import OUT, _pump, _settled

LR, STEPS = 0.01, 1000  # the lecture's α: full batch glides into the valley, SGD wanders


def main() -> int:
    from gdviz.display import display_for_rendering

    with display_for_rendering():
        return _shoot()


def _shoot() -> int:
    from gdviz.core.minibatch import MiniBatchSettings
    from gdviz.core.optimizers import make_optimizer
    from gdviz.ui.app import ensure_application
    from gdviz.ui.main_window import MainWindow
    from gdviz.ui.panels.descent_panel import RunSettings

    app = ensure_application()
    OUT.mkdir(parents=True, exist_ok=True)
    window = MainWindow()
    window.resize(1440, 900)
    window.show()
    _settled(app, window)
    hp = make_optimizer("gd", lr=LR).hp
    window.descent_panel.lr_box.setValue(LR)
    window.descent_panel.max_steps_box.setValue(STEPS)
    window.minibatch.set_batch_size(1)  # the box shows SGD, as a student would have set it
    sgd = RunSettings("gd", hp, STEPS, 1e-6, MiniBatchSettings(1, 0))
    full = RunSettings("gd", hp, STEPS, 1e-6)
    first = window.descent.add_run((4.0, 5.0), sgd, synchronous=True)
    window.descent.add_run((4.0, 5.0), full, synchronous=True)
    for name in ("descent", "step", "loss"):
        window.docks[name].raise_()
    window.doc.focus(first)
    _settled(app, window)
    window.camera.frame_what_matters(animate=False)  # View → Frame the runs, as a user would
    _settled(app, window)
    _pump(app, 0.5)
    window.picture().save(str(OUT / "minibatch.png"))

    window.history.mark_saved()
    window.close()
    window.deleteLater()
    app.processEvents()
    app.shutdown()  # before the private X server stops (DESIGN pitfall 18)
    print(OUT / "minibatch.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
