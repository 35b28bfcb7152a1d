"""A scene's surface source turned into a Surface: the one function the CLI and the GUI share."""

from __future__ import annotations

import numpy as np

from gdviz.core.logistic import LOG_BASES, Dataset
from gdviz.core.presets import get_preset
from gdviz.core.scene import Scene, SurfaceSource
from gdviz.core.surfaces import ExpressionSurface, LogisticLossSurface, Surface
from gdviz.core.window import Window


def dataset_of(source: SurfaceSource) -> Dataset | None:
    """The examples behind a loss surface (the lecture's for the logistic preset), else None."""
    if source.kind == "dataset":
        return Dataset(np.asarray(source.dataset_x or ()), np.asarray(source.dataset_y or ()))
    if source.kind == "preset" and get_preset(source.preset or "").kind == "logistic":
        return Dataset.lecture()
    return None


def surface_for_scene(scene: Scene, dataset: Dataset | None = None) -> Surface:
    """The surface a scene shows, over the scene's window and in its log base.

    `dataset` may pass the already-built examples of a dataset source (it must be the same data).
    Raises ExpressionError for a bad expression and ValueError for a bad window or dataset.
    """
    window = Window(*scene.window)
    base = LOG_BASES[scene.log_base]
    source = scene.source
    if source.kind == "expression":
        return ExpressionSurface(source.expression or "", window)
    if source.kind == "preset":
        preset = get_preset(source.preset or "")
        if preset.kind != "logistic":
            return ExpressionSurface(preset.expression or "", window, title=preset.title)
        return LogisticLossSurface(dataset or Dataset.lecture(), window, base, title=preset.title)
    dataset = dataset or dataset_of(source)
    if dataset is None:
        raise ValueError(f"unknown kind of surface source: {source.kind!r}")
    return LogisticLossSurface(dataset, window, base)
