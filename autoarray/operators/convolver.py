"""
PSF convolution of masked images and mapping matrices, at the detector's resolution or on a grid
``convolve_over_sample_size`` times finer.

Two classes, two roles:

* :class:`Convolver` is an immutable value: the PSF kernel, its sampling, its oversampling factor
  ``s`` and the engine choice. It knows nothing about masks, unless it was built with a
  :class:`ConvolverState` (``psf.with_state_for(mask)``), which it then carries unchanged.
* :class:`ConvolverState` is the one mask-bound linear operator: everything that depends only on
  the kernel and the mask (frame geometry, scatter / gather indices, kernel FFTs, the sparse
  real-space operator), built once with ``psf.state_from(mask)`` and reused by every model
  evaluation. It applies the convolution (:meth:`ConvolverState.convolved_columns_from`) and its
  transpose (:meth:`ConvolverState.adjoint_columns_from`).

The release-named methods of :class:`Convolver` (``convolved_image_from``,
``convolved_mapping_matrix_from``, ...) are thin entry points: they use the convolver's state, or
build one for the call from the mask given (a state is never cached or replaced behind the
caller's back, so one convolver can be shared by threads and datasets).
"""

import math
import warnings

import numpy as np
import scipy.linalg.blas
import scipy.sparse

from autoarray import check_util, exc, fits_util
from autoarray.device_cache import DeviceArrayCache
from autoarray.jax_util import bcoo_from, is_bcoo, is_jax_array, warn_if_x64_disabled
from autoarray.mask import mask_2d_util
from autoarray.mask.mask_2d import Mask2D
from autoarray.operators import convolver_util, csr_util
from autoarray.structures.arrays.array_2d import Array2D

__all__ = ["Convolver", "ConvolverState"]

# Images are convolved in real space when ``use_fft=None`` and the polyphase footprint
# (s^2 * Ky * Kx taps per output pixel) is at most ``REAL_SPACE_MAX_TAPS * (s^2 + 1)``: the FFT
# engine does s^2 forward transforms and one inverse, the real-space one work proportional to the
# taps. ``benchmarks/run.py`` (100 x 100 frame, 3" mask, see benchmarks/RESULTS.md) measured the
# NumPy crossover at 14 to 26, 19 to 28 and 24 to 29 taps per transform for s = 1, 2, 4 over
# four runs on the shared 2-core VM (it moves with the load); a 5 x 5 kernel is real space at
# s = 1, a 7 x 7 (24.5 per transform, near break-even) is FFT.
REAL_SPACE_MAX_TAPS = 20

# A NumPy mapping matrix with at most this fraction of non-zeros goes through the sparse
# real-space operator when ``use_fft=None``: its cost scales with the non-zeros, the FFT's with
# the number of columns. Measured crossover (``benchmarks/run.py``, four runs on the shared
# 2-core VM): 0.039 to 0.054, 0.022 to 0.051 and 0.020 to 0.035 for s = 1, 2, 4, so at s >= 2
# a density between ~0.02 and 0.04 may take the slower route (up to ~1.4x the FFT's time).
SPARSE_MAX_DENSITY = 0.04

# JAX mapping matrices given sparse (``jax.experimental.sparse.BCOO`` or ``scipy.sparse``) go
# through the tap route (one scatter-add of every non-zero per polyphase tap) when its work,
# non-zeros x taps, is at most ``JAX_TAP_UPDATES_PER_FFT_POINT`` x the FFT engine's work,
# columns x (s^2 + 1) x Py x Px (forward transforms of the s^2 phase frames and one inverse).
# ``benchmarks/mapping_matrix.py`` measured the crossover on the 2-core CPU at 2.2 to 2.3, 2.5 to
# 3.3 and 3.4 to 3.8 updates per FFT point for s = 1, 2, 4 over two runs (RESULTS.md,
# "Mapping-matrix convolution").
JAX_TAP_UPDATES_PER_FFT_POINT = 2.0

# A dense NumPy mapping matrix is routed by the density of a sample of its rows (every
# ``DENSITY_SAMPLE_STRIDE``-th): above ``DENSITY_SAMPLE_MARGIN x SPARSE_MAX_DENSITY`` it goes
# straight to the FFT engine; otherwise its non-zeros are found in one pass and counted exactly.
DENSITY_SAMPLE_STRIDE = 64
DENSITY_SAMPLE_MARGIN = 2.0

# The JAX FFT engine transforms at most this many bytes of phase frames and spectra per block of
# columns (a ``jax.lax.fori_loop`` over column blocks), so its memory is bounded whatever the
# columns. The estimate, (s^2 + 1) Py Px 16 bytes a column, is above what XLA allocates (1000
# columns at s = 2 of the benchmark scene: 512 MB estimated, 395 MB of XLA temporaries in one
# block, 370 MB in two), and the loop costs a few percent, so blocks stay large.
JAX_FFT_MAX_CHUNK_BYTES = 512 * 2**20

# ``normalize=True`` refuses a kernel whose |sum| is below this fraction of sum |values|.
NORMALIZE_MIN_RELATIVE_SUM = 1e-8

# A PSF used for fitting with more than this fraction of sum |values| in its outermost ring of
# samples is truncated by its shape: the PSF wings beyond it are lost (warned).
TRUNCATED_RING_FRACTION = 1e-3

# A PSF used for fitting whose negative values exceed this fraction of its positive ones is
# warned about.
NEGATIVE_LOBE_FRACTION = 0.01

# The NumPy FFT engine transforms at most this many bytes of phase frames at once, so a mapping
# matrix with many columns is convolved in column chunks of bounded memory.
FFT_MAX_CHUNK_BYTES = 64 * 2**20


def kernel_values_from(kernel) -> np.ndarray:
    """
    Return the values of a kernel as a new float64 2D array, after the checks every kernel gets.

    Parameters
    ----------
    kernel : Array2D or numpy.ndarray
        The kernel.

    Raises
    ------
    TypeError
        If ``kernel`` is neither an ``Array2D`` nor a NumPy array.
    KernelException
        If it is not a non-empty 2D array of finite real numbers.
    """
    if isinstance(kernel, Array2D):
        values = kernel.native.array
    elif isinstance(kernel, np.ndarray):
        values = kernel
    else:
        raise TypeError(
            f"kernel must be an Array2D or a 2D numpy array of real numbers, got "
            f"{type(kernel).__name__}."
        )
    values = np.asarray(values)
    if values.dtype.kind not in "iuf":
        raise exc.KernelException(
            f"kernel values must be real numbers, got dtype {values.dtype}"
            + (" (take the real part or the modulus first)." if values.dtype.kind == "c" else ".")
        )
    if values.ndim != 2 or values.size == 0:
        raise exc.KernelException(f"kernel must be a non-empty 2D array, got shape {values.shape}.")
    if not np.isfinite(values).all():
        raise exc.KernelException("kernel values must be finite; the kernel holds NaN or inf.")
    return np.array(values, dtype=np.float64)


def warn_if_psf_questionable(values: np.ndarray):
    """
    Warn about a PSF that would fit data but is probably not what the user meant.

    * Truncated: more than ``TRUNCATED_RING_FRACTION`` of ``sum |values|`` lies in the kernel's
      outermost ring of samples (kernels of at least 3 x 3): the PSF continues beyond the array
      and its wings are cut (a PSF computed on a wide field and cut to a small shape, or a factor
      ``s`` so large that the kernel spans only a few native pixels).
    * A negative total, or negative lobes holding more than ``NEGATIVE_LOBE_FRACTION`` of the
      positive flux (e.g. a difference of PSFs, or an over-subtracted background).
    """
    total = float(np.abs(values).sum())
    if total == 0.0:
        return
    if min(values.shape) >= 3:
        fraction = (total - float(np.abs(values[1:-1, 1:-1]).sum())) / total
        if fraction > TRUNCATED_RING_FRACTION:
            warnings.warn(
                f"The PSF of shape {values.shape} holds {fraction:.2g} of its |flux| in its "
                f"outermost ring of samples (more than {TRUNCATED_RING_FRACTION:g}): it is cut by "
                "the array's shape and its wings are lost. Use a larger kernel (a wider field of "
                "view) if the PSF extends further.",
                UserWarning,
                stacklevel=3,
            )
    positive = float(values[values > 0].sum())
    negative = float(-values[values < 0].sum())
    if negative > positive or negative > NEGATIVE_LOBE_FRACTION * positive:
        warnings.warn(
            f"The PSF has negative values summing to {-negative:.3g} against {positive:.3g} "
            f"positive (total {positive - negative:.3g}): a PSF is a non-negative distribution of "
            "light. Check it is not a difference of PSFs or background-subtracted below zero.",
            UserWarning,
            stacklevel=3,
        )


def check_native_kernel_is_odd(kernel_shape, convolve_over_sample_size: int):
    """
    Raise ``KernelException`` for an even native-resolution (``s = 1``) kernel: its centre falls
    between pixels, so no convolution at the detector's resolution can be centred on it.
    """
    if convolve_over_sample_size == 1 and (kernel_shape[0] % 2 == 0 or kernel_shape[1] % 2 == 0):
        raise exc.KernelException(
            f"A native-resolution kernel (convolve_over_sample_size=1) must have odd dimensions so "
            f"it has a central pixel, got shape {tuple(kernel_shape)}. Resample it to an odd shape "
            "about its centre, or, for an STPSF / WebbPSF file, pass the oversampled product (the "
            "OVERSAMP extension, with convolve_over_sample_size=s) instead of the detector-sampled "
            "one."
        )


def _input_values_from(values, name: str, xp, mask=None, oversampled=False):
    """
    Return the raw values of a convolution input after the checks every input gets.

    Parameters
    ----------
    values : numpy.ndarray, scipy.sparse array, Array2D or jax.Array
        The input.
    name : str
        Its name in messages.
    xp : module
        ``numpy`` or ``jax.numpy``.
    mask : Mask2D, optional
        The mask an ``Array2D`` input must be on (its values are taken in slim order).
    oversampled : bool
        The input holds fine values (``s > 1``), which no ``Array2D`` holds.

    Raises
    ------
    TypeError
        For any other type (lists, None, ...).
    KernelException
        For an ``Array2D`` on another mask (or any ``Array2D`` of fine values), complex or
        non-numeric values. NaN / inf are refused by the convolution itself, from the
        zero-frequency terms of the FFT engine's spectra
        (:func:`convolver_util.convolved_columns_via_fft_from`) or, in real space, from a sparse
        input's stored values or the N outputs (:func:`_check_convolved_finite`), instead of a
        pass over the s^2 more dense inputs.
    """
    if type(values) is np.ndarray and values.dtype.kind == "f":
        return values  # the hot path: a float NumPy array
    if isinstance(values, Array2D) and oversampled:
        raise exc.KernelException(
            f"{name} is an Array2D, but with an oversampled PSF the values are s x s fine values "
            "per pixel in per-pixel sub-block order, which no Array2D holds: pass them as a 1D "
            "numpy array (e.g. light evaluated on grid.over_sampled and pre-binned)."
        )
    if isinstance(values, Array2D) and mask is not None:
        if not values.mask.is_same_as(mask):
            raise exc.KernelException(
                f"{name} is an Array2D on {values.mask!r}, but the convolver's state was built for "
                f"{mask!r}; its values would be used in the wrong pixels. Re-mask it on the state's "
                "mask (Array2D(values.native, mask)) or build the state for its mask."
            )
        values = values.slim.array
    # Every scipy.sparse format has the dtype of its values (LIL's .data is an object array).
    if not (
        scipy.sparse.issparse(values) or isinstance(values, np.ndarray) or is_jax_array(values)
    ):
        raise TypeError(
            f"{name} must be a numpy array, a scipy.sparse matrix, an Array2D or a JAX array of "
            f"real numbers, got {type(values).__name__}."
        )
    if values.dtype.kind not in "iuf":
        detail = (
            ": complex values are not convolved (an FFT would drop the imaginary part)."
            if values.dtype.kind == "c"
            else "."
        )
        raise exc.KernelException(
            f"{name} must hold real numbers, got dtype {values.dtype}{detail}"
        )
    return values


def _check_convolved_finite(out, values, n_top: int):
    """
    Raise ``KernelException`` if the inputs of a NumPy real-space convolution held NaN or inf.

    A ``scipy.sparse`` input (CSR / CSC / COO) is checked on its stored values, a few per row and
    far fewer than the dense ``(N, n_col)`` output. A dense input is checked on the output, ``s^2``
    times smaller: a NaN or inf input reaches the outputs within its kernel footprint, so finite
    outputs mean no input changed the result. Only if the checked sum is not finite are the
    inputs searched (:func:`_check_inputs_finite`). The sum is BLAS ``asum``, which raises no
    floating-point warnings (nor do ``scipy.sparse`` products), so the hot path needs no
    ``np.errstate``.
    """
    # The dense test first: ~0.5 us of this check's ~1 us at the ~20 us of a small-kernel image.
    if type(values) is not np.ndarray and getattr(values, "format", None) in ("csr", "csc", "coo"):
        checked = values.data
    else:
        checked = out.reshape(-1)
    asum = scipy.linalg.blas.sasum if checked.itemsize == 4 else scipy.linalg.blas.dasum
    if not math.isfinite(asum(checked)):
        with np.errstate(over="ignore"):
            _check_inputs_finite(values, n_top)


def _check_inputs_finite(values, n_top: int):
    """
    Raise ``KernelException`` if ``(M s^2, n_col)`` convolution inputs hold NaN or inf, naming
    the part and the first position: the first ``n_top`` rows are the image or mapping matrix,
    the rest its blurring region. Returns if every value is finite.
    """
    image = values.shape[1] == 1 and not scipy.sparse.issparse(values)
    names = (
        ("The image", "The blurring image")
        if image
        else (
            "The mapping matrix",
            "The blurring mapping matrix",
        )
    )
    for name, part in zip(names, (values[:n_top], values[n_top:])):
        raw = part.data if scipy.sparse.issparse(part) else np.asarray(part)
        _check_finite(raw[:, 0] if image else raw, name)


def _check_finite(values, name: str):
    """Raise ``KernelException`` if NumPy ``values`` hold NaN or inf (one sum when they do not)."""
    if values.size and not np.isfinite(values.sum()):
        bad = np.flatnonzero(~np.isfinite(np.asarray(values).ravel()))
        if bad.size:  # else the sum overflowed: finite values, nothing to refuse
            raise exc.KernelException(
                f"{name} holds {bad.size} NaN or inf values (the first at flat index {bad[0]}): "
                "a convolution would spread them to every output. Mask those pixels or fix the "
                "values."
            )


def _density_of(matrices) -> float:
    """The fraction of non-zero entries over the (dense or ``scipy.sparse``) matrices given."""
    total = 0
    size = 0
    for matrix in matrices:
        if matrix is None:
            continue
        total += matrix.nnz if scipy.sparse.issparse(matrix) else int(np.count_nonzero(matrix))
        size += matrix.shape[0] * matrix.shape[1]
    return total / max(size, 1)


def _sampled_density_of(matrix: np.ndarray) -> float:
    """
    The fraction of non-zeros of a dense matrix estimated from every ``DENSITY_SAMPLE_STRIDE``-th
    row: a scan of 1 / stride of it, enough to send dense matrices to the FFT engine.
    """
    sample = matrix[::DENSITY_SAMPLE_STRIDE]
    return np.count_nonzero(sample) / max(sample.size, 1)


def _csr_of_dense_from(matrix: np.ndarray) -> scipy.sparse.csr_array:
    """
    The CSR matrix of a dense 2D NumPy array from one pass over it: a comparison with zero and
    the flat indices of what is non-zero (C order, so rows come sorted).
    """
    matrix = np.ascontiguousarray(matrix)
    n_rows, n_cols = matrix.shape
    flat = np.flatnonzero(matrix.ravel() != 0)
    rows, cols = np.divmod(flat, n_cols)
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n_rows), out=indptr[1:])
    return scipy.sparse.csr_array(
        (matrix.ravel()[flat], cols, indptr), shape=(n_rows, n_cols), copy=False
    )


def _csr_stacked_from(top, bottom, n_bottom_rows: int) -> scipy.sparse.csr_array:
    """
    ``top`` (CSR) above ``bottom`` (sparse or dense, or None: ``n_bottom_rows`` empty rows)
    as one CSR matrix; empty bottom rows only extend ``indptr`` (no copy of the non-zeros).
    """
    top = scipy.sparse.csr_array(top)
    if bottom is None:
        indptr = np.concatenate(
            [top.indptr, np.full(n_bottom_rows, top.indptr[-1], dtype=top.indptr.dtype)]
        )
        return scipy.sparse.csr_array(
            (top.data, top.indices, indptr), shape=(top.shape[0] + n_bottom_rows, top.shape[1])
        )
    if not scipy.sparse.issparse(bottom):
        bottom = _csr_of_dense_from(np.asarray(bottom))
    return scipy.sparse.vstack([top, scipy.sparse.csr_array(bottom)], "csr")


def _bcoo_stacked_from(top, bottom, n_bottom_rows: int):
    """
    ``top`` above ``bottom`` (sparse, or None: ``n_bottom_rows`` empty rows) as one BCOO; the
    non-zeros of both are kept as they are (duplicates included), and padding entries (BCOO's
    out-of-range indices) stay out of range of the stacked matrix.
    """
    import jax.numpy as jnp
    from jax.experimental import sparse as jax_sparse

    top = bcoo_from(top)
    n_top, n_col = top.shape
    n_rows = n_top + n_bottom_rows

    def rows_in_stack(matrix, offset):
        rows = matrix.indices[:, 0]
        return jnp.where(rows < matrix.shape[0], rows + offset, n_rows)

    indices = [jnp.stack([rows_in_stack(top, 0), top.indices[:, 1]], axis=1)]
    data = [top.data]
    if bottom is not None:
        bottom = bcoo_from(bottom)
        indices.append(jnp.stack([rows_in_stack(bottom, n_top), bottom.indices[:, 1]], axis=1))
        data.append(bottom.data.astype(top.data.dtype))
    return jax_sparse.BCOO(
        (jnp.concatenate(data), jnp.concatenate(indices).astype(top.indices.dtype)),
        shape=(n_rows, n_col),
    )


def _unsparse_from(matrix):
    """A ``scipy.sparse`` matrix densified; any other array (NumPy, JAX) unchanged."""
    return matrix.toarray() if scipy.sparse.issparse(matrix) else matrix


def _with_compute_dtype(values, use_mixed_precision, xp):
    """
    ``values`` (dense, ``scipy.sparse`` or JAX) in the dtype every engine computes in: float32
    with mixed precision, else float64 (JAX's canonical float, float32 without 64-bit mode).
    Copied only if the dtype differs.
    """
    dtype = np.float32 if use_mixed_precision else np.float64
    # The common case first: scipy.sparse.issparse is an ABC check, and at the ~65 us of one
    # native image every 0.3 us of Python shows in the benchmark.
    if xp is np and type(values) is np.ndarray and values.dtype == dtype:
        return values
    if scipy.sparse.issparse(values):
        return values.astype(dtype, copy=False)
    if is_bcoo(values):
        import jax

        return values.astype(jax.dtypes.canonicalize_dtype(dtype))
    if xp is not np:
        import jax

        dtype = jax.dtypes.canonicalize_dtype(dtype)
    return xp.asarray(values, dtype=dtype)


class ConvolverState:
    """
    The PSF convolution restricted to one mask: a linear operator from the light of the mask and
    its blurring region to the (binned) blurred image on the mask.

    Build it with :meth:`Convolver.state_from` (or directly).

    Parameters
    ----------
    kernel : Array2D or numpy.ndarray
        The PSF, sampled at ``mask.pixel_scales / s`` (an ``Array2D`` is checked for that).
    mask : Mask2D
        The native-resolution mask whose unmasked pixels receive the convolved values.
    blurring_mask : Mask2D, optional
        The native pixels outside the mask whose light is blurred into it. By default
        :meth:`Convolver.blurring_mask_from` derives it for ``kernel_shape_image_resolution``
        (padding the frame if needed, which keeps the slim order of the mask). A given blurring
        mask may be symmetrically padded relative to the mask.
    convolve_over_sample_size : int
        ``s``: the kernel samples ``s x s`` fine pixels per native pixel.

    Attributes
    ----------
    kernel : numpy.ndarray
        The (read-only) kernel values the state was built from.
    fft_shape : tuple of int
        (Py, Px), the native-resolution frame of the FFT engine (see
        :func:`convolver_util.fft_frame_from`: the bounding box of mask + blurring region, rounded
        up by ``scipy.fft.next_fast_len``).
    kernel_rfft, kernel_rfft_complex64 : numpy.ndarray
        rFFTs of the ``s^2`` polyphase kernels (complex128 and complex64).
    scatter_index, gather_index : numpy.ndarray
        Where each input value (mask then blurring region, per-pixel sub-block order) goes in the
        ``(s^2, Py, Px)`` phase frames, and where each mask pixel is read from a ``(Py, Px)`` frame.
    device_arrays : DeviceArrayCache
        Device copies of the arrays above for the JAX engines (transferred once).
    light_sample_offset : (float, float)
        The (y, x) arcsec offset of the fine cells whose light the inputs hold, from the usual
        fine-pixel centres: ``(0.0, 0.0)`` for an odd kernel, half a fine pixel up (``+y``) along
        an even kernel row axis and left (``-x``) along an even column axis
        (:func:`convolver_util.light_sample_offset_from`).

    Notes
    -----
    Inputs are the values of the mask's pixels then the blurring region's, ``s x s`` per pixel in
    per-pixel sub-block order (``M s^2`` rows, ``M = N + N_blur``); outputs are the ``N`` mask
    pixels. The engines work on the exact polyphase decomposition described in
    :mod:`autoarray.operators.convolver_util`; for ``s > 1`` the fine-frame view (``mask_fine``,
    ``blurring_mask_fine``, ``fine_native_index_for_sub_slim``) is there for inspection.

    An even fine kernel (an STPSF ``OVERSAMP`` product: odd detector field times even ``s``) is
    centred on a fine-pixel corner and is applied exactly, sample for sample. Its inputs are the
    light of fine cells shifted by ``light_sample_offset`` (e.g. light evaluated at
    ``grid.over_sampled_shifted_by(state.light_sample_offset)`` and pre-binned), so that every
    light-to-output distance is one of the kernel's sample offsets; the outputs stay the block
    means of the fine-pixel centres. Fine values at the usual centres would be blurred half a
    fine pixel down and right of their place.
    """

    def __init__(self, kernel, mask: Mask2D, blurring_mask=None, convolve_over_sample_size=1):
        if not isinstance(mask, Mask2D):
            raise exc.KernelException(
                f"A ConvolverState needs a Mask2D, got {type(mask).__name__}."
            )
        if mask.pixels_in_mask == 0:
            raise exc.KernelException(
                f"The mask has no unmasked pixel ({mask!r}); unmask the region to fit."
            )
        s = check_util.positive_int_from(
            convolve_over_sample_size, "convolve_over_sample_size", exc.KernelException
        )
        kernel_native = kernel_values_from(kernel)
        check_native_kernel_is_odd(kernel_native.shape, s)
        if s > 1 and isinstance(kernel, Array2D):
            expected = (mask.pixel_scales[0] / s, mask.pixel_scales[1] / s)
            if not np.allclose(kernel.pixel_scales, expected, rtol=1e-6, atol=0.0):
                raise exc.KernelException(
                    f"With convolve_over_sample_size={s} the kernel must be sampled at the mask's "
                    f"pixel scales / {s} = {expected}, but the kernel has pixel scales "
                    f"{kernel.pixel_scales} and the mask {mask.pixel_scales}."
                )
        kernel_native.setflags(write=False)
        self.kernel = kernel_native
        self.mask = mask
        self.convolve_over_sample_size = s
        self.kernel_shape_image_resolution = convolver_util.kernel_shape_image_resolution_from(
            kernel_native.shape, s
        )
        if blurring_mask is None:
            blurring_mask = blurring_mask_for_kernel_from(mask, self.kernel_shape_image_resolution)
        self.blurring_mask = blurring_mask
        pad = self._padding_from(mask, blurring_mask)
        self.padding = pad
        out_native = np.asarray(mask.derive_indexes.native_for_slim) + np.asarray(pad)
        blur_native = np.asarray(blurring_mask.derive_indexes.native_for_slim)
        if blur_native.size and np.any(
            ~mask.array[
                np.clip(blur_native[:, 0] - pad[0], 0, mask.shape[0] - 1),
                np.clip(blur_native[:, 1] - pad[1], 0, mask.shape[1] - 1),
            ]
            & (blur_native[:, 0] - pad[0] >= 0)
            & (blur_native[:, 0] - pad[0] < mask.shape[0])
            & (blur_native[:, 1] - pad[1] >= 0)
            & (blur_native[:, 1] - pad[1] < mask.shape[1])
        ):
            raise exc.KernelException(
                "The blurring mask unmasks pixels that are also unmasked in the mask; a blurring "
                "region must lie outside the mask (use Convolver.blurring_mask_from(mask))."
            )
        self.output_native = out_native
        self.input_native = (
            np.concatenate([out_native, blur_native]) if blur_native.size else out_native
        )
        self.pixels_in_mask = mask.pixels_in_mask
        self.pixels_in_blurring_mask = blurring_mask.pixels_in_mask

        self.light_sample_offset = convolver_util.light_sample_offset_from(
            kernel_native.shape, (mask.pixel_scales[0] / s, mask.pixel_scales[1] / s)
        )
        kernel_odd = convolver_util.kernel_odd_from(kernel_native)
        self.polyphase_kernels = convolver_util.polyphase_kernels_from(kernel_odd, s)
        self.n_phase = s * s
        self.fft_shape, corner = convolver_util.fft_frame_from(
            self.input_native, self.output_native, self.polyphase_kernels.shape[1:]
        )
        py, px = self.fft_shape
        rel_in = self.input_native - corner
        rel_out = self.output_native - corner
        phase = np.arange(self.n_phase)
        self.scatter_index = (
            phase[None, :] * (py * px) + (rel_in[:, 0] * px + rel_in[:, 1])[:, None]
        ).ravel()
        self.gather_index = rel_out[:, 0] * px + rel_out[:, 1]
        self.kernel_rfft = convolver_util.kernel_rfft_from(self.polyphase_kernels, self.fft_shape)
        self.kernel_rfft_complex64 = self.kernel_rfft.astype(np.complex64)
        for array in (
            self.polyphase_kernels,
            self.scatter_index,
            self.gather_index,
            self.kernel_rfft,
            self.kernel_rfft_complex64,
        ):
            array.setflags(write=False)
        self.device_arrays = DeviceArrayCache()
        self._real_space_operators = {}
        self._tap_tables = None

    @staticmethod
    def _padding_from(mask, blurring_mask):
        diff = np.subtract(blurring_mask.shape_native, mask.shape_native)
        if np.any(diff < 0) or np.any(diff % 2):
            raise exc.KernelException(
                f"The blurring mask's shape {blurring_mask.shape_native} must equal the mask's "
                f"shape {mask.shape_native} or pad it symmetrically."
            )
        return (int(diff[0] // 2), int(diff[1] // 2))

    def __repr__(self):
        return (
            f"ConvolverState(pixels_in_mask={self.pixels_in_mask}, "
            f"pixels_in_blurring_mask={self.pixels_in_blurring_mask}, "
            f"convolve_over_sample_size={self.convolve_over_sample_size}, "
            f"fft_shape={self.fft_shape})"
        )

    # ----------------------------------------------------------------------------- checks

    def check_mask(self, mask):
        """
        Raise ``KernelException`` unless ``mask`` (if not None) is the mask this state was built for.
        """
        if mask is None or mask is self.mask:
            return
        if not self.mask.is_same_as(mask):
            raise exc.KernelException(
                f"This convolver's state was built for {self.mask!r} but the input is on "
                f"{mask!r}. Build a state for the new mask with convolver.state_from(mask)."
            )

    def check_blurring_mask(self, blurring_mask):
        """Raise ``KernelException`` unless ``blurring_mask`` (if not None) is the state's."""
        if blurring_mask is None or blurring_mask is self.blurring_mask:
            return
        if not self.blurring_mask.is_same_as(blurring_mask):
            raise exc.KernelException(
                "blurring_mask differs from the blurring mask of this convolver's state; build "
                "the blurring image or mapping matrix on state.blurring_mask."
            )

    # ------------------------------------------------------------------- engine resources

    def kernel_rfft_for(self, use_mixed_precision=False, xp=np):
        """The kernel rFFT in the requested precision, as an array of ``xp`` (cached)."""
        host = self.kernel_rfft_complex64 if use_mixed_precision else self.kernel_rfft
        if xp is np:
            return host
        return self.device_arrays.array_for(("rfft", bool(use_mixed_precision)), host)

    def indices_for(self, xp=np):
        """``(scatter_index, gather_index)`` as arrays of ``xp`` (cached)."""
        if xp is np:
            return self.scatter_index, self.gather_index
        return (
            self.device_arrays.array_for(("scatter",), self.scatter_index),
            self.device_arrays.array_for(("gather",), self.gather_index),
        )

    def real_space_operator_for(self, use_mixed_precision=False) -> scipy.sparse.csr_array:
        """
        The whole convolution (binned when ``s > 1``) as a sparse ``(N, M s^2)`` matrix, in
        float64 (or float32 with ``use_mixed_precision``); built on first use and kept.
        Its non-zeros are ``N * s^2 * Ky * Kx`` at most.
        """
        key = bool(use_mixed_precision)
        if key not in self._real_space_operators:
            if key:
                operator = self.real_space_operator_for(False).astype(np.float32)
            else:
                operator = convolver_util.real_space_operator_from(
                    self.polyphase_kernels, self.input_native, self.output_native
                )
            self._real_space_operators[key] = operator
        return self._real_space_operators[key]

    def tap_tables_for(self, xp=np) -> tuple:
        """
        ``(output_index, weights)`` of the tap route (:func:`convolver_util.tap_tables_from`):
        (M, T) int32 and (s^2, T) float64, built on first use and kept; as arrays of ``xp``.
        """
        if self._tap_tables is None:
            tables = convolver_util.tap_tables_from(
                self.polyphase_kernels, self.input_native, self.output_native
            )
            for array in tables:
                array.setflags(write=False)
            self._tap_tables = tables
        if xp is np:
            return self._tap_tables
        return (
            self.device_arrays.array_for(("tap_index",), self._tap_tables[0]),
            self.device_arrays.array_for(("tap_weights",), self._tap_tables[1]),
        )

    @property
    def real_space_operator(self) -> scipy.sparse.csr_array:
        """The float64 :meth:`real_space_operator_for`."""
        return self.real_space_operator_for(False)

    # ------------------------------------------------------------------------- inputs

    def image_values_from(self, image, blurring_image, xp=np):
        """
        Return the ``(M s^2, 1)`` input column of an image and its blurring image.

        Parameters
        ----------
        image : Array2D or array_like
            ``N s^2`` values of the mask's pixels (per-pixel sub-block order when ``s > 1``).
        blurring_image : Array2D or array_like or None
            ``N_blur s^2`` values of the blurring region, or None (zeros: the PSF wings from
            outside the mask are then lost).
        xp : module
            ``numpy`` or ``jax.numpy``.

        Raises
        ------
        KernelException
            If a length does not match the state's masks.
        """
        s = self.convolve_over_sample_size
        if type(image) is np.ndarray and image.dtype.kind == "f":
            values = image  # the hot path (NaN / inf are refused by the convolution)
        else:
            values = _input_values_from(
                image,
                "The image",
                xp,
                self.mask if s == 1 else None,
                oversampled=s > 1,
            )
        n_expected = self.pixels_in_mask * s * s
        n = values.shape[0] if values.ndim == 1 else -1
        if n != n_expected:
            if s > 1 and n == self.pixels_in_mask:
                raise exc.KernelException(
                    f"With convolve_over_sample_size={s} the image must hold fine values, "
                    f"{s}x{s} per unmasked pixel ({n_expected} in per-pixel sub-block order), but "
                    f"got {n} native-resolution values. Evaluate the light on "
                    f"grid.over_sampled with over_sample_size={s} (or pre-bin with "
                    "over_sample_util.binned_to_convolve_size_from)."
                )
            raise exc.KernelException(
                f"The image has shape {tuple(values.shape)} but the mask has "
                f"{self.pixels_in_mask} unmasked pixels, so {n_expected} values were expected "
                f"(s={s})."
            )
        n_blur = self.pixels_in_blurring_mask * s * s
        if blurring_image is None:
            blur = xp.zeros(n_blur, dtype=values.dtype)
        elif type(blurring_image) is np.ndarray and blurring_image.dtype.kind == "f":
            blur = blurring_image
        else:
            blur = _input_values_from(
                blurring_image,
                "The blurring image",
                xp,
                self.blurring_mask if s == 1 else None,
                oversampled=s > 1,
            )
        if blur.ndim != 1 or blur.shape[0] != n_blur:
            raise exc.KernelException(
                f"The blurring image has shape {tuple(blur.shape)} but the blurring mask has "
                f"{self.pixels_in_blurring_mask} pixels, so {n_blur} values were expected "
                f"(s={s})."
            )
        return xp.concatenate([values, blur])[:, None]

    def mapping_values_from(
        self, mapping_matrix, blurring_mapping_matrix=None, xp=np, use_fft=None
    ):
        """
        Return the ``(M s^2, n_src)`` input columns of a mapping matrix and its blurring rows.

        Parameters
        ----------
        mapping_matrix : numpy.ndarray or scipy.sparse array or jax.Array or BCOO
            (N s^2, n_src).
        blurring_mapping_matrix : array, optional
            (N_blur s^2, n_src), or None (zero rows).
        xp : module
            ``numpy`` or ``jax.numpy``.
        use_fft : bool or None
            The engine asked for: unless it is True, a dense NumPy matrix whose sampled density
            (:data:`DENSITY_SAMPLE_STRIDE`) is low enough for the sparse operator is converted
            to CSR in one pass.

        Returns
        -------
        scipy.sparse.csr_array or numpy.ndarray or BCOO or jax.Array
            NumPy: ``scipy.sparse`` inputs (and sparse-looking dense ones) as one CSR matrix,
            other dense inputs stacked densely. JAX: sparse inputs (BCOO or ``scipy.sparse``)
            as one BCOO with the given non-zeros, dense inputs stacked densely.

        Raises
        ------
        KernelException
            If the shapes do not match the state's masks.
        """
        s = self.convolve_over_sample_size
        mapping_matrix = _input_values_from(mapping_matrix, "The mapping matrix", xp)
        if blurring_mapping_matrix is not None:
            blurring_mapping_matrix = _input_values_from(
                blurring_mapping_matrix, "The blurring mapping matrix", xp
            )
        n_expected = self.pixels_in_mask * s * s
        if mapping_matrix.ndim != 2 or mapping_matrix.shape[0] != n_expected:
            hint = ""
            if (
                s > 1
                and mapping_matrix.ndim == 2
                and mapping_matrix.shape[0] == self.pixels_in_mask
            ):
                hint = (
                    f" It looks like a native-resolution mapping matrix: with "
                    f"convolve_over_sample_size={s} pass the fine one (one row per fine cell, "
                    "per-pixel sub-block order)."
                )
            raise exc.KernelException(
                f"The mapping matrix has shape {tuple(mapping_matrix.shape)} but {n_expected} rows "
                f"({self.pixels_in_mask} unmasked pixels x {s}^2) were expected.{hint}"
            )
        n_src = mapping_matrix.shape[1]
        n_blur = self.pixels_in_blurring_mask * s * s
        if blurring_mapping_matrix is not None and (
            blurring_mapping_matrix.ndim != 2 or blurring_mapping_matrix.shape != (n_blur, n_src)
        ):
            raise exc.KernelException(
                f"The blurring mapping matrix has shape {tuple(blurring_mapping_matrix.shape)}; "
                f"expected ({n_blur}, {n_src})."
            )
        if xp is not np and (is_bcoo(mapping_matrix) or scipy.sparse.issparse(mapping_matrix)):
            if blurring_mapping_matrix is not None and not (
                is_bcoo(blurring_mapping_matrix) or scipy.sparse.issparse(blurring_mapping_matrix)
            ):
                raise exc.KernelException(
                    "The mapping matrix is sparse but the blurring mapping matrix is a dense "
                    f"{type(blurring_mapping_matrix).__name__}: give both sparse (BCOO or "
                    "scipy.sparse) or both dense."
                )
            return _bcoo_stacked_from(mapping_matrix, blurring_mapping_matrix, n_blur)
        if is_bcoo(blurring_mapping_matrix):
            blurring_mapping_matrix = blurring_mapping_matrix.todense()
        if xp is np and not scipy.sparse.issparse(mapping_matrix) and use_fft is not True:
            # A dense matrix is scanned for its non-zeros only if a sample of its rows says
            # it is sparse enough for the sparse operator (one pass, see _csr_of_dense_from).
            dense = np.asarray(mapping_matrix)
            if _sampled_density_of(dense) <= DENSITY_SAMPLE_MARGIN * SPARSE_MAX_DENSITY:
                mapping_matrix = _csr_of_dense_from(dense)
        if xp is np and scipy.sparse.issparse(mapping_matrix):
            return _csr_stacked_from(mapping_matrix, blurring_mapping_matrix, n_blur)
        top = xp.asarray(_unsparse_from(mapping_matrix))
        if blurring_mapping_matrix is None:
            bottom = xp.zeros((n_blur, n_src), dtype=top.dtype)
        else:
            bottom = xp.asarray(_unsparse_from(blurring_mapping_matrix))
        return xp.concatenate([top, bottom], axis=0)

    # ------------------------------------------------------------------------- engines

    def uses_fft_for(self, values, use_fft=None, xp=np) -> bool:
        """
        Whether :meth:`convolved_columns_from` runs the FFT engine for ``values``.

        ``use_fft`` True / False forces an engine. ``None`` chooses by measurement: one dense
        column (an image) by the polyphase footprint (real space up to
        ``REAL_SPACE_MAX_TAPS * (s^2 + 1)`` taps); NumPy columns by their density of non-zeros
        (the sparse real-space operator up to ``SPARSE_MAX_DENSITY``); sparse JAX columns (BCOO)
        by the work of the tap route, non-zeros x taps, against the FFT engine's
        (:data:`JAX_TAP_UPDATES_PER_FFT_POINT`); dense JAX columns by FFT.
        """
        if use_fft is not None:
            return bool(use_fft)
        if values.shape[1] == 1 and (
            isinstance(values, np.ndarray) or not (scipy.sparse.issparse(values) or is_bcoo(values))
        ):
            return self.polyphase_kernels.size > REAL_SPACE_MAX_TAPS * (self.n_phase + 1)
        if xp is np:
            return _density_of([values]) > SPARSE_MAX_DENSITY
        if is_bcoo(values):
            taps = self.tap_tables_for(np)[0].shape[1]
            py, px = self.fft_shape
            fft_work = values.shape[1] * (self.n_phase + 1) * py * px
            return values.nse * taps > JAX_TAP_UPDATES_PER_FFT_POINT * fft_work
        return True

    def convolved_columns_from(
        self, values, use_fft=None, jax_method="direct", use_mixed_precision=False, xp=np
    ):
        """
        Convolve columns of input values: the one convolution core of images and mapping matrices.

        Parameters
        ----------
        values : numpy.ndarray or scipy.sparse array or jax.Array or BCOO
            ``(M s^2, n_col)`` input values (mask then blurring region, per-pixel sub-block order),
            e.g. from :meth:`image_values_from` or :meth:`mapping_values_from`.
        use_fft : bool or None
            The engine (see :meth:`uses_fft_for`).
        jax_method : str
            ``"direct"`` or ``"fft"``: the method of ``jax.scipy.signal.convolve`` in JAX's
            real-space engine.
        use_mixed_precision : bool
            Compute in float32 / complex64.
        xp : module
            ``numpy`` or ``jax.numpy``.

        Returns
        -------
        numpy.ndarray or jax.Array
            ``(N, n_col)`` dense: each column convolved (and block-mean binned when ``s > 1``).

        Raises
        ------
        KernelException
            NumPy: if an input is NaN or inf (the message names the image / mapping matrix or its
            blurring part and the first flat index). JAX inputs are not checked (traced values).
        """
        if xp is not np:
            warn_if_x64_disabled()
        values = _with_compute_dtype(values, use_mixed_precision, xp)
        fft = self.uses_fft_for(values, use_fft, xp)
        if xp is not np:
            return self._convolved_columns_via_jax_from(
                values, fft, jax_method, use_mixed_precision
            )
        n_top = self.pixels_in_mask * self.n_phase
        if not fft:
            operator = self.real_space_operator_for(use_mixed_precision)
            if isinstance(values, np.ndarray) and values.shape[1] == 1:
                # An image: the matrix-vector product is ~1 us cheaper than a one-column matrix.
                out = csr_util.csr_matvec_from(operator, values[:, 0])[:, None]
            else:
                result = csr_util.csr_matmat_from(operator, values)
                out = result.toarray() if scipy.sparse.issparse(result) else np.asarray(result)
            _check_convolved_finite(out, values, n_top)
            return out
        try:
            return self._convolved_columns_via_fft_np_from(values, use_mixed_precision, True)
        except convolver_util.NonFiniteInputError:
            with np.errstate(over="ignore"):
                _check_inputs_finite(values, n_top)
        # Finite inputs whose sum overflowed (~1e308): nothing to refuse.
        with np.errstate(invalid="ignore", over="ignore"):
            return self._convolved_columns_via_fft_np_from(values, use_mixed_precision, False)

    def _convolved_columns_via_fft_np_from(self, values, use_mixed_precision, refuse_non_finite):
        """The NumPy FFT engine of :meth:`convolved_columns_from`, in column chunks."""
        kernel_rfft = self.kernel_rfft_complex64 if use_mixed_precision else self.kernel_rfft

        def convolved(columns):
            return convolver_util.convolved_columns_via_fft_from(
                columns,
                self.scatter_index,
                self.gather_index,
                kernel_rfft,
                self.fft_shape,
                self.n_phase,
                np,
                refuse_non_finite,
            )

        n_col = values.shape[1]
        py, px = self.fft_shape
        chunk = max(1, FFT_MAX_CHUNK_BYTES // (self.n_phase * py * px * 16))
        if n_col <= chunk:
            return convolved(values)
        out = np.empty((self.pixels_in_mask, n_col), dtype=kernel_rfft.real.dtype)
        # Column slices of CSC are cheap (of CSR, a pass over every non-zero per chunk).
        values = scipy.sparse.csc_array(values) if scipy.sparse.issparse(values) else values
        for start in range(0, n_col, chunk):
            cols = slice(start, min(start + chunk, n_col))
            out[:, cols] = convolved(values[:, cols])
        return out

    def _convolved_columns_via_jax_from(self, values, fft, jax_method, use_mixed_precision):
        """
        The JAX engines of :meth:`convolved_columns_from`: the tap route for sparse (BCOO)
        columns, ``jax.scipy.signal.convolve`` for dense ones in real space, and the FFT engine
        in column blocks of at most :data:`JAX_FFT_MAX_CHUNK_BYTES` of frames.
        """
        import jax.numpy as jnp

        if not fft and is_bcoo(values):
            output_index, weights = self.tap_tables_for(jnp)
            return convolver_util.convolved_columns_via_taps_from(
                values.indices[:, 0],
                values.indices[:, 1],
                values.data,
                values.shape[1],
                output_index,
                weights,
                self.pixels_in_mask,
            )
        if is_bcoo(values):
            values = values.todense()
        scatter, gather = self.indices_for(jnp)
        if not fft:
            return convolver_util.convolved_columns_via_real_space_from(
                values, scatter, gather, self.polyphase_kernels, self.fft_shape, jax_method, jnp
            )
        kernel_rfft = self.kernel_rfft_for(use_mixed_precision, jnp)
        py, px = self.fft_shape
        # Per column: s^2 real frames, their spectra (complex, half width) and one inverse.
        bytes_per_column = (self.n_phase + 1) * py * px * 2 * values.dtype.itemsize
        block = max(1, JAX_FFT_MAX_CHUNK_BYTES // bytes_per_column)

        def convolved(columns):
            return convolver_util.convolved_columns_via_fft_from(
                columns, scatter, gather, kernel_rfft, self.fft_shape, self.n_phase, jnp
            )

        return convolver_util.columns_in_blocks_from(convolved, values, self.pixels_in_mask, block)

    def adjoint_columns_from(self, values, n_inputs=None, use_mixed_precision=False, xp=np):
        """
        Apply the transpose of the convolution to columns of output values (FFT engine).

        Parameters
        ----------
        values : numpy.ndarray or jax.Array
            ``(N, n_col)`` values on the mask's pixels.
        n_inputs : int, optional
            Return only the first ``n_inputs`` input rows (e.g. ``N s^2``: the mask's fine
            cells, without the blurring region). Default: all ``M s^2``.
        use_mixed_precision : bool
            Compute in float32 / complex64.
        xp : module
            ``numpy`` or ``jax.numpy``.

        Returns
        -------
        ``(n_inputs, n_col)``: ``K^T y`` for every column ``y``.
        """
        scatter, gather = self.indices_for(xp)
        if n_inputs is not None:
            scatter = scatter[:n_inputs]
        return convolver_util.adjoint_columns_via_fft_from(
            values,
            scatter,
            gather,
            self.kernel_rfft_for(use_mixed_precision, xp),
            self.fft_shape,
            self.n_phase,
            xp,
        )

    # ------------------------------------------------------------------- fine-frame view

    @property
    def mask_fine(self) -> Mask2D:
        """The (padded) mask upscaled ``s x s`` (pixel scales / s, same extent)."""
        padded = Mask2D(
            np.pad(
                self.mask.array,
                [(self.padding[0],) * 2, (self.padding[1],) * 2],
                constant_values=True,
            ),
            self.mask.pixel_scales,
            self.mask.origin,
        )
        return padded.upscaled_from(self.convolve_over_sample_size)

    @property
    def blurring_mask_fine(self) -> Mask2D:
        """The blurring mask upscaled ``s x s``."""
        return self.blurring_mask.upscaled_from(self.convolve_over_sample_size)

    @property
    def fine_native_index_for_sub_slim(self) -> np.ndarray:
        """
        (M s^2, 2) fine-frame (row, column) of every input value in per-pixel sub-block order
        (mask then blurring region); the fine frame is the (padded) native frame upscaled s x s.
        """
        s = self.convolve_over_sample_size
        a, b = np.divmod(np.arange(s * s), s)
        rows = self.input_native[:, 0:1] * s + a[None, :]
        cols = self.input_native[:, 1:2] * s + b[None, :]
        return np.stack([rows.ravel(), cols.ravel()], axis=-1)


def blurring_mask_for_kernel_from(mask: Mask2D, kernel_shape_image_resolution) -> Mask2D:
    """
    Return the blurring mask of ``mask`` for a kernel footprint of
    ``kernel_shape_image_resolution`` native pixels, padding the frame (masked pixels, same slim
    order) when the footprint crosses its edge. The one place a blurring region is derived.
    """
    padded = mask.derive_mask.padded_from(kernel_shape_image_resolution)
    # The padded frame fits the footprint: the dilation alone, without blurring_from's second
    # padding check (a scan of the whole mask, ~8 % of state_from for a 100 x 100 mask).
    blurring = mask_2d_util.blurring_mask_2d_from(padded.array, kernel_shape_image_resolution)
    return Mask2D(blurring, padded.pixel_scales, padded.origin)


class Convolver:
    """
    A 2D PSF kernel: an immutable value, and the convolution of masked images or mapping
    matrices with it.

    Parameters
    ----------
    kernel : Array2D
        The PSF (its pixel scales are the kernel's own sampling). Use :meth:`no_mask` to build one
        from a plain 2D array.
    state : ConvolverState, optional
        A precomputed :class:`ConvolverState` of this kernel, tied to its mask (another mask
        raises). Without one, every convolution builds a state for its mask (costly: for repeated
        calls give the convolver a state, ``psf.with_state_for(mask)``).
    normalize : bool
        Divide the kernel by its sum (a new array; the caller's kernel is not mutated).
    use_fft : bool or None
        ``True``: FFT engine; ``False``: real space; ``None``: chosen by measurement (see
        :meth:`ConvolverState.uses_fft_for`).
    convolve_over_sample_size : int
        ``s``: the kernel is sampled at the image's pixel scale / s. Inputs are then fine values,
        ``s x s`` per native pixel in per-pixel sub-block order, and outputs are the mean of each
        pixel's ``s x s`` block of the fine convolution. ``s = 1`` is the native convolution.

    Raises
    ------
    TypeError
        If ``convolve_over_sample_size`` is not an int.
    KernelException
        For a kernel that is not a finite, non-empty 2D ``Array2D``, a kernel summing to ``~s^2``
        (an ePSF) without ``normalize``, an invalid ``use_fft``, or a state built for another
        kernel or ``s``.

    Notes
    -----
    * The kernel is applied as a convolution (not a correlation) centred on its geometric centre,
      ``((ky - 1) / 2, (kx - 1) / 2)``; row 0 is the top (+y) of the image.
    * Normalisation: the PSF is expected to sum to 1 at its own sampling (an optical PSF such as
      STPSF's ``OVERSAMP`` extension). A pixel-integrated ePSF (photutils convention, summing to
      ``~s^2``) already contains the detector pixel and is a different object: an un-normalised
      kernel summing to ``~s^2`` with ``s > 1`` is rejected with ``KernelException``.
    * Even fine kernels (STPSF / WebbPSF ``OVERSAMP`` products: an odd detector field times an
      even ``s``) are centred on a sample boundary, a fine-pixel corner, and are applied exactly,
      with no resampling: their inputs are the light of fine cells shifted by
      :attr:`light_sample_offset` (half a fine pixel up and left along the even axes; ``(0, 0)``
      for odd kernels), which makes every light-to-output distance a sample offset of the
      kernel. ``OperateImage.blurred_image_2d_from``, linear light profiles and pixelization
      mappers sample the light there
      (``grid.over_sampled_shifted_by(psf.light_sample_offset)``); callers of the raw
      ``*_from`` methods must do the same. Outputs are the usual block means. Odd and even ``s``
      are both exact (:mod:`autoarray.operators.convolver_util`, "Even kernels"). A native
      (``s = 1``) kernel must be odd.
    * The blurring image carries the light of the pixels outside the mask that the PSF spreads
      into it; without it the PSF wings are lost (a warning says so).
    * A convolver never changes after construction, so one can be shared by threads and datasets.
    """

    def __init__(
        self,
        kernel,
        state: ConvolverState | None = None,
        normalize: bool = False,
        use_fft: bool | None = None,
        convolve_over_sample_size: int = 1,
    ):
        self.convolve_over_sample_size = check_util.positive_int_from(
            convolve_over_sample_size, "convolve_over_sample_size", exc.KernelException
        )
        if isinstance(kernel, Convolver):
            kernel = kernel.kernel
        if not isinstance(kernel, Array2D):
            raise exc.KernelException(
                f"kernel must be an Array2D, got {type(kernel).__name__}; build the convolver "
                "with Convolver.no_mask(values, pixel_scales=...)."
            )
        values = kernel_values_from(kernel)
        s = self.convolve_over_sample_size
        check_native_kernel_is_odd(values.shape, s)
        total = float(values.sum())
        if s > 1 and not normalize and 0.5 * s * s <= total <= 1.5 * s * s:
            raise exc.KernelException(
                f"The kernel sums to {total:.4g}, close to s^2 = {s * s}: it looks like a "
                "pixel-integrated ePSF (photutils convention), which already contains the detector "
                "pixel. Convolver takes an optical PSF (sum ~1) sampled at the image's pixel scale / "
                "s, convolves at that resolution and averages over each pixel; passing an ePSF "
                "would apply the pixel twice and scale the flux by s^2. Pass the optical PSF, or "
                "normalize=True if this kernel really is optical."
            )
        if use_fft not in (None, True, False):
            raise exc.KernelException(f"use_fft must be True, False or None, got {use_fft!r}.")
        if normalize:
            total = values.sum()
            if abs(total) < NORMALIZE_MIN_RELATIVE_SUM * np.abs(values).sum():
                raise exc.KernelException(
                    f"Cannot normalize a kernel whose values sum to ~0 ({total:.3g}, against "
                    f"{np.abs(values).sum():.3g} for the sum of |values|): dividing by the sum would "
                    "scale it by an arbitrary huge factor. A PSF sums to ~1; a difference of PSFs "
                    "is not one. Pass the PSF itself."
                )
            values = values / total
        self.kernel = Array2D(
            values, Mask2D.all_false(values.shape, kernel.pixel_scales, kernel.origin)
        )
        self.kernel.array.setflags(write=False)
        self._light_sample_offset = convolver_util.light_sample_offset_from(
            values.shape, self.kernel.pixel_scales
        )
        self._use_fft = use_fft
        if state is not None:
            if not isinstance(state, ConvolverState):
                raise exc.KernelException(
                    f"state must be a ConvolverState, got {type(state).__name__}."
                )
            if state.convolve_over_sample_size != self.convolve_over_sample_size:
                raise exc.KernelException(
                    f"The state was built with convolve_over_sample_size="
                    f"{state.convolve_over_sample_size} but the convolver has "
                    f"{self.convolve_over_sample_size}."
                )
            if state.kernel.shape != values.shape or not np.array_equal(state.kernel, values):
                raise exc.KernelException(
                    "The state was built from another kernel than this convolver's (after "
                    "normalisation); build it from this one with convolver.state_from(mask)."
                )
        self._state = state

    # ------------------------------------------------------------------------- factories

    @classmethod
    def no_mask(
        cls,
        values,
        pixel_scales,
        shape_native=None,
        origin=(0.0, 0.0),
        normalize=False,
        use_fft=None,
        convolve_over_sample_size=1,
    ) -> "Convolver":
        """A convolver from a plain 2D array of kernel values sampled at ``pixel_scales``."""
        try:
            kernel = Array2D.no_mask(values, pixel_scales, shape_native, origin)
        except exc.AutoArrayException as error:
            raise exc.KernelException(str(error)) from None
        return cls(
            kernel,
            normalize=normalize,
            use_fft=use_fft,
            convolve_over_sample_size=convolve_over_sample_size,
        )

    @classmethod
    def no_blur(cls, pixel_scales, convolve_over_sample_size=1) -> "Convolver":
        """A (1, 1) kernel of value 1: convolution returns the input (binned when s > 1)."""
        return cls.no_mask(
            np.ones((1, 1)), pixel_scales, convolve_over_sample_size=convolve_over_sample_size
        )

    @classmethod
    def from_gaussian(
        cls,
        shape_native,
        pixel_scales,
        sigma,
        centre=(0.0, 0.0),
        axis_ratio=1.0,
        angle=0.0,
        normalize=False,
        convolve_over_sample_size=1,
        use_fft=None,
    ) -> "Convolver":
        """
        A 2D elliptical Gaussian kernel evaluated at the centres of its pixels:
        ``1 / (sigma sqrt(2 pi)) * exp(-0.5 (r / sigma)^2)``, with ``r = sqrt(x'^2 + (y' / q)^2)``
        in the frame rotated by ``angle`` (degrees, counter-clockwise from +x).

        Parameters
        ----------
        shape_native : int or (int, int)
            The kernel's own shape.
        pixel_scales : float or (float, float)
            The kernel's sampling: with ``convolve_over_sample_size = s`` pass the fine pixel
            scales (the image's / s).
        sigma : float
            Standard deviation in arcsec.
        centre : (float, float)
            (y, x) arcsec centre of the Gaussian.
        axis_ratio : float
            In (0, 1].
        angle : float
            Degrees, counter-clockwise from +x.
        normalize : bool
            Divide by the sum of the samples.
        convolve_over_sample_size : int
            ``s`` of the convolver.
        use_fft : bool or None
            The engine choice.
        """
        shape = check_util.pair_of_positive_ints_from(
            shape_native, "shape_native", exc.KernelException
        )
        scales = check_util.pixel_scales_from(pixel_scales, exc.KernelException)
        if not (np.isfinite(sigma) and sigma > 0):
            raise exc.KernelException(f"sigma must be a positive number (arcsec), got {sigma!r}.")
        if not (np.isfinite(axis_ratio) and 0 < axis_ratio <= 1):
            raise exc.KernelException(f"axis_ratio must be in (0, 1], got {axis_ratio!r}.")
        mask = Mask2D.all_false(shape, scales)
        y = mask.centres_native[..., 0] - centre[0]
        x = mask.centres_native[..., 1] - centre[1]
        phi = np.radians(angle)
        x_rot = x * np.cos(phi) + y * np.sin(phi)
        y_rot = -x * np.sin(phi) + y * np.cos(phi)
        r = np.sqrt(x_rot**2 + (y_rot / axis_ratio) ** 2)
        values = np.exp(-0.5 * (r / sigma) ** 2) / (sigma * np.sqrt(2.0 * np.pi))
        return cls(
            Array2D(values, mask),
            normalize=normalize,
            use_fft=use_fft,
            convolve_over_sample_size=convolve_over_sample_size,
        )

    @classmethod
    def from_fits(
        cls,
        file_path,
        hdu=0,
        pixel_scales=None,
        origin=(0.0, 0.0),
        normalize=False,
        convolve_over_sample_size=None,
        use_fft=None,
    ) -> "Convolver":
        """
        Load a kernel from one HDU of a FITS file (index or extension name, e.g. ``"OVERDIST"``).

        The oversampling factor and pixel scales come from the header
        (:func:`autoarray.fits_util.psf_header_info_from` states the rules). An explicit
        ``convolve_over_sample_size`` that disagrees with the header wins, with a ``UserWarning``
        naming both (poppy's ``OpticalSystem`` writes its FFT factor in ``OVERSAMP``); explicit
        ``pixel_scales`` must agree with the header's.

        STPSF / TinyTim PSFs are optical (no detector pixel; sum ~1): convolve then bin, as this
        class does.

        Raises
        ------
        KernelException
            If the header's pixel scales and ``pixel_scales`` disagree, a header card is
            malformed, or no pixel scale is known.
        """
        data, header = fits_util.hdu_from(file_path, hdu)
        if data.ndim != 2:
            raise exc.KernelException(
                f"HDU {hdu!r} of {file_path} holds an array of shape {data.shape}; a kernel is 2D."
            )
        info = fits_util.psf_header_info_from(header)
        header_s = info.convolve_over_sample_size
        header_scales = info.pixel_scales
        if convolve_over_sample_size is None:
            s = header_s if header_s is not None else 1
        else:
            s = check_util.positive_int_from(
                convolve_over_sample_size, "convolve_over_sample_size", exc.KernelException
            )
            if header_s is not None and header_s != s:
                # poppy's OpticalSystem writes its FFT factor in OVERSAMP: the caller may know better.
                warnings.warn(
                    f"convolve_over_sample_size={s} overrides the header of HDU {hdu!r} of "
                    f"{file_path}, which says {info.convolve_over_sample_size_card}.",
                    UserWarning,
                    stacklevel=2,
                )
        if pixel_scales is None:
            if header_scales is None:
                raise exc.KernelException(
                    f"HDU {hdu!r} of {file_path} has no PIXELSCL / PIXSCALE / PIXSCALY header "
                    "keys: pass the kernel's pixel_scales (the image's / s)."
                )
            pixel_scales = header_scales
        else:
            pixel_scales = check_util.pixel_scales_from(pixel_scales, exc.KernelException)
            if header_scales is not None and not np.allclose(
                pixel_scales, header_scales, rtol=1e-6
            ):
                raise exc.KernelException(
                    f"pixel_scales={pixel_scales} conflicts with the header of HDU {hdu!r} of "
                    f"{file_path}, which says {header_scales} arcsec per pixel."
                )
        kernel = Array2D.no_mask(data, pixel_scales, origin=origin)
        return cls(kernel, normalize=normalize, use_fft=use_fft, convolve_over_sample_size=s)

    # ------------------------------------------------------------------------ properties

    @property
    def native(self) -> np.ndarray:
        """The kernel values as a 2D array."""
        return self.kernel.native.array

    @property
    def shape_native(self):
        return self.kernel.shape_native

    @property
    def pixel_scales(self):
        return self.kernel.pixel_scales

    @property
    def origin(self):
        return self.kernel.origin

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.native, dtype=dtype)

    def __repr__(self):
        return (
            f"Convolver(shape_native={self.shape_native}, pixel_scales={self.pixel_scales}, "
            f"convolve_over_sample_size={self.convolve_over_sample_size})"
        )

    @property
    def kernel_shape_image_resolution(self) -> tuple:
        """The kernel footprint in native pixels: ``2 * ceil((k // 2) / s) + 1`` per axis."""
        return convolver_util.kernel_shape_image_resolution_from(
            self.shape_native, self.convolve_over_sample_size
        )

    @property
    def light_sample_offset(self) -> tuple:
        """
        The (y, x) arcsec offset from the usual fine-pixel centres at which the light this PSF
        convolves must be sampled: ``(0.0, 0.0)`` for an odd kernel, ``+pixel_scales[0] / 2`` in
        y along an even row axis and ``-pixel_scales[1] / 2`` in x along an even column axis
        (the kernel's own, fine, pixel scales). See the class Notes and
        :func:`convolver_util.light_sample_offset_from`.
        """
        return self._light_sample_offset

    @property
    def use_fft(self) -> bool | None:
        """The engine choice given at construction (``None`` = automatic)."""
        return self._use_fft

    @property
    def state(self) -> ConvolverState | None:
        """The state given at construction, or None."""
        return self._state

    @property
    def normalized(self) -> "Convolver":
        """A new convolver whose kernel sums to 1 (no state is carried over)."""
        return Convolver(
            self.kernel,
            normalize=True,
            use_fft=self._use_fft,
            convolve_over_sample_size=self.convolve_over_sample_size,
        )

    def native_psf_from(self) -> "Convolver":
        """
        The native-resolution PSF of an oversampled one: the flux-conserving ``s x s`` block sum.

        The native pixel centres sit, in fine pixels, on sample centres when ``s`` is odd and on
        sample boundaries when ``s`` is even. Axes whose kernel centre is of the other kind
        (odd ``k`` with even ``s``, or even ``k`` with odd ``s``) are first resampled at the
        sample boundaries (:func:`convolver_util.kernel_resampled_at_sample_boundaries_from`), so
        the native PSF is centred exactly. The kernel is then zero padded symmetrically to an odd
        number of native pixels and each ``s x s`` block is summed. The result sums to the kernel's
        sum and is sampled at the image's pixel scales.
        """
        s = self.convolve_over_sample_size
        if s == 1:
            return self.with_state(None)
        values = self.native
        axes = [axis for axis in (0, 1) if values.shape[axis] % 2 != s % 2]
        if axes:
            values = convolver_util.kernel_resampled_at_sample_boundaries_from(values, axes)
        native_shape = [2 * math.ceil((k / s - 1) / 2) + 1 for k in values.shape]
        padded = convolver_util.padded_centred_from(
            values, (native_shape[0] * s, native_shape[1] * s)
        )
        binned = padded.reshape(native_shape[0], s, native_shape[1], s).sum(axis=(1, 3))
        scales = (self.pixel_scales[0] * s, self.pixel_scales[1] * s)
        return Convolver.no_mask(binned, scales, use_fft=self._use_fft)

    # --------------------------------------------------------------------------- states

    def blurring_mask_from(self, mask: Mask2D) -> Mask2D:
        """
        The blurring mask of ``mask`` for this kernel: the masked pixels within
        ``kernel_shape_image_resolution`` of an unmasked one. The frame is padded (masked pixels,
        same slim order) when the region crosses its edge, so the result may be larger than
        ``mask``.
        """
        return blurring_mask_for_kernel_from(mask, self.kernel_shape_image_resolution)

    def state_from(self, mask: Mask2D, blurring_mask: Mask2D | None = None) -> ConvolverState:
        """A new :class:`ConvolverState` of this kernel for ``mask`` (native resolution)."""
        return ConvolverState(self.kernel, mask, blurring_mask, self.convolve_over_sample_size)

    def with_state(self, state: ConvolverState | None) -> "Convolver":
        """A convolver of the same kernel and settings holding ``state`` (None: no state)."""
        return Convolver(
            self.kernel,
            state=state,
            use_fft=self._use_fft,
            convolve_over_sample_size=self.convolve_over_sample_size,
        )

    def with_state_for(self, mask: Mask2D, blurring_mask: Mask2D | None = None) -> "Convolver":
        """
        A convolver of the same kernel holding a state precomputed for ``mask`` (and
        ``blurring_mask``); this convolver is left untouched.
        """
        return self.with_state(self.state_from(mask, blurring_mask))

    def state_for(self, mask: Mask2D | None) -> ConvolverState:
        """
        The state a convolution on ``mask`` uses: the convolver's own (checked against ``mask``),
        else a new one for ``mask``.

        Raises
        ------
        KernelException
            If the convolver's state is for another mask, or there is neither a state nor a mask.
        """
        if self._state is not None:
            self._state.check_mask(mask)
            return self._state
        if mask is None:
            raise exc.KernelException(
                "This convolution needs a ConvolverState but the convolver has none and the "
                "input carries no mask: pass mask=..., an Array2D image, or build the convolver "
                "with psf.with_state_for(mask)."
            )
        return self.state_from(mask)

    # ---------------------------------------------------------------------------- images

    def _convolved_image_from(self, image, blurring_image, mask, use_fft, jax_method, mp, xp):
        if mask is None and isinstance(image, Array2D) and self.convolve_over_sample_size == 1:
            mask = image.mask
        state = self.state_for(mask)
        values = state.image_values_from(image, blurring_image, xp)
        if blurring_image is None and state.pixels_in_blurring_mask:
            warnings.warn(
                "convolved_image_from got no blurring_image: the light of pixels outside the "
                "mask that the PSF spreads into it is missing (PSF wings are lost).",
                UserWarning,
                stacklevel=3,
            )
        out = state.convolved_columns_from(values, use_fft, jax_method, mp, xp)
        return Array2D(out[:, 0], state.mask)

    def convolved_image_from(
        self,
        image,
        blurring_image,
        jax_method="direct",
        use_mixed_precision=False,
        xp=np,
        mask: Mask2D | None = None,
    ) -> Array2D:
        """
        Convolve a masked image (and the light of its blurring region) with the PSF.

        Parameters
        ----------
        image : Array2D or array_like
            Values on the unmasked pixels: an ``Array2D`` (s = 1) or a plain array. With
            ``convolve_over_sample_size = s > 1``: ``N s^2`` fine values, ``s x s`` per unmasked
            pixel in per-pixel sub-block order (the cells whose centres
            ``Grid2D.over_sampled`` with ``over_sample_size = s`` lists; for an even kernel the
            cells at ``grid.over_sampled_shifted_by(psf.light_sample_offset)``, class Notes).
        blurring_image : Array2D or array_like or None
            The same for the blurring mask (``state.blurring_mask``), or None (warns: the PSF
            wings from outside the mask are then lost).
        jax_method : str
            ``"direct"`` or ``"fft"``: the method of ``jax.scipy.signal.convolve`` for the JAX
            real-space engine.
        use_mixed_precision : bool
            Compute in float32 / complex64.
        xp : module
            ``numpy`` or ``jax.numpy``.
        mask : Mask2D, optional
            The native mask of the image; taken from an ``Array2D`` image or the state if omitted.

        Returns
        -------
        Array2D
            The convolved image on the native mask (the block mean of the fine convolution when
            ``s > 1``).
        """
        return self._convolved_image_from(
            image, blurring_image, mask, self._use_fft, jax_method, use_mixed_precision, xp
        )

    def convolved_image_via_real_space_from(
        self, image, blurring_image=None, jax_method="direct", xp=np, mask=None
    ) -> Array2D:
        """:meth:`convolved_image_from` with the real-space engine."""
        return self._convolved_image_from(image, blurring_image, mask, False, jax_method, False, xp)

    def convolved_image_via_real_space_np_from(
        self, image, blurring_image=None, mask=None
    ) -> Array2D:
        """:meth:`convolved_image_from` with NumPy's real-space engine (the sparse operator)."""
        return self._convolved_image_from(image, blurring_image, mask, False, "direct", False, np)

    # ------------------------------------------------------------------- mapping matrices

    def _convolved_mapping_matrix_from(
        self, mapping_matrix, mask, blurring_mapping_matrix, blurring_mask, use_fft, jm, mp, xp
    ):
        state = self.state_for(mask)
        state.check_blurring_mask(blurring_mask)
        values = state.mapping_values_from(mapping_matrix, blurring_mapping_matrix, xp, use_fft)
        return state.convolved_columns_from(values, use_fft, jm, mp, xp)

    def convolved_mapping_matrix_from(
        self,
        mapping_matrix,
        mask,
        blurring_mapping_matrix=None,
        blurring_mask=None,
        jax_method="direct",
        use_mixed_precision=False,
        xp=np,
    ):
        """
        Convolve every column of a mapping matrix (the image of one source pixel) with the PSF.

        Parameters
        ----------
        mapping_matrix : numpy.ndarray or scipy.sparse array or jax.Array or BCOO
            (N s^2, n_src): row = unmasked pixel (fine cell in per-pixel sub-block order when
            ``s > 1``; shifted by :attr:`light_sample_offset` for an even kernel), column =
            source pixel. Under JAX a ``jax.experimental.sparse.BCOO`` (e.g. a JAX mapper's)
            keeps its static number of non-zeros under ``jax.jit``.
        mask : Mask2D
            The native mask.
        blurring_mapping_matrix : array, optional
            (N_blur s^2, n_src) for the blurring region, or None.
        blurring_mask : Mask2D, optional
            If given it must be the state's blurring mask.
        jax_method, use_mixed_precision, xp
            As in :meth:`convolved_image_from`.

        Returns
        -------
        numpy.ndarray or jax.Array
            (N, n_src) dense: each column the (binned) convolution of that column.

        Notes
        -----
        With ``use_fft=None`` NumPy picks the sparse real-space operator for matrices with at most
        ``SPARSE_MAX_DENSITY`` non-zeros (cost ~ non-zeros x kernel area, no dense fine cube) and
        the FFT engine, in column chunks of bounded memory, for denser ones; a dense ndarray is
        first routed by the density of a sample of its rows, and converted to CSR in one pass
        only when it looks sparse. JAX takes sparse matrices (``jax.experimental.sparse.BCOO``,
        or ``scipy.sparse``) through the tap route when its measured work is lower
        (:data:`JAX_TAP_UPDATES_PER_FFT_POINT`; cost ~ non-zeros x taps, memory the (N, n_src)
        result) and dense ones through the FFT engine in column blocks of at most
        :data:`JAX_FFT_MAX_CHUNK_BYTES` of frames.
        """
        return self._convolved_mapping_matrix_from(
            mapping_matrix,
            mask,
            blurring_mapping_matrix,
            blurring_mask,
            self._use_fft,
            jax_method,
            use_mixed_precision,
            xp,
        )

    def convolved_mapping_matrix_via_real_space_from(
        self,
        mapping_matrix,
        mask,
        blurring_mapping_matrix=None,
        blurring_mask=None,
        jax_method="direct",
        xp=np,
    ):
        """:meth:`convolved_mapping_matrix_from` with the real-space engine."""
        return self._convolved_mapping_matrix_from(
            mapping_matrix,
            mask,
            blurring_mapping_matrix,
            blurring_mask,
            False,
            jax_method,
            False,
            xp,
        )

    def convolved_mapping_matrix_via_real_space_np_from(
        self, mapping_matrix, mask, blurring_mapping_matrix=None, blurring_mask=None
    ):
        """:meth:`convolved_mapping_matrix_from` with NumPy's sparse real-space operator."""
        return self._convolved_mapping_matrix_from(
            mapping_matrix,
            mask,
            blurring_mapping_matrix,
            blurring_mask,
            False,
            "direct",
            False,
            np,
        )

    def mapping_matrix_native_from(
        self,
        mapping_matrix,
        mask,
        blurring_mapping_matrix=None,
        blurring_mask=None,
        use_mixed_precision=False,
        xp=np,
    ):
        """
        Scatter a slim mapping matrix (and blurring mapping matrix) into a native cube.

        Returns
        -------
        (ny s, nx s, n_src) array on the (padded) native frame upscaled ``s x s``: the fine cube
        when ``s > 1``, the native cube ``(ny, nx, n_src)`` when ``s = 1``.
        """
        state = self.state_for(mask)
        state.check_blurring_mask(blurring_mask)
        values = state.mapping_values_from(mapping_matrix, blurring_mapping_matrix, xp, True)
        values = values.todense() if is_bcoo(values) else _unsparse_from(values)
        dtype = np.float32 if use_mixed_precision else np.float64
        fine = state.fine_native_index_for_sub_slim
        shape = state.mask_fine.shape_native
        if xp is np:
            cube = np.zeros((*shape, values.shape[1]), dtype=dtype)
            cube[fine[:, 0], fine[:, 1]] = values
            return cube
        cube = xp.zeros((*shape, values.shape[1]), dtype=dtype)
        return cube.at[fine[:, 0], fine[:, 1]].set(values.astype(dtype))
