"""
``ag.fit(dataset, model)``: the maximum-likelihood fit of a declared model to an imaging dataset.

The optimiser is ``scipy.optimize.least_squares`` (trust-region reflective, inside the priors'
box) on the noise-normalised residuals ``(data - model) / noise``, whose sum of squares is the
chi^2; the Jacobian is by finite differences. The 1-sigma errors come from the Jacobian at the
optimum (:func:`autogalaxy.modeling.fit_util.covariance_from`). For the same dataset, model and
settings the fit is deterministic: the same numbers, bit for bit, on every run and machine with
the same libraries and BLAS threading (:func:`autogalaxy.fit_sample` pins BLAS to one thread).
"""

import sys
import time
from functools import cached_property
from typing import NamedTuple

import numpy as np
from scipy import optimize

import autoarray as aa
from autoarray.progress_util import Progress
from autogalaxy import exc
from autogalaxy.imaging.fit_imaging import FitImaging
from autogalaxy.modeling import fit_util
from autogalaxy.modeling.model import Model, free_model_from

__all__ = ["fit", "FitResult", "Parameter"]


class Parameter(NamedTuple):
    """One row of :attr:`FitResult.parameters`."""

    name: str
    value: float
    error: float
    lower_limit: float
    upper_limit: float
    at_limit: bool


class FitResult:
    """
    The outcome of :func:`fit`.

    Attributes
    ----------
    model : Model
        The model that was fitted.
    dataset : autoarray.Imaging
        The dataset it was fitted to.
    instance : object
        The model built at the best fit (e.g. an ``ag.Galaxy``).
    galaxies : list of Galaxy
        The best-fit galaxies (``[instance]`` for a galaxy model).
    values, errors : numpy.ndarray
        Best-fit values and 1-sigma errors, in ``model.parameter_names`` order.
    covariance : numpy.ndarray
        The parameters' covariance ``(J^T J)^+``.
    parameters : dict of str to Parameter
        The table: name -> ``Parameter(name, value, error, lower_limit, upper_limit, at_limit)``.
    chi_squared, log_likelihood : float
        Of the best fit (``FitImaging``'s definitions).
    evaluations : int
        Likelihood evaluations, the finite-difference Jacobian's included.
    wall_time : float
        Seconds the fit took.
    success : bool
        Whether the optimiser met a convergence test (False: it stopped at ``max_nfev``).
    message : str
        The optimiser's reason to stop.
    """

    def __init__(self, model, dataset, values, covariance, evaluations, wall_time, optimum):
        self.model = model
        self.dataset = dataset
        self.values = np.array(values, dtype=float)
        self.covariance = covariance
        self.errors = np.sqrt(np.clip(np.diag(covariance), 0.0, None))
        self.evaluations = int(evaluations)
        self.wall_time = float(wall_time)
        self.success = bool(optimum.success)
        self.message = str(optimum.message)
        self.instance = model.instance_from(self.values)
        self.galaxies = fit_util.galaxies_from(self.instance)
        self.chi_squared = float(self.fit.chi_squared)
        self.log_likelihood = float(self.fit.log_likelihood)

    @cached_property
    def fit(self) -> FitImaging:
        """The ``FitImaging`` of the best-fit galaxies (model image, residuals, ...)."""
        return FitImaging(dataset=self.dataset, galaxies=self.galaxies)

    @property
    def parameters(self) -> dict:
        """name -> :class:`Parameter`, in ``model.parameter_names`` order."""
        lower, upper = self.model.lower_limits, self.model.upper_limits
        at_limit = fit_util.at_limit_from(self.values, lower, upper)
        return {
            name: Parameter(name, *row)
            for name, row in zip(
                self.model.parameter_names,
                zip(
                    self.values.tolist(),
                    self.errors.tolist(),
                    lower.tolist(),
                    upper.tolist(),
                    at_limit.tolist(),
                ),
            )
        }

    @property
    def summary(self) -> str:
        """The parameter table and the fit's statistics, as text."""
        head = f"{'parameter':32s} {'value':>12s} {'error':>10s}   limits"
        lines = [head, "-" * (len(head) + 20)]
        for p in self.parameters.values():
            flag = "  (at limit)" if p.at_limit else ""
            lines.append(
                f"{p.name:32s} {p.value:12.6g} {p.error:10.3g}   "
                f"[{p.lower_limit:.3g}, {p.upper_limit:.3g}]{flag}"
            )
        pixels = self.dataset.mask.pixels_in_mask
        lines.append(
            f"chi^2 {self.chi_squared:.2f} ({pixels} pixels), log likelihood "
            f"{self.log_likelihood:.2f}, {self.evaluations} evaluations, {self.wall_time:.2f} s"
        )
        return "\n".join(lines)

    def __str__(self):
        return self.summary

    def __repr__(self):
        return (
            f"FitResult({self.model.cls.__name__}, {len(self.values)} parameters, "
            f"chi_squared={self.chi_squared:.4g}, evaluations={self.evaluations})"
        )


def _check_limits(model: Model):
    """Every limit of every prior must build a valid instance (the others at their starts)."""
    start = model.start_vector
    for i, (name, prior) in enumerate(zip(model.parameter_names, model.priors)):
        for limit in (prior.lower_limit, prior.upper_limit):
            vector = start.copy()
            vector[i] = limit
            try:
                model.instance_from(vector)
            except exc.ProfileException as error:
                raise exc.ModelException(
                    f"The prior of {name} allows {limit}, which makes an invalid profile "
                    f"({error}); narrow its limits to valid values."
                ) from None


def _galaxies_at(model: Model, x) -> list:
    """The galaxies of vector ``x``; an invalid profile there is a problem of the priors."""
    try:
        return fit_util.galaxies_from(model.instance_from(x))
    except exc.ProfileException as error:
        trial = {name: round(float(v), 6) for name, v in zip(model.parameter_names, x)}
        raise exc.ModelException(
            f"The parameters {trial} make an invalid profile ({error}); set the priors' starts "
            "and limits to valid values (the optimiser searches the whole box, corners included)."
        ) from None


def fit(
    dataset: aa.Imaging,
    model: Model,
    xtol: float = 1e-10,
    ftol: float = 1e-10,
    gtol: float = 1e-8,
    max_nfev: int | None = None,
    progress: bool = False,
    label: str = "fit",
) -> FitResult:
    """
    Fit ``model`` to ``dataset`` by maximum likelihood.

    Parameters
    ----------
    dataset : autoarray.Imaging
        A masked imaging dataset (its over-sampling and convolve sizes decide the model image).
    model : Model
        A model that builds a ``Galaxy`` (or ``Galaxies``, or a list of galaxies), with at least
        one free parameter.
    xtol, ftol, gtol : float
        ``scipy.optimize.least_squares`` tolerances on the step, the chi^2 change and the
        gradient.
    max_nfev : int or None
        The optimiser's budget of iterations' evaluations (finite-difference ones not counted);
        None: scipy's default, 100 x the number of parameters.
    progress : bool
        Write the evaluations, best chi^2 and elapsed time to ``sys.stderr`` as the fit runs.
    label : str
        The progress line's label.

    Returns
    -------
    FitResult

    Raises
    ------
    TypeError
        If ``dataset`` is not an ``Imaging`` or ``model`` not a ``Model``, or the model does not
        build galaxies.
    autogalaxy.exc.DatasetException
        If the data hold NaN or inf inside the mask.
    autogalaxy.exc.ModelException
        If the model has no free parameter, the start or a prior's limit makes an invalid profile
        (e.g. ``effective_radius`` down to 0), the model image at the start is not finite, or the
        optimiser steps where a profile is invalid (e.g. ``|ell_comps| >= 1`` at a box corner).

    Notes
    -----
    The errors are the Gauss-Newton ones, ``sqrt(diag((J^T J)^+))`` with ``J`` the
    finite-difference Jacobian of the normalised residuals at the optimum; for a parameter at one
    of its limits (``Parameter.at_limit``) the optimum is set by the box and the error is not a
    confidence interval. Their accuracy, measured against independent references (the first two
    are tests in ``test_autogalaxy/modeling/test_modeling_fit.py``, the third the survey demo):

    ====================================  ==============================  ==========  ==========
    case                                  reference                       values      errors
    ====================================  ==============================  ==========  ==========
    2 intensities (model linear), noise   weighted least squares, closed  5e-10 rel.  6e-9 rel.
    5 Sersic parameters, noise-free data  truth; central-difference J     4e-15 rel.  1.4e-7 rel.
    100 simulated galaxies (11 params)    scatter of (fit - truth)        n: std of pull 0.99,
                                                                          r_e: 0.93; 68 % of
                                                                          pulls within 1 sigma
    ====================================  ==============================  ==========  ==========

    (The third row: ``workspace_scripts/survey/fit_sample.py``, oversampled PSF; the pull of
    the bulge's Sersic index ``n`` and effective radius ``r_e`` is ``(fit - truth) / error``.)
    """
    if not isinstance(dataset, aa.Imaging):
        raise TypeError(
            f"fit needs an ag.Imaging dataset, got {type(dataset).__name__}; load one with "
            "ag.Imaging.from_fits(...) and mask it with dataset.apply_mask(mask)."
        )
    free_model_from(model, "fit")
    x0 = model.start_vector
    _galaxies_at(model, x0)
    _check_limits(model)

    # Imaging guarantees finite data in the mask; with correlated noise the residuals are
    # whitened (L^-1 r, C = L L^T), so least squares minimises r^T C^-1 r.
    data = np.asarray(dataset.data.array)
    noise = np.asarray(dataset.noise_map.array)
    covariance = dataset.noise_covariance
    counter = Progress(label, unit="eval", file=sys.stderr, enabled=progress)
    best = [np.inf]

    def normalized_residuals(x):
        galaxies = _galaxies_at(model, x)
        fit_imaging = FitImaging(dataset=dataset, galaxies=galaxies)
        residual = data - fit_imaging.model_data.array
        if covariance is None:
            residuals = residual / noise
        else:
            residuals = covariance.whitened_from(residual)
        chi_squared = float(residuals @ residuals)
        best[0] = min(best[0], chi_squared)
        counter.update(postfix=f"best chi^2={best[0]:.6g}")
        return residuals

    start_time = time.perf_counter()
    with counter:
        message = (
            f"The model image at the start ({dict(zip(model.parameter_names, x0))}) has "
            "non-finite values; change the priors' starts."
        )
        try:
            start_residuals = normalized_residuals(x0)
        except exc.KernelException as error:  # the convolution refuses NaN / inf light
            raise exc.ModelException(f"{message} ({error})") from None
        if not np.all(np.isfinite(start_residuals)):
            raise exc.ModelException(message)
        optimum = optimize.least_squares(
            normalized_residuals,
            x0,
            bounds=(model.lower_limits, model.upper_limits),
            method="trf",
            x_scale="jac",
            xtol=xtol,
            ftol=ftol,
            gtol=gtol,
            max_nfev=max_nfev,
        )
    wall_time = time.perf_counter() - start_time
    return FitResult(
        model=model,
        dataset=dataset,
        values=optimum.x,
        covariance=fit_util.covariance_from(optimum.jac),
        evaluations=counter.count,
        wall_time=wall_time,
        optimum=optimum,
    )
