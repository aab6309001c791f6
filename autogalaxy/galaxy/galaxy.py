"""Galaxies: named light components (and pixelizations) at a redshift."""

import numpy as np

from autogalaxy.operate.image import OperateImage
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


class _ProfileImage(OperateImage):
    """Adapter so a single light profile can be blurred with :class:`OperateImage`."""

    def __init__(self, profile):
        self.profile = profile

    def image_2d_via_points_from(self, points, xp=np, operated_only=None):
        if not _selected(self.profile, operated_only):
            return xp.zeros(points.shape[0])
        return self.profile.image_2d_via_points_from(points, xp=xp)

    def has_operated_light(self):
        return isinstance(self.profile, LightProfileOperated)


class Galaxy(OperateImage):
    """
    A galaxy at ``redshift`` made of named components, e.g.
    ``Galaxy(redshift=0.5, bulge=ag.lp.Sersic(...), disk=ag.lp.Exponential(...))``.

    Every keyword is a component: light profiles (standard, operated, linear) are summed into its
    image; any other object (e.g. ``pixelization=ag.Pixelization(...)``) is kept as an attribute.
    ``galaxy.pixelization`` is the component that is a pixelization (has ``mesh`` and
    ``regularization``) whatever its keyword, or None.

    Raises
    ------
    TypeError
        If a component's name clashes with an attribute or method of ``Galaxy`` (e.g.
        ``components=``, ``image_2d_from=``): it would overwrite it.
    """

    def __init__(self, redshift: float, **components):
        for name in components:
            if name == "components" or hasattr(Galaxy, name):
                raise TypeError(
                    f"Galaxy component name {name!r} clashes with an attribute or method of "
                    "Galaxy; give the component another name (e.g. bulge=, disk=, point=)."
                )
        self.redshift = redshift
        self.components = dict(components)
        self.pixelization = next(
            (c for c in components.values() if _is_pixelization(c)),
            None,
        )
        for name, component in components.items():
            setattr(self, name, component)

    def __repr__(self):
        parts = ", ".join(f"{k}={type(v).__name__}" for k, v in self.components.items())
        return f"Galaxy(redshift={self.redshift}, {parts})"

    @property
    def light_profile_list(self) -> list:
        return [c for c in self.components.values() if isinstance(c, LightProfile)]

    @property
    def linear_light_profile_list(self) -> list:
        return [c for c in self.light_profile_list if isinstance(c, LightProfileLinear)]

    def has_operated_light(self) -> bool:
        return any(
            isinstance(p, LightProfileOperated) and not isinstance(p, LightProfileLinear)
            for p in self.light_profile_list
        )

    def image_2d_via_points_from(self, points, xp=np, operated_only=None):
        """The summed light of the selected components at (M, 2) (y, x) points."""
        total = None
        for profile in self.light_profile_list:
            if _selected(profile, operated_only):
                values = profile.image_2d_via_points_from(points, xp=xp)
                total = values if total is None else total + values
        return xp.zeros(points.shape[0]) if total is None else total

    def _operate_components(self) -> list:
        return [
            _ProfileImage(p)
            for p in self.light_profile_list
            if not isinstance(p, LightProfileLinear)
        ]


class Galaxies(OperateImage):
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
