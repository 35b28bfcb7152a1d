"""The sweep plot: final loss (or steps to converge) against α, log–log, unstable α shaded."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from gdviz.core.numbers import format_number
from gdviz.ui import theme

if TYPE_CHECKING:  # core.sweep imports sympy, which the window loads only when needed
    from gdviz.core.sweep import Sweep

QUANTITIES = {"loss": "final loss f", "steps": "steps to converge"}
SHADE_ALPHA = 55  # the unstable region: theme.ERROR, see-through


def colors() -> dict[str, str]:
    """The sweep's colours from the theme in use: dots, the measured edge, the theory."""
    return {"stable": theme.CURVE, "unstable": theme.ERROR, "edge": theme.GOOD,
            "limit": theme.ACCENT}  # fmt: skip


# Where on the plot's height the two vertical lines write their values: apart, so both can be
# read when the lines nearly coincide.
EDGE_LABEL_AT, LIMIT_LABEL_AT = 0.78, 0.5
OFF_CHART_DECADES = 1.0  # unstable losses above the stable ones are drawn this far above them


def unstable_spans(rates: np.ndarray, stable: np.ndarray) -> list[tuple[float, float]]:
    """(from, to) in log10 α of each run of consecutive unstable rates, edges halfway (in log)
    to the neighbouring stable rates, or half a grid step beyond the first or last rate."""
    logs = np.log10(np.asarray(rates, float))
    if len(logs) == 0:
        return []
    half = (logs[-1] - logs[0]) / (2 * (len(logs) - 1)) if len(logs) > 1 else 0.5
    spans: list[tuple[float, float]] = []
    i = 0
    while i < len(logs):
        if stable[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(logs) and not stable[j + 1]:
            j += 1
        low = (logs[i - 1] + logs[i]) / 2 if i > 0 else logs[0] - half
        high = (logs[j] + logs[j + 1]) / 2 if j + 1 < len(logs) else logs[-1] + half
        spans.append((float(low), float(high)))
        i = j + 1
    return spans


class SweepPlot(QtWidgets.QWidget):
    """One dot per learning rate (click it to run that α); lines at the largest stable α and at
    2/λ_max; the rates whose runs were unstable shaded."""

    rate_clicked = QtCore.Signal(float)

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.plot = pg.PlotWidget(background=theme.PLOT_BACKGROUND, objectName="sweepPlot")
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.getPlotItem().setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setLabel("bottom", "learning rate α")
        self.plot.getAxis("bottom").setLogMode(True)
        self.plot.setToolTip(
            "Each dot is one run with that α: click a dot to run it in the 3D view"
        )
        self.curve = pg.PlotCurveItem(pen=pg.mkPen(theme.MUTED, width=1))
        self.plot.addItem(self.curve)
        self.points = pg.ScatterPlotItem(hoverable=True, tip=self._tip, hoverSize=13)
        self.points.setZValue(5)
        self.points.sigClicked.connect(self._on_clicked)
        self.plot.addItem(self.points)
        c = self.colors = colors()
        self.edge_line = self._line(c["edge"], QtCore.Qt.SolidLine, EDGE_LABEL_AT)
        self.edge_line.setToolTip(
            "The largest α whose run stayed stable (measured): click to run it"
        )
        self.edge_line.sigClicked.connect(self._click_edge)
        self.limit_line = self._line(c["limit"], QtCore.Qt.DashLine, LIMIT_LABEL_AT)
        self.limit_line.setToolTip(
            "2/λ_max: plain gradient descent on a quadratic is stable exactly for α < 2/λ_max"
        )
        self.max_steps_line = pg.InfiniteLine(
            angle=0, movable=False, pen=pg.mkPen(theme.MUTED, width=1, style=QtCore.Qt.DotLine),
            label="max steps", labelOpts={"color": theme.MUTED, "position": 0.04, "anchors":
                                          [(0, 1), (0, 1)]},
        )  # fmt: skip
        self.max_steps_line.hide()
        self.plot.addItem(self.max_steps_line, ignoreBounds=True)
        self.key = QtWidgets.QLabel(objectName="sweepKey")
        self.key.setWordWrap(True)
        self._show_key(with_limit=False)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.key)
        layout.addWidget(self.plot, 1)
        self._shades: list[pg.LinearRegionItem] = []
        self._sweep: Sweep | None = None
        self._max_steps = 0
        self.quantity = "loss"
        self.log_y = True
        self.clear()

    def _line(self, color: str, style, label_at: float) -> pg.InfiniteLine:
        line = pg.InfiniteLine(
            angle=90, movable=False, pen=pg.mkPen(color, width=2, style=style),
            label="", labelOpts={"position": label_at, "anchors": [(0, 0.5), (0, 0.5)]},
        )  # fmt: skip
        line.style = style
        line.setZValue(8)
        line.hide()
        self.plot.addItem(line, ignoreBounds=True)
        return line

    def _show_key(self, with_limit: bool) -> None:
        c = self.colors
        self.key.setText(
            f"<span style='color:{c['stable']}'>●</span> stable run &nbsp; "
            f"<span style='color:{c['unstable']}'>✕</span> unstable &nbsp; "
            f"<span style='color:{c['edge']}'>┃</span> largest stable α (measured)"
            + (f" &nbsp; <span style='color:{c['limit']}'>┆</span> 2/λ_max (theory)"
               if with_limit else "")
        )  # fmt: skip

    # --- what is shown -------------------------------------------------------------------------
    @property
    def sweep(self) -> Sweep | None:
        return self._sweep

    def clear(self) -> None:
        self._sweep = None
        self.points.setData([])
        self.curve.setData([], [])
        for line in (self.edge_line, self.limit_line, self.max_steps_line):
            line.hide()
        self._set_shades([])
        self.plot.setLabel("left", QUANTITIES[self.quantity])

    def show_sweep(self, sweep: Sweep, max_steps: int) -> None:
        """Draw `sweep` (core's numbers; max_steps: its runs' step limit)."""
        self._sweep, self._max_steps = sweep, max_steps
        self._redraw()

    def set_quantity(self, quantity: str) -> None:
        """Plot "loss" (final loss against α) or "steps" (steps to converge against α)."""
        if quantity not in QUANTITIES:
            raise ValueError(f"unknown quantity {quantity!r}")
        self.quantity = quantity
        self._redraw()

    def plotted(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(α, y, index into the sweep) of the dots drawn, in data units (tests, tooltips)."""
        data = self.points.data
        if len(data) == 0:
            empty = np.empty(0)
            return empty, empty, np.empty(0, dtype=int)
        x, y = data["x"], data["y"]
        ys = 10.0**y if self.log_y else y
        return 10.0**x, ys, np.array([int(d) for d in data["data"]], dtype=int)

    def line_value(self, which: str) -> float | None:
        """The α a vertical line marks ("edge" or "limit"), None when it is hidden."""
        line = self.edge_line if which == "edge" else self.limit_line
        return 10.0 ** line.value() if line.isVisible() else None

    def shaded_spans(self) -> list[tuple[float, float]]:
        """The shaded α ranges (tests)."""
        return [tuple(10.0**v for v in shade.getRegion()) for shade in self._shades]

    # --- drawing ---------------------------------------------------------------------------
    def _redraw(self) -> None:
        sweep = self._sweep
        if sweep is None:
            self.clear()
            return
        self.plot.setLabel("left", QUANTITIES[self.quantity])
        self.colors = colors()  # the theme may have changed since the last sweep
        rates = np.asarray(sweep.learning_rates, float)
        values, off_chart = self._values(sweep)
        self.log_y = bool(np.all(values[np.isfinite(values)] > 0))
        self.plot.getAxis("left").setLogMode(self.log_y)
        with np.errstate(divide="ignore", invalid="ignore"):
            ys = np.log10(values) if self.log_y else values
        xs = np.log10(rates)
        shown = np.isfinite(ys)
        spots = []
        for i in np.flatnonzero(shown):
            stable = bool(sweep.stable[i])
            color = self.colors["stable" if stable else "unstable"]
            hollow = self.quantity == "steps" and stable and off_chart[i]
            spots.append({
                "pos": (xs[i], ys[i]), "data": int(i), "size": 9 if stable else 11,
                "symbol": "o" if stable else "x",
                "brush": None if hollow else pg.mkBrush(color),
                "pen": pg.mkPen(color, width=1.5) if hollow or not stable else None,
            })  # fmt: skip
        self.points.setData(spots)
        line = shown & np.asarray(sweep.stable, bool)
        self.curve.setData(xs[line], ys[line], connect="finite")
        spans = unstable_spans(rates, np.asarray(sweep.stable, bool))
        edge = 0.5 * (xs[-1] - xs[0]) + 1.0  # a span reaching the grid's end reaches the plot's
        spans = [(lo - edge if lo < xs[0] else lo, hi + edge if hi > xs[-1] else hi)
                 for lo, hi in spans]  # fmt: skip
        self._set_shades(spans)
        self._show_line(self.edge_line, sweep.largest_stable_lr, "largest stable α")
        self._show_line(self.limit_line, sweep.gd_limit, "2/λ_max")
        self._show_key(with_limit=self.limit_line.isVisible())
        if self.quantity == "steps":
            top = math.log10(self._max_steps) if self.log_y else float(self._max_steps)
            self.max_steps_line.setValue(top)
            self.max_steps_line.show()
        else:
            self.max_steps_line.hide()
        self._frame(xs, ys[shown])

    def _values(self, sweep: Sweep) -> tuple[np.ndarray, np.ndarray]:
        """The y of each rate and whether it is drawn off its true value (above the chart, or
        at max steps for a run that did not converge)."""
        n = len(sweep)
        if self.quantity == "steps":
            converged = sweep.steps_to_converge
            off = ~np.isfinite(converged)
            values = np.where(off, float(self._max_steps), converged)
            return np.where(values > 0, values, np.nan), off
        values = np.asarray(sweep.final_loss, float).copy()
        stable = np.asarray(sweep.stable, bool)
        reference = values[stable & np.isfinite(values)]
        reference = np.append(reference, sweep.start_loss)
        reference = reference[np.isfinite(reference)]
        off = np.zeros(n, dtype=bool)
        if reference.size and np.all(reference > 0):
            cap = float(reference.max()) * 10.0**OFF_CHART_DECADES
            off = ~stable & (~np.isfinite(values) | (values > cap))
            values[off] = cap  # diverged: drawn at the top (its tooltip has the true value)
        return values, off

    def _show_line(self, line: pg.InfiniteLine, value: float | None, name: str) -> None:
        if value is None or not (math.isfinite(value) and value > 0):
            line.hide()
            return
        # the value in the text colour on the plot's background, framed in the line's colour:
        # readable over dots and shading, in the theme in use now
        color = self.colors["edge" if line is self.edge_line else "limit"]
        line.setPen(pg.mkPen(color, width=2, style=line.style))
        fill = QtGui.QColor(theme.PLOT_BACKGROUND)
        fill.setAlpha(225)
        line.label.fill = pg.mkBrush(fill)
        line.label.border = pg.mkPen(color, width=1.5)
        line.label.setColor(theme.TEXT)
        line.show()  # first: a hidden line's label does not take new text
        line.label.setFormat(f"{name} = {format_number(value, 4)}")
        line.setValue(math.log10(value))

    def _set_shades(self, spans: list[tuple[float, float]]) -> None:
        for shade in self._shades:
            self.plot.removeItem(shade)
        self._shades = []
        brush = pg.mkBrush(_with_alpha(self.colors["unstable"], SHADE_ALPHA))
        for low, high in spans:
            shade = pg.LinearRegionItem((low, high), movable=False, brush=brush, pen=pg.mkPen(None))
            shade.setZValue(-10)
            shade.setToolTip("Unstable α: these runs diverged, left the domain or ended higher")
            self.plot.addItem(shade, ignoreBounds=True)
            self._shades.append(shade)

    def _frame(self, xs: np.ndarray, ys: np.ndarray) -> None:
        if xs.size:
            pad = 0.03 * max(float(xs[-1] - xs[0]), 0.5)
            self.plot.setXRange(float(xs[0]) - pad, float(xs[-1]) + pad, padding=0)
        if ys.size:
            low, high = float(np.min(ys)), float(np.max(ys))
            span = max(high - low, 1.0 if self.log_y else abs(high) * 0.1 or 1.0)
            self.plot.setYRange(low - 0.06 * span, high + 0.12 * span, padding=0)

    # --- clicks and tooltips -------------------------------------------------------------------
    def _tip(self, x: float, y: float, data: object) -> str:
        sweep = self._sweep
        if sweep is None:
            return ""
        i = int(data)
        end = sweep.ends[i]
        state = "stable" if sweep.stable[i] else "unstable"
        return (
            f"α = {format_number(float(sweep.learning_rates[i]), 4)} ({state})\n"
            f"final f = {format_number(float(sweep.final_loss[i]))} after {end.steps:,} steps\n"
            f"{end.message}\nclick to run this α in the 3D view"
        )

    def _on_clicked(self, _item, points, _event) -> None:
        if self._sweep is not None and len(points):
            i = int(points[0].data())
            self.rate_clicked.emit(float(self._sweep.learning_rates[i]))

    def _click_edge(self, *_args) -> None:
        if self._sweep is not None and self._sweep.largest_stable_lr is not None:
            self.rate_clicked.emit(float(self._sweep.largest_stable_lr))

    def dot_position(self, index: int) -> QtCore.QPoint:
        """Where the dot of rate `index` is on the plot's viewport (to click it, in tests)."""
        x, y, indices = self.plotted()
        where = int(np.flatnonzero(indices == index)[0])
        px = math.log10(x[where])
        py = math.log10(y[where]) if self.log_y else float(y[where])
        scene_pos = self.plot.getPlotItem().getViewBox().mapViewToScene(QtCore.QPointF(px, py))
        return self.plot.mapFromScene(scene_pos)


def _with_alpha(color: str, alpha: int) -> QtGui.QColor:
    qcolor = QtGui.QColor(color)
    qcolor.setAlpha(alpha)
    return qcolor
