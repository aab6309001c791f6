"""
PyAutoArray names of the structures: ``Array2D.apply_mask`` / ``resized_from`` /
``padded_before_convolution_from`` / ``trimmed_after_convolution_from`` / reductions,
``Grid2D.no_mask`` / ``uniform`` / element-wise ``==``, ``Grid2DIrregular`` and ``ArrayIrregular``.
References are hand-written arrays and hand-computed pixel centres.
"""

import re

import numpy as np
import pytest

import autoarray as aa
from autoarray import exc

T, F = True, False
VALUES = np.arange(20.0).reshape(4, 5)


def unmasked_array():
    return aa.Array2D.no_mask(VALUES, pixel_scales=(1.0, 2.0), origin=(0.5, 1.0))


class TestArrayApplyMask:
    def test__values_read_on_the_new_mask(self):
        mask_values = np.ones((4, 5), dtype=bool)
        mask_values[1, 2] = mask_values[2, 2] = mask_values[3, 0] = False
        mask = aa.Mask2D(mask_values, (1.0, 2.0), origin=(0.5, 1.0))
        masked = unmasked_array().apply_mask(mask)
        np.testing.assert_array_equal(masked.array, [7.0, 12.0, 15.0])
        assert masked.mask is mask
        native = unmasked_array().native.apply_mask(mask)
        assert native.store_native and native.array[1, 2] == 7.0 and native.array[0, 0] == 0.0

    def test__bad__unmasking_a_masked_pixel(self):
        first = aa.Mask2D.circular((4, 5), 1.5, (1.0, 2.0), origin=(0.5, 1.0))
        masked = unmasked_array().apply_mask(first)
        with pytest.raises(
            exc.ArrayException,
            match=re.escape(
                "apply_mask would unmask 14 pixels that are masked in this array (e.g. native "
                "pixel (0, 0)), whose values are unknown."
            ),
        ):
            masked.apply_mask(aa.Mask2D.all_false((4, 5), (1.0, 2.0), origin=(0.5, 1.0)))

    def test__bad__shape_geometry_type(self):
        array = unmasked_array()
        with pytest.raises(exc.ArrayException, match="apply_mask got a mask of shape \\(4, 4\\)"):
            array.apply_mask(aa.Mask2D.all_false((4, 4), (1.0, 2.0), origin=(0.5, 1.0)))
        with pytest.raises(
            exc.ArrayException,
            match=re.escape(
                "apply_mask got a mask with pixel_scales=(1.0, 2.0), origin=(0.0, 0.0) for an "
                "array with pixel_scales=(1.0, 2.0), origin=(0.5, 1.0)"
            ),
        ):
            array.apply_mask(aa.Mask2D.all_false((4, 5), (1.0, 2.0)))
        with pytest.raises(exc.ArrayException, match="apply_mask needs a Mask2D, got ndarray"):
            array.apply_mask(np.zeros((4, 5), dtype=bool))


class TestArrayResized:
    def test__padded_with_zeros_and_unmasked_pixels(self):
        resized = unmasked_array().resized_from((6, 7))
        expected = np.zeros((6, 7))
        expected[1:5, 1:6] = VALUES
        np.testing.assert_array_equal(resized.native.array, expected)
        assert resized.mask.is_all_false
        assert resized.pixel_scales == (1.0, 2.0) and resized.origin == (0.5, 1.0)

    def test__mask_pad_value_one_masks_the_new_pixels(self):
        resized = unmasked_array().resized_from((6, 7), mask_pad_value=1)
        expected = np.ones((6, 7), dtype=bool)
        expected[1:5, 1:6] = False
        np.testing.assert_array_equal(resized.mask.array, expected)

    def test__cropped_about_the_centre(self):
        # 4 -> 2 rows: drop 1 top, 1 bottom; 5 -> 3 columns: drop 1 left, 1 right.
        cropped = unmasked_array().resized_from((2, 3))
        np.testing.assert_array_equal(cropped.native.array, [[6.0, 7.0, 8.0], [11.0, 12.0, 13.0]])

    def test__bad__mask_pad_value(self):
        with pytest.raises(
            exc.ArrayException,
            match=re.escape("mask_pad_value must be 0 (new pixels unmasked) or 1 (masked), got 2."),
        ):
            unmasked_array().resized_from((6, 7), mask_pad_value=2)


class TestPaddedTrimmed:
    def test__padded_by_half_a_kernel_each_side(self):
        padded = unmasked_array().padded_before_convolution_from((3, 5))
        expected = np.zeros((6, 9))
        expected[1:5, 2:7] = VALUES
        np.testing.assert_array_equal(padded.native.array, expected)

    def test__trimmed_undoes_padded(self):
        array = unmasked_array()
        round_trip = array.padded_before_convolution_from((5, 3)).trimmed_after_convolution_from(
            (5, 3)
        )
        np.testing.assert_array_equal(round_trip.native.array, VALUES)
        assert round_trip.mask.is_same_as(array.mask)

    def test__trimmed_keeps_the_inner_pixels(self):
        trimmed = unmasked_array().trimmed_after_convolution_from((3, 3))
        np.testing.assert_array_equal(trimmed.native.array, VALUES[1:3, 1:4])

    def test__padding_a_masked_array_with_masked_pixels(self):
        mask = aa.Mask2D.circular((4, 5), 1.5, (1.0, 2.0), origin=(0.5, 1.0))
        padded = unmasked_array().apply_mask(mask).padded_before_convolution_from((3, 3), 1)
        expected = np.ones((6, 7), dtype=bool)
        expected[1:5, 1:6] = mask.array
        np.testing.assert_array_equal(padded.mask.array, expected)

    @pytest.mark.parametrize(
        "method", ["padded_before_convolution_from", "trimmed_after_convolution_from"]
    )
    def test__bad__even_kernel(self, method):
        with pytest.raises(
            exc.ArrayException,
            match=re.escape("kernel_shape must be odd in both dimensions, got (3, 4)"),
        ):
            getattr(unmasked_array(), method)((3, 4))

    def test__bad__trimming_everything(self):
        with pytest.raises(
            exc.ArrayException,
            match=re.escape(
                "trimmed_after_convolution_from cannot trim an array of shape (4, 5) by a kernel "
                "of shape (5, 3): nothing would be left."
            ),
        ):
            unmasked_array().trimmed_after_convolution_from((5, 3))


class TestReductions:
    def test__on_the_unmasked_values(self):
        mask = aa.Mask2D([[T, F], [F, F]], 1.0)
        array = aa.Array2D(np.array([[99.0, 4.0], [-1.0, 2.5]]), mask)
        assert array.argmax() == 0 and array.argmin() == 1
        assert array.max() == 4.0 and array.min() == -1.0
        assert array.sum() == 5.5 and array.mean() == pytest.approx(5.5 / 3, rel=1e-15)
        assert array.std() == pytest.approx(np.sqrt(np.mean((array.array - 5.5 / 3) ** 2)))
        assert array.var() == pytest.approx(array.std() ** 2, rel=1e-14)
        assert array.any() and array.all()
        assert np.argmax(array) == 0
        # Native: the whole frame, zeros at masked pixels.
        assert array.native.argmax() == 1 and array.native.sum() == 5.5


class TestGrid2D:
    def test__no_mask_native_and_slim(self):
        native = [[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]]
        grid = aa.Grid2D.no_mask(values=native, pixel_scales=1.0, over_sample_size=2)
        np.testing.assert_array_equal(grid.array, [[1, 2], [3, 4], [5, 6], [7, 8]])
        np.testing.assert_array_equal(grid.native, native)
        assert grid.mask.is_all_false and grid.shape_native == (2, 2)
        np.testing.assert_array_equal(grid.over_sample_size.array, [2, 2, 2, 2])
        slim = aa.Grid2D.no_mask(
            values=[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]],
            shape_native=(2, 2),
            pixel_scales=1.0,
            origin=(1.0, 0.0),
        )
        np.testing.assert_array_equal(slim.native, native)
        assert slim.origin == (1.0, 0.0)

    def test__no_mask_adaptive_over_sample_size(self):
        grid = aa.Grid2D.uniform((3, 3), 0.1, over_sample_size=1)
        sizes = aa.Array2D(np.array([1, 2, 1, 2, 4, 2, 1, 2, 1]), grid.mask)
        adaptive = aa.Grid2D.no_mask(grid.native, grid.pixel_scales, over_sample_size=sizes)
        np.testing.assert_array_equal(adaptive.over_sample_size.array, sizes.array)
        assert adaptive.over_sampled.shape == (1 + 4 + 1 + 4 + 16 + 4 + 1 + 4 + 1, 2)

    def test__uniform_centres_by_hand(self):
        # Pixel (i, j): y = -(i - 0.5) 1.0 + 0.5, x = (j - 1) 2.0 - 1.0.
        grid = aa.Grid2D.uniform((2, 3), (1.0, 2.0), origin=(0.5, -1.0))
        np.testing.assert_array_equal(
            grid.native,
            [[[1.0, -3.0], [1.0, -1.0], [1.0, 1.0]], [[0.0, -3.0], [0.0, -1.0], [0.0, 1.0]]],
        )
        assert grid.over_sample_size.array.tolist() == [4] * 6

    def test__element_wise_equality(self):
        grid = aa.Grid2D.uniform((2, 2), 1.0)
        other = aa.Grid2D.no_mask([[0.5, -0.5], [0.5, 0.5], [-0.5, -0.5], [9.0, 0.5]], 1.0, (2, 2))
        np.testing.assert_array_equal(grid == other, [[T, T], [T, T], [T, T], [F, T]])
        np.testing.assert_array_equal(grid != other, [[F, F], [F, F], [F, F], [T, F]])
        assert (grid == grid.array).all()

    def test__bad__no_mask_values(self):
        with pytest.raises(exc.GridException, match="without shape_native"):
            aa.Grid2D.no_mask([[1.0, 2.0]], 1.0)
        with pytest.raises(
            exc.GridException,
            match=re.escape(
                "Grid2D.no_mask got 1 (y, x) values for shape_native (2, 2) (4 pixels)."
            ),
        ):
            aa.Grid2D.no_mask([[1.0, 2.0]], 1.0, shape_native=(2, 2))
        with pytest.raises(
            exc.GridException,
            match=re.escape("Grid2D.no_mask needs (ny, nx, 2) or (N, 2) values, got shape (3,)."),
        ):
            aa.Grid2D.no_mask([1.0, 2.0, 3.0], 1.0)


class TestIrregular:
    def test__points_and_list(self):
        grid = aa.Grid2DIrregular([(0.0, 1.0), (2.0, -3.0)])
        np.testing.assert_array_equal(grid.array, [[0.0, 1.0], [2.0, -3.0]])
        assert grid.in_list == [(0.0, 1.0), (2.0, -3.0)]
        assert len(grid) == 2 and grid.slim is grid and grid.over_sampled is grid.array
        assert not grid.array.flags.writeable
        np.testing.assert_array_equal(grid == [[0.0, 1.0], [0.0, -3.0]], [[T, T], [F, T]])
        distances = grid.distances_to_coordinate_from((0.0, 1.0))
        np.testing.assert_array_equal(distances.array, [0.0, np.hypot(2.0, 4.0)])

    def test__binning_returns_the_values_at_the_points(self):
        grid = aa.Grid2DIrregular([(0.0, 1.0), (2.0, -3.0), (1.0, 1.0)])
        values = grid.over_sampler.binned_array_2d_from(np.array([1.5, -2.0, 3.0]))
        assert isinstance(values, aa.ArrayIrregular)
        np.testing.assert_array_equal(values.array, [1.5, -2.0, 3.0])

    def test__array_irregular_arithmetic(self):
        a = aa.ArrayIrregular([1.0, 2.0, 4.0])
        b = aa.ArrayIrregular([0.5, 0.5, 1.0])
        total = a + b * 2.0
        assert isinstance(total, aa.ArrayIrregular)
        np.testing.assert_array_equal(total.array, [2.0, 3.0, 6.0])
        np.testing.assert_array_equal(np.log2(a).array, [0.0, 1.0, 2.0])
        assert a.max() == 4.0 and a.sum() == 7.0 and a.in_list == [1.0, 2.0, 4.0]

    def test__bad__shapes(self):
        with pytest.raises(
            exc.GridException,
            match=re.escape(
                "Grid2DIrregular needs (N, 2) (y, x) points, got an array of shape (3,)"
            ),
        ):
            aa.Grid2DIrregular([1.0, 2.0, 3.0])
        with pytest.raises(exc.GridException, match="Grid2DIrregular got non-finite coordinates"):
            aa.Grid2DIrregular([(0.0, np.nan)])
        with pytest.raises(
            exc.ArrayException,
            match=re.escape("ArrayIrregular needs 1D values (one per point), got shape (1, 2)."),
        ):
            aa.ArrayIrregular([[1.0, 2.0]])
        with pytest.raises(
            exc.GridException,
            match=re.escape("binned_array_2d_from expects 2 values (one per point), got 3."),
        ):
            aa.Grid2DIrregular([(0.0, 1.0), (2.0, 3.0)]).over_sampler.binned_array_2d_from(
                np.zeros(3)
            )
