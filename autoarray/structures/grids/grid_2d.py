"""The uniform 2D grid of pixel centres of a mask, with its over-sampling."""

from functools import cached_property

import numpy as np

from autoarray import check_util, exc
from autoarray.mask.mask_2d import Mask2D, MaskGeometry, _array_protocol_from
from autoarray.structures.arrays.array_2d import Array2D
from autoarray.structures.over_sampling.over_sampler import OverSampler

__all__ = ["Grid2D"]


def _values_of(other):
    return other.array if isinstance(other, Grid2D) else other


class Grid2D(MaskGeometry):
    """
    The (y, x) arcsec centres of the unmasked pixels of a mask, plus how light is over-sampled
    on them.

    Parameters
    ----------
    values
        (N, 2) slim centres or (ny, nx, 2) native centres. Use :meth:`uniform` or
        :meth:`from_mask` to build the usual grid of pixel centres.
    mask
        The mask the grid lives on.
    over_sample_size
        A positive int (every pixel gets ``k x k`` sub-pixels) or an ``Array2D`` / array of one
        int per unmasked pixel (adaptive). Default 4, as in PyAutoArray.

    Notes
    -----
    ``.over_sampled`` lists the sub-pixel centres pixel by pixel in slim order, row-major inside
    a pixel, at offsets ``((a + 0.5) / k - 0.5)`` pixel scales (y decreasing down the rows).
    Light profiles evaluate there and bin back with the mean (``over_sampler``).
    :meth:`over_sampled_shifted_by` lists the same points, in the same order, moved by a fixed
    (y, x) offset: where the light convolved by an even oversampled PSF is sampled
    (``Convolver.light_sample_offset``).
    """

    def __init__(self, values, mask: Mask2D, over_sample_size=4):
        if not isinstance(mask, Mask2D):
            raise exc.GridException(f"mask must be a Mask2D, got {type(mask).__name__}.")
        values = np.asarray(values, dtype=np.float64)
        if values.shape == (mask.pixels_in_mask, 2):
            slim = values.copy()  # never alias (or flag read-only) the caller's array
        elif values.shape == (*mask.shape_native, 2):
            slim = values[~mask.array]
        else:
            raise exc.GridException(
                f"Grid2D values of shape {values.shape} fit neither the slim shape "
                f"({mask.pixels_in_mask}, 2) nor the native shape {(*mask.shape_native, 2)}."
            )
        slim.setflags(write=False)
        self._slim = slim
        self.mask = mask
        self.over_sampler = OverSampler(mask, over_sample_size)
        self._over_sampled_shifted = {}

    @classmethod
    def from_mask(cls, mask: Mask2D, over_sample_size=4) -> "Grid2D":
        """The grid of the centres of the unmasked pixels of ``mask``."""
        return cls(mask.centres_native[~mask.array], mask, over_sample_size)

    @classmethod
    def uniform(cls, shape_native, pixel_scales, origin=(0.0, 0.0), over_sample_size=4) -> "Grid2D":
        """The grid of every pixel centre of an unmasked frame of ``shape_native``."""
        return cls.from_mask(Mask2D.all_false(shape_native, pixel_scales, origin), over_sample_size)

    @classmethod
    def no_mask(
        cls, values, pixel_scales, shape_native=None, origin=(0.0, 0.0), over_sample_size=4
    ) -> "Grid2D":
        """
        A grid of given (y, x) values on an unmasked frame.

        Parameters
        ----------
        values : array_like
            (ny, nx, 2) native values, or (ny nx, 2) slim values with ``shape_native``. They
            are taken as given (copied), not checked against the pixel centres.
        pixel_scales : float or (float, float)
            Arcsec per pixel of the frame.
        shape_native : (int, int), optional
            The frame's shape, needed for slim values.
        origin : (float, float)
            The frame's origin.
        over_sample_size : int or Array2D or array_like
            As in :class:`Grid2D`: uniform, or one int per pixel (an ``Array2D`` from
            :func:`autoarray.over_sample_util.over_sample_size_via_radial_bins_from`).

        Returns
        -------
        Grid2D

        Raises
        ------
        GridException
            If ``values`` is neither (ny, nx, 2) nor (N, 2) with ``shape_native`` of N pixels.
        """
        values = np.asarray(values, dtype=np.float64)
        if values.ndim == 3 and values.shape[2] == 2:
            shape = values.shape[:2]
        elif values.ndim == 2 and values.shape[1] == 2:
            if shape_native is None:
                raise exc.GridException(
                    f"Grid2D.no_mask got slim values of shape {values.shape} without "
                    "shape_native; pass shape_native=(ny, nx) or (ny, nx, 2) values."
                )
            shape = check_util.pair_of_positive_ints_from(
                shape_native, "shape_native", exc.GridException
            )
            if shape[0] * shape[1] != values.shape[0]:
                raise exc.GridException(
                    f"Grid2D.no_mask got {values.shape[0]} (y, x) values for shape_native "
                    f"{shape} ({shape[0] * shape[1]} pixels)."
                )
        else:
            raise exc.GridException(
                f"Grid2D.no_mask needs (ny, nx, 2) or (N, 2) values, got shape {values.shape}."
            )
        mask = Mask2D.all_false(shape, pixel_scales, origin)
        return cls(values.reshape(-1, 2), mask, over_sample_size)

    # ------------------------------------------------------------------------ properties

    @property
    def array(self) -> np.ndarray:
        """The (N, 2) slim centres."""
        return self._slim

    @property
    def slim(self) -> "Grid2D":
        return self

    @cached_property
    def native(self) -> np.ndarray:
        """The (ny, nx, 2) centres, zeros at masked pixels."""
        out = np.zeros((*self.mask.shape_native, 2))
        out[~self.mask.array] = self._slim
        out.setflags(write=False)
        return out

    @property
    def shape(self):
        return self._slim.shape

    def __array__(self, dtype=None, copy=None):
        return _array_protocol_from(self._slim, dtype, copy)

    def __getitem__(self, item):
        return self._slim[item]

    def __len__(self):
        return self._slim.shape[0]

    def __eq__(self, other):
        """Element-wise comparison of the (N, 2) slim values (a bool array), as for ndarrays."""
        return self._slim == _values_of(other)

    def __ne__(self, other):
        return self._slim != _values_of(other)

    __hash__ = None

    def __repr__(self):
        return (
            f"Grid2D(shape_native={self.shape_native}, pixels={self.shape_slim}, "
            f"pixel_scales={self.pixel_scales})"
        )

    @property
    def over_sample_size(self) -> Array2D:
        """The per-pixel over-sample sizes as an integer ``Array2D``."""
        return Array2D(self.over_sampler.sub_size, self.mask)

    @property
    def over_sampled(self) -> np.ndarray:
        """The (sum k_i^2, 2) sub-pixel centres, per-pixel sub-block order."""
        return self.over_sampler.over_sampled_grid

    def over_sampled_shifted_by(self, offset) -> np.ndarray:
        """
        Return the sub-pixel centres of :attr:`over_sampled` moved by ``offset``.

        Parameters
        ----------
        offset : (float, float)
            The (y, x) arcsec shift, e.g. ``psf.light_sample_offset`` of the PSF the light is
            convolved with.

        Returns
        -------
        numpy.ndarray
            (sum k_i^2, 2) read-only points in the order of :attr:`over_sampled` (per-pixel
            sub-block order): :attr:`over_sampled` itself for ``(0.0, 0.0)``, else a new array,
            built once per offset and kept.

        Raises
        ------
        GridException
            If ``offset`` is not two finite numbers.
        """
        try:
            dy, dx = (float(v) for v in offset)
        except (TypeError, ValueError):
            raise exc.GridException(
                f"offset must be a (y, x) pair of arcsec numbers, got {offset!r}; e.g. "
                "psf.light_sample_offset."
            ) from None
        if not (np.isfinite(dy) and np.isfinite(dx)):
            raise exc.GridException(f"offset must be finite (y, x) arcsec, got {offset!r}.")
        if dy == 0.0 and dx == 0.0:
            return self.over_sampled
        key = (dy, dx)
        if key not in self._over_sampled_shifted:
            shifted = self.over_sampled + np.array([dy, dx])
            shifted.setflags(write=False)
            self._over_sampled_shifted[key] = shifted
        return self._over_sampled_shifted[key]

    # --------------------------------------------------------------------------- derived

    def apply_over_sampling(self, over_sample_size) -> "Grid2D":
        """The same grid with another over-sample size."""
        return Grid2D(self._slim, self.mask, over_sample_size)

    def padded_grid_from(self, kernel_shape_native) -> "Grid2D":
        """
        The unmasked grid of a frame larger by ``kernel_shape_native - 1`` pixels per axis (half
        a kernel on every side), so an image on it can be convolved without losing PSF wings.

        The padded grid is over-sampled uniformly, at the largest size of this grid.
        """
        shape = check_util.pair_of_positive_ints_from(
            kernel_shape_native, "kernel_shape_native", exc.GridException
        )
        padded_shape = (
            self.shape_native[0] + shape[0] - 1,
            self.shape_native[1] + shape[1] - 1,
        )
        size = int(self.over_sampler.sub_size.max()) if self.shape_slim else 1
        return Grid2D.uniform(padded_shape, self.pixel_scales, self.origin, over_sample_size=size)

    def distances_to_coordinate_from(self, coordinate=(0.0, 0.0)) -> Array2D:
        """The arcsec distance of every pixel centre from ``coordinate``."""
        return Array2D(
            np.hypot(self._slim[:, 0] - coordinate[0], self._slim[:, 1] - coordinate[1]), self.mask
        )
