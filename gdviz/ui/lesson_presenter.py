"""Lessons and presenter mode: a step sets the document fields it names and opens its panels."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from gdviz.core.lesson import Lesson, default_lesson, load_lesson
from gdviz.core.scene import SceneError
from gdviz.model import Document
from gdviz.ui.docks import BOTTOM, DOCK_BY_NAME, RIGHT, dock_object_name
from gdviz.ui.panels.lesson_panel import LessonPanel

PRESENTER_FONT_SCALE = 1.4
PRESENTER_LESSON_WIDTH, PRESENTER_PANEL_WIDTH = 0.3, 0.36  # shares of the screen's width
PRESENTER_LIST_HEIGHT = 150  # px: the list of steps scrolls; PageDown moves through it
FIT_ROWS_UP_TO = 2000  # fitting columns to a million rows would stall the window


class LessonPresenter(QtCore.QObject):
    """Opens lessons, applies their steps to the document, and runs presenter mode (F11)."""

    status_message = QtCore.Signal(str, int)

    def __init__(
        self,
        doc: Document,
        panel: LessonPanel,
        docks: dict[str, QtWidgets.QDockWidget],
        window: QtWidgets.QMainWindow,
    ):
        super().__init__(window)
        self.doc, self.panel, self.docks, self.window = doc, panel, docks, window
        self.presenting = False
        self._docks_before: list[QtWidgets.QDockWidget] = []
        panel.step_chosen.connect(self.show_step)

    @property
    def lesson(self) -> Lesson | None:
        return self.panel.lesson

    def open_default(self) -> None:
        self.show_lesson(default_lesson())

    def open_file(self, path: str) -> bool:
        try:
            lesson = load_lesson(path)
        except (SceneError, OSError, ValueError) as err:
            QtWidgets.QMessageBox.warning(self.window, "Cannot open the lesson", str(err))
            return False
        self.show_lesson(lesson)
        return True

    def open_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(
            self.window, "Open a lesson", "", "gdviz lessons (*.json);;All files (*)"
        )
        if path:
            self.open_file(path)

    def show_lesson(self, lesson: Lesson) -> None:
        self.panel.show_lesson(lesson)
        self.docks["lesson"].show()
        self.docks["lesson"].raise_()
        self.panel.select(0)

    @QtCore.Slot(int)
    def show_step(self, index: int) -> None:
        """Set everything the step names (an edit Ctrl+Z undoes) and show only its panels."""
        lesson = self.lesson
        if lesson is None:
            return
        step = lesson.steps[index]
        self.doc.apply_fields(step.scene, step.fields, label=f"Lesson step {index + 1}")
        if not any(DOCK_BY_NAME[n].group == "top" for n in step.scene.panels):
            self.docks["top"].raise_()  # not the last step's data plot under an f(x, y)
        if self.presenting:
            self._show_only_lesson_panels()
        self.docks["lesson"].raise_()
        self.status_message.emit(f"Lesson step {index + 1}: {step.title}", 6000)

    def toggle_presenter_mode(self) -> None:
        """Full screen with larger text and the lesson's sidebar; F11 again to leave."""
        app = QtWidgets.QApplication.instance()
        font = app.font()
        if self.presenting:
            self.window.showNormal()
            self.panel.steps.setMaximumHeight(16777215)
            font.setPointSizeF(font.pointSizeF() / PRESENTER_FONT_SCALE)
            self.presenting = False
            for dock in self.docks.values():
                dock.setVisible(dock in self._docks_before)
        else:
            self._docks_before = [d for d in self.docks.values() if d.isVisible()]
            self.window.showFullScreen()
            self.panel.steps.setMaximumHeight(PRESENTER_LIST_HEIGHT)  # the caption needs room
            font.setPointSizeF(font.pointSizeF() * PRESENTER_FONT_SCALE)
            self.presenting = True
            if self.lesson is None:
                self.open_default()
            self._show_only_lesson_panels()
        app.setFont(font)
        QtCore.QTimer.singleShot(0, self.fit_tables)

    def fit_tables(self) -> None:
        """Widen table columns to their text in the current font (nothing elided "2.05…")."""
        for table in self.window.findChildren(QtWidgets.QTableView):
            if table.model() is not None and table.model().rowCount() <= FIT_ROWS_UP_TO:
                table.resizeColumnsToContents()
                table.resizeRowsToContents()

    def _show_only_lesson_panels(self) -> None:
        """Presenter mode: the lesson sidebar and the panels the current step names, no more,
        with the lesson's text and the step's tables given the room (lists scroll instead)."""
        lesson, index = self.lesson, self.panel.current_index()
        names = set(lesson.steps[index].scene.panels) if lesson and index >= 0 else set()
        wanted = {dock_object_name(n) for n in names | {"lesson"}}
        for dock in self.docks.values():
            dock.setVisible(dock.objectName() in wanted)
        width, height = self.window.width(), self.window.height()
        sides = [self.docks["lesson"]]
        sizes = [round(PRESENTER_LESSON_WIDTH * width)]
        right = [d for n, d in self.docks.items() if n in names and DOCK_BY_NAME[n].area == RIGHT]
        if right:
            sides.append(right[0])
            sizes.append(round(PRESENTER_PANEL_WIDTH * width))
        self.window.resizeDocks(sides, sizes, QtCore.Qt.Horizontal)
        bottom = [d for n, d in self.docks.items() if n in names and DOCK_BY_NAME[n].area == BOTTOM]
        if bottom:
            self.window.resizeDocks(bottom[:1], [round(0.3 * height)], QtCore.Qt.Vertical)

    def handle_key(self, key: int) -> bool:
        """← and → move through the lesson in presenter mode; True when the key was used."""
        if not self.presenting or key not in (QtCore.Qt.Key_Left, QtCore.Qt.Key_Right):
            return False
        if key == QtCore.Qt.Key_Right:
            self.panel.next()
        else:
            self.panel.previous()
        return True
