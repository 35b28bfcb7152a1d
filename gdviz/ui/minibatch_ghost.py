"""View → Mini-batch loss ghost: the focused run's current batch loss, faint, in the 3D view."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6 import QtCore

from gdviz.core.batch_surface import batch_loss_grid, ghost_axes
from gdviz.core.grid import SampledGrid, display_heights
from gdviz.core.minibatch_text import examples_text
from gdviz.model import Document
from gdviz.render.view3d import SurfaceView

REFRESH_MS = 100  # a playing run changes batch every step: the ghost follows at ~10 Hz


class MiniBatchGhost(QtCore.QObject):
    """While on, draws L_B of the batch the focused mini-batch run uses from its shown step
    (the one that moved it there at its last step) over the full loss, on the same heights."""

    status_message = QtCore.Signal(str, int)

    def __init__(
        self,
        doc: Document,
        view: SurfaceView,
        grid: Callable[[], SampledGrid | None],
        parent: QtCore.QObject | None = None,
    ):
        super().__init__(parent)
        self.doc, self.view, self._grid = doc, view, grid
        self.enabled = False
        self.shown_indices: np.ndarray | None = None  # the batch drawn, or None
        self._key: tuple | None = None
        self._timer = QtCore.QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        for event in (doc.events.focus_changed, doc.events.run_stepped, doc.events.runs_changed,
                      doc.events.surface_changed):  # fmt: skip
            event.connect(self._schedule)

    @QtCore.Slot(bool)
    def set_enabled(self, on: bool) -> None:
        self.enabled = bool(on)
        self.refresh()
        if on and self.shown_indices is None:
            self.status_message.emit(
                "The mini-batch ghost shows once a mini-batch run is focused (Descent: batch "
                "size B < m on a dataset's loss)",
                8000,
            )

    def _schedule(self, *_args) -> None:
        if self.enabled and not self._timer.isActive():
            self._timer.start()

    def grid_changed(self) -> None:
        self._key = None
        self._schedule()

    def refresh(self) -> None:
        indices, grid = self._current_batch(), self._grid()
        if not self.enabled or indices is None or grid is None or self.doc.dataset is None:
            self._clear()
            return
        key = (id(self.doc.surface), id(grid), indices.tobytes())
        if key == self._key:
            return
        xs, ys = ghost_axes(grid.xs, grid.ys)
        z = batch_loss_grid(self.doc.dataset, indices, xs, ys, self.doc.surface.log_base)
        heights = np.clip(display_heights(grid, z), *grid.z_range)  # in the surface's box
        self.view.set_ghost_surface(xs, ys, heights)
        self._key, self.shown_indices = key, indices
        self.status_message.emit(f"Ghost: the loss of the batch of examples "
                                 f"{examples_text(indices)}", 4000)  # fmt: skip

    def _current_batch(self) -> np.ndarray | None:
        focused = self.doc.focused_step()
        if focused is None or focused[0].batches is None:
            return None
        record, k = focused
        batches = record.batches
        row = k + 1 if k + 1 < len(batches) else k  # the batch that moves it on, else the last
        if row < 1:
            return None
        return batches.indices(row)

    def _clear(self) -> None:
        self.view.clear_ghost_surface()
        self._key, self.shown_indices = None, None
