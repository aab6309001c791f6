"""
The standard light profiles of ``ag.lp``: Gaussian, Sersic, Exponential, DevVaucouleurs (+ ``Sph``).

Conventions (PyAutoGalaxy's; the formulas are in :mod:`light_profile_util`)
--------------------------------------------------------------------------
* ``centre = (y, x)`` in arcsec; ``ell_comps = (e1, e2) = (f sin 2 phi, f cos 2 phi)`` with
  ``f = (1 - q) / (1 + q)``, ``q`` the axis ratio and ``phi`` the major axis' angle
  counter-clockwise from +x (``(0, 1/3)``: ``q = 0.5`` elongated along x; ``(1/3, 0)``: along the
  diagonal y = x). ``|ell_comps|`` must be < 1; ``f`` is capped at 0.999 in evaluation.
* Points are shifted by ``centre`` and rotated by ``phi`` (``x'`` along the major axis); profiles
  are functions of the *eccentric radius* ``R = sqrt(q) * sqrt(x'^2 + (y'/q)^2)``, which keeps
  areas (an ellipse of radius ``R`` encloses ``pi R^2``): ``effective_radius`` is a circularised
  radius and the Sersic total flux does not depend on ``q``.
* ``Sersic``: ``I(R) = intensity * exp(-b_n ((R / effective_radius)^(1/n) - 1))``, ``intensity`` at
  ``R = effective_radius``, ``b_n`` from the Ciotti & Bertin (1999) series.
* ``Gaussian``: ``I = intensity * exp(-0.5 (R / (sigma / sqrt(q)))^2)
  = intensity * exp(-0.5 (q^2 x'^2 + y'^2) / sigma^2)``, exactly PyAutoGalaxy's (its
  ``image_2d_via_radii_from`` divides ``sigma`` by ``sqrt(q)``): ``sigma`` is the width along the
  minor axis and ``sigma / q`` along the major one; ``intensity`` is the central value.
* ``image_2d_from(grid, xp)`` evaluates on ``grid.over_sampled`` and bins with the mean;
  ``image_2d_via_points_from(points, xp)`` evaluates at raw ``(M, 2)`` points.

Every class is a frozen dataclass and (with jax installed) a JAX pytree whose leaves are its
constructor parameters; fixed parameters (``ell_comps`` of ``Sph`` profiles, ``sersic_index`` of
``Exponential`` = 1 and ``DevVaucouleurs`` = 4) are constants. See :mod:`abstract`.
"""

import dataclasses

import numpy as np

from autogalaxy.profiles.light import light_profile_util
from autogalaxy.profiles.light.abstract import LightProfile, light_profile_dataclass

__all__ = [
    "Gaussian",
    "GaussianSph",
    "Sersic",
    "SersicSph",
    "Exponential",
    "ExponentialSph",
    "DevVaucouleurs",
    "DevVaucouleursSph",
]


def _fixed(value):
    """A field a subclass fixes: not a constructor argument, not a pytree leaf, not in repr."""
    return dataclasses.field(default=value, init=False, repr=False)


@light_profile_dataclass
class Gaussian(LightProfile):
    """
    The elliptical Gaussian light profile.

    Parameters
    ----------
    centre
        The (y, x) arcsec centre.
    ell_comps
        The ellipticity components ``(f sin 2 phi, f cos 2 phi)``, ``f = (1 - q) / (1 + q)``.
    intensity
        The central surface brightness (the units of the data, e.g. electrons per second).
    sigma
        The standard deviation along the minor axis (arcsec), > 0.

    Notes
    -----
    ``I(x', y') = intensity * exp(-0.5 (q^2 x'^2 + y'^2) / sigma^2)`` in the profile frame (``x'``
    along the major axis), i.e. ``exp(-0.5 (R / (sigma / sqrt(q)))^2)`` in the eccentric radius
    ``R = sqrt(q x'^2 + y'^2 / q)``, as in PyAutoGalaxy. Total flux:
    ``2 pi sigma^2 intensity / q``.
    """

    centre: tuple = (0.0, 0.0)
    ell_comps: tuple = (0.0, 0.0)
    intensity: float = 0.1
    sigma: float = 1.0

    _positive_parameters = ("sigma",)

    def image_2d_via_points_from(self, points, xp=np):
        return light_profile_util.gaussian_image_from(
            points, self.centre, self.ell_comps, self.intensity, self.sigma, xp=xp
        )

    @property
    def total_flux(self):
        """``2 pi sigma^2 intensity / q``."""
        xp = self._xp_of_parameters()
        flux = light_profile_util.gaussian_total_flux_from(
            self.ell_comps, self.intensity, self.sigma, xp=xp
        )
        return self._scalar_out(flux, xp)


@light_profile_dataclass
class GaussianSph(Gaussian):
    """
    The circular Gaussian light profile: ``intensity * exp(-0.5 r^2 / sigma^2)``.

    Parameters
    ----------
    centre
        The (y, x) arcsec centre.
    intensity
        The central surface brightness.
    sigma
        The standard deviation (arcsec), > 0.

    Notes
    -----
    A ``Gaussian`` with ``ell_comps = (0, 0)`` fixed (a constant, not a pytree leaf).
    Total flux ``2 pi sigma^2 intensity``.
    """

    ell_comps: tuple = _fixed((0.0, 0.0))


@light_profile_dataclass
class Sersic(LightProfile):
    """
    The elliptical Sersic light profile.

    Parameters
    ----------
    centre
        The (y, x) arcsec centre.
    ell_comps
        The ellipticity components ``(f sin 2 phi, f cos 2 phi)``, ``f = (1 - q) / (1 + q)``.
    intensity
        The surface brightness at the effective radius.
    effective_radius
        The circularised half-light radius (arcsec), > 0.
    sersic_index
        The Sersic index ``n`` (concentration), > 0.

    Notes
    -----
    ``I(R) = intensity * exp(-b_n ((R / effective_radius)^(1/n) - 1))`` with ``R`` the eccentric
    radius ``sqrt(q x'^2 + y'^2 / q)`` (floored at 1e-12 arcsec so the centre is finite) and
    ``b_n`` the Ciotti & Bertin (1999) series (:attr:`sersic_constant`). The ellipse
    ``R = effective_radius`` holds half the light; its major semi-axis is
    :attr:`elliptical_effective_radius`. Total flux
    ``intensity * effective_radius^2 * 2 pi n e^(b_n) Gamma(2n) / b_n^(2n)``, independent of ``q``.
    """

    centre: tuple = (0.0, 0.0)
    ell_comps: tuple = (0.0, 0.0)
    intensity: float = 0.1
    effective_radius: float = 0.6
    sersic_index: float = 4.0

    _positive_parameters = ("effective_radius", "sersic_index")

    @property
    def sersic_constant(self):
        """``b_n``, which makes ``effective_radius`` the half-light radius."""
        return light_profile_util.sersic_constant_from(self.sersic_index)

    @property
    def elliptical_effective_radius(self):
        """The major semi-axis of the half-light ellipse, ``effective_radius / sqrt(q)``."""
        xp = self._xp_of_parameters()
        return self._scalar_out(self.effective_radius / xp.sqrt(self.axis_ratio(xp=xp)), xp)

    def image_2d_via_points_from(self, points, xp=np):
        return light_profile_util.sersic_image_from(
            points,
            self.centre,
            self.ell_comps,
            self.intensity,
            self.effective_radius,
            self.sersic_index,
            xp=xp,
        )

    @property
    def total_flux(self):
        """``intensity * effective_radius^2 * 2 pi n e^(b_n) Gamma(2n) / b_n^(2n)``."""
        xp = self._xp_of_parameters()
        flux = light_profile_util.sersic_total_flux_from(
            self.intensity, self.effective_radius, self.sersic_index, xp=xp
        )
        return self._scalar_out(flux, xp)


@light_profile_dataclass
class SersicSph(Sersic):
    """
    The circular Sersic light profile.

    Parameters
    ----------
    centre
        The (y, x) arcsec centre.
    intensity
        The surface brightness at the effective radius.
    effective_radius
        The half-light radius (arcsec), > 0.
    sersic_index
        The Sersic index ``n``, > 0.

    Notes
    -----
    A ``Sersic`` with ``ell_comps = (0, 0)`` fixed (a constant, not a pytree leaf).
    """

    ell_comps: tuple = _fixed((0.0, 0.0))


@light_profile_dataclass
class Exponential(Sersic):
    """
    The elliptical exponential light profile: a ``Sersic`` with ``sersic_index = 1`` fixed.

    Parameters
    ----------
    centre
        The (y, x) arcsec centre.
    ell_comps
        The ellipticity components ``(f sin 2 phi, f cos 2 phi)``, ``f = (1 - q) / (1 + q)``.
    intensity
        The surface brightness at the effective radius.
    effective_radius
        The circularised half-light radius (arcsec), > 0.

    Notes
    -----
    ``I(R) = intensity * exp(-b_1 (R / effective_radius - 1))``, ``b_1 ~ 1.678389`` (series; exact half-light 1.678347), with ``R`` the
    eccentric radius ``sqrt(q x'^2 + y'^2 / q)``. ``sersic_index`` is a constant, not a pytree leaf.
    """

    sersic_index: float = _fixed(1.0)


@light_profile_dataclass
class ExponentialSph(Exponential):
    """
    The circular exponential light profile (``Sersic`` with ``n = 1``, ``ell_comps = (0, 0)``).

    Parameters
    ----------
    centre
        The (y, x) arcsec centre.
    intensity
        The surface brightness at the effective radius.
    effective_radius
        The half-light radius (arcsec), > 0.

    Notes
    -----
    ``ell_comps`` and ``sersic_index`` are constants, not pytree leaves.
    """

    ell_comps: tuple = _fixed((0.0, 0.0))


@light_profile_dataclass
class DevVaucouleurs(Sersic):
    """
    The elliptical de Vaucouleurs light profile: a ``Sersic`` with ``sersic_index = 4`` fixed.

    Parameters
    ----------
    centre
        The (y, x) arcsec centre.
    ell_comps
        The ellipticity components ``(f sin 2 phi, f cos 2 phi)``, ``f = (1 - q) / (1 + q)``.
    intensity
        The surface brightness at the effective radius.
    effective_radius
        The circularised half-light radius (arcsec), > 0.

    Notes
    -----
    ``I(R) = intensity * exp(-b_4 ((R / effective_radius)^(1/4) - 1))``, ``b_4 ~ 7.669250``, with
    ``R`` the eccentric radius ``sqrt(q x'^2 + y'^2 / q)`` (finite at the centre:
    ``intensity * e^(b_4)``). ``sersic_index`` is a constant, not a pytree leaf.
    """

    sersic_index: float = _fixed(4.0)


@light_profile_dataclass
class DevVaucouleursSph(DevVaucouleurs):
    """
    The circular de Vaucouleurs light profile (``Sersic`` with ``n = 4``, ``ell_comps = (0, 0)``).

    Parameters
    ----------
    centre
        The (y, x) arcsec centre.
    intensity
        The surface brightness at the effective radius.
    effective_radius
        The half-light radius (arcsec), > 0.

    Notes
    -----
    ``ell_comps`` and ``sersic_index`` are constants, not pytree leaves.
    """

    ell_comps: tuple = _fixed((0.0, 0.0))
