"""A private X server (Xvfb) for headless commands that render with OpenGL, for their lifetime."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from gdviz.stop_signals import die_with_parent

XVFB_SCREEN = "1920x1080x24"
START_TIMEOUT_S = 15.0
INSTALL_HINT = (
    "install it with `sudo bash tools/install-linux-deps.sh` from the gdviz sources "
    "(on Debian/Ubuntu: apt-get install xvfb xauth libgl1-mesa-dri libglx-mesa0)"
)


class DisplayError(RuntimeError):
    """No display could be had for rendering."""


@contextmanager
def display_for_rendering(
    while_starting: Callable[[], object] | None = None,
) -> Iterator[str | None]:
    """Use $DISPLAY if there is one; on Linux without one, start Xvfb and stop it afterwards.

    while_starting() (e.g. the imports that rendering needs) runs while Xvfb starts up, before
    the display is there; with a display already there it runs first."""
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or sys.platform != "linux":
        if while_starting is not None:
            while_starting()
        yield os.environ.get("DISPLAY")
        return
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        raise DisplayError(f"there is no display and Xvfb is not installed: {INSTALL_HINT}")
    read_end, write_end = os.pipe()
    # Its own session: a Ctrl+C in the terminal reaches gdviz, which stops cleanly, not the X
    # server under it; and it gets SIGTERM if gdviz dies without stopping it.
    process = subprocess.Popen(
        [xvfb, "-displayfd", str(write_end), "-screen", "0", XVFB_SCREEN, "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=die_with_parent,  # safe: no threads exist yet in a headless verb
    )
    os.close(write_end)
    try:
        if while_starting is not None:
            while_starting()
        number = _read_display_number(read_end, process)
        os.environ["DISPLAY"] = f":{number}"
        os.environ.pop("QT_QPA_PLATFORM", None)  # offscreen cannot create GL contexts
        yield os.environ["DISPLAY"]
    finally:
        os.close(read_end)
        os.environ.pop("DISPLAY", None)
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _read_display_number(fd: int, process: subprocess.Popen) -> str:
    text = b""
    while not text.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], START_TIMEOUT_S)
        if not ready or process.poll() is not None:
            raise DisplayError(
                "Xvfb did not start (is the Mesa GL driver installed? " + INSTALL_HINT + ")"
            )
        chunk = os.read(fd, 64)
        if not chunk:
            raise DisplayError("Xvfb exited before it gave its display number")
        text += chunk
    return text.decode().strip()
