"""
Interleaved A/B timing of two checkouts of the library on the calls of ``benchmarks/measure.py``.

    .venv/bin/python benchmarks/ab.py --base /tmp/bench-old                # new = this checkout
    .venv/bin/python benchmarks/ab.py --base /tmp/old --new . --rounds 20 --match "image|bound"
    .venv/bin/python benchmarks/ab.py --base /tmp/old --rounds 15 --processes 3 --write
    .venv/bin/python benchmarks/ab.py --base /tmp/old --rounds 30 --processes 10 \
        --match "bound|s=2 operator_build" --write --section ab-confirm

Two worker processes (this interpreter, ``PYTHONPATH`` = each checkout, so each imports its own
``autoarray``) build the same scene and calls as ``measure.py`` (same names as in the data of
``run.py``). The parent then asks them in turn, case by case and round by round (the side that
goes first alternates), for a burst of single calls lasting about ``--burst`` seconds. Both
checkouts thus run under the same machine load, which matters on a shared machine where two
whole benchmark runs minutes apart see different loads. Each case's calls are pooled over the
rounds and compared as ``benchmarks/compare.py`` does (median and minimum, ``--tolerance``).
The ``bound`` cases run the same code on both sides: their ratios show the noise left. Calls
bound by memory bandwidth (the sparse real-space operator at s >= 2: tens of MB per call) differ
between two processes running identical code by up to ~20 % (where their pages landed), which
one pair of processes cannot tell from a change: ``--processes P`` shares the rounds out over
``P`` successive pairs of fresh workers, so that draw is made ``P`` times and pooled; passing the
same checkout twice shows what is left.

``--write`` puts the table, the two commits and the machine in the "ab" section of
``benchmarks/RESULTS.md``; ``--section ab-confirm`` names another section, for a rerun of the
cases a whole run flagged (with more rounds and worker pairs, and the ``bound`` rows as the
noise yardstick). A whole run of ~100 cases on a shared machine flags a few cases by chance;
a flag that a rerun does not repeat is noise.

The calls use only what both checkouts provide (``Convolver(kernel, state=..., use_fft=...)``,
``state_from``, ``convolved_image_from``, ``convolved_mapping_matrix_from``,
``convolver_util.real_space_operator_from``). The exit status is 1 when a case is slower.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_util as bu  # noqa: E402
import compare  # noqa: E402
import section_util as su  # noqa: E402

RESULTS_PATH = HERE / "RESULTS.md"
SECTION = "ab"

NOSTATE = "image_np_nostate"  # needs a fresh convolver per call


# ---------------------------------------------------------------------------- worker


def worker_calls_from(pattern) -> dict:
    """Every call of ``measure.py`` whose name (``"s=2 image_np_fft"``...) matches ``pattern``."""
    import measure

    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    scene = bu.load_scene()
    calls = {}
    for s in measure.SIZES:
        case = measure.Case(scene, s)
        _ = case.state.real_space_operator  # as in measure.py: built before any timing
        named = {"bound": measure.bound_call_from(case)[1]}
        named.update(measure.image_calls_from(case, jax, jnp))
        named.update(measure.state_calls_from(case))
        named[NOSTATE] = case
        for nnz in measure.DENSITY_NNZ[s]:
            named.update(measure.mapping_calls_from(case, jax, jnp, nnz))
        calls.update({f"s={s} {name}": call for name, call in named.items()})
    for s, side in measure.TAPS_KERNELS:
        _, named = measure.taps_case_from(scene, s, side, jax, jnp)
        calls.update({f"taps s={s} k={side} {name}": call for name, call in named.items()})
    return {name: call for name, call in calls.items() if re.search(pattern, name)}


def burst_timing_from(call, n):
    """``n`` single calls of ``call`` (a ``measure.Case`` stands for the no-state image call)."""
    import measure

    if isinstance(call, measure.Case):
        call = measure.fresh_image_call_from(call, n)
    return bu.timing_from(call, n, 0.0, warmup=False)


def worker(pattern) -> int:
    """
    Build the calls, warm each up (compilation, lazy operators), report the names and the time
    of one call each as a JSON line, then answer ``{"case", "n"}`` lines with ``{"times"}``.
    """
    calls = worker_calls_from(pattern)
    estimate = {}
    for name, call in calls.items():
        burst_timing_from(call, 1)
        estimate[name] = burst_timing_from(call, 1).times[0]
    print(json.dumps({"cases": estimate}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        timing = burst_timing_from(calls[request["case"]], request["n"])
        print(json.dumps({"times": timing.times}), flush=True)
    return 0


# ---------------------------------------------------------------------------- parent


class Side:
    """A worker process importing ``autoarray`` from ``root``."""

    def __init__(self, root, pattern):
        env = dict(os.environ, PYTHONPATH=str(Path(root).resolve()))
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--worker", "--match", pattern],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=str(root),
        )
        self.root = root

    def read(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"the worker for {self.root} stopped (see its error above)")
        return json.loads(line)

    def times_from(self, case, n) -> list:
        self.process.stdin.write(json.dumps({"case": case, "n": n}) + "\n")
        self.process.stdin.flush()
        return self.read()["times"]

    def close(self):
        self.process.stdin.close()
        self.process.wait()


def interleaved_runs_from(base_root, new_root, pattern, rounds, burst, processes=1):
    """
    ``(base, new)``: name -> Timing of every case, pooled over the rounds. The rounds are shared
    out over ``processes`` successive pairs of fresh workers, so that where each side's memory
    landed (which moves memory-bound calls by up to ~20 %) is drawn ``processes`` times.
    """
    counts, names = None, None
    times = {"base": {}, "new": {}}
    t0 = time.perf_counter()
    done = 0
    for p in range(processes):
        sides = {"base": Side(base_root, pattern), "new": Side(new_root, pattern)}
        try:
            estimates = {key: side.read()["cases"] for key, side in sides.items()}
            if names is None:
                names = [name for name in estimates["base"] if name in estimates["new"]]
                counts = {
                    name: max(1, min(200, round(burst / estimates["base"][name]))) for name in names
                }
                times = {key: {name: [] for name in names} for key in times}
            share = rounds // processes + (1 if p < rounds % processes else 0)
            for _ in range(share):
                for i, name in enumerate(names):
                    order = ("base", "new") if (done + i) % 2 == 0 else ("new", "base")
                    for key in order:
                        times[key][name] += sides[key].times_from(name, counts[name])
                done += 1
                bu.log(
                    f"[ab] round {done}/{rounds} (worker pair {p + 1}/{processes}): "
                    f"{time.perf_counter() - t0:.0f} s"
                )
        finally:
            for side in sides.values():
                side.close()
    return tuple(
        {name: bu.Timing(times=values) for name, values in times[key].items()}
        for key in ("base", "new")
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", type=Path, help="checkout timed as the base")
    parser.add_argument("--new", type=Path, default=HERE.parent, help="default: this checkout")
    parser.add_argument("--rounds", type=int, default=10, help="bursts per case and side")
    parser.add_argument("--burst", type=float, default=0.02, help="seconds per burst (about)")
    parser.add_argument("--match", default="", help="regular expression on the case names")
    parser.add_argument(
        "--processes", type=int, default=1, help="successive worker pairs sharing the rounds"
    )
    parser.add_argument("--tolerance", type=float, default=compare.TOLERANCE)
    parser.add_argument("--write", action="store_true", help="write the section of RESULTS.md")
    parser.add_argument(
        "--section",
        default=SECTION,
        help=f"section of RESULTS.md that --write replaces (default {SECTION}; e.g. "
        f"{SECTION}-confirm for a rerun of the cases a full run flagged)",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.match)
    if args.base is None:
        parser.error("--base is required")
    load_start = os.getloadavg()[0]
    bu.log(f"[ab] load average at start {load_start:.2f}")
    start = time.perf_counter()
    if not 1 <= args.processes <= args.rounds:
        parser.error(f"--processes must be between 1 and --rounds ({args.rounds})")
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", args.section):
        parser.error(
            f"--section must be lower-case words joined by '-' (like {SECTION}-confirm), "
            f"got {args.section!r}"
        )
    base, new = interleaved_runs_from(
        args.base, args.new, args.match, args.rounds, args.burst, args.processes
    )
    load_end = os.getloadavg()[0]
    bu.log(f"[ab] load average at end {load_end:.2f}")
    rows = compare.comparison_from_timings([base], [new], args.tolerance)
    table = compare.comparison_markdown(rows, args.tolerance)
    print(table)
    if args.write:
        info = bu.machine_info()
        report = "\n".join(
            [
                "# A/B of two checkouts (`benchmarks/ab.py`)"
                + ("" if args.section == SECTION else f": {args.section}"),
                "",
                f"Generated on {info['date']} by `.venv/bin/python benchmarks/ab.py --base BASE "
                f"--rounds {args.rounds} --burst {args.burst:g} --processes {args.processes}"
                + (f' --match "{args.match}"' if args.match else "")
                + (f" --section {args.section}" if args.section != SECTION else "")
                + f"` (whole run {time.perf_counter() - start:.0f} s).",
                "",
                f"* Base: {commit_of(args.base)}.",
                f"* New: {commit_of(args.new)}.",
                *su.machine_lines(info, load_start, load_end),
                "* Each case: interleaved bursts of single calls in two worker processes (a fresh "
                f"pair for each of {args.processes} shares of the rounds), pooled over the rounds. "
                "The `bound` rows run identical code on both sides: their ratios are the noise "
                "of this run.",
                "",
                table,
            ]
        )
        su.write_section(RESULTS_PATH, args.section, report)
    return 1 if any(r["verdict"] == "slower" for r in rows) else 0


def commit_of(root) -> str:
    """``git log -1`` of a checkout as ``abcdef0 (subject)``, or its path if it is not one."""
    proc = subprocess.run(
        ["git", "-C", str(root), "log", "-1", "--format=%h (%s)"],
        capture_output=True,
        text=True,
        check=False,
    )
    line = proc.stdout.strip()
    if proc.returncode != 0 or not line:
        return str(root)
    dirty = subprocess.run(
        ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return line + (" with uncommitted changes" if dirty else "")


if __name__ == "__main__":
    sys.exit(main())
