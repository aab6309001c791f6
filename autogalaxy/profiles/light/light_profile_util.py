"""
Pure array functions behind the light profiles of ``ag.lp``, ``ag.lp_linear`` and ``ag.lp_operated``.

Every function takes ``xp`` (``numpy`` or ``jax.numpy``) and does plain array maths with no Python
branching on values, so it runs unchanged under ``jax.jit`` and ``jax.grad``.

Conventions (those of PyAutoGalaxy)
-----------------------------------
* Points are ``(M, 2)`` arrays of ``(y, x)`` arc-second coordinates; ``centre`` is ``(y, x)``.
* ``ell_comps = (e1, e2) = (f sin 2 phi, f cos 2 phi)`` with ``f = (1 - q) / (1 + q)``, ``q`` the
  minor-to-major axis ratio and ``phi`` the position angle of the major axis, counter-clockwise
  from the +x axis. Hence ``f = sqrt(e1^2 + e2^2)``, ``q = (1 - f) / (1 + f)`` and
  ``phi = 0.5 * arctan2(e1, e2)``; ``ell_comps = (0, 1/3)`` is ``q = 0.5``, ``phi = 0``: elongated
  along x.
* ``f`` is capped at :data:`ELL_COMPS_FAC_MAX` = 0.999 (``q >= 1/1999``), as in PyAutoGalaxy's
  ``convert.axis_ratio_and_angle_from``: ellipticities a sampler proposes near ``|e| = 1`` stay
  finite. (Profiles refuse concrete ``|e| >= 1``; only traced values rely on the cap.)
* The profile frame: shift by ``centre``, rotate by ``phi`` so ``x'`` runs along the major axis,
  ``x' = x cos phi + y sin phi``, ``y' = -x sin phi + y cos phi``.
* The *eccentric radius* is ``R = sqrt(q) * sqrt(x'^2 + (y'/q)^2) = sqrt(q x'^2 + y'^2 / q)``. The
  ellipse ``R = const`` has semi-axes ``R / sqrt(q)`` and ``R sqrt(q)``, so its area is ``pi R^2``:
  the map to ``R`` preserves area and every radius parameter is a *circularised* radius. A
  profile ``I(R)`` therefore has the total flux of the circular profile, with no ``q`` factor.

The eccentric radius is computed straight from ``ell_comps``,

    R^2 = [(x^2 + y^2)(1 + e1^2 + e2^2) - 2 (e2 (x^2 - y^2) + 2 e1 x y)] / (1 - e1^2 - e2^2),

which equals ``q x'^2 + y'^2 / q`` and is a polynomial in ``(e1, e2)`` over a positive constant:
smooth at ``ell_comps = (0, 0)``, where the route through ``q`` and ``phi`` (``sqrt`` of ``f^2``,
``arctan2(0, 0)``) has NaN gradients.
"""

import numpy as np

__all__ = [
    "ELL_COMPS_FAC_MAX",
    "RADIUS_MINIMUM",
    "ell_comps_from",
    "axis_ratio_and_angle_from",
    "ell_comps_fac_from",
    "eccentric_radii_squared_from",
    "eccentric_radii_from",
    "sersic_constant_from",
    "gaussian_image_from",
    "sersic_image_from",
    "gaussian_total_flux_from",
    "sersic_total_flux_from",
]

ELL_COMPS_FAC_MAX = 0.999
"""Cap on ``f = sqrt(e1^2 + e2^2)`` (PyAutoGalaxy's), i.e. ``q >= (1 - 0.999) / (1 + 0.999)``."""

RADIUS_MINIMUM = 1e-12
"""Floor (arcsec) on the eccentric radius of cuspy profiles, so ``R**(1/n)`` and its gradients
stay finite on a sample that lands exactly on the centre."""


def _safe_sqrt(value, xp):
    """``sqrt(value)`` for ``value >= 0`` with gradient 0 (not NaN) at exactly 0."""
    positive = value > 0.0
    return xp.where(positive, xp.sqrt(xp.where(positive, value, 1.0)), 0.0)


def ell_comps_from(axis_ratio, angle, xp=np):
    """
    Return ``(e1, e2) = (f sin 2 phi, f cos 2 phi)``, ``f = (1 - q) / (1 + q)``.

    Parameters
    ----------
    axis_ratio
        ``q``, the minor-to-major axis ratio, ``0 < q <= 1``.
    angle
        ``phi`` in degrees, counter-clockwise from the +x axis (PyAutoGalaxy's unit).
    """
    phi = angle * (np.pi / 180.0)
    fac = (1.0 - axis_ratio) / (1.0 + axis_ratio)
    return (fac * xp.sin(2.0 * phi), fac * xp.cos(2.0 * phi))


def ell_comps_fac_from(ell_comps, xp=np):
    """
    Return ``(e1, e2)`` with ``f = sqrt(e1^2 + e2^2)`` capped at :data:`ELL_COMPS_FAC_MAX`.

    The direction is kept; only ``|e| > 0.999`` is scaled down. Gradients are finite
    everywhere, ``ell_comps = (0, 0)`` included.
    """
    e1 = xp.asarray(ell_comps[0])
    e2 = xp.asarray(ell_comps[1])
    fac_squared = e1 * e1 + e2 * e2
    over = fac_squared > ELL_COMPS_FAC_MAX**2
    scale = xp.where(over, ELL_COMPS_FAC_MAX / xp.sqrt(xp.where(over, fac_squared, 1.0)), 1.0)
    return e1 * scale, e2 * scale


def axis_ratio_and_angle_from(ell_comps, xp=np):
    """
    Return ``(q, angle)``: the axis ratio and the position angle in degrees, in ``[-45, 135)``.

    ``q = (1 - f) / (1 + f)`` with ``f = sqrt(e1^2 + e2^2)`` capped at 0.999, and
    ``angle = 0.5 * arctan2(e1, e2)`` in degrees (the PyAutoGalaxy range). At
    ``ell_comps = (0, 0)`` this is ``(1.0, 0.0)``, with zero (not NaN) gradients.
    """
    e1, e2 = ell_comps_fac_from(ell_comps, xp=xp)
    fac_squared = e1 * e1 + e2 * e2
    fac = _safe_sqrt(fac_squared, xp)
    axis_ratio = (1.0 - fac) / (1.0 + fac)
    nonzero = fac_squared > 0.0
    angle = 0.5 * xp.where(
        nonzero, xp.arctan2(xp.where(nonzero, e1, 0.0), xp.where(nonzero, e2, 1.0)), 0.0
    )
    angle = angle * (180.0 / np.pi)
    angle = xp.where(angle < -45.0, angle + 180.0, angle)
    return axis_ratio, angle


def eccentric_radii_squared_from(points, centre, ell_comps, xp=np):
    """
    Return ``R^2 = q x'^2 + y'^2 / q`` at every point, (M,).

    Parameters
    ----------
    points
        (M, 2) ``(y, x)`` coordinates (arcsec).
    centre
        ``(y, x)`` of the profile.
    ell_comps
        ``(e1, e2)``; ``f`` is capped at :data:`ELL_COMPS_FAC_MAX`.

    Notes
    -----
    Evaluated through the closed form of the module docstring, a polynomial in ``(e1, e2)``
    (smooth at ``(0, 0)``). May be a rounding error below zero very close to the centre;
    :func:`eccentric_radii_from` floors it.
    """
    points = xp.asarray(points)
    y = points[:, 0] - centre[0]
    x = points[:, 1] - centre[1]
    e1, e2 = ell_comps_fac_from(ell_comps, xp=xp)
    fac_squared = e1 * e1 + e2 * e2
    radii_squared = x * x + y * y
    return (
        radii_squared * (1.0 + fac_squared) - 2.0 * (e2 * (x * x - y * y) + 2.0 * e1 * x * y)
    ) / (1.0 - fac_squared)


def eccentric_radii_from(points, centre, ell_comps, xp=np, radius_minimum=RADIUS_MINIMUM):
    """
    Return the eccentric radius ``R = sqrt(q x'^2 + y'^2 / q)`` at every point, (M,).

    ``R`` is floored at ``radius_minimum`` (a ``where``, so a point on the centre gets a zero,
    finite gradient with respect to its coordinates).
    """
    radii_squared = eccentric_radii_squared_from(points, centre, ell_comps, xp=xp)
    floor = radius_minimum * radius_minimum
    return xp.sqrt(xp.where(radii_squared > floor, radii_squared, floor))


def sersic_constant_from(sersic_index):
    """
    Return ``b_n``, the Sersic constant that makes ``effective_radius`` the half-light radius.

    The asymptotic series of Ciotti & Bertin (1999), as in PyAutoGalaxy:
    ``b_n = 2n - 1/3 + 4/(405 n) + 46/(25515 n^2) + 131/(1148175 n^3) - 2194697/(30690717750 n^4)``
    (relative error against the exact root of ``gammainc(2n, b_n) = 1/2``: 2.5e-5 at n = 1,
    5e-7 at n = 2.5, 7e-8 at n = 4). Works on numbers and on NumPy / JAX arrays.
    """
    n = sersic_index
    return (
        2.0 * n
        - 1.0 / 3.0
        + 4.0 / (405.0 * n)
        + 46.0 / (25515.0 * n**2)
        + 131.0 / (1148175.0 * n**3)
        - 2194697.0 / (30690717750.0 * n**4)
    )


def gaussian_image_from(points, centre, ell_comps, intensity, sigma, xp=np):
    """
    Return the elliptical Gaussian at every point, (M,).

    ``I = intensity * exp(-0.5 * (R / (sigma / sqrt(q)))^2) = intensity * exp(-0.5 (q^2 x'^2 + y'^2) / sigma^2)``
    with ``R`` the eccentric radius: PyAutoGalaxy's Gaussian, whose ``sigma`` is the standard
    deviation along the minor axis (``sigma / q`` along the major axis). ``intensity`` is the
    central value.
    """
    e1, e2 = ell_comps_fac_from(ell_comps, xp=xp)
    fac = _safe_sqrt(e1 * e1 + e2 * e2, xp)
    axis_ratio = (1.0 - fac) / (1.0 + fac)
    radii_squared = eccentric_radii_squared_from(points, centre, (e1, e2), xp=xp)
    return intensity * xp.exp(-0.5 * axis_ratio * radii_squared / (sigma * sigma))


def sersic_image_from(points, centre, ell_comps, intensity, effective_radius, sersic_index, xp=np):
    """
    Return the elliptical Sersic profile at every point, (M,).

    ``I = intensity * exp(-b_n ((R / effective_radius)^(1/n) - 1))`` with ``R`` the eccentric
    radius (floored at :data:`RADIUS_MINIMUM`), ``n = sersic_index`` and ``b_n`` from
    :func:`sersic_constant_from`: ``intensity`` is the surface brightness at ``R = effective_radius``,
    the circularised half-light radius.
    """
    radii = eccentric_radii_from(points, centre, ell_comps, xp=xp)
    sersic_constant = sersic_constant_from(sersic_index)
    return intensity * xp.exp(
        -sersic_constant * (xp.power(radii / effective_radius, 1.0 / sersic_index) - 1.0)
    )


def gaussian_total_flux_from(ell_comps, intensity, sigma, xp=np):
    """
    Return the integral of :func:`gaussian_image_from` over the plane: ``2 pi sigma^2 intensity / q``.

    The Gaussian has standard deviations ``sigma`` (minor axis) and ``sigma / q`` (major axis).
    """
    axis_ratio, _ = axis_ratio_and_angle_from(ell_comps, xp=xp)
    return 2.0 * np.pi * sigma * sigma * intensity / axis_ratio


def _gammaln_for(xp):
    if xp is np:
        from scipy.special import gammaln
    else:
        from jax.scipy.special import gammaln
    return gammaln


def sersic_total_flux_from(intensity, effective_radius, sersic_index, xp=np):
    """
    Return the integral of :func:`sersic_image_from` over the plane.

    ``F = intensity * effective_radius^2 * 2 pi n e^(b_n) Gamma(2n) / b_n^(2n)``, from
    ``int_0^inf 2 pi R I(R) dR``. The eccentric radius preserves area (ellipses of radius ``R``
    enclose ``pi R^2``), so the result does not depend on ``ell_comps``. Evaluated in logs so
    large ``n`` does not overflow.
    """
    n = sersic_index
    b = sersic_constant_from(n)
    log_factor = b + _gammaln_for(xp)(2.0 * n) - 2.0 * n * xp.log(b)
    return 2.0 * np.pi * n * intensity * effective_radius * effective_radius * xp.exp(log_factor)
