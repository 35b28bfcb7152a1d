"""PySide6's per-import source check, made a file read: later imports leave no source lines in
linecache (they used to keep every line of sympy and more: ~45 MB at start-up)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import linecache, sys
    if sys.argv[1] == "gdviz":
        import gdviz.ui  # replaces the check
    else:
        import PySide6.QtCore  # PySide6's own check
    before = len(linecache.cache)
    import json.tool, xml.dom.minidom, email.mime.text  # imported after PySide6
    print(len(linecache.cache) - before)
    """
)


def _lines_kept(mode: str) -> int:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode], capture_output=True, text=True, timeout=60,
        env=env, cwd=REPO,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    return int(out.stdout.split()[-1])


def test_imports_after_gdviz_ui_keep_no_source_in_linecache():
    assert _lines_kept("pyside") > 0  # the premise: PySide6's check fills linecache
    assert _lines_kept("gdviz") == 0
