"""
Priors of a declared model: the range and starting point of one free parameter.

The optimiser of :func:`autogalaxy.fit` (``scipy.optimize.least_squares``) searches a box: each
free parameter has a lower and an upper limit and a starting value inside them. A prior object is
a parameter's identity too: assigning the *same* object to two attributes of a model ties them
into one free parameter (``model.disk.centre = model.bulge.centre``).
"""

import math
import numbers

import numpy as np

from autogalaxy import exc

__all__ = ["Uniform"]


def _real_from(value, name: str) -> float:
    """``value`` as a finite Python float (``TypeError`` for non-numbers, bools included)."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"Uniform {name} must be a real number, got {value!r} of type {type(value).__name__}."
        )
    number = float(value)
    if not math.isfinite(number):
        raise exc.ModelException(f"Uniform {name} must be finite, got {number}.")
    return number


class Uniform:
    """
    A free parameter searched between ``lower_limit`` and ``upper_limit``.

    Parameters
    ----------
    lower_limit : float
        The smallest value the optimiser may try.
    upper_limit : float
        The largest value the optimiser may try; must be > ``lower_limit``.
    start : float or None
        Where the optimiser starts, inside the limits. None: the midpoint of the limits (give a
        start for parameters whose range spans decades, such as intensities).

    Raises
    ------
    TypeError
        If a limit or the start is not a real number (``bool`` included).
    autogalaxy.exc.ModelException
        If a value is not finite, ``lower_limit >= upper_limit``, or the start lies outside the
        limits.

    Notes
    -----
    The names follow PyAutoFit's ``UniformPrior(lower_limit, upper_limit)``. The fit is maximum
    likelihood: the limits bound the search (a box constraint), they are not a probability density
    that weights the likelihood.
    """

    def __init__(self, lower_limit: float, upper_limit: float, start: float | None = None):
        lower = _real_from(lower_limit, "lower_limit")
        upper = _real_from(upper_limit, "upper_limit")
        if not lower < upper:
            raise exc.ModelException(
                f"Uniform needs lower_limit < upper_limit, got lower_limit={lower}, "
                f"upper_limit={upper}; swap them or widen the range."
            )
        if start is None:
            start = 0.5 * (lower + upper)
        else:
            start = _real_from(start, "start")
            if not lower <= start <= upper:
                raise exc.ModelException(
                    f"Uniform start={start} lies outside its limits [{lower}, {upper}]; give a "
                    "start inside them."
                )
        self.lower_limit = lower
        self.upper_limit = upper
        self.start = start

    def __repr__(self):
        return (
            f"Uniform(lower_limit={self.lower_limit!r}, upper_limit={self.upper_limit!r}, "
            f"start={self.start!r})"
        )
