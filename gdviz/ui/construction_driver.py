"""The calculus tools on the surface: secants, direction u, gradient, plane, limits, g′(x)."""

from __future__ import annotations

import logging
import math

import numpy as np
from PySide6 import QtCore, QtWidgets

from gdviz.core.calculus import (
    construction_points,
    convergence_table,
    direction_points,
    directional,
    directional_sweep,
    point_report,
    secant_x,
    secant_y,
    slice_curve,
    tangent_plane,
)
from gdviz.core.expression import ExpressionError
from gdviz.core.grid import SampledGrid, display_heights
from gdviz.core.limits import limit_along, limit_verdict, paths_of_spec
from gdviz.core.scene import CONSTRUCTION_TOOL, CONSTRUCTIONS, SceneError
from gdviz.core.surfaces import Surface
from gdviz.model import Document
from gdviz.render.construction import Arrow, Construction, Curve, LabelledPoint, PlanePatch, Segment
from gdviz.render.view3d import SurfaceView
from gdviz.ui.panels.derivative1d_panel import Derivative1DPanel
from gdviz.ui.panels.direction_panel import DirectionPanel
from gdviz.ui.panels.limits_panel import LimitsPanel
from gdviz.ui.panels.partials_panel import PartialsPanel
from gdviz.ui.widgets import RefreshWhenShown

WHITE = (1.0, 1.0, 1.0, 1.0)
GREY = (0.75, 0.75, 0.78, 0.9)
X_COLOR = (1.0, 0.62, 0.2, 1.0)  # Δx, its secant
Y_COLOR = (0.2, 0.85, 1.0, 1.0)  # Δy, its secant
DZ_COLOR = (0.35, 0.9, 0.45, 1.0)  # Δz
TANGENT_COLOR = (1.0, 0.3, 0.35, 1.0)
U_COLOR = (1.0, 0.84, 0.2, 1.0)
GRADIENT_COLOR = (1.0, 1.0, 1.0, 1.0)
PLANE_COLOR = (0.9, 0.9, 1.0, 0.35)
PATH_COLORS = (
    (1.0, 0.45, 0.3, 1.0), (0.3, 0.85, 1.0, 1.0), (1.0, 0.84, 0.2, 1.0), (0.8, 0.5, 1.0, 1.0),
    (0.4, 1.0, 0.55, 1.0), (1.0, 0.5, 0.8, 1.0), (1.0, 1.0, 1.0, 1.0),
)  # fmt: skip
LINE_SAMPLES = 80
DIRECTION_KEYS = ("direction", "gradient", "tangent_plane")  # the Direction panel's constructions


log = logging.getLogger(__name__)


class ConstructionDriver(QtCore.QObject):
    """Binds the Δx/Δy, Direction, Limits and g′(x) panels to the document and draws each tool's
    construction on the surface while its tool is active or pinned."""

    close_up_requested = QtCore.Signal()

    def __init__(
        self,
        doc: Document,
        view: SurfaceView,
        partials: PartialsPanel,
        direction: DirectionPanel,
        limits: LimitsPanel,
        derivative: Derivative1DPanel,
        parent: QtCore.QObject | None = None,
    ):
        super().__init__(parent)
        self.doc, self.view = doc, view
        self.partials, self.direction, self.limits = partials, direction, limits
        self.derivative = derivative
        self.grid: SampledGrid | None = None
        # panels -> document
        partials.delta_changed.connect(self._on_delta_edited)
        partials.table_axis_changed.connect(self._on_table_axis_edited)
        direction.direction_changed.connect(self._on_direction_edited)
        direction.step_changed.connect(self._on_step_edited)
        limits.compute_requested.connect(self._on_limits_edited)
        limits.one_variable_requested.connect(self._on_one_variable_edited)
        derivative.edited.connect(self._on_derivative_edited)
        for name, check in self._show_checks().items():
            check.toggled.connect(lambda on, n=name: self._on_shown_toggled(n, on))
        for tool, check in self._pin_checks().items():
            check.toggled.connect(lambda on, t=tool: self._on_pin_toggled(t, on))
        for panel in (partials, direction):
            panel.close_up_requested.connect(self.close_up_requested)
        # document -> panels and the surface
        events = doc.events
        events.surface_changed.connect(self._on_surface_changed)
        events.point_changed.connect(self.refresh_point_tools)
        events.delta_changed.connect(self.refresh_partials)
        events.direction_changed.connect(self.refresh_direction)
        events.limits_changed.connect(self.refresh_limits)
        events.one_variable_changed.connect(self.refresh_one_variable)
        events.derivative_changed.connect(self.refresh_derivative)
        events.tool_changed.connect(self.refresh_drawn)
        events.shown_changed.connect(self.refresh_drawn)
        # the calculus panels compute (the limits and g′(x) ones parse with sympy) only when they
        # are seen or their construction is drawn
        self._partials_when_shown = RefreshWhenShown(
            self.partials, self._refresh_partials_now, lambda: self._drawn("partials")
        )
        self._direction_when_shown = RefreshWhenShown(
            self.direction,
            self._refresh_direction_now,
            lambda: any(self._drawn(key) for key in DIRECTION_KEYS),
        )
        self._limits_when_shown = RefreshWhenShown(
            self.limits, self._refresh_limits_now, lambda: self._drawn("limits")
        )
        self._one_variable_when_shown = RefreshWhenShown(
            self.limits, self._refresh_one_variable_now
        )
        self._derivative_when_shown = RefreshWhenShown(
            self.derivative, self._refresh_derivative_now
        )
        self._on_surface_changed()
        self.refresh_one_variable()
        self.refresh_derivative()

    def _show_checks(self) -> dict[str, QtWidgets.QCheckBox]:
        """The check box that switches each construction on, by its name in scenes."""
        return {
            "partials": self.partials.show_check,
            "direction": self.direction.show_check,
            "gradient": self.direction.gradient_check,
            "tangent_plane": self.direction.plane_check,
            "limits": self.limits.show_check,
        }

    def _pin_checks(self) -> dict[str, QtWidgets.QCheckBox]:
        return {
            "partials": self.partials.pin_check,
            "direction": self.direction.pin_check,
            "limits": self.limits.pin_check,
        }

    # --- panels -> document ----------------------------------------------------------------------
    def _on_delta_edited(self, delta: float) -> None:
        self._edit("Change Δ", "delta", delta=float(delta))
        self._partials_when_shown.catch_up()  # edited in the panel: it shows the result

    def _on_table_axis_edited(self, _axis: str) -> None:
        self.refresh_partials()
        self._partials_when_shown.catch_up()

    def _on_direction_edited(self, u1: float, u2: float) -> None:
        if u1 == 0 and u2 == 0:
            return  # the panel says why; the document keeps its u
        self._edit("Change the direction u", "direction", direction=(float(u1), float(u2)))
        self._direction_when_shown.catch_up()

    def _on_step_edited(self, step: float) -> None:
        self._edit("Change the step s", "step", step=float(step))
        self._direction_when_shown.catch_up()

    def _on_limits_edited(self) -> None:
        """Compute: the typed paths go to the document only if every one of them works."""
        try:
            spec = self.limits.spec()
            for path in paths_of_spec(spec):
                limit_along(self.surface, spec.x0, spec.y0, path)
        except ExpressionError as err:
            self.limits.show_error(f"custom path: {err}")
            return
        except ValueError as err:
            self.limits.show_error(str(err))
            return
        if not self._edit("Change the limit paths", None, limits=spec):
            self.refresh_limits()
        self._limits_when_shown.catch_up()  # edited in the panel: it shows the result

    def _on_one_variable_edited(self) -> None:
        spec = self.limits.one_variable_spec()
        if not self.limits.compute_one_variable():
            return  # the panel shows the error; the document keeps the last good g and a
        self._edit("Change the one-variable limit", None, one_variable=(spec,))
        self._one_variable_when_shown.catch_up()

    def _on_derivative_edited(self) -> None:
        spec = self.derivative.spec()
        if not self.derivative.refresh():
            return
        self._edit("Change g, a or Δx", "derivative", derivative=spec)
        self._derivative_when_shown.catch_up()

    def _on_shown_toggled(self, name: str, on: bool) -> None:
        scene = self.doc.scene
        shown = tuple(
            n for n in CONSTRUCTIONS if (n in scene.shown and n != name) or (n == name and on)
        )
        # ticking a construction opens its tool: it is drawn while its tool is active
        tool = CONSTRUCTION_TOOL[name] if on else scene.tool
        self._edit("Show or hide a construction", None, shown=shown, tool=tool)

    def _on_pin_toggled(self, tool: str, on: bool) -> None:
        pinned = tuple(t for t in self.doc.scene.pinned if t != tool) + ((tool,) if on else ())
        self._edit("Pin a construction", None, pinned=pinned)

    def _edit(self, label: str, merge_key: str | None, **changes) -> bool:
        try:
            return self.doc.update(label, merge_key, **changes)
        except (SceneError, ValueError) as err:
            log.warning("edit refused: %s", err)
            return False

    # --- document -> views ------------------------------------------------------------------------
    def _on_surface_changed(self) -> None:
        surface = self.doc.surface
        a, b, fn = surface.axis_names
        self.partials.set_axis_names(a, b, "L" if fn == "L" else "f")
        self.grid = None
        for key in CONSTRUCTIONS:
            self.view.clear_construction(key)
        self.refresh_all()

    def set_grid(self, grid: SampledGrid | None) -> None:
        self.grid = grid
        self.refresh_all()

    def refresh_point_tools(self) -> None:
        self.refresh_partials()
        self.refresh_direction()

    def refresh_all(self) -> None:
        self._show_switches()
        self.refresh_partials()
        self.refresh_direction()
        self.refresh_limits()

    def refresh_drawn(self) -> None:
        """The active tool or a switch changed: draw exactly the constructions that are on."""
        self._show_switches()
        self.refresh_partials()
        self.refresh_direction()
        self.refresh_limits()

    def _show_switches(self) -> None:
        scene = self.doc.scene
        for name, check in self._show_checks().items():
            with QtCore.QSignalBlocker(check):
                check.setChecked(name in scene.shown)
        for tool, check in self._pin_checks().items():
            with QtCore.QSignalBlocker(check):
                check.setChecked(tool in scene.pinned)

    def _drawn(self, name: str) -> bool:
        return self.grid is not None and name in self.doc.drawn_constructions()

    @property
    def surface(self) -> Surface:
        return self.doc.surface

    @property
    def point(self) -> tuple[float, float]:
        return self.doc.point

    # --- helpers --------------------------------------------------------------------------------
    def _ready(self) -> bool:
        if self.surface is None:
            return False
        x, y = self.point
        return math.isfinite(float(self.surface.value(x, y)))

    def _display(self, raw) -> np.ndarray:
        return display_heights(self.grid, np.asarray(raw, dtype=float))

    def _plane_height(self) -> float:
        """Where 'on the (x, y) plane' is drawn: z = 0 if it is inside the box, else its floor."""
        floor = self.view.floor_height()
        top = self.grid.z_range[1] if self.grid is not None else floor
        zero = float(self._display([0.0])[0])
        return min(max(zero, floor), top) if math.isfinite(zero) else floor

    def _point(self, p, label: str, on_plane: bool = False) -> LabelledPoint:
        z = self._plane_height() if on_plane else float(self._display([p[2]])[0])
        return LabelledPoint(p[0], p[1], z, label, WHITE if not on_plane else GREY)

    def _line(self, x0, y0, ux, uy, z0_raw, slope, half: float, color) -> Curve:
        """The straight line through (x0, y0, z0) rising `slope` per unit along (ux, uy)."""
        s = np.linspace(-half, half, LINE_SAMPLES)
        return Curve(x0 + s * ux, y0 + s * uy, self._display(z0_raw + slope * s), color, 2.5)

    def _slice(self, direction, color) -> Curve:
        x, y = self.point
        w = self.surface.default_window if self.grid is None else None
        xs, ys = (self.grid.xs, self.grid.ys) if self.grid is not None else (None, None)
        x_min, x_max = (xs[0], xs[-1]) if xs is not None else (w.x_min, w.x_max)
        y_min, y_max = (ys[0], ys[-1]) if ys is not None else (w.y_min, w.y_max)
        reach = math.hypot(x_max - x_min, y_max - y_min)
        s, sx, sy, sz = slice_curve(self.surface, x, y, direction, -reach, reach, 400)
        inside = (sx >= x_min) & (sx <= x_max) & (sy >= y_min) & (sy <= y_max)
        return Curve(sx[inside], sy[inside], self._display(sz[inside]), color, 2.0)

    def _window_size(self) -> tuple[float, float]:
        if self.grid is not None:
            return (self.grid.xs[-1] - self.grid.xs[0], self.grid.ys[-1] - self.grid.ys[0])
        w = self.surface.default_window
        return (w.width, w.height)

    # --- Δx / Δy --------------------------------------------------------------------------------
    def refresh_partials(self) -> None:
        self.partials.set_delta(self.doc.scene.delta, emit=False)
        if not self._drawn("partials"):
            self.view.clear_construction("partials")
        self._partials_when_shown()

    def _refresh_partials_now(self) -> None:
        if not self._ready():
            self.view.clear_construction("partials")
            return
        x, y = self.point
        delta = self.doc.scene.delta
        self.partials.set_delta(delta, emit=False)
        sx, sy = secant_x(self.surface, x, y, delta), secant_y(self.surface, x, y, delta)
        self.partials.show_secants(sx, sy)
        axis = self.partials.axis_combo.currentData()
        self.partials.show_table(convergence_table(self.surface, x, y, axis))
        if not self._drawn("partials"):
            self.view.clear_construction("partials")
            return
        self.view.set_construction("partials", self._partials_construction(delta, sx, sy))

    def _partials_construction(self, delta, sx, sy) -> Construction:
        x, y = self.point
        pts = construction_points(self.surface, x, y, delta)
        plane = {"A0", "C", "F"}
        points = tuple(self._point(p, name, name in plane) for name, p in pts.items())
        by = {pt.label: pt for pt in points}

        def at(name):
            pt = by[name]
            return (pt.x, pt.y, pt.z)

        segments = (
            Segment(at("A0"), at("B"), GREY, 1.5, dashed=True),
            Segment(at("C"), at("D"), GREY, 1.5, dashed=True),
            Segment(at("F"), at("G"), GREY, 1.5, dashed=True),
            Segment(at("A0"), at("C"), X_COLOR, 2.0),
            Segment(at("A0"), at("F"), Y_COLOR, 2.0),
            Segment(at("B"), at("E"), X_COLOR, 3.0),
            Segment(at("E"), at("D"), DZ_COLOR, 3.0),
            Segment(at("B"), at("H"), Y_COLOR, 3.0),
            Segment(at("H"), at("G"), DZ_COLOR, 3.0),
        )
        width, height = self._window_size()
        f0 = sx.f0
        curves = (
            self._slice("x", X_COLOR[:3] + (0.7,)),
            self._slice("y", Y_COLOR[:3] + (0.7,)),
            self._line(x, y, 1, 0, f0, sx.slope, max(0.2 * width, 2 * abs(delta)), X_COLOR),
            self._line(x, y, 0, 1, f0, sy.slope, max(0.2 * height, 2 * abs(delta)), Y_COLOR),
            self._line(x, y, 1, 0, f0, sx.exact, 0.2 * width, TANGENT_COLOR),
            self._line(x, y, 0, 1, f0, sy.exact, 0.2 * height, TANGENT_COLOR),
        )
        return Construction(points=points, segments=segments, curves=curves)

    # --- direction, gradient, tangent plane ------------------------------------------------------
    def refresh_direction(self) -> None:
        panel = self.direction
        u_given, step = self.doc.scene.direction, self.doc.scene.step
        if u_given != panel.direction():
            panel.set_direction(*u_given, emit=False)
        with QtCore.QSignalBlocker(panel.step_box):
            panel.step_box.setValue(step)
        for key in DIRECTION_KEYS:
            if not self._drawn(key):
                self.view.clear_construction(key)
        self._direction_when_shown()

    def _refresh_direction_now(self) -> None:
        panel = self.direction
        if not self._ready():
            for key in DIRECTION_KEYS:
                self.view.clear_construction(key)
            return
        x, y = self.point
        u_given, step = self.doc.scene.direction, self.doc.scene.step
        report = directional(self.surface, x, y, u_given, step)
        at = point_report(self.surface, x, y)
        gradient = (at.f_x, at.f_y)
        panel.show_directional(report, gradient, at.grad_norm)
        angles, values = directional_sweep(self.surface, x, y)
        panel.show_polar(angles, values, report.u, gradient)
        if self.grid is None:
            return
        width, height = self._window_size()
        scale = 0.18 * min(width, height)
        if self._drawn("direction"):
            self.view.set_construction("direction", self._direction_construction(report, scale))
        else:
            self.view.clear_construction("direction")
        if self._drawn("gradient") and at.grad_norm > 0:
            self.view.set_construction("gradient", self._gradient_construction(at, scale))
        else:
            self.view.clear_construction("gradient")
        if self._drawn("tangent_plane"):
            self.view.set_construction("tangent_plane", self._plane_construction(width, height))
        else:
            self.view.clear_construction("tangent_plane")

    def _direction_construction(self, report, scale: float) -> Construction:
        x, y = self.point
        u = report.u
        pts = direction_points(self.surface, x, y, u, report.step)
        points = tuple(self._point(p, n, n in ("A0", "I0")) for n, p in pts.items())
        by = {pt.label: (pt.x, pt.y, pt.z) for pt in points}
        plane = self._plane_height()
        segments = (
            Segment(by["A0"], by["B"], GREY, 1.5, dashed=True),
            Segment(by["I0"], by["J"], GREY, 1.5, dashed=True),
            Segment(by["B"], by["K"], U_COLOR, 3.0),
            Segment(by["K"], by["J"], DZ_COLOR, 3.0),
        )
        reach = max(scale, 2 * abs(report.step))
        curves = (
            self._slice(u, U_COLOR[:3] + (0.7,)),
            self._line(x, y, u[0], u[1], report.f0, report.secant_slope, reach, U_COLOR),
            self._line(x, y, u[0], u[1], report.f0, report.derivative, scale, TANGENT_COLOR),
        )
        arrows = (Arrow((x, y, plane), (u[0] * scale, u[1] * scale, 0.0), U_COLOR, 3.0),)
        return Construction(points=points, segments=segments, curves=curves, arrows=arrows)

    def _gradient_construction(self, at, scale: float) -> Construction:
        x, y = at.x, at.y
        gx, gy = at.f_x / at.grad_norm, at.f_y / at.grad_norm
        plane = self._plane_height()
        z0 = float(self._display([at.f])[0])
        # Lifted: along the surface's steepest ascent, rising |∇f| per unit step.
        z1 = float(self._display([at.f + at.grad_norm * scale])[0])
        lift = z1 - z0 if math.isfinite(z1) else 0.0
        arrows = (
            Arrow((x, y, plane), (gx * scale, gy * scale, 0.0), GRADIENT_COLOR, 3.0),
            Arrow((x, y, z0), (gx * scale, gy * scale, lift), GRADIENT_COLOR, 3.0),
        )
        tip = LabelledPoint(x + gx * scale, y + gy * scale, plane, "∇f", GRADIENT_COLOR, 6.0)
        return Construction(points=(tip,), arrows=arrows)

    def _plane_construction(self, width: float, height: float) -> Construction:
        x, y = self.point
        plane = tangent_plane(self.surface, x, y)
        z0 = float(self._display([plane.z0])[0])
        sx, sy = plane.f_x, plane.f_y
        if self.grid is not None and self.grid.height_scale == "log10":
            factor = 1.0 / (plane.z0 * math.log(10))  # d(log10 f) = df / (f ln 10)
            sx, sy = sx * factor, sy * factor
        patch = PlanePatch(x, y, z0, sx, sy, 0.18 * width, 0.18 * height, PLANE_COLOR)
        return Construction(planes=(patch,))

    # --- limits along paths ----------------------------------------------------------------------
    def refresh_limits(self) -> None:
        self.limits.show_spec(self.doc.scene.limits)
        self._limits_when_shown()

    def _refresh_limits_now(self) -> None:
        panel = self.limits
        spec = self.doc.scene.limits
        x0, y0 = spec.x0, spec.y0
        try:
            paths = paths_of_spec(spec)
            results = [limit_along(self.surface, x0, y0, path) for path in paths]
        except ExpressionError as err:
            panel.show_error(f"custom path: {err}")
            return
        except ValueError as err:
            panel.show_error(str(err))
            return
        panel.show_results(x0, y0, results, limit_verdict(results))
        if not self._drawn("limits"):
            self.view.clear_construction("limits")
            return
        self.view.set_construction("limits", self._limits_construction(x0, y0, paths))

    def _limits_construction(self, x0: float, y0: float, paths) -> Construction:
        width, height = self._window_size()
        reach = 0.45 * min(width, height)
        plane = self._plane_height()
        curves = []
        for i, path in enumerate(paths):
            color = PATH_COLORS[i % len(PATH_COLORS)]
            t = path.t0 + np.concatenate(
                [-np.geomspace(reach, 1e-4, 120), np.geomspace(1e-4, reach, 120)]
            )
            xs, ys = path.point_near(t, x0, y0)
            zs = self._display(self.surface.value(xs, ys))
            for side in (slice(0, 120), slice(120, 240)):
                curves.append(Curve(xs[side], ys[side], np.full(120, plane), color[:3] + (0.6,)))
                curves.append(Curve(xs[side], ys[side], zs[side], color, 3.0))
        marker = LabelledPoint(x0, y0, plane, f"({x0:g}, {y0:g})", WHITE)
        return Construction(points=(marker,), curves=tuple(curves))

    # --- one variable: limits of g and the derivative g′(a) ---------------------------------------
    def refresh_one_variable(self) -> None:
        self.limits.show_one_variable_spec(self.doc.scene.one_variable[0])
        self._one_variable_when_shown()

    def _refresh_one_variable_now(self) -> None:
        _first, *others = self.doc.scene.one_variable
        self.limits.compute_one_variable(tuple(others))

    def refresh_derivative(self) -> None:
        self.derivative.show_spec(self.doc.scene.derivative)
        self._derivative_when_shown()

    def _refresh_derivative_now(self) -> None:
        self.derivative.refresh()
