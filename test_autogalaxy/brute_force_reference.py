"""
Brute-force references for blurred images, written from DESIGN.md's conventions and
``scipy.signal.convolve2d``, not from the library's convolution code.
"""

import numpy as np
from scipy import signal


def sampled(profiles, shape, pixel_scale, k, s, pad):
    """
    The summed light of ``profiles`` on the frame ``shape`` padded by ``pad`` pixels, sampled at
    k x k points per pixel (pixel (i, j) centred at y = -(i - (ny-1)/2) h, x = (j - (nx-1)/2) h)
    and averaged to s x s cells per pixel: a ((ny + 2 pad) s, (nx + 2 pad) s) array.
    """
    ny, nx = shape[0] + 2 * pad, shape[1] + 2 * pad
    fy, fx = ny * k, nx * k
    y = -(np.arange(fy) - (fy - 1) / 2) * pixel_scale / k
    x = (np.arange(fx) - (fx - 1) / 2) * pixel_scale / k
    yy, xx = np.meshgrid(y, x, indexing="ij")
    points = np.stack([yy.ravel(), xx.ravel()], axis=-1)
    values = sum(p.image_2d_via_points_from(points) for p in profiles).reshape(fy, fx)
    return values.reshape(ny * s, k // s, nx * s, k // s).mean(axis=(1, 3))


def blurred(profiles, inside, kernel, pixel_scale, k, s, pad=3):
    """
    The native blurred image of a frame of ``inside.shape``: pixels where ``inside`` is True
    sampled at k (pre-averaged to s x s cells), the rest and ``pad`` pixels around at s, convolved
    with the fine ``kernel`` (odd shape, sampled at pixel_scale / s) and block-averaged.
    """
    shape = inside.shape
    inside_fine = np.kron(np.pad(inside, pad), np.ones((s, s), dtype=bool))
    fine = np.where(
        inside_fine,
        sampled(profiles, shape, pixel_scale, k, s, pad),
        sampled(profiles, shape, pixel_scale, s, s, pad),
    )
    convolved = signal.convolve2d(fine, kernel, mode="same")
    ny, nx = shape[0] + 2 * pad, shape[1] + 2 * pad
    return convolved.reshape(ny, s, nx, s).mean(axis=(1, 3))[pad:-pad, pad:-pad]
