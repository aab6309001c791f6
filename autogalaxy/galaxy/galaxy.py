"""Galaxies: named light components (and pixelizations) at a redshift."""

import numpy as np

from autogalaxy.operate.image_list import LightImage, OperateImageList
from autogalaxy.profiles.basis import Basis
from autogalaxy.profiles.light.abstract import LightProfile
from autogalaxy.profiles.light.linear import LightProfileLinear
from autogalaxy.profiles.light.operated import LightProfileOperated

__all__ = ["Galaxy", "Galaxies"]


def _is_pixelization(component) -> bool:
    return hasattr(component, "mesh") and hasattr(component, "regularization")


def _selected(profile, operated_only) -> bool:
    if isinstance(profile, LightProfileLinear):
        return False
    if operated_only is None:
        return True
    return isinstance(profile, LightProfileOperated) == operated_only


def _checked_component(name: str, component):
    if component is None or isinstance(component, LightProfile | Basis):
        return component
    if _is_pixelization(component):
        return component
    raise TypeError(
        f"Galaxy component {name}= is a {type(component).__name__}, which this library does not "
        "model: a component must be a light profile (ag.lp, ag.lp_linear, ag.lp_operated, "
        "ag.lp_linear_operated), a basis (ag.lp_basis.Basis), a pixelization "
        "(ag.Pixelization) or None. Mass profiles and other PyAutoGalaxy components are not "
        "supported."
    )


class Galaxy(OperateImageList):
    """
    A galaxy at ``redshift`` made of named components, e.g.
    ``Galaxy(redshift=0.5, bulge=ag.lp.Sersic(...), disk=ag.lp.Exponential(...))``.

    Parameters
    ----------
    redshift : float
        The galaxy's redshift (kept for the user; light adds up without lensing).
    label : str, optional
        A name for the galaxy (PyAutoGalaxy's ``label``), shown in ``repr``.
    **components
        Light profiles (standard, operated, linear), bases (``ag.lp_basis.Basis``), a
        pixelization (``ag.Pixelization``) or None (an absent component), each kept as an
        attribute of its keyword. Standard and operated profiles (and those of a basis) are
        summed into the galaxy's image; linear ones are solved by the inversion of a fit.
        ``galaxy.pixelization`` is the component that is a pixelization (has ``mesh`` and
        ``regularization``) whatever its keyword, or None.

    Raises
    ------
    TypeError
        If a component is not one of the above (naming it), or its name clashes with an
        attribute or method of ``Galaxy`` (e.g. ``components=``, ``image_2d_from=``): it would
        overwrite it.
    """

    def __init__(self, redshift: float, label: str | None = None, **components):
        for name in components:
            if name == "components" or hasattr(Galaxy, name):
                raise TypeError(
                    f"Galaxy component name {name!r} clashes with an attribute or method of "
                    "Galaxy; give the component another name (e.g. bulge=, disk=, point=)."
                )
        if label is not None and not isinstance(label, str):
            raise TypeError(f"Galaxy label must be a str or None, got {type(label).__name__}.")
        components = {name: _checked_component(name, c) for name, c in components.items()}
        self.redshift = redshift
        self.label = label
        self.components = dict(components)
        self.pixelization = next(
            (c for c in components.values() if _is_pixelization(c)),
            None,
        )
        for name, component in components.items():
            setattr(self, name, component)

    def __repr__(self):
        parts = ", ".join(f"{k}={type(v).__name__}" for k, v in self.components.items())
        label = "" if self.label is None else f"label={self.label!r}, "
        return f"Galaxy(redshift={self.redshift}, {label}{parts})"

    @property
    def light_profile_list(self) -> list:
        """The light components: light profiles and bases, in order."""
        return [c for c in self.components.values() if isinstance(c, LightProfile | Basis)]

    @property
    def _leaf_light_profile_list(self) -> list:
        """Every light profile, the members of bases included, in order."""
        leaves = []
        for component in self.light_profile_list:
            leaves.extend(component.profile_list if isinstance(component, Basis) else [component])
        return leaves

    @property
    def linear_light_profile_list(self) -> list:
        """The linear light profiles, those of bases included, in order."""
        return [c for c in self._leaf_light_profile_list if isinstance(c, LightProfileLinear)]

    def has_operated_light(self) -> bool:
        return any(
            isinstance(p, LightProfileOperated) and not isinstance(p, LightProfileLinear)
            for p in self._leaf_light_profile_list
        )

    def image_2d_via_points_from(self, points, xp=np, operated_only=None):
        """The summed light of the selected components at (M, 2) (y, x) points."""
        total = None
        for component in self.light_profile_list:
            if isinstance(component, Basis):
                values = component.image_2d_via_points_from(
                    points, xp=xp, operated_only=operated_only
                )
            elif _selected(component, operated_only):
                values = component.image_2d_via_points_from(points, xp=xp)
            else:
                continue
            total = values if total is None else total + values
        return xp.zeros(points.shape[0]) if total is None else total

    def _operate_components(self) -> list:
        return [
            c if isinstance(c, Basis) else LightImage(c)
            for c in self.light_profile_list
            if not isinstance(c, LightProfileLinear)
        ]


class Galaxies(OperateImageList):
    """A list of galaxies whose light adds up (no lensing in this library)."""

    def __init__(self, galaxies):
        if isinstance(galaxies, Galaxy):
            raise TypeError(
                "galaxies must be a list of Galaxy objects, got a single Galaxy; pass [galaxy]."
            )
        try:
            galaxies = list(galaxies.galaxies if isinstance(galaxies, Galaxies) else galaxies)
        except TypeError:
            raise TypeError(
                f"galaxies must be a list of Galaxy objects, got {type(galaxies).__name__}."
            ) from None
        for galaxy in galaxies:
            if not isinstance(galaxy, Galaxy):
                raise TypeError(
                    "galaxies must be a list of Galaxy objects, got an element of type "
                    f"{type(galaxy).__name__}; wrap light profiles in ag.Galaxy(redshift, ...)."
                )
        self.galaxies = galaxies

    def __iter__(self):
        return iter(self.galaxies)

    def __len__(self):
        return len(self.galaxies)

    def __getitem__(self, item):
        return self.galaxies[item]

    def has_operated_light(self) -> bool:
        return any(g.has_operated_light() for g in self.galaxies)

    def image_2d_via_points_from(self, points, xp=np, operated_only=None):
        total = None
        for galaxy in self.galaxies:
            values = galaxy.image_2d_via_points_from(points, xp=xp, operated_only=operated_only)
            total = values if total is None else total + values
        return xp.zeros(points.shape[0]) if total is None else total

    def _operate_components(self) -> list:
        return list(self.galaxies)

    def galaxy_image_2d_dict_from(self, grid, xp=np, operated_only=None) -> dict:
        """
        ``{galaxy: its image on grid}`` (see :meth:`image_2d_list_from` for the arguments).

        Returns
        -------
        dict
            Keyed by the ``Galaxy`` objects (by identity), in order.
        """
        return {
            galaxy: galaxy.image_2d_from(grid, xp=xp, operated_only=operated_only)
            for galaxy in self.galaxies
        }

    def galaxy_blurred_image_2d_dict_from(self, grid, psf, blurring_grid, xp=np) -> dict:
        """
        ``{galaxy: its blurred image}``.

        Parameters
        ----------
        grid : Grid2D
            The masked grid (e.g. ``dataset.grids.lp``).
        psf : Convolver
            Native or oversampled PSF (e.g. ``dataset.psf``).
        blurring_grid : Grid2D
            The grid of the blurring region (e.g. ``dataset.grids.blurring``). The argument order
            (``grid, psf, blurring_grid``) is PyAutoGalaxy's.
        xp : module
            ``numpy`` or ``jax.numpy``.

        Returns
        -------
        dict
            Keyed by the ``Galaxy`` objects (by identity), in order; each value as
            :meth:`blurred_image_2d_from` of that galaxy.
        """
        return {
            galaxy: galaxy.blurred_image_2d_from(grid, blurring_grid, psf, xp=xp)
            for galaxy in self.galaxies
        }
