"""
Pixelization: reconstruct a galaxy on a mesh, with an oversampled PSF and the sparse operator
=============================================================================================

The dataset of ``simulator.py`` (PSF sampled 4x finer than the detector) is reconstructed on a
50 x 50 rectangular mesh with constant regularization, the pixelization channel blurred at the
PSF's resolution (``convolve_over_sample_size_pixelization = 4``: 16 fine cells per pixel).

The same inversion is evaluated twice:

* the **mapping formalism**: the PSF-blurred mapping matrix, then ``F = M~^T N^-1 M~``;
* the **sparse formalism**: ``dataset.apply_sparse_operator()`` precomputes, once, what depends
  only on the mask, the PSF and the noise map; each evaluation then works from the unblurred
  fine mapping matrix.

Both give the same log evidence (printed with their relative difference) and the script times one
evaluation of each. A native-PSF reconstruction is shown for contrast: its evidence is lower.
A PNG of the fit (data, model, residuals, reconstruction on the mesh) is saved.

Run: ``python workspace_scripts/imaging/pixelization.py`` (simulates the dataset first if needed).
"""

import sys
import time
from pathlib import Path

import numpy as np

import autogalaxy as ag
import autogalaxy.plot as aplt

sys.path.insert(0, str(Path(__file__).resolve().parent))
import simulator  # noqa: E402  (the script beside this one: paths, PSF, truth)

MASK_RADIUS = 2.5  # arcsec
MESH_SHAPE = (50, 50)  # 0.1" mesh pixels: fine enough to resolve the galaxy
COEFFICIENT = 1.0


def source_galaxy() -> ag.Galaxy:
    pixelization = ag.Pixelization(
        mesh=ag.mesh.RectangularUniform(shape=MESH_SHAPE),
        regularization=ag.reg.Constant(coefficient=COEFFICIENT),
    )
    return ag.Galaxy(redshift=1.0, pixelization=pixelization)


def masked_from(dataset: ag.Imaging, s: int) -> ag.Imaging:
    """The dataset on the circular mask, the pixelization blurred at fine resolution ``s``."""
    mask = ag.Mask2D.circular(dataset.shape_native, MASK_RADIUS, dataset.pixel_scales)
    psf = (
        dataset.psf if s == dataset.psf.convolve_over_sample_size else dataset.psf.native_psf_from()
    )
    return ag.Imaging(
        ag.Array2D(dataset.data.native.array, mask),
        ag.Array2D(dataset.noise_map.native.array, mask),
        psf,
        over_sample_size_lp=4,
        over_sample_size_pixelization=4,
        convolve_over_sample_size_lp=s,
        convolve_over_sample_size_pixelization=s,
        psf_setup_state=True,
    )


def median_seconds(fn, repeats=5) -> float:
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def plot_fit(fit: ag.FitImaging, path: Path):
    """The fit subplot (data, model, residuals, ... and the reconstruction on the mesh), log scaled."""
    output = aplt.Output(path=path.parent, filename=path.stem, format="png")
    aplt.FitImagingPlotter(
        fit=fit, mat_plot_2d=aplt.MatPlot2D(output=output, use_log10=True)
    ).subplot_fit()


def main(dataset_path: Path = simulator.DATASET, plot: bool = True) -> dict:
    dataset = simulator.dataset_from(dataset_path, plot=plot)
    s = dataset.psf.convolve_over_sample_size
    galaxies = [source_galaxy()]
    oversampled = masked_from(dataset, s)
    start = time.perf_counter()
    sparse = oversampled.apply_sparse_operator()
    build = time.perf_counter() - start

    fits = {
        "mapping": ag.FitImaging(oversampled, galaxies),
        "sparse": ag.FitImaging(sparse, galaxies),
        "native PSF": ag.FitImaging(masked_from(dataset, 1).apply_sparse_operator(), galaxies),
    }
    seconds = {
        key: median_seconds(lambda d=fit.dataset: ag.FitImaging(d, galaxies).log_evidence)
        for key, fit in fits.items()
    }
    evidence = {key: fit.log_evidence for key, fit in fits.items()}
    difference = abs(evidence["sparse"] - evidence["mapping"]) / abs(evidence["mapping"])
    pixels = oversampled.mask.pixels_in_mask
    print(
        f"{pixels} pixels, {MESH_SHAPE[0] * MESH_SHAPE[1]} mesh pixels, PSF oversampled x{s} "
        f"({pixels * s * s} fine cells)."
    )
    print(f"Sparse operator built once in {build:.2f} s ({sparse.sparse_operator!r}).")
    print(f"{'formalism':>22s} {'log evidence':>14s} {'one evaluation':>15s}")
    for key in fits:
        label = key if key == "native PSF" else f"{key} (x{s} PSF)"
        print(f"{label:>22s} {evidence[key]:14.3f} {seconds[key] * 1e3:12.1f} ms")
    print(f"Sparse and mapping log evidences agree to {difference:.1e} (relative).")
    print(
        f"The oversampled PSF is preferred by Delta ln Z = "
        f"{evidence['sparse'] - evidence['native PSF']:.1f} over the native one."
    )
    if plot:
        path = simulator.OUTPUT / "pixelization.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        plot_fit(fits["sparse"], path)
        print(f"Saved {path}")
    return {"fits": fits, "evidence": evidence, "seconds": seconds, "difference": difference}


if __name__ == "__main__":
    main()
