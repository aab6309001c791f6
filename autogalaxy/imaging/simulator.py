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
        over-sample size must then be divisible by ``s``), then sky and noise are added.
        """
        galaxies = Galaxies(galaxies)
        mask = aa.Mask2D.all_false(grid.shape_native, grid.pixel_scales, grid.origin)
        full = aa.Grid2D.from_mask(mask, grid.over_sampler.sub_size)
        if self.psf is None:
            image = galaxies.image_2d_from(full)
        else:
            image = galaxies.blurred_image_2d_from(
                full, blurring_grid_from(mask, self.psf), self.psf
            )
        return self.via_image_from(
            image,
            over_sample_size=grid.over_sample_size
            if not grid.over_sampler.is_uniform
            else int(grid.over_sampler.sub_size[0]),
            image_is_convolved=True,
        )
