"""The grids a dataset hands to every model evaluation."""

from functools import cached_property

import numpy as np

from autoarray import check_util, exc
from autoarray.mask.mask_2d import Mask2D
from autoarray.structures.grids.grid_2d import Grid2D

__all__ = ["GridsDataset"]


class GridsDataset:
    """
    The grids of a masked dataset: where light profiles (``lp``) and pixelizations
    (``pixelization``) are evaluated, and the ``blurring`` region outside the mask whose light the
    PSF spreads into it. Each grid is built on first use.

    Parameters
    ----------
    mask : Mask2D
        The dataset's mask.
    over_sample_size_lp, over_sample_size_pixelization : int or Array2D
        Over-sample sizes ``k_i`` (int or one int per unmasked pixel) of the two grids.
    psf : Convolver, optional
        The dataset's PSF, or None (no blurring grid).
    convolve_over_sample_size_lp, convolve_over_sample_size_pixelization : int, optional
        ``s`` of the two channels; default: the PSF's ``convolve_over_sample_size`` (1 without a PSF).

    Notes
    -----
    ``lp`` and ``pixelization`` are the native pixel centres carrying their ``k_i`` (divisible by
    ``s``). ``blurring`` covers the blurring region of ``psf.kernel_shape_image_resolution``
    (:meth:`Convolver.blurring_mask_from`); it is over-sampled at ``s_lp`` (1 when ``s_lp = 1``,
    as for a native PSF). When a convolve size is > 1, ``lp_oversampled``,
    ``lp_blurring_oversampled`` and ``pixelization_oversampled`` are the (M s^2, 2) fine-pixel
    centres in per-pixel sub-block order; with sizes of 1 they are None. Light convolved by an
    even (STPSF-layout) kernel is sampled at these points moved by ``psf.light_sample_offset``
    (:meth:`Grid2D.over_sampled_shifted_by`), which the blurred images and mappers do.
    """

    def __init__(
        self,
        mask: Mask2D,
        over_sample_size_lp=4,
        over_sample_size_pixelization=4,
        psf=None,
        convolve_over_sample_size_lp=None,
        convolve_over_sample_size_pixelization=None,
    ):
        psf_s = psf.convolve_over_sample_size if psf is not None else 1
        s_lp = psf_s if convolve_over_sample_size_lp is None else convolve_over_sample_size_lp
        s_pix = (
            psf_s
            if convolve_over_sample_size_pixelization is None
            else convolve_over_sample_size_pixelization
        )
        self.convolve_over_sample_size_lp = check_util.positive_int_from(
            s_lp, "convolve_over_sample_size_lp", exc.DatasetException
        )
        self.convolve_over_sample_size_pixelization = check_util.positive_int_from(
            s_pix, "convolve_over_sample_size_pixelization", exc.DatasetException
        )
        self.mask = mask
        self.psf = psf
        self._over_sample_size_lp = over_sample_size_lp
        self._over_sample_size_pixelization = over_sample_size_pixelization

    @cached_property
    def lp(self) -> Grid2D:
        """The light-profile grid: pixel centres with ``over_sample_size_lp``."""
        return Grid2D.from_mask(self.mask, self._over_sample_size_lp)

    @cached_property
    def pixelization(self) -> Grid2D:
        """The pixelization grid: pixel centres with ``over_sample_size_pixelization``."""
        return Grid2D.from_mask(self.mask, self._over_sample_size_pixelization)

    @cached_property
    def blurring(self) -> Grid2D | None:
        """
        The blurring region's grid (None without a PSF), over-sampled at ``s_lp``; with an even
        (STPSF-layout) light-profile PSF and a uniform ``over_sample_size_lp = k``, at ``k``.

        Notes
        -----
        An even kernel convolves light sampled on cells shifted by half a fine pixel
        (:attr:`Convolver.light_sample_offset`), so the cells along the mask's edge mix the
        mask's samples and the blurring region's: with different ``k`` on the two sides the
        quadrature is asymmetric and a symmetric source moves by ~1e-7" (the light's own sampling
        error). Sampling the blurring region at the mask's ``k`` keeps it centred to round-off,
        at the cost of ``k^2 / s^2`` more light evaluations in the blurring region.
        """
        if self.psf is None:
            return None
        s = self.convolve_over_sample_size_lp
        size = s
        even = any(self.psf.light_sample_offset) and self.psf.convolve_over_sample_size == s
        if even and self.lp.over_sampler.is_uniform and self.lp.shape_slim:
            size = int(self.lp.over_sampler.sub_size[0])
        return Grid2D.from_mask(self.psf.blurring_mask_from(self.mask), size)

    @property
    def blurring_mask(self) -> Mask2D | None:
        """The mask of :attr:`blurring`, or None."""
        return None if self.blurring is None else self.blurring.mask

    @cached_property
    def lp_oversampled(self) -> np.ndarray | None:
        """The (N s_lp^2, 2) fine-pixel centres of the mask, or None when ``s_lp = 1``."""
        s = self.convolve_over_sample_size_lp
        return Grid2D.from_mask(self.mask, s).over_sampled if s > 1 else None

    @cached_property
    def lp_blurring_oversampled(self) -> np.ndarray | None:
        """The (N_blur s_lp^2, 2) fine-pixel centres of the blurring region, or None."""
        s = self.convolve_over_sample_size_lp
        if s == 1 or self.blurring is None:
            return None
        return Grid2D.from_mask(self.blurring.mask, s).over_sampled

    @cached_property
    def pixelization_oversampled(self) -> np.ndarray | None:
        """The (N s_pix^2, 2) fine-pixel centres of the mask, or None when ``s_pix = 1``."""
        s = self.convolve_over_sample_size_pixelization
        return Grid2D.from_mask(self.mask, s).over_sampled if s > 1 else None

    @property
    def over_sample_size_lp(self):
        """The light-profile over-sample sizes ``k_i``, one int per unmasked pixel (``Array2D``)."""
        return self.lp.over_sample_size

    @property
    def over_sample_size_pixelization(self):
        """The pixelization over-sample sizes ``k_i``, one int per unmasked pixel (``Array2D``)."""
        return self.pixelization.over_sample_size

    def __repr__(self):
        return (
            f"GridsDataset(pixels={self.mask.pixels_in_mask}, "
            f"s_lp={self.convolve_over_sample_size_lp}, "
            f"s_pixelization={self.convolve_over_sample_size_pixelization})"
        )


def fine_values_from_native_frame(
    fine_native: np.ndarray, convolve_over_sample_size: int
) -> np.ndarray:
    """
    Reorder a fine frame ``(ny s, nx s)`` into per-pixel sub-block order of its ``ny x nx``
    native pixels (all pixels, row-major), length ``ny nx s^2``.
    """
    s = convolve_over_sample_size
    ny, nx = fine_native.shape[0] // s, fine_native.shape[1] // s
    return fine_native.reshape(ny, s, nx, s).transpose(0, 2, 1, 3).reshape(-1)
