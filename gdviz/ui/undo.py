"""Undo and redo of document edits: each edit the document reports becomes a QUndoCommand."""

from __future__ import annotations

import time

from PySide6 import QtCore, QtGui

from gdviz.core.scene import Scene
from gdviz.model import Document, Edit

UNDO_DEPTH = 50
MERGE_SECONDS = 1.5  # repeats of one kind of edit closer than this are one step (slider drags)


class DocumentCommand(QtGui.QUndoCommand):
    """Restores `before` on undo and `after` on redo; the first redo is the edit itself."""

    def __init__(self, doc: Document, edit: Edit, after: Scene, merge_id: int):
        super().__init__(edit.label)
        self.doc, self.before, self.after = doc, edit.before, after
        self.merge_id = merge_id
        self.when = time.monotonic()
        self._done = True

    def id(self) -> int:
        return self.merge_id

    def mergeWith(self, other: QtGui.QUndoCommand) -> bool:
        if not isinstance(other, DocumentCommand) or other.when - self.when > MERGE_SECONDS:
            return False
        self.after, self.when = other.after, other.when
        return True

    def undo(self) -> None:
        self.doc.restore(self.before)

    def redo(self) -> None:
        if self._done:  # pushed after the document already changed
            self._done = False
            return
        self.doc.restore(self.after)


class UndoHistory(QtCore.QObject):
    """The QUndoStack of the document's edits; Ctrl+Z / Ctrl+Shift+Z walk it."""

    def __init__(self, doc: Document, parent: QtCore.QObject | None = None):
        super().__init__(parent)
        self.doc = doc
        self.stack = QtGui.QUndoStack(self)
        self.stack.setUndoLimit(UNDO_DEPTH)
        self._merge_ids: dict[str, int] = {}
        # restoring a snapshot (undo, redo) is not an edit: the document reports none
        doc.events.edited.connect(self._on_edited)

    def _on_edited(self, edit: Edit) -> None:
        merge_id = -1
        if edit.merge_key is not None:
            merge_id = self._merge_ids.setdefault(edit.merge_key, len(self._merge_ids) + 1)
        self.stack.push(DocumentCommand(self.doc, edit, self.doc.snapshot(), merge_id))

    def undo(self) -> bool:
        can = self.stack.canUndo()
        self.stack.undo()
        return can

    def redo(self) -> bool:
        can = self.stack.canRedo()
        self.stack.redo()
        return can

    def clear(self) -> None:
        """A new baseline (a file opened): nothing to undo, nothing modified."""
        self.stack.clear()

    def mark_saved(self) -> None:
        self.stack.setClean()

    def is_modified(self) -> bool:
        return not self.stack.isClean()
