"""
Pure functions of the sparse linear-algebra formalism of imaging inversions.

The formalism
-------------
With the (fine) mapping matrix ``A`` (``N s^2`` rows in per-pixel sub-block order, one column per
source parameter), the PSF operator ``K`` (``N x N s^2``: convolve at fine resolution, then take
the mean of each ``s x s`` block; the ordinary native convolution when ``s = 1``) and the noise
map ``sigma``, the mapping formalism's data vector and curvature matrix are

    D = A^T K^T (d / sigma^2),        F = A^T W A,        W = K^T N^-1 K,   N = diag(sigma^2).

``W`` depends only on the mask, the PSF and the noise map, so it (or what applies it) is built
once per dataset; ``A`` changes with every source model and stays sparse. Writing
``R = N^-1/2 K`` (the noise-weighted operator) gives ``W = R^T R``. Three engines apply ``W``:

``"w_sparse"``
    ``W`` precomputed as a sparse matrix; ``F = A^T (W A)`` by sparse products. Its non-zeros
    grow as ``N s^4`` times the kernel's native area, so it is the engine of native PSFs.
``"w_fft"``
    ``W`` never stored: columns of ``A`` are taken in batches, blurred by FFT, weighted by
    ``1 / sigma^2`` and blurred back with the transposed (correlating) kernel; memory is
    ``N s^2`` times the batch size. It is the JAX / GPU engine (fixed shapes, dense batches).
``"factored"``
    ``F = (R A)^T (R A)``: one sparse product per source model gives the noise-weighted
    operated matrix at native resolution (``N`` rows, sparse; never the dense ``N x S`` matrix
    nor the fine ``N s^2 x S`` one), whose Gram matrix is ``F``. Its cost grows as ``s^2``
    rather than ``s^4``, so it is the engine of oversampled PSFs on the CPU; when the product
    is too dense for sparse arithmetic to pay, its Gram matrix is taken with dense BLAS.

All three give the same ``F`` to rounding; ``benchmarks/sparse_operator.py`` measures which is
fastest where (``benchmarks/RESULTS.md``).

The module also holds the checks and helpers both formalisms share without the operators layer
importing :mod:`autoarray.inversion`: :func:`check_mapping_matrix_rows`,
:func:`symmetric_part_from` and :func:`values_slim_from`.
"""

from typing import NamedTuple

import numpy as np
import scipy.linalg.blas
import scipy.sparse

from autoarray import exc
from autoarray.mask.mask_2d import Mask2D
from autoarray.operators import convolver_util, csr_util

__all__ = [
    "ENGINES",
    "GRAM_DENSE_DENSITY",
    "FFTInputs",
    "values_slim_from",
    "symmetric_part_from",
    "check_mapping_matrix_rows",
    "weighted_operator_from",
    "w_matrix_from",
    "curvature_matrix_via_w_sparse_from",
    "curvature_matrix_via_factored_from",
    "curvature_matrix_via_w_fft_from",
    "curvature_matrix_via_w_fft_jax_from",
    "data_vector_from",
    "data_vector_via_jax_from",
    "adjoint_mapped_via_jax_from",
    "blurred_image_via_jax_from",
]

ENGINES = ("auto", "w_sparse", "w_fft", "factored")

# Above this fraction of non-zeros the weighted operated matrix's Gram matrix is cheaper with
# dense BLAS (syrk) than with sparse products (see benchmarks/RESULTS.md, "sparse operator").
GRAM_DENSE_DENSITY = 0.09


def values_slim_from(values, xp=np) -> np.ndarray:
    """
    Return the values of the unmasked pixels as a plain float64 array.

    Parameters
    ----------
    values : Array2D or array_like
        An ``Array2D`` (its slim values are taken, whether it stores them slim or native) or
        any array-like, taken as it is.
    xp : module
        ``numpy`` or ``jax.numpy``: the array type returned.

    Returns
    -------
    numpy.ndarray or jax.Array
        float64 array; (N,) for an ``Array2D``.
    """
    if hasattr(values, "slim") and hasattr(values, "mask"):
        values = values.slim.array
    return xp.asarray(values, dtype=np.float64)


def symmetric_part_from(matrix):
    """
    Return ``(M + M^T) / 2``.

    Curvature matrices are symmetric in exact arithmetic but a product such as ``X^T X`` or
    ``A^T (W A)`` need not be to rounding; symmetrising makes the Cholesky factorisation see
    exactly a symmetric matrix.

    Parameters
    ----------
    matrix : numpy.ndarray or jax.Array
        (S, S) square matrix.

    Returns
    -------
    numpy.ndarray or jax.Array
        (S, S), of the input's array type, equal to its transpose.
    """
    return 0.5 * (matrix + matrix.T)


def check_mapping_matrix_rows(mapping_matrix, mask: Mask2D, convolve_over_sample_size: int):
    """
    Check that a mapping matrix has one row per fine cell of the mask.

    Parameters
    ----------
    mapping_matrix : numpy.ndarray or scipy.sparse.sparray
        The matrix to check.
    mask : Mask2D
        The dataset's native mask, with ``N`` unmasked pixels.
    convolve_over_sample_size : int
        ``s`` of the PSF: ``N s^2`` rows are expected.

    Raises
    ------
    InversionException
        Unless ``mapping_matrix`` is 2D with ``N s^2`` rows; the message names the likely mistake
        (a native mapping matrix with an oversampled PSF, a fine one with a native PSF, or a
        grid built on another mask).
    """
    s_psf = convolve_over_sample_size
    shape = tuple(getattr(mapping_matrix, "shape", np.shape(mapping_matrix)))
    n = mask.pixels_in_mask
    expected = n * s_psf * s_psf
    if len(shape) != 2 or shape[0] != expected:
        if len(shape) == 2 and s_psf > 1 and shape[0] == n:
            hint = (
                f" It is a native mapping matrix ({n} rows): with convolve_over_sample_size="
                f"{s_psf} pass the fine one, mapper.mapping_matrix_over_sampled_for({s_psf})."
            )
        elif len(shape) == 2 and s_psf == 1 and shape[0] > n and shape[0] % n == 0:
            hint = (
                " It looks like a fine mapping matrix, but the PSF is native "
                "(convolve_over_sample_size=1): pass mapper.mapping_matrix."
            )
        else:
            hint = (
                " Was the pixelization grid built on another mask? Use "
                "dataset.grids.pixelization of this dataset."
            )
        raise exc.InversionException(
            f"The mapping matrix has shape {shape} but the mask has {n} unmasked pixels, so "
            f"{expected} rows ({n} x {s_psf}^2) were expected.{hint}"
        )


def weighted_operator_from(kernel_operator, noise_map) -> scipy.sparse.csr_array:
    """
    Return ``R = N^-1/2 K``: row ``i`` of the sparse PSF operator divided by ``sigma_i``.

    Parameters
    ----------
    kernel_operator : scipy.sparse.sparray
        (N, N s^2) sparse ``K`` (the mask columns of
        :attr:`autoarray.ConvolverState.real_space_operator`).
    noise_map : numpy.ndarray
        (N,) 1-sigma noise of the mask pixels.

    Returns
    -------
    scipy.sparse.csr_array
        (N, N s^2).
    """
    inverse_sigma = 1.0 / np.asarray(noise_map, dtype=np.float64)
    return scipy.sparse.csr_array(scipy.sparse.diags_array(inverse_sigma) @ kernel_operator)


def w_matrix_from(weighted_operator) -> scipy.sparse.csr_array:
    """
    Return ``W = R^T R = K^T N^-1 K``.

    Parameters
    ----------
    weighted_operator : scipy.sparse.sparray
        (N, N s^2) ``R`` (:func:`weighted_operator_from`).

    Returns
    -------
    scipy.sparse.csr_array
        (N s^2, N s^2), symmetric.
    """
    weighted_operator = scipy.sparse.csr_array(weighted_operator)
    return scipy.sparse.csr_array(weighted_operator.T @ weighted_operator)


def curvature_matrix_via_w_sparse_from(mapping_matrix, w_matrix) -> np.ndarray:
    """
    Return ``F = A^T (W A)`` by sparse products with a precomputed ``W``.

    Parameters
    ----------
    mapping_matrix : scipy.sparse.sparray or numpy.ndarray
        (N s^2, S) ``A``.
    w_matrix : scipy.sparse.csr_array
        (N s^2, N s^2) ``W`` (:func:`w_matrix_from`).

    Returns
    -------
    numpy.ndarray
        (S, S) dense, symmetric.
    """
    # Narrowed once, so that neither product widens W's (or W A's) int32 indices.
    mapping_matrix = csr_util.csr_narrowed_for(w_matrix, scipy.sparse.csr_array(mapping_matrix))
    product = scipy.sparse.csr_array(mapping_matrix.T) @ (w_matrix @ mapping_matrix)
    return symmetric_part_from(product.toarray())


def curvature_matrix_via_factored_from(
    mapping_matrix, weighted_operator, dense_density: float = GRAM_DENSE_DENSITY
) -> np.ndarray:
    """
    Return ``F = (R A)^T (R A)``.

    ``R A`` (N rows, sparse) is formed once; its Gram matrix is taken by sparse products, or by
    dense ``syrk`` when more than ``dense_density`` of its entries are non-zero.

    Parameters
    ----------
    mapping_matrix : scipy.sparse.sparray or numpy.ndarray
        (N s^2, S) ``A``.
    weighted_operator : scipy.sparse.csr_array
        (N, N s^2) ``R`` (:func:`weighted_operator_from`).
    dense_density : float
        The fraction of non-zeros of ``R A`` above which the Gram matrix is taken densely
        (:data:`GRAM_DENSE_DENSITY`).

    Returns
    -------
    numpy.ndarray
        (S, S) dense, symmetric.
    """
    operated = csr_util.csr_matmat_from(weighted_operator, scipy.sparse.csr_array(mapping_matrix))
    n, n_src = operated.shape
    if operated.nnz > dense_density * n * n_src:
        dense = np.asfortranarray(operated.toarray())
        upper = scipy.linalg.blas.dsyrk(1.0, dense, trans=1)
        return np.triu(upper) + np.triu(upper, 1).T
    operated = scipy.sparse.csc_array(operated)
    return symmetric_part_from((operated.T @ operated).toarray())


class FFTInputs(NamedTuple):
    """
    What the FFT engine needs to apply ``K`` and ``K^T`` to the mask's fine columns: the
    arrays of a :class:`autoarray.ConvolverState`, restricted to the mask.

    Attributes
    ----------
    scatter_index : numpy.ndarray or jax.Array
        (N s^2,) flat index of every fine mask value in the ``(s^2, Py, Px)`` phase frames (the
        mask part of :attr:`autoarray.ConvolverState.scatter_index`).
    gather_index : numpy.ndarray or jax.Array
        (N,) :attr:`autoarray.ConvolverState.gather_index`.
    kernel_rfft : numpy.ndarray or jax.Array
        :attr:`autoarray.ConvolverState.kernel_rfft`.
    frame_shape : tuple of int
        :attr:`autoarray.ConvolverState.fft_shape` (static under ``jax.jit``).
    n_phase : int
        ``s^2`` (static under ``jax.jit``).
    """

    scatter_index: object
    gather_index: object
    kernel_rfft: object
    frame_shape: tuple
    n_phase: int


def _w_applied_via_fft_for(inverse_variances, fft: FFTInputs, xp):
    """
    Return the function ``X -> W X = K^T (N^-1 (K X))`` of dense fine columns ``X``
    (N s^2, b), both passes by FFT with the arrays of ``xp``.
    """

    def w_applied(columns):
        blurred = convolver_util.convolved_columns_via_fft_from(columns, *fft, xp=xp)
        return convolver_util.adjoint_columns_via_fft_from(
            blurred * inverse_variances[:, None], *fft, xp=xp
        )

    return w_applied


def curvature_matrix_via_w_fft_from(
    mapping_matrix, inverse_variances, fft: FFTInputs, batch_size: int = 64
) -> np.ndarray:
    """
    Return ``F = A^T W A`` with ``W`` applied by FFT to batches of columns (NumPy).

    Parameters
    ----------
    mapping_matrix : scipy.sparse.sparray or numpy.ndarray
        (N s^2, S) ``A``.
    inverse_variances : numpy.ndarray
        (N,) ``1 / sigma^2``.
    fft : FFTInputs
        The FFT engine's arrays (NumPy).
    batch_size : int
        Columns per batch: memory is ``N s^2 x batch_size``, never ``N s^2 x S``.

    Returns
    -------
    numpy.ndarray
        (S, S) dense, symmetric.
    """
    w_applied = _w_applied_via_fft_for(inverse_variances, fft, np)
    csc = scipy.sparse.csc_array(mapping_matrix)
    csr_t = scipy.sparse.csr_array(csc.T)
    n_src = csc.shape[1]
    curvature = np.empty((n_src, n_src))
    for start in range(0, n_src, batch_size):
        columns = csc[:, start : start + batch_size].toarray()
        curvature[:, start : start + columns.shape[1]] = csr_t @ w_applied(columns)
    return symmetric_part_from(curvature)


def curvature_matrix_via_w_fft_jax_from(
    rows, cols, values, inverse_variances, fft: FFTInputs, *, pixels: int, batch_size: int = 64
):
    """
    Return ``F = A^T W A`` in JAX: the ``"w_fft"`` engine with ``A`` given by its non-zeros.

    Parameters
    ----------
    rows, cols : jax.Array
        (nnz,) int row and column of every non-zero of the (N s^2, ``pixels``) ``A``.
    values : jax.Array
        (nnz,) the non-zeros (traced: differentiable).
    inverse_variances : jax.Array
        (N,) ``1 / sigma^2``.
    fft : FFTInputs
        The FFT engine's arrays (JAX), with its static frame shape and ``s^2``.
    pixels : int
        Static: ``S``, the columns of ``A``.
    batch_size : int
        Static: columns per batch; memory is ``N s^2 x batch_size``.

    Returns
    -------
    jax.Array
        (S, S), symmetric.

    Notes
    -----
    The static arguments fix every shape, so under ``jax.jit`` nothing recompiles while the mesh
    changes (as long as the number of non-zeros does not). Batches are mapped with
    ``jax.lax.map``.
    """
    import jax
    import jax.numpy as jnp

    w_applied = _w_applied_via_fft_for(inverse_variances, fft, jnp)
    n_fine = fft.scatter_index.shape[0]
    n_batch = -(-pixels // batch_size)

    def block(start):
        local = cols - start
        local = jnp.where((local >= 0) & (local < batch_size), local, batch_size)
        columns = jnp.zeros((n_fine, batch_size), dtype=values.dtype)
        columns = columns.at[rows, local].add(values, mode="drop")
        weighted = w_applied(columns)
        return jax.ops.segment_sum(values[:, None] * weighted[rows], cols, num_segments=pixels)

    blocks = jax.lax.map(block, jnp.arange(n_batch) * batch_size)
    curvature = jnp.moveaxis(blocks, 0, 1).reshape(pixels, n_batch * batch_size)[:, :pixels]
    return symmetric_part_from(curvature)


def data_vector_from(mapping_matrix, weighted_operator, data, noise_map) -> np.ndarray:
    """
    Return ``D = A^T R^T (d / sigma) = A^T K^T (d / sigma^2)``.

    Parameters
    ----------
    mapping_matrix : scipy.sparse.sparray or numpy.ndarray
        (N s^2, S) ``A``.
    weighted_operator : scipy.sparse.csr_array
        (N, N s^2) ``R = N^-1/2 K``.
    data : numpy.ndarray
        (N,) data.
    noise_map : numpy.ndarray
        (N,) 1-sigma noise.

    Returns
    -------
    numpy.ndarray
        (S,).
    """
    weighted_image = weighted_operator.T @ (np.asarray(data) / np.asarray(noise_map))
    return np.asarray(scipy.sparse.csr_array(mapping_matrix).T @ weighted_image).ravel()


def adjoint_mapped_via_jax_from(rows, cols, values, columns, fft: FFTInputs, *, pixels: int):
    """
    Return ``A^T K^T X`` in JAX for (N, L) columns ``X`` on the mask, ``A`` given by its
    non-zeros: the data vector (``X = d / sigma^2``, L = 1) and the curvature between a
    pixelization and already-operated columns (``X = M~ / sigma^2``).

    Parameters
    ----------
    rows, cols, values : jax.Array
        The non-zeros of ``A`` (as in :func:`curvature_matrix_via_w_fft_jax_from`).
    columns : jax.Array
        (N, L) values on the mask's pixels.
    fft : FFTInputs
        The FFT engine's arrays (JAX).
    pixels : int
        Static: ``S``, the columns of ``A``.

    Returns
    -------
    jax.Array
        (S, L).
    """
    import jax
    import jax.numpy as jnp

    fine = convolver_util.adjoint_columns_via_fft_from(columns, *fft, xp=jnp)
    return jax.ops.segment_sum(values[:, None] * fine[rows], cols, num_segments=pixels)


def data_vector_via_jax_from(rows, cols, values, weighted_data, fft: FFTInputs, *, pixels: int):
    """
    Return ``D = A^T K^T (d / sigma^2)`` in JAX, ``A`` given by its non-zeros.

    Parameters
    ----------
    rows, cols, values : jax.Array
        The non-zeros of ``A`` (as in :func:`curvature_matrix_via_w_fft_jax_from`).
    weighted_data : jax.Array
        (N,) ``d / sigma^2``.
    fft : FFTInputs
        The FFT engine's arrays (JAX).
    pixels : int
        Static: ``S``, the columns of ``A``.

    Returns
    -------
    jax.Array
        (S,).
    """
    return adjoint_mapped_via_jax_from(
        rows, cols, values, weighted_data[:, None], fft, pixels=pixels
    )[:, 0]


def blurred_image_via_jax_from(rows, cols, values, reconstruction, fft: FFTInputs):
    """
    Return ``K (A s)`` in JAX: the fine image of a reconstruction blurred and binned (N,).

    Parameters
    ----------
    rows, cols, values : jax.Array
        The non-zeros of the (N s^2, S) ``A``.
    reconstruction : jax.Array
        (S,) ``s``.
    fft : FFTInputs
        The FFT engine's arrays (JAX), restricted to the mask's fine pixels.

    Returns
    -------
    jax.Array
        (N,).
    """
    import jax
    import jax.numpy as jnp

    n_fine = fft.scatter_index.shape[0]
    fine = jax.ops.segment_sum(values * reconstruction[cols], rows, num_segments=n_fine)
    return convolver_util.convolved_columns_via_fft_from(fine[:, None], *fft, xp=jnp)[:, 0]
