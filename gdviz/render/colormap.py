"""Perceptual colour maps (viridis, plasma from pyqtgraph) applied to arrays of values."""

from __future__ import annotations

from functools import cache

import numpy as np

COLORMAP_NAMES: tuple[str, ...] = ("viridis", "plasma")


@cache
def lookup_table(name: str = "viridis") -> np.ndarray:
    """The (256, 3) float32 RGB table of the named colour map, values in [0, 1] (read-only)."""
    if name not in COLORMAP_NAMES:
        raise ValueError(f"unknown colour map {name!r}; choose one of {COLORMAP_NAMES}")
    # Imported here, not at module level: mesh colouring stays importable without Qt.
    import pyqtgraph as pg

    # pyqtgraph ships matplotlib's tables (stored as 8-bit colours: within 0.002 of the originals)
    table = pg.colormap.get(name).getLookupTable(nPts=256, mode=pg.ColorMap.FLOAT, alpha=False)
    table = np.ascontiguousarray(table, dtype=np.float32)
    table.flags.writeable = False
    return table


def colors_for(values: np.ndarray, lo: float, hi: float, name: str = "viridis") -> np.ndarray:
    """RGBA float32 colours, shape values.shape + (4,), for values mapped linearly from [lo, hi].

    Values outside [lo, hi] take the end colours; NaN becomes fully transparent (0, 0, 0, 0).
    With lo == hi every finite value takes the middle colour.
    """
    table = lookup_table(name)
    v = np.asarray(values, dtype=np.float64)
    span = float(hi) - float(lo)
    if span > 0 and np.isfinite(span):
        t = np.asarray((v - float(lo)) * (255.0 / span))  # an array even for 0-d values
    else:
        t = np.full(v.shape, 127.5)
    nan = np.isnan(t)
    t[nan] = 0.0
    np.clip(t, 0.0, 255.0, out=t)
    i0 = t.astype(np.intp)
    np.minimum(i0, 254, out=i0)
    frac = (t - i0)[..., None].astype(np.float32)
    # np.take, not table[i0]: a 2-D fancy index gathers rows ~7× slower
    rgb = np.take(table, i0, axis=0) * (1.0 - frac) + np.take(table, i0 + 1, axis=0) * frac
    out = np.empty(v.shape + (4,), dtype=np.float32)
    out[..., :3] = rgb
    out[..., 3] = 1.0
    out[nan] = 0.0
    return out
