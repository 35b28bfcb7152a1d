"""Logging: the rotating file, -v/-vv on stderr, crash dumps kept for the next start."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from gdviz import logs
from gdviz.cli import main
from gdviz.export import ExportSpec, export_frames


@pytest.fixture(autouse=True)
def _logging_undone():
    yield
    logs.stop_logging()
    logging.getLogger().setLevel(logging.WARNING)


def _export_a_still(path) -> None:
    frame = np.zeros((16, 16, 4), dtype=np.uint8)
    export_frames(ExportSpec(path, "png", 16, 16, 30.0, 1, "dark"), [frame])


def test_the_export_writers_info_goes_to_the_log_file(tmp_path):
    path = logs.configure_logging(0, tmp_path / "logs")
    assert path == tmp_path / "logs" / logs.LOG_FILE
    assert logs.log_folder() == tmp_path / "logs"
    _export_a_still(tmp_path / "still.png")
    text = path.read_text(encoding="utf-8")
    assert "INFO" in text and "gdviz.export.writers: exported 1 frames to" in text
    assert str(tmp_path / "still.png") in text
    logging.getLogger("gdviz.test").debug("a detail")  # below the file's INFO
    assert "a detail" not in path.read_text(encoding="utf-8")


def test_the_log_file_rotates(tmp_path, monkeypatch):
    monkeypatch.setattr(logs, "LOG_FILE_BYTES", 2000)
    path = logs.configure_logging(0, tmp_path)
    for i in range(200):
        logging.getLogger("gdviz.test").warning("line %d %s", i, "x" * 40)
    names = sorted(p.name for p in tmp_path.glob("gdviz.log*"))
    assert names == ["gdviz.log", "gdviz.log.1", "gdviz.log.2", "gdviz.log.3"]
    assert path.stat().st_size <= 2000
    assert "line 199" in path.read_text(encoding="utf-8")


def test_an_unwritable_log_folder_leaves_stderr_and_says_why(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert logs.configure_logging(0, blocker / "logs") is None
    assert logs.log_folder() is None
    assert "no log file in" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("flag", "info", "debug"),
    [(None, False, False), ("-v", True, False), ("-vv", True, True), ("--verbose", True, False)],
)
def test_verbose_logs_to_stderr(tmp_path, capsys, flag, info, debug):
    assert main(["presets", *([flag] if flag else [])]) == 0
    capsys.readouterr()
    _export_a_still(tmp_path / "still.png")
    logging.getLogger("gdviz.test").debug("a detail")
    err = capsys.readouterr().err
    assert ("exported 1 frames to" in err) is info
    assert ("a detail" in err) is debug


def test_verbose_is_in_every_verbs_help(capsys):
    for verb in ("presets", "eval", "run", "export", "sweep", "starts", "limit", "likelihood"):
        with pytest.raises(SystemExit):
            main([verb, "--help"])
        assert "-v, --verbose" in capsys.readouterr().out, verb


def test_a_crash_is_dumped_in_the_log_folder_and_reported_at_the_next_start(tmp_path):
    script = textwrap.dedent(f"""
        import faulthandler, sys
        from gdviz import logs
        logs.configure_logging(0, {str(tmp_path)!r})
        if sys.argv[1] == "crash":
            faulthandler._sigsegv()
    """)
    env = {**os.environ, "PYTHONFAULTHANDLER": ""}
    crashed = subprocess.run([sys.executable, "-c", script, "crash"], env=env,
                             capture_output=True, text=True, timeout=60)  # fmt: skip
    assert crashed.returncode != 0
    dump = (tmp_path / logs.CRASH_FILE).read_text(encoding="utf-8")
    assert "Fatal Python error: Segmentation fault" in dump
    again = subprocess.run([sys.executable, "-c", script, "start"], env=env,
                           capture_output=True, text=True, timeout=60)  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert (tmp_path / logs.PREVIOUS_CRASH_FILE).read_text(encoding="utf-8") == dump
    assert (tmp_path / logs.CRASH_FILE).read_text(encoding="utf-8") == ""
    log_text = (tmp_path / logs.LOG_FILE).read_text(encoding="utf-8")
    assert "crashed last time" in log_text and logs.PREVIOUS_CRASH_FILE in log_text
