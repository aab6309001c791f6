"""
Modeling: fit a galaxy with a native PSF and with an oversampled PSF
====================================================================

The dataset of ``simulator.py`` (a Sersic n = 4 bulge + Exponential disk, blurred by a PSF narrower
than a pixel at 4x oversampling) is fitted by maximum likelihood twice:

* **native**: the PSF block-summed to detector pixels, light blurred at detector resolution
  (what most tools do);
* **oversampled**: light evaluated on the fine grid, blurred with the oversampled PSF
  (``convolve_over_sample_size = 4``) and binned back: what this library is for.

Both fits use the same light over-sampling and optimiser (``scipy.optimize.least_squares``,
trust-region reflective, starting away from the truth). Their 1-sigma errors come from the Jacobian
at the optimum. The table shows the native fit biased in Sersic index and effective radius, by
many sigma, while the oversampled fit recovers the truth. PNGs of data / model / residuals are saved.

Run: ``python workspace_scripts/imaging/modeling.py`` (``make demo``); it simulates the dataset first
if ``workspace_scripts/output/dataset`` does not exist.
"""

import sys
from pathlib import Path

import numpy as np
from scipy import optimize

import autogalaxy as ag
import autogalaxy.plot as aplt
from autoarray.progress_util import Progress

sys.path.insert(0, str(Path(__file__).resolve().parent))
import simulator  # noqa: E402  (the script beside this one: truth, paths, galaxy model)

MASK_RADIUS = 2.5  # arcsec

# Parameter vector: (name, component, key, index-in-tuple or None, bounds).
PARAMETERS = [
    ("centre_y", "bulge", "centre", 0, (-0.5, 0.5)),
    ("centre_x", "bulge", "centre", 1, (-0.5, 0.5)),
    ("bulge_e1", "bulge", "ell_comps", 0, (-0.7, 0.7)),
    ("bulge_e2", "bulge", "ell_comps", 1, (-0.7, 0.7)),
    ("bulge_intensity", "bulge", "intensity", None, (1e-4, 1e3)),
    ("bulge_effective_radius", "bulge", "effective_radius", None, (0.01, 5.0)),
    ("bulge_sersic_index", "bulge", "sersic_index", None, (0.5, 8.0)),
    ("disk_e1", "disk", "ell_comps", 0, (-0.7, 0.7)),
    ("disk_e2", "disk", "ell_comps", 1, (-0.7, 0.7)),
    ("disk_intensity", "disk", "intensity", None, (1e-4, 1e3)),
    ("disk_effective_radius", "disk", "effective_radius", None, (0.05, 10.0)),
]


def vector_from(truth: dict) -> np.ndarray:
    out = []
    for _, comp, key, index, _ in PARAMETERS:
        value = truth[comp][key]
        out.append(value[index] if index is not None else value)
    return np.array(out, dtype=float)


def galaxy_from_vector(x: np.ndarray) -> ag.Galaxy:
    """The bulge + disk galaxy of a parameter vector (the disk shares the bulge's centre)."""
    values = dict(zip([p[0] for p in PARAMETERS], x))
    centre = (values["centre_y"], values["centre_x"])
    bulge = dict(
        centre=centre,
        ell_comps=(values["bulge_e1"], values["bulge_e2"]),
        intensity=values["bulge_intensity"],
        effective_radius=values["bulge_effective_radius"],
        sersic_index=values["bulge_sersic_index"],
    )
    disk = dict(
        centre=centre,
        ell_comps=(values["disk_e1"], values["disk_e2"]),
        intensity=values["disk_intensity"],
        effective_radius=values["disk_effective_radius"],
    )
    return simulator.galaxy_from(bulge, disk)


def fit_from(dataset: ag.Imaging, x0: np.ndarray, label: str) -> dict:
    """Maximum-likelihood fit; returns the optimum, its 1-sigma errors and the final fit."""
    # stdout: on a terminal one line redrawn in place, in a log (make demo > log) one line per
    # 20 evaluations.
    progress = Progress(label, unit="eval", every=20)
    noise = dataset.noise_map.array
    data = dataset.data.array

    best = np.inf

    def normalized_residuals(x):
        nonlocal best
        fit = ag.FitImaging(dataset=dataset, galaxies=[galaxy_from_vector(x)])
        residuals = (data - fit.model_data.array) / noise
        best = min(best, float(residuals @ residuals))
        progress.update(postfix=f"best chi^2 {best:.1f}")
        return residuals

    lower = [p[4][0] for p in PARAMETERS]
    upper = [p[4][1] for p in PARAMETERS]
    result = optimize.least_squares(
        normalized_residuals,
        x0,
        bounds=(lower, upper),
        method="trf",
        x_scale="jac",
        xtol=1e-10,
        ftol=1e-10,
        max_nfev=400,
    )
    progress.close()
    # Gauss-Newton covariance of the parameters: the residuals are already noise-normalised.
    jac = result.jac
    covariance = np.linalg.pinv(jac.T @ jac)
    fit = ag.FitImaging(dataset=dataset, galaxies=[galaxy_from_vector(result.x)])
    return dict(
        x=result.x,
        sigma=np.sqrt(np.diag(covariance)),
        fit=fit,
        chi_squared=float(fit.chi_squared),
        nfev=result.nfev,
    )


def datasets_from(dataset: ag.Imaging) -> dict:
    """The masked dataset with the oversampled PSF, and the same data with the native PSF."""
    mask = ag.Mask2D.circular(dataset.shape_native, MASK_RADIUS, dataset.pixel_scales)
    s = dataset.psf.convolve_over_sample_size
    grid = ag.Grid2D.from_mask(mask)
    # Light over-sampling: 16 x 16 samples per pixel near the centre, 4 x 4 further out
    # (all divisible by s = 4, as the oversampled PSF requires).
    sizes = ag.over_sample_util.over_sample_size_via_radial_bins_from(
        grid, sub_size_list=[16, 8, 4], radial_list=[0.15, 0.4]
    )
    common = dict(
        noise_map=dataset.noise_map,
        over_sample_size_lp=sizes,
        over_sample_size_pixelization=s,
        psf_setup_state=True,
    )
    data = ag.Array2D(dataset.data.native.array, mask)
    noise = ag.Array2D(dataset.noise_map.native.array, mask)
    common["noise_map"] = noise
    oversampled = ag.Imaging(
        data,
        psf=dataset.psf,
        convolve_over_sample_size_lp=s,
        convolve_over_sample_size_pixelization=s,
        **common,
    )
    native = ag.Imaging(data, psf=dataset.psf.native_psf_from(), **common)
    return {"native": native, "oversampled": oversampled}


def table_from(results: dict, truth: np.ndarray) -> str:
    head = f"{'parameter':24s} {'truth':>9s} | {'native PSF':>21s} {'pull':>7s} | {'oversampled PSF':>21s} {'pull':>7s}"
    lines = [head, "-" * len(head)]
    for i, (name, *_rest) in enumerate(PARAMETERS):
        row = f"{name:24s} {truth[i]:9.4f}"
        for key in ("native", "oversampled"):
            r = results[key]
            pull = (r["x"][i] - truth[i]) / r["sigma"][i]
            row += f" | {r['x'][i]:10.4f} +- {r['sigma'][i]:7.4f} {pull:7.1f}"
        lines.append(row)
    n = results["native"]["fit"].dataset.mask.pixels_in_mask
    lines.append("-" * len(head))
    lines.append(
        f"{'chi^2 (' + str(n) + ' pixels)':34s} | {results['native']['chi_squared']:21.1f} {'':7s} | "
        f"{results['oversampled']['chi_squared']:21.1f}"
    )
    return "\n".join(lines)


def plot_fits(results: dict, folder: Path) -> list:
    """The fit subplot of both fits (``modeling_fit_<native|oversampled>.png``); their paths."""
    paths = []
    for key in ("native", "oversampled"):
        output = aplt.Output(path=folder, filename=f"modeling_fit_{key}", format="png")
        plotter = aplt.FitImagingPlotter(
            fit=results[key]["fit"], mat_plot_2d=aplt.MatPlot2D(output=output, use_log10=True)
        )
        plotter.subplot_fit()
        paths.append(folder / f"modeling_fit_{key}.png")
    return paths


def main(dataset_path: Path = simulator.DATASET, plot: bool = True) -> dict:
    dataset = simulator.dataset_from(dataset_path, plot=plot)
    truth = vector_from(simulator.TRUTH)
    # A start away from the truth, the same for both fits.
    x0 = truth * np.array([1, 1, 1, 1, 0.7, 1.5, 0.6, 1, 1, 1.3, 0.8]) + np.array(
        [0.03, -0.02, 0.05, -0.05, 0, 0, 0, -0.05, 0.05, 0, 0]
    )
    results = {}
    print(
        f"Fitting {len(PARAMETERS)} parameters, twice (native PSF, oversampled PSF x"
        f"{dataset.psf.convolve_over_sample_size}):"
    )
    for key, masked in datasets_from(dataset).items():
        results[key] = fit_from(masked, x0, label=key)
    print()
    print(table_from(results, truth))
    i_n = [p[0] for p in PARAMETERS].index("bulge_sersic_index")
    i_r = [p[0] for p in PARAMETERS].index("bulge_effective_radius")
    for key in ("native", "oversampled"):
        r = results[key]
        print(
            f"{key:>11s} PSF: Sersic index {r['x'][i_n]:.3f} +- {r['sigma'][i_n]:.3f} "
            f"({(r['x'][i_n] - truth[i_n]) / r['sigma'][i_n]:+.1f} sigma), effective radius "
            f"{r['x'][i_r]:.4f} +- {r['sigma'][i_r]:.4f} "
            f"({(r['x'][i_r] - truth[i_r]) / r['sigma'][i_r]:+.1f} sigma)"
        )
    if plot:
        for path in plot_fits(results, simulator.OUTPUT):
            print(f"Saved {path}")
    return {"truth": truth, **results}


if __name__ == "__main__":
    main()
