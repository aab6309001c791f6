"""
The closed-form ``ln det H`` of constant regularization on a rectangular mesh, against the
log determinant of the explicit matrix (``numpy.linalg.slogdet``), and the inversion's checks of
the log determinants it is given.
"""

import numpy as np
import pytest

import autoarray as aa
from autoarray.inversion import regularization_util


@pytest.mark.parametrize("shape", [(3, 3), (4, 7), (6, 5)])
@pytest.mark.parametrize("coefficient", [0.3, 1.0, 25.0])
def test__closed_form_log_det__equals_slogdet_of_the_matrix(shape, coefficient):
    mesh = aa.mesh.RectangularUniform(shape=shape)
    regularization = aa.reg.Constant(coefficient=coefficient)
    matrix = regularization.regularization_matrix_from(mesh)
    sign, expected = np.linalg.slogdet(matrix)
    assert sign == 1.0
    value = regularization.log_det_regularization_matrix_from(mesh)
    # slogdet's own rounding on the 1e-8 constant mode: ~ coefficient^2 * 8 * eps / 1e-8.
    np.testing.assert_allclose(value, expected, rtol=0, atol=1e-6 * max(1.0, coefficient**2))


def test__laplacian_eigenvalues__are_those_of_the_neighbour_pairs():
    mesh = aa.mesh.RectangularUniform(shape=(4, 5))
    laplacian = regularization_util.constant_regularization_matrix_from(
        1.0, mesh.neighbour_pairs, mesh.pixels, diagonal=0.0
    )
    np.testing.assert_allclose(
        np.sort(mesh.laplacian_eigenvalues), np.linalg.eigvalsh(laplacian), atol=1e-12
    )


def test__inversion_with_closed_form_log_det__equals_the_factorised_one():
    rng = np.random.default_rng(0)
    mesh = aa.mesh.RectangularUniform(shape=(4, 4))
    regularization = aa.reg.Constant(coefficient=2.0)
    blurred = rng.random((30, mesh.pixels))
    data, noise = rng.random(30), np.full(30, 0.5)
    reg = regularization.regularization_matrix_from(mesh)
    log_det = regularization.log_det_regularization_matrix_from(mesh)
    given = aa.InversionImagingMapping(
        data, noise, [blurred], [reg], log_det_regularization_list=[log_det]
    )
    factorised = aa.InversionImagingMapping(data, noise, [blurred], [reg])
    assert given.log_det_regularization_matrix_term == log_det
    # The factorisation reaches the 1e-8 constant mode only to ~coefficient^2 * 8 eps / 1e-8.
    np.testing.assert_allclose(
        given.log_det_regularization_matrix_term,
        factorised.log_det_regularization_matrix_term,
        rtol=0,
        atol=1e-6,
    )


def test__log_det_list__bad_inputs():
    data, noise = np.ones(5), np.ones(5)
    blocks = [np.eye(5)[:, :2], np.eye(5)[:, 2:]]
    with pytest.raises(aa.exc.InversionException, match=r"Got 1 log determinants .* for 2 linear"):
        aa.InversionImagingMapping(data, noise, blocks, log_det_regularization_list=[1.0])
    with pytest.raises(aa.exc.InversionException, match=r"linear object 0 has a log determinant"):
        aa.InversionImagingMapping(data, noise, blocks, log_det_regularization_list=[1.0, None])
