"""
Linear light profiles, ``ag.lp_linear``: the ``intensity`` is not a parameter but is solved for
by a linear inversion when the model is fitted.

Each class takes the parameters of the standard profile of the same name minus ``intensity``
and is evaluated with ``intensity = 1`` (a constant, not a pytree leaf), so its image is one
column of the inversion's mapping matrix. After the solve, :meth:`LightProfileLinear.lp_instance_from`
turns it into the standard profile with the solved intensity.
"""

import dataclasses
from typing import ClassVar

from autogalaxy.profiles.light import standard
from autogalaxy.profiles.light.abstract import LightProfile, light_profile_dataclass

__all__ = [
    "LightProfileLinear",
    "Gaussian",
    "GaussianSph",
    "Sersic",
    "SersicSph",
    "Exponential",
    "ExponentialSph",
    "DevVaucouleurs",
    "DevVaucouleursSph",
]


def _unit_intensity():
    return dataclasses.field(default=1.0, init=False, repr=False)


class LightProfileLinear(LightProfile):
    """
    Marker base of the linear light profiles: intensity fixed to 1, solved later.

    Notes
    -----
    ``lp_cls`` is the standard class with the same maths and an ``intensity`` parameter.
    """

    lp_cls: ClassVar[type | None] = None

    def parameters_dict_from(self, intensity) -> dict:
        """The constructor arguments of :attr:`lp_cls`: this profile's parameters plus ``intensity``."""
        parameters = {name: getattr(self, name) for name in self.parameter_names()}
        parameters["intensity"] = intensity
        return parameters

    def lp_instance_from(self, linear_light_profile_intensity_dict) -> LightProfile:
        """
        The standard profile (:attr:`lp_cls`) with the solved intensity.

        Parameters
        ----------
        linear_light_profile_intensity_dict
            A mapping from linear profiles to their solved intensities, keyed by profile
            identity (PyAutoGalaxy's convention); this profile's entry is used.
        """
        intensity = linear_light_profile_intensity_dict[self]
        return self.lp_cls(**self.parameters_dict_from(intensity))


@light_profile_dataclass
class Gaussian(standard.Gaussian, LightProfileLinear):
    """
    The elliptical Gaussian with a linearly solved intensity.

    Parameters
    ----------
    centre
        The (y, x) arcsec centre.
    ell_comps
        The ellipticity components ``(f sin 2 phi, f cos 2 phi)``, ``f = (1 - q) / (1 + q)``.
    sigma
        The standard deviation along the minor axis (arcsec), > 0.

    Notes
    -----
    ``exp(-0.5 (q^2 x'^2 + y'^2) / sigma^2)``: ``ag.lp.Gaussian`` with ``intensity = 1``.
    """

    intensity: float = _unit_intensity()
    lp_cls = standard.Gaussian


@light_profile_dataclass
class GaussianSph(Gaussian):
    """
    The circular Gaussian with a linearly solved intensity.

    Parameters
    ----------
    centre
        The (y, x) arcsec centre.
    sigma
        The standard deviation (arcsec), > 0.

    Notes
    -----
    ``exp(-0.5 r^2 / sigma^2)``; ``ell_comps = (0, 0)`` and ``intensity = 1`` are constants.
    """

    ell_comps: tuple = dataclasses.field(default=(0.0, 0.0), init=False, repr=False)
    lp_cls = standard.GaussianSph


@light_profile_dataclass
class Sersic(standard.Sersic, LightProfileLinear):
    """
    The elliptical Sersic profile with a linearly solved intensity.

    Parameters
    ----------
    centre
        The (y, x) arcsec centre.
    ell_comps
        The ellipticity components ``(f sin 2 phi, f cos 2 phi)``, ``f = (1 - q) / (1 + q)``.
    effective_radius
        The circularised half-light radius (arcsec), > 0.
    sersic_index
        The Sersic index ``n``, > 0.

    Notes
    -----
    ``exp(-b_n ((R / effective_radius)^(1/n) - 1))`` in the eccentric radius ``R``: the value at
    the effective radius is 1.
    """

    intensity: float = _unit_intensity()
    lp_cls = standard.Sersic


@light_profile_dataclass
class SersicSph(Sersic):
    """
    The circular Sersic profile with a linearly solved intensity.

    Parameters
    ----------
    centre
        The (y, x) arcsec centre.
    effective_radius
        The half-light radius (arcsec), > 0.
    sersic_index
        The Sersic index ``n``, > 0.

    Notes
    -----
    ``ell_comps = (0, 0)`` and ``intensity = 1`` are constants.
    """

    ell_comps: tuple = dataclasses.field(default=(0.0, 0.0), init=False, repr=False)
    lp_cls = standard.SersicSph


@light_profile_dataclass
class Exponential(standard.Exponential, LightProfileLinear):
    """
    The elliptical exponential profile (``n = 1``) with a linearly solved intensity.

    Parameters
    ----------
    centre
        The (y, x) arcsec centre.
    ell_comps
        The ellipticity components ``(f sin 2 phi, f cos 2 phi)``, ``f = (1 - q) / (1 + q)``.
    effective_radius
        The circularised half-light radius (arcsec), > 0.

    Notes
    -----
    ``sersic_index = 1`` and ``intensity = 1`` are constants.
    """

    intensity: float = _unit_intensity()
    lp_cls = standard.Exponential


@light_profile_dataclass
class ExponentialSph(Exponential):
    """
    The circular exponential profile with a linearly solved intensity.

    Parameters
    ----------
    centre
        The (y, x) arcsec centre.
    effective_radius
        The half-light radius (arcsec), > 0.

    Notes
    -----
    ``ell_comps = (0, 0)``, ``sersic_index = 1`` and ``intensity = 1`` are constants.
    """

    ell_comps: tuple = dataclasses.field(default=(0.0, 0.0), init=False, repr=False)
    lp_cls = standard.ExponentialSph


@light_profile_dataclass
class DevVaucouleurs(standard.DevVaucouleurs, LightProfileLinear):
    """
    The elliptical de Vaucouleurs profile (``n = 4``) with a linearly solved intensity.

    Parameters
    ----------
    centre
        The (y, x) arcsec centre.
    ell_comps
        The ellipticity components ``(f sin 2 phi, f cos 2 phi)``, ``f = (1 - q) / (1 + q)``.
    effective_radius
        The circularised half-light radius (arcsec), > 0.

    Notes
    -----
    ``sersic_index = 4`` and ``intensity = 1`` are constants.
    """

    intensity: float = _unit_intensity()
    lp_cls = standard.DevVaucouleurs


@light_profile_dataclass
class DevVaucouleursSph(DevVaucouleurs):
    """
    The circular de Vaucouleurs profile with a linearly solved intensity.

    Parameters
    ----------
    centre
        The (y, x) arcsec centre.
    effective_radius
        The half-light radius (arcsec), > 0.

    Notes
    -----
    ``ell_comps = (0, 0)``, ``sersic_index = 4`` and ``intensity = 1`` are constants.
    """

    ell_comps: tuple = dataclasses.field(default=(0.0, 0.0), init=False, repr=False)
    lp_cls = standard.DevVaucouleursSph
