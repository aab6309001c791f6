"""
The mapping formalism of ``autoarray.inversion`` with oversampled PSFs: operated mapping matrices
against a brute-force fine-frame convolution (``conftest.brute_force_operator_from``), default
invariance at s = 1, the solvers and the evidence against independent least-squares solutions and
formulas built from the brute-force operator and an explicit regularization matrix, and the
guards.
"""

import numpy as np
import pytest
import scipy.optimize

import autoarray as aa
from autoarray import exc
from autoarray.inversion import (
    inversion_util,
    mapper_operated_mapping_matrix_from,
    operated_mapping_matrix_from,
)

MASK = aa.Mask2D.circular((14, 14), radius=0.55, pixel_scales=0.1)
MESH_SHAPE = (6, 6)

# Tolerances: about 100x the error measured on the CI machine (in parentheses).
ATOL_OPERATED = 2e-14  # operated mapping matrix vs brute force, entries <= 0.3 (1.7e-16)
ATOL_SOLVE = 3e-13  # reconstruction vs lstsq of the tall system, values <= 1.5 (3.1e-15)
ATOL_NNLS = 2e-13  # positive-only reconstruction vs nnls of the tall system (2.2e-15)
ATOL_MATRICES = 1e-13  # D (<= 15), F (<= 29), H and model images vs the references (1.3e-15)
# ln det H of B^T B + 1e-8 I is ill-conditioned along the constant mode: Cholesky (ours) and LU
# (slogdet) differ by ~1e-9 in it, 4.6e-12 of the evidence.
RTOL_EVIDENCE = 5e-10


def dataset_from(s, kernel_shape=(7, 7), seed=0, data=None):
    """An imaging dataset with a random (asymmetric) PSF sampled at pixel scale / s."""
    rng = np.random.default_rng(seed)
    kernel = rng.uniform(0.1, 1.0, kernel_shape)
    psf = aa.Convolver.no_mask(kernel / kernel.sum(), 0.1 / s, convolve_over_sample_size=s)
    if data is None:
        data = rng.normal(size=MASK.pixels_in_mask)
    noise = rng.uniform(0.5, 2.0, MASK.pixels_in_mask)
    return aa.Imaging(
        data=aa.Array2D(data, MASK),
        noise_map=aa.Array2D(noise, MASK),
        psf=psf,
        over_sample_size_lp=4,
        over_sample_size_pixelization=4,
        convolve_over_sample_size_lp=s,
        convolve_over_sample_size_pixelization=s,
    )


def mapper_from(dataset, coefficient=1.0):
    pixelization = aa.Pixelization(
        aa.mesh.RectangularUniform(MESH_SHAPE), aa.reg.Constant(coefficient)
    )
    return pixelization.mapper_from(dataset.grids.pixelization)


# ------------------------------------------------------------------ operated mapping matrix


@pytest.mark.parametrize("s", (1, 2))
def test_operated_mapping_matrix_equals_brute_force(s, brute_force_operator):
    dataset = dataset_from(s=s)
    mapper = mapper_from(dataset)
    operated = mapper_operated_mapping_matrix_from(mapper, dataset.psf_pixelization, MASK)
    fine = mapper.mapping_matrix_over_sampled_for(s, dense=True)
    operator = brute_force_operator(MASK, dataset.psf_pixelization.native, s)
    expected = operator @ fine
    assert operated.shape == (MASK.pixels_in_mask, mapper.pixels)
    assert np.count_nonzero(expected) > 0.3 * expected.size  # the PSF spreads every column
    np.testing.assert_allclose(operated, expected, rtol=0, atol=ATOL_OPERATED)


def test_default_invariance_at_s_1_is_bit_for_bit_the_native_path():
    dataset = dataset_from(s=1)
    mapper = mapper_from(dataset)
    inversion = aa.InversionImagingMapping(
        data=dataset.data,
        noise_map=dataset.noise_map,
        operated_mapping_matrix_list=[
            mapper_operated_mapping_matrix_from(mapper, dataset.psf_pixelization, MASK)
        ],
        regularization_matrix_list=[mapper.regularization_matrix],
    )
    # A convolver built without the convolve argument, on the plain native mapping matrix.
    native_psf = aa.Convolver(dataset.psf.kernel)
    expected = native_psf.convolved_mapping_matrix_from(mapper.mapping_matrix, MASK)
    assert np.array_equal(inversion.operated_mapping_matrix, expected)


def test_no_psf_gives_the_mapping_matrix():
    dataset = dataset_from(s=1)
    mapper = mapper_from(dataset)
    operated = operated_mapping_matrix_from(mapper.mapping_matrix, None, MASK)
    assert np.array_equal(operated, mapper.mapping_matrix.toarray())


# ----------------------------------------------------------------------------------- guards


def test_native_mapping_matrix_with_oversampled_psf_raises():
    dataset = dataset_from(s=2)
    mapper = mapper_from(dataset)
    n = MASK.pixels_in_mask
    with pytest.raises(
        exc.InversionException,
        match=rf"shape \({n}, 36\) but the mask has {n} unmasked pixels, so {4 * n} rows .* "
        r"native mapping matrix .* mapper\.mapping_matrix_over_sampled_for\(2\)",
    ):
        operated_mapping_matrix_from(mapper.mapping_matrix, dataset.psf_pixelization, MASK)


def test_fine_mapping_matrix_with_native_psf_raises():
    dataset = dataset_from(s=1)
    mapper = mapper_from(dataset)
    with pytest.raises(exc.InversionException, match=r"looks like a fine mapping matrix"):
        operated_mapping_matrix_from(
            mapper.mapping_matrix_over_sampled_for(2), dataset.psf_pixelization, MASK
        )


def test_convolve_size_disagreeing_with_psf_raises():
    dataset = dataset_from(s=2)
    mapper = mapper_from(dataset)
    with pytest.raises(
        exc.InversionException,
        match=r"built for convolve_over_sample_size=1 but the PSF has convolve_over_sample_size=2",
    ):
        operated_mapping_matrix_from(
            mapper.mapping_matrix, dataset.psf_pixelization, MASK, convolve_over_sample_size=1
        )


def test_pixelization_grid_on_another_mask_raises():
    dataset = dataset_from(s=2)
    other = aa.Mask2D.circular((14, 14), radius=0.35, pixel_scales=0.1)
    mapper = aa.Mapper(aa.mesh.RectangularUniform((6, 6)), aa.Grid2D.from_mask(other, 4))
    with pytest.raises(
        exc.InversionException,
        match=rf"grid is on a mask of shape \(14, 14\) with {other.pixels_in_mask} unmasked",
    ):
        mapper_operated_mapping_matrix_from(mapper, dataset.psf_pixelization, MASK)
    # The same mismatch reaching the plain function is caught by the shape check.
    with pytest.raises(exc.InversionException, match="built on another mask"):
        operated_mapping_matrix_from(
            mapper.mapping_matrix_over_sampled_for(2), dataset.psf_pixelization, MASK
        )


def test_inversion_shape_checks():
    n = MASK.pixels_in_mask
    with pytest.raises(exc.InversionException, match=r"operated mapping matrix of block has shape"):
        aa.InversionImagingMapping(
            np.ones(n), np.ones(n), [np.ones((n - 1, 2))], label_list=["block"]
        )
    with pytest.raises(exc.InversionException, match=r"regularization matrix of linear object 0"):
        aa.InversionImagingMapping(np.ones(n), np.ones(n), [np.ones((n, 2))], [np.eye(3)])
    with pytest.raises(exc.InversionException, match="at least one linear object"):
        aa.InversionImagingMapping(np.ones(n), np.ones(n), [])
    with pytest.raises(exc.InversionException, match=r"same length, got shapes"):
        aa.InversionImagingMapping(np.ones(n), np.ones(n + 1), [np.ones((n, 1))])
    with pytest.raises(
        exc.InversionException,
        match=r"Got the matrices of 1 linear objects, 1 regularization matrices, 1 linear "
        r"objects and 2 labels; one of each per linear object",
    ):
        aa.InversionImagingMapping(np.ones(n), np.ones(n), [np.ones((n, 1))], label_list=["a", "b"])
    with pytest.raises(exc.InversionException, match=r"of linear object 0 has shape \(3,\)"):
        aa.InversionImagingMapping(np.ones(n), np.ones(n), [np.ones(3)])


def test_zero_unregularized_column_raises():
    rng = np.random.default_rng(1)
    n = MASK.pixels_in_mask
    inversion = aa.InversionImagingMapping(
        rng.normal(size=n),
        np.ones(n),
        [rng.normal(size=(n, 1)), np.zeros((n, 1))],
        label_list=["bulge", "disk"],
    )
    with pytest.raises(
        exc.InversionException,
        match=r"singular: the operated mapping matrix column of disk is zero \(no flux in the mask\)",
    ):
        _ = inversion.reconstruction


def test_degenerate_columns_raise():
    rng = np.random.default_rng(2)
    n = MASK.pixels_in_mask
    column = rng.normal(size=(n, 1))
    inversion = aa.InversionImagingMapping(
        rng.normal(size=n), np.ones(n), [column, 2.0 * column], label_list=["a", "b"]
    )
    with pytest.raises(exc.InversionException, match=r"F \+ H .* (singular|not positive definite)"):
        _ = inversion.log_evidence


def test_mask_of_the_wrong_type_raises():
    dataset = dataset_from(s=1)
    mapper = mapper_from(dataset)
    with pytest.raises(exc.InversionException, match="mask must be a Mask2D, got ndarray"):
        operated_mapping_matrix_from(mapper.mapping_matrix, dataset.psf, MASK.array)


def test_non_finite_inputs_raise():
    n = MASK.pixels_in_mask
    rng = np.random.default_rng(3)
    columns = [rng.normal(size=(n, 1)), rng.normal(size=(n, 1))]
    noise = np.ones(n)
    noise[4] = np.nan
    inversion = aa.InversionImagingMapping(rng.normal(size=n), noise, columns)
    with pytest.raises(
        exc.InversionException, match=r"The matrix F \+ H .* holds NaN or inf; check the data"
    ):
        _ = inversion.reconstruction
    data = rng.normal(size=n)
    data[2] = np.inf
    inversion = aa.InversionImagingMapping(data, np.ones(n), columns)
    with pytest.raises(exc.InversionException, match="The reconstruction holds NaN or inf"):
        _ = inversion.reconstruction


def test_cholesky_factor_names_the_failure():
    with pytest.raises(
        exc.InversionException, match=r"The matrix M \(2 x 2\) is not positive definite"
    ):
        inversion_util.cholesky_factor_from(np.array([[1.0, 2.0], [2.0, 1.0]]), name="M")
    nearly = np.array([[1.0, 1.0], [1.0, 1.0 + 1e-15]])
    with pytest.raises(
        exc.InversionException,
        match=r"singular to rounding: b is a linear combination of the parameters before it",
    ):
        inversion_util.cholesky_factor_from(nearly, labels=["a", "b"])
    # A regularization matrix may be that ill-conditioned: its check is off.
    factor = inversion_util.cholesky_factor_from(nearly, check_degenerate=False)
    np.testing.assert_allclose(factor.T @ factor, nearly, rtol=0, atol=1e-15)


def test_positive_only_solver_that_does_not_converge_raises(monkeypatch):
    def failing_nnls(*args, **kwargs):
        raise RuntimeError("Maximum number of iterations reached.")

    monkeypatch.setattr(inversion_util.scipy.optimize, "nnls", failing_nnls)
    with pytest.raises(
        exc.InversionException,
        match=r"positive-only solver \(scipy.optimize.nnls\) did not converge for 2 parameters: "
        "Maximum number",
    ):
        inversion_util.reconstruction_positive_only_from(np.eye(2), np.ones(2))


def test_settings_type_checks():
    with pytest.raises(TypeError, match="use_positive_only_solver must be True or False"):
        aa.SettingsInversion(use_positive_only_solver="yes")
    n = MASK.pixels_in_mask
    with pytest.raises(TypeError, match=r"settings must be a SettingsInversion, got dict; pass"):
        aa.InversionImagingMapping(
            np.ones(n),
            np.ones(n),
            [np.ones((n, 1))],
            settings={"use_positive_only_solver": True},
        )


def test_the_base_class_is_abstract():
    n = MASK.pixels_in_mask
    with pytest.raises(TypeError, match="abstract"):
        aa.AbstractInversionImaging(np.ones(n), np.ones(n), 1)
    assert issubclass(aa.InversionImagingMapping, aa.AbstractInversionImaging)
    assert issubclass(aa.InversionImagingSparse, aa.AbstractInversionImaging)
    assert not issubclass(aa.InversionImagingSparse, aa.InversionImagingMapping)


# ---------------------------------------------------------------------- solve and evidence


COEFFICIENT = 0.5


@pytest.fixture(name="reference", scope="module")
def make_reference(brute_force_operator, explicit_regularization_matrix):
    """
    The regularized system of :func:`regularized_inversion` built independently: the operated
    mapping matrix from the brute-force operator, the regularization matrix from explicit loops.
    """
    dataset = dataset_from(s=2, seed=4)
    mapper = mapper_from(dataset, coefficient=COEFFICIENT)
    operator = brute_force_operator(MASK, dataset.psf_pixelization.native, 2)
    M = np.hstack([operator @ mapper.mapping_matrix_over_sampled_for(2, dense=True), LINEAR])
    H = np.zeros((M.shape[1], M.shape[1]))
    H[:-1, :-1] = explicit_regularization_matrix(MESH_SHAPE, COEFFICIENT)
    return dataset, M, H


LINEAR = np.random.default_rng(5).uniform(0.0, 1.0, (MASK.pixels_in_mask, 1))


def regularized_inversion(positive=False):
    """A 6 x 6 pixelization (regularized) and a linear column (not), s = 2, noise as data."""
    dataset = dataset_from(s=2, seed=4)
    mapper = mapper_from(dataset, coefficient=COEFFICIENT)
    return aa.InversionImagingMapping(
        data=dataset.data,
        noise_map=dataset.noise_map,
        operated_mapping_matrix_list=[
            mapper_operated_mapping_matrix_from(mapper, dataset.psf_pixelization, MASK),
            LINEAR,
        ],
        regularization_matrix_list=[mapper.regularization_matrix, None],
        linear_obj_list=[mapper, "profile"],
        settings=aa.SettingsInversion(use_positive_only_solver=positive),
    )


def tall_system(dataset, M, H):
    """[N^-1/2 M~; L^T] s ~ [N^-1/2 d; 0] with H = L L^T (the regularized least squares)."""
    sigma = dataset.noise_map.array
    root = np.zeros_like(H)
    root[:-1, :-1] = np.linalg.cholesky(H[:-1, :-1]).T
    A = np.vstack([M / sigma[:, None], root])
    b = np.concatenate([dataset.data.array / sigma, np.zeros(H.shape[0])])
    return A, b


def test_unconstrained_reconstruction_matches_lstsq(reference):
    dataset, M, H = reference
    inversion = regularized_inversion()
    expected = np.linalg.lstsq(*tall_system(dataset, M, H), rcond=None)[0]
    np.testing.assert_allclose(inversion.reconstruction, expected, rtol=0, atol=ATOL_SOLVE)
    assert inversion.reconstruction.min() < 0  # the data are noise: negative values appear
    assert [len(r) for r in inversion.reconstruction_list] == [36, 1]
    np.testing.assert_array_equal(
        inversion.reconstruction_dict["profile"], inversion.reconstruction[36:]
    )


def test_positive_only_reconstruction_matches_nnls_of_the_tall_system(reference):
    dataset, M, H = reference
    inversion = regularized_inversion(positive=True)
    expected, _ = scipy.optimize.nnls(*tall_system(dataset, M, H))
    assert np.all(inversion.reconstruction >= 0)
    assert np.count_nonzero(expected == 0.0) > 5  # the constraint is active
    np.testing.assert_allclose(inversion.reconstruction, expected, rtol=0, atol=ATOL_NNLS)


def test_log_evidence_matches_the_formula_with_slogdet(reference):
    dataset, M, H = reference
    inversion = regularized_inversion()
    s = inversion.reconstruction
    d, sigma = dataset.data.array, dataset.noise_map.array
    chi2 = np.sum(((d - M @ s) / sigma) ** 2)
    F = (M / sigma[:, None]).T @ (M / sigma[:, None])
    reg = s[:-1] @ H[:-1, :-1] @ s[:-1]
    logdet_fh = np.linalg.slogdet((F + H)[:-1, :-1])[1]
    logdet_h = np.linalg.slogdet(H[:-1, :-1])[1]
    expected = -0.5 * (chi2 + reg + logdet_fh - logdet_h + np.sum(np.log(2 * np.pi * sigma**2)))
    np.testing.assert_allclose(inversion.log_evidence, expected, rtol=RTOL_EVIDENCE)
    np.testing.assert_allclose(inversion.chi_squared, chi2, rtol=1e-13)  # (0.0)
    np.testing.assert_allclose(inversion.regularization_matrix, H, rtol=0, atol=ATOL_MATRICES)
    np.testing.assert_allclose(
        inversion.data_vector, M.T @ (d / sigma**2), rtol=0, atol=ATOL_MATRICES
    )
    np.testing.assert_allclose(inversion.curvature_matrix, F, rtol=0, atol=ATOL_MATRICES)
    np.testing.assert_allclose(
        inversion.mapped_reconstructed_image, M @ s, rtol=0, atol=ATOL_MATRICES
    )
    for image, block, values in zip(
        inversion.mapped_reconstructed_image_list, (M[:, :-1], M[:, -1:]), (s[:-1], s[-1:])
    ):
        np.testing.assert_allclose(image, block @ values, rtol=0, atol=ATOL_MATRICES)


def test_unregularized_inversion_evidence_is_the_likelihood():
    rng = np.random.default_rng(8)
    n = MASK.pixels_in_mask
    columns = rng.uniform(0.0, 1.0, (n, 2))
    data = columns @ np.array([1.5, -0.3]) + 0.01 * rng.normal(size=n)
    inversion = aa.InversionImagingMapping(data, np.ones(n), [columns[:, :1], columns[:, 1:]])
    np.testing.assert_allclose(
        inversion.reconstruction, np.linalg.lstsq(columns, data, rcond=None)[0], rtol=1e-13
    )  # (6.7e-16)
    assert inversion.log_det_curvature_reg_matrix_term == 0.0
    assert inversion.log_det_regularization_matrix_term == 0.0
    assert inversion.log_evidence == pytest.approx(inversion.log_likelihood, rel=1e-14)
