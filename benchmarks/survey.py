"""
Survey benchmark: ``ag.fit_sample`` on a Dask ``LocalCluster`` with 1 and 2 workers.

    .venv/bin/python benchmarks/survey.py            # prints the report
    .venv/bin/python benchmarks/survey.py --write    # ... and writes its section of
                                                     # benchmarks/RESULTS.md

40 galaxies of ``workspace_scripts/survey/simulate_sample.py`` (40 x 40 pixels of 0.1", PSF
oversampled x4, seed 7) are fitted with ``workspace_scripts/survey/model.py`` (11 free
parameters), oversampled PSF, once on a cluster of 1 worker and once on 2 (processes, one thread
each). Before the timing every worker fits one object (imports, caches), so the timed runs
measure the steady state. Measured:

* wall time: first submission to last row written (``SampleSummary.wall_time``);
* task time: the rows' ``wall_time`` summed (each measured on the worker around loading and
  fitting one object);
* scheduling overhead: ``(workers x wall - task time) / task time``, the share of the workers'
  time not spent loading or fitting (serialisation, scheduling, result transfer, the Parquet
  writes in the client, and with 2 workers the idle tail when one worker waits for the last
  object);
* speed-up: wall time with 1 worker / wall time with 2;
* peak memory per worker: ``ru_maxrss`` of each worker process after its run.

This is a measurement, not a timed test: other processes sharing the cores lower the speed-up, so
the report records the load average before and after each run.
"""

import argparse
import os
import resource
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "workspace_scripts" / "survey"))

import bench_util as bu  # noqa: E402
import section_util as su  # noqa: E402
import simulate_sample  # noqa: E402

import autogalaxy as ag  # noqa: E402
from autogalaxy.sample import fit_object, model_from_file, object_folders_in  # noqa: E402

RESULTS_PATH = HERE / "RESULTS.md"
SECTION = "survey"  # <!-- survey:start --> ... <!-- survey:end --> in RESULTS.md
OUTPUT = HERE / "output" / "survey"
MODEL = ROOT / "workspace_scripts" / "survey" / "model.py"
N_OBJECTS = 40
SEED = 7
TARGET_SPEED_UP = 1.7
TARGET_OVERHEAD = 0.05


def log(message: str):
    print(message, file=sys.stderr, flush=True)


def peak_rss_mb() -> float:
    """The calling process's peak resident memory in MB (``ru_maxrss`` is in kB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """CPU time (user + system) the calling process has used."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def wait_for_quiet(max_load: float, max_wait: float) -> float:
    """
    Wait (at most ``max_wait`` s) until the 1-minute load average is below ``max_load``; return
    the seconds waited.
    """
    start = time.perf_counter()
    while os.getloadavg()[0] >= max_load and time.perf_counter() - start < max_wait:
        log(f"[survey] load {os.getloadavg()[0]:.2f} >= {max_load}: waiting")
        time.sleep(30)
    return time.perf_counter() - start


def sample_from(n: int) -> Path:
    data = OUTPUT / f"data_{n}_seed{SEED}"
    if not data.exists() or len(object_folders_in(data)) != n:
        shutil.rmtree(data, ignore_errors=True)
        simulate_sample.main(n=n, seed=SEED, output=data, plot=False)
    return data


def run_with_workers(n_workers: int, data: Path, model) -> dict:
    from distributed import Client, LocalCluster

    out = OUTPUT / f"results_{n_workers}_workers.parquet"
    shutil.rmtree(out, ignore_errors=True)
    first = str(object_folders_in(data)[0])
    with (
        LocalCluster(
            n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        client.run(fit_object, first, model, "warm-up")  # every worker: imports, first fit
        load_before = os.getloadavg()[0]
        cpu_before = sum(client.run(cpu_seconds).values())
        summary = ag.fit_sample(data, model, client=client, out=out, progress=False)
        cpu = sum(client.run(cpu_seconds).values()) - cpu_before
        load_after = os.getloadavg()[0]
        rss = sorted(client.run(peak_rss_mb).values())
    table = summary.results()
    statuses = set(table.column("status").to_pylist())
    if statuses != {"ok"}:
        raise SystemExit(f"[survey] rows with errors: {table.filter(table['status'] != 'ok')}")
    overhead = (n_workers * summary.wall_time - summary.fit_time) / summary.fit_time
    return dict(
        workers=n_workers,
        wall=summary.wall_time,
        task=summary.fit_time,
        overhead=overhead,
        cores=cpu / summary.wall_time,
        rss=rss,
        load=(load_before, load_after),
        values=table.column("bulge.sersic_index").to_pylist(),
    )


def report_from(runs: list, machine: dict, total: float, waited: float) -> str:
    one, two = runs
    speed_up = one["wall"] / two["wall"]
    same = one["values"] == two["values"]
    lines = [
        "# Survey (Dask): fitting a sample with `ag.fit_sample`",
        "",
        f"Generated by `.venv/bin/python benchmarks/survey.py` on {machine['date']} "
        f"(whole run {total:.0f} s, of which {waited:.0f} s waiting for a load average below "
        "`--max-load`).",
        "",
        f"* Machine: {machine['cpu']}, `os.cpu_count()` = {machine['cores']}, "
        f"{(machine['memory'] or 0) / 2**30:.0f} GiB; Python {machine['python']}. The cores are "
        "shared with other processes: load averages (1 min) before / after each timed run are "
        "in the table.",
        f"* Sample: {N_OBJECTS} galaxies of `workspace_scripts/survey/simulate_sample.py` "
        f'(seed {SEED}): Sersic bulge + Exponential disk, 40 x 40 pixels of 0.1", circular '
        '1.4" mask (~616 pixels), Gaussian PSF sigma 0.04"-0.07" oversampled x4, light '
        "over-sampled 16/8/4. Model `workspace_scripts/survey/model.py` (11 free parameters), "
        "oversampled PSF, `scipy.optimize.least_squares` via `ag.fit`.",
        "* `LocalCluster(n_workers, threads_per_worker=1, processes=True)`; every worker fits one "
        "object before the timing. Wall: first submission to last row written. Task time: sum "
        "of the per-object times measured on the workers (load + fit). Overhead: "
        "(workers x wall - task time) / task time. Cores obtained: the workers' CPU time "
        "(`getrusage`, user + system) during the run / wall: 1 and 2 when nothing else competes "
        "for the cores; less says how much CPU the other processes on the machine took.",
        "",
        "| workers | wall (s) | task time (s) | per object (s) | speed-up | overhead | "
        "cores obtained | peak RSS per worker (MB) | load before / after |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        lines.append(
            f"| {run['workers']} | {run['wall']:.1f} | {run['task']:.1f} | "
            f"{run['task'] / N_OBJECTS:.2f} | "
            f"{'1.00' if run is one else f'{speed_up:.2f}'} | {100 * run['overhead']:.1f} % | "
            f"{run['cores']:.2f} | {', '.join(f'{r:.0f}' for r in run['rss'])} | "
            f"{run['load'][0]:.2f} / {run['load'][1]:.2f} |"
        )
    verdict = "holds" if speed_up >= TARGET_SPEED_UP else "missed"
    overheads = max(run["overhead"] for run in runs)
    lines += [
        "",
        "## Acceptance",
        "",
        f"* Speed-up with 2 workers: {speed_up:.2f}x (target >= {TARGET_SPEED_UP}x): {verdict}. "
        f"The workers obtained {one['cores']:.2f} cores with 1 worker and {two['cores']:.2f} "
        f"with 2: relative to the CPU they got, the parallel efficiency is "
        f"{100 * speed_up * one['cores'] / two['cores']:.0f} %.",
        f"* Scheduling overhead: at most {100 * overheads:.1f} % of the task time (target < "
        f"{100 * TARGET_OVERHEAD:.0f} %): {'holds' if overheads < TARGET_OVERHEAD else 'missed'}.",
        f"* Peak memory per worker: {max(max(run['rss']) for run in runs):.0f} MB.",
        f"* The 1- and 2-worker runs give {'bit-identical' if same else 'DIFFERENT'} Sersic "
        "indices (deterministic fits).",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--write", action="store_true", help=f"write the report into {RESULTS_PATH.name}"
    )
    parser.add_argument(
        "--max-load", type=float, default=None, help="wait for a 1-min load average below this"
    )
    parser.add_argument("--max-wait", type=float, default=1800.0, help="seconds to wait at most")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    data = sample_from(N_OBJECTS)
    model = model_from_file(MODEL)
    runs = []
    waited = 0.0
    for n_workers in (1, 2):
        if args.max_load is not None:
            waited += wait_for_quiet(args.max_load, args.max_wait)
        log(f"[survey] {N_OBJECTS} objects on {n_workers} worker(s), load {os.getloadavg()[0]:.2f}")
        runs.append(run_with_workers(n_workers, data, model))
        log(f"[survey] wall {runs[-1]['wall']:.1f} s, task time {runs[-1]['task']:.1f} s")
    report = report_from(runs, bu.machine_info(), time.perf_counter() - start, waited)
    print(report)
    if args.write:
        su.write_section(RESULTS_PATH, SECTION, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
