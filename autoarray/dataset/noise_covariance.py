"""
Correlated noise: the Gaussian likelihood of imaging data whose pixels' noise is correlated.

With a noise covariance ``C`` (N x N over the unmasked pixels, slim order) the log-likelihood of a
residual ``r = d - m`` is

    ln L = -1/2 [ r^T C^-1 r + ln det(2 pi C) ],

which is the usual ``-1/2 [sum (r / sigma)^2 + sum ln 2 pi sigma^2]`` when ``C = diag(sigma^2)``.
Everything goes through the Cholesky factor ``C = L L^T`` (never an explicit inverse): "whitening"
``x -> L^-1 x`` turns correlated residuals into independent unit-variance ones, so
``r^T C^-1 r = |L^-1 r|^2``, ``ln det C = 2 sum ln L_ii``, and a linear inversion uses the whitened
operated mapping matrix and data (``F = (L^-1 M~)^T (L^-1 M~)``, ``D = (L^-1 M~)^T (L^-1 d)``).
"""

import numpy as np
import scipy.linalg

from autoarray import exc
from autoarray.device_cache import DeviceArrayCache

__all__ = ["NoiseCovariance"]


class NoiseCovariance:
    """
    A noise covariance matrix and its Cholesky factor, with the whitening and likelihood terms.

    Parameters
    ----------
    matrix : array_like
        The (N, N) covariance of the unmasked pixels' noise (slim order): symmetric, finite and
        positive definite.

    Raises
    ------
    DatasetException
        If the matrix is not square, holds NaN or inf, is not symmetric (to 1e-12 of its largest
        entry), or is not positive definite (its Cholesky factorisation fails).

    Notes
    -----
    The factorisation costs ``N^3 / 3`` flops once; each likelihood evaluation then costs one
    triangular solve (``N^2``).
    """

    def __init__(self, matrix):
        matrix = np.array(matrix, dtype=np.float64)
        if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
            raise exc.DatasetException(
                f"noise_covariance_matrix must be a square (N, N) matrix, got shape {matrix.shape}."
            )
        if not np.all(np.isfinite(matrix)):
            raise exc.DatasetException("noise_covariance_matrix holds NaN or inf values.")
        scale = float(np.max(np.abs(matrix))) if matrix.size else 0.0
        asymmetry = float(np.max(np.abs(matrix - matrix.T))) if matrix.size else 0.0
        if asymmetry > 1e-12 * scale:
            raise exc.DatasetException(
                f"noise_covariance_matrix is not symmetric (max |C - C^T| = {asymmetry:.3g}); a "
                "covariance matrix is. Pass (C + C.T) / 2 if the asymmetry is round-off."
            )
        try:
            cholesky = scipy.linalg.cholesky(matrix, lower=True, check_finite=False)
        except np.linalg.LinAlgError:
            raise exc.DatasetException(
                "noise_covariance_matrix is not positive definite (its Cholesky factorisation "
                "fails): a covariance matrix has only positive eigenvalues, or some combination of "
                "pixels would have zero or negative noise variance. Check how it was estimated."
            ) from None
        matrix.setflags(write=False)
        cholesky.setflags(write=False)
        self.matrix = matrix
        self.cholesky = cholesky
        self.device_arrays = DeviceArrayCache()

    @property
    def pixels(self) -> int:
        """N, the number of pixels the covariance is over."""
        return self.matrix.shape[0]

    def whitened_from(self, values, xp=np):
        """
        ``L^-1 values`` for (N,) or (N, k) ``values``: correlated quantities made independent with
        unit variance.
        """
        if xp is np:
            return scipy.linalg.solve_triangular(
                self.cholesky, values, lower=True, check_finite=False
            )
        import jax.scipy.linalg

        return jax.scipy.linalg.solve_triangular(
            self.device_arrays.array_for(("cholesky",), self.cholesky), values, lower=True
        )

    def chi_squared_from(self, residual, xp=np):
        """``r^T C^-1 r = |L^-1 r|^2`` of an (N,) residual."""
        whitened = self.whitened_from(residual, xp=xp)
        return xp.sum(whitened**2)

    @property
    def log_det(self) -> float:
        """``ln det C = 2 sum ln L_ii``."""
        return float(2.0 * np.sum(np.log(np.diag(self.cholesky))))

    @property
    def noise_normalization(self) -> float:
        """``ln det(2 pi C) = N ln 2 pi + ln det C``."""
        return float(self.pixels * np.log(2.0 * np.pi) + self.log_det)

    def submatrix_for(self, keep) -> "NoiseCovariance":
        """The covariance of the pixels ``keep`` (a boolean (N,) array) as a new object."""
        keep = np.asarray(keep, dtype=bool)
        return NoiseCovariance(self.matrix[np.ix_(keep, keep)])

    def __repr__(self):
        return f"NoiseCovariance(pixels={self.pixels})"
