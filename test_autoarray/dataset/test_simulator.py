"""
SimulatorImaging against brute force: the fine frame zero-padded, convolved with
``scipy.signal.convolve2d`` and binned by the mean of each s x s block.
"""

import numpy as np
import pytest
import scipy.signal

import autoarray as aa
from autoarray import exc

PS = (0.2, 0.25)
NATIVE = (9, 11)


def fine_scales(s):
    return (PS[0] / s, PS[1] / s)


def asymmetric_kernel(shape, seed=11):
    return np.random.default_rng(seed).uniform(0.05, 1.0, shape)


def psf_from(values, s):
    return aa.Convolver.no_mask(values, fine_scales(s), convolve_over_sample_size=s, normalize=True)


def gaussian_frame(s, centre=(0.03, -0.11), sigma=0.06, shape=NATIVE, norm=10.0):
    """A point-like Gaussian on the fine frame (ny s, nx s) at the data's pixel scale / s."""
    mask = aa.Mask2D.all_false((shape[0] * s, shape[1] * s), fine_scales(s))
    c = mask.centres_native
    values = norm * np.exp(
        -0.5 * ((c[..., 0] - centre[0]) ** 2 + (c[..., 1] - centre[1]) ** 2) / sigma**2
    )
    return aa.Array2D(values, mask)


def noiseless(psf, **kwargs):
    kwargs.setdefault("exposure_time", 100.0)
    return aa.SimulatorImaging(
        psf=psf, add_poisson_noise_to_data=False, include_poisson_noise_in_noise_map=False, **kwargs
    )


# --------------------------------------------------------------------- noise-free blurring


class TestNoiseFreeBlurring:
    @pytest.mark.parametrize(
        "s, shape", [(1, (7, 5)), (2, (7, 5)), (2, (9, 9)), (3, (9, 7)), (4, (11, 13))]
    )
    @pytest.mark.parametrize("centre", [(0.03, -0.11), (0.79, 1.21)])  # centre, near a corner
    def test__equals_brute_force_oversampled_convolution(
        self, s, shape, centre, fine_frame_blurred
    ):
        values = asymmetric_kernel(shape)
        image = gaussian_frame(s, centre=centre)
        ds = noiseless(psf_from(values, s)).via_image_from(image)
        reference = fine_frame_blurred(image.native.array, values / values.sum(), s)
        assert ds.data.shape_native == NATIVE
        assert ds.data.pixel_scales == PS
        assert ds.data.mask.is_all_false
        np.testing.assert_allclose(
            ds.data.native.array, reference, rtol=0, atol=1e-12 * reference.max()
        )
        assert reference.max() > 0.01  # the source is in the frame

    @pytest.mark.parametrize("s", [2, 3])
    def test__even_kernel_applies_exactly_to_light_at_the_shifted_cells(
        self, s, fine_frame_blurred
    ):
        """
        An even kernel (centred on a fine-pixel corner) is applied sample for sample to a fine
        frame of light taken half a fine pixel up and left (``psf.light_sample_offset``): the
        brute force reads the fine convolution at the fine-pixel centres, no resampling.
        """
        values = asymmetric_kernel((6, 4))
        psf = psf_from(values, s)
        dy, dx = psf.light_sample_offset
        assert (dy, dx) == pytest.approx((PS[0] / s / 2, -PS[1] / s / 2), rel=1e-15)
        centre = (0.03, -0.11)
        # light at (y + dy, x + dx) of a Gaussian at c = light at (y, x) of one at c - offset
        image = gaussian_frame(s, centre=(centre[0] - dy, centre[1] - dx))
        ds = noiseless(psf).via_image_from(image)
        reference = fine_frame_blurred(image.native.array, values / values.sum(), s)
        np.testing.assert_allclose(
            ds.data.native.array, reference, rtol=0, atol=1e-12 * reference.max()
        )

    def test__unnormalised_psf_is_normalised_without_mutation(self, fine_frame_blurred):
        values = asymmetric_kernel((7, 7)) * 0.1  # sums to ~2.6: no ePSF, not normalised
        psf = aa.Convolver.no_mask(values, fine_scales(3), convolve_over_sample_size=3)
        before = np.array(psf.native, copy=True)
        image = gaussian_frame(3)
        ds = noiseless(psf).via_image_from(image)
        np.testing.assert_array_equal(psf.native, before)
        np.testing.assert_allclose(ds.psf.native.sum(), 1.0, rtol=1e-14)
        np.testing.assert_allclose(
            ds.data.native.array,
            fine_frame_blurred(image.native.array, values / values.sum(), 3),
            rtol=0,
            atol=1e-12,
        )

    def test__normalize_psf_false_keeps_the_kernel(self):
        values = asymmetric_kernel((5, 5)) * 0.1
        psf = aa.Convolver.no_mask(values, PS)
        image = gaussian_frame(1, sigma=0.3)
        ds = noiseless(psf, normalize_psf=False).via_image_from(image)
        reference = scipy.signal.convolve2d(image.native.array, values, mode="same")
        np.testing.assert_allclose(ds.data.native.array, reference, rtol=0, atol=1e-12)

    @pytest.mark.parametrize("s", [1, 2, 3])
    def test__flux_is_conserved(self, s):
        # Block MEAN binning of surface brightness: sum(native) = sum(fine) / s^2.
        # The source sits well inside a 17 x 19 frame: no PSF wing leaves it.
        image = gaussian_frame(s, centre=(0.0, 0.0), sigma=0.08, shape=(17, 19))
        ds = noiseless(psf_from(asymmetric_kernel((7, 5)), s)).via_image_from(image)
        assert image.native.array[: 4 * s].max() < 1e-15 * image.native.array.max()
        np.testing.assert_allclose(
            ds.data.native.array.sum(), image.native.array.sum() / s**2, rtol=1e-12
        )

    def test__uniform_image_stays_uniform_away_from_the_edges(self):
        s = 2
        mask = aa.Mask2D.all_false((NATIVE[0] * s, NATIVE[1] * s), fine_scales(s))
        ds = noiseless(psf_from(asymmetric_kernel((5, 5)), s)).via_image_from(
            aa.Array2D(np.full(mask.shape_native, 3.0), mask)
        )
        np.testing.assert_allclose(ds.data.native.array[2:-2, 2:-2], 3.0, rtol=1e-13)

    def test__image_is_convolved_is_not_blurred_again(self):
        native = gaussian_frame(1, sigma=0.3)
        ds = noiseless(psf_from(asymmetric_kernel((6, 6)), 2)).via_image_from(
            native, image_is_convolved=True
        )
        np.testing.assert_allclose(ds.data.native.array, native.native.array, rtol=0, atol=1e-15)
        assert ds.convolve_over_sample_size_lp == 2

    def test__no_psf_passes_the_image(self):
        native = gaussian_frame(1, sigma=0.3)
        ds = noiseless(None).via_image_from(native)
        np.testing.assert_allclose(ds.data.native.array, native.native.array, rtol=0, atol=1e-15)
        assert ds.psf is None

    def test__noise_map_without_poisson_noise(self):
        ds = noiseless(None, noise_if_add_noise_false=0.7).via_image_from(gaussian_frame(1))
        np.testing.assert_array_equal(ds.noise_map.native.array, 0.7)


class TestReturnedDataset:
    @pytest.mark.parametrize("s, expected", [(1, 4), (2, 4), (3, 6), (4, 4)])
    def test__sizes_and_psf(self, s, expected):
        psf = psf_from(asymmetric_kernel((2 * s + 1, 2 * s + 1)), s)
        ds = noiseless(psf).via_image_from(gaussian_frame(s))
        assert ds.convolve_over_sample_size_lp == s
        assert ds.convolve_over_sample_size_pixelization == s
        assert ds.psf.convolve_over_sample_size == s
        assert ds.psf.pixel_scales == fine_scales(s)
        np.testing.assert_array_equal(ds.grids.lp.over_sample_size.slim.array, expected)

    def test__explicit_over_sample_size(self):
        ds = noiseless(psf_from(asymmetric_kernel((5, 5)), 2)).via_image_from(
            gaussian_frame(2), over_sample_size=6
        )
        np.testing.assert_array_equal(ds.grids.lp.over_sample_size.slim.array, 6)
        np.testing.assert_array_equal(ds.grids.pixelization.over_sample_size.slim.array, 6)

    def test__explicit_over_sample_size_not_divisible(self):
        with pytest.raises(
            exc.DatasetException,
            match=r"over_sample_size_lp must be a multiple of convolve_over_sample_size=2",
        ):
            noiseless(psf_from(asymmetric_kernel((5, 5)), 2)).via_image_from(
                gaussian_frame(2), over_sample_size=3
            )

    def test__masked_and_fitted_with_the_same_psf_object_twice(self):
        # The simulator's PSF serves several simulated datasets on different masks.
        sim = noiseless(psf_from(asymmetric_kernel((5, 5)), 2))
        for radius in (0.6, 0.9):
            ds = sim.via_image_from(gaussian_frame(2))
            masked = ds.apply_mask(aa.Mask2D.circular(NATIVE, radius, PS))
            grids = masked.grids
            out = masked.psf.convolved_image_from(
                np.ones(grids.lp.shape_slim * 4),
                np.ones(grids.blurring.shape_slim * 4),
                mask=masked.mask,
            )
            np.testing.assert_allclose(out.slim.array, 1.0, rtol=1e-13)


# ------------------------------------------------------------------------ noise and sky


class TestNoiseAndSky:
    def sim(self, seed, **kwargs):
        kwargs.setdefault("background_sky_level", 2.0)
        kwargs.setdefault("exposure_time", 50.0)
        return aa.SimulatorImaging(
            psf=psf_from(asymmetric_kernel((5, 5)), 2), noise_seed=seed, **kwargs
        )

    def test__same_seed_same_data_other_seed_other_data(self):
        image = gaussian_frame(2)
        a = self.sim(3).via_image_from(image)
        b = self.sim(3).via_image_from(image)
        c = self.sim(4).via_image_from(image)
        assert np.array_equal(a.data.native.array, b.data.native.array)
        assert np.array_equal(a.noise_map.native.array, b.noise_map.native.array)
        assert not np.array_equal(a.data.native.array, c.data.native.array)

    def test__noise_map_is_sqrt_counts_over_exposure(self):
        exposure, sky = 50.0, 2.0
        ds = self.sim(5).via_image_from(gaussian_frame(2))
        counts = (ds.data.native.array + sky) * exposure  # sky subtracted from the data
        np.testing.assert_allclose(counts, np.round(counts), rtol=0, atol=1e-9)  # Poisson counts
        np.testing.assert_allclose(
            ds.noise_map.native.array, np.sqrt(counts) / exposure, rtol=1e-12
        )

    def test__poisson_statistics_of_image_plus_sky(self):
        """Normalised residuals of many pixels: mean ~0, std ~1 for sigma = sqrt(counts)/t."""
        exposure, sky, s = 20.0, 5.0, 2
        shape = (40, 40)
        image = gaussian_frame(s, sigma=0.5, shape=shape)
        psf = psf_from(asymmetric_kernel((5, 5)), s)
        blurred = noiseless(psf).via_image_from(image).data.native.array
        ds = aa.SimulatorImaging(
            exposure_time=exposure, background_sky_level=sky, psf=psf, noise_seed=1
        ).via_image_from(image)
        sigma = np.sqrt((blurred + sky) * exposure) / exposure
        z = (ds.data.native.array - blurred) / sigma
        assert abs(z.mean()) < 0.1
        assert abs(z.std() - 1.0) < 0.1

    def test__sky_added_and_subtracted(self, fine_frame_blurred):
        sky = 3.0
        image = gaussian_frame(2)
        psf = psf_from(asymmetric_kernel((5, 5)), 2)
        kernel = asymmetric_kernel((5, 5))
        blurred = fine_frame_blurred(image.native.array, kernel / kernel.sum(), 2)
        kept = noiseless(psf, background_sky_level=sky, subtract_background_sky=False)
        np.testing.assert_allclose(
            kept.via_image_from(image).data.native.array, blurred + sky, rtol=0, atol=1e-12
        )
        removed = noiseless(psf, background_sky_level=sky, subtract_background_sky=True)
        np.testing.assert_allclose(
            removed.via_image_from(image).data.native.array, blurred, rtol=0, atol=1e-12
        )

    def test__sky_only_image_has_sky_noise(self):
        exposure, sky = 10.0, 4.0
        mask = aa.Mask2D.all_false((80, 80), fine_scales(2))
        ds = self.sim(2, background_sky_level=sky, exposure_time=exposure).via_image_from(
            aa.Array2D(np.zeros(mask.shape_native), mask)
        )
        # 1600 pixels: the standard error of the std is ~2% of sqrt(sky t) / t = 0.63.
        assert abs(ds.data.native.array.mean()) < 0.05
        assert abs(ds.data.native.array.std() / (np.sqrt(sky * exposure) / exposure) - 1) < 0.08

    def test__noise_if_add_noise_false_when_noise_map_excludes_poisson(self):
        ds = self.sim(1, include_poisson_noise_in_noise_map=False, noise_if_add_noise_false=0.3)
        out = ds.via_image_from(gaussian_frame(2))
        np.testing.assert_array_equal(out.noise_map.native.array, 0.3)

    def test__exposure_time_map(self):
        exposure = aa.Array2D(
            np.linspace(10.0, 100.0, NATIVE[0] * NATIVE[1]).reshape(NATIVE),
            aa.Mask2D.all_false(NATIVE, PS),
        )
        ds = self.sim(6, exposure_time=exposure, background_sky_level=1.0).via_image_from(
            gaussian_frame(2)
        )
        counts = (ds.data.native.array + 1.0) * exposure.native.array
        np.testing.assert_allclose(counts, np.round(counts), rtol=0, atol=1e-9)
        np.testing.assert_allclose(
            ds.noise_map.native.array, np.sqrt(counts) / exposure.native.array, rtol=1e-12
        )


# ------------------------------------------------------------------------------ guards


class TestGuards:
    @pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
    def test__non_finite_image(self, bad):
        image = gaussian_frame(2).native.array.copy()
        image[3, 4] = bad
        with pytest.raises(exc.DatasetException, match=r"holds NaN or inf values"):
            noiseless(psf_from(asymmetric_kernel((5, 5)), 2)).via_image_from(
                aa.Array2D(image, aa.Mask2D.all_false(image.shape, fine_scales(2)))
            )

    def test__fine_frame_shape_must_be_a_multiple_of_s(self):
        mask = aa.Mask2D.all_false((10, 11), fine_scales(3))
        with pytest.raises(
            exc.DatasetException,
            match=r"\(s=3\) the image must be the fine frame, a multiple of 3 .*\(10, 11\)",
        ):
            noiseless(psf_from(asymmetric_kernel((7, 7)), 3)).via_image_from(
                aa.Array2D(np.ones((10, 11)), mask)
            )

    def test__native_image_given_to_an_oversampled_psf(self):
        # An (18, 22) frame at the data's scale: a multiple of s = 2, but not the fine frame.
        mask = aa.Mask2D.all_false((18, 22), PS)
        with pytest.raises(
            exc.DatasetException,
            match=r"\(s=2\) the image must be the fine frame, sampled like the PSF at "
            r"\(0\.1, 0\.125\).*got an image at \(0\.2, 0\.25\)",
        ):
            noiseless(psf_from(asymmetric_kernel((5, 5)), 2)).via_image_from(
                aa.Array2D(np.ones((18, 22)), mask)
            )

    def test__negative_counts(self):
        image = gaussian_frame(2).native.array - 1.0
        with pytest.raises(exc.DatasetException, match=r"non-negative image \+ sky counts"):
            aa.SimulatorImaging(
                exposure_time=10.0, psf=psf_from(asymmetric_kernel((5, 5)), 2), noise_seed=1
            ).via_image_from(aa.Array2D(image, aa.Mask2D.all_false(image.shape, fine_scales(2))))

    @pytest.mark.parametrize("exposure", [0.0, -5.0, np.inf])
    def test__exposure_time_must_be_positive(self, exposure):
        with pytest.raises(exc.DatasetException, match=r"positive, finite exposure_time"):
            aa.SimulatorImaging(exposure_time=exposure, noise_seed=1).via_image_from(
                gaussian_frame(1)
            )
