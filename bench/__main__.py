"""python -m bench: every benchmark, each figure beside its baseline measured in the same run."""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import platform
import re
import shutil
import sys

from bench.common import Figure


def _format_value(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value * 1000:.2f} ms" if value < 1 else f"{value:.2f} s"
    if unit == "MB":
        return f"{value:,.0f} MB"
    return f"{value:,.0f} {unit}"


def print_table(figures: list[Figure]) -> None:
    header = ("figure", "gdviz", "baseline", "ratio", "goal")
    rows = [
        (f.name, _format_value(f.gdviz, f.unit), _format_value(f.baseline, f.unit),
         f"{f.ratio:.1f}×", f.goal)
        for f in figures
    ]  # fmt: skip
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))


def missing_bench_packages() -> list[str]:
    """The packages of gdviz's [bench] extra (as pyproject lists them) that are not installed."""
    requires = importlib.metadata.requires("gdviz") or []
    names = [
        re.match(r"[A-Za-z0-9_.-]+", r).group(0)  # type: ignore[union-attr]
        for r in requires
        if re.search(r"""extra\s*==\s*["']bench["']""", r)
    ]
    missing = []
    for name in names:
        try:
            importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            missing.append(name)
    return missing


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one repetition each (smoke test)")
    args = parser.parse_args()
    try:
        missing = missing_bench_packages()
    except importlib.metadata.PackageNotFoundError:
        missing = ["gdviz"]
    if missing:
        print(f"python -m bench needs gdviz's [bench] extra (missing: {', '.join(missing)}): "
              "pip install '.[bench]'", file=sys.stderr)  # fmt: skip
        return 2
    if not os.environ.get("DISPLAY") and shutil.which("xvfb-run"):
        # The GL figures need an X server: run the whole bench under a private Xvfb.
        os.execvp(
            "xvfb-run",
            ["xvfb-run", "-a", "-s", "-screen 0 1280x1024x24", sys.executable, "-m", "bench",
             *sys.argv[1:]],
        )  # fmt: skip
    from bench import (
        cli_help,
        descent_loop,
        export_speed,
        gui_stall,
        loss_grid,
        panel_repaint,
        startup_memory,
        surface_rebuild,
        sweep_starts,
    )

    print(f"gdviz benchmarks on {platform.node()}: {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}")  # fmt: skip
    figures: list[Figure] = []
    modules = (
        surface_rebuild,
        loss_grid,
        descent_loop,
        sweep_starts,
        gui_stall,
        panel_repaint,
        export_speed,
        startup_memory,
        cli_help,
    )
    for module in modules:
        figures += module.measure(quick=args.quick)
    print_table(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
