"""
The mapping formalism of imaging inversions: operated (PSF-blurred) mapping matrices and the
solve of the linear system they define (see :mod:`autoarray.inversion.inversion_util`).

With a PSF oversampled by ``s = convolve_over_sample_size`` the mapping matrix that is convolved
is the *fine* one (``N s^2`` rows, per-pixel sub-block order, see
:meth:`Mapper.mapping_matrix_over_sampled_for`); the :class:`Convolver` convolves it at fine
resolution and returns the binned (N, S) operated mapping matrix. With ``s = 1`` the native
mapping matrix is convolved exactly as before.
"""

from functools import cached_property

import numpy as np
import scipy.linalg
import scipy.sparse

from autoarray import exc
from autoarray.inversion import inversion_util
from autoarray.inversion.settings import SettingsInversion
from autoarray.mask.mask_2d import Mask2D

__all__ = [
    "check_mapping_matrix_rows",
    "operated_mapping_matrix_from",
    "mapper_operated_mapping_matrix_from",
    "InversionImaging",
]


def _raw_from(values) -> np.ndarray:
    """A plain float64 (N,) array from an ``Array2D`` or array-like."""
    if hasattr(values, "slim") and hasattr(values, "mask"):
        values = values.slim.array
    return np.asarray(values, dtype=np.float64)


def check_mapping_matrix_rows(mapping_matrix, mask: Mask2D, convolve_over_sample_size: int):
    """
    Raise ``InversionException`` unless ``mapping_matrix`` is 2D with ``N s^2`` rows for ``mask``
    (``N`` unmasked pixels, ``s = convolve_over_sample_size``), naming the likely mistake.
    """
    s_psf = convolve_over_sample_size
    shape = tuple(getattr(mapping_matrix, "shape", np.shape(mapping_matrix)))
    n = mask.pixels_in_mask
    expected = n * s_psf * s_psf
    if len(shape) != 2 or shape[0] != expected:
        if len(shape) == 2 and s_psf > 1 and shape[0] == n:
            hint = (
                f" It is a native mapping matrix ({n} rows): with convolve_over_sample_size="
                f"{s_psf} pass the fine one, mapper.mapping_matrix_over_sampled_for({s_psf})."
            )
        elif len(shape) == 2 and s_psf == 1 and shape[0] > n and shape[0] % n == 0:
            hint = (
                " It looks like a fine mapping matrix, but the PSF is native "
                "(convolve_over_sample_size=1): pass mapper.mapping_matrix."
            )
        else:
            hint = (
                " Was the pixelization grid built on another mask? Use "
                "dataset.grids.pixelization of this dataset."
            )
        raise exc.InversionException(
            f"The mapping matrix has shape {shape} but the mask has {n} unmasked pixels, so "
            f"{expected} rows ({n} x {s_psf}^2) were expected.{hint}"
        )


def operated_mapping_matrix_from(
    mapping_matrix, psf, mask: Mask2D, convolve_over_sample_size: int | None = None
) -> np.ndarray:
    """
    Return the (N, S) operated mapping matrix: every column of ``mapping_matrix`` PSF-blurred.

    Parameters
    ----------
    mapping_matrix
        (N s^2, S) dense or ``scipy.sparse`` mapping matrix; with ``s > 1`` the fine one (rows in
        per-pixel sub-block order), with ``s = 1`` the native one.
    psf
        The :class:`Convolver` (its ``convolve_over_sample_size`` is ``s``), or None: no PSF, the
        operated mapping matrix is the (native) mapping matrix itself.
    mask
        The dataset's native mask.
    convolve_over_sample_size
        The ``s`` the caller built ``mapping_matrix`` for (e.g. the dataset's
        ``convolve_over_sample_size_pixelization``); if given it must equal the PSF's.

    Returns
    -------
    ndarray
        (N, S) dense: ``psf.convolved_mapping_matrix_from(mapping_matrix, mask)``, which blurs at
        fine resolution and takes the mean of each ``s x s`` block when ``s > 1``.

    Raises
    ------
    InversionException
        If the mapping matrix's rows do not match ``N s^2`` for the mask (e.g. a native mapping
        matrix with an oversampled PSF, or one built on another mask), or ``s`` disagrees with
        the PSF's.

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
    check_mapping_matrix_rows(mapping_matrix, mask, s_psf)
    if psf is None:
        if scipy.sparse.issparse(mapping_matrix):
            return mapping_matrix.toarray()
        return np.array(mapping_matrix, dtype=np.float64)
    return psf.convolved_mapping_matrix_from(mapping_matrix, mask)


def mapper_operated_mapping_matrix_from(mapper, psf, mask: Mask2D) -> np.ndarray:
    """
    Return the operated mapping matrix of a :class:`Mapper`: its fine mapping matrix for the
    PSF's ``convolve_over_sample_size`` (the native one when it is 1), blurred by ``psf``.

    Raises
    ------
    InversionException
        If the mapper's grid is not on ``mask``, or its over-sample sizes are not divisible by
        the PSF's ``convolve_over_sample_size``.
    """
    if not mapper.grid.mask.is_same_as(mask):
        raise exc.InversionException(
            f"The pixelization grid is on a mask of shape {mapper.grid.mask.shape_native} with "
            f"{mapper.grid.mask.pixels_in_mask} unmasked pixels, but the dataset's mask has shape "
            f"{mask.shape_native} and {mask.pixels_in_mask}; build the mapper on "
            "dataset.grids.pixelization."
        )
    s = 1 if psf is None else psf.convolve_over_sample_size
    mapping_matrix = mapper.mapping_matrix if s == 1 else mapper.mapping_matrix_over_sampled_for(s)
    return operated_mapping_matrix_from(mapping_matrix, psf, mask)


class InversionImaging:
    """
    A linear inversion of imaging data in the mapping formalism.

    Parameters
    ----------
    data
        (N,) data to fit (typically the data minus the blurred light of the non-linear
        components); an ``Array2D`` or array.
    noise_map
        (N,) 1-sigma noise.
    operated_mapping_matrix_list
        One (N, S_j) dense operated mapping matrix per linear object (a pixelization's mapper, a
        linear light profile: one column).
    regularization_matrix_list
        One (S_j, S_j) regularization matrix or None per object (None: not regularized, e.g. a
        linear light profile). Default: none regularized.
    linear_obj_list
        The objects themselves (kept for :attr:`reconstruction_dict`); default None.
    settings
        :class:`SettingsInversion` (positive-only solver or not).
    label_list
        A name per object for error messages (default ``"linear object j"``).

    Notes
    -----
    The parameters are ordered as the objects. Evidence terms follow PyAutoArray: the
    regularization term and both log determinants are taken over the *regularized* parameters
    only (``ln det (F + H)_rr - ln det H_rr``). Unregularized parameters (linear light profiles)
    carry no prior, so they add no log-determinant terms, and an inversion with no regularized
    object has ``log_evidence == log_likelihood``.

    Raises
    ------
    InversionException
        For mismatched shapes, an unregularized parameter with an all-zero column (e.g. a linear
        light profile with no flux in the mask), or a singular / non-positive-definite
        ``F + H``.
    """

    def __init__(
        self,
        data,
        noise_map,
        operated_mapping_matrix_list,
        regularization_matrix_list=None,
        linear_obj_list=None,
        settings: SettingsInversion | None = None,
        label_list=None,
    ):
        self.data = _raw_from(data)
        self.noise_map = _raw_from(noise_map)
        n = self.data.shape[0]
        if self.data.ndim != 1 or self.noise_map.shape != self.data.shape:
            raise exc.InversionException(
                f"data and noise_map must be (N,) arrays of the same length, got shapes "
                f"{self.data.shape} and {self.noise_map.shape}."
            )
        blocks = [np.asarray(m, dtype=np.float64) for m in operated_mapping_matrix_list]
        if not blocks:
            raise exc.InversionException(
                "An inversion needs at least one linear object (a pixelization or a linear "
                "light profile), got none."
            )
        count = len(blocks)
        if regularization_matrix_list is None:
            regularization_matrix_list = [None] * count
        if label_list is None:
            label_list = [f"linear object {j}" for j in range(count)]
        if linear_obj_list is None:
            linear_obj_list = [None] * count
        if not (
            len(regularization_matrix_list) == len(label_list) == len(linear_obj_list) == count
        ):
            raise exc.InversionException(
                f"Got {count} operated mapping matrices, {len(regularization_matrix_list)} "
                f"regularization matrices, {len(linear_obj_list)} linear objects and "
                f"{len(label_list)} labels; one of each per linear object is needed."
            )
        for block, label in zip(blocks, label_list):
            if block.ndim != 2 or block.shape[0] != n:
                raise exc.InversionException(
                    f"The operated mapping matrix of {label} has shape {block.shape}; expected "
                    f"({n}, S): one row per unmasked pixel of the data."
                )
        regs = []
        for block, reg, label in zip(blocks, regularization_matrix_list, label_list):
            if reg is not None:
                reg = np.asarray(reg, dtype=np.float64)
                if reg.shape != (block.shape[1], block.shape[1]):
                    raise exc.InversionException(
                        f"The regularization matrix of {label} has shape {reg.shape}; expected "
                        f"{(block.shape[1], block.shape[1])}."
                    )
            regs.append(reg)
        self.operated_mapping_matrix_list = blocks
        self.regularization_matrix_list = regs
        self.linear_obj_list = list(linear_obj_list)
        self.label_list = list(label_list)
        self.settings = SettingsInversion() if settings is None else settings

    # ------------------------------------------------------------------------ layout

    @property
    def parameter_count_list(self) -> list:
        """The number of parameters of every object (its columns)."""
        return [b.shape[1] for b in self.operated_mapping_matrix_list]

    @cached_property
    def param_range_list(self) -> list:
        """``(start, stop)`` of every object's parameters in the reconstruction."""
        stops = np.cumsum(self.parameter_count_list)
        starts = np.concatenate([[0], stops[:-1]])
        return [(int(a), int(b)) for a, b in zip(starts, stops)]

    @cached_property
    def parameter_labels(self) -> list:
        """A name for every parameter (for error messages)."""
        labels = []
        for label, count in zip(self.label_list, self.parameter_count_list):
            if count == 1:
                labels.append(label)
            else:
                labels.extend(f"{label} pixel {j}" for j in range(count))
        return labels

    @cached_property
    def regularized_indices(self) -> np.ndarray:
        """Indices of the parameters of regularized objects."""
        index = [
            np.arange(*r)
            for r, reg in zip(self.param_range_list, self.regularization_matrix_list)
            if reg is not None
        ]
        return np.concatenate(index) if index else np.zeros(0, dtype=np.int64)

    @property
    def total_params(self) -> int:
        return self.param_range_list[-1][1]

    # ---------------------------------------------------------------------- matrices

    @cached_property
    def operated_mapping_matrix(self) -> np.ndarray:
        """(N, S): the operated mapping matrices of all objects side by side."""
        return np.hstack(self.operated_mapping_matrix_list)

    @cached_property
    def data_vector(self) -> np.ndarray:
        """``D = M~^T (d / sigma^2)``, (S,)."""
        return inversion_util.data_vector_from(
            self.operated_mapping_matrix, self.data, self.noise_map
        )

    @cached_property
    def curvature_matrix(self) -> np.ndarray:
        """``F = M~^T N^-1 M~``, (S, S)."""
        return inversion_util.curvature_matrix_from(self.operated_mapping_matrix, self.noise_map)

    @cached_property
    def regularization_matrix(self) -> np.ndarray:
        """``H``, (S, S): block diagonal, zero blocks for unregularized objects."""
        blocks = [
            np.zeros((count, count)) if reg is None else reg
            for count, reg in zip(self.parameter_count_list, self.regularization_matrix_list)
        ]
        return scipy.linalg.block_diag(*blocks)

    @cached_property
    def curvature_reg_matrix(self) -> np.ndarray:
        """``F + H``."""
        return self.curvature_matrix + self.regularization_matrix

    @cached_property
    def _curvature_reg_factor(self) -> np.ndarray:
        # An unregularized all-zero column is the common cause of a singular system (a linear
        # light profile whose light misses the mask); name it instead of failing in LAPACK.
        regularized = np.zeros(self.total_params, dtype=bool)
        regularized[self.regularized_indices] = True
        # F_jj = sum_i (M~_ij / sigma_i)^2 is zero exactly when column j is.
        empty = np.flatnonzero(~regularized & (np.diag(self.curvature_matrix) == 0))
        if empty.size:
            names = ", ".join(self.parameter_labels[j] for j in empty[:5])
            raise exc.InversionException(
                f"The curvature matrix is singular: the operated mapping matrix column of {names} "
                "is zero (no flux in the mask) and it is not regularized, so its value is not "
                "constrained by the data. Remove it, move it into the mask, or regularize it."
            )
        return inversion_util.cholesky_factor_from(
            self.curvature_reg_matrix,
            self.parameter_labels,
            name="F + H (curvature + regularization)",
        )

    # ------------------------------------------------------------------ reconstruction

    @cached_property
    def reconstruction(self) -> np.ndarray:
        """
        The solved parameters ``s`` (S,): every object's values in order (mesh pixel values,
        linear light profile intensities).
        """
        factor = self._curvature_reg_factor
        if self.settings.use_positive_only_solver:
            solution = inversion_util.reconstruction_positive_only_from(factor, self.data_vector)
        else:
            solution = inversion_util.reconstruction_from(factor, self.data_vector)
        if not np.all(np.isfinite(solution)):
            raise exc.InversionException(
                "The reconstruction holds NaN or inf: F + H is numerically singular."
            )
        return solution

    @property
    def reconstruction_list(self) -> list:
        """The reconstruction split per object."""
        return [self.reconstruction[a:b] for a, b in self.param_range_list]

    @property
    def reconstruction_dict(self) -> dict:
        """``{linear object: its values}`` (objects given in ``linear_obj_list``)."""
        return {
            obj: values
            for obj, values in zip(self.linear_obj_list, self.reconstruction_list)
            if obj is not None
        }

    @cached_property
    def mapped_reconstructed_image(self) -> np.ndarray:
        """``M~ s``, (N,): the model image of the inversion (binned to the data's pixels)."""
        return self.operated_mapping_matrix @ self.reconstruction

    @property
    def mapped_reconstructed_image_list(self) -> list:
        """The model image of each object, (N,) each."""
        return [
            block @ values
            for block, values in zip(self.operated_mapping_matrix_list, self.reconstruction_list)
        ]

    # ----------------------------------------------------------------------- evidence

    @cached_property
    def chi_squared(self) -> float:
        """``sum ((d - M~ s) / sigma)^2``."""
        residual = (self.data - self.mapped_reconstructed_image) / self.noise_map
        return float(np.sum(residual**2))

    @cached_property
    def regularization_term(self) -> float:
        """``s^T H s`` (over the regularized parameters; 0 if none)."""
        return float(self.reconstruction @ self.regularization_matrix @ self.reconstruction)

    @cached_property
    def log_det_curvature_reg_matrix_term(self) -> float:
        """``ln det (F + H)`` over the regularized parameters (0 if none)."""
        index = self.regularized_indices
        if index.size == 0:
            return 0.0
        if index.size == self.total_params:
            return inversion_util.log_det_from_cholesky(self._curvature_reg_factor)
        sub = self.curvature_reg_matrix[np.ix_(index, index)]
        factor = inversion_util.cholesky_factor_from(
            sub, [self.parameter_labels[j] for j in index], name="(F + H) of the regularized block"
        )
        return inversion_util.log_det_from_cholesky(factor)

    @cached_property
    def log_det_regularization_matrix_term(self) -> float:
        """``ln det H`` over the regularized parameters (0 if none): the sum over its blocks."""
        total = 0.0
        for reg, label in zip(self.regularization_matrix_list, self.label_list):
            if reg is not None:
                factor = inversion_util.cholesky_factor_from(
                    reg, name=f"H (regularization matrix of {label})", check_degenerate=False
                )
                total += inversion_util.log_det_from_cholesky(factor)
        return total

    @cached_property
    def noise_normalization(self) -> float:
        """``sum ln 2 pi sigma^2``."""
        return float(np.sum(np.log(2.0 * np.pi * self.noise_map**2)))

    @property
    def log_likelihood(self) -> float:
        """``-1/2 (chi^2 + sum ln 2 pi sigma^2)`` of the reconstruction."""
        return -0.5 * (self.chi_squared + self.noise_normalization)

    @cached_property
    def log_evidence(self) -> float:
        """
        ``-1/2 [chi^2 + s^T H s + ln det(F + H) - ln det H + sum ln 2 pi sigma^2]``, the
        determinants over the regularized parameters (see the class Notes).
        """
        return inversion_util.log_evidence_from(
            self.chi_squared,
            self.regularization_term,
            self.log_det_curvature_reg_matrix_term,
            self.log_det_regularization_matrix_term,
            self.noise_normalization,
        )
