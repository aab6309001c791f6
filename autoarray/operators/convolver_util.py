"""
Pure functions behind :class:`autoarray.Convolver`: kernel preparation, the tight FFT frame,
the sparse real-space operator, and the one convolution core used by images and mapping
matrices alike.

The oversampled convolution as s^2 native convolutions
------------------------------------------------------
With ``convolve_over_sample_size = s`` the input is, for every native pixel ``R``, an ``s x s``
block of fine values ``v[R, a]`` (``a`` runs over the block row-major: the "per-pixel sub-block
order"). Convolving the fine image with the fine kernel ``K`` (centred, odd) and taking the mean of
each ``s x s`` block of the result gives, at native pixel ``P``,

    out[P] = sum_a sum_R  W_a[P - R] v[R, a],
    W_a[D] = s^-2 sum_{a'} K[s D + a' - a + h]        (per axis; h = (k - 1) / 2),

so the binned fine convolution *is* the sum of ``s^2`` convolutions at native resolution, one per
sub-pixel phase ``a``, with the polyphase kernels ``W_a`` of shape
``kernel_shape_image_resolution = 2 * ceil(h / s) + 1``. This is exact (no approximation), and it
never forms the fine image: the FFT engine transforms ``s^2`` native frames and inverts one, and
the real-space engine is one sparse matrix of ``N x (N + N_blur) s^2``. With ``s = 1`` there is one
phase, ``W_0 = K``, and the computation is the ordinary native convolution.

Even kernels (the STPSF / WebbPSF layout)
-----------------------------------------
An ``OVERSAMP`` product of an odd detector field at an even ``s`` has an even number of samples
``k = 2m`` per axis, centred on its geometric centre: a fine-pixel *corner*, so sample ``j`` sits
at ``j - m + 1/2`` fine pixels from the centre. Along one axis, in fine pixels with native pixel
``R`` spanning ``[s R, s R + s)``, the outputs are the fine-pixel centres ``s R' + b + 1/2`` (then
mean-binned as above). Take the input ``v[R, a]`` as the light over the cell centred at the corner
``s R + a`` instead of the centre ``s R + a + 1/2``, i.e. half a fine pixel up (``+y``, rows run
down) and left (``-x``): :func:`light_sample_offset_from`. The distance from input ``(R, a)`` to
output ``(R', b)`` is then ``s D + b - a + 1/2`` (``D = R' - R``), exactly the offset of sample
``j = s D + b - a + m``: the odd-kernel formula above with ``h = m``, i.e. the polyphase kernels
of the even kernel with one zero sample appended at the end of each even axis
(:func:`kernel_odd_from`). No sample is interpolated or changed: the even kernel is applied
exactly, by the same engines, and the accuracy is the odd kernel's. Nothing in this uses ``s``
even, so odd ``s`` with an even kernel is exact too (tested against brute force at ``s = 3``).
The footprint stays ``2 ceil(m / s) + 1`` (the shifted light reaches ``ceil(m / s)`` native pixels
up / left and ``floor((m + s - 2) / s)`` down / right), so the blurring region is complete.

Whoever evaluates light for such a convolution samples it at the offset
(``Grid2D.over_sampled_shifted_by(Convolver.light_sample_offset)``); unblurred images keep the
usual sub-pixel centres. The set of shifted cells is symmetric about every native-pixel centre, so
a symmetric source stays centred to round-off when the light's quadrature is the same everywhere
(the closed-form tests, uniform over-sampling ``k``; the dataset samples an even kernel's
blurring region at the mask's ``k`` for this, :attr:`GridsDataset.blurring`). A cell along an
even axis straddles two native pixels and is sampled at the ``k`` of the one below / right of it,
so where ``k`` changes between pixels (adaptive radial bins) the quadrature is not mirror
symmetric: a Sersic n = 4 (r_e 0.2", PSF 0.05", 0.1" pixels) moves by 4e-6" with radial bins
``k = 32 / 16 / 8 / 4`` at ``s = 2``, a term of the size of the light's own quadrature error
(``test_autogalaxy/test_even_kernels.py``).

The alternative, a band-limited (Fourier) half-sample shift of the kernel onto an odd grid, once
per PSF, would let callers keep the usual centres, but it interpolates the PSF: exact only for a
band-limited kernel sampled above Nyquist and untruncated, which a truncated STPSF array and a
Gaussian of sigma ~ one fine pixel are not. Measured (``workspace_scripts/imaging/
convolution_oversampled.py``: Gaussian light sigma_l convolved with a Gaussian PSF of 0.05" on
0.1" pixels, light integrated over the fine cells, ``+-8 sigma`` kernels; max error / peak against
the closed form):

=========  ===  ===========  ==================  ===============  =================
sigma_l    s    odd kernel   even, this module   even, Fourier    even, 2-tap average
=========  ===  ===========  ==================  ===============  =================
0.2"       2    2.1e-08      2.1e-08             4.1e-04          1.3e-02
0.2"       4    4.2e-16      1.1e-15             1.2e-10          3.4e-03
0.1"       2    1.6e-07      1.6e-07             4.6e-04          3.7e-02
0.1"       4    5.4e-16      1.3e-15             1.4e-10          9.5e-03
0.05"      2    5.4e-06      5.4e-06             4.9e-04          6.0e-02
0.05"      4    4.0e-16      1.2e-15             1.4e-10          1.5e-02
=========  ===  ===========  ==================  ===============  =================

The exact route is kept: it equals the odd kernel at every ``s`` (round-off at ``s >= 4``), where
the Fourier shift adds ~5e-4 at ``s = 2`` and the former 2-tap average (which widens the PSF by
a quarter of a squared fine pixel in variance per axis) adds percents.
"""

import cmath
import math

import numpy as np
import scipy.fft
import scipy.linalg.blas
import scipy.sparse

from autoarray.operators import fft_util

__all__ = [
    "kernel_shape_image_resolution_from",
    "kernel_resampled_at_sample_boundaries_from",
    "kernel_odd_from",
    "light_sample_offset_from",
    "padded_centred_from",
    "polyphase_kernels_from",
    "fft_frame_from",
    "kernel_rfft_from",
    "real_space_operator_from",
    "NonFiniteInputError",
    "convolved_columns_via_fft_from",
    "adjoint_columns_via_fft_from",
    "convolved_columns_via_real_space_from",
    "tap_tables_from",
    "convolved_columns_via_taps_from",
    "columns_in_blocks_from",
]


def kernel_shape_image_resolution_from(kernel_shape, convolve_over_sample_size: int) -> tuple:
    """
    Return the kernel footprint in native pixels, ``2 * ceil((k // 2) / s) + 1`` per axis.

    For an odd ``k`` this is the smallest odd native window holding every native pixel that a
    fine pixel's light reaches; for an even ``k = 2m`` it is the footprint of the odd kernel that
    :func:`kernel_odd_from` makes (``k + 1`` fine pixels, the same ``k // 2``), which holds every
    native pixel the light of the shifted cells reaches (module Notes, "Even kernels").
    """
    s = convolve_over_sample_size
    return tuple(2 * math.ceil((k // 2) / s) + 1 for k in kernel_shape)


def kernel_resampled_at_sample_boundaries_from(kernel: np.ndarray, axes) -> np.ndarray:
    """
    Return ``kernel`` resampled, along each of ``axes``, at the boundaries between its samples.

    Averaging neighbouring samples (a 2-tap ``[1/2, 1/2]`` filter, zero beyond the ends) turns
    ``n`` samples into ``n + 1`` with the same geometric centre and the same sum: an axis whose
    centre lay on a sample boundary now has it on a sample, and vice versa. A new array is returned.
    """
    out = np.asarray(kernel, dtype=np.float64)
    for axis in axes:
        pad = [(0, 0), (0, 0)]
        pad[axis] = (1, 1)
        padded = np.pad(out, pad)
        lo = [slice(None), slice(None)]
        hi = [slice(None), slice(None)]
        lo[axis] = slice(0, -1)
        hi[axis] = slice(1, None)
        out = 0.5 * (padded[tuple(lo)] + padded[tuple(hi)])
    return out


def kernel_odd_from(kernel: np.ndarray) -> np.ndarray:
    """
    Return the odd-shaped kernel whose polyphase kernels convolve like ``kernel``.

    Parameters
    ----------
    kernel : numpy.ndarray
        A 2D fine kernel of any shape, centred on its geometric centre.

    Returns
    -------
    numpy.ndarray
        A new float64 array. Odd axes are copied unchanged. Each even axis of ``2m`` samples
        gets one zero sample appended at its end (index ``2m``), so the result has ``2m + 1``
        samples with the centre index ``m``. The values and the sum are those of ``kernel``.

    Notes
    -----
    No sample of ``kernel`` is changed: the even kernel is applied exactly, to light sampled
    on the fine lattice shifted by half a fine pixel (module Notes, "Even kernels"). The zero
    sample only makes the odd-kernel index ``j = s D + b - a + h`` of the polyphase formula
    (``h = m``) address the even kernel's own samples.
    """
    kernel = np.asarray(kernel, dtype=np.float64)
    ky, kx = kernel.shape
    # Zeros and a copy: np.pad costs ~20x more (~18 us, 4 % of a native state_from).
    odd = np.zeros((ky + 1 - ky % 2, kx + 1 - kx % 2))
    odd[:ky, :kx] = kernel
    return odd


def light_sample_offset_from(kernel_shape, pixel_scales) -> tuple:
    """
    Return the (y, x) arcsec offset at which the light convolved by a fine kernel is sampled.

    Parameters
    ----------
    kernel_shape : (int, int)
        The fine kernel's shape.
    pixel_scales : (float, float)
        The fine kernel's (y, x) sampling in arcsec (the image's pixel scales / ``s``).

    Returns
    -------
    (float, float)
        ``(+dy / 2, -dx / 2)`` along even axes, 0.0 along odd ones: every fine cell's light is
        taken over the cell centred half a fine pixel up (``+y``, row index ``-1/2``) and left
        (``-x``, column index ``-1/2``) of the usual fine-pixel centre. ``(0.0, 0.0)`` for odd
        kernels.

    Notes
    -----
    See the module Notes, "Even kernels": this is the offset that makes every light-to-output
    distance a sample of the even kernel.
    """
    dy = 0.5 * float(pixel_scales[0]) if kernel_shape[0] % 2 == 0 else 0.0
    dx = -0.5 * float(pixel_scales[1]) if kernel_shape[1] % 2 == 0 else 0.0
    return (dy, dx)


def padded_centred_from(values: np.ndarray, shape) -> np.ndarray:
    """Return ``values`` zero padded symmetrically to ``shape`` (each difference must be even)."""
    pad = [((n - k) // 2, (n - k) - (n - k) // 2) for k, n in zip(values.shape, shape)]
    return np.pad(values, pad)


def polyphase_kernels_from(kernel_odd: np.ndarray, convolve_over_sample_size: int) -> np.ndarray:
    """
    Return the ``(s^2, Ky, Kx)`` polyphase kernels ``W_a`` of an odd fine kernel (module Notes).

    Phase ``a = ay * s + ax`` (row-major in the pixel) holds the native-resolution kernel that
    maps the fine value at sub-pixel ``(ay, ax)`` of a pixel to the block-mean convolution at
    native pixels ``D`` away; ``(Ky, Kx) = kernel_shape_image_resolution``. With ``s = 1`` the
    single phase is the kernel itself (a copy).
    """
    s = convolve_over_sample_size
    kernel_odd = np.asarray(kernel_odd, dtype=np.float64)
    if s == 1:
        return kernel_odd[None].copy()
    ky, kx = kernel_odd.shape
    hy, hx = ky // 2, kx // 2
    cy, cx = math.ceil(hy / s), math.ceil(hx / s)
    # boxed[i, j] = s^-2 * sum_{a', b' < s} K[i + a' - pad_y, j + b' - pad_x] over a padded kernel,
    # so that boxed[s * D + h - a + pad] is W_a[D] for every D of the footprint.
    pad_y, pad_x = s * cy + s, s * cx + s
    padded = np.pad(kernel_odd, ((pad_y, pad_y), (pad_x, pad_x)))
    boxed = np.zeros_like(padded)
    for ay in range(s):
        for ax in range(s):
            boxed[: padded.shape[0] - ay, : padded.shape[1] - ax] += padded[ay:, ax:]
    boxed /= s * s
    dy = np.arange(-cy, cy + 1)
    dx = np.arange(-cx, cx + 1)
    out = np.empty((s * s, 2 * cy + 1, 2 * cx + 1))
    for ay in range(s):
        for ax in range(s):
            rows = s * dy + hy - ay + pad_y
            cols = s * dx + hx - ax + pad_x
            out[ay * s + ax] = boxed[np.ix_(rows, cols)]
    return out


def fft_frame_from(input_native, output_native, kernel_shape) -> tuple:
    """
    Return ``(frame_shape, corner)``: the smallest FFT-friendly frame in which circular
    convolution equals linear convolution at every output pixel, and the native ``(y, x)``
    index placed at the frame's ``[0, 0]``.

    Parameters
    ----------
    input_native, output_native
        (M, 2) / (N, 2) native indexes of the pixels holding input values (mask + blurring
        region) and of those where the result is read (the mask).
    kernel_shape
        Odd ``(Ky, Kx)`` of the (polyphase) kernel.

    Notes
    -----
    With the inputs' bounding box of length ``L`` placed at ``[0, L)`` and kernel offsets
    ``d`` in ``[-c, c]``, an output ``p`` reads ``p - d``. Every such index either lies in
    ``[0, P)`` (its true place, or zero padding) or wraps into the zero padding if
    ``P >= L - min(p - d)`` and ``P > max(p - d)``. When the blurring region is complete this is
    ``P = L``: the frame is just the bounding box of mask + blurring region.
    ``scipy.fft.next_fast_len`` then rounds each side up to a fast size.
    """
    corner = input_native.min(axis=0)
    length = input_native.max(axis=0) - corner + 1
    out_rel = output_native - corner
    shape = []
    for axis in (0, 1):
        c = kernel_shape[axis] // 2
        lo = out_rel[:, axis].min() - c
        hi = out_rel[:, axis].max() + c
        size = max(int(length[axis]), int(length[axis] - lo), int(hi + 1))
        shape.append(scipy.fft.next_fast_len(size, real=True))
    return tuple(shape), corner


def kernel_rfft_from(kernels: np.ndarray, frame_shape) -> np.ndarray:
    """
    Return the rFFT of each kernel wrapped into ``frame_shape`` with its centre at ``[0, 0]``.

    Kernel taps that alias onto one frame position are summed, which is what circular
    convolution does with them (harmless by construction of :func:`fft_frame_from`).
    """
    n, ky, kx = kernels.shape
    cy, cx = ky // 2, kx // 2
    wrapped = np.zeros((n, *frame_shape))
    rows = (np.arange(ky) - cy) % frame_shape[0]
    cols = (np.arange(kx) - cx) % frame_shape[1]
    for i in range(n):
        np.add.at(wrapped[i], np.ix_(rows, cols), kernels[i])
    return scipy.fft.rfft2(wrapped, axes=(-2, -1))


def real_space_operator_from(
    kernels: np.ndarray,
    input_native: np.ndarray,
    output_native: np.ndarray,
    dtype=np.float64,
    rows_per_chunk: int = 512,
) -> scipy.sparse.csr_array:
    """
    Return the sparse ``(N, M s^2)`` matrix of the whole (binned) convolution in real space.

    Row ``i`` holds, for output pixel ``i`` (slim order of the mask), the weight of every input
    value: input pixel ``j`` (mask then blurring region, slim order) and phase ``a`` sit in
    column ``j * s^2 + a`` (per-pixel sub-block order), with weight ``W_a[P_i - R_j]``.
    Zero weights are not stored.
    """
    n_phase, ky, kx = kernels.shape
    cy, cx = ky // 2, kx // 2
    corner = input_native.min(axis=0) - np.array([cy, cx])
    size = input_native.max(axis=0) - corner + np.array([cy, cx]) + 1
    lookup = np.full(tuple(size), -1, dtype=np.int64)
    rel_in = input_native - corner
    lookup[rel_in[:, 0], rel_in[:, 1]] = np.arange(input_native.shape[0])
    rel_out = output_native - corner
    dy, dx = np.meshgrid(np.arange(-cy, cy + 1), np.arange(-cx, cx + 1), indexing="ij")
    dy, dx = dy.ravel(), dx.ravel()
    # Weight of phase a at offset D = (dy, dx): W_a[c + D]; shape (n_offsets, n_phase).
    weights = kernels.reshape(n_phase, -1).T.astype(dtype)
    index_dtype = np.int32 if input_native.shape[0] * n_phase < 2**31 else np.int64
    data_chunks, col_chunks, counts = [], [], []
    for start in range(0, rel_out.shape[0], rows_per_chunk):
        block = rel_out[start : start + rows_per_chunk]
        src = lookup[block[:, 0:1] - dy[None, :], block[:, 1:2] - dx[None, :]]
        cols = src[:, :, None] * n_phase + np.arange(n_phase)[None, None, :]
        vals = np.broadcast_to(weights[None], cols.shape)
        keep = (src[:, :, None] >= 0) & (vals != 0)
        counts.append(keep.reshape(keep.shape[0], -1).sum(axis=1))
        col_chunks.append(cols[keep].astype(index_dtype))
        data_chunks.append(vals[keep])
    indptr = np.concatenate([[0], np.cumsum(np.concatenate(counts))]).astype(index_dtype)
    return scipy.sparse.csr_array(
        (np.concatenate(data_chunks), np.concatenate(col_chunks), indptr),
        shape=(output_native.shape[0], input_native.shape[0] * n_phase),
    )


def _fft_module_of(xp):
    """
    :mod:`.fft_util` (``scipy.fft``'s transforms without its ~15 us per-call dispatch; faster
    than ``numpy.fft``) for NumPy, ``jax.numpy.fft`` for JAX.
    """
    return fft_util if xp is np else xp.fft


def _frames_with_values_from(batch, frame_size, index, values, real_dtype, xp):
    """
    Zeros of shape ``batch + (frame_size,)`` with ``values`` placed at ``index`` of the last axis.

    ``values`` is ``(n, n_col)``; ``batch`` is ``(n_col,)``, or ``()`` for a single column (an
    image), whose flat 1D scatter is the cheaper form at the ~100 us scale of one image. A
    ``scipy.sparse`` ``values`` (NumPy) places its non-zeros alone: a mapping matrix has a few
    per row, so this writes ~``1 / density`` times fewer values than densifying it first (the
    dense scatter was ~30 % of a sparse mapping matrix's FFT route at s = 2).
    """
    frames = xp.zeros((*batch, frame_size), dtype=real_dtype)
    if type(values) is not np.ndarray and scipy.sparse.issparse(values):
        columns = scipy.sparse.csc_array(values)
        columns.sum_duplicates()  # an assignment keeps one of equal positions; a sum adds them
        rows = index[columns.indices]
        if batch:
            cols = np.repeat(np.arange(columns.shape[1]), np.diff(columns.indptr))
            frames[cols, rows] = columns.data
        else:
            frames[rows] = columns.data
        return frames
    rows = values.T if batch else values[:, 0]
    if xp is not np:
        return frames.at[..., index].set(rows.astype(real_dtype))
    if batch:
        frames[:, index] = rows
    else:
        frames[index] = rows  # Ellipsis indexing costs ~2x here
    return frames


def _phase_sum_from(spectra, kernel_rfft, has_phase_axis, xp):
    """
    ``sum_a spectra[..., a, :, :] * W_a`` over the phase axis of ``(..., s^2, Py, Px')``
    spectra; the plain product when there is one phase (``s = 1``) and no phase axis.
    """
    if xp is np:
        spectra *= kernel_rfft  # in place: the spectra are a temporary of the caller
        return spectra.sum(axis=-3) if has_phase_axis else spectra
    product = spectra * kernel_rfft
    return xp.sum(product, axis=-3) if has_phase_axis else product


def _columns_from(frames, index, batch):
    """``(n, n_col)`` values read at ``index`` of the last axis of ``batch + (L,)`` frames."""
    return frames[:, index].T if batch else frames[index][:, None]


def _zero_frequency_terms_finite(spectra, has_leading_axes: bool) -> bool:
    """
    Whether the zero-frequency terms of NumPy ``(..., Py, Px')`` spectra are all finite: one
    complex scalar without leading axes, else BLAS ``asum`` of ``|re| + |im|`` over them (~1 us
    less than a NumPy sum, and no floating-point warnings).
    """
    if not has_leading_axes:
        return cmath.isfinite(spectra[0, 0])
    terms = spectra[..., 0, 0].reshape(-1)
    asum = scipy.linalg.blas.scasum if terms.itemsize == 8 else scipy.linalg.blas.dzasum
    return math.isfinite(asum(terms))


class NonFiniteInputError(ArithmeticError):
    """
    Raised by :func:`convolved_columns_via_fft_from` (NumPy, ``refuse_non_finite=True``) when its
    input holds NaN or inf, before any product that would spread them or warn. The caller, which
    knows what the input columns are, searches them for a message that says which and where.
    """


def convolved_columns_via_fft_from(
    values,
    scatter_index,
    gather_index,
    kernel_rfft,
    frame_shape,
    n_phase: int,
    xp=np,
    refuse_non_finite: bool = False,
):
    """
    Convolve columns of input values with the polyphase kernels by FFT: the one dense core.

    Parameters
    ----------
    values : numpy.ndarray or scipy.sparse array or jax.Array
        (M s^2, n_col) input values (mask then blurring region, per-pixel sub-block order);
        ``scipy.sparse`` with ``numpy`` only (its non-zeros are placed without densifying).
    scatter_index : numpy.ndarray or jax.Array
        (M s^2,) flat index of each value in the ``(s^2, Py, Px)`` phase frames.
    gather_index : numpy.ndarray or jax.Array
        (N,) flat index of each output (mask) pixel in one ``(Py, Px)`` frame.
    kernel_rfft : numpy.ndarray or jax.Array
        (s^2, Py, Px // 2 + 1) rFFT of the wrapped polyphase kernels; its dtype (complex128 or
        complex64) sets the precision.
    frame_shape : (int, int)
        (Py, Px).
    n_phase : int
        s^2.
    xp : module
        ``numpy`` (transforms by scipy's pocketfft, :mod:`.fft_util`) or ``jax.numpy`` (``jax.numpy.fft``).
    refuse_non_finite : bool
        NumPy only (``ValueError`` with JAX): raise :class:`NonFiniteInputError` if any input is
        NaN or inf.

    Returns
    -------
    (N, n_col) convolved (and block-mean binned) values.

    Raises
    ------
    NonFiniteInputError
        With ``refuse_non_finite`` (NumPy), if the input holds NaN or inf, or finite values whose
        sum overflows (the caller tells the two apart).

    Notes
    -----
    The refusal costs one complex scalar per frame: the zero-frequency term of a frame's spectrum
    is the sum of the frame, so the sum of those terms' absolute values over the columns and
    phases is finite exactly when every input is (barring an overflowing sum, ~1e308). It is read
    after the forward transforms (which neither warn nor stop on NaN / inf) and before the
    product with the kernel spectra, where ``inf * 0`` would warn.
    """
    if refuse_non_finite and xp is not np:
        raise ValueError(
            "refuse_non_finite is for NumPy inputs only: JAX values may be traced, so nothing can "
            "be refused inside a transformed function. Pass refuse_non_finite=False with JAX."
        )
    py, px = frame_shape
    # A single column (an image) and a single phase (s = 1) drop their axes: the 1D scatter and
    # 2D transforms are measurably cheaper at the ~70 us scale of one native image.
    batch = (values.shape[1],) if values.shape[1] > 1 else ()
    phase = (n_phase,) if n_phase > 1 else ()
    fft = _fft_module_of(xp)
    real_dtype = np.float32 if kernel_rfft.dtype == np.complex64 else np.float64
    frames = _frames_with_values_from(
        batch, n_phase * py * px, scatter_index, values, real_dtype, xp
    )
    spectra = fft.rfft2(frames.reshape(*batch, *phase, py, px), axes=(-2, -1))
    if refuse_non_finite and not _zero_frequency_terms_finite(spectra, bool(batch or phase)):
        raise NonFiniteInputError("The input of the FFT core holds NaN or inf.")
    kernel = kernel_rfft if phase else kernel_rfft[0]
    summed = _phase_sum_from(spectra, kernel, bool(phase), xp)
    images = fft.irfft2(summed, s=(py, px), axes=(-2, -1)).reshape(*batch, py * px)
    return _columns_from(images, gather_index, batch)


def adjoint_columns_via_fft_from(
    values, scatter_index, gather_index, kernel_rfft, frame_shape, n_phase: int, xp=np
):
    """
    Apply the transpose of :func:`convolved_columns_via_fft_from` to columns of output values.

    The forward operator is ``gather o circular convolution o scatter``; its exact transpose is
    ``scatter^T o circular correlation o gather^T``, and a circular correlation multiplies by
    the complex conjugate of the kernel's spectrum. Because the forward frame is large enough
    that no output is touched by wrap-around, this is the transpose of the (binned) convolution
    itself: ``K^T y`` for every column ``y``.

    Parameters
    ----------
    values : numpy.ndarray or jax.Array
        (N, n_col) values on the output (mask) pixels.
    scatter_index : numpy.ndarray or jax.Array
        (M s^2,) flat index in the ``(s^2, Py, Px)`` phase frames of every input value whose
        transpose is wanted (e.g. only the mask's ``N s^2`` entries).
    gather_index, kernel_rfft, frame_shape, n_phase, xp
        As in :func:`convolved_columns_via_fft_from`.

    Returns
    -------
    (M s^2, n_col) values on the input (fine) pixels, per-pixel sub-block order.
    """
    py, px = frame_shape
    batch = (values.shape[1],) if values.shape[1] > 1 else ()
    fft = _fft_module_of(xp)
    real_dtype = np.float32 if kernel_rfft.dtype == np.complex64 else np.float64
    frames = _frames_with_values_from(batch, py * px, gather_index, values, real_dtype, xp)
    spectra = fft.rfft2(frames.reshape(*batch, py, px), axes=(-2, -1))
    phases = fft.irfft2(spectra[..., None, :, :] * xp.conj(kernel_rfft), s=(py, px), axes=(-2, -1))
    return _columns_from(phases.reshape(*batch, n_phase * py * px), scatter_index, batch)


def convolved_columns_via_real_space_from(
    values, scatter_index, gather_index, kernels, frame_shape, jax_method="direct", xp=None
):
    """
    Convolve columns in real space with ``jax.scipy.signal.convolve`` (the JAX real-space
    engine; NumPy's is the sparse operator of :func:`real_space_operator_from`).

    Each phase frame is convolved (``mode="same"``, centred odd kernel) with its polyphase kernel
    by ``jax_method`` ("direct" or "fft"), the phases are summed and the mask pixels gathered.
    """
    import jax
    import jax.scipy.signal

    n_col = values.shape[1]
    n_phase = kernels.shape[0]
    py, px = frame_shape
    frames = xp.zeros((n_col, n_phase * py * px), dtype=values.dtype)
    frames = frames.at[:, scatter_index].set(values.T).reshape(n_col, n_phase, py, px)
    kernels = xp.asarray(kernels, dtype=values.dtype)

    def one_column(frame):
        out = jax.scipy.signal.convolve(frame[0], kernels[0], mode="same", method=jax_method)
        for a in range(1, n_phase):
            out = out + jax.scipy.signal.convolve(
                frame[a], kernels[a], mode="same", method=jax_method
            )
        return out

    images = jax.vmap(one_column)(frames)
    return images.reshape(n_col, py * px)[:, gather_index].T


def tap_tables_from(kernels: np.ndarray, input_native: np.ndarray, output_native: np.ndarray):
    """
    Return the tables of the tap route: where every input pixel sends its light, tap by tap.

    Tap ``t`` is an offset ``D_t`` of the polyphase footprint. The fine value of phase ``a`` at
    input pixel ``R`` adds ``W_a[c + D_t] v`` to output pixel ``R + D_t`` (module Notes), so a
    sparse input costs non-zeros x taps multiply-adds and never a frame per column.

    Parameters
    ----------
    kernels : numpy.ndarray
        (s^2, Ky, Kx) polyphase kernels (:func:`polyphase_kernels_from`).
    input_native : numpy.ndarray
        (M, 2) native (y, x) indexes of the input pixels (mask then blurring region).
    output_native : numpy.ndarray
        (N, 2) native indexes of the output (mask) pixels.

    Returns
    -------
    output_index : numpy.ndarray
        (M, T) int32: the output (slim) index of input pixel ``j`` moved by tap ``t``, or ``N``
        where that pixel is not an output (outside the mask). Taps whose weight is zero in
        every phase are left out, so ``T <= Ky Kx``.
    weights : numpy.ndarray
        (s^2, T) float64: the weight of every phase at every tap.
    """
    n_phase, ky, kx = kernels.shape
    cy, cx = ky // 2, kx // 2
    dy, dx = np.meshgrid(np.arange(-cy, cy + 1), np.arange(-cx, cx + 1), indexing="ij")
    weights = kernels.reshape(n_phase, -1).astype(np.float64)
    keep = np.any(weights != 0, axis=0)
    dy, dx, weights = dy.ravel()[keep], dx.ravel()[keep], weights[:, keep]
    n_out = output_native.shape[0]
    corner = input_native.min(axis=0) - np.array([cy, cx])
    size = input_native.max(axis=0) - corner + np.array([cy, cx]) + 1
    lookup = np.full(tuple(size), n_out, dtype=np.int32)
    rel_out = output_native - corner
    lookup[rel_out[:, 0], rel_out[:, 1]] = np.arange(n_out, dtype=np.int32)
    rel_in = input_native - corner
    output_index = lookup[rel_in[:, 0:1] + dy[None, :], rel_in[:, 1:2] + dx[None, :]]
    return np.ascontiguousarray(output_index), np.ascontiguousarray(weights)


def convolved_columns_via_taps_from(
    rows, cols, values, n_col: int, output_index, weights, n_out: int
):
    """
    Convolve sparse columns with the polyphase kernels tap by tap (JAX): the sparse route.

    For every tap ``t`` (a ``jax.lax.scan`` step) each non-zero ``(row, col, v)`` of the input
    adds ``weights[phase, t] v`` to ``out[output_index[pixel, t], col]``, with
    ``pixel, phase = divmod(row, s^2)``; outputs outside the mask are dropped. The work is
    non-zeros x taps scatter-adds and the memory the ``(n_out, n_col)`` result plus one
    non-zeros-long temporary per step: no frame per column, no dense fine matrix.

    Parameters
    ----------
    rows, cols : jax.Array
        (nnz,) int row (per-pixel sub-block order over mask then blurring region) and column
        of every non-zero; rows out of range (BCOO padding) contribute nothing.
    values : jax.Array
        (nnz,) the non-zeros (differentiable).
    n_col : int
        Static: the number of columns.
    output_index, weights : jax.Array
        The tables of :func:`tap_tables_from`, (M, T) and (s^2, T).
    n_out : int
        Static: ``N``, the output (mask) pixels.

    Returns
    -------
    jax.Array
        (n_out, n_col) dense, in ``values``' dtype.
    """
    import jax
    import jax.numpy as jnp

    n_phase = weights.shape[0]
    pixel = rows // n_phase
    phase = rows % n_phase
    weights = weights.astype(values.dtype)

    def one_tap(out, tap):
        tap_index, tap_weights = tap
        target = tap_index.at[pixel].get(mode="fill", fill_value=n_out)
        return out.at[target, cols].add(tap_weights[phase] * values, mode="drop"), None

    out = jnp.zeros((n_out, n_col), dtype=values.dtype)
    out, _ = jax.lax.scan(one_tap, out, (output_index.T, weights.T))
    return out


def columns_in_blocks_from(fn, values, n_out: int, block: int):
    """
    Return ``fn(values)`` for (n_in, n_col) JAX ``values``, computed ``block`` columns at a time.

    ``fn`` maps (n_in, b) columns to (n_out, b) independently per column. The blocks run in a
    ``jax.lax.fori_loop`` (jit-able, differentiable), so the memory of ``fn``'s temporaries is
    that of one block. The fewest blocks of at most ``block`` columns are made equal
    (``ceil(n_col / n_block)`` columns each); when they do not divide ``n_col`` the last block
    starts at ``n_col - block`` and recomputes fewer than ``n_block`` columns rather than padding
    the input.
    """
    import jax
    import jax.numpy as jnp

    n_col = values.shape[1]
    if n_col <= block:
        return fn(values)
    n_block = -(-n_col // block)
    block = -(-n_col // n_block)

    def one_block(i, out):
        start = jnp.minimum(i * block, n_col - block)
        columns = jax.lax.dynamic_slice_in_dim(values, start, block, axis=1)
        return jax.lax.dynamic_update_slice_in_dim(out, fn(columns), start, axis=1)

    out = jnp.zeros((n_out, n_col), dtype=values.dtype)
    return jax.lax.fori_loop(0, n_block, one_block, out)
