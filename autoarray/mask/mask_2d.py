"""The 2D mask (``True`` = masked) and the quantities derived from it."""

import warnings
from functools import cached_property

import numpy as np

from autoarray import check_util, exc, fits_util
from autoarray.mask import mask_2d_util

__all__ = ["Mask2D", "MaskGeometry", "DeriveMask2D", "DeriveIndexes2D"]


def _array_protocol_from(array, dtype=None, copy=None):
    """
    Implement ``__array__(dtype, copy)`` (NumPy 2 semantics) for a class storing ``array``.

    ``copy=True`` (what ``np.array(obj)`` asks for) returns a new array, so the caller can never
    write into the stored values; ``copy=None`` (``np.asarray``) returns the stored array when no
    conversion is needed; ``copy=False`` raises if a conversion would need a copy.
    """
    array = np.asarray(array)
    if dtype is not None and np.dtype(dtype) != array.dtype:
        if copy is False:
            raise ValueError(
                f"Converting dtype {array.dtype} to {np.dtype(dtype)} needs a copy (copy=False)."
            )
        return array.astype(dtype)
    return array.copy() if copy else array


def _pair_text(pair) -> str:
    """A (y, x) pair as floats, for messages."""
    return str(tuple(float(v) for v in pair))


def _check_unmasks_a_pixel(array, description, pixel_scales, origin):
    """
    Raise ``MaskException`` if a factory's mask ``array`` masks every pixel: nothing downstream
    (a dataset, a convolver state, a fit) can use a mask without unmasked pixels.
    """
    if not array.all():
        return
    ny, nx = array.shape
    half_y, half_x = (ny - 1) / 2 * pixel_scales[0], (nx - 1) / 2 * pixel_scales[1]
    raise exc.MaskException(
        f"{description} unmasks no pixel: no pixel centre lies in the region. The pixel centres "
        f"span y in [{origin[0] - half_y:.6g}, {origin[0] + half_y:.6g}] and x in "
        f"[{origin[1] - half_x:.6g}, {origin[1] + half_x:.6g}] arcsec; enlarge the radius or "
        "move the centre into the frame."
    )


class Mask2D:
    """
    A 2D mask paired with its pixel scales and origin. ``True`` means masked (excluded).

    The unmasked pixels, listed row by row, define the "slim" order used by every 1D array
    on this mask; the "native" representation is the 2D frame with zeros at masked pixels.

    Parameters
    ----------
    mask
        A 2D array of bools (``True`` = masked). It is copied and made read-only.
    pixel_scales
        Arcsec per pixel, ``(y, x)``; a single float means square pixels.
    origin
        The ``(y, x)`` arcsec coordinate of the frame's geometric centre.
    invert
        If True, the given values are inverted first (``True`` = unmasked in the input).

    Raises
    ------
    MaskException
        If ``mask`` is not a 2D array of bools, has an axis of length 0, or the pixel scales are
        not positive.
    TypeError
        If ``invert`` is not a bool.

    Notes
    -----
    A mask that masks every pixel can be built (as in PyAutoArray), but nothing downstream takes
    it: ``Imaging``, ``Imaging.apply_mask`` and ``ConvolverState`` refuse it, and the factories
    :meth:`circular` / :meth:`circular_annular` refuse to return one.
    """

    def __init__(self, mask, pixel_scales, origin=(0.0, 0.0), invert=False):
        if isinstance(mask, Mask2D):
            mask = mask.array
        array = np.array(mask)
        if array.dtype != bool:
            raise exc.MaskException(
                f"mask must be a 2D array of bools (True = masked), got dtype {array.dtype}; "
                "convert it explicitly, e.g. mask=(values != 0)."
            )
        if array.ndim != 2:
            raise exc.MaskException(
                f"mask must be a 2D array of bools, got an array of shape {array.shape}."
            )
        if 0 in array.shape:
            raise exc.MaskException(
                f"mask has shape {array.shape}: a mask needs at least one pixel along each axis. "
                "Pass the 2D frame of the data (True = masked)."
            )
        if not isinstance(invert, bool | np.bool_):
            raise TypeError(
                f"invert must be True or False, got {invert!r} of type {type(invert).__name__}."
            )
        if invert:
            array = ~array
        array.setflags(write=False)
        self._array = array
        self.pixel_scales = check_util.pixel_scales_from(pixel_scales, exc.MaskException)
        self.origin = check_util.origin_from(origin, exc.MaskException)

    # ----------------------------------------------------------------------------- factories

    @classmethod
    def all_false(cls, shape_native, pixel_scales, origin=(0.0, 0.0), invert: bool = False):
        """
        A mask of ``shape_native`` with every pixel unmasked (every pixel masked if ``invert``).
        """
        shape = check_util.pair_of_positive_ints_from(
            shape_native, "shape_native", exc.MaskException
        )
        return cls(np.zeros(shape, dtype=bool), pixel_scales, origin, invert=invert)

    @classmethod
    def circular(
        cls,
        shape_native,
        radius,
        pixel_scales,
        centre=(0.0, 0.0),
        origin=(0.0, 0.0),
        invert: bool = False,
    ):
        """
        Unmask the pixels whose centres lie within ``radius`` arcsec of ``centre``.

        With ``invert=True`` those pixels are masked and every other pixel is unmasked.

        Raises
        ------
        MaskException
            If the radius is not positive, or no pixel is left unmasked (the message gives the
            frame's extent).
        """
        shape = check_util.pair_of_positive_ints_from(
            shape_native, "shape_native", exc.MaskException
        )
        pixel_scales = check_util.pixel_scales_from(pixel_scales, exc.MaskException)
        if not radius > 0:
            raise exc.MaskException(f"radius must be positive (arcsec), got {radius!r}.")
        array = mask_2d_util.mask_2d_circular_from(shape, pixel_scales, radius, centre, origin)
        _check_unmasks_a_pixel(
            ~array if invert else array,
            f"Mask2D.circular of shape {shape} with radius {radius} arcsec about centre "
            f"{_pair_text(centre)}",
            pixel_scales,
            origin,
        )
        return cls(array, pixel_scales, origin, invert=invert)

    @classmethod
    def circular_annular(
        cls,
        shape_native,
        inner_radius,
        outer_radius,
        pixel_scales,
        centre=(0.0, 0.0),
        origin=(0.0, 0.0),
        invert: bool = False,
    ):
        """
        Unmask the pixels whose centres lie in ``inner_radius < r <= outer_radius`` arcsec.

        With ``invert=True`` the annulus is masked and every other pixel is unmasked.

        Raises
        ------
        MaskException
            If the radii are not ``0 <= inner_radius < outer_radius``, or no pixel is left
            unmasked.
        """
        shape = check_util.pair_of_positive_ints_from(
            shape_native, "shape_native", exc.MaskException
        )
        pixel_scales = check_util.pixel_scales_from(pixel_scales, exc.MaskException)
        if not 0 <= inner_radius < outer_radius:
            raise exc.MaskException(
                "circular_annular needs 0 <= inner_radius < outer_radius, got "
                f"inner_radius={inner_radius!r}, outer_radius={outer_radius!r}."
            )
        array = mask_2d_util.mask_2d_circular_annular_from(
            shape, pixel_scales, inner_radius, outer_radius, centre, origin
        )
        _check_unmasks_a_pixel(
            ~array if invert else array,
            f"Mask2D.circular_annular of shape {shape} with radii {inner_radius} < r <= "
            f"{outer_radius} arcsec about centre {_pair_text(centre)}",
            pixel_scales,
            origin,
        )
        return cls(array, pixel_scales, origin, invert=invert)

    @classmethod
    def from_fits(
        cls,
        file_path,
        pixel_scales=None,
        hdu=0,
        origin=None,
        resized_mask_shape=None,
        invert: bool = False,
    ):
        """
        Load a mask from a FITS file, where non-zero values are masked.

        Parameters
        ----------
        file_path : str or pathlib.Path
            The FITS file.
        pixel_scales : float or (float, float), optional
            Arcsec per pixel; default: the header's ``PIXSCALY`` / ``PIXSCALX`` (written by
            :meth:`output_to_fits`).
        hdu : int or str
            The HDU holding the mask.
        origin : (float, float), optional
            Default: the header's ``ORIGINY`` / ``ORIGINX``, else ``(0, 0)``.
        resized_mask_shape : (int, int), optional
            Crop or pad the loaded mask about its centre to this shape
            (:meth:`resized_from`; new pixels are masked).
        invert : bool
            Invert the loaded values first (non-zero values then mean unmasked).

        Returns
        -------
        Mask2D

        Raises
        ------
        MaskException
            If no pixel scales are given or found in the header, or ``resized_mask_shape`` is
            not a pair of positive ints.
        """
        data, header = fits_util.hdu_from(file_path, hdu)
        header_scales, header_origin = fits_util.header_geometry_from(header)
        pixel_scales = pixel_scales if pixel_scales is not None else header_scales
        if pixel_scales is None:
            raise exc.MaskException(
                f"{file_path} has no PIXSCALY / PIXSCALX header keys: pass pixel_scales."
            )
        origin = origin if origin is not None else (header_origin or (0.0, 0.0))
        mask = cls(np.asarray(data) != 0, pixel_scales, origin, invert=invert)
        if resized_mask_shape is not None:
            mask = mask.resized_from(resized_mask_shape)
        return mask

    def output_to_fits(self, file_path, overwrite=False):
        """Write the mask (1 = masked) with its geometry in the header."""
        header = fits_util.header_with_geometry_from(self.pixel_scales, self.origin)
        fits_util.write_hdu_list(
            file_path, [(self._array.astype(np.uint8), header, None)], overwrite
        )

    # --------------------------------------------------------------------- array behaviour

    @property
    def array(self) -> np.ndarray:
        """The read-only 2D boolean array."""
        return self._array

    def __array__(self, dtype=None, copy=None):
        return _array_protocol_from(self._array, dtype, copy)

    def __getitem__(self, item):
        return self._array[item]

    def __invert__(self):
        return ~self._array

    def __repr__(self):
        return (
            f"Mask2D(shape_native={self.shape_native}, pixels_in_mask={self.pixels_in_mask}, "
            f"pixel_scales={self.pixel_scales}, origin={self.origin})"
        )

    @property
    def shape(self):
        return self._array.shape

    @property
    def shape_native(self):
        return self._array.shape

    @property
    def shape_slim(self) -> int:
        return self.pixels_in_mask

    @cached_property
    def pixels_in_mask(self) -> int:
        """The number of unmasked pixels, N (the length of slim arrays)."""
        return int(np.count_nonzero(~self._array))

    @property
    def is_all_false(self) -> bool:
        """True if no pixel is masked."""
        return self.pixels_in_mask == self._array.size

    @property
    def is_all_true(self) -> bool:
        """True if every pixel is masked (nothing is left to fit)."""
        return self.pixels_in_mask == 0

    @property
    def mask_centre(self) -> tuple:
        """
        The (y, x) arcsec centre of the unmasked region: the midpoint of the bounding box of the
        unmasked pixel centres (not their mean), as in PyAutoArray.

        Returns
        -------
        (float, float)

        Raises
        ------
        MaskException
            If every pixel is masked (there is no unmasked region to take the centre of).
        """
        if self.is_all_true:
            raise exc.MaskException(
                f"mask_centre of a mask with every pixel masked (shape {self.shape_native}) is "
                "undefined; unmask some pixels first."
            )
        centres = self.centres_native[~self._array]
        low, high = centres.min(axis=0), centres.max(axis=0)
        return (float((low[0] + high[0]) / 2.0), float((low[1] + high[1]) / 2.0))

    def is_same_as(self, other) -> bool:
        """True if ``other`` has the same values, pixel scales and origin."""
        if other is self:
            return True
        return (
            isinstance(other, Mask2D)
            and self.shape == other.shape
            and self.pixel_scales == other.pixel_scales
            and self.origin == other.origin
            and np.array_equal(self._array, other._array)
        )

    # ------------------------------------------------------------------------- derived

    @cached_property
    def derive_indexes(self):
        """Index maps between the slim and native representations (:class:`DeriveIndexes2D`)."""
        return DeriveIndexes2D(self)

    @cached_property
    def derive_mask(self):
        """Masks derived from this one (:class:`DeriveMask2D`)."""
        return DeriveMask2D(self)

    @cached_property
    def centres_native(self):
        """The (ny, nx, 2) array of every pixel's (y, x) centre in arcsec."""
        y, x = mask_2d_util.centres_2d_from(self.shape_native, self.pixel_scales, self.origin)
        out = np.stack([y, x], axis=-1)
        out.setflags(write=False)
        return out

    def resized_from(self, new_shape, pad_value: bool = True):
        """
        Return the mask cropped or padded about its centre to ``new_shape``; new pixels take
        ``pad_value`` (masked by default). Pixel scales and origin are unchanged.
        """
        new_shape = check_util.pair_of_positive_ints_from(new_shape, "new_shape", exc.MaskException)
        array = mask_2d_util.resized_array_2d_from(self._array, new_shape, bool(pad_value))
        return Mask2D(array, self.pixel_scales, self.origin)

    def upscaled_from(self, upscale_factor: int):
        """
        Return the mask on a frame ``upscale_factor`` times finer (pixel scales divided by it,
        same origin and physical extent); each pixel becomes a block of that many squared.
        """
        factor = check_util.positive_int_from(upscale_factor, "upscale_factor", exc.MaskException)
        return Mask2D(
            mask_2d_util.mask_2d_upscaled_from(self._array, factor),
            (self.pixel_scales[0] / factor, self.pixel_scales[1] / factor),
            self.origin,
        )


def mask_2d_upscaled_from(mask: Mask2D, upscale_factor: int) -> Mask2D:
    """Return ``mask`` upscaled ``upscale_factor`` times (see :meth:`Mask2D.upscaled_from`)."""
    return mask.upscaled_from(upscale_factor)


class MaskGeometry:
    """Geometry read from ``self.mask`` (a :class:`Mask2D`), shared by arrays and grids."""

    @property
    def shape_native(self):
        return self.mask.shape_native

    @property
    def shape_slim(self) -> int:
        return self.mask.pixels_in_mask

    @property
    def pixel_scales(self):
        return self.mask.pixel_scales

    @property
    def origin(self):
        return self.mask.origin


class DeriveIndexes2D:
    """Index maps between a mask's slim (1D) and native (2D) representations."""

    def __init__(self, mask: Mask2D):
        self.mask = mask

    @cached_property
    def native_for_slim(self) -> np.ndarray:
        """(N, 2) native (row, column) of each unmasked pixel, in slim order."""
        out = mask_2d_util.native_index_for_slim_index_2d_from(self.mask.array)
        out.setflags(write=False)
        return out

    @cached_property
    def slim_for_native(self) -> np.ndarray:
        """Native-shaped array of slim indexes (-1 at masked pixels)."""
        out = mask_2d_util.slim_index_for_native_2d_from(self.mask.array)
        out.setflags(write=False)
        return out

    @cached_property
    def flat_native_for_slim(self) -> np.ndarray:
        """(N,) flat (row-major) native index of each unmasked pixel, in slim order."""
        out = np.flatnonzero(~self.mask.array)
        out.setflags(write=False)
        return out


class DeriveMask2D:
    """Masks derived from a :class:`Mask2D`."""

    def __init__(self, mask: Mask2D):
        self.mask = mask

    @property
    def all_false(self) -> Mask2D:
        """A mask of the same shape, pixel scales and origin with every pixel unmasked."""
        return Mask2D.all_false(self.mask.shape_native, self.mask.pixel_scales, self.mask.origin)

    @property
    def edge(self) -> Mask2D:
        """
        The edge of the unmasked region: only the unmasked pixels with a masked pixel (or the
        frame's border) among their 8 neighbours are unmasked, as in PyAutoArray.
        """
        return Mask2D(
            mask_2d_util.mask_2d_edge_from(self.mask.array),
            self.mask.pixel_scales,
            self.mask.origin,
        )

    def blurring_from(self, kernel_shape_native, allow_padding: bool = False) -> Mask2D:
        """
        Return the blurring mask for a kernel: the masked pixels within the kernel footprint of
        any unmasked pixel are unmasked (their light is blurred into the mask); all else is masked.

        Parameters
        ----------
        kernel_shape_native
            The kernel's (y, x) shape in this mask's pixels; both entries odd.
        allow_padding
            If the footprint of an unmasked pixel crosses the frame's edge, the frame is too small
            to hold the blurring region. With ``allow_padding=True`` the mask is first padded
            symmetrically with masked pixels (a warning says so) and the returned mask has the
            padded shape; the slim order of the unmasked pixels does not change.

        Raises
        ------
        MaskException
            If a kernel dimension is even, or the frame is too small and padding is not allowed.
        """
        shape = check_util.pair_of_positive_ints_from(
            kernel_shape_native, "kernel_shape_native", exc.MaskException
        )
        if shape[0] % 2 == 0 or shape[1] % 2 == 0:
            raise exc.MaskException(
                f"kernel_shape_native must be odd in both dimensions to define a blurring "
                f"region, got {shape}."
            )
        padding = mask_2d_util.padding_for_kernel_from(self.mask.array, shape)
        array = self.mask.array
        if padding != (0, 0):
            if not allow_padding:
                raise exc.MaskException(
                    f"The mask of shape {self.mask.shape_native} is too small for a kernel of "
                    f"shape {shape}: the blurring region of its unmasked pixels crosses the edge "
                    f"by up to {padding} (y, x) pixels. Use a larger frame, a smaller mask, or "
                    "allow_padding=True."
                )
            warnings.warn(
                f"Padding the mask of shape {self.mask.shape_native} by {padding} (y, x) masked "
                f"pixels on each side so the blurring region of a {shape} kernel fits.",
                UserWarning,
                stacklevel=2,
            )
            array = np.pad(array, ((padding[0],) * 2, (padding[1],) * 2), constant_values=True)
        blurring = mask_2d_util.blurring_mask_2d_from(array, shape)
        return Mask2D(blurring, self.mask.pixel_scales, self.mask.origin)

    def padded_from(self, kernel_shape_native) -> Mask2D:
        """Return the mask padded (masked values) so the blurring region of ``kernel_shape_native`` fits."""
        shape = check_util.pair_of_positive_ints_from(
            kernel_shape_native, "kernel_shape_native", exc.MaskException
        )
        padding = mask_2d_util.padding_for_kernel_from(self.mask.array, shape)
        if padding == (0, 0):
            return self.mask
        array = np.pad(
            self.mask.array, ((padding[0],) * 2, (padding[1],) * 2), constant_values=True
        )
        return Mask2D(array, self.mask.pixel_scales, self.mask.origin)
