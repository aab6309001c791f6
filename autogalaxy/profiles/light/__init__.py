"""
Light profiles: ``standard`` (``ag.lp``), ``linear`` (``ag.lp_linear``, intensity solved linearly),
``operated`` (``ag.lp_operated``, already PSF-convolved), the pure functions in
``light_profile_util`` and the base class in ``abstract``.
"""

from autogalaxy.profiles.light import light_profile_util, linear, operated, standard
from autogalaxy.profiles.light.abstract import LightProfile
from autogalaxy.profiles.light.linear import LightProfileLinear
from autogalaxy.profiles.light.operated import LightProfileOperated

__all__ = [
    "light_profile_util",
    "standard",
    "linear",
    "operated",
    "LightProfile",
    "LightProfileLinear",
    "LightProfileOperated",
]
