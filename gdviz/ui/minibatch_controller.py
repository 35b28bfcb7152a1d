"""Binds the Descent panel's mini-batch box to the document's run settings (B and the seed)."""

from __future__ import annotations

from dataclasses import replace

from PySide6 import QtCore

from gdviz.core.minibatch import check_batch_size
from gdviz.core.minibatch_text import counting_text, full_batch_text
from gdviz.core.run_settings import MiniBatchSettings
from gdviz.model import Document
from gdviz.ui.panels.minibatch_box import NOT_A_LOSS, MiniBatchBox


class MiniBatchController(QtCore.QObject):
    """A typed B goes to `doc.run_settings.minibatch` when core accepts it; otherwise the box
    shows core's message, the document keeps the previous B, and `problem()` refuses new runs
    until it is fixed. The box shows what the document says."""

    status_message = QtCore.Signal(str, int)

    def __init__(self, doc: Document, box: MiniBatchBox, parent: QtCore.QObject | None = None):
        super().__init__(parent)
        self.doc, self.box = doc, box
        self._typed_error: str | None = None
        self._seed = 0  # kept while the runs are full batch, for the next mini-batch setting
        box.batch_size_edited.connect(self.set_batch_size)
        box.full_batch_requested.connect(self.set_full_batch)
        box.seed_edited.connect(self.set_seed)
        doc.events.surface_changed.connect(self._show)
        doc.events.run_settings_changed.connect(self._show)
        self._show()

    # --- what a new run uses --------------------------------------------------------------------
    def next_minibatch(self) -> MiniBatchSettings | None:
        """The mini-batches of the next run: the document's, on a dataset's loss only."""
        return self.doc.run_settings.minibatch if self.doc.is_loss else None

    def problem(self) -> str | None:
        """Why no run may start with these settings (core's message), or None."""
        if not self.doc.is_loss:
            return None
        if self._typed_error is not None:
            return self._typed_error
        batch = self.doc.run_settings.minibatch
        if batch is not None:
            try:
                check_batch_size(batch.batch_size, self._examples())
            except ValueError as err:
                return str(err)
        return None

    # --- the user's edits -----------------------------------------------------------------------
    @QtCore.Slot(int)
    def set_batch_size(self, value: int) -> bool:
        """B typed or chosen; a bad one is refused with core's message (nothing changes)."""
        seed = self._current_seed()
        try:
            check_batch_size(value, self._examples())
            settings = MiniBatchSettings(value, seed)
        except ValueError as err:
            self._typed_error = str(err)
            self.box.show_note(f"{err}. Runs wait until B is fixed.", problem=True)
            self.status_message.emit(f"Batch size: {err}", 10000)
            return False
        self._typed_error = None
        self._write(settings)
        return True

    @QtCore.Slot()
    def set_full_batch(self) -> None:
        self._typed_error = None
        self._write(None)

    @QtCore.Slot(int)
    def set_seed(self, seed: int) -> None:
        self._seed = seed
        batch = self.doc.run_settings.minibatch
        if batch is not None and self._typed_error is None:
            self._write(replace(batch, seed=seed))

    def _write(self, settings: MiniBatchSettings | None) -> None:
        if settings is not None:
            self._seed = settings.seed
        self.doc.set_run_settings(replace(self.doc.run_settings, minibatch=settings))
        self._show()  # also when nothing changed: the note replaces a refused entry's message

    # --- showing the document -------------------------------------------------------------------
    def _show(self) -> None:
        box = self.box
        batch = self.doc.run_settings.minibatch
        seed = self._current_seed()
        if not self.doc.is_loss:
            size = batch.batch_size if batch is not None else 1
            box.show_settings(size, seed, False, False, NOT_A_LOSS, False)
            return
        self._typed_error = None  # the document changed: the box shows it again
        m = self._examples()
        if batch is None:
            box.show_settings(m, seed, True, True, full_batch_text(m), False)
            return
        problem = self.problem()
        note = (
            f"{problem}. Runs wait until B is fixed."
            if problem
            else counting_text(batch.batch_size, m)
        )
        box.show_settings(batch.batch_size, seed, False, True, note, problem is not None)

    def _current_seed(self) -> int:
        batch = self.doc.run_settings.minibatch
        return batch.seed if batch is not None else self._seed

    def _examples(self) -> int:
        dataset = self.doc.dataset
        return len(dataset) if dataset is not None else 0
