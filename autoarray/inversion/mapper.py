"""
The :class:`Mapper`: how the over-sampled points of a grid map onto the pixels of a mesh.
"""

from functools import cached_property

import numpy as np

from autoarray import check_util, exc
from autoarray.inversion import mapper_util
from autoarray.jax_util import is_jax_array
from autoarray.mask.mask_2d import Mask2D
from autoarray.structures.grids.grid_2d import Grid2D

__all__ = ["Mapper"]


class Mapper:
    """
    The mappings between a pixelization grid's over-sampled points and a mesh's pixels.

    Parameters
    ----------
    mesh : RectangularUniform
        The mesh (e.g. :class:`autoarray.mesh.RectangularUniform`).
    grid : Grid2D
        The pixelization grid (``dataset.grids.pixelization``): every unmasked pixel ``i`` is
        sampled at its ``k_i x k_i`` over-sampled points (``grid.over_sampled``).
    regularization : Constant or None
        The regularization scheme (e.g. :class:`autoarray.reg.Constant`), or None.
    extent : tuple of float, optional
        ``(y_min, y_max, x_min, x_max)`` of the mesh; by default the bounding box of the points
        padded by a tiny fraction. Points outside it map to no pixel. Its entries may be JAX
        values (e.g. traced): the mapping's shapes do not depend on it.
    point_offset : (float, float)
        The (y, x) arcsec offset of the points from ``grid.over_sampled``: the
        ``light_sample_offset`` of the PSF that convolves the fine mapping matrix (``(0.0, 0.0)``
        for an odd kernel; half a fine pixel up and left for an even, STPSF-layout, one).
    xp : module
        ``numpy`` (default) or ``jax.numpy``: the array type of the interpolation and of the
        mapping matrices (:meth:`mapping_matrix_over_sampled_for` then returns a BCOO).

    Raises
    ------
    InversionException
        If ``grid`` is not a ``Grid2D``, ``extent`` is not four numbers with min < max, or
        ``point_offset`` is not two finite numbers.

    Notes
    -----
    The points are ``grid.over_sampled_shifted_by(point_offset)``. Every over-sampled point is shared between the four mesh pixels around it with bilinear
    weights summing to 1. The mapping matrix of a row is the mean of its points' weights:
    :attr:`mapping_matrix` has one row per image pixel (mean over ``k_i^2`` points);
    :meth:`mapping_matrix_over_sampled_for` has ``s x s`` rows per pixel for a PSF oversampled
    by ``s`` (mean over each fine cell's ``(k_i / s)^2`` points). Rows of pixels inside the mesh
    sum to 1. Both are ``scipy.sparse`` CSR matrices: at ``s = 4`` a dense fine mapping matrix is
    hundreds of MB, while it has at most ``4 (k_i / s)^2`` non-zeros per row.

    Under JAX (``xp=jax.numpy``) the mapping matrices are ``jax.experimental.sparse.BCOO``
    matrices with exactly four non-zeros per sample (duplicates within a fine cell are kept and
    add up), so their shapes depend only on the grid and the mesh shape. When the extent is not a
    JAX value (the default: the grid's bounding box) the mapper depends on no model parameter
    (``is_concrete``): its interpolation is computed with NumPy and
    :meth:`host_mapping_matrix_over_sampled_for` gives the NumPy (CSR) matrix, from which the
    inversion forms the parameter-independent operated mapping matrix and curvature once per
    trace instead of once per evaluation.
    """

    def __init__(
        self,
        mesh,
        grid: Grid2D,
        regularization=None,
        extent=None,
        point_offset=(0.0, 0.0),
        xp=np,
    ):
        if not isinstance(grid, Grid2D):
            raise exc.InversionException(
                f"A Mapper needs the pixelization Grid2D (dataset.grids.pixelization), got "
                f"{type(grid).__name__}."
            )
        self.mesh = mesh
        self.grid = grid
        self.regularization = regularization
        self.xp = xp
        try:
            points = np.asarray(grid.over_sampled_shifted_by(point_offset))
        except exc.GridException as error:
            raise exc.InversionException(f"point_offset: {error}") from None
        self.point_offset = tuple(float(v) for v in point_offset)
        if extent is None:
            extent = mesh.extent_from(points)
        elif any(is_jax_array(v) for v in extent):
            extent = tuple(extent)
            if len(extent) != 4:
                raise exc.InversionException(
                    f"extent must be (y_min, y_max, x_min, x_max), got {len(extent)} values."
                )
        else:
            extent = tuple(float(v) for v in extent)
            if len(extent) != 4 or not (extent[0] < extent[1] and extent[2] < extent[3]):
                raise exc.InversionException(
                    f"extent must be (y_min, y_max, x_min, x_max) with min < max, got {extent}."
                )
        self.extent = extent
        # The points are the dataset's (NumPy); with a NumPy extent too nothing here depends on
        # a model parameter, so the interpolation is computed once on the host even under JAX
        # and the inversion can form what depends on it alone (the operated mapping matrix,
        # its curvature) with NumPy, as constants of the traced function.
        self.is_concrete = not any(is_jax_array(v) for v in extent)
        interpolation_xp = np if self.is_concrete else xp
        self._mappings, self._weights = mesh.interpolation_from(points, extent, xp=interpolation_xp)

    def __repr__(self):
        return f"Mapper(mesh={self.mesh!r}, pixels_in_mask={self.grid.shape_slim})"

    @property
    def pixels(self) -> int:
        """The number of mesh pixels (columns of the mapping matrix)."""
        return self.mesh.pixels

    @property
    def mask(self) -> Mask2D:
        """The mask of the pixelization grid."""
        return self.grid.mask

    def check_mask(self, mask: Mask2D, label: str = "The mapper"):
        """
        Check that the mapper's pixelization grid is on ``mask``.

        Parameters
        ----------
        mask : Mask2D
            The dataset's mask.
        label : str
            The mapper's name in the error message.

        Raises
        ------
        InversionException
            If the grid's mask is not ``mask``.
        """
        if not self.mask.is_same_as(mask):
            raise exc.InversionException(
                f"{label}: the pixelization grid is on a mask of shape {self.mask.shape_native} "
                f"with {self.mask.pixels_in_mask} unmasked pixels, but the dataset's mask has "
                f"shape {mask.shape_native} and {mask.pixels_in_mask}; build the mapper on "
                "dataset.grids.pixelization."
            )

    def check_point_offset(self, psf, label: str = "The mapper"):
        """
        Check that the mapper's points are where ``psf`` takes the light it convolves.

        Parameters
        ----------
        psf : Convolver or None
            The PSF that convolves the fine mapping matrix (``dataset.psf_pixelization``), or
            None (no PSF: any offset is refused but ``(0, 0)``).
        label : str
            The mapper's name in the error message.

        Raises
        ------
        InversionException
            If :attr:`point_offset` differs from ``psf.light_sample_offset``.
        """
        expected = (0.0, 0.0) if psf is None else tuple(psf.light_sample_offset)
        if not np.allclose(self.point_offset, expected, rtol=1e-12, atol=1e-15):
            raise exc.InversionException(
                f"{label}: its points are offset by {self.point_offset} arcsec from "
                f"grid.over_sampled, but the pixelization PSF (kernel shape "
                f"{None if psf is None else psf.shape_native}) convolves light sampled at "
                f"{expected}; an even kernel applies exactly only there. Build the mapper with "
                "pixelization.mapper_from(dataset.grids.pixelization, "
                "point_offset=dataset.psf_pixelization.light_sample_offset)."
            )

    @cached_property
    def mesh_grid(self) -> np.ndarray:
        """The (pixels, 2) (y, x) centres of the mesh pixels."""
        return self.mesh.mesh_grid_from(self.extent)

    @property
    def mappings(self) -> np.ndarray:
        """(sum k_i^2, 4) mesh pixels of every over-sampled point."""
        return self._mappings

    @property
    def weights(self) -> np.ndarray:
        """(sum k_i^2, 4) bilinear weights of every over-sampled point."""
        return self._weights

    @cached_property
    def mapping_matrix(self):
        """
        The native (N, pixels) mapping matrix: each pixel's ``k_i^2`` points add weight / k_i^2.
        Built once; ``mapping_matrix_over_sampled_for(1)`` returns it (a BCOO under JAX).
        """
        return self._mapping_matrix_for(1)

    def _mapping_matrix_for(self, s: int):
        sub_size = self.grid.over_sampler.sub_size
        if self.xp is np:
            return mapper_util.mapping_matrix_from(
                self._mappings, self._weights, sub_size, self.pixels, s
            )
        from jax.experimental import sparse as jax_sparse

        rows, cols, values = mapper_util.mapping_matrix_triplets_from(
            self._mappings, self._weights, sub_size, s, xp=self.xp
        )
        indices = self.xp.stack([self.xp.asarray(rows), cols], axis=1)
        shape = (int(np.asarray(sub_size).shape[0]) * s * s, self.pixels)
        return jax_sparse.BCOO((values, indices), shape=shape)

    def mapping_matrix_over_sampled_for(self, convolve_over_sample_size: int, dense: bool = False):
        """
        Return the fine (N s^2, pixels) mapping matrix for a PSF oversampled by ``s``.

        Rows are in the per-pixel sub-block order a :class:`Convolver` with
        ``convolve_over_sample_size = s`` takes: ``s x s`` fine cells per unmasked pixel,
        row-major inside the pixel. Each cell's row is the mean of the interpolation weights of
        the ``(k_i / s)^2`` points in it (the pre-binning light profiles get).

        Parameters
        ----------
        convolve_over_sample_size : int
            ``s``, a positive int dividing every ``k_i``; 1 gives :attr:`mapping_matrix`.
        dense : bool
            Return a dense array instead of the sparse matrix.

        Returns
        -------
        scipy.sparse.csr_array or numpy.ndarray or BCOO or jax.Array
            (N s^2, pixels): CSR (NumPy), or a ``jax.experimental.sparse.BCOO`` with four
            non-zeros per sample (JAX); dense if asked.

        Raises
        ------
        TypeError
            If ``s`` is not an int.
        InversionException
            If ``s < 1`` or a ``k_i`` is not divisible by ``s``.
        """
        s = check_util.positive_int_from(
            convolve_over_sample_size, "convolve_over_sample_size", exc.InversionException
        )
        matrix = self.mapping_matrix if s == 1 else self._mapping_matrix_for(s)
        if not dense:
            return matrix
        return matrix.toarray() if self.xp is np else matrix.todense()

    def host_mapping_matrix_over_sampled_for(self, convolve_over_sample_size: int):
        """
        The fine (N s^2, pixels) mapping matrix as a NumPy CSR matrix, whatever ``xp``.

        Parameters
        ----------
        convolve_over_sample_size : int
            ``s`` (see :meth:`mapping_matrix_over_sampled_for`).

        Returns
        -------
        scipy.sparse.csr_array

        Raises
        ------
        InversionException
            If the mapper is not concrete (its extent is a JAX value), or ``s`` is invalid.
        """
        if not self.is_concrete:
            raise exc.InversionException(
                "This mapper's extent is a JAX value, so its mapping matrix exists only as a JAX "
                "array: use mapping_matrix_over_sampled_for."
            )
        s = check_util.positive_int_from(
            convolve_over_sample_size, "convolve_over_sample_size", exc.InversionException
        )
        return mapper_util.mapping_matrix_from(
            self._mappings, self._weights, self.grid.over_sampler.sub_size, self.pixels, s
        )

    @cached_property
    def regularization_matrix(self):
        """
        The (pixels, pixels) regularization matrix (an array of the mapper's ``xp``), or None
        without a regularization.
        """
        if self.regularization is None:
            return None
        return self.regularization.regularization_matrix_from(self.mesh, xp=self.xp)

    @cached_property
    def log_det_regularization_matrix(self):
        """
        ``ln det`` of :attr:`regularization_matrix` when the regularization gives it in closed
        form (``log_det_regularization_matrix_from``), else None (as without a regularization).
        """
        if self.regularization is None or not hasattr(
            self.regularization, "log_det_regularization_matrix_from"
        ):
            return None
        return self.regularization.log_det_regularization_matrix_from(self.mesh, xp=self.xp)
