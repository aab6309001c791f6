"""A 2D array of values paired with a :class:`Mask2D`, stored slim or native."""

import numbers

import numpy as np

from autoarray import check_util, exc, fits_util
from autoarray.mask import mask_2d_util
from autoarray.mask.mask_2d import Mask2D, MaskGeometry
from autoarray.structures.stored_values import StoredValues

__all__ = ["Array2D"]


def _is_jax_array(values) -> bool:
    return type(values).__module__.startswith(("jax", "jaxlib"))


def _odd_kernel_shape_from(kernel_shape) -> tuple:
    shape = check_util.pair_of_positive_ints_from(kernel_shape, "kernel_shape", exc.ArrayException)
    if shape[0] % 2 == 0 or shape[1] % 2 == 0:
        raise exc.ArrayException(
            f"kernel_shape must be odd in both dimensions, got {shape}: padding by an even "
            "kernel's shape - 1 would move the frame's centre by half a pixel. For an "
            "oversampled PSF pass psf.kernel_shape_image_resolution."
        )
    return shape


class Array2D(StoredValues, MaskGeometry):
    """
    Values on the pixels of a :class:`Mask2D`.

    Parameters
    ----------
    values
        Either the slim values (length ``mask.pixels_in_mask``, in slim order) or the native
        values (shape ``mask.shape_native``; masked entries are ignored). Numeric values keep
        their dtype (float64 data, float32 under mixed precision, integer over-sample sizes);
        JAX arrays are kept as they are, so the class can carry traced values.
    mask
        The mask the values live on. An ``Array2D`` on another mask of the same native shape
        is re-masked through its native frame (``Array2D(image, mask=circular)``).
    store_native
        Keep the values as the native 2D frame (zeros at masked pixels) instead of slim.

    Notes
    -----
    ``.slim`` and ``.native`` return new ``Array2D`` objects holding each representation;
    ``np.array(arr)`` and ``arr.array`` give the stored values. Arithmetic with numbers or
    arrays of the same storage returns an ``Array2D`` on the same mask.
    """

    __array_priority__ = 20

    def __init__(self, values, mask: Mask2D, store_native: bool = False):
        if not isinstance(mask, Mask2D):
            raise exc.ArrayException(
                f"mask must be a Mask2D, got {type(mask).__name__}; build one with "
                "Mask2D.all_false(shape_native, pixel_scales) or use Array2D.no_mask."
            )
        if isinstance(values, Array2D):
            if values.mask is not mask and not np.array_equal(values.mask.array, mask.array):
                # Values on another mask (e.g. an unmasked image being masked): go through
                # the native frame, so every value stays on its pixel.
                values = values.native.array
            elif values.store_native == store_native:
                values = values.array
            else:
                values = values.native.array if store_native else values.slim.array
        if not _is_jax_array(values):
            values = np.asarray(values)
            if values.dtype.kind not in "iuf":
                if values.dtype == bool or values.dtype.kind == "c":
                    pass
                else:
                    raise exc.ArrayException(
                        f"Array2D values must be numeric, got dtype {values.dtype}."
                    )
        shape = tuple(values.shape)
        if shape == (mask.pixels_in_mask,):
            slim = values
            if store_native:
                values = self._native_from_slim(slim, mask)
        elif shape == tuple(mask.shape_native):
            if not store_native:
                values = (
                    values[~mask.array]
                    if not _is_jax_array(values)
                    else values[
                        mask.derive_indexes.native_for_slim[:, 0],
                        mask.derive_indexes.native_for_slim[:, 1],
                    ]
                )
            elif not mask.is_all_false:
                values = (
                    values * (~mask.array)
                    if _is_jax_array(values)
                    else np.where(mask.array, 0, values)
                )
        else:
            raise exc.ArrayException(
                f"Array2D values of shape {shape} fit neither the slim shape "
                f"({mask.pixels_in_mask},) nor the native shape {mask.shape_native} of the mask."
            )
        self._array = values
        self.mask = mask
        self.store_native = bool(store_native)

    @staticmethod
    def _native_from_slim(slim, mask):
        if _is_jax_array(slim):
            import jax.numpy as jnp

            idx = mask.derive_indexes.native_for_slim
            return jnp.zeros(mask.shape_native, dtype=slim.dtype).at[idx[:, 0], idx[:, 1]].set(slim)
        native = np.zeros(mask.shape_native, dtype=slim.dtype)
        native[~mask.array] = slim
        return native

    # ----------------------------------------------------------------------------- factories

    @classmethod
    def no_mask(cls, values, pixel_scales, shape_native=None, origin=(0.0, 0.0)):
        """
        Values on an all-unmasked frame. ``values`` is 2D, or 1D with ``shape_native`` given.
        """
        values = np.asarray(values) if not _is_jax_array(values) else values
        if values.ndim == 1:
            if shape_native is None:
                raise exc.ArrayException(
                    "Array2D.no_mask got 1D values without shape_native; pass "
                    "shape_native=(ny, nx) or 2D values."
                )
            shape_native = check_util.pair_of_positive_ints_from(
                shape_native, "shape_native", exc.ArrayException
            )
            if values.size != shape_native[0] * shape_native[1]:
                raise exc.ArrayException(
                    f"Array2D.no_mask got {values.size} values for shape_native {shape_native}."
                )
            values = values.reshape(shape_native)
        elif values.ndim != 2:
            raise exc.ArrayException(
                f"Array2D.no_mask needs 2D values (or 1D with shape_native), got shape {values.shape}."
            )
        mask = Mask2D.all_false(tuple(values.shape), pixel_scales, origin)
        return cls(values, mask)

    @classmethod
    def full(cls, fill_value, shape_native, pixel_scales, origin=(0.0, 0.0)):
        """A frame of ``shape_native`` filled with ``fill_value``."""
        shape = check_util.pair_of_positive_ints_from(
            shape_native, "shape_native", exc.ArrayException
        )
        return cls.no_mask(np.full(shape, float(fill_value)), pixel_scales, origin=origin)

    @classmethod
    def ones(cls, shape_native, pixel_scales, origin=(0.0, 0.0)):
        """A frame of ones."""
        return cls.full(1.0, shape_native, pixel_scales, origin)

    @classmethod
    def zeros(cls, shape_native, pixel_scales, origin=(0.0, 0.0)):
        """A frame of zeros."""
        return cls.full(0.0, shape_native, pixel_scales, origin)

    @classmethod
    def from_fits(cls, file_path, pixel_scales=None, hdu=0, origin=None):
        """
        Load an array from one HDU of a FITS file.

        ``pixel_scales`` / ``origin`` default to the header's ``PIXSCALY`` / ``PIXSCALX`` and
        ``ORIGINY`` / ``ORIGINX``. If the file has a ``MASK`` extension (written by
        :meth:`output_to_fits` for a masked array) the mask is restored too.

        Raises
        ------
        ArrayException
            If the HDU is not 2D, or no pixel scales are given or found in the header.
        """
        data, header = fits_util.hdu_from(file_path, hdu)
        if data.ndim != 2:
            raise exc.ArrayException(
                f"HDU {hdu!r} of {file_path} holds an array of shape {data.shape}; Array2D needs 2D."
            )
        header_scales, header_origin = fits_util.header_geometry_from(header)
        if pixel_scales is None:
            pixel_scales = header_scales
        if pixel_scales is None:
            raise exc.ArrayException(
                f"{file_path} has no PIXSCALY / PIXSCALX header keys: pass pixel_scales."
            )
        origin = origin if origin is not None else (header_origin or (0.0, 0.0))
        mask_array = np.zeros(data.shape, dtype=bool)
        if hdu in (0, "PRIMARY"):
            try:
                mask_data, _ = fits_util.hdu_from(file_path, "MASK")
                mask_array = np.asarray(mask_data) != 0
            except KeyError:
                pass
        mask = Mask2D(mask_array, pixel_scales, origin)
        return cls(data.astype(np.float64), mask)

    def output_to_fits(self, file_path, overwrite=False, header=None):
        """
        Write the native values (primary HDU, float64) with the geometry in the header; a masked
        array also writes a ``MASK`` extension (1 = masked) so :meth:`from_fits` restores it.
        """
        header = fits_util.header_with_geometry_from(
            self.mask.pixel_scales, self.mask.origin, header
        )
        hdus = [(np.asarray(self.native.array, dtype=np.float64), header, None)]
        if not self.mask.is_all_false:
            hdus.append((self.mask.array.astype(np.uint8), None, "MASK"))
        fits_util.write_hdu_list(file_path, hdus, overwrite)

    # -------------------------------------------------------------------- representations

    @property
    def array(self):
        """The stored values (slim or native, numpy or JAX)."""
        return self._array

    @property
    def slim(self) -> "Array2D":
        """The values as a 1D array of the unmasked pixels, in slim order."""
        if not self.store_native:
            return self
        return Array2D(self._array, self.mask, store_native=False)

    @property
    def native(self) -> "Array2D":
        """The values as the 2D frame, zeros at masked pixels."""
        if self.store_native:
            return self
        return Array2D(self._array, self.mask, store_native=True)

    @property
    def ndim(self):
        return self._array.ndim

    @property
    def size(self):
        return self._array.size

    def __repr__(self):
        kind = "native" if self.store_native else "slim"
        return (
            f"Array2D({kind}, shape_native={self.shape_native}, pixel_scales={self.pixel_scales})"
        )

    def astype(self, dtype):
        return Array2D(self._array.astype(dtype), self.mask, self.store_native)

    def copy(self):
        return Array2D(self._array.copy(), self.mask, self.store_native)

    def with_new_array(self, values) -> "Array2D":
        """Return an ``Array2D`` with the same mask and storage holding ``values``."""
        return Array2D(values, self.mask, self.store_native)

    # --------------------------------------------------------------------- new frames

    def apply_mask(self, mask: Mask2D) -> "Array2D":
        """
        The values on ``mask``, read pixel by pixel from the native frame.

        Parameters
        ----------
        mask : Mask2D
            A mask of the same shape, pixel scales and origin that masks at least every pixel
            masked here.

        Returns
        -------
        Array2D
            Slim or native as this array.

        Raises
        ------
        ArrayException
            If ``mask`` is not a ``Mask2D``, has another shape, pixel scales or origin, or
            unmasks a pixel that is masked here (its value is unknown: PyAutoArray gives it 0).
        """
        if not isinstance(mask, Mask2D):
            raise exc.ArrayException(
                f"apply_mask needs a Mask2D, got {type(mask).__name__}; build one with "
                "Mask2D.circular(shape_native, radius, pixel_scales)."
            )
        if mask.shape_native != self.shape_native:
            raise exc.ArrayException(
                f"apply_mask got a mask of shape {mask.shape_native} for an array of shape "
                f"{self.shape_native}; build the mask with array.shape_native."
            )
        if mask.pixel_scales != self.pixel_scales or mask.origin != self.origin:
            raise exc.ArrayException(
                f"apply_mask got a mask with pixel_scales={mask.pixel_scales}, "
                f"origin={mask.origin} for an array with pixel_scales={self.pixel_scales}, "
                f"origin={self.origin}; build the mask with the array's geometry."
            )
        unmasked_now = ~mask.array & self.mask.array
        if np.any(unmasked_now):
            row, col = np.argwhere(unmasked_now)[0]
            raise exc.ArrayException(
                f"apply_mask would unmask {int(unmasked_now.sum())} pixels that are masked in "
                f"this array (e.g. native pixel ({row}, {col})), whose values are unknown. "
                "Apply the mask to the unmasked array instead (Array2D.no_mask(...))."
            )
        return Array2D(self.native.array, mask, self.store_native)

    def resized_from(self, new_shape, mask_pad_value=0) -> "Array2D":
        """
        The array cropped or padded about its centre to ``new_shape`` (pixel scales and origin
        unchanged).

        Parameters
        ----------
        new_shape : (int, int)
            The new native shape.
        mask_pad_value : bool or {0, 1}
            The mask value of new pixels: 0 (default, as in PyAutoArray) leaves them unmasked,
            1 masks them. Their values are 0.

        Returns
        -------
        Array2D
            Slim or native as this array.

        Raises
        ------
        TypeError
            If ``new_shape`` holds a non-integer.
        ArrayException
            If ``new_shape`` is not a pair of positive ints or ``mask_pad_value`` is not 0 / 1.

        Notes
        -----
        A dimension that changes by an odd number of pixels gains (or loses) its extra row or
        column at the end (bottom / right), so pixel centres move by half a pixel: see
        :func:`autoarray.mask_2d_util.resized_array_2d_from`.
        """
        shape = check_util.pair_of_positive_ints_from(new_shape, "new_shape", exc.ArrayException)
        if isinstance(mask_pad_value, bool | np.bool_):
            pad = bool(mask_pad_value)
        elif isinstance(mask_pad_value, numbers.Real) and mask_pad_value in (0, 1):
            pad = bool(mask_pad_value)
        else:
            raise exc.ArrayException(
                f"mask_pad_value must be 0 (new pixels unmasked) or 1 (masked), got "
                f"{mask_pad_value!r}."
            )
        mask = self.mask.resized_from(shape, pad_value=pad)
        values = mask_2d_util.resized_array_2d_from(np.asarray(self.native.array), shape, 0)
        return Array2D(values, mask, self.store_native)

    def padded_before_convolution_from(self, kernel_shape, mask_pad_value=0) -> "Array2D":
        """
        The array padded by ``kernel_shape - 1`` pixels per axis, half a kernel on each side, so
        a convolution of it loses no light at the edges; undo with
        :meth:`trimmed_after_convolution_from`.

        Parameters
        ----------
        kernel_shape : (int, int)
            The kernel's shape in this array's pixels (both odd; for an oversampled PSF,
            ``psf.kernel_shape_image_resolution``).
        mask_pad_value : bool or {0, 1}
            As in :meth:`resized_from`.

        Returns
        -------
        Array2D

        Raises
        ------
        ArrayException
            If a kernel dimension is even (the padding would move the frame's centre by half a
            pixel) or not positive.
        """
        ky, kx = _odd_kernel_shape_from(kernel_shape)
        new_shape = (self.shape_native[0] + ky - 1, self.shape_native[1] + kx - 1)
        return self.resized_from(new_shape, mask_pad_value=mask_pad_value)

    def trimmed_after_convolution_from(self, kernel_shape) -> "Array2D":
        """
        The array with ``kernel_shape // 2`` pixels removed from every side: the inverse of
        :meth:`padded_before_convolution_from`.

        Parameters
        ----------
        kernel_shape : (int, int)
            The kernel's shape in this array's pixels (both odd).

        Returns
        -------
        Array2D

        Raises
        ------
        ArrayException
            If a kernel dimension is even or not positive, or the array is not larger than
            ``kernel_shape - 1`` along an axis.
        """
        ky, kx = _odd_kernel_shape_from(kernel_shape)
        new_shape = (self.shape_native[0] - ky + 1, self.shape_native[1] - kx + 1)
        if min(new_shape) < 1:
            raise exc.ArrayException(
                f"trimmed_after_convolution_from cannot trim an array of shape "
                f"{self.shape_native} by a kernel of shape {(ky, kx)}: nothing would be left."
            )
        return self.resized_from(new_shape)

    # ----------------------------------------------------------------------- arithmetic

    def _other(self, other):
        if isinstance(other, Array2D):
            if not other.mask.is_same_as(self.mask):
                raise exc.ArrayException(
                    "Arithmetic between Array2D objects on different masks "
                    f"({self.mask!r} and {other.mask!r}); bring them onto one mask first."
                )
            return other.native.array if self.store_native else other.slim.array
        return other

    def _binary(self, other, op):
        result = op(self._array, self._other(other))
        if (
            isinstance(other, numbers.Number)
            or isinstance(other, Array2D)
            or (hasattr(result, "shape") and tuple(result.shape) == self.shape)
        ):
            return Array2D(result, self.mask, self.store_native)
        return result

    def __add__(self, other):
        return self._binary(other, lambda a, b: a + b)

    def __radd__(self, other):
        return self._binary(other, lambda a, b: b + a)

    def __sub__(self, other):
        return self._binary(other, lambda a, b: a - b)

    def __rsub__(self, other):
        return self._binary(other, lambda a, b: b - a)

    def __mul__(self, other):
        return self._binary(other, lambda a, b: a * b)

    def __rmul__(self, other):
        return self._binary(other, lambda a, b: b * a)

    def __truediv__(self, other):
        return self._binary(other, lambda a, b: a / b)

    def __rtruediv__(self, other):
        return self._binary(other, lambda a, b: b / a)

    def __pow__(self, other):
        return self._binary(other, lambda a, b: a**b)

    def __rpow__(self, other):
        return self._binary(other, lambda a, b: b**a)

    def __neg__(self):
        return Array2D(-self._array, self.mask, self.store_native)

    def __abs__(self):
        return Array2D(abs(self._array), self.mask, self.store_native)

    def __eq__(self, other):
        return self._array == self._other(other)

    def __ne__(self, other):
        return self._array != self._other(other)

    def __lt__(self, other):
        return self._array < self._other(other)

    def __le__(self, other):
        return self._array <= self._other(other)

    def __gt__(self, other):
        return self._array > self._other(other)

    def __ge__(self, other):
        return self._array >= self._other(other)

    __hash__ = None
