"""Grid sampling: ij orientation, holes, pole clipping (and not clipping smooth surfaces), log10."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdviz.core.grid import (
    apply_height_scale,
    can_use_log_height,
    display_height,
    pole_clip_range,
    sample_surface,
)
from gdviz.core.logistic import Dataset, log_loss
from gdviz.core.surfaces import LogisticLossSurface
from gdviz.core.window import Window


class FunctionSurface:
    """A stand-in Surface: z = f(x, y) on the ij meshgrid of xs and ys."""

    def __init__(self, f):
        self.f = f

    def grid(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        gx, gy = np.meshgrid(xs, ys, indexing="ij")
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.f(gx, gy)


SQUARE = Window(-1.0, 1.0, -1.0, 1.0)


def rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def test_orientation_is_ij_and_axes_span_the_window():
    window = Window(-1.0, 2.0, -3.0, 1.0)
    grid = sample_surface(FunctionSurface(lambda x, y: x + 10 * y**2), window, 7)
    assert grid.z.shape == grid.z_display.shape == (7, 7)
    np.testing.assert_array_equal(grid.xs, np.linspace(-1.0, 2.0, 7))
    np.testing.assert_array_equal(grid.ys, np.linspace(-3.0, 1.0, 7))
    for i in range(7):
        for j in range(7):
            assert grid.z[i, j] == grid.xs[i] + 10 * grid.ys[j] ** 2
    assert grid.height_scale == "linear"
    assert grid.z_range == (float(grid.z.min()), float(grid.z.max()))


def test_nan_holes_are_kept_and_counted():
    grid = sample_surface(FunctionSurface(lambda x, y: np.sqrt(1 - x**2 - y**2)), SQUARE, 41)
    holes = np.isnan(grid.z)
    assert holes.any() and not holes.all()
    np.testing.assert_array_equal(np.isnan(grid.z_display), holes)
    assert grid.nan_fraction == pytest.approx(holes.sum() / holes.size)
    assert grid.clip_range is None and grid.clipped_fraction == 0.0
    assert grid.z_range == (float(np.nanmin(grid.z)), float(np.nanmax(grid.z)))


def test_arrays_are_read_only():
    grid = sample_surface(FunctionSurface(lambda x, y: x * y), SQUARE, 5)
    for array in (grid.xs, grid.ys, grid.z, grid.z_display):
        with pytest.raises(ValueError):
            array[0] = 1.0


@pytest.mark.parametrize("resolution", [20, 50, 101, 200, 400])
@pytest.mark.parametrize(
    ("f", "window"),
    [
        (lambda x, y: x**2 + y, Window(-2.0, 2.0, -2.0, 2.0)),
        (rosenbrock, Window(-2.0, 2.0, -1.0, 3.0)),
        (rosenbrock, Window(-5.0, 5.0, -5.0, 5.0)),
        (lambda x, y: np.exp(x + y), Window(-5.0, 5.0, -5.0, 5.0)),  # range e^20, still smooth
        (lambda x, y: np.exp(-(x**2 + y**2) / 0.001), SQUARE),  # a narrow Gaussian peak
        (lambda x, y: -x * y / (x**2 + y**2), SQUARE),  # bounded, no limit at 0
    ],
    ids=["x2+y", "rosenbrock", "rosenbrock-wide", "exp", "narrow-peak", "limit-example"],
)
def test_smooth_and_bounded_surfaces_are_not_clipped(f, window, resolution):
    grid = sample_surface(FunctionSurface(f), window, resolution)
    assert grid.clip_range is None
    assert grid.clipped_fraction == 0.0
    np.testing.assert_array_equal(grid.z_display, grid.z)


@pytest.mark.parametrize("resolution", [30, 50, 100, 101, 200, 400])
def test_the_pole_of_1_over_x_is_clipped_on_both_sides(resolution):
    grid = sample_surface(FunctionSurface(lambda x, y: 1 / x), SQUARE, resolution)
    assert grid.clip_range is not None
    lo, hi = grid.clip_range
    assert lo < -1 and hi > 1  # the bulk of 1/x on [-1, 1] is in view
    assert 0 < grid.clipped_fraction < 0.1
    assert np.all(np.isfinite(grid.z_display))  # 1/0 = inf when x = 0 is a grid line
    assert grid.z_range == (lo, hi)
    # The raw values are untouched: they reach beyond the display range.
    assert np.nanmax(grid.z) > hi and np.nanmin(grid.z) < lo
    beyond = (grid.z < lo) | (grid.z > hi)
    assert grid.clipped_fraction == pytest.approx(beyond.sum() / beyond.size)
    np.testing.assert_array_equal(grid.z_display[~beyond], grid.z[~beyond])


@pytest.mark.parametrize("resolution", [50, 200])
def test_a_one_sided_pole_is_clipped_on_its_side_only(resolution):
    grid = sample_surface(FunctionSurface(lambda x, y: 1 / (x**2 + y**2)), SQUARE, resolution)
    assert grid.clip_range is not None
    assert grid.clip_range[0] == pytest.approx(0.5)  # the minimum, at the corners, is kept
    assert grid.clip_range[1] < np.max(grid.z)
    assert 0 < grid.clipped_fraction < 0.05


def test_infinities_are_clipped_even_on_a_coarse_grid():
    grid = sample_surface(FunctionSurface(lambda x, y: 1 / (x**2 + y**2)), SQUARE, 5)
    assert grid.clip_range is not None
    assert np.all(np.isfinite(grid.z_display))
    assert np.isinf(grid.z[2, 2])


def test_clip_range_of_values_without_outliers_is_none():
    assert pole_clip_range(np.arange(100.0).reshape(10, 10)) is None
    assert pole_clip_range(np.full((10, 10), np.nan)) is None


def test_log10_height_scale():
    f = FunctionSurface(lambda x, y: 1 + x**2 + 10 * y**2)
    grid = sample_surface(f, SQUARE, 21, height_scale="log10")
    assert grid.height_scale == "log10"
    np.testing.assert_allclose(grid.z_display, np.log10(grid.z), rtol=1e-15)
    assert grid.z_range == pytest.approx((0.0, math.log10(12.0)))
    assert display_height(grid, 100.0) == pytest.approx(2.0)


def test_log10_needs_positive_values():
    f = FunctionSurface(lambda x, y: x**2 + y**2)  # 0 at the centre of an odd grid
    with pytest.raises(ValueError, match="log-scaled height needs positive values; min is 0"):
        sample_surface(f, SQUARE, 21, height_scale="log10")
    assert can_use_log_height(np.array([[1.0, np.nan], [2.0, 3.0]]))
    assert not can_use_log_height(np.array([[1.0, 0.0]]))
    assert not can_use_log_height(np.array([[1.0, -2.0]]))
    assert not can_use_log_height(np.array([[np.nan, np.nan]]))


def test_apply_height_scale_for_single_points():
    assert apply_height_scale(-3.5, "linear") == -3.5
    assert apply_height_scale(1000.0, "log10") == pytest.approx(3.0)
    assert math.isnan(apply_height_scale(0.0, "log10"))
    assert math.isnan(apply_height_scale(-1.0, "log10"))
    with pytest.raises(ValueError, match="height scale"):
        apply_height_scale(1.0, "log2")


def test_display_height_follows_the_grids_clip():
    smooth = sample_surface(FunctionSurface(lambda x, y: x + y), SQUARE, 11)
    assert display_height(smooth, 123.0) == 123.0
    pole = sample_surface(FunctionSurface(lambda x, y: 1 / x), SQUARE, 100)
    lo, hi = pole.clip_range
    assert display_height(pole, 1e6) == hi
    assert display_height(pole, -1e6) == lo
    assert display_height(pole, 0.25) == 0.25
    assert math.isnan(display_height(pole, math.nan))


@pytest.mark.parametrize("resolution", [1, 2001, 2.5, True])
def test_resolution_is_checked(resolution):
    with pytest.raises(ValueError, match="resolution"):
        sample_surface(FunctionSurface(lambda x, y: x), SQUARE, resolution)


def test_resolution_bounds_are_accepted():
    assert sample_surface(FunctionSurface(lambda x, y: x - y), SQUARE, 2).z.shape == (2, 2)
    assert sample_surface(FunctionSurface(lambda x, y: x - y), SQUARE, 2000).z.shape == (2000, 2000)


def test_bad_surfaces_and_scales_are_refused():
    with pytest.raises(ValueError, match="height scale"):
        sample_surface(FunctionSurface(lambda x, y: x), SQUARE, 5, height_scale="log")
    with pytest.raises(ValueError, match="shape"):
        sample_surface(FunctionSurface(lambda x, y: x.T[:-1]), SQUARE, 5)
    with pytest.raises(ValueError, match="no finite value"):
        sample_surface(FunctionSurface(lambda x, y: np.sqrt(-1 - x**2)), SQUARE, 5)


def test_the_lecture_loss_samples_in_log10_without_clipping():
    dataset = Dataset.lecture()
    window = Window(-1.5, 6.0, -32.0, 10.0)
    surface = LogisticLossSurface(dataset, window)
    grid = sample_surface(surface, window, 60, height_scale="log10")
    assert grid.clip_range is None and grid.nan_fraction == 0.0
    np.testing.assert_allclose(
        grid.z, log_loss(dataset, grid.xs[:, None], grid.ys[None, :]), rtol=1e-5
    )
    np.testing.assert_allclose(grid.z_display, np.log10(grid.z))


def test_display_heights_matches_display_height_pointwise():
    from gdviz.core.grid import display_height, display_heights

    class Bowl:
        def grid(self, xs, ys):
            return xs[:, None] ** 2 + ys[None, :] ** 2 + 1e-3

    from gdviz.core.window import Window

    for scale in ("linear", "log10"):
        grid = sample_surface(Bowl(), Window(-2, 2, -2, 2), 40, scale)
        raw = np.array([1e-300, 0.5, 3.0, 8.0, 1e6, -1.0, 0.0, np.nan])
        expected = [display_height(grid, v) for v in raw]
        np.testing.assert_array_equal(display_heights(grid, raw), expected)


def test_sampling_in_blocks_gives_the_same_grid_and_can_be_cancelled():
    from gdviz.core.grid import SamplingCancelled, with_height_scale
    from gdviz.core.window import Window

    calls = []

    class Counted:
        def grid(self, xs, ys):
            calls.append(len(xs))
            return xs[:, None] ** 2 + ys[None, :] ** 2 + 1.0

    window = Window(-2, 2, -1, 3)
    whole = sample_surface(Counted(), window, 60)
    blocks = sample_surface(Counted(), window, 60, keep_going=lambda: True)
    np.testing.assert_array_equal(whole.z, blocks.z)
    assert len(calls) > 2  # computed in several row blocks
    asked = []

    def stop_after_three():
        asked.append(1)
        return len(asked) <= 3

    with pytest.raises(SamplingCancelled):
        sample_surface(Counted(), window, 60, keep_going=stop_after_three)
    logged = with_height_scale(whole, "log10")
    np.testing.assert_allclose(logged.z_display, np.log10(whole.z))
    assert logged.z is whole.z  # rescaled, not re-evaluated
