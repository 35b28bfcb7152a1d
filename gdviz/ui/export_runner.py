"""Running an export from the window: the destination check, progress with cancel, the result."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from gdviz.export.spec import ExportError, check_destination
from gdviz.export.writers import ExportCancelled, export_frames
from gdviz.ui import exporter


def export_with_dialog(window) -> None:
    """File → Export…: the dialog, then the export it describes (remembering size and folder)."""
    from gdviz.ui.export_dialog import ExportDialog

    dialog = ExportDialog(window, window.export_folder)
    if dialog.exec() != QtWidgets.QDialog.Accepted:
        return
    window.export_size = (dialog.spec.width, dialog.spec.height)
    window.export_folder = str(dialog.spec.path.parent)
    run_export(window, dialog.spec, dialog.request)


def copy_view(window) -> QtGui.QImage:
    """The 3D view at the export size, with its text, on the clipboard (Ctrl+Shift+C)."""
    from gdviz.render.capture import FrameCapture

    width, height = window.export_size
    view = window.view
    with FrameCapture(view, width, height, "dark" if view.dark else "light") as cap:
        frame = np.ascontiguousarray(cap.frame())
    image = QtGui.QImage(frame.data, width, height, 4 * width, QtGui.QImage.Format_RGBA8888)
    image = image.copy()
    QtWidgets.QApplication.clipboard().setImage(image)
    window.statusBar().showMessage(f"Copied the view ({width} × {height}) to the clipboard", 5000)
    return image


def run_export(window, spec, request) -> object | None:
    """Write the frames of `request` to spec's file; the ExportResult, or None (told why)."""
    try:
        check_destination(spec)
    except ExportError as err:
        QtWidgets.QMessageBox.warning(window, "Cannot export", str(err))
        return None
    progress = QtWidgets.QProgressDialog(
        f"Exporting {spec.path.name}…", "Cancel", 0, spec.frames, window
    )
    progress.setWindowModality(QtCore.Qt.WindowModal)
    progress.setMinimumDuration(300)

    def report(done: int, _total: int) -> None:
        progress.setValue(done)
        QtWidgets.QApplication.processEvents()

    window.exporting, window.close_after_export = True, False
    try:
        result = export_frames(
            spec, exporter.render_frames(window, request), progress=report,
            keep_going=lambda: not (progress.wasCanceled() or window.close_after_export),
        )  # fmt: skip
    except ExportCancelled:
        window.statusBar().showMessage("Export cancelled: nothing was written", 8000)
        return None
    except (ExportError, OSError, RuntimeError, ValueError) as err:
        QtWidgets.QMessageBox.warning(window, "Export failed", f"{err}\n\nNothing was written.")
        return None
    finally:
        window.exporting = False
        progress.close()
        if window.close_after_export:  # the window was closed during the export
            QtCore.QTimer.singleShot(0, window.close)
    _say_done(window, result)
    return result


def _say_done(window, result) -> None:
    size = result.bytes / 1e6
    text = f"Saved {result.path}\n{result.frames} frames, {size:.1f} MB"
    window.statusBar().showMessage(text.replace("\n", " — "), 15000)
    box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Information, "Export finished", text)
    box.setParent(window, QtCore.Qt.Dialog)
    show = box.addButton("Show in folder", QtWidgets.QMessageBox.ActionRole)
    box.addButton(QtWidgets.QMessageBox.Ok)
    box.setModal(True)
    box.open()
    folder = str(Path(result.path).parent)
    show.clicked.connect(lambda: QtGui.QDesktopServices.openUrl(QtCore.QUrl.fromLocalFile(folder)))
