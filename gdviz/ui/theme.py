"""Colours and styles of the window, its plots and its panels: written once, read everywhere."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6 import QtGui


@dataclass(frozen=True)
class Theme:
    """One look: the window's palette and the plots' colours (the 3D view follows `dark`)."""

    name: str
    dark: bool
    plot_background: str
    plot_foreground: str
    window: str
    base: str
    raised: str
    button: str
    text: str
    disabled_text: str
    placeholder: str
    muted: str  # notes, captions
    accent: str  # what is being varied: Δ, u, the secant, the iteration cursor
    accent_hover: str


THEMES: dict[str, Theme] = {
    "dark": Theme(
        "dark",
        True,
        plot_background="#1e1e24",
        plot_foreground="#c9c9d3",
        window="#25262b",
        base="#1b1c20",
        raised="#2c2d33",
        button="#303137",
        text="#e8e8ea",
        disabled_text="#6b6e74",
        placeholder="#8a8d93",
        muted="#9aa0a6",
        accent="#ffd166",
        accent_hover="#ffe699",
    ),
    # Projectors wash dark themes out: a light one with darker accents for a bright screen.
    "light": Theme(
        "light",
        False,
        plot_background="#fbfbf8",
        plot_foreground="#2a2a30",
        window="#efefeb",
        base="#ffffff",
        raised="#e6e6e0",
        button="#e2e2dc",
        text="#16161a",
        disabled_text="#9a9aa0",
        placeholder="#7a7d83",
        muted="#55595f",
        accent="#b36b00",
        accent_hover="#d98200",
    ),
}
THEME_CHOICES = ("system", "dark", "light")

# The colours in use: set by use() before widgets are built (and again on a switch).
PLOT_BACKGROUND = "#1e1e24"
PLOT_FOREGROUND = "#c9c9d3"
TEXT = "#e8e8ea"
MUTED = "#9aa0a6"
ACCENT = "#ffd166"
ACCENT_HOVER = "#ffe699"
WINDOW = "#25262b"
SELECTION = "#3d7bd9"
WHITE = "#ffffff"
ERROR = "#ff6b6b"
WARNING = "#ffb86b"
ACCENT_BORDER = "#8a6d1f"
CURVE = "#7fb0ff"  # a function's graph
GOOD = "#5ad17a"  # agrees, rises, the decision boundary
CAUTION = "#ff9f43"  # disagrees
CLASS_0 = "#4dabf7"
CLASS_1 = "#ff9f43"
WRONG = "#ff3b30"  # misclassified examples
current: Theme = THEMES["dark"]

# Runs: distinct from each other and from the point marker's red (render.view3d.MARKER_COLOR),
# and readable on the viridis surface (not its yellows and greens) on both backgrounds.
RUN_COLORS = ("#00e5ff", "#ffc400", "#ff2dd1", "#ffffff", "#8c6cff", "#5cff8a", "#ff8ab3")
# Basins of attraction (many starts), by the rank of their minimum's value; then they repeat.
BASIN_COLORS = ("#ff4d5e", "#00d5ff", "#ffb000", "#ff4fd8", "#f2f2f2", "#9b7bff", "#5cff8a",
                "#ff8a3d")  # fmt: skip
NO_BASIN_COLOR = "#8a8a94"  # starts that diverged or left the domain

ERROR_STYLE = f"color: {ERROR}; font-weight: 600;"
NOTE_STYLE = f"color: {MUTED};"
WARNING_STYLE = f"color: {WARNING};"
ERRATA_STYLE = (
    f"color: {ACCENT}; border: 1px solid {ACCENT_BORDER}; border-radius: 6px; padding: 6px;"
)


def resolve(name: str) -> Theme:
    """The theme a choice means: "system" follows the desktop's light or dark scheme."""
    if name == "system":
        from PySide6 import QtCore, QtWidgets

        app = QtWidgets.QApplication.instance()
        scheme = app.styleHints().colorScheme() if app is not None else None
        return THEMES["light" if scheme == QtCore.Qt.ColorScheme.Light else "dark"]
    try:
        return THEMES[name]
    except KeyError:
        raise ValueError(f"unknown theme {name!r}: choose {', '.join(THEME_CHOICES)}") from None


def use(theme: Theme) -> None:
    """Make `theme` the one new widgets are built with (module colours and styles)."""
    global current, PLOT_BACKGROUND, PLOT_FOREGROUND, TEXT, MUTED, ACCENT, ACCENT_HOVER, WINDOW
    global NOTE_STYLE, ERRATA_STYLE
    current = theme
    PLOT_BACKGROUND, PLOT_FOREGROUND, TEXT = (
        theme.plot_background, theme.plot_foreground, theme.text,
    )  # fmt: skip
    MUTED, ACCENT, ACCENT_HOVER, WINDOW = (
        theme.muted,
        theme.accent,
        theme.accent_hover,
        theme.window,
    )
    NOTE_STYLE = f"color: {MUTED};"
    ERRATA_STYLE = (
        f"color: {ACCENT}; border: 1px solid {ACCENT_BORDER}; border-radius: 6px; padding: 6px;"
    )


LEGEND_ALPHA = 215  # of 255: a legend's background hides the step cursor or a curve behind it


def legend_brush(theme: Theme | None = None) -> QtGui.QColor:
    """A plot legend's background: the plots' own, nearly opaque."""
    color = QtGui.QColor((theme or current).plot_background)
    color.setAlpha(LEGEND_ALPHA)
    return color


def palette(theme: Theme) -> QtGui.QPalette:
    """The window's palette for `theme`."""
    p = QtGui.QPalette()
    colors = {
        QtGui.QPalette.Window: theme.window,
        QtGui.QPalette.WindowText: theme.text,
        QtGui.QPalette.Base: theme.base,
        QtGui.QPalette.AlternateBase: theme.raised,
        QtGui.QPalette.ToolTipBase: theme.raised,
        QtGui.QPalette.ToolTipText: theme.text,
        QtGui.QPalette.Text: theme.text,
        QtGui.QPalette.Button: theme.button,
        QtGui.QPalette.ButtonText: theme.text,
        QtGui.QPalette.Highlight: SELECTION,
        QtGui.QPalette.HighlightedText: WHITE,
        QtGui.QPalette.PlaceholderText: theme.placeholder,
        QtGui.QPalette.Link: CURVE,
    }
    for role, color in colors.items():
        p.setColor(role, QtGui.QColor(color))
    p.setColor(QtGui.QPalette.Disabled, QtGui.QPalette.Text, QtGui.QColor(theme.disabled_text))
    p.setColor(
        QtGui.QPalette.Disabled, QtGui.QPalette.ButtonText, QtGui.QColor(theme.disabled_text)
    )
    return p
