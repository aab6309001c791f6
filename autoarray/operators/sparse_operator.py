"""
The :class:`ImagingSparseOperator`: everything the sparse formalism of imaging inversions needs
that depends only on the mask, the PSF and the noise map, built once per dataset, for native and
oversampled PSFs alike.

It lives in the operators layer (beside the :class:`Convolver` it wraps) so that the dataset can
hold one without importing :mod:`autoarray.inversion`; :class:`autoarray.InversionImagingSparse`
uses it. See :mod:`autoarray.operators.sparse_util` for the algebra and the three engines.
"""

from functools import cached_property

import numpy as np
import scipy.sparse

from autoarray import check_util, exc
from autoarray.device_cache import DeviceArrayCache
from autoarray.operators import sparse_util
from autoarray.operators.convolver import Convolver
from autoarray.structures.arrays.array_2d import Array2D

__all__ = ["ImagingSparseOperator"]


class ImagingSparseOperator:
    """
    Everything the sparse formalism needs that depends only on the mask, the PSF and the noise
    map: the noise-weighted PSF operator ``R = N^-1/2 K`` (so ``W = K^T N^-1 K = R^T R``), the
    FFT state of the PSF, and, when its engine asks for it, ``W`` itself.

    Build it with :meth:`from_noise_map_and_psf`, or let the dataset do it:
    ``dataset = dataset.apply_sparse_operator()``.

    Parameters
    ----------
    noise_map : Array2D
        The dataset's noise map (its mask is the dataset's mask).
    psf : Convolver or None
        The PSF of pixelizations (``dataset.psf_pixelization``), whose
        ``convolve_over_sample_size = s`` is the pixelization channel's, or None (no blurring).
    engine : str
        How ``W`` is applied (see :mod:`autoarray.operators.sparse_util`): ``"w_sparse"``,
        ``"w_fft"``, ``"factored"``, or ``"auto"`` (default): ``"w_sparse"`` for a native PSF,
        ``"factored"`` for an oversampled one, the fastest on the CPU in
        ``benchmarks/RESULTS.md``. The JAX methods always use ``"w_fft"``.
    batch_size : int
        Columns per batch of the ``"w_fft"`` engine (memory ``N s^2 x batch_size``).

    Attributes
    ----------
    mask : Mask2D
        The noise map's mask.
    convolve_over_sample_size : int
        ``s`` of the PSF.
    noise_map : numpy.ndarray
        (N,) read-only float64 copy of the noise map's slim values.
    state : ConvolverState
        The PSF's state on the mask (the FFT engine's indices and kernel FFT).
    weighted_operator : scipy.sparse.csr_array
        (N, N s^2) ``R``.
    device_arrays : DeviceArrayCache
        Device copies of the operator's own arrays for the JAX methods (the state's arrays are
        cached by the state).

    Raises
    ------
    TypeError
        If ``batch_size`` is not an int.
    InversionException
        For an unknown engine, a batch size < 1, a noise map that is not an ``Array2D`` or has
        non-positive or non-finite values, or a PSF that is not a ``Convolver``.

    Notes
    -----
    As in the mapping formalism, pixelizations do not use the blurring region: ``K`` holds the
    columns of the mask's fine pixels only. The operator is tied to its mask and noise map;
    :class:`autoarray.InversionImagingSparse` and :class:`autoarray.Imaging` check both.
    """

    def __init__(self, noise_map: Array2D, psf: Convolver | None, engine="auto", batch_size=64):
        _check_engine(engine)
        self.batch_size = check_util.positive_int_from(
            batch_size, "batch_size", exc.InversionException
        )
        if not isinstance(noise_map, Array2D):
            raise exc.InversionException(
                f"noise_map must be an Array2D (on the dataset's mask), got "
                f"{type(noise_map).__name__}."
            )
        mask = noise_map.mask
        if psf is None:
            psf = Convolver.no_blur(mask.pixel_scales)
        if not isinstance(psf, Convolver):
            raise exc.InversionException(f"psf must be a Convolver, got {type(psf).__name__}.")
        sigma = np.array(noise_map.slim.array, dtype=np.float64)
        if not np.all(np.isfinite(sigma) & (sigma > 0)):
            raise exc.InversionException(
                "The noise map has non-positive or non-finite values; the sparse operator "
                "weights every pixel by 1 / sigma^2, so every unmasked pixel needs sigma > 0."
            )
        state = psf.state
        if state is None or not state.mask.is_same_as(mask):
            state = psf.state_from(mask)
        s = psf.convolve_over_sample_size
        n = mask.pixels_in_mask
        self.mask = mask
        self.convolve_over_sample_size = s
        self.pixels_in_mask = n
        self.noise_map = sigma
        self.noise_map.setflags(write=False)
        self.state = state
        self.engine = engine
        kernel_operator = state.real_space_operator[:, : n * s * s]
        self.weighted_operator = sparse_util.weighted_operator_from(kernel_operator, sigma)
        self.device_arrays = DeviceArrayCache()

    @classmethod
    def from_noise_map_and_psf(
        cls, noise_map: Array2D, psf: Convolver | None, engine="auto", batch_size=64
    ) -> "ImagingSparseOperator":
        """
        Return the operator of ``noise_map`` (and its mask) and ``psf``.

        Parameters
        ----------
        noise_map : Array2D
            The dataset's noise map.
        psf : Convolver or None
            The PSF of pixelizations.
        engine : str
            ``"auto"``, ``"w_sparse"``, ``"w_fft"`` or ``"factored"``.
        batch_size : int
            Columns per batch of the ``"w_fft"`` engine.

        Returns
        -------
        ImagingSparseOperator

        Raises
        ------
        TypeError, InversionException
            As the class.
        """
        return cls(noise_map, psf, engine=engine, batch_size=batch_size)

    def __repr__(self):
        return (
            f"ImagingSparseOperator(pixels={self.pixels_in_mask}, "
            f"convolve_over_sample_size={self.convolve_over_sample_size}, "
            f"engine={self.engine!r} -> {self.engine_for()!r})"
        )

    # ------------------------------------------------------------------------ engines

    def engine_for(self, engine=None) -> str:
        """
        Return the engine the NumPy methods run for ``engine``.

        Parameters
        ----------
        engine : str or None
            One of :data:`autoarray.operators.sparse_util.ENGINES`; None: the operator's.

        Returns
        -------
        str
            ``"w_sparse"``, ``"w_fft"`` or ``"factored"`` (``"auto"`` resolved by ``s``).

        Raises
        ------
        InversionException
            For an unknown engine.
        """
        engine = self.engine if engine is None else engine
        _check_engine(engine)
        if engine == "auto":
            return "w_sparse" if self.convolve_over_sample_size == 1 else "factored"
        return engine

    @cached_property
    def w_matrix(self) -> scipy.sparse.csr_array:
        """``W = K^T N^-1 K`` (``N s^2 x N s^2``, sparse); built on first use."""
        return sparse_util.w_matrix_from(self.weighted_operator)

    @cached_property
    def inverse_variances(self) -> np.ndarray:
        """``1 / sigma^2`` (N,)."""
        return 1.0 / self.noise_map**2

    def _fft_inputs_for(self, xp=np) -> sparse_util.FFTInputs:
        """The FFT engine's arrays restricted to the mask's fine pixels, as arrays of ``xp``."""
        n_fine = self.pixels_in_mask * self.convolve_over_sample_size**2
        scatter = self.state.scatter_index[:n_fine]
        if xp is not np:
            scatter = self.state.device_arrays.array_for(("scatter", "mask"), scatter)
        _, gather = self.state.indices_for(xp)
        return sparse_util.FFTInputs(
            scatter,
            gather,
            self.state.kernel_rfft_for(xp=xp),
            tuple(self.state.fft_shape),
            self.state.n_phase,
        )

    # ----------------------------------------------------------------- NumPy algebra

    def check_mapping_matrix(self, mapping_matrix):
        """
        Check that ``mapping_matrix`` has ``N s^2`` rows for the operator's mask.

        Parameters
        ----------
        mapping_matrix : numpy.ndarray or scipy.sparse.sparray
            The (fine) mapping matrix.

        Raises
        ------
        InversionException
            See :func:`autoarray.operators.sparse_util.check_mapping_matrix_rows`.
        """
        sparse_util.check_mapping_matrix_rows(
            mapping_matrix, self.mask, self.convolve_over_sample_size
        )

    def curvature_matrix_from(self, mapping_matrix, engine=None) -> np.ndarray:
        """
        Return ``F = A^T W A`` without forming the dense blurred mapping matrix.

        Parameters
        ----------
        mapping_matrix : scipy.sparse.sparray or numpy.ndarray
            (N s^2, S) ``A``, rows in per-pixel sub-block order.
        engine : str or None
            The engine (:meth:`engine_for`); None: the operator's.

        Returns
        -------
        numpy.ndarray
            (S, S) dense, symmetric.

        Raises
        ------
        InversionException
            If ``A`` does not have ``N s^2`` rows, or the engine is unknown.
        """
        self.check_mapping_matrix(mapping_matrix)
        engine = self.engine_for(engine)
        if engine == "w_sparse":
            return sparse_util.curvature_matrix_via_w_sparse_from(mapping_matrix, self.w_matrix)
        if engine == "factored":
            return sparse_util.curvature_matrix_via_factored_from(
                mapping_matrix, self.weighted_operator
            )
        return sparse_util.curvature_matrix_via_w_fft_from(
            mapping_matrix, self.inverse_variances, self._fft_inputs_for(), self.batch_size
        )

    def data_vector_from(self, mapping_matrix, data) -> np.ndarray:
        """
        Return ``D = A^T K^T (d / sigma^2)``.

        Parameters
        ----------
        mapping_matrix : scipy.sparse.sparray or numpy.ndarray
            (N s^2, S) ``A``.
        data : Array2D or numpy.ndarray
            (N,) data on the operator's mask.

        Returns
        -------
        numpy.ndarray
            (S,).

        Raises
        ------
        InversionException
            If ``A`` does not have ``N s^2`` rows.
        """
        self.check_mapping_matrix(mapping_matrix)
        return sparse_util.data_vector_from(
            mapping_matrix,
            self.weighted_operator,
            sparse_util.values_slim_from(data),
            self.noise_map,
        )

    def cross_curvature_from(self, mapping_matrix, operated_mapping_matrix) -> np.ndarray:
        """
        Return ``A^T K^T N^-1 M~``: the curvature between the mapping matrix's parameters and
        already-operated columns (e.g. blurred linear light profiles).

        Parameters
        ----------
        mapping_matrix : scipy.sparse.sparray or numpy.ndarray
            (N s^2, S) ``A``.
        operated_mapping_matrix : numpy.ndarray
            (N, L) operated columns ``M~``.

        Returns
        -------
        numpy.ndarray
            (S, L).

        Raises
        ------
        InversionException
            If ``A`` does not have ``N s^2`` rows.
        """
        self.check_mapping_matrix(mapping_matrix)
        weighted = np.asarray(operated_mapping_matrix) / self.noise_map[:, None]
        fine = self.weighted_operator.T @ weighted
        return np.asarray(scipy.sparse.csr_array(mapping_matrix).T @ fine)

    def blurred_image_from(self, fine_image) -> np.ndarray:
        """
        Return ``K v``: a fine image blurred at fine resolution and binned to the mask's pixels.

        Parameters
        ----------
        fine_image : numpy.ndarray
            (N s^2,) values in per-pixel sub-block order.

        Returns
        -------
        numpy.ndarray
            (N,).
        """
        return self.noise_map * (self.weighted_operator @ np.asarray(fine_image))

    # --------------------------------------------------------------------- JAX algebra

    def curvature_matrix_via_jax_from(self, rows, cols, values, pixels: int):
        """
        Return ``F = A^T W A`` with JAX (the ``"w_fft"`` engine); jit-able.

        Parameters
        ----------
        rows, cols : jax.Array
            (nnz,) int row and column of every non-zero of ``A``.
        values : jax.Array
            (nnz,) the non-zeros of ``A`` (differentiable).
        pixels : int
            The number of columns ``S`` of ``A`` (static under ``jax.jit``).

        Returns
        -------
        jax.Array
            (S, S), symmetric.
        """
        import jax.numpy as jnp

        return sparse_util.curvature_matrix_via_w_fft_jax_from(
            rows,
            cols,
            values,
            self._inverse_variances_on_device(),
            self._fft_inputs_for(jnp),
            pixels=int(pixels),
            batch_size=self.batch_size,
        )

    def data_vector_via_jax_from(self, rows, cols, values, pixels: int, data):
        """
        Return ``D = A^T K^T (d / sigma^2)`` with JAX; jit-able.

        Parameters
        ----------
        rows, cols, values : jax.Array
            The non-zeros of ``A``, as in :meth:`curvature_matrix_via_jax_from`.
        pixels : int
            The number of columns ``S`` of ``A`` (static under ``jax.jit``).
        data : jax.Array
            (N,) data on the operator's mask.

        Returns
        -------
        jax.Array
            (S,).
        """
        import jax.numpy as jnp

        return sparse_util.data_vector_via_jax_from(
            rows,
            cols,
            values,
            data * self._inverse_variances_on_device(),
            self._fft_inputs_for(jnp),
            pixels=int(pixels),
        )

    def cross_curvature_via_jax_from(self, rows, cols, values, pixels: int, operated):
        """
        Return ``A^T K^T N^-1 M~`` with JAX (:meth:`cross_curvature_from`); jit-able.

        Parameters
        ----------
        rows, cols, values : jax.Array
            The non-zeros of ``A``, as in :meth:`curvature_matrix_via_jax_from`.
        pixels : int
            The number of columns ``S`` of ``A`` (static under ``jax.jit``).
        operated : jax.Array
            (N, L) operated columns ``M~``.

        Returns
        -------
        jax.Array
            (S, L).
        """
        import jax.numpy as jnp

        return sparse_util.adjoint_mapped_via_jax_from(
            rows,
            cols,
            values,
            operated * self._inverse_variances_on_device()[:, None],
            self._fft_inputs_for(jnp),
            pixels=int(pixels),
        )

    def blurred_image_via_jax_from(self, rows, cols, values, reconstruction):
        """
        Return ``K (A s)`` with JAX (:meth:`blurred_image_from` of ``A s``); jit-able.

        Parameters
        ----------
        rows, cols, values : jax.Array
            The non-zeros of ``A``.
        reconstruction : jax.Array
            (S,) values of the columns of ``A``.

        Returns
        -------
        jax.Array
            (N,).
        """
        import jax.numpy as jnp

        return sparse_util.blurred_image_via_jax_from(
            rows, cols, values, reconstruction, self._fft_inputs_for(jnp)
        )

    def _inverse_variances_on_device(self):
        return self.device_arrays.array_for(("inverse_variances",), self.inverse_variances)


def _check_engine(engine):
    """Raise ``InversionException`` unless ``engine`` is one of ``sparse_util.ENGINES``."""
    if engine not in sparse_util.ENGINES:
        raise exc.InversionException(
            f"engine must be one of {', '.join(map(repr, sparse_util.ENGINES))}, got {engine!r}."
        )
