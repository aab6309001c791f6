"""
``ag.util``: the pure-function modules under the names PyAutoGalaxy users know.

* ``ag.util.over_sample``: over-sampling sizes and binning
  (``over_sample_size_via_radial_bins_from``, ...), :mod:`autoarray.over_sample_util`.
* ``ag.util.mask_2d``: mask geometry, :mod:`autoarray.mask_2d_util`.
* ``ag.util.convolver``: polyphase kernels and the fine-frame geometry of the oversampled PSF,
  :mod:`autoarray.convolver_util`.
* ``ag.util.light_profile``: the light-profile maths (eccentric radii, Sersic constants, ...).
"""

from autoarray.mask import mask_2d_util as mask_2d
from autoarray.operators import convolver_util as convolver
from autoarray.structures.over_sampling import over_sample_util as over_sample
from autogalaxy.profiles.light import light_profile_util as light_profile

__all__ = ["over_sample", "mask_2d", "convolver", "light_profile"]
