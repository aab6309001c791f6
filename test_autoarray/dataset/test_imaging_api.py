"""
PyAutoArray names of the dataset: ``Imaging.grid``, ``signal_to_noise_max``,
``apply_noise_scaling(signal_to_noise_value=...)``, ``trimmed_after_convolution_from`` and
``GridsDataset.over_sample_size_lp`` / ``_pixelization``. References are hand-computed.
"""

import re

import numpy as np
import pytest

import autoarray as aa
from autoarray import exc

PS = 0.2
SHAPE = (7, 8)


def values(seed=0):
    return np.random.default_rng(seed).uniform(1.0, 2.0, SHAPE)


def psf():
    return aa.Convolver.from_gaussian((3, 3), (PS, PS), sigma=0.2, normalize=True)


def imaging(mask=None, **kwargs):
    mask = aa.Mask2D.all_false(SHAPE, PS) if mask is None else mask
    return aa.Imaging(
        aa.Array2D(values(0), mask), aa.Array2D(values(1) * 0.1, mask), psf(), **kwargs
    )


def test__grid_is_the_light_profile_grid():
    dataset = imaging(over_sample_size_lp=2)
    assert dataset.grid is dataset.grids.lp
    np.testing.assert_array_equal(dataset.grid.over_sample_size.array, 2)


def test__signal_to_noise_max_over_the_unmasked_pixels():
    mask = aa.Mask2D.circular(SHAPE, 0.5, PS)
    dataset = imaging(mask)
    by_hand = np.max((values(0) / (values(1) * 0.1))[~mask.array])
    assert dataset.signal_to_noise_max == by_hand
    assert isinstance(dataset.signal_to_noise_max, float)


def test__grids_over_sample_sizes_per_pixel():
    mask = aa.Mask2D.circular(SHAPE, 0.5, PS)
    sizes = np.arange(1, mask.pixels_in_mask + 1)
    dataset = imaging(mask, over_sample_size_lp=3, over_sample_size_pixelization=sizes)
    grids = dataset.grids
    np.testing.assert_array_equal(grids.over_sample_size_lp.array, 3)
    np.testing.assert_array_equal(grids.over_sample_size_pixelization.array, sizes)
    assert grids.over_sample_size_lp.mask is mask


class TestNoiseScalingBySignalToNoise:
    def region(self):
        # Scale the 3 x 3 block at rows 2-4, columns 2-4; its edge is the 8 outer pixels.
        mask = np.ones(SHAPE, dtype=bool)
        mask[2:5, 2:5] = False
        return aa.Mask2D(mask, PS)

    def test__noise_is_the_edge_median_over_the_value(self):
        dataset = imaging()
        scaled = dataset.apply_noise_scaling(self.region(), signal_to_noise_value=4.0)
        edge = [values(0)[i, j] for i in range(2, 5) for j in range(2, 5) if (i, j) != (3, 3)]
        expected = np.median(edge) / 4.0
        noise = scaled.noise_map.native.array
        np.testing.assert_array_equal(noise[2:5, 2:5], expected)
        np.testing.assert_array_equal(noise[0], values(1)[0] * 0.1)
        np.testing.assert_array_equal(scaled.data.native.array[2:5, 2:5], 0.0)
        unzeroed = dataset.apply_noise_scaling(
            self.region(), signal_to_noise_value=4.0, should_zero_data=False
        )
        np.testing.assert_array_equal(unzeroed.data.native.array, values(0))

    @pytest.mark.parametrize("bad", [True, "4"])
    def test__bad__value_type(self, bad):
        with pytest.raises(
            TypeError,
            match=re.escape(
                f"signal_to_noise_value must be a number, got {bad!r} of type {type(bad).__name__}."
            ),
        ):
            imaging().apply_noise_scaling(self.region(), signal_to_noise_value=bad)

    @pytest.mark.parametrize("bad", [0.0, -1.0, np.inf])
    def test__bad__value(self, bad):
        with pytest.raises(
            exc.DatasetException,
            match=re.escape(f"signal_to_noise_value must be a finite number > 0, got {bad!r}."),
        ):
            imaging().apply_noise_scaling(self.region(), signal_to_noise_value=bad)

    def test__bad__non_positive_median(self):
        mask = aa.Mask2D.all_false(SHAPE, PS)
        dataset = aa.Imaging(aa.Array2D(-values(0), mask), aa.Array2D(values(1), mask), psf())
        with pytest.raises(
            exc.DatasetException,
            match="The median data on the edge of the noise-scaled region is -1.",
        ):
            dataset.apply_noise_scaling(self.region(), signal_to_noise_value=2.0)

    def test__bad__empty_region(self):
        with pytest.raises(exc.DatasetException, match="there is no region"):
            imaging().apply_noise_scaling(
                aa.Mask2D.all_false(SHAPE, PS, invert=True), signal_to_noise_value=2.0
            )


class TestTrimmed:
    def test__arrays_and_mask_trimmed_psf_kept(self):
        mask_values = np.ones(SHAPE, dtype=bool)
        mask_values[1:6, 2:7] = False
        mask = aa.Mask2D(mask_values, PS)
        sizes = np.arange(mask.pixels_in_mask) % 3 + 1
        dataset = imaging(mask, over_sample_size_lp=sizes)
        trimmed = dataset.trimmed_after_convolution_from((3, 5))

        assert trimmed.shape_native == (5, 4)
        np.testing.assert_array_equal(trimmed.mask.array, mask_values[1:6, 2:6])
        np.testing.assert_array_equal(
            trimmed.data.native.array, np.where(mask_values, 0.0, values(0))[1:6, 2:6]
        )
        np.testing.assert_array_equal(
            trimmed.noise_map.native.array, np.where(mask_values, 0.0, values(1) * 0.1)[1:6, 2:6]
        )
        native_sizes = np.zeros(SHAPE, dtype=int)
        native_sizes[~mask_values] = sizes
        np.testing.assert_array_equal(
            trimmed.grids.lp.over_sample_size.native.array, native_sizes[1:6, 2:6]
        )
        np.testing.assert_array_equal(trimmed.psf.kernel, dataset.psf.kernel)

    def test__noise_covariance_restricted_to_the_pixels_kept(self):
        mask = aa.Mask2D.all_false((3, 3), PS)
        data = aa.Array2D(np.arange(9.0) + 1, mask)
        covariance = np.diag(np.arange(9.0) + 1) + 0.01
        dataset = aa.Imaging(data, psf=psf(), noise_covariance_matrix=covariance)
        trimmed = dataset.trimmed_after_convolution_from((3, 3))
        # Only the centre pixel (slim 4) is left.
        np.testing.assert_array_equal(trimmed.noise_covariance_matrix, [[5.01]])
        np.testing.assert_array_equal(trimmed.data.array, [5.0])

    def test__bad__even_kernel(self):
        with pytest.raises(exc.ArrayException, match="kernel_shape must be odd in both dimensions"):
            imaging().trimmed_after_convolution_from((2, 3))
