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
"""

import numpy as np
import scipy.linalg.blas
import scipy.sparse

from autoarray.operators import convolver_util

__all__ = [
    "ENGINES",
    "GRAM_DENSE_DENSITY",
    "weighted_operator_from",
    "w_matrix_from",
    "curvature_matrix_via_w_sparse_from",
    "curvature_matrix_via_factored_from",
    "curvature_matrix_via_w_fft_from",
    "curvature_matrix_via_w_fft_jax_from",
    "data_vector_from",
    "data_vector_via_jax_from",
]

ENGINES = ("auto", "w_sparse", "w_fft", "factored")

# Above this fraction of non-zeros the weighted operated matrix's Gram matrix is cheaper with
# dense BLAS (syrk) than with sparse products (see benchmarks/RESULTS.md, "sparse operator").
GRAM_DENSE_DENSITY = 0.09


def _symmetric_from(matrix) -> np.ndarray:
    # Equal to its transpose in exact arithmetic; symmetrise so Cholesky sees exactly that.
    return 0.5 * (matrix + matrix.T)


def weighted_operator_from(kernel_operator, noise_map) -> scipy.sparse.csr_array:
    """
    Return ``R = N^-1/2 K``: row ``i`` of the sparse PSF operator divided by ``sigma_i``.

    Parameters
    ----------
    kernel_operator
        (N, N s^2) sparse ``K`` (the mask columns of
        :attr:`autoarray.ConvolverState.real_space_operator`).
    noise_map
        (N,) 1-sigma noise of the mask pixels.
    """
    inverse_sigma = 1.0 / np.asarray(noise_map, dtype=np.float64)
    return scipy.sparse.csr_array(scipy.sparse.diags_array(inverse_sigma) @ kernel_operator)


def w_matrix_from(weighted_operator) -> scipy.sparse.csr_array:
    """``W = R^T R = K^T N^-1 K``, (N s^2, N s^2) sparse and symmetric."""
    weighted_operator = scipy.sparse.csr_array(weighted_operator)
    return scipy.sparse.csr_array(weighted_operator.T @ weighted_operator)


def curvature_matrix_via_w_sparse_from(mapping_matrix, w_matrix) -> np.ndarray:
    """``F = A^T (W A)`` with sparse ``A`` and precomputed sparse ``W``; (S, S) dense."""
    mapping_matrix = scipy.sparse.csr_array(mapping_matrix)
    product = scipy.sparse.csr_array(mapping_matrix.T) @ (w_matrix @ mapping_matrix)
    return _symmetric_from(product.toarray())


def curvature_matrix_via_factored_from(
    mapping_matrix, weighted_operator, dense_density: float = GRAM_DENSE_DENSITY
) -> np.ndarray:
    """
    ``F = (R A)^T (R A)``; (S, S) dense.

    ``R A`` (N rows, sparse) is formed once; its Gram matrix is taken by sparse products, or
    by dense ``syrk`` when more than ``dense_density`` of its entries are non-zero.
    """
    operated = weighted_operator @ scipy.sparse.csr_array(mapping_matrix)
    n, n_src = operated.shape
    if operated.nnz > dense_density * n * n_src:
        dense = np.asfortranarray(operated.toarray())
        upper = scipy.linalg.blas.dsyrk(1.0, dense, trans=1)
        return np.triu(upper) + np.triu(upper, 1).T
    operated = scipy.sparse.csc_array(operated)
    return _symmetric_from((operated.T @ operated).toarray())


def _w_applied_via_fft_from(
    columns, inverse_variances, scatter_index, gather_index, kernel_rfft, frame_shape, n_phase, xp
):
    """``W X = K^T (N^-1 (K X))`` for dense fine columns ``X`` (N s^2, b), both passes by FFT."""
    blurred = convolver_util.convolved_columns_via_fft_from(
        columns, scatter_index, gather_index, kernel_rfft, frame_shape, n_phase, xp=xp
    )
    return convolver_util.adjoint_columns_via_fft_from(
        blurred * inverse_variances[:, None],
        scatter_index,
        gather_index,
        kernel_rfft,
        frame_shape,
        n_phase,
        xp=xp,
    )


def curvature_matrix_via_w_fft_from(
    mapping_matrix,
    inverse_variances,
    scatter_index,
    gather_index,
    kernel_rfft,
    frame_shape,
    n_phase: int,
    batch_size: int = 64,
) -> np.ndarray:
    """
    ``F = A^T W A`` with ``W`` applied by FFT to batches of ``batch_size`` columns (NumPy).

    Parameters
    ----------
    mapping_matrix
        (N s^2, S) sparse or dense ``A``.
    inverse_variances
        (N,) ``1 / sigma^2``.
    scatter_index
        (N s^2,) flat index of every fine mask value in the ``(s^2, Py, Px)`` phase frames.
    gather_index, kernel_rfft, frame_shape, n_phase
        The FFT engine's state (:class:`autoarray.ConvolverState`).
    batch_size
        Columns per batch: memory is ``N s^2 x batch_size``, never ``N s^2 x S``.
    """
    csc = scipy.sparse.csc_array(mapping_matrix)
    csr_t = scipy.sparse.csr_array(csc.T)
    n_src = csc.shape[1]
    curvature = np.empty((n_src, n_src))
    for start in range(0, n_src, batch_size):
        columns = csc[:, start : start + batch_size].toarray()
        weighted = _w_applied_via_fft_from(
            columns,
            inverse_variances,
            scatter_index,
            gather_index,
            kernel_rfft,
            frame_shape,
            n_phase,
            np,
        )
        curvature[:, start : start + columns.shape[1]] = csr_t @ weighted
    return _symmetric_from(curvature)


def curvature_matrix_via_w_fft_jax_from(
    rows,
    cols,
    values,
    inverse_variances,
    scatter_index,
    gather_index,
    kernel_rfft,
    *,
    frame_shape,
    n_phase: int,
    n_fine: int,
    pixels: int,
    batch_size: int = 64,
):
    """
    ``F = A^T W A`` in JAX: the ``"w_fft"`` engine with ``A`` given by its non-zeros.

    ``rows``, ``cols``, ``values`` (traced arrays) are the non-zeros of the (``n_fine``,
    ``pixels``) mapping matrix; ``frame_shape``, ``n_phase``, ``n_fine``, ``pixels`` and
    ``batch_size`` are static, so under ``jax.jit`` nothing recompiles while the mesh changes
    (as long as the number of non-zeros does not). Batches are mapped with ``jax.lax.map``:
    memory is ``n_fine x batch_size``.
    """
    import jax
    import jax.numpy as jnp

    n_batch = -(-pixels // batch_size)

    def block(start):
        local = cols - start
        local = jnp.where((local >= 0) & (local < batch_size), local, batch_size)
        columns = jnp.zeros((n_fine, batch_size), dtype=values.dtype)
        columns = columns.at[rows, local].add(values, mode="drop")
        weighted = _w_applied_via_fft_from(
            columns,
            inverse_variances,
            scatter_index,
            gather_index,
            kernel_rfft,
            frame_shape,
            n_phase,
            jnp,
        )
        return jax.ops.segment_sum(values[:, None] * weighted[rows], cols, num_segments=pixels)

    blocks = jax.lax.map(block, jnp.arange(n_batch) * batch_size)
    curvature = jnp.moveaxis(blocks, 0, 1).reshape(pixels, n_batch * batch_size)[:, :pixels]
    return _symmetric_from(curvature)


def data_vector_from(mapping_matrix, weighted_operator, data, noise_map) -> np.ndarray:
    """``D = A^T R^T (d / sigma) = A^T K^T (d / sigma^2)``, (S,)."""
    weighted_image = weighted_operator.T @ (np.asarray(data) / np.asarray(noise_map))
    return np.asarray(scipy.sparse.csr_array(mapping_matrix).T @ weighted_image).ravel()


def data_vector_via_jax_from(
    rows,
    cols,
    values,
    weighted_data,
    scatter_index,
    gather_index,
    kernel_rfft,
    *,
    frame_shape,
    n_phase: int,
    pixels: int,
):
    """``D = A^T K^T (d / sigma^2)`` in JAX; ``weighted_data`` is ``d / sigma^2`` (N,)."""
    import jax
    import jax.numpy as jnp

    fine = convolver_util.adjoint_columns_via_fft_from(
        weighted_data[:, None],
        scatter_index,
        gather_index,
        kernel_rfft,
        frame_shape,
        n_phase,
        xp=jnp,
    )[:, 0]
    return jax.ops.segment_sum(values * fine[rows], cols, num_segments=pixels)
