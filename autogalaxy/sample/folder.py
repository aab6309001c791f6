"""
The folder layout of a sample: one folder per object, loaded by the worker that fits it.

::

    DATA_DIR/
        galaxy_000/
            data.fits        the image (PIXSCALY / PIXSCALX in the header, or info.json)
            noise_map.fits   1-sigma noise per pixel
            psf.fits         the PSF, with OVERSAMP (its oversampling factor s; 1 = detector pixels)
            mask.fits        optional: 1 = masked (exactly one of mask.fits / mask_radius)
            info.json        optional: {"pixel_scales": 0.1, "mask_radius": 1.6, ...}
        galaxy_001/
        ...

The object's id is its folder's name. Every folder of ``DATA_DIR`` whose name does not start with
``.`` or ``_`` is an object: a folder missing a file becomes an error row of the results, not a
silently skipped object. Other files in an object folder (e.g. a simulation's ``truth.json``) are
not read.
"""

import json
import math
import warnings
from pathlib import Path

from astropy.io import fits

from autoarray import Array2D, Grid2D, Imaging, Mask2D, over_sample_util
from autogalaxy import exc

__all__ = [
    "object_folders_in",
    "imaging_from_folder",
    "imaging_with_native_psf_from",
    "over_sample_size_lp_from",
    "output_to_folder",
    "INFO_KEYS",
]

REQUIRED_FILES = ("data.fits", "noise_map.fits", "psf.fits")

#: The keys ``info.json`` may hold, and what they mean.
INFO_KEYS = {
    "pixel_scales": "arcsec per pixel, a number or [y, x] (default: the data header's)",
    "mask_radius": "radius (arcsec) of a circular mask centred on the image",
    "over_sample_sub_sizes": "light over-sampling per radial bin (default [16, 8, 4], rounded "
    "up to multiples of s)",
    "over_sample_radii": "the radial bins' outer radii in arcsec (default 1.5 and 4 pixels)",
}

#: Light over-sampling by default: the demo's (``workspace_scripts/imaging/modeling.py``), 16 x 16
#: sub-pixels within 1.5 pixels of the centre, 8 x 8 within 4 pixels, 4 x 4 beyond.
DEFAULT_SUB_SIZES = (16, 8, 4)
DEFAULT_RADII_IN_PIXELS = (1.5, 4.0)


def object_folders_in(data_dir) -> list:
    """
    The object folders of a sample directory, sorted by name.

    Parameters
    ----------
    data_dir : str or pathlib.Path
        A directory holding one folder per object.

    Returns
    -------
    list of pathlib.Path

    Raises
    ------
    autogalaxy.exc.DatasetException
        If ``data_dir`` is not a directory or holds no object folder.
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise exc.DatasetException(
            f"The sample directory {data_dir} does not exist or is not a directory; give the "
            "directory that holds one folder per object."
        )
    folders = sorted(
        p for p in data_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))
    )
    if not folders:
        raise exc.DatasetException(
            f"The sample directory {data_dir} holds no object folder; each object needs its own "
            f"folder with {', '.join(REQUIRED_FILES)}."
        )
    return folders


def over_sample_size_lp_from(mask: Mask2D, s: int, sub_sizes=None, radii=None):
    """
    Adaptive light over-sampling around the image centre, every size a multiple of ``s``.

    Parameters
    ----------
    mask : Mask2D
        The dataset's mask.
    s : int
        The PSF's oversampling factor (each size is rounded up to a multiple of it).
    sub_sizes : sequence of int or None
        Sizes per radial bin, innermost first; None: ``DEFAULT_SUB_SIZES``.
    radii : sequence of float or None
        Outer radii of the bins in arcsec; None: ``DEFAULT_RADII_IN_PIXELS`` pixels.

    Returns
    -------
    Array2D
        Integer sizes on ``mask``.
    """
    sub_sizes = DEFAULT_SUB_SIZES if sub_sizes is None else sub_sizes
    if radii is None:
        radii = [r * max(mask.pixel_scales) for r in DEFAULT_RADII_IN_PIXELS]
    rounded = [s * math.ceil(k / s) for k in sub_sizes]
    return over_sample_util.over_sample_size_via_radial_bins_from(
        Grid2D.from_mask(mask), sub_size_list=rounded, radial_list=radii
    )


def _info_from(folder: Path) -> dict:
    path = folder / "info.json"
    if not path.exists():
        return {}
    with open(path) as file:
        info = json.load(file)
    if not isinstance(info, dict):
        raise exc.DatasetException(f"{path} must hold a JSON object, got {type(info).__name__}.")
    unknown = sorted(set(info) - set(INFO_KEYS))
    if unknown:
        raise exc.DatasetException(
            f"{path} has unknown keys {unknown}; the keys it may hold are "
            f"{', '.join(INFO_KEYS)} (other files, such as truth.json, may hold anything else)."
        )
    return info


def _mask_from(folder: Path, info: dict, dataset: Imaging) -> Mask2D:
    has_file = (folder / "mask.fits").exists()
    if has_file and "mask_radius" in info:
        raise exc.DatasetException(
            f"{folder} has both mask.fits and info.json mask_radius; keep one of them."
        )
    if has_file:
        mask = Mask2D.from_fits(folder / "mask.fits", pixel_scales=dataset.pixel_scales)
        if mask.shape_native != dataset.shape_native:
            raise exc.DatasetException(
                f"{folder / 'mask.fits'} has shape {mask.shape_native} but data.fits has "
                f"{dataset.shape_native}."
            )
        return mask
    if "mask_radius" in info:
        return Mask2D.circular(dataset.shape_native, info["mask_radius"], dataset.pixel_scales)
    raise exc.DatasetException(
        f"{folder} has neither mask.fits nor a mask_radius in info.json; give one, leaving a "
        "border for the PSF's blurring region."
    )


def _header_from(path: Path):
    """The primary header of a FITS file, read whole so a corrupt file is named here."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # astropy only warns of a truncated file
            return fits.getdata(path, 0, header=True, memmap=False)[1]
    except (OSError, ValueError, TypeError, KeyError, Warning) as error:
        raise exc.DatasetException(
            f"{path} cannot be read as FITS ({type(error).__name__}: {error}); rewrite the file "
            "or remove the object's folder."
        ) from None


def imaging_from_folder(folder, native_psf: bool = False) -> Imaging:
    """
    The masked, over-sampled imaging dataset of one object folder.

    Parameters
    ----------
    folder : str or pathlib.Path
        An object folder of the layout above.
    native_psf : bool
        False: the PSF as the file gives it, the light blurred at its resolution
        (``convolve_over_sample_size = OVERSAMP``). True: the PSF block-summed to detector pixels
        (``psf.native_psf_from()``) and the light blurred there, what most tools do (for
        comparison).

    Returns
    -------
    autoarray.Imaging
        Masked, with adaptive light over-sampling (:func:`over_sample_size_lp_from`) and the PSF's
        convolution state built.

    Raises
    ------
    autogalaxy.exc.DatasetException
        If a required file is missing or cannot be read as FITS (corrupt or truncated),
        ``psf.fits`` has no ``OVERSAMP`` header keyword,
        ``info.json`` has unknown keys, or the mask is missing, doubly given or of another
        shape; plus whatever ``Imaging.from_fits`` raises for corrupt files.
    """
    folder = Path(folder)
    missing = [name for name in REQUIRED_FILES if not (folder / name).exists()]
    if missing:
        raise exc.DatasetException(
            f"{folder} has no {', '.join(missing)}; each object folder needs "
            f"{', '.join(REQUIRED_FILES)}."
        )
    info = _info_from(folder)
    headers = {name: _header_from(folder / name) for name in REQUIRED_FILES}
    header = headers["psf.fits"]
    if "OVERSAMP" not in header:
        raise exc.DatasetException(
            f"{folder / 'psf.fits'} has no OVERSAMP header keyword; write the PSF's oversampling "
            "factor there (OVERSAMP = 1 for a PSF sampled at the detector's pixels)."
        )
    s = int(header["OVERSAMP"])
    dataset = Imaging.from_fits(
        data_path=folder / "data.fits",
        noise_map_path=folder / "noise_map.fits",
        psf_path=folder / "psf.fits",
        pixel_scales=info.get("pixel_scales"),
        over_sample_size_lp=s,
        over_sample_size_pixelization=s,
    )
    mask = _mask_from(folder, info, dataset)
    sizes = over_sample_size_lp_from(
        mask, s, info.get("over_sample_sub_sizes"), info.get("over_sample_radii")
    )
    dataset = Imaging(
        data=Array2D(dataset.data.native.array, mask),
        noise_map=Array2D(dataset.noise_map.native.array, mask),
        psf=dataset.psf,
        over_sample_size_lp=sizes,
        over_sample_size_pixelization=s,
        convolve_over_sample_size_lp=s,
        convolve_over_sample_size_pixelization=s,
        psf_setup_state=not native_psf,
    )
    return imaging_with_native_psf_from(dataset) if native_psf else dataset


def imaging_with_native_psf_from(dataset: Imaging) -> Imaging:
    """
    The same data with the PSF block-summed to detector pixels and the light blurred there.

    Parameters
    ----------
    dataset : autoarray.Imaging
        A dataset with an oversampled PSF (``s = 1`` returns an equivalent dataset).

    Returns
    -------
    autoarray.Imaging
        Same data, noise map, mask and light over-sampling; PSF ``psf.native_psf_from()``,
        ``convolve_over_sample_size_* = 1``, convolution state built.
    """
    return Imaging(
        data=dataset.data,
        noise_map=dataset.noise_map,
        psf=dataset.psf.native_psf_from(),
        over_sample_size_lp=dataset.over_sample_size_lp,
        over_sample_size_pixelization=1,
        psf_setup_state=True,
    )


def output_to_folder(dataset: Imaging, folder, mask_radius: float, overwrite: bool = False):
    """
    Write ``dataset`` as an object folder (the inverse of :func:`imaging_from_folder`).

    Parameters
    ----------
    dataset : autoarray.Imaging
        Data, noise map and PSF to write (``psf.fits`` gets ``OVERSAMP`` and its pixel scales).
    folder : str or pathlib.Path
        The object folder, created if absent.
    mask_radius : float
        Written to ``info.json`` with the pixel scales: the circular mask of the fit (arcsec).
    overwrite : bool
        Replace existing files.

    Returns
    -------
    pathlib.Path
        The folder.

    Raises
    ------
    autogalaxy.exc.DatasetException
        If the dataset has no PSF.
    """
    if dataset.psf is None:
        raise exc.DatasetException(
            "output_to_folder needs a dataset with a PSF: the folder layout requires psf.fits; "
            "build it with a psf (ag.Convolver)."
        )
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    dataset.output_to_fits(
        data_path=folder / "data.fits",
        psf_path=folder / "psf.fits",
        noise_map_path=folder / "noise_map.fits",
        overwrite=overwrite,
    )
    info = {"pixel_scales": list(dataset.pixel_scales), "mask_radius": float(mask_radius)}
    with open(folder / "info.json", "w") as file:
        json.dump(info, file, indent=1)
    return folder
