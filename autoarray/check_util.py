"""
Validation helpers shared by every constructor, so that one kind of input is checked, and
reported, in exactly one way.
"""

from numbers import Integral, Real

import numpy as np

from autoarray import exc

__all__ = ["positive_int_from", "pair_of_positive_ints_from", "pixel_scales_from", "origin_from"]


def positive_int_from(value, name: str, exception=exc.AutoArrayException) -> int:
    """
    Return ``value`` as a Python ``int`` after checking it is a positive integer.

    Parameters
    ----------
    value
        The value given by the caller.
    name
        The argument's name, used in the error message.
    exception
        The ``exc`` class raised when the value is an integer below 1.

    Raises
    ------
    TypeError
        If ``value`` is not an integer (``bool``, ``float`` and numpy floats included).
    exception
        If ``value`` is an integer smaller than 1.
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, Integral):
        raise TypeError(
            f"{name} must be a positive int, got {value!r} of type {type(value).__name__}; "
            f"pass a plain integer such as {name}=2."
        )
    if value < 1:
        raise exception(f"{name} must be a positive int (>= 1), got {value}.")
    return int(value)


def pair_of_positive_ints_from(value, name: str, exception=exc.AutoArrayException) -> tuple:
    """
    Return ``value`` as a ``(y, x)`` tuple of positive ints; a single int ``n`` means ``(n, n)``.

    Raises
    ------
    TypeError
        If an entry is not an integer.
    exception
        If the pair does not have two entries, or an entry is smaller than 1.
    """
    if isinstance(value, Integral) and not isinstance(value, bool | np.bool_):
        value = (value, value)
    try:
        pair = tuple(value)
    except TypeError:
        raise TypeError(
            f"{name} must be an int or a (y, x) pair of ints, got {value!r} of type "
            f"{type(value).__name__}."
        ) from None
    if len(pair) != 2:
        raise exception(f"{name} must be an int or a (y, x) pair of ints, got {value!r}.")
    return tuple(positive_int_from(v, f"{name}[{i}]", exception) for i, v in enumerate(pair))


def pixel_scales_from(pixel_scales, exception=exc.AutoArrayException) -> tuple:
    """
    Return pixel scales as a ``(y, x)`` tuple of positive floats; a single number means ``(v, v)``.

    Raises
    ------
    exception
        If there are not two entries, or an entry is not a finite positive number (bools and
        strings are refused).
    """
    message = (
        f"pixel_scales must be a positive float or a (y, x) pair of positive floats "
        f"(arcsec per pixel), got {pixel_scales!r}."
    )
    if isinstance(pixel_scales, bool | np.bool_ | str | bytes):
        raise exception(message)
    if isinstance(pixel_scales, Real | np.floating | np.integer):
        pixel_scales = (pixel_scales, pixel_scales)
    try:
        entries = tuple(pixel_scales)
        if any(isinstance(v, bool | np.bool_ | str | bytes) for v in entries):
            raise TypeError
        pair = tuple(float(v) for v in entries)
    except (TypeError, ValueError):
        raise exception(message) from None
    if len(pair) != 2 or not all(np.isfinite(v) and v > 0.0 for v in pair):
        raise exception(message)
    return pair


def origin_from(origin, exception=exc.AutoArrayException) -> tuple:
    """Return an origin as a ``(y, x)`` tuple of finite floats."""
    try:
        pair = tuple(float(v) for v in origin)
    except (TypeError, ValueError):
        raise exception(f"origin must be a (y, x) pair of floats, got {origin!r}.") from None
    if len(pair) != 2 or not all(np.isfinite(v) for v in pair):
        raise exception(f"origin must be a (y, x) pair of finite floats, got {origin!r}.")
    return pair
