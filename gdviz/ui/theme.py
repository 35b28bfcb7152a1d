"""Colours and styles of the window, its plots and its panels: written once, read everywhere."""

from __future__ import annotations

from PySide6 import QtGui

PLOT_BACKGROUND = "#1e1e24"  # the plots, beside the 3D view's own dark background
WINDOW = "#25262b"
BASE = "#1b1c20"
RAISED = "#2c2d33"
BUTTON = "#303137"
TEXT = "#e8e8ea"
DISABLED_TEXT = "#6b6e74"
PLACEHOLDER = "#8a8d93"
SELECTION = "#3d7bd9"
WHITE = "#ffffff"
MUTED = "#9aa0a6"  # notes, captions
ERROR = "#ff6b6b"
WARNING = "#ffb86b"
ACCENT = "#ffd166"  # what is being varied: Δ, u, the secant, the iteration cursor
ACCENT_HOVER = "#ffe699"
ACCENT_BORDER = "#8a6d1f"
CURVE = "#7fb0ff"  # a function's graph
GOOD = "#5ad17a"  # agrees, rises, the decision boundary
CAUTION = "#ff9f43"  # disagrees
CLASS_0 = "#4dabf7"
CLASS_1 = "#ff9f43"
WRONG = "#ff3b30"  # misclassified examples
# Runs: distinct from each other and from the point marker's red (render.view3d.MARKER_COLOR),
# and readable on the viridis surface (not its yellows and greens) on both backgrounds.
RUN_COLORS = ("#00e5ff", "#ffc400", "#ff2dd1", "#ffffff", "#8c6cff", "#5cff8a", "#ff8ab3")

ERROR_STYLE = f"color: {ERROR}; font-weight: 600;"
NOTE_STYLE = f"color: {MUTED};"
WARNING_STYLE = f"color: {WARNING};"
ERRATA_STYLE = (
    f"color: {ACCENT}; border: 1px solid {ACCENT_BORDER}; border-radius: 6px; padding: 6px;"
)


def dark_palette() -> QtGui.QPalette:
    """A calm dark palette that matches the 3D view's background."""
    p = QtGui.QPalette()
    colors = {
        QtGui.QPalette.Window: WINDOW,
        QtGui.QPalette.WindowText: TEXT,
        QtGui.QPalette.Base: BASE,
        QtGui.QPalette.AlternateBase: RAISED,
        QtGui.QPalette.ToolTipBase: RAISED,
        QtGui.QPalette.ToolTipText: TEXT,
        QtGui.QPalette.Text: TEXT,
        QtGui.QPalette.Button: BUTTON,
        QtGui.QPalette.ButtonText: TEXT,
        QtGui.QPalette.Highlight: SELECTION,
        QtGui.QPalette.HighlightedText: WHITE,
        QtGui.QPalette.PlaceholderText: PLACEHOLDER,
        QtGui.QPalette.Link: CURVE,
    }
    for role, color in colors.items():
        p.setColor(role, QtGui.QColor(color))
    p.setColor(QtGui.QPalette.Disabled, QtGui.QPalette.Text, QtGui.QColor(DISABLED_TEXT))
    p.setColor(QtGui.QPalette.Disabled, QtGui.QPalette.ButtonText, QtGui.QColor(DISABLED_TEXT))
    return p
