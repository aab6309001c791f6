"""
Meshes of pixelizations (``aa.mesh``): the pixels a source is reconstructed on.
"""

from numbers import Integral

import numpy as np

from autoarray import exc
from autoarray.inversion import mesh_util, regularization_util

__all__ = ["RectangularUniform"]


class RectangularUniform:
    """
    A uniform rectangular mesh of ``shape = (ny, nx)`` pixels with bilinear interpolation.

    The mesh pixels are interpolation nodes, row-major from the top-left (index ``j * nx + i``).
    The node lattice spans the bounding box of the points it maps (padded by a tiny fraction, see
    :func:`autoarray.inversion.mesh_util.rectangular_extent_from`), so every point lies in a cell of four nodes
    and is shared between them with bilinear weights that sum to 1.

    Parameters
    ----------
    shape : tuple of int
        (ny, nx) pixels, each an int >= 3 (as in PyAutoArray: a 2 x 2 mesh has no interior).

    Raises
    ------
    TypeError
        If an entry is not an int (``bool`` included).
    InversionException
        If ``shape`` does not have two entries or an entry is < 3.
    """

    def __init__(self, shape=(3, 3)):
        try:
            pair = tuple(shape)
        except TypeError:
            raise TypeError(
                f"RectangularUniform shape must be a (ny, nx) pair of ints, got {shape!r}."
            ) from None
        if len(pair) != 2:
            raise exc.InversionException(
                f"RectangularUniform shape must be a (ny, nx) pair of ints, got {shape!r}."
            )
        for value in pair:
            if isinstance(value, bool | np.bool_) or not isinstance(value, Integral):
                raise TypeError(
                    f"RectangularUniform shape must hold ints, got {shape!r} (an entry of type "
                    f"{type(value).__name__})."
                )
        if pair[0] < 3 or pair[1] < 3:
            raise exc.InversionException(
                f"RectangularUniform shape must be at least (3, 3), got {shape!r}: bilinear "
                "interpolation and gradient regularization need interior pixels."
            )
        self.shape = (int(pair[0]), int(pair[1]))

    @property
    def pixels(self) -> int:
        """The number of mesh pixels, ``ny * nx``."""
        return self.shape[0] * self.shape[1]

    def __repr__(self):
        return f"RectangularUniform(shape={self.shape})"

    # A mesh is a value (its shape): equal meshes let a Pixelization pytree keep one jit trace.
    def __eq__(self, other):
        return type(other) is type(self) and other.shape == self.shape

    def __hash__(self):
        return hash((type(self).__name__, self.shape))

    def extent_from(self, points) -> tuple:
        """
        Return the extent of the mesh laid over ``points``.

        Parameters
        ----------
        points : numpy.ndarray
            (M, 2) (y, x) points.

        Returns
        -------
        tuple of float
            ``(y_min, y_max, x_min, x_max)`` (:func:`mesh_util.rectangular_extent_from`).
        """
        return mesh_util.rectangular_extent_from(points)

    def mesh_grid_from(self, extent) -> np.ndarray:
        """
        Return the (pixels, 2) (y, x) centres of the mesh pixels.

        Parameters
        ----------
        extent : tuple of float
            ``(y_min, y_max, x_min, x_max)`` of the mesh.

        Returns
        -------
        numpy.ndarray
        """
        return mesh_util.rectangular_mesh_grid_from(self.shape, extent)

    def interpolation_from(self, points, extent, xp=np) -> tuple:
        """
        Return the bilinear interpolation of ``points`` on the mesh.

        Parameters
        ----------
        points : numpy.ndarray or jax.Array
            (M, 2) (y, x) points.
        extent : tuple of float
            ``(y_min, y_max, x_min, x_max)`` of the mesh.
        xp : module
            ``numpy`` or ``jax.numpy``.

        Returns
        -------
        mappings, weights : numpy.ndarray or jax.Array
            Both (M, 4) (:func:`mesh_util.rectangular_interpolation_from`).
        """
        return mesh_util.rectangular_interpolation_from(points, self.shape, extent, xp=xp)

    @property
    def laplacian_eigenvalues(self) -> np.ndarray:
        """The eigenvalues of ``B^T B`` of :attr:`neighbour_pairs` (closed form, (pixels,))."""
        return regularization_util.rectangular_laplacian_eigenvalues_from(self.shape)

    @property
    def neighbour_pairs(self) -> np.ndarray:
        """(P, 2) pairs of horizontally / vertically adjacent pixels, each pair once."""
        return regularization_util.rectangular_neighbour_pairs_from(self.shape)
