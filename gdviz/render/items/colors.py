"""Colours as (r, g, b, a) floats, from whatever the view's API accepts."""

from __future__ import annotations

import numpy as np
from pyqtgraph import functions as pg_functions


def rgba_floats(color) -> tuple[float, float, float, float]:
    """(r, g, b, a) floats in [0, 1] from floats in [0, 1], 0-255 integers, a QColor or a name."""
    if isinstance(color, (tuple, list, np.ndarray)) and len(color) in (3, 4):
        values = [float(c) for c in color]
        if all(0.0 <= v <= 1.0 for v in values):
            return (values[0], values[1], values[2], values[3] if len(values) == 4 else 1.0)
        color = tuple(int(round(v)) for v in values)
    r, g, b, a = pg_functions.mkColor(color).getRgbF()
    return (float(r), float(g), float(b), float(a))
