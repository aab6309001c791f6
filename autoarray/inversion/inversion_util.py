"""
Pure functions of the linear algebra of inversions: data vector, curvature matrix, Cholesky
factor, reconstructions (unconstrained and positive-only), log determinants and the Bayesian
evidence.

The linear system
-----------------
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

The functions take ``xp`` (``numpy`` or ``jax.numpy``) where the two differ: with NumPy they
check what they can (positive definiteness, degenerate columns) and raise
``InversionException`` naming the parameters; under JAX, whose values are traced inside
``jax.jit`` and cannot stop a computation, a matrix that is not positive definite gives NaN (a
NaN log evidence, which a sampler rejects). Meshes, mapping matrices and
regularization matrices are in :mod:`autoarray.inversion.mesh_util`,
:mod:`autoarray.inversion.mapper_util` and :mod:`autoarray.inversion.regularization_util`; the
classes of :mod:`autoarray.inversion.abstract` hold the state.
"""

import numpy as np
import scipy.linalg
import scipy.optimize

from autoarray import exc
from autoarray.operators import sparse_util

__all__ = [
    "DEGENERATE_PIVOT_FRACTION",
    "data_vector_from",
    "curvature_matrix_from",
    "cholesky_factor_from",
    "reconstruction_from",
    "reconstruction_positive_only_from",
    "reconstruction_positive_only_via_jax_from",
    "log_det_from_cholesky",
    "log_evidence_from",
]

# A Cholesky pivot ``U_jj^2`` smaller than this fraction (times the number of parameters) of the
# matrix diagonal ``A_jj`` means column j is, to rounding, a combination of the columns before it:
# ``U_jj^2 / A_jj`` is the squared sine of the angle between them in the ``A`` inner product.
# Exactly dependent columns leave ~1e-16 after cancellation; genuinely distinct ones are far above.
DEGENERATE_PIVOT_FRACTION = 100.0 * np.finfo(np.float64).eps


def data_vector_from(operated_mapping_matrix, data, noise_map) -> np.ndarray:
    """
    Return the data vector ``D = M~^T (d / sigma^2)``.

    Parameters
    ----------
    operated_mapping_matrix : numpy.ndarray
        (N, S) ``M~``.
    data : numpy.ndarray
        (N,) ``d``.
    noise_map : numpy.ndarray
        (N,) ``sigma``.

    Returns
    -------
    numpy.ndarray
        (S,).
    """
    return operated_mapping_matrix.T @ (data / noise_map**2)


def curvature_matrix_from(operated_mapping_matrix, noise_map) -> np.ndarray:
    """
    Return the curvature matrix ``F = M~^T N^-1 M~``.

    Parameters
    ----------
    operated_mapping_matrix : numpy.ndarray
        (N, S) ``M~``.
    noise_map : numpy.ndarray
        (N,) ``sigma``.

    Returns
    -------
    numpy.ndarray
        (S, S), symmetric (:func:`autoarray.operators.sparse_util.symmetric_part_from`).
    """
    weighted = operated_mapping_matrix / noise_map[:, None]
    return sparse_util.symmetric_part_from(weighted.T @ weighted)


def cholesky_factor_from(
    matrix, labels=None, name="F + H", check_degenerate: bool = True, xp=np
) -> np.ndarray:
    """
    Return the upper Cholesky factor ``U`` (``matrix = U^T U``) of a symmetric matrix.

    Parameters
    ----------
    xp : module
        ``numpy`` (checked, see Raises) or ``jax.numpy`` (``jnp.linalg.cholesky``: no check; a
        matrix that is not positive definite gives a factor of NaN).
    matrix : numpy.ndarray
        (S, S) symmetric matrix that must be positive definite.
    labels : list of str, optional
        (S,) names of the parameters, used in the error message.
    name : str
        The matrix's name in the error message.
    check_degenerate : bool
        Also reject a positive definite matrix whose Cholesky pivots show a (numerically)
        dependent column. Off for regularization matrices: ``B^T B + 1e-8 I`` with a large
        coefficient is legitimately that ill-conditioned along the constant mode.

    Returns
    -------
    numpy.ndarray
        (S, S) upper triangular ``U``.

    Raises
    ------
    InversionException
        If the matrix is not positive definite, or a pivot shows that a column is (to rounding)
        a linear combination of the others (:data:`DEGENERATE_PIVOT_FRACTION`): the linear system
        has no unique solution.
    """
    if xp is not np:
        return xp.linalg.cholesky(matrix).T
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


def reconstruction_from(factor, data_vector, xp=np) -> np.ndarray:
    """
    Return the solution ``s`` of ``(F + H) s = D``.

    Parameters
    ----------
    factor : numpy.ndarray or jax.Array
        (S, S) upper Cholesky factor ``U`` of ``F + H`` (:func:`cholesky_factor_from`).
    data_vector : numpy.ndarray or jax.Array
        (S,) ``D``.
    xp : module
        ``numpy`` (``scipy.linalg.cho_solve``) or ``jax.numpy`` (``jax.scipy.linalg.cho_solve``).

    Returns
    -------
    numpy.ndarray or jax.Array
        (S,).
    """
    if xp is not np:
        import jax.scipy.linalg

        return jax.scipy.linalg.cho_solve((factor, False), data_vector)
    return scipy.linalg.cho_solve((factor, False), data_vector, check_finite=False)


def reconstruction_positive_only_from(factor, data_vector) -> np.ndarray:
    """
    Return ``argmin_{s >= 0} s^T (F + H) s - 2 s^T D``, solved with ``scipy.optimize.nnls``.

    With ``F + H = U^T U`` and ``z = U^-T D`` the objective is ``|U s - z|^2 - |z|^2``, so this is
    the non-negative least-squares problem ``min_{s >= 0} |U s - z|``: the same minimum as the
    tall system ``[N^-1/2 M~; H^1/2] s ~ [N^-1/2 d; 0]`` but with an S x S matrix.

    Parameters
    ----------
    factor, data_vector : numpy.ndarray
        ``U`` (S, S) and ``D`` (S,), as in :func:`reconstruction_from`.

    Returns
    -------
    numpy.ndarray
        (S,), every entry >= 0.

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


def reconstruction_positive_only_via_jax_from(curvature_reg_matrix, data_vector):
    """
    Return ``argmin_{s >= 0} s^T (F + H) s - 2 s^T D`` in JAX: jit-able, ``vmap``-able and
    differentiable.

    The active set (the parameters held at 0) is found by ``jaxnnls.solve_nnls``, a
    primal-dual interior-point method (Cholesky steps, at most 50 iterations); the solution is
    then solved exactly on that set, ``(F + H)_ff s_f = D_f`` with ``s = 0`` elsewhere, by one
    Cholesky solve of fixed shape (the held rows and columns replaced by the identity). A
    parameter is held when the interior point's value is below what its dual (the objective's
    gradient ``((F + H) s - D)_j``) implies, ``s_j (F + H)_jj < z_j``.

    Parameters
    ----------
    curvature_reg_matrix : jax.Array
        (S, S) ``F + H``, symmetric positive definite.
    data_vector : jax.Array
        (S,) ``D``.

    Returns
    -------
    jax.Array
        (S,), every entry >= 0: the exact solution on the active set (values below 0 by less
        than 1e-10 of the largest clipped to 0), or, if that solution is clearly negative
        somewhere (the interior point stopped before finding the active set), the interior
        point's solution clipped to 0.

    Notes
    -----
    The exact solve on the active set is what makes the result agree with
    ``scipy.optimize.nnls`` to rounding (the interior point alone stops at a KKT residual of
    ``S x 1e-12`` in absolute terms), and what ``jax.grad`` differentiates: the active set is a
    constant (``jax.lax.stop_gradient``), so gradients are those of the exact constrained
    solution wherever the active set does not change, rather than of the solver's iterations.
    ``jaxnnls`` takes its tolerance from the float precision at its import, so import it (or
    call this) after ``jax_enable_x64`` is set.
    """
    import jax
    import jax.numpy as jnp
    import jaxnnls

    matrix = jax.lax.stop_gradient(curvature_reg_matrix)
    vector = jax.lax.stop_gradient(data_vector)
    interior, _, dual, _, _ = jaxnnls.solve_nnls(matrix, vector)
    free = interior * jnp.diag(matrix) > dual
    pair = free[:, None] & free[None, :]
    reduced = jnp.where(pair, curvature_reg_matrix, 0.0) + jnp.diag(jnp.where(free, 0.0, 1.0))
    factor = jnp.linalg.cholesky(reduced).T
    exact = reconstruction_from(factor, jnp.where(free, data_vector, 0.0), xp=jnp)
    # A free value may come out a rounding error below 0 (a parameter at the bound to rounding):
    # clipped. A clearly negative one means the active set was wrong: the interior point is kept.
    tolerance = 1e-10 * jnp.max(jnp.abs(exact))
    valid = jnp.all(exact >= -tolerance)
    return jnp.where(valid, jnp.maximum(exact, 0.0), jnp.maximum(interior, 0.0))


def log_det_from_cholesky(factor, xp=np):
    """
    Return ``ln det A = 2 sum ln U_jj``.

    Parameters
    ----------
    factor : numpy.ndarray or jax.Array
        (S, S) Cholesky factor ``U`` of ``A`` (:func:`cholesky_factor_from`).
    xp : module
        ``numpy`` (a Python float is returned) or ``jax.numpy`` (a JAX scalar).

    Returns
    -------
    float or jax.Array
    """
    value = 2.0 * xp.sum(xp.log(xp.diag(factor)))
    return float(value) if xp is np else value


def log_evidence_from(
    chi_squared, regularization_term, log_det_curvature_reg, log_det_regularization, noise_norm
):
    """
    Return the log evidence
    ``-1/2 [chi^2 + s^T H s + ln det(F + H) - ln det H + sum ln 2 pi sigma^2]``.

    Parameters
    ----------
    chi_squared : float
        ``chi^2`` of the reconstruction.
    regularization_term : float
        ``s^T H s``.
    log_det_curvature_reg : float
        ``ln det (F + H)``.
    log_det_regularization : float
        ``ln det H``.
    noise_norm : float
        ``sum ln 2 pi sigma^2``.

    Returns
    -------
    float or jax.Array
        A Python float when every term is one (NumPy), else a JAX scalar.
    """
    value = -0.5 * (
        chi_squared
        + regularization_term
        + log_det_curvature_reg
        - log_det_regularization
        + noise_norm
    )
    return float(value) if isinstance(value, float | np.floating) else value
