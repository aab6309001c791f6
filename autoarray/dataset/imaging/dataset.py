"""The imaging dataset: data, noise map and PSF on a mask, with the grids models are evaluated on."""

import numbers
import warnings
from functools import cached_property

import numpy as np

from autoarray import check_util, exc, fits_util
from autoarray.dataset import dataset_util
from autoarray.dataset.grids import GridsDataset
from autoarray.dataset.noise_covariance import NoiseCovariance
from autoarray.mask.mask_2d import Mask2D
from autoarray.operators.convolver import Convolver, warn_if_psf_questionable
from autoarray.operators.sparse_operator import ImagingSparseOperator
from autoarray.structures.arrays.array_2d import Array2D
from autoarray.structures.over_sampling import over_sample_util

__all__ = ["Imaging"]

_SPARSE_WITH_COVARIANCE = (
    "The sparse operator weights every pixel by 1 / sigma^2 (independent noise), so it cannot use "
    "the dataset's noise_covariance_matrix; fit correlated noise without apply_sparse_operator() "
    "(the mapping formalism whitens the system with the covariance)."
)


def _sizes_array_from(over_sample_size, mask):
    return over_sample_util.sub_size_array_from(over_sample_size, mask.pixels_in_mask)


def _check_new_mask(mask, current_mask, caller: str):
    """
    Raise ``DatasetException`` unless ``mask`` can replace ``current_mask``: a ``Mask2D`` of the
    same shape and pixel scales that unmasks at least one pixel and no pixel masked now.
    """
    if not isinstance(mask, Mask2D) or mask.shape_native != current_mask.shape_native:
        raise exc.DatasetException(
            f"{caller} needs a Mask2D of shape {current_mask.shape_native}, got "
            f"{getattr(mask, 'shape_native', type(mask).__name__)}; build it with "
            f"shape_native={current_mask.shape_native} (the data's)."
        )
    if not np.allclose(mask.pixel_scales, current_mask.pixel_scales, rtol=1e-12, atol=0.0):
        raise exc.DatasetException(
            f"{caller} got a mask with pixel scales {mask.pixel_scales} but the dataset has "
            f"{current_mask.pixel_scales}; build the mask with dataset.pixel_scales."
        )
    if mask.pixels_in_mask == 0:
        raise exc.DatasetException(
            f"{caller} got a mask with no unmasked pixel (every pixel is masked), which leaves "
            "nothing to fit; unmask the region to fit (True = masked)."
        )
    unmasked = ~mask.array & current_mask.array
    if np.any(unmasked):
        raise exc.DatasetException(
            f"{caller} cannot unmask pixels: {int(unmasked.sum())} pixels masked in the "
            "dataset are unmasked in the new mask. Reload the dataset to use a larger mask."
        )


def _pair_text(pair, digits=6) -> str:
    """A (y, x) pair for messages: one number for square pixels."""
    y, x = (float(v) for v in pair)
    return f"{y:.{digits}g}" if y == x else f"({y:.{digits}g}, {x:.{digits}g})"


def _psf_sampling_mismatch_from(info, data_pixel_scales) -> str | None:
    """
    What is wrong when a PSF header's pixel scale times its factor ``s`` is not the data's pixel
    scale (None when they agree, or the header gives no pixel scale): both numbers, and the
    factor the header's pixel scale implies if it is an integer.
    """
    if info.pixel_scales is None:
        return None
    s = info.convolve_over_sample_size or 1
    implied = np.asarray(data_pixel_scales, dtype=float) / np.asarray(info.pixel_scales)
    if np.allclose(implied, s, rtol=1e-6, atol=0.0):
        return None
    cards = " / ".join(card.split("=")[0] for card in info.pixel_scales_card.split(", "))
    message = (
        f"the header says {info.convolve_over_sample_size_card or 'no OVERSAMP (s = 1)'} but "
        f"{info.pixel_scales_card}: {_pair_text(info.pixel_scales)} x {s} = "
        f"{_pair_text(np.multiply(info.pixel_scales, s))} arcsec, not the data's pixel scale "
        f"{_pair_text(data_pixel_scales)}"
    )
    whole = round(float(implied[0]))
    if whole >= 1 and np.allclose(implied, whole, rtol=1e-6, atol=0.0):
        return (
            f"{message}. {cards} implies a factor of {whole} (poppy's OpticalSystem, for one, "
            f"writes its FFT oversampling in OVERSAMP): pass convolve_over_sample_size_lp="
            f"{whole}, convolve_over_sample_size_pixelization={whole} to use it."
        )
    return (
        f"{message}; {_pair_text(data_pixel_scales)} / {_pair_text(info.pixel_scales)} = "
        f"{_pair_text(implied, digits=4)} is not an integer, so the PSF is not sampled at a "
        "whole fraction of the data's pixels. Resample it to the data's pixel scale / s."
    )


class Imaging:
    """
    An imaging dataset: ``data``, ``noise_map`` and ``psf`` on the data's mask.

    Parameters
    ----------
    data : Array2D
        The image (its mask is the dataset's mask). Its unmasked values must be
        finite: mask bad pixels (NaN / inf) by putting the data on a mask that excludes them,
        ``Array2D(values, mask)``, or with ``Imaging.from_fits(..., mask=...)``.
    noise_map : Array2D, optional
        1-sigma noise of every pixel, on the same mask; ones if None (``sqrt(diag C)`` with a
        noise covariance).
    psf : Convolver, optional
        The PSF, or None. With ``convolve_over_sample_size_* = s > 1`` it
        must be sampled at the data's pixel scale / s and carry ``convolve_over_sample_size = s``.
    psf_setup_state : bool
        Build the PSF's convolution state for the mask now, once, instead of on first use.
    noise_covariance_matrix : numpy.ndarray, optional
        The (N, N) covariance of the unmasked pixels' noise (slim order), for correlated
        noise: symmetric and positive definite (refused otherwise). Fits then use
        ``chi^2 = r^T C^-1 r`` and ``ln det(2 pi C)`` (:class:`NoiseCovariance`), and linear
        inversions the whitened system; the noise map (default ``sqrt(diag C)``) is only used for
        per-pixel displays (normalised residuals, signal-to-noise). ``apply_mask`` keeps the
        sub-matrix of the pixels kept. The sparse operator does not support it (refused).
    over_sample_size_lp, over_sample_size_pixelization : int or Array2D, optional
        Over-sample sizes ``k_i`` of light profiles and pixelizations: an int or one int per
        unmasked pixel (adaptive). Each must be divisible by the matching convolve size ``s``.
        None (default): the smallest multiple of ``s`` that is >= 4 (4 for s = 1, 2, 4; 6 for
        s = 3; s for s >= 5), :func:`autoarray.dataset.dataset_util.over_sample_size_default_from`.
    use_normalized_psf : bool
        Use the PSF divided by its sum (a new Convolver; the caller's is not mutated). A PSF that
        already sums to 1 within 8 ulp (e.g. one written by :meth:`output_to_fits`) is used as
        it is, so a FITS round trip keeps its values bit for bit.
    check_noise_map : bool
        Reject noise maps with non-positive or non-finite values.
    sparse_operator : ImagingSparseOperator, optional
        An :class:`autoarray.ImagingSparseOperator` of this dataset's mask, noise map and
        pixelization PSF (native or oversampled): pixelized inversions then use the sparse
        formalism. Usually set with :meth:`apply_sparse_operator`.
    convolve_over_sample_size_lp, convolve_over_sample_size_pixelization : int
        ``s`` of each channel: light is blurred on a grid ``s`` times finer than the data and
        binned back (mean). Default 1: the native path, bit for bit.

    Raises
    ------
    TypeError
        If a convolve size is not an int.
    DatasetException
        For data on a mask without unmasked pixels, non-finite data in an unmasked pixel (the
        message gives the count and the first pixel's native (row, col) and (y, x) arcsec),
        sizes < 1, over-sample sizes not divisible by their convolve size, two different
        convolve sizes > 1, a PSF whose ``convolve_over_sample_size`` disagrees or (``s > 1``)
        that is not sampled at the data's pixel scales / s, a sparse operator built for another
        mask, noise map or ``s`` (or any sparse operator with a noise covariance), mismatched
        shapes, a noise covariance that is not a symmetric positive-definite (N, N) matrix, or a
        bad noise map.

    Notes
    -----
    ``psf`` is the PSF as given (normalised if ``use_normalized_psf``); the convolutions of a fit
    use :attr:`psf_lp` and :attr:`psf_pixelization`, which carry a :class:`ConvolverState` for
    this dataset's mask, built once on first use (at construction with ``psf_setup_state``).
    """

    def __init__(
        self,
        data: Array2D,
        noise_map: Array2D | None = None,
        psf: Convolver | None = None,
        psf_setup_state: bool = False,
        noise_covariance_matrix: np.ndarray | None = None,
        over_sample_size_lp=None,
        over_sample_size_pixelization=None,
        use_normalized_psf: bool = True,
        check_noise_map: bool = True,
        sparse_operator=None,
        convolve_over_sample_size_lp: int = 1,
        convolve_over_sample_size_pixelization: int = 1,
    ):
        s_lp = check_util.positive_int_from(
            convolve_over_sample_size_lp, "convolve_over_sample_size_lp", exc.DatasetException
        )
        s_pix = check_util.positive_int_from(
            convolve_over_sample_size_pixelization,
            "convolve_over_sample_size_pixelization",
            exc.DatasetException,
        )
        if not isinstance(data, Array2D):
            raise exc.DatasetException(f"data must be an Array2D, got {type(data).__name__}.")
        mask = data.mask
        if mask.pixels_in_mask == 0:
            raise exc.DatasetException(
                f"The data's mask has no unmasked pixel ({mask!r}), which leaves nothing to fit; "
                "unmask the region to fit (True = masked)."
            )
        non_finite = dataset_util.non_finite_pixels_from(data.slim.array, mask)
        if non_finite is not None:
            count, (row, col), (y, x) = non_finite
            raise exc.DatasetException(
                f"The data has {count} non-finite values (NaN or inf) in unmasked pixels; the "
                f"first is native (row, col) = ({row}, {col}), (y, x) = ({y:.6g}, {x:.6g}) "
                "arcsec. Mask them (True = masked): put the data on a mask that excludes them, "
                "Array2D(values, mask=mask), or load it with Imaging.from_fits(..., mask=mask); "
                "np.isfinite(values) shows where they are."
            )
        if over_sample_size_lp is None:
            over_sample_size_lp = dataset_util.over_sample_size_default_from(s_lp)
        if over_sample_size_pixelization is None:
            over_sample_size_pixelization = dataset_util.over_sample_size_default_from(s_pix)
        if s_lp > 1 and s_pix > 1 and s_lp != s_pix:
            raise exc.DatasetException(
                f"convolve_over_sample_size_lp={s_lp} and convolve_over_sample_size_pixelization="
                f"{s_pix} differ; both use the one PSF, so sizes > 1 must be equal."
            )
        for name, size, s in (
            ("over_sample_size_lp", over_sample_size_lp, s_lp),
            ("over_sample_size_pixelization", over_sample_size_pixelization, s_pix),
        ):
            try:
                sizes = _sizes_array_from(
                    size.native.array[~mask.array]
                    if isinstance(size, Array2D) and not size.mask.is_same_as(mask)
                    else size,
                    mask,
                )
                over_sample_util.check_divisible_by_convolve_size(sizes, s, name)
            except exc.GridException as error:
                raise exc.DatasetException(
                    f"{name}: {error} {dataset_util.over_sample_size_rule_text_from(name, s)}"
                ) from None
        s_psf_needed = max(s_lp, s_pix)
        if psf is not None:
            if not isinstance(psf, Convolver):
                raise exc.DatasetException(f"psf must be a Convolver, got {type(psf).__name__}.")
            if psf.convolve_over_sample_size != s_psf_needed:
                raise exc.DatasetException(
                    f"The PSF has convolve_over_sample_size={psf.convolve_over_sample_size} but the "
                    f"dataset asks for convolve_over_sample_size_lp={s_lp}, "
                    f"convolve_over_sample_size_pixelization={s_pix}; an oversampled PSF needs the "
                    "matching sizes (and a native one sizes of 1)."
                )
            if s_psf_needed > 1:
                expected = (
                    data.pixel_scales[0] / s_psf_needed,
                    data.pixel_scales[1] / s_psf_needed,
                )
                if not np.allclose(psf.pixel_scales, expected, rtol=1e-6, atol=0.0):
                    raise exc.DatasetException(
                        f"The PSF is sampled at {psf.pixel_scales} arcsec per pixel, but with "
                        f"convolve_over_sample_size={s_psf_needed} it must be sampled at the "
                        f"data's pixel scales {data.pixel_scales} / {s_psf_needed} = {expected}."
                    )
            warn_if_psf_questionable(psf.native)
            if use_normalized_psf and not dataset_util.sums_to_one(psf.native):
                psf = psf.normalized
        elif s_psf_needed > 1:
            raise exc.DatasetException(
                f"convolve_over_sample_size > 1 (lp={s_lp}, pixelization={s_pix}) needs an "
                "oversampled psf."
            )
        noise_map_given = noise_map is not None
        if noise_map is None:
            noise_map = Array2D(np.ones(mask.pixels_in_mask), mask)
        if not isinstance(noise_map, Array2D):
            noise_map = Array2D(np.asarray(noise_map), mask)
        if noise_map.shape_native != data.shape_native:
            raise exc.DatasetException(
                f"noise_map has shape {noise_map.shape_native} but data has {data.shape_native}."
            )
        if not noise_map.mask.is_same_as(mask):
            noise_map = Array2D(noise_map.native.array, mask)
        if check_noise_map:
            values = np.asarray(noise_map.slim.array)
            bad = ~np.isfinite(values) | (values <= 0)
            if np.any(bad):
                raise exc.DatasetException(
                    f"The noise map has {int(bad.sum())} non-positive or non-finite values (e.g. "
                    f"{values[bad][:3].tolist()}); every unmasked pixel needs a positive noise. "
                    "Mask those pixels, fix the noise map, or pass check_noise_map=False."
                )
        noise_covariance = None
        if noise_covariance_matrix is not None:
            n = mask.pixels_in_mask
            if np.shape(noise_covariance_matrix) != (n, n):
                raise exc.DatasetException(
                    f"noise_covariance_matrix has shape {np.shape(noise_covariance_matrix)} but the "
                    f"mask has {n} unmasked pixels, so ({n}, {n}) (slim order) was expected."
                )
            noise_covariance = NoiseCovariance(noise_covariance_matrix)
            sigma = np.sqrt(np.diag(noise_covariance.matrix))
            if noise_map_given and not np.allclose(noise_map.slim.array, sigma, rtol=1e-6):
                warnings.warn(
                    "noise_map differs from sqrt(diag(noise_covariance_matrix)); the likelihood "
                    "uses the covariance, the noise map only per-pixel displays.",
                    UserWarning,
                    stacklevel=2,
                )
            if not noise_map_given:
                noise_map = Array2D(sigma, mask)
        if psf is not None and psf.state is not None and not psf.state.mask.is_same_as(mask):
            # A state belongs to its mask: the dataset's PSF either has one for this mask or none.
            psf = psf.with_state(None)
        if psf is not None and psf_setup_state and psf.state is None:
            psf = psf.with_state_for(mask)
        if sparse_operator is not None:
            if noise_covariance is not None:
                raise exc.DatasetException(_SPARSE_WITH_COVARIANCE)
            self._check_sparse_operator(sparse_operator, noise_map, s_pix)
        self.data = data
        self.noise_map = noise_map
        self.psf = psf
        self.psf_setup_state = psf_setup_state
        self.noise_covariance_matrix = noise_covariance_matrix
        self.noise_covariance = noise_covariance
        self.over_sample_size_lp = over_sample_size_lp
        self.over_sample_size_pixelization = over_sample_size_pixelization
        self.use_normalized_psf = use_normalized_psf
        self.check_noise_map = check_noise_map
        self.sparse_operator = sparse_operator
        self.convolve_over_sample_size_lp = s_lp
        self.convolve_over_sample_size_pixelization = s_pix

    @staticmethod
    def _check_sparse_operator(sparse_operator, noise_map, s_pix):
        if not isinstance(sparse_operator, ImagingSparseOperator):
            raise exc.DatasetException(
                f"sparse_operator must be an ImagingSparseOperator (see "
                f"dataset.apply_sparse_operator()), got {type(sparse_operator).__name__}."
            )
        if not sparse_operator.mask.is_same_as(noise_map.mask):
            raise exc.DatasetException(
                "The sparse operator was built on another mask; build it for this dataset with "
                "dataset.apply_sparse_operator()."
            )
        if sparse_operator.convolve_over_sample_size != s_pix:
            raise exc.DatasetException(
                f"The sparse operator has convolve_over_sample_size="
                f"{sparse_operator.convolve_over_sample_size} but the dataset's "
                f"convolve_over_sample_size_pixelization is {s_pix}; build it with "
                "dataset.apply_sparse_operator()."
            )
        if not np.array_equal(sparse_operator.noise_map, np.asarray(noise_map.slim.array)):
            raise exc.DatasetException(
                "The sparse operator was built from another noise map; build it for this "
                "dataset with dataset.apply_sparse_operator()."
            )

    # ------------------------------------------------------------------------- properties

    @property
    def mask(self) -> Mask2D:
        return self.data.mask

    @property
    def shape_native(self):
        return self.data.shape_native

    @property
    def pixel_scales(self):
        return self.data.pixel_scales

    @property
    def signal_to_noise_map(self) -> Array2D:
        return self.data / self.noise_map

    @cached_property
    def grids(self) -> GridsDataset:
        """The ``lp``, ``pixelization`` and ``blurring`` grids (see :class:`GridsDataset`)."""
        return GridsDataset(
            self.mask,
            self._sizes_on_mask(self.over_sample_size_lp),
            self._sizes_on_mask(self.over_sample_size_pixelization),
            self.psf,
            self.convolve_over_sample_size_lp,
            self.convolve_over_sample_size_pixelization,
        )

    def _sizes_on_mask(self, size):
        if isinstance(size, Array2D) and not size.mask.is_same_as(self.mask):
            return Array2D(size.native.array[~self.mask.array], self.mask)
        return size

    def _psf_with_state_from(self, psf: Convolver) -> Convolver:
        """``psf`` holding a state for this dataset's mask and blurring grid."""
        blurring_mask = self.grids.blurring_mask
        state = psf.state
        if (
            state is not None
            and state.mask.is_same_as(self.mask)
            and state.blurring_mask.is_same_as(blurring_mask)
        ):
            return psf
        return psf.with_state_for(self.mask, blurring_mask)

    @cached_property
    def psf_pixelization(self) -> Convolver | None:
        """
        The PSF of pixelizations, with a state for the mask: the dataset's PSF, or its native
        block sum when the pixelization channel is native (``s_pixelization = 1``) and the PSF
        oversampled.
        """
        if self.psf is None:
            return None
        if self.psf.convolve_over_sample_size == self.convolve_over_sample_size_pixelization:
            return self._psf_with_state_from(self.psf)
        return self._psf_with_state_from(self.psf.native_psf_from())

    @cached_property
    def psf_lp(self) -> Convolver | None:
        """
        The PSF of light profiles, with a state for the mask and ``grids.blurring``: the
        dataset's PSF, or, when the light-profile channel is native (``s_lp = 1``) while the PSF
        is oversampled for pixelizations, its native block sum.
        """
        if self.psf is None:
            return None
        if self.psf.convolve_over_sample_size == self.convolve_over_sample_size_lp:
            return self._psf_with_state_from(self.psf)
        return self._psf_with_state_from(self.psf.native_psf_from())

    def _with(self, **changes) -> "Imaging":
        kwargs = dict(
            data=self.data,
            noise_map=self.noise_map,
            psf=self.psf,
            psf_setup_state=self.psf_setup_state,
            noise_covariance_matrix=self.noise_covariance_matrix,
            over_sample_size_lp=self.over_sample_size_lp,
            over_sample_size_pixelization=self.over_sample_size_pixelization,
            use_normalized_psf=False,
            check_noise_map=self.check_noise_map,
            sparse_operator=self.sparse_operator,
            convolve_over_sample_size_lp=self.convolve_over_sample_size_lp,
            convolve_over_sample_size_pixelization=self.convolve_over_sample_size_pixelization,
        )
        kwargs.update(changes)
        return Imaging(**kwargs)

    def _with_sparse_operator_rebuilt(self, **changes) -> "Imaging":
        # A new mask or noise map invalidates the operator: build the new dataset's own.
        dataset = self._with(sparse_operator=None, **changes)
        op = self.sparse_operator
        if op is None:
            return dataset
        return dataset.apply_sparse_operator(engine=op.engine, batch_size=op.batch_size)

    # -------------------------------------------------------------------------- changes

    def apply_sparse_operator(self, engine="auto", batch_size=64) -> "Imaging":
        """
        Return the dataset with an :class:`autoarray.ImagingSparseOperator` built from its
        noise map and pixelization PSF (``psf_pixelization``), native or oversampled, so that
        pixelized inversions use the sparse formalism (same results as the mapping formalism,
        less time and memory for large meshes; see ``benchmarks/RESULTS.md``).

        Call it once, after masking; :meth:`apply_mask` and :meth:`apply_noise_scaling`
        rebuild the operator of the dataset they return.

        Parameters
        ----------
        engine
            ``"auto"`` (default), ``"w_sparse"``, ``"w_fft"`` or ``"factored"`` (see
            :class:`autoarray.ImagingSparseOperator`).
        batch_size
            Columns per batch of the ``"w_fft"`` engine.
        """
        if self.noise_covariance is not None:
            raise exc.DatasetException(_SPARSE_WITH_COVARIANCE)
        try:
            operator = ImagingSparseOperator.from_noise_map_and_psf(
                self.noise_map, self.psf_pixelization, engine=engine, batch_size=batch_size
            )
        except exc.InversionException as error:
            raise exc.DatasetException(f"apply_sparse_operator: {error}") from None
        return self._with(sparse_operator=operator)

    def apply_mask(self, mask: Mask2D) -> "Imaging":
        """
        The dataset on ``mask`` (data and noise map re-read from the native frame; adaptive
        over-sample sizes and the noise covariance restricted to the new mask).

        Raises
        ------
        DatasetException
            If ``mask`` is not a ``Mask2D`` of the dataset's shape and pixel scales, masks every
            pixel, or unmasks a pixel that is masked now (a mask may only remove pixels).
        """
        _check_new_mask(mask, self.mask, "apply_mask")
        data = Array2D(self.data.native.array, mask)
        noise_map = Array2D(self.noise_map.native.array, mask)
        # Rows / columns are the current slim pixels: keep those the new mask keeps.
        covariance = self._covariance_of_pixels_kept(~mask.array[~self.mask.array])
        return self._with_sparse_operator_rebuilt(
            data=data,
            noise_map=noise_map,
            noise_covariance_matrix=covariance,
            over_sample_size_lp=self._sizes_transferred(self.over_sample_size_lp, mask),
            over_sample_size_pixelization=self._sizes_transferred(
                self.over_sample_size_pixelization, mask
            ),
        )

    def _covariance_of_pixels_kept(self, keep):
        """The noise covariance restricted to the slim pixels ``keep`` (boolean), or None."""
        if self.noise_covariance_matrix is None:
            return None
        return np.asarray(self.noise_covariance_matrix)[np.ix_(keep, keep)]

    def _sizes_transferred(self, size, mask):
        """Adaptive sizes (``Array2D`` or one int per unmasked pixel) re-read on ``mask``."""
        if isinstance(size, Array2D):
            native = np.asarray(size.native.array)
        elif np.ndim(size) == 1:
            native = np.asarray(Array2D(np.asarray(size), self.mask).native.array)
        else:
            return size
        return Array2D(native[~mask.array].astype(np.int64), mask)

    def apply_over_sampling(
        self,
        over_sample_size_lp=None,
        over_sample_size_pixelization=None,
    ) -> "Imaging":
        """The dataset with new over-sample sizes (None keeps the current one)."""
        return self._with(
            over_sample_size_lp=self.over_sample_size_lp
            if over_sample_size_lp is None
            else over_sample_size_lp,
            over_sample_size_pixelization=self.over_sample_size_pixelization
            if over_sample_size_pixelization is None
            else over_sample_size_pixelization,
        )

    def apply_noise_scaling(
        self,
        mask: Mask2D,
        noise_value: float = 1e8,
        signal_to_noise_value: float | None = None,
        should_zero_data=True,
    ):
        """
        Return the dataset with the noise of the pixels *unmasked* in ``mask`` set to
        ``noise_value`` (and their data zeroed), so a fit ignores them without changing the mask.
        With ``signal_to_noise_value`` the noise is instead the median data on the edge of that
        region divided by it (see :meth:`noise_value_via_signal_to_noise_from`).
        """
        if not isinstance(mask, Mask2D) or mask.shape_native != self.shape_native:
            raise exc.DatasetException(
                f"apply_noise_scaling needs a Mask2D of shape {self.shape_native}, got "
                f"{getattr(mask, 'shape_native', type(mask).__name__)}."
            )
        if signal_to_noise_value is not None:
            noise_value = self.noise_value_via_signal_to_noise_from(mask, signal_to_noise_value)
        region = ~np.asarray(mask.array)
        data = np.array(self.data.native.array, dtype=float)
        noise = np.array(self.noise_map.native.array, dtype=float)
        noise[region] = noise_value
        if should_zero_data:
            data[region] = 0.0
        covariance = self.noise_covariance_matrix
        if covariance is not None:
            # The scaled pixels become independent of the others, with variance noise_value^2.
            scaled = region[~self.mask.array]
            covariance = np.array(covariance, dtype=float)
            covariance[scaled, :] = 0.0
            covariance[:, scaled] = 0.0
            covariance[scaled, scaled] = noise_value**2
        return self._with_sparse_operator_rebuilt(
            data=Array2D(data, self.mask),
            noise_map=Array2D(noise, self.mask),
            noise_covariance_matrix=covariance,
        )

    # ------------------------------------------------------------------------------ FITS

    @classmethod
    def from_fits(
        cls,
        data_path,
        pixel_scales=None,
        noise_map_path=None,
        psf_path=None,
        data_hdu=0,
        noise_map_hdu=0,
        psf_hdu=0,
        over_sample_size_lp=None,
        over_sample_size_pixelization=None,
        convolve_over_sample_size_lp=None,
        convolve_over_sample_size_pixelization=None,
        psf_pixel_scales=None,
        use_normalized_psf=True,
        check_noise_map=True,
        psf_setup_state=False,
        mask=None,
    ) -> "Imaging":
        """
        Load a dataset from FITS files.

        Parameters
        ----------
        data_path, noise_map_path, psf_path : str or path-like
            The files (no noise map: ones; no PSF: none).
        pixel_scales : float or (float, float), optional
            The data's arcsec per pixel; default: its header (``PIXSCALY`` / ``PIXSCALX``).
        data_hdu, noise_map_hdu, psf_hdu : int or str
            The HDU of each file, an index or an extension name (e.g. ``"OVERSAMP"``).
        over_sample_size_lp, over_sample_size_pixelization
            As in :class:`Imaging`; None (default): the smallest multiple of the PSF's factor
            ``s`` that is >= 4.
        convolve_over_sample_size_lp, convolve_over_sample_size_pixelization : int, optional
            ``s`` of each channel. Not given: the PSF header's factor (``OVERSAMP``, see
            :func:`autoarray.fits_util.psf_header_info_from`), or 1 without a PSF. A given factor
            > 1 wins over the header's, with a ``UserWarning`` naming both.
        psf_pixel_scales : float or (float, float), optional
            The PSF's sampling when its header has none (default: the data's pixel scale / s).
        use_normalized_psf, check_noise_map, psf_setup_state : bool
            As in :class:`Imaging`.
        mask : Mask2D, optional
            Applied to the full frames before the dataset is built, so frames whose bad pixels
            are NaN or inf load when the mask excludes them (the data must be finite wherever it
            is unmasked). Same shape and pixel scales as the data.

        Returns
        -------
        Imaging

        Raises
        ------
        DatasetException
            If the data is not finite where it is unmasked, ``mask`` does not fit the data, the
            PSF file is malformed, or (no factor given) the PSF header's pixel scale times its
            factor is not the data's pixel scale: the message names both numbers and the factor
            the header's pixel scale implies (poppy's ``OpticalSystem`` writes its FFT
            oversampling in ``OVERSAMP``; pass the convolve sizes to use the right one).

        Notes
        -----
        Files written by :meth:`output_to_fits` reload bit for bit (exact geometry cards, and a
        PSF that already sums to 1 is not normalised again).
        """
        data = Array2D.from_fits(data_path, pixel_scales=pixel_scales, hdu=data_hdu)
        noise_map = None
        if noise_map_path is not None:
            noise_map = Array2D.from_fits(
                noise_map_path, pixel_scales=data.pixel_scales, hdu=noise_map_hdu
            )
            noise_map = Array2D(noise_map.native.array, data.mask)
        if mask is not None:
            _check_new_mask(mask, data.mask, "Imaging.from_fits")
            data = Array2D(data.native.array, mask)
            if noise_map is not None:
                noise_map = Array2D(noise_map.native.array, mask)
        psf = None
        if psf_path is not None:
            given = [
                s
                for s in (convolve_over_sample_size_lp, convolve_over_sample_size_pixelization)
                if s is not None and s > 1
            ]
            s_arg = given[0] if given else None
            try:
                _, header = fits_util.hdu_from(psf_path, psf_hdu)
                info = fits_util.psf_header_info_from(header)
                s = s_arg if s_arg is not None else (info.convolve_over_sample_size or 1)
                if psf_pixel_scales is None and info.pixel_scales is None:
                    psf_pixel_scales = (data.pixel_scales[0] / s, data.pixel_scales[1] / s)
                elif psf_pixel_scales is None and s_arg is None:
                    mismatch = _psf_sampling_mismatch_from(info, data.pixel_scales)
                    if mismatch is not None:
                        raise exc.DatasetException(f"PSF {psf_path}: {mismatch}")
                psf = Convolver.from_fits(
                    psf_path,
                    hdu=psf_hdu,
                    pixel_scales=psf_pixel_scales,
                    convolve_over_sample_size=s_arg,
                )
            except exc.KernelException as error:
                raise exc.DatasetException(f"PSF {psf_path}: {error}") from None
            s_psf = psf.convolve_over_sample_size
            if convolve_over_sample_size_lp is None:
                convolve_over_sample_size_lp = s_psf
            if convolve_over_sample_size_pixelization is None:
                convolve_over_sample_size_pixelization = s_psf
        return cls(
            data=data,
            noise_map=noise_map,
            psf=psf,
            psf_setup_state=psf_setup_state,
            over_sample_size_lp=over_sample_size_lp,
            over_sample_size_pixelization=over_sample_size_pixelization,
            use_normalized_psf=use_normalized_psf,
            check_noise_map=check_noise_map,
            convolve_over_sample_size_lp=1
            if convolve_over_sample_size_lp is None
            else convolve_over_sample_size_lp,
            convolve_over_sample_size_pixelization=1
            if convolve_over_sample_size_pixelization is None
            else convolve_over_sample_size_pixelization,
        )

    def output_to_fits(self, data_path, psf_path=None, noise_map_path=None, overwrite=False):
        """
        Write the data, PSF and noise map to FITS, so that :meth:`from_fits` reloads the dataset
        bit for bit.

        Headers carry the geometry (``PIXSCALY`` / ``PIXSCALX`` / ``ORIGINY`` / ``ORIGINX`` and
        their exact copies, see :mod:`autoarray.fits_util`). The PSF is the primary HDU of its
        file, named like STPSF's products: ``EXTNAME=OVERSAMP`` for an oversampled PSF
        (``s > 1``) or ``DET_SAMP`` for a native one, with ``OVERSAMP = s``; so
        ``Convolver.from_fits(psf_path, hdu="OVERSAMP")`` and ``from_fits(..., psf_hdu=...)``
        read it by name too.
        """
        self.data.output_to_fits(data_path, overwrite=overwrite)
        if noise_map_path is not None:
            self.noise_map.output_to_fits(noise_map_path, overwrite=overwrite)
        if psf_path is not None and self.psf is not None:
            s = self.psf.convolve_over_sample_size
            header = fits_util.header_with_geometry_from(self.psf.pixel_scales, self.psf.origin)
            header["EXTNAME"] = ("OVERSAMP" if s > 1 else "DET_SAMP", "PSF sampling (as STPSF)")
            header["OVERSAMP"] = (s, "PSF oversampling factor")
            fits_util.write_hdu_list(psf_path, [(self.psf.native, header, None)], overwrite)

    # ------------------------------------------------ PyAutoArray names (issue 17 additions)

    @property
    def grid(self):
        """The light-profile grid, ``grids.lp`` (PyAutoArray's ``dataset.grid``)."""
        return self.grids.lp

    @property
    def signal_to_noise_max(self) -> float:
        """
        The largest value of :attr:`signal_to_noise_map` over the unmasked pixels.

        Returns
        -------
        float
        """
        return float(np.max(np.asarray(self.signal_to_noise_map.slim.array)))

    def noise_value_via_signal_to_noise_from(self, mask: Mask2D, signal_to_noise_value) -> float:
        """
        The noise that gives the data of a noise-scaled region the signal-to-noise
        ``signal_to_noise_value``: the median data over the edge of the region (the unmasked
        pixels of ``mask`` next to a masked one, ``mask.derive_mask.edge``) divided by it, as in
        PyAutoArray's ``apply_noise_scaling``.

        Parameters
        ----------
        mask : Mask2D
            The region is its unmasked pixels.
        signal_to_noise_value : float
            The target signal-to-noise, > 0.

        Returns
        -------
        float

        Raises
        ------
        TypeError
            If ``signal_to_noise_value`` is not a number (``bool`` included).
        DatasetException
            If ``signal_to_noise_value`` is not finite and positive, the region is empty,
            or the median data on its edge is not positive (no positive noise gives that S/N).
        """
        if isinstance(signal_to_noise_value, bool | np.bool_) or not isinstance(
            signal_to_noise_value, numbers.Real
        ):
            raise TypeError(
                f"signal_to_noise_value must be a number, got {signal_to_noise_value!r} of type "
                f"{type(signal_to_noise_value).__name__}."
            )
        value = float(signal_to_noise_value)
        if not (np.isfinite(value) and value > 0):
            raise exc.DatasetException(
                f"signal_to_noise_value must be a finite number > 0, got {signal_to_noise_value!r}."
            )
        if mask.is_all_true:
            raise exc.DatasetException(
                "apply_noise_scaling got a mask with every pixel masked: there is no region "
                "(unmasked pixels) to scale."
            )
        edge = ~mask.derive_mask.edge.array
        median = float(np.median(np.asarray(self.data.native.array)[edge]))
        if not median > 0:
            raise exc.DatasetException(
                f"The median data on the edge of the noise-scaled region is {median:.6g}, so "
                f"no positive noise gives it S/N = {value}; pass noise_value instead."
            )
        return median / value

    def trimmed_after_convolution_from(self, kernel_shape) -> "Imaging":
        """
        The dataset with ``kernel_shape // 2`` pixels removed from every side of the data, noise
        map, mask and adaptive over-sample sizes (:meth:`Array2D.trimmed_after_convolution_from`),
        e.g. after simulating on a padded frame. The PSF is kept.

        Parameters
        ----------
        kernel_shape : (int, int)
            The kernel's shape in the data's pixels, both odd.

        Returns
        -------
        Imaging
            With a noise covariance restricted to the pixels kept, and its sparse operator (if
            any) rebuilt.

        Raises
        ------
        ArrayException
            If a kernel dimension is even or the frame is too small to trim.
        DatasetException
            If the trimmed dataset is invalid (e.g. no unmasked pixel is left).
        """
        data = self.data.trimmed_after_convolution_from(kernel_shape)
        noise_map = self.noise_map.trimmed_after_convolution_from(kernel_shape)
        # The slim pixels kept are the unmasked pixels inside the trimmed window.
        (ny, nx), (ty, tx) = self.shape_native, data.shape_native
        inside = np.zeros(self.shape_native, dtype=bool)
        inside[(ny - ty) // 2 : (ny - ty) // 2 + ty, (nx - tx) // 2 : (nx - tx) // 2 + tx] = True
        covariance = self._covariance_of_pixels_kept(inside[~self.mask.array])
        return self._with_sparse_operator_rebuilt(
            data=data,
            noise_map=noise_map,
            noise_covariance_matrix=covariance,
            over_sample_size_lp=self._sizes_trimmed(self.over_sample_size_lp, kernel_shape),
            over_sample_size_pixelization=self._sizes_trimmed(
                self.over_sample_size_pixelization, kernel_shape
            ),
        )

    def _sizes_trimmed(self, size, kernel_shape):
        if isinstance(size, Array2D) or np.ndim(size) == 1:
            sizes = size if isinstance(size, Array2D) else Array2D(np.asarray(size), self.mask)
            return sizes.trimmed_after_convolution_from(kernel_shape)
        return size

    def __repr__(self):
        return (
            f"Imaging(shape_native={self.shape_native}, pixels={self.mask.pixels_in_mask}, "
            f"psf={self.psf!r}, s_lp={self.convolve_over_sample_size_lp}, "
            f"s_pixelization={self.convolve_over_sample_size_pixelization})"
        )
