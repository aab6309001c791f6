import numpy as np
import pytest

import autoarray as aa
from autoarray import exc

T, F = True, False

PATTERN = np.array([[T, F, T], [F, F, T], [T, T, F]])


class TestCentres:
    def test__uniform__odd_shape_with_origin(self):
        # y_i = -(i - 1) * 0.5 + 1 -> 1.5, 1.0, 0.5 ; x_j = (j - 1) * 1.0 - 2 -> -3, -2, -1
        grid = aa.Grid2D.uniform((3, 3), pixel_scales=(0.5, 1.0), origin=(1.0, -2.0))
        expected = [
            [1.5, -3.0], [1.5, -2.0], [1.5, -1.0],
            [1.0, -3.0], [1.0, -2.0], [1.0, -1.0],
            [0.5, -3.0], [0.5, -2.0], [0.5, -1.0],
        ]  # fmt: skip
        np.testing.assert_allclose(grid.array, expected, rtol=0, atol=1e-15)
        assert grid.shape == (9, 2)
        assert grid.shape_native == (3, 3)
        assert grid.pixel_scales == (0.5, 1.0)
        assert grid.origin == (1.0, -2.0)

    def test__uniform__even_shape_with_origin(self):
        # y_i = -(i - 0.5) * 1.0 + 0.5 -> 1.0, 0.0 ; x_j = (j - 1.5) * 0.5 + 1 -> 0.25 .. 1.75
        grid = aa.Grid2D.uniform((2, 4), pixel_scales=(1.0, 0.5), origin=(0.5, 1.0))
        expected = [
            [1.0, 0.25], [1.0, 0.75], [1.0, 1.25], [1.0, 1.75],
            [0.0, 0.25], [0.0, 0.75], [0.0, 1.25], [0.0, 1.75],
        ]  # fmt: skip
        np.testing.assert_allclose(grid.array, expected, rtol=0, atol=1e-15)

    def test__from_mask__unmasked_pixels_in_slim_order(self):
        mask = aa.Mask2D(PATTERN, pixel_scales=2.0)
        grid = aa.Grid2D.from_mask(mask)
        np.testing.assert_allclose(
            grid.array, [[2.0, 0.0], [0.0, -2.0], [0.0, 0.0], [-2.0, 2.0]], atol=1e-15
        )
        assert grid.mask is mask
        assert grid.shape_slim == 4
        assert len(grid) == 4
        np.testing.assert_array_equal(grid[3], [-2.0, 2.0])

    def test__native(self):
        grid = aa.Grid2D.from_mask(aa.Mask2D(PATTERN, pixel_scales=2.0))
        expected = np.zeros((3, 3, 2))
        expected[0, 1] = [2.0, 0.0]
        expected[1, 0] = [0.0, -2.0]
        expected[1, 1] = [0.0, 0.0]
        expected[2, 2] = [-2.0, 2.0]
        np.testing.assert_allclose(grid.native, expected, atol=1e-15)
        assert not grid.native.flags.writeable

    def test__from_native_values(self):
        mask = aa.Mask2D(PATTERN, pixel_scales=2.0)
        values = np.arange(18.0).reshape(3, 3, 2)
        grid = aa.Grid2D(values, mask=mask)
        np.testing.assert_array_equal(
            grid.array, [[2.0, 3.0], [6.0, 7.0], [8.0, 9.0], [16.0, 17.0]]
        )

    def test__callers_array_is_neither_aliased_nor_made_read_only(self):
        mask = aa.Mask2D.all_false((1, 2), pixel_scales=1.0)
        values = np.array([[0.0, -0.5], [0.0, 0.5]])
        grid = aa.Grid2D(values, mask=mask)
        assert values.flags.writeable
        values[0, 0] = 7.0
        assert grid[0, 0] == 0.0
        assert not grid.array.flags.writeable

    def test__np_array_is_a_copy(self):
        grid = aa.Grid2D.uniform((1, 2), pixel_scales=1.0)
        out = np.array(grid)
        out[0, 0] = 7.0
        assert grid[0, 0] == 0.0

    def test__bad_values_shape__raises(self):
        mask = aa.Mask2D(PATTERN, pixel_scales=1.0)
        with pytest.raises(
            exc.GridException,
            match=r"shape \(5, 2\) fit neither the slim shape \(4, 2\) nor the native shape \(3, 3, 2\)",
        ):
            aa.Grid2D(np.zeros((5, 2)), mask=mask)
        with pytest.raises(exc.GridException, match=r"shape \(4,\) fit neither"):
            aa.Grid2D(np.zeros(4), mask=mask)

    @pytest.mark.parametrize("pixel_scales", [0.0, -0.5, float("nan")])
    def test__bad_pixel_scales__raise(self, pixel_scales):
        with pytest.raises(exc.MaskException, match=f"pixel_scales must be .*got {pixel_scales}"):
            aa.Grid2D.uniform((2, 2), pixel_scales=pixel_scales)

    def test__bad_mask__raises(self):
        with pytest.raises(exc.GridException, match="mask must be a Mask2D, got ndarray"):
            aa.Grid2D(np.zeros((4, 2)), mask=PATTERN)

    def test__distances_to_coordinate(self):
        grid = aa.Grid2D.uniform((3, 3), pixel_scales=1.0, over_sample_size=1)
        distances = grid.distances_to_coordinate_from((1.0, 0.0))
        r2, r5 = np.sqrt(2.0), np.sqrt(5.0)
        # Pixel centres: rows y = 1, 0, -1 ; columns x = -1, 0, 1.
        np.testing.assert_allclose(
            distances.native.array, [[1.0, 0.0, 1.0], [r2, 1.0, r2], [r5, 2.0, r5]], atol=1e-15
        )


class TestOverSampleSize:
    def test__int(self):
        grid = aa.Grid2D.from_mask(aa.Mask2D(PATTERN, pixel_scales=1.0), over_sample_size=3)
        sizes = grid.over_sample_size
        assert isinstance(sizes, aa.Array2D)
        assert sizes.mask is grid.mask
        assert sizes.dtype.kind == "i"
        np.testing.assert_array_equal(sizes.array, [3, 3, 3, 3])

    def test__adaptive_array2d_and_list(self):
        mask = aa.Mask2D(PATTERN, pixel_scales=1.0)
        sizes = aa.Array2D(np.array([1, 2, 3, 4]), mask=mask)
        grid = aa.Grid2D.from_mask(mask, over_sample_size=sizes)
        np.testing.assert_array_equal(grid.over_sample_size.array, [1, 2, 3, 4])
        grid = aa.Grid2D.from_mask(mask, over_sample_size=[4, 3, 2, 1])
        np.testing.assert_array_equal(
            grid.over_sample_size.native.array, [[0, 4, 0], [3, 2, 0], [0, 0, 1]]
        )
        grid = aa.Grid2D.from_mask(mask, over_sample_size=np.array([2.0, 2.0, 1.0, 1.0]))
        np.testing.assert_array_equal(grid.over_sample_size.array, [2, 2, 1, 1])

    def test__adaptive_sizes_on_another_mask_are_read_pixel_by_pixel(self):
        mask = aa.Mask2D(PATTERN, pixel_scales=1.0)
        # Sizes on the full 3x3 frame; the grid's pixels (0, 1), (1, 0), (1, 1), (2, 2) take
        # 2, 4, 5 and 9.
        sizes = aa.Array2D.no_mask(np.arange(1, 10).reshape(3, 3), pixel_scales=1.0)
        grid = aa.Grid2D.from_mask(mask, over_sample_size=sizes)
        np.testing.assert_array_equal(grid.over_sample_size.array, [2, 4, 5, 9])
        with pytest.raises(
            exc.GridException,
            match=r"mask of shape \(2, 2\) cannot be used on a mask of shape \(3, 3\)",
        ):
            aa.Grid2D.from_mask(
                mask, over_sample_size=aa.Array2D.no_mask(np.ones((2, 2), int), pixel_scales=1.0)
            )
        # A pixel of the grid that the sizes' mask hides has no size.
        centre_hidden = np.zeros((3, 3), dtype=bool)
        centre_hidden[1, 1] = True
        hidden = aa.Array2D(np.full(8, 2), mask=aa.Mask2D(centre_hidden, pixel_scales=1.0))
        with pytest.raises(exc.GridException, match="must be >= 1, got a minimum of 0"):
            aa.Grid2D.from_mask(mask, over_sample_size=hidden)

    def test__apply_over_sampling(self):
        grid = aa.Grid2D.uniform((2, 2), 1.0, over_sample_size=1).apply_over_sampling(2)
        np.testing.assert_array_equal(grid.over_sample_size.array, [2, 2, 2, 2])
        assert grid.over_sampled.shape == (16, 2)

    @pytest.mark.parametrize(
        "size, text",
        [
            (True, "got True of type bool"),
            (False, "got False of type bool"),
            (2.0, "got 2.0 of type float"),
            (np.float64(3.0), r"got np.float64\(3.0\) of type float64"),
            ("2", "got '2' of type str"),
        ],
    )
    def test__non_int_size__raises_type_error(self, size, text):
        with pytest.raises(TypeError, match=f"over_sample_size must be a positive int, {text}"):
            aa.Grid2D.uniform((2, 2), 1.0, over_sample_size=size)

    @pytest.mark.parametrize("size", [0, -2])
    def test__size_below_one__raises(self, size):
        with pytest.raises(
            exc.GridException,
            match=rf"over_sample_size must be a positive int \(>= 1\), got {size}",
        ):
            aa.Grid2D.uniform((2, 2), 1.0, over_sample_size=size)

    def test__adaptive_wrong_length__raises(self):
        mask = aa.Mask2D(PATTERN, pixel_scales=1.0)
        with pytest.raises(
            exc.GridException,
            match=r"one int per unmasked pixel \(4\), got an array of shape \(3,\)",
        ):
            aa.Grid2D.from_mask(mask, over_sample_size=[1, 2, 3])
        with pytest.raises(exc.GridException, match=r"got an array of shape \(3, 3\)"):
            aa.Grid2D.from_mask(mask, over_sample_size=np.ones((3, 3), dtype=int))

    def test__adaptive_bad_values__raise(self):
        mask = aa.Mask2D(PATTERN, pixel_scales=1.0)
        with pytest.raises(exc.GridException, match=r"must be >= 1, got a minimum of 0"):
            aa.Grid2D.from_mask(mask, over_sample_size=[1, 2, 0, 1])
        with pytest.raises(
            exc.GridException, match=r"must hold integers, got non-integer values such as \[1.5\]"
        ):
            aa.Grid2D.from_mask(mask, over_sample_size=[1.0, 1.5, 2.0, 2.0])
        with pytest.raises(exc.GridException, match="must hold integers, got dtype bool"):
            aa.Grid2D.from_mask(mask, over_sample_size=[True, True, False, True])


class TestOverSampled:
    def test__size_1__pixel_centres(self):
        grid = aa.Grid2D.uniform(
            (2, 3), pixel_scales=(0.5, 0.25), origin=(1.0, 1.0), over_sample_size=1
        )
        np.testing.assert_array_equal(grid.over_sampled, grid.array)

    def test__size_2__hand_written(self):
        # Pixels centred at (0, -1) and (0, 1); dy = 1, dx = 2; offsets (+-0.25 dy, +-0.25 dx).
        grid = aa.Grid2D.uniform((1, 2), pixel_scales=(1.0, 2.0), over_sample_size=2)
        expected = [
            [0.25, -1.5], [0.25, -0.5], [-0.25, -1.5], [-0.25, -0.5],
            [0.25, 0.5], [0.25, 1.5], [-0.25, 0.5], [-0.25, 1.5],
        ]  # fmt: skip
        np.testing.assert_allclose(grid.over_sampled, expected, rtol=0, atol=1e-15)

    def test__size_3__hand_written(self):
        # One pixel of scale 3 centred on the origin (1, 2): offsets -1, 0, +1 on each axis.
        grid = aa.Grid2D.uniform((1, 1), pixel_scales=3.0, origin=(1.0, 2.0), over_sample_size=3)
        expected = [
            [2.0, 1.0], [2.0, 2.0], [2.0, 3.0],
            [1.0, 1.0], [1.0, 2.0], [1.0, 3.0],
            [0.0, 1.0], [0.0, 2.0], [0.0, 3.0],
        ]  # fmt: skip
        np.testing.assert_allclose(grid.over_sampled, expected, rtol=0, atol=1e-15)

    def test__adaptive_sizes_1_2_3__hand_written(self):
        # Pixels centred at (0, -1), (0, 0), (0, 1), unit scale, sizes 1, 2, 3.
        grid = aa.Grid2D.uniform((1, 3), pixel_scales=1.0, over_sample_size=[1, 2, 3])
        t = 1.0 / 3.0
        expected = [
            [0.0, -1.0],
            [0.25, -0.25], [0.25, 0.25], [-0.25, -0.25], [-0.25, 0.25],
            [t, 1 - t], [t, 1.0], [t, 1 + t],
            [0.0, 1 - t], [0.0, 1.0], [0.0, 1 + t],
            [-t, 1 - t], [-t, 1.0], [-t, 1 + t],
        ]  # fmt: skip
        np.testing.assert_allclose(grid.over_sampled, expected, rtol=0, atol=1e-15)
        assert grid.over_sampler.sub_total == 14
        assert not grid.over_sampler.is_uniform

    def test__masked_grid_follows_slim_order(self):
        mask = aa.Mask2D([[T, F], [F, T]], pixel_scales=2.0)
        grid = aa.Grid2D.from_mask(mask, over_sample_size=2)
        # Unmasked pixels in slim order: (0, 1) centred at (1, 1), then (1, 0) centred at
        # (-1, -1); pixel scale 2, so the size-2 offsets are +-0.5.
        expected = [
            [1.5, 0.5], [1.5, 1.5], [0.5, 0.5], [0.5, 1.5],
            [-0.5, -1.5], [-0.5, -0.5], [-1.5, -1.5], [-1.5, -0.5],
        ]  # fmt: skip
        np.testing.assert_allclose(grid.over_sampled, expected, rtol=0, atol=1e-15)
        assert not grid.over_sampled.flags.writeable

    def test__general_formula(self):
        # y = yc - ((a + 0.5)/k - 0.5) dy, x = xc + ((b + 0.5)/k - 0.5) dx, written out by loops.
        mask = aa.Mask2D.circular(
            (6, 5), radius=1.6, pixel_scales=(0.3, 0.2), origin=(0.1, -0.2), centre=(0.1, -0.2)
        )
        sizes = (np.arange(mask.pixels_in_mask) % 4) + 1
        grid = aa.Grid2D.from_mask(mask, over_sample_size=sizes)
        dy, dx = mask.pixel_scales
        expected = []
        for (yc, xc), k in zip(grid.array, sizes):
            for a in range(k):
                for b in range(k):
                    expected.append(
                        [yc - ((a + 0.5) / k - 0.5) * dy, xc + ((b + 0.5) / k - 0.5) * dx]
                    )
        np.testing.assert_allclose(grid.over_sampled, expected, rtol=0, atol=1e-14)


class TestPaddedGrid:
    def test__shape_geometry_and_centres(self):
        grid = aa.Grid2D.uniform(
            (3, 3), pixel_scales=(0.5, 1.0), origin=(1.0, 2.0), over_sample_size=2
        )
        padded = grid.padded_grid_from((3, 5))
        assert padded.shape_native == (5, 7)
        assert padded.mask.is_all_false
        assert padded.pixel_scales == (0.5, 1.0)
        assert padded.origin == (1.0, 2.0)
        np.testing.assert_array_equal(padded.over_sample_size.array, np.full(35, 2))
        # The original pixels sit in the middle with their coordinates unchanged.
        np.testing.assert_allclose(padded.native[1:4, 2:5], grid.native, atol=1e-15)
        # Corner pixel (0, 0): y = -(0 - 2) * 0.5 + 1 = 2, x = (0 - 3) * 1 + 2 = -1.
        np.testing.assert_allclose(padded.native[0, 0], [2.0, -1.0], atol=1e-15)

    def test__adaptive_grid_pads_at_the_largest_size(self):
        mask = aa.Mask2D(PATTERN, pixel_scales=1.0)
        grid = aa.Grid2D.from_mask(mask, over_sample_size=[1, 3, 2, 1])
        padded = grid.padded_grid_from((3, 3))
        assert padded.shape_native == (5, 5)
        np.testing.assert_array_equal(padded.over_sample_size.array, np.full(25, 3))

    def test__bad_kernel_shape(self):
        grid = aa.Grid2D.uniform((3, 3), 1.0)
        with pytest.raises(exc.GridException, match=r"kernel_shape_native\[0\] .*got 0"):
            grid.padded_grid_from((0, 3))
        with pytest.raises(
            TypeError, match=r"kernel_shape_native\[1\] must be a positive int, got 3.0"
        ):
            grid.padded_grid_from((3, 3.0))


def test__repr():
    assert "pixels=9" in repr(aa.Grid2D.uniform((3, 3), 1.0))
