"""
Linear operated light profiles, ``ag.lp_linear_operated``: the intensity is solved by the
linear inversion (as ``ag.lp_linear``) and the image is already PSF-convolved (as
``ag.lp_operated``), so its column of the mapping matrix is the unit-intensity image, unblurred.

:meth:`~autogalaxy.profiles.light.linear.LightProfileLinear.lp_instance_from` turns a solved
profile into the ``ag.lp_operated`` profile of the same name.
"""

from autogalaxy.profiles.light import linear, operated
from autogalaxy.profiles.light.abstract import light_profile_dataclass
from autogalaxy.profiles.light.operated import LightProfileOperated

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


@light_profile_dataclass
class Gaussian(linear.Gaussian, LightProfileOperated):
    """
    ``ag.lp_linear.Gaussian`` whose image is already PSF-convolved.

    Parameters
    ----------
    centre : (float, float)
        The (y, x) arcsec centre.
    ell_comps : (float, float)
        The ellipticity components ``(f sin 2 phi, f cos 2 phi)``, ``f = (1 - q) / (1 + q)``.
    sigma : float
        The standard deviation along the minor axis (arcsec), > 0.
    """

    lp_cls = operated.Gaussian


@light_profile_dataclass
class GaussianSph(linear.GaussianSph, LightProfileOperated):
    """
    ``ag.lp_linear.GaussianSph`` whose image is already PSF-convolved.

    Parameters
    ----------
    centre : (float, float)
        The (y, x) arcsec centre.
    sigma : float
        The standard deviation (arcsec), > 0.
    """

    lp_cls = operated.GaussianSph


@light_profile_dataclass
class Sersic(linear.Sersic, LightProfileOperated):
    """
    ``ag.lp_linear.Sersic`` whose image is already PSF-convolved.

    Parameters
    ----------
    centre : (float, float)
        The (y, x) arcsec centre.
    ell_comps : (float, float)
        The ellipticity components ``(f sin 2 phi, f cos 2 phi)``, ``f = (1 - q) / (1 + q)``.
    effective_radius : float
        The circularised half-light radius (arcsec), > 0.
    sersic_index : float
        The Sersic index ``n``, > 0.
    """

    lp_cls = operated.Sersic


@light_profile_dataclass
class SersicSph(linear.SersicSph, LightProfileOperated):
    """
    ``ag.lp_linear.SersicSph`` whose image is already PSF-convolved.

    Parameters
    ----------
    centre : (float, float)
        The (y, x) arcsec centre.
    effective_radius : float
        The half-light radius (arcsec), > 0.
    sersic_index : float
        The Sersic index ``n``, > 0.
    """

    lp_cls = operated.SersicSph


@light_profile_dataclass
class Exponential(linear.Exponential, LightProfileOperated):
    """
    ``ag.lp_linear.Exponential`` whose image is already PSF-convolved.

    Parameters
    ----------
    centre : (float, float)
        The (y, x) arcsec centre.
    ell_comps : (float, float)
        The ellipticity components ``(f sin 2 phi, f cos 2 phi)``, ``f = (1 - q) / (1 + q)``.
    effective_radius : float
        The circularised half-light radius (arcsec), > 0.
    """

    lp_cls = operated.Exponential


@light_profile_dataclass
class ExponentialSph(linear.ExponentialSph, LightProfileOperated):
    """
    ``ag.lp_linear.ExponentialSph`` whose image is already PSF-convolved.

    Parameters
    ----------
    centre : (float, float)
        The (y, x) arcsec centre.
    effective_radius : float
        The half-light radius (arcsec), > 0.
    """

    lp_cls = operated.ExponentialSph


@light_profile_dataclass
class DevVaucouleurs(linear.DevVaucouleurs, LightProfileOperated):
    """
    ``ag.lp_linear.DevVaucouleurs`` whose image is already PSF-convolved.

    Parameters
    ----------
    centre : (float, float)
        The (y, x) arcsec centre.
    ell_comps : (float, float)
        The ellipticity components ``(f sin 2 phi, f cos 2 phi)``, ``f = (1 - q) / (1 + q)``.
    effective_radius : float
        The circularised half-light radius (arcsec), > 0.
    """

    lp_cls = operated.DevVaucouleurs


@light_profile_dataclass
class DevVaucouleursSph(linear.DevVaucouleursSph, LightProfileOperated):
    """
    ``ag.lp_linear.DevVaucouleursSph`` whose image is already PSF-convolved.

    Parameters
    ----------
    centre : (float, float)
        The (y, x) arcsec centre.
    effective_radius : float
        The half-light radius (arcsec), > 0.
    """

    lp_cls = operated.DevVaucouleursSph
