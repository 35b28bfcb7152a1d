"""The Linux pre-check of the libraries Qt's xcb plugin needs: exact packages, exit status 2."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from gdviz import system_libraries as libs

# What ldd prints for the plugin when these two are missing (the rest resolve).
LDD_TWO_MISSING = """\
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f46214cc000)
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007f46213e2000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-util.so.1 => /lib/x86_64-linux-gnu/libxcb-util.so.1 (0x00007f46213d3000)
\tlibxcb-keysyms.so.1 => not found
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f461f61e000)
"""


def _fake_missing(monkeypatch, missing: set[str], ldd: str | None) -> None:
    monkeypatch.setattr(libs, "_loads", lambda name: name not in missing)
    monkeypatch.setattr(libs, "_ldd_output", lambda: ldd)
    monkeypatch.setattr(libs.sys, "platform", "linux")
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")


def _apt_packages(message: str) -> list[str]:
    (line,) = [line for line in message.splitlines() if "apt-get install" in line]
    return line.split("apt-get install", 1)[1].split()


def test_the_message_names_exactly_the_missing_packages(monkeypatch):
    # libxcb-cursor0 is what Qt's own abort names; what is missing is icccm and keysyms.
    _fake_missing(monkeypatch, {"libxcb-icccm.so.4", "libxcb-keysyms.so.1"}, LDD_TWO_MISSING)
    with pytest.raises(libs.MissingLibrariesError) as caught:
        libs.check_xcb_libraries()
    message = str(caught.value)
    assert _apt_packages(message) == ["libxcb-icccm4", "libxcb-keysyms1"]
    assert "libxcb-cursor" not in message
    assert "sudo bash tools/install-linux-deps.sh" in message


def test_a_library_that_fails_only_for_a_missing_dependency_is_not_named(monkeypatch):
    # libxcb-image fails to load because libxcb-util (its dependency) is missing: ldd says so.
    ldd = "\tlibxcb-image.so.0 => /lib/libxcb-image.so.0 (0x1)\n\tlibxcb-util.so.1 => not found\n"
    _fake_missing(monkeypatch, {"libxcb-image.so.0", "libxcb-util.so.1"}, ldd)
    with pytest.raises(libs.MissingLibrariesError) as caught:
        libs.check_xcb_libraries()
    assert _apt_packages(str(caught.value)) == ["libxcb-util1"]


def test_without_ldd_the_libraries_that_did_not_load_are_named(monkeypatch):
    _fake_missing(monkeypatch, {"libxkbcommon-x11.so.0"}, None)
    with pytest.raises(libs.MissingLibrariesError) as caught:
        libs.check_xcb_libraries()
    assert _apt_packages(str(caught.value)) == ["libxkbcommon-x11-0"]


def test_a_library_outside_the_table_is_named_by_its_file(monkeypatch):
    ldd = "\tlibxcb-icccm.so.4 => not found\n\tlibfancy.so.3 => not found\n"
    _fake_missing(monkeypatch, {"libxcb-icccm.so.4"}, ldd)
    with pytest.raises(libs.MissingLibrariesError) as caught:
        libs.check_xcb_libraries()
    assert _apt_packages(str(caught.value)) == ["libxcb-icccm4"]
    assert "provide: libfancy.so.3" in str(caught.value)


@pytest.mark.parametrize(
    ("platform", "session", "checked"),
    [("offscreen", "", False), ("wayland", "", False), ("xcb", "wayland", True),
     ("", "x11", True), ("", "wayland", False)],
)  # fmt: skip
def test_only_an_xcb_platform_is_checked(monkeypatch, platform, session, checked):
    _fake_missing(monkeypatch, {"libxcb-icccm.so.4"}, None)
    monkeypatch.setenv("QT_QPA_PLATFORM", platform)
    monkeypatch.setenv("XDG_SESSION_TYPE", session)
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    if checked:
        with pytest.raises(libs.MissingLibrariesError):
            libs.check_xcb_libraries()
    else:
        libs.check_xcb_libraries()


def test_nothing_is_missing_on_this_machine():
    if libs.xcb_plugin_path() is None:
        pytest.skip("PySide6 has no xcb plugin here")
    assert libs.missing_libraries() == []


def test_the_table_lists_every_system_library_the_installed_plugin_links():
    plugin, ldd = libs.xcb_plugin_path(), shutil.which("ldd")
    if plugin is None or ldd is None:
        pytest.skip("no xcb plugin or no ldd")
    listed = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, check=True).stdout
    qt_lib = str(plugin.parents[2])
    basic = ("libc.so", "libm.so", "libstdc++", "libgcc_s", "libdl.so", "libpthread", "libz.so",
             "linux-vdso", "ld-linux", "libicu")  # fmt: skip
    # The xcb plugin's own dependencies (not the libraries of those libraries, e.g. libbsd).
    xcb_related = ("libxcb", "libX", "libxkb", "libGL", "libEGL", "libfontconfig", "libfreetype",
                   "libglib", "libgthread", "libdbus")  # fmt: skip
    names = []
    for line in listed.splitlines():
        name = line.strip().split(" ")[0]
        if qt_lib in line or name.startswith(basic) or not name.startswith(xcb_related):
            continue
        names.append(name)
    assert sorted(set(names) - set(libs.XCB_LIBRARY_PACKAGES)) == []


def test_the_gdviz_command_exits_2_with_the_message_instead_of_a_qt_abort():
    script = textwrap.dedent(f"""
        import gdviz.system_libraries as libs
        libs._loads = lambda name: name != "libxcb-icccm.so.4"
        libs._ldd_output = lambda: {LDD_TWO_MISSING!r}
        from gdviz.cli import main
        raise SystemExit(main([]))
    """)
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "XDG_SESSION_TYPE": "x11"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("gdviz: error: Qt's X11 (xcb) platform plugin cannot start")
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1\n" in done.stderr
    assert "sudo bash tools/install-linux-deps.sh" in done.stderr
    assert "Traceback" not in done.stderr
