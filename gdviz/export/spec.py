"""What to export (format, size, fps, frames, background), checked before any frame is rendered."""

from __future__ import annotations

import errno
import math
import numbers
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from gdviz.core.animation import hold_frames
from gdviz.export.formats import EXPORT_FORMATS, FORMAT_BY_KEY, FORMAT_BY_SUFFIX

FORMATS: tuple[str, ...] = tuple(f.key for f in EXPORT_FORMATS)
BACKGROUNDS = ("dark", "light", "transparent")
SIZES = {"720p": (1280, 720), "1080p": (1920, 1080), "4k": (3840, 2160)}
MIN_SIDE = 16
MAX_SIDE = 7680
MAX_FRAMES = 100_000  # 55 minutes at 30 fps
# Pixels rendered in all: 10,000 frames of 1080p (5.5 minutes at 30 fps) take about an hour
# on software GL; beyond that an export is a mistake, not a wish.
MAX_TOTAL_PIXELS = 1920 * 1080 * 10_000
MIN_FPS = 1.0  # encoders store the rate as a fraction; below 1 fps nothing plays anyway
MAX_FPS = 120.0
DEFAULT_FPS = 30
DEFAULT_FRAMES = 150  # 5 s at 30 fps, then the last frame held 1 s
# Browsers clamp GIF delays under 2 centiseconds to 10 (so a "100 fps" GIF plays at 10 fps).
MAX_GIF_FPS = 50.0

_SIZE_PATTERN = re.compile(r"^\s*(\d{1,6})\s*[x×*]\s*(\d{1,6})\s*$", re.IGNORECASE)

# Size model: encoded videos by the measured table in formats.py (motion, first frame, each
# further frame); PNG frames by bytes_per_pixel_frame (zlib level 1 RGB: 0.22 .. 0.30 bytes per
# pixel whatever the motion -> 0.4, RGBA x1.3), plus 64 KiB per file for headers.
SIZE_MODEL_PIXELS = 1280 * 720  # the picture formats.py's sizes were measured at
_ALPHA_PNG_FACTOR = 1.3
_FIXED_BYTES = 64 * 1024
# Free space wanted beyond the estimate: the model is rough, and a full disk must not be hit.
_SPACE_MARGIN_FACTOR = 1.5
_SPACE_MARGIN_BYTES = 16 * 1024 * 1024


class ExportError(Exception):
    """An export that cannot be done, with a message meant for the person who asked for it."""


@dataclass(frozen=True)
class ExportSpec:
    """One export: where, which format, pixel size, frame rate, frame count and background.

    hold: of the `frames`, how many at the end repeat the frame before them (a video of
    something that ends stays on it); the encoder repeats it, so those frames are not rendered
    or piped (0 for formats that do not hold their last frame)."""

    path: Path
    format: str
    width: int
    height: int
    fps: float
    frames: int
    background: str = "dark"
    hold: int = 0


@dataclass(frozen=True)
class Estimate:
    """How long the animation plays and roughly how many bytes it takes on disk."""

    duration_s: float
    approx_bytes: int


def format_for_path(path: str | os.PathLike[str]) -> str:
    """The export format a path asks for: by suffix, or png-frames for a folder-like path."""
    text = os.fspath(path)
    if text.endswith(("/", os.sep)):
        return "png-frames"
    suffix = Path(text).suffix.lower()
    if suffix == "":
        return "png-frames"
    try:
        return FORMAT_BY_SUFFIX[suffix].key
    except KeyError:
        endings = ", ".join(FORMAT_BY_SUFFIX)
        raise ExportError(
            f"cannot tell the format of {text[:200]!r} from its ending {suffix[:20]!r}: use "
            f"{endings}, or a folder name (no ending) for numbered PNG frames"
        ) from None


def parse_size(text: str) -> tuple[int, int]:
    """(width, height) from '1280x720' or a preset name ('720p', '1080p', '4k')."""
    preset = SIZES.get(text.strip().lower())
    if preset is not None:
        return preset
    match = _SIZE_PATTERN.match(text)
    if match is None:
        names = ", ".join(SIZES)
        raise ExportError(f"size {text!r} is not WIDTHxHEIGHT (like 1280x720) or one of {names}")
    width, height = int(match.group(1)), int(match.group(2))
    _check_sides(width, height)
    return width, height


def hold_for(format_key: str, kinds: tuple[str, ...], fps: float) -> int:
    """Frames added to repeat the last one (a video of something that ends stays on it)."""
    return hold_frames(kinds, fps) if FORMAT_BY_KEY[format_key].holds_last_frame else 0


def validate(spec: ExportSpec) -> ExportSpec:
    """The spec with path as a Path, or ExportError saying what is wrong and how to fix it."""
    if spec.format not in FORMATS:
        raise ExportError(f"unknown format {spec.format!r}: choose one of {', '.join(FORMATS)}")
    fmt = FORMAT_BY_KEY[spec.format]
    name = fmt.name
    path = Path(spec.path)
    _check_suffix(path, spec.format)
    for label, value in (("width", spec.width), ("height", spec.height)):
        if not _is_int(value):
            raise ExportError(f"{label} must be a whole number of pixels (got {value!r})")
    _check_sides(spec.width, spec.height)
    if fmt.even_sides:
        for label, value in (("width", spec.width), ("height", spec.height)):
            if value % 2:
                raise ExportError(
                    f"{label} must be even for {name} (got {value}): try {value - 1}"
                    if value - 1 >= MIN_SIDE
                    else f"{label} must be even for {name} (got {value}): try {value + 1}"
                )
    if isinstance(spec.fps, bool) or not isinstance(spec.fps, numbers.Real):
        raise ExportError(f"fps must be a number (got {spec.fps!r})")
    if not (math.isfinite(spec.fps) and MIN_FPS <= spec.fps <= MAX_FPS):
        raise ExportError(
            f"fps must be from {MIN_FPS:g} to {MAX_FPS:g} (got {_shown_number(spec.fps)})"
        )
    if spec.format == "gif" and spec.fps > MAX_GIF_FPS:
        raise ExportError(
            f"GIF plays at most {MAX_GIF_FPS:g} frames per second (got {spec.fps:g}): browsers "
            "slow faster GIFs down; use 50, 25 or 20 fps, or export MP4"
        )
    if not _is_int(spec.frames) or not 1 <= spec.frames <= MAX_FRAMES:
        raise ExportError(
            f"frames must be a whole number from 1 to {MAX_FRAMES:,} "
            f"(got {_shown_number(spec.frames)})"
        )
    if spec.frames * spec.width * spec.height > MAX_TOTAL_PIXELS:
        raise ExportError(
            f"{spec.frames:,} frames of {spec.width}×{spec.height} is more than gdviz renders in "
            f"one export ({MAX_TOTAL_PIXELS / 1e9:.0f} billion pixels, e.g. 10,000 frames of "
            "1920×1080): use fewer frames or a smaller size"
        )
    if not fmt.animated and spec.frames != 1:
        raise ExportError(
            f"a PNG still holds exactly 1 frame (got {spec.frames}): for an animation use a "
            "folder (numbered PNG frames), .mp4, .gif or .webm"
        )
    if not _is_int(spec.hold) or not 0 <= spec.hold < spec.frames:
        raise ExportError(
            f"the held frames must be a whole number from 0 to {spec.frames - 1:,} "
            f"(got {_shown_number(spec.hold)})"
        )
    if spec.hold and not fmt.holds_last_frame:
        raise ExportError(f"{name} does not hold its last frame (got {spec.hold} held frames)")
    if spec.background not in BACKGROUNDS:
        raise ExportError(
            f"background must be one of {', '.join(BACKGROUNDS)} (got {spec.background!r})"
        )
    if spec.background == "transparent" and not fmt.transparent:
        raise ExportError(
            f"{name} cannot have a transparent background here: export PNG (a still, or a folder "
            "of numbered frames) for transparency, or pick the dark or light background"
        )
    return replace(
        spec,
        path=path,
        width=int(spec.width),
        height=int(spec.height),
        fps=float(spec.fps),
        frames=int(spec.frames),
        hold=int(spec.hold),
    )


def motion_of(kinds: tuple[str, ...], follow: bool = False) -> str:
    """How much of the picture changes between frames (MOTIONS in formats.py)."""
    if follow or "orbit" in kinds:
        return "moving"
    return "turning" if "direction" in kinds else "still"


def estimate(
    spec: ExportSpec, kinds: tuple[str, ...] = ("descent",), follow: bool = False
) -> Estimate:
    """Play time and the expected size in bytes of an export of `kinds` (the model above and
    in formats.py; within about 30% of the real file for gdviz's scenes)."""
    fmt = FORMAT_BY_KEY[spec.format]
    duration = spec.frames / spec.fps if fmt.animated else 0.0
    if fmt.writer == "ffmpeg":
        first, each = next((f, e) for m, f, e in fmt.sizes if m == motion_of(tuple(kinds), follow))
        moving = max(spec.frames - hold_for(spec.format, tuple(kinds), spec.fps), 1)
        scale = (spec.width * spec.height / SIZE_MODEL_PIXELS) ** fmt.size_exponent
        return Estimate(duration, int(math.ceil(scale * (first + each * (moving - 1)))))
    per_frame = fmt.bytes_per_pixel_frame * spec.width * spec.height
    if spec.background == "transparent":
        per_frame *= _ALPHA_PNG_FACTOR
    approx = int(math.ceil(per_frame * spec.frames)) + _FIXED_BYTES * spec.frames
    return Estimate(duration_s=duration, approx_bytes=approx)


def check_destination(spec: ExportSpec) -> None:
    """ExportError unless the spec's path can be written now (folder, permission, free space)."""
    spec = validate(spec)
    target = Path(os.path.abspath(spec.path))
    folder = target.parent
    if not folder.exists():
        raise ExportError(f"cannot write to {target}: the folder {folder} does not exist")
    if not folder.is_dir():
        raise ExportError(f"cannot write to {target}: {folder} is a file, not a folder")
    if spec.format == "png-frames":
        if target.exists() and not target.is_dir():
            raise ExportError(f"cannot write frames to {target}: it is a file, not a folder")
        if target.is_dir() and any(target.iterdir()):
            raise ExportError(
                f"cannot write frames to {target}: the folder is not empty; choose a new or "
                "empty folder so no files get mixed up"
            )
    elif target.is_dir():
        raise ExportError(f"cannot write to {target}: it is a folder")
    _check_writable(folder, target)
    # the worst case (every pixel changing): a full disk must not be hit
    _check_free_space(folder, target, estimate(spec, ("orbit",)).approx_bytes)


def _check_writable(folder: Path, target: Path) -> None:
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ExportError(
            f"cannot write to {target}: the folder {folder} is read-only for you (no permission)"
        )
    # os.access says yes to root on a read-only mount; only a real file tells the truth.
    try:
        handle, probe = tempfile.mkstemp(prefix=".gdviz-probe-", dir=folder)
    except OSError as exc:
        raise ExportError(f"cannot write to {target}: {_reason(exc, folder)}") from exc
    os.close(handle)
    try:
        os.unlink(probe)
    except OSError as exc:
        raise ExportError(f"cannot write to {target}: {_reason(exc, folder)}") from exc


def _check_free_space(folder: Path, target: Path, approx_bytes: int) -> None:
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return  # some file systems cannot say; the writer still fails cleanly when full
    needed = int(approx_bytes * _SPACE_MARGIN_FACTOR) + _SPACE_MARGIN_BYTES
    if free < needed:
        raise ExportError(
            f"cannot write to {target}: not enough free space in {folder} "
            f"({_megabytes(free)} free, about {_megabytes(needed)} needed)"
        )


def _reason(exc: OSError, folder: Path) -> str:
    if exc.errno == errno.EROFS:
        return f"the folder {folder} is read-only (read-only file system)"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"the folder {folder} is read-only for you (permission denied)"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"the disk holding {folder} is full"
    return f"{exc.strerror or exc} ({folder})"


def _check_suffix(path: Path, key: str) -> None:
    suffix = path.suffix.lower()
    fmt = FORMAT_BY_KEY[key]
    if not fmt.suffix:  # a folder
        if suffix in FORMAT_BY_SUFFIX:
            raise ExportError(
                f"{fmt.name} go into a folder, but {path.name[:200]!r} ends in {suffix}: "
                "give a folder name without a file ending"
            )
        return
    if suffix != fmt.suffix:
        raise ExportError(
            f"a {fmt.name} file name must end in {fmt.suffix} (got {path.name[:200]!r})"
        )


def _check_sides(width: int, height: int) -> None:
    for label, value in (("width", width), ("height", height)):
        if not MIN_SIDE <= value <= MAX_SIDE:
            raise ExportError(
                f"{label} must be between {MIN_SIDE} and {MAX_SIDE} pixels (got {value})"
            )


def _is_int(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _shown_number(value: float) -> str:
    text = repr(value)
    return text if len(text) <= 24 else text[:24] + "…"


def _megabytes(n: int) -> str:
    return f"{n / 1e6:,.1f} MB"
