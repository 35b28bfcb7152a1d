"""Surface rebuild: SurfaceView.set_surface + a paint against pyqtgraph's GLSurfacePlotItem path."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterator
from functools import partial

import numpy as np

from bench.common import Figure, paired_best_times

VIEW_SIZE = (640, 480)


def _app():
    from PySide6 import QtCore, QtWidgets

    app = QtWidgets.QApplication.instance()
    if app is None:
        # before the QApplication exists (DESIGN pitfall 2)
        QtCore.QCoreApplication.setAttribute(QtCore.Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        app = QtWidgets.QApplication(sys.argv[:1])
    return app


def _heights(n: int) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Grid axes and two different height fields (so nothing can be cached between calls)."""
    xs = np.linspace(-3.0, 6.0, n)
    ys = np.linspace(-30.0, 10.0, n)
    base = np.sin(xs)[:, None] * np.cos(ys / 5.0)[None, :] + 0.05 * xs[:, None] ** 2
    return xs, ys, [base, 0.9 * base + 0.1]


def _shown(view, app):
    """The view shown at VIEW_SIZE: a GLViewWidget itself, a SurfaceView through its container
    (a native window among widgets)."""
    shown = getattr(view, "container", view)
    shown.resize(*VIEW_SIZE)
    shown.show()
    for _ in range(20):
        app.processEvents()
    view.grabFramebuffer()  # context and shaders ready before timing
    return view


def _rebuild_view(view, xs, ys, heights: Iterator[np.ndarray], z_range, paint: bool) -> None:
    view.set_surface(xs, ys, next(heights), z_range, ("w", "b", "L"))
    if paint:
        view.grabFramebuffer()  # set_surface left the arrays ready to upload


def _rebuild_plot(view, plot, xs, ys, heights: Iterator[np.ndarray], paint: bool) -> None:
    plot.setData(x=xs, y=ys, z=next(heights))
    if paint:
        view.grabFramebuffer()
    else:
        plot.parseMeshData()  # MeshData's per-vertex normal loop runs here


def measure(quick: bool = False) -> list[Figure]:
    """Rebuild times at 200² and 400², gdviz vs GLSurfacePlotItem(shader='shaded'), same run,
    the two timed in turn (best of 11 rounds at 200², of 3 at 400²).

    "arrays" stops where the GL upload starts (mesh, normals, colours; for the baseline also its
    MeshData parsing); "+ paint" adds the upload and one frame, which llvmpipe (software GL)
    dominates.
    """
    import pyqtgraph.opengl as gl

    from gdviz.render.view3d import SurfaceView

    app = _app()
    view = _shown(SurfaceView(), app)
    baseline_view = _shown(gl.GLViewWidget(), app)
    figures: list[Figure] = []
    for n in (200, 400):
        xs, ys, heights = _heights(n)
        z_range = (float(min(h.min() for h in heights)), float(max(h.max() for h in heights)))
        plot = gl.GLSurfacePlotItem(x=xs, y=ys, z=heights[0], shader="shaded")
        baseline_view.addItem(plot)
        baseline_view.grabFramebuffer()
        rounds = 1 if quick else (11 if n == 200 else 3)
        for paint in (False, True):
            ours, theirs = paired_best_times(
                [
                    partial(_rebuild_view, view, xs, ys, itertools.cycle(heights), z_range, paint),
                    partial(
                        _rebuild_plot, baseline_view, plot, xs, ys, itertools.cycle(heights), paint
                    ),
                ],
                rounds,
            )
            stage = "+ upload + paint" if paint else "arrays"
            goal = "≥ 10×" if n == 200 else "faster than GLSurfacePlotItem"
            figures.append(Figure(f"surface rebuild {n}², {stage}", ours, theirs, "s", goal))
        baseline_view.removeItem(plot)
    view.container.close()
    baseline_view.close()
    return figures


if __name__ == "__main__":
    from bench.__main__ import print_table

    print_table(measure(quick="--quick" in sys.argv))
