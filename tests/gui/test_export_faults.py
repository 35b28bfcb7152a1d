"""`gdviz export` under faults and signals: one line, the right exit code, nothing left behind."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LINUX_ONLY = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="POSIX signals")
# In the environment of every process these tests start, and so of their X servers and encoders:
# what tells them from those of other test sessions running on the same machine.
_MARK = ("GDVIZ_FAULT_TEST", uuid.uuid4().hex)


def _headless_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    return env | {_MARK[0]: _MARK[1]} | extra


def _processes(name: str) -> set[int]:
    """pids of running processes these tests started (and their children) whose command line
    contains `name` (zombies excluded)."""
    found = set()
    mark = f"{_MARK[0]}={_MARK[1]}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            environ = (entry / "environ").read_bytes().split(b"\0")
        except (OSError, IndexError):
            continue
        if name.encode() in cmdline and state != "Z" and mark in environ:
            found.add(int(entry.name))
    return found


def _settled(name: str, before: set[int], seconds: float = 5.0) -> set[int]:
    """Processes named `name` that were not there `before`, once they had time to end."""
    deadline = time.monotonic() + seconds
    while (_processes(name) - before) and time.monotonic() < deadline:
        time.sleep(0.05)
    return _processes(name) - before


def _lines(stderr: str) -> list[str]:
    """stderr without the progress bar's carriage-return updates."""
    last = [part.split("\r")[-1] for part in stderr.split("\n")]
    return [line for line in last if line.strip()]


def _start_export(out: Path, *args: str, env=None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "gdviz", "export", "--preset", "bowl", "--out", str(out),
         "--size", "1280x720", "--frames", "2000", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env or _headless_env(), cwd=REPO,
    )  # fmt: skip


def _wait_for_frames(proc: subprocess.Popen, count: int, timeout: float = 90.0) -> None:
    """Read the progress bar until `count` frames are done (the export is mid-stream); the bar
    is redrawn a few times a second, so it may skip the count itself."""
    assert proc.stderr is not None
    seen = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        chunk = os.read(proc.stderr.fileno(), 4096)
        if not chunk:
            break
        seen += chunk
        if any(int(done) >= count for done in re.findall(rb" (\d+)/\d+ frames", seen)):
            return
    raise AssertionError(f"the export did not reach frame {count}: {seen[-300:]!r}")


@pytest.mark.slow
@LINUX_ONLY
@pytest.mark.parametrize(
    ("signum", "status"),
    [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)],
)
def test_a_signal_mid_export_cancels_cleanly(tmp_path, signum, status):
    out = tmp_path / f"talk-{signum}.mp4"
    out.write_bytes(b"the old talk")
    xservers = _processes("Xvfb")
    proc = _start_export(out)
    _wait_for_frames(proc, 3)
    assert _processes("Xvfb") - xservers  # its private X server is up
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    text = err.decode()
    assert proc.returncode == status, text
    assert "Traceback" not in text and "KeyboardInterrupt" not in text
    assert _lines(text)[-1].startswith("gdviz export: export cancelled")
    assert out.read_bytes() == b"the old talk"
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]  # no .partial file
    assert not _settled("Xvfb", xservers)
    assert not _settled(out.name, set())  # no encoder still writing


@LINUX_ONLY
def test_the_private_x_server_dies_with_a_killed_export(tmp_path):
    out = tmp_path / "killed.mp4"
    xservers = _processes("Xvfb")
    proc = _start_export(out)
    _wait_for_frames(proc, 2)
    proc.kill()
    proc.communicate(timeout=30)
    assert not _settled("Xvfb", xservers)  # PR_SET_PDEATHSIG: it goes when we go
    assert not _settled(out.name, set())
    for leftover in tmp_path.iterdir():  # a SIGKILL cannot clean up: the next run may
        leftover.unlink()


@LINUX_ONLY
def test_an_encoder_that_dies_mid_export_gives_one_line_and_exit_2(tmp_path):
    fake = tmp_path / "dying-ffmpeg"
    fake.write_text("#!/bin/sh\nhead -c 3000000 > /dev/null\necho 'encoder: gone' >&2\nexit 1\n")
    fake.chmod(0o755)
    out = tmp_path / "talk.mp4"
    out.write_bytes(b"the old talk")
    xservers = _processes("Xvfb")
    proc = subprocess.run(
        [sys.executable, "-m", "gdviz", "export", "--preset", "bowl", "--out", str(out),
         "--size", "640x360", "--frames", "60"],
        capture_output=True, timeout=120, cwd=REPO, env=_headless_env(IMAGEIO_FFMPEG_EXE=str(fake)),
    )  # fmt: skip
    stderr = proc.stderr.decode()  # bytes: universal newlines would split the bar at each \r
    assert proc.returncode == 2, stderr
    lines = _lines(stderr)
    assert len(lines) == 2 and "frames" in lines[0]  # the progress bar, then one line
    assert lines[1].startswith("gdviz export: error: ffmpeg stopped") and "gone" in lines[1]
    assert "Traceback" not in stderr and "QThread" not in stderr
    assert out.read_bytes() == b"the old talk"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dying-ffmpeg", "talk.mp4"]
    assert not _settled("Xvfb", xservers)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--function", "sqrt(-1-x^2)", "--start", "0,0"], "no finite value anywhere"),
        (["--preset", "bowl", "--frames", "1000000000", "--size", "16x16"], "100,000"),
        (["--preset", "bowl", "--fps", "0.0004"], "fps must be from 1"),
    ],
)
def test_what_cannot_be_exported_is_refused_at_once(tmp_path, args, needle):
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "gdviz", "export", *args, "--out", str(tmp_path / "x.mp4")],
        capture_output=True, timeout=60, cwd=REPO, env=_headless_env(),
    )  # fmt: skip
    assert proc.returncode == 2
    stderr = proc.stderr.decode()
    assert len(_lines(stderr)) == 1 and needle in stderr
    assert time.monotonic() - started < 20
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
@LINUX_ONLY
def test_ctrl_c_closes_the_window_cleanly(tmp_path, gl_context):
    env = dict(os.environ) | {"XDG_CONFIG_HOME": str(tmp_path / "config"), "HOME": str(tmp_path)}
    env[_MARK[0]] = _MARK[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "gdviz", "--preset", "bowl"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=REPO,
    )  # fmt: skip
    time.sleep(6)  # the window is up and idle
    assert proc.poll() is None
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err.decode()
    assert b"Traceback" not in err and b"KeyboardInterrupt" not in err


def test_a_qt_warning_repeated_every_frame_is_printed_once(qapp, capfd):
    from PySide6 import QtCore

    from gdviz.cli.export import _report_qt_messages_once

    previous = _report_qt_messages_once()
    try:
        for _ in range(5):
            QtCore.qWarning("QBasicTimer can only be used with threads started with QThread")
        QtCore.qWarning("another warning")
    finally:
        QtCore.qInstallMessageHandler(previous)
    err = capfd.readouterr().err
    assert err.count("QBasicTimer can only be used") == 1
    assert err.count("gdviz export: Qt: another warning") == 1
    assert len(err.splitlines()) == 2
