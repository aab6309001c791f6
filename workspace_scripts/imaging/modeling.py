"""
Modeling: fit a galaxy with a native PSF and with an oversampled PSF
====================================================================

The dataset of ``simulator.py`` (a Sersic n = 4 bulge + Exponential disk, blurred by a PSF narrower
than a pixel at 4x oversampling) is fitted by maximum likelihood twice:

* **native**: the PSF block-summed to detector pixels, light blurred at detector resolution
  (what most tools do);
* **oversampled**: light evaluated on the fine grid, blurred with the oversampled PSF
  (``convolve_over_sample_size = 4``) and binned back: what this library is for.

Both fits use the same light over-sampling, model (``ag.Model``: the bulge and disk share one
centre, 11 free parameters) and fit (``ag.fit``: ``scipy.optimize.least_squares``, trust-region
reflective, starting away from the truth). Their 1-sigma errors come from the Jacobian at the
optimum. The table shows the native fit biased in Sersic index and effective radius, by
many sigma, while the oversampled fit recovers the truth. PNGs of data / model / residuals are saved.

Run: ``python workspace_scripts/imaging/modeling.py`` (``make demo``); it simulates the dataset first
if ``workspace_scripts/output/dataset`` does not exist.
"""

import sys
from pathlib import Path

import numpy as np

import autogalaxy as ag
import autogalaxy.plot as aplt

sys.path.insert(0, str(Path(__file__).resolve().parent))
import simulator  # noqa: E402  (the script beside this one: truth, paths, galaxy model)

MASK_RADIUS = 2.5  # arcsec

# A start away from the truth, the same for both fits: (factor, offset) per parameter.
START_FROM_TRUTH = {
    "bulge.centre_0": (1.0, 0.03),
    "bulge.centre_1": (1.0, -0.02),
    "bulge.ell_comps_0": (1.0, 0.05),
    "bulge.ell_comps_1": (1.0, -0.05),
    "bulge.intensity": (0.7, 0.0),
    "bulge.effective_radius": (1.5, 0.0),
    "bulge.sersic_index": (0.6, 0.0),
    "disk.ell_comps_0": (1.0, -0.05),
    "disk.ell_comps_1": (1.0, 0.05),
    "disk.intensity": (1.3, 0.0),
    "disk.effective_radius": (0.8, 0.0),
}


def truth_of(name: str) -> float:
    """The simulated value of a model parameter, e.g. ``"bulge.centre_0"`` -> centre[0]."""
    component, parameter = name.split(".")
    for pair in ("centre", "ell_comps"):
        if parameter.startswith(pair + "_"):
            return simulator.TRUTH[component][pair][int(parameter[-1])]
    return simulator.TRUTH[component][parameter]


def model_from() -> ag.Model:
    """
    Sersic bulge + Exponential disk sharing one centre: 11 free parameters, each searched inside
    its limits from a start away from the truth (:data:`START_FROM_TRUTH`).
    """

    def prior(name, lower, upper):
        factor, offset = START_FROM_TRUTH[name]
        return ag.Uniform(lower, upper, start=truth_of(name) * factor + offset)

    model = ag.Model(ag.Galaxy, redshift=0.5, bulge=ag.lp.Sersic, disk=ag.lp.Exponential)
    model.bulge.centre = (
        prior("bulge.centre_0", -0.5, 0.5),
        prior("bulge.centre_1", -0.5, 0.5),
    )
    model.bulge.ell_comps = (
        prior("bulge.ell_comps_0", -0.7, 0.7),
        prior("bulge.ell_comps_1", -0.7, 0.7),
    )
    model.bulge.intensity = prior("bulge.intensity", 1e-4, 1e3)
    model.bulge.effective_radius = prior("bulge.effective_radius", 0.01, 5.0)
    model.bulge.sersic_index = prior("bulge.sersic_index", 0.5, 8.0)
    model.disk.centre = model.bulge.centre  # one centre: the same two free parameters
    model.disk.ell_comps = (
        prior("disk.ell_comps_0", -0.7, 0.7),
        prior("disk.ell_comps_1", -0.7, 0.7),
    )
    model.disk.intensity = prior("disk.intensity", 1e-4, 1e3)
    model.disk.effective_radius = prior("disk.effective_radius", 0.05, 10.0)
    return model


def fit_from(dataset: ag.Imaging, model: ag.Model, label: str) -> dict:
    """Maximum-likelihood fit (``ag.fit``); the optimum, its 1-sigma errors and the final fit."""
    result = ag.fit(dataset, model, max_nfev=400, progress=True, label=label)
    return dict(
        x=result.values,
        sigma=result.errors,
        fit=result.fit,
        chi_squared=result.chi_squared,
        nfev=result.evaluations,
        result=result,
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


def table_from(results: dict, names, truth: np.ndarray) -> str:
    head = f"{'parameter':24s} {'truth':>9s} | {'native PSF':>21s} {'pull':>7s} | {'oversampled PSF':>21s} {'pull':>7s}"
    lines = [head, "-" * len(head)]
    for i, name in enumerate(names):
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
    model = model_from()
    names = model.parameter_names
    truth = np.array([truth_of(name) for name in names])
    results = {}
    print(
        f"Fitting {model.prior_count} parameters, twice (native PSF, oversampled PSF x"
        f"{dataset.psf.convolve_over_sample_size}):"
    )
    for key, masked in datasets_from(dataset).items():
        results[key] = fit_from(masked, model, label=key)
    print()
    print(table_from(results, names, truth))
    i_n = names.index("bulge.sersic_index")
    i_r = names.index("bulge.effective_radius")
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
    return {"truth": truth, "names": names, **results}


if __name__ == "__main__":
    main()
