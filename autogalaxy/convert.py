"""
``ag.convert``: between the ellipticity components that profiles take and the axis ratio and
position angle people think in (PyAutoGalaxy's conventions and argument order).

``ell_comps = (e1, e2) = (f sin 2 phi, f cos 2 phi)``, ``f = (1 - q) / (1 + q)``, with ``q`` the
minor-to-major axis ratio and ``phi`` the major axis' angle in degrees counter-clockwise from +x::

    ag.convert.ell_comps_from(axis_ratio=0.5, angle=45.0)     # (1/3, 0): elongated along y = x
    ag.convert.axis_ratio_and_angle_from(ell_comps=(0.0, 1/3))  # (0.5, 0.0)

Concrete (NumPy / Python) inputs are checked; JAX values are passed through unchecked so the
functions run under ``jax.jit`` and ``jax.grad`` (with ``xp=jax.numpy``).
"""

import math
import numbers

import numpy as np

from autogalaxy import exc
from autogalaxy.profiles.light import light_profile_util

__all__ = ["ell_comps_from", "axis_ratio_and_angle_from", "axis_ratio_from", "angle_from"]


def _is_jax_value(value) -> bool:
    return type(value).__module__.startswith(("jax", "jaxlib"))


def _concrete_float_from(name: str, value):
    """``value`` as a float if it is a concrete real number, None if it is a JAX value."""
    if _is_jax_value(value):
        return None
    if isinstance(value, np.ndarray) and value.shape == () and value.dtype.kind in "iuf":
        value = value.item()  # a 0-d NumPy array, e.g. returned by a NumPy computation
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real | np.number):
        raise TypeError(
            f"{name} must be a real number, got {value!r} of type {type(value).__name__}."
        )
    number = float(value)
    if not math.isfinite(number):
        raise exc.ProfileException(f"{name} must be finite, got {number}.")
    return number


def ell_comps_from(axis_ratio, angle, xp=np) -> tuple:
    """
    The ellipticity components of an ellipse of axis ratio ``q`` and position angle ``phi``.

    Parameters
    ----------
    axis_ratio : float
        ``q = b / a``, in ``(0, 1]``.
    angle : float
        ``phi`` in degrees, counter-clockwise from +x.
    xp : module
        ``numpy`` or ``jax.numpy``.

    Returns
    -------
    (float, float)
        ``(f sin 2 phi, f cos 2 phi)`` with ``f = (1 - q) / (1 + q)``.

    Raises
    ------
    TypeError
        If an argument is not a real number.
    ProfileException
        If ``axis_ratio`` is not in ``(0, 1]`` (for ``q > 1`` use ``1 / q`` and ``angle + 90``)
        or an argument is not finite.
    """
    q = _concrete_float_from("axis_ratio", axis_ratio)
    _concrete_float_from("angle", angle)
    if q is not None and not 0.0 < q <= 1.0:
        raise exc.ProfileException(
            f"axis_ratio must be in (0, 1] (minor over major axis), got {q}; for an ellipse "
            "given as major over minor use axis_ratio=1/q and angle + 90."
        )
    return light_profile_util.ell_comps_from(axis_ratio, angle, xp=xp)


def axis_ratio_and_angle_from(ell_comps, xp=np) -> tuple:
    """
    The axis ratio and position angle (degrees, in ``[-45, 135)``) of ellipticity components.

    Parameters
    ----------
    ell_comps : (float, float)
        ``(e1, e2)``, with ``sqrt(e1^2 + e2^2) < 1``.
    xp : module
        ``numpy`` or ``jax.numpy``.

    Returns
    -------
    (float, float)
        ``q = (1 - f) / (1 + f)``, ``f = sqrt(e1^2 + e2^2)``, and ``0.5 arctan2(e1, e2)`` in
        degrees (``(1.0, 0.0)`` at ``(0, 0)``).

    Raises
    ------
    TypeError
        If ``ell_comps`` is not a pair of real numbers.
    ProfileException
        If ``sqrt(e1^2 + e2^2) >= 1`` (no ellipse; PyAutoGalaxy clamps it to 0.999 silently) or
        a component is not finite.

    Notes
    -----
    JAX values are not checked; there ``f`` is capped at 0.999 as in PyAutoGalaxy.
    """
    try:
        e1, e2 = ell_comps
    except (TypeError, ValueError):
        raise TypeError(f"ell_comps must be a pair (e1, e2), got {ell_comps!r}.") from None
    c1, c2 = _concrete_float_from("ell_comps[0]", e1), _concrete_float_from("ell_comps[1]", e2)
    if c1 is not None and c2 is not None and math.hypot(c1, c2) >= 1.0:
        raise exc.ProfileException(
            f"ell_comps {tuple(ell_comps)} have magnitude {math.hypot(c1, c2):.6g} >= 1: no "
            "ellipse has them (the axis ratio would be <= 0)."
        )
    q, phi = light_profile_util.axis_ratio_and_angle_from((e1, e2), xp=xp)
    if c1 is not None and c2 is not None:
        return float(q), float(phi)
    return q, phi


def axis_ratio_from(ell_comps, xp=np):
    """The axis ratio of :func:`axis_ratio_and_angle_from`."""
    return axis_ratio_and_angle_from(ell_comps, xp=xp)[0]


def angle_from(ell_comps, xp=np):
    """The position angle (degrees, in ``[-45, 135)``) of :func:`axis_ratio_and_angle_from`."""
    return axis_ratio_and_angle_from(ell_comps, xp=xp)[1]
