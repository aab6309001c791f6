"""
The sparse linear-algebra formalism of imaging inversions: a per-dataset
:class:`ImagingSparseOperator` (built once from the noise map and the PSF) and the
:class:`InversionImagingSparse` that uses it, for native and oversampled PSFs alike.

See :mod:`autoarray.inversion.sparse_util` for the algebra and the three engines.
"""

from functools import cached_property

import numpy as np
import scipy.sparse

from autoarray import check_util, exc
from autoarray.inversion import sparse_util
from autoarray.inversion.mapping import InversionImaging, _raw_from, check_mapping_matrix_rows
from autoarray.operators.convolver import Convolver
from autoarray.structures.arrays.array_2d import Array2D

__all__ = ["ImagingSparseOperator", "InversionImagingSparse"]


class ImagingSparseOperator:
    """
    Everything the sparse formalism needs that depends only on the mask, the PSF and the noise
    map: the noise-weighted PSF operator ``R = N^-1/2 K`` (so ``W = K^T N^-1 K = R^T R``), the
    FFT state of the PSF, and, when its engine asks for it, ``W`` itself.

    Build it with :meth:`from_noise_map_and_psf`, or let the dataset do it:
    ``dataset = dataset.apply_sparse_operator()``.

    Parameters
    ----------
    noise_map
        The dataset's noise map (``Array2D``; its mask is the dataset's mask).
    psf
        The PSF of pixelizations (``dataset.psf_pixelization``), a :class:`Convolver` whose
        ``convolve_over_sample_size = s`` is the pixelization channel's, or None (no blurring).
    engine
        How ``W`` is applied (see :mod:`autoarray.inversion.sparse_util`): ``"w_sparse"``,
        ``"w_fft"``, ``"factored"``, or ``"auto"`` (default): ``"w_sparse"`` for a native PSF,
        ``"factored"`` for an oversampled one, the fastest on the CPU in
        ``benchmarks/RESULTS.md``. JAX always uses ``"w_fft"``.
    batch_size
        Columns per batch of the ``"w_fft"`` engine (memory ``N s^2 x batch_size``).

    Raises
    ------
    InversionException
        For an unknown engine, a batch size that is not a positive int, a noise map that is
        not an ``Array2D`` or has non-positive values, or a PSF that is not a ``Convolver``.

    Notes
    -----
    As in the mapping formalism, pixelizations do not use the blurring region: ``K`` holds the
    columns of the mask's fine pixels only. The operator is tied to its mask and noise map;
    :class:`InversionImagingSparse` checks both.
    """

    def __init__(self, noise_map: Array2D, psf: Convolver | None, engine="auto", batch_size=64):
        if engine not in sparse_util.ENGINES:
            raise exc.InversionException(
                f"engine must be one of {', '.join(map(repr, sparse_util.ENGINES))}, got "
                f"{engine!r}."
            )
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
        self._device_cache = {}

    @classmethod
    def from_noise_map_and_psf(
        cls, noise_map: Array2D, psf: Convolver | None, engine="auto", batch_size=64
    ) -> "ImagingSparseOperator":
        """The operator of ``noise_map`` (and its mask) and ``psf`` (see the class)."""
        return cls(noise_map, psf, engine=engine, batch_size=batch_size)

    def __repr__(self):
        return (
            f"ImagingSparseOperator(pixels={self.pixels_in_mask}, "
            f"convolve_over_sample_size={self.convolve_over_sample_size}, "
            f"engine={self.engine!r} -> {self.engine_for()!r})"
        )

    # ------------------------------------------------------------------------ engines

    def engine_for(self, engine=None) -> str:
        """The engine the NumPy path runs for ``engine`` (default: the operator's)."""
        engine = self.engine if engine is None else engine
        if engine not in sparse_util.ENGINES:
            raise exc.InversionException(
                f"engine must be one of {', '.join(map(repr, sparse_util.ENGINES))}, got "
                f"{engine!r}."
            )
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

    def _fft_inputs(self, xp=np):
        n_fine = self.pixels_in_mask * self.convolve_over_sample_size**2
        scatter, gather = self.state.indices_for(xp)
        return scatter[:n_fine], gather, self.state.kernel_rfft_for(xp=xp)

    # ----------------------------------------------------------------- NumPy algebra

    def check_mapping_matrix(self, mapping_matrix):
        """Raise ``InversionException`` unless the mapping matrix has ``N s^2`` rows."""
        check_mapping_matrix_rows(mapping_matrix, self.mask, self.convolve_over_sample_size)

    def curvature_matrix_from(self, mapping_matrix, engine=None) -> np.ndarray:
        """
        ``F = A^T W A`` (S, S) of the (fine) mapping matrix ``A`` (sparse or dense, ``N s^2``
        rows in per-pixel sub-block order), without the dense blurred mapping matrix.
        """
        self.check_mapping_matrix(mapping_matrix)
        engine = self.engine_for(engine)
        if engine == "w_sparse":
            return sparse_util.curvature_matrix_via_w_sparse_from(mapping_matrix, self.w_matrix)
        if engine == "factored":
            return sparse_util.curvature_matrix_via_factored_from(
                mapping_matrix, self.weighted_operator
            )
        scatter, gather, kernel_rfft = self._fft_inputs()
        return sparse_util.curvature_matrix_via_w_fft_from(
            mapping_matrix,
            self.inverse_variances,
            scatter,
            gather,
            kernel_rfft,
            self.state.fft_shape,
            self.state.n_phase,
            batch_size=self.batch_size,
        )

    def data_vector_from(self, mapping_matrix, data) -> np.ndarray:
        """``D = A^T K^T (d / sigma^2)`` (S,) of ``data`` (N,) on the mask."""
        self.check_mapping_matrix(mapping_matrix)
        return sparse_util.data_vector_from(
            mapping_matrix, self.weighted_operator, _raw_from(data), self.noise_map
        )

    def cross_curvature_from(self, mapping_matrix, operated_mapping_matrix) -> np.ndarray:
        """
        ``A^T K^T N^-1 M~`` (S, L): the curvature between the mapping matrix's parameters and
        ``L`` already-operated columns ``M~`` (N, L), e.g. blurred linear light profiles.
        """
        self.check_mapping_matrix(mapping_matrix)
        weighted = np.asarray(operated_mapping_matrix) / self.noise_map[:, None]
        fine = self.weighted_operator.T @ weighted
        return np.asarray(scipy.sparse.csr_array(mapping_matrix).T @ fine)

    def blurred_image_from(self, fine_image) -> np.ndarray:
        """``K v`` (N,): a fine (``N s^2``, sub-block order) image blurred and binned."""
        return self.noise_map * (self.weighted_operator @ np.asarray(fine_image))

    # --------------------------------------------------------------------- JAX algebra

    def _device(self, key, host):
        if key not in self._device_cache:
            import jax

            with jax.ensure_compile_time_eval():
                self._device_cache[key] = jax.device_put(host)
        return self._device_cache[key]

    def _jax_static(self, pixels):
        return dict(
            frame_shape=tuple(self.state.fft_shape),
            n_phase=self.state.n_phase,
            pixels=int(pixels),
        )

    def curvature_matrix_via_jax_from(self, rows, cols, values, pixels: int):
        """
        ``F = A^T W A`` with JAX (the ``"w_fft"`` engine), for ``A`` given by its non-zeros
        ``(rows, cols, values)`` and its number of columns ``pixels`` (static); jit-able.
        """
        import jax.numpy as jnp

        scatter, gather, kernel_rfft = self._fft_inputs(xp=jnp)
        return sparse_util.curvature_matrix_via_w_fft_jax_from(
            rows,
            cols,
            values,
            self._device("inverse_variances", self.inverse_variances),
            scatter,
            gather,
            kernel_rfft,
            n_fine=self.pixels_in_mask * self.convolve_over_sample_size**2,
            batch_size=self.batch_size,
            **self._jax_static(pixels),
        )

    def data_vector_via_jax_from(self, rows, cols, values, pixels: int, data):
        """``D = A^T K^T (d / sigma^2)`` with JAX, ``A`` as in :meth:`curvature_matrix_via_jax_from`."""
        import jax.numpy as jnp

        scatter, gather, kernel_rfft = self._fft_inputs(xp=jnp)
        weighted = data * self._device("inverse_variances", self.inverse_variances)
        return sparse_util.data_vector_via_jax_from(
            rows, cols, values, weighted, scatter, gather, kernel_rfft, **self._jax_static(pixels)
        )


class InversionImagingSparse(InversionImaging):
    """
    A linear inversion of imaging data in the sparse formalism: the same reconstruction and
    evidence as :class:`InversionImaging`, with ``F`` and ``D`` of pixelizations computed from
    their (fine) mapping matrices and an :class:`ImagingSparseOperator`.

    Parameters
    ----------
    data, noise_map
        (N,) data to fit and its 1-sigma noise (the operator's noise map).
    sparse_operator
        The dataset's :class:`ImagingSparseOperator`.
    mapping_matrix_list
        Per linear object: its (fine, ``N s^2`` rows) mapping matrix for a pixelization, or None.
    operated_mapping_matrix_list
        Per linear object: its (N, S_j) dense operated columns (e.g. a blurred linear light
        profile), or None. Exactly one of the two lists holds each object.
    regularization_matrix_list, linear_obj_list, settings, label_list
        As in :class:`InversionImaging`.

    Raises
    ------
    InversionException
        As :class:`InversionImaging`, and if an object has both or neither matrix, a mapping
        matrix does not have ``N s^2`` rows, or the noise map or mask differ from the operator's.
    """

    def __init__(
        self,
        data,
        noise_map,
        sparse_operator: ImagingSparseOperator,
        mapping_matrix_list,
        operated_mapping_matrix_list=None,
        regularization_matrix_list=None,
        linear_obj_list=None,
        settings=None,
        label_list=None,
    ):
        if not isinstance(sparse_operator, ImagingSparseOperator):
            raise exc.InversionException(
                f"sparse_operator must be an ImagingSparseOperator, got "
                f"{type(sparse_operator).__name__}."
            )
        mapping_matrix_list = list(mapping_matrix_list)
        count = len(mapping_matrix_list)
        if operated_mapping_matrix_list is None:
            operated_mapping_matrix_list = [None] * count
        operated_mapping_matrix_list = list(operated_mapping_matrix_list)
        if len(operated_mapping_matrix_list) != count:
            raise exc.InversionException(
                f"Got {count} mapping matrices and {len(operated_mapping_matrix_list)} operated "
                "mapping matrices; give one entry per linear object in each (None where unused)."
            )
        labels = label_list or [f"linear object {j}" for j in range(count)]
        for mapping, operated, label in zip(
            mapping_matrix_list, operated_mapping_matrix_list, labels
        ):
            if (mapping is None) == (operated is None):
                raise exc.InversionException(
                    f"{label}: give exactly one of its mapping matrix (a pixelization) and its "
                    "operated mapping matrix (already blurred columns), not "
                    f"{'both' if mapping is not None else 'neither'}."
                )
            if mapping is not None:
                sparse_operator.check_mapping_matrix(mapping)
        data = _raw_from(data)
        noise = _raw_from(noise_map)
        if noise.shape != sparse_operator.noise_map.shape or not np.array_equal(
            noise, sparse_operator.noise_map
        ):
            raise exc.InversionException(
                "The noise map differs from the one the sparse operator was built from (it "
                "weights every pixel by 1 / sigma^2); rebuild it with "
                "dataset.apply_sparse_operator() after changing the noise map or mask."
            )
        # Shape-only stand-ins (no memory) let the base class validate and lay out parameters.
        placeholders = [
            np.broadcast_to(0.0, (data.shape[0], m.shape[1])) if o is None else o
            for m, o in zip(mapping_matrix_list, operated_mapping_matrix_list)
        ]
        super().__init__(
            data,
            noise,
            placeholders,
            regularization_matrix_list=regularization_matrix_list,
            linear_obj_list=linear_obj_list,
            settings=settings,
            label_list=label_list,
        )
        # The base class stored the stand-ins; drop them so the property below forms the real
        # operated matrices, and only if someone asks for them.
        del self.__dict__["operated_mapping_matrix_list"]
        self.sparse_operator = sparse_operator
        self.mapping_matrix_list = [
            None if m is None else scipy.sparse.csr_array(m) for m in mapping_matrix_list
        ]
        self._operated_given = [
            None if o is None else np.asarray(o, dtype=np.float64)
            for o in operated_mapping_matrix_list
        ]

    @property
    def parameter_count_list(self) -> list:
        return [
            (m if m is not None else o).shape[1]
            for m, o in zip(self.mapping_matrix_list, self._operated_given)
        ]

    @cached_property
    def _parameter_index(self):
        """(parameters of the mapping matrices, parameters of the operated columns)."""
        mapped, operated = [], []
        for (start, stop), m in zip(self.param_range_list, self.mapping_matrix_list):
            (mapped if m is not None else operated).append(np.arange(start, stop))
        join = lambda parts: np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)  # noqa: E731
        return join(mapped), join(operated)

    @cached_property
    def _mapping_matrix_stacked(self):
        blocks = [m for m in self.mapping_matrix_list if m is not None]
        return scipy.sparse.csr_array(scipy.sparse.hstack(blocks)) if blocks else None

    @cached_property
    def _operated_stacked(self):
        blocks = [o for o in self._operated_given if o is not None]
        return np.hstack(blocks) if blocks else None

    @cached_property
    def operated_mapping_matrix_list(self) -> list:
        """
        The dense (N, S_j) operated mapping matrices, formed on request only (for inspection
        and plots): the sparse formalism itself never forms them.
        """
        op = self.sparse_operator
        return [
            o if m is None else op.noise_map[:, None] * (op.weighted_operator @ m).toarray()
            for m, o in zip(self.mapping_matrix_list, self._operated_given)
        ]

    @cached_property
    def data_vector(self) -> np.ndarray:
        """``D`` (S,): ``A^T K^T (d / sigma^2)`` for pixelizations, ``M~^T (d / sigma^2)`` else."""
        mapped, operated = self._parameter_index
        vector = np.empty(self.total_params)
        if mapped.size:
            vector[mapped] = self.sparse_operator.data_vector_from(
                self._mapping_matrix_stacked, self.data
            )
        if operated.size:
            vector[operated] = self._operated_stacked.T @ (self.data / self.noise_map**2)
        return vector

    @cached_property
    def curvature_matrix(self) -> np.ndarray:
        """``F`` (S, S): ``A^T W A`` between pixelizations, the operated columns' terms else."""
        mapped, operated = self._parameter_index
        op = self.sparse_operator
        curvature = np.empty((self.total_params, self.total_params))
        if mapped.size:
            curvature[np.ix_(mapped, mapped)] = op.curvature_matrix_from(
                self._mapping_matrix_stacked
            )
        if operated.size:
            weighted = self._operated_stacked / self.noise_map[:, None]
            curvature[np.ix_(operated, operated)] = weighted.T @ weighted
        if mapped.size and operated.size:
            cross = op.cross_curvature_from(self._mapping_matrix_stacked, self._operated_stacked)
            curvature[np.ix_(mapped, operated)] = cross
            curvature[np.ix_(operated, mapped)] = cross.T
        return 0.5 * (curvature + curvature.T)

    @property
    def mapped_reconstructed_image_list(self) -> list:
        """The model image of each object (N,): ``K (A s_j)`` for pixelizations."""
        op = self.sparse_operator
        return [
            op.blurred_image_from(m @ values) if m is not None else o @ values
            for m, o, values in zip(
                self.mapping_matrix_list, self._operated_given, self.reconstruction_list
            )
        ]

    @cached_property
    def mapped_reconstructed_image(self) -> np.ndarray:
        """The model image of the inversion (N,): the sum over objects."""
        return np.sum(self.mapped_reconstructed_image_list, axis=0)
