"""The export formats as one table: the checks, the writers, the dialog and the CLI read it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExportFormat:
    """One format gdviz writes.

    key: its name in code and scenes; name: how messages call it; label: the dialog's choice;
    suffix: the file ending ("" for a folder); animated: holds more than one frame;
    transparent: can keep an alpha channel; even_sides: the encoder needs even width and
    height; bytes_per_pixel_frame: the size model (see spec.py); writer: "ffmpeg",
    "png-still" or "png-frames"; encoder: ffmpeg's output arguments for an ffmpeg format.
    """

    key: str
    name: str
    label: str
    suffix: str
    animated: bool
    transparent: bool
    even_sides: bool
    holds_last_frame: bool
    bytes_per_pixel_frame: float
    writer: str
    encoder: tuple[str, ...] = ()
    sizes: tuple[tuple[str, float, float], ...] = ()  # (motion, first frame, each further)
    size_exponent: float = 1.0


MP4_CRF, MP4_PRESET = 20, "veryfast"
WEBM_CRF, WEBM_CPU_USED = 32, 8
# BT.709 in limited range, and tagged so (players otherwise guess BT.601 and shift colours).
# How much of the picture changes from frame to frame: still (a descent or Δ → 0 under a still
# camera: a marker and text move), turning (u rotating: its construction sweeps the view),
# moving (an orbit or a camera that follows the run: every pixel changes).
MOTIONS = ("still", "turning", "moving")
# Sizes measured from the window and with `gdviz export` on the lecture loss (two runs),
# sin x·cos y and Himmelblau at 640×360, 1280×720 and 1920×1080, 60 and 150 frames (December
# 2026), fitted between the scenes (each within about 30%). Encoded size grows much more slowly
# than the pixel count for these smooth pictures. A GIF frame costs what the box around its
# changed pixels holds, so a marker far from the text on the frame costs more.
# "{hold}" in a filter chain: where the writer repeats the last frame (ffmpeg's tpad), if it
# does (after the conversion to YUV: the repeated frames are not converted again).
YUV420_BT709 = (
    "-vf",
    "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p{hold},"
    "setparams=range=tv:color_primaries=bt709:color_trc=bt709:colorspace=bt709",
)

EXPORT_FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat(
        "mp4", "MP4", "MP4 video (H.264) — slides, browsers", ".mp4",
        animated=True, transparent=False, even_sides=True, holds_last_frame=True,
        bytes_per_pixel_frame=0.02,
        writer="ffmpeg",
        encoder=("-an", "-c:v", "libx264", "-preset", MP4_PRESET, "-crf", str(MP4_CRF),
                 *YUV420_BT709, "-movflags", "+faststart", "-f", "mp4"),
        sizes=(("still", 45e3, 310.0), ("turning", 59e3, 1.1e3), ("moving", 304e3, 4.1e3)),
        size_exponent=0.5,
    ),
    ExportFormat(
        "gif", "GIF", "GIF (loops)", ".gif",
        animated=True, transparent=False, even_sides=False, holds_last_frame=True,
        bytes_per_pixel_frame=0.2,
        writer="ffmpeg",
        encoder=("-lavfi",
                 "[0:v]null{hold},{gif_timing}[timed];[timed][1:v]paletteuse=dither=none:diff_mode=none",
                 "-fps_mode", "passthrough", "-loop", "0", "-f", "gif"),
        sizes=(("still", 85e3, 450.0), ("turning", 110e3, 3.2e3), ("moving", 33.5e3, 33.5e3)),
        size_exponent=0.58,
    ),
    ExportFormat(
        "webm", "WebM", "WebM video", ".webm",
        animated=True, transparent=False, even_sides=True, holds_last_frame=True,
        bytes_per_pixel_frame=0.025,
        writer="ffmpeg",
        encoder=("-an", "-c:v", "libvpx-vp9", "-deadline", "realtime",
                 "-cpu-used", str(WEBM_CPU_USED), "-row-mt", "1", "-crf", str(WEBM_CRF),
                 "-b:v", "0", *YUV420_BT709, "-f", "webm"),
        sizes=(("still", 48e3, 900.0), ("turning", 85e3, 1.6e3), ("moving", 430e3, 5.8e3)),
        size_exponent=0.5,
    ),
    ExportFormat(
        "png-frames", "PNG frames", "PNG frames (a folder)", "",
        animated=True, transparent=True, even_sides=False, holds_last_frame=False,
        bytes_per_pixel_frame=0.4,
        writer="png-frames",
    ),
    ExportFormat(
        "png", "PNG", "PNG still (this view)", ".png",
        animated=False, transparent=True, even_sides=False, holds_last_frame=False,
        bytes_per_pixel_frame=0.4,
        writer="png-still",
    ),
)  # fmt: skip
FORMAT_BY_KEY: dict[str, ExportFormat] = {f.key: f for f in EXPORT_FORMATS}
FORMAT_BY_SUFFIX: dict[str, ExportFormat] = {f.suffix: f for f in EXPORT_FORMATS if f.suffix}
