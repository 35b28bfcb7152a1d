"""Hostile files and values: bounded reads, short messages, big valid input, no stray warnings."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gdviz.core import safe_read
from gdviz.core.lesson import load_lesson
from gdviz.core.logistic import DatasetError, load_dataset_csv
from gdviz.core.safe_read import FileRefused, read_bounded
from gdviz.core.scene import load_scene

REPO = Path(__file__).resolve().parents[2]


def gdviz(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """`python -m gdviz ARGS` in a child process, from this checkout."""
    env = dict(os.environ, PYTHONPATH=str(REPO), OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    return subprocess.run(
        [sys.executable, "-m", "gdviz", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def assert_one_line_refusal(proc: subprocess.CompletedProcess, *needles: str) -> str:
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    for needle in needles:
        assert needle in lines[0]
    return lines[0]


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    path = tmp_path / "pipe.csv"
    os.mkfifo(path)
    return path


# ---------------------------------------------------------------------------------------------
# 1. Bounded reads


def test_a_regular_file_is_read_whole_up_to_its_cap(tmp_path):
    path = tmp_path / "data.bin"
    content = bytes(range(256)) * 5000  # spans several read chunks
    path.write_bytes(content)
    assert read_bounded(path, len(content), "scene") == content
    with pytest.raises(FileRefused, match=r"data\.bin as a scene: it is larger than the"):
        read_bounded(path, len(content) - 1, "scene")


def test_the_caps_are_named_once_and_ordered():
    assert safe_read.LESSON_MAX_BYTES == 16 * 1024 * 1024
    assert safe_read.DATASET_MAX_BYTES == 128 * 1024 * 1024
    # A scene may embed the largest dataset a CSV may hold (its JSON is a little larger).
    assert safe_read.SCENE_MAX_BYTES >= 2 * safe_read.DATASET_MAX_BYTES


@pytest.mark.parametrize(
    ("kind", "says"),
    [("folder", "it is a folder"), ("fifo", "it is a pipe (FIFO), not a regular file")],
)
def test_a_folder_or_a_fifo_is_refused_without_opening_it(tmp_path, fifo, kind, says):
    path = tmp_path if kind == "folder" else fifo
    started = time.monotonic()
    with pytest.raises(FileRefused) as caught:
        read_bounded(path, 1000, "dataset")
    assert time.monotonic() - started < 5  # a FIFO with no writer would block an open()
    assert str(caught.value) == f"cannot read {path} as a dataset: {says}"


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
@pytest.mark.parametrize("loader", [load_scene, load_lesson, load_dataset_csv])
def test_dev_zero_is_refused_by_every_reader(loader):
    with pytest.raises(ValueError, match="/dev/zero as a .*: it is a character device"):
        loader("/dev/zero")


def test_a_file_over_the_cap_is_refused_by_the_readers(tmp_path, monkeypatch):
    monkeypatch.setattr("gdviz.core.scene.SCENE_MAX_BYTES", 100)
    monkeypatch.setattr("gdviz.core.lesson.LESSON_MAX_BYTES", 100)
    monkeypatch.setattr("gdviz.core.logistic.DATASET_MAX_BYTES", 100)
    big = tmp_path / "big.json"
    big.write_text("x,y\n" + "1,0\n" * 100)
    for loader, what in ((load_scene, "scene"), (load_lesson, "lesson")):
        with pytest.raises(FileRefused, match=f"as a {what}: it is larger than the 100 bytes"):
            loader(big)
    with pytest.raises(DatasetError, match="as a dataset: it is larger than the 100 bytes"):
        load_dataset_csv(big)


def test_the_size_text_in_messages():
    assert safe_read.size_text(16 * 1024 * 1024) == "16 MB"
    assert safe_read.size_text(1536) == "1.5 KB"
    assert safe_read.size_text(12) == "12 bytes"


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero and /dev/urandom")
@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["run", "--dataset", "/dev/zero"], ["gdviz run: error:", "/dev/zero as a dataset"]),
        (["run", "--scene", "/dev/urandom"], ["/dev/urandom as a scene", "character device"]),
        (["/dev/zero"], ["gdviz: error:", "/dev/zero as a scene"]),
        (["--lesson", "/dev/zero"], ["gdviz: error:", "/dev/zero as a lesson"]),
        (["likelihood", "--dataset", "/dev/zero", "--model", "1,0"], ["/dev/zero as a dataset"]),
    ],
)
def test_devices_on_the_command_line_end_in_one_line_quickly(args, needles):
    started = time.monotonic()
    proc = gdviz(*args, timeout=30)
    assert time.monotonic() - started < 20
    assert_one_line_refusal(proc, *needles)


def test_a_fifo_on_the_command_line_ends_in_one_line_quickly(fifo):
    proc = gdviz("run", "--dataset", str(fifo), timeout=30)
    assert_one_line_refusal(proc, f"{fifo} as a dataset: it is a pipe (FIFO)")
