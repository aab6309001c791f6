"""The pure functions of ``autogalaxy.plot.plot_util``, against hand-computed values."""

import numpy as np
import pytest

from autogalaxy.plot import plot_util


def test__extent_from__pixel_edges_around_the_origin():
    # 3 x 4 pixels of (0.5", 0.25") centred on (y, x) = (1, 2): x in 2 -+ 4 * 0.25 / 2,
    # y in 1 -+ 3 * 0.5 / 2.
    assert plot_util.extent_from((3, 4), (0.5, 0.25), (1.0, 2.0)) == (1.5, 2.5, 0.25, 1.75)
    assert plot_util.extent_from((60, 60), (0.1, 0.1)) == pytest.approx((-3.0, 3.0, -3.0, 3.0))


def test__mesh_extent_from__cells_centred_on_nodes_on_the_extent_edges():
    # 3 x 5 nodes spanning y in [-1, 1] (dy = 1), x in [-2, 2] (dx = 1): half a cell beyond.
    assert plot_util.mesh_extent_from((3, 5), (-1.0, 1.0, -2.0, 2.0)) == (-2.5, 2.5, -1.5, 1.5)


def test__mask_edge_segments__one_unmasked_pixel__its_four_sides():
    mask = np.ones((3, 3), dtype=bool)
    mask[1, 1] = False
    segments = plot_util.mask_edge_segments_from(mask, (1.0, 1.0))
    # The centre pixel spans x, y in [-0.5, 0.5].
    expected = {
        ((-0.5, 0.5), (0.5, 0.5)),  # top
        ((-0.5, -0.5), (0.5, -0.5)),  # bottom
        ((-0.5, 0.5), (-0.5, -0.5)),  # left
        ((0.5, 0.5), (0.5, -0.5)),  # right
    }
    assert {tuple(map(tuple, s)) for s in segments.tolist()} == expected


def test__mask_edge_segments__shifted_rectangular_pixels_and_frame_border_not_drawn():
    # Row 0 masked, rows 1-2 unmasked: one horizontal line under row 0, across the frame.
    mask = np.array([[True, True], [False, False], [False, False]])
    segments = plot_util.mask_edge_segments_from(mask, (0.5, 2.0), origin=(1.0, 10.0))
    # Frame: x in [8, 12], y in [0.25, 1.75]; row 0 spans y in [1.25, 1.75].
    assert segments.tolist() == [[[8.0, 1.25], [10.0, 1.25]], [[10.0, 1.25], [12.0, 1.25]]]
    assert plot_util.mask_edge_segments_from(np.zeros((4, 4), bool), (1, 1)).shape == (0, 2, 2)
    assert plot_util.mask_edge_segments_from(np.ones((4, 4), bool), (1, 1)).shape == (0, 2, 2)


def test__log10_limits_from__smallest_positive_value_or_four_decades():
    assert plot_util.log10_limits_from(np.array([np.nan, -1.0, 0.0, 0.5, 100.0])) == (0.5, 100.0)
    assert plot_util.log10_limits_from(np.array([1e-9, 2.0])) == (2e-4, 2.0)


def test__log10_limits_from__nothing_positive__raises():
    with pytest.raises(plot_util.PlotException, match=r"largest value is -0\.5.*use_log10=False"):
        plot_util.log10_limits_from(np.array([-1.0, -0.5, np.nan]))
    with pytest.raises(plot_util.PlotException, match="every pixel is masked"):
        plot_util.log10_limits_from(np.array([np.nan]))


def test__symmetric_limits_from__99th_percentile_of_magnitudes():
    # |values| = 0, 1, ..., 100: numpy's linear-interpolation 99th percentile is 99.
    values = np.arange(101.0) * np.where(np.arange(101) % 2, -1, 1)
    assert plot_util.symmetric_limits_from(values) == (-99.0, 99.0)
    # Mostly zeros and one outlier: the percentile is 0, so the outlier sets the range.
    assert plot_util.symmetric_limits_from(np.array([0.0] * 200 + [-3.0])) == (-3.0, 3.0)
    assert plot_util.symmetric_limits_from(np.array([0.0, np.nan])) == (-1.0, 1.0)


@pytest.mark.parametrize(
    "panels, shape",
    [(1, (1, 1)), (4, (1, 4)), (5, (2, 3)), (6, (2, 3)), (7, (2, 4)), (8, (2, 4)), (9, (3, 3))],
)
def test__subplot_shape_from(panels, shape):
    assert plot_util.subplot_shape_from(panels) == shape


def test__subplot_shape_from__no_panel__raises():
    with pytest.raises(plot_util.PlotException, match="at least one panel, got 0"):
        plot_util.subplot_shape_from(0)


def test__panel_boxes_from__fixed_inch_margins_around_each_cell():
    # 2 x 2 cells of 4.3 x 3.6 inches under a 0.4 inch title; margins (0.75, 0.8, 0.55, 0.35).
    boxes = plot_util.panel_boxes_from(2, 2, (8.6, 7.6), top=0.4)
    width, height = 4.3 - 0.75 - 0.8, 3.6 - 0.55 - 0.35
    expected = [
        (0.75 / 8.6, (7.6 - 0.4 - 3.6 + 0.55) / 7.6, width / 8.6, height / 7.6),
        ((4.3 + 0.75) / 8.6, (7.6 - 0.4 - 3.6 + 0.55) / 7.6, width / 8.6, height / 7.6),
        (0.75 / 8.6, 0.55 / 7.6, width / 8.6, height / 7.6),
        ((4.3 + 0.75) / 8.6, 0.55 / 7.6, width / 8.6, height / 7.6),
    ]
    assert np.allclose(boxes, expected)
    # A cell half the size keeps half the margins.
    (box,) = plot_util.panel_boxes_from(1, 1, (2.15, 1.8))
    assert np.allclose(box, (0.375 / 2.15, 0.275 / 1.8, (2.15 - 0.775) / 2.15, (1.8 - 0.45) / 1.8))


def test__refuse_unsupported__names_the_option_and_lists_the_supported_ones():
    plot_util.refuse_unsupported("Thing", {}, ("a", "b"))
    with pytest.raises(TypeError, match=r"Thing does not support c, d; supported options: a, b"):
        plot_util.refuse_unsupported("Thing", {"d": 1, "c": 2}, ("a", "b"))
