"""A whole window as a Scene and back: what Save writes, and what Open, lessons and Undo apply."""

from __future__ import annotations

import math

from PySide6 import QtWidgets

from gdviz.core.logistic import LOG_BASES, Dataset
from gdviz.core.optimizers import Hyperparameters
from gdviz.core.presets import get_preset
from gdviz.core.scene import Camera, LimitSpec, RunSpec, Scene, SurfaceSource
from gdviz.core.surfaces import ExpressionSurface, LogisticLossSurface
from gdviz.core.window import Window
from gdviz.ui.panels.descent_panel import RunSettings

# Panel names in scenes and lessons → the dock that shows them.
PANEL_DOCKS = {
    "point": "pointDock",
    "step": "stepDock",
    "loss": "lossDock",
    "likelihood": "likelihoodDock",
    "data": "dataplotDock",
    "partials": "xyDock",
    "direction": "directionDock",
    "limits": "limitsDock",
    "derivative": "gxDock",
    "top": "topviewDock",
}
SYNCHRONOUS_RUN_STEPS = 200_000  # runs in a scene are computed at once up to this length


def capture_scene(window) -> Scene:
    """Everything needed to reproduce what the window shows now."""
    surface = window.surface
    if window._preset_name is not None:
        source = SurfaceSource("preset", window._preset_name, None, None, None)
    elif isinstance(surface, LogisticLossSurface):
        data = surface.dataset
        source = SurfaceSource(
            "dataset", None, None, tuple(map(float, data.x)), tuple(map(float, data.y))
        )
    else:
        source = SurfaceSource("expression", None, window._expression_text, None, None)
    limits = window.limits_panel
    runs = tuple(
        RunSpec(
            d.optimizer.name, d.optimizer.hp.lr, d.optimizer.hp.momentum, d.optimizer.hp.beta1,
            d.optimizer.hp.beta2, d.optimizer.hp.eps, d.optimizer.hp.alpha, d.start,
            d.max_steps, d.tol,
        )
        for d in window.descent.runs.values()
    )  # fmt: skip
    return Scene(
        source=source,
        window=window._window.as_tuple(),
        resolution=window._resolution,
        log_height=window._log_height,
        log_base=window._log_base_key,
        point=window.point,
        delta=window.partials_panel.delta(),
        direction=window.direction_panel.direction(),
        step=window.direction_panel.step(),
        limits=LimitSpec(
            limits.x0_box.value(),
            limits.y0_box.value(),
            tuple(_numbers(limits.slopes_edit.text())),
            limits.vertical_check.isChecked(),
            tuple(_numbers(limits.parabolas_edit.text())),
            limits.custom_x.text(),
            limits.custom_y.text(),
            limits.t0_box.value(),
        ),  # fmt: skip
        runs=runs,
        camera=_camera(window.view),
        panels=tuple(name for name, dock in PANEL_DOCKS.items() if _raised(window, dock)),
        shown=_shown(window),
    )


def apply_scene(window, scene: Scene) -> None:
    """Make the window show the scene (surface, view, point, lesson settings, runs, camera)."""
    window.set_log_base(scene.log_base)
    window._resolution = scene.resolution
    window.function_panel.show_resolution(scene.resolution)
    base = LOG_BASES[scene.log_base]
    plane = Window(*scene.window)
    source = scene.source
    if source.kind == "preset":
        preset = get_preset(source.preset)
        window._load_preset_surface(preset)
        surface = preset.surface(base)
        if isinstance(surface, LogisticLossSurface):
            surface = LogisticLossSurface(surface.dataset, plane, base, title=preset.title)
        preset_name, text = preset.name, preset.expression
    elif source.kind == "expression":
        surface = ExpressionSurface(source.expression, plane)
        preset_name, text = None, source.expression
    else:
        dataset = Dataset(source.dataset_x, source.dataset_y)
        window._adopt_dataset(dataset, "the scene's dataset")
        surface = LogisticLossSurface(dataset, plane, base)
        preset_name, text = None, None
    window._preset_name, window._expression_text = preset_name, text
    window._log_height = scene.log_height
    window._install_surface(surface, plane, scene.point, True)
    window.partials_panel.set_delta(scene.delta)
    window.direction_panel.set_direction(*scene.direction)
    window.direction_panel.step_box.setValue(scene.step)
    _apply_limits(window.limits_panel, scene.limits)
    _apply_shown(window, scene.shown)
    for run in scene.runs:
        hp = Hyperparameters(run.lr, run.momentum, run.beta1, run.beta2, run.eps, run.alpha)
        settings = RunSettings(run.optimizer, hp, run.max_steps, run.tol)
        window.descent.add_run(
            run.start, settings, synchronous=run.max_steps <= SYNCHRONOUS_RUN_STEPS
        )
    window.set_camera_when_drawn(scene.camera)
    for name in scene.panels:
        dock = window.findChild(QtWidgets.QDockWidget, PANEL_DOCKS.get(name, ""))
        if dock is not None:
            dock.show()
            dock.raise_()


def _numbers(text: str) -> list[float]:
    out = []
    for part in text.replace("−", "-").split(","):
        try:
            value = float(part)
        except ValueError:
            continue
        if math.isfinite(value):
            out.append(value)
    return out


def _raised(window, dock_name: str) -> bool:
    dock = window.findChild(QtWidgets.QDockWidget, dock_name)
    if dock is None or not dock.isVisible():
        return False
    return not dock.visibleRegion().isEmpty()


def _construction_checks(window) -> dict[str, QtWidgets.QCheckBox]:
    """The check boxes that switch each 3D construction on, by its name in scenes."""
    return {
        "partials": window.partials_panel.show_check,
        "direction": window.direction_panel.show_check,
        "gradient": window.direction_panel.gradient_check,
        "tangent_plane": window.direction_panel.plane_check,
        "limits": window.limits_panel.show_check,
    }


def _shown(window) -> tuple[str, ...]:
    return tuple(name for name, check in _construction_checks(window).items() if check.isChecked())


def _apply_shown(window, shown: tuple[str, ...]) -> None:
    for name, check in _construction_checks(window).items():
        check.setChecked(name in shown)
    if "limits" in shown:
        window.limits_panel.compute_requested.emit()


def _apply_limits(panel, spec: LimitSpec) -> None:
    panel.x0_box.setValue(spec.x0)
    panel.y0_box.setValue(spec.y0)
    panel.slopes_edit.setText(", ".join(f"{m:g}" for m in spec.slopes))
    panel.vertical_check.setChecked(spec.vertical)
    panel.parabolas_edit.setText(", ".join(f"{k:g}" for k in spec.parabolas))
    panel.custom_x.setText(spec.path_x)
    panel.custom_y.setText(spec.path_y)
    panel.t0_box.setValue(spec.t0)


def _camera(view) -> Camera:
    framing = view.auto_framing()
    if framing is not None:
        return Camera(framing[0], framing[1], None, None)
    centre = view.opts["center"]
    x, y, z = (float(v) for v in view.scene_to_data(centre.x(), centre.y(), centre.z()))
    return Camera(
        float(view.opts["elevation"]), float(view.opts["azimuth"]),
        float(view.opts["distance"]), (x, y, z),
    )  # fmt: skip
