"""`gdviz [FILE.json] [--preset|--function|--lesson]`: opens the window."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import gdviz
from gdviz.cli.options import (
    VERBS,
    Parser,
)


def _gui_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="gdviz",
        description="See gradient descent: opens the window on the lecture's log loss L(w, b). "
        f"Headless verbs: {', '.join(VERBS)} (gdviz VERB --help).",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--preset", metavar="NAME", help="open a preset (see `gdviz presets`)")
    source.add_argument(
        "--function", metavar="EXPR", help="open f(x, y) = EXPR, e.g. 'sin(x)*cos(y)'"
    )
    source.add_argument("scene", nargs="?", metavar="FILE.json", help="open a saved scene")
    parser.add_argument(
        "--theme", choices=("system", "dark", "light"),
        help="light (for projectors), dark, or system (follow the desktop); remembered",
    )  # fmt: skip
    parser.add_argument(
        "--lesson", metavar="FILE", nargs="?", const="lecture",
        help="step through a lesson (default: the lecture's; or a lesson file you wrote)",
    )  # fmt: skip
    parser.add_argument("--version", action="version", version=f"gdviz {gdviz.__version__}")
    parser.add_argument(
        "--install-desktop-entry", action="store_true",
        help="add gdviz to this user's application menu, with its icon (Linux), and exit",
    )  # fmt: skip
    return parser


def run_gui(argv: Sequence[str]) -> int:
    args = _gui_parser().parse_args(argv)
    if args.install_desktop_entry:
        from gdviz.cli.desktop_entry import install_desktop_entry

        return install_desktop_entry()
    from gdviz.core.presets import get_preset

    if args.preset is not None:
        get_preset(args.preset)  # unknown names fail here, before a window exists
    if args.function is not None:
        from gdviz.core.expression import parse_expression

        parse_expression(args.function)
    if args.scene is not None:
        from gdviz.core.scene import load_scene

        load_scene(args.scene)  # a bad file is reported here, before a window exists
    if args.lesson is not None and args.lesson != "lecture":
        from gdviz.core.lesson import load_lesson

        load_lesson(args.lesson)
    from gdviz.ui.app import run_app

    return run_app(
        preset=args.preset, function=args.function, scene=args.scene, lesson=args.lesson,
        theme_name=args.theme, verbosity=args.verbose,
    )  # fmt: skip
