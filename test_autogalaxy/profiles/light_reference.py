"""
Independent reference maths for the light-profile tests, written from the stated conventions
(explicit rotation into the profile frame, explicit eccentric radius), not from the library.
"""

import numpy as np


def ell_comps_of(axis_ratio, angle_degrees):
    """(e1, e2) = (f sin 2 phi, f cos 2 phi), f = (1 - q) / (1 + q)."""
    phi = np.radians(angle_degrees)
    fac = (1.0 - axis_ratio) / (1.0 + axis_ratio)
    return (fac * np.sin(2.0 * phi), fac * np.cos(2.0 * phi))


def profile_frame_of(points, centre, angle_degrees):
    """(y', x') after shifting by centre and rotating by phi (x' along the major axis)."""
    phi = np.radians(angle_degrees)
    y = points[:, 0] - centre[0]
    x = points[:, 1] - centre[1]
    x_prime = x * np.cos(phi) + y * np.sin(phi)
    y_prime = -x * np.sin(phi) + y * np.cos(phi)
    return y_prime, x_prime


def eccentric_radii_of(points, centre, axis_ratio, angle_degrees):
    y_prime, x_prime = profile_frame_of(points, centre, angle_degrees)
    return np.sqrt(axis_ratio) * np.sqrt(x_prime**2 + (y_prime / axis_ratio) ** 2)


def b_n_of(n):
    """Ciotti & Bertin (1999) series."""
    return (
        2 * n
        - 1 / 3
        + 4 / (405 * n)
        + 46 / (25515 * n**2)
        + 131 / (1148175 * n**3)
        - 2194697 / (30690717750 * n**4)
    )


def sersic_of(points, centre, axis_ratio, angle_degrees, intensity, effective_radius, n):
    radii = eccentric_radii_of(points, centre, axis_ratio, angle_degrees)
    return intensity * np.exp(-b_n_of(n) * ((radii / effective_radius) ** (1.0 / n) - 1.0))


def gaussian_of(points, centre, axis_ratio, angle_degrees, intensity, sigma):
    """PyAutoGalaxy's Gaussian: exp(-0.5 (q^2 x'^2 + y'^2) / sigma^2)."""
    y_prime, x_prime = profile_frame_of(points, centre, angle_degrees)
    return intensity * np.exp(-0.5 * (axis_ratio**2 * x_prime**2 + y_prime**2) / sigma**2)


def sub_pixel_centres_of(mask_array, pixel_scales, sub_sizes):
    """
    Sub-pixel centres per DESIGN.md: pixel (i, j) centre y = -(i - (ny-1)/2) dy,
    x = (j - (nx-1)/2) dx; sub-pixel (a, b) of a k x k pixel at y - ((a+0.5)/k - 0.5) dy,
    x + ((b+0.5)/k - 0.5) dx; pixels in row-major (slim) order, row-major inside a pixel.
    Returns the list of (k_i^2, 2) blocks, one per unmasked pixel.
    """
    ny, nx = mask_array.shape
    dy, dx = pixel_scales
    blocks = []
    for p, (i, j) in enumerate(np.argwhere(~mask_array)):
        k = int(sub_sizes[p])
        yc = -(i - (ny - 1) / 2) * dy
        xc = (j - (nx - 1) / 2) * dx
        block = []
        for a in range(k):
            for b in range(k):
                block.append((yc - ((a + 0.5) / k - 0.5) * dy, xc + ((b + 0.5) / k - 0.5) * dx))
        blocks.append(np.array(block))
    return blocks
