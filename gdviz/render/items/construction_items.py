"""One keyed lesson construction in the 3D view: dots, segments, curves, arrows, planes."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph.opengl as gl
from pyqtgraph.opengl.GLGraphicsItem import GLGraphicsItem

from gdviz.render.axes3d import SceneMapping
from gdviz.render.construction import (
    Construction,
    dash_count_for,
    dashed_segments,
    plane_patch_corners,
    polyline_pairs,
)
from gdviz.render.items.arrows import ArrowItems
from gdviz.render.items.coords import scene_rows
from gdviz.render.items.gl_options import SEE_THROUGH
from gdviz.render.items.labels import PointLabel
from gdviz.render.items.lines import show_line_chunks
from gdviz.render.items.pulled import DOT_PULL, LINE_PULL, PlaneMesh, PulledDots, PulledLine
from gdviz.render.items.shaders import LIT_COLOR_SHADER

# Segments are pulled farther than curves (LINE_PULL): the lesson's Δx, Δz segments and tangent
# lines run just under the surface near their point and should show there, while a hill in front
# still hides them.
_SEGMENT_PULL = 0.05  # scene units
_HIDDEN_ALPHA = 0.35  # alpha factor of the faint copy of whatever the surface hides
_DASH_LENGTH = 0.03  # scene units, and as much between dashes
_DOT_RIM = 2.0  # px of dark rim around a construction dot, on each side
_RIM_COLOR = (0.06, 0.06, 0.08, 0.95)
_PLANE_EDGE_ALPHA = 0.45  # added to a plane patch's alpha for its outline
_PLANE_EDGE_WIDTH = 1.5  # px


def _mesh_data(vertexes, faces, normals, colors) -> gl.MeshData:
    meshdata = gl.MeshData(
        vertexes=np.asarray(vertexes, dtype=np.float32),
        faces=np.asarray(faces, dtype=np.uint32),
        vertexColors=np.asarray(colors, dtype=np.float32),
    )
    meshdata._vertexNormals = np.asarray(normals, dtype=np.float32)
    return meshdata


class ConstructionItems:
    """One keyed construction in the 3D view. Its GL items are created on first need and then
    reused: setting the construction again only uploads new vertex data.

    Depth-tested things also get a faint copy drawn without the depth test, so a point on the
    (x, y) plane under the surface or a segment passing under a hill is never lost.
    """

    def __init__(self, add_item: Callable[[GLGraphicsItem, float], None]) -> None:
        self._add = add_item
        self.construction = Construction()
        self.labels: list[PointLabel] = []
        self._lines: dict[tuple[float, float], PulledLine] = {}  # by (width, pull)
        self._faint_lines: dict[float, gl.GLLinePlotItem] = {}  # by width
        self._arrows: dict[float, ArrowItems] = {}
        self._hidden_heads = gl.GLMeshItem(smooth=True, shader=LIT_COLOR_SHADER)
        self._hidden_heads.setGLOptions(SEE_THROUGH)
        self._planes = PlaneMesh(smooth=False, shader=LIT_COLOR_SHADER)
        self._planes.setGLOptions("translucent")
        self._hidden_dots = gl.GLScatterPlotItem(pxMode=True, glOptions=SEE_THROUGH)
        self._dot_rims = PulledDots(pxMode=True, glOptions="translucent")
        self._dots = PulledDots(pxMode=True, glOptions="translucent")
        self._dots.pull = DOT_PULL + 0.01  # the dot sits in front of its rim
        for item, depth in (
            (self._planes, 1.6),
            (self._hidden_heads, 3.05),
            (self._hidden_dots, 3.06),
            (self._dot_rims, 3.3),
            (self._dots, 3.31),
        ):
            item.hide()
            self._add(item, depth)

    def items(self) -> list[GLGraphicsItem]:
        fixed = [self._planes, self._hidden_heads, self._hidden_dots, self._dot_rims, self._dots]
        lines = [*self._lines.values(), *self._faint_lines.values()]
        arrows = [item for group in self._arrows.values() for item in group.items()]
        return fixed + lines + arrows

    def set(self, construction: Construction, mapping: SceneMapping) -> None:
        self.construction = construction
        self.redraw(mapping)

    def redraw(self, mapping: SceneMapping) -> None:
        """Rebuild every vertex array from the data records through mapping."""
        c = self.construction
        lines: dict[tuple[float, float], list[tuple[np.ndarray, tuple]]] = {}
        hidden: dict[float, list[tuple[np.ndarray, tuple]]] = {}
        for seg in c.segments:
            a, b = scene_rows(mapping, np.array([seg.start, seg.end])).astype(np.float64)
            if not (np.isfinite(a).all() and np.isfinite(b).all()):
                continue
            if seg.dashed:
                count = dash_count_for(float(np.linalg.norm(b - a)), _DASH_LENGTH)
                pairs = dashed_segments(a, b, count)
            else:
                pairs = np.array([a, b])
            lines.setdefault((seg.width, _SEGMENT_PULL), []).append((pairs, seg.color))
        for curve in c.curves:
            pairs = polyline_pairs(scene_rows(mapping, curve.rows()))
            if len(pairs):
                lines.setdefault((curve.width, LINE_PULL), []).append((pairs, curve.color))
        for plane in c.planes:
            corners = scene_rows(mapping, plane_patch_corners(plane)).astype(np.float64)
            if np.isfinite(corners).all():
                edges = corners[[0, 1, 1, 2, 2, 3, 3, 0]]
                r, g, b, alpha = plane.color
                edge_color = (r, g, b, min(1.0, alpha + _PLANE_EDGE_ALPHA))
                lines.setdefault((_PLANE_EDGE_WIDTH, LINE_PULL), []).append((edges, edge_color))
        for (width, _pull), entries in lines.items():
            hidden.setdefault(width, []).extend(entries)
        arrow_heads = self._redraw_arrows(mapping, hidden)
        self._redraw_lines(lines, hidden)
        self._redraw_hidden_heads(arrow_heads)
        self._redraw_planes(mapping)
        self._redraw_points(mapping)

    def _redraw_lines(self, lines: dict, hidden: dict) -> None:
        for width, pull in lines:
            if (width, pull) not in self._lines:
                line = PulledLine(
                    mode="lines", width=width, antialias=True, glOptions="translucent"
                )
                line.pull = pull
                self._add(line, 3.1)
                self._lines[width, pull] = line
        for width in hidden:
            if width not in self._faint_lines:
                faint = gl.GLLinePlotItem(mode="lines", width=width, antialias=True)
                faint.setGLOptions(SEE_THROUGH)
                self._add(faint, 3.04)
                self._faint_lines[width] = faint
        for key, line in self._lines.items():
            show_line_chunks(line, lines.get(key, []), 1.0)
        for width, faint in self._faint_lines.items():
            show_line_chunks(faint, hidden.get(width, []), _HIDDEN_ALPHA)

    def _redraw_arrows(self, mapping: SceneMapping, hidden: dict) -> list[gl.MeshData]:
        """Draw the arrows (grouped by width); add their shafts to the hidden-line copies and
        return their head meshes, for the faint copy of the heads."""
        groups: dict[float, list[tuple]] = {}
        for arrow in self.construction.arrows:
            groups.setdefault(arrow.width, []).append((*arrow.start, *arrow.vector, arrow.color))
        for width in groups:
            if width not in self._arrows:
                group = self._arrows[width] = ArrowItems(width)
                for offset, item in enumerate(group.items()):
                    self._add(item, 3.2 + 0.01 * offset)
        heads = []
        for width, group in self._arrows.items():
            group.set_arrows(groups.get(width, []), mapping)
            if not group.shafts.visible():
                continue
            pos = np.asarray(group.shafts.pos, dtype=np.float64)
            colors = np.asarray(group.shafts.color, dtype=np.float64)
            hidden.setdefault(width, []).extend(
                (pos[k : k + 2], tuple(colors[k])) for k in range(0, len(pos), 2)
            )
            heads.append(group.heads.opts["meshdata"])
        return heads

    def _redraw_hidden_heads(self, heads: list[gl.MeshData]) -> None:
        if not heads:
            self._hidden_heads.hide()
            return
        vertexes, faces, normals, colors, offset = [], [], [], [], 0
        for md in heads:
            v = md.vertexes()
            vertexes.append(v)
            faces.append(md.faces() + offset)
            normals.append(md._vertexNormals)
            rgba = np.array(md.vertexColors(), dtype=np.float64)
            rgba[:, 3] *= _HIDDEN_ALPHA
            colors.append(rgba)
            offset += len(v)
        self._hidden_heads.setMeshData(
            meshdata=_mesh_data(
                np.concatenate(vertexes),
                np.concatenate(faces),
                np.concatenate(normals),
                np.concatenate(colors),
            )
        )
        self._hidden_heads.show()

    def _redraw_planes(self, mapping: SceneMapping) -> None:
        vertexes, faces, normals, colors = [], [], [], []
        for plane in self.construction.planes:
            corners = scene_rows(mapping, plane_patch_corners(plane)).astype(np.float64)
            if not np.isfinite(corners).all():
                continue
            normal = np.cross(corners[1] - corners[0], corners[3] - corners[0])
            normal /= max(float(np.linalg.norm(normal)), 1e-12)
            base = 4 * len(vertexes)
            vertexes.append(corners)
            faces.append(np.array([[0, 1, 2], [0, 2, 3]]) + base)
            normals.append(np.tile(normal, (4, 1)))
            colors.append(np.tile(plane.color, (4, 1)))
        if not vertexes:
            self._planes.hide()
            return
        self._planes.setMeshData(
            meshdata=_mesh_data(
                np.concatenate(vertexes),
                np.concatenate(faces),
                np.concatenate(normals),
                np.concatenate(colors),
            )
        )
        self._planes.show()

    def _redraw_points(self, mapping: SceneMapping) -> None:
        points = self.construction.points
        self.labels = []
        if points:
            rows = np.array([(p.x, p.y, p.z) for p in points], dtype=np.float64)
            scene = scene_rows(mapping, rows)
            keep = np.isfinite(rows).all(axis=1)
        else:
            scene, keep = np.empty((0, 3), np.float32), np.empty(0, bool)
        if not keep.any():
            for item in (self._hidden_dots, self._dot_rims, self._dots):
                item.hide()
            return
        shown = [p for p, ok in zip(points, keep, strict=True) if ok]
        pos = scene[keep]
        sizes = np.array([p.size_px for p in shown], dtype=np.float32)
        colors = np.array([p.color for p in shown], dtype=np.float32)
        faint = colors.copy()
        faint[:, 3] *= _HIDDEN_ALPHA
        self._dots.setData(pos=pos, size=sizes, color=colors)
        self._dot_rims.setData(pos=pos, size=sizes + 2 * _DOT_RIM, color=_RIM_COLOR)
        self._hidden_dots.setData(pos=pos, size=sizes, color=faint)
        for item in (self._hidden_dots, self._dot_rims, self._dots):
            item.show()
        self.labels = [
            PointLabel((float(x), float(y), float(z)), p.label, p.color, p.size_px / 2 + _DOT_RIM)
            for p, (x, y, z) in zip(shown, pos, strict=True)
            if p.label
        ]
