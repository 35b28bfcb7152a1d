"""`gdviz --help` and each headless verb's --help as whole processes, beside `python -c pass`."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from bench.common import Figure

VERBS = (None, "presets", "eval", "run", "limit", "likelihood", "export")
GOAL = "≤ 0.3 s"


def _seconds(argv: list[str], repeat: int) -> float:
    """Median wall time of `repeat` fresh processes running argv."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(quick: bool = False) -> list[Figure]:
    repeat = 1 if quick else 5
    python = [sys.executable]
    bare = _seconds([*python, "-c", "pass"], repeat)
    helps = {
        verb: _seconds([*python, "-m", "gdviz", *([verb] if verb else []), "--help"], repeat)
        for verb in VERBS
    }
    slowest = max((v for v in VERBS if v), key=lambda v: helps[v])
    return [
        Figure("`gdviz --help` (vs `python -c pass`)", helps[None], bare, "s", GOAL),
        Figure(
            f"slowest verb's help: `gdviz {slowest} --help` (vs `python -c pass`)",
            helps[slowest],
            bare,
            "s",
            GOAL,
        ),  # fmt: skip
    ]


if __name__ == "__main__":
    from bench.__main__ import print_table

    print_table(measure(quick="--quick" in sys.argv))
