"""
Independent references shared by the tests (brute force with scipy, light sampled by hand),
importable from any test module: ``from test_support.references import ...``. The root
``conftest.py`` also exposes them as fixtures.
"""

import numpy as np
import scipy.signal

__all__ = ["fine_frame_blurred_from", "light_fine_frame_from", "light_fine_frame_of_mask_from"]


def fine_frame_blurred_from(fine_frame, kernel, s: int):
    """
    The ``(ny, nx)`` block means of the fine convolution of ``fine_frame`` ``(ny s, nx s)`` with
    ``kernel``, read at the fine-pixel centres.

    The kernel's sample ``j`` sits at ``j - (k - 1) / 2`` fine pixels from its geometric centre.
    Along an odd axis, fine cell ``i`` holds the light of the cell centred at the fine-pixel
    centre ``i + 1/2`` (fine-pixel units, pixel 0 spanning ``[0, 1)``). Along an even axis
    (``k = 2m``) it holds the light of the cell centred at the corner ``i`` (half a fine pixel up
    in rows, left in columns): the output at the centre ``i' + 1/2`` is then
    ``sum_j K[j] F[i' - j + m]``, i.e. ``full[i' + m]``. In both cases the outputs are the
    ``"full"`` convolution from index ``k // 2`` on.
    """
    kernel = np.asarray(kernel)
    full = scipy.signal.convolve2d(fine_frame, kernel, mode="full")
    ny, nx = fine_frame.shape
    cy, cx = kernel.shape[0] // 2, kernel.shape[1] // 2
    blurred = full[cy : cy + ny, cx : cx + nx]
    return blurred.reshape(ny // s, s, nx // s, s).mean(axis=(1, 3))


def light_fine_frame_from(image_of, shape_native, pixel_scale, k, s, pad=0, offset=(0.0, 0.0)):
    """
    ``image_of((M, 2) points)`` on the frame ``shape_native`` padded by ``pad`` native pixels per
    side, sampled at ``k x k`` points per native pixel moved by ``offset`` (y, x) arcsec and
    averaged (reshape) to ``s x s`` fine pixels: ``(ny s, nx s)`` with ``ny = shape[0] + 2 pad``.
    """
    ny, nx = shape_native[0] + 2 * pad, shape_native[1] + 2 * pad
    fy, fx = ny * k, nx * k
    y = -(np.arange(fy) - (fy - 1) / 2) * pixel_scale / k + offset[0]
    x = (np.arange(fx) - (fx - 1) / 2) * pixel_scale / k + offset[1]
    yy, xx = np.meshgrid(y, x, indexing="ij")
    values = np.asarray(image_of(np.stack([yy.ravel(), xx.ravel()], axis=-1)))
    g = k // s
    return values.reshape(ny * s, g, nx * s, g).mean(axis=(1, 3))


def light_fine_frame_of_mask_from(image_of, mask_array, pixel_scale, k, s, pad=0, offset=(0, 0)):
    """
    The fine frame a fit blurs: unmasked pixels sampled at ``k`` per side and pre-binned to
    ``s x s``, every other pixel (the blurring region and beyond) at ``s`` per side; all sample
    points moved by ``offset``.
    """
    inside = np.kron(np.pad(~np.asarray(mask_array), pad), np.ones((s, s), dtype=bool))
    shape = np.shape(mask_array)
    return np.where(
        inside,
        light_fine_frame_from(image_of, shape, pixel_scale, k, s, pad, offset),
        light_fine_frame_from(image_of, shape, pixel_scale, s, s, pad, offset),
    )
