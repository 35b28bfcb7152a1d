"""Where gdviz's data files live: the top-level resources/ folder, installed as gdviz.resources."""

from __future__ import annotations

import importlib.resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

PACKAGE = "gdviz.resources"
# The application icon: icons/gdviz.svg and icons/gdviz-N.png drawn from it at each size N.
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


def resource_path(*parts: str) -> Traversable:
    """The data file at resources/<parts…>; read_text and open work from a wheel or editable."""
    node: Traversable = importlib.resources.files(PACKAGE)
    for part in parts:
        node = node.joinpath(part)
    return node
