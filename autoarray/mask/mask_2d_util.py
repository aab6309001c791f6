"""
Pure functions on 2D boolean masks (``True`` = masked). They take and return plain numpy
arrays; :class:`autoarray.Mask2D` wraps them.
"""

import numpy as np
from scipy import ndimage

__all__ = [
    "centres_2d_from",
    "mask_2d_circular_from",
    "mask_2d_circular_annular_from",
    "native_index_for_slim_index_2d_from",
    "slim_index_for_native_2d_from",
    "blurring_mask_2d_from",
    "padding_for_kernel_from",
    "mask_2d_upscaled_from",
    "resized_array_2d_from",
    "mask_2d_edge_from",
]


def centres_2d_from(shape_native, pixel_scales, origin=(0.0, 0.0)):
    """
    Return the (y, x) coordinates of every pixel centre of a frame, as two 2D arrays.

    Pixel (i, j) is centred at ``y = -(i - (ny - 1) / 2) * dy + origin[0]`` and
    ``x = (j - (nx - 1) / 2) * dx + origin[1]``: +y is up, so row 0 is the top of the image.
    """
    ny, nx = shape_native
    y = -(np.arange(ny) - (ny - 1) / 2.0) * pixel_scales[0] + origin[0]
    x = (np.arange(nx) - (nx - 1) / 2.0) * pixel_scales[1] + origin[1]
    return np.meshgrid(y, x, indexing="ij")


def mask_2d_circular_from(shape_native, pixel_scales, radius, centre=(0.0, 0.0), origin=(0.0, 0.0)):
    """Mask every pixel whose centre lies further than ``radius`` (arcsec) from ``centre``."""
    y, x = centres_2d_from(shape_native, pixel_scales, origin)
    return np.hypot(y - centre[0], x - centre[1]) > radius


def mask_2d_circular_annular_from(
    shape_native, pixel_scales, inner_radius, outer_radius, centre=(0.0, 0.0), origin=(0.0, 0.0)
):
    """Unmask the pixels whose centres lie in ``inner_radius < r <= outer_radius`` (arcsec)."""
    y, x = centres_2d_from(shape_native, pixel_scales, origin)
    r = np.hypot(y - centre[0], x - centre[1])
    return (r <= inner_radius) | (r > outer_radius)


def native_index_for_slim_index_2d_from(mask_2d):
    """Return the (N, 2) native (row, column) index of every unmasked pixel, in slim order."""
    return np.argwhere(~np.asarray(mask_2d, dtype=bool))


def slim_index_for_native_2d_from(mask_2d):
    """Return a native-shaped int array holding each unmasked pixel's slim index, -1 elsewhere."""
    mask_2d = np.asarray(mask_2d, dtype=bool)
    out = np.full(mask_2d.shape, -1, dtype=np.int64)
    out[~mask_2d] = np.arange(np.count_nonzero(~mask_2d))
    return out


def padding_for_kernel_from(mask_2d, kernel_shape_native):
    """
    Return the (y, x) number of masked rows / columns to add on every side so that the kernel
    footprint of each unmasked pixel lies inside the frame (0 where it already does).

    The padding is symmetric (the same on both sides of an axis) so the frame's geometric
    centre, and hence every pixel's coordinates, stay where they were.
    """
    mask_2d = np.asarray(mask_2d, dtype=bool)
    rows, cols = np.nonzero(~mask_2d)
    if rows.size == 0:
        return (0, 0)
    half_y, half_x = kernel_shape_native[0] // 2, kernel_shape_native[1] // 2
    ny, nx = mask_2d.shape
    pad_y = max(0, half_y - rows.min(), half_y - (ny - 1 - rows.max()))
    pad_x = max(0, half_x - cols.min(), half_x - (nx - 1 - cols.max()))
    return (int(pad_y), int(pad_x))


def blurring_mask_2d_from(mask_2d, kernel_shape_native):
    """
    Return the blurring mask: ``False`` at every masked pixel that lies within the kernel
    footprint of an unmasked pixel (its light is blurred into the mask), ``True`` elsewhere.

    The frame must already be large enough (see :func:`padding_for_kernel_from`); the caller
    checks that, because only it knows whether padding is allowed.
    """
    mask_2d = np.asarray(mask_2d, dtype=bool)
    # A box maximum filter is the dilation by the kernel's footprint, ~40x faster than
    # binary_dilation with a full structuring element.
    footprint = ndimage.maximum_filter(
        ~mask_2d, size=tuple(kernel_shape_native), mode="constant", cval=False
    )
    return ~(footprint & mask_2d)


def mask_2d_upscaled_from(mask_2d, upscale_factor: int):
    """
    Return the mask on a frame ``upscale_factor`` times finer: each pixel becomes an
    ``upscale_factor x upscale_factor`` block with the same value (same physical extent).
    """
    return np.repeat(
        np.repeat(np.asarray(mask_2d, dtype=bool), upscale_factor, 0), upscale_factor, 1
    )


def resized_array_2d_from(array_2d, new_shape, pad_value=0):
    """
    Return ``array_2d`` cropped or padded about its centre to ``new_shape``.

    When a dimension changes by an odd number of pixels the extra row / column is added (or
    removed) at the end (bottom / right), so the change keeps the centre within half a pixel.
    """
    array_2d = np.asarray(array_2d)
    out = np.full(new_shape, pad_value, dtype=array_2d.dtype)
    src, dst = [], []
    for old, new in zip(array_2d.shape, new_shape):
        if new >= old:
            start = (new - old) // 2
            src.append(slice(0, old))
            dst.append(slice(start, start + old))
        else:
            start = (old - new) // 2
            src.append(slice(start, start + new))
            dst.append(slice(0, new))
    out[tuple(dst)] = array_2d[tuple(src)]
    return out


def mask_2d_edge_from(mask_2d):
    """
    Return the edge mask: ``False`` at the unmasked pixels that have a masked pixel, or the
    frame's border, among their 8 neighbours; ``True`` everywhere else.
    """
    unmasked = ~np.asarray(mask_2d, dtype=bool)
    # Erosion with a 3x3 block and a masked outside keeps the pixels whose 8 neighbours are all
    # unmasked: the interior. The edge is what erosion removes.
    interior = ndimage.binary_erosion(unmasked, structure=np.ones((3, 3), bool), border_value=0)
    return ~(unmasked & ~interior)
