"""Loss against iteration for every run (and each mini-batch run's batch loss), with a cursor."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from gdviz.ui import theme


class LossPlot(QtWidgets.QWidget):
    """One curve per run; dragging the cursor to iteration k emits `iteration_scrubbed(k)`."""

    iteration_scrubbed = QtCore.Signal(int)
    scrub_released = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.plot = pg.PlotWidget(background=theme.PLOT_BACKGROUND)
        self.plot.setObjectName("lossPlot")
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.setLabel("bottom", "iteration k")
        self.plot.setLabel("left", "f")
        self.plot.addLegend(offset=(-10, 10), labelTextColor=theme.TEXT, brush=theme.legend_brush())
        self.plot.setMouseEnabled(x=True, y=False)
        self.plot.setClipToView(True)
        self.plot.getPlotItem().setMenuEnabled(False)
        self.cursor = pg.InfiniteLine(
            pos=0, angle=90, movable=True, pen=pg.mkPen(theme.ACCENT, width=2),
            hoverPen=pg.mkPen(theme.ACCENT_HOVER, width=3),
        )  # fmt: skip
        self.cursor.setToolTip("Drag to scrub: every run's marker moves to step k")
        self.cursor.setZValue(10)
        self.cursor.hide()
        self.plot.addItem(self.cursor, ignoreBounds=True)
        self.cursor.sigPositionChanged.connect(self._on_cursor_moved)
        self.cursor.sigPositionChangeFinished.connect(lambda _line: self.scrub_released.emit())

        self.log_check = QtWidgets.QCheckBox("Log scale", objectName="lossLogY")
        self.log_check.setToolTip("Logarithmic loss axis (values must be positive)")
        self.log_check.toggled.connect(self.set_log_y)
        self.follow_check = QtWidgets.QCheckBox("Cursor follows the newest step")
        self.follow_check.setChecked(True)

        bar = QtWidgets.QHBoxLayout()
        bar.addWidget(self.log_check)
        bar.addWidget(self.follow_check)
        bar.addStretch(1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.plot, 1)
        self._curves: dict[int, pg.PlotDataItem] = {}
        self._batch_curves: dict[int, pg.PlotDataItem] = {}  # a mini-batch run's L_B
        self._batch_data: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._data: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._last_k = -1

    # --- curves ---------------------------------------------------------------------------
    def set_axis_name(self, name: str) -> None:
        self.plot.setLabel("left", name)

    def set_curve(self, run_id: int, ks: np.ndarray, values: np.ndarray, color: str, label: str):
        self.remove_curve(run_id)
        curve = self.plot.plot(
            np.asarray(ks, float), np.asarray(values, float), pen=pg.mkPen(color, width=2),
            name=label,
        )  # fmt: skip
        self._curves[run_id] = curve
        self._data[run_id] = (np.asarray(ks, float), np.asarray(values, float))
        self._update_cursor_range()

    def update_curve(self, run_id: int, ks: np.ndarray, values: np.ndarray) -> None:
        """Replace a curve's data (the run grew); ks and values are the whole run so far."""
        curve = self._curves.get(run_id)
        if curve is None:
            return
        self._data[run_id] = (np.asarray(ks, float), np.asarray(values, float))
        curve.setData(*_envelope(*self._data[run_id]))
        self._update_cursor_range()

    def set_batch_curve(self, run_id: int, color: str, label: str) -> None:
        """A second, thinner dashed curve for a mini-batch run: the loss of each step's batch
        (noisy) beside the loss over every example (the run's own curve)."""
        self._remove_batch_curve(run_id)
        pen = pg.mkPen(color, width=1, style=QtCore.Qt.PenStyle.DashLine)
        curve = self.plot.plot([], [], pen=pen, name=label)
        curve.setOpacity(0.75)
        self._batch_curves[run_id] = curve
        self._batch_data[run_id] = (np.empty(0), np.empty(0))

    def update_batch_curve(self, run_id: int, ks: np.ndarray, values: np.ndarray) -> None:
        curve = self._batch_curves.get(run_id)
        if curve is None:
            return
        self._batch_data[run_id] = (np.asarray(ks, float), np.asarray(values, float))
        curve.setData(*_envelope(*self._batch_data[run_id]))

    def batch_curve_data(self, run_id: int) -> tuple[np.ndarray, np.ndarray]:
        return self._batch_data[run_id]

    def legend_labels(self) -> list[str]:
        """The legend's entries, top to bottom."""
        legend = self.plot.getPlotItem().legend
        return [label.text for _sample, label in legend.items]

    def _remove_batch_curve(self, run_id: int) -> None:
        curve = self._batch_curves.pop(run_id, None)
        self._batch_data.pop(run_id, None)
        if curve is not None:
            self.plot.removeItem(curve)

    def remove_curve(self, run_id: int) -> None:
        curve = self._curves.pop(run_id, None)
        self._data.pop(run_id, None)
        if curve is not None:
            self.plot.removeItem(curve)
        self._remove_batch_curve(run_id)
        self._update_cursor_range()

    def clear(self) -> None:
        for run_id in list(self._curves):
            self.remove_curve(run_id)

    def curve_count(self) -> int:
        return len(self._curves)

    def curve_data(self, run_id: int) -> tuple[np.ndarray, np.ndarray]:
        return self._data[run_id]

    # --- log axis and cursor ----------------------------------------------------------------
    @QtCore.Slot(bool)
    def set_log_y(self, enabled: bool) -> None:
        shown = [*self._data.values(), *self._batch_data.values()]
        if enabled and any(np.nanmin(v) <= 0 for _, v in shown if v.size):
            with QtCore.QSignalBlocker(self.log_check):
                self.log_check.setChecked(False)
            self.log_check.setToolTip("Log scale needs positive values: this loss reaches ≤ 0")
            return
        self.plot.setLogMode(y=enabled)
        with QtCore.QSignalBlocker(self.log_check):
            self.log_check.setChecked(enabled)

    def cursor_k(self) -> int:
        return int(round(self.cursor.value()))

    def set_cursor(self, k: int) -> None:
        """Move the cursor without emitting a scrub (the newest step, during a run)."""
        with QtCore.QSignalBlocker(self.cursor):
            self.cursor.setValue(k)

    def _update_cursor_range(self) -> None:
        last = max((int(ks[-1]) for ks, _ in self._data.values() if ks.size), default=-1)
        self._last_k = last
        self.cursor.setVisible(last >= 0)
        self.cursor.setBounds((0, max(last, 0)))

    def _on_cursor_moved(self, line: pg.InfiniteLine) -> None:
        k = int(round(line.value()))
        self.follow_check.setChecked(k >= self._last_k)
        self.iteration_scrubbed.emit(k)


ENVELOPE_BINS = 1500


def _envelope(ks: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A long curve reduced to each bin's min and max (its drawn shape), first and last kept.

    Plotting 100,000 points costs tens of ms a frame; the envelope of 1,500 bins draws the same
    pixels in a plot a few hundred pixels wide.
    """
    n = len(ks)
    if n <= 2 * ENVELOPE_BINS:
        return ks, values
    edges = np.linspace(0, n, ENVELOPE_BINS + 1).astype(np.intp)
    starts = edges[:-1]
    with np.errstate(invalid="ignore"):
        lows = np.fmin.reduceat(values, starts)
        highs = np.fmax.reduceat(values, starts)
    centres = ks[(starts + edges[1:] - 1) // 2]
    xs = np.repeat(centres, 2)
    ys = np.column_stack([highs, lows]).ravel()
    return (
        np.concatenate([ks[:1], xs, ks[-1:]]),
        np.concatenate([values[:1], ys, values[-1:]]),
    )
