"""The lit vertex-colour shader of the surface, arrow heads and plane patches."""

from __future__ import annotations

from pyqtgraph.opengl.shaders import FragmentShader, ShaderProgram, VertexShader

# Vertex colour × (ambient + key light + head light) + a little specular, lit on both sides.
# Normals are in eye space (u_normal), so the light moves with the camera and the side facing the
# viewer is always readable. Lighting is per vertex: grids are fine enough for Gouraud shading,
# and llvmpipe (software GL) spends most of a frame in the fragment shader otherwise.
LIT_COLOR_SHADER = ShaderProgram(
    "gdviz-lit-color",
    [
        VertexShader(
            """
            uniform mat4 u_mvp;
            uniform mat3 u_normal;
            attribute vec4 a_position;
            attribute vec3 a_normal;
            attribute vec4 a_color;
            varying vec4 v_color;
            void main() {
                vec3 n = normalize(u_normal * a_normal);
                if (n.z < 0.0) n = -n;  // the underside, seen from below
                vec3 key = normalize(vec3(-0.4, 0.6, 0.7));
                float diffuse = max(dot(n, key), 0.0);
                vec3 halfway = normalize(key + vec3(0.0, 0.0, 1.0));
                float specular = pow(max(dot(n, halfway), 0.0), 24.0);
                vec3 rgb = a_color.rgb * (0.28 + 0.52 * diffuse + 0.30 * n.z) + 0.08 * specular;
                v_color = vec4(min(rgb, vec3(1.0)), a_color.a);
                gl_Position = u_mvp * a_position;
            }
            """
        ),
        FragmentShader(
            """
            #ifdef GL_ES
            precision mediump float;
            #endif
            varying vec4 v_color;
            void main() {
                gl_FragColor = v_color;
            }
            """
        ),
    ],
)
