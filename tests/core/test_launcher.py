"""`gdviz --version`, the gdviz-app launcher and `gdviz --install-desktop-entry` (no window)."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys

import pytest

from gdviz.cli import main
from gdviz.cli.desktop_entry import _quoted
from gdviz.core.resources import ICON_SIZES, resource_path


def test_version_prints_the_installed_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "gdviz", "--version"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"gdviz {importlib.metadata.version('gdviz')}\n"


def test_the_gui_launcher_takes_the_same_options(monkeypatch, capsys) -> None:
    from gdviz.cli import app

    monkeypatch.setattr(sys, "argv", ["gdviz-app", "--version"])
    with pytest.raises(SystemExit) as stop:
        app.main()
    assert stop.value.code == 0
    assert capsys.readouterr().out.startswith("gdviz ")


def _entry(home) -> dict[str, str]:
    lines = (home / "applications" / "gdviz.desktop").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[Desktop Entry]"
    return dict(line.split("=", 1) for line in lines[1:] if line)


def test_install_desktop_entry_writes_the_entry_and_icons(tmp_path, monkeypatch, capsys) -> None:
    home = tmp_path / "data home"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    assert main(["--install-desktop-entry"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 + len(ICON_SIZES)
    assert all(line.startswith(f"wrote {home}") for line in out)
    entry = _entry(home)
    assert entry["Type"] == "Application" and entry["Icon"] == "gdviz"
    assert entry["Terminal"] == "false" and entry["Exec"].endswith(" %f")
    assert "@EXEC@" not in entry["Exec"]
    for size in (16, 256):
        png = home / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "gdviz.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert png.read_bytes() == resource_path("icons", f"gdviz-{size}.png").read_bytes()
        # the PNG header's width and height are the folder's size
        assert int.from_bytes(png.read_bytes()[16:20], "big") == size
    svg = home / "icons" / "hicolor" / "scalable" / "apps" / "gdviz.svg"
    assert svg.read_text(encoding="utf-8").lstrip().startswith("<svg")


def test_install_desktop_entry_is_idempotent(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert main(["--install-desktop-entry"]) == 0
    first = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    capsys.readouterr()
    (tmp_path / "icons" / "hicolor" / "32x32" / "apps" / "gdviz.png").write_bytes(b"old")
    assert main(["--install-desktop-entry"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line for line in out if line.startswith("wrote ")] == [
        f"wrote {tmp_path / 'icons' / 'hicolor' / '32x32' / 'apps' / 'gdviz.png'}"
    ]
    assert sum(line.startswith("unchanged ") for line in out) == len(out) - 1
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == first


def test_exec_arguments_are_quoted_as_the_spec_says() -> None:
    assert _quoted("/usr/bin/gdviz-app") == "/usr/bin/gdviz-app"
    assert _quoted("/home/a b/.venv/bin/gdviz-app") == '"/home/a b/.venv/bin/gdviz-app"'
    assert _quoted('/x/"q"$HOME`\\') == '"/x/\\"q\\"\\$HOME\\`\\\\"'
    assert _quoted("/x/100%") == "/x/100%%"
