"""
Pure helpers of the datasets: the default light over-sampling for a PSF factor, where the
non-finite values of an array are, and whether a PSF already sums to one.
"""

import math

import numpy as np

__all__ = [
    "OVER_SAMPLE_SIZE_USUAL",
    "over_sample_size_default_from",
    "over_sample_size_rule_text_from",
    "non_finite_pixels_from",
    "sums_to_one",
]

# The light over-sampling of a native PSF (the release's default): 4 x 4 samples per pixel.
OVER_SAMPLE_SIZE_USUAL = 4

# A kernel whose sum is within this many ulp of 1 is already normalised: dividing it by its sum
# again would change its values by round-off only, and break bit-for-bit FITS round trips.
NORMALISED_SUM_ULPS = 8


def over_sample_size_default_from(convolve_over_sample_size: int) -> int:
    """
    The default light over-sample size for a convolve size ``s``: the smallest multiple of ``s``
    that is at least the usual 4 (4 for s = 1, 2, 4; 6 for s = 3; s for s >= 5).

    Parameters
    ----------
    convolve_over_sample_size : int
        ``s``, a positive int.

    Returns
    -------
    int
        ``k``, a multiple of ``s`` (light sampled at ``k x k`` points per pixel is pre-binned to
        ``s x s`` fine pixels, so ``k / s`` must be an integer).
    """
    s = int(convolve_over_sample_size)
    return s * math.ceil(OVER_SAMPLE_SIZE_USUAL / s)


def over_sample_size_rule_text_from(name: str, convolve_over_sample_size: int) -> str:
    """The sentence telling a user how to get the default ``name`` for ``s`` (for messages)."""
    s = int(convolve_over_sample_size)
    return (
        f"Leave {name} unset (None) for the default, the smallest multiple of {s} that is "
        f">= {OVER_SAMPLE_SIZE_USUAL}: {over_sample_size_default_from(s)}."
    )


def non_finite_pixels_from(slim_values, mask):
    """
    Count the NaN / inf values of an array on ``mask`` and locate the first.

    Parameters
    ----------
    slim_values : array_like
        The ``mask.pixels_in_mask`` values in slim order.
    mask : Mask2D
        Their mask.

    Returns
    -------
    tuple or None
        None if every value is finite, else ``(count, (row, col), (y, x))``: the number of
        non-finite values, the native index of the first (in slim order) and its centre in arcsec.
    """
    bad = ~np.isfinite(np.asarray(slim_values))
    if not bad.any():
        return None
    first = int(np.flatnonzero(bad)[0])
    row, col = (int(v) for v in mask.derive_indexes.native_for_slim[first])
    y, x = (float(v) for v in mask.centres_native[row, col])
    return int(bad.sum()), (row, col), (y, x)


def sums_to_one(values) -> bool:
    """
    True if ``values`` sum to 1 within ``NORMALISED_SUM_ULPS`` ulp of 1 (an already normalised
    kernel, e.g. one written by ``Imaging.output_to_fits``), so normalising it is skipped.
    """
    total = float(np.sum(values))
    return abs(total - 1.0) <= NORMALISED_SUM_ULPS * np.finfo(np.float64).eps
