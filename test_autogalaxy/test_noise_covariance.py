"""
Correlated noise (issue 13, item 1): ``Imaging(noise_covariance_matrix=C)`` is used, never stored
and ignored. The references are the textbook formulas evaluated with ``numpy.linalg.inv`` and
``slogdet`` (independent of the library's Cholesky whitening):

* ``ln L = -1/2 [r^T C^-1 r + ln det(2 pi C)]``;
* the generalised least-squares reconstruction ``s = (M^T C^-1 M + H)^-1 M^T C^-1 d``.
"""

import re

import numpy as np
import pytest

import autogalaxy as ag
from autoarray import exc

PS = 0.1


def covariance_from(n, seed=3, correlation=1.5):
    """A random symmetric positive-definite (n, n) covariance with strong correlations."""
    rng = np.random.default_rng(seed)
    factor = rng.normal(size=(n, n)) * correlation / np.sqrt(n)
    return factor @ factor.T + np.diag(rng.uniform(0.5, 2.0, n))


def dataset_from(mask=None, covariance=None, noise_map=None):
    mask = ag.Mask2D.circular((9, 9), 0.25, PS) if mask is None else mask
    rng = np.random.default_rng(1)
    data = ag.Array2D(rng.normal(size=mask.pixels_in_mask) + 1.0, mask)
    psf = ag.Convolver.from_gaussian((5, 5), PS, 0.05, normalize=True)
    return ag.Imaging(
        data,
        noise_map=noise_map,
        psf=psf,
        noise_covariance_matrix=covariance,
        over_sample_size_lp=1,
        over_sample_size_pixelization=1,
    )


def galaxy(intensity=1.0):
    return ag.Galaxy(0.5, bulge=ag.lp.Gaussian(sigma=0.1, intensity=intensity))


def textbook_log_likelihood(residual, covariance):
    _, log_det = np.linalg.slogdet(2.0 * np.pi * covariance)
    return -0.5 * (residual @ np.linalg.inv(covariance) @ residual + log_det)


def test__fit_log_likelihood_is_the_full_gaussian_one():
    mask = ag.Mask2D.circular((9, 9), 0.25, PS)
    covariance = covariance_from(mask.pixels_in_mask)
    dataset = dataset_from(mask, covariance)
    fit = ag.FitImaging(dataset, [galaxy()])
    residual = dataset.data.array - fit.model_data.array
    expected = textbook_log_likelihood(residual, covariance)
    assert fit.log_likelihood == pytest.approx(expected, rel=1e-12)
    # the diagonal likelihood (what ignoring the covariance would give) is far from it
    diagonal = -0.5 * np.sum(
        (residual / dataset.noise_map.array) ** 2 + np.log(2 * np.pi * dataset.noise_map.array**2)
    )
    assert abs(diagonal - expected) > 0.1


def test__a_diagonal_covariance_gives_the_ordinary_likelihood():
    mask = ag.Mask2D.circular((9, 9), 0.25, PS)
    sigma = np.random.default_rng(2).uniform(0.5, 2.0, mask.pixels_in_mask)
    plain = ag.FitImaging(dataset_from(mask, noise_map=ag.Array2D(sigma, mask)), [galaxy()])
    correlated = ag.FitImaging(dataset_from(mask, covariance=np.diag(sigma**2)), [galaxy()])
    assert correlated.log_likelihood == pytest.approx(plain.log_likelihood, rel=1e-13)
    np.testing.assert_array_equal(correlated.dataset.noise_map.array, sigma)  # default sqrt(diag)


def test__the_covariance_follows_apply_mask():
    mask = ag.Mask2D.circular((9, 9), 0.25, PS)
    covariance = covariance_from(mask.pixels_in_mask)
    dataset = dataset_from(mask, covariance)
    smaller = ag.Mask2D.circular((9, 9), 0.15, PS)
    masked = dataset.apply_mask(smaller)
    keep = ~smaller.array[~mask.array]
    fit = ag.FitImaging(masked, [galaxy()])
    residual = masked.data.array - fit.model_data.array
    expected = textbook_log_likelihood(residual, covariance[np.ix_(keep, keep)])
    assert fit.log_likelihood == pytest.approx(expected, rel=1e-12)


def test__linear_inversion_solves_the_generalised_least_squares_system():
    mask = ag.Mask2D.circular((9, 9), 0.25, PS)
    covariance = covariance_from(mask.pixels_in_mask)
    dataset = dataset_from(mask, covariance)
    linear = ag.Galaxy(
        0.5,
        bulge=ag.lp_linear.Gaussian(sigma=0.1),
        disk=ag.lp_linear.Gaussian(sigma=0.2, ell_comps=(0.1, 0.0)),
    )
    fit = ag.FitImaging(dataset, [linear])
    inversion = fit.inversion
    operated = inversion.operated_mapping_matrix
    c_inv = np.linalg.inv(covariance)
    data = dataset.data.array
    expected = np.linalg.solve(operated.T @ c_inv @ operated, operated.T @ c_inv @ data)
    np.testing.assert_allclose(inversion.reconstruction, expected, rtol=1e-10)
    residual = data - operated @ expected
    # unregularized: the evidence is the log-likelihood of the GLS solution
    assert fit.log_evidence == pytest.approx(
        textbook_log_likelihood(residual, covariance), rel=1e-10
    )


def test__pixelization_evidence_with_covariance_equals_the_textbook_formula():
    mask = ag.Mask2D.circular((9, 9), 0.3, PS)
    covariance = covariance_from(mask.pixels_in_mask, seed=4)
    dataset = dataset_from(mask, covariance)
    source = ag.Galaxy(
        1.0,
        pixelization=ag.Pixelization(
            mesh=ag.mesh.RectangularUniform(shape=(4, 4)), regularization=ag.reg.Constant(1.0)
        ),
    )
    inversion = ag.FitImaging(dataset, [source]).inversion
    m = inversion.operated_mapping_matrix
    h = inversion.regularization_matrix
    c_inv = np.linalg.inv(covariance)
    d = dataset.data.array
    f = m.T @ c_inv @ m
    s = np.linalg.solve(f + h, m.T @ c_inv @ d)
    np.testing.assert_allclose(inversion.reconstruction, s, rtol=1e-9)
    r = d - m @ s
    evidence = -0.5 * (
        r @ c_inv @ r
        + s @ h @ s
        + np.linalg.slogdet(f + h)[1]
        - np.linalg.slogdet(h)[1]
        + np.linalg.slogdet(2 * np.pi * covariance)[1]
    )
    assert inversion.log_evidence == pytest.approx(evidence, rel=1e-10)


def test__jax_fit_with_covariance_equals_numpy(enable_x64):
    jnp = pytest.importorskip("jax.numpy")
    mask = ag.Mask2D.circular((9, 9), 0.25, PS)
    dataset = dataset_from(mask, covariance_from(mask.pixels_in_mask))
    numpy_value = ag.FitImaging(dataset, [galaxy()]).log_likelihood
    jax_value = ag.FitImaging(dataset, [galaxy()], xp=jnp).log_likelihood
    assert float(jax_value) == pytest.approx(numpy_value, rel=1e-12)


def test__noise_scaling_makes_the_scaled_pixels_independent_with_the_new_variance():
    mask = ag.Mask2D.circular((9, 9), 0.25, PS)
    covariance = covariance_from(mask.pixels_in_mask)
    dataset = dataset_from(mask, covariance)
    region = ag.Mask2D.circular((9, 9), 0.1, PS)  # unmasked = the pixels to scale
    scaled = dataset.apply_noise_scaling(region, noise_value=1e4)
    chosen = ~region.array[~mask.array]
    matrix = scaled.noise_covariance_matrix
    np.testing.assert_array_equal(
        matrix[np.ix_(~chosen, ~chosen)], covariance[np.ix_(~chosen, ~chosen)]
    )
    np.testing.assert_array_equal(matrix[np.ix_(chosen, ~chosen)], 0.0)
    np.testing.assert_array_equal(np.diag(matrix)[chosen], 1e8)


def test__bad_covariances_are_refused():
    mask = ag.Mask2D.circular((9, 9), 0.25, PS)
    n = mask.pixels_in_mask
    # the release's test fixture: the identity with a row and column of ones through one pixel
    arrow = np.eye(n)
    arrow[:, n // 2] = arrow[n // 2, :] = 1.0
    with pytest.raises(exc.DatasetException, match="is not positive definite"):
        dataset_from(mask, arrow)
    asymmetric = covariance_from(n)
    asymmetric[0, 1] += 0.1
    with pytest.raises(exc.DatasetException, match=r"is not symmetric \(max \|C - C\^T\| = 0.1\)"):
        dataset_from(mask, asymmetric)
    nan = covariance_from(n)
    nan[2, 2] = np.nan
    with pytest.raises(exc.DatasetException, match="holds NaN or inf"):
        dataset_from(mask, nan)
    with pytest.raises(exc.DatasetException, match=re.escape(f"so ({n}, {n}) (slim order)")):
        dataset_from(mask, np.eye(n + 1))


def test__noise_map_disagreeing_with_the_covariance_warns():
    mask = ag.Mask2D.circular((9, 9), 0.25, PS)
    covariance = covariance_from(mask.pixels_in_mask)
    with pytest.warns(UserWarning, match=r"noise_map differs from sqrt\(diag"):
        dataset_from(mask, covariance, noise_map=ag.Array2D(np.ones(mask.pixels_in_mask), mask))


def test__the_sparse_operator_refuses_correlated_noise():
    mask = ag.Mask2D.circular((9, 9), 0.25, PS)
    dataset = dataset_from(mask, covariance_from(mask.pixels_in_mask))
    with pytest.raises(exc.DatasetException, match="cannot use the dataset's noise_covariance"):
        dataset.apply_sparse_operator()
    plain = dataset_from(mask).apply_sparse_operator()
    with pytest.raises(exc.DatasetException, match="cannot use the dataset's noise_covariance"):
        ag.Imaging(
            plain.data,
            plain.noise_map,
            plain.psf,
            noise_covariance_matrix=covariance_from(mask.pixels_in_mask),
            sparse_operator=plain.sparse_operator,
            over_sample_size_lp=1,
            over_sample_size_pixelization=1,
        )


def test__sparse_inversion_refuses_data_on_another_mask_than_its_operator():
    """Issue 13 item 16: an operator of mask A with data and noise on mask B used to run."""
    mask_a = ag.Mask2D.circular((9, 9), 0.25, PS)
    mask_b = ag.Mask2D(np.roll(mask_a.array, 1, axis=1), PS)
    assert mask_a.pixels_in_mask == mask_b.pixels_in_mask
    operator = dataset_from(mask_a).apply_sparse_operator().sparse_operator
    data_b = ag.Array2D(np.ones(mask_b.pixels_in_mask), mask_b)
    noise_b = ag.Array2D(np.ones(mask_b.pixels_in_mask), mask_b)
    mapper = ag.Pixelization(ag.mesh.RectangularUniform((3, 3))).mapper_from(
        ag.Grid2D.from_mask(mask_b, 1)
    )
    with pytest.raises(exc.InversionException, match="The data is on Mask2D.*built for Mask2D"):
        ag.InversionImagingSparse(data_b, noise_b, operator, [mapper.mapping_matrix])
