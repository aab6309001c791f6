"""
Pure functions of regularization: the neighbour pairs of a rectangular mesh and the constant
gradient regularization matrix built from them.
"""

import numpy as np

__all__ = [
    "REGULARIZATION_DIAGONAL",
    "rectangular_neighbour_pairs_from",
    "constant_regularization_matrix_from",
    "rectangular_laplacian_eigenvalues_from",
    "constant_log_det_from",
]

# Added to the diagonal of every regularization matrix. ``B^T B`` of a gradient regularization is
# singular (a constant source has zero gradient), so ``ln det H`` of the evidence would be -inf;
# this tiny ridge makes ``H`` positive definite without changing the reconstruction measurably
# (PyAutoArray adds the same 1e-8).
REGULARIZATION_DIAGONAL = 1.0e-8


def rectangular_neighbour_pairs_from(shape) -> np.ndarray:
    """
    Return the index pairs of horizontally and vertically adjacent pixels of a rectangular mesh.

    Parameters
    ----------
    shape : tuple of int
        ``(ny, nx)`` pixels, row-major (pixel ``j * nx + i``).

    Returns
    -------
    numpy.ndarray
        (P, 2) int pairs, each pair once: first the ``ny (nx - 1)`` horizontal pairs, then the
        ``(ny - 1) nx`` vertical ones.
    """
    ny, nx = shape
    index = np.arange(ny * nx).reshape(ny, nx)
    horizontal = np.stack([index[:, :-1].ravel(), index[:, 1:].ravel()], axis=1)
    vertical = np.stack([index[:-1, :].ravel(), index[1:, :].ravel()], axis=1)
    return np.concatenate([horizontal, vertical], axis=0)


def constant_regularization_matrix_from(
    coefficient, neighbour_pairs, pixels: int, diagonal: float = REGULARIZATION_DIAGONAL, xp=np
):
    """
    Return the constant gradient regularization matrix
    ``H = coefficient^2 B^T B + diagonal * I``.

    ``B`` has one row ``e_i - e_j`` per neighbour pair, so
    ``s^T H s = coefficient^2 sum_pairs (s_i - s_j)^2 + diagonal |s|^2``.

    Parameters
    ----------
    coefficient : float or jax.Array
        The regularization strength (a traced JAX scalar under ``jax.jit`` / ``jax.grad``). It
        is squared as in PyAutoArray's ``reg.Constant``, so a coefficient fitted there means the
        same here.
    neighbour_pairs : numpy.ndarray
        (P, 2) int index pairs of neighbouring pixels (:func:`rectangular_neighbour_pairs_from`).
    pixels : int
        The number of mesh pixels.
    diagonal : float
        The ridge added to the diagonal (:data:`REGULARIZATION_DIAGONAL`), which makes
        ``ln det H`` finite.
    xp : module
        ``numpy`` or ``jax.numpy``: the array type returned.

    Returns
    -------
    numpy.ndarray or jax.Array
        (pixels, pixels) dense, symmetric and positive definite for ``diagonal > 0``.

    Notes
    -----
    ``B^T B`` (the graph Laplacian of the mesh) depends only on the mesh and is built with NumPy;
    only the scaling by ``coefficient^2`` is done in ``xp``, so the coefficient can be traced.
    """
    pairs = np.asarray(neighbour_pairs, dtype=np.int64).reshape(-1, 2)
    laplacian = np.zeros((pixels, pixels))
    laplacian[np.diag_indices(pixels)] = np.bincount(pairs.ravel(), minlength=pixels)
    np.add.at(laplacian, (pairs[:, 0], pairs[:, 1]), -1.0)
    np.add.at(laplacian, (pairs[:, 1], pairs[:, 0]), -1.0)
    c2 = float(coefficient) ** 2 if xp is np else coefficient**2
    return c2 * xp.asarray(laplacian) + diagonal * xp.eye(pixels)


def rectangular_laplacian_eigenvalues_from(shape) -> np.ndarray:
    """
    Return the eigenvalues of ``B^T B`` for the neighbour pairs of a rectangular mesh.

    ``B^T B`` is the Laplacian of the ``ny x nx`` grid graph, the Cartesian product of two path
    graphs, whose Laplacians have the eigenvalues ``2 - 2 cos(pi k / n)``, ``k = 0 .. n - 1``;
    the grid's are their pairwise sums (closed form, exact to rounding).

    Parameters
    ----------
    shape : tuple of int
        ``(ny, nx)`` pixels.

    Returns
    -------
    numpy.ndarray
        (ny * nx,) eigenvalues, the first 0 (the constant mode).
    """
    ny, nx = shape
    along_y = 2.0 - 2.0 * np.cos(np.pi * np.arange(ny) / ny)
    along_x = 2.0 - 2.0 * np.cos(np.pi * np.arange(nx) / nx)
    return (along_y[:, None] + along_x[None, :]).ravel()


def constant_log_det_from(
    coefficient, laplacian_eigenvalues, diagonal: float = REGULARIZATION_DIAGONAL, xp=np
):
    """
    Return ``ln det H`` of ``H = coefficient^2 B^T B + diagonal I`` from the eigenvalues of
    ``B^T B``: ``sum ln(coefficient^2 lambda_i + diagonal)``.

    O(pixels) per evaluation instead of a Cholesky factorisation, and exact for the constant
    mode (``lambda = 0``, whose ``ln diagonal`` a factorisation only reaches to the rounding of
    ``coefficient^2 ||B^T B|| / diagonal``).

    Parameters
    ----------
    coefficient : float or jax.Array
        The regularization strength (may be traced).
    laplacian_eigenvalues : numpy.ndarray
        The eigenvalues of ``B^T B`` (:func:`rectangular_laplacian_eigenvalues_from`).
    diagonal : float
        The ridge of :func:`constant_regularization_matrix_from`.
    xp : module
        ``numpy`` (a Python float is returned) or ``jax.numpy``.

    Returns
    -------
    float or jax.Array
    """
    value = xp.sum(xp.log(coefficient**2 * xp.asarray(laplacian_eigenvalues) + diagonal))
    return float(value) if xp is np else value
