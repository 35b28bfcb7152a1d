"""The surface's GL item: a lit height-field mesh kept in GPU buffers, drawn as one strip."""

from __future__ import annotations

import ctypes
from collections.abc import Iterator

import numpy as np
from OpenGL import GL
from pyqtgraph.opengl.GLGraphicsItem import GLGraphicsItem
from PySide6 import QtGui, QtOpenGL

from gdviz.render.items.shaders import LIT_COLOR_SHADER
from gdviz.render.mesh import MeshArrays

_Buffer = QtOpenGL.QOpenGLBuffer

# shader attribute -> (components, GL type, normalised): positions and normals float32,
# colours 8-bit RGBA (a quarter of a float upload, and cheaper to fetch under llvmpipe)
_ATTRIBUTES = {
    "a_position": (3, GL.GL_FLOAT, False),
    "a_normal": (3, GL.GL_FLOAT, False),
    "a_color": (4, GL.GL_UNSIGNED_BYTE, True),
}
_INDICES = "indices"
# Triangles per draw call. llvmpipe (software GL) sets up a draw's triangles on the calling
# thread and rasterises them on its worker threads only once they are flushed: drawn in
# flushed batches, the workers rasterise one batch while the next is set up (a 200² surface
# frame ~20% faster on 2 cores, the same pixels). A GPU driver takes the few calls at no cost.
TRIANGLES_PER_BATCH = 10_000


class SurfaceMeshItem(GLGraphicsItem):
    """A height-field mesh with unit normals and RGBA uint8 colours, lit by LIT_COLOR_SHADER.

    A grid without holes is drawn as one triangle strip (MeshArrays.strip: a third of the
    indices of a triangle list), and its index buffer stays on the GPU while the grid's shape
    is the same; a grid with holes draws its triangle list. set_mesh takes new heights,
    set_colors new colours only (an opacity change).
    """

    def __init__(self, glOptions: str | dict = "opaque") -> None:
        super().__init__()
        self.setGLOptions(glOptions)
        self._arrays: dict[str, np.ndarray | None] = dict.fromkeys((*_ATTRIBUTES, _INDICES))
        self._mode = GL.GL_TRIANGLES
        self._buffers = {name: _Buffer(_Buffer.Type.VertexBuffer) for name in _ATTRIBUTES}
        self._buffers[_INDICES] = _Buffer(_Buffer.Type.IndexBuffer)
        self._stale: set[str] = set()

    def set_mesh(self, mesh: MeshArrays, colors: np.ndarray) -> None:
        """Draw mesh with colors[k] at mesh.vertexes[k]."""
        if len(colors) != len(mesh.vertexes):
            raise ValueError(f"{len(colors)} colours for {len(mesh.vertexes)} vertices")
        if mesh.strip is not None:
            indices, mode = mesh.strip, GL.GL_TRIANGLE_STRIP
        else:
            indices, mode = np.ascontiguousarray(mesh.faces, dtype=np.uint32), GL.GL_TRIANGLES
        if indices is not self._arrays[_INDICES]:  # strips are cached per grid shape
            self._arrays[_INDICES], self._mode = indices, mode
            self._stale.add(_INDICES)
        self._arrays["a_position"] = np.ascontiguousarray(mesh.vertexes, dtype=np.float32)
        self._arrays["a_normal"] = np.ascontiguousarray(mesh.normals, dtype=np.float32)
        self._stale |= {"a_position", "a_normal"}
        self.set_colors(colors)

    def set_colors(self, colors: np.ndarray) -> None:
        """New (N, 4) uint8 RGBA vertex colours for the same mesh."""
        self._arrays["a_color"] = np.ascontiguousarray(colors, dtype=np.uint8)
        self._stale.add("a_color")
        self.update()

    @property
    def colors(self) -> np.ndarray | None:
        """The (N, 4) uint8 vertex colours drawn, or None before set_mesh."""
        return self._arrays["a_color"]

    @property
    def index_count(self) -> int:
        """How many indices a frame draws (0 before set_mesh)."""
        indices = self._arrays[_INDICES]
        return 0 if indices is None else int(indices.size)

    def _upload(self) -> None:
        """Copy what changed, and anything whose buffer went with a lost context, to the GPU."""
        for name, buffer in self._buffers.items():
            if buffer.isCreated() and name not in self._stale:
                continue
            array = self._arrays[name]
            if array is None:
                continue
            if not buffer.isCreated():
                buffer.create()
            buffer.bind()
            if buffer.size() != array.nbytes:
                buffer.allocate(array, array.nbytes)
            else:
                buffer.write(0, array, array.nbytes)
            buffer.release()
        self._stale.clear()

    def paint(self) -> None:
        if self.index_count == 0:
            return
        self.setupGLState()
        self._upload()
        context = QtGui.QOpenGLContext.currentContext()
        program = LIT_COLOR_SHADER.program(
            es2_compat=context.hasExtension(b"GL_ARB_ES2_compatibility")
        )
        mvp = np.array(self.mvpMatrix().data(), dtype=np.float32)
        normal_matrix = np.array(self.modelViewMatrix().normalMatrix().data(), dtype=np.float32)
        enabled = []
        try:
            for name, (size, gl_type, normalised) in _ATTRIBUTES.items():
                location = GL.glGetAttribLocation(program, name)
                if location == -1:
                    continue
                self._buffers[name].bind()
                GL.glVertexAttribPointer(location, size, gl_type, normalised, 0, None)
                self._buffers[name].release()
                GL.glEnableVertexAttribArray(location)
                enabled.append(location)
            with LIT_COLOR_SHADER:
                GL.glUniformMatrix4fv(GL.glGetUniformLocation(program, "u_mvp"), 1, False, mvp)
                GL.glUniformMatrix3fv(
                    GL.glGetUniformLocation(program, "u_normal"), 1, False, normal_matrix
                )
                self._buffers[_INDICES].bind()
                for first, count in draw_batches(self._mode, self.index_count):
                    GL.glDrawElements(
                        self._mode, count, GL.GL_UNSIGNED_INT, ctypes.c_void_p(4 * first)
                    )
                    GL.glFlush()
                self._buffers[_INDICES].release()
        finally:
            for location in enabled:
                GL.glDisableVertexAttribArray(location)


def draw_batches(mode: int, count: int) -> Iterator[tuple[int, int]]:
    """(first index, index count) of each draw call of `count` indices in batches of about
    TRIANGLES_PER_BATCH triangles: a triangle list splits between triangles; a strip at an even
    index (its triangles keep their winding) and each batch repeats the two indices before the
    next, so the triangle spanning the split is drawn once."""
    if mode == GL.GL_TRIANGLE_STRIP:
        step = 2 * (TRIANGLES_PER_BATCH // 2)
        for first in range(0, max(count - 2, 0), step):
            yield first, min(step + 2, count - first)
    else:
        step = 3 * TRIANGLES_PER_BATCH
        for first in range(0, count, step):
            yield first, min(step, count - first)
