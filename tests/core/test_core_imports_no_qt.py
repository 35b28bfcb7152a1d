"""The dependency rule: every module of gdviz.core and gdviz.model loads no Qt, GL or imageio."""

import json
import pkgutil
import subprocess
import sys

import pytest

import gdviz.core
import gdviz.model

FORBIDDEN = ("PySide6", "shiboken6", "pyqtgraph", "OpenGL", "imageio")


def _modules_of(package) -> list[str]:
    return [
        info.name for info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}.")
    ]


def test_the_walk_finds_every_module_of_core_and_model():
    names = _modules_of(gdviz.core) + _modules_of(gdviz.model)
    for expected in (
        "gdviz.core.scene",
        "gdviz.core.expression.parser",
        "gdviz.core.document_reader",
        "gdviz.model.document",
        "gdviz.model.runs",
    ):
        assert expected in names
    assert len(names) >= 25


def test_core_and_model_import_without_qt_gl_or_imageio():
    names = _modules_of(gdviz.core) + _modules_of(gdviz.model) + ["gdviz.cli"]
    code = (
        "import importlib, json, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    modules = json.loads(proc.stdout)
    leaked = [m for m in modules if m.split(".")[0] in FORBIDDEN]
    assert leaked == []
    assert set(names) <= set(modules)  # every import really happened


def test_the_command_loads_no_sympy_until_a_verb_needs_it():
    """`gdviz --help` stays fast: the package and its shared options import no sympy or Qt."""
    code = "import json, sys\nimport gdviz.cli\nprint(json.dumps(sorted(sys.modules)))\n"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    modules = json.loads(proc.stdout)
    assert [m for m in modules if m.split(".")[0] in (*FORBIDDEN, "sympy")] == []
    assert "gdviz.cli.options" in modules


@pytest.mark.parametrize(
    "verb", [None, "presets", "eval", "run", "limit", "likelihood", "export", "sweep", "starts"]
)
def test_every_help_is_printed_without_sympy_qt_or_gl(verb):
    """`gdviz [VERB] --help` parses its options before any heavy import (about 0.1 s)."""
    argv = ["--help"] if verb is None else [verb, "--help"]
    code = (
        "import json, sys\n"
        "from gdviz.cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('MODULES', json.dumps(sorted(sys.modules)))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "usage: gdviz" in proc.stdout
    modules = json.loads(proc.stdout.split("MODULES ", 1)[1])
    assert [m for m in modules if m.split(".")[0] in (*FORBIDDEN, "sympy")] == []
