"""The lesson sidebar: the lecture's worked examples in order, each with its caption and numbers."""

from __future__ import annotations

import html

from PySide6 import QtCore, QtWidgets

from gdviz.core.lesson import Lesson, LessonStep
from gdviz.ui import theme


class LessonPanel(QtWidgets.QWidget):
    """Lists a lesson's steps; selecting one emits `step_chosen(index)`; shows its text."""

    step_chosen = QtCore.Signal(int)

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        layout = QtWidgets.QVBoxLayout(self)
        self.title_label = QtWidgets.QLabel(objectName="lessonTitle")
        self.title_label.setStyleSheet("font-weight: 700; font-size: 12pt;")
        self.title_label.setWordWrap(True)
        layout.addWidget(self.title_label)
        self.steps = QtWidgets.QListWidget(objectName="lessonSteps")
        self.steps.setMinimumHeight(150)
        self.steps.currentRowChanged.connect(self._on_row)
        layout.addWidget(self.steps)
        nav = QtWidgets.QHBoxLayout()
        self.previous_button = QtWidgets.QPushButton("◀ Previous", objectName="lessonPrevious")
        self.previous_button.setToolTip("Previous example (PageUp)")
        self.previous_button.clicked.connect(self.previous)
        self.next_button = QtWidgets.QPushButton("Next ▶", objectName="lessonNext")
        self.next_button.setToolTip("Next example (PageDown)")
        self.next_button.clicked.connect(self.next)
        nav.addWidget(self.previous_button)
        nav.addWidget(self.next_button)
        layout.addLayout(nav)
        self.caption = QtWidgets.QLabel(objectName="lessonCaption")
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(QtCore.Qt.RichText)
        layout.addWidget(self.caption)
        self.numbers = QtWidgets.QLabel(objectName="lessonNumbers")
        self.numbers.setWordWrap(True)
        self.numbers.setTextFormat(QtCore.Qt.RichText)
        self.numbers.setTextInteractionFlags(QtCore.Qt.TextSelectableByMouse)
        layout.addWidget(self.numbers)
        self.errata = QtWidgets.QLabel(objectName="lessonErrata")
        self.errata.setWordWrap(True)
        self.errata.setStyleSheet(theme.ERRATA_STYLE)
        layout.addWidget(self.errata)
        layout.addStretch(1)
        self.lesson: Lesson | None = None

    def show_lesson(self, lesson: Lesson) -> None:
        self.lesson = lesson
        self.title_label.setText(lesson.title)
        with QtCore.QSignalBlocker(self.steps):
            self.steps.clear()
            for i, step in enumerate(lesson.steps, start=1):
                self.steps.addItem(f"{i}. {step.title}")

    def current_index(self) -> int:
        return self.steps.currentRow()

    def select(self, index: int) -> None:
        if self.lesson is None or not 0 <= index < len(self.lesson.steps):
            return
        if index == self.steps.currentRow():
            self.step_chosen.emit(index)
        else:
            self.steps.setCurrentRow(index)

    def next(self) -> None:
        self.select(self.current_index() + 1)

    def previous(self) -> None:
        self.select(max(self.current_index() - 1, 0))

    def _on_row(self, row: int) -> None:
        if self.lesson is None or row < 0:
            return
        self.show_step(self.lesson.steps[row], row)
        self.step_chosen.emit(row)

    def show_step(self, step: LessonStep, index: int) -> None:
        total = len(self.lesson.steps) if self.lesson else 0
        title = f"{index + 1} / {total} — {html.escape(step.title)}"
        self.caption.setText(f"<b>{title}</b><br>{html.escape(step.caption)}")
        rows = "".join(
            f"<tr><td>{html.escape(label)}</td><td style='padding-left:12px'>"
            f"<b>{html.escape(value)}</b></td></tr>"
            for label, value in step.numbers
        )
        self.numbers.setText(f"<table>{rows}</table>" if rows else "")
        self.errata.setText(f"Where the slide is off: {step.errata}" if step.errata else "")
        self.errata.setVisible(bool(step.errata))
        self.previous_button.setEnabled(index > 0)
        self.next_button.setEnabled(index + 1 < total)
