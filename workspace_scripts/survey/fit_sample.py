"""
Fit a survey sample twice on Dask, with the native and the oversampled PSF
========================================================================

Every galaxy of ``simulate_sample.py`` is fitted with the model of ``model.py`` (bulge + disk,
11 free parameters) by ``ag.fit_sample`` on one ``LocalCluster`` (2 worker processes by default),
twice:

* **native PSF**: each object's oversampled PSF block-summed to detector pixels
  (``psf.native_psf_from()``), the light blurred at detector resolution (what most tools do);
* **oversampled PSF**: the light blurred at the PSF's 4x finer resolution and binned back.

Results stream into ``results_native.parquet/`` and ``results_oversampled.parquet/`` (a rerun
skips the objects already there). The script then plots, for the population, recovered minus true
Sersic index and effective radius against the true values (``survey_bias.png``) and prints the
mean bias, its standard error and the median pull of each: the population-level bias that the
oversampled PSF removes.

Run: ``python workspace_scripts/survey/fit_sample.py [--workers 2]`` (simulates 100 galaxies
first if ``workspace_scripts/output/survey/data`` does not exist). The same fits from the command
line: ``python -m autogalaxy.sample fit workspace_scripts/output/survey/data --model
workspace_scripts/survey/model.py --out results.parquet [--native-psf]``.
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np

import autogalaxy as ag
from autogalaxy.sample import model_from_file, results_from

sys.path.insert(0, str(Path(__file__).resolve().parent))
import simulate_sample  # noqa: E402  (the script beside this one: paths, simulation)

MODEL = Path(__file__).resolve().parent / "model.py"
KEYS = ("native", "oversampled")
# (column of the results, key of truth.json, label)
QUANTITIES = (
    ("bulge.sersic_index", "sersic_index", "Sersic index n"),
    ("bulge.effective_radius", "effective_radius", 'effective radius (")'),
)


def population_from(table) -> dict:
    """Truth, recovered value and error of each quantity, over the objects fitted without error."""
    rows = [row for row in table.to_pylist() if row["status"] == "ok"]
    truths = [json.loads((Path(row["path"]) / "truth.json").read_text()) for row in rows]
    out = {"errors": table.num_rows - len(rows), "ids": [row["object_id"] for row in rows]}
    for column, key, _ in QUANTITIES:
        out[column] = dict(
            truth=np.array([t["bulge"][key] for t in truths]),
            value=np.array([row[column] for row in rows]),
            error=np.array([row[f"{column}_error"] for row in rows]),
        )
    out["reduced_chi_squared"] = np.array([row["chi_squared"] / row["n_pixels"] for row in rows])
    return out


def summary_from(populations: dict) -> str:
    """Mean bias +- its standard error and the median pull of each quantity, per PSF."""
    head = f"{'':42s} | {'native PSF':>22s} | {'oversampled PSF':>22s}"
    lines = [head, "-" * len(head)]
    for column, _, label in QUANTITIES:
        bias, pull = [], []
        for key in KEYS:
            q = populations[key][column]
            delta = q["value"] - q["truth"]
            bias.append(f"{delta.mean():+9.4f} +- {delta.std(ddof=1) / np.sqrt(delta.size):8.4f}")
            pull.append(f"{np.median(delta / q['error']):+22.1f}")
        lines.append(f"{'mean (fit - truth), ' + label:42s} | {bias[0]:>22s} | {bias[1]:>22s}")
        lines.append(f"{'median pull, ' + label:42s} | {pull[0]} | {pull[1]}")
    chi = [f"{np.median(populations[k]['reduced_chi_squared']):22.3f}" for k in KEYS]
    lines.append(f"{'median chi^2 / pixels':42s} | {chi[0]} | {chi[1]}")
    errs = [f"{populations[k]['errors']:22d}" for k in KEYS]
    lines.append(f"{'objects with status error':42s} | {errs[0]} | {errs[1]}")
    return "\n".join(lines)


def plot_bias(populations: dict, path: Path):
    """Recovered minus true Sersic index and effective radius against the truth, both PSFs."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(13, 5))
    style = {
        "native": dict(color="tab:orange", fmt="s"),
        "oversampled": dict(color="tab:blue", fmt="o"),
    }
    for ax, (column, _, label) in zip(axes, QUANTITIES):
        for key in KEYS:
            q = populations[key][column]
            delta = q["value"] - q["truth"]
            ax.errorbar(
                q["truth"],
                delta,
                yerr=q["error"],
                markersize=4,
                alpha=0.75,
                elinewidth=0.8,
                label=f"{key} PSF: mean {delta.mean():+.3f} "
                f"+- {delta.std(ddof=1) / np.sqrt(delta.size):.3f}",
                **style[key],
            )
        ax.axhline(0.0, color="k", lw=0.8)
        ax.set_xlabel(f"true {label}")
        ax.set_ylabel(f"fit - truth, {label}")
        ax.legend(fontsize=9)
    n = populations["oversampled"][QUANTITIES[0][0]]["truth"].size
    fig.suptitle(f"Bulge recovery over {n} galaxies: PSF blurred at detector vs 4x resolution")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(
    data: Path = simulate_sample.DATA,
    output: Path = simulate_sample.OUTPUT,
    n: int = 100,
    n_workers: int = 2,
    plot: bool = True,
) -> dict:
    """Simulate (if needed), fit twice on one LocalCluster, summarise and plot; return the data."""
    from distributed import Client, LocalCluster

    if not data.exists():
        print(f"No sample at {data} yet: simulating {n} galaxies first.")
        simulate_sample.main(n=n, output=data, plot=plot)
    model = model_from_file(MODEL)
    print(f"Model: {model.info.splitlines()[0]}")
    populations = {}
    with (
        LocalCluster(
            n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        for key in KEYS:
            out = output / f"results_{key}.parquet"
            summary = ag.fit_sample(data, model, client=client, out=out, native_psf=key == "native")
            print(
                f"{key} PSF: fitted {summary.fitted} ({summary.errors} errors, {summary.skipped} "
                f"already done) in {summary.wall_time:.1f} s -> {out}"
            )
            populations[key] = population_from(results_from(out))
    print()
    print(summary_from(populations))
    if plot:
        png = output / "survey_bias.png"
        plot_bias(populations, png)
        print(f"Saved {png}")
    return populations


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes")
    parser.add_argument("--n", type=int, default=100, help="galaxies to simulate if none exist")
    arguments = parser.parse_args()
    main(n=arguments.n, n_workers=arguments.workers)
