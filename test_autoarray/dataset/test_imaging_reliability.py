"""
Inputs users produce every day are either right or refused early (issue 13): non-finite data,
empty masks, the simulator's noise options and seed stream, default over-sampling for any PSF
factor, PSF headers that disagree (poppy), exact FITS round trips and malformed header cards.

References are the release's own numbers (PyAutoArray 2026.10.26.1, quoted as literals with the
script that produced them), hand-computed values, or the inputs themselves.
"""

import warnings

import numpy as np
import pytest
from astropy.io import fits

import autoarray as aa
from autoarray import exc
from autoarray.dataset import dataset_util

PS = 0.1


def frame(shape=(9, 9), seed=0):
    return np.random.default_rng(seed).uniform(1.0, 2.0, shape)


def psf_fine(s, shape=None, seed=5):
    shape = shape or (2 * s + 1, 2 * s + 1)
    values = np.random.default_rng(seed).uniform(0.1, 1.0, shape)
    return aa.Convolver.no_mask(
        values / values.sum(), PS / s, convolve_over_sample_size=s, normalize=False
    )


def write_psf(path, values, **cards):
    header = fits.Header()
    for key, value in cards.items():
        header[key] = value
    fits.PrimaryHDU(np.asarray(values, dtype=np.float64), header=header).writeto(path)


# ------------------------------------------------------------------ 2: non-finite data


class TestNonFiniteData:
    def test__unmasked_nan_and_inf_are_refused_with_count_and_first_location(self):
        values = frame()
        values[1, 2] = np.nan
        values[6, 0] = np.inf
        data = aa.Array2D.no_mask(values, PS)
        # Pixel (1, 2) of a 9 x 9 frame at 0.1": y = -(1 - 4) 0.1 = 0.3, x = (2 - 4) 0.1 = -0.2.
        with pytest.raises(
            exc.DatasetException,
            match=r"data has 2 non-finite values \(NaN or inf\) in unmasked pixels; the first is "
            r"native \(row, col\) = \(1, 2\), \(y, x\) = \(0\.3, -0\.2\) arcsec\. Mask them",
        ):
            aa.Imaging(data)

    def test__masked_non_finite_pixels_are_allowed(self):
        values = frame()
        values[1, 2] = np.nan
        mask = aa.Mask2D(~np.isfinite(values), PS)
        ds = aa.Imaging(aa.Array2D(values, mask))
        assert ds.mask.pixels_in_mask == 80
        assert np.all(np.isfinite(ds.data.slim.array))

    def test__from_fits_with_a_mask_loads_a_frame_with_nan_bad_pixels(self, tmp_path):
        values, noise = frame(), frame(seed=1) * 0.1
        values[0, 0] = values[4, 7] = np.nan
        noise[0, 0] = noise[4, 7] = np.nan  # bad pixels usually have no noise either
        aa.Array2D.no_mask(values, PS).output_to_fits(tmp_path / "data.fits")
        aa.Array2D.no_mask(noise, PS).output_to_fits(tmp_path / "noise.fits")
        bad = aa.Mask2D(~np.isfinite(values), PS)
        bad.output_to_fits(tmp_path / "mask.fits")

        with pytest.raises(
            exc.DatasetException, match=r"data has 2 non-finite values .* \(row, col\) = \(0, 0\)"
        ):
            aa.Imaging.from_fits(tmp_path / "data.fits", noise_map_path=tmp_path / "noise.fits")

        ds = aa.Imaging.from_fits(
            tmp_path / "data.fits",
            noise_map_path=tmp_path / "noise.fits",
            mask=aa.Mask2D.from_fits(tmp_path / "mask.fits"),
        )
        assert ds.mask.is_same_as(bad)
        np.testing.assert_array_equal(ds.data.slim.array, values[np.isfinite(values)])
        np.testing.assert_array_equal(ds.noise_map.slim.array, noise[np.isfinite(noise)])

        # The usual circular mask, combined with the bad pixels, applies on top.
        circular = aa.Mask2D.circular((9, 9), radius=0.35, pixel_scales=PS)
        both = aa.Mask2D(circular.array | bad.array, PS)
        masked = ds.apply_mask(both)
        assert masked.mask.pixels_in_mask == circular.pixels_in_mask - 1  # (4, 7) is bad
        assert np.all(np.isfinite(masked.data.slim.array))

    def test__from_fits_mask_of_another_shape_or_scale(self, tmp_path):
        aa.Array2D.no_mask(frame(), PS).output_to_fits(tmp_path / "data.fits")
        with pytest.raises(
            exc.DatasetException,
            match=r"Mask2D of shape \(9, 9\), got \(8, 9\); build it with shape_native",
        ):
            aa.Imaging.from_fits(tmp_path / "data.fits", mask=aa.Mask2D.all_false((8, 9), PS))
        with pytest.raises(
            exc.DatasetException, match=r"mask with pixel scales \(0\.2, 0\.2\) but the dataset"
        ):
            aa.Imaging.from_fits(tmp_path / "data.fits", mask=aa.Mask2D.all_false((9, 9), 0.2))


# ------------------------------------------------------- 9 + 23: masks without pixels


class TestEmptyMasks:
    @pytest.mark.parametrize("shape", [(0, 0), (0, 3), (4, 0)])
    def test__mask_with_a_zero_dimension(self, shape):
        with pytest.raises(
            exc.MaskException, match=rf"mask has shape \({shape[0]}, {shape[1]}\).*at least one"
        ):
            aa.Mask2D(np.zeros(shape, dtype=bool), PS)

    def test__all_masked_mask2d_is_constructible_like_the_release(self):
        assert aa.Mask2D(np.ones((3, 3), dtype=bool), PS).pixels_in_mask == 0

    def test__circular_without_a_pixel(self):
        with pytest.raises(
            exc.MaskException,
            match=r"Mask2D.circular of shape \(5, 5\) with radius 0\.1 arcsec about centre "
            r"\(3\.0, 3\.0\) unmasks no pixel.*",
        ):
            aa.Mask2D.circular((5, 5), radius=0.1, pixel_scales=PS, centre=(3.0, 3.0))

    def test__circular_annular_without_a_pixel(self):
        # Between the centre (r = 0) and the nearest neighbours (r = 0.1) lies no pixel centre.
        with pytest.raises(
            exc.MaskException, match=r"Mask2D.circular_annular of shape \(5, 5\).*unmasks no pixel"
        ):
            aa.Mask2D.circular_annular((5, 5), 0.01, 0.09, pixel_scales=PS)

    def test__apply_mask_masking_everything(self):
        ds = aa.Imaging(aa.Array2D.no_mask(frame(), PS))
        with pytest.raises(
            exc.DatasetException, match=r"apply_mask got a mask with no unmasked pixel"
        ):
            ds.apply_mask(aa.Mask2D(np.ones((9, 9), dtype=bool), PS))

    def test__imaging_on_an_empty_mask(self):
        empty = aa.Mask2D(np.ones((9, 9), dtype=bool), PS)
        with pytest.raises(exc.DatasetException, match=r"data's mask has no unmasked pixel"):
            aa.Imaging(aa.Array2D(np.zeros(0), empty))

    def test__convolver_state_on_an_empty_mask(self):
        empty = aa.Mask2D(np.ones((9, 9), dtype=bool), PS)
        psf = aa.Convolver.no_mask(np.ones((3, 3)) / 9.0, PS)
        with pytest.raises(exc.KernelException, match=r"mask has no unmasked pixel"):
            psf.state_from(empty)
        with pytest.raises(exc.KernelException, match=r"mask has no unmasked pixel"):
            aa.ConvolverState(np.ones((3, 3)) / 9.0, empty)


# ------------------------------------------------------------------- 4 + 5: simulator


DELTA = np.array([[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]])
PLUS = np.array([[0.0, 1.0, 0.0], [1.0, 2.0, 1.0], [0.0, 1.0, 0.0]])


class TestSimulatorNoise:
    def test__poisson_sigma_in_the_noise_map_without_noise_in_the_data(self):
        """
        The release (PyAutoArray 2026.10.26.1) on the same inputs::

            psf = aa.Convolver(kernel=aa.Array2D.no_mask(PLUS, pixel_scales=1.0))
            aa.SimulatorImaging(exposure_time=20.0, psf=psf, add_poisson_noise_to_data=False,
                include_poisson_noise_in_noise_map=True, noise_seed=1).via_image_from(
                aa.Array2D.no_mask(DELTA, pixel_scales=1.0))
        """
        psf = aa.Convolver.no_mask(PLUS, 1.0)
        ds = aa.SimulatorImaging(
            exposure_time=20.0,
            psf=psf,
            add_poisson_noise_to_data=False,
            include_poisson_noise_in_noise_map=True,
            noise_seed=1,
        ).via_image_from(aa.Array2D.no_mask(DELTA, 1.0))
        np.testing.assert_allclose(ds.data.native.array, PLUS / 6.0, rtol=1e-15, atol=0)
        np.testing.assert_array_equal(
            ds.noise_map.native.array,
            [
                [0.0, 0.07071067811865475, 0.0],
                [0.07071067811865475, 0.1224744871391589, 0.05],
                [0.0, 0.08660254037844387, 0.0],
            ],
        )

    def test__poisson_sigma_without_psf(self):
        # The release: 0.2179449471770337 = sqrt(19) / 20 at the centre, 0 elsewhere.
        ds = aa.SimulatorImaging(
            exposure_time=20.0, add_poisson_noise_to_data=False, noise_seed=1
        ).via_image_from(aa.Array2D.no_mask(DELTA, 1.0))
        np.testing.assert_array_equal(ds.data.native.array, DELTA)
        np.testing.assert_array_equal(ds.noise_map.native.array, DELTA * 0.2179449471770337)
        assert 0.2179449471770337 == np.sqrt(19.0) / 20.0

    # The release (PyAutoArray 2026.10.26.1) on the same inputs:
    #     aa.SimulatorImaging(exposure_time=100.0, background_sky_level=1.0, noise_seed=seed)
    #         .via_image_from(aa.Array2D.no_mask(IMAGE, pixel_scales=0.1))
    IMAGE = np.array([[0.5, 1.0, 2.0, 0.25], [3.0, 10.0, 4.5, 0.0], [0.75, 2.5, 1.25, 6.0]])
    RELEASE = {
        1: (
            [
                [0.47, 0.8300000000000001, 1.8199999999999998, 0.21999999999999997],
                [2.95, 9.69, 4.44, -0.13],
                [0.6799999999999999, 2.75, 1.0, 5.71],
            ],
            [
                [0.12124355652982141, 0.13527749258468683, 0.16792855623746664],
                [0.19874606914351792, 0.32695565448543634, 0.23323807579381203],
                [0.12961481396815722, 0.19364916731037085, 0.1414213562373095],
            ],
        ),
        7: (
            [
                [0.28, 0.97, 2.0, 0.16999999999999993],
                [3.1100000000000003, 9.89, 4.35, -0.08999999999999997],
                [1.0, 2.55, 1.12, 6.42],
            ],
            [
                [0.1131370849898476, 0.140356688476182, 0.17320508075688776],
                [0.20273134932713294, 0.33, 0.23130067012440755],
                [0.1414213562373095, 0.18841443681416772, 0.14560219778561037],
            ],
        ),
    }

    @pytest.mark.parametrize("seed", [1, 7])
    def test__noise_seed_draws_the_release_stream(self, seed):
        sim = aa.SimulatorImaging(exposure_time=100.0, background_sky_level=1.0, noise_seed=seed)
        ds = sim.via_image_from(aa.Array2D.no_mask(self.IMAGE, PS))
        data, noise = self.RELEASE[seed]
        np.testing.assert_array_equal(ds.data.native.array, data)
        np.testing.assert_array_equal(ds.noise_map.native.array[:, :3], noise)

    @pytest.mark.parametrize("seed", [1, -1])
    def test__numpy_global_random_state_is_untouched(self, seed):
        before = np.random.get_state()  # noqa: NPY002 (the legacy global state is the subject)
        aa.SimulatorImaging(exposure_time=100.0, noise_seed=seed).via_image_from(
            aa.Array2D.no_mask(self.IMAGE, PS)
        )
        after = np.random.get_state()  # noqa: NPY002
        assert before[0] == after[0] and before[2:] == after[2:]
        np.testing.assert_array_equal(before[1], after[1])


# -------------------------------------------------- 10: default over-sampling adapts to s


class TestDefaultOverSampleSize:
    @pytest.mark.parametrize(
        "s, expected", [(1, 4), (2, 4), (3, 6), (4, 4), (5, 5), (6, 6), (7, 7), (8, 8)]
    )
    def test__smallest_multiple_of_s_not_below_4(self, s, expected):
        assert dataset_util.over_sample_size_default_from(s) == expected

    @pytest.mark.parametrize("s, expected", [(2, 4), (3, 6), (4, 4), (5, 5)])
    def test__from_fits_with_oversamp_and_default_arguments(self, tmp_path, s, expected):
        aa.Array2D.no_mask(frame((12, 12)), PS).output_to_fits(tmp_path / "data.fits")
        write_psf(tmp_path / "psf.fits", psf_fine(s).native, OVERSAMP=s, PIXELSCL=PS / s)
        ds = aa.Imaging.from_fits(tmp_path / "data.fits", psf_path=tmp_path / "psf.fits")
        assert ds.convolve_over_sample_size_lp == s
        assert ds.over_sample_size_lp == expected
        assert ds.over_sample_size_pixelization == expected
        np.testing.assert_array_equal(ds.grids.lp.over_sample_size.slim.array, expected)
        np.testing.assert_array_equal(ds.grids.pixelization.over_sample_size.slim.array, expected)

    def test__imaging_defaults_per_channel(self):
        data = aa.Array2D.no_mask(frame(), PS)
        ds = aa.Imaging(data, psf=psf_fine(3), convolve_over_sample_size_pixelization=3)
        assert (ds.over_sample_size_lp, ds.over_sample_size_pixelization) == (4, 6)
        ds = aa.Imaging(
            data,
            psf=psf_fine(3),
            convolve_over_sample_size_lp=3,
            convolve_over_sample_size_pixelization=3,
        )
        assert (ds.over_sample_size_lp, ds.over_sample_size_pixelization) == (6, 6)
        assert aa.Imaging(data).over_sample_size_lp == 4

    def test__explicit_size_not_a_multiple_names_both_numbers_and_the_rule(self):
        with pytest.raises(
            exc.DatasetException,
            match=r"over_sample_size_lp must be a multiple of convolve_over_sample_size=3.*"
            r"Got over_sample_size_lp \[4\].*Leave over_sample_size_lp unset \(None\) for the "
            r"default, the smallest multiple of 3 that is >= 4: 6\.",
        ):
            aa.Imaging(
                aa.Array2D.no_mask(frame(), PS),
                psf=psf_fine(3),
                over_sample_size_lp=4,
                convolve_over_sample_size_lp=3,
                convolve_over_sample_size_pixelization=3,
            )

    def test__simulator_uses_the_same_rule(self):
        image = aa.Array2D.no_mask(np.ones((18, 18)), PS / 3)
        ds = aa.SimulatorImaging(
            exposure_time=1.0, psf=psf_fine(3), add_poisson_noise_to_data=False
        ).via_image_from(image)
        assert ds.over_sample_size_lp == 6


# ------------------------------------------------------- 11: poppy's OVERSAMP / PIXELSCL


@pytest.fixture(scope="module")
def poppy_psf(tmp_path_factory):
    """
    A real poppy file: ``OpticalSystem(oversample=2)`` with a detector of 0.1" pixels sampled 4x.
    poppy writes ``OVERSAMP=2`` (its FFT factor) and ``PIXELSCL=0.025`` (the real sampling).
    """
    poppy = pytest.importorskip("poppy")
    path = tmp_path_factory.mktemp("poppy") / "poppy_psf.fits"
    osys = poppy.OpticalSystem(oversample=2)
    osys.add_pupil(poppy.CircularAperture(radius=1.2))
    osys.add_detector(pixelscale=PS, fov_pixels=5, oversample=4)
    osys.calc_psf(2e-6).writeto(path)
    with fits.open(path) as hdul:
        assert hdul[0].header["OVERSAMP"] == 2
        assert hdul[0].header["PIXELSCL"] == 0.025
        assert hdul[0].data.shape == (20, 20)
    return path


class TestPoppyHeader:
    def data_path(self, tmp_path):
        path = tmp_path / "data.fits"
        aa.Array2D.no_mask(frame((15, 15)), PS).output_to_fits(path)
        return path

    def test__disagreement_is_explained(self, tmp_path, poppy_psf):
        with pytest.raises(
            exc.DatasetException,
            match=r"OVERSAMP=2 but PIXELSCL=0\.025: 0\.025 x 2 = 0\.05 arcsec, not the data's "
            r"pixel scale 0\.1.*PIXELSCL implies a factor of 4.*"
            r"convolve_over_sample_size_lp=4, convolve_over_sample_size_pixelization=4",
        ):
            aa.Imaging.from_fits(self.data_path(tmp_path), psf_path=poppy_psf)

    def test__explicit_factor_wins_with_a_warning(self, tmp_path, poppy_psf):
        with pytest.warns(
            UserWarning,
            match=r"convolve_over_sample_size=4 overrides the header .* OVERSAMP=2",
        ):
            ds = aa.Imaging.from_fits(
                self.data_path(tmp_path),
                psf_path=poppy_psf,
                convolve_over_sample_size_lp=4,
                convolve_over_sample_size_pixelization=4,
            )
        assert ds.psf.convolve_over_sample_size == 4
        assert ds.psf.pixel_scales == (0.025, 0.025)
        assert ds.over_sample_size_lp == 4
        np.testing.assert_allclose(ds.psf.native.sum(), 1.0, rtol=1e-14)

    def test__convolver_from_fits_explicit_factor_wins_with_a_warning(self, poppy_psf):
        with pytest.warns(
            UserWarning,
            match=r"convolve_over_sample_size=4 overrides the header of HDU 0 of .*"
            r"poppy_psf\.fits, which says OVERSAMP=2",
        ):
            psf = aa.Convolver.from_fits(poppy_psf, convolve_over_sample_size=4)
        assert psf.convolve_over_sample_size == 4
        with fits.open(poppy_psf) as hdul:
            np.testing.assert_array_equal(psf.native, hdul[0].data)

    def test__non_integer_implied_factor(self, tmp_path):
        write_psf(tmp_path / "psf.fits", psf_fine(2).native, OVERSAMP=2, PIXELSCL=0.03)
        with pytest.raises(
            exc.DatasetException,
            match=r"OVERSAMP=2 but PIXELSCL=0\.03: 0\.03 x 2 = 0\.06 arcsec, not the data's "
            r"pixel scale 0\.1; 0\.1 / 0\.03 = 3\.333 is not an integer",
        ):
            aa.Imaging.from_fits(self.data_path(tmp_path), psf_path=tmp_path / "psf.fits")

    def test__agreeing_explicit_factor_does_not_warn(self, tmp_path):
        write_psf(tmp_path / "psf.fits", psf_fine(2).native, OVERSAMP=2, PIXELSCL=0.05)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            # the small test PSF is truncated on purpose: only that warning is expected
            warnings.filterwarnings("ignore", "The PSF of shape.*outermost ring", UserWarning)
            ds = aa.Imaging.from_fits(
                self.data_path(tmp_path),
                psf_path=tmp_path / "psf.fits",
                convolve_over_sample_size_lp=2,
                convolve_over_sample_size_pixelization=2,
            )
        assert ds.psf.convolve_over_sample_size == 2


# ------------------------------------------------------------- 21: exact FITS round trips


AWKWARD = (0.00017571428571428572, 0.1 / 7.0)
AWKWARD_ORIGIN = (1.0 / 3.0, -2.0 / 7.0)


class TestExactRoundTrip:
    def test__mask_geometry_survives_exactly(self, tmp_path):
        mask = aa.Mask2D.circular(
            (9, 9), 0.03, AWKWARD, centre=AWKWARD_ORIGIN, origin=AWKWARD_ORIGIN
        )
        assert 0 < mask.pixels_in_mask < 81
        mask.output_to_fits(tmp_path / "mask.fits")
        loaded = aa.Mask2D.from_fits(tmp_path / "mask.fits")
        assert loaded.pixel_scales == AWKWARD and loaded.origin == AWKWARD_ORIGIN
        assert loaded.is_same_as(mask)
        with fits.open(tmp_path / "mask.fits") as hdul:
            # The numeric cards stay for other tools (astropy keeps ~16 significant digits).
            assert hdul[0].header["PIXSCALY"] == pytest.approx(AWKWARD[0], rel=1e-14)

    def test__array_geometry_survives_exactly(self, tmp_path):
        arr = aa.Array2D.no_mask(frame(), AWKWARD, origin=AWKWARD_ORIGIN)
        arr.output_to_fits(tmp_path / "arr.fits")
        loaded = aa.Array2D.from_fits(tmp_path / "arr.fits")
        assert loaded.mask.is_same_as(arr.mask)
        np.testing.assert_array_equal(loaded.native.array, arr.native.array)

    def test__numeric_card_edited_by_another_tool_wins_with_a_warning(self, tmp_path):
        aa.Array2D.no_mask(frame(), AWKWARD).output_to_fits(tmp_path / "arr.fits")
        with fits.open(tmp_path / "arr.fits", mode="update") as hdul:
            hdul[0].header["PIXSCALY"] = 0.05
        with pytest.warns(UserWarning, match=r"PIXSCALY=0\.05 disagrees with its exact copy"):
            loaded = aa.Array2D.from_fits(tmp_path / "arr.fits")
        assert loaded.pixel_scales == (0.05, AWKWARD[1])

    def test__dataset_round_trip_is_bit_for_bit_with_the_default_normalisation(self, tmp_path):
        s = 2
        kernel = np.random.default_rng(5).uniform(0.1, 1.0, (6, 6))
        psf = aa.Convolver.no_mask(
            kernel, (AWKWARD[0] / s, AWKWARD[1] / s), convolve_over_sample_size=s
        )
        mask = aa.Mask2D(np.zeros((12, 12), dtype=bool), AWKWARD, AWKWARD_ORIGIN)
        ds = aa.Imaging(
            aa.Array2D(frame((12, 12)), mask),
            noise_map=aa.Array2D(frame((12, 12), seed=3), mask),
            psf=psf,
            convolve_over_sample_size_lp=s,
            convolve_over_sample_size_pixelization=s,
        )
        assert ds.psf.native.sum() != 1.0  # normalised up to round-off: the case that drifted
        paths = [tmp_path / name for name in ("data.fits", "psf.fits", "noise.fits")]
        ds.output_to_fits(paths[0], psf_path=paths[1], noise_map_path=paths[2])
        loaded = aa.Imaging.from_fits(paths[0], noise_map_path=paths[2], psf_path=paths[1])
        assert loaded.mask.is_same_as(ds.mask)
        assert loaded.psf.pixel_scales == ds.psf.pixel_scales
        np.testing.assert_array_equal(loaded.psf.native, ds.psf.native)
        np.testing.assert_array_equal(loaded.data.native.array, ds.data.native.array)
        np.testing.assert_array_equal(loaded.noise_map.native.array, ds.noise_map.native.array)

    def test__an_unnormalised_psf_is_still_normalised(self, tmp_path):
        aa.Array2D.no_mask(frame(), PS).output_to_fits(tmp_path / "data.fits")
        values = psf_fine(1).native * 1.5
        write_psf(tmp_path / "psf.fits", values, PIXELSCL=PS)
        loaded = aa.Imaging.from_fits(tmp_path / "data.fits", psf_path=tmp_path / "psf.fits")
        np.testing.assert_allclose(loaded.psf.native, values / values.sum(), rtol=1e-15)


# ------------------------------------------------------- 22: malformed PSF header cards


BAD_CARDS = [
    ({"OVERSAMP": 2.7, "PIXELSCL": 0.05}, r"OVERSAMP=2\.7 is not a positive integer"),
    ({"OVERSAMP": True, "PIXELSCL": 0.05}, r"OVERSAMP=True is not a positive integer"),
    ({"OVERSAMP": "two", "PIXELSCL": 0.05}, r"OVERSAMP='two' is not a positive integer"),
    ({"OVERSAMP": 2, "PIXELSCL": "abc"}, r"PIXELSCL='abc' is not a positive number"),
]


class TestMalformedHeaderCards:
    @pytest.mark.parametrize("cards, message", BAD_CARDS)
    def test__convolver_from_fits(self, tmp_path, cards, message):
        write_psf(tmp_path / "psf.fits", psf_fine(2).native, **cards)
        with pytest.raises(exc.KernelException, match=message):
            aa.Convolver.from_fits(tmp_path / "psf.fits")

    @pytest.mark.parametrize("cards, message", BAD_CARDS)
    def test__imaging_from_fits(self, tmp_path, cards, message):
        aa.Array2D.no_mask(frame(), PS).output_to_fits(tmp_path / "data.fits")
        write_psf(tmp_path / "psf.fits", psf_fine(2).native, **cards)
        with pytest.raises(
            exc.DatasetException, match=r"PSF .*psf\.fits: The PSF header card " + message
        ):
            aa.Imaging.from_fits(tmp_path / "data.fits", psf_path=tmp_path / "psf.fits")


# ------------------------------------------------ 12: the PSF HDU is named like STPSF's


class TestPsfHduNames:
    @pytest.mark.parametrize("s, name", [(1, "DET_SAMP"), (2, "OVERSAMP"), (3, "OVERSAMP")])
    def test__output_to_fits_names_the_psf_hdu_and_it_loads_by_name(self, tmp_path, s, name):
        ds = aa.Imaging(
            aa.Array2D.no_mask(frame((12, 12)), PS),
            psf=psf_fine(s, shape=(2 * s + 1, 2 * s + 1)),
            convolve_over_sample_size_lp=s,
            convolve_over_sample_size_pixelization=s,
        )
        ds.output_to_fits(tmp_path / "data.fits", psf_path=tmp_path / "psf.fits")
        with fits.open(tmp_path / "psf.fits") as hdul:
            assert len(hdul) == 1
            assert hdul[0].name == name and hdul[0].header["OVERSAMP"] == s

        psf = aa.Convolver.from_fits(tmp_path / "psf.fits", hdu=name)
        assert psf.convolve_over_sample_size == s
        assert psf.pixel_scales == (PS / s, PS / s)
        np.testing.assert_array_equal(psf.native, ds.psf.native)
        loaded = aa.Imaging.from_fits(
            tmp_path / "data.fits", psf_path=tmp_path / "psf.fits", psf_hdu=name
        )
        assert loaded.convolve_over_sample_size_lp == s
        np.testing.assert_array_equal(loaded.psf.native, ds.psf.native)
