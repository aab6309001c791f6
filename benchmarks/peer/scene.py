"""The benchmark scene shared by our library and the released PyAutoArray (NumPy only).

Both virtual envs import this file *by path* (it must not import autoarray, scipy or
jax), so that the two sides convolve exactly the same numbers:

    import importlib.util
    spec = importlib.util.spec_from_file_location("peer_scene", "benchmarks/peer/scene.py")
    scene = importlib.util.module_from_spec(spec); spec.loader.exec_module(scene)

Conventions (those of PyAutoArray):

* masks are boolean arrays with ``True`` = masked, ``False`` = unmasked;
* "slim" order is row-major over the unmasked pixels (``np.where(~mask)``), row 0 at
  the top of the image (largest y), column 0 at the left (smallest x);
* a fine (over-sampled) grid of factor ``s`` is the image grid with every pixel split
  into ``s x s`` sub-pixels, pixel scale ``pixel_scale / s``, same origin; the fine
  mask is ``np.repeat(np.repeat(mask, s, 0), s, 1)`` (see ``upscaled_mask``).

Every random quantity is defined on the *native fine grid* or in *fine-mask slim
(row-major) order*, so it does not depend on either library's internal ordering;
``sub_block_permutation`` converts fine-slim order to the per-pixel sub-block order
the released PyAutoArray expects at ``convolve_over_sample_size > 1``.
"""

import numpy as np

SHAPE = (100, 100)
PIXEL_SCALE = 0.1  # arcsec
MASK_RADIUS = 3.0  # arcsec, centred at the origin
PSF_SIGMA = 0.2  # arcsec
PSF_SHAPE = {1: (21, 21), 2: (41, 41), 4: (83, 83)}  # kernel shape per over-sample size
N_SOURCE = 1000  # columns of the mapping matrix
IMAGE_SEED = 1
MAPPING_SEED = 1


def circular_mask(shape=SHAPE, pixel_scale=PIXEL_SCALE, radius=MASK_RADIUS):
    """Circular mask centred on the origin, identical to the release's
    ``Mask2D.circular`` (``mask_2d_util.mask_2d_circular_from``: masked where
    ``r**2 >= radius**2``, r measured from the array centre in arcsec)."""
    yc = 0.5 * (shape[0] - 1)
    xc = 0.5 * (shape[1] - 1)
    y, x = np.ogrid[: shape[0], : shape[1]]
    ys = (y - yc) * pixel_scale
    xs = (x - xc) * pixel_scale
    return xs**2 + ys**2 >= radius**2


def upscaled_mask(mask, s):
    """The fine mask: every unmasked pixel becomes an unmasked ``s x s`` block."""
    return np.repeat(np.repeat(np.asarray(mask, dtype=bool), s, axis=0), s, axis=1)


def blurring_mask(mask, kernel_shape):
    """Masked pixels within the (ky, kx) box footprint of any unmasked pixel, returned
    as a mask (blurring pixels ``False``). Same definition as the release's
    ``mask.derive_mask.blurring_from`` (binary dilation by a ky x kx box), written
    with cumulative sums so it needs only NumPy. No padding: the scene's mask is far
    enough from the edge."""
    mask = np.asarray(mask, dtype=bool)
    ky, kx = kernel_shape
    py, px = ky // 2, kx // 2
    unmasked = np.pad((~mask).astype(np.int64), ((py, py), (px, px)))
    c = np.pad(unmasked.cumsum(0).cumsum(1), ((1, 0), (1, 0)))
    ny, nx = mask.shape
    box = c[ky : ky + ny, kx : kx + nx] - c[:ny, kx : kx + nx] - c[ky : ky + ny, :nx] + c[:ny, :nx]
    return ~(mask & (box > 0))


def kernel_shape_image_resolution(kernel_shape, s):
    """Footprint (in image pixels, odd) of a fine kernel; the release's
    ``Convolver.kernel_shape_image_resolution`` (used for its blurring mask)."""
    if s == 1:
        return tuple(kernel_shape)
    return tuple(2 * int(np.ceil((k // 2) / s)) + 1 for k in kernel_shape)


def gaussian_kernel(s=1, shape=None, pixel_scale=PIXEL_SCALE, sigma=PSF_SIGMA):
    """Circular Gaussian PSF sampled at the centres of pixels of size
    ``pixel_scale / s`` on a ``shape`` grid centred on the origin, normalised to sum 1
    (the same values as the release's ``Convolver.from_gaussian(..., normalize=True)``
    up to round-off)."""
    shape = PSF_SHAPE[s] if shape is None else shape
    ps = pixel_scale / s
    y = (0.5 * (shape[0] - 1) - np.arange(shape[0])) * ps
    x = (np.arange(shape[1]) - 0.5 * (shape[1] - 1)) * ps
    r2 = y[:, None] ** 2 + x[None, :] ** 2
    k = np.exp(-0.5 * r2 / sigma**2)
    return k / k.sum()


def fine_native_image(s=1, shape=SHAPE, seed=IMAGE_SEED):
    """Random values on the whole native (fine) grid, ``(shape[0]*s, shape[1]*s)``.
    The image of a case is this array at the unmasked (fine) pixels, its blurring
    image the same array at the blurring (fine) pixels."""
    rng = np.random.default_rng(seed)
    return rng.random((shape[0] * s, shape[1] * s))


def sub_block_permutation(mask, s):
    """``perm[k]`` = fine-slim (row-major fine mask) index of the k-th value in
    per-pixel sub-block order (pixels in slim order, each pixel's ``s x s`` sub-pixels
    row-major). Convert fine-slim ``v`` to sub-block order with ``v[perm]``.
    Identical to the release's ``over_sample_util.sub_slim_to_fine_slim_from``."""
    mask = np.asarray(mask, dtype=bool)
    fine = upscaled_mask(mask, s)
    index = np.full(fine.shape, -1, dtype=np.int64)
    index[~fine] = np.arange(int((~fine).sum()))
    ys, xs = np.where(~mask)
    b = np.arange(s)
    rows = ys[:, None, None] * s + b[None, :, None]
    cols = xs[:, None, None] * s + b[None, None, :]
    return index[rows, cols].reshape(-1)


def mapping_matrix(n_rows, n_cols=N_SOURCE, seed=MAPPING_SEED, nnz=3, window=11):
    """Dense (n_rows, n_cols) float64 mapping matrix, bilinear-interpolation-like:
    row i has ``nnz`` distinct columns drawn from the ``window`` columns around
    ``i * n_cols / n_rows`` with positive weights summing to 1.

    For an over-sampled case ``n_rows`` is the number of *fine* unmasked pixels and
    the rows are in fine-slim (row-major fine mask) order."""
    rng = np.random.default_rng(seed)
    centre = (np.arange(n_rows) * n_cols) // n_rows
    start = np.clip(centre - window // 2, 0, n_cols - window)
    offsets = np.argsort(rng.random((n_rows, window)), axis=1)[:, :nnz]
    cols = start[:, None] + offsets
    w = rng.random((n_rows, nnz)) + 0.1
    w /= w.sum(axis=1, keepdims=True)
    mm = np.zeros((n_rows, n_cols))
    np.put_along_axis(mm, cols, w, axis=1)
    return mm


def scene(s=1):
    """Everything a case needs, as plain NumPy arrays (release-independent).

    Returns a dict with ``mask`` (image resolution), ``fine_mask``, ``kernel``,
    ``blurring_mask`` (image resolution, from ``kernel_shape_image_resolution``),
    ``image_fine_slim`` / ``blurring_fine_slim`` (values in fine-slim order of the
    fine mask / fine blurring mask; for s=1 just slim order) and ``n_fine_rows``.
    The mapping matrix is built separately (``mapping_matrix(n_fine_rows)``)
    because it is large."""
    mask = circular_mask()
    kernel = gaussian_kernel(s)
    bmask = blurring_mask(mask, kernel_shape_image_resolution(kernel.shape, s))
    native = fine_native_image(s)
    fine = upscaled_mask(mask, s)
    fine_b = upscaled_mask(bmask, s)
    return dict(
        s=s,
        mask=mask,
        fine_mask=fine,
        kernel=kernel,
        blurring_mask=bmask,
        image_fine_slim=native[~fine],
        blurring_fine_slim=native[~fine_b],
        n_fine_rows=int((~fine).sum()),
    )
