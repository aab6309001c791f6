"""
The Imaging dataset: guards, mask / over-sampling / noise-scaling changes, PSF state, default
invariance and the FITS round trip. References are hand-built (explicit loops, scipy) or the
inputs themselves, never the dataset's own output captured once.
"""

import warnings

import numpy as np
import pytest
import scipy.signal
from astropy.io import fits

import autoarray as aa
from autoarray import exc

PS = (0.2, 0.25)
FINE = {s: (PS[0] / s, PS[1] / s) for s in (1, 2, 3, 4)}
SHAPE = (12, 11)
T, F = True, False


def mask_big():
    m = np.ones(SHAPE, dtype=bool)
    m[3:9, 3:8] = False
    return aa.Mask2D(m, PS)


def mask_small():
    m = np.ones(SHAPE, dtype=bool)
    m[4:8, 4:7] = False
    m[4, 4] = True
    return aa.Mask2D(m, PS)


def values_native(seed=0):
    return np.random.default_rng(seed).uniform(1.0, 2.0, SHAPE)


def data_on(mask, seed=0):
    return aa.Array2D(values_native(seed), mask)


def kernel(shape=(6, 6), seed=5, total=1.0):
    k = np.random.default_rng(seed).uniform(0.1, 1.0, shape)
    return k * (total / k.sum())


def psf_fine(s, shape=None, normalize=False):
    shape = shape or ((6, 6) if s > 1 else (5, 5))  # a native kernel must be odd
    return aa.Convolver.no_mask(
        kernel(shape), FINE[s], convolve_over_sample_size=s, normalize=normalize
    )


def imaging(s=2, mask=None, **kwargs):
    mask = mask_big() if mask is None else mask
    kwargs.setdefault("psf", psf_fine(s))
    return aa.Imaging(
        data_on(mask),
        convolve_over_sample_size_lp=kwargs.pop("s_lp", s),
        convolve_over_sample_size_pixelization=kwargs.pop("s_pix", s),
        **kwargs,
    )


def light(points):
    y, x = points[..., 0], points[..., 1]
    return np.exp(-0.5 * (((y - 0.1) / 0.4) ** 2 + ((x + 0.05) / 0.3) ** 2)) + 0.2 * y


# ------------------------------------------------------------------------------ guards


class TestConvolveSizeGuards:
    @pytest.mark.parametrize("name", ["lp", "pixelization"])
    @pytest.mark.parametrize("bad", [True, False, 2.0, np.float64(2.0), "2", None])
    def test__non_int_is_a_type_error(self, name, bad):
        with pytest.raises(
            TypeError,
            match=rf"convolve_over_sample_size_{name} must be a positive int, got .* of type",
        ):
            aa.Imaging(data_on(mask_big()), **{f"convolve_over_sample_size_{name}": bad})

    @pytest.mark.parametrize("name", ["lp", "pixelization"])
    @pytest.mark.parametrize("bad", [0, -1, np.int64(-3)])
    def test__below_one(self, name, bad):
        with pytest.raises(
            exc.DatasetException,
            match=rf"convolve_over_sample_size_{name} must be a positive int \(>= 1\), got {int(bad)}\.",
        ):
            aa.Imaging(data_on(mask_big()), **{f"convolve_over_sample_size_{name}": bad})

    def test__numpy_ints_are_accepted_as_ints(self):
        ds = imaging(2, s_lp=np.int64(2), s_pix=np.int32(2))
        assert ds.convolve_over_sample_size_lp == 2
        assert type(ds.convolve_over_sample_size_lp) is int
        assert type(ds.convolve_over_sample_size_pixelization) is int

    @pytest.mark.parametrize(
        "name, kwargs",
        [
            ("over_sample_size_lp", dict(over_sample_size_lp=3)),
            ("over_sample_size_pixelization", dict(over_sample_size_pixelization=5)),
        ],
    )
    def test__uniform_over_sample_size_not_divisible(self, name, kwargs):
        with pytest.raises(
            exc.DatasetException,
            match=rf"{name}: {name} must be a multiple of convolve_over_sample_size=2.*Got {name} \[{list(kwargs.values())[0]}\]",
        ):
            imaging(2, **kwargs)

    def test__uniform_over_sample_size_divisible_by_4(self):
        with pytest.raises(
            exc.DatasetException,
            match=r"multiple of convolve_over_sample_size=4.*\[2, 6\].*e\.g\. 4",
        ):
            imaging(
                4,
                psf=psf_fine(4, shape=(8, 8)),
                over_sample_size_lp=aa.Array2D(
                    np.array([2, 4, 6, 8])[np.arange(mask_big().pixels_in_mask) % 4], mask_big()
                ),
                over_sample_size_pixelization=4,
            )

    def test__adaptive_over_sample_size_not_divisible(self):
        mask = mask_big()
        sizes = np.full(mask.pixels_in_mask, 4)
        sizes[7] = 3
        sizes[9] = 5
        with pytest.raises(
            exc.DatasetException,
            match=r"over_sample_size_pixelization must be a multiple of convolve_over_sample_size=2.*\[3, 5\]",
        ):
            imaging(2, over_sample_size_pixelization=aa.Array2D(sizes, mask))

    def test__adaptive_divisible_is_used_by_the_grids(self):
        mask = mask_big()
        sizes = np.array([2, 4, 6])[np.arange(mask.pixels_in_mask) % 3]
        ds = imaging(2, over_sample_size_lp=aa.Array2D(sizes, mask))
        np.testing.assert_array_equal(ds.grids.lp.over_sample_size.slim.array, sizes)

    def test__adaptive_on_another_mask_is_read_through_the_native_frame(self):
        mask = mask_big()
        full = np.arange(SHAPE[0] * SHAPE[1]).reshape(SHAPE) % 2 * 2 + 2  # 2, 4, 2, 4, ...
        sizes = aa.Array2D(full, aa.Mask2D.all_false(SHAPE, PS))
        ds = imaging(2, over_sample_size_lp=sizes)
        np.testing.assert_array_equal(ds.grids.lp.over_sample_size.slim.array, full[~mask.array])

    def test__adaptive_with_a_bad_length(self):
        with pytest.raises(exc.DatasetException, match=r"over_sample_size_lp: .*one int per"):
            imaging(2, over_sample_size_lp=np.full(5, 2))

    def test__two_different_sizes_above_one(self):
        with pytest.raises(
            exc.DatasetException,
            match=r"convolve_over_sample_size_lp=2 and convolve_over_sample_size_pixelization=4 differ",
        ):
            imaging(2, s_lp=2, s_pix=4, over_sample_size_lp=4)

    @pytest.mark.parametrize("s_lp, s_pix", [(2, 1), (1, 2)])
    def test__one_native_channel_is_allowed(self, s_lp, s_pix):
        ds = imaging(2, s_lp=s_lp, s_pix=s_pix)
        assert (ds.convolve_over_sample_size_lp, ds.convolve_over_sample_size_pixelization) == (
            s_lp,
            s_pix,
        )

    def test__psf_factor_disagrees(self):
        with pytest.raises(
            exc.DatasetException,
            match=r"The PSF has convolve_over_sample_size=2 but the dataset asks for "
            r"convolve_over_sample_size_lp=1, convolve_over_sample_size_pixelization=1",
        ):
            aa.Imaging(data_on(mask_big()), psf=psf_fine(2))
        with pytest.raises(
            exc.DatasetException, match=r"The PSF has convolve_over_sample_size=1 .*lp=2"
        ):
            imaging(2, psf=aa.Convolver.no_mask(kernel((5, 5)), PS))
        with pytest.raises(
            exc.DatasetException, match=r"The PSF has convolve_over_sample_size=4 .*lp=2"
        ):
            imaging(2, psf=psf_fine(4, shape=(8, 8)))

    def test__psf_pixel_scales_must_be_the_data_scales_over_s(self):
        psf = aa.Convolver.no_mask(kernel(), PS, convolve_over_sample_size=2)
        with pytest.raises(
            exc.DatasetException,
            match=r"The PSF is sampled at \(0\.2, 0\.25\).*convolve_over_sample_size=2.*"
            r"\(0\.1, 0\.125\)",
        ):
            imaging(2, psf=psf)

    def test__oversampling_without_a_psf(self):
        with pytest.raises(
            exc.DatasetException,
            match=r"convolve_over_sample_size > 1 \(lp=1, pixelization=2\) needs an oversampled psf",
        ):
            imaging(2, psf=None, s_lp=1, s_pix=2)

    @pytest.mark.parametrize("s_lp, s_pix", [(1, 1), (2, 2), (2, 1), (1, 2)])
    def test__sparse_operator_with_every_convolve_size(self, s_lp, s_pix):
        psf = aa.Convolver.no_mask(kernel((5, 5)), PS) if max(s_lp, s_pix) == 1 else None
        base = imaging(2, s_lp=s_lp, s_pix=s_pix, **({"psf": psf} if psf else {}))
        ds = base.apply_sparse_operator()
        assert isinstance(ds.sparse_operator, aa.ImagingSparseOperator)
        assert ds.sparse_operator.convolve_over_sample_size == s_pix
        kept = aa.Imaging(
            ds.data,
            psf=ds.psf,
            convolve_over_sample_size_lp=s_lp,
            convolve_over_sample_size_pixelization=s_pix,
            sparse_operator=ds.sparse_operator,
        )
        assert kept.sparse_operator is ds.sparse_operator

    def test__sparse_operator_must_be_an_imaging_sparse_operator(self):
        with pytest.raises(
            exc.DatasetException, match=r"must be an ImagingSparseOperator .* got object"
        ):
            imaging(2, sparse_operator=object())

    def test__data_must_be_an_array_2d(self):
        with pytest.raises(exc.DatasetException, match=r"data must be an Array2D, got ndarray"):
            aa.Imaging(values_native())

    def test__psf_must_be_a_convolver(self):
        with pytest.raises(exc.DatasetException, match=r"psf must be a Convolver, got ndarray"):
            aa.Imaging(data_on(mask_big()), psf=kernel((5, 5)))

    def test__noise_covariance_shape(self):
        n = mask_big().pixels_in_mask
        with pytest.raises(
            exc.DatasetException, match=rf"noise_covariance_matrix has shape \(3, 3\).*\({n}, {n}\)"
        ):
            aa.Imaging(data_on(mask_big()), noise_covariance_matrix=np.eye(3))


class TestNoiseMapGuards:
    @pytest.mark.parametrize("bad", [0.0, -1.0, np.nan, np.inf, -np.inf])
    def test__bad_value_on_an_unmasked_pixel(self, bad):
        noise = np.ones(SHAPE)
        noise[5, 5] = bad
        with pytest.raises(
            exc.DatasetException,
            match=r"The noise map has 1 non-positive or non-finite values .*check_noise_map=False",
        ):
            aa.Imaging(data_on(mask_big()), noise_map=aa.Array2D(noise, mask_big()))

    @pytest.mark.parametrize("bad", [0.0, -1.0, np.nan, np.inf])
    def test__accepted_without_the_check(self, bad):
        noise = np.ones(SHAPE)
        noise[5, 5] = bad
        ds = aa.Imaging(
            data_on(mask_big()), noise_map=aa.Array2D(noise, mask_big()), check_noise_map=False
        )
        np.testing.assert_array_equal(ds.noise_map.native.array, noise * ~mask_big().array)

    def test__masked_pixels_are_not_checked(self):
        noise = np.ones(SHAPE)
        noise[0, 0] = 0.0
        noise[11, 10] = np.nan
        ds = aa.Imaging(data_on(mask_big()), noise_map=aa.Array2D(noise, mask_big()))
        np.testing.assert_array_equal(ds.noise_map.slim.array, 1.0)

    def test__default_noise_is_ones(self):
        ds = aa.Imaging(data_on(mask_big()))
        np.testing.assert_array_equal(ds.noise_map.slim.array, 1.0)
        assert ds.noise_map.mask is ds.mask

    def test__shape_mismatch(self):
        with pytest.raises(
            exc.DatasetException, match=r"noise_map has shape \(5, 5\) but data has \(12, 11\)"
        ):
            aa.Imaging(data_on(mask_big()), noise_map=aa.Array2D.ones((5, 5), PS))


class TestPsfNormalisation:
    @pytest.mark.parametrize("s, total", [(1, 3.0), (2, 0.5), (2, 12.0)])
    def test__normalising_never_mutates_the_callers_kernel(self, s, total):
        values = kernel((7, 5), total=total)
        psf = aa.Convolver.no_mask(values.copy(), FINE[s], convolve_over_sample_size=s)
        before = np.array(psf.native, copy=True)
        ds = imaging(s, psf=psf, use_normalized_psf=True)
        np.testing.assert_array_equal(psf.native, before)
        assert ds.psf is not psf
        np.testing.assert_allclose(ds.psf.native.sum(), 1.0, rtol=1e-14)
        np.testing.assert_allclose(ds.psf.native, values / values.sum(), rtol=1e-14)
        assert ds.psf.convolve_over_sample_size == s
        assert ds.psf.pixel_scales == FINE[s]

    def test__unnormalised_kept_when_asked(self):
        values = kernel((5, 5), total=3.0)
        psf = aa.Convolver.no_mask(values, PS)
        ds = imaging(1, psf=psf, use_normalized_psf=False)
        np.testing.assert_array_equal(ds.psf.native, values)

    def test__a_shared_psf_is_not_tied_to_the_first_datasets_mask(self):
        # The convolver caches a state for the first mask it sees; the dataset must hold its
        # own, or the caller's PSF could not serve a second dataset on another mask.
        psf = aa.Convolver.no_mask(kernel((5, 5)), PS)
        for mask in (mask_big(), mask_small()):
            ds = aa.Imaging(data_on(mask), psf=psf, use_normalized_psf=False)
            grids = ds.grids
            image = np.ones(mask.pixels_in_mask)
            out = ds.psf.convolved_image_from(
                image, np.ones(grids.blurring.shape_slim), mask=ds.mask
            )
            np.testing.assert_allclose(out.slim.array, 1.0, rtol=1e-14)  # kernel sums to 1
        assert psf.state is None


# ---------------------------------------------------------------------- dataset changes


class TestApplyMask:
    def test__cannot_unmask(self):
        ds = imaging(2, mask=mask_small())
        with pytest.raises(
            exc.DatasetException,
            match=r"apply_mask cannot unmask pixels: \d+ pixels masked in the dataset are unmasked",
        ):
            ds.apply_mask(mask_big())

    def test__wrong_shape_or_type(self):
        ds = imaging(2)
        with pytest.raises(exc.DatasetException, match=r"Mask2D of shape \(12, 11\), got \(5, 5\)"):
            ds.apply_mask(aa.Mask2D.all_false((5, 5), PS))
        with pytest.raises(exc.DatasetException, match=r"Mask2D of shape \(12, 11\), got ndarray"):
            ds.apply_mask(mask_small().array)

    def test__wrong_pixel_scales(self):
        with pytest.raises(
            exc.DatasetException, match=r"pixel scales \(0\.1, 0\.1\).*\(0\.2, 0\.25\)"
        ):
            imaging(2).apply_mask(aa.Mask2D(mask_small().array, 0.1))

    def test__values_are_re_read_on_the_new_mask(self):
        noise = values_native(seed=1)
        n = mask_big().pixels_in_mask
        # a positive-definite covariance whose entries all differ, so a wrong selection shows
        factor = np.arange(n * n, dtype=float).reshape(n, n) / n**2
        covariance = factor @ factor.T + np.diag(np.arange(1.0, n + 1.0))
        sigma = np.zeros(SHAPE)
        sigma[~mask_big().array] = np.sqrt(np.diag(covariance))
        ds = imaging(2, noise_map=aa.Array2D(sigma, mask_big()), noise_covariance_matrix=covariance)
        noise = sigma
        new = mask_small()
        masked = ds.apply_mask(new)
        assert masked.mask is new
        np.testing.assert_array_equal(masked.data.slim.array, values_native()[~new.array])
        np.testing.assert_array_equal(masked.noise_map.slim.array, noise[~new.array])
        np.testing.assert_array_equal(masked.psf.native, ds.psf.native)
        assert masked.psf.convolve_over_sample_size == 2
        assert masked.convolve_over_sample_size_lp == 2
        assert masked.convolve_over_sample_size_pixelization == 2
        # The covariance keeps the rows / columns of the pixels still unmasked (slim order).
        keep = [
            k for k, (i, j) in enumerate(zip(*np.nonzero(~mask_big().array))) if not new.array[i, j]
        ]
        np.testing.assert_array_equal(
            masked.noise_covariance_matrix, covariance[np.ix_(keep, keep)]
        )
        # The original is untouched.
        assert ds.mask.pixels_in_mask == mask_big().pixels_in_mask

    def test__from_an_unmasked_dataset(self):
        ds = imaging(2, mask=aa.Mask2D.all_false(SHAPE, PS))
        masked = ds.apply_mask(mask_small())
        np.testing.assert_array_equal(masked.data.slim.array, values_native()[~mask_small().array])

    @pytest.mark.parametrize("as_array_2d", [True, False])
    def test__adaptive_sizes_are_transferred(self, as_array_2d):
        big = mask_big()
        sizes = np.array([2, 4, 6])[np.arange(big.pixels_in_mask) % 3]
        native = np.zeros(SHAPE, dtype=int)
        native[~big.array] = sizes
        given = aa.Array2D(sizes, big) if as_array_2d else sizes
        ds = imaging(2, over_sample_size_lp=given, over_sample_size_pixelization=given)
        masked = ds.apply_mask(mask_small())
        expected = native[~mask_small().array]
        np.testing.assert_array_equal(masked.grids.lp.over_sample_size.slim.array, expected)
        np.testing.assert_array_equal(
            masked.grids.pixelization.over_sample_size.slim.array, expected
        )

    def test__state_is_rebuilt_for_the_new_mask(self):
        masked = imaging(2, psf_setup_state=True).apply_mask(mask_small())
        assert masked.psf.state is not None
        assert masked.psf.state.mask is masked.mask


class TestApplyOverSampling:
    def test__new_sizes_and_none_keeps(self):
        ds = imaging(2, over_sample_size_lp=4, over_sample_size_pixelization=6)
        new = ds.apply_over_sampling(over_sample_size_lp=8)
        np.testing.assert_array_equal(new.grids.lp.over_sample_size.slim.array, 8)
        np.testing.assert_array_equal(new.grids.pixelization.over_sample_size.slim.array, 6)
        new = ds.apply_over_sampling(over_sample_size_pixelization=2)
        np.testing.assert_array_equal(new.grids.lp.over_sample_size.slim.array, 4)
        np.testing.assert_array_equal(new.grids.pixelization.over_sample_size.slim.array, 2)
        assert new.convolve_over_sample_size_lp == 2
        np.testing.assert_array_equal(new.data.slim.array, ds.data.slim.array)
        np.testing.assert_array_equal(new.psf.native, ds.psf.native)

    def test__divisibility_still_checked(self):
        with pytest.raises(
            exc.DatasetException,
            match=r"over_sample_size_lp must be a multiple of convolve_over_sample_size=2.*\[3\]",
        ):
            imaging(2).apply_over_sampling(over_sample_size_lp=3)


class TestApplyNoiseScaling:
    def test__noise_set_and_data_zeroed_where_the_mask_is_false(self):
        noise = values_native(seed=2)
        ds = imaging(2, noise_map=aa.Array2D(noise, mask_big()))
        region = np.ones(SHAPE, dtype=bool)
        region[5, 4:6] = False  # two unmasked dataset pixels
        region[0, 0] = False  # a masked dataset pixel: stays masked
        scaled = ds.apply_noise_scaling(aa.Mask2D(region, PS), noise_value=1e6)
        assert scaled.mask is ds.mask
        expected_data = values_native() * ~mask_big().array
        expected_data[5, 4:6] = 0.0
        expected_noise = noise * ~mask_big().array
        expected_noise[5, 4:6] = 1e6
        np.testing.assert_array_equal(scaled.data.native.array, expected_data)
        np.testing.assert_array_equal(scaled.noise_map.native.array, expected_noise)

    def test__data_kept_when_asked(self):
        ds = imaging(2)
        region = np.ones(SHAPE, dtype=bool)
        region[5, 5] = False
        scaled = ds.apply_noise_scaling(aa.Mask2D(region, PS), 50.0, should_zero_data=False)
        np.testing.assert_array_equal(scaled.data.native.array, ds.data.native.array)
        assert scaled.noise_map.native.array[5, 5] == 50.0

    def test__wrong_shape(self):
        with pytest.raises(
            exc.DatasetException, match=r"apply_noise_scaling needs a Mask2D of shape \(12, 11\)"
        ):
            imaging(2).apply_noise_scaling(aa.Mask2D.all_false((4, 4), PS))


class TestPsfState:
    def test__setup_builds_the_state_once_for_the_dataset_mask(self):
        ds = imaging(2, psf_setup_state=True)
        state = ds.psf.state
        assert state is not None
        assert state.mask is ds.mask
        assert state.convolve_over_sample_size == 2
        grids = ds.grids
        fine = np.ones(ds.mask.pixels_in_mask * 4)
        blurring = np.ones(grids.blurring.shape_slim * 4)
        out = ds.psf.convolved_image_from(fine, blurring, mask=ds.mask)
        np.testing.assert_allclose(out.slim.array, 1.0, rtol=1e-13)
        assert ds.psf.state is state

    def test__psf_pixelization_is_the_native_block_sum_built_once(self):
        ds = imaging(2, s_lp=2, s_pix=1, psf_setup_state=True)
        native = ds.psf_pixelization
        assert native is ds.psf_pixelization
        assert native.convolve_over_sample_size == 1
        assert native.pixel_scales == PS
        # 6 x 6 at s = 2: 3 x 3 native pixels, each the sum of a 2 x 2 block.
        k = ds.psf.native
        np.testing.assert_allclose(
            native.native,
            [[k[2 * i : 2 * i + 2, 2 * j : 2 * j + 2].sum() for j in range(3)] for i in range(3)],
            rtol=1e-14,
        )
        assert native.state.mask is ds.mask

    def test__psf_pixelization_is_the_psf_when_the_factors_match(self):
        ds = imaging(2)
        np.testing.assert_array_equal(ds.psf_pixelization.native, ds.psf.native)
        assert ds.psf_pixelization.state.mask is ds.mask
        assert ds.psf.state is None  # the dataset's PSF value is not bound to the mask

    def test__psf_setup_state_builds_the_state_once_and_the_fit_psfs_reuse_it(self):
        ds = imaging(2, psf_setup_state=True)
        assert ds.psf.state.mask is ds.mask
        assert ds.psf_lp is ds.psf and ds.psf_pixelization is ds.psf


# ------------------------------------------------------------------- default invariance


def convolved_native(ds):
    grids = ds.grids
    image = grids.lp.over_sampler.binned_array_2d_from(light(grids.lp.over_sampled))
    blurring = grids.blurring.over_sampler.binned_array_2d_from(light(grids.blurring.over_sampled))
    return ds.psf.convolved_image_from(image, blurring)


class TestDefaultInvariance:
    def setup_method(self):
        self.noise = aa.Array2D(values_native(seed=3), mask_big())
        self.psf = aa.Convolver.no_mask(kernel((5, 3)), PS)

    def plain(self):
        return aa.Imaging(data_on(mask_big()), noise_map=self.noise, psf=self.psf)

    def explicit(self):
        return aa.Imaging(
            data_on(mask_big()),
            noise_map=self.noise,
            psf=self.psf,
            convolve_over_sample_size_lp=1,
            convolve_over_sample_size_pixelization=1,
        )

    def test__grids_identical(self):
        a, b = self.plain().grids, self.explicit().grids
        for name in ("lp", "pixelization", "blurring"):
            ga, gb = getattr(a, name), getattr(b, name)
            assert np.array_equal(ga.array, gb.array)
            assert ga.mask.is_same_as(gb.mask)
            assert np.array_equal(ga.over_sample_size.slim.array, gb.over_sample_size.slim.array)
            assert np.array_equal(ga.over_sampled, gb.over_sampled)
        for grids in (a, b):
            assert grids.lp_oversampled is None
            assert grids.lp_blurring_oversampled is None
            assert grids.pixelization_oversampled is None
            np.testing.assert_array_equal(grids.blurring.over_sample_size.slim.array, 1)
            np.testing.assert_array_equal(grids.lp.over_sample_size.slim.array, 4)

    def test__convolved_images_identical_and_equal_to_scipy(self):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            warnings.filterwarnings("ignore", "The PSF of shape.*outermost ring", UserWarning)
            a, b = convolved_native(self.plain()), convolved_native(self.explicit())
        assert np.array_equal(a.slim.array, b.slim.array)
        # Independent reference: the binned light on mask + blurring pixels of the native frame.
        ds = self.plain()
        frame = np.zeros(SHAPE)
        centres = ds.mask.centres_native
        dy, dx = PS
        offsets = (np.arange(4) + 0.5) / 4 - 0.5
        for i in range(SHAPE[0]):
            for j in range(SHAPE[1]):
                k = 4 if not ds.mask.array[i, j] else 1
                if ds.mask.array[i, j] and ds.grids.blurring.mask.array[i, j]:
                    continue
                offs = offsets if k == 4 else np.zeros(1)
                pts = np.array(
                    [
                        (centres[i, j, 0] - a * dy, centres[i, j, 1] + b * dx)
                        for a in offs
                        for b in offs
                    ]
                )
                frame[i, j] = light(pts).mean()
        reference = scipy.signal.convolve2d(frame, self.psf.native, mode="same")
        np.testing.assert_allclose(a.slim.array, reference[~ds.mask.array], rtol=0, atol=1e-13)

    def test__from_fits_native_psf_is_the_same_dataset(self, tmp_path):
        plain = self.plain()
        plain.output_to_fits(tmp_path / "d.fits", tmp_path / "p.fits", tmp_path / "n.fits")
        loaded = aa.Imaging.from_fits(
            tmp_path / "d.fits", PS, tmp_path / "n.fits", tmp_path / "p.fits"
        )
        assert loaded.convolve_over_sample_size_lp == 1
        assert loaded.convolve_over_sample_size_pixelization == 1
        assert loaded.psf.convolve_over_sample_size == 1
        assert np.array_equal(loaded.grids.blurring.array, plain.grids.blurring.array)
        assert loaded.grids.lp_oversampled is None
        assert np.array_equal(convolved_native(loaded).array, convolved_native(plain).array)


# -------------------------------------------------------------------------------- FITS


class TestFits:
    def paths(self, tmp_path):
        return tmp_path / "data.fits", tmp_path / "psf.fits", tmp_path / "noise.fits"

    def test__round_trip_is_exact(self, tmp_path):
        noise = aa.Array2D(values_native(seed=4), mask_big())
        ds = imaging(2, noise_map=noise)
        data_path, psf_path, noise_path = self.paths(tmp_path)
        ds.output_to_fits(data_path, psf_path=psf_path, noise_map_path=noise_path)
        with fits.open(psf_path) as hdul:
            assert hdul[0].header["OVERSAMP"] == 2
        loaded = aa.Imaging.from_fits(
            data_path, PS, noise_map_path=noise_path, psf_path=psf_path, use_normalized_psf=False
        )
        assert loaded.mask.is_same_as(ds.mask)
        assert np.array_equal(loaded.data.native.array, ds.data.native.array)
        assert np.array_equal(loaded.noise_map.native.array, ds.noise_map.native.array)
        assert np.array_equal(loaded.psf.native, ds.psf.native)
        assert loaded.psf.pixel_scales == FINE[2]
        assert loaded.psf.convolve_over_sample_size == 2
        assert loaded.convolve_over_sample_size_lp == 2
        assert loaded.convolve_over_sample_size_pixelization == 2
        # Pixel scales from the data header; the default re-normalisation changes nothing.
        again = aa.Imaging.from_fits(data_path, noise_map_path=noise_path, psf_path=psf_path)
        assert again.pixel_scales == PS
        np.testing.assert_allclose(again.psf.native, ds.psf.native, rtol=1e-15, atol=0)

    def test__overwrite(self, tmp_path):
        ds = imaging(2)
        data_path, psf_path, _ = self.paths(tmp_path)
        ds.output_to_fits(data_path, psf_path=psf_path)
        with pytest.raises(FileExistsError, match=r"exists; pass overwrite=True"):
            ds.output_to_fits(data_path, psf_path=psf_path)
        other = aa.Imaging(
            aa.Array2D(values_native(seed=9), mask_big()),
            psf=psf_fine(2),
            convolve_over_sample_size_lp=2,
            convolve_over_sample_size_pixelization=2,
        )
        other.output_to_fits(data_path, psf_path=psf_path, overwrite=True)
        loaded = aa.Imaging.from_fits(data_path, PS, psf_path=psf_path)
        assert np.array_equal(loaded.data.native.array, other.data.native.array)

    def write_psf(self, path, **header):
        fits.PrimaryHDU(kernel(), header=fits.Header(list(header.items()))).writeto(path)

    def test__psf_without_pixel_scale_keys_gets_the_image_scale_over_s(self, tmp_path):
        data_path, psf_path, _ = self.paths(tmp_path)
        imaging(2).output_to_fits(data_path)
        self.write_psf(psf_path, OVERSAMP=2)
        loaded = aa.Imaging.from_fits(data_path, PS, psf_path=psf_path)
        assert loaded.psf.pixel_scales == FINE[2]
        assert loaded.psf.convolve_over_sample_size == 2
        assert loaded.convolve_over_sample_size_lp == 2

    def test__psf_without_any_keys_and_an_explicit_size(self, tmp_path):
        data_path, psf_path, _ = self.paths(tmp_path)
        imaging(2).output_to_fits(data_path)
        self.write_psf(psf_path)
        loaded = aa.Imaging.from_fits(
            data_path,
            PS,
            psf_path=psf_path,
            convolve_over_sample_size_lp=2,
            convolve_over_sample_size_pixelization=2,
        )
        assert loaded.psf.pixel_scales == FINE[2]
        assert loaded.psf.convolve_over_sample_size == 2

    def test__psf_with_only_pixscaly_falls_back_to_the_image_scale(self, tmp_path):
        data_path, psf_path, _ = self.paths(tmp_path)
        imaging(2).output_to_fits(data_path)
        self.write_psf(psf_path, OVERSAMP=2, PIXSCALY=0.1)
        loaded = aa.Imaging.from_fits(data_path, PS, psf_path=psf_path)
        assert loaded.psf.pixel_scales == FINE[2]

    def test__psf_stpsf_pixelscl(self, tmp_path):
        data_path, psf_path, _ = self.paths(tmp_path)
        aa.Imaging(aa.Array2D(values_native(), aa.Mask2D(mask_big().array, 0.2))).output_to_fits(
            data_path
        )
        self.write_psf(psf_path, OVERSAMP=4, PIXELSCL=0.05)
        loaded = aa.Imaging.from_fits(
            data_path, psf_path=psf_path, over_sample_size_lp=4, over_sample_size_pixelization=4
        )
        assert loaded.psf.pixel_scales == (0.05, 0.05)
        assert loaded.convolve_over_sample_size_lp == 4

    def test__explicit_size_conflicting_with_oversamp(self, tmp_path):
        data_path, psf_path, _ = self.paths(tmp_path)
        imaging(2).output_to_fits(data_path, psf_path=psf_path)
        # The explicit factor wins over the header (with a warning); the PSF's sampling, data / 2,
        # is then refused for s = 3.
        with (
            pytest.warns(
                UserWarning, match=r"convolve_over_sample_size=3 overrides the header .*OVERSAMP=2"
            ),
            pytest.raises(
                exc.DatasetException,
                match=r"The PSF is sampled at \(0\.1, 0\.125\) arcsec per pixel, but with "
                r"convolve_over_sample_size=3",
            ),
        ):
            aa.Imaging.from_fits(
                data_path,
                PS,
                psf_path=psf_path,
                convolve_over_sample_size_lp=3,
                over_sample_size_lp=6,
                over_sample_size_pixelization=6,
            )
        with pytest.raises(
            exc.DatasetException,
            match=r"The PSF has convolve_over_sample_size=2 but the dataset asks for "
            r"convolve_over_sample_size_lp=1, convolve_over_sample_size_pixelization=1",
        ):
            aa.Imaging.from_fits(
                data_path,
                PS,
                psf_path=psf_path,
                convolve_over_sample_size_lp=1,
                convolve_over_sample_size_pixelization=1,
            )

    def test__explicit_zero_is_not_read_as_the_default(self, tmp_path):
        data_path, psf_path, _ = self.paths(tmp_path)
        imaging(2).output_to_fits(data_path, psf_path=psf_path)
        with pytest.raises(
            exc.DatasetException, match=r"convolve_over_sample_size_lp must be a positive int"
        ):
            aa.Imaging.from_fits(data_path, PS, convolve_over_sample_size_lp=0)
        with pytest.raises(
            exc.DatasetException,
            match=r"convolve_over_sample_size_pixelization must be a positive int \(>= 1\), got 0",
        ):
            aa.Imaging.from_fits(
                data_path, PS, psf_path=psf_path, convolve_over_sample_size_pixelization=0
            )

    def test__psf_setup_state(self, tmp_path):
        data_path, psf_path, _ = self.paths(tmp_path)
        imaging(2).output_to_fits(data_path, psf_path=psf_path)
        loaded = aa.Imaging.from_fits(data_path, PS, psf_path=psf_path, psf_setup_state=True)
        assert loaded.psf.state.mask is loaded.mask
