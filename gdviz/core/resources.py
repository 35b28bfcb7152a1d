"""Where gdviz's data files live: the installed gdviz.resources package or the source tree."""

from __future__ import annotations

import importlib.resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

_SOURCE_RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def resource_path(*parts: str) -> Traversable:
    """The resource at resources/<parts…>: a Path on disk; read_text and open work either way."""
    try:
        node: Traversable = importlib.resources.files("gdviz.resources")
    except ModuleNotFoundError:
        # A source checkout: gdviz.resources only exists as a package once gdviz is installed.
        node = _SOURCE_RESOURCES
    for part in parts:
        node = node.joinpath(part)
    return node
