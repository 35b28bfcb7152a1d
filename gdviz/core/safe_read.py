"""Bounded file reads: a regular file under a size cap, read without blocking or running away."""

from __future__ import annotations

import os
import stat

from gdviz.core.shown import shown_path

# The largest file each reader accepts (bytes). Named here, once, for the messages and the docs.
# A scene may embed a dataset: its cap leaves room for the largest dataset a CSV may hold.
SCENE_MAX_BYTES = 256 * 1024 * 1024
LESSON_MAX_BYTES = 16 * 1024 * 1024
DATASET_MAX_BYTES = 128 * 1024 * 1024

_CHUNK = 1 << 20


class FileRefused(ValueError):
    """A path that is not read: not a regular file (a folder, FIFO, device…) or over its cap."""


def size_text(n_bytes: int) -> str:
    """'16 MB' for 16 MiB, '1.5 KB', '12 bytes': sizes in messages (1 MB = 1,048,576 bytes)."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n_bytes >= scale:
            return f"{n_bytes / scale:.3g} {unit}"
    return f"{n_bytes} bytes"


def _kind_of(mode: int) -> str:
    """What a path that is not a regular file is, for the message: 'it is a folder'."""
    if stat.S_ISDIR(mode):
        return "it is a folder"
    kinds = (
        (stat.S_ISFIFO, "a pipe (FIFO)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    for test, kind in kinds:
        if test(mode):
            return f"it is {kind}, not a regular file"
    return "it is not a regular file"


def read_bounded(path: str | os.PathLike[str], cap: int, what: str) -> bytes:
    """The bytes of the regular file at path, at most cap of them.

    FileRefused (a ValueError) names the path and says what it is when it is not a regular file
    (folders, FIFOs, devices such as /dev/zero) or holds more than cap bytes; OSError says why
    the file could not be opened or read ("cannot open NAME: Permission denied"). A FIFO is never
    opened (it could block), and at most cap + 1 bytes are read, so a file that grows while it is
    read, or lies about its size, cannot exhaust memory.
    """
    name = os.fspath(path)
    if not name.strip():  # Path('') is the current folder
        raise OSError(f"cannot open the {what}: the file name is empty")
    shown = shown_path(name)
    try:
        mode = os.stat(name).st_mode
    except OSError as err:
        raise OSError(f"cannot open {shown}: {err.strerror or err}") from err
    if not stat.S_ISREG(mode):
        raise FileRefused(f"cannot read {shown} as a {what}: {_kind_of(mode)}")
    try:
        # O_NONBLOCK: if the path was swapped for a FIFO since the stat, open does not wait.
        handle = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as err:
        raise OSError(f"cannot open {shown}: {err.strerror or err}") from err
    with os.fdopen(handle, "rb", buffering=0) as file:
        mode = os.fstat(file.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise FileRefused(f"cannot read {shown} as a {what}: {_kind_of(mode)}")
        chunks: list[bytes] = []
        total = 0
        try:
            while total <= cap:
                chunk = file.read(min(_CHUNK, cap + 1 - total))
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
        except OSError as err:
            raise OSError(f"cannot read {shown}: {err.strerror or err}") from err
    if total > cap:
        raise FileRefused(
            f"cannot read {shown} as a {what}: it is larger than the {size_text(cap)} "
            f"a {what} may be"
        )
    return b"".join(chunks)
