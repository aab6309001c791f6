"""
The sparse formalism of imaging inversions: :class:`InversionImagingSparse` forms the data vector
and curvature matrix of pixelizations from their unblurred (fine) mapping matrices and the
dataset's :class:`autoarray.ImagingSparseOperator`, never the dense operated mapping matrix.
"""

from functools import cached_property

import numpy as np
import scipy.sparse

from autoarray import exc
from autoarray.inversion.abstract import AbstractInversionImaging, check_operated_mapping_matrix
from autoarray.jax_util import bcoo_from, is_traced
from autoarray.operators import sparse_util
from autoarray.operators.sparse_operator import ImagingSparseOperator

__all__ = ["InversionImagingSparse"]


class InversionImagingSparse(AbstractInversionImaging):
    """
    A linear inversion of imaging data in the sparse formalism: the same reconstruction and
    evidence as :class:`autoarray.InversionImagingMapping`, with ``F`` and ``D`` of
    pixelizations computed from their (fine) mapping matrices and an
    :class:`autoarray.ImagingSparseOperator`.

    Parameters
    ----------
    data : Array2D or numpy.ndarray
        (N,) data to fit.
    noise_map : Array2D or numpy.ndarray
        (N,) 1-sigma noise: the operator's noise map.
    sparse_operator : ImagingSparseOperator
        The dataset's operator (``dataset.sparse_operator``).
    mapping_matrix_list : list of (scipy.sparse.sparray or numpy.ndarray or None)
        Per linear object: its (fine, ``N s^2`` rows) mapping matrix for a pixelization, or None.
    operated_mapping_matrix_list : list of (numpy.ndarray or None), optional
        Per linear object: its (N, S_j) dense operated columns (e.g. a blurred linear light
        profile), or None. Exactly one of the two lists holds each object. Default: all None.
    regularization_matrix_list : list of (numpy.ndarray or None), optional
        One (S_j, S_j) regularization matrix or None (not regularized) per object; default
        None each.
    linear_obj_list : list, optional
        The objects, the keys of :attr:`reconstruction_dict`.
    settings : SettingsInversion, optional
        Unconstrained (default) or positive-only solve.
    label_list : list of str, optional
        The objects' names in error messages; default ``"linear object j"``.
    log_det_regularization_list : list of (float or None), optional
        ``ln det H_j`` per object where known in closed form (see
        :class:`autoarray.AbstractInversionImaging`).
    xp : module
        ``numpy`` or ``jax.numpy``. Under JAX the mapping matrices are used as
        ``jax.experimental.sparse.BCOO`` and ``D``, the curvature involving operated columns and
        the model images come from the operator's JAX methods (jit-able); the curvature between
        mapping matrices given as ``scipy.sparse`` (a concrete mapper's: it depends on no model
        parameter) is formed with the operator's NumPy engine, once per trace, and with its
        ``"w_fft"`` JAX engine otherwise. See :class:`autoarray.AbstractInversionImaging` for
        what is checked.

    Attributes
    ----------
    mapping_matrix_list : list of (scipy.sparse.csr_array or BCOO or None)
        The mapping matrices as CSR (NumPy) or BCOO (JAX).

    Raises
    ------
    TypeError
        If ``settings`` is not a ``SettingsInversion``.
    InversionException
        As :class:`autoarray.InversionImagingMapping`, and if ``sparse_operator`` is not an
        ``ImagingSparseOperator``, the two lists differ in length, an object has both or neither
        matrix, a mapping matrix does not have ``N s^2`` rows, or the noise map differs from
        the operator's.
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
        xp=np,
        log_det_regularization_list=None,
    ):
        if not isinstance(sparse_operator, ImagingSparseOperator):
            raise exc.InversionException(
                f"sparse_operator must be an ImagingSparseOperator, got "
                f"{type(sparse_operator).__name__}."
            )
        for name, values in (("data", data), ("noise_map", noise_map)):
            mask = getattr(values, "mask", None)
            if mask is not None and not mask.is_same_as(sparse_operator.mask):
                raise exc.InversionException(
                    f"The {name} is on {mask!r} but the sparse operator was built for "
                    f"{sparse_operator.mask!r}; its rows would be read against other pixels. "
                    "Build the operator for the data's mask: dataset.apply_sparse_operator()."
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
        self.sparse_operator = sparse_operator
        # Checked as given (their rows name the mistake best), stored as CSR once checked.
        self.mapping_matrix_list = mapping_matrix_list
        self._operated_given = [
            None if o is None else xp.asarray(o, dtype=np.float64)
            for o in operated_mapping_matrix_list
        ]
        super().__init__(
            data,
            noise_map,
            count,
            regularization_matrix_list=regularization_matrix_list,
            linear_obj_list=linear_obj_list,
            settings=settings,
            label_list=label_list,
            xp=xp,
            log_det_regularization_list=log_det_regularization_list,
        )
        if xp is np:
            self.mapping_matrix_list = [
                None if m is None else scipy.sparse.csr_array(m) for m in self.mapping_matrix_list
            ]
        else:
            # NumPy (CSR) mapping matrices (concrete mappers') are kept for the curvature
            # between them, which depends on no model parameter and is formed on the host.
            self._host_mapping_matrix_list = [
                scipy.sparse.csr_array(m) if scipy.sparse.issparse(m) else None
                for m in self.mapping_matrix_list
            ]
            self.mapping_matrix_list = [
                None if m is None else bcoo_from(m) for m in self.mapping_matrix_list
            ]

    def _parameter_count_list_checked(self) -> list:
        operator = self.sparse_operator
        n = self.data.shape[0]
        for mapping, operated, label in zip(
            self.mapping_matrix_list, self._operated_given, self.label_list
        ):
            if (mapping is None) == (operated is None):
                raise exc.InversionException(
                    f"{label}: give exactly one of its mapping matrix (a pixelization) and its "
                    "operated mapping matrix (already blurred columns), not "
                    f"{'both' if mapping is not None else 'neither'}."
                )
            if mapping is not None:
                operator.check_mapping_matrix(mapping)
            else:
                check_operated_mapping_matrix(operated, n, label)
        if self.noise_map.shape != operator.noise_map.shape or (
            not is_traced(self.noise_map)
            and not np.array_equal(np.asarray(self.noise_map), operator.noise_map)
        ):
            raise exc.InversionException(
                "The noise map differs from the one the sparse operator was built from (it "
                "weights every pixel by 1 / sigma^2); rebuild it with "
                "dataset.apply_sparse_operator() after changing the noise map or mask."
            )
        return [
            np.shape(m if m is not None else o)[1]
            for m, o in zip(self.mapping_matrix_list, self._operated_given)
        ]

    # ------------------------------------------------------------------------ layout

    @cached_property
    def _parameter_index(self):
        """(parameters of the mapping matrices, parameters of the operated columns)."""
        mapped, operated = [], []
        for (start, stop), m in zip(self.param_range_list, self.mapping_matrix_list):
            (mapped if m is not None else operated).append(np.arange(start, stop))

        def joined(parts):
            return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

        return joined(mapped), joined(operated)

    @cached_property
    def _mapping_matrix_stacked(self):
        blocks = [m for m in self.mapping_matrix_list if m is not None]
        if not blocks:
            return None
        if self.xp is np:
            return scipy.sparse.csr_array(scipy.sparse.hstack(blocks))
        return _bcoo_side_by_side_from(blocks)

    @cached_property
    def _operated_stacked(self):
        blocks = [o for o in self._operated_given if o is not None]
        return self.xp.hstack(blocks) if blocks else None

    @staticmethod
    def _triplets_of(bcoo) -> tuple:
        """``(rows, cols, values, columns)`` of a BCOO mapping matrix."""
        return bcoo.indices[:, 0], bcoo.indices[:, 1], bcoo.data, bcoo.shape[1]

    # ---------------------------------------------------------------------- matrices

    @cached_property
    def operated_mapping_matrix_list(self) -> list:
        """
        The dense (N, S_j) operated mapping matrices, formed on request only (for inspection
        and plots): the sparse formalism itself never forms them.
        """
        op = self.sparse_operator
        if self.xp is not np:
            state = op.state
            return [
                o
                if m is None
                else state.convolved_columns_from(
                    state.mapping_values_from(m, None, self.xp), xp=self.xp
                )
                for m, o in zip(self.mapping_matrix_list, self._operated_given)
            ]
        return [
            o if m is None else op.noise_map[:, None] * (op.weighted_operator @ m).toarray()
            for m, o in zip(self.mapping_matrix_list, self._operated_given)
        ]

    @cached_property
    def data_vector(self) -> np.ndarray:
        """``D`` (S,): ``A^T K^T (d / sigma^2)`` for pixelizations, ``M~^T (d / sigma^2)`` else."""
        mapped, operated = self._parameter_index
        if self.xp is not np:
            return self._data_vector_via_jax
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
        if self.xp is not np:
            return self._curvature_matrix_via_jax
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
        return sparse_util.symmetric_part_from(curvature)

    @cached_property
    def _data_vector_via_jax(self):
        mapped, operated = self._parameter_index
        xp = self.xp
        vector = xp.zeros(self.total_params)
        if mapped.size:
            rows, cols, values, pixels = self._triplets_of(self._mapping_matrix_stacked)
            vector = vector.at[mapped].set(
                self.sparse_operator.data_vector_via_jax_from(rows, cols, values, pixels, self.data)
            )
        if operated.size:
            vector = vector.at[operated].set(
                self._operated_stacked.T @ (self.data / self.noise_map**2)
            )
        return vector

    @cached_property
    def _curvature_matrix_via_jax(self):
        mapped, operated = self._parameter_index
        op = self.sparse_operator
        xp = self.xp
        curvature = xp.zeros((self.total_params, self.total_params))
        if mapped.size:
            triplets = self._triplets_of(self._mapping_matrix_stacked)
            host = [
                h
                for h, m in zip(self._host_mapping_matrix_list, self.mapping_matrix_list)
                if m is not None
            ]
            if all(h is not None for h in host):
                # A product of constants: formed once per trace with NumPy's engine.
                block = xp.asarray(op.curvature_matrix_from(scipy.sparse.hstack(host, "csr")))
            else:
                block = op.curvature_matrix_via_jax_from(*triplets)
            curvature = curvature.at[np.ix_(mapped, mapped)].set(block)
        if operated.size:
            weighted = self._operated_stacked / self.noise_map[:, None]
            curvature = curvature.at[np.ix_(operated, operated)].set(weighted.T @ weighted)
        if mapped.size and operated.size:
            cross = op.cross_curvature_via_jax_from(*triplets, self._operated_stacked)
            curvature = curvature.at[np.ix_(mapped, operated)].set(cross)
            curvature = curvature.at[np.ix_(operated, mapped)].set(cross.T)
        return sparse_util.symmetric_part_from(curvature)

    # ------------------------------------------------------------------- model images

    @property
    def mapped_reconstructed_image_list(self) -> list:
        """The model image of each object (N,): ``K (A_j s_j)`` for pixelizations."""
        op = self.sparse_operator
        if self.xp is not np:
            return [
                op.blurred_image_via_jax_from(*self._triplets_of(m)[:3], values)
                if m is not None
                else o @ values
                for m, o, values in zip(
                    self.mapping_matrix_list, self._operated_given, self.reconstruction_list
                )
            ]
        return [
            op.blurred_image_from(m @ values) if m is not None else o @ values
            for m, o, values in zip(
                self.mapping_matrix_list, self._operated_given, self.reconstruction_list
            )
        ]

    @cached_property
    def mapped_reconstructed_image(self) -> np.ndarray:
        """The model image of the inversion (N,): the sum over objects."""
        images = self.mapped_reconstructed_image_list
        if self.xp is np:
            return np.sum(images, axis=0)
        return sum(images[1:], images[0])


def _bcoo_side_by_side_from(blocks):
    """BCOO matrices with the same rows side by side (their non-zeros kept as they are)."""
    import jax.numpy as jnp
    from jax.experimental import sparse as jax_sparse

    offsets = np.concatenate([[0], np.cumsum([b.shape[1] for b in blocks])])
    indices = jnp.concatenate(
        [b.indices + jnp.asarray([0, int(offset)]) for b, offset in zip(blocks, offsets)]
    )
    data = jnp.concatenate([b.data for b in blocks])
    return jax_sparse.BCOO((data, indices), shape=(blocks[0].shape[0], int(offsets[-1])))
