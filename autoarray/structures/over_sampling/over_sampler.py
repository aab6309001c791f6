"""The :class:`OverSampler`: sub-pixel positions of a mask and the binning back to pixels."""

from functools import cached_property

import numpy as np

from autoarray import exc
from autoarray.mask.mask_2d import Mask2D
from autoarray.structures.arrays.array_2d import Array2D
from autoarray.structures.over_sampling import over_sample_util

__all__ = ["OverSampler"]


class OverSampler:
    """
    Over-sampling of every unmasked pixel of a mask at ``k_i x k_i`` sub-pixels.

    Parameters
    ----------
    mask
        The mask whose unmasked pixels are over-sampled.
    sub_size
        A positive int (uniform) or one int per unmasked pixel (adaptive, e.g. from
        :func:`over_sample_util.over_sample_size_via_radial_bins_from`). An ``Array2D`` of sizes
        on another mask of the same native shape is read at this mask's pixels.

    Notes
    -----
    Sub-pixels are ordered pixel by pixel in slim order, row-major inside a pixel; binning is
    the mean over a pixel's sub-pixels (images are surface brightness).
    """

    def __init__(self, mask: Mask2D, sub_size):
        self.mask = mask
        sub_mask = getattr(sub_size, "mask", None)
        if isinstance(sub_mask, Mask2D) and not np.array_equal(sub_mask.array, mask.array):
            # Sizes given on another mask: pick them up pixel by pixel through the native frame
            # (never by slim position, which would put them on the wrong pixels).
            if sub_mask.shape_native != mask.shape_native:
                raise exc.GridException(
                    f"An adaptive over_sample_size on a mask of shape {sub_mask.shape_native} "
                    f"cannot be used on a mask of shape {mask.shape_native}."
                )
            sub_size = np.asarray(sub_size.native.array)[~mask.array]
        self.sub_size = over_sample_util.sub_size_array_from(sub_size, mask.pixels_in_mask)
        self.sub_size.setflags(write=False)

    @property
    def is_uniform(self) -> bool:
        return bool(np.all(self.sub_size == self.sub_size[0])) if self.sub_size.size else True

    @cached_property
    def sub_total(self) -> int:
        """The number of sub-pixels, sum of k_i^2."""
        return int(np.sum(self.sub_size**2))

    @cached_property
    def over_sampled_grid(self) -> np.ndarray:
        """(sum k_i^2, 2) sub-pixel centres in per-pixel sub-block order."""
        centres = self.mask.centres_native[~self.mask.array]
        out = over_sample_util.grid_2d_slim_over_sampled_from(
            centres, self.sub_size, self.mask.pixel_scales
        )
        out.setflags(write=False)
        return out

    def binned_array_2d_from(self, array, xp=np):
        """Return the per-pixel mean of values on the sub-pixels, as an ``Array2D``."""
        values = array.array if hasattr(array, "array") else array
        if values.shape[0] != self.sub_total:
            raise exc.GridException(
                f"binned_array_2d_from expects {self.sub_total} sub-pixel values (sum of k_i^2), "
                f"got {values.shape[0]}."
            )
        return Array2D(over_sample_util.binned_array_from(values, self.sub_size, xp=xp), self.mask)
