"""The data plot: the examples, the sigmoid a(x), the decision boundary, the misclassified."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from gdviz.core.likelihood import decision_boundary, misclassified
from gdviz.core.logistic import Dataset, stable_sigmoid
from gdviz.core.numbers import format_number
from gdviz.ui import theme

MAX_POINTS_DRAWN = 5000  # a subsample of larger datasets, same classes


class DataPlot(QtWidgets.QWidget):
    """Examples at height y (0 or 1), a(x) = σ(w·x + b), the boundary x = −b/w."""

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.plot = pg.PlotWidget(background=theme.PLOT_BACKGROUND, objectName="dataPlot")
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.setLabel("bottom", "x")
        self.plot.setLabel("left", "y   and   a(x) = σ(w·x + b)")
        self.class0 = self.plot.plot(pen=None, symbol="o", symbolSize=9, symbolBrush=theme.CLASS_0,
                                     symbolPen=None, name="y = 0")  # fmt: skip
        self.class1 = self.plot.plot(pen=None, symbol="o", symbolSize=9, symbolBrush=theme.CLASS_1,
                                     symbolPen=None, name="y = 1")  # fmt: skip
        self.wrong = self.plot.plot(pen=None, symbol="o", symbolSize=16, symbolBrush=None,
                                    symbolPen=pg.mkPen(theme.WRONG, width=2),
                                    name="misclassified")  # fmt: skip
        self.sigmoid = self.plot.plot(pen=pg.mkPen(theme.TEXT, width=2), name="a(x)")
        self.boundary = pg.InfiniteLine(angle=90, movable=False,
                                        pen=pg.mkPen(theme.GOOD, width=2, style=QtCore.Qt.DashLine),
                                        label="x = −b/w", labelOpts={"color": theme.GOOD,
                                                                     "position": 0.9})  # fmt: skip
        self.plot.addItem(self.boundary)
        self.caption = QtWidgets.QLabel(objectName="dataCaption")
        self.caption.setWordWrap(True)
        key = QtWidgets.QLabel(
            f"<span style='color:{theme.CLASS_0}'>●</span> y = 0 &nbsp; "
            f"<span style='color:{theme.CLASS_1}'>●</span> y = 1 &nbsp; "
            f"<span style='color:{theme.WRONG}'>◯</span> misclassified &nbsp; "
            f"<span style='color:{theme.TEXT}'>━</span> a(x) = σ(w·x + b) &nbsp; "
            f"<span style='color:{theme.GOOD}'>┆</span> boundary x = −b/w"
        )
        layout.addWidget(key)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.caption)
        self._dataset: Dataset | None = None
        self._shown: np.ndarray | None = None

    def show_dataset(self, dataset: Dataset) -> None:
        self._dataset = dataset
        n = len(dataset)
        if n > MAX_POINTS_DRAWN:
            self._shown = np.random.default_rng(0).choice(n, MAX_POINTS_DRAWN, replace=False)
        else:
            self._shown = np.arange(n)
        x, y = dataset.x[self._shown], dataset.y[self._shown]
        self.class0.setData(x[y == 0], y[y == 0])
        self.class1.setData(x[y == 1], y[y == 1])
        lo, hi = float(dataset.x.min()), float(dataset.x.max())
        pad = 0.08 * (hi - lo or 1.0)
        self.plot.setRange(xRange=(lo - pad, hi + pad), yRange=(-0.15, 1.15), padding=0)

    def show_model(self, w: float, b: float, separability_message: str = "") -> None:
        data = self._dataset
        if data is None:
            return
        (x_lo, x_hi), _ = self.plot.getViewBox().viewRange()
        xs = np.linspace(x_lo, x_hi, 400)
        self.sigmoid.setData(xs, stable_sigmoid(w * xs + b))
        wrong = misclassified(data, w, b)[self._shown]
        self.wrong.setData(data.x[self._shown][wrong], data.y[self._shown][wrong])
        boundary = decision_boundary(w, b)
        if boundary is None or not math.isfinite(boundary):
            self.boundary.hide()
            where = "no boundary (w = 0: a(x) is the same everywhere)"
        else:
            self.boundary.setValue(boundary)
            self.boundary.show()
            where = f"boundary x = −b/w = {format_number(boundary)}"
        total = int(misclassified(data, w, b).sum())
        self.caption.setText(
            f"w = {format_number(w)}, b = {format_number(b)}: {where}; {total:,} of "
            f"{len(data):,} misclassified. {separability_message}"
        )

    def show_no_model(self, message: str) -> None:
        """Nothing to plot (the surface is not a loss): empty plot and the reason."""
        self._dataset = self._shown = None
        for curve in (self.class0, self.class1, self.wrong, self.sigmoid):
            curve.setData([], [])
        self.boundary.hide()
        self.caption.setText(message)
