"""Export speed as the user waits for it: `gdviz export` and a matplotlib script, whole processes.

The scene: sin x · cos y (the sin-cos preset), a 120-step gradient-descent path from (2, 2.5)
with lr 0.1, 120 frames at 1280×720, written as MP4 and as GIF. gdviz is the command a user
types (`python -m gdviz export …`), each run a fresh process with no DISPLAY, so it starts its
private Xvfb as a headless run does; it also writes its 1 s hold on the last frame (30 more
frames), which the matplotlib script does not. The baseline is bench/mpl_baseline.py's
mplot3d + FuncAnimation script, also a fresh process (it needs no display). Each pair runs
alternately, once untimed to warm caches (bytecode is written, as an installed package has
it; this environment sets PYTHONDONTWRITEBYTECODE), then `repeat` times; medians are shown.

Per-frame cost: (time of the 120-frame export − time of the 2-frame one) / 118. Its limit is
encoding alone: gdviz's own frames (exported once as PNG frames, held in memory in the layout
its encoder gets) piped to ffmpeg with the arguments gdviz uses (ffmpeg repeats the last frame
for the hold, as it does for gdviz), the same difference of 150 and 32 frames, so ffmpeg's
start-up is left out of both.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.common import Figure, in_turn

REPO = Path(__file__).resolve().parents[1]
FRAMES, SIZE, STEPS, FPS = 120, (1280, 720), 120, 30
SHORT = 2  # frames of the export whose time is the fixed cost
HOLD = FPS  # frames of the 1 s hold gdviz adds to a descent video
REPEAT = 3
CLI = ("--preset", "sin-cos", "--start", "2,2.5", "--lr", "0.1", "--steps", str(STEPS),
       "--animate", "descent", "--size", f"{SIZE[0]}x{SIZE[1]}")  # fmt: skip
_MPL = (
    "import sys; from bench.mpl_baseline import render_baseline; "
    f"render_baseline(sys.argv[1], int(sys.argv[2]), ({SIZE[0]}, {SIZE[1]}), sys.argv[3])"
)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "PYTHONDONTWRITEBYTECODE")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    return env


def _seconds(args: list[str]) -> float:
    """Wall-clock seconds of a fresh process running args; fails loudly if it fails."""
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, env=_env(), cwd=REPO, timeout=600)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:4])} … failed ({done.returncode}): {done.stderr}")
    return seconds


def gdviz_export(out: Path, frames: int) -> list[str]:
    """The `gdviz export` command line of the benchmark's scene."""
    return [sys.executable, "-m", "gdviz", "export", *CLI, "--frames", str(frames),
            "--out", str(out)]  # fmt: skip


def mpl_script(out: Path, frames: int) -> list[str]:
    """The matplotlib script's command line (bench/mpl_baseline.py's render_baseline)."""
    return [sys.executable, "-c", _MPL, str(out), str(frames), out.suffix[1:]]


def _paired_medians(pairs: dict[str, Callable[[], float]], repeat: int) -> dict[str, float]:
    """Each timing run once untimed, then `repeat` rounds in turn; the median of each."""
    for run in pairs.values():
        run()
    times = in_turn(list(pairs.values()), repeat)
    return {key: statistics.median(values) for key, values in zip(pairs, times, strict=True)}


def encode_only_seconds(frames: list, fmt: str, folder: Path, hold: int = HOLD) -> float:
    """Seconds to pipe these frames into ffmpeg with gdviz's arguments (the last one held for
    `hold` more) and let it finish."""
    from gdviz.export.spec import ExportSpec
    from gdviz.export.writers import _ffmpeg_args, _write_gif_palette, ffmpeg_exe

    spec = ExportSpec(folder / f"encode-only.{fmt}", fmt, SIZE[0], SIZE[1], FPS,
                      len(frames) + hold, hold=hold)  # fmt: skip
    samples = [frame[:, :, :3] for frame in frames[:: max(1, len(frames) // 8)]]
    palette = _write_gif_palette(samples) if fmt == "gif" else None
    try:
        start = time.perf_counter()
        proc = subprocess.Popen(
            _ffmpeg_args(ffmpeg_exe(), spec, spec.path, palette), stdin=subprocess.PIPE
        )
        assert proc.stdin is not None
        for frame in frames:
            proc.stdin.write(memoryview(frame).cast("B"))
        proc.stdin.close()
        if proc.wait() != 0:
            raise RuntimeError("ffmpeg failed on the encode-only run")
        return time.perf_counter() - start
    finally:
        if palette is not None:
            palette.unlink()


def _gdviz_frames(folder: Path, frames: int) -> list:
    """gdviz's frames of the scene (the moving ones) in the layout its encoder gets them."""
    import numpy as np
    from PIL import Image

    out = folder / "frames"
    _seconds(gdviz_export(out, frames)[:-2] + ["--out", f"{out}/"])
    from gdviz.export.spec import ExportSpec
    from gdviz.export.writers import _prepared_frame

    spec = ExportSpec(out, "mp4", SIZE[0], SIZE[1], FPS, frames)
    images = [
        _prepared_frame(np.asarray(Image.open(path).convert("RGB")), i, spec, padded=True)
        for i, path in enumerate(sorted(out.iterdir()))
    ]
    return images


def measure(quick: bool = False) -> list[Figure]:
    frames, repeat = (12, 1) if quick else (FRAMES, REPEAT)
    with tempfile.TemporaryDirectory(prefix="gdviz-bench-") as name:
        folder = Path(name)
        runs = {}
        for fmt in ("mp4", "gif"):
            ours, theirs = folder / f"gdviz.{fmt}", folder / f"mpl.{fmt}"
            runs[f"gdviz {fmt}"] = lambda o=ours: _seconds(gdviz_export(o, frames))
            runs[f"mpl {fmt}"] = lambda t=theirs: _seconds(mpl_script(t, frames))
        runs["gdviz short"] = lambda: _seconds(gdviz_export(folder / "short.mp4", SHORT))
        runs["mpl short"] = lambda: _seconds(mpl_script(folder / "short-mpl.mp4", SHORT))
        every = _gdviz_frames(folder, frames)
        short = every[:SHORT]
        runs["encode all"] = lambda: encode_only_seconds(every, "mp4", folder)
        runs["encode short"] = lambda: encode_only_seconds(short, "mp4", folder)
        t = _paired_medians(runs, repeat)
    extra = frames - SHORT
    per_frame = (t["gdviz mp4"] - t["gdviz short"]) / extra
    encode_per_frame = (t["encode all"] - t["encode short"]) / extra
    size = f"{SIZE[0]}×{SIZE[1]}"
    whole = "whole process (vs the matplotlib script, whole process)"
    return [
        Figure(f"gdviz export MP4, {frames} frames {size}, {whole}",
               t["gdviz mp4"], t["mpl mp4"], "s", "≥ 5×"),
        Figure(f"gdviz export GIF, {frames} frames {size}, {whole}",
               t["gdviz gif"], t["mpl gif"], "s", "≥ 5×"),
        # ratio shown as ours / limit: the goal bounds it from above
        Figure("export per-frame cost (vs the encode-only limit; ratio = ours / limit)",
               per_frame, encode_per_frame, "s", "≤ 2×", higher_is_better=True),
        Figure(f"export fixed cost (`--frames {SHORT}`; vs the matplotlib script, {SHORT} frames)",
               t["gdviz short"], t["mpl short"], "s", "≤ 1 s"),
    ]  # fmt: skip


if __name__ == "__main__":
    from bench.__main__ import print_table

    print_table(measure(quick="--quick" in sys.argv))
