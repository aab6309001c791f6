"""
Benchmark of mapping-matrix convolution against the released PyAutoArray, in one run: our NumPy
routes with sparse (CSR) and dense input, our JAX tap route (BCOO input) and FFT engine, and the
release's NumPy and JAX routes (``benchmarks/peer/peer_bench.py`` in ``.venv-peer``).

    .venv/bin/python benchmarks/mapping_matrix.py            # s = 1, 2, 4, prints the report
    .venv/bin/python benchmarks/mapping_matrix.py --quick    # s = 1, 2, release s = 4 skipped
    .venv/bin/python benchmarks/mapping_matrix.py --write    # ... and writes its section of
                                                             # benchmarks/RESULTS.md

Scene: ``benchmarks/peer/scene.py`` (100 x 100 pixels of 0.1", 3" mask: 2828 pixels, Gaussian
PSF of sigma 0.2" sampled at 0.1" / s, a 1000-column mapping matrix with 3 non-zeros per fine
row). Both sides get the same values and no blurring mapping matrix; ours in its sparse form
(CSR for NumPy, BCOO for JAX) or as the same dense ndarray the release gets.

Measured:

* median time of one call after a warm-up call (JAX: jitted, ``block_until_ready``; the first
  call, compile included, is reported apart);
* the crossover of the JAX routing rule (``JAX_TAP_UPDATES_PER_FFT_POINT``): the tap route's
  seconds per scatter-add against the FFT engine's seconds per frame point;
* in its own process, the peak resident-memory growth of a JAX call on a 5000-column mapping
  matrix at s = 4 (tap route; the issue's bound is 2 GB);
* the largest difference of every route's result to the release's (must be below 1e-12).
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_util as bu  # noqa: E402
import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import section_util as su  # noqa: E402
from jax.experimental import sparse as jax_sparse  # noqa: E402

import autoarray as aa  # noqa: E402
from autoarray.operators import convolver as convolver_module  # noqa: E402

RESULTS_PATH = HERE / "RESULTS.md"
SECTION = "mapping-matrix"
SIZES = (1, 2, 4)
MEMORY_COLUMNS = 5000
MEMORY_SIZE = 4
MEMORY_BOUND = 2 * 10**9
FFT_COLUMNS_AT_S4 = 200  # the JAX FFT route is timed on fewer columns at s = 4 (per column)
TOL = 1e-12


def log(message):
    print(message, file=sys.stderr, flush=True)


def convolver_for(scene, s, use_fft=None):
    mask = aa.Mask2D(scene["mask"], pixel_scales=bu.load_scene().PIXEL_SCALE)
    kernel = scene["kernel"]
    psf = aa.Convolver.no_mask(
        kernel, bu.load_scene().PIXEL_SCALE / s, convolve_over_sample_size=s, use_fft=use_fft
    )
    return psf.with_state_for(mask), mask


def scene_mapping_matrix_from(scene_module, scene, s, n_columns):
    """The scene's mapping matrix (CSR), rows in per-pixel sub-block order (the release's)."""
    csr = bu.sparse_mapping_matrix_from(scene["n_fine_rows"], n_columns, scene_module.MAPPING_SEED)
    if s == 1:
        return csr
    return csr[scene_module.sub_block_permutation(scene["mask"], s)]


def first_and_timing(fn, repeats):
    start = time.perf_counter()
    jax.block_until_ready(fn())
    first = time.perf_counter() - start
    return first, bu.timing_from(lambda: jax.block_until_ready(fn()), repeats, warmup=False)


def ours_from(s, repeats) -> dict:
    scene_module = bu.load_scene()
    scene = scene_module.scene(s)
    psf, mask = convolver_for(scene, s)
    psf.state.real_space_operator_for(False)  # built once per dataset, not per call
    csr = scene_mapping_matrix_from(scene_module, scene, s, scene_module.N_SOURCE)
    dense = csr.toarray()
    out = {"s": s}
    log(f"[mapping-matrix] s={s}: NumPy")
    out["numpy_csr"] = bu.timing_from(lambda: psf.convolved_mapping_matrix_from(csr, mask), repeats)
    out["numpy_dense"] = bu.timing_from(
        lambda: psf.convolved_mapping_matrix_from(dense, mask), repeats
    )
    result = psf.convolved_mapping_matrix_from(csr, mask)
    out["result"] = result
    out["dense_difference"] = float(
        np.abs(psf.convolved_mapping_matrix_from(dense, mask) - result).max()
    )
    log(f"[mapping-matrix] s={s}: JAX tap route")
    bcoo = jax_sparse.BCOO.from_scipy_sparse(csr)
    state = psf.state
    values = state.mapping_values_from(bcoo, None, jnp)
    out["jax_route"] = "FFT" if state.uses_fft_for(values, None, jnp) else "taps"
    taps = jax.jit(lambda m: psf.convolved_mapping_matrix_from(m, mask, xp=jnp))
    out["jax_auto_first"], out["jax_auto"] = first_and_timing(lambda: taps(bcoo), repeats)
    out["jax_difference"] = float(np.abs(np.asarray(taps(bcoo)) - result).max())
    out["taps_work"] = values.nse * state.tap_tables_for(np)[0].shape[1]
    log(f"[mapping-matrix] s={s}: JAX FFT engine")
    n_fft = csr.shape[1] if s < 4 else FFT_COLUMNS_AT_S4
    fft_psf, _ = convolver_for(scene, s, use_fft=True)
    fft = jax.jit(lambda m: fft_psf.convolved_mapping_matrix_from(m, mask, xp=jnp))
    dense_part = jnp.asarray(dense[:, :n_fft])
    _, fft_timing = first_and_timing(lambda: fft(dense_part), max(1, repeats // 2))
    out["jax_fft_per_column"] = fft_timing.median / n_fft
    out["jax_fft"] = out["jax_fft_per_column"] * csr.shape[1]
    py, px = state.fft_shape
    out["fft_work"] = csr.shape[1] * (state.n_phase + 1) * py * px
    return out


def memory_case() -> dict:
    """A jitted JAX call on a MEMORY_COLUMNS-column BCOO mapping matrix at MEMORY_SIZE."""
    scene_module = bu.load_scene()
    scene = scene_module.scene(MEMORY_SIZE)
    psf, mask = convolver_for(scene, MEMORY_SIZE)
    csr = scene_mapping_matrix_from(scene_module, scene, MEMORY_SIZE, MEMORY_COLUMNS)
    bcoo = jax_sparse.BCOO.from_scipy_sparse(csr)
    jitted = jax.jit(lambda m: psf.convolved_mapping_matrix_from(m, mask, xp=jnp))
    _, first_seconds, first = su.rss_peak_delta_from(lambda: jax.block_until_ready(jitted(bcoo)))
    _, seconds, steady = su.rss_peak_delta_from(lambda: jax.block_until_ready(jitted(bcoo)))
    values = psf.state.mapping_values_from(bcoo, None, jnp)
    route = "FFT" if psf.state.uses_fft_for(values, None, jnp) else "taps"
    return dict(first=first, steady=steady, seconds=seconds, route=route, nnz=int(csr.nnz))


def release_report(sizes, quick) -> dict:
    cases = []
    for s in sizes:
        if quick and s == 4:
            continue
        cases += [f"mm-fft-np-s{s}", f"mm-fft-jax-s{s}"]
        if s == 1:
            cases.append("mm-real-jax-s1")  # the release's direct route (s > 1: FFT only)
    if not bu.peer_available():
        raise SystemExit(
            "the release's venv (.venv-peer) is missing: ln -s /work/venv-peer .venv-peer"
        )
    save_dir = HERE / "output" / "peer"
    log(f"[mapping-matrix] release: {cases}")
    return bu.peer_report_from(cases, repeats=3, heavy_repeats=1, save_dir=save_dir)


def report_from(ours, release, memory, header) -> str:
    peer = release.get("cases", {})
    rows, checks = [], []
    for o in ours:
        s = o["s"]
        np_case = peer.get(f"mm-fft-np-s{s}")
        jax_cases = [peer.get(f"mm-fft-jax-s{s}"), peer.get(f"mm-real-jax-s{s}")]
        jax_cases = [c for c in jax_cases if c]
        release_np = np_case["median_s"] if np_case else float("nan")
        release_jax = min((c["median_s"] for c in jax_cases), default=float("nan"))
        for name, seconds, reference, target in (
            ("ours NumPy, CSR input", o["numpy_csr"].median, release_np, None),
            ("ours NumPy, dense ndarray input", o["numpy_dense"].median, release_np, 10.0),
            (
                f"ours JAX, BCOO input (auto -> {o['jax_route']})",
                o["jax_auto"].median,
                release_jax,
                3.0,
            ),
            ("ours JAX FFT engine (dense input)", o["jax_fft"], release_jax, None),
        ):
            rows.append(
                [
                    s,
                    name,
                    bu.fmt_time(seconds),
                    bu.fmt_time(reference),
                    bu.fmt_ratio(reference / seconds),
                ]
            )
            if target is not None:
                ratio = reference / seconds
                verdict = (
                    "PASS" if ratio >= target else ("FAIL" if np.isfinite(ratio) else "not run")
                )
                checks.append(
                    [f"{name}, s={s}: >= {target:g}x the release", f"{ratio:.1f}x", verdict]
                )
        saved = [np_case] + jax_cases
        for case in saved:
            if case and case.get("result_npy"):
                difference = float(np.abs(np.load(case["result_npy"]) - o["result"]).max())
                checks.append(
                    [
                        f"ours vs release {case['kind']}-{case['backend']} s={s}: max abs diff",
                        f"{difference:.1e}",
                        "PASS" if difference < TOL else "MISMATCH",
                    ]
                )
        checks.append(
            [
                f"JAX / dense NumPy vs CSR NumPy s={s}: max abs diff",
                f"{max(o['jax_difference'], o['dense_difference']):.1e}",
                "PASS" if max(o["jax_difference"], o["dense_difference"]) < TOL else "MISMATCH",
            ]
        )
    lines = [
        "## Mapping-matrix convolution: NumPy dense / sparse input and JAX routes vs the release",
        "",
    ]
    lines += header
    lines += [
        "",
        bu.markdown_table(
            ["s", "route", "ours median", "release (best of its route)", "release / ours"], rows
        ),
        "",
        "Release columns: NumPy rows against `mm-fft-np-s{s}` (its one NumPy path), JAX rows "
        "against the faster of `mm-fft-jax-s{s}` and `mm-real-jax-s1` (at s > 1 its JAX path is "
        "FFT only). The JAX FFT engine at s = 4 is timed on "
        f"{FFT_COLUMNS_AT_S4} columns and scaled to 1000.",
        "",
    ]
    crossover = []
    for o in ours:
        seconds_per_update = (
            o["jax_auto"].median / o["taps_work"] if o["jax_route"] == "taps" else float("nan")
        )
        seconds_per_point = o["jax_fft"] / o["fft_work"]
        crossover.append(
            [
                o["s"],
                f"{o['taps_work']:.3g}",
                f"{o['fft_work']:.3g}",
                f"{seconds_per_update * 1e9:.2f} ns",
                f"{seconds_per_point * 1e9:.2f} ns",
                f"{seconds_per_point / seconds_per_update:.2f}",
            ]
        )
    lines += [
        "JAX routing (`JAX_TAP_UPDATES_PER_FFT_POINT = "
        f"{convolver_module.JAX_TAP_UPDATES_PER_FFT_POINT}`: taps when updates <= that x FFT points):",
        "",
        bu.markdown_table(
            [
                "s",
                "tap updates (nnz x taps)",
                "FFT points (cols x (s^2+1) x Py x Px)",
                "per update",
                "per FFT point",
                "measured crossover (updates per point)",
            ],
            crossover,
        ),
        "",
    ]
    if memory:
        verdict = (
            "PASS" if memory["steady"] is not None and memory["first"] < MEMORY_BOUND else "FAIL"
        )
        checks.append(
            [
                f"JAX {MEMORY_COLUMNS} columns at s={MEMORY_SIZE} ({memory['route']} route, {memory['nnz']} non-zeros): peak RSS growth < 2 GB",
                f"first call (compile) {bu.fmt_bytes(memory['first'])}, later call {bu.fmt_bytes(memory['steady'])} ({bu.fmt_time(memory['seconds'])})",
                verdict,
            ]
        )
    if release.get("errors"):
        lines += [f"Release errors: {release['errors']}", ""]
    lines += ["Checks:", "", bu.markdown_table(["check", "measured", "verdict"], checks), ""]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="s = 1, 2; release s = 4 skipped")
    parser.add_argument("--write", action="store_true", help="write the RESULTS.md section")
    parser.add_argument("--memory-case", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_case:
        print(json.dumps(memory_case()))
        return 0
    load_start = os.getloadavg()[0]
    start = time.perf_counter()
    sizes = (1, 2) if args.quick else SIZES
    repeats = 3 if args.quick else 5
    ours = [ours_from(s, repeats) for s in sizes]
    memory = None
    if not args.quick:
        log("[mapping-matrix] memory case")
        proc = subprocess.run(
            [sys.executable, __file__, "--memory-case"], capture_output=True, text=True, check=False
        )
        if proc.returncode != 0:
            raise SystemExit(f"memory case failed: {proc.stderr[-2000:]}")
        memory = json.loads(proc.stdout.strip().splitlines()[-1])
    release = release_report(sizes, args.quick)
    info = bu.machine_info()
    header = [
        f"Generated by `.venv/bin/python benchmarks/mapping_matrix.py` on {info['date']} (whole "
        f"run {time.perf_counter() - start:.0f} s).",
        "",
        *su.machine_lines(info, load_start, os.getloadavg()[0]),
        f"* Release: autoarray {release.get('release')} in `.venv-peer` "
        f"({release.get('versions', {}).get('jax')} jax), 3 timed calls (1 at s = 4) in its own "
        f"subprocess per case; ours: medians of {repeats} calls after a warm-up call.",
    ]
    report = report_from(ours, release, memory, header)
    print(report)
    if "MISMATCH" in report:
        raise SystemExit("a route disagrees with the reference: nothing written")
    if args.write:
        su.write_section(RESULTS_PATH, SECTION, report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
