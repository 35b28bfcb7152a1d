"""Running an export from the window: the destination check, progress with cancel, the result."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from gdviz.export.spec import ExportError, check_destination
from gdviz.export.writers import ExportCancelled, export_frames
from gdviz.ui import exporter

SAVED_MESSAGE_MS = 15000


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
    window.camera.settle_search()
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
            palette_samples=exporter.palette_samples(window, spec, request),
            handed_over=True,
        )  # fmt: skip
    except ExportCancelled:
        window.statusBar().showMessage("Export cancelled: nothing was written", 8000)
        return None
    except (ExportError, OSError, RuntimeError, ValueError) as err:
        QtWidgets.QMessageBox.warning(window, "Export failed", f"{err}\n\nNothing was written.")
        return None
    except Exception as err:  # a fault in a frame: say so, keep the app and the old file
        QtWidgets.QMessageBox.warning(
            window, "Export failed", f"{type(err).__name__}: {err}\n\nNothing was written."
        )
        return None
    finally:
        window.exporting = False
        progress.close()
        if window.close_after_export:  # the window was closed during the export
            QtCore.QTimer.singleShot(0, window.close)
    _say_done(window, result)
    return result


def _say_done(window, result) -> None:
    """Say where the file went, in the status bar with a "Show in folder" button: no modal box,
    so the window keeps its keys (Ctrl+E exports again at once)."""
    size = result.bytes / 1e6
    window.statusBar().showMessage(
        f"Saved {result.path} — {result.frames} frames, {size:.1f} MB", SAVED_MESSAGE_MS
    )
    button = window.findChild(QtWidgets.QToolButton, "showExportInFolder")
    if button is None:
        button = QtWidgets.QToolButton(window, objectName="showExportInFolder")
        button.setText("Show in folder")
        button.setAutoRaise(True)
        window.statusBar().addPermanentWidget(button)
        window.statusBar().messageChanged.connect(lambda text: button.setVisible(bool(text)))
        button.clicked.connect(
            lambda: QtGui.QDesktopServices.openUrl(
                QtCore.QUrl.fromLocalFile(button.property("folder"))
            )
        )
    folder = str(Path(result.path).parent)
    button.setToolTip(f"Open {folder}")
    button.setProperty("folder", folder)
    button.show()
