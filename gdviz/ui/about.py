"""Help → About: gdviz and the versions it runs on (Python, Qt, PySide6, pyqtgraph, OpenGL)."""

from __future__ import annotations

import platform
import sys
from importlib.metadata import PackageNotFoundError, version

from PySide6 import QtCore, QtGui, QtWidgets

from gdviz import __version__
from gdviz.ui.details_dialog import DetailsDialog

# (name shown, module, distribution): a loaded module's __version__, else the installed one's
# (PySide6 is installed as PySide6-Essentials; sympy is not imported just for this).
LIBRARIES = (
    ("PySide6", "PySide6", "PySide6-Essentials"),
    ("pyqtgraph", "pyqtgraph", "pyqtgraph"),
    ("numpy", "numpy", "numpy"),
    ("sympy", "sympy", "sympy"),
    ("psygnal", "psygnal", "psygnal"),
    ("PyOpenGL", "OpenGL", "PyOpenGL"),
)


def versions_text(gl: dict[str, str] | None = None) -> str:
    """One line each: gdviz, Python, Qt, the libraries, the OS, the Qt platform, and given
    gl (SurfaceView.gl_strings()), the OpenGL renderer, vendor and version."""
    lines = [
        f"gdviz {__version__}",
        f"Python {platform.python_version()} ({platform.python_implementation()}) {sys.executable}",
        f"Qt {QtCore.qVersion()} (built with {QtCore.QLibraryInfo.version().toString()})",
    ]
    lines += [f"{name} {_version(module, dist)}" for name, module, dist in LIBRARIES]
    lines.append(f"OS {platform.platform()}")
    app = QtGui.QGuiApplication.instance()
    if app is not None:
        lines.append(f"Qt platform {QtGui.QGuiApplication.platformName()}")
    if gl:
        lines += [
            f"OpenGL renderer {gl.get('renderer', '?')}",
            f"OpenGL vendor {gl.get('vendor', '?')}",
            f"OpenGL version {gl.get('version', '?')}",
        ]
    return "\n".join(lines)


def _version(module: str, distribution: str) -> str:
    loaded = getattr(sys.modules.get(module), "__version__", None)
    if isinstance(loaded, str):
        return loaded
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "(not installed)"


class AboutDialog(DetailsDialog):
    """What gdviz is, and the versions a bug report needs, in a box with a Copy button."""

    def __init__(self, gl: dict[str, str] | None, parent: QtWidgets.QWidget | None = None):
        super().__init__("About gdviz", parent)
        self.setObjectName("aboutDialog")
        self.message.setText(
            f"<h3>gdviz {__version__}</h3><p>See the mathematics of gradient descent: surfaces, "
            "partial and directional derivatives, and descent paths.</p>"
            "<p>Reporting a bug? Copy these lines into it:</p>"
        )
        self.details.setPlainText(versions_text(gl))
        self.resize(720, 460)


def show_about(window) -> AboutDialog:
    """The About dialog for the window, its 3D view's GL driver named (modal, not blocking)."""
    dialog = AboutDialog(window.view.gl_strings(), window)
    dialog.setAttribute(QtCore.Qt.WA_DeleteOnClose)
    dialog.open()
    return dialog
