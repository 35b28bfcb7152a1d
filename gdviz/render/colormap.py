"""Perceptual colour maps (viridis, plasma from pyqtgraph) applied to arrays of values."""

from __future__ import annotations

from functools import cache

import numpy as np

COLORMAP_NAMES: tuple[str, ...] = ("viridis", "plasma")
_STEPS_PER_ENTRY = 32  # rgba8_colors samples the table this finely


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


@cache
def _rgba8_table(name: str) -> np.ndarray:
    """The named map sampled every 1/_STEPS_PER_ENTRY of a table entry, as RGBA8 packed in
    uint32 (one gather per value), followed by one transparent entry for NaN (read-only)."""
    table = lookup_table(name).astype(np.float64)
    at = np.arange(255 * _STEPS_PER_ENTRY + 1) / _STEPS_PER_ENTRY
    rgba = np.zeros((at.size + 1, 4), dtype=np.uint8)
    for channel in range(3):
        levels = np.interp(at, np.arange(256), table[:, channel]) * 255.0
        rgba[:-1, channel] = np.floor(levels + 0.5)
    rgba[:-1, 3] = 255
    packed = rgba.view(np.uint32).ravel()
    packed.flags.writeable = False
    return packed


def rgba8_colors(values: np.ndarray, lo: float, hi: float, name: str = "viridis") -> np.ndarray:
    """RGBA8 colours (uint8, shape values.shape + (4,)) of values mapped linearly from [lo, hi]
    onto the table, interpolated between its entries.

    Values outside [lo, hi] take the end colours; NaN becomes fully transparent (0, 0, 0, 0).
    With lo == hi every finite value takes the middle colour. One gather from a finely sampled
    table (within one 8-bit level of exact interpolation): the surface's colours are made at
    every rebuild.
    """
    packed = _rgba8_table(name)
    top = 255 * _STEPS_PER_ENTRY
    v = np.asarray(values, dtype=np.float64)
    span = float(hi) - float(lo)
    if span > 0 and np.isfinite(span):
        k = (v - float(lo)) * (top / span)
    else:
        k = np.full(v.shape, top / 2.0)
    k = np.asarray(k)  # an array even for 0-d values
    np.clip(k, 0.0, top, out=k)
    k[np.isnan(k)] = top + 1  # the transparent entry
    k += 0.5
    rows = np.take(packed, k.astype(np.intp).reshape(-1))
    return rows.view(np.uint8).reshape(v.shape + (4,))
