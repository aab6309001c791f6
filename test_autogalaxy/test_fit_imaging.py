"""
``FitImaging``: model images, residuals and likelihoods, with native and oversampled PSFs.

The central claim: data made with an oversampled PSF (s = 2) is fitted exactly by the same
galaxies blurred at s = 2, while blurring at detector resolution with the equivalent native PSF
(the fine PSF block-summed) cannot fit it.
"""

import re

import numpy as np
import pytest

import autogalaxy as ag

pytestmark = pytest.mark.filterwarnings("error")

SHAPE = (30, 30)
PIXEL_SCALE = 0.1
MASK_RADIUS = 1.2
S = 2
CHI2_EXACT = 1e-8
RATIO = 1e3


def mask_from():
    return ag.Mask2D.circular(SHAPE, MASK_RADIUS, PIXEL_SCALE)


def oversampled_psf():
    """An even 8 x 8 kernel at 0.05" (s = 2): its native block sum is a centred 5 x 5 kernel."""
    return ag.Convolver.from_gaussian(
        (8, 8),
        (PIXEL_SCALE / S, PIXEL_SCALE / S),
        sigma=0.07,
        normalize=True,
        convolve_over_sample_size=S,
    )


def galaxies_from(with_operated=False):
    components = dict(
        bulge=ag.lp.Sersic(
            centre=(0.02, -0.03),
            ell_comps=(0.1, 0.05),
            intensity=1.0,
            effective_radius=0.3,
            sersic_index=4.0,
        ),
        disk=ag.lp.Exponential(
            centre=(0.0, 0.0), ell_comps=(-0.2, 0.1), intensity=0.5, effective_radius=0.8
        ),
    )
    if with_operated:
        components["point"] = ag.lp_operated.Gaussian(
            centre=(0.1, 0.1), ell_comps=(0.0, 0.1), intensity=2.0, sigma=0.08
        )
    return [ag.Galaxy(redshift=0.5, **components)]


def imaging_from(data, psf, s, over_sample_size_lp=4, noise_map=None):
    return ag.Imaging(
        data=data,
        noise_map=noise_map,
        psf=psf,
        over_sample_size_lp=over_sample_size_lp,
        over_sample_size_pixelization=4,
        convolve_over_sample_size_lp=s,
        convolve_over_sample_size_pixelization=s,
    )


def data_from(source, galaxies, psf, light_fine_frame=None, fine_frame_blurred=None):
    """
    Noise-free s = 2 data on the circular mask, unit noise map: by brute force (light sampled by
    hand as the fit samples it, ``convolve2d`` on the fine frame, s x s block mean; operated light
    binned, not blurred) or by the simulator (itself tested against brute force).
    """
    mask = mask_from()
    if source == "brute force":
        pad = 3  # > the kernel's reach of 2 native pixels (+ the even kernel's half-pixel shift)
        everything = ag.Galaxies(galaxies)
        # the even kernel's blurring region is sampled at the mask's k (GridsDataset.blurring)
        fine = light_fine_frame.of_frame(
            lambda points: everything.image_2d_via_points_from(points, operated_only=False),
            mask.shape_native,
            PIXEL_SCALE,
            k=4,
            s=S,
            pad=pad,
            offset=psf.light_sample_offset,
        )
        blurred = fine_frame_blurred(fine, psf.native, S)[pad:-pad, pad:-pad]
        operated = light_fine_frame.of_frame(
            lambda points: everything.image_2d_via_points_from(points, operated_only=True),
            SHAPE,
            PIXEL_SCALE,
            k=4,
            s=1,
        )
        return ag.Array2D((blurred + operated)[~mask.array], mask)
    simulator = ag.SimulatorImaging(
        exposure_time=300.0,
        psf=psf,
        add_poisson_noise_to_data=False,
        include_poisson_noise_in_noise_map=False,
        noise_if_add_noise_false=1.0,
    )
    # k = s = 2: the simulator samples the blurring region of the mask as the fit does.
    grid = ag.Grid2D.uniform(SHAPE, PIXEL_SCALE, over_sample_size=S)
    dataset = simulator.via_galaxies_from(galaxies, grid).apply_mask(mask)
    np.testing.assert_array_equal(dataset.noise_map.array, 1.0)
    return dataset.data


# ---------------------------------------------------- data fitted exactly at s = 2


@pytest.mark.parametrize("with_operated", [False, True])
@pytest.mark.parametrize("source", ["brute force", "simulator"])
def test__s2_data__fitted_exactly_at_s2__native_psf_fit_is_far_worse(
    source, with_operated, light_fine_frame, fine_frame_blurred
):
    psf = oversampled_psf()
    galaxies = galaxies_from(with_operated)
    over_sample_size_lp = 4 if source == "brute force" else 2
    data = data_from(source, galaxies, psf, light_fine_frame, fine_frame_blurred)

    fit = ag.FitImaging(imaging_from(data, psf, S, over_sample_size_lp), galaxies)

    native_psf = psf.native_psf_from()
    assert native_psf.shape_native == (5, 5) and native_psf.convolve_over_sample_size == 1
    np.testing.assert_allclose(native_psf.native.sum(), 1.0, rtol=1e-14)
    native_fit = ag.FitImaging(imaging_from(data, native_psf, 1, over_sample_size_lp), galaxies)

    assert fit.chi_squared < CHI2_EXACT
    assert native_fit.chi_squared > RATIO * max(fit.chi_squared, CHI2_EXACT)
    # The native residuals are largest where the light is steepest (the Sersic n = 4 core).
    centre = np.argmin(np.hypot(*(fit.dataset.grids.lp.array - np.array([0.02, -0.03])).T))
    worst = np.argmax(np.abs(native_fit.residual_map.array))
    distance = np.hypot(*(fit.dataset.grids.lp.array[worst] - fit.dataset.grids.lp.array[centre]))
    assert distance < 0.25


def test__operated_component__model_is_blurred_standard_light_plus_binned_operated_light():
    psf = oversampled_psf()
    mask = mask_from()
    data = ag.Array2D(np.zeros(mask.pixels_in_mask), mask)
    dataset = imaging_from(data, psf, S)
    with_point = ag.FitImaging(dataset, galaxies_from(with_operated=True))
    without = ag.FitImaging(dataset, galaxies_from(with_operated=False))

    point = with_point.galaxies[0].point
    grid = dataset.grids.lp
    binned = point.image_2d_via_points_from(np.asarray(grid.over_sampled))
    binned = binned.reshape(grid.shape_slim, 16).mean(axis=1)
    np.testing.assert_array_equal(with_point.model_data.array, without.model_data.array + binned)


# ------------------------------------------------------------------ default invariance


def test__convolve_sizes_1__model_bit_for_bit_the_native_composition():
    mask = mask_from()
    kernel = ag.Convolver.from_gaussian(
        (5, 5),
        (PIXEL_SCALE, PIXEL_SCALE),
        sigma=0.12,
        centre=(0.02, -0.01),
        axis_ratio=0.6,
        angle=50.0,
    )
    rng = np.random.default_rng(3)
    data = ag.Array2D(rng.normal(size=mask.pixels_in_mask), mask)
    noise = ag.Array2D(rng.uniform(0.5, 2.0, size=mask.pixels_in_mask), mask)
    galaxies = galaxies_from(with_operated=True)

    explicit = ag.Imaging(
        data,
        noise,
        psf=kernel,
        convolve_over_sample_size_lp=1,
        convolve_over_sample_size_pixelization=1,
    )
    default = ag.Imaging(data, noise, psf=kernel)
    fit_explicit = ag.FitImaging(explicit, galaxies)
    fit_default = ag.FitImaging(default, galaxies)

    # Independent composition: per-pixel binning of the summed standard light, the native
    # convolution with the blurring region at pixel centres, plus the binned operated light.
    bulge, disk, point = (galaxies[0].bulge, galaxies[0].disk, galaxies[0].point)
    grid = ag.Grid2D.from_mask(mask, 4)
    blurring_mask = mask.derive_mask.blurring_from(kernel.shape_native)
    blurring_grid = ag.Grid2D.from_mask(blurring_mask, 1)
    psf = ag.Convolver(kernel.kernel, normalize=True)

    def binned(grid, *profiles):
        points = grid.over_sampled
        values = profiles[0].image_2d_via_points_from(points)
        for profile in profiles[1:]:
            values = values + profile.image_2d_via_points_from(points)
        return grid.over_sampler.binned_array_2d_from(values)

    image = binned(grid, bulge, disk)
    blurring_image = binned(blurring_grid, bulge, disk)
    model = psf.convolved_image_from(image, blurring_image).array + binned(grid, point).array

    np.testing.assert_array_equal(fit_explicit.model_data.array, model)
    np.testing.assert_array_equal(fit_default.model_data.array, model)
    assert fit_default.dataset.convolve_over_sample_size_lp == 1
    assert fit_explicit.log_likelihood == fit_default.log_likelihood


@pytest.mark.parametrize("kernel_shape", [(8, 8), (7, 7)])
def test__lp_native_pixelization_oversampled__lp_blurred_with_native_block_sum(kernel_shape):
    """
    s_lp = 1 with a PSF oversampled for the pixelization channel (s_pix = 2): the light profiles
    are blurred by the native block sum of the PSF (this used to raise GridException: the s = 2
    PSF was applied to the blurring grid sampled at k = 1).
    """
    psf = ag.Convolver.from_gaussian(
        kernel_shape,
        (PIXEL_SCALE / S, PIXEL_SCALE / S),
        sigma=0.07,
        normalize=True,
        convolve_over_sample_size=S,
    )
    mask = mask_from()
    data = ag.Array2D(np.random.default_rng(5).normal(size=mask.pixels_in_mask), mask)
    galaxies = galaxies_from()
    mixed = ag.Imaging(
        data,
        psf=psf,
        over_sample_size_lp=4,
        over_sample_size_pixelization=2,
        convolve_over_sample_size_lp=1,
        convolve_over_sample_size_pixelization=2,
    )
    native = ag.Imaging(data, psf=psf.native_psf_from(), over_sample_size_lp=4)

    fit = ag.FitImaging(mixed, galaxies)

    np.testing.assert_allclose(
        fit.model_data.array,
        ag.FitImaging(native, galaxies).model_data.array,
        rtol=1e-13,
        atol=1e-15,
    )
    # The native PSF and its state are built once per dataset, and the dataset's PSF is unchanged.
    assert mixed.psf_lp is mixed.psf_lp
    assert mixed.psf_lp.convolve_over_sample_size == 1
    assert mixed.psf_lp.state.mask is mixed.mask
    assert mixed.psf.convolve_over_sample_size == 2
    assert mixed.psf.state is None
    np.testing.assert_array_equal(native.psf_lp.native, native.psf.native)


def test__no_psf__model_is_the_binned_image():
    mask = mask_from()
    data = ag.Array2D(np.zeros(mask.pixels_in_mask), mask)
    dataset = ag.Imaging(data, over_sample_size_lp=2)
    galaxies = galaxies_from(with_operated=True)
    fit = ag.FitImaging(dataset, galaxies)
    grid = ag.Grid2D.from_mask(mask, 2)
    values = sum(
        p.image_2d_via_points_from(np.asarray(grid.over_sampled))
        for p in galaxies[0].light_profile_list
    )
    np.testing.assert_allclose(fit.model_data.array, values.reshape(-1, 4).mean(axis=1), rtol=1e-14)


# ------------------------------------------------------------------- fit quantities


def test__fit_quantities__hand_computed_tiny_case():
    # 3 x 3 frame, corners masked: a cross of 5 pixels at (0, 0) and 0.5" from it.
    mask = ag.Mask2D(
        np.array([[True, False, True], [False, False, False], [True, False, True]]), 0.5
    )
    data = ag.Array2D(np.array([1.0, 2.5, 1.5, 0.5, 1.2]), mask)
    noise = ag.Array2D(np.array([0.5, 1.0, 2.0, 1.0, 0.25]), mask)
    galaxy = ag.Galaxy(0.5, light=ag.lp.GaussianSph(centre=(0.0, 0.0), intensity=2.0, sigma=0.5))
    # k = 1: the model is the Gaussian at the pixel centres; the 1 x 1 PSF is the identity.
    for psf in (None, ag.Convolver.no_blur((0.5, 0.5))):
        dataset = ag.Imaging(data, noise, psf=psf, over_sample_size_lp=1)
        fit = ag.FitImaging(dataset, [galaxy])

        edge = 2.0 * np.exp(-0.5)  # 2 exp(-0.5 (0.5 / 0.5)^2)
        model = np.array([edge, edge, 2.0, edge, edge])
        residual = np.array([1.0, 2.5, 1.5, 0.5, 1.2]) - model
        normalized = residual / np.array([0.5, 1.0, 2.0, 1.0, 0.25])
        chi2 = np.sum(normalized**2)
        noise_norm = (
            np.log(2 * np.pi * 0.25)
            + 2 * np.log(2 * np.pi)
            + np.log(2 * np.pi * 4.0)
            + np.log(2 * np.pi * 0.0625)
        )

        np.testing.assert_allclose(fit.model_data.array, model, rtol=1e-15)
        np.testing.assert_allclose(fit.residual_map.array, residual, rtol=1e-14)
        np.testing.assert_allclose(fit.normalized_residual_map.array, normalized, rtol=1e-14)
        np.testing.assert_allclose(fit.chi_squared_map.array, normalized**2, rtol=1e-14)
        np.testing.assert_allclose(fit.chi_squared, chi2, rtol=1e-14)
        np.testing.assert_allclose(fit.noise_normalization, noise_norm, rtol=1e-14)
        np.testing.assert_allclose(fit.log_likelihood, -0.5 * (chi2 + noise_norm), rtol=1e-14)
        assert fit.figure_of_merit == fit.log_likelihood
        assert fit.inversion is None and fit.log_evidence is None and not fit.has_inversion
        for array in (fit.model_data, fit.residual_map, fit.chi_squared_map):
            assert array.mask is mask
        np.testing.assert_array_equal(
            fit.residual_map.native.array,
            [
                [0.0, residual[0], 0.0],
                [residual[1], residual[2], residual[3]],
                [0.0, residual[4], 0.0],
            ],
        )


def test__figure_of_merit__is_log_likelihood_without_inversion_at_s2():
    psf = oversampled_psf()
    mask = mask_from()
    data = ag.Array2D(np.random.default_rng(11).normal(size=mask.pixels_in_mask), mask)
    fit = ag.FitImaging(imaging_from(data, psf, S), galaxies_from())
    assert fit.figure_of_merit == fit.log_likelihood
    expected = -0.5 * (
        np.sum(((data.array - fit.model_data.array) / 1.0) ** 2)
        + mask.pixels_in_mask * np.log(2 * np.pi)
    )
    np.testing.assert_allclose(fit.log_likelihood, expected, rtol=1e-13)


def test__bad__single_galaxy_instead_of_list__raises_type_error():
    mask = mask_from()
    dataset = ag.Imaging(ag.Array2D(np.zeros(mask.pixels_in_mask), mask))
    with pytest.raises(
        TypeError,
        match=re.escape(
            "galaxies must be a list of Galaxy objects, got a single Galaxy; pass [galaxy]."
        ),
    ):
        ag.FitImaging(dataset, galaxies_from()[0])
