"""`gdviz export`: render an animation of a scene to MP4, GIF, WebM or PNG without a window."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

from gdviz.cli.options import (
    Parser,
    UsageError,
    add_source_and_run_options,
    optimizer_from_args,
    start_from_args,
    surface_from_args,
    whole_number,
)

DEFAULT_SIZE = "1280x720"


def _export_parser():
    parser = Parser(
        prog="gdviz export",
        description="Export an animation of a scene (descent, Δ → 0, u rotating, camera orbit) "
        "as MP4, GIF, WebM, a folder of PNG frames or a PNG still. Starts a private Xvfb when "
        "there is no display.",
    )
    add_source_and_run_options(parser)
    parser.add_argument(
        "--animate", default="descent", metavar="KINDS",
        help="descent, delta, direction, orbit, or several joined by commas (default descent)",
    )  # fmt: skip
    parser.add_argument(
        "--out", required=True, metavar="FILE", help="FILE.mp4|gif|webm|png or DIR/"
    )
    parser.add_argument(
        "--size", default=DEFAULT_SIZE, metavar="WxH", help="720p, 1080p, 4k or WxH"
    )
    parser.add_argument("--fps", default="30", metavar="N", help="frames per second (default 30)")
    parser.add_argument(
        "--frames", metavar="N", help="frame count (default 120; 1 for a .png still)"
    )
    parser.add_argument(
        "--background", default="dark", choices=("dark", "light", "transparent"),
        help="dark, light, or transparent (PNG only)",
    )  # fmt: skip
    parser.add_argument("--title", metavar="TEXT", help="the title written on the frames")
    parser.add_argument("--no-overlay", action="store_true", help="no text on the frames")
    return parser


def _progress(done: int, total: int) -> None:
    width = 30
    filled = round(width * done / max(total, 1))
    bar = "█" * filled + "·" * (width - filled)
    print(f"\rgdviz export: {bar} {done}/{total} frames", end="", file=sys.stderr, flush=True)


def run_export(argv: Sequence[str]) -> int:
    """The export verb; bad input, a bad destination or no display end as a UsageError."""
    from gdviz.display import DisplayError
    from gdviz.export.spec import ExportError

    try:
        return _run_export(argv)
    except (ExportError, DisplayError) as err:
        raise UsageError(str(err)) from None


def _run_export(argv: Sequence[str]) -> int:
    from gdviz.core.animation import ANIMATIONS
    from gdviz.export.formats import FORMAT_BY_KEY
    from gdviz.export.spec import (
        ExportSpec,
        check_destination,
        format_for_path,
        parse_size,
        validate,
    )

    args = _export_parser().parse_args(argv)
    kinds = tuple(k.strip() for k in args.animate.split(",") if k.strip())
    unknown = [k for k in kinds if k not in ANIMATIONS]
    if unknown or not kinds:
        raise UsageError(
            f"--animate: unknown {', '.join(unknown) or 'nothing'}; use {', '.join(ANIMATIONS)}"
        )
    if not args.out.strip():  # '' would mean the current folder
        raise UsageError("--out needs a file or folder name, got ''")
    width, height = parse_size(args.size)
    fmt = format_for_path(str(args.out))
    default_frames = "120" if FORMAT_BY_KEY[fmt].animated else "1"
    frames_text = default_frames if args.frames is None else args.frames  # "" is an error
    frames = whole_number(frames_text, "--frames", 1)
    try:
        fps = float(args.fps)
    except ValueError:
        raise UsageError(f"--fps: {args.fps!r} is not a number") from None
    from pathlib import Path

    path = Path(args.out)
    spec = validate(ExportSpec(path, fmt, width, height, fps, frames, args.background))
    optimizer, max_steps, tol = optimizer_from_args(args)
    surface, suggested = surface_from_args(args)  # checks the function or dataset early
    start = start_from_args(args, suggested)
    check_destination(spec)

    from gdviz.display import display_for_rendering

    with display_for_rendering():
        return _render_and_write(args, spec, kinds, surface, start, optimizer, max_steps, tol)


def _render_and_write(args, spec, kinds, surface, start, optimizer, max_steps, tol) -> int:
    from gdviz.export.writers import export_frames
    from gdviz.ui.app import ensure_application
    from gdviz.ui.exporter import FrameRequest, render_frames
    from gdviz.ui.main_window import MainWindow
    from gdviz.ui.panels.descent_panel import RunSettings

    app = ensure_application()
    window = MainWindow(preset=args.preset, function=args.function)
    if args.scene:
        from gdviz.core.scene import load_scene

        window.apply_scene(load_scene(args.scene), record_undo=False)
    if args.log_base in ("e", "10", "2"):
        window.set_log_base(args.log_base)
    if args.dataset:
        window.set_dataset(surface.dataset, str(args.dataset))
    window.resize(1280, 800)
    window.show()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not window.grid_is_final():
        app.processEvents()
        time.sleep(0.005)
    if not window.grid_is_final():
        raise UsageError("the surface could not be computed in time")
    window.set_point(*start)
    if "descent" in kinds and not (args.scene and window.descent.runs):
        settings = RunSettings(optimizer.name, optimizer.hp, max_steps, tol)
        if window.descent.add_run(start, settings, synchronous=True) is None:
            raise UsageError("the run could not start at that point")
    request = FrameRequest(
        kinds, spec.frames, spec.width, spec.height, spec.background,
        overlays=not args.no_overlay, title=args.title,
    )  # fmt: skip
    started = time.perf_counter()
    try:
        result = export_frames(spec, render_frames(window, request), progress=_progress)
    except BaseException:
        _shut_down(app, window)
        raise
    print(file=sys.stderr)
    _shut_down(app, window)
    size_mb = result.bytes / 1e6
    seconds = time.perf_counter() - started
    print(f"{result.path}  ({result.frames} frames, {size_mb:.1f} MB, {seconds:.1f} s)")
    return 0


def _shut_down(app, window) -> None:
    """Close the window and end Qt's connection to the X server before that server stops."""
    window.close()
    window.deleteLater()
    app.processEvents()
    app.shutdown()
