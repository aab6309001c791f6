"""
Linear inversions of galaxies with oversampled PSFs, against an independent reference: data and
operated columns made by brute force (profiles sampled on a padded frame, pre-binned to s x s
fine pixels, ``scipy.signal.convolve2d`` on the fine frame by the root conftest's
``fine_frame_blurred``, s x s block mean), never by the library's blurring path. The module's
PSF is even (12 x 12 at s = 2, the STPSF layout): light is sampled at its
``light_sample_offset``. Linear light profiles and pixelizations, FitImaging wiring, the sparse
formalism against the mapping one, and the guards.
"""

import functools
import types

import numpy as np
import pytest
import scipy.optimize

import autogalaxy as ag
from autogalaxy import exc

MASK = ag.Mask2D.circular((24, 24), radius=1.0, pixel_scales=0.1)
# An even fine kernel at s = 2 (the STPSF layout; native_psf_from block-sums it to a native PSF).
PSF = ag.Convolver.from_gaussian(
    (12, 12), pixel_scales=0.05, sigma=0.08, convolve_over_sample_size=2, normalize=True
)
# Native pixels of padding around the frame: more than the kernel's reach (3 native pixels).
PAD = 4

# Tolerances: about 100x the error measured on the CI machine (in parentheses).
ATOL_COLUMN = 3e-13  # an operated column vs brute force, entries <= 6 (2.7e-15)
ATOL_INTENSITY = 2e-13  # solved intensities vs the truth of brute-force data (1.6e-15)
CHI2_EXACT = 1e-25  # chi^2 of noise-free brute-force data fitted by its own components (6.7e-28)
# Sparse vs mapping formalism in one FitImaging with a 20 x 20 mesh at coefficient 0.01: their
# curvature matrices agree to 5e-16, but F + H has a condition number of 1.5e9, which carries
# that into the solution: evidence 1.2e-14, model image 2.0e-13, mesh values 5.0e-10 and the
# linear intensity 6.8e-9 (all relative).
REL_FORMALISMS_EVIDENCE = 1e-12
REL_FORMALISMS_IMAGE = 2e-11
REL_FORMALISMS_SOLUTION = 5e-8
REL_FORMALISMS_INTENSITY = 1e-6


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


def fine_frame_from(profile, shape, k, s, offset=(0.0, 0.0)):
    """
    The profile at k x k samples per pixel of a frame, moved by ``offset`` (y, x) arcsec (the
    PSF's ``light_sample_offset``), pre-binned to s x s fine pixels.
    """
    grid = ag.Grid2D.uniform(shape, 0.1, over_sample_size=k)
    samples = profile.image_2d_via_points_from(np.asarray(grid.over_sampled) + np.array(offset))
    g = k // s
    cells = samples.reshape(shape[0], shape[1], s, g, s, g).mean(axis=(3, 5))
    return cells.transpose(0, 2, 1, 3).reshape(shape[0] * s, shape[1] * s)


def brute_force_image_from(blurred_from, profile, psf, s=2):
    """
    The profile blurred as ``dataset.grids.lp`` (k = 4 in the mask) and ``grids.blurring``
    (k = s outside it; k = 4 too for an even kernel, whose shifted cells straddle the mask's
    edge) sample it: taken at the PSF's ``light_sample_offset`` (half a fine pixel up / left along
    even kernel axes), pre-binned to s x s fine pixels on a padded frame, blurred by
    ``blurred_from`` (the root conftest's ``fine_frame_blurred``: fine convolution with the
    unchanged kernel, s x s block mean), read at the mask.
    """
    ny, nx = MASK.shape_native
    shape = (ny + 2 * PAD, nx + 2 * PAD)
    offset = psf.light_sample_offset
    in_mask = np.kron(np.pad(~MASK.array, PAD), np.ones((s, s), dtype=bool))
    outside_k = 4 if any(offset) else s
    fine = np.where(
        in_mask,
        fine_frame_from(profile, shape, 4, s, offset),
        fine_frame_from(profile, shape, outside_k, s, offset),
    )
    binned = blurred_from(fine, psf.native, s)
    return binned[PAD:-PAD, PAD:-PAD][~MASK.array]


def brute_force_data_from(blurred_from, *profiles, psf=PSF, s=2):
    """Noise-free data: the sum of the profiles' brute-force blurred images."""
    return np.sum([brute_force_image_from(blurred_from, p, psf, s) for p in profiles], axis=0)


def brute_force_operated_columns_from(blurred_from, fine_columns, psf, s):
    """Fine mapping-matrix columns (N s^2, per-pixel sub-block order) blurred and binned."""
    ny, nx = MASK.shape_native
    columns = []
    for column in np.asarray(fine_columns).T:
        frame = np.zeros((ny * s, nx * s))
        for value, (row, col) in zip(column.reshape(-1, s, s), np.argwhere(~MASK.array)):
            frame[row * s : (row + 1) * s, col * s : (col + 1) * s] = value
        columns.append(blurred_from(frame, psf.native, s)[~MASK.array])
    return np.stack(columns, axis=1)


@pytest.fixture(name="brute")
def make_brute(fine_frame_blurred):
    """This module's brute-force references, bound to the root conftest's fine-frame blur."""
    return types.SimpleNamespace(
        image=functools.partial(brute_force_image_from, fine_frame_blurred),
        data=functools.partial(brute_force_data_from, fine_frame_blurred),
        columns=functools.partial(brute_force_operated_columns_from, fine_frame_blurred),
    )


SERSIC = dict(centre=(0.05, -0.1), ell_comps=(0.1, -0.05), effective_radius=0.3, sersic_index=2.5)
EXPONENTIAL = dict(centre=(-0.1, 0.1), ell_comps=(-0.2, 0.1), effective_radius=0.5)


# ------------------------------------------------------------------- linear light profiles


def test_linear_profile_column_matches_brute_force_fine_convolution(brute):
    profile = ag.lp_linear.Gaussian(centre=(0.3, 0.2), ell_comps=(0.1, 0.0), sigma=0.25)
    inversion = ag.inversion_imaging_from(EMPTY, [ag.Galaxy(redshift=0.5, light=profile)])
    expected = brute.image(profile, EMPTY.psf)
    np.testing.assert_allclose(
        inversion.operated_mapping_matrix[:, 0], expected, rtol=0, atol=ATOL_COLUMN
    )


def test_linear_profiles_recover_intensities_at_s_2(brute):
    data = brute.data(
        ag.lp.Sersic(intensity=2.0, **SERSIC), ag.lp.Exponential(intensity=0.7, **EXPONENTIAL)
    )
    bulge = ag.lp_linear.Sersic(**SERSIC)
    disk = ag.lp_linear.Exponential(**EXPONENTIAL)
    fit = ag.FitImaging(dataset_from(data), [ag.Galaxy(redshift=0.5, bulge=bulge, disk=disk)])
    inversion = fit.inversion
    np.testing.assert_allclose(inversion.reconstruction, [2.0, 0.7], rtol=0, atol=ATOL_INTENSITY)
    assert inversion.chi_squared < CHI2_EXACT
    assert fit.chi_squared < CHI2_EXACT
    intensities = inversion.linear_light_profile_intensity_dict
    assert intensities[bulge] == pytest.approx(2.0, abs=ATOL_INTENSITY)
    assert bulge.lp_instance_from(intensities).intensity == pytest.approx(2.0, abs=ATOL_INTENSITY)
    # No regularized object: the evidence is the likelihood (PyAutoGalaxy's convention).
    assert fit.figure_of_merit == inversion.log_evidence
    assert inversion.log_evidence == pytest.approx(fit.log_likelihood, rel=1e-14)


def test_linear_and_standard_profiles_in_one_fit(brute):
    data = brute.data(
        ag.lp.Sersic(intensity=1.3, **SERSIC), ag.lp.Exponential(intensity=0.4, **EXPONENTIAL)
    )
    galaxy = ag.Galaxy(
        redshift=0.5,
        bulge=ag.lp.Sersic(intensity=1.3, **SERSIC),
        disk=ag.lp_linear.Exponential(**EXPONENTIAL),
    )
    fit = ag.FitImaging(dataset_from(data), [galaxy])
    assert fit.inversion.reconstruction == pytest.approx([0.4], abs=ATOL_INTENSITY)
    np.testing.assert_array_equal(
        fit.model_data.array, fit.blurred_image.array + fit.inversion.mapped_reconstructed_image
    )
    assert fit.chi_squared < CHI2_EXACT


def test_positive_only_solver_on_linear_profiles(brute):
    # The data are a Sersic minus an Exponential: the unconstrained solve finds the negative
    # disk, the positive-only one the best fit with the disk at zero: the Sersic alone, whose
    # intensity is the non-negative least-squares solution of the two brute-force columns.
    sersic = ag.lp.Sersic(intensity=2.0, **SERSIC)
    data = brute.data(sersic) - 0.3 * brute.image(
        ag.lp.Exponential(intensity=1.0, **EXPONENTIAL), PSF
    )
    galaxy = ag.Galaxy(
        redshift=0.5,
        bulge=ag.lp_linear.Sersic(**SERSIC),
        disk=ag.lp_linear.Exponential(**EXPONENTIAL),
    )
    dataset = dataset_from(data)
    free = ag.inversion_imaging_from(dataset, [galaxy])
    np.testing.assert_allclose(free.reconstruction, [2.0, -0.3], rtol=0, atol=ATOL_INTENSITY)
    settings = ag.SettingsInversion(use_positive_only_solver=True)
    inversion = ag.inversion_imaging_from(dataset, [galaxy], settings=settings)
    columns = np.stack(
        [
            brute.image(ag.lp.Sersic(intensity=1.0, **SERSIC), PSF),
            brute.image(ag.lp.Exponential(intensity=1.0, **EXPONENTIAL), PSF),
        ],
        axis=1,
    )
    expected, _ = scipy.optimize.nnls(columns, data)
    assert expected[1] == 0.0
    np.testing.assert_allclose(inversion.reconstruction, expected, rtol=0, atol=ATOL_INTENSITY)


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
    np.testing.assert_allclose(
        inversion.operated_mapping_matrix[:, 0], expected, rtol=0, atol=ATOL_COLUMN
    )


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


def test_pixelization_reconstructs_exponential_and_fits_better_than_the_native_psf(brute):
    source = ag.lp.Exponential(
        centre=(0.05, -0.1), ell_comps=(0.1, 0.05), intensity=5.0, effective_radius=0.4
    )
    data = brute.data(source)
    fit = ag.FitImaging(dataset_from(data), [pixelized_galaxy()])
    inversion = fit.inversion
    assert inversion.operated_mapping_matrix.shape == (MASK.pixels_in_mask, 400)
    assert np.isfinite(inversion.log_evidence)
    assert inversion.chi_squared < 0.1
    assert fit.chi_squared == pytest.approx(inversion.chi_squared, rel=1e-13)
    assert fit.figure_of_merit == inversion.log_evidence
    np.testing.assert_array_equal(fit.model_data.array, inversion.mapped_reconstructed_image)

    # The native block-summed PSF fits the oversampled data less well. (Not the evidence: at
    # this coefficient it is set by the regularization and log-determinant terms, and favours
    # the native fit for odd and even kernels alike: -817.9 vs -776.9 for a 13 x 13 kernel,
    # -812.5 vs -808.1 for this 12 x 12 one.)
    native = dataset_from(data, psf=PSF.native_psf_from(), s=1)
    assert native.psf.convolve_over_sample_size == 1
    fit_native = ag.FitImaging(native, [pixelized_galaxy()])
    assert np.isfinite(fit_native.log_evidence)
    assert fit_native.inversion.chi_squared > 1.1 * inversion.chi_squared


def test_pixelization_and_linear_profile_together(brute):
    lens = ag.lp.Sersic(intensity=1.0, **SERSIC)
    source = ag.lp.Exponential(centre=(0.3, 0.3), intensity=2.0, effective_radius=0.2)
    data = brute.data(lens, source)
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
def test_fit_with_the_sparse_operator_equals_the_mapping_formalism(s, brute):
    """A standard profile, a linear profile and a pixelization; non-uniform noise."""
    lens = ag.lp.Sersic(intensity=1.0, **SERSIC)
    source = ag.lp.Exponential(centre=(0.3, 0.3), intensity=2.0, effective_radius=0.2)
    psf = PSF if s == 2 else PSF.native_psf_from()
    noise = np.random.default_rng(4).uniform(0.05, 0.2, size=MASK.pixels_in_mask)
    dataset = dataset_from(brute.data(lens, source), psf=psf, s=s, noise=noise)
    galaxies = [
        ag.Galaxy(redshift=0.5, light=ag.lp.Sersic(intensity=0.5, **SERSIC)),
        ag.Galaxy(redshift=0.5, disk=ag.lp_linear.Exponential(**EXPONENTIAL)),
        pixelized_galaxy(),
    ]
    mapping = ag.FitImaging(dataset, galaxies)
    sparse = ag.FitImaging(dataset.apply_sparse_operator(), galaxies)
    assert isinstance(sparse.inversion, ag.InversionImagingSparse)
    assert not isinstance(mapping.inversion, ag.InversionImagingSparse)
    assert sparse.log_evidence == pytest.approx(mapping.log_evidence, rel=REL_FORMALISMS_EVIDENCE)
    reconstruction = mapping.inversion.reconstruction
    np.testing.assert_allclose(
        sparse.inversion.reconstruction,
        reconstruction,
        rtol=0,
        atol=REL_FORMALISMS_SOLUTION * np.max(np.abs(reconstruction)),
    )
    model = mapping.model_data.array
    np.testing.assert_allclose(
        sparse.model_data.array, model, rtol=0, atol=REL_FORMALISMS_IMAGE * np.max(np.abs(model))
    )
    disk = galaxies[1].disk
    assert sparse.inversion.linear_light_profile_intensity_dict[disk] == pytest.approx(
        mapping.inversion.linear_light_profile_intensity_dict[disk], rel=REL_FORMALISMS_INTENSITY
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


def test_two_identical_linear_profiles_raise(brute):
    galaxy = ag.Galaxy(
        redshift=0.5, a=ag.lp_linear.Sersic(**SERSIC), b=ag.lp_linear.Sersic(**SERSIC)
    )
    data = brute.data(ag.lp.Sersic(intensity=1.0, **SERSIC))
    inversion = ag.inversion_imaging_from(dataset_from(data), [galaxy])
    with pytest.raises(exc.InversionException, match=r"F \+ H .*(singular|not positive definite)"):
        _ = inversion.reconstruction


def test_no_linear_object_raises():
    with pytest.raises(exc.InversionException, match="no linear light profile or pixelization"):
        ag.inversion_imaging_from(EMPTY, [ag.Galaxy(redshift=0.5, bulge=ag.lp.Sersic())])


def test_unknown_backend_raises():
    # A module that only looks like jax.numpy is refused (NumPy and JAX are the two backends).
    fake_jnp = types.ModuleType("jax.numpy")
    galaxy = ag.Galaxy(redshift=0.5, bulge=ag.lp_linear.Sersic(**SERSIC))
    with pytest.raises(TypeError, match=r"xp must be numpy or jax.numpy, got 'jax.numpy'"):
        ag.inversion_imaging_from(EMPTY, [galaxy], xp=fake_jnp)


@pytest.mark.parametrize("s_lp, s_pix", [(1, 2), (2, 1)])
def test_each_channel_uses_its_own_convolve_size(s_lp, s_pix, brute):
    # One oversampled PSF (s = 2) serves both channels; the channel at s = 1 uses its native
    # block sum. The linear profile follows FitImaging's light-profile PSF, the pixelization
    # dataset.psf_pixelization: both columns against brute force at their own s.
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
    psf_lp = PSF if s_lp == 2 else PSF.native_psf_from()
    expected_column = brute.image(ag.lp.Sersic(intensity=1.0, **SERSIC), psf_lp, s_lp)
    np.testing.assert_allclose(
        inversion.operated_mapping_matrix[:, 0], expected_column, rtol=0, atol=ATOL_COLUMN
    )
    psf_pix = PSF if s_pix == 2 else PSF.native_psf_from()
    mapper = inversion.mapper_list[0]
    columns = [190, 210]  # central mesh pixels
    fine = mapper.mapping_matrix_over_sampled_for(s_pix, dense=True)[:, columns]
    expected_block = brute.columns(fine, psf_pix, s_pix)
    np.testing.assert_allclose(
        inversion.operated_mapping_matrix[:, [1 + c for c in columns]],
        expected_block,
        rtol=0,
        atol=ATOL_COLUMN,
    )


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
