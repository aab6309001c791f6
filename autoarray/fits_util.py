"""
FITS input / output through astropy. Geometry is kept in the header so a file written here
reloads exactly: ``PIXSCALY`` / ``PIXSCALX`` (arcsec per pixel) and ``ORIGINY`` / ``ORIGINX``,
numeric cards for other tools, each with an exact copy (``float.hex``) in a string card
(``PIXSCYHX``, ``PIXSCXHX``, ``ORIGYHX``, ``ORIGXHX``): astropy writes a float card in at most 20
characters, so ``0.00017571428571428572`` would come back as ``0.000175714285714285``.
"""

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from astropy.io import fits

from autoarray import exc

__all__ = [
    "hdu_from",
    "header_float_from",
    "header_geometry_from",
    "header_with_geometry_from",
    "PsfHeaderInfo",
    "psf_header_info_from",
    "write_hdu_list",
]


def hdu_from(file_path, hdu=0):
    """
    Return ``(data, header)`` of one HDU of a FITS file, the data as native-endian float64
    (boolean-like integer data is returned as stored). ``hdu`` is an index or an extension name.
    """
    with fits.open(Path(file_path), memmap=False) as hdul:
        try:
            selected = hdul[hdu]
        except (KeyError, IndexError):
            names = [h.name for h in hdul]
            raise KeyError(
                f"FITS file {file_path} has no HDU {hdu!r}; it has {len(hdul)} HDUs named {names}."
            ) from None
        data = np.array(selected.data)
        header = selected.header.copy()
    if data.dtype.kind == "f":
        data = data.astype(np.float64)
    return data, header


# The string card holding the exact value (``float.hex``) of each numeric geometry card.
EXACT_CARD_FOR = {
    "PIXSCALY": "PIXSCYHX",
    "PIXSCALX": "PIXSCXHX",
    "ORIGINY": "ORIGYHX",
    "ORIGINX": "ORIGXHX",
}

# How far a numeric card may differ from its exact copy and still be the same value written in
# 20 characters (astropy keeps at least 14 significant digits); a larger difference means
# another tool edited the numeric card.
EXACT_CARD_RTOL = 1e-13


def header_float_from(header, key) -> float:
    """
    The value of the numeric card ``key``, exact when the header has its ``float.hex`` copy.

    Parameters
    ----------
    header : astropy.io.fits.Header
        The header holding ``key``.
    key : str
        A numeric card, e.g. ``"PIXSCALY"``; its exact copy is named by :data:`EXACT_CARD_FOR`.

    Returns
    -------
    float
        The exact copy's value when it matches the numeric card to within the 20-character
        rounding of FITS float cards (``EXACT_CARD_RTOL``), else the numeric card's value.

    Warns
    -----
    UserWarning
        If the numeric card and its copy disagree beyond that rounding: another tool edited the
        numeric card, whose value is used.
    """
    number = float(header[key])
    exact_key = EXACT_CARD_FOR.get(key)
    if exact_key is None or exact_key not in header:
        return number
    try:
        exact = float.fromhex(str(header[exact_key]))
    except ValueError:
        exact = None
    if exact is not None and (
        exact == number or np.isclose(exact, number, rtol=EXACT_CARD_RTOL, atol=0.0)
    ):
        return exact
    warnings.warn(
        f"The FITS header card {key}={header[key]!r} disagrees with its exact copy "
        f"{exact_key}={header[exact_key]!r}; another tool seems to have edited {key}, so its "
        f"value is used. Delete {exact_key} (or write the file again) to silence this warning.",
        UserWarning,
        stacklevel=3,
    )
    return number


def header_geometry_from(header):
    """
    Return ``(pixel_scales, origin)`` read from a header, ``None`` for what it lacks; exact
    when the header has the ``float.hex`` copies written by :func:`header_with_geometry_from`.
    """
    pixel_scales = None
    if "PIXSCALY" in header and "PIXSCALX" in header:
        pixel_scales = (
            header_float_from(header, "PIXSCALY"),
            header_float_from(header, "PIXSCALX"),
        )
    origin = None
    if "ORIGINY" in header and "ORIGINX" in header:
        origin = (header_float_from(header, "ORIGINY"), header_float_from(header, "ORIGINX"))
    return pixel_scales, origin


@dataclass(frozen=True)
class PsfHeaderInfo:
    """
    What a PSF HDU's header says about its sampling (see :func:`psf_header_info_from`).

    Attributes
    ----------
    convolve_over_sample_size : int or None
        The oversampling factor ``s`` of this array, or None if the header does not say.
    convolve_over_sample_size_card : str or None
        The card that said it, for messages (e.g. ``"OVERSAMP=4"``).
    pixel_scales : (float, float) or None
        Arcsec per pixel of this array, or None if the header does not say.
    pixel_scales_card : str or None
        The card(s) that said it.
    """

    convolve_over_sample_size: int | None
    convolve_over_sample_size_card: str | None
    pixel_scales: tuple | None
    pixel_scales_card: str | None


def psf_header_info_from(header) -> PsfHeaderInfo:
    """
    Read the sampling of a PSF array from its FITS header: the one place these rules live.

    * ``s``: an extension named ``DET_*`` (STPSF / WebbPSF detector-sampled products) has
      ``s = 1`` whatever ``OVERSAMP`` says (there it describes the file's ``OVERSAMP``
      extension); otherwise the ``OVERSAMP`` card (STPSF / WebbPSF, and this library's
      ``output_to_fits``) gives ``s``.
    * Pixel scales: ``PIXELSCL`` (STPSF, arcsec per pixel of *this* array), else ``PIXSCALE``
      (TinyTim subsampled PSFs), else ``PIXSCALY`` / ``PIXSCALX`` (this library; exact when
      their ``float.hex`` copies are present, see :func:`header_float_from`).

    Raises
    ------
    KernelException
        If ``OVERSAMP`` is not a positive integer or a pixel-scale card is not a positive number;
        the message names the card and its value.
    """
    extname = str(header.get("EXTNAME", "")).upper()
    s, s_card = None, None
    if extname.startswith("DET_"):
        s, s_card = 1, f"EXTNAME={header.get('EXTNAME')} (detector sampled, s=1)"
    elif "OVERSAMP" in header:
        value = header["OVERSAMP"]
        number = _header_number_from(value)
        if number is None or number != int(number) or number < 1:
            raise exc.KernelException(
                f"The PSF header card OVERSAMP={value!r} is not a positive integer "
                "oversampling factor; fix the header or pass convolve_over_sample_size."
            )
        s, s_card = int(number), f"OVERSAMP={int(number)}"
    scales, scales_card = None, None
    for keys in (("PIXELSCL",), ("PIXSCALE",), ("PIXSCALY", "PIXSCALX")):
        if all(key in header for key in keys):
            values = []
            for key in keys:
                number = _header_number_from(header[key])
                if number is None or not number > 0:
                    raise exc.KernelException(
                        f"The PSF header card {key}={header[key]!r} is not a positive number of "
                        "arcsec per pixel; fix the header or pass pixel_scales."
                    )
                values.append(header_float_from(header, key) if key in EXACT_CARD_FOR else number)
            scales = (values[0], values[-1])
            scales_card = ", ".join(f"{key}={header[key]!r}" for key in keys)
            break
    return PsfHeaderInfo(s, s_card, scales, scales_card)


def _header_number_from(value):
    """A header value as a finite float, or None for booleans, strings and non-finite values."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
        return None
    value = float(value)
    return value if np.isfinite(value) else None


def header_with_geometry_from(pixel_scales, origin=(0.0, 0.0), header=None):
    """
    Return a header (a copy of ``header`` if given) with the geometry keys set: the numeric
    cards ``PIXSCALY``, ``PIXSCALX``, ``ORIGINY``, ``ORIGINX`` and their exact ``float.hex``
    copies (:data:`EXACT_CARD_FOR`), which :func:`header_geometry_from` reads back bit for bit.
    """
    header = fits.Header() if header is None else header.copy()
    for key, value, comment in (
        ("PIXSCALY", pixel_scales[0], "arcsec per pixel along y"),
        ("PIXSCALX", pixel_scales[1], "arcsec per pixel along x"),
        ("ORIGINY", origin[0], "y origin of the coordinate system (arcsec)"),
        ("ORIGINX", origin[1], "x origin of the coordinate system (arcsec)"),
    ):
        header[key] = (float(value), comment)
        header[EXACT_CARD_FOR[key]] = (float(value).hex(), f"{key} exactly (float.hex)")
    return header


def write_hdu_list(file_path, hdus, overwrite=False):
    """
    Write ``hdus`` (a list of ``(array, header, name)``; the first is the primary HDU) to
    ``file_path``, creating its folder.

    Raises
    ------
    FileExistsError
        If the file exists and ``overwrite`` is False.
    """
    file_path = Path(file_path)
    if file_path.exists() and not overwrite:
        raise FileExistsError(f"{file_path} exists; pass overwrite=True to replace it.")
    file_path.parent.mkdir(parents=True, exist_ok=True)
    hdu_list = []
    for i, (array, header, name) in enumerate(hdus):
        cls = fits.PrimaryHDU if i == 0 else fits.ImageHDU
        hdu = cls(data=np.asarray(array), header=header)
        if name is not None and i > 0:
            hdu.name = name
        hdu_list.append(hdu)
    fits.HDUList(hdu_list).writeto(file_path, overwrite=overwrite)
