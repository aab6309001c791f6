import numpy as np
import pytest

import autoarray as aa
from autoarray import exc
from autoarray.structures.over_sampling import over_sample_util

T, F = True, False


class TestSubSizeArray:
    def test__uniform(self):
        sizes = over_sample_util.sub_size_array_from(3, 4)
        np.testing.assert_array_equal(sizes, [3, 3, 3, 3])
        assert sizes.dtype == np.int64
        np.testing.assert_array_equal(over_sample_util.sub_size_array_from(np.int32(2), 2), [2, 2])

    def test__adaptive(self):
        np.testing.assert_array_equal(over_sample_util.sub_size_array_from([1, 2, 4], 3), [1, 2, 4])
        mask = aa.Mask2D([[F, T], [F, F]], pixel_scales=1.0)
        sizes = aa.Array2D(np.array([[2, 9], [4, 6]]), mask=mask)
        np.testing.assert_array_equal(over_sample_util.sub_size_array_from(sizes, 3), [2, 4, 6])

    def test__errors(self):
        with pytest.raises(TypeError, match="over_sample_size must be a positive int, got True"):
            over_sample_util.sub_size_array_from(True, 3)
        with pytest.raises(exc.GridException, match="got 0"):
            over_sample_util.sub_size_array_from(0, 3)
        with pytest.raises(exc.GridException, match=r"\(3\), got an array of shape \(2,\)"):
            over_sample_util.sub_size_array_from([1, 2], 3)


def test__sub_slim_starts():
    np.testing.assert_array_equal(
        over_sample_util.sub_slim_starts_from(np.array([1, 2, 3])), [0, 1, 5]
    )
    np.testing.assert_array_equal(over_sample_util.sub_slim_starts_from(np.array([2, 2])), [0, 4])
    assert over_sample_util.sub_slim_starts_from(np.array([], dtype=int)).shape == (0,)


def test__grid_2d_slim_over_sampled_from__hand_written():
    # Centres (1, 1) with k = 1 and (0, 2) with k = 2; dy = 2, dx = 4: k = 2 offsets are
    # -+0.25 * 2 = -+0.5 in y (top row first) and -+0.25 * 4 = -+1 in x.
    out = over_sample_util.grid_2d_slim_over_sampled_from(
        np.array([[1.0, 1.0], [0.0, 2.0]]), np.array([1, 2]), (2.0, 4.0)
    )
    np.testing.assert_allclose(
        out, [[1.0, 1.0], [0.5, 1.0], [0.5, 3.0], [-0.5, 1.0], [-0.5, 3.0]], rtol=0, atol=1e-15
    )


class TestBinnedArray:
    def test__uniform(self):
        values = np.array([1.0, 2.0, 3.0, 4.0, 10.0, 20.0, 30.0, 40.0])
        np.testing.assert_allclose(
            over_sample_util.binned_array_from(values, np.array([2, 2])), [2.5, 25.0], rtol=1e-15
        )

    def test__size_1_is_identity(self):
        values = np.array([1.0, 2.0, 3.0])
        np.testing.assert_array_equal(
            over_sample_util.binned_array_from(values, np.ones(3, int)), values
        )

    def test__adaptive(self):
        # k = 1: 7 ; k = 2: mean(1, 2, 3, 6) = 3 ; k = 3: mean(0..8) = 4.
        values = np.concatenate([[7.0], [1.0, 2.0, 3.0, 6.0], np.arange(9.0)])
        np.testing.assert_allclose(
            over_sample_util.binned_array_from(values, np.array([1, 2, 3])),
            [7.0, 3.0, 4.0],
            rtol=1e-15,
        )

    def test__empty(self):
        assert over_sample_util.binned_array_from(np.zeros(0), np.zeros(0, int)).shape == (0,)

    def test__wrong_number_of_values__raises(self):
        with pytest.raises(
            exc.GridException,
            match=r"binned_array_from expects a 1D array of 14 sub-pixel values .* got shape \(13,\)",
        ):
            over_sample_util.binned_array_from(np.zeros(13), np.array([1, 2, 3]))
        with pytest.raises(exc.GridException, match=r"8 sub-pixel values .*got shape \(9,\)"):
            over_sample_util.binned_array_from(np.zeros(9), np.array([2, 2]))


class TestBinningOfKnownFunctions:
    """
    Mean binning of functions evaluated at the sub-pixel centres, against closed forms.

    The sub-pixel offsets of size k along an axis are u_b = (b + 0.5)/k - 0.5, b = 0..k-1:
    k points spaced 1/k, symmetric about 0. So mean(u) = 0, and
    mean(u^2) = (1/k^2) * mean((b - (k-1)/2)^2) = (1/k^2) * (k^2 - 1)/12  (variance of the
    discrete uniform on k consecutive integers). Hence, for a pixel centred at (yc, xc):
      - a linear function bins to its value at the centre exactly;
      - x^2 bins to mean((xc + u dx)^2) = xc^2 + dx^2 (k^2 - 1) / (12 k^2), and likewise y^2.
    """

    @staticmethod
    def _grid(sizes):
        mask = aa.Mask2D.circular(
            (5, 6), radius=1.3, pixel_scales=(0.3, 0.2), origin=(0.4, -0.7), centre=(0.4, -0.7)
        )
        if sizes == "adaptive":
            sizes = (np.arange(mask.pixels_in_mask) % 5) + 1
        return aa.Grid2D.from_mask(mask, over_sample_size=sizes)

    @pytest.mark.parametrize("sizes", [1, 2, 3, 4, "adaptive"])
    def test__linear_function_bins_to_centre_value(self, sizes):
        grid = self._grid(sizes)
        sub = grid.over_sampled
        binned = grid.over_sampler.binned_array_2d_from(2.0 * sub[:, 0] + 3.0 * sub[:, 1] + 1.0)
        assert isinstance(binned, aa.Array2D)
        assert binned.mask is grid.mask
        np.testing.assert_allclose(
            binned.array, 2.0 * grid.array[:, 0] + 3.0 * grid.array[:, 1] + 1.0, rtol=0, atol=1e-13
        )

    @pytest.mark.parametrize("sizes", [1, 2, 3, 4, "adaptive"])
    def test__squares_bin_to_centre_square_plus_variance(self, sizes):
        grid = self._grid(sizes)
        sub = grid.over_sampled
        k = grid.over_sample_size.array
        dy, dx = grid.pixel_scales
        binned_x2 = grid.over_sampler.binned_array_2d_from(sub[:, 1] ** 2)
        binned_y2 = grid.over_sampler.binned_array_2d_from(sub[:, 0] ** 2)
        np.testing.assert_allclose(
            binned_x2.array,
            grid.array[:, 1] ** 2 + dx**2 * (k**2 - 1) / (12 * k**2),
            rtol=0,
            atol=1e-14,
        )
        np.testing.assert_allclose(
            binned_y2.array,
            grid.array[:, 0] ** 2 + dy**2 * (k**2 - 1) / (12 * k**2),
            rtol=0,
            atol=1e-14,
        )

    def test__x_squared_k_2_hand_value(self):
        # One unit pixel at x = 1: samples at x = 0.75 and 1.25 -> mean(0.5625, 1.5625) = 1.0625
        # = 1 + 1 * (4 - 1) / 48.
        grid = aa.Grid2D.uniform((1, 3), pixel_scales=1.0, over_sample_size=2)
        binned = grid.over_sampler.binned_array_2d_from(grid.over_sampled[:, 1] ** 2)
        np.testing.assert_allclose(binned.array, [1.0625, 0.0625, 1.0625], rtol=1e-15)

    def test__binned_array_2d_from__wrong_length__raises(self):
        grid = aa.Grid2D.uniform((2, 2), pixel_scales=1.0, over_sample_size=2)
        with pytest.raises(exc.GridException, match=r"expects 16 sub-pixel values .*got 15"):
            grid.over_sampler.binned_array_2d_from(np.zeros(15))


class TestBinnedToConvolveSize:
    # A 4x4 pixel holding 0..15 row-major; its 2x2 groups average to
    # TL mean(0,1,4,5) = 2.5, TR mean(2,3,6,7) = 4.5, BL mean(8,9,12,13) = 10.5, BR = 12.5.
    K4 = np.arange(16.0)
    K4_S2 = [2.5, 4.5, 10.5, 12.5]
    # A 6x6 pixel holding 0..35 row-major; value r*6 + c, so a 3x3 group's mean is
    # 6 * mean(r) + mean(c): TL 6*1 + 1 = 7, TR 6*1 + 4 = 10, BL 6*4 + 1 = 25, BR 6*4 + 4 = 28.
    K6 = np.arange(36.0)
    K6_S2 = [7.0, 10.0, 25.0, 28.0]

    def test__uniform_k4_s2(self):
        values = np.concatenate([self.K4, 100.0 + self.K4])
        out = over_sample_util.binned_to_convolve_size_from(values, np.array([4, 4]), 2)
        np.testing.assert_allclose(out, self.K4_S2 + [102.5, 104.5, 110.5, 112.5], rtol=1e-15)

    def test__uniform_k6_s3(self):
        # 2x2 groups of the 6x6 pixel: group (p, q) has mean 6 * (2p + 0.5) + (2q + 0.5).
        out = over_sample_util.binned_to_convolve_size_from(self.K6, np.array([6]), 3)
        expected = [6 * (2 * p + 0.5) + (2 * q + 0.5) for p in range(3) for q in range(3)]
        np.testing.assert_allclose(out, expected, rtol=1e-15)

    def test__adaptive_2_4_6_with_s2(self):
        values = np.concatenate([[1.0, 2.0, 3.0, 4.0], self.K4, self.K6])
        out = over_sample_util.binned_to_convolve_size_from(values, np.array([2, 4, 6]), 2)
        np.testing.assert_allclose(out, [1.0, 2.0, 3.0, 4.0] + self.K4_S2 + self.K6_S2, rtol=1e-15)

    def test__adaptive_order_does_not_matter(self):
        values = np.concatenate([self.K6, [5.0, 6.0, 7.0, 8.0], self.K4])
        out = over_sample_util.binned_to_convolve_size_from(values, np.array([6, 2, 4]), 2)
        np.testing.assert_allclose(out, self.K6_S2 + [5.0, 6.0, 7.0, 8.0] + self.K4_S2, rtol=1e-15)

    def test__s_equal_k_is_identity(self):
        values = np.arange(18.0)
        np.testing.assert_array_equal(
            over_sample_util.binned_to_convolve_size_from(values, np.array([3, 3]), 3), values
        )

    def test__s1_is_the_pixel_mean(self):
        # mean(0..8) = 4, mean(1,2,3,6) = 3.
        values = np.concatenate([np.arange(9.0), [1.0, 2.0, 3.0, 6.0]])
        out = over_sample_util.binned_to_convolve_size_from(values, np.array([3, 2]), 1)
        np.testing.assert_allclose(out, [4.0, 3.0], rtol=1e-15)

    def test__then_fine_to_native_gives_the_pixel_mean(self):
        # Equal-size groups: the mean of the group means is the pixel mean:
        # 2.5, mean(0..15) = 7.5, mean(0..35) = 17.5.
        values = np.concatenate([[1.0, 2.0, 3.0, 4.0], self.K4, self.K6])
        fine = over_sample_util.binned_to_convolve_size_from(values, np.array([2, 4, 6]), 2)
        np.testing.assert_allclose(
            over_sample_util.binned_fine_to_native_from(fine, 2), [2.5, 7.5, 17.5], rtol=1e-15
        )

    @pytest.mark.parametrize(
        "sizes, s, shown",
        [
            ([2, 3, 4], 2, r"\[3\]"),
            ([3, 5, 4, 3], 2, r"\[3, 5\]"),
            ([4, 6], 4, r"\[6\]"),
            ([1], 2, r"\[1\]"),
        ],
    )
    def test__size_not_divisible_by_s__raises(self, sizes, s, shown):
        sizes = np.array(sizes)
        values = np.zeros(int(np.sum(sizes**2)))
        with pytest.raises(
            exc.GridException,
            match=rf"multiple of convolve_over_sample_size={s}.*Got over_sample_size {shown}",
        ):
            over_sample_util.binned_to_convolve_size_from(values, sizes, s)

    def test__bad_s__raises(self):
        values, sizes = np.zeros(16), np.array([4])
        with pytest.raises(
            exc.GridException, match=r"convolve_over_sample_size must be a positive int .*got 0"
        ):
            over_sample_util.binned_to_convolve_size_from(values, sizes, 0)
        with pytest.raises(
            TypeError, match="convolve_over_sample_size must be a positive int, got 2.0"
        ):
            over_sample_util.binned_to_convolve_size_from(values, sizes, 2.0)
        with pytest.raises(TypeError, match="got True of type bool"):
            over_sample_util.binned_to_convolve_size_from(values, sizes, True)

    def test__wrong_number_of_values__raises(self):
        with pytest.raises(
            exc.GridException,
            match=r"expects a 1D array of 32 sub-pixel values .*got shape \(31,\)",
        ):
            over_sample_util.binned_to_convolve_size_from(np.zeros(31), np.array([4, 4]), 2)
        with pytest.raises(exc.GridException, match=r"56 sub-pixel values .*got shape \(55,\)"):
            over_sample_util.binned_to_convolve_size_from(np.zeros(55), np.array([2, 4, 6]), 2)

    def test__jax_matches_hand_values(self):
        jax = pytest.importorskip("jax")
        jnp = jax.numpy
        with jax.enable_x64(True):
            values = np.concatenate([[1.0, 2.0, 3.0, 4.0], self.K4, self.K6])
            adaptive = over_sample_util.binned_to_convolve_size_from(
                jnp.asarray(values), np.array([2, 4, 6]), 2, xp=jnp
            )
            np.testing.assert_allclose(
                np.asarray(adaptive), [1.0, 2.0, 3.0, 4.0] + self.K4_S2 + self.K6_S2, rtol=1e-14
            )
            uniform = over_sample_util.binned_to_convolve_size_from(
                jnp.asarray(np.concatenate([self.K4, self.K4])), np.array([4, 4]), 2, xp=jnp
            )
            np.testing.assert_allclose(np.asarray(uniform), self.K4_S2 * 2, rtol=1e-14)
            binned = over_sample_util.binned_array_from(
                jnp.asarray(np.concatenate([[7.0], [1.0, 2.0, 3.0, 6.0]])), np.array([1, 2]), xp=jnp
            )
            np.testing.assert_allclose(np.asarray(binned), [7.0, 3.0], rtol=1e-14)
            fine = over_sample_util.binned_fine_to_native_from(jnp.arange(8.0), 2, xp=jnp)
            np.testing.assert_allclose(np.asarray(fine), [1.5, 5.5], rtol=1e-14)


class TestBinnedFineToNative:
    def test__s2(self):
        values = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 9.0])
        np.testing.assert_allclose(
            over_sample_util.binned_fine_to_native_from(values, 2), [2.5, 6.75], rtol=1e-15
        )

    def test__s3(self):
        # mean(0..8) = 4, mean(9..17) = 13
        np.testing.assert_allclose(
            over_sample_util.binned_fine_to_native_from(np.arange(18.0), 3), [4.0, 13.0], rtol=1e-15
        )

    def test__s1_is_identity(self):
        values = np.array([1.0, 5.0])
        np.testing.assert_array_equal(
            over_sample_util.binned_fine_to_native_from(values, 1), values
        )

    def test__errors(self):
        with pytest.raises(
            exc.GridException, match=r"N \* s\^2 = N \* 4 fine values \(s=2\), got shape \(7,\)"
        ):
            over_sample_util.binned_fine_to_native_from(np.zeros(7), 2)
        with pytest.raises(exc.GridException, match=r"got shape \(2, 4\)"):
            over_sample_util.binned_fine_to_native_from(np.zeros((2, 4)), 2)
        with pytest.raises(
            exc.GridException, match="convolve_over_sample_size must be a positive int .*got 0"
        ):
            over_sample_util.binned_fine_to_native_from(np.zeros(4), 0)
        with pytest.raises(TypeError, match="got 2.0 of type float"):
            over_sample_util.binned_fine_to_native_from(np.zeros(4), 2.0)


class TestRadialBins:
    # A unit 3x3 grid: centres y in (1, 0, -1) by row, x in (-1, 0, 1) by column.
    @staticmethod
    def _grid():
        return aa.Grid2D.uniform((3, 3), pixel_scales=1.0, over_sample_size=1)

    def test__one_centre(self):
        # r = 0 (< 0.5) -> 8 ; r = 1 (< 1.2) -> 4 ; r = sqrt 2 (beyond) -> last size, 1.
        sizes = over_sample_util.over_sample_size_via_radial_bins_from(
            self._grid(), sub_size_list=[8, 4, 1], radial_list=[0.5, 1.2]
        )
        assert isinstance(sizes, aa.Array2D)
        assert sizes.dtype.kind == "i"
        np.testing.assert_array_equal(sizes.native.array, [[1, 4, 1], [4, 8, 4], [1, 4, 1]])

    def test__two_centres__largest_size_wins(self):
        # From (1, 1) (pixel (0, 2)): r = 0 at (0, 2) -> 8; r = 1 at (0, 1), (1, 2) -> 4;
        # everything else is >= sqrt 2 -> 1. The max with the (0, 0) map above:
        sizes = over_sample_util.over_sample_size_via_radial_bins_from(
            self._grid(), [8, 4, 1], [0.5, 1.2], centre_list=[(0.0, 0.0), (1.0, 1.0)]
        )
        np.testing.assert_array_equal(sizes.native.array, [[1, 4, 8], [4, 8, 4], [1, 4, 1]])

    def test__second_centre_only(self):
        sizes = over_sample_util.over_sample_size_via_radial_bins_from(
            self._grid(), [8, 4, 1], [0.5, 1.2], centre_list=[(1.0, 1.0)]
        )
        np.testing.assert_array_equal(sizes.native.array, [[1, 4, 8], [1, 1, 4], [1, 1, 1]])

    def test__as_many_sizes_as_radii__last_size_beyond(self):
        sizes = over_sample_util.over_sample_size_via_radial_bins_from(
            self._grid(), [4, 2], [0.5, 1.2]
        )
        np.testing.assert_array_equal(sizes.native.array, [[2, 2, 2], [2, 4, 2], [2, 2, 2]])

    def test__radius_on_a_bin_edge_goes_to_the_outer_bin(self):
        # Bins are r < radial_list[j]: r = 1 is not below 1.0, so it takes the second size.
        sizes = over_sample_util.over_sample_size_via_radial_bins_from(
            self._grid(), [6, 3, 1], [1.0, 2.0]
        )
        np.testing.assert_array_equal(sizes.native.array, [[3, 3, 3], [3, 6, 3], [3, 3, 3]])

    def test__masked_grid_and_use_in_grid2d(self):
        mask = aa.Mask2D.circular((3, 3), radius=1.0, pixel_scales=1.0)
        grid = aa.Grid2D.from_mask(mask, over_sample_size=1)
        sizes = over_sample_util.over_sample_size_via_radial_bins_from(grid, [3, 1], [0.5])
        assert sizes.mask is mask
        np.testing.assert_array_equal(sizes.array, [1, 1, 3, 1, 1])
        adaptive = aa.Grid2D.from_mask(mask, over_sample_size=sizes)
        assert adaptive.over_sampled.shape == (4 + 9, 2)

    def test__errors(self):
        grid = self._grid()
        with pytest.raises(exc.GridException, match="got 4 sizes for 2 radii"):
            over_sample_util.over_sample_size_via_radial_bins_from(grid, [8, 4, 2, 1], [0.5, 1.2])
        with pytest.raises(exc.GridException, match="got 1 sizes for 2 radii"):
            over_sample_util.over_sample_size_via_radial_bins_from(grid, [8], [0.5, 1.2])
        with pytest.raises(exc.GridException, match=r"radial_list must increase, got \[1.2, 0.5\]"):
            over_sample_util.over_sample_size_via_radial_bins_from(grid, [8, 4, 1], [1.2, 0.5])
        with pytest.raises(
            exc.GridException, match="sub_size_list entry must be a positive int .*got 0"
        ):
            over_sample_util.over_sample_size_via_radial_bins_from(grid, [8, 0], [0.5])
        with pytest.raises(TypeError, match="sub_size_list entry must be a positive int, got 4.0"):
            over_sample_util.over_sample_size_via_radial_bins_from(grid, [8, 4.0], [0.5])
        with pytest.raises(exc.GridException, match="at least one size, got an empty list"):
            over_sample_util.over_sample_size_via_radial_bins_from(grid, [], [])
