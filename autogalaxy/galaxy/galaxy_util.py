"""Pure functions on galaxies (new galaxies from old ones; inputs are never changed)."""

from autogalaxy.galaxy.galaxy import Galaxy
from autogalaxy.profiles.basis import Basis
from autogalaxy.profiles.light.linear import LightProfileLinear

__all__ = ["galaxy_with_light_profiles_from"]


def _light_profile_from(component, linear_light_profile_intensity_dict):
    if isinstance(component, LightProfileLinear):
        return component.lp_instance_from(linear_light_profile_intensity_dict)
    if isinstance(component, Basis):
        return Basis(
            profile_list=[
                _light_profile_from(member, linear_light_profile_intensity_dict)
                for member in component.profile_list
            ]
        )
    return component


def galaxy_with_light_profiles_from(galaxy: Galaxy, linear_light_profile_intensity_dict) -> Galaxy:
    """
    A new galaxy with every linear light profile (those of bases included) replaced by its
    standard profile (``lp_cls``) at the solved intensity.

    Parameters
    ----------
    galaxy : Galaxy
        The galaxy; it is not changed.
    linear_light_profile_intensity_dict : dict
        ``{linear light profile: intensity}``, keyed by profile identity (e.g.
        ``fit.linear_light_profile_intensity_dict``).

    Returns
    -------
    Galaxy
        Same redshift, label and component names; standard profiles and pixelizations are the
        same objects.

    Raises
    ------
    KeyError
        If a linear profile of the galaxy has no entry in the dict.
    """
    components = {
        name: _light_profile_from(component, linear_light_profile_intensity_dict)
        for name, component in galaxy.components.items()
    }
    return Galaxy(redshift=galaxy.redshift, label=galaxy.label, **components)
