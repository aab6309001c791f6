"""
Exceptions raised by ``autoarray`` (and re-exported by ``autogalaxy``).

Every exception derives from :class:`AutoArrayException`, so ``except aa.exc.AutoArrayException``
catches anything the library raises on purpose. Each one also derives from ``ValueError``: bad
input values are what they report, and code written against plain numpy keeps working.
"""

__all__ = [
    "AutoArrayException",
    "ArrayException",
    "MaskException",
    "GridException",
    "KernelException",
    "DatasetException",
    "InversionException",
]


class AutoArrayException(ValueError):
    """Base class of every exception the library raises deliberately."""


class ArrayException(AutoArrayException):
    """An array has the wrong shape, dtype or values for the mask it is paired with."""


class MaskException(AutoArrayException):
    """A mask is malformed, or cannot support the operation asked of it."""


class GridException(AutoArrayException):
    """A grid, or its over-sampling sizes, are invalid."""


class KernelException(AutoArrayException):
    """A PSF kernel, its convolution state, or the inputs to a convolution are invalid."""


class DatasetException(AutoArrayException):
    """A dataset is configured inconsistently (sizes, PSF, noise map)."""


class InversionException(AutoArrayException):
    """A linear inversion is misconfigured or its linear system cannot be solved."""
