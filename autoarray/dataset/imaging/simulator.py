"""Simulate imaging: blur with the PSF (at fine resolution if oversampled), add sky and noise."""

import numpy as np

from autoarray import exc
from autoarray.dataset import dataset_util
from autoarray.dataset.grids import fine_values_from_native_frame
from autoarray.dataset.imaging.dataset import Imaging
from autoarray.mask.mask_2d import Mask2D
from autoarray.operators.convolver import Convolver
from autoarray.structures.arrays.array_2d import Array2D

__all__ = ["SimulatorImaging"]


class SimulatorImaging:
    """
    Simulate an imaging dataset from a noise-free image.

    Parameters
    ----------
    exposure_time
        Seconds (a float, or an ``Array2D`` exposure-time map); images are in counts / s.
    background_sky_level
        Sky in counts / s added before the Poisson noise is drawn.
    subtract_background_sky
        Subtract the sky again from the noisy data (the noise map keeps its contribution).
    psf
        The PSF (:class:`Convolver`); oversampled PSFs blur at their fine resolution.
    normalize_psf
        Use the PSF divided by its sum.
    add_poisson_noise_to_data
        Add Poisson noise (of the image plus sky, in counts) to the data.
    include_poisson_noise_in_noise_map
        The noise map is the Poisson sigma of a noisy realisation, ``sqrt(|counts|) / t``
        (whether or not that realisation is added to the data: with
        ``add_poisson_noise_to_data=False`` the data are noise-free and the noise map realistic,
        so a fit's posterior peaks at the truth); otherwise ``noise_if_add_noise_false``.
    noise_if_add_noise_false
        The noise-map value when no Poisson noise is in the noise map.
    noise_seed
        Seed of the Poisson draws; -1 draws a fresh seed (not reproducible).

    Notes
    -----
    The draws come from NumPy's legacy stream, ``np.random.RandomState(noise_seed).poisson``: the
    stream of PyAutoArray's ``np.random.seed(noise_seed)`` + ``np.random.poisson``, so a seed gives
    the released library's simulated data and noise map value for value. A private
    ``RandomState`` is used: NumPy's global random state is never read or changed.
    """

    def __init__(
        self,
        exposure_time,
        background_sky_level: float = 0.0,
        subtract_background_sky: bool = True,
        psf: Convolver | None = None,
        normalize_psf: bool = True,
        add_poisson_noise_to_data: bool = True,
        include_poisson_noise_in_noise_map: bool = True,
        noise_if_add_noise_false: float = 0.1,
        noise_seed: int = -1,
    ):
        if psf is not None and normalize_psf:
            psf = psf.normalized
        self.exposure_time = exposure_time
        self.background_sky_level = background_sky_level
        self.subtract_background_sky = subtract_background_sky
        self.psf = psf
        self.normalize_psf = normalize_psf
        self.add_poisson_noise_to_data = add_poisson_noise_to_data
        self.include_poisson_noise_in_noise_map = include_poisson_noise_in_noise_map
        self.noise_if_add_noise_false = noise_if_add_noise_false
        self.noise_seed = noise_seed

    @property
    def convolve_over_sample_size(self) -> int:
        return 1 if self.psf is None else self.psf.convolve_over_sample_size

    def blurred_image_from(self, image: Array2D) -> Array2D:
        """
        Blur a noise-free image over its whole frame with zero light outside it: the frame is
        padded by the kernel footprint (the blurring region, all zeros), so light near the edge
        keeps the PSF wings that fall inside the frame.

        ``image`` is the native frame (``s = 1``), or for an oversampled PSF the fine frame: an
        ``Array2D`` of shape ``(ny s, nx s)`` sampled at the data's pixel scale / s. For an even
        (STPSF-layout) kernel its pixels hold the light at ``psf.light_sample_offset`` from their
        centres (half a fine pixel up and left; see :class:`Convolver`, Notes).
        """
        s = self.convolve_over_sample_size
        values = np.asarray(image.native.array, dtype=np.float64)
        if s == 1:
            native_shape = values.shape
            scales = image.pixel_scales
            fine = values.ravel()
        else:
            if values.shape[0] % s or values.shape[1] % s:
                raise exc.DatasetException(
                    f"With an oversampled PSF (s={s}) the image must be the fine frame, a multiple "
                    f"of {s} pixels per side; got shape {values.shape}."
                )
            if not np.allclose(image.pixel_scales, self.psf.pixel_scales, rtol=1e-6, atol=0.0):
                raise exc.DatasetException(
                    f"With an oversampled PSF (s={s}) the image must be the fine frame, sampled "
                    f"like the PSF at {self.psf.pixel_scales} arcsec per pixel (the data's pixel "
                    f"scales / {s}); got an image at {image.pixel_scales}. Evaluate the light on "
                    f"a grid {s} times finer than the data."
                )
            native_shape = (values.shape[0] // s, values.shape[1] // s)
            scales = (image.pixel_scales[0] * s, image.pixel_scales[1] * s)
            fine = fine_values_from_native_frame(values, s)
        mask = Mask2D.all_false(native_shape, scales, image.origin)
        state = self.psf.state_from(mask)
        values = state.image_values_from(fine, None)
        return Array2D(state.convolved_columns_from(values, self.psf.use_fft)[:, 0], mask)

    def via_image_from(
        self, image: Array2D, over_sample_size=None, image_is_convolved=False
    ) -> Imaging:
        """
        Simulate a dataset from a noise-free image.

        Parameters
        ----------
        image
            The noise-free image (counts / s): the native frame, or the fine frame for an
            oversampled PSF (see :meth:`blurred_image_from`). If ``image_is_convolved`` it is the
            already blurred native image.

        over_sample_size
            ``over_sample_size_lp`` of the returned dataset (default: the smallest multiple of
            the PSF's ``s`` that is >= 4, as :class:`Imaging`).

        Raises
        ------
        DatasetException
            If the image holds NaN or inf, an oversampled PSF gets an image that is not the fine
            frame (shape not a multiple of s, or pixel scales not the PSF's), or Poisson noise is
            asked for (in the data or the noise map) with a non-positive exposure time or
            negative counts.
        """
        if not np.all(np.isfinite(np.asarray(image.native.array))):
            raise exc.DatasetException(
                "The image to simulate holds NaN or inf values; check the light profiles."
            )
        if not image_is_convolved and self.psf is not None:
            image = self.blurred_image_from(image)
        elif self.convolve_over_sample_size > 1 and not image_is_convolved:
            raise exc.DatasetException("An oversampled simulation needs a psf.")
        image = Array2D(
            np.asarray(image.native.array),
            Mask2D.all_false(image.shape_native, image.pixel_scales, image.origin),
        )
        exposure = np.asarray(
            self.exposure_time.native.array
            if isinstance(self.exposure_time, Array2D)
            else self.exposure_time,
            dtype=float,
        )
        sky = self.background_sky_level
        values = np.asarray(image.native.array) + sky
        draws = self.add_poisson_noise_to_data or self.include_poisson_noise_in_noise_map
        if draws and not np.all(np.isfinite(exposure) & (exposure > 0)):
            raise exc.DatasetException(
                "Poisson noise needs a positive, finite exposure_time (seconds) everywhere; got "
                f"values from {float(np.min(exposure))} to {float(np.max(exposure))}."
            )
        noisy = values
        if draws:
            counts = values * exposure
            if np.any(counts < 0):
                raise exc.DatasetException(
                    "Poisson noise needs non-negative image + sky counts; the image has negative values."
                )
            rng = np.random.RandomState(None if self.noise_seed == -1 else self.noise_seed)
            # values + (draw - values), not the draw alone: the release's arithmetic, so a seed
            # reproduces its data to the last bit.
            noisy = values + (rng.poisson(counts) / exposure - values)
        if self.include_poisson_noise_in_noise_map:
            noise = np.sqrt(np.abs(noisy * exposure)) / exposure
        else:
            noise = np.full(values.shape, float(self.noise_if_add_noise_false))
        data_values = noisy if self.add_poisson_noise_to_data else values
        if self.subtract_background_sky:
            data_values = data_values - sky
        data = Array2D(data_values, image.mask)
        noise_map = Array2D(noise, image.mask)
        s = self.convolve_over_sample_size
        if over_sample_size is None:
            over_sample_size = dataset_util.over_sample_size_default_from(s)
        return Imaging(
            data=data,
            noise_map=noise_map,
            psf=self.psf,
            use_normalized_psf=False,
            check_noise_map=False,
            over_sample_size_lp=over_sample_size,
            over_sample_size_pixelization=over_sample_size,
            convolve_over_sample_size_lp=s,
            convolve_over_sample_size_pixelization=s,
        )
