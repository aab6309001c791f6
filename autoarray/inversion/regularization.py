"""
Regularization schemes (``aa.reg``): priors that smooth a pixelized reconstruction.
"""

from numbers import Real

import numpy as np

from autoarray import exc
from autoarray.inversion import regularization_util

__all__ = ["Constant"]


class Constant:
    """
    Gradient regularization with one coefficient for every pair of neighbouring mesh pixels.

    ``H = coefficient^2 B^T B + 1e-8 I``: ``s^T H s = coefficient^2 sum_pairs (s_i - s_j)^2``
    over the mesh's neighbour pairs (:attr:`RectangularUniform.neighbour_pairs`), plus a ridge.

    Parameters
    ----------
    coefficient : float
        The regularization strength, a finite number >= 0. As in PyAutoArray's ``reg.Constant`` it
        enters squared, so coefficients carried over from PyAutoArray mean the same thing.

    Notes
    -----
    ``B^T B`` is singular (a constant source has no gradient), so
    :data:`autoarray.inversion.regularization_util.REGULARIZATION_DIAGONAL` (1e-8) is added to its diagonal: ``ln det H``
    in the evidence is then finite, and the reconstruction is unchanged to ~1e-8 relative.

    Raises
    ------
    TypeError
        If ``coefficient`` is not a real number (``bool`` included).
    InversionException
        If it is negative or not finite.
    """

    def __init__(self, coefficient: float = 1.0):
        if isinstance(coefficient, bool | np.bool_) or not isinstance(coefficient, Real):
            raise TypeError(
                f"Constant regularization coefficient must be a real number, got {coefficient!r} "
                f"of type {type(coefficient).__name__}."
            )
        if not np.isfinite(coefficient) or coefficient < 0:
            raise exc.InversionException(
                f"Constant regularization coefficient must be a finite number >= 0, got "
                f"{coefficient!r}."
            )
        self.coefficient = float(coefficient)

    def __repr__(self):
        return f"Constant(coefficient={self.coefficient})"

    def regularization_matrix_from(self, mesh) -> np.ndarray:
        """
        Return the regularization matrix of ``mesh``.

        Parameters
        ----------
        mesh : RectangularUniform
            A mesh with ``pixels`` and ``neighbour_pairs``.

        Returns
        -------
        numpy.ndarray
            (pixels, pixels) dense, symmetric and positive definite.
        """
        return regularization_util.constant_regularization_matrix_from(
            self.coefficient, mesh.neighbour_pairs, mesh.pixels
        )
