"""Simulate imaging of galaxies (autogalaxy's extension of the autoarray simulator)."""

import autoarray as aa
from autogalaxy.galaxy.galaxy import Galaxies
from autogalaxy.operate.image import blurring_grid_from

__all__ = ["SimulatorImaging"]


class SimulatorImaging(aa.SimulatorImaging):
    """:class:`autoarray.SimulatorImaging` plus :meth:`via_galaxies_from`."""

    def via_galaxies_from(self, galaxies, grid: aa.Grid2D) -> aa.Imaging:
        """
        Simulate the imaging of ``galaxies`` on the frame of ``grid``.

        The light is blurred exactly as a fit models it (:meth:`OperateImage.blurred_image_2d_from`
        on ``grid`` plus the blurring region around the frame, so light from just outside the frame
        that the PSF spreads in is kept), at fine resolution when the PSF is oversampled (``grid``'s
        over-sample size must then be divisible by ``s``), then sky and noise are added. The
        returned dataset has ``grid``'s over-sample size as ``over_sample_size_lp``.

        Raises
        ------
        GridException
            If ``grid``'s over-sample size is not divisible by the PSF's ``s``.
        DatasetException
            If ``grid`` is masked and adaptively over-sampled (the whole frame is simulated), or
            the image holds NaN or inf.
        """
        galaxies = Galaxies(galaxies)
        mask = aa.Mask2D.all_false(grid.shape_native, grid.pixel_scales, grid.origin)
        if grid.over_sampler.is_uniform:
            over_sample_size = int(grid.over_sampler.sub_size[0]) if grid.shape_slim else 1
        elif grid.mask.is_all_false:
            over_sample_size = grid.over_sample_size
        else:
            raise aa.exc.DatasetException(
                "via_galaxies_from simulates the whole frame of the grid, but the grid has an "
                f"adaptive over-sample size on a mask with {grid.mask.pixels_in_mask} of "
                f"{grid.mask.array.size} pixels unmasked, so the masked pixels have no size. Pass "
                "an unmasked grid (Grid2D.uniform) or a uniform over-sample size."
            )
        full = aa.Grid2D.from_mask(mask, over_sample_size)
        if self.psf is None:
            image = galaxies.image_2d_from(full)
        else:
            blurring_grid = blurring_grid_from(mask, self.psf)
            psf = self.psf.with_state_for(mask, blurring_grid.mask)
            image = galaxies.blurred_image_2d_from(full, blurring_grid, psf)
        return self.via_image_from(
            image, over_sample_size=over_sample_size, image_is_convolved=True
        )
