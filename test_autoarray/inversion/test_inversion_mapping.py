"""
The mapping formalism of ``autoarray.inversion`` with oversampled PSFs: operated mapping matrices
against a brute-force fine-frame convolution, default invariance at s = 1, the solvers against
independent least-squares solutions, the evidence, and the guards.
"""

import numpy as np
import pytest
import scipy.optimize
import scipy.signal

import autoarray as aa
from autoarray import exc
from autoarray.inversion import mapper_operated_mapping_matrix_from, operated_mapping_matrix_from

MASK = aa.Mask2D.circular((14, 14), radius=0.55, pixel_scales=0.1)


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


def mapper_from(dataset, shape=(6, 6), coefficient=1.0):
    pixelization = aa.Pixelization(aa.mesh.RectangularUniform(shape), aa.reg.Constant(coefficient))
    return pixelization.mapper_from(dataset.grids.pixelization)


def brute_force_operated_column(fine_column, kernel, mask, s):
    """Fine-frame convolve2d of one column, placed by per-pixel sub-block order, s x s mean."""
    ny, nx = mask.shape_native
    frame = np.zeros((ny * s, nx * s))
    blocks = np.asarray(fine_column).reshape(-1, s, s)
    for value, (row, col) in zip(blocks, np.argwhere(~mask.array)):
        frame[row * s : (row + 1) * s, col * s : (col + 1) * s] = value
    convolved = scipy.signal.convolve2d(frame, kernel, mode="same")
    return convolved.reshape(ny, s, nx, s).mean(axis=(1, 3))[~mask.array]


# ------------------------------------------------------------------ operated mapping matrix


def test_operated_mapping_matrix_column_matches_brute_force_at_s_2():
    dataset = dataset_from(s=2)
    mapper = mapper_from(dataset)
    operated = mapper_operated_mapping_matrix_from(mapper, dataset.psf_pixelization, MASK)
    fine = mapper.mapping_matrix_over_sampled_for(2, dense=True)
    assert operated.shape == (MASK.pixels_in_mask, mapper.pixels)
    kernel = dataset.psf_pixelization.native
    for column in (14, 21):  # interior mesh pixels with many fine cells
        assert np.count_nonzero(fine[:, column]) > 10
        expected = brute_force_operated_column(fine[:, column], kernel, MASK, 2)
        np.testing.assert_allclose(operated[:, column], expected, rtol=0, atol=1e-12)


def test_operated_mapping_matrix_column_matches_brute_force_at_s_1():
    dataset = dataset_from(s=1)
    mapper = mapper_from(dataset)
    operated = mapper_operated_mapping_matrix_from(mapper, dataset.psf_pixelization, MASK)
    column = 21
    expected = brute_force_operated_column(
        mapper.mapping_matrix.toarray()[:, column], dataset.psf.native, MASK, 1
    )
    np.testing.assert_allclose(operated[:, column], expected, rtol=0, atol=1e-12)


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


def test_settings_type_check():
    with pytest.raises(TypeError, match="use_positive_only_solver must be True or False"):
        aa.SettingsInversion(use_positive_only_solver="yes")


# ---------------------------------------------------------------------- solve and evidence


def regularized_inversion(s=2, positive=False, coefficient=0.5):
    dataset = dataset_from(s=s, seed=4)
    mapper = mapper_from(dataset, coefficient=coefficient)
    rng = np.random.default_rng(5)
    n = MASK.pixels_in_mask
    linear_column = rng.uniform(0.0, 1.0, (n, 1))
    inversion = aa.InversionImagingMapping(
        data=dataset.data,
        noise_map=dataset.noise_map,
        operated_mapping_matrix_list=[
            mapper_operated_mapping_matrix_from(mapper, dataset.psf_pixelization, MASK),
            linear_column,
        ],
        regularization_matrix_list=[mapper.regularization_matrix, None],
        linear_obj_list=[mapper, "profile"],
        settings=aa.SettingsInversion(use_positive_only_solver=positive),
    )
    return dataset, mapper, inversion


def tall_system(dataset, inversion):
    """[N^-1/2 M~; L^T] s ~ [N^-1/2 d; 0] with H = L L^T (the regularized least squares)."""
    sigma = dataset.noise_map.array
    H = inversion.regularization_matrix
    index = inversion.regularized_indices
    root = np.zeros_like(H)
    block = np.linalg.cholesky(H[np.ix_(index, index)])
    root[np.ix_(index, index)] = block.T
    A = np.vstack([inversion.operated_mapping_matrix / sigma[:, None], root])
    b = np.concatenate([dataset.data.array / sigma, np.zeros(H.shape[0])])
    return A, b


def test_unconstrained_reconstruction_matches_lstsq():
    dataset, _, inversion = regularized_inversion()
    A, b = tall_system(dataset, inversion)
    expected = np.linalg.lstsq(A, b, rcond=None)[0]
    np.testing.assert_allclose(inversion.reconstruction, expected, rtol=0, atol=1e-8)
    assert inversion.reconstruction.min() < 0  # the data are noise: negative values appear
    assert [len(r) for r in inversion.reconstruction_list] == [36, 1]
    np.testing.assert_array_equal(
        inversion.reconstruction_dict["profile"], inversion.reconstruction[36:]
    )


def test_positive_only_reconstruction_matches_nnls_of_the_tall_system():
    dataset, _, inversion = regularized_inversion(positive=True)
    A, b = tall_system(dataset, inversion)
    expected, _ = scipy.optimize.nnls(A, b)
    assert np.all(inversion.reconstruction >= 0)
    np.testing.assert_allclose(inversion.reconstruction, expected, rtol=0, atol=1e-7)


def test_log_evidence_matches_the_formula_with_slogdet():
    dataset, _, inversion = regularized_inversion()
    s = inversion.reconstruction
    d, sigma = dataset.data.array, dataset.noise_map.array
    M = inversion.operated_mapping_matrix
    chi2 = np.sum(((d - M @ s) / sigma) ** 2)
    index = inversion.regularized_indices
    F = (M / sigma[:, None]).T @ (M / sigma[:, None])
    H = inversion.regularization_matrix
    reg = s[index] @ H[np.ix_(index, index)] @ s[index]
    logdet_fh = np.linalg.slogdet((F + H)[np.ix_(index, index)])[1]
    logdet_h = np.linalg.slogdet(H[np.ix_(index, index)])[1]
    expected = -0.5 * (chi2 + reg + logdet_fh - logdet_h + np.sum(np.log(2 * np.pi * sigma**2)))
    np.testing.assert_allclose(inversion.log_evidence, expected, rtol=1e-10)
    np.testing.assert_allclose(inversion.chi_squared, chi2, rtol=1e-10)
    np.testing.assert_allclose(inversion.data_vector, M.T @ (d / sigma**2), rtol=1e-12)
    np.testing.assert_allclose(inversion.curvature_matrix, F, rtol=1e-12, atol=1e-12)


def test_unregularized_inversion_evidence_is_the_likelihood():
    rng = np.random.default_rng(8)
    n = MASK.pixels_in_mask
    columns = rng.uniform(0.0, 1.0, (n, 2))
    data = columns @ np.array([1.5, -0.3]) + 0.01 * rng.normal(size=n)
    inversion = aa.InversionImagingMapping(data, np.ones(n), [columns[:, :1], columns[:, 1:]])
    np.testing.assert_allclose(
        inversion.reconstruction, np.linalg.lstsq(columns, data, rcond=None)[0], rtol=1e-10
    )
    assert inversion.log_det_curvature_reg_matrix_term == 0.0
    assert inversion.log_det_regularization_matrix_term == 0.0
    assert inversion.log_evidence == pytest.approx(inversion.log_likelihood, rel=1e-14)
