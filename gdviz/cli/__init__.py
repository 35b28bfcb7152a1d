"""The `gdviz` command: opens the window, or runs a headless verb (presets, eval, run, …).

Each verb lives in its own module, imported only when it runs: `gdviz --help` loads no sympy.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

from gdviz.cli.options import GUI, VERBS, UsageError, attach_negative_values

__all__ = ["VERBS", "UsageError", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `gdviz` command; returns the process exit status."""
    argv = attach_negative_values(list(sys.argv[1:] if argv is None else argv))
    verb = argv[0] if argv and argv[0] in VERBS else None
    prog = f"gdviz {verb}" if verb else "gdviz"
    module, function = VERBS[verb] if verb else GUI
    try:
        run_verb = getattr(importlib.import_module(module), function)
        return run_verb(argv[1:] if verb else argv)
    except (UsageError, ValueError, KeyError, OSError) as err:
        print(_error_text(prog, err), file=sys.stderr)
        return 2


def _error_text(prog: str, err: Exception) -> str:
    """One short line (or, for a dataset, one line per listed bad row) saying what was wrong."""
    from gdviz.core.expression import ExpressionError
    from gdviz.core.logistic import DatasetError, bad_rows_text
    from gdviz.core.shown import bounded_line

    if isinstance(err, DatasetError):
        # The first bad rows, each on its own line, then how many more there are.
        if err.bad_rows == 1 and len(err.errors) == 1:
            return bounded_line(f"{prog}: error: {err.errors[0]}")
        lines = bad_rows_text(err.errors, err.bad_rows).split("\n")
        return "\n".join(bounded_line(line) for line in [f"{prog}: error: {lines[0]}", *lines[1:]])
    message = str(err)
    if isinstance(err, ExpressionError):
        message = f"invalid expression: {message}"
    # Anything echoed past the bound is cut (argparse, for one, echoes whole values).
    return "\n".join(bounded_line(line) for line in f"{prog}: error: {message}".split("\n"))
