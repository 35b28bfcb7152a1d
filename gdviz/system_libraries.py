"""Before Qt starts on Linux: the libraries its X11 (xcb) plugin needs, and what to install."""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

INSTALL_SCRIPT = "sudo bash tools/install-linux-deps.sh"

# What Qt's xcb platform plugin (libqxcb.so and libQt6XcbQpa) links, outside Qt and libc, as
# `ldd` lists it, with the Debian/Ubuntu package of each (tools/install-linux-deps.sh installs
# them). A test compares this table with `ldd` of the installed plugin.
XCB_LIBRARY_PACKAGES: dict[str, str] = {
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libXau.so.6": "libxau6",
    "libXdmcp.so.6": "libxdmcp6",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libglx0",
    "libGLdispatch.so.0": "libglvnd0",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
}


class MissingLibrariesError(OSError):
    """Qt's xcb plugin would not load: the message names the packages to install."""


def check_xcb_libraries() -> None:
    """Raise MissingLibrariesError (Qt would abort instead) when the xcb plugin cannot load."""
    if not xcb_platform_expected():
        return
    missing = missing_libraries()
    if missing:
        raise MissingLibrariesError(missing_libraries_message(missing))


def xcb_platform_expected() -> bool:
    """True on Linux when Qt will use xcb: QT_QPA_PLATFORM unset or xcb, and not a Wayland
    session (there Qt tries its wayland plugin first)."""
    if not sys.platform.startswith("linux"):
        return False
    platform = os.environ.get("QT_QPA_PLATFORM", "").split(":")[0].split(";")[0].strip()
    if platform:
        return platform == "xcb"
    wayland = os.environ.get("WAYLAND_DISPLAY") and os.environ.get("XDG_SESSION_TYPE") == "wayland"
    return not wayland


def missing_libraries() -> list[str]:
    """The sonames the xcb plugin needs that the dynamic loader cannot find (often none).

    Loading each listed library costs a few ms in all (Qt loads them anyway); only when one fails
    does `ldd` on the plugin say exactly which are missing (one that fails for a missing
    library of its own is not itself missing)."""
    failed = [name for name in XCB_LIBRARY_PACKAGES if not _loads(name)]
    if not failed:
        return []
    listed = _ldd_output()
    if listed is None:
        return failed
    return [
        line.split("=>")[0].strip()
        for line in listed.splitlines()
        if "=>" in line and line.split("=>")[1].strip() == "not found"
    ] or failed


def missing_libraries_message(missing: list[str]) -> str:
    """What is missing, and the apt-get and install-script commands that install it."""
    packages = list(dict.fromkeys(XCB_LIBRARY_PACKAGES.get(name, "") for name in missing))
    unknown = [name for name in missing if name not in XCB_LIBRARY_PACKAGES]
    lines = [
        "Qt's X11 (xcb) platform plugin cannot start: these system libraries are missing: "
        + ", ".join(missing) + ".",
    ]  # fmt: skip
    if any(packages):
        lines += [
            "On Debian/Ubuntu install them with:",
            "  sudo apt-get install " + " ".join(p for p in packages if p),
        ]
    if unknown:
        lines.append("Install the packages that provide: " + ", ".join(unknown))
    lines += [
        "or, from the gdviz sources, everything gdviz needs on Linux:",
        f"  {INSTALL_SCRIPT}",
    ]
    return "\n".join(lines)


def xcb_plugin_path() -> Path | None:
    """PySide6's libqxcb.so, found without importing Qt (None if absent)."""
    spec = find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "Qt/plugins/platforms/libqxcb.so"
    return path if path.exists() else None


def _loads(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def _ldd_output() -> str | None:
    """`ldd` of the xcb plugin (it follows libQt6XcbQpa and every dependency), or None."""
    plugin, ldd = xcb_plugin_path(), shutil.which("ldd")
    if plugin is None or ldd is None:
        return None
    try:
        done = subprocess.run(
            [ldd, str(plugin)], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout
