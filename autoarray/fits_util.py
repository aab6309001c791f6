"""
FITS input / output through astropy. Geometry is kept in the header so a file written here
reloads exactly: ``PIXSCALY`` / ``PIXSCALX`` (arcsec per pixel) and ``ORIGINY`` / ``ORIGINX``.
"""

from pathlib import Path

import numpy as np
from astropy.io import fits

__all__ = ["hdu_from", "header_geometry_from", "header_with_geometry_from", "write_hdu_list"]


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


def header_geometry_from(header):
    """Return ``(pixel_scales, origin)`` read from a header, ``None`` for what it lacks."""
    pixel_scales = None
    if "PIXSCALY" in header and "PIXSCALX" in header:
        pixel_scales = (float(header["PIXSCALY"]), float(header["PIXSCALX"]))
    origin = None
    if "ORIGINY" in header and "ORIGINX" in header:
        origin = (float(header["ORIGINY"]), float(header["ORIGINX"]))
    return pixel_scales, origin


def header_with_geometry_from(pixel_scales, origin=(0.0, 0.0), header=None):
    """Return a header (a copy of ``header`` if given) with the geometry keys set."""
    header = fits.Header() if header is None else header.copy()
    header["PIXSCALY"] = (float(pixel_scales[0]), "arcsec per pixel along y")
    header["PIXSCALX"] = (float(pixel_scales[1]), "arcsec per pixel along x")
    header["ORIGINY"] = (float(origin[0]), "y origin of the coordinate system (arcsec)")
    header["ORIGINX"] = (float(origin[1]), "x origin of the coordinate system (arcsec)")
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
