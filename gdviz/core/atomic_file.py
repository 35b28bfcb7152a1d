"""Writing a file all or nothing: a hidden temporary beside it, renamed over it at the end."""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

NAME_LIMIT = 255  # bytes in one file name on every file system gdviz writes to


def temporary_name(final: Path, tag: str = "partial") -> Path:
    """A hidden name beside `final`, unique to this process, keeping its suffix (ffmpeg picks
    the container by it) and within the 255-byte name limit even when `final`'s name is not."""
    final = Path(final)
    suffix = final.suffix if len(final.suffix.encode()) <= 16 else ""
    stem = final.name[: len(final.name) - len(suffix)] if suffix else final.name
    unique = f".{tag}-{os.getpid()}-{secrets.token_hex(3)}{suffix}"
    room = NAME_LIMIT - 1 - len(unique.encode())
    if len(stem.encode()) > room:
        digest = hashlib.sha1(stem.encode()).hexdigest()[:8]
        stem = stem.encode()[: room - 9].decode("utf-8", "ignore") + "-" + digest
    return final.with_name(f".{stem}{unique}")


def replace_atomically(temporary: Path, final: Path) -> None:
    """Flush `temporary` to disk, give it `final`'s permissions if that exists, rename it over."""
    if temporary.is_file():
        _fsync(temporary)
        with contextlib.suppress(OSError):
            os.chmod(temporary, os.stat(final).st_mode & 0o7777)
    os.replace(temporary, final)


def remove_quietly(path: Path) -> None:
    """Remove a temporary file or folder; nothing if it is already gone."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            os.unlink(path)


@contextlib.contextmanager
def atomic_path(final: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path to write instead of `final`: renamed over `final` when the block ends,
    removed (and `final` left as it was) when it raises."""
    target = Path(final)
    temporary = temporary_name(target)
    try:
        yield temporary
        replace_atomically(temporary, target)
    except BaseException:
        remove_quietly(temporary)
        raise


def write_text_atomically(text: str, path: str | os.PathLike[str], verb: str = "save") -> None:
    """Write text to path all or nothing; OSError saying what, where and why otherwise."""
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise OSError(f"cannot {verb} {target.name}: the folder {folder} does not exist")
    if target.is_dir():
        raise OSError(f"cannot {verb} {target.name}: it is a folder")
    try:
        with atomic_path(target) as temporary, create_text(temporary) as file:
            file.write(text)
    except OSError as err:
        raise OSError(f"cannot {verb} {target.name}: {err.strerror or err}") from err


def create_text(path: Path) -> TextIO:
    """A new text file (UTF-8, \\n line ends) that must not exist yet; mode 0o666 minus the
    umask, like an ordinary new file (replace_atomically keeps an old file's mode)."""
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    return os.fdopen(handle, "w", encoding="utf-8", newline="\n")


def _fsync(path: Path) -> None:
    with contextlib.suppress(OSError):
        handle = os.open(path, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
