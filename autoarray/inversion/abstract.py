"""
:class:`AbstractInversionImaging`: what every linear inversion of imaging data shares, whatever
formalism forms its data vector and curvature matrix.

The linear system
-----------------
A linear model of the data is ``d ~ M~ s``: every column of the operated mapping matrix ``M~``
(N data pixels x S parameters) is the PSF-blurred image of one parameter set to 1 (a source pixel
of a pixelization, or a linear light profile of unit intensity). With the noise map ``sigma``
the data vector is ``D = M~^T (d / sigma^2)``, the curvature matrix ``F = M~^T N^-1 M~``
(``N = diag(sigma^2)``) and ``H`` the block-diagonal regularization matrix; the reconstruction
solves ``(F + H) s = D`` (see :mod:`autoarray.inversion.inversion_util`).

The siblings differ only in how ``D``, ``F`` and the model images are formed:
:class:`autoarray.InversionImagingMapping` from the dense operated mapping matrices,
:class:`autoarray.InversionImagingSparse` from the sparse (fine) mapping matrices and the
dataset's :class:`autoarray.ImagingSparseOperator`.
"""

from abc import ABC, abstractmethod
from functools import cached_property

import numpy as np
import scipy.linalg

from autoarray import exc, jax_util
from autoarray.inversion import inversion_util
from autoarray.inversion.settings import SettingsInversion
from autoarray.jax_util import is_jax_array, warn_if_x64_disabled
from autoarray.operators import sparse_util

__all__ = ["AbstractInversionImaging", "check_operated_mapping_matrix"]


def check_operated_mapping_matrix(matrix, pixels: int, label: str):
    """
    Check that an operated mapping matrix has one row per data pixel.

    Parameters
    ----------
    matrix : numpy.ndarray
        The operated mapping matrix of one linear object.
    pixels : int
        N, the number of data pixels.
    label : str
        The object's name in the error message.

    Raises
    ------
    InversionException
        Unless ``matrix`` is 2D with ``pixels`` rows.
    """
    shape = np.shape(matrix)
    if len(shape) != 2 or shape[0] != pixels:
        raise exc.InversionException(
            f"The operated mapping matrix of {label} has shape {shape}; expected "
            f"({pixels}, S): one row per unmasked pixel of the data."
        )


class AbstractInversionImaging(ABC):
    """
    A linear inversion of imaging data: the parameter layout, the regularization, the solve and
    the Bayesian evidence, shared by the mapping and the sparse formalisms.

    Parameters
    ----------
    data, noise_map : Array2D or numpy.ndarray
        (N,) data to fit and its 1-sigma noise.
    object_count : int
        The number of linear objects (a pixelization's mapper, a linear light profile, ...).
    regularization_matrix_list : list of (numpy.ndarray or None), optional
        One (S_j, S_j) regularization matrix or None per object (None: not regularized, e.g. a
        linear light profile). Default: none regularized.
    linear_obj_list : list, optional
        The objects themselves (the keys of :attr:`reconstruction_dict`); default None each.
    settings : SettingsInversion, optional
        The solver (unconstrained or positive-only); default ``SettingsInversion()``.
    label_list : list of str, optional
        A name per object for error messages (default ``"linear object j"``).
    noise_covariance : NoiseCovariance, optional
        Correlated noise (``dataset.noise_covariance``): the system, chi^2 and noise
        normalisation are then those of the whitened data (see
        :mod:`autoarray.dataset.noise_covariance`); ``noise_map`` is not used by them.
    log_det_regularization_list : list of (float or jax.Array or None), optional
        ``ln det H_j`` of each regularized object when known in closed form (a mapper's
        :attr:`autoarray.Mapper.log_det_regularization_matrix`), None where ``H_j`` is to be
        factorised (or there is none). Default: factorise every ``H_j``.
    xp : module
        ``numpy`` (default) or ``jax.numpy``. Under JAX every quantity is a JAX array and the
        whole evidence is jit-able, ``vmap``-able and differentiable; the checks that need
        numbers (an all-zero unregularized column, a singular or degenerate ``F + H``, a NaN
        reconstruction) are not made, and such a system gives a NaN evidence instead of an
        ``InversionException``. Shapes and list lengths are checked either way.

    Raises
    ------
    TypeError
        If ``settings`` is not a :class:`SettingsInversion`.
    InversionException
        For mismatched shapes or list lengths, no linear object, a regularization matrix that
        is not (S_j, S_j), or what the sibling's matrices check finds.

    Notes
    -----
    The parameters are ordered as the objects. Evidence terms follow PyAutoArray: the
    regularization term and both log determinants are taken over the *regularized* parameters
    only (``ln det (F + H)_rr - ln det H_rr``). Unregularized parameters (linear light profiles)
    carry no prior, so they add no log-determinant terms, and an inversion with no regularized
    object has ``log_evidence == log_likelihood``.

    A sibling sets its matrices before calling this ``__init__`` and implements
    :meth:`_parameter_count_list_checked` (check them against the data, return every object's
    number of parameters), :attr:`data_vector`, :attr:`curvature_matrix`,
    :attr:`operated_mapping_matrix_list`, :attr:`mapped_reconstructed_image` and
    :attr:`mapped_reconstructed_image_list`.
    """

    def __init__(
        self,
        data,
        noise_map,
        object_count: int,
        regularization_matrix_list=None,
        linear_obj_list=None,
        settings: SettingsInversion | None = None,
        label_list=None,
        noise_covariance=None,
        xp=np,
        log_det_regularization_list=None,
    ):
        self.xp = xp
        if xp is not np:
            warn_if_x64_disabled()
        # Under JAX, the result of the last LAPACK call traced for this inversion (see _linalg).
        self._last_linalg_result = None
        self.data = sparse_util.values_slim_from(data, xp)
        self.noise_map = sparse_util.values_slim_from(noise_map, xp)
        # The noise map as NumPy values when it is not a JAX value (the dataset's), for the
        # parameter-independent products formed on the host under JAX.
        raw_noise = getattr(noise_map, "array", noise_map)
        self.noise_map_host = (
            None if is_jax_array(raw_noise) else sparse_util.values_slim_from(noise_map)
        )
        if self.data.ndim != 1 or self.noise_map.shape != self.data.shape:
            raise exc.InversionException(
                f"data and noise_map must be (N,) arrays of the same length, got shapes "
                f"{self.data.shape} and {self.noise_map.shape}."
            )
        if noise_covariance is not None and noise_covariance.pixels != self.data.shape[0]:
            raise exc.InversionException(
                f"The noise covariance is over {noise_covariance.pixels} pixels but the data has "
                f"{self.data.shape[0]}; restrict it to the data's pixels (dataset.apply_mask does)."
            )
        self.noise_covariance = noise_covariance
        if object_count == 0:
            raise exc.InversionException(
                "An inversion needs at least one linear object (a pixelization or a linear "
                "light profile), got none."
            )
        if settings is None:
            settings = SettingsInversion()
        if not isinstance(settings, SettingsInversion):
            raise TypeError(
                f"settings must be a SettingsInversion, got {type(settings).__name__}; pass e.g. "
                "settings=aa.SettingsInversion(use_positive_only_solver=True)."
            )
        if regularization_matrix_list is None:
            regularization_matrix_list = [None] * object_count
        if label_list is None:
            label_list = [f"linear object {j}" for j in range(object_count)]
        if linear_obj_list is None:
            linear_obj_list = [None] * object_count
        if not (
            len(regularization_matrix_list)
            == len(label_list)
            == len(linear_obj_list)
            == object_count
        ):
            raise exc.InversionException(
                f"Got the matrices of {object_count} linear objects, "
                f"{len(regularization_matrix_list)} regularization matrices, "
                f"{len(linear_obj_list)} linear objects and {len(label_list)} labels; one of "
                "each per linear object is needed."
            )
        self.label_list = list(label_list)
        self.linear_obj_list = list(linear_obj_list)
        self.settings = settings
        self.parameter_count_list = self._parameter_count_list_checked()
        regs = []
        for count, reg, label in zip(
            self.parameter_count_list, regularization_matrix_list, self.label_list
        ):
            if reg is not None:
                reg = xp.asarray(reg, dtype=np.float64)
                if reg.shape != (count, count):
                    raise exc.InversionException(
                        f"The regularization matrix of {label} has shape {reg.shape}; expected "
                        f"{(count, count)}."
                    )
            regs.append(reg)
        self.regularization_matrix_list = regs
        if log_det_regularization_list is None:
            log_det_regularization_list = [None] * object_count
        if len(log_det_regularization_list) != object_count:
            raise exc.InversionException(
                f"Got {len(log_det_regularization_list)} log determinants of regularization "
                f"matrices for {object_count} linear objects; give one (or None) per object."
            )
        for log_det, reg, label in zip(log_det_regularization_list, regs, self.label_list):
            if log_det is not None and reg is None:
                raise exc.InversionException(
                    f"{label} has a log determinant of its regularization matrix but no "
                    "regularization matrix; give both or neither."
                )
        self.log_det_regularization_list = list(log_det_regularization_list)

    # ------------------------------------------------------------------ the siblings' part

    @abstractmethod
    def _parameter_count_list_checked(self) -> list:
        """
        Check every object's matrices against ``self.data`` and return its number of
        parameters (called by ``__init__`` once data, noise map and labels are set).
        """

    @property
    @abstractmethod
    def operated_mapping_matrix_list(self) -> list:
        """One dense (N, S_j) operated mapping matrix per object."""

    @property
    @abstractmethod
    def data_vector(self) -> np.ndarray:
        """``D = M~^T (d / sigma^2)``, (S,)."""

    @property
    @abstractmethod
    def curvature_matrix(self) -> np.ndarray:
        """``F = M~^T N^-1 M~``, (S, S), symmetric."""

    @property
    @abstractmethod
    def mapped_reconstructed_image_list(self) -> list:
        """The model image of each object, (N,) each."""

    @property
    @abstractmethod
    def mapped_reconstructed_image(self) -> np.ndarray:
        """The model image of the inversion, (N,): the sum over objects."""

    # ------------------------------------------------------------------------ layout

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
        """S, the number of parameters of all objects."""
        return self.param_range_list[-1][1]

    # ---------------------------------------------------------------------- matrices

    @cached_property
    def operated_mapping_matrix(self) -> np.ndarray:
        """(N, S): the operated mapping matrices of all objects side by side."""
        return self.xp.hstack(self.operated_mapping_matrix_list)

    @cached_property
    def regularization_matrix(self) -> np.ndarray:
        """``H``, (S, S): block diagonal, zero blocks for unregularized objects."""
        blocks = [
            self.xp.zeros((count, count)) if reg is None else reg
            for count, reg in zip(self.parameter_count_list, self.regularization_matrix_list)
        ]
        if self.xp is np:
            return scipy.linalg.block_diag(*blocks)
        import jax.scipy.linalg

        return jax.scipy.linalg.block_diag(*blocks)

    @cached_property
    def curvature_reg_matrix(self) -> np.ndarray:
        """``F + H``, (S, S)."""
        return self.curvature_matrix + self.regularization_matrix

    @cached_property
    def _curvature_reg_factor(self) -> np.ndarray:
        if self.xp is not np:
            return self._linalg(
                lambda m: inversion_util.cholesky_factor_from(m, xp=self.xp),
                self.curvature_reg_matrix,
            )
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

        Raises
        ------
        InversionException
            If ``F + H`` is singular or not positive definite (e.g. an unregularized column
            with no flux in the mask, or two objects with the same image).
        """
        if self.xp is not np:
            if self.settings.use_positive_only_solver:
                return self._linalg(
                    inversion_util.reconstruction_positive_only_via_jax_from,
                    self.curvature_reg_matrix,
                    self.data_vector,
                )
            return self._linalg(
                lambda u, d: inversion_util.reconstruction_from(u, d, xp=self.xp),
                self._curvature_reg_factor,
                self.data_vector,
            )
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

    # ----------------------------------------------------------------------- evidence

    @cached_property
    def chi_squared(self) -> float:
        """``sum ((d - M~ s) / sigma)^2`` (``r^T C^-1 r`` with a noise covariance)."""
        residual = self.data - self.mapped_reconstructed_image
        if self.noise_covariance is not None:
            value = self.noise_covariance.chi_squared_from(residual, xp=self.xp)
        else:
            value = self.xp.sum((residual / self.noise_map) ** 2)
        return self._scalar_from(value)

    @cached_property
    def regularization_term(self) -> float:
        """``s^T H s`` (over the regularized parameters; 0 if none)."""
        return self._scalar_from(
            self.reconstruction @ self.regularization_matrix @ self.reconstruction
        )

    def _linalg(self, function, *operands):
        """
        ``function(*operands)``: a LAPACK step (factorisation, solve). Under JAX the operands are
        first made to depend on the previous step's result (:func:`autoarray.jax_util.after`),
        so that an inversion's LAPACK calls run one at a time: batched by ``jax.vmap``, two of
        them running together can deadlock jaxlib's CPU thread pool.
        """
        if self.xp is np:
            return function(*operands)
        result = function(*jax_util.after(operands, self._last_linalg_result))
        self._last_linalg_result = result
        return result

    def _scalar_from(self, value):
        """A Python float under NumPy; the JAX scalar itself under JAX."""
        return float(value) if self.xp is np else value

    @cached_property
    def log_det_curvature_reg_matrix_term(self) -> float:
        """``ln det (F + H)`` over the regularized parameters (0 if none)."""
        index = self.regularized_indices
        if index.size == 0:
            return 0.0
        if index.size == self.total_params:
            return inversion_util.log_det_from_cholesky(self._curvature_reg_factor, xp=self.xp)
        sub = self.curvature_reg_matrix[np.ix_(index, index)]
        factor = self._linalg(
            lambda m: inversion_util.cholesky_factor_from(
                m,
                [self.parameter_labels[j] for j in index],
                name="(F + H) of the regularized block",
                xp=self.xp,
            ),
            sub,
        )
        return inversion_util.log_det_from_cholesky(factor, xp=self.xp)

    @cached_property
    def log_det_regularization_matrix_term(self) -> float:
        """
        ``ln det H`` over the regularized parameters (0 if none): the sum over its blocks, each
        given in closed form (``log_det_regularization_list``) or from its Cholesky factor.
        """
        total = 0.0
        for reg, log_det, label in zip(
            self.regularization_matrix_list, self.log_det_regularization_list, self.label_list
        ):
            if log_det is not None:
                total += log_det
            elif reg is not None:
                factor = self._linalg(
                    lambda m, label=label: inversion_util.cholesky_factor_from(
                        m,
                        name=f"H (regularization matrix of {label})",
                        check_degenerate=False,
                        xp=self.xp,
                    ),
                    reg,
                )
                total += inversion_util.log_det_from_cholesky(factor, xp=self.xp)
        return total

    @cached_property
    def noise_normalization(self) -> float:
        """``sum ln 2 pi sigma^2`` (``ln det(2 pi C)`` with a noise covariance)."""
        if self.noise_covariance is not None:
            return self.noise_covariance.noise_normalization
        return self._scalar_from(self.xp.sum(self.xp.log(2.0 * np.pi * self.noise_map**2)))

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
