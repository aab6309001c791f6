"""
``OperateImage``: images of light, blurred by a PSF at the detector's resolution or finer.

A class mixing this in provides ``image_2d_via_points_from(points, xp, operated_only)``: the summed
surface brightness of its components at (M, 2) points, for the components that still need the PSF
(``operated_only=False``), those already convolved (``True``, e.g. ``lp_operated.Gaussian``), or all
(``None``). Linear light profiles (``lp_linear``) are left out: their intensities are solved by the
inversion.
"""

import numpy as np

import autoarray as aa
from autoarray.structures.over_sampling import over_sample_util

__all__ = ["OperateImage", "blurring_grid_from"]


def blurring_grid_from(mask: aa.Mask2D, psf: aa.Convolver) -> aa.Grid2D:
    """
    The blurring grid of ``mask`` for ``psf``: the pixels of ``kernel_shape_image_resolution``
    around the mask (:meth:`autoarray.Convolver.blurring_mask_from`), over-sampled at the PSF's
    ``convolve_over_sample_size``.
    """
    return aa.Grid2D.from_mask(psf.blurring_mask_from(mask), psf.convolve_over_sample_size)


class OperateImage:
    """Images of an object's light: plain, blurred, padded (mixin; see the module docstring)."""

    def image_2d_via_points_from(self, points, xp=np, operated_only=None):  # pragma: no cover
        raise NotImplementedError

    def has_operated_light(self) -> bool:  # pragma: no cover
        return False

    def image_2d_from(self, grid: aa.Grid2D, xp=np, operated_only=None) -> aa.Array2D:
        """The light on ``grid.over_sampled`` binned (mean) to the grid's pixels."""
        values = self.image_2d_via_points_from(
            grid.over_sampled, xp=xp, operated_only=operated_only
        )
        return grid.over_sampler.binned_array_2d_from(values, xp=xp)

    def _fine_values_from(self, grid, psf, xp):
        """
        Light to be blurred by ``psf``: ``k_i x k_i`` samples at ``psf.light_sample_offset`` from
        the sub-pixel centres, pre-binned to ``s x s`` fine values per pixel.
        """
        s = psf.convolve_over_sample_size
        points = grid.over_sampled_shifted_by(psf.light_sample_offset)
        values = self.image_2d_via_points_from(points, xp=xp, operated_only=False)
        return over_sample_util.binned_to_convolve_size_from(
            values, grid.over_sampler.sub_size, s, xp=xp
        )

    def blurred_image_2d_from(
        self, grid: aa.Grid2D, blurring_grid: aa.Grid2D, psf: aa.Convolver, xp=np
    ) -> aa.Array2D:
        """
        The PSF-blurred image on ``grid``'s mask, plus any already-convolved components.

        With ``psf.convolve_over_sample_size = s > 1`` the light is evaluated at the grids'
        over-sampled points (``k_i`` per side, divisible by ``s``), pre-binned (mean) to ``s x s``
        fine values per pixel, convolved at fine resolution and binned back (mean). For an even
        fine kernel (STPSF layout) those points are moved by ``psf.light_sample_offset`` (half a
        fine pixel up and left along the even axes), where the kernel applies exactly (see
        :class:`autoarray.Convolver`, Notes). With ``s = 1`` the light is binned per pixel and
        convolved at native resolution (the plain path). Components that are already convolved
        are evaluated on ``grid`` at the usual points and binned, never blurred.
        """
        if psf.convolve_over_sample_size == 1:
            image = self.image_2d_from(grid, xp=xp, operated_only=False)
            blurring_image = self.image_2d_from(blurring_grid, xp=xp, operated_only=False)
            blurred = psf.convolved_image_from(image, blurring_image, xp=xp)
        else:
            fine = self._fine_values_from(grid, psf, xp)
            fine_blurring = self._fine_values_from(blurring_grid, psf, xp)
            blurred = psf.convolved_image_from(fine, fine_blurring, xp=xp, mask=grid.mask)
        if self.has_operated_light():
            blurred = blurred + self.image_2d_from(grid, xp=xp, operated_only=True)
        return blurred

    def padded_image_2d_from(self, grid: aa.Grid2D, psf_shape_2d, xp=np) -> aa.Array2D:
        """The light on the frame padded by ``psf_shape_2d - 1`` pixels (no PSF wing is cut)."""
        return self.image_2d_from(grid.padded_grid_from(psf_shape_2d), xp=xp)

    def unmasked_blurred_image_2d_from(
        self, grid: aa.Grid2D, psf: aa.Convolver, xp=np
    ) -> aa.Array2D:
        """
        The blurred image of the whole frame of ``grid`` (masked pixels included), with the light
        of the blurring region around the frame. The frame is over-sampled uniformly at the
        largest size of ``grid``; the convolution uses a state of ``psf``'s kernel for the whole
        frame (whatever state ``psf`` holds).
        """
        mask = aa.Mask2D.all_false(grid.shape_native, grid.pixel_scales, grid.origin)
        size = int(np.max(grid.over_sampler.sub_size)) if grid.shape_slim else 1
        full = aa.Grid2D.from_mask(mask, size)
        blurring_grid = blurring_grid_from(mask, psf)
        convolver = psf.with_state_for(mask, blurring_grid.mask)
        return self.blurred_image_2d_from(full, blurring_grid, convolver, xp=xp)

    def blurred_image_2d_list_from(self, grid, blurring_grid, psf, xp=np) -> list:
        """The blurred image of each light component (see :meth:`blurred_image_2d_from`)."""
        return [
            component.blurred_image_2d_from(grid, blurring_grid, psf, xp=xp)
            for component in self._operate_components()
        ]

    def _operate_components(self) -> list:  # pragma: no cover
        return [self]
