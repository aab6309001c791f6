"""
Pure array functions of linear inversions: bilinear mesh interpolation, (fine) mapping matrices,
constant regularization, and the linear algebra of the mapping formalism.

The mapping formalism
---------------------
A linear model of the data is ``d ~ M~ s``: every column of the operated mapping matrix ``M~``
(N data pixels x S parameters) is the PSF-blurred image of one parameter set to 1 (a source pixel
of a pixelization, or a linear light profile of unit intensity). With the noise map ``sigma``:

* data vector ``D = M~^T (d / sigma^2)``;
* curvature matrix ``F = M~^T N^-1 M~``, ``N = diag(sigma^2)``;
* regularization matrix ``H`` (block diagonal: one block per regularized object, zero for
  linear light profiles);
* reconstruction ``s``: the solution of ``(F + H) s = D`` (the minimum of
  ``chi^2(s) + s^T H s``), unconstrained or with ``s >= 0``;
* log evidence (Suyu et al. 2006; Dye & Warren 2005)
  ``-1/2 [chi^2 + s^T H s + ln det(F + H) - ln det H + sum ln 2 pi sigma^2]``.

Everything here is NumPy (and scipy) on plain arrays; the classes in
:mod:`autoarray.inversion.mapper` and :mod:`autoarray.inversion.mapping` hold the state.
"""

import numpy as np
import scipy.linalg
import scipy.optimize
import scipy.sparse

from autoarray import exc

__all__ = [
    "REGULARIZATION_DIAGONAL",
    "rectangular_extent_from",
    "rectangular_mesh_grid_from",
    "rectangular_interpolation_from",
    "row_index_and_fraction_for_sample_from",
    "mapping_matrix_from",
    "rectangular_neighbour_pairs_from",
    "constant_regularization_matrix_from",
    "data_vector_from",
    "curvature_matrix_from",
    "cholesky_factor_from",
    "reconstruction_from",
    "reconstruction_positive_only_from",
    "log_det_from_cholesky",
    "log_evidence_from",
]

# Added to the diagonal of every regularization matrix. ``B^T B`` of a gradient regularization is
# singular (a constant source has zero gradient), so ``ln det H`` of the evidence would be -inf;
# this tiny ridge makes ``H`` positive definite without changing the reconstruction measurably
# (PyAutoArray adds the same 1e-8).
REGULARIZATION_DIAGONAL = 1.0e-8

# A Cholesky pivot ``U_jj^2`` smaller than this fraction (times the number of parameters) of the
# matrix diagonal ``A_jj`` means column j is, to rounding, a combination of the columns before it:
# ``U_jj^2 / A_jj`` is the squared sine of the angle between them in the ``A`` inner product.
# Exactly dependent columns leave ~1e-16 after cancellation; genuinely distinct ones are far above.
DEGENERATE_PIVOT_FRACTION = 100.0 * np.finfo(np.float64).eps


# --------------------------------------------------------------------------------- meshes


def rectangular_extent_from(points, pad_fraction: float = 1.0e-6) -> tuple:
    """
    Return ``(y_min, y_max, x_min, x_max)``: the bounding box of ``points`` padded on every side
    by ``pad_fraction`` of its size, so that rounding never puts a point on the edge outside.

    Raises
    ------
    InversionException
        If there are no points, or they span zero extent along an axis (a single row or column
        of points cannot carry a 2D bilinear mesh).
    """
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2 or points.shape[0] == 0:
        raise exc.InversionException(
            f"A rectangular mesh needs an (M, 2) array of (y, x) points with M > 0, got shape "
            f"{points.shape}."
        )
    lo = points.min(axis=0)
    hi = points.max(axis=0)
    size = hi - lo
    if np.any(size <= 0.0):
        raise exc.InversionException(
            f"The points span {size[0]:.6g} arcsec in y and {size[1]:.6g} in x; a rectangular "
            "mesh needs a non-zero extent along both axes. Use a 2D mask or over-sample the grid."
        )
    pad = pad_fraction * size
    return (
        float(lo[0] - pad[0]),
        float(hi[0] + pad[0]),
        float(lo[1] - pad[1]),
        float(hi[1] + pad[1]),
    )


def rectangular_mesh_grid_from(shape, extent) -> np.ndarray:
    """
    Return the (ny * nx, 2) (y, x) mesh pixel centres (interpolation nodes) of a uniform mesh.

    Nodes are row-major from the top-left: node ``j * nx + i`` is at
    ``y = y_max - j * dy``, ``x = x_min + i * dx``, with ``dy = (y_max - y_min) / (ny - 1)`` and
    ``dx = (x_max - x_min) / (nx - 1)``: the outer nodes lie on the edges of ``extent``, so every
    point inside it is inside a cell of four nodes.
    """
    ny, nx = shape
    y_min, y_max, x_min, x_max = extent
    y = y_max - np.arange(ny) * ((y_max - y_min) / (ny - 1))
    x = x_min + np.arange(nx) * ((x_max - x_min) / (nx - 1))
    return np.stack(np.meshgrid(y, x, indexing="ij"), axis=-1).reshape(-1, 2)


def rectangular_interpolation_from(points, shape, extent) -> tuple:
    """
    Return the bilinear interpolation of ``points`` on a uniform rectangular mesh.

    Parameters
    ----------
    points
        (M, 2) (y, x) points.
    shape
        (ny, nx) mesh nodes, each >= 2.
    extent
        (y_min, y_max, x_min, x_max) of the node lattice (:func:`rectangular_mesh_grid_from`).

    Returns
    -------
    mappings, weights
        (M, 4) node indices (top-left, top-right, bottom-left, bottom-right of the cell holding
        the point) and their bilinear weights. The weights of a point inside ``extent`` are in
        [0, 1] and sum to 1; a point outside gets weights 0 (it maps to no mesh pixel).
    """
    points = np.asarray(points, dtype=np.float64)
    ny, nx = shape
    y_min, y_max, x_min, x_max = extent
    # Fractional node coordinates, row 0 at the top (+y), column 0 at the left.
    fy = (y_max - points[:, 0]) / ((y_max - y_min) / (ny - 1))
    fx = (points[:, 1] - x_min) / ((x_max - x_min) / (nx - 1))
    inside = (fy >= 0.0) & (fy <= ny - 1) & (fx >= 0.0) & (fx <= nx - 1)
    # A point on the last row / column belongs to the last cell (its far weight is then 1).
    j = np.clip(np.floor(fy).astype(np.int64), 0, ny - 2)
    i = np.clip(np.floor(fx).astype(np.int64), 0, nx - 2)
    ty = np.where(inside, fy - j, 0.0)
    tx = np.where(inside, fx - i, 0.0)
    weights = np.stack([(1.0 - ty) * (1.0 - tx), (1.0 - ty) * tx, ty * (1.0 - tx), ty * tx], axis=1)
    weights[~inside] = 0.0
    top_left = j * nx + i
    mappings = np.stack([top_left, top_left + 1, top_left + nx, top_left + nx + 1], axis=1)
    return mappings, weights


# ------------------------------------------------------------------------- mapping matrices


def row_index_and_fraction_for_sample_from(sub_size, convolve_over_sample_size: int) -> tuple:
    """
    For every over-sampled point, the mapping-matrix row it adds to and the fraction it adds.

    Pixel ``i`` has ``k_i x k_i`` samples (per-pixel sub-block order). With
    ``s = convolve_over_sample_size`` the pixel has ``s x s`` rows (``i * s^2 + a * s + b``,
    row-major inside the pixel) and each row is the mean of the ``(k_i / s)^2`` samples of its
    cell; ``s = 1`` gives one row per pixel, the mean of its ``k_i^2`` samples. This is the
    grouping of :func:`autoarray.over_sample_util.binned_to_convolve_size_from`.

    Returns
    -------
    rows
        (sum k_i^2,) int64 row of every sample.
    fraction
        (sum k_i^2,) ``1 / (k_i / s)^2`` of every sample.

    Raises
    ------
    InversionException
        If a ``k_i`` is not divisible by ``s``.
    """
    s = int(convolve_over_sample_size)
    sub_size = np.asarray(sub_size, dtype=np.int64)
    bad = sub_size % s != 0
    if np.any(bad):
        raise exc.InversionException(
            f"The pixelization grid's over-sample sizes must be divisible by "
            f"convolve_over_sample_size={s} (its k x k samples are pre-binned to s x s fine "
            f"cells), got sizes {np.unique(sub_size[bad]).tolist()}."
        )
    n_samples = int(np.sum(sub_size**2))
    rows = np.empty(n_samples, dtype=np.int64)
    fraction = np.empty(n_samples, dtype=np.float64)
    starts = np.zeros(sub_size.shape[0], dtype=np.int64)
    starts[1:] = np.cumsum(sub_size**2)[:-1]
    for k in np.unique(sub_size):
        pixels = np.flatnonzero(sub_size == k)
        group = k // s
        a, b = np.divmod(np.arange(k * k), k)
        cell = (a // group) * s + (b // group)
        index = starts[pixels][:, None] + np.arange(k * k)[None, :]
        rows[index] = pixels[:, None] * (s * s) + cell[None, :]
        fraction[index] = 1.0 / (group * group)
    return rows, fraction


def mapping_matrix_from(
    mappings, weights, sub_size, pixels: int, convolve_over_sample_size: int = 1
) -> scipy.sparse.csr_array:
    """
    Return the sparse mapping matrix of over-sampled points interpolated onto a mesh.

    Parameters
    ----------
    mappings, weights
        (sum k_i^2, P) mesh pixels each sample maps to and their weights (per-pixel sub-block
        order of the samples).
    sub_size
        (N,) over-sample size ``k_i`` of every image pixel.
    pixels
        The number of mesh pixels (columns).
    convolve_over_sample_size
        ``s``: 1 gives the native (N, pixels) matrix; ``s > 1`` the fine (N s^2, pixels) matrix in
        per-pixel sub-block order (:func:`row_index_and_fraction_for_sample_from`).

    Returns
    -------
    scipy.sparse.csr_array
        Entry (row, p): the mean over the row's samples of their weight on mesh pixel p. Rows of
        pixels whose samples all lie inside the mesh sum to 1. Explicit zeros are removed.
    """
    rows, fraction = row_index_and_fraction_for_sample_from(sub_size, convolve_over_sample_size)
    mappings = np.asarray(mappings)
    weights = np.asarray(weights, dtype=np.float64)
    if mappings.shape != weights.shape or mappings.shape[0] != rows.shape[0]:
        raise exc.InversionException(
            f"mappings {mappings.shape} and weights {weights.shape} must both be "
            f"({rows.shape[0]}, P): one row per over-sampled point (sum of k_i^2)."
        )
    s = int(convolve_over_sample_size)
    n_rows = int(np.asarray(sub_size).shape[0]) * s * s
    n_per = mappings.shape[1]
    matrix = scipy.sparse.csr_array(
        (
            (weights * fraction[:, None]).ravel(),
            (np.repeat(rows, n_per), mappings.ravel()),
        ),
        shape=(n_rows, pixels),
    )
    # COO -> CSR sums the duplicate (row, pixel) entries of a cell's samples.
    matrix.sum_duplicates()
    matrix.eliminate_zeros()
    return matrix


# --------------------------------------------------------------------------- regularization


def rectangular_neighbour_pairs_from(shape) -> np.ndarray:
    """
    Return the (P, 2) index pairs of horizontally and vertically adjacent mesh pixels of a
    row-major ``(ny, nx)`` mesh, each pair once.
    """
    ny, nx = shape
    index = np.arange(ny * nx).reshape(ny, nx)
    horizontal = np.stack([index[:, :-1].ravel(), index[:, 1:].ravel()], axis=1)
    vertical = np.stack([index[:-1, :].ravel(), index[1:, :].ravel()], axis=1)
    return np.concatenate([horizontal, vertical], axis=0)


def constant_regularization_matrix_from(
    coefficient: float, neighbour_pairs, pixels: int, diagonal: float = REGULARIZATION_DIAGONAL
) -> np.ndarray:
    """
    Return the (pixels, pixels) constant gradient regularization matrix.

    ``H = coefficient^2 B^T B + diagonal * I``, where ``B`` has one row ``e_i - e_j`` per
    neighbour pair, so ``s^T H s = coefficient^2 sum_pairs (s_i - s_j)^2 + diagonal |s|^2``.
    The coefficient is squared as in PyAutoArray's ``reg.Constant``, so a coefficient fitted there
    means the same here. ``diagonal`` (:data:`REGULARIZATION_DIAGONAL`) makes ``ln det H`` finite.
    """
    pairs = np.asarray(neighbour_pairs, dtype=np.int64).reshape(-1, 2)
    c2 = float(coefficient) ** 2
    matrix = np.zeros((pixels, pixels))
    degree = np.bincount(pairs.ravel(), minlength=pixels).astype(np.float64)
    matrix[np.diag_indices(pixels)] = c2 * degree + diagonal
    np.add.at(matrix, (pairs[:, 0], pairs[:, 1]), -c2)
    np.add.at(matrix, (pairs[:, 1], pairs[:, 0]), -c2)
    return matrix


# ---------------------------------------------------------------------------- linear algebra


def data_vector_from(operated_mapping_matrix, data, noise_map) -> np.ndarray:
    """``D = M~^T (d / sigma^2)``, (S,)."""
    return operated_mapping_matrix.T @ (data / noise_map**2)


def curvature_matrix_from(operated_mapping_matrix, noise_map) -> np.ndarray:
    """``F = M~^T N^-1 M~``, (S, S), symmetric."""
    weighted = operated_mapping_matrix / noise_map[:, None]
    curvature = weighted.T @ weighted
    # The product is symmetric in exact arithmetic; symmetrise so Cholesky sees exactly that.
    return 0.5 * (curvature + curvature.T)


def cholesky_factor_from(
    matrix, labels=None, name="F + H", check_degenerate: bool = True
) -> np.ndarray:
    """
    Return the upper Cholesky factor ``U`` (``matrix = U^T U``) of a symmetric matrix.

    Parameters
    ----------
    matrix
        (S, S) symmetric matrix that must be positive definite.
    labels
        Optional (S,) names of the parameters, used in the error message.
    name
        The matrix's name in the error message.
    check_degenerate
        Also reject a positive definite matrix whose Cholesky pivots show a (numerically)
        dependent column. Off for regularization matrices: ``B^T B + 1e-8 I`` with a large
        coefficient is legitimately that ill-conditioned along the constant mode.

    Raises
    ------
    InversionException
        If the matrix is not positive definite, or a pivot shows that a column is (to rounding)
        a linear combination of the others (:data:`DEGENERATE_PIVOT_FRACTION`): the linear system
        has no unique solution.
    """
    matrix = np.asarray(matrix, dtype=np.float64)
    n = matrix.shape[0]

    def label(j):
        return labels[j] if labels is not None else f"parameter {j}"

    if not np.all(np.isfinite(matrix)):
        raise exc.InversionException(
            f"The matrix {name} holds NaN or inf; check the data, noise map and PSF."
        )
    try:
        factor, _ = scipy.linalg.cho_factor(matrix, lower=False, check_finite=False)
    except np.linalg.LinAlgError as error:
        raise exc.InversionException(
            f"The matrix {name} ({n} x {n}) is not positive definite ({error}): the linear "
            "inversion has no unique solution. A linear light profile or unregularized source "
            "pixel has no flux in the mask, or two components produce the same image. Remove "
            "or regularize it, or enlarge the mask."
        ) from None
    if not check_degenerate:
        return np.triu(factor)
    pivots = np.diag(factor) ** 2
    relative = pivots / np.diag(matrix)
    degenerate = np.flatnonzero(relative < DEGENERATE_PIVOT_FRACTION * max(n, 1))
    if degenerate.size:
        names = ", ".join(label(j) for j in degenerate[:5])
        raise exc.InversionException(
            f"The matrix {name} ({n} x {n}) is singular to rounding: {names} "
            f"{'is' if degenerate.size == 1 else 'are'} a linear combination of the parameters "
            "before it (relative Cholesky pivot "
            f"{relative[degenerate[0]]:.3g}). Two components produce the same image; remove one."
        )
    return np.triu(factor)


def reconstruction_from(factor, data_vector) -> np.ndarray:
    """Solve ``(F + H) s = D`` from the upper Cholesky factor ``U`` of ``F + H``."""
    return scipy.linalg.cho_solve((factor, False), data_vector, check_finite=False)


def reconstruction_positive_only_from(factor, data_vector) -> np.ndarray:
    """
    Solve ``min_{s >= 0} s^T (F + H) s - 2 s^T D`` with ``scipy.optimize.nnls``.

    With ``F + H = U^T U`` and ``z = U^-T D`` the objective is ``|U s - z|^2 - |z|^2``, so this is
    the non-negative least-squares problem ``min_{s >= 0} |U s - z|``: the same minimum as the
    tall system ``[N^-1/2 M~; H^1/2] s ~ [N^-1/2 d; 0]`` but with an S x S matrix.

    Raises
    ------
    InversionException
        If NNLS does not converge.
    """
    z = scipy.linalg.solve_triangular(factor, data_vector, trans="T", check_finite=False)
    n = factor.shape[0]
    try:
        solution, _ = scipy.optimize.nnls(factor, z, maxiter=max(50 * n, 100))
    except RuntimeError as error:
        raise exc.InversionException(
            f"The positive-only solver (scipy.optimize.nnls) did not converge for {n} "
            f"parameters: {error}."
        ) from None
    return solution


def log_det_from_cholesky(factor) -> float:
    """``ln det A = 2 sum ln U_jj`` from the Cholesky factor ``U`` of ``A``."""
    return float(2.0 * np.sum(np.log(np.diag(factor))))


def log_evidence_from(
    chi_squared, regularization_term, log_det_curvature_reg, log_det_regularization, noise_norm
) -> float:
    """``-1/2 [chi^2 + s^T H s + ln det(F + H) - ln det H + sum ln 2 pi sigma^2]``."""
    return float(
        -0.5
        * (
            chi_squared
            + regularization_term
            + log_det_curvature_reg
            - log_det_regularization
            + noise_norm
        )
    )
