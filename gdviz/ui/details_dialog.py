"""A dialog with a message and copyable details: errors, and Help → About."""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

from gdviz.ui.log_folder import open_log_folder


class DetailsDialog(QtWidgets.QDialog):
    """A message, a read-only text box of details to paste into a bug report, and Copy,
    Open log folder and Close buttons."""

    def __init__(
        self,
        title: str,
        parent: QtWidgets.QWidget | None = None,
        icon: QtWidgets.QStyle.StandardPixmap | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.message = QtWidgets.QLabel(wordWrap=True, objectName="detailsMessage")
        self.message.setTextInteractionFlags(QtCore.Qt.TextSelectableByMouse)
        self.message.setOpenExternalLinks(True)
        self.details = QtWidgets.QPlainTextEdit(readOnly=True, objectName="detailsText")
        self.details.setLineWrapMode(QtWidgets.QPlainTextEdit.NoWrap)
        self.details.setFont(QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.FixedFont))
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.Close)
        self.copy_button = buttons.addButton("&Copy details", QtWidgets.QDialogButtonBox.ActionRole)
        self.copy_button.setToolTip("Copy the details to the clipboard, to paste into a bug report")
        self.copy_button.clicked.connect(self.copy_details)
        logs = buttons.addButton("Open &log folder", QtWidgets.QDialogButtonBox.ActionRole)
        logs.setToolTip("Show gdviz's log files in the file manager")
        logs.clicked.connect(open_log_folder)
        buttons.rejected.connect(self.reject)
        top = QtWidgets.QHBoxLayout()
        if icon is not None:
            picture = QtWidgets.QLabel()
            size = self.style().pixelMetric(QtWidgets.QStyle.PM_MessageBoxIconSize)
            picture.setPixmap(self.style().standardIcon(icon).pixmap(size, size))
            top.addWidget(picture, 0, QtCore.Qt.AlignTop)
        top.addWidget(self.message, 1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        self.resize(720, 420)

    def copy_details(self) -> None:
        QtGui.QGuiApplication.clipboard().setText(self.details.toPlainText())
