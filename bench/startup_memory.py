"""Start-up to the first rendered frame and peak memory with a 400² surface, in fresh processes.

Baselines, measured in the same run: a bare pyqtgraph GLViewWidget showing the same kind of
surface with GLSurfacePlotItem (what a minimal script would do). Each is run once untimed first.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from bench.common import Figure

REPO = Path(__file__).resolve().parents[1]

_GDVIZ = textwrap.dedent(
    """
    import sys, time
    start = time.perf_counter()
    from PySide6 import QtCore
    from gdviz.ui.app import ensure_application
    app = ensure_application()
    from gdviz.ui.main_window import MainWindow
    from gdviz.render.view3d import SurfaceView
    painted = []
    original = SurfaceView.paintGL
    def paintGL(self, *a, **k):
        original(self, *a, **k)
        if self._surface.visible():
            painted.append(time.perf_counter())
    SurfaceView.paintGL = paintGL
    window = MainWindow()
    window.resolution = int(sys.argv[1])
    window.show()
    if window.resolution != 200:
        window.set_resolution(window.resolution)
    while not (painted and window.grid_is_final()):
        app.processEvents()
        time.sleep(0.002)
    first = painted[0] - start
    for _ in range(20):
        app.processEvents()
        time.sleep(0.01)
    peak = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1]
    print(first, int(peak) / 1024)
    window.close()
    """
)

_BASELINE = textwrap.dedent(
    """
    import sys, time
    start = time.perf_counter()
    import numpy as np
    from PySide6 import QtCore, QtWidgets
    QtCore.QCoreApplication.setAttribute(QtCore.Qt.AA_ShareOpenGLContexts)
    app = QtWidgets.QApplication([])
    import pyqtgraph.opengl as gl
    n = int(sys.argv[1])
    painted = []
    class View(gl.GLViewWidget):
        def paintGL(self, *a, **k):
            super().paintGL(*a, **k)
            painted.append(time.perf_counter())
    view = View()
    view.resize(1000, 700)
    x = np.linspace(-1.5, 6.0, n); y = np.linspace(-32, 10, n)
    z = np.log10(np.log1p(np.exp(-np.abs(x[:, None] * 20 + y[None, :]))) + 0.01)
    view.addItem(gl.GLSurfacePlotItem(x=x, y=y, z=z, shader="shaded", color=(0.5, 0.5, 1, 1)))
    view.show()
    while not painted:
        app.processEvents()
        time.sleep(0.002)
    first = painted[0] - start
    peak = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1]
    print(first, int(peak) / 1024)
    """
)


def _run(script: str, resolution: int) -> tuple[float, float]:
    # bytecode is written and read, as an installed package has it (this environment may set
    # PYTHONDONTWRITEBYTECODE: every start would compile every module it changed)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
    out = subprocess.run(
        [sys.executable, "-c", script, str(resolution)],
        capture_output=True, text=True, timeout=300, env=env, cwd=REPO, check=True,
    )  # fmt: skip
    first, peak = (float(v) for v in out.stdout.split()[-2:])
    return first, peak


def measure(quick: bool = False) -> list[Figure]:
    for script in (_GDVIZ, _BASELINE):  # untimed: caches warm and bytecode written for both
        _run(script, 200)
    start_ours, _ = _run(_GDVIZ, 200)
    start_base, _ = _run(_BASELINE, 200)
    _, peak_ours = _run(_GDVIZ, 400)
    _, peak_base = _run(_BASELINE, 400)
    return [
        Figure("start-up to the first rendered frame (vs a bare GLSurfacePlotItem script)",
               start_ours, start_base, "s", "≤ 1.0 s"),
        Figure("peak memory with a 400² surface (vs the same script)", peak_ours, peak_base,
               "MB", "≤ 1.2× the script"),
    ]  # fmt: skip


if __name__ == "__main__":
    from bench.__main__ import print_table

    print_table(measure(quick="--quick" in sys.argv))
