"""
Simulator: a galaxy imaged through an oversampled PSF
=====================================================

A JWST / HST / Euclid PSF is often only ~1-2 detector pixels wide and is delivered *oversampled*
(STPSF writes an ``OVERSAMP`` extension sampled 4x finer than the detector). A steep galaxy
profile (Sersic n = 4) changes a lot within one pixel, so blurring it at detector resolution is
inaccurate. This script simulates such a galaxy properly:

1. the light (Sersic bulge n = 4 + Exponential disk) is evaluated on a grid finer than the
   detector (adaptive sub-sampling, heaviest at the centre),
2. pre-binned to s x s fine pixels per detector pixel and blurred with the PSF at that fine
   resolution (``convolve_over_sample_size = s``),
3. binned back to detector pixels (mean), and Poisson noise is added,

then writes data, PSF (with ``OVERSAMP`` in its header) and noise map to FITS, reloads them with
``Imaging.from_fits`` (which reads the oversampling from the header), and saves a PNG.

Run: ``python workspace_scripts/imaging/simulator.py`` (writes ``workspace_scripts/output/dataset``).
"""

from pathlib import Path

import numpy as np

import autogalaxy as ag
import autogalaxy.plot as aplt

OUTPUT = Path(__file__).resolve().parents[1] / "output"
DATASET = OUTPUT / "dataset"

PIXEL_SCALE = 0.1  # arcsec per detector pixel
SHAPE = (60, 60)
S = 4  # the PSF is sampled S times finer than the detector
PSF_SIGMA = 0.05  # arcsec: a PSF narrower than a pixel, as for JWST NIRCam short wavelengths

TRUTH = {
    "bulge": dict(
        centre=(0.0, 0.0),
        ell_comps=(0.05, 0.10),
        intensity=2.0,
        effective_radius=0.3,
        sersic_index=4.0,
    ),
    "disk": dict(
        centre=(0.0, 0.0),
        ell_comps=(0.15, -0.05),
        intensity=0.3,
        effective_radius=1.0,
    ),
}


def galaxy_from(bulge: dict, disk: dict) -> ag.Galaxy:
    """The galaxy model: a Sersic bulge and an Exponential disk."""
    return ag.Galaxy(redshift=0.5, bulge=ag.lp.Sersic(**bulge), disk=ag.lp.Exponential(**disk))


def psf_oversampled(sigma: float = PSF_SIGMA) -> ag.Convolver:
    """A Gaussian PSF of ``sigma`` (arcsec) sampled at PIXEL_SCALE / S, +-6 sigma wide, sum 1."""
    half = int(np.ceil(6 * sigma / (PIXEL_SCALE / S)))
    return ag.Convolver.from_gaussian(
        shape_native=(2 * half + 1, 2 * half + 1),
        pixel_scales=PIXEL_SCALE / S,
        sigma=sigma,
        normalize=True,
        convolve_over_sample_size=S,
    )


def simulation_grid(shape: tuple = SHAPE) -> ag.Grid2D:
    """The detector frame, over-sampled adaptively: 64 x 64 samples near the centre, 8 far out."""
    grid = ag.Grid2D.uniform(shape, PIXEL_SCALE)
    sizes = ag.over_sample_util.over_sample_size_via_radial_bins_from(
        grid, sub_size_list=[64, 32, 16, 8], radial_list=[0.1, 0.3, 0.8]
    )
    return grid.apply_over_sampling(sizes)


def main(output: Path = DATASET, plot: bool = True, seed: int = 1) -> ag.Imaging:
    """Simulate, write FITS, reload, plot; return the reloaded dataset."""
    psf = psf_oversampled()
    simulator = ag.SimulatorImaging(
        exposure_time=2000.0,
        background_sky_level=0.5,
        psf=psf,
        add_poisson_noise_to_data=True,
        noise_seed=seed,
    )
    dataset = simulator.via_galaxies_from([galaxy_from(**TRUTH)], simulation_grid())
    output.mkdir(parents=True, exist_ok=True)
    dataset.output_to_fits(
        data_path=output / "data.fits",
        psf_path=output / "psf.fits",
        noise_map_path=output / "noise_map.fits",
        overwrite=True,
    )
    reloaded = ag.Imaging.from_fits(
        data_path=output / "data.fits",
        psf_path=output / "psf.fits",
        noise_map_path=output / "noise_map.fits",
    )
    assert reloaded.psf.convolve_over_sample_size == S, "OVERSAMP was not read from the header"
    assert np.array_equal(reloaded.data.native.array, dataset.data.native.array)
    peak_snr = float(np.max(reloaded.signal_to_noise_map.array))
    print(
        f'Simulated {SHAPE} pixels of {PIXEL_SCALE}" with a PSF oversampled x{S} '
        f'(sigma {PSF_SIGMA}", kernel {psf.shape_native}); peak S/N {peak_snr:.0f}.'
    )
    print(f"Wrote data.fits, psf.fits (OVERSAMP={S}), noise_map.fits to {output}")
    if plot:
        png = output / "dataset.png"
        plot_dataset(reloaded, png)
        print(f"Saved {png}")
    return reloaded


def dataset_from(path: Path = DATASET, plot: bool = True) -> ag.Imaging:
    """The simulated dataset read from ``path`` (simulated there first if it is not there)."""
    if not (path / "data.fits").exists():
        print("No simulated dataset yet: running simulator.py first.")
        main(path, plot=plot)
    return ag.Imaging.from_fits(
        data_path=path / "data.fits",
        psf_path=path / "psf.fits",
        noise_map_path=path / "noise_map.fits",
    )


def plot_dataset(dataset: ag.Imaging, path: Path):
    """Data, noise map, PSF (at its own x4 sampling) and signal-to-noise, log scaled."""
    output = aplt.Output(path=path.parent, filename=path.stem, format="png")
    aplt.ImagingPlotter(
        dataset=dataset, mat_plot_2d=aplt.MatPlot2D(output=output, use_log10=True)
    ).subplot_dataset()


if __name__ == "__main__":
    main()
