"""
Exceptions raised by ``autogalaxy``.

Re-exports every exception of ``autoarray.exc`` (so ``ag.exc.MaskException`` works) and adds the
galaxy-modelling ones. All derive from ``autoarray.exc.AutoArrayException`` (and ``ValueError``).
"""

from autoarray.exc import (
    ArrayException,
    AutoArrayException,
    DatasetException,
    GridException,
    InversionException,
    KernelException,
    MaskException,
)

__all__ = [
    "AutoArrayException",
    "ArrayException",
    "MaskException",
    "GridException",
    "KernelException",
    "DatasetException",
    "InversionException",
    "ProfileException",
    "ModelException",
]


class ProfileException(AutoArrayException):
    """A light profile has invalid parameters (e.g. a non-positive radius, or |ell_comps| >= 1)."""


class ModelException(AutoArrayException):
    """A model (``ag.Model``), its priors, or a fit or sample of it is set up inconsistently."""
