"""Scenes on disk: open, save, save as, recent files, the last scene, and "save changes?"."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6 import QtCore, QtWidgets

from gdviz.core.scene import Scene, SceneError, load_scene, save_scene
from gdviz.model import Document
from gdviz.ui.undo import UndoHistory

log = logging.getLogger(__name__)

RECENT_SCENES = 8
SCENE_FILTER = "gdviz scenes (*.json);;All files (*)"


class SceneFiles(QtCore.QObject):
    """Reads and writes the document as scene files; keeps the recent list and the modified flag.

    `snapshot` gives the scene to write (the window syncs the camera and panels into it first).
    """

    status_message = QtCore.Signal(str, int)
    path_changed = QtCore.Signal()

    def __init__(
        self,
        doc: Document,
        history: UndoHistory,
        snapshot: Callable[[], Scene],
        settings: QtCore.QSettings | None,
        parent: QtWidgets.QWidget,
    ):
        super().__init__(parent)
        self.doc, self.history, self.snapshot = doc, history, snapshot
        self.settings = settings  # None: nothing is remembered (tests, headless export)
        self.parent_widget = parent
        self.path: str | None = None
        # A window the user works in asks before unsaved changes are lost; a headless one never.
        self.ask_before_discarding = settings is not None

    # --- open -------------------------------------------------------------------------------------
    def open(self, path: str, ask: bool = True) -> bool:
        """Load a scene file; a bad file is explained and the current scene stays."""
        if ask and not self.confirm_discard("opening another scene"):
            return False
        try:
            scene = load_scene(path)
        except (SceneError, OSError) as err:
            QtWidgets.QMessageBox.warning(self.parent_widget, "Cannot open the scene", str(err))
            self.status_message.emit(f"Scene not opened: {err}", 10000)
            return False
        self.doc.restore(scene)
        self.history.clear()
        self._set_path(path)
        self.remember_recent(path)
        self.status_message.emit(f"Opened {path}", 6000)
        return True

    def open_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(
            self.parent_widget, "Open a scene", "", SCENE_FILTER
        )
        if path:
            self.open(path)

    # --- save -------------------------------------------------------------------------------------
    def save(self, path: str | None = None) -> bool:
        path = path or self.path
        if path is None:
            return self.save_as_dialog()
        try:
            save_scene(self.snapshot(), path)
        except (OSError, ValueError) as err:
            QtWidgets.QMessageBox.warning(self.parent_widget, "Cannot save the scene", str(err))
            return False
        self._set_path(path)
        self.history.mark_saved()
        self.remember_recent(path)
        self.status_message.emit(f"Saved {path}", 6000)
        return True

    def save_as_dialog(self) -> bool:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self.parent_widget, "Save the scene", self.path or "scene.json", "gdviz scenes (*.json)"
        )
        return self.save(path) if path else False

    def confirm_discard(self, doing: str) -> bool:
        """With unsaved changes, ask to save them first; False when the user cancels."""
        if not (self.ask_before_discarding and self.history.is_modified()):
            return True
        answer = QtWidgets.QMessageBox.question(
            self.parent_widget,
            "Save changes?",
            f"The scene has changes that are not saved. Save them before {doing}?",
            QtWidgets.QMessageBox.Save
            | QtWidgets.QMessageBox.Discard
            | QtWidgets.QMessageBox.Cancel,
            QtWidgets.QMessageBox.Save,
        )
        if answer == QtWidgets.QMessageBox.Save:
            return self.save()
        return answer == QtWidgets.QMessageBox.Discard

    def _set_path(self, path: str | None) -> None:
        self.path = path
        self.path_changed.emit()

    # --- recent files and the last scene ----------------------------------------------------------
    def recent(self) -> list[str]:
        if self.settings is None:
            return []
        value = self.settings.value("recent_scenes", [], type=list)
        return [p for p in value if isinstance(p, str) and p]

    def remember_recent(self, path: str) -> None:
        if self.settings is None:
            return
        recent = [p for p in self.recent() if p != path]
        self.settings.setValue("recent_scenes", [path, *recent][:RECENT_SCENES])

    def fill_recent_menu(self, menu: QtWidgets.QMenu) -> None:
        menu.clear()
        recent = self.recent()
        for path in recent:
            menu.addAction(path, lambda p=path: self.open(p))
        if not recent:
            menu.addAction("(none yet)").setEnabled(False)

    @staticmethod
    def last_scene_path() -> Path:
        """Where the scene on screen is kept when the window closes, to come back next time."""
        folder = QtCore.QStandardPaths.writableLocation(QtCore.QStandardPaths.AppDataLocation)
        return Path(folder) / "last-scene.json"

    def restore_last(self) -> bool:
        """Reopen the scene the window showed when it last closed (quietly: it is a nicety).

        Its runs come back as recorded, paused: Play continues them.
        """
        path = self.last_scene_path()
        if not path.exists():
            return False
        try:
            self.doc.restore(load_scene(path))
        except (SceneError, OSError, ValueError) as err:
            log.warning("last scene %s not restored: %s", path, err)
            return False
        self.history.clear()
        return True

    def keep_last(self) -> None:
        if self.settings is None:
            return
        try:
            self.last_scene_path().parent.mkdir(parents=True, exist_ok=True)
            save_scene(self.snapshot(), self.last_scene_path())
        except (OSError, ValueError) as err:
            log.warning("last scene not kept: %s", err)
