"""gdviz.export: specs are checked up front; files read back right; cancel/errors leave nothing."""

from __future__ import annotations

import errno
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import imageio.v2 as iio
import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from gdviz.export import (
    FORMATS,
    SIZES,
    ExportCancelled,
    ExportError,
    ExportSpec,
    check_destination,
    estimate,
    export_frames,
    format_for_path,
    parse_size,
    validate,
    writers,
)
from gdviz.export import spec as spec_module

LINUX_ONLY = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="uses /bin/sh, /proc and POSIX permissions"
)
SQUARE_RGB = (250, 60, 30)
PATCH_RGB = (40, 200, 90)  # appears only from frame PATCH_FROM on, never in frame 0
PATCH_FROM = 5


# --- synthetic frames -------------------------------------------------------------------------


def square_left(i: int, w: int, n: int) -> int:
    """x of the moving square's left edge in frame i: left to right across the middle."""
    side = max(4, w // 8)
    return int(round((w - side) * i / max(1, n - 1)))


def moving_square_frames(w: int, h: int, n: int, *, alpha: bool = False, patch: bool = False):
    """RGBA frames: a gradient, a square moving left to right, optionally a late flat patch."""
    side = max(4, w // 8)
    top = (h - side) // 2
    ramp = np.linspace(20, 200, w).astype(np.uint8)
    for i in range(n):
        frame = np.empty((h, w, 4), np.uint8)
        frame[..., 0] = ramp[None, :]
        frame[..., 1] = np.linspace(30, 120, h).astype(np.uint8)[:, None]
        frame[..., 2] = 90
        frame[..., 3] = 255
        if alpha:
            frame[..., 3] = np.linspace(0, 255, w).astype(np.uint8)[None, :]
        left = square_left(i, w, n)
        frame[top : top + side, left : left + side] = (*SQUARE_RGB, 255)
        if patch and i >= PATCH_FROM:
            frame[: h // 6, : w // 6] = (*PATCH_RGB, 255)
        yield frame


class RecordingFrames:
    """An iterable of frames that remembers how many were taken from it (and passes close()
    on to a generator, as export_frames calls it)."""

    def __init__(self, frames) -> None:
        self._frames = iter(frames)
        self.taken = 0

    def close(self) -> None:
        close = getattr(self._frames, "close", None)
        if close is not None:
            close()

    def __iter__(self):
        return self

    def __next__(self):
        frame = next(self._frames)
        self.taken += 1
        return frame


def spec_for(path: Path, fmt: str, w: int = 160, h: int = 120, **kw) -> ExportSpec:
    return ExportSpec(
        path=path,
        format=fmt,
        width=w,
        height=h,
        fps=kw.get("fps", 30.0),
        frames=kw.get("frames", 12),
        background=kw.get("background", "dark"),
        hold=kw.get("hold", 0),
    )


def ffmpeg_stream_line(path: Path) -> str:
    """The 'Stream ... Video:' line ffmpeg prints for a file (ffprobe is not shipped)."""
    exe = imageio_ffmpeg.get_ffmpeg_exe()
    proc = subprocess.run([exe, "-hide_banner", "-i", str(path)], capture_output=True, text=True)
    lines = [line for line in proc.stderr.splitlines() if "Video:" in line]
    assert lines, proc.stderr
    return lines[0]


def top_level_mp4_boxes(path: Path) -> list[str]:
    data = path.read_bytes()
    boxes, pos = [], 0
    while pos + 8 <= len(data):
        size = int.from_bytes(data[pos : pos + 4], "big")
        boxes.append(data[pos + 4 : pos + 8].decode("latin-1"))
        if size == 1:
            size = int.from_bytes(data[pos + 8 : pos + 16], "big")
        assert size >= 8
        pos += size
    return boxes


def gif_structure(path: Path) -> dict:
    """Parse a GIF's blocks: global table size, local-table flags, delays (cs), loop count."""
    data = path.read_bytes()
    assert data[:6] in (b"GIF87a", b"GIF89a")
    packed = data[10]
    pos = 13
    global_size = 0
    if packed & 0x80:
        global_size = 2 ** ((packed & 7) + 1)
        pos += 3 * global_size
    local, delays, loop = [], [], None

    def skip_sub_blocks(p: int) -> int:
        while data[p]:
            p += data[p] + 1
        return p + 1

    while data[pos] != 0x3B:
        if data[pos] == 0x21:
            label = data[pos + 1]
            if label == 0xF9:
                delays.append(int.from_bytes(data[pos + 4 : pos + 6], "little"))
            if label == 0xFF and data[pos + 3 : pos + 14] == b"NETSCAPE2.0":
                loop = int.from_bytes(data[pos + 16 : pos + 18], "little")
            pos = skip_sub_blocks(pos + 2)
        elif data[pos] == 0x2C:
            flags = data[pos + 9]
            local.append(bool(flags & 0x80))
            pos += 10
            if flags & 0x80:
                pos += 3 * 2 ** ((flags & 7) + 1)
            pos = skip_sub_blocks(pos + 1)
        else:
            raise AssertionError(f"unexpected GIF block {data[pos]:#x} at {pos}")
    return {"global": global_size, "local": local, "delays": delays, "loop": loop}


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = np.mean((a.astype(float) - b.astype(float)) ** 2)
    return 10 * math.log10(255**2 / mse) if mse else math.inf


def leftovers(folder: Path, keep: tuple[str, ...] = ()) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name not in keep)


# --- import rule ------------------------------------------------------------------------------


def test_export_imports_without_qt_gl_or_encoders():
    code = "import json, sys, gdviz.export\nprint(json.dumps(sorted(sys.modules)))\n"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    roots = {name.split(".")[0] for name in json.loads(proc.stdout)}
    assert "gdviz" in roots
    assert roots.isdisjoint({"PySide6", "shiboken6", "pyqtgraph", "OpenGL"})
    # Encoders load on first use, so the CLI can import gdviz.export cheaply.
    assert roots.isdisjoint({"imageio", "imageio_ffmpeg", "PIL"})


# --- spec -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("a/b/talk.mp4", "mp4"),
        ("TALK.MP4", "mp4"),
        ("loop.gif", "gif"),
        ("clip.webm", "webm"),
        ("still.png", "png"),
        ("frames", "png-frames"),
        ("out/frames.v2/", "png-frames"),
        (Path("frames_dir"), "png-frames"),
    ],
)
def test_format_for_path(path, expected):
    assert format_for_path(path) == expected


def test_format_for_unknown_suffix_is_refused():
    with pytest.raises(ExportError, match=r"\.avi"):
        format_for_path("talk.avi")


def test_parse_size_presets_and_custom():
    assert parse_size("720p") == (1280, 720)
    assert parse_size("1080P") == (1920, 1080)
    assert parse_size("4k") == (3840, 2160)
    assert parse_size("640x360") == (640, 360)
    assert parse_size(" 16 X 7680 ") == (16, 7680)
    assert set(SIZES) == {"720p", "1080p", "4k"}
    for bad in ("15x100", "100x7681", "0x0", "720", "wide", "12.5x10", "-640x360"):
        with pytest.raises(ExportError):
            parse_size(bad)


def test_validate_accepts_a_good_spec_and_makes_path_a_path(tmp_path):
    spec = ExportSpec(str(tmp_path / "a.mp4"), "mp4", 1280, 720, 30, 10, "dark")
    checked = validate(spec)
    assert checked.path == tmp_path / "a.mp4"
    assert isinstance(checked.fps, float)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"width": 1281}, r"width must be even for MP4 \(got 1281\): try 1280"),
        ({"height": 721}, r"height must be even for MP4 \(got 721\): try 720"),
        ({"fps": 0.0}, "fps"),
        ({"fps": -5.0}, "fps"),
        ({"fps": math.nan}, "fps"),
        ({"fps": math.inf}, "fps"),
        ({"fps": 120.5}, "fps"),
        ({"fps": 0.0004}, r"fps must be from 1 to 120 \(got 0.0004\)"),
        ({"frames": 0}, "frames"),
        ({"frames": 1_000_000_000}, "from 1 to 100,000"),
        ({"frames": 30_000}, "billion pixels"),
        ({"width": 15}, "between 16 and 7680"),
        ({"height": 7682}, "between 16 and 7680"),
        ({"background": "transparent"}, "transparent"),
        ({"background": "pink"}, "background"),
        ({"format": "avi"}, "unknown format"),
        ({"path": Path("talk.gif")}, r"must end in \.mp4"),
        ({"hold": 10}, r"held frames must be a whole number from 0 to 9 \(got 10\)"),
        ({"hold": -1}, "held frames"),
        ({"hold": 1.5}, "held frames"),
    ],
)
def test_validate_refuses_with_a_message(changes, message):
    values = {"path": Path("talk.mp4"), "format": "mp4", "width": 1280, "height": 720}
    values |= {"fps": 30.0, "frames": 10, "background": "dark"}
    values |= changes
    with pytest.raises(ExportError, match=message):
        validate(ExportSpec(**values))


def test_validate_format_specific_rules():
    with pytest.raises(ExportError, match="even for WebM"):
        validate(spec_for(Path("a.webm"), "webm", w=101, h=100))
    assert validate(spec_for(Path("a.gif"), "gif", w=101, h=99)).width == 101  # GIF: any size
    with pytest.raises(ExportError, match="50"):
        validate(spec_for(Path("a.gif"), "gif", fps=60.0))
    with pytest.raises(ExportError, match="exactly 1 frame"):
        validate(spec_for(Path("a.png"), "png", frames=2))
    with pytest.raises(ExportError, match="folder"):
        validate(spec_for(Path("frames.mp4"), "png-frames"))
    assert validate(spec_for(Path("a.png"), "png", frames=1, background="transparent"))
    assert validate(spec_for(Path("fr"), "png-frames", background="transparent"))
    assert validate(spec_for(Path("a.mp4"), "mp4", fps=120.0, w=7680, h=4320))


def test_estimate_duration_follows_fps():
    spec = spec_for(Path("a.mp4"), "mp4", fps=24.0, frames=120)
    assert estimate(spec).duration_s == pytest.approx(120 / 24)
    # GIF delays alternate between whole centiseconds so that they average 1/fps exactly.
    gif = spec_for(Path("a.gif"), "gif", fps=30.0, frames=120)
    assert estimate(gif).duration_s == pytest.approx(120 / 30)
    assert estimate(spec_for(Path("a.png"), "png", frames=1)).duration_s == 0


def test_estimate_grows_with_frames_and_pixels():
    for fmt, name in (("mp4", "a.mp4"), ("gif", "a.gif"), ("webm", "a.webm"), ("png-frames", "f")):
        small = estimate(spec_for(Path(name), fmt, frames=10)).approx_bytes
        longer = estimate(spec_for(Path(name), fmt, frames=100)).approx_bytes
        bigger = estimate(spec_for(Path(name), fmt, w=320, h=240, frames=10)).approx_bytes
        assert 0 < small < longer
        assert small < bigger


# --- writing and reading back -----------------------------------------------------------------


@pytest.mark.slow
def test_mp4_1080p_is_h264_yuv420p_exact_size_and_faststart(tmp_path):
    w, h, n = 1920, 1080, 10
    source = list(moving_square_frames(w, h, n))
    out = tmp_path / "talk.mp4"
    result = export_frames(spec_for(out, "mp4", w, h, fps=25.0, frames=n), iter(source))

    assert result.path == out and result.frames == n
    assert result.bytes == out.stat().st_size > 0
    assert result.duration_s == pytest.approx(n / 25)
    assert leftovers(tmp_path) == ["talk.mp4"]
    stream = ffmpeg_stream_line(out)
    assert "h264" in stream and "yuv420p" in stream and "1920x1080" in stream
    assert "bt709" in stream
    boxes = top_level_mp4_boxes(out)
    assert boxes.index("moov") < boxes.index("mdat")  # +faststart: playable while loading

    reader = iio.get_reader(out, "ffmpeg")
    meta = reader.get_meta_data()
    assert meta["size"] == (1920, 1080)
    assert meta["fps"] == pytest.approx(25.0)
    decoded = [frame for frame in reader]
    reader.close()
    assert len(decoded) == n
    assert decoded[0].shape == (1080, 1920, 3)
    for got, want in zip(decoded, source, strict=True):
        assert psnr(got, want[..., :3]) > 30
    # The square's colour survives RGB -> BT.709 YUV -> RGB (a wrong matrix shifts it by ~10).
    side, top = w // 8, (h - w // 8) // 2
    left = square_left(3, w, n)
    inside = decoded[3][top + 20 : top + side - 20, left + 20 : left + side - 20]
    assert np.abs(inside.reshape(-1, 3).mean(axis=0) - SQUARE_RGB).max() < 4
    # Consecutive frames differ where the square moved, and hardly anywhere else.
    moved = np.abs(decoded[4].astype(int) - decoded[3].astype(int)).sum(axis=2)
    left4 = square_left(4, w, n)
    assert moved[top + 10 : top + side - 10, left : left4 - 2].mean() > 50
    assert moved[: top - 20].mean() < 3


def test_mp4_odd_fps_and_frame_count_survive(tmp_path):
    out = tmp_path / "a.mp4"
    export_frames(spec_for(out, "mp4", fps=24.0, frames=37), moving_square_frames(160, 120, 37))
    reader = iio.get_reader(out, "ffmpeg")
    assert reader.get_meta_data()["fps"] == pytest.approx(24.0)
    assert reader.count_frames() == 37
    reader.close()


def test_gif_one_global_palette_no_dither_loop_and_delays(tmp_path):
    w, h, n, fps = 320, 240, 16, 25.0
    source = list(moving_square_frames(w, h, n, patch=True))
    source.insert(8, source[7].copy())  # an identical frame must not be merged away
    n += 1
    out = tmp_path / "loop.gif"
    result = export_frames(spec_for(out, "gif", w, h, fps=fps, frames=n), iter(source))
    assert leftovers(tmp_path) == ["loop.gif"]

    structure = gif_structure(out)
    assert structure["global"] == 256
    assert structure["local"] == [False] * n  # no image carries its own colour table
    delay = round(100 / fps)
    assert structure["delays"] == [delay] * n
    assert structure["loop"] == 0
    assert result.duration_s == pytest.approx(n * delay / 100)

    with Image.open(out) as gif:
        global_palette = gif.getpalette()
        assert gif.n_frames == n
        assert gif.info["loop"] == 0
        durations, patches, frames_rgb = [], [], []
        for index in range(n):
            gif.seek(index)
            durations.append(gif.info["duration"])
            rgb = np.asarray(gif.convert("RGB"))
            frames_rgb.append(rgb)
            patches.append(rgb[: h // 6, : w // 6].reshape(-1, 3))
    assert durations == [delay * 10] * n
    # The patch colour is not in frame 0, so not exactly in the palette; without dither the
    # whole patch still maps to ONE colour, a near-nearest entry of the global palette.
    palette = np.asarray(global_palette, dtype=float).reshape(-1, 3)
    nearest = np.sqrt(((palette - PATCH_RGB) ** 2).sum(axis=1)).min()
    for index in range(PATCH_FROM, n):
        assert len(np.unique(patches[index], axis=0)) == 1
        assert np.linalg.norm(patches[index][0] - np.array(PATCH_RGB)) <= 1.5 * nearest + 1
    # A flat colour that IS in frame 0 comes back (nearly) exactly.
    side, top = w // 8, (h - w // 8) // 2
    square = frames_rgb[3][top : top + side, square_left(3, w, n - 1) :][:, :side]
    assert len(np.unique(square.reshape(-1, 3), axis=0)) == 1
    assert np.abs(square[0, 0].astype(int) - SQUARE_RGB).max() <= 8
    # The square moves: where it was in frame 1 but no longer is in frame 2, pixels changed.
    left1, left2 = square_left(1, w, n - 1), square_left(2, w, n - 1)
    assert left1 < left2
    uncovered = np.abs(frames_rgb[2] - frames_rgb[1].astype(int))[top : top + side, left1:left2]
    assert uncovered.sum(axis=2).min() > 50
    assert np.array_equal(frames_rgb[7], frames_rgb[8])  # the duplicate, kept as a frame


def test_gif_delays_are_whole_centiseconds_that_average_exactly_the_fps(tmp_path):
    w, h, n = 64, 48, 31
    out = tmp_path / "thirty.gif"
    export_frames(spec_for(out, "gif", w, h, fps=30.0, frames=n), moving_square_frames(w, h, n))
    delays = gif_structure(out)["delays"]
    assert len(delays) == n
    assert set(delays) == {3, 4}  # 30 fps cannot be one whole-centisecond delay
    # frame i starts at round(100 i / 30) cs: the file plays n/30 s, 1/30 s per frame on average
    assert sum(delays) * 10 / n == pytest.approx(1000 / 30, abs=1.0)
    starts = np.r_[0, np.cumsum(delays)]
    assert np.abs(starts - 100 * np.arange(n + 1) / 30).max() <= 0.5 + 1e-9
    assert estimate(spec_for(out, "gif", w, h, fps=30.0, frames=n)).duration_s == pytest.approx(
        n / 30
    )


def _lab(rgb: np.ndarray) -> np.ndarray:
    """CIE L*a*b* (D65) of sRGB uint8 colours, written out here to check the GIF's colours."""
    c = rgb.astype(np.float64) / 255.0
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = c @ m.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])],
        axis=-1,
    )


def _late_colour_frames(w: int, h: int, n: int) -> list[np.ndarray]:
    """A grey ramp; from the middle frame on, an orange-to-purple band that frame 0 lacks."""
    frames = []
    for i in range(n):
        frame = np.empty((h, w, 4), np.uint8)
        frame[...] = np.linspace(40, 200, w).astype(np.uint8)[None, :, None]
        frame[..., 3] = 255
        if i >= n // 2:
            t = np.linspace(0, 1, w)[None, :]
            band = frame[h // 3 : 2 * h // 3]
            band[..., 0] = (240 - 90 * t).astype(np.uint8)
            band[..., 1] = (140 - 100 * t).astype(np.uint8)
            band[..., 2] = (30 + 170 * t).astype(np.uint8)
        frames.append(frame)
    return frames


def test_gif_palette_sampled_across_the_animation_keeps_late_colours(tmp_path):
    w, h, n = 240, 120, 12
    frames = _late_colour_frames(w, h, n)
    samples = [frames[i] for i in (0, n // 2, n - 1)]
    errors = {}
    for name, palette_samples in (("first", None), ("sampled", samples)):
        out = tmp_path / f"{name}.gif"
        export_frames(
            spec_for(out, "gif", w, h, fps=10.0, frames=n), iter(frames),
            palette_samples=palette_samples,
        )  # fmt: skip
        with Image.open(out) as gif:
            gif.seek(n - 1)
            late = np.asarray(gif.convert("RGB"))
        delta_e = np.linalg.norm(_lab(late) - _lab(frames[-1][..., :3]), axis=-1)
        errors[name] = (float(delta_e.mean()), float(delta_e.max()))
    assert errors["sampled"][0] < 1.5 and errors["sampled"][1] < 6.0
    # the palette of frame 0 alone bands the late colours (this is what the samples fix)
    assert errors["first"][0] > 2 * errors["sampled"][0]


def test_gif_palette_samples_are_checked_and_taken_before_the_first_frame(tmp_path):
    frames = RecordingFrames(moving_square_frames(64, 48, 4))
    taken_when_sampled = []

    def samples():
        taken_when_sampled.append(frames.taken)
        yield np.zeros((48, 64, 4), np.uint8)

    out = tmp_path / "ok.gif"
    export_frames(spec_for(out, "gif", 64, 48, frames=4), frames, palette_samples=samples())
    assert taken_when_sampled == [0]
    with pytest.raises(ExportError, match="palette sample 0"):
        export_frames(
            spec_for(tmp_path / "bad.gif", "gif", 64, 48, frames=4),
            moving_square_frames(64, 48, 4), palette_samples=[np.zeros((4, 4, 3), np.uint8)],
        )  # fmt: skip
    assert leftovers(tmp_path) == ["ok.gif"]


def test_webm_is_vp9_and_decodes(tmp_path):
    out = tmp_path / "clip.webm"
    source = list(moving_square_frames(320, 240, 12))
    export_frames(spec_for(out, "webm", 320, 240, fps=30.0, frames=12), iter(source))
    assert "vp9" in ffmpeg_stream_line(out)
    reader = iio.get_reader(out, "ffmpeg")
    decoded = [frame for frame in reader]
    reader.close()
    assert len(decoded) == 12
    for got, want in zip(decoded, source, strict=True):
        assert psnr(got, want[..., :3]) > 28


def test_png_frames_transparent_keep_alpha_losslessly(tmp_path):
    out = tmp_path / "frames"
    source = list(moving_square_frames(96, 64, 7, alpha=True))
    spec = spec_for(out, "png-frames", 96, 64, frames=7, background="transparent")
    result = export_frames(spec, iter(source))
    assert leftovers(tmp_path) == ["frames"]
    names = sorted(os.listdir(out))
    assert names == [f"frame_{i:05d}.png" for i in range(7)]
    assert result.bytes == sum((out / name).stat().st_size for name in names)
    for name, want in zip(names, source, strict=True):
        with Image.open(out / name) as image:
            assert image.mode == "RGBA"
            got = np.asarray(image)
        assert np.array_equal(got, want)
        assert len(np.unique(got[..., 3])) > 10


def test_png_frames_into_an_existing_empty_folder_opaque_rgb(tmp_path):
    out = tmp_path / "frames"
    out.mkdir()
    source = list(moving_square_frames(64, 48, 3))
    export_frames(spec_for(out, "png-frames", 64, 48, frames=3), iter(source))
    assert sorted(os.listdir(out)) == [f"frame_{i:05d}.png" for i in range(3)]
    with Image.open(out / "frame_00002.png") as image:
        assert image.mode == "RGB"
        assert np.array_equal(np.asarray(image), source[2][..., :3])


def test_png_still_is_the_frame(tmp_path):
    out = tmp_path / "still.png"
    frame = next(moving_square_frames(200, 100, 1, alpha=True))
    spec = spec_for(out, "png", 200, 100, frames=1, background="transparent")
    result = export_frames(spec, [frame])
    with Image.open(out) as image:
        assert np.array_equal(np.asarray(image), frame)
    assert result.bytes == out.stat().st_size
    assert leftovers(tmp_path) == ["still.png"]


def test_rgb_frames_are_accepted_and_progress_runs_on_the_callers_thread(tmp_path):
    calls, threads = [], set()

    def progress(done, total):
        calls.append((done, total))
        threads.add(threading.get_ident())

    def keep_going():
        threads.add(threading.get_ident())
        return True

    frames = (frame[..., :3] for frame in moving_square_frames(64, 48, 9))
    export_frames(
        spec_for(tmp_path / "a.mp4", "mp4", 64, 48, frames=9), frames, progress, keep_going
    )
    assert calls == [(i, 9) for i in range(1, 10)]
    assert threads == {threading.get_ident()}


def test_a_frame_buffer_reused_by_the_caller_is_copied(tmp_path):
    source = list(moving_square_frames(64, 48, 6))
    buffer = np.empty_like(source[0])

    def reusing():
        for frame in source:
            buffer[...] = frame
            yield buffer

    out = tmp_path / "frames"
    export_frames(spec_for(out, "png-frames", 64, 48, frames=6), reusing())
    for i, want in enumerate(source):
        with Image.open(out / f"frame_{i:05d}.png") as image:
            assert np.array_equal(np.asarray(image), want[..., :3])


def test_an_existing_file_is_replaced_only_on_success(tmp_path):
    out = tmp_path / "talk.mp4"
    out.write_bytes(b"old")
    with pytest.raises(ExportCancelled):
        export_frames(
            spec_for(out, "mp4", frames=20),
            moving_square_frames(160, 120, 20),
            keep_going=iter([True] * 5 + [False] * 100).__next__,
        )
    assert out.read_bytes() == b"old"
    assert leftovers(tmp_path) == ["talk.mp4"]
    export_frames(spec_for(out, "mp4", frames=5), moving_square_frames(160, 120, 5))
    assert "h264" in ffmpeg_stream_line(out)
    assert leftovers(tmp_path) == ["talk.mp4"]


# --- cancel and failures leave nothing behind -------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "name"), [("mp4", "a.mp4"), ("gif", "a.gif"), ("webm", "a.webm"), ("png-frames", "f")]
)
def test_cancel_after_five_frames_leaves_nothing(tmp_path, fmt, name):
    asked = []

    def keep_going():
        asked.append(1)
        return len(asked) <= 5

    frames = RecordingFrames(moving_square_frames(160, 120, 50))
    with pytest.raises(ExportCancelled):
        export_frames(spec_for(tmp_path / name, fmt, frames=50), frames, keep_going=keep_going)
    assert frames.taken == 5
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("fmt", ["mp4", "gif"])
def test_the_encoder_ignores_the_fourth_byte_so_rgba_and_rgb_frames_give_one_file(tmp_path, fmt):
    # frames reach ffmpeg as rgb0 (RGBA copied whole): alpha, whatever it holds, is dropped
    rgba = list(moving_square_frames(96, 64, 8, patch=True))
    noisy = [
        np.dstack([f[..., :3], np.arange(96 * 64, dtype=np.uint8).reshape(64, 96)]) for f in rgba
    ]
    rgb = [np.ascontiguousarray(f[..., :3]) for f in rgba]
    decoded = []
    for name, frames in (("rgb", rgb), ("noisy", noisy)):
        out = tmp_path / f"{name}.{fmt}"
        export_frames(spec_for(out, fmt, 96, 64, frames=8), frames)
        decoded.append(np.stack([np.asarray(f)[..., :3] for f in iio.mimread(out)]))
    assert np.array_equal(decoded[0], decoded[1])


def _writer_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "gdviz-export-writer"]


@pytest.mark.parametrize("fmt", ["mp4", "png-frames"])
def test_no_writer_thread_is_left_after_a_success_or_a_cancel(tmp_path, fmt):
    name = {"mp4": "{}.mp4", "png-frames": "{}"}[fmt]
    out = tmp_path / name.format("a")
    export_frames(spec_for(out, fmt, frames=6), moving_square_frames(160, 120, 6))
    assert _writer_threads() == []
    asked = []

    def keep_going():
        asked.append(1)
        return len(asked) <= 3

    with pytest.raises(ExportCancelled):
        export_frames(
            spec_for(tmp_path / name.format("b"), fmt, frames=40),
            moving_square_frames(160, 120, 40),
            keep_going=keep_going,
        )
    assert _writer_threads() == []


def test_a_cancel_while_the_writer_waits_on_a_stalled_encoder_stops_it(tmp_path, monkeypatch):
    # an encoder that reads nothing: the pipe fills, the writer thread blocks in write() and the
    # queue fills behind it; a cancel must still end the export at once and leave no thread
    fake = tmp_path.parent / "stalled-ffmpeg.sh"
    fake.write_text("#!/bin/sh\nsleep 30\n")
    fake.chmod(0o755)
    monkeypatch.setattr(writers, "ffmpeg_exe", lambda: str(fake))
    asked = []

    def keep_going():  # asked before each frame and every 50 ms while the queue is full
        asked.append(1)
        return len(asked) <= 30

    frames = RecordingFrames(moving_square_frames(640, 480, 200))
    started = time.monotonic()
    with pytest.raises(ExportCancelled):
        export_frames(spec_for(tmp_path / "a.mp4", "mp4", 640, 480, frames=200), frames,
                      keep_going=keep_going)  # fmt: skip
    assert time.monotonic() - started < 10
    assert frames.taken < 30  # it did wait on the encoder
    assert _writer_threads() == []
    assert leftovers(tmp_path) == []


@LINUX_ONLY
def test_an_encoder_dying_while_the_writer_thread_writes_leaves_no_thread(tmp_path, monkeypatch):
    fake = tmp_path.parent / "short-ffmpeg.sh"
    fake.write_text("#!/bin/sh\nhead -c 100000 > /dev/null\necho 'gone' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(writers, "ffmpeg_exe", lambda: str(fake))
    with pytest.raises(ExportError, match="gone"):
        export_frames(
            spec_for(tmp_path / "a.mp4", "mp4", 320, 240, frames=80),
            moving_square_frames(320, 240, 80),
        )
    assert _writer_threads() == []
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(("fmt", "name"), [("mp4", "a.mp4"), ("gif", "a.gif"), ("png-frames", "f")])
def test_a_bad_frame_names_its_index_and_leaves_nothing(tmp_path, fmt, name):
    def frames():
        for i, frame in enumerate(moving_square_frames(160, 120, 12)):
            yield frame[:, :100] if i == 7 else frame

    with pytest.raises(ExportError, match=r"frame 7\b"):
        export_frames(spec_for(tmp_path / name, fmt, frames=12), frames())
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (np.zeros((120, 160, 4), np.float32), "uint8"),
        (np.zeros((120, 160), np.uint8), "shape"),
        (np.zeros((120, 160, 2), np.uint8), "shape"),
        (np.zeros((121, 160, 4), np.uint8), "160x121"),
        ([[0]], "not an image array"),
    ],
)
def test_frame_checks(tmp_path, bad, message):
    frames = [next(moving_square_frames(160, 120, 1)), bad]
    with pytest.raises(ExportError, match=f"frame 1 .*{message}|{message}.*frame 1"):
        export_frames(spec_for(tmp_path / "f", "png-frames", frames=2), frames)
    assert leftovers(tmp_path) == []


def test_transparent_needs_alpha(tmp_path):
    frame = next(moving_square_frames(64, 48, 1))[..., :3]
    with pytest.raises(ExportError, match="no alpha"):
        export_frames(
            spec_for(tmp_path / "a.png", "png", 64, 48, frames=1, background="transparent"), [frame]
        )
    assert leftovers(tmp_path) == []


def test_too_few_frames_is_an_error(tmp_path):
    with pytest.raises(ExportError, match="only 3 frames"):
        export_frames(
            spec_for(tmp_path / "a.gif", "gif", frames=10), moving_square_frames(160, 120, 3)
        )
    assert leftovers(tmp_path) == []


def test_extra_frames_are_not_taken(tmp_path):
    frames = RecordingFrames(moving_square_frames(160, 120, 10))
    export_frames(spec_for(tmp_path / "a.mp4", "mp4", frames=4), frames)
    assert frames.taken == 4
    reader = iio.get_reader(tmp_path / "a.mp4", "ffmpeg")
    assert reader.count_frames() == 4
    reader.close()


@pytest.mark.parametrize("fmt", ["mp4", "gif", "webm"])
def test_the_encoder_repeats_the_held_frames_which_are_never_taken(tmp_path, fmt):
    frames = RecordingFrames(moving_square_frames(160, 120, 12))
    seen: list[tuple[int, int]] = []
    spec = spec_for(tmp_path / f"a.{fmt}", fmt, frames=9, hold=5)
    export_frames(spec, frames, progress=lambda done, total: seen.append((done, total)))
    assert frames.taken == 4
    assert seen[-1] == (9, 9)
    if fmt == "gif":
        with Image.open(spec.path) as gif:
            decoded = []
            for index in range(gif.n_frames):
                gif.seek(index)
                decoded.append(np.asarray(gif.convert("RGB")).astype(int))
    else:
        with iio.get_reader(spec.path, "ffmpeg") as reader:
            decoded = [np.asarray(f)[..., :3].astype(int) for f in reader]
    assert len(decoded) == 9
    expected = list(moving_square_frames(160, 120, 12))[:4]
    for index, frame in enumerate(decoded):  # the square where frame min(index, 3) put it
        source = expected[min(index, 3)][..., :3].astype(int)
        assert np.abs(frame - source).mean() < 6, index


def test_a_format_that_does_not_hold_refuses_held_frames():
    with pytest.raises(ExportError, match="does not hold its last frame"):
        validate(spec_for(Path("fr"), "png-frames", frames=4, hold=2))


def test_a_real_ffmpeg_failure_reports_its_stderr(tmp_path, monkeypatch):
    from dataclasses import replace

    from gdviz.export import formats

    mp4 = formats.FORMAT_BY_KEY["mp4"]
    broken = tuple("no-such-preset" if a == "veryfast" else a for a in mp4.encoder)
    monkeypatch.setitem(formats.FORMAT_BY_KEY, "mp4", replace(mp4, encoder=broken))
    with pytest.raises(ExportError, match="(?s)ffmpeg.*no-such-preset"):
        export_frames(
            spec_for(tmp_path / "a.mp4", "mp4", frames=30), moving_square_frames(160, 120, 30)
        )
    assert leftovers(tmp_path) == []


@LINUX_ONLY
@pytest.mark.parametrize("reads_input", [True, False])
def test_an_encoder_that_fails_leaves_nothing(tmp_path, monkeypatch, reads_input):
    fake = tmp_path.parent / f"fake-ffmpeg-{reads_input}.sh"
    drain = "cat > /dev/null\n" if reads_input else ""
    fake.write_text(f"#!/bin/sh\n{drain}echo 'x264 [error]: encoder exploded' >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setattr(writers, "ffmpeg_exe", lambda: str(fake))
    out = tmp_path / "out"
    out.mkdir()
    (out / "talk.mp4").write_bytes(b"old")
    frames = moving_square_frames(640, 480, 40)
    with pytest.raises(ExportError, match="encoder exploded"):
        export_frames(spec_for(out / "talk.mp4", "mp4", 640, 480, frames=40), frames)
    assert leftovers(out) == ["talk.mp4"]
    assert (out / "talk.mp4").read_bytes() == b"old"


@LINUX_ONLY
def test_an_encoder_dying_mid_stream_gives_one_line_and_keeps_the_old_file(tmp_path, monkeypatch):
    fake = tmp_path.parent / "dying-ffmpeg.sh"
    fake.write_text(
        "#!/bin/sh\nhead -c 200000 > /dev/null\n"
        + 'i=0; while [ $i -lt 40 ]; do echo "ffmpeg noise line $i" >&2; i=$((i+1)); done\n'
        + "echo 'muxer: disk on fire' >&2\nexit 1\n"
    )
    fake.chmod(0o755)
    monkeypatch.setattr(writers, "ffmpeg_exe", lambda: str(fake))
    (tmp_path / "talk.mp4").write_bytes(b"old")
    with pytest.raises(ExportError) as caught:
        export_frames(
            spec_for(tmp_path / "talk.mp4", "mp4", 320, 240, frames=60),
            moving_square_frames(320, 240, 60),
        )
    message = str(caught.value)
    assert "\n" not in message and len(message) < 400
    assert "disk on fire" in message  # ffmpeg's last words, on the same line
    assert leftovers(tmp_path) == ["talk.mp4"]
    assert (tmp_path / "talk.mp4").read_bytes() == b"old"


@pytest.mark.parametrize(("fmt", "name"), [("png-frames", "frames"), ("png", "still.png")])
def test_a_full_disk_while_writing_png_leaves_nothing(tmp_path, monkeypatch, fmt, name):
    from PIL import Image as PilImage

    real_save = PilImage.Image.save
    calls = []

    def save(self, fp, *args, **kwargs):
        calls.append(fp)
        if len(calls) == 3 or fmt == "png":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(self, fp, *args, **kwargs)

    monkeypatch.setattr(PilImage.Image, "save", save)
    frames = 5 if fmt == "png-frames" else 1
    with pytest.raises(ExportError, match="No space left"):
        export_frames(spec_for(tmp_path / name, fmt, frames=frames),
                      moving_square_frames(160, 120, frames))  # fmt: skip
    assert leftovers(tmp_path) == []


def test_a_name_of_254_bytes_exports(tmp_path):
    name = "n" * 250 + ".png"
    assert len(name.encode()) == 254
    result = export_frames(
        spec_for(tmp_path / name, "png", frames=1), moving_square_frames(160, 120, 1)
    )
    assert result.path.name == name and leftovers(tmp_path) == [name]


@pytest.mark.parametrize("fail", [False, True])
def test_the_frame_source_is_closed_before_export_frames_returns(tmp_path, fail):
    closed = []

    def frames():
        try:
            yield from moving_square_frames(160, 120, 20)
        finally:
            closed.append(True)  # what a GL frame generator restores must happen here and now

    source = RecordingFrames(frames())
    keep_going = (lambda: source.taken < 3) if fail else None
    if fail:
        with pytest.raises(ExportCancelled):
            export_frames(spec_for(tmp_path / "a.mp4", "mp4", frames=10), source,
                          keep_going=keep_going)  # fmt: skip
    else:
        export_frames(spec_for(tmp_path / "a.mp4", "mp4", frames=10), source)
    assert closed == [True]
    assert leftovers(tmp_path) == ([] if fail else ["a.mp4"])


def test_a_failing_frame_source_propagates_and_leaves_nothing(tmp_path):
    def frames():
        yield from moving_square_frames(160, 120, 3)
        raise RuntimeError("render failed")

    with pytest.raises(RuntimeError, match="render failed"):
        export_frames(spec_for(tmp_path / "a.webm", "webm", frames=10), frames())
    assert leftovers(tmp_path) == []


def test_missing_ffmpeg_is_reported_before_any_frame(tmp_path, monkeypatch):
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(tmp_path / "no-ffmpeg-here"))
    frames = RecordingFrames(moving_square_frames(160, 120, 5))
    with pytest.raises(ExportError, match="ffmpeg"):
        export_frames(spec_for(tmp_path / "a.mp4", "mp4", frames=5), frames)
    assert frames.taken == 0
    assert leftovers(tmp_path) == []


# --- destination checks happen before any frame is taken --------------------------------------


def expect_refused_untouched(spec: ExportSpec, message: str) -> None:
    frames = RecordingFrames(moving_square_frames(spec.width, spec.height, spec.frames))
    with pytest.raises(ExportError, match=message):
        export_frames(spec, frames)
    assert frames.taken == 0


def test_missing_folder(tmp_path):
    expect_refused_untouched(spec_for(tmp_path / "nope" / "a.mp4", "mp4"), "does not exist")
    assert leftovers(tmp_path) == []


def test_folder_that_is_a_file(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    expect_refused_untouched(spec_for(tmp_path / "notes.txt" / "a.gif", "gif"), "not a folder")


def test_target_that_is_a_folder(tmp_path):
    (tmp_path / "a.mp4").mkdir()
    expect_refused_untouched(spec_for(tmp_path / "a.mp4", "mp4"), "is a folder")


def test_png_frames_folder_not_empty_or_a_file(tmp_path):
    (tmp_path / "frames").mkdir()
    (tmp_path / "frames" / "keep.txt").write_text("mine")
    expect_refused_untouched(spec_for(tmp_path / "frames", "png-frames"), "not empty")
    assert os.listdir(tmp_path / "frames") == ["keep.txt"]
    (tmp_path / "frames2").write_text("x")
    expect_refused_untouched(spec_for(tmp_path / "frames2", "png-frames"), "is a file")


def test_not_enough_free_space(tmp_path, monkeypatch):
    usage = type("Usage", (), {"total": 10**9, "used": 10**9 - 1000, "free": 1000})
    monkeypatch.setattr(spec_module.shutil, "disk_usage", lambda _: usage)
    expect_refused_untouched(spec_for(tmp_path / "a.mp4", "mp4"), "not enough free space")


def test_read_only_mount_is_caught_by_the_probe_even_when_os_access_says_yes(tmp_path, monkeypatch):
    # As root on a read-only mount, os.access() says writable; only creating a file fails.
    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(spec_module.os, "access", lambda *a, **k: True)
    monkeypatch.setattr(spec_module.tempfile, "mkstemp", read_only)
    expect_refused_untouched(spec_for(tmp_path / "a.mp4", "mp4"), "read-only")


@LINUX_ONLY
def test_read_only_folder_for_a_normal_user():
    """chmod 0o555, checked as a non-root user (dropping root in a child process if needed)."""
    with tempfile.TemporaryDirectory() as base:
        os.chmod(base, 0o755)
        locked = Path(base) / "locked"
        locked.mkdir()
        locked.chmod(0o555)
        code = (
            "import os, sys\n"
            "from pathlib import Path\n"
            "from gdviz.export import ExportError, ExportSpec, check_destination\n"
            "if os.geteuid() == 0:\n"
            "    os.setgroups([]); os.setgid(65534); os.setuid(65534)\n"
            "spec = ExportSpec(Path(sys.argv[1]), 'mp4', 160, 120, 30.0, 10, 'dark')\n"
            "try:\n"
            "    check_destination(spec)\n"
            "except ExportError as exc:\n"
            "    print('refused:', exc)\n"
            "else:\n"
            "    print('accepted')\n"
        )
        target = str(locked / "a.mp4")
        proc = subprocess.run(
            [sys.executable, "-c", code, target], capture_output=True, text=True, timeout=60
        )
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.startswith("refused:"), proc.stdout
        assert "read-only" in proc.stdout
        assert os.listdir(locked) == []


def test_check_destination_accepts_a_writable_folder_and_leaves_no_probe(tmp_path):
    check_destination(spec_for(tmp_path / "a.mp4", "mp4"))
    assert leftovers(tmp_path) == []


def test_formats_are_all_writable(tmp_path):
    names = {"mp4": "a.mp4", "gif": "a.gif", "webm": "a.webm", "png-frames": "f", "png": "a.png"}
    assert set(names) == set(FORMATS)
    for fmt, name in names.items():
        frames = 1 if fmt == "png" else 3
        export_frames(
            spec_for(tmp_path / name, fmt, frames=frames), moving_square_frames(160, 120, 3)
        )
    assert leftovers(tmp_path) == sorted(names.values())


# --- memory stays flat ------------------------------------------------------------------------

_PEAK_RSS_SCRIPT = """
import sys
import numpy as np
from pathlib import Path
from gdviz.export import ExportSpec, export_frames

fmt, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
out = Path(sys.argv[4]) / name
rng = np.random.default_rng(0)

def frames():
    for i in range(count):
        frame = rng.integers(0, 256, size=(120, 160, 4), dtype=np.uint8)
        frame[..., 3] = 255
        yield frame

export_frames(ExportSpec(out, fmt, 160, 120, 30.0, count, "dark"), frames())
# VmHWM: this process's peak RSS since exec (ru_maxrss would include the forking parent's).
status = open("/proc/self/status").read()
print(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))
"""


@pytest.mark.slow
@LINUX_ONLY
@pytest.mark.parametrize(("fmt", "name"), [("mp4", "a.mp4"), ("gif", "a.gif")])
def test_memory_stays_flat_with_frame_count(tmp_path, fmt, name):
    def peak_kib(count: int) -> int:
        folder = tmp_path / str(count)
        folder.mkdir()
        args = [sys.executable, "-c", _PEAK_RSS_SCRIPT, fmt, name, str(count), str(folder)]
        proc = subprocess.run(args, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        return int(proc.stdout.split()[-1])

    few, many = peak_kib(60), peak_kib(600)
    # 540 more frames of 160x120 RGB are 31 MB if anything kept them; allow 6 MB of noise.
    assert many - few < 6 * 1024, (few, many)


def test_every_format_in_the_table_is_recognised_checked_and_estimated(tmp_path):
    from gdviz.export.formats import EXPORT_FORMATS
    from gdviz.export.spec import ExportSpec, estimate, format_for_path, validate

    for fmt in EXPORT_FORMATS:
        path = tmp_path / f"out{fmt.suffix}"
        assert format_for_path(path if fmt.suffix else f"{path}/") == fmt.key
        frames = 10 if fmt.animated else 1
        spec = validate(ExportSpec(path, fmt.key, 320, 240, 10.0, frames, "dark"))
        assert estimate(spec).approx_bytes > 0
        if fmt.transparent:
            validate(ExportSpec(path, fmt.key, 320, 240, 10.0, frames, "transparent"))
        if fmt.even_sides:
            with pytest.raises(ExportError, match="must be even"):
                validate(ExportSpec(path, fmt.key, 321, 240, 10.0, frames, "dark"))
