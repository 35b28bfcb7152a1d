"""Export speed: gdviz vs a matplotlib mplot3d + FuncAnimation script, same scene, same run.

The scene: sin x · cos y on a 100² grid, a 120-step gradient-descent path from (2, 2.5),
120 frames at 1280×720, written as MP4 and as GIF.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from bench.common import Figure

FRAMES, SIZE, STEPS = 120, (1280, 720), 120
GOAL = "≥ 5×"


def _window():
    from bench.gui_stall import _pump
    from gdviz.core.optimizers import make_optimizer
    from gdviz.ui.app import ensure_application, freeze_startup_objects
    from gdviz.ui.main_window import MainWindow
    from gdviz.ui.panels.descent_panel import RunSettings

    app = ensure_application()
    window = MainWindow(preset="sin-cos")
    window.resize(1440, 900)
    window.show()
    window.set_resolution(100)
    _pump(app, window.grid_is_final, 20)
    freeze_startup_objects()
    gd = make_optimizer("gd", lr=0.1)
    window.descent.add_run((2.0, 2.5), RunSettings("gd", gd.hp, STEPS, 0.0), synchronous=True)
    return window


def gdviz_seconds(window, path: Path, fmt: str, frames: int = FRAMES) -> float:
    from gdviz.export.spec import ExportSpec
    from gdviz.export.writers import export_frames
    from gdviz.ui.exporter import FrameRequest, render_frames

    spec = ExportSpec(path, fmt, SIZE[0], SIZE[1], 30.0, frames, "dark")
    request = FrameRequest(("descent",), frames, SIZE[0], SIZE[1], "dark")
    start = time.perf_counter()
    export_frames(spec, render_frames(window, request))
    return time.perf_counter() - start


def measure(quick: bool = False) -> list[Figure]:
    from bench.mpl_baseline import render_baseline

    window = _window()
    figures = []
    with tempfile.TemporaryDirectory() as folder:
        frames = 12 if quick else FRAMES
        for fmt in ("mp4", "gif"):
            ours = gdviz_seconds(window, Path(folder) / f"gdviz.{fmt}", fmt, frames)
            theirs = render_baseline(str(Path(folder) / f"mpl.{fmt}"), frames, SIZE, fmt)
            name = f"export {frames} frames 1280×720 {fmt.upper()} (vs matplotlib mplot3d)"
            figures.append(Figure(name, ours, theirs, "s", GOAL))
    window.close()
    return figures


if __name__ == "__main__":
    from bench.__main__ import print_table

    print_table(measure(quick="--quick" in sys.argv))
