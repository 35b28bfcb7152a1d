"""PySide6's check of every later import for `__feature__` use, made a plain file read."""

from __future__ import annotations

import sys
from types import ModuleType

import PySide6.QtCore  # noqa: F401 (loads shibokensupport.feature, whose check is replaced)

_FEATURE_MODULE = "shibokensupport.feature"


def cheap_import_scan() -> bool:
    """Make PySide6's per-import source scan read each module's file once, keeping nothing.

    Once PySide6 is loaded it asks, of every module imported after it, whether the source
    mentions "PySide6" (to know which modules may switch `__feature__`s), with
    `inspect.getsource`: that reads the file through `linecache`, which keeps every line of
    every module imported from then on (sympy alone: 12 MB of text, 26 MB of RSS) and costs
    ~0.1 s at start-up. The same question is answered here from the file's bytes. Returns
    whether the check was replaced (False if this PySide6 has no such check).
    """
    feature = sys.modules.get(_FEATURE_MODULE)
    original = getattr(feature, "_mod_uses_pyside", None)
    if original is None or getattr(original, "gdviz_cheap", False):
        return original is not None

    def _mod_uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return original(module)
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            return original(module)

    _mod_uses_pyside.gdviz_cheap = True  # type: ignore[attr-defined]
    feature._mod_uses_pyside = _mod_uses_pyside  # type: ignore[union-attr]
    return True
