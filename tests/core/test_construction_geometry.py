"""Construction records and geometry (numpy only): plane patches, dashes, polylines, labels."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gdviz.render.construction import (
    Construction,
    Curve,
    LabelledPoint,
    PlanePatch,
    Segment,
    dash_count_for,
    dashed_segments,
    placed_label_boxes,
    plane_patch_corners,
    polyline_pairs,
)

REPO = Path(__file__).resolve().parents[2]
finite = st.floats(-50, 50, allow_nan=False)
positive = st.floats(0.01, 10, allow_nan=False)


@given(finite, finite, finite, finite, finite, positive, positive)
def test_plane_patch_corners_lie_on_the_plane_and_span_the_rectangle(x0, y0, z0, sx, sy, hx, hy):
    patch = PlanePatch(x0, y0, z0, sx, sy, hx, hy, (1.0, 1.0, 1.0, 0.35))
    corners = plane_patch_corners(patch)
    assert corners.shape == (4, 3)
    for x, y, z in corners:
        assert z == pytest.approx(z0 + sx * (x - x0) + sy * (y - y0), abs=1e-9 * (1 + abs(z0)))
    expected = {(x0 + a * hx, y0 + b * hy) for a, b in itertools.product((-1, 1), repeat=2)}
    got = {(float(x), float(y)) for x, y, _ in corners}
    assert len(got) == 4
    for x, y in got:
        assert min(abs(x - ex) + abs(y - ey) for ex, ey in expected) < 1e-9
    # consecutive corners share a side (the quad goes around, never across a diagonal)
    for a, b in zip(corners, np.roll(corners, -1, axis=0), strict=True):
        assert (abs(a[0] - b[0]) < 1e-12) != (abs(a[1] - b[1]) < 1e-12)
    np.testing.assert_array_equal(patch.corners(), corners)


def test_plane_patch_corner_heights_by_hand():
    patch = PlanePatch(2.0, 2.5, -0.73, 0.33, -0.54, 0.5, 0.25, (1, 1, 1, 0.35))
    heights = {(round(x, 6), round(y, 6)): z for x, y, z in patch.corners()}
    assert heights[(2.5, 2.75)] == pytest.approx(-0.73 + 0.33 * 0.5 - 0.54 * 0.25)
    assert heights[(1.5, 2.25)] == pytest.approx(-0.73 - 0.33 * 0.5 + 0.54 * 0.25)
    assert heights[(2.5, 2.25)] == pytest.approx(-0.73 + 0.33 * 0.5 + 0.54 * 0.25)


@given(
    st.tuples(finite, finite, finite),
    st.tuples(finite, finite, finite),
    st.integers(1, 40),
)
def test_dashes_lie_on_the_segment_in_order_from_start_to_end(start, end, count):
    a, b = np.array(start), np.array(end)
    rows = dashed_segments(a, b, count)
    assert rows.shape == (2 * count, 3)
    direction = b - a
    length_sq = float(direction @ direction)
    if length_sq < 1e-12:
        # a (near) point: every dash end lies within the segment's length of its start
        np.testing.assert_allclose(rows, np.tile(a, (2 * count, 1)), atol=1e-9 + 2 * length_sq**0.5)
        return
    t = (rows - a) @ direction / length_sq
    off_line = rows - (a + t[:, None] * direction)
    assert np.abs(off_line).max() < 1e-9 * (1 + np.abs(rows).max())
    assert t.min() >= -1e-12 and t.max() <= 1 + 1e-12
    np.testing.assert_allclose(rows[0], a, atol=1e-9)
    np.testing.assert_allclose(rows[-1], b, atol=1e-9)
    assert np.all(np.diff(t) > 0)  # dashes in order, none overlapping, gaps between them
    drawn = float(np.sum(t[1::2] - t[0::2]))
    assert drawn == pytest.approx(count / (2 * count - 1))  # dashes as long as the gaps


def test_dashed_segments_rejects_no_dashes():
    with pytest.raises(ValueError):
        dashed_segments((0, 0, 0), (1, 0, 0), 0)


def test_dash_count_gives_dashes_near_the_asked_length():
    for length, dash in ((1.0, 0.05), (0.3, 0.035), (2.0, 0.1)):
        count = dash_count_for(length, dash)
        dash_length = length / (2 * count - 1)
        assert 0.7 * dash <= dash_length <= 1.3 * dash
    assert dash_count_for(0.0, 0.05) == 1
    assert dash_count_for(float("nan"), 0.05) == 1


def test_polyline_pairs_join_neighbours_and_break_at_holes():
    rows = np.array([[0, 0, 0], [1, 0, 0], [2, 0, np.nan], [3, 0, 0], [4, 0, 1]], float)
    pairs = polyline_pairs(rows).reshape(-1, 2, 3)
    np.testing.assert_array_equal(pairs[0], rows[[0, 1]])
    np.testing.assert_array_equal(pairs[1], rows[[3, 4]])
    assert len(pairs) == 2
    assert polyline_pairs(rows[:1]).shape == (0, 3)


def _overlap(a, b) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return max(w, 0.0) * max(h, 0.0)


def test_a_lone_label_sits_at_the_upper_right_of_its_dot():
    ((left, top, right, bottom),) = placed_label_boxes([[100.0, 100.0]], [[10.0, 14.0]], [5.0])
    assert left > 100 + 2 and bottom < 100 - 2  # right of and above the anchor, clear of the dot
    assert right - left == pytest.approx(10) and bottom - top == pytest.approx(14)
    assert left - 100 < 15 and 100 - bottom < 15  # and close to it


def test_crowded_labels_are_spread_apart_and_stay_near_their_dots():
    # the lecture's B, E, D, G, H: a few pixels apart in a wide view
    anchors = np.array([[100, 100], [112, 102], [112, 94], [104, 96], [104, 90]], float)
    sizes = np.tile([10.0, 15.0], (len(anchors), 1))
    boxes = placed_label_boxes(anchors, sizes, np.full(len(anchors), 6.0), gap=3.0)
    for a, b in itertools.combinations(boxes, 2):
        assert _overlap(a, b) == 0.0
    for (x, y), (left, top, right, bottom) in zip(anchors, boxes, strict=True):
        nearest = np.hypot(np.clip(x, left, right) - x, np.clip(y, top, bottom) - y)
        assert nearest < 60


def test_labels_far_apart_keep_their_preferred_spot():
    anchors = np.array([[50.0, 50.0], [300.0, 50.0], [50.0, 300.0]])
    boxes = placed_label_boxes(anchors, np.tile([12.0, 15.0], (3, 1)), 5.0)
    for (x, y), (left, _top, _right, bottom) in zip(anchors, boxes, strict=True):
        assert left > x and bottom < y


def test_records_normalise_their_fields():
    point = LabelledPoint(1, 2, 3, "A", (1.0, 0.5, 0.0))
    assert point.color == (1.0, 0.5, 0.0, 1.0)
    segment = Segment([0, 0, 0], np.array([1, 2, 3]), (1, 1, 1, 1))
    assert segment.end == (1.0, 2.0, 3.0)
    curve = Curve([0, 1], [0, 1], [0, 1], (1, 1, 1))
    assert curve.rows().shape == (2, 3)
    assert not curve.xs.flags.writeable
    with pytest.raises(ValueError):
        Curve([0, 1], [0], [0, 1], (1, 1, 1))
    with pytest.raises(ValueError):
        LabelledPoint(0, 0, 0, "A", (1, 1))
    construction = Construction(points=[point], segments=[segment])
    assert construction.points == (point,) and not construction.is_empty()
    assert Construction().is_empty()


def test_construction_module_imports_no_qt():
    code = (
        "import sys, gdviz.render.construction\n"
        "bad = [m for m in ('PySide6', 'pyqtgraph', 'OpenGL') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60
    )
    assert result.returncode == 0, result.stderr
