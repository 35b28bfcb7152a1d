"""Where gdviz's data files live: the top-level resources/ folder, installed as gdviz.resources."""

from __future__ import annotations

import importlib.resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

PACKAGE = "gdviz.resources"
# The application icon: icons/gdviz.svg and icons/gdviz-N.png drawn from it at each size N.
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


def _root() -> Traversable:
    try:
        root = importlib.resources.files(PACKAGE)
        if root.joinpath("__init__.py").is_file():
            return root
        # an older install's leftover: gdviz/resources as a namespace folder without our data
        error: Exception = ModuleNotFoundError(f"{PACKAGE} is an old install's folder: {root}")
    except ModuleNotFoundError as err:
        error = err
    # gdviz imported from a source checkout on sys.path (`python -m pytest` in a clone,
    # PYTHONPATH) rather than installed: a subpackage is looked for in gdviz/ only, but the
    # data sits beside it, in resources/.
    checkout = Path(__file__).resolve().parents[2] / "resources"
    if (checkout / "__init__.py").is_file():
        return checkout
    raise error


def resource_path(*parts: str) -> Traversable:
    """The data file at resources/<parts…>; read_text and open work installed or not."""
    node = _root()
    for part in parts:
        node = node.joinpath(part)
    return node
