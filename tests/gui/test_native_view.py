"""The 3D view as a native GL window inside the main window: focus, keys and drops."""

from __future__ import annotations

from PySide6 import QtCore, QtGui
from PySide6.QtCore import QPoint, Qt


def test_a_click_in_the_view_gives_it_the_keys_and_space_plays(main_window, qtbot):
    window = main_window
    window.function_panel.setFocus()  # the keys start elsewhere
    qtbot.waitUntil(lambda: not window.view.hasFocus(), timeout=2000)
    qtbot.keyClick(window.function_panel, Qt.Key_Space)
    assert not window.descent.runs  # Space in a panel does not play
    qtbot.mouseClick(window.view, Qt.LeftButton, pos=QPoint(4, 4))  # the background corner
    qtbot.waitUntil(window.view.hasFocus, timeout=2000)
    assert not window.descent.runs  # a click off the surface starts nothing
    qtbot.keyClick(window.view, Qt.Key_Space)
    qtbot.waitUntil(lambda: bool(window.descent.runs), timeout=3000)


def test_a_csv_dropped_on_the_view_is_loaded_as_on_the_window(main_window, qtbot, tmp_path):
    window = main_window
    data = tmp_path / "dropped.csv"
    data.write_text("x,y\n0,0\n1,1\n2,1\n", encoding="utf-8")
    mime = QtCore.QMimeData()
    mime.setUrls([QtCore.QUrl.fromLocalFile(str(data))])
    enter = QtGui.QDragEnterEvent(QPoint(60, 60), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QtCore.QCoreApplication.sendEvent(window.view, enter)
    assert enter.isAccepted()
    drop = QtGui.QDropEvent(
        QtCore.QPointF(60, 60), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier
    )
    QtCore.QCoreApplication.sendEvent(window.view, drop)
    qtbot.waitUntil(lambda: len(window.dataset) == 3, timeout=5000)
    assert "dropped.csv" in window.dataset_panel.summary_label.text()
