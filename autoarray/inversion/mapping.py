"""
The mapping formalism of imaging inversions: operated (PSF-blurred) mapping matrices and the
:class:`InversionImagingMapping` that solves the linear system they define.

With a PSF oversampled by ``s = convolve_over_sample_size`` the mapping matrix that is convolved
is the *fine* one (``N s^2`` rows, per-pixel sub-block order, see
:meth:`Mapper.mapping_matrix_over_sampled_for`); the :class:`Convolver` convolves it at fine
resolution and returns the binned (N, S) operated mapping matrix. With ``s = 1`` it is the native
mapping matrix, convolved at the data's resolution.
"""

from functools import cached_property

import numpy as np
import scipy.sparse

from autoarray import exc
from autoarray.inversion import inversion_util
from autoarray.inversion.abstract import AbstractInversionImaging, check_operated_mapping_matrix
from autoarray.jax_util import is_bcoo
from autoarray.mask.mask_2d import Mask2D
from autoarray.operators import sparse_util

__all__ = [
    "operated_mapping_matrix_from",
    "mapper_operated_mapping_matrix_from",
    "InversionImagingMapping",
]


def operated_mapping_matrix_from(
    mapping_matrix, psf, mask: Mask2D, convolve_over_sample_size: int | None = None, xp=np
) -> np.ndarray:
    """
    Return the operated mapping matrix: every column of ``mapping_matrix`` PSF-blurred.

    Parameters
    ----------
    mapping_matrix : numpy.ndarray or scipy.sparse.sparray
        (N s^2, S) mapping matrix; with ``s > 1`` the fine one (rows in per-pixel sub-block
        order), with ``s = 1`` the native one.
    psf : Convolver or None
        The PSF (its ``convolve_over_sample_size`` is ``s``), or None: no PSF, the operated
        mapping matrix is the (native) mapping matrix itself.
    mask : Mask2D
        The dataset's native mask.
    convolve_over_sample_size : int, optional
        The ``s`` the caller built ``mapping_matrix`` for (e.g. the dataset's
        ``convolve_over_sample_size_pixelization``); if given it must equal the PSF's.
    xp : module
        ``numpy`` or ``jax.numpy``; under JAX a BCOO mapping matrix (the mapper's) is convolved
        by the convolver's tap route or FFT engine, whichever it measures faster.

    Returns
    -------
    numpy.ndarray or jax.Array
        (N, S) dense: ``psf.convolved_mapping_matrix_from(mapping_matrix, mask)``, which blurs at
        fine resolution and takes the mean of each ``s x s`` block when ``s > 1``.

    Raises
    ------
    InversionException
        If ``mask`` is not a ``Mask2D``, the mapping matrix's rows do not match ``N s^2`` for
        the mask (e.g. a native mapping matrix with an oversampled PSF, or one built on another
        mask), or ``s`` disagrees with the PSF's.

    Notes
    -----
    No blurring mapping matrix is passed: light a pixelization puts outside the mask is not
    blurred into it (as in PyAutoArray's mapping formalism, where the source is only
    reconstructed at the masked image's points).
    """
    if not isinstance(mask, Mask2D):
        raise exc.InversionException(f"mask must be a Mask2D, got {type(mask).__name__}.")
    s_psf = 1 if psf is None else psf.convolve_over_sample_size
    if convolve_over_sample_size is not None and convolve_over_sample_size != s_psf:
        raise exc.InversionException(
            f"The mapping matrix was built for convolve_over_sample_size="
            f"{convolve_over_sample_size} but the PSF has convolve_over_sample_size={s_psf}; "
            "use dataset.psf_pixelization with dataset.convolve_over_sample_size_pixelization."
        )
    sparse_util.check_mapping_matrix_rows(mapping_matrix, mask, s_psf)
    if psf is None:
        if scipy.sparse.issparse(mapping_matrix):
            mapping_matrix = mapping_matrix.toarray()
        elif is_bcoo(mapping_matrix):
            mapping_matrix = mapping_matrix.todense()
        return xp.array(mapping_matrix, dtype=np.float64)
    return psf.convolved_mapping_matrix_from(mapping_matrix, mask, xp=xp)


def mapper_operated_mapping_matrix_from(mapper, psf, mask: Mask2D) -> np.ndarray:
    """
    Return the operated mapping matrix of a :class:`Mapper`: its fine mapping matrix for the
    PSF's ``convolve_over_sample_size`` (the native one when it is 1), blurred by ``psf``.

    Parameters
    ----------
    mapper : Mapper
        The mapper of a pixelization over the dataset's pixelization grid.
    psf : Convolver or None
        The pixelization PSF (``dataset.psf_pixelization``), or None (no blurring).
    mask : Mask2D
        The dataset's native mask.

    Returns
    -------
    numpy.ndarray or jax.Array
        (N, S) dense: a NumPy array for a NumPy or concrete JAX mapper (a constant of the
        traced function), else a JAX array.

    Raises
    ------
    InversionException
        If the mapper's grid is not on ``mask``, or its over-sample sizes are not divisible by
        the PSF's ``convolve_over_sample_size``.
    """
    mapper.check_mask(mask)
    s = 1 if psf is None else psf.convolve_over_sample_size
    if mapper.xp is not np and mapper.is_concrete:
        # Depends on no model parameter: formed once, with NumPy's sparse operator.
        return operated_mapping_matrix_from(
            mapper.host_mapping_matrix_over_sampled_for(s), psf, mask, xp=np
        )
    return operated_mapping_matrix_from(
        mapper.mapping_matrix_over_sampled_for(s), psf, mask, xp=mapper.xp
    )


class InversionImagingMapping(AbstractInversionImaging):
    """
    A linear inversion of imaging data in the mapping formalism: ``D`` and ``F`` from the dense
    operated mapping matrix ``M~``.

    Parameters
    ----------
    data : Array2D or numpy.ndarray
        (N,) data to fit (typically the data minus the blurred light of the non-linear
        components).
    noise_map : Array2D or numpy.ndarray
        (N,) 1-sigma noise.
    operated_mapping_matrix_list : list of numpy.ndarray
        One (N, S_j) dense operated mapping matrix per linear object (a pixelization's mapper:
        :func:`mapper_operated_mapping_matrix_from`; a linear light profile: one column).
    regularization_matrix_list : list of (numpy.ndarray or None), optional
        One (S_j, S_j) regularization matrix or None per object (None: not regularized).
        Default: none regularized.
    linear_obj_list : list, optional
        The objects themselves (the keys of :attr:`reconstruction_dict`).
    settings : SettingsInversion, optional
        The solver (unconstrained or positive-only).
    label_list : list of str, optional
        A name per object for error messages (default ``"linear object j"``).
    noise_covariance : NoiseCovariance, optional
        Correlated noise: ``D`` and ``F`` of the whitened system (NumPy and JAX).
    log_det_regularization_list : list of (float or None), optional
        ``ln det H_j`` per object where known in closed form (see
        :class:`autoarray.AbstractInversionImaging`).
    xp : module
        ``numpy`` or ``jax.numpy`` (see :class:`AbstractInversionImaging`).

    Raises
    ------
    TypeError
        If ``settings`` is not a ``SettingsInversion``.
    InversionException
        For mismatched shapes (an operated mapping matrix without N rows, a regularization
        matrix that is not (S_j, S_j)) or list lengths, or no linear object. The properties
        that solve the system raise it for an unregularized all-zero column (e.g. a linear
        light profile with no flux in the mask) or a singular / non-positive-definite ``F + H``.

    Notes
    -----
    See :class:`AbstractInversionImaging` for the evidence terms.
    """

    def __init__(
        self,
        data,
        noise_map,
        operated_mapping_matrix_list,
        regularization_matrix_list=None,
        linear_obj_list=None,
        settings=None,
        label_list=None,
        noise_covariance=None,
        xp=np,
        log_det_regularization_list=None,
    ):
        # Under JAX, NumPy blocks (a concrete mapper's) stay NumPy: their curvature is formed
        # on the host (see curvature_matrix).
        self._operated_mapping_matrix_list = [
            np.asarray(m, dtype=np.float64) if isinstance(m, np.ndarray) else xp.asarray(m)
            for m in operated_mapping_matrix_list
        ]
        super().__init__(
            data,
            noise_map,
            len(self._operated_mapping_matrix_list),
            regularization_matrix_list=regularization_matrix_list,
            linear_obj_list=linear_obj_list,
            settings=settings,
            label_list=label_list,
            noise_covariance=noise_covariance,
            xp=xp,
            log_det_regularization_list=log_det_regularization_list,
        )

    def _parameter_count_list_checked(self) -> list:
        n = self.data.shape[0]
        for block, label in zip(self._operated_mapping_matrix_list, self.label_list):
            check_operated_mapping_matrix(block, n, label)
        return [block.shape[1] for block in self._operated_mapping_matrix_list]

    @property
    def operated_mapping_matrix_list(self) -> list:
        """The (N, S_j) operated mapping matrices, one per object, as given."""
        return self._operated_mapping_matrix_list

    @cached_property
    def _whitened_operated_mapping_matrix(self) -> np.ndarray:
        """``L^-1 M~`` with a noise covariance ``C = L L^T``."""
        return self.noise_covariance.whitened_from(self.operated_mapping_matrix, xp=self.xp)

    @cached_property
    def data_vector(self) -> np.ndarray:
        """``D = M~^T (d / sigma^2)`` (``M~^T C^-1 d`` with a noise covariance), (S,)."""
        if self.noise_covariance is not None:
            whitened_data = self.noise_covariance.whitened_from(self.data, xp=self.xp)
            return self._whitened_operated_mapping_matrix.T @ whitened_data
        return inversion_util.data_vector_from(
            self.operated_mapping_matrix, self.data, self.noise_map
        )

    @cached_property
    def curvature_matrix(self) -> np.ndarray:
        """``F = M~^T N^-1 M~`` (``M~^T C^-1 M~`` with a noise covariance), (S, S), symmetric."""
        if self.xp is not np:
            return self._curvature_matrix_via_blocks
        if self.noise_covariance is not None:
            whitened = self._whitened_operated_mapping_matrix
            return sparse_util.symmetric_part_from(whitened.T @ whitened)
        return inversion_util.curvature_matrix_from(self.operated_mapping_matrix, self.noise_map)

    @cached_property
    def _curvature_matrix_via_blocks(self):
        """
        ``F`` under JAX, block by block: a block between two NumPy operated matrices (concrete
        mappers') is a product of constants, formed once with NumPy (BLAS ``syrk`` for a
        diagonal block); the others are JAX products.
        """
        xp = self.xp
        blocks = self.operated_mapping_matrix_list
        on_host = self.noise_map_host is not None
        host = [on_host and isinstance(b, np.ndarray) for b in blocks]
        if self.noise_covariance is not None:
            weighted = [
                self.noise_covariance.whitened_from(b)
                if h
                else self.noise_covariance.whitened_from(b, xp=xp)
                for b, h in zip(blocks, host)
            ]
        else:
            weighted = [
                b / (self.noise_map_host if h else self.noise_map)[:, None]
                for b, h in zip(blocks, host)
            ]
        rows = []
        for i, (wi, hi) in enumerate(zip(weighted, host)):
            row = []
            for j, (wj, hj) in enumerate(zip(weighted, host)):
                if j < i:
                    row.append(rows[j][i].T)
                elif hi and hj:
                    row.append(xp.asarray(_gram_from(wi) if i == j else wi.T @ wj))
                else:
                    row.append(wi.T @ wj)
            rows.append(row)
        return sparse_util.symmetric_part_from(xp.block(rows))

    @cached_property
    def mapped_reconstructed_image(self) -> np.ndarray:
        """``M~ s``, (N,): the model image of the inversion (binned to the data's pixels)."""
        return self.operated_mapping_matrix @ self.reconstruction

    @property
    def mapped_reconstructed_image_list(self) -> list:
        """The model image of each object, ``M~_j s_j``, (N,) each."""
        return [
            block @ values
            for block, values in zip(self.operated_mapping_matrix_list, self.reconstruction_list)
        ]


def _gram_from(weighted: np.ndarray) -> np.ndarray:
    """``X^T X`` of a NumPy matrix with BLAS ``syrk`` (half the work of a general product)."""
    return inversion_util.curvature_matrix_from(weighted, np.ones(weighted.shape[0]))
