"""The window's panels as one table: name (as scenes and lessons say it), title, place and tool."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6 import QtCore, QtWidgets

LEFT, RIGHT, BOTTOM = (
    QtCore.Qt.LeftDockWidgetArea,
    QtCore.Qt.RightDockWidgetArea,
    QtCore.Qt.BottomDockWidgetArea,
)


@dataclass(frozen=True)
class DockSpec:
    """One dock: `name` is its key in scenes (and its objectName + "Dock"), `group` the dock it
    is tabbed with, `tool` the tool that raising it activates, `scroll` whether it scrolls."""

    name: str
    title: str
    area: QtCore.Qt.DockWidgetArea
    group: str | None = None
    tool: str | None = None
    scroll: bool = True


# In the order they are built: a dock is tabbed onto its group's first dock.
DOCKS: tuple[DockSpec, ...] = (
    DockSpec("function", "Function", LEFT, "function", "function"),
    DockSpec("lesson", "Lesson", LEFT, "function"),
    DockSpec("descent", "Descent", LEFT, "function", "descent"),
    DockSpec("dataset", "Data", LEFT, "function"),
    DockSpec("starts", "Many starts", LEFT, "function"),
    DockSpec("point", "Point", RIGHT),
    DockSpec("step", "Step", RIGHT, "step", "descent"),
    DockSpec("likelihood", "Likelihood", RIGHT, "step", "likelihood"),
    DockSpec("partials", "Δx, Δy", RIGHT, "step", "partials"),
    DockSpec("direction", "Direction", RIGHT, "step", "direction"),
    DockSpec("limits", "Limits", RIGHT, "step", "limits"),
    DockSpec("derivative", "g′(x)", RIGHT, "step", "derivative"),
    DockSpec("top", "Top view", BOTTOM, "top", scroll=False),
    DockSpec("loss", "Loss", BOTTOM, scroll=False),
    DockSpec("data", "Data plot", BOTTOM, "top", scroll=False),
    DockSpec("sweep", "Sweep", BOTTOM, "top", scroll=False),
)
DOCK_BY_NAME = {spec.name: spec for spec in DOCKS}
TOOL_DOCK = {spec.tool: spec.name for spec in reversed(DOCKS) if spec.tool}


MIN_DOCK_WIDTH = 280


def dock_object_name(name: str) -> str:
    return f"{name}Dock"


def build_docks(
    window: QtWidgets.QMainWindow, widgets: dict[str, QtWidgets.QWidget]
) -> dict[str, QtWidgets.QDockWidget]:
    """A dock for every entry of DOCKS around `widgets[name]`, placed and tabbed as listed."""
    docks: dict[str, QtWidgets.QDockWidget] = {}
    for spec in DOCKS:
        dock = QtWidgets.QDockWidget(spec.title, window)
        dock.setObjectName(dock_object_name(spec.name))
        widget = widgets[spec.name]
        if spec.scroll:
            holder = QtWidgets.QScrollArea()
            holder.setWidget(widget)
            holder.setWidgetResizable(True)
            holder.setFrameShape(QtWidgets.QFrame.NoFrame)
            dock.setWidget(holder)
            dock.setMinimumWidth(MIN_DOCK_WIDTH)
        else:
            dock.setWidget(widget)
        first = docks.get(spec.group) if spec.group and spec.group != spec.name else None
        if first is None:
            window.addDockWidget(spec.area, dock)
        else:
            window.tabifyDockWidget(first, dock)
        docks[spec.name] = dock
    window.splitDockWidget(docks["top"], docks["loss"], QtCore.Qt.Horizontal)
    for first in ("function", "step", "top"):
        docks[first].raise_()
    docks["lesson"].hide()  # shown when a lesson is opened
    return docks


# Widths of the side dock columns and height of the bottom row at the window's default size,
# leaving the 3D view at least half the width (a projector shows the surface, not the forms).
SIDE_WIDTHS = {"left": 0.24, "right": 0.25}
BOTTOM_HEIGHT = 0.28


def size_for_teaching(window: QtWidgets.QMainWindow, docks: dict[str, QtWidgets.QDockWidget]):
    """Give the 3D view at least half the window's width (call once the window is shown)."""
    width, height = window.width(), window.height()
    window.resizeDocks(
        [docks["function"], docks["point"]],
        [round(SIDE_WIDTHS["left"] * width), round(SIDE_WIDTHS["right"] * width)],
        QtCore.Qt.Horizontal,
    )
    window.resizeDocks([docks["top"]], [round(BOTTOM_HEIGHT * height)], QtCore.Qt.Vertical)


@dataclass(frozen=True)
class Layout:
    """A preset arrangement: the docks shown (the first of each tab group raised) and the
    share of the width each side column takes."""

    name: str
    title: str
    shown: tuple[str, ...]
    left: float
    right: float
    bottom: float


EVERY_TOOL = tuple(spec.name for spec in DOCKS if spec.name != "lesson")
LAYOUTS: tuple[Layout, ...] = (
    Layout("explore", "Explore: every tool", EVERY_TOOL,
           SIDE_WIDTHS["left"], SIDE_WIDTHS["right"], BOTTOM_HEIGHT),
    Layout("present", "Present: the surface and the lesson", ("lesson", "point", "step"),
           0.22, 0.2, 0.0),
    Layout("compare", "Compare runs: descent, loss, top view", ("descent", "step", "loss", "top"),
           0.24, 0.22, 0.34),
)  # fmt: skip
LAYOUT_BY_NAME = {layout.name: layout for layout in LAYOUTS}


def apply_layout(
    window: QtWidgets.QMainWindow, docks: dict[str, QtWidgets.QDockWidget], name: str
) -> None:
    """View → Layout: show the layout's docks, raise them, size the columns."""
    layout = LAYOUT_BY_NAME[name]
    for dock_name, dock in docks.items():
        dock.setVisible(dock_name in layout.shown)
    for dock_name in reversed(layout.shown):
        docks[dock_name].raise_()
    width, height = window.width(), window.height()
    lefts = [docks[n] for n in layout.shown if DOCK_BY_NAME[n].area == LEFT][:1]
    rights = [docks[n] for n in layout.shown if DOCK_BY_NAME[n].area == RIGHT][:1]
    sides = [(d, layout.left) for d in lefts] + [(d, layout.right) for d in rights]
    if sides:
        window.resizeDocks(
            [d for d, _ in sides],
            [round(share * width) for _, share in sides],
            QtCore.Qt.Horizontal,
        )
    bottoms = [docks[n] for n in layout.shown if DOCK_BY_NAME[n].area == BOTTOM][:1]
    if bottoms and layout.bottom:
        window.resizeDocks(bottoms, [round(layout.bottom * height)], QtCore.Qt.Vertical)


def raised_docks(docks: dict[str, QtWidgets.QDockWidget]) -> tuple[str, ...]:
    """The names of the docks the user can see now (open and on top of their tab group)."""
    return tuple(
        name
        for name, dock in docks.items()
        if dock.isVisible() and not dock.visibleRegion().isEmpty()
    )


def hide_orphan_tab_bars(window: QtWidgets.QMainWindow, docks: dict[str, QtWidgets.QDockWidget]):
    """Hide dock tab bars that belong to no dock group.

    Qt 6.11 leaves a stray copy of a tab bar visible (over the status bar) when a window
    builds two tabbed dock groups; a real one sits right under its group's current dock.
    """
    by_title = {d.windowTitle(): d for d in docks.values()}
    for bar in window.findChildren(QtWidgets.QTabBar):
        if bar.parent() is not window or bar.count() == 0:
            continue
        bar.setElideMode(QtCore.Qt.ElideNone)  # "Likelih…" helps nobody: scroll the tabs
        bar.setUsesScrollButtons(True)
        dock = by_title.get(bar.tabText(bar.currentIndex()))
        if dock is None or abs(bar.geometry().top() - dock.geometry().bottom()) > 3:
            bar.hide()
