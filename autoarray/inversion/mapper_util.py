"""
Pure functions of mappers: the (fine) mapping matrix of over-sampled points interpolated onto a
mesh.

Pixel ``i`` of the pixelization grid is sampled at ``k_i x k_i`` points (per-pixel sub-block
order). With a PSF oversampled by ``s = convolve_over_sample_size`` the mapping matrix has
``s x s`` rows per pixel (``i * s^2 + a * s + b``, row-major inside the pixel), each the mean of the
``(k_i / s)^2`` samples of its fine cell: the grouping light profiles are pre-binned with
(:func:`autoarray.over_sample_util.fine_cell_for_sample_from`). ``s = 1`` gives one row per pixel,
the mean of its ``k_i^2`` samples.
"""

import numpy as np
import scipy.sparse

from autoarray import exc
from autoarray.structures.over_sampling import over_sample_util

__all__ = ["mapping_matrix_triplets_from", "mapping_matrix_from"]


def mapping_matrix_triplets_from(
    mappings, weights, sub_size, convolve_over_sample_size: int = 1, xp=np
) -> tuple:
    """
    Return the non-zeros of the (fine) mapping matrix, one per sample and mesh pixel it maps to.

    Every sample adds ``weight / (k_i / s)^2`` to its fine cell's row (the mean over the cell's
    samples) on each of its ``P`` mesh pixels. Nothing is merged, so the count is fixed,
    ``P x sum k_i^2``, whatever the mesh's extent or where the points fall: under JAX the shapes
    are static and a fit traces once per dataset and mesh shape.

    Parameters
    ----------
    mappings : numpy.ndarray or jax.Array
        (sum k_i^2, P) int mesh pixels every sample maps to (per-pixel sub-block order).
    weights : numpy.ndarray or jax.Array
        (sum k_i^2, P) float weights of those mesh pixels.
    sub_size : numpy.ndarray
        (N,) int over-sample size ``k_i`` of every image pixel.
    convolve_over_sample_size : int
        ``s``: 1 gives the rows of the native matrix; ``s > 1`` those of the fine one (``N s^2``
        rows, per-pixel sub-block order).
    xp : module
        ``numpy`` or ``jax.numpy`` (the array type of ``values``).

    Returns
    -------
    rows : numpy.ndarray
        (P sum k_i^2,) int64 row of every non-zero (fixed by the grid: always NumPy).
    cols : numpy.ndarray or jax.Array
        (P sum k_i^2,) mesh pixel of every non-zero.
    values : numpy.ndarray or jax.Array
        (P sum k_i^2,) float64 values; (row, col) pairs repeat and add up.

    Raises
    ------
    GridException
        If a ``k_i`` is not divisible by ``s``.
    InversionException
        If ``mappings`` and ``weights`` do not have one row per sample.
    """
    s = int(convolve_over_sample_size)
    sub_size = np.asarray(sub_size, dtype=np.int64)
    over_sample_util.check_divisible_by_convolve_size(sub_size, s, "over_sample_size_pixelization")
    cells, fraction = over_sample_util.fine_cell_for_sample_from(sub_size, s)
    if (
        tuple(mappings.shape) != tuple(weights.shape)
        or len(mappings.shape) != 2
        or mappings.shape[0] != cells.shape[0]
    ):
        raise exc.InversionException(
            f"mappings {tuple(mappings.shape)} and weights {tuple(weights.shape)} must both be "
            f"({cells.shape[0]}, P): one row per over-sampled point (sum of k_i^2)."
        )
    n_per = mappings.shape[1]
    values = xp.asarray(weights, dtype=np.float64) * xp.asarray(fraction)[:, None]
    return np.repeat(cells, n_per), xp.reshape(mappings, (-1,)), xp.reshape(values, (-1,))


def mapping_matrix_from(
    mappings, weights, sub_size, pixels: int, convolve_over_sample_size: int = 1
) -> scipy.sparse.csr_array:
    """
    Return the sparse mapping matrix of over-sampled points interpolated onto a mesh (NumPy).

    Parameters
    ----------
    mappings : numpy.ndarray
        (sum k_i^2, P) int mesh pixels every sample maps to (per-pixel sub-block order of the
        samples).
    weights : numpy.ndarray
        (sum k_i^2, P) float weights of those mesh pixels.
    sub_size : numpy.ndarray
        (N,) int over-sample size ``k_i`` of every image pixel.
    pixels : int
        The number of mesh pixels (columns).
    convolve_over_sample_size : int
        ``s``: 1 gives the native (N, pixels) matrix; ``s > 1`` the fine (N s^2, pixels) matrix in
        per-pixel sub-block order.

    Returns
    -------
    scipy.sparse.csr_array
        Entry (row, p): the mean over the row's samples of their weight on mesh pixel p
        (the non-zeros of :func:`mapping_matrix_triplets_from`, merged). Rows of pixels whose
        samples all lie inside the mesh sum to 1. Explicit zeros are removed.

    Raises
    ------
    GridException
        If a ``k_i`` is not divisible by ``s``.
    InversionException
        If ``mappings`` and ``weights`` do not have one row per sample.
    """
    s = int(convolve_over_sample_size)
    rows, cols, values = mapping_matrix_triplets_from(
        np.asarray(mappings), np.asarray(weights), sub_size, s
    )
    n_rows = int(np.asarray(sub_size).shape[0]) * s * s
    matrix = scipy.sparse.csr_array((values, (rows, cols)), shape=(n_rows, pixels))
    # COO -> CSR sums the duplicate (row, pixel) entries of a cell's samples.
    matrix.sum_duplicates()
    matrix.eliminate_zeros()
    return matrix
