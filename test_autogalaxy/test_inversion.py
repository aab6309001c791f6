"""
Linear inversions of galaxies with oversampled PSFs: linear light profiles and pixelizations
fitted to self-consistent data, an independent brute-force check of a linear profile's operated
column, FitImaging wiring, and the guards.
"""

import types

import numpy as np
import pytest
import scipy.signal

import autogalaxy as ag
from autogalaxy import exc

MASK = ag.Mask2D.circular((24, 24), radius=1.0, pixel_scales=0.1)
# An even fine kernel at s = 2 (so native_psf_from can block-sum it to a native PSF).
PSF = ag.Convolver.from_gaussian(
    (12, 12), pixel_scales=0.05, sigma=0.08, convolve_over_sample_size=2, normalize=True
)


def dataset_from(data, psf=PSF, s=2, noise=None):
    n = MASK.pixels_in_mask
    return ag.Imaging(
        data=ag.Array2D(np.asarray(data), MASK),
        noise_map=ag.Array2D(np.ones(n) if noise is None else noise, MASK),
        psf=psf,
        over_sample_size_lp=4,
        over_sample_size_pixelization=4,
        convolve_over_sample_size_lp=s,
        convolve_over_sample_size_pixelization=s,
    )


EMPTY = dataset_from(np.zeros(MASK.pixels_in_mask))


def blurred_data_from(*profiles, dataset=EMPTY):
    """Data made with the standard (non-linear) profiles' oversampled blurring path."""
    galaxy = ag.Galaxy(redshift=0.5, **{f"p{i}": p for i, p in enumerate(profiles)})
    image = galaxy.blurred_image_2d_from(dataset.grids.lp, dataset.grids.blurring, dataset.psf)
    return image.array


SERSIC = dict(centre=(0.05, -0.1), ell_comps=(0.1, -0.05), effective_radius=0.3, sersic_index=2.5)
EXPONENTIAL = dict(centre=(-0.1, 0.1), ell_comps=(-0.2, 0.1), effective_radius=0.5)


# ------------------------------------------------------------------- linear light profiles


def test_linear_profiles_recover_intensities_at_s_2():
    data = blurred_data_from(
        ag.lp.Sersic(intensity=2.0, **SERSIC), ag.lp.Exponential(intensity=0.7, **EXPONENTIAL)
    )
    bulge = ag.lp_linear.Sersic(**SERSIC)
    disk = ag.lp_linear.Exponential(**EXPONENTIAL)
    fit = ag.FitImaging(dataset_from(data), [ag.Galaxy(redshift=0.5, bulge=bulge, disk=disk)])
    inversion = fit.inversion
    np.testing.assert_allclose(inversion.reconstruction, [2.0, 0.7], rtol=0, atol=1e-4)
    assert inversion.chi_squared < 1e-6
    assert fit.chi_squared < 1e-6
    intensities = inversion.linear_light_profile_intensity_dict
    assert intensities[bulge] == pytest.approx(2.0, abs=1e-4)
    assert bulge.lp_instance_from(intensities).intensity == pytest.approx(2.0, abs=1e-4)
    # No regularized object: the evidence is the likelihood (PyAutoGalaxy's convention).
    assert fit.figure_of_merit == inversion.log_evidence
    assert inversion.log_evidence == pytest.approx(fit.log_likelihood, rel=1e-12)


def fine_frame_from(profile, shape, k, s=2):
    """The profile at k x k samples per pixel of a frame, pre-binned to s x s fine pixels."""
    grid = ag.Grid2D.uniform(shape, 0.1, over_sample_size=k)
    samples = profile.image_2d_via_points_from(np.asarray(grid.over_sampled))
    g = k // s
    cells = samples.reshape(shape[0], shape[1], s, g, s, g).mean(axis=(3, 5))
    return cells.transpose(0, 2, 1, 3).reshape(shape[0] * s, shape[1] * s)


def test_linear_profile_column_matches_brute_force_fine_convolution():
    # Independent reference for one operated column at s = 2: the unit-intensity Gaussian on a
    # frame padded by the kernel, pre-binned to 2 x 2 fine pixels (from 4 x 4 samples in the mask,
    # from 2 x 2 in the blurring region, as grids.lp and grids.blurring sample them),
    # fine-frame convolve2d with the odd form of the even kernel, 2 x 2 block mean, read at the
    # mask.
    profile = ag.lp_linear.Gaussian(centre=(0.3, 0.2), ell_comps=(0.1, 0.0), sigma=0.25)
    inversion = ag.inversion_imaging_from(EMPTY, [ag.Galaxy(redshift=0.5, light=profile)])
    pad = 4
    ny, nx = MASK.shape_native
    shape = (ny + 2 * pad, nx + 2 * pad)
    in_mask = np.pad(~MASK.array, pad)
    fine = np.where(
        np.kron(in_mask, np.ones((2, 2), dtype=bool)),
        fine_frame_from(profile, shape, k=4),
        fine_frame_from(profile, shape, k=2),
    )
    # Even kernels are centred on a sample corner; the convolver's documented odd equivalent
    # (neighbour averaging) puts that centre on a sample.
    kernel = 0.5 * (np.pad(EMPTY.psf.native, 1)[:-1] + np.pad(EMPTY.psf.native, 1)[1:])[:, 1:-1]
    kernel = 0.5 * (
        np.pad(kernel, ((0, 0), (1, 1)))[:, :-1] + np.pad(kernel, ((0, 0), (1, 1)))[:, 1:]
    )
    assert kernel.shape == (13, 13)
    convolved = scipy.signal.convolve2d(fine, kernel, mode="same")
    binned = convolved.reshape(shape[0], 2, shape[1], 2).mean(axis=(1, 3))
    expected = binned[pad:-pad, pad:-pad][~MASK.array]
    np.testing.assert_allclose(inversion.operated_mapping_matrix[:, 0], expected, atol=1e-12)


def test_linear_and_standard_profiles_in_one_fit():
    data = blurred_data_from(
        ag.lp.Sersic(intensity=1.3, **SERSIC), ag.lp.Exponential(intensity=0.4, **EXPONENTIAL)
    )
    galaxy = ag.Galaxy(
        redshift=0.5,
        bulge=ag.lp.Sersic(intensity=1.3, **SERSIC),
        disk=ag.lp_linear.Exponential(**EXPONENTIAL),
    )
    fit = ag.FitImaging(dataset_from(data), [galaxy])
    assert fit.inversion.reconstruction == pytest.approx([0.4], abs=1e-4)
    np.testing.assert_allclose(
        fit.model_data.array,
        fit.blurred_image.array + fit.inversion.mapped_reconstructed_image,
        rtol=0,
        atol=1e-14,
    )
    assert fit.chi_squared < 1e-6


def test_positive_only_solver_on_linear_profiles():
    data = blurred_data_from(ag.lp.Sersic(intensity=2.0, **SERSIC))
    galaxy = ag.Galaxy(
        redshift=0.5,
        bulge=ag.lp_linear.Sersic(**SERSIC),
        disk=ag.lp_linear.Exponential(**EXPONENTIAL),
    )
    settings = ag.SettingsInversion(use_positive_only_solver=True)
    inversion = ag.inversion_imaging_from(dataset_from(data), [galaxy], settings=settings)
    np.testing.assert_allclose(inversion.reconstruction, [2.0, 0.0], atol=1e-4)
    assert np.all(inversion.reconstruction >= 0)


def test_operated_linear_profile_column_is_not_blurred():
    # No library class is both linear and operated yet; a user-defined one must still work: its
    # column is its unit-intensity image binned to the pixels, never convolved.
    from autogalaxy.profiles.light.abstract import light_profile_dataclass
    from autogalaxy.profiles.light.operated import LightProfileOperated

    @light_profile_dataclass
    class OperatedLinearGaussian(ag.lp_linear.Gaussian, LightProfileOperated):
        pass

    profile = OperatedLinearGaussian(centre=(0.1, 0.0), sigma=0.2)
    inversion = ag.inversion_imaging_from(EMPTY, [ag.Galaxy(redshift=0.5, point=profile)])
    grid = EMPTY.grids.lp
    samples = profile.image_2d_via_points_from(np.asarray(grid.over_sampled))
    expected = samples.reshape(-1, 16).mean(axis=1)
    np.testing.assert_allclose(inversion.operated_mapping_matrix[:, 0], expected, atol=1e-14)


# ---------------------------------------------------------------------------- pixelization

# The 20 x 20 mesh has more pixels than the ~300 data pixels, so the fit is regularization
# limited: coefficient 1 leaves chi^2 ~ 180 on this noise-free data, 0.1 leaves ~0.5, and 0.01
# (H = 1e-4 B^T B, the coefficient is squared) reaches chi^2 ~ 0.007 < 0.1.
COEFFICIENT = 0.01


def pixelized_galaxy():
    pixelization = ag.Pixelization(
        mesh=ag.mesh.RectangularUniform(shape=(20, 20)),
        regularization=ag.reg.Constant(coefficient=COEFFICIENT),
    )
    return ag.Galaxy(redshift=1.0, pixelization=pixelization)


def test_pixelization_reconstructs_exponential_and_prefers_the_oversampled_psf():
    source = ag.lp.Exponential(
        centre=(0.05, -0.1), ell_comps=(0.1, 0.05), intensity=5.0, effective_radius=0.4
    )
    data = blurred_data_from(source)
    fit = ag.FitImaging(dataset_from(data), [pixelized_galaxy()])
    inversion = fit.inversion
    assert inversion.operated_mapping_matrix.shape == (MASK.pixels_in_mask, 400)
    assert np.isfinite(inversion.log_evidence)
    assert inversion.chi_squared < 0.1
    assert fit.chi_squared == pytest.approx(inversion.chi_squared, rel=1e-10)
    assert fit.figure_of_merit == inversion.log_evidence
    np.testing.assert_allclose(fit.model_data.array, inversion.mapped_reconstructed_image)

    native = dataset_from(data, psf=PSF.native_psf_from(), s=1)
    assert native.psf.convolve_over_sample_size == 1
    fit_native = ag.FitImaging(native, [pixelized_galaxy()])
    assert np.isfinite(fit_native.log_evidence)
    assert fit.log_evidence > fit_native.log_evidence


def test_pixelization_and_linear_profile_together():
    lens = ag.lp.Sersic(intensity=1.0, **SERSIC)
    source = ag.lp.Exponential(centre=(0.3, 0.3), intensity=2.0, effective_radius=0.2)
    data = blurred_data_from(lens, source)
    galaxies = [ag.Galaxy(redshift=0.5, bulge=ag.lp_linear.Sersic(**SERSIC)), pixelized_galaxy()]
    inversion = ag.inversion_imaging_from(dataset_from(data), galaxies)
    # Order of the galaxies' components: the linear profile first, then the 400 mesh pixels.
    assert inversion.reconstruction.shape == (401,)
    assert inversion.param_range_list == [(0, 1), (1, 401)]
    assert isinstance(inversion.linear_obj_list[1], ag.Mapper)
    assert inversion.mapper_list == [inversion.linear_obj_list[1]]
    assert np.isfinite(inversion.log_evidence)
    assert inversion.regularization_matrix[0].sum() == 0.0  # the profile is not regularized


@pytest.mark.parametrize("s", (1, 2))
def test_fit_with_the_sparse_operator_equals_the_mapping_formalism(s):
    """A standard profile, a linear profile and a pixelization; non-uniform noise."""
    lens = ag.lp.Sersic(intensity=1.0, **SERSIC)
    source = ag.lp.Exponential(centre=(0.3, 0.3), intensity=2.0, effective_radius=0.2)
    psf = PSF if s == 2 else PSF.native_psf_from()
    noise = np.random.default_rng(4).uniform(0.05, 0.2, size=MASK.pixels_in_mask)
    dataset = dataset_from(blurred_data_from(lens, source), psf=psf, s=s, noise=noise)
    galaxies = [
        ag.Galaxy(redshift=0.5, light=ag.lp.Sersic(intensity=0.5, **SERSIC)),
        ag.Galaxy(redshift=0.5, disk=ag.lp_linear.Exponential(**EXPONENTIAL)),
        pixelized_galaxy(),
    ]
    mapping = ag.FitImaging(dataset, galaxies)
    sparse = ag.FitImaging(dataset.apply_sparse_operator(), galaxies)
    assert isinstance(sparse.inversion, ag.InversionImagingSparse)
    assert not isinstance(mapping.inversion, ag.InversionImagingSparse)
    assert sparse.log_evidence == pytest.approx(mapping.log_evidence, rel=1e-8)
    np.testing.assert_allclose(
        sparse.inversion.reconstruction, mapping.inversion.reconstruction, rtol=0, atol=1e-8
    )
    np.testing.assert_allclose(sparse.model_data.array, mapping.model_data.array, atol=1e-9)
    disk = galaxies[1].disk
    assert sparse.inversion.linear_light_profile_intensity_dict[disk] == pytest.approx(
        mapping.inversion.linear_light_profile_intensity_dict[disk], rel=1e-8
    )
    assert sparse.inversion.mapper_list == [sparse.inversion.linear_obj_list[1]]


# ----------------------------------------------------------------------------------- guards


def test_linear_profile_with_no_flux_in_the_mask_raises():
    far = ag.lp_linear.Gaussian(centre=(40.0, 40.0), sigma=0.05)
    galaxy = ag.Galaxy(redshift=0.5, bulge=ag.lp_linear.Sersic(**SERSIC), far=far)
    fit = ag.FitImaging(EMPTY, [galaxy])
    with pytest.raises(
        exc.InversionException,
        match=r"column of galaxies\[0\]\.far \(Gaussian\) is zero \(no flux in the mask\)",
    ):
        _ = fit.figure_of_merit


def test_two_identical_linear_profiles_raise():
    galaxy = ag.Galaxy(
        redshift=0.5, a=ag.lp_linear.Sersic(**SERSIC), b=ag.lp_linear.Sersic(**SERSIC)
    )
    data = blurred_data_from(ag.lp.Sersic(intensity=1.0, **SERSIC))
    inversion = ag.inversion_imaging_from(dataset_from(data), [galaxy])
    with pytest.raises(exc.InversionException, match=r"F \+ H .*(singular|not positive definite)"):
        _ = inversion.reconstruction


def test_no_linear_object_raises():
    with pytest.raises(exc.InversionException, match="no linear light profile or pixelization"):
        ag.inversion_imaging_from(EMPTY, [ag.Galaxy(redshift=0.5, bulge=ag.lp.Sersic())])


def test_non_numpy_backend_raises():
    fake_jnp = types.ModuleType("jax.numpy")
    galaxy = ag.Galaxy(redshift=0.5, bulge=ag.lp_linear.Sersic(**SERSIC))
    with pytest.raises(exc.InversionException, match=r"NumPy only, got xp='jax.numpy'"):
        ag.inversion_imaging_from(EMPTY, [galaxy], xp=fake_jnp)


@pytest.mark.parametrize("s_lp, s_pix", [(1, 2), (2, 1)])
def test_each_channel_uses_its_own_convolve_size(s_lp, s_pix):
    # One oversampled PSF (s = 2) serves both channels; the channel at s = 1 uses its native
    # block sum. The linear profile follows FitImaging's light-profile PSF, the pixelization
    # dataset.psf_pixelization.
    dataset = ag.Imaging(
        data=EMPTY.data,
        psf=PSF,
        over_sample_size_lp=4,
        over_sample_size_pixelization=4,
        convolve_over_sample_size_lp=s_lp,
        convolve_over_sample_size_pixelization=s_pix,
    )
    galaxies = [ag.Galaxy(redshift=0.5, bulge=ag.lp_linear.Sersic(**SERSIC)), pixelized_galaxy()]
    inversion = ag.inversion_imaging_from(dataset, galaxies)
    psf_lp = dataset.psf_lp
    assert psf_lp.convolve_over_sample_size == s_lp
    unit = ag.Galaxy(redshift=0.5, bulge=ag.lp.Sersic(intensity=1.0, **SERSIC))
    expected_column = unit.blurred_image_2d_from(dataset.grids.lp, dataset.grids.blurring, psf_lp)
    np.testing.assert_array_equal(inversion.operated_mapping_matrix[:, 0], expected_column.array)
    psf_pix = dataset.psf_pixelization
    assert psf_pix.convolve_over_sample_size == s_pix
    mapper = inversion.mapper_list[0]
    expected_block = psf_pix.convolved_mapping_matrix_from(
        mapper.mapping_matrix_over_sampled_for(s_pix), MASK
    )
    np.testing.assert_allclose(inversion.operated_mapping_matrix[:, 1:], expected_block, atol=1e-15)


def test__fit_imaging_passes_settings_inversion_to_the_solver():
    # Data with a negative dip: the unconstrained solve goes negative, the positive-only one cannot.
    dataset = ag.Imaging(
        data=ag.Array2D(-np.abs(EMPTY.data.array) - 1.0, EMPTY.data.mask),
        psf=PSF,
        over_sample_size_lp=4,
        over_sample_size_pixelization=4,
        convolve_over_sample_size_lp=2,
        convolve_over_sample_size_pixelization=2,
    )
    galaxies = [pixelized_galaxy()]
    free = ag.FitImaging(dataset, galaxies)
    positive = ag.FitImaging(
        dataset, galaxies, settings_inversion=ag.SettingsInversion(use_positive_only_solver=True)
    )
    assert np.min(free.inversion.reconstruction) < 0.0
    assert np.min(positive.inversion.reconstruction) >= 0.0
