"""Frames to MP4, WebM, GIF (through ffmpeg) or PNG files: streamed, atomic and cancellable.

How a frame travels: the caller's thread checks it (and copies it, unless the caller hands it
over), then puts it in a small bounded queue; a writer thread takes it from there and pipes it
into ffmpeg (its own process, so encoding runs beside rendering) or saves it as a PNG with
Pillow. Memory stays flat whatever the frame count, and the caller only waits when the encoder
is a few frames behind.

Atomic: everything is written under a hidden temporary name in the destination's folder
(``.name.partial-<pid>.mp4``) and renamed over the final path only once the encoder has
finished cleanly. A cancel or an error removes the temporary file and leaves the final path
as it was.

GIF, streamed with one global palette: the palette (up to 256 colours, Pillow median cut, no
dithering) is built before the first frame is encoded, from frames sampled across the whole
animation (`palette_samples`; the first frame alone when none are given) and given to ffmpeg
as a 16x16 PNG; ffmpeg's ``paletteuse=dither=none`` maps every frame onto it, so a flat region
stays one index and no frame carries a local colour table. 27 entries are a fixed coarse
colour cube, so a colour no sample holds maps to a saturated neighbour rather than to the
nearest surface shade. GIF delays are whole hundredths of a second: frame i starts at
round(100·i / fps) cs, so the delays alternate (30 fps: 3, 3, 4 cs) and average exactly
1/fps. The GIF loops forever.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

import numpy as np

from gdviz.core.atomic_file import remove_quietly, replace_atomically, temporary_name
from gdviz.export.formats import FORMAT_BY_KEY
from gdviz.export.spec import (
    ExportError,
    ExportSpec,
    check_destination,
    estimate,
    validate,
)

log = logging.getLogger(__name__)

QUEUE_FRAMES = 4
PNG_FRAMES_COMPRESS_LEVEL = 1  # zlib level 1: ~25 ms per 720p frame, 8% larger than level 3
PNG_STILL_COMPRESS_LEVEL = 6
_STDERR_HEAD_LINES = 2  # ffmpeg's first lines name the cause ...
_STDERR_TAIL_LINES = 2  # ... and its last ones say how it ended
_STDERR_PART_BYTES = 4096
_STDERR_LINE_CHARS = 110
# 3x3x3 cube (0, 128, 255 per channel) kept in every GIF palette for colours frame 0 lacks.
_GIF_RESERVED_COLOURS = np.array(
    [(r, g, b) for r in (0, 128, 255) for g in (0, 128, 255) for b in (0, 128, 255)], np.uint8
)
_POLL_SECONDS = 0.05
# Palette samples are thinned to about this many pixels each (every n-th row and column, so
# the colours stay exact) before the median cut.
_PALETTE_SAMPLE_PIXELS = 640 * 360


class ExportCancelled(Exception):
    """The export was stopped by keep_going(); nothing was left on disk."""


@dataclass(frozen=True)
class ExportResult:
    """A finished export: final path, its size in bytes, frame count, wall-clock seconds taken,
    and how long the animation plays (duration_s)."""

    path: Path
    bytes: int
    frames: int
    seconds: float
    duration_s: float


def export_frames(
    spec: ExportSpec,
    frames: Iterable[np.ndarray],
    progress: Callable[[int, int], None] | None = None,
    keep_going: Callable[[], bool] | None = None,
    palette_samples: Iterable[np.ndarray] | None = None,
    handed_over: bool = False,
) -> ExportResult:
    """Write spec.frames frames (RGBA or RGB uint8, top row first) to spec.path: the first
    spec.frames − spec.hold taken from `frames`, the last of them repeated by the encoder.

    The spec and the destination are checked before the first frame is taken. progress(done,
    total) and keep_going() are called on the caller's thread: progress after each frame is
    handed over, keep_going before each frame and while waiting for the encoder (keep it
    cheap). palette_samples: frames from across the animation that a GIF's palette is built
    from, taken before the first frame (ignored by other formats). handed_over: the caller
    never changes a frame once it is yielded, so a frame already in the sink's layout is queued
    as it is, not copied (the same array may come again: a held last frame). Raises ExportError
    (bad spec, destination, frame or encoder failure) or ExportCancelled; either way nothing is
    left at the final path or beside it.
    """
    spec = validate(spec)
    check_destination(spec)
    started = time.perf_counter()
    final = Path(os.path.abspath(spec.path))
    sink = _sink_for(spec, final)
    writer: _WriterThread | None = None
    try:
        if palette_samples is not None and isinstance(sink, _FfmpegSink) and spec.format == "gif":
            sink.use_palette_from(_thinned_samples(palette_samples, spec, keep_going))
        if isinstance(sink, _FfmpegSink):
            sink.start_if_ready()  # ffmpeg starts up while the first frame is rendered
        writer = _WriterThread(sink.write)
        source = iter(frames)
        padded = isinstance(sink, _FfmpegSink)
        for index in range(spec.frames - spec.hold):  # the encoder repeats the last frame
            if keep_going is not None and not keep_going():
                raise ExportCancelled(f"export cancelled after {index} of {spec.frames} frames")
            try:
                frame = next(source)
            except StopIteration:
                raise ExportError(
                    f"only {index} frames arrived, but the export needs {spec.frames - spec.hold}"
                ) from None
            prepared = _prepared_frame(frame, index, spec, padded=padded, copy=not handed_over)
            writer.put(prepared, keep_going)
            if progress is not None:
                progress(index + 1, spec.frames)
        writer.close(keep_going)
        sink.finish(keep_going)
        if progress is not None and spec.hold:
            progress(spec.frames, spec.frames)
        try:
            size = sink.commit()
        except OSError as exc:
            raise ExportError(f"could not put the finished file at {final}: {exc}") from exc
    except BaseException:
        sink.stop()
        if writer is not None:
            writer.abandon()
        sink.discard()
        raise
    finally:
        # A frame generator's own clean-up (it may hold GL state) runs here, on this thread, now:
        # not whenever it is collected, which may be after the QApplication is gone.
        for generator in (frames, palette_samples):
            _close_quietly(generator)
    seconds = time.perf_counter() - started
    log.info("exported %d frames to %s (%d bytes) in %.2f s", spec.frames, final, size, seconds)
    return ExportResult(final, size, spec.frames, seconds, estimate(spec).duration_s)


def _close_quietly(source: object) -> None:
    close = getattr(source, "close", None)
    if callable(close):
        try:
            close()
        except Exception as exc:  # never hide the error that ended the export
            log.warning("could not close the frame source: %s", exc)


def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary that imageio-ffmpeg ships (or IMAGEIO_FFMPEG_EXE)."""
    try:
        import imageio_ffmpeg

        exe = imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError) as exc:
        reason = str(exc)
    else:
        # IMAGEIO_FFMPEG_EXE is returned unchecked; a typo there must fail here, not mid-export.
        found = shutil.which(exe)
        if found is not None:
            return found
        reason = f"{exe} is not an executable file"
    raise ExportError(
        f"ffmpeg is needed for MP4, WebM and GIF but was not found ({reason}); "
        "reinstall gdviz or `pip install imageio-ffmpeg`, or export PNG frames"
    )


def _thinned_samples(
    samples: Iterable[np.ndarray], spec: ExportSpec, keep_going: Callable[[], bool] | None
) -> list[np.ndarray]:
    """The palette samples as RGB, every n-th row and column (exact colours, few pixels)."""
    stride = max(1, round((spec.width * spec.height / _PALETTE_SAMPLE_PIXELS) ** 0.5))
    thinned = []
    for index, sample in enumerate(samples):
        _check_keep_going(keep_going)
        rgb = _prepared_frame(sample, index, replace(spec, background="dark"), "palette sample")
        thinned.append(np.ascontiguousarray(rgb[::stride, ::stride]))
    return thinned


def _prepared_frame(
    frame: object,
    index: int,
    spec: ExportSpec,
    what: str = "frame",
    padded: bool = False,
    copy: bool = True,
) -> np.ndarray:
    """A C-contiguous copy of frame in the layout the sink writes: RGBA if transparent, else
    RGB, or with padded (ffmpeg's rgb0) four bytes a pixel whose fourth is ignored: an RGBA
    frame is then copied whole, not gathered into RGB (a tenth of the time). copy=False: a
    frame already in that layout is returned itself."""
    if not isinstance(frame, np.ndarray):
        raise ExportError(f"{what} {index} is a {type(frame).__name__}, not an image array")
    expected = f"({spec.height}, {spec.width}, 4) RGBA or ({spec.height}, {spec.width}, 3) RGB"
    if frame.ndim != 3 or frame.shape[2] not in (3, 4):
        raise ExportError(f"{what} {index} has shape {frame.shape}; expected {expected}")
    if frame.shape[:2] != (spec.height, spec.width):
        raise ExportError(
            f"{what} {index} is {frame.shape[1]}x{frame.shape[0]} pixels, but the export is "
            f"{spec.width}x{spec.height}"
        )
    if frame.dtype != np.uint8:
        raise ExportError(f"{what} {index} has dtype {frame.dtype}; expected uint8")
    if spec.background == "transparent":
        if frame.shape[2] != 4:
            raise ExportError(
                f"{what} {index} has no alpha channel, but the background is transparent"
            )
        return _in_c_order(frame, copy)
    # Opaque formats: alpha is dropped (the frame was rendered on an opaque background).
    if not padded:
        return np.array(frame[:, :, :3], order="C", copy=True)
    if frame.shape[2] == 4:
        return _in_c_order(frame, copy)
    out = np.empty((spec.height, spec.width, 4), np.uint8)
    out[:, :, :3] = frame
    out[:, :, 3] = 255
    return out


def _in_c_order(frame: np.ndarray, copy: bool) -> np.ndarray:
    """frame itself if it is C-contiguous and no copy is asked for, else a C-contiguous copy."""
    if not copy and frame.flags.c_contiguous:
        return frame
    return np.array(frame, order="C", copy=True)


class _WriterThread:
    """A thread that passes frames from a bounded queue to write(); errors surface on put/close."""

    _STOP = object()

    def __init__(self, write: Callable[[np.ndarray], None]) -> None:
        self._write = write
        self._queue: queue.Queue[object] = queue.Queue(maxsize=QUEUE_FRAMES)
        self._abandoned = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="gdviz-export-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is self._STOP or self._abandoned.is_set():
                return
            try:
                self._write(item)  # type: ignore[arg-type]
            except BaseException as exc:  # handed to the caller's thread by _raise_if_failed
                self._error = exc
                return

    def put(self, frame: np.ndarray, keep_going: Callable[[], bool] | None) -> None:
        self._put(frame, keep_going)

    def close(self, keep_going: Callable[[], bool] | None) -> None:
        """Wait until every queued frame is written."""
        self._put(self._STOP, keep_going)
        while self._thread.is_alive():
            self._thread.join(_POLL_SECONDS)
            _check_keep_going(keep_going)
        self._raise_if_failed()

    def abandon(self) -> None:
        """Drop queued frames and stop the thread (the sink was stopped first, so writes end)."""
        self._abandoned.set()
        with contextlib.suppress(queue.Empty):
            while True:
                self._queue.get_nowait()
        with contextlib.suppress(queue.Full):
            self._queue.put_nowait(self._STOP)
        self._thread.join(10.0)
        if self._thread.is_alive():
            log.warning("export writer thread did not stop within 10 s")

    def _put(self, item: object, keep_going: Callable[[], bool] | None) -> None:
        while True:
            self._raise_if_failed()
            if not self._thread.is_alive():
                raise ExportError("the export writer stopped unexpectedly")
            try:
                self._queue.put(item, timeout=_POLL_SECONDS)
                return
            except queue.Full:
                _check_keep_going(keep_going)

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            raise self._error


def _check_keep_going(keep_going: Callable[[], bool] | None) -> None:
    if keep_going is not None and not keep_going():
        raise ExportCancelled("export cancelled")


def _partial_path(final: Path) -> Path:
    return temporary_name(final)


class _FileSink:
    """Writes one file under a temporary name beside the final one; commit renames it."""

    def __init__(self, final: Path) -> None:
        self.final = final
        self.partial = _partial_path(final)

    def commit(self) -> int:
        replace_atomically(self.partial, self.final)
        return self.final.stat().st_size

    def stop(self) -> None:
        pass

    def discard(self) -> None:
        try:
            os.unlink(self.partial)
        except FileNotFoundError:
            pass
        except OSError as exc:  # never hide the error that made us discard
            log.warning("could not remove %s: %s", self.partial, exc)


class _PngStillSink(_FileSink):
    def write(self, frame: np.ndarray) -> None:
        _save_png(frame, self.partial, 0, PNG_STILL_COMPRESS_LEVEL)

    def finish(self, keep_going: Callable[[], bool] | None) -> None:
        pass


class _PngFramesSink:
    """Numbered PNGs (frame_00000.png, ...) in a temporary folder, renamed at the end."""

    def __init__(self, final: Path, frames: int) -> None:
        self.final = final
        self.partial = _partial_path(final)
        self._digits = max(5, len(str(frames - 1)))
        self._count = 0
        self._stopped = False
        try:
            self.partial.mkdir()
        except OSError as exc:
            raise ExportError(f"cannot create {self.partial}: {exc.strerror or exc}") from exc

    def write(self, frame: np.ndarray) -> None:
        if self._stopped:
            return
        name = f"frame_{self._count:0{self._digits}d}.png"
        _save_png(frame, self.partial / name, self._count, PNG_FRAMES_COMPRESS_LEVEL)
        self._count += 1

    def finish(self, keep_going: Callable[[], bool] | None) -> None:
        pass

    def commit(self) -> int:
        size = sum(entry.stat().st_size for entry in self.partial.iterdir())
        if self.final.is_dir():
            self.final.rmdir()  # empty (checked before the export); os.replace needs it gone
        replace_atomically(self.partial, self.final)
        return size

    def stop(self) -> None:
        self._stopped = True

    def discard(self) -> None:
        remove_quietly(self.partial)


def _save_png(frame: np.ndarray, path: Path, index: int, level: int) -> None:
    from PIL import Image

    try:
        Image.fromarray(frame).save(path, format="PNG", compress_level=level)
    except OSError as exc:
        raise ExportError(f"could not write frame {index} to {path}: {exc}") from exc


class _FfmpegSink(_FileSink):
    """Pipes raw frames (rgb0: RGB and an ignored byte) into an ffmpeg process that writes MP4,
    WebM or GIF."""

    def __init__(self, spec: ExportSpec, final: Path) -> None:
        self._exe = ffmpeg_exe()  # before any frame is taken, so a missing ffmpeg costs nothing
        super().__init__(final)
        self._spec = spec
        self._lock = threading.Lock()
        self._stopped = False
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed by commit/discard
        self._palette: Path | None = None
        self._palette_frames: list[np.ndarray] | None = None
        self._written = 0

    def use_palette_from(self, frames: list[np.ndarray]) -> None:
        """Build the GIF palette from these frames instead of the first one."""
        self._palette_frames = frames or None

    def start_if_ready(self) -> None:
        """Start the encoder now, unless a GIF's palette waits for the first frame."""
        if self._proc is None and (self._spec.format != "gif" or self._palette_frames):
            self._start(None)

    def write(self, frame: np.ndarray) -> None:
        if self._proc is None:
            self._start(frame)
        assert self._proc is not None and self._proc.stdin is not None
        try:
            self._proc.stdin.write(memoryview(frame).cast("B"))
        except OSError as exc:
            if self._stopped:
                raise ExportCancelled("export cancelled") from exc
            raise ExportError(
                self._failure(f"ffmpeg stopped while frame {self._written} was being written")
            ) from exc
        self._written += 1

    def finish(self, keep_going: Callable[[], bool] | None) -> None:
        proc = self._proc
        if proc is None or proc.stdin is None:
            raise ExportError("no frame reached the encoder")
        try:
            proc.stdin.close()
        except OSError as exc:
            raise ExportError(self._failure("ffmpeg stopped before the last frame")) from exc
        while True:
            try:
                code = proc.wait(_POLL_SECONDS)
                break
            except subprocess.TimeoutExpired:
                _check_keep_going(keep_going)
        if code != 0:
            raise ExportError(self._failure(f"ffmpeg failed (exit code {code})"))

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            proc = self._proc
        if proc is not None and proc.poll() is None:
            if os.name == "posix":
                # the encoder's whole session (its own, see _start): a wrapper script's child
                # would otherwise keep the pipe open and the writer thread blocked in write()
                with contextlib.suppress(OSError):
                    os.killpg(proc.pid, signal.SIGKILL)
            proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(10.0)

    def discard(self) -> None:
        if self._proc is not None and self._proc.stdin is not None:
            with contextlib.suppress(OSError):
                self._proc.stdin.close()
        self._close_quietly()
        super().discard()

    def commit(self) -> int:
        self._close_quietly()
        return super().commit()

    def _close_quietly(self) -> None:
        self._stderr.close()
        if self._palette is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._palette)
            self._palette = None

    def _start(self, first_frame: np.ndarray | None) -> None:
        if self._spec.format == "gif":
            samples = self._palette_frames
            if not samples:
                assert first_frame is not None
                samples = [first_frame[:, :, :3]]
            self._palette = _write_gif_palette(samples)
        args = _ffmpeg_args(self._exe, self._spec, self.partial, self._palette)
        log.debug("starting %s", " ".join(args))
        with self._lock:
            if self._stopped:
                raise ExportCancelled("export cancelled")
            try:
                self._proc = subprocess.Popen(
                    args,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.DEVNULL,
                    stderr=self._stderr,
                    creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
                    # a Ctrl+C reaches gdviz, which stops the encoder itself and cleans up
                    start_new_session=os.name == "posix",
                )
            except OSError as exc:
                raise ExportError(f"could not start ffmpeg ({self._exe}): {exc}") from exc

    def _failure(self, headline: str) -> str:
        """headline and, on the same line, what ffmpeg said first (the cause) and last (how it
        ended), each line shortened."""
        if self._proc is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(5.0)
        try:
            self._stderr.seek(0)
            head = self._stderr.read(_STDERR_PART_BYTES)
            self._stderr.seek(0, os.SEEK_END)
            size = self._stderr.tell()
            self._stderr.seek(max(len(head), size - _STDERR_PART_BYTES))
            tail = self._stderr.read()
        except (OSError, ValueError):
            head = tail = b""
        lines = [
            _shortened(" ".join(line.split()))
            for line in (head + tail).decode("utf-8", "replace").splitlines()
            if line.strip()
        ]
        if not lines:
            return headline
        if len(lines) > _STDERR_HEAD_LINES + _STDERR_TAIL_LINES:
            lines = [*lines[:_STDERR_HEAD_LINES], "…", *lines[-_STDERR_TAIL_LINES:]]
        return f"{headline}: {' | '.join(lines)}"


def _shortened(line: str) -> str:
    return line if len(line) <= _STDERR_LINE_CHARS else line[: _STDERR_LINE_CHARS - 1] + "…"


def _ffmpeg_args(exe: str, spec: ExportSpec, output: Path, palette: Path | None) -> list[str]:
    fraction = Fraction(spec.fps).limit_denominator(1001)
    rate = f"{fraction.numerator}/{fraction.denominator}"
    args = [exe, "-hide_banner", "-nostats", "-loglevel", "error"]
    # rgb0: four bytes a pixel, the fourth ignored (frames come as RGBA: no repacking to RGB)
    args += ["-f", "rawvideo", "-pix_fmt", "rgb0", "-video_size", f"{spec.width}x{spec.height}"]
    args += ["-framerate", rate, "-i", "pipe:0"]
    fmt = FORMAT_BY_KEY[spec.format]
    if fmt.writer != "ffmpeg":
        raise ExportError(f"ffmpeg does not write {spec.format}")
    if spec.format == "gif":
        assert palette is not None
        args += ["-i", os.fspath(palette)]  # the encoder's paletteuse reads it as input 1
    # Frame i at round(100·i/fps) centiseconds: whole-centisecond GIF delays that average 1/fps.
    timing = f"settb=1/100,setpts=round(N*{100 * fraction.denominator}/{fraction.numerator})"
    hold = f",tpad=stop_mode=clone:stop={spec.hold}" if spec.hold else ""
    args += [arg.replace("{gif_timing}", timing).replace("{hold}", hold) for arg in fmt.encoder]
    return [*args, "-y", os.fspath(output)]


def _write_gif_palette(frames: list[np.ndarray]) -> Path:
    """A 16x16 PNG (ffmpeg's paletteuse wants 256 pixels): the colours of `frames` (samples
    from across the animation), plus a coarse colour cube so colours that no sample holds map
    to a saturated neighbour, not to mud."""
    from PIL import Image

    width = max(frame.shape[1] for frame in frames)
    mosaic = np.concatenate(
        [np.pad(f, ((0, 0), (0, width - f.shape[1]), (0, 0)), mode="edge") for f in frames]
    )
    quantized = Image.fromarray(mosaic).quantize(
        colors=256 - len(_GIF_RESERVED_COLOURS),
        method=Image.Quantize.MEDIANCUT,
        dither=Image.Dither.NONE,
    )
    table = np.array(quantized.getpalette(), dtype=np.uint8).reshape(-1, 3)
    used = table[np.unique(np.asarray(quantized))]
    colours = np.concatenate([used, _GIF_RESERVED_COLOURS])
    colours = np.concatenate([colours, np.repeat(colours[:1], 256 - len(colours), axis=0)])
    handle, name = tempfile.mkstemp(prefix="gdviz-palette-", suffix=".png")
    os.close(handle)
    Image.fromarray(colours.reshape(16, 16, 3)).save(name, format="PNG")
    return Path(name)


def _sink_for(spec: ExportSpec, final: Path) -> _FileSink | _PngFramesSink:
    writer = FORMAT_BY_KEY[spec.format].writer
    if writer == "png-still":
        return _PngStillSink(final)
    if writer == "png-frames":
        return _PngFramesSink(final, spec.frames)
    return _FfmpegSink(spec, final)
