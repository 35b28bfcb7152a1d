"""The dependency rule: importing gdviz.core loads no Qt, pyqtgraph, OpenGL or imageio."""

import json
import subprocess
import sys


def test_core_imports_without_qt_gl_or_imageio():
    code = (
        "import json, sys\n"
        "import gdviz.core.surfaces, gdviz.core.presets, gdviz.core.grid, gdviz.core.calculus\n"
        "import gdviz.core.expression, gdviz.core.logistic, gdviz.cli\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    modules = json.loads(proc.stdout)
    forbidden = ("PySide6", "shiboken6", "pyqtgraph", "OpenGL", "imageio")
    leaked = [m for m in modules if m.split(".")[0] in forbidden]
    assert leaked == []
    assert "gdviz.core.surfaces" in modules  # the import really happened
