"""Pure helpers of :func:`autogalaxy.fit`: galaxies of a model instance, errors from a Jacobian."""

import numpy as np

from autogalaxy.galaxy.galaxy import Galaxies, Galaxy

__all__ = ["galaxies_from", "covariance_from", "at_limit_from"]


def galaxies_from(instance) -> list:
    """
    The list of galaxies a model instance stands for.

    Parameters
    ----------
    instance : Galaxy, Galaxies or list of Galaxy
        What ``model.instance_from(vector)`` built.

    Returns
    -------
    list of Galaxy

    Raises
    ------
    TypeError
        If ``instance`` is none of these (e.g. a model of a bare light profile).
    """
    if isinstance(instance, Galaxy):
        return [instance]
    if isinstance(instance, Galaxies):
        return list(instance)
    if isinstance(instance, list | tuple) and all(isinstance(g, Galaxy) for g in instance):
        return list(instance)
    raise TypeError(
        f"A fitted model must build a Galaxy, Galaxies or a list of Galaxy, got "
        f"{type(instance).__name__}; wrap light profiles in a galaxy: "
        "ag.Model(ag.Galaxy, redshift=0.5, bulge=ag.lp.Sersic)."
    )


def covariance_from(jacobian: np.ndarray) -> np.ndarray:
    """
    The Gauss-Newton covariance ``(J^T J)^+`` of the parameters.

    Parameters
    ----------
    jacobian : numpy.ndarray
        (n_pixels, n_parameters) derivatives of the *noise-normalised* residuals at the optimum.

    Returns
    -------
    numpy.ndarray
        (n_parameters, n_parameters) covariance; the pseudo-inverse keeps it finite when a
        parameter has no effect on the image (its variance is then 0, not infinite: check the
        Jacobian's rank before trusting such an error).

    Notes
    -----
    With residuals ``r = (d - m) / sigma``, ``chi^2 = r^T r`` and ``-2 ln L`` has Hessian
    ``2 J^T J`` to first order, so the 1-sigma errors are ``sqrt(diag((J^T J)^-1))``. They are
    exact for a model linear in its parameters and Gaussian noise, and the usual Laplace
    approximation otherwise.
    """
    jacobian = np.asarray(jacobian, dtype=float)
    return np.linalg.pinv(jacobian.T @ jacobian)


def at_limit_from(values, lower, upper, rtol: float = 1e-6) -> np.ndarray:
    """
    Which values sit on their limits (within ``rtol`` of the limits' span).

    Returns
    -------
    numpy.ndarray of bool
        True where a value is within ``rtol * (upper - lower)`` of ``lower`` or ``upper``: the
        optimum is then set by the box, and its Jacobian error is not a confidence interval.
    """
    values, lower, upper = (np.asarray(a, dtype=float) for a in (values, lower, upper))
    tolerance = rtol * (upper - lower)
    return (values - lower <= tolerance) | (upper - values <= tolerance)
