"""
Operated light profiles, ``ag.lp_operated``: profiles whose image is *already* PSF-convolved.

A fitted model adds their image to the blurred image **without** blurring it again (e.g. a
Gaussian that models a point source's PSF, or the PSF itself). The maths is that of the standard
profile of the same name (``ag.lp``); only the marker class :class:`LightProfileOperated` differs.
Every standard profile has an operated twin with the same parameters.
"""

from autogalaxy.profiles.light import standard
from autogalaxy.profiles.light.abstract import LightProfile, light_profile_dataclass

__all__ = [
    "LightProfileOperated",
    "Gaussian",
    "GaussianSph",
    "Sersic",
    "SersicSph",
    "Exponential",
    "ExponentialSph",
    "DevVaucouleurs",
    "DevVaucouleursSph",
]


class LightProfileOperated(LightProfile):
    """Marker: the profile's image already includes the PSF; add it without convolution."""

    _operated_light = True


@light_profile_dataclass
class Gaussian(standard.Gaussian, LightProfileOperated):
    """
    An elliptical Gaussian that is already PSF-convolved (added without blurring).

    Parameters
    ----------
    centre
        The (y, x) arcsec centre.
    ell_comps
        The ellipticity components ``(f sin 2 phi, f cos 2 phi)``, ``f = (1 - q) / (1 + q)``.
    intensity
        The central surface brightness.
    sigma
        The standard deviation along the minor axis (arcsec), > 0.

    Notes
    -----
    Identical maths to ``ag.lp.Gaussian`` (``intensity * exp(-0.5 (q^2 x'^2 + y'^2) / sigma^2)``);
    a subclass of both ``ag.lp.Gaussian`` and :class:`LightProfileOperated`.
    """


@light_profile_dataclass
class GaussianSph(standard.GaussianSph, LightProfileOperated):
    """
    A circular Gaussian that is already PSF-convolved: ``ag.lp.GaussianSph`` added unblurred.

    Parameters
    ----------
    centre : (float, float)
        The (y, x) arcsec centre.
    intensity : float
        The central surface brightness.
    sigma : float
        The standard deviation (arcsec), > 0.
    """


@light_profile_dataclass
class Sersic(standard.Sersic, LightProfileOperated):
    """
    An elliptical Sersic profile that is already PSF-convolved: ``ag.lp.Sersic`` added unblurred.

    Parameters
    ----------
    centre : (float, float)
        The (y, x) arcsec centre.
    ell_comps : (float, float)
        The ellipticity components ``(f sin 2 phi, f cos 2 phi)``, ``f = (1 - q) / (1 + q)``.
    intensity : float
        The surface brightness at the effective radius.
    effective_radius : float
        The circularised half-light radius (arcsec), > 0.
    sersic_index : float
        The Sersic index ``n``, > 0.
    """


@light_profile_dataclass
class SersicSph(standard.SersicSph, LightProfileOperated):
    """
    A circular Sersic profile that is already PSF-convolved: ``ag.lp.SersicSph`` added unblurred.

    Parameters
    ----------
    centre : (float, float)
        The (y, x) arcsec centre.
    intensity : float
        The surface brightness at the effective radius.
    effective_radius : float
        The half-light radius (arcsec), > 0.
    sersic_index : float
        The Sersic index ``n``, > 0.
    """


@light_profile_dataclass
class Exponential(standard.Exponential, LightProfileOperated):
    """
    An elliptical exponential profile that is already PSF-convolved: ``ag.lp.Exponential`` added
    unblurred.

    Parameters
    ----------
    centre : (float, float)
        The (y, x) arcsec centre.
    ell_comps : (float, float)
        The ellipticity components ``(f sin 2 phi, f cos 2 phi)``, ``f = (1 - q) / (1 + q)``.
    intensity : float
        The surface brightness at the effective radius.
    effective_radius : float
        The circularised half-light radius (arcsec), > 0.
    """


@light_profile_dataclass
class ExponentialSph(standard.ExponentialSph, LightProfileOperated):
    """
    A circular exponential profile that is already PSF-convolved: ``ag.lp.ExponentialSph``
    added unblurred.

    Parameters
    ----------
    centre : (float, float)
        The (y, x) arcsec centre.
    intensity : float
        The surface brightness at the effective radius.
    effective_radius : float
        The half-light radius (arcsec), > 0.
    """


@light_profile_dataclass
class DevVaucouleurs(standard.DevVaucouleurs, LightProfileOperated):
    """
    An elliptical de Vaucouleurs profile that is already PSF-convolved: ``ag.lp.DevVaucouleurs``
    added unblurred.

    Parameters
    ----------
    centre : (float, float)
        The (y, x) arcsec centre.
    ell_comps : (float, float)
        The ellipticity components ``(f sin 2 phi, f cos 2 phi)``, ``f = (1 - q) / (1 + q)``.
    intensity : float
        The surface brightness at the effective radius.
    effective_radius : float
        The circularised half-light radius (arcsec), > 0.
    """


@light_profile_dataclass
class DevVaucouleursSph(standard.DevVaucouleursSph, LightProfileOperated):
    """
    A circular de Vaucouleurs profile that is already PSF-convolved:
    ``ag.lp.DevVaucouleursSph`` added unblurred.

    Parameters
    ----------
    centre : (float, float)
        The (y, x) arcsec centre.
    intensity : float
        The surface brightness at the effective radius.
    effective_radius : float
        The half-light radius (arcsec), > 0.
    """
