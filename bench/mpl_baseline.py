"""The export baseline: a teacher's mplot3d + FuncAnimation script for the sin-cos descent.

It renders the same scene gdviz exports (sin(x)·cos(y) on the sin-cos preset window, viridis, a
120-step gradient-descent path from (2, 2.5) with lr 0.1) the way slides are made today: Agg,
``plot_surface``, a red path line and head marker that grow with the frame, the iteration and loss
in the title, saved with ``FFMpegWriter`` (MP4, libx264, yuv420p) or ``PillowWriter`` (GIF) at
30 fps. Only the path and the title are updated per frame; mplot3d re-renders the surface anyway.

mplot3d has no depth buffer: it sorts whole artists, so the path is either hidden behind the whole
surface (the default sort) or, as here with ``computed_zorder=False``, drawn over it even where a
hill should hide it. This is a timing reference, not a quality reference.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Literal

import imageio.v3 as iio
import imageio_ffmpeg
import matplotlib
import numpy as np
from matplotlib.animation import FFMpegWriter, FuncAnimation, PillowWriter
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

X_RANGE = (-0.5, 4.5)
Y_RANGE = (0.0, 5.0)
GRID = 100
START = (2.0, 2.5)
LEARNING_RATE = 0.1
STEPS = 120
FPS = 30
DPI = 100


def sin_cos(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """f(x, y) = sin(x)·cos(y)."""
    return np.sin(x) * np.cos(y)


def descent_path(start: tuple[float, float] = START, lr: float = LEARNING_RATE,
                 steps: int = STEPS) -> np.ndarray:  # fmt: skip
    """The (steps + 1, 2) points of plain gradient descent on sin(x)·cos(y), start included."""
    points = np.empty((steps + 1, 2))
    p = np.array(start, dtype=float)
    points[0] = p
    for k in range(1, steps + 1):
        grad = np.array([np.cos(p[0]) * np.cos(p[1]), -np.sin(p[0]) * np.sin(p[1])])
        p = p - lr * grad
        points[k] = p
    return points


def render_baseline(out_path: str, frames: int = 120, size: tuple[int, int] = (1280, 720),
                    fmt: Literal["mp4", "gif"] = "mp4") -> float:  # fmt: skip
    """Seconds taken to build the figure and save the `frames`-frame animation to out_path."""
    start_time = time.perf_counter()
    width, height = size
    fig = Figure(figsize=(width / DPI, height / DPI), dpi=DPI)
    FigureCanvasAgg(fig)
    # Without this mplot3d sorts the whole path line behind the whole surface and it vanishes.
    ax = fig.add_subplot(projection="3d", computed_zorder=False)

    x = np.linspace(*X_RANGE, GRID)
    y = np.linspace(*Y_RANGE, GRID)
    xx, yy = np.meshgrid(x, y)
    ax.plot_surface(xx, yy, sin_cos(xx, yy), cmap="viridis", rstride=1, cstride=1,
                    antialiased=False, linewidth=0)  # fmt: skip
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_zlabel("f(x, y)")

    path = descent_path()
    path_z = sin_cos(path[:, 0], path[:, 1])
    (line,) = ax.plot([], [], [], color="red", linewidth=2, zorder=3)
    (head,) = ax.plot([], [], [], "o", color="red", markersize=8, zorder=4)
    title = ax.set_title("")

    def update(frame: int) -> tuple:
        k = round(frame * STEPS / max(frames - 1, 1))
        line.set_data_3d(path[: k + 1, 0], path[: k + 1, 1], path_z[: k + 1])
        head.set_data_3d(path[k : k + 1, 0], path[k : k + 1, 1], path_z[k : k + 1])
        title.set_text(f"gradient descent on sin(x)·cos(y): iteration {k}, loss {path_z[k]:.4f}")
        return line, head, title

    animation = FuncAnimation(fig, update, frames=frames, blit=False)
    if fmt == "mp4":
        matplotlib.rcParams["animation.ffmpeg_path"] = imageio_ffmpeg.get_ffmpeg_exe()
        writer = FFMpegWriter(fps=FPS, codec="libx264", extra_args=["-pix_fmt", "yuv420p"])
    elif fmt == "gif":
        writer = PillowWriter(fps=FPS)
    else:
        raise ValueError(f"fmt must be 'mp4' or 'gif', not {fmt!r}")
    animation.save(out_path, writer=writer, dpi=DPI)
    return time.perf_counter() - start_time


def frame_count_and_shape(path: str) -> tuple[int, tuple[int, ...]]:
    """How many frames the file at path holds, and the shape of its first frame."""
    plugin = "FFMPEG" if path.endswith(".mp4") else "pillow"
    count, shape = 0, ()
    for frame in iio.imiter(path, plugin=plugin):
        if count == 0:
            shape = frame.shape
        count += 1
    return count, shape


def main() -> int:
    """Time the baseline for MP4 and GIF and check each file's frame count and frame size."""
    frames, size = 120, (1280, 720)
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("mp4", "gif"):
            out = str(Path(tmp) / f"baseline.{fmt}")
            seconds = render_baseline(out, frames=frames, size=size, fmt=fmt)
            count, shape = frame_count_and_shape(out)
            good = count == frames and tuple(shape[:2]) == (size[1], size[0])
            ok &= good
            print(f"{fmt}: {seconds:.2f} s for {frames} frames at {size[0]}×{size[1]} "
                  f"({Path(out).stat().st_size / 1e6:.1f} MB; file has {count} frames "
                  f"of {shape[1]}×{shape[0]}{'' if good else ' — MISMATCH'})")  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
