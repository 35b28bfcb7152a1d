"""The package as pip installs it: run from outside the source tree, its data files are there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _run_outside_the_source_tree(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(
        [sys.executable, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )


def test_installed_gdviz_finds_its_presets_and_dataset(tmp_path):
    code = (
        "import json, gdviz\n"
        "from gdviz.core.presets import all_presets\n"
        "from gdviz.core.logistic import Dataset\n"
        "print(json.dumps([gdviz.__file__, len(all_presets()), len(Dataset.lecture())]))\n"
    )
    proc = _run_outside_the_source_tree(tmp_path, "-c", code)
    assert proc.returncode == 0, proc.stderr
    location, presets, examples = json.loads(proc.stdout)
    assert presets == 11 and examples == 8
    if os.environ.get("CI"):
        # In CI gdviz is pip-installed (not editable): this really checks the installed copy.
        assert Path(location).resolve().parent != REPO / "gdviz", location
        assert "site-packages" in Path(location).parts, location


def test_installed_command_prints_presets(tmp_path):
    proc = _run_outside_the_source_tree(tmp_path, "-m", "gdviz", "presets")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0].startswith("lecture-logistic")
