"""See-through GL options: the faint copies of what the surface may hide skip the depth test."""

from __future__ import annotations

from OpenGL import GL

# The drop line (marker to its footprint on the floor) runs under the surface and the marker can
# sit behind a hill: both also get a faint copy drawn without the depth test, so the point is
# never lost. Everything else keeps the depth test (never 'additive').
SEE_THROUGH = {
    GL.GL_DEPTH_TEST: False,
    GL.GL_BLEND: True,
    GL.GL_CULL_FACE: False,
    "glBlendFunc": (GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA),
}
