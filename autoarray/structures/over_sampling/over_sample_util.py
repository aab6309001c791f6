"""
Pure functions for over-sampling: evaluating light at sub-pixel positions and binning it back.

Conventions
-----------
* Pixel ``i`` (slim order) with over-sample size ``k_i`` is evaluated at ``k_i x k_i`` sub-pixel
  centres. The samples of all pixels are concatenated pixel by pixel in slim order, and row-major
  (top row first, left to right) inside a pixel: the "per-pixel sub-block order".
* Sub-pixel ``(a, b)`` of a pixel centred at ``(y_c, x_c)`` is at
  ``y = y_c - ((a + 0.5) / k - 0.5) * dy`` and ``x = x_c + ((b + 0.5) / k - 0.5) * dx``.
* Binning is the **mean** of a pixel's samples: images are surface brightness.
"""

import numpy as np

from autoarray import check_util, exc
from autoarray.structures.arrays.array_2d import Array2D

__all__ = [
    "sub_size_array_from",
    "check_divisible_by_convolve_size",
    "sub_slim_starts_from",
    "grid_2d_slim_over_sampled_from",
    "binned_array_from",
    "fine_cell_for_sample_from",
    "binned_to_convolve_size_from",
    "binned_fine_to_native_from",
    "over_sample_size_via_radial_bins_from",
]


def sub_size_array_from(over_sample_size, pixels_in_mask: int) -> np.ndarray:
    """
    Return the (N,) int array of per-pixel over-sample sizes.

    Parameters
    ----------
    over_sample_size
        A positive int (uniform) or an array / ``Array2D`` of N positive ints (adaptive).
    pixels_in_mask
        N, the number of unmasked pixels.

    Raises
    ------
    TypeError
        If a uniform size is not an int.
    GridException
        If a size is < 1 or not an integer value, or the array does not have N entries.
    """
    if np.ndim(over_sample_size) == 0 and not hasattr(over_sample_size, "mask"):
        size = check_util.positive_int_from(over_sample_size, "over_sample_size", exc.GridException)
        return np.full(pixels_in_mask, size, dtype=np.int64)
    values = over_sample_size.slim.array if hasattr(over_sample_size, "slim") else over_sample_size
    values = np.asarray(values)
    if values.shape != (pixels_in_mask,):
        raise exc.GridException(
            f"An adaptive over_sample_size needs one int per unmasked pixel ({pixels_in_mask}), "
            f"got an array of shape {values.shape}."
        )
    if values.dtype.kind == "f" and not np.all(np.isfinite(values) & (values == np.round(values))):
        raise exc.GridException(
            "An adaptive over_sample_size must hold integers, got non-integer values such as "
            f"{values[values != np.round(values)][:3]}."
        )
    if values.dtype.kind not in "iuf":
        raise exc.GridException(
            f"An adaptive over_sample_size must hold integers, got dtype {values.dtype}."
        )
    sizes = values.astype(np.int64)
    if np.any(sizes < 1):
        raise exc.GridException(
            f"Every over_sample_size must be >= 1, got a minimum of {sizes.min()}."
        )
    return sizes


def check_divisible_by_convolve_size(
    sub_size, convolve_over_sample_size: int, name: str = "over_sample_size"
):
    """
    Raise ``GridException`` unless every over-sample size ``k_i`` is a multiple of ``s``: the one
    check of the rule that light sampled at ``k x k`` points per pixel is pre-binned (mean) to
    ``s x s`` fine pixels for a PSF oversampled by ``s = convolve_over_sample_size``.

    Parameters
    ----------
    sub_size : array_like of int
        The (N,) over-sample sizes ``k_i``.
    convolve_over_sample_size : int
        ``s``.
    name : str
        The argument's name in the message (e.g. ``"over_sample_size_lp"``).
    """
    s = int(convolve_over_sample_size)
    sub_size = np.asarray(sub_size, dtype=np.int64)
    bad = np.unique(sub_size[sub_size % s != 0])
    if bad.size:
        suggestion = int(-(-bad[0] // s) * s)
        raise exc.GridException(
            f"{name} must be a multiple of convolve_over_sample_size={s}: light sampled at k x k "
            f"points per pixel is pre-binned (mean) to s x s fine pixels, so k / s must be an "
            f"integer. Got {name} {bad.tolist()} with convolve_over_sample_size={s}; use a "
            f"multiple of {s}, e.g. {suggestion}."
        )


def sub_slim_starts_from(sub_size: np.ndarray) -> np.ndarray:
    """Return each pixel's first index in the per-pixel sub-block order (length N)."""
    counts = np.asarray(sub_size, dtype=np.int64) ** 2
    starts = np.zeros(counts.shape[0], dtype=np.int64)
    starts[1:] = np.cumsum(counts)[:-1]
    return starts


def _check_sample_count(values, sub_size, name):
    """Raise ``GridException`` unless ``values`` has one entry per sub-pixel (sum of k_i^2)."""
    expected = int(np.sum(np.asarray(sub_size, dtype=np.int64) ** 2))
    shape = tuple(np.shape(values))
    if len(shape) != 1 or shape[0] != expected:
        raise exc.GridException(
            f"{name} expects a 1D array of {expected} sub-pixel values (sum of k_i^2 over "
            f"{len(sub_size)} pixels), got shape {shape}."
        )


def grid_2d_slim_over_sampled_from(centres_slim, sub_size, pixel_scales) -> np.ndarray:
    """
    Return the sub-pixel centres of every pixel, (sum k_i^2, 2), in per-pixel sub-block order.

    Parameters
    ----------
    centres_slim
        (N, 2) pixel centres (y, x) in slim order.
    sub_size
        (N,) over-sample size of every pixel.
    pixel_scales
        (y, x) arcsec per pixel.
    """
    centres_slim = np.asarray(centres_slim, dtype=np.float64)
    sub_size = np.asarray(sub_size, dtype=np.int64)
    out = np.empty((int(np.sum(sub_size**2)), 2))
    starts = sub_slim_starts_from(sub_size)
    for k in np.unique(sub_size):
        pixels = np.flatnonzero(sub_size == k)
        frac = (np.arange(k) + 0.5) / k - 0.5
        dy = -np.repeat(frac, k) * pixel_scales[0]
        dx = np.tile(frac, k) * pixel_scales[1]
        rows = starts[pixels][:, None] + np.arange(k * k)[None, :]
        out[rows, 0] = centres_slim[pixels, 0][:, None] + dy[None, :]
        out[rows, 1] = centres_slim[pixels, 1][:, None] + dx[None, :]
    return out


def binned_array_from(values, sub_size, xp=np):
    """
    Return the per-pixel mean of values given in per-pixel sub-block order, (N,).

    A uniform ``sub_size`` is a reshape and a mean; an adaptive one sums each pixel's block
    (``np.add.reduceat`` / ``jax.ops.segment_sum``) and divides by ``k_i^2``.
    """
    sub_size = np.asarray(sub_size, dtype=np.int64)
    _check_sample_count(values, sub_size, "binned_array_from")
    n = sub_size.shape[0]
    if n == 0:
        return xp.zeros(0)
    k = int(sub_size[0])
    if np.all(sub_size == k):
        if k == 1:
            return values
        return xp.mean(xp.reshape(values, (n, k * k)), axis=1)
    counts = sub_size**2
    if xp is np:
        return np.add.reduceat(np.asarray(values), sub_slim_starts_from(sub_size)) / counts
    import jax

    segment_ids = np.repeat(np.arange(n), counts)
    return jax.ops.segment_sum(values, segment_ids, num_segments=n) / counts


def fine_cell_for_sample_from(sub_size, convolve_over_sample_size: int) -> tuple:
    """
    Return, for every sample, the ``s x s`` fine cell it is binned into and its weight there.

    Pixel ``i`` has ``k_i x k_i`` samples (per-pixel sub-block order) and ``s x s`` fine cells
    (``i * s^2 + a * s + b``, row-major inside the pixel); each cell is the mean of the
    ``(k_i / s)^2`` neighbouring samples it covers.

    Parameters
    ----------
    sub_size : numpy.ndarray
        (N,) int over-sample sizes ``k_i``, each divisible by ``s`` (not checked here: the
        callers check it and name the argument in their own terms).
    convolve_over_sample_size : int
        ``s``.

    Returns
    -------
    cells : numpy.ndarray
        (sum k_i^2,) int64 fine cell of every sample.
    fractions : numpy.ndarray
        (sum k_i^2,) float64 ``1 / (k_i / s)^2`` of every sample: summing
        ``fractions * values`` per cell gives the cell's mean.
    """
    s = int(convolve_over_sample_size)
    sub_size = np.asarray(sub_size, dtype=np.int64)
    n_samples = int(np.sum(sub_size**2))
    cells = np.empty(n_samples, dtype=np.int64)
    fractions = np.empty(n_samples, dtype=np.float64)
    sample_starts = sub_slim_starts_from(sub_size)
    for k in np.unique(sub_size):
        pixels = np.flatnonzero(sub_size == k)
        group = k // s
        a, b = np.divmod(np.arange(k * k), k)
        cell = (a // group) * s + (b // group)
        index = sample_starts[pixels][:, None] + np.arange(k * k)[None, :]
        cells[index] = pixels[:, None] * (s * s) + cell[None, :]
        fractions[index] = 1.0 / (group * group)
    return cells, fractions


def binned_to_convolve_size_from(values, sub_size, convolve_over_sample_size: int, xp=np):
    """
    Pre-bin light evaluated at ``k_i x k_i`` samples per pixel to ``s x s`` fine values per pixel.

    Each pixel's samples are averaged in groups of ``(k_i / s)^2`` neighbouring samples; the
    result (length N * s^2) is in per-pixel sub-block order with ``s x s`` cells per pixel,
    which is the input a :class:`Convolver` with ``convolve_over_sample_size = s`` expects.

    Raises
    ------
    GridException
        If any ``k_i`` is not divisible by ``s``.
    """
    s = check_util.positive_int_from(
        convolve_over_sample_size, "convolve_over_sample_size", exc.GridException
    )
    sub_size = np.asarray(sub_size, dtype=np.int64)
    check_divisible_by_convolve_size(sub_size, s)
    _check_sample_count(values, sub_size, "binned_to_convolve_size_from")
    n = sub_size.shape[0]
    if n and np.all(sub_size == s):
        return values
    if n and np.all(sub_size == sub_size[0]):
        k = int(sub_size[0])
        g = k // s
        blocks = xp.reshape(values, (n, s, g, s, g))
        return xp.reshape(xp.mean(blocks, axis=(2, 4)), (n * s * s,))
    cells, weights = fine_cell_for_sample_from(sub_size, s)
    if xp is np:
        return np.bincount(cells, weights=np.asarray(values) * weights, minlength=n * s * s)
    import jax

    return jax.ops.segment_sum(values * weights, cells, num_segments=n * s * s)


def binned_fine_to_native_from(values, convolve_over_sample_size: int, xp=np):
    """
    Return the mean of each pixel's ``s x s`` fine values (per-pixel sub-block order), (N,).

    Raises
    ------
    TypeError
        If ``convolve_over_sample_size`` is not an int.
    GridException
        If it is < 1, or ``values`` is not 1D with a length divisible by ``s^2``.
    """
    s = check_util.positive_int_from(
        convolve_over_sample_size, "convolve_over_sample_size", exc.GridException
    )
    shape = tuple(np.shape(values))
    if len(shape) != 1 or shape[0] % (s * s) != 0:
        raise exc.GridException(
            f"binned_fine_to_native_from expects a 1D array of N * s^2 = N * {s * s} fine values "
            f"(s={s}), got shape {shape}."
        )
    if s == 1:
        return values
    return xp.mean(xp.reshape(values, (-1, s * s)), axis=1)


def over_sample_size_via_radial_bins_from(grid, sub_size_list, radial_list, centre_list=None):
    """
    Return an adaptive over-sample size: high near the centres of light profiles, low far away.

    For every pixel the distance to each centre picks ``sub_size_list[j]`` for the first
    ``radial_list[j]`` it is below, else ``sub_size_list[-1]``; over several centres the
    largest size wins.

    Parameters
    ----------
    grid
        A :class:`Grid2D` (its pixel centres are used).
    sub_size_list
        Positive ints, one per radial bin (plus, optionally, one for beyond the last radius).
    radial_list
        Increasing radii (arcsec) bounding the bins.
    centre_list
        (y, x) centres; defaults to ``[(0.0, 0.0)]``.

    Returns
    -------
    Array2D
        Integer sizes on the grid's mask.
    """
    sub_sizes = [
        check_util.positive_int_from(v, "sub_size_list entry", exc.GridException)
        for v in sub_size_list
    ]
    radii = np.asarray(radial_list, dtype=float)
    if not sub_sizes:
        raise exc.GridException("sub_size_list must hold at least one size, got an empty list.")
    if len(sub_sizes) not in (len(radii), len(radii) + 1):
        raise exc.GridException(
            f"sub_size_list needs len(radial_list) or len(radial_list) + 1 entries, got "
            f"{len(sub_sizes)} sizes for {len(radii)} radii."
        )
    if np.any(np.diff(radii) <= 0):
        raise exc.GridException(f"radial_list must increase, got {list(radial_list)}.")
    centres = [(0.0, 0.0)] if centre_list is None else centre_list
    points = np.asarray(grid.slim.array if hasattr(grid, "slim") else grid)
    sizes = np.zeros(points.shape[0], dtype=np.int64)
    lookup = np.asarray(sub_sizes + [sub_sizes[-1]] * (len(radii) + 1 - len(sub_sizes)))
    for centre in centres:
        r = np.hypot(points[:, 0] - centre[0], points[:, 1] - centre[1])
        bins = np.searchsorted(radii, r, side="right")
        sizes = np.maximum(sizes, lookup[bins])
    return Array2D(sizes, grid.mask)
