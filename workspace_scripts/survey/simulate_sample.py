"""
Simulate a survey sample: N galaxies, each with its own oversampled PSF, in the folder layout
========================================================================================

Each object is a Sersic bulge + Exponential disk sharing one centre, with random Sersic index,
sizes, intensities and ellipticities, imaged on 40 x 40 pixels of 0.1" through its own Gaussian
PSF (sigma 0.04" - 0.07", narrower than a pixel, as for JWST / HST / Euclid) delivered at 4x
oversampling (the PSF and simulation grid of ``workspace_scripts/imaging/simulator.py``). The
light is evaluated on an adaptive sub-grid (64 x 64 samples per pixel at the centre), blurred at the PSF's resolution and binned, and Poisson noise is added (seeded per
object). Each object gets a folder of the layout ``ag.fit_sample`` reads::

    workspace_scripts/output/survey/data/galaxy_000/
        data.fits  noise_map.fits  psf.fits (OVERSAMP = 4)  info.json (pixel scale, mask radius)
        truth.json (the simulated parameters; not read by the fit)

and ``sample.png`` shows the first 16 images.

Run: ``python workspace_scripts/survey/simulate_sample.py [--n 100] [--seed 1]``.
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np

import autogalaxy as ag
from autoarray.progress_util import Progress
from autogalaxy.sample import output_to_folder

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "imaging"))
import simulator  # noqa: E402  (the single-galaxy simulator: its PSF and simulation grid)

OUTPUT = Path(__file__).resolve().parents[1] / "output" / "survey"
DATA = OUTPUT / "data"

PIXEL_SCALE = simulator.PIXEL_SCALE  # 0.1"
SHAPE = (40, 40)
S = simulator.S  # 4
MASK_RADIUS = 1.4  # arcsec: leaves room for the PSF's blurring region inside the 2" half frame


def ell_comps_from(axis_ratio: float, angle: float) -> tuple:
    """``(e1, e2) = f (sin 2 phi, cos 2 phi)``, ``f = (1 - q) / (1 + q)`` (phi in degrees)."""
    f = (1 - axis_ratio) / (1 + axis_ratio)
    return (f * np.sin(np.radians(2 * angle)), f * np.cos(np.radians(2 * angle)))


def truth_from(rng: np.random.Generator) -> dict:
    """Random parameters of one galaxy and its PSF width."""
    centre = tuple(rng.uniform(-0.05, 0.05, size=2))
    return {
        "bulge": dict(
            centre=centre,
            ell_comps=ell_comps_from(rng.uniform(0.6, 0.95), rng.uniform(0, 180)),
            intensity=rng.uniform(1.0, 4.0),
            effective_radius=rng.uniform(0.15, 0.45),
            sersic_index=rng.uniform(1.5, 5.0),
        ),
        "disk": dict(
            centre=centre,
            ell_comps=ell_comps_from(rng.uniform(0.4, 0.9), rng.uniform(0, 180)),
            intensity=rng.uniform(0.1, 0.4),
            effective_radius=rng.uniform(0.6, 1.2),
        ),
        "psf_sigma": rng.uniform(0.04, 0.07),
    }


def dataset_from(truth: dict, seed: int, grid: ag.Grid2D) -> ag.Imaging:
    """The noisy image of one galaxy of ``truth_from`` (Poisson noise seeded by ``seed``)."""
    galaxy = simulator.galaxy_from(truth["bulge"], truth["disk"])
    imaging_simulator = ag.SimulatorImaging(
        exposure_time=2000.0,
        background_sky_level=0.5,
        psf=simulator.psf_oversampled(truth["psf_sigma"]),
        add_poisson_noise_to_data=True,
        noise_seed=seed,
    )
    return imaging_simulator.via_galaxies_from([galaxy], grid)


def plot_sample(folders: list, path: Path):
    """The first 16 images (log scale), titled with their Sersic index."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import LogNorm

    shown = folders[:16]
    columns = 4
    rows = -(-len(shown) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(3 * columns, 3 * rows), squeeze=False)
    for ax in axes.flat:
        ax.set_axis_off()
    half = SHAPE[0] * PIXEL_SCALE / 2
    for ax, folder in zip(axes.flat, shown):
        image = ag.Array2D.from_fits(folder / "data.fits").native.array
        truth = json.loads((folder / "truth.json").read_text())
        ax.imshow(
            np.clip(image, 1e-2, None),
            norm=LogNorm(1e-2, image.max()),
            origin="upper",
            extent=[-half, half, -half, half],
        )
        ax.set_title(
            f"{folder.name}: n = {truth['bulge']['sersic_index']:.2f}, "
            f'PSF {truth["psf_sigma"]:.3f}"',
            fontsize=9,
        )
    fig.suptitle('Simulated sample (log scale, 0.1" pixels, PSF oversampled x4)')
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def main(n: int = 100, seed: int = 1, output: Path = DATA, plot: bool = True) -> list:
    """Simulate ``n`` objects into ``output`` (one folder each); return the folders."""
    rng = np.random.default_rng(seed)
    grid = simulator.simulation_grid(SHAPE)
    folders = []
    with Progress("simulate", total=n, unit="obj") as progress:
        for i in range(n):
            truth = truth_from(rng)
            folder = output / f"galaxy_{i:03d}"
            output_to_folder(
                dataset_from(truth, seed * 100_000 + i, grid), folder, MASK_RADIUS, overwrite=True
            )
            (folder / "truth.json").write_text(json.dumps(truth, indent=1))
            folders.append(folder)
            progress.update()
    print(f'Wrote {n} objects ({SHAPE} pixels of {PIXEL_SCALE}", PSF x{S}) to {output}')
    if plot:
        png = output.parent / "sample.png"
        plot_sample(folders, png)
        print(f"Saved {png}")
    return folders


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--n", type=int, default=100, help="number of galaxies")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    parser.add_argument("--output", type=Path, default=DATA, help="sample directory")
    arguments = parser.parse_args()
    main(n=arguments.n, seed=arguments.seed, output=arguments.output)
