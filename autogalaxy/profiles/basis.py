"""
``ag.lp_basis.Basis``: many light profiles acting as one galaxy component, e.g. a multi-Gaussian
expansion (MGE) of a galaxy's light.

An MGE is a list of ``ag.lp_linear.Gaussian`` sharing a centre and ellipticity, with sigmas
spaced logarithmically from below a pixel to the size of the galaxy; the linear inversion
solves all their intensities at once (``FitImaging(..., settings_inversion=
ag.SettingsInversion(use_positive_only_solver=True))`` keeps them non-negative)::

    sigmas = np.logspace(np.log10(0.01), np.log10(3.0), 20)
    bulge = ag.lp_basis.Basis(
        profile_list=[
            ag.lp_linear.Gaussian(centre=(0.0, 0.0), ell_comps=(0.05, 0.1), sigma=sigma)
            for sigma in sigmas
        ]
    )
    galaxy = ag.Galaxy(redshift=0.5, bulge=bulge)

Each linear member is one column of the inversion's mapping matrix, blurred exactly as a
separate ``lp_linear.Gaussian`` would be (at fine resolution with ``convolve_over_sample_size_lp
> 1``), so a Basis fit equals the fit of the same Gaussians given as separate components.
"""

import numpy as np

from autogalaxy import exc
from autogalaxy.operate.image_list import LightImage, OperateImageList
from autogalaxy.profiles.light.abstract import LightProfile
from autogalaxy.profiles.light.linear import LightProfileLinear
from autogalaxy.profiles.light.operated import LightProfileOperated

try:  # jax is optional: registration happens only where it is installed.
    import jax.tree_util as _jax_tree_util
except ImportError:  # pragma: no cover - exercised only without jax
    _jax_tree_util = None

__all__ = ["Basis"]


class Basis(OperateImageList):
    """
    A list of light profiles that act as one component of a galaxy.

    Parameters
    ----------
    profile_list : list of LightProfile
        The members: standard (``ag.lp``), linear (``ag.lp_linear``, intensities solved by the
        inversion) or operated profiles, in any mix. Not nested bases.
    regularization : None
        Must be None: regularizing the solved intensities of a basis is not supported (the
        inversion would otherwise ignore it). PyAutoGalaxy accepts a regularization scheme here.

    Raises
    ------
    TypeError
        If ``profile_list`` is not a non-empty list / tuple of light profiles.
    ProfileException
        If ``regularization`` is not None.

    Notes
    -----
    ``centre`` and ``ell_comps`` are those of the first member (PyAutoGalaxy's convention; the
    members are not required to share them). The image of a basis is the sum of its standard and
    operated members; linear members contribute to a fit through the inversion only (their image
    here is zero, as for linear profiles in a ``Galaxy``). With ``jax`` installed a basis is a
    pytree whose children are its members.
    """

    def __init__(self, profile_list, regularization=None):
        if isinstance(profile_list, LightProfile) or not isinstance(profile_list, list | tuple):
            raise TypeError(
                f"Basis(profile_list=...) needs a list of light profiles, got "
                f"{type(profile_list).__name__}; e.g. profile_list=[ag.lp_linear.Gaussian(sigma=s) "
                "for s in sigmas]."
            )
        if not profile_list:
            raise TypeError("Basis(profile_list=...) got an empty list; give at least one profile.")
        for i, profile in enumerate(profile_list):
            if not isinstance(profile, LightProfile):
                raise TypeError(
                    f"Basis profile_list[{i}] is a {type(profile).__name__}, not a light profile "
                    "(ag.lp, ag.lp_linear, ag.lp_operated); bases cannot be nested."
                )
        if regularization is not None:
            raise exc.ProfileException(
                f"Basis(regularization={type(regularization).__name__}(...)) is not supported: the "
                "intensities of a basis are solved without regularization here. Pass "
                "regularization=None (non-negative intensities: "
                "SettingsInversion(use_positive_only_solver=True))."
            )
        self.profile_list = list(profile_list)
        self.regularization = None

    def __repr__(self):
        names = ", ".join(type(p).__name__ for p in self.profile_list)
        return f"Basis(profile_list=[{names}])"

    @property
    def centre(self):
        """The ``centre`` of the first member."""
        return self.profile_list[0].centre

    @property
    def ell_comps(self):
        """The ``ell_comps`` of the first member."""
        return self.profile_list[0].ell_comps

    @property
    def light_profile_list(self) -> list:
        """The members."""
        return list(self.profile_list)

    @property
    def linear_light_profile_list(self) -> list:
        """The members whose intensities the inversion solves."""
        return [p for p in self.profile_list if isinstance(p, LightProfileLinear)]

    def has_operated_light(self) -> bool:
        return any(_is_operated_standard(p) for p in self.profile_list)

    def image_2d_via_points_from(self, points, xp=np, operated_only=None):
        """The summed light of the standard / operated members (selected by ``operated_only``)."""
        total = xp.zeros(points.shape[0])
        for component in self._operate_components():
            total = total + component.image_2d_via_points_from(
                points, xp=xp, operated_only=operated_only
            )
        return total

    def image_2d_list_from(self, grid, xp=np, operated_only=None) -> list:
        """
        The image of every member in order; linear members (solved by the inversion) give zeros,
        as in PyAutoGalaxy.
        """
        zeros = grid.over_sampler.binned_array_2d_from(xp.zeros(grid.over_sampled.shape[0]), xp=xp)
        return [
            zeros
            if isinstance(p, LightProfileLinear)
            else LightImage(p).image_2d_from(grid, xp=xp, operated_only=operated_only)
            for p in self.profile_list
        ]

    def _operate_components(self) -> list:
        return [LightImage(p) for p in self.profile_list if not isinstance(p, LightProfileLinear)]


def _is_operated_standard(profile) -> bool:
    return isinstance(profile, LightProfileOperated) and not isinstance(profile, LightProfileLinear)


def _flatten(basis):
    return tuple(basis.profile_list), None


def _unflatten(_, children):
    basis = object.__new__(Basis)
    basis.profile_list = list(children)
    basis.regularization = None
    return basis


if _jax_tree_util is not None:
    _jax_tree_util.register_pytree_node(Basis, _flatten, _unflatten)
