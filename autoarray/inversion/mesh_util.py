"""
Pure functions of rectangular meshes: the extent a mesh spans over a set of points, its pixel
centres, and the bilinear interpolation of points on it.

A uniform rectangular mesh of ``(ny, nx)`` pixels is a lattice of interpolation nodes, row-major
from the top-left (node ``j * nx + i`` at ``y = y_max - j dy``, ``x = x_min + i dx``). A point
inside the lattice lies in one cell of four nodes and is shared between them with bilinear
weights that sum to 1.
"""

import numpy as np

from autoarray import exc

__all__ = [
    "rectangular_extent_from",
    "rectangular_mesh_grid_from",
    "rectangular_interpolation_from",
]


def rectangular_extent_from(points, pad_fraction: float = 1.0e-6) -> tuple:
    """
    Return the bounding box of ``points``, padded on every side by ``pad_fraction`` of its size
    so that rounding never puts a point on the edge outside.

    Parameters
    ----------
    points : numpy.ndarray
        (M, 2) (y, x) points, M > 0.
    pad_fraction : float
        The padding as a fraction of the box's size along each axis.

    Returns
    -------
    tuple of float
        ``(y_min, y_max, x_min, x_max)``.

    Raises
    ------
    InversionException
        If there are no points, or they span zero extent along an axis (a single row or column
        of points cannot carry a 2D bilinear mesh).
    """
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2 or points.shape[0] == 0:
        raise exc.InversionException(
            f"A rectangular mesh needs an (M, 2) array of (y, x) points with M > 0, got shape "
            f"{points.shape}."
        )
    lo = points.min(axis=0)
    hi = points.max(axis=0)
    size = hi - lo
    if np.any(size <= 0.0):
        raise exc.InversionException(
            f"The points span {size[0]:.6g} arcsec in y and {size[1]:.6g} in x; a rectangular "
            "mesh needs a non-zero extent along both axes. Use a 2D mask or over-sample the grid."
        )
    pad = pad_fraction * size
    return (
        float(lo[0] - pad[0]),
        float(hi[0] + pad[0]),
        float(lo[1] - pad[1]),
        float(hi[1] + pad[1]),
    )


def rectangular_mesh_grid_from(shape, extent) -> np.ndarray:
    """
    Return the (y, x) mesh pixel centres (interpolation nodes) of a uniform rectangular mesh.

    Parameters
    ----------
    shape : tuple of int
        ``(ny, nx)`` nodes, each >= 2.
    extent : tuple of float
        ``(y_min, y_max, x_min, x_max)``: the outer nodes lie on its edges, so every point inside
        it is inside a cell of four nodes.

    Returns
    -------
    numpy.ndarray
        (ny * nx, 2): node ``j * nx + i`` is at ``y = y_max - j * dy``, ``x = x_min + i * dx``,
        with ``dy = (y_max - y_min) / (ny - 1)`` and ``dx = (x_max - x_min) / (nx - 1)``.
    """
    ny, nx = shape
    y_min, y_max, x_min, x_max = extent
    y = y_max - np.arange(ny) * ((y_max - y_min) / (ny - 1))
    x = x_min + np.arange(nx) * ((x_max - x_min) / (nx - 1))
    return np.stack(np.meshgrid(y, x, indexing="ij"), axis=-1).reshape(-1, 2)


def rectangular_interpolation_from(points, shape, extent, xp=np) -> tuple:
    """
    Return the bilinear interpolation of ``points`` on a uniform rectangular mesh.

    Parameters
    ----------
    points : numpy.ndarray or jax.Array
        (M, 2) (y, x) points.
    shape : tuple of int
        ``(ny, nx)`` mesh nodes, each >= 2.
    extent : tuple of float
        ``(y_min, y_max, x_min, x_max)`` of the node lattice (:func:`rectangular_mesh_grid_from`);
        its entries may be JAX values (traced).
    xp : module
        ``numpy`` or ``jax.numpy``: the same arithmetic either way, with shapes fixed by ``M``
        alone (four nodes per point whatever the extent), so under ``jax.jit`` the
        interpolation traces once per number of points and mesh shape.

    Returns
    -------
    mappings : numpy.ndarray or jax.Array
        (M, 4) int node indices: top-left, top-right, bottom-left and bottom-right of the cell
        holding the point.
    weights : numpy.ndarray or jax.Array
        (M, 4) float64 bilinear weights of those nodes. The weights of a point inside ``extent``
        are in [0, 1] and sum to 1; a point outside gets weights 0 (it maps to no mesh pixel).
    """
    points = xp.asarray(points, dtype=np.float64)
    ny, nx = shape
    y_min, y_max, x_min, x_max = extent
    # Fractional node coordinates, row 0 at the top (+y), column 0 at the left.
    fy = (y_max - points[:, 0]) / ((y_max - y_min) / (ny - 1))
    fx = (points[:, 1] - x_min) / ((x_max - x_min) / (nx - 1))
    inside = (fy >= 0.0) & (fy <= ny - 1) & (fx >= 0.0) & (fx <= nx - 1)
    # A point on the last row / column belongs to the last cell (its far weight is then 1).
    j = xp.clip(xp.floor(fy).astype(np.int64), 0, ny - 2)
    i = xp.clip(xp.floor(fx).astype(np.int64), 0, nx - 2)
    ty = xp.where(inside, fy - j, 0.0)
    tx = xp.where(inside, fx - i, 0.0)
    weights = xp.stack([(1.0 - ty) * (1.0 - tx), (1.0 - ty) * tx, ty * (1.0 - tx), ty * tx], axis=1)
    weights = xp.where(inside[:, None], weights, 0.0)
    top_left = j * nx + i
    mappings = xp.stack([top_left, top_left + 1, top_left + nx, top_left + nx + 1], axis=1)
    return mappings, weights
