"""`gdviz export`: render an animation of a scene to MP4, GIF, WebM or PNG without a window."""

from __future__ import annotations

import gc
import math
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

from gdviz.cli.options import (
    Parser,
    UsageError,
    add_minibatch_options,
    add_source_and_run_options,
    check_minibatch_options,
    check_start_defined,
    minibatch_from_args,
    optimizer_from_args,
    start_from_args,
    surface_from_args,
    whole_number,
)
from gdviz.core.numbers import parse_number, parse_number_list

DEFAULT_SIZE = "1280x720"
GRID_TIMEOUT_S = 120.0


def _export_parser():
    from gdviz.core.animation import DEFAULT_TIMING, TIMING_KEYS, TIMINGS
    from gdviz.export.spec import DEFAULT_FPS, DEFAULT_FRAMES

    parser = Parser(
        prog="gdviz export",
        description="Export an animation of a scene (descent, Δ → 0, u rotating, camera orbit) "
        "as MP4, GIF, WebM, a folder of PNG frames or a PNG still. Starts a private Xvfb when "
        "there is no display.",
    )
    add_source_and_run_options(parser)
    add_minibatch_options(parser)
    parser.add_argument(
        "--animate", default="descent", metavar="KINDS",
        help="descent, delta, direction, orbit, starts, or several joined by commas (default "
        "descent); starts: the paths of --starts (or the scene's scatter) grow together",
    )  # fmt: skip
    parser.add_argument(
        "--starts", metavar="K[,grid|random[,SEED]]",
        help="many starts over the window for --animate starts, e.g. 400 or 400,random,7 "
        "(the optimizer and its settings as for a run)",
    )  # fmt: skip
    parser.add_argument(
        "--out", required=True, metavar="FILE", help="FILE.mp4|gif|webm|png or DIR/"
    )
    parser.add_argument(
        "--size", default=DEFAULT_SIZE, metavar="WxH", help="720p, 1080p, 4k or WxH"
    )
    parser.add_argument(
        "--fps", default=str(DEFAULT_FPS), metavar="N",
        help=f"frames per second (default {DEFAULT_FPS})",
    )  # fmt: skip
    length = parser.add_mutually_exclusive_group()
    length.add_argument(
        "--frames", metavar="N",
        help=f"frames that move (default {DEFAULT_FRAMES}; 1 for a .png still); a video of a "
        "descent or of Δ → 0 then stays 1 s on its last frame",
    )  # fmt: skip
    length.add_argument(
        "--duration", metavar="SECONDS", help="how long the motion plays: frames = SECONDS × fps"
    )
    parser.add_argument(
        "--timing", default=DEFAULT_TIMING, choices=TIMING_KEYS,
        help="how a descent is spread over the frames: "
        + "; ".join(f"{t.key}: {t.help}" for t in TIMINGS) + f" (default {DEFAULT_TIMING})",
    )  # fmt: skip
    parser.add_argument(
        "--camera", default="auto", metavar="auto|AZ,EL[,DIST]",
        help="auto (default): a view that sees the point and the runs; or azimuth and "
        "elevation in degrees and a distance (the box is about 2 wide); write "
        "--camera=-60,30 when the azimuth is negative",
    )  # fmt: skip
    parser.add_argument(
        "--follow", action="store_true", help="the camera follows the run, close up"
    )
    parser.add_argument(
        "--background", default="dark", choices=("dark", "light", "transparent"),
        help="dark, light, or transparent (PNG only)",
    )  # fmt: skip
    parser.add_argument("--title", metavar="TEXT", help="the title written on the frames")
    parser.add_argument("--no-overlay", action="store_true", help="no text on the frames")
    return parser


class _Progress:
    """A bar on stderr that is ended by a newline before anything else is printed; redrawn at
    most every `interval` seconds (a redraw costs the export's thread a write) and at the end."""

    width = 30
    interval = 0.1

    def __init__(self) -> None:
        self.shown = False
        self._next = 0.0

    def show(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now < self._next:
            return
        self._next = now + self.interval
        filled = round(self.width * done / max(total, 1))
        bar = "█" * filled + "·" * (self.width - filled)
        print(f"\rgdviz export: {bar} {done}/{total} frames", end="", file=sys.stderr, flush=True)
        self.shown = True

    def end(self) -> None:
        if self.shown:
            print(file=sys.stderr, flush=True)
            self.shown = False


def _report_qt_messages_once():
    """Qt warnings (e.g. a timer complaint repeated every frame) go to stderr once each;
    returns the previous handler."""
    from PySide6 import QtCore

    seen: set[str] = set()

    def handler(_kind, _context, message: str) -> None:
        if message not in seen and len(seen) < 50:
            seen.add(message)
            print(f"gdviz export: Qt: {message[:300]}", file=sys.stderr)

    return QtCore.qInstallMessageHandler(handler)


def run_export(argv: Sequence[str]) -> int:
    """The export verb; bad input, a bad destination or no display end as a UsageError."""
    from gdviz.display import DisplayError
    from gdviz.export.spec import ExportError

    # The set-up (sympy, Qt, pyqtgraph, the stage) makes ~10⁶ long-lived objects and next to no
    # garbage: collections during it only walk them (0.08 s). Collection resumes for the frames.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run_export(argv)
    except (ExportError, DisplayError) as err:
        raise UsageError(str(err)) from None
    finally:
        if collecting:
            gc.enable()


def _run_export(argv: Sequence[str]) -> int:
    from gdviz.core.animation import ANIMATIONS
    from gdviz.core.window import check_finite_somewhere
    from gdviz.export.formats import FORMAT_BY_KEY
    from gdviz.export.spec import (
        ExportSpec,
        check_destination,
        format_for_path,
        hold_for,
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
    try:
        fps = float(args.fps)
    except ValueError:
        raise UsageError(f"--fps: {args.fps!r} is not a number") from None
    frames = _frame_count(args, FORMAT_BY_KEY[fmt].animated, fps)
    camera = _camera(args.camera)
    from pathlib import Path

    path = Path(args.out)
    hold = hold_for(fmt, kinds, fps) if math.isfinite(fps) and fps > 0 else 0
    spec = validate(
        ExportSpec(path, fmt, width, height, fps, frames + hold, args.background, hold=hold)
    )
    check_minibatch_options(args)
    optimizer, max_steps, tol = optimizer_from_args(args)
    surface, suggested = surface_from_args(args)  # checks the function or dataset early
    minibatch = minibatch_from_args(args, surface)
    start = start_from_args(args, suggested)
    check_finite_somewhere(surface, _window_of(args, surface))
    if "descent" in kinds:
        check_start_defined(surface, start)  # as `gdviz run` does
    starts = _starts_spec(args, kinds, optimizer, max_steps, tol)
    check_destination(spec)

    from gdviz.display import display_for_rendering

    request = _Request(kinds, frames, hold, camera, minibatch, starts)
    with display_for_rendering(while_starting=_import_rendering):
        return _render_and_write(args, spec, request, surface, start, optimizer, max_steps, tol)


def _import_rendering() -> None:
    """Import what rendering needs (Qt, pyqtgraph, the stage): done while Xvfb starts."""
    import gdviz.ui.app
    import gdviz.ui.export_stage
    import gdviz.ui.exporter  # noqa: F401


@dataclass(frozen=True)
class _Request:
    kinds: tuple[str, ...]
    frames: int  # that move
    hold: int  # that repeat the last
    camera: tuple[float, ...] | None  # (azimuth, elevation[, distance]); None: auto
    minibatch: object = None  # MiniBatchSettings of --batch-size/--seed; None: full batch
    starts: object = None  # the StartsSpec of a "starts" animation


def _starts_spec(args, kinds, optimizer, max_steps, tol):
    """The many starts a "starts" animation shows: --starts with the run options, else the
    scene's scatter; None when not animated. UsageError when neither says, or --starts is bad."""
    if args.starts is not None and "starts" not in kinds:
        raise UsageError("--starts goes with --animate starts")
    if "starts" not in kinds:
        return None
    if args.starts is None:
        from gdviz.core.scene import load_scene

        spec = load_scene(args.scene).starts if args.scene else None
        if spec is None:
            raise UsageError(
                "--animate starts needs --starts K[,grid|random[,SEED]] (or a --scene with a "
                "scatter of starts)"
            )
        return spec
    from gdviz.cli.options import core_value
    from gdviz.core.optimizers import HYPERPARAMETER_NAMES
    from gdviz.core.run_settings import starts_from_text
    from gdviz.core.scene import RunSpec
    from gdviz.model.scatter_state import starts_spec

    settings = core_value("--starts", args.starts, lambda: starts_from_text(args.starts))
    knobs = {name: getattr(optimizer.hp, name) for name in HYPERPARAMETER_NAMES}
    return starts_spec(RunSpec(optimizer.name, **knobs, max_steps=max_steps, tol=tol), settings)


def _frame_count(args, animated: bool, fps: float) -> int:
    """--frames, or --duration × fps, or the default (DEFAULT_FRAMES; 1 for a still)."""
    from gdviz.export.spec import DEFAULT_FRAMES

    if args.duration is not None:
        try:
            seconds = parse_number(args.duration, "--duration")
        except ValueError as err:
            raise UsageError(str(err)) from None
        if seconds <= 0 or not (math.isfinite(fps) and fps > 0):
            raise UsageError(f"--duration must be more than 0 seconds, got {args.duration!r}")
        frames = round(seconds * fps)
        if frames < 1:
            raise UsageError(f"--duration {args.duration} at {fps:g} fps is less than one frame")
        return frames
    default_frames = str(DEFAULT_FRAMES) if animated else "1"
    frames_text = default_frames if args.frames is None else args.frames  # "" is an error
    return whole_number(frames_text, "--frames", 1)


def _camera(text: str) -> tuple[float, ...] | None:
    """None for 'auto', else (azimuth, elevation[, distance]) from 'AZ,EL[,DIST]'."""
    if text.strip().lower() == "auto":
        return None
    try:
        values = parse_number_list(text, "--camera")
    except ValueError as err:
        raise UsageError(f"{err}; use auto or AZIMUTH,ELEVATION[,DISTANCE]") from None
    if len(values) not in (2, 3):
        raise UsageError(
            f"--camera needs auto or AZIMUTH,ELEVATION[,DISTANCE] in degrees, got {text[:80]!r}"
        )
    if not -90.0 <= values[1] <= 90.0:
        raise UsageError(
            f"--camera: elevation must be between −90 and 90 degrees, got {values[1]:g}"
        )
    if len(values) == 3 and not 0.0 < values[2] <= 1000.0:
        raise UsageError(
            f"--camera: distance must be more than 0 and at most 1000, got {values[2]:g}"
        )
    return tuple(values)


def _window_of(args, surface):
    """The window the export shows: the scene's, else the surface's own."""
    if args.scene:
        from gdviz.core.scene import load_scene
        from gdviz.core.window import Window

        return Window(*load_scene(args.scene).window)
    return surface.default_window


def _render_and_write(args, spec, plan: _Request, surface, start, optimizer, max_steps, tol) -> int:
    """Render and write, stopping cleanly on SIGINT, SIGTERM or SIGHUP (exit 128 + signal)."""
    from PySide6 import QtCore

    from gdviz.export.spec import ExportError
    from gdviz.export.writers import ExportCancelled
    from gdviz.stop_signals import stop_requested
    from gdviz.ui.app import ensure_application
    from gdviz.ui.export_stage import StageCancelled

    app = ensure_application()
    previous_handler = _report_qt_messages_once()
    stage = None
    progress = _Progress()
    with stop_requested() as stop:
        try:
            stage = _stage_for(args, surface, start, optimizer, max_steps, tol, plan, spec, stop)
            # sympy, Qt and pyqtgraph leave ~10⁶ objects: no collection (during the frames, or
            # the one at exit) walks them again
            gc.freeze()
            gc.enable()
            result = _write(stage, args, spec, plan, progress, stop)
        except (ExportCancelled, StageCancelled):
            result = None
        except (UsageError, ExportError, OSError, ValueError) as err:
            if stop.keep_going():
                raise UsageError(str(err)) from None
            result = None  # a signal made the encoder or a frame fail: that is a cancel
        except Exception as err:  # a fault while rendering: one line, not a traceback
            if stop.keep_going():
                raise UsageError(f"the export failed: {type(err).__name__}: {err}") from None
            result = None
        finally:
            progress.end()
            if stage is not None:
                stage.close()
            _shut_down(app)
            QtCore.qInstallMessageHandler(previous_handler)
    if result is None:
        reason = f" ({stop.name})" if stop.name else ""
        print(f"gdviz export: export cancelled{reason}; nothing was written", file=sys.stderr)
        return stop.exit_status if stop.signum else 130
    size_mb = result.bytes / 1e6
    print(f"{result.path}  ({result.frames} frames, {size_mb:.1f} MB, {result.seconds:.1f} s)")
    return 0


def _stage_for(args, surface, start, optimizer, max_steps, tol, plan, spec, stop):
    """The document as the window would show it and its 3D view, the grid drawn, the run made:
    only what the frames show (no docks, panels or menus; see gdviz.ui.export_stage)."""
    from gdviz.core.logistic import log_base_key
    from gdviz.core.presets import default_preset_name
    from gdviz.core.scene import load_scene, scene_for_preset
    from gdviz.model import Document
    from gdviz.ui.export_stage import build_stage

    scene = load_scene(args.scene) if args.scene else None
    doc = Document(scene_for_preset(args.preset or default_preset_name()))
    # the calculus constructions (and the panels their driver reads) only if one may be drawn
    constructions = bool({"delta", "direction"} & set(plan.kinds)) or bool(
        scene is not None and (scene.shown or scene.pinned)
    )
    deadline = time.monotonic() + GRID_TIMEOUT_S
    stage = build_stage(doc, constructions, stop.keep_going, starts=plan.starts is not None)
    try:
        if args.function:
            doc.set_expression(args.function, label=None)  # checked by surface_from_args
        if scene is not None:
            doc.restore(scene)
        else:  # a scene keeps its own log base, as surface_from_args does
            doc.update(log_base=log_base_key(args.log_base))
        if args.dataset:
            doc.set_dataset(surface.dataset, label=None)

        def keep_going() -> bool:
            if time.monotonic() > deadline:
                raise UsageError(f"the surface could not be computed in {GRID_TIMEOUT_S:.0f} s")
            return stop.keep_going()

        stage.sample(keep_going)
        if start is not None and all(math.isfinite(v) for v in start):
            doc.update(point=(float(start[0]), float(start[1])))
        if "descent" in plan.kinds and not (scene is not None and doc.runs):
            stage.add_run(start, optimizer, max_steps, tol, plan.minibatch)
        if "descent" in plan.kinds:
            stage.finish_runs()
        if plan.starts is not None:
            stage.starts.compute_now(plan.starts)
        _aim(stage, plan.camera, spec)
    except BaseException:
        stage.close()
        raise
    return stage


def _write(stage, args, spec, plan: _Request, progress, stop):
    from gdviz.export.writers import export_frames
    from gdviz.ui.exporter import FrameRequest, palette_samples, render_frames

    request = FrameRequest(
        plan.kinds, plan.frames, spec.width, spec.height, spec.background,
        overlays=not args.no_overlay, title=args.title, timing=args.timing, hold=plan.hold,
        follow=args.follow,
    )  # fmt: skip
    return export_frames(
        spec, render_frames(stage, request), progress=progress.show,
        keep_going=stop.keep_going, palette_samples=palette_samples(stage, spec, request),
        handed_over=True,
    )  # fmt: skip


def _aim(stage, camera: tuple[float, ...] | None, spec) -> None:
    """The camera for the frames: the view that sees the point and the runs, or the one asked.

    Either replaces whatever a pending automatic search would aim at (for the stage's own
    size), so that search is dropped, not finished."""
    stage.camera.cancel_search()
    stage.view.settle_camera()
    if camera is None:
        stage.camera.frame_what_matters(animate=False, aspect=spec.width / spec.height)
        return
    azimuth, elevation, *rest = camera
    stage.view.set_camera(elevation, azimuth, rest[0] if rest else None)


def _shut_down(app) -> None:
    """Let Qt delete what was closed and end its connection to the X server before that server
    stops."""
    from PySide6 import QtCore

    app.processEvents()
    app.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)
    app.processEvents()
    app.shutdown()
