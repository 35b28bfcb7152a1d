"""`gdviz --install-desktop-entry`: the freedesktop menu entry and icons, for this user only."""

from __future__ import annotations

import os
import sys
import sysconfig
from pathlib import Path

from gdviz.core.resources import ICON_SIZES, resource_path

# Characters that make an Exec argument need quoting, and those escaped inside the quotes
# (the Desktop Entry Specification, "The Exec key").
_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")
_ESCAPED = {"\\": "\\\\", '"': '\\"', "`": "\\`", "$": "\\$"}


def data_home() -> Path:
    """$XDG_DATA_HOME, or ~/.local/share when it is unset or not absolute (as the spec says)."""
    value = os.environ.get("XDG_DATA_HOME", "")
    return Path(value) if os.path.isabs(value) else Path.home() / ".local" / "share"


def exec_line() -> str:
    """The command the menu runs: the gdviz-app launcher beside this Python, else python -m."""
    suffix = ".exe" if sys.platform == "win32" else ""
    launcher = Path(sysconfig.get_path("scripts")) / f"gdviz-app{suffix}"
    argv = [str(launcher)] if launcher.is_file() else [sys.executable, "-m", "gdviz"]
    return " ".join(_quoted(arg) for arg in argv)


def _quoted(arg: str) -> str:
    arg = arg.replace("%", "%%")
    if not _RESERVED.intersection(arg):
        return arg
    return '"' + "".join(_ESCAPED.get(c, c) for c in arg) + '"'


def planned_files() -> dict[Path, bytes]:
    """Every file the entry is made of, by where it goes under the data home."""
    home = data_home()
    template = resource_path("gdviz.desktop").read_text(encoding="utf-8")
    files = {
        home / "applications" / "gdviz.desktop": template.replace("@EXEC@", exec_line()).encode(),
        home / "icons" / "hicolor" / "scalable" / "apps" / "gdviz.svg": resource_path(
            "icons", "gdviz.svg"
        ).read_bytes(),
    }
    for size in ICON_SIZES:
        target = home / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "gdviz.png"
        files[target] = resource_path("icons", f"gdviz-{size}.png").read_bytes()
    return files


def install_desktop_entry() -> int:
    """Write the entry and its icons (again only where they differ); print each path."""
    if not (sys.platform.startswith("linux") or "bsd" in sys.platform):
        print("gdviz: --install-desktop-entry is for Linux and BSD desktops", file=sys.stderr)
        return 2
    for path, content in planned_files().items():
        if path.is_file() and path.read_bytes() == content:
            print(f"unchanged {path}")
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
        partial.write_bytes(content)
        partial.replace(path)
        print(f"wrote {path}")
    return 0
