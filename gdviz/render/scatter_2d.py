"""Many starts in the top view: each start's dot in the colour of its basin, faint paths, minima."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtGui

from gdviz.render.scatter_geometry import marker_size

# Between the surface's level curves (1) and the runs' paths (3): runs stay on top.
_Z_PATHS, _Z_STARTS, _Z_MINIMA = 2.2, 2.6, 2.8
PATH_ALPHA = 0.35
_MINIMUM_SIZE = 16.0  # px


class Scatter2D:
    """Drawn in a pyqtgraph PlotItem (the ContourView's): one curve of faint paths per colour
    (NaN rows break them), the starts as dots coloured by basin, the minima as ringed stars."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self._plot = plot
        self._paths: list[pg.PlotCurveItem] = []
        self.starts = pg.ScatterPlotItem(pxMode=True, pen=None)
        self.minima = pg.ScatterPlotItem(pxMode=True, symbol="star", size=_MINIMUM_SIZE)
        self.starts.setZValue(_Z_STARTS)
        self.minima.setZValue(_Z_MINIMA)
        plot.addItem(self.starts)
        plot.addItem(self.minima)
        self.clear()

    def set(
        self,
        paths: np.ndarray,
        labels: np.ndarray,
        colors: list[tuple[int, int, int]],
        other_color: tuple[int, int, int],
        minima: np.ndarray,
    ) -> None:
        """paths (T, K, 2) at sampled steps; labels[i] the basin of start i (−1: none), coloured
        colors[label] (other_color for −1); minima (M, 2), minimum m in colors[m]."""
        self._clear_paths()
        labels = np.asarray(labels)
        brushes = [pg.mkBrush(c) for c in colors]
        other = pg.mkBrush(other_color)
        for label in np.unique(labels):
            rgb = colors[label] if label >= 0 else other_color
            runs = paths[:, labels == label, :]  # (T, n, 2): one polyline per run, NaN between
            gap = np.full((1, runs.shape[1], 2), np.nan)
            rows = np.concatenate([runs, gap]).transpose(1, 0, 2).reshape(-1, 2)
            curve = pg.PlotCurveItem(
                x=rows[:, 0], y=rows[:, 1], connect="finite", antialias=True,
                pen=pg.mkPen(QtGui.QColor(*rgb, round(255 * PATH_ALPHA)), width=1.0),
            )  # fmt: skip
            curve.setZValue(_Z_PATHS)
            self._plot.addItem(curve)
            self._paths.append(curve)
        first = paths[0]
        ok = np.isfinite(first).all(axis=1)
        self.starts.setData(
            x=first[ok, 0], y=first[ok, 1], size=marker_size(len(first)),
            brush=[brushes[lb] if lb >= 0 else other for lb in labels[ok].tolist()],
        )  # fmt: skip
        self.starts.show()
        minima = np.asarray(minima, dtype=np.float64).reshape(-1, 2)
        self.minima.setData(
            x=minima[:, 0], y=minima[:, 1], brush=brushes[: len(minima)],
            pen=pg.mkPen("#ffffff", width=1.5),
        )  # fmt: skip
        self.minima.setVisible(len(minima) > 0)

    def clear(self) -> None:
        self._clear_paths()
        self.starts.setData(x=[], y=[])
        self.minima.setData(x=[], y=[])
        self.starts.hide()
        self.minima.hide()

    def path_count(self) -> int:
        """How many path curves are drawn (one per basin colour)."""
        return len(self._paths)

    def _clear_paths(self) -> None:
        for curve in self._paths:
            self._plot.removeItem(curve)
        self._paths = []
