"""`gdviz-app`: the window alone, a GUI launcher (no console window beside it on Windows)."""

from __future__ import annotations

import sys

from gdviz.cli import main as cli_main


def main() -> int:
    """Open the window with the same options as `gdviz` (a scene, --preset, --lesson …)."""
    return cli_main(sys.argv[1:])
