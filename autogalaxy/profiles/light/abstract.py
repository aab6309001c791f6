"""
The base class of every light profile, its parameter checks and its JAX pytree registration.

Light profiles are frozen dataclasses: their parameters are attributes that never change after
construction (``with_parameters`` / ``dataclasses.replace`` return a new profile), equality and
hashing are by identity (as in PyAutoGalaxy, so two equal-looking profiles can key a dict of
solved intensities).

JAX pytrees
-----------
When ``jax`` can be imported, each concrete profile class is registered as a pytree (``jax`` is an
optional dependency: without it the classes are ordinary dataclasses). The **leaves** are the
constructor parameters, in constructor order, with ``centre`` and ``ell_comps`` tuples of two
leaves each (a JAX array given for a pair stays one leaf); e.g. ``Sersic``: ``centre[0], centre[1], ell_comps[0], ell_comps[1], intensity,
effective_radius, sersic_index``. Parameters a class fixes (``ell_comps`` of the ``Sph``
profiles, ``sersic_index`` of ``Exponential`` / ``DevVaucouleurs``, ``intensity`` of the linear
profiles) are constants, not leaves. So ``jax.grad(lambda p: p.image_2d_via_points_from(points,
xp=jnp).sum())(profile)`` returns a profile of the same class holding the gradients, and profiles
pass through ``jax.jit`` and ``jax.vmap``.

Parameter checks
----------------
Concrete numbers (Python or NumPy) are checked when a profile is built: they must be finite real
scalars (``TypeError`` for ``bool``, ``str``, ``None``), radii / widths / indices must be > 0
and ``|ell_comps| < 1`` (``autogalaxy.exc.ProfileException`` otherwise); they are stored as Python
floats. JAX arrays and tracers are stored unchecked (no branching on traced values); pytree
unflattening bypasses the checks altogether.
"""

import dataclasses
import math
import numbers
from typing import ClassVar

import numpy as np

from autogalaxy import exc
from autogalaxy.operate.image_list import OperateLightProfile
from autogalaxy.profiles.light import light_profile_util

try:  # jax is optional: registration happens only where it is installed.
    import jax.tree_util as _jax_tree_util
except ImportError:  # pragma: no cover - exercised only without jax
    _jax_tree_util = None

__all__ = ["LightProfile", "light_profile_dataclass"]


def _is_jax_value(value) -> bool:
    return type(value).__module__.startswith(("jax", "jaxlib"))


def _checked_scalar_from(owner: str, name: str, value, positive: bool):
    """Return ``value`` as a Python float after the checks above, or unchanged if it is JAX."""
    if value is None or isinstance(value, bool | np.bool_ | str | bytes):
        raise TypeError(f"{owner}.{name} must be a real number, got {value!r}.")
    if isinstance(value, numbers.Real | np.ndarray | np.generic):
        array = np.asarray(value)
        if array.shape != ():
            raise exc.ProfileException(
                f"{owner}.{name} must be a scalar, got an array of shape {array.shape}."
            )
        if array.dtype.kind not in "iuf":
            raise TypeError(f"{owner}.{name} must be a real number, got dtype {array.dtype}.")
        number = float(array)
        if not math.isfinite(number):
            raise exc.ProfileException(f"{owner}.{name} must be finite, got {number}.")
        if positive and number <= 0.0:
            raise exc.ProfileException(f"{owner}.{name} must be > 0, got {number}.")
        return number
    if _is_jax_value(value):
        return value
    raise TypeError(f"{owner}.{name} must be a real number, got {type(value).__name__}.")


def _checked_pair_from(owner: str, name: str, value):
    """Return a ``(y, x)``-style pair as a tuple of two checked scalars (JAX arrays unchanged)."""
    if _is_jax_value(value):
        return value
    if isinstance(value, tuple | list | np.ndarray):
        if len(value) != 2 or (isinstance(value, np.ndarray) and value.ndim != 1):
            raise exc.ProfileException(
                f"{owner}.{name} must be a pair of two numbers, got {value!r}."
            )
        return tuple(
            _checked_scalar_from(owner, f"{name}[{i}]", v, positive=False)
            for i, v in enumerate(value)
        )
    raise TypeError(f"{owner}.{name} must be a pair of two numbers, got {type(value).__name__}.")


class LightProfile(OperateLightProfile):
    """
    Base class of every light profile (``ag.lp``, ``ag.lp_linear``, ``ag.lp_operated``).

    A subclass is a frozen dataclass (decorated with :func:`light_profile_dataclass`) whose
    fields are its parameters, and implements :meth:`image_2d_via_points_from`. Blurred images
    (``blurred_image_2d_from`` and the like) come from :class:`OperateLightProfile`.

    Notes
    -----
    ``_positive_parameters`` names the scalar fields that must be > 0.
    """

    _positive_parameters: ClassVar[tuple] = ()

    def __post_init__(self):
        owner = type(self).__name__
        for field in dataclasses.fields(self):
            if not field.init:
                continue
            value = getattr(self, field.name)
            if field.name in ("centre", "ell_comps"):
                value = _checked_pair_from(owner, field.name, value)
                concrete = not _is_jax_value(value) and not any(_is_jax_value(v) for v in value)
                if field.name == "ell_comps" and concrete:
                    fac = math.hypot(*value)
                    if fac >= 1.0:
                        raise exc.ProfileException(
                            f"{owner}.ell_comps must satisfy sqrt(e1^2 + e2^2) < 1 (axis ratio "
                            f"q > 0), got {value} with magnitude {fac:.6g}."
                        )
            else:
                value = _checked_scalar_from(
                    owner, field.name, value, positive=field.name in self._positive_parameters
                )
            object.__setattr__(self, field.name, value)

    # ----------------------------------------------------------------- parameters and pytrees

    @classmethod
    def parameter_names(cls) -> tuple:
        """The constructor parameters, in order: the pytree leaves (``centre``/``ell_comps`` hold two)."""
        return tuple(f.name for f in dataclasses.fields(cls) if f.init)

    def with_parameters(self, **changes) -> "LightProfile":
        """A new profile of the same class with some parameters changed (``dataclasses.replace``)."""
        return dataclasses.replace(self, **changes)

    def _xp_of_parameters(self):
        """``jax.numpy`` if any parameter is a JAX value (e.g. traced), else ``numpy``."""
        for name in self.parameter_names():
            value = getattr(self, name)
            values = value if isinstance(value, tuple) else (value,)
            if any(_is_jax_value(v) for v in values):
                import jax.numpy as jnp

                return jnp
        return np

    @staticmethod
    def _scalar_out(value, xp):
        return float(value) if xp is np else value

    # --------------------------------------------------------------------------- geometry

    def axis_ratio(self, xp=np):
        """``q = (1 - f) / (1 + f)``, ``f = |ell_comps|`` (capped at 0.999)."""
        return light_profile_util.axis_ratio_and_angle_from(self.ell_comps, xp=xp)[0]

    def angle(self, xp=np):
        """The major axis' position angle in degrees, counter-clockwise from +x, in [-45, 135)."""
        return light_profile_util.axis_ratio_and_angle_from(self.ell_comps, xp=xp)[1]

    def eccentric_radii_from(self, points, xp=np):
        """The eccentric radius ``sqrt(q x'^2 + y'^2 / q)`` of (M, 2) ``(y, x)`` points, (M,)."""
        return light_profile_util.eccentric_radii_from(points, self.centre, self.ell_comps, xp=xp)

    # ----------------------------------------------------------------------------- images

    def image_2d_via_points_from(self, points, xp=np):
        """
        Return the surface brightness at (M, 2) ``(y, x)`` arcsec points as a plain (M,) array.

        No over-sampling and no binning: this is what the oversampled-PSF path evaluates on
        fine sub-pixel grids.
        """
        raise NotImplementedError

    def image_2d_from(self, grid, xp=np):
        """
        Return the image on a ``Grid2D``: the profile evaluated at ``grid.over_sampled`` and
        binned to pixels with the mean (``grid.over_sampler.binned_array_2d_from``).

        Returns an ``autoarray.Array2D`` on ``grid.mask`` (holding a JAX array for
        ``xp=jax.numpy``); on a ``Grid2DIrregular`` an ``ArrayIrregular`` of the values at its
        points (each point is its own sample: no binning).
        """
        if not (hasattr(grid, "over_sampled") and hasattr(grid, "over_sampler")):
            raise TypeError(
                f"image_2d_from expects an autoarray Grid2D (with .over_sampled and "
                f".over_sampler), got {type(grid).__name__}; use image_2d_via_points_from for "
                "an (M, 2) array of (y, x) points."
            )
        values = self.image_2d_via_points_from(grid.over_sampled, xp=xp)
        return grid.over_sampler.binned_array_2d_from(values, xp=xp)

    @property
    def total_flux(self):
        """The image integrated over the whole plane (closed form)."""
        raise NotImplementedError


def _register_pytree(cls):
    leaf_names = cls.parameter_names()
    constants = {f.name: f.default for f in dataclasses.fields(cls) if not f.init}

    def flatten_with_keys(profile):
        children = tuple(
            (_jax_tree_util.GetAttrKey(name), getattr(profile, name)) for name in leaf_names
        )
        return children, None

    def flatten(profile):
        return tuple(getattr(profile, name) for name in leaf_names), None

    def unflatten(_, children):
        profile = object.__new__(cls)
        for name, value in constants.items():
            object.__setattr__(profile, name, value)
        for name, value in zip(leaf_names, children, strict=True):
            object.__setattr__(profile, name, value)
        return profile

    _jax_tree_util.register_pytree_with_keys(cls, flatten_with_keys, unflatten, flatten)


def light_profile_dataclass(cls):
    """
    Make ``cls`` a frozen, identity-compared dataclass and, if ``jax`` is installed, a pytree
    whose leaves are its constructor parameters (see the module docstring).
    """
    cls = dataclasses.dataclass(frozen=True, eq=False)(cls)
    if _jax_tree_util is not None:
        _register_pytree(cls)
    return cls
