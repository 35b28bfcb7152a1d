"""The calculus lesson on the surface: secants, direction u, gradient, tangent plane and limits."""

from __future__ import annotations

import math

import numpy as np
from PySide6 import QtCore

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
from gdviz.core.limits import limit_along, limit_verdict
from gdviz.core.surfaces import Surface
from gdviz.render.construction import Arrow, Construction, Curve, LabelledPoint, PlanePatch, Segment
from gdviz.render.view3d import SurfaceView
from gdviz.ui.panels.direction_panel import DirectionPanel
from gdviz.ui.panels.limits_panel import LimitsPanel
from gdviz.ui.panels.partials_panel import PartialsPanel

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


class LessonController(QtCore.QObject):
    """Keeps the Δ, direction and limits panels and their 3D drawings in step with the point."""

    def __init__(
        self,
        view: SurfaceView,
        partials: PartialsPanel,
        direction: DirectionPanel,
        limits: LimitsPanel,
        parent: QtCore.QObject | None = None,
    ):
        super().__init__(parent)
        self.view, self.partials, self.direction, self.limits = view, partials, direction, limits
        self.surface: Surface | None = None
        self.grid: SampledGrid | None = None
        self.point = (0.0, 0.0)
        partials.delta_changed.connect(lambda _d: self.refresh_partials())
        partials.shown_toggled.connect(lambda _on: self.refresh_partials())
        partials.table_axis_changed.connect(lambda _a: self.refresh_partials())
        direction.direction_changed.connect(lambda _a, _b: self.refresh_direction())
        direction.step_changed.connect(lambda _s: self.refresh_direction())
        for check in (direction.show_check, direction.gradient_check, direction.plane_check):
            check.toggled.connect(lambda _on: self.refresh_direction())
        limits.compute_requested.connect(self.refresh_limits)
        limits.shown_toggled.connect(lambda _on: self.refresh_limits())

    # --- state from the window ------------------------------------------------------------------
    def set_surface(self, surface: Surface) -> None:
        self.surface = surface
        self.grid = None
        a, b, fn = surface.axis_names
        self.partials.set_axis_names(a, b, "L" if fn == "L" else "f")
        for key in ("partials", "direction", "gradient", "tangent_plane", "limits"):
            self.view.clear_construction(key)
        self.limits.clear_results("Press Compute to evaluate f along the paths.")

    def set_grid(self, grid: SampledGrid) -> None:
        self.grid = grid
        self.refresh_all()

    def set_point(self, x: float, y: float) -> None:
        self.point = (float(x), float(y))
        self.refresh_partials()
        self.refresh_direction()

    def refresh_all(self) -> None:
        self.refresh_partials()
        self.refresh_direction()
        if self.limits.show_check.isChecked():
            self.refresh_limits()

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
        if not self._ready():
            self.view.clear_construction("partials")
            return
        x, y = self.point
        delta = self.partials.delta()
        sx, sy = secant_x(self.surface, x, y, delta), secant_y(self.surface, x, y, delta)
        self.partials.show_secants(sx, sy)
        axis = self.partials.axis_combo.currentData()
        self.partials.show_table(convergence_table(self.surface, x, y, axis))
        if not self.partials.show_check.isChecked() or self.grid is None:
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
        keys = ("direction", "gradient", "tangent_plane")
        if not self._ready():
            for key in keys:
                self.view.clear_construction(key)
            return
        x, y = self.point
        u_given = panel.direction()
        if u_given == (0.0, 0.0):
            panel.show_error("u must be a non-zero vector: its direction is undefined")
            return
        report = directional(self.surface, x, y, u_given, panel.step())
        at = point_report(self.surface, x, y)
        gradient = (at.f_x, at.f_y)
        panel.show_directional(report, gradient, at.grad_norm)
        angles, values = directional_sweep(self.surface, x, y)
        panel.show_polar(angles, values, report.u, gradient)
        if self.grid is None:
            return
        width, height = self._window_size()
        scale = 0.18 * min(width, height)
        if panel.show_check.isChecked():
            self.view.set_construction("direction", self._direction_construction(report, scale))
        else:
            self.view.clear_construction("direction")
        if panel.gradient_check.isChecked() and at.grad_norm > 0:
            self.view.set_construction("gradient", self._gradient_construction(at, scale))
        else:
            self.view.clear_construction("gradient")
        if panel.plane_check.isChecked():
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
        panel = self.limits
        if self.surface is None:
            return
        x0, y0 = panel.point()
        try:
            paths = panel.paths()
            results = [limit_along(self.surface, x0, y0, path) for path in paths]
        except ExpressionError as err:
            panel.show_error(f"custom path: {err}")
            return
        except ValueError as err:
            panel.show_error(str(err))
            return
        panel.show_results(x0, y0, results, limit_verdict(results))
        if not panel.show_check.isChecked() or self.grid is None:
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
