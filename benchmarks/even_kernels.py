"""
Even (STPSF-layout) fine kernels against odd ones: the cost of applying an even kernel exactly.

    .venv/bin/python benchmarks/even_kernels.py           # prints the report (markdown)
    .venv/bin/python benchmarks/even_kernels.py --quick   # fewer repeats
    git archive <start commit> | tar -x -C /tmp/base      # a tree to compare odd kernels with
    .venv/bin/python benchmarks/even_kernels.py --against /tmp/base

Scene: ``benchmarks/peer/scene.py`` (100 x 100 image, 0.1" pixels, circular 3" mask, Gaussian PSF
sigma 0.2"), PSF sampled at s = 2, 4 with the scene's odd shapes (41, 83) and the even shapes one
smaller (40, 82), normalised. Every call goes through the public API with the state precomputed
(``psf.with_state_for(mask)``): an image convolution (NumPy FFT, NumPy real space, automatic
engine, JAX FFT jitted), a 200-column sparse fine mapping matrix (3 non-zeros per fine row), and
``Galaxy.blurred_image_2d_from`` (a Sersic at k = 4, the light evaluated at the PSF's
``light_sample_offset``). Odd and even are timed in alternating rounds of the same run; the table
gives the medians, the minima and even / odd. Target (issue 15): even / odd <= 1.2.

With ``--against DIR`` the odd kernels are also timed with the library of another tree (e.g. the
commit before even kernels were changed), each tree in its own subprocess (``PYTHONPATH=DIR``),
alternating: this tree / DIR should be ~1 (no slowdown for odd kernels).
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from bench_util import (
    fmt_ratio,
    fmt_time,
    load_scene,
    machine_info,
    markdown_table,
    sparse_mapping_matrix_from,
    timing_from,
)

import autogalaxy as ag

SIZES = (2, 4)
N_COLUMNS = 200
TARGET_RATIO = 1.2


def log(message):
    print(message, file=sys.stderr, flush=True)


def psf_from(scene, s, even):
    """The scene's Gaussian PSF at s: its odd shape, or one sample smaller (even)."""
    k = scene.PSF_SHAPE[s][0] - (1 if even else 0)
    return ag.Convolver.from_gaussian(
        (k, k),
        scene.PIXEL_SCALE / s,
        scene.PSF_SIGMA,
        normalize=True,
        convolve_over_sample_size=s,
    )


def calls_from(scene, mask, s, even):
    """``{case name: zero-argument call}`` for one kernel parity at s."""
    psf = psf_from(scene, s, even).with_state_for(mask)
    state = psf.state
    rng = np.random.default_rng(scene.IMAGE_SEED)
    image = rng.normal(size=mask.pixels_in_mask * s * s)
    blurring = rng.normal(size=state.pixels_in_blurring_mask * s * s)
    mapping = sparse_mapping_matrix_from(mask.pixels_in_mask * s * s, N_COLUMNS, scene.MAPPING_SEED)
    engines = {
        engine: ag.Convolver(psf.kernel, state=state, use_fft=use_fft, convolve_over_sample_size=s)
        for engine, use_fft in (("FFT", True), ("real space", False), ("auto", None))
    }
    for convolver in engines.values():  # the real-space operator is built lazily: not timed
        convolver.convolved_image_from(image, blurring)
    calls = {
        f"image NumPy {engine}": (lambda c=convolver: c.convolved_image_from(image, blurring))
        for engine, convolver in engines.items()
    }
    calls[f"mapping matrix NumPy sparse ({N_COLUMNS} columns)"] = lambda: engines[
        "auto"
    ].convolved_mapping_matrix_from(mapping, mask)
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        log("[even] JAX is not installed: the JAX row is skipped")
    else:
        fft = engines["FFT"]
        jitted = jax.jit(lambda i, b: fft.convolved_image_from(i, b, xp=jnp).array)
        image_j, blurring_j = jnp.asarray(image), jnp.asarray(blurring)
        calls["image JAX FFT (jit)"] = lambda: jitted(image_j, blurring_j).block_until_ready()
    grid = ag.Grid2D.from_mask(mask, over_sample_size=4)
    blurring_grid = ag.Grid2D.from_mask(state.blurring_mask, over_sample_size=s)
    galaxy = ag.Galaxy(redshift=0.5, bulge=ag.lp.Sersic(effective_radius=0.5, sersic_index=4.0))
    calls["Galaxy.blurred_image_2d_from (Sersic, k = 4)"] = lambda: galaxy.blurred_image_2d_from(
        grid, blurring_grid, engines["auto"]
    )
    return calls


def measure(scene, mask, s, rounds, repeats, parities=(False, True)):
    """
    ``{case: [seconds list per parity]}`` (odd: ``False``, even: ``True``), the parities timed in
    alternating rounds.
    """
    calls = [calls_from(scene, mask, s, even=even) for even in parities]
    times = {name: [[] for _ in parities] for name in calls[0]}
    for _ in range(rounds):
        for name in calls[0]:
            for i, parity_calls in enumerate(calls):
                timing = timing_from(parity_calls[name], repeats, min_seconds=0.05, max_repeats=200)
                times[name][i].extend(timing.times)
    return times


def odd_times_in_subprocess(tree, repeats) -> dict:
    """One round of the odd-kernel cases with the library of ``tree`` (``{s: {case: times}}``)."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    command = [sys.executable, str(Path(__file__).resolve()), "--odd-json", str(repeats)]
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True, cwd=tree)
    return {int(s): times for s, times in json.loads(out.stdout).items()}


def against_from(tree, rounds, repeats) -> dict:
    """``{s: {case: ([this tree's seconds], [tree's seconds])}}``, alternating subprocesses."""
    here = Path(__file__).resolve().parents[1]
    results = {}
    for _ in range(rounds):
        for i, root in enumerate((here, Path(tree).resolve())):
            for s, cases in odd_times_in_subprocess(root, repeats).items():
                for name, times in cases.items():
                    results.setdefault(s, {}).setdefault(name, ([], []))[i].extend(times)
    return results


def report_from(results, scene, info, load, seconds, args) -> str:
    rows = []
    worst = 0.0
    for s, times in results.items():
        k = scene.PSF_SHAPE[s][0]
        for name, (odd, even) in times.items():
            ratio = float(np.median(even)) / float(np.median(odd))
            worst = max(worst, ratio)
            rows.append(
                [
                    name,
                    s,
                    f"{k}x{k}",
                    fmt_time(np.median(odd)),
                    fmt_time(np.min(odd)),
                    f"{k - 1}x{k - 1}",
                    fmt_time(np.median(even)),
                    fmt_time(np.min(even)),
                    fmt_ratio(ratio),
                    fmt_ratio(float(np.min(even)) / float(np.min(odd))),
                ]
            )
    lines = [
        "# Even (STPSF-layout) kernels vs odd kernels",
        "",
        f"Generated by `.venv/bin/python benchmarks/even_kernels.py"
        f"{' --quick' if args.quick else ''}` on {info['date']} (whole run {seconds:.0f} s).",
        "",
        f"* Machine: {info['cpu']}, {info['cores']} cores ({info['affinity']} usable); load "
        f"average (1 min) at start {load[0]:.2f}, at end {load[1]:.2f}.",
        f"* Python {info['python']}, numpy {info['numpy']}, scipy {info['scipy']}, "
        f"jax {info['jax']}.",
        '* Scene: `benchmarks/peer/scene.py` (100x100, 0.1", 3" mask, Gaussian PSF sigma 0.2"); '
        "odd kernels of the scene's shape, even ones one sample smaller; state precomputed; "
        f"odd and even timed in {args.rounds} alternating rounds, medians and minima of single "
        "calls (JAX CPU times of ~0.1 ms calls are bimodal: compare the minima too).",
        "",
        markdown_table(
            [
                "case",
                "s",
                "odd kernel",
                "odd median",
                "odd min",
                "even kernel",
                "even median",
                "even min",
                "even / odd (medians)",
                "even / odd (minima)",
            ],
            rows,
        ),
        "",
        f"Largest even / odd of the medians: {fmt_ratio(worst)} (target <= {TARGET_RATIO}x). "
        "The polyphase "
        "kernels of a 2m-sample kernel and of its (2m+1)-sample odd neighbour have the same "
        "footprint, so both run the same engines on arrays of the same shapes.",
    ]
    return "\n".join(lines)


def against_report_from(against, tree, scene) -> str:
    rows = []
    for s, cases in against.items():
        k = scene.PSF_SHAPE[s][0]
        for name, (here, there) in cases.items():
            rows.append(
                [
                    name,
                    s,
                    f"{k}x{k}",
                    fmt_time(np.median(here)),
                    fmt_time(np.median(there)),
                    fmt_ratio(float(np.median(here)) / float(np.median(there))),
                    fmt_ratio(float(np.min(here)) / float(np.min(there))),
                ]
            )
    return "\n".join(
        [
            "",
            f"Odd kernels, this tree against `{tree}` (each in its own subprocess, alternating):",
            "",
            markdown_table(
                [
                    "case",
                    "s",
                    "kernel",
                    "this tree median",
                    "other tree median",
                    "this / other (medians)",
                    "this / other (minima)",
                ],
                rows,
            ),
        ]
    )


def odd_json(repeats) -> int:
    """Print one round of the odd-kernel cases as JSON (the ``--against`` subprocess)."""
    scene = load_scene()
    mask = ag.Mask2D.circular(scene.SHAPE, scene.MASK_RADIUS, scene.PIXEL_SCALE)
    out = {}
    for s in SIZES:
        times = measure(scene, mask, s, 1, repeats, parities=(False,))
        out[s] = {name: parity_times[0] for name, parity_times in times.items()}
    print(json.dumps(out))
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--against", help="a tree to time the odd kernels against")
    parser.add_argument("--odd-json", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.odd_json is not None:
        return odd_json(args.odd_json)
    args.rounds = 2 if args.quick else 4
    repeats = 3 if args.quick else 7
    t_start = time.perf_counter()
    load_start = os.getloadavg()[0]
    scene = load_scene()
    mask = ag.Mask2D.circular(scene.SHAPE, scene.MASK_RADIUS, scene.PIXEL_SCALE)
    results = {}
    for s in SIZES:
        t0 = time.perf_counter()
        results[s] = measure(scene, mask, s, args.rounds, repeats)
        log(f"[even] s={s}: {time.perf_counter() - t0:.1f} s")
    against = None
    if args.against is not None:
        t0 = time.perf_counter()
        against = against_from(args.against, args.rounds, repeats)
        log(f"[even] odd kernels against {args.against}: {time.perf_counter() - t0:.1f} s")
    load = (load_start, os.getloadavg()[0])
    print(report_from(results, scene, machine_info(), load, time.perf_counter() - t_start, args))
    if against is not None:
        print(against_report_from(against, args.against, scene))
    return 0


if __name__ == "__main__":
    sys.exit(main())
