"""Shared test settings: hypothesis profiles, and no test leaves a child process running."""

import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

CHILD_GRACE_S = 5.0


def child_processes() -> set[int]:
    """Live (not zombie) child processes of this test process (Linux /proc; else empty)."""
    children: set[int] = set()
    for task in Path("/proc/self/task").glob("*"):
        try:
            children |= {int(p) for p in (task / "children").read_text().split()}
        except (OSError, ValueError):
            continue
    live = set()
    for pid in children:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z":
            live.add(pid)
    return live


@pytest.fixture(scope="session")
def _children_at_start() -> set[int]:
    return child_processes()  # e.g. the Xvfb pytest-xvfb runs for the whole session


@pytest.fixture(autouse=True)
def no_child_process_left(_children_at_start):
    """Fail a test that leaves a child process (an encoder, an X server, a gdviz) running."""
    yield
    deadline = time.monotonic() + CHILD_GRACE_S
    left = child_processes() - _children_at_start
    while left and time.monotonic() < deadline:
        time.sleep(0.05)
        left = child_processes() - _children_at_start
    if left:
        names = []
        for pid in sorted(left):
            try:
                names.append(f"{pid} {Path(f'/proc/{pid}/cmdline').read_bytes()[:80]!r}")
            except OSError:
                names.append(str(pid))
        pytest.fail(f"the test left child processes running: {', '.join(names)}")
