"""Where gdviz's log records go: stderr (`-v`), a rotating file, and crash dumps (faulthandler).

The window logs to a file in its app-data folder (`ui/log_folder.py` finds it with Qt); a
headless verb logs to stderr only, with `-v` (its user is at a terminal).
"""

from __future__ import annotations

import faulthandler
import logging
import logging.handlers
import sys
from pathlib import Path
from typing import TextIO

LOG_DIR_ENV = "GDVIZ_LOG_DIR"  # the window's log folder instead of its app-data one
LOG_FILE = "gdviz.log"
CRASH_FILE = "gdviz-crash.log"  # faulthandler's: a rotating file would move it away
PREVIOUS_CRASH_FILE = "gdviz-crash.previous.log"
LOG_FILE_BYTES = 1_000_000
LOG_FILE_BACKUPS = 3
FORMAT = "%(asctime)s %(levelname)s [%(threadName)s] %(name)s: %(message)s"

log = logging.getLogger(__name__)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a record comes (tests replace it)."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.setLevel(level)

    @property
    def stream(self) -> TextIO:  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass

    def emit(self, record: logging.LogRecord) -> None:
        if sys.stderr is not None:  # None in a windowed app on Windows (pythonw)
            super().emit(record)


_handlers: list[logging.Handler] = []
_crash_file: TextIO | None = None
_folder: Path | None = None


def verbosity_level(verbosity: int) -> int:
    """-v: INFO, -vv: DEBUG; none: WARNING."""
    return logging.DEBUG if verbosity >= 2 else logging.INFO if verbosity == 1 else logging.WARNING


def configure_logging(verbosity: int = 0, folder: Path | None = None) -> Path | None:
    """Log to stderr at the level -v asks for and, given a folder, to its rotating LOG_FILE (at
    INFO, or DEBUG with -vv) with crash dumps in its CRASH_FILE. Replaces an earlier set-up.

    Returns the log file (None without a folder, or when the folder cannot be written: then
    stderr is all there is, and a warning says why)."""
    global _folder
    stop_logging()
    root = logging.getLogger()
    stderr_level = verbosity_level(verbosity)
    file_level = min(stderr_level, logging.INFO)
    _add(root, _StderrHandler(stderr_level))
    path = None
    if folder is not None:
        try:
            path = _log_to_folder(root, Path(folder), file_level)
            _folder = Path(folder)
        except OSError as err:
            log.warning("no log file in %s: %s", folder, err)
    root.setLevel(min(stderr_level, file_level) if path else stderr_level)
    return path


def log_folder() -> Path | None:
    """The folder the log file is written to (None: no file)."""
    return _folder


def stop_logging() -> None:
    """Remove what configure_logging added (the file closed; faulthandler back on stderr)."""
    global _crash_file, _folder
    root = logging.getLogger()
    for handler in _handlers:
        root.removeHandler(handler)
        handler.close()
    _handlers.clear()
    if _crash_file is not None:
        if sys.__stderr__ is not None:
            faulthandler.enable(sys.__stderr__)
        else:
            faulthandler.disable()
        _crash_file.close()
        _crash_file = None
    _folder = None


def _add(root: logging.Logger, handler: logging.Handler) -> None:
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    _handlers.append(handler)


def _log_to_folder(root: logging.Logger, folder: Path, level: int) -> Path:
    global _crash_file
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOG_FILE
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=LOG_FILE_BYTES, backupCount=LOG_FILE_BACKUPS, encoding="utf-8"
    )
    handler.setLevel(level)
    _add(root, handler)
    crash = folder / CRASH_FILE
    if crash.exists() and crash.stat().st_size > 0:
        crash.replace(folder / PREVIOUS_CRASH_FILE)
        log.warning("gdviz crashed last time; what it was doing: %s", folder / PREVIOUS_CRASH_FILE)
    _crash_file = open(crash, "w", encoding="utf-8")  # noqa: SIM115 - open while gdviz runs
    faulthandler.enable(_crash_file, all_threads=True)
    return path
