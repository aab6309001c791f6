import numpy as np
import pytest

import autoarray as aa
from autoarray import exc
from autoarray.mask import mask_2d as mask_2d_module
from autoarray.mask import mask_2d_util

T, F = True, False

# Used by several tests: 4 unmasked pixels, slim order (0, 1), (1, 0), (1, 1), (2, 2).
PATTERN = np.array(
    [
        [T, F, T],
        [F, F, T],
        [T, T, F],
    ]
)


class TestConstructor:
    def test__values_pixel_scales_origin(self):
        mask = aa.Mask2D(PATTERN, pixel_scales=0.5, origin=(1, -2))
        assert mask.array.dtype == bool
        np.testing.assert_array_equal(mask.array, PATTERN)
        assert mask.pixel_scales == (0.5, 0.5)
        assert mask.origin == (1.0, -2.0)
        assert mask.shape_native == (3, 3)
        assert mask.pixels_in_mask == 4
        assert mask.shape_slim == 4
        assert not mask.is_all_false

    def test__pixel_scale_pair_and_list_input(self):
        mask = aa.Mask2D([[F, T], [F, F]], pixel_scales=(0.1, 0.2))
        assert mask.pixel_scales == (0.1, 0.2)
        assert mask.origin == (0.0, 0.0)
        assert mask.pixels_in_mask == 3

    def test__invert(self):
        mask = aa.Mask2D(PATTERN, pixel_scales=1.0, invert=True)
        np.testing.assert_array_equal(mask.array, ~PATTERN)
        assert mask.pixels_in_mask == 5

    def test__from_another_mask(self):
        mask = aa.Mask2D(PATTERN, pixel_scales=1.0)
        copy = aa.Mask2D(mask, pixel_scales=2.0)
        np.testing.assert_array_equal(copy.array, PATTERN)
        assert copy.pixel_scales == (2.0, 2.0)

    def test__stored_array_is_read_only(self):
        mask = aa.Mask2D(PATTERN, pixel_scales=1.0)
        assert not mask.array.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            mask.array[0, 0] = False

    def test__does_not_alias_or_mutate_the_callers_array(self):
        values = np.zeros((3, 3), dtype=bool)
        mask = aa.Mask2D(values, pixel_scales=1.0)
        assert values.flags.writeable
        values[0, 0] = True
        assert mask[0, 0] == F
        assert mask.pixels_in_mask == 9

    def test__np_array_of_mask_is_an_independent_writable_copy(self):
        mask = aa.Mask2D(PATTERN, pixel_scales=1.0)
        out = np.array(mask)
        np.testing.assert_array_equal(out, PATTERN)
        out[0, 0] = False
        assert mask[0, 0] == T
        np.testing.assert_array_equal(np.asarray(mask, dtype=int), PATTERN.astype(int))

    @pytest.mark.parametrize(
        "values, dtype",
        [
            (np.zeros((2, 2), dtype=int), "int64"),
            (np.zeros((2, 2)), "float64"),
            ([[0, 1]], "int64"),
        ],
    )
    def test__non_bool_values__raise_naming_dtype(self, values, dtype):
        with pytest.raises(exc.MaskException, match=f"array of bools .*got dtype {dtype}"):
            aa.Mask2D(values, pixel_scales=1.0)

    @pytest.mark.parametrize(
        "values, shape",
        [(np.zeros(3, dtype=bool), r"\(3,\)"), (np.zeros((2, 2, 2), dtype=bool), r"\(2, 2, 2\)")],
    )
    def test__non_2d_values__raise_naming_shape(self, values, shape):
        with pytest.raises(
            exc.MaskException, match=f"2D array of bools, got an array of shape {shape}"
        ):
            aa.Mask2D(values, pixel_scales=1.0)

    @pytest.mark.parametrize(
        "pixel_scales, shown",
        [(-0.1, "-0.1"), (0.0, "0.0"), (float("nan"), "nan"), ((0.1, 0.0), r"\(0.1, 0.0\)")],
    )
    def test__bad_pixel_scales__raise_naming_value(self, pixel_scales, shown):
        with pytest.raises(
            exc.MaskException, match=f"pixel_scales must be a positive .*got {shown}"
        ):
            aa.Mask2D(PATTERN, pixel_scales=pixel_scales)

    def test__bad_origin__raises(self):
        with pytest.raises(exc.MaskException, match=r"origin must be a \(y, x\) pair .*got 1.0"):
            aa.Mask2D(PATTERN, pixel_scales=1.0, origin=1.0)

    def test__is_same_as(self):
        mask = aa.Mask2D(PATTERN, pixel_scales=1.0, origin=(0.5, 0.0))
        assert mask.is_same_as(aa.Mask2D(PATTERN.copy(), pixel_scales=1.0, origin=(0.5, 0.0)))
        assert not mask.is_same_as(aa.Mask2D(PATTERN, pixel_scales=1.0))
        assert not mask.is_same_as(aa.Mask2D(PATTERN, pixel_scales=2.0, origin=(0.5, 0.0)))
        assert not mask.is_same_as(aa.Mask2D(~PATTERN, pixel_scales=1.0, origin=(0.5, 0.0)))
        assert not mask.is_same_as(PATTERN)


class TestCentres:
    def test__odd_shape_with_origin(self):
        # ny = nx = 3, dy = 0.5, dx = 1.0, origin (1, -2):
        # y_i = -(i - 1) * 0.5 + 1 -> 1.5, 1.0, 0.5 ; x_j = (j - 1) * 1.0 - 2 -> -3, -2, -1
        mask = aa.Mask2D.all_false((3, 3), pixel_scales=(0.5, 1.0), origin=(1.0, -2.0))
        centres = mask.centres_native
        np.testing.assert_allclose(
            centres[..., 0], [[1.5, 1.5, 1.5], [1.0, 1.0, 1.0], [0.5, 0.5, 0.5]], rtol=0, atol=1e-15
        )
        np.testing.assert_allclose(centres[..., 1], [[-3.0, -2.0, -1.0]] * 3, rtol=0, atol=1e-15)

    def test__even_shape_with_origin(self):
        # ny = 2, nx = 4, dy = 1.0, dx = 0.5, origin (0.5, 1.0):
        # y_i = -(i - 0.5) + 0.5 -> 1.0, 0.0 ; x_j = (j - 1.5) * 0.5 + 1 -> 0.25, 0.75, 1.25, 1.75
        y, x = mask_2d_util.centres_2d_from((2, 4), (1.0, 0.5), (0.5, 1.0))
        np.testing.assert_allclose(y, [[1.0] * 4, [0.0] * 4], rtol=0, atol=1e-15)
        np.testing.assert_allclose(x, [[0.25, 0.75, 1.25, 1.75]] * 2, rtol=0, atol=1e-15)

    def test__centres_are_read_only(self):
        mask = aa.Mask2D.all_false((2, 2), pixel_scales=1.0)
        assert not mask.centres_native.flags.writeable


class TestFactories:
    def test__all_false(self):
        mask = aa.Mask2D.all_false((2, 3), pixel_scales=0.2, origin=(1.0, 1.0))
        np.testing.assert_array_equal(mask.array, np.zeros((2, 3), dtype=bool))
        assert mask.pixels_in_mask == 6
        assert mask.is_all_false
        assert mask.origin == (1.0, 1.0)
        assert aa.Mask2D.all_false(3, pixel_scales=1.0).shape_native == (3, 3)

    def test__all_false__bad_shape(self):
        with pytest.raises(exc.MaskException, match=r"shape_native\[0\] .* got 0"):
            aa.Mask2D.all_false((0, 3), pixel_scales=1.0)
        with pytest.raises(TypeError, match="shape_native must be an int or a .*got 2.5"):
            aa.Mask2D.all_false(2.5, pixel_scales=1.0)
        with pytest.raises(TypeError, match="got True"):
            aa.Mask2D.all_false(True, pixel_scales=1.0)

    def test__circular__radius_1__centre_and_4_neighbours(self):
        mask = aa.Mask2D.circular((5, 5), radius=1.0, pixel_scales=1.0)
        expected = np.array(
            [
                [T, T, T, T, T],
                [T, T, F, T, T],
                [T, F, F, F, T],
                [T, T, F, T, T],
                [T, T, T, T, T],
            ]
        )
        np.testing.assert_array_equal(mask.array, expected)
        assert mask.pixels_in_mask == 5

    def test__circular__radius_1p5__3x3_block(self):
        mask = aa.Mask2D.circular((5, 5), radius=1.5, pixel_scales=1.0)
        expected = np.ones((5, 5), dtype=bool)
        expected[1:4, 1:4] = F
        np.testing.assert_array_equal(mask.array, expected)
        assert mask.pixels_in_mask == 9

    @pytest.mark.parametrize(
        "radius, count",
        # r = 0, 1 (x4), sqrt2 (x4), 2 (x4), sqrt5 (x8), sqrt8 (x4)
        [(0.5, 1), (1.0, 5), (1.5, 9), (2.0, 13), (2.3, 21), (2.9, 25)],
    )
    def test__circular__pixel_counts(self, radius, count):
        assert aa.Mask2D.circular((5, 5), radius=radius, pixel_scales=1.0).pixels_in_mask == count

    def test__circular__even_shape(self):
        # 4x4, unit pixels: centres at +-0.5, +-1.5; the 4 central pixels are 0.707 from (0, 0).
        mask = aa.Mask2D.circular((4, 4), radius=0.8, pixel_scales=1.0)
        expected = np.ones((4, 4), dtype=bool)
        expected[1:3, 1:3] = F
        np.testing.assert_array_equal(mask.array, expected)

    def test__circular__off_centre(self):
        # The pixel centred at (y, x) = (1, 1) is row 1, column 3 of a 5x5 unit frame.
        mask = aa.Mask2D.circular((5, 5), radius=0.5, pixel_scales=1.0, centre=(1.0, 1.0))
        expected = np.ones((5, 5), dtype=bool)
        expected[1, 3] = F
        np.testing.assert_array_equal(mask.array, expected)

    def test__circular__origin_moves_the_frame(self):
        mask = aa.Mask2D.circular(
            (5, 5), radius=1.0, pixel_scales=1.0, centre=(1.0, 1.0), origin=(1.0, 1.0)
        )
        np.testing.assert_array_equal(
            mask.array, aa.Mask2D.circular((5, 5), radius=1.0, pixel_scales=1.0).array
        )
        assert mask.origin == (1.0, 1.0)

    def test__circular__rectangular_pixels(self):
        # dy = 1, dx = 2: only (0, 0) and (+-1, 0) are within 1.5.
        mask = aa.Mask2D.circular((5, 5), radius=1.5, pixel_scales=(1.0, 2.0))
        expected = np.ones((5, 5), dtype=bool)
        expected[1:4, 2] = F
        np.testing.assert_array_equal(mask.array, expected)

    @pytest.mark.parametrize("radius", [0.0, -1.0, float("nan")])
    def test__circular__bad_radius(self, radius):
        with pytest.raises(exc.MaskException, match=f"radius must be positive .*got {radius}"):
            aa.Mask2D.circular((5, 5), radius=radius, pixel_scales=1.0)

    def test__circular__bad_pixel_scales(self):
        with pytest.raises(exc.MaskException, match="pixel_scales .*got -1.0"):
            aa.Mask2D.circular((5, 5), radius=1.0, pixel_scales=-1.0)

    def test__circular_annular(self):
        # 1 < r <= 2: the 4 diagonal pixels (r = sqrt 2) and the 4 at r = 2.
        mask = aa.Mask2D.circular_annular(
            (5, 5), inner_radius=1.0, outer_radius=2.0, pixel_scales=1.0
        )
        expected = np.array(
            [
                [T, T, F, T, T],
                [T, F, T, F, T],
                [F, T, T, T, F],
                [T, F, T, F, T],
                [T, T, F, T, T],
            ]
        )
        np.testing.assert_array_equal(mask.array, expected)
        assert mask.pixels_in_mask == 8

    def test__circular_annular__zero_inner_radius_excludes_centre(self):
        mask = aa.Mask2D.circular_annular(
            (5, 5), inner_radius=0.0, outer_radius=1.0, pixel_scales=1.0
        )
        expected = aa.Mask2D.circular((5, 5), radius=1.0, pixel_scales=1.0).array.copy()
        expected[2, 2] = T
        np.testing.assert_array_equal(mask.array, expected)
        assert mask.pixels_in_mask == 4

    def test__circular_annular__off_centre_with_origin(self):
        # Frame centred on (10, 10); annulus around (10, 11) = row 2, column 3.
        mask = aa.Mask2D.circular_annular(
            (5, 5), 0.5, 1.2, pixel_scales=1.0, centre=(10.0, 11.0), origin=(10.0, 10.0)
        )
        expected = np.ones((5, 5), dtype=bool)
        expected[1, 3] = expected[3, 3] = expected[2, 2] = expected[2, 4] = F
        np.testing.assert_array_equal(mask.array, expected)

    @pytest.mark.parametrize("inner, outer", [(2.0, 1.0), (1.0, 1.0), (-0.5, 1.0)])
    def test__circular_annular__bad_radii(self, inner, outer):
        with pytest.raises(
            exc.MaskException,
            match=f"0 <= inner_radius < outer_radius, got inner_radius={inner}, outer_radius={outer}",
        ):
            aa.Mask2D.circular_annular((5, 5), inner, outer, pixel_scales=1.0)


class TestIndexes:
    def test__slim_native_maps(self):
        indexes = aa.Mask2D(PATTERN, pixel_scales=1.0).derive_indexes
        np.testing.assert_array_equal(indexes.native_for_slim, [[0, 1], [1, 0], [1, 1], [2, 2]])
        np.testing.assert_array_equal(
            indexes.slim_for_native, [[-1, 0, -1], [1, 2, -1], [-1, -1, 3]]
        )
        np.testing.assert_array_equal(indexes.flat_native_for_slim, [1, 3, 4, 8])
        assert not indexes.native_for_slim.flags.writeable
        assert not indexes.slim_for_native.flags.writeable
        assert not indexes.flat_native_for_slim.flags.writeable

    def test__util_functions(self):
        np.testing.assert_array_equal(
            mask_2d_util.native_index_for_slim_index_2d_from(PATTERN),
            [[0, 1], [1, 0], [1, 1], [2, 2]],
        )
        np.testing.assert_array_equal(
            mask_2d_util.slim_index_for_native_2d_from(PATTERN),
            [[-1, 0, -1], [1, 2, -1], [-1, -1, 3]],
        )


class TestResized:
    MASK = np.array([[F, T, F], [T, F, T], [F, F, T]])

    def test__pad_odd_to_odd__symmetric(self):
        mask = aa.Mask2D(self.MASK, pixel_scales=(0.5, 0.25), origin=(1.0, 2.0))
        resized = mask.resized_from((5, 5))
        expected = np.ones((5, 5), dtype=bool)
        expected[1:4, 1:4] = self.MASK
        np.testing.assert_array_equal(resized.array, expected)
        assert resized.pixel_scales == (0.5, 0.25)
        assert resized.origin == (1.0, 2.0)
        # An even change keeps every original pixel's coordinates.
        np.testing.assert_allclose(
            resized.centres_native[1:4, 1:4], mask.centres_native, atol=1e-15
        )

    def test__pad_value_false(self):
        resized = aa.Mask2D(self.MASK, pixel_scales=1.0).resized_from((5, 3), pad_value=False)
        expected = np.zeros((5, 3), dtype=bool)
        expected[1:4] = self.MASK
        np.testing.assert_array_equal(resized.array, expected)

    def test__pad_by_an_odd_number__extra_row_and_column_at_the_end(self):
        resized = aa.Mask2D(self.MASK, pixel_scales=1.0).resized_from((4, 6))
        # rows: (4 - 3) // 2 = 0 added on top, 1 at the bottom;
        # columns: (6 - 3) // 2 = 1 added on the left, 2 on the right.
        expected = np.array(
            [
                [T, F, T, F, T, T],
                [T, T, F, T, T, T],
                [T, F, F, T, T, T],
                [T, T, T, T, T, T],
            ]
        )
        np.testing.assert_array_equal(resized.array, expected)

    def test__pad_even_shape(self):
        mask = np.array([[F, T], [T, T]])
        resized = aa.Mask2D(mask, pixel_scales=1.0).resized_from((4, 4))
        expected = np.ones((4, 4), dtype=bool)
        expected[1, 1] = F
        np.testing.assert_array_equal(resized.array, expected)

    def test__crop_odd_to_odd(self):
        big = np.ones((5, 5), dtype=bool)
        big[1:4, 1:4] = self.MASK
        resized = aa.Mask2D(big, pixel_scales=1.0).resized_from((3, 3))
        np.testing.assert_array_equal(resized.array, self.MASK)

    def test__crop_by_an_odd_number__drops_the_last_row_and_column(self):
        big = np.array(
            [
                [F, T, F, T],
                [T, F, T, T],
                [F, F, T, F],
                [T, T, F, F],
            ]
        )
        resized = aa.Mask2D(big, pixel_scales=1.0).resized_from((3, 3))
        np.testing.assert_array_equal(resized.array, big[:3, :3])

    def test__crop_6_to_3__starts_at_1(self):
        big = np.arange(36).reshape(6, 6) % 3 == 0
        resized = aa.Mask2D(big, pixel_scales=1.0).resized_from((3, 2))
        # rows (6 - 3) // 2 = 1 .. 3, columns (6 - 2) // 2 = 2 .. 3
        np.testing.assert_array_equal(resized.array, big[1:4, 2:4])

    def test__pad_one_axis_crop_the_other(self):
        resized = aa.Mask2D(self.MASK, pixel_scales=1.0).resized_from((5, 1))
        expected = np.ones((5, 1), dtype=bool)
        expected[1:4, 0] = self.MASK[:, 1]
        np.testing.assert_array_equal(resized.array, expected)

    def test__bad_new_shape(self):
        mask = aa.Mask2D(self.MASK, pixel_scales=1.0)
        with pytest.raises(exc.MaskException, match=r"new_shape\[0\] .*got 0"):
            mask.resized_from((0, 3))
        with pytest.raises(TypeError, match=r"new_shape\[1\] must be a positive int, got 3.0"):
            mask.resized_from((3, 3.0))


class TestUpscaled:
    def test__hand_drawn(self):
        mask = aa.Mask2D([[T, F], [F, T]], pixel_scales=1.0)
        up = mask.upscaled_from(2)
        expected = np.array(
            [
                [T, T, F, F],
                [T, T, F, F],
                [F, F, T, T],
                [F, F, T, T],
            ]
        )
        np.testing.assert_array_equal(up.array, expected)
        assert up.pixel_scales == (0.5, 0.5)

    def test__geometry_and_block_centres(self):
        mask = aa.Mask2D([[F, T], [T, F], [F, F]], pixel_scales=(0.6, 0.3), origin=(0.2, -0.1))
        n = 3
        for up in (mask.upscaled_from(n), mask_2d_module.mask_2d_upscaled_from(mask, n)):
            assert up.shape_native == (9, 6)
            np.testing.assert_allclose(up.pixel_scales, (0.2, 0.1), rtol=1e-15)
            assert up.origin == (0.2, -0.1)
            # Same physical extent: shape * pixel scale.
            np.testing.assert_allclose(
                np.multiply(up.shape_native, up.pixel_scales),
                np.multiply(mask.shape_native, mask.pixel_scales),
                rtol=1e-15,
            )
            # Every block has the coarse value, and its fine centres average to the coarse centre.
            for i in range(3):
                for j in range(2):
                    block = up.array[i * n : (i + 1) * n, j * n : (j + 1) * n]
                    assert np.all(block == mask.array[i, j])
                    centres = up.centres_native[i * n : (i + 1) * n, j * n : (j + 1) * n]
                    np.testing.assert_allclose(
                        centres.reshape(-1, 2).mean(axis=0), mask.centres_native[i, j], atol=1e-14
                    )
            assert up.pixels_in_mask == n * n * mask.pixels_in_mask

    def test__fine_centres_hand_computed(self):
        # One 1x1 pixel of scale 1 at origin (0, 0) upscaled by 2: centres at (+-0.25, +-0.25).
        up = aa.Mask2D.all_false((1, 1), pixel_scales=1.0).upscaled_from(2)
        np.testing.assert_allclose(
            up.centres_native,
            [[[0.25, -0.25], [0.25, 0.25]], [[-0.25, -0.25], [-0.25, 0.25]]],
            atol=1e-15,
        )

    def test__factor_one_is_identity(self):
        mask = aa.Mask2D(PATTERN, pixel_scales=(0.1, 0.2), origin=(1.0, 0.0))
        assert mask.upscaled_from(1).is_same_as(mask)

    def test__util_on_plain_arrays(self):
        np.testing.assert_array_equal(
            mask_2d_util.mask_2d_upscaled_from(np.array([[T, F]]), 2),
            [[T, T, F, F], [T, T, F, F]],
        )

    def test__bad_factor(self):
        mask = aa.Mask2D(PATTERN, pixel_scales=1.0)
        with pytest.raises(
            exc.MaskException, match=r"upscale_factor must be a positive int .*got 0"
        ):
            mask.upscaled_from(0)
        with pytest.raises(TypeError, match="upscale_factor must be a positive int, got 2.0"):
            mask.upscaled_from(2.0)
        with pytest.raises(TypeError, match="upscale_factor must be a positive int, got True"):
            mask_2d_module.mask_2d_upscaled_from(mask, True)


class TestBlurring:
    def test__3x3_kernel__single_pixel(self):
        mask = np.ones((5, 5), dtype=bool)
        mask[2, 2] = F
        blurring = aa.Mask2D(mask, pixel_scales=1.0).derive_mask.blurring_from((3, 3))
        expected = np.array(
            [
                [T, T, T, T, T],
                [T, F, F, F, T],
                [T, F, T, F, T],
                [T, F, F, F, T],
                [T, T, T, T, T],
            ]
        )
        np.testing.assert_array_equal(blurring.array, expected)
        assert blurring.pixels_in_mask == 8

    def test__5x5_kernel__single_pixel(self):
        mask = np.ones((7, 7), dtype=bool)
        mask[3, 3] = F
        blurring = aa.Mask2D(mask, pixel_scales=0.1, origin=(1.0, 2.0)).derive_mask.blurring_from(
            (5, 5)
        )
        expected = np.ones((7, 7), dtype=bool)
        expected[1:6, 1:6] = F
        expected[3, 3] = T
        np.testing.assert_array_equal(blurring.array, expected)
        assert blurring.pixels_in_mask == 24
        assert blurring.pixel_scales == (0.1, 0.1)
        assert blurring.origin == (1.0, 2.0)

    def test__rectangular_kernel(self):
        mask = np.ones((5, 5), dtype=bool)
        mask[2, 2] = F
        blurring = aa.Mask2D(mask, pixel_scales=1.0).derive_mask.blurring_from((3, 5))
        expected = np.array(
            [
                [T, T, T, T, T],
                [F, F, F, F, F],
                [F, F, T, F, F],
                [F, F, F, F, F],
                [T, T, T, T, T],
            ]
        )
        np.testing.assert_array_equal(blurring.array, expected)

    def test__irregular_mask__3x3_kernel(self):
        mask = np.array(
            [
                [T, T, T, T, T, T],
                [T, T, T, T, T, T],
                [T, T, F, F, T, T],
                [T, T, T, F, T, T],
                [T, T, T, T, T, T],
                [T, T, T, T, T, T],
            ]
        )
        blurring = aa.Mask2D(mask, pixel_scales=1.0).derive_mask.blurring_from((3, 3))
        expected = np.array(
            [
                [T, T, T, T, T, T],
                [T, F, F, F, F, T],
                [T, F, T, T, F, T],
                [T, F, F, T, F, T],
                [T, T, F, F, F, T],
                [T, T, T, T, T, T],
            ]
        )
        np.testing.assert_array_equal(blurring.array, expected)

    def test__irregular_mask__5x5_kernel(self):
        mask = np.ones((7, 8), dtype=bool)
        mask[3, 3] = mask[3, 4] = F
        blurring = aa.Mask2D(mask, pixel_scales=1.0).derive_mask.blurring_from((5, 5))
        expected = np.array(
            [
                [T, T, T, T, T, T, T, T],
                [T, F, F, F, F, F, F, T],
                [T, F, F, F, F, F, F, T],
                [T, F, F, T, T, F, F, T],
                [T, F, F, F, F, F, F, T],
                [T, F, F, F, F, F, F, T],
                [T, T, T, T, T, T, T, T],
            ]
        )
        np.testing.assert_array_equal(blurring.array, expected)

    def test__fully_masked_mask_has_empty_blurring_region(self):
        blurring = aa.Mask2D(
            np.ones((3, 3), dtype=bool), pixel_scales=1.0
        ).derive_mask.blurring_from((3, 3))
        assert blurring.pixels_in_mask == 0

    def test__frame_too_small__raises(self):
        mask = np.ones((3, 3), dtype=bool)
        mask[1, 1] = F
        with pytest.raises(
            exc.MaskException,
            match=r"shape \(3, 3\) is too small for a kernel of shape \(5, 5\).*by up to \(1, 1\).*allow_padding=True",
        ):
            aa.Mask2D(mask, pixel_scales=1.0).derive_mask.blurring_from((5, 5))

    def test__edge_pixel_with_3x3_kernel__raises(self):
        mask = np.ones((4, 4), dtype=bool)
        mask[1, 3] = F
        with pytest.raises(exc.MaskException, match=r"by up to \(0, 1\)"):
            aa.Mask2D(mask, pixel_scales=1.0).derive_mask.blurring_from((3, 3))

    def test__allow_padding__pads_symmetrically_and_warns(self):
        mask = np.ones((3, 3), dtype=bool)
        mask[1, 1] = F
        original = aa.Mask2D(mask, pixel_scales=(0.5, 0.25), origin=(1.0, -1.0))
        with pytest.warns(UserWarning, match=r"Padding the mask of shape \(3, 3\) by \(1, 1\)"):
            blurring = original.derive_mask.blurring_from((5, 5), allow_padding=True)
        expected = np.zeros((5, 5), dtype=bool)
        expected[2, 2] = T
        np.testing.assert_array_equal(blurring.array, expected)
        assert blurring.pixel_scales == (0.5, 0.25)
        assert blurring.origin == (1.0, -1.0)
        # Symmetric padding keeps the coordinates of the original pixels.
        np.testing.assert_allclose(
            blurring.centres_native[1:4, 1:4], original.centres_native, atol=1e-15
        )

    def test__allow_padding__one_axis_only(self):
        # Unmasked pixel in row 1 of a 5x5 frame: a 5x5 kernel needs one more row above, so one
        # masked row is added on top AND bottom; the columns already fit.
        mask = np.ones((5, 5), dtype=bool)
        mask[1, 2] = F
        with pytest.warns(UserWarning, match=r"by \(1, 0\)"):
            blurring = aa.Mask2D(mask, pixel_scales=1.0).derive_mask.blurring_from(
                (5, 5), allow_padding=True
            )
        expected = np.ones((7, 5), dtype=bool)
        expected[0:5, :] = F
        expected[2, 2] = T
        np.testing.assert_array_equal(blurring.array, expected)

    def test__allow_padding__no_padding_needed_does_not_warn(self, recwarn):
        mask = np.ones((5, 5), dtype=bool)
        mask[2, 2] = F
        blurring = aa.Mask2D(mask, pixel_scales=1.0).derive_mask.blurring_from(
            (3, 3), allow_padding=True
        )
        assert blurring.shape_native == (5, 5)
        assert len(recwarn) == 0

    def test__padded_from(self):
        mask = aa.Mask2D.all_false((3, 3), pixel_scales=1.0)
        padded = mask.derive_mask.padded_from((3, 5))
        expected = np.ones((5, 7), dtype=bool)
        expected[1:4, 2:5] = F
        np.testing.assert_array_equal(padded.array, expected)

    @pytest.mark.parametrize("shape", [(4, 3), (3, 4), (2, 2)])
    def test__even_kernel__raises(self, shape):
        mask = aa.Mask2D.circular((9, 9), radius=1.0, pixel_scales=1.0)
        with pytest.raises(
            exc.MaskException, match=rf"odd in both dimensions .*got \({shape[0]}, {shape[1]}\)"
        ):
            mask.derive_mask.blurring_from(shape)

    def test__non_int_kernel_shape__raises_type_error(self):
        mask = aa.Mask2D.circular((9, 9), radius=1.0, pixel_scales=1.0)
        with pytest.raises(
            TypeError, match=r"kernel_shape_native\[0\] must be a positive int, got 3.0"
        ):
            mask.derive_mask.blurring_from((3.0, 3))
        with pytest.raises(exc.MaskException, match=r"kernel_shape_native\[1\] .*got 0"):
            mask.derive_mask.blurring_from((3, 0))

    def test__padding_for_kernel_util(self):
        mask = np.ones((6, 6), dtype=bool)
        mask[0, 4] = F
        # rows: half 2 - row 0 = 2; columns: half 2 - (5 - 4) = 1.
        assert mask_2d_util.padding_for_kernel_from(mask, (5, 5)) == (2, 1)
        assert mask_2d_util.padding_for_kernel_from(np.ones((2, 2), dtype=bool), (5, 5)) == (0, 0)


def test__repr_names_geometry():
    text = repr(aa.Mask2D(PATTERN, pixel_scales=0.5))
    assert "shape_native=(3, 3)" in text
    assert "pixels_in_mask=4" in text
    assert "pixel_scales=(0.5, 0.5)" in text
