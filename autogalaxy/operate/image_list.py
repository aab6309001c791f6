"""
Images of light per component (lists and dicts), padded images, and the blurred images of a
single light profile.

* :class:`OperateImageList` extends :class:`~autogalaxy.operate.image.OperateImage` (the class
  must provide ``_operate_components()``) with one image per component: per light profile for a
  :class:`~autogalaxy.Galaxy` (linear profiles left out), per galaxy for
  :class:`~autogalaxy.Galaxies`. It refuses grids without pixels (``Grid2DIrregular``) for blurred
  images, which need a PSF footprint on a pixel grid.
* :class:`LightImage` is one light profile seen as an :class:`OperateImageList`;
  :class:`OperateLightProfile` (a base of every light profile) gives profiles
  ``blurred_image_2d_from`` and the other blurred images through it.

A light profile is "operated" (its image already includes the PSF, ``ag.lp_operated``) when its
class sets ``_operated_light = True`` (``LightProfileOperated`` does): it is added unblurred.
"""

import numpy as np

import autoarray as aa
from autogalaxy.operate.image import OperateImage

__all__ = ["OperateImageList", "LightImage", "OperateLightProfile"]


def _pixel_grid_checked(grid, method: str):
    if isinstance(grid, aa.Grid2D):
        return grid
    if isinstance(grid, aa.Grid2DIrregular):
        raise aa.exc.GridException(
            f"{method} needs a Grid2D (pixels on a mask, for the PSF to blur), got a "
            "Grid2DIrregular of points; use image_2d_from for values at points, or a Grid2D "
            "such as dataset.grids.lp."
        )
    raise TypeError(
        f"{method} needs an autoarray Grid2D, got {type(grid).__name__}; build one with "
        "Grid2D.uniform(shape_native, pixel_scales) or use dataset.grids.lp."
    )


class OperateImageList(OperateImage):
    """
    :class:`OperateImage` plus images per component and padded images (see the module docstring).
    """

    def blurred_image_2d_from(self, grid, blurring_grid, psf, xp=np) -> aa.Array2D:
        """
        The PSF-blurred image on ``grid``'s mask (``OperateImage.blurred_image_2d_from``).

        Parameters
        ----------
        grid, blurring_grid : Grid2D
            The masked grid and the grid of its blurring region.
        psf : Convolver
            Native or oversampled PSF.
        xp : module
            ``numpy`` or ``jax.numpy``.

        Returns
        -------
        Array2D

        Raises
        ------
        GridException
            If a grid is a ``Grid2DIrregular`` (points have no pixels to blur).
        TypeError
            If a grid is not a ``Grid2D``.
        """
        _pixel_grid_checked(grid, "blurred_image_2d_from")
        _pixel_grid_checked(blurring_grid, "blurred_image_2d_from (blurring_grid)")
        return super().blurred_image_2d_from(grid, blurring_grid, psf, xp=xp)

    def unmasked_blurred_image_2d_from(self, grid, psf, xp=np) -> aa.Array2D:
        """
        The blurred image of the whole frame of ``grid``, masked pixels included
        (``OperateImage.unmasked_blurred_image_2d_from``); refuses grids that are not a
        ``Grid2D`` as :meth:`blurred_image_2d_from` does.
        """
        _pixel_grid_checked(grid, "unmasked_blurred_image_2d_from")
        return super().unmasked_blurred_image_2d_from(grid, psf, xp=xp)

    def padded_image_2d_from(self, grid, psf_shape_2d, xp=np) -> aa.Array2D:
        """
        The unblurred image on the frame of ``grid`` padded by ``psf_shape_2d - 1`` pixels
        (``OperateImage.padded_image_2d_from``); refuses grids that are not a ``Grid2D``.
        """
        _pixel_grid_checked(grid, "padded_image_2d_from")
        return super().padded_image_2d_from(grid, psf_shape_2d, xp=xp)

    def convolved_padded_image_2d_from(self, grid, psf, xp=np) -> aa.Array2D:
        """
        The blurred image of the frame of ``grid`` padded by half the PSF's footprint
        (``psf.kernel_shape_image_resolution``) on every side, at fine resolution for an
        oversampled PSF; trim it with ``trimmed_after_convolution_from(
        psf.kernel_shape_image_resolution)`` to get the frame back.

        Parameters
        ----------
        grid : Grid2D
            Its frame (mask ignored) is padded; the padded frame is over-sampled uniformly at
            the largest over-sample size of ``grid`` (divisible by the PSF's ``s``).
        psf : Convolver
            Native or oversampled PSF.
        xp : module
            ``numpy`` or ``jax.numpy``.

        Returns
        -------
        Array2D
            :meth:`unmasked_blurred_image_2d_from` of the padded frame: every pixel, the border
            included, holds the blurred light of the whole plane (light beyond the padded frame
            comes in through its blurring region, sampled at ``s``). PyAutoGalaxy leaves that
            light out, so its border pixels are lower, and samples the padding at ``s``, so its
            trimmed frame differs from this one by that over-sampling error only.

        Raises
        ------
        GridException
            If ``grid`` is a ``Grid2DIrregular``, or its over-sample size is not divisible by ``s``.
        """
        grid = _pixel_grid_checked(grid, "convolved_padded_image_2d_from")
        padded = grid.padded_grid_from(psf.kernel_shape_image_resolution)
        return super().unmasked_blurred_image_2d_from(padded, psf, xp=xp)

    def image_2d_list_from(self, grid, xp=np, operated_only=None) -> list:
        """
        The image of each component (per light profile of a galaxy, linear ones left out; per
        galaxy of ``Galaxies``).

        Parameters
        ----------
        grid : Grid2D or Grid2DIrregular
            Pixels (light binned per pixel) or points (values at the points).
        xp : module
            ``numpy`` or ``jax.numpy``.
        operated_only : bool or None
            None: every component; True / False: only those already convolved / not, the others
            giving zeros.

        Returns
        -------
        list of Array2D or ArrayIrregular
        """
        return [
            component.image_2d_from(grid, xp=xp, operated_only=operated_only)
            for component in self._operate_components()
        ]

    def blurred_image_2d_list_from(self, grid, blurring_grid, psf, xp=np) -> list:
        """
        The :meth:`blurred_image_2d_from` image of each component (as
        :meth:`image_2d_list_from` lists them).
        """
        _pixel_grid_checked(grid, "blurred_image_2d_list_from")
        _pixel_grid_checked(blurring_grid, "blurred_image_2d_list_from (blurring_grid)")
        return super().blurred_image_2d_list_from(grid, blurring_grid, psf, xp=xp)

    def unmasked_blurred_image_2d_list_from(self, grid, psf, xp=np) -> list:
        """
        The :meth:`unmasked_blurred_image_2d_from` image of each component (as
        :meth:`image_2d_list_from` lists them).
        """
        _pixel_grid_checked(grid, "unmasked_blurred_image_2d_list_from")
        return [
            component.unmasked_blurred_image_2d_from(grid, psf, xp=xp)
            for component in self._operate_components()
        ]


class LightImage(OperateImageList):
    """
    One light profile as an :class:`OperateImageList`, so its image goes through the same
    blurring path as a galaxy's. A linear profile is evaluated at its unit intensity.

    Parameters
    ----------
    profile : LightProfile
        The profile; operated ones (``_operated_light``) are added unblurred.
    """

    def __init__(self, profile):
        self.profile = profile

    def image_2d_via_points_from(self, points, xp=np, operated_only=None):
        if operated_only is not None and self.has_operated_light() != operated_only:
            return xp.zeros(points.shape[0])
        return self.profile.image_2d_via_points_from(points, xp=xp)

    def has_operated_light(self) -> bool:
        return bool(getattr(self.profile, "_operated_light", False))

    def _operate_components(self) -> list:
        return [self]


class OperateLightProfile:
    """
    Blurred images of a single light profile (a base class of ``LightProfile``), computed by
    :class:`LightImage`: an operated profile's image is returned unblurred.
    """

    _operated_light = False

    def blurred_image_2d_from(self, grid, blurring_grid, psf, xp=np) -> aa.Array2D:
        """The PSF-blurred image on ``grid``'s mask (see ``OperateImage.blurred_image_2d_from``)."""
        return LightImage(self).blurred_image_2d_from(grid, blurring_grid, psf, xp=xp)

    def unmasked_blurred_image_2d_from(self, grid, psf, xp=np) -> aa.Array2D:
        """The blurred image of the whole frame of ``grid`` (masked pixels included)."""
        return LightImage(self).unmasked_blurred_image_2d_from(grid, psf, xp=xp)

    def padded_image_2d_from(self, grid, psf_shape_2d, xp=np) -> aa.Array2D:
        """The unblurred image on the frame padded by ``psf_shape_2d - 1`` pixels."""
        return LightImage(self).padded_image_2d_from(grid, psf_shape_2d, xp=xp)

    def convolved_padded_image_2d_from(self, grid, psf, xp=np) -> aa.Array2D:
        """The blurred image of the padded frame (see ``OperateImageList``)."""
        return LightImage(self).convolved_padded_image_2d_from(grid, psf, xp=xp)
