"""
Declared models and their maximum-likelihood fits: ``ag.Model``, ``ag.Uniform``, ``ag.fit``.

See :mod:`autogalaxy.modeling.model` for how a model is declared and :func:`fit` for the fit.
"""

from autogalaxy.modeling.fit_model import FitResult, Parameter, fit
from autogalaxy.modeling.model import DEFAULT_PRIORS, Model
from autogalaxy.modeling.prior import Uniform

__all__ = ["Model", "Uniform", "DEFAULT_PRIORS", "fit", "FitResult", "Parameter"]
