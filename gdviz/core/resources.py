"""Where gdviz's data files live: the gdviz/resources folder, installed with the package."""

from __future__ import annotations

import importlib.resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable


def resource_path(*parts: str) -> Traversable:
    """The data file at gdviz/resources/<parts…>; read_text and open work installed or not."""
    node: Traversable = importlib.resources.files("gdviz").joinpath("resources")
    for part in parts:
        node = node.joinpath(part)
    return node
