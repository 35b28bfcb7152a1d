"""Named functions and datasets, read from resources/presets.json, with view windows and starts."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache

from gdviz.core.logistic import Dataset
from gdviz.core.resources import resource_path
from gdviz.core.shown import shown_text
from gdviz.core.surfaces import ExpressionSurface, LogisticLossSurface, Surface
from gdviz.core.window import Window


class PresetError(KeyError):
    """An unknown preset name."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Preset:
    """A named surface: an expression or a dataset's loss, its view window and suggested start."""

    name: str
    title: str
    kind: str  # "expression" or "logistic"
    window: Window
    start: tuple[float, float]
    description: str = ""
    expression: str | None = None
    dataset: str | None = None
    height_scale: str = "linear"
    lr: float = 0.01  # a learning rate at which plain gradient descent shows something useful
    camera: tuple[float, float] | None = None  # (elevation, azimuth) pinned; None: chosen

    def surface(self, log_base: float = math.e) -> Surface:
        """The surface this preset names."""
        if self.kind == "logistic":
            if self.dataset != "lecture":
                raise ValueError(f"preset {self.name}: unknown dataset {self.dataset!r}")
            return LogisticLossSurface(Dataset.lecture(), self.window, log_base, title=self.title)
        return ExpressionSurface(self.expression or "", self.window, title=self.title)


def _preset_from_json(entry: dict) -> Preset:
    return Preset(
        name=entry["name"],
        title=entry["title"],
        kind=entry["kind"],
        window=Window(*map(float, entry["window"])),
        start=(float(entry["start"][0]), float(entry["start"][1])),
        description=entry.get("description", ""),
        expression=entry.get("expression"),
        dataset=entry.get("dataset"),
        height_scale=entry.get("height_scale", "linear"),
        lr=float(entry.get("lr", 0.01)),
        camera=_camera(entry.get("camera")),
    )


def _camera(value) -> tuple[float, float] | None:
    """A preset's pinned camera: [elevation, azimuth] in degrees, or absent."""
    if value is None:
        return None
    elevation, azimuth = (float(v) for v in value)
    if not (-90.0 <= elevation <= 90.0 and math.isfinite(azimuth)):
        raise ValueError(f"preset camera {value!r}: elevation must be in [-90, 90]")
    return elevation, azimuth


@lru_cache(maxsize=1)
def _load() -> tuple[str, tuple[Preset, ...]]:
    data = json.loads(resource_path("presets.json").read_text(encoding="utf-8"))
    return data["default"], tuple(_preset_from_json(entry) for entry in data["presets"])


def all_presets() -> tuple[Preset, ...]:
    """Every preset, in display order."""
    return _load()[1]


def default_preset_name() -> str:
    """The preset the app opens on: the lecture's logistic-regression loss."""
    return _load()[0]


def get_preset(name: str) -> Preset:
    """The preset called name; PresetError lists the valid names otherwise."""
    for preset in all_presets():
        if preset.name == name:
            return preset
    names = ", ".join(p.name for p in all_presets())
    raise PresetError(f"unknown preset {shown_text(name)} (available: {names})")
