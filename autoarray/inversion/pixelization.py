"""
The :class:`Pixelization`: a mesh and a regularization, reconstructing light on the mesh's pixels.
"""

import numpy as np

from autoarray import exc
from autoarray.inversion.mapper import Mapper

try:  # jax is optional: registration happens only where it is installed.
    import jax.tree_util as _jax_tree_util
except ImportError:  # pragma: no cover - exercised only without jax
    _jax_tree_util = None

__all__ = ["Pixelization"]


class Pixelization:
    """
    A mesh plus a regularization: the light of a galaxy reconstructed on the mesh's pixels by a
    linear inversion (e.g. ``ag.Galaxy(redshift=1.0, pixelization=ag.Pixelization(...))``).

    Parameters
    ----------
    mesh : RectangularUniform
        The mesh, e.g. ``aa.mesh.RectangularUniform(shape=(20, 20))``.
    regularization : Constant or None
        The regularization, e.g. ``aa.reg.Constant(coefficient=1.0)``, or None (then every mesh
        pixel must be constrained by the data, or the inversion raises ``InversionException``).

    Raises
    ------
    InversionException
        If ``mesh`` has no ``pixels`` / ``interpolation_from``, or ``regularization`` no
        ``regularization_matrix_from``.

    Notes
    -----
    With ``jax`` installed a ``Pixelization`` is a pytree: its child is the regularization (the
    coefficient is a leaf) and the mesh, a value fixing every shape, is static. So a
    pixelization can be an argument of ``jax.jit`` / ``jax.vmap`` / ``jax.grad``, and
    pixelizations with equal meshes share one trace.
    """

    def __init__(self, mesh, regularization=None):
        if not (hasattr(mesh, "pixels") and hasattr(mesh, "interpolation_from")):
            raise exc.InversionException(
                f"mesh must be a mesh such as aa.mesh.RectangularUniform, got "
                f"{type(mesh).__name__}."
            )
        if regularization is not None and not hasattr(regularization, "regularization_matrix_from"):
            raise exc.InversionException(
                f"regularization must be a scheme such as aa.reg.Constant or None, got "
                f"{type(regularization).__name__}."
            )
        self.mesh = mesh
        self.regularization = regularization

    def __repr__(self):
        return f"Pixelization(mesh={self.mesh!r}, regularization={self.regularization!r})"

    def mapper_from(self, grid, extent=None, point_offset=(0.0, 0.0), xp=np) -> Mapper:
        """
        Return the :class:`Mapper` of this pixelization's mesh over the pixelization grid.

        Parameters
        ----------
        grid : Grid2D
            The pixelization grid (``dataset.grids.pixelization``).
        extent : tuple of float, optional
            ``(y_min, y_max, x_min, x_max)`` of the mesh; default: the grid's bounding box.
        point_offset : (float, float)
            The (y, x) arcsec offset of the mapped points from ``grid.over_sampled``: the
            pixelization PSF's ``light_sample_offset`` (``dataset.psf_pixelization``; non-zero
            only for an even, STPSF-layout, kernel).
        xp : module
            ``numpy`` or ``jax.numpy`` (see :class:`Mapper`).

        Returns
        -------
        Mapper

        Raises
        ------
        InversionException
            See :class:`Mapper`.
        """
        return Mapper(
            self.mesh,
            grid,
            regularization=self.regularization,
            extent=extent,
            point_offset=point_offset,
            xp=xp,
        )


def _flatten_pixelization(pixelization):
    return (pixelization.regularization,), pixelization.mesh


def _unflatten_pixelization(mesh, children):
    pixelization = object.__new__(Pixelization)
    pixelization.mesh = mesh
    pixelization.regularization = children[0]
    return pixelization


if _jax_tree_util is not None:
    _jax_tree_util.register_pytree_node(
        Pixelization, _flatten_pixelization, _unflatten_pixelization
    )
