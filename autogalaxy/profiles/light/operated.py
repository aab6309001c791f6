"""
Operated light profiles, ``ag.lp_operated``: profiles whose image is *already* PSF-convolved.

A fitted model adds their image to the blurred image **without** blurring it again (e.g. a
Gaussian that models a point source's PSF, or the PSF itself). The maths is that of the standard
profile of the same name; only the marker class :class:`LightProfileOperated` differs.
"""

from autogalaxy.profiles.light import standard
from autogalaxy.profiles.light.abstract import LightProfile, light_profile_dataclass

__all__ = ["LightProfileOperated", "Gaussian"]


class LightProfileOperated(LightProfile):
    """Marker: the profile's image already includes the PSF; add it without convolution."""


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
