"""
Benchmark of a pixelized-source fit under JAX against NumPy, on the README pixelization scene,
all measured in one run.

    .venv/bin/python benchmarks/jax_inversion.py            # s = 1, 2, 4, prints the report
    .venv/bin/python benchmarks/jax_inversion.py --quick    # s = 1 only, fewer repeats
    .venv/bin/python benchmarks/jax_inversion.py --write    # ... and writes its section of
                                                            # benchmarks/RESULTS.md

Scene: ``workspace_scripts/imaging/pixelization.py``'s dataset (60 x 60 pixels of 0.1", the
simulated Sersic + exponential galaxy of ``simulator.py``, circular mask of 2.5"), a 50 x 50
``RectangularUniform`` mesh with ``Constant(coefficient=1)`` regularization, light over-sampled
4 x 4 per pixel, the pixelization blurred at ``s = 1, 2, 4`` (the x4 PSF of the dataset, its
native block sum at s = 1, and a Gaussian of the same sigma sampled at 0.05" for s = 2).

Measured for the mapping formalism and the sparse operator (``apply_sparse_operator``):

* NumPy: the time of ``FitImaging(dataset, galaxies).log_evidence`` (median of single calls after
  one warm-up call);
* JAX: ``jax.jit`` of the same function of the regularization coefficient: its first call
  (trace + compile + run), then the steady-state time per call; ``jax.jit(jax.grad(...))``
  likewise;
* the relative difference of the JAX and NumPy log evidences (must be below 1e-10, else the run
  fails and nothing is written);
* at s = 4 (``--memory``, each case in its own process): the peak resident-memory growth of one
  call, after the warm-up call (the warm-up's own peak, compilation included, is given apart).
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
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "workspace_scripts" / "imaging"))

import bench_util as bu  # noqa: E402
import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import pixelization  # noqa: E402
import section_util as su  # noqa: E402
import simulator  # noqa: E402

import autogalaxy as ag  # noqa: E402

RESULTS_PATH = HERE / "RESULTS.md"
SECTION = "jax-inversion"
SIZES = (1, 2, 4)
FORMALISMS = ("mapping", "sparse")
COEFFICIENT = 1.0
TOL_LOG_EVIDENCE = 1e-10
MEMORY_SIZE = 4


def log(message):
    print(message, file=sys.stderr, flush=True)


def psf_for(dataset: ag.Imaging, s: int) -> ag.Convolver:
    """The dataset's x4 PSF at s = 4, its native block sum at s = 1, a Gaussian at s = 2."""
    native = dataset.psf.convolve_over_sample_size
    if s == native:
        return dataset.psf
    if s == 1:
        return dataset.psf.native_psf_from()
    half = int(np.ceil(6 * simulator.PSF_SIGMA / (simulator.PIXEL_SCALE / s)))
    return ag.Convolver.from_gaussian(
        shape_native=(2 * half + 1, 2 * half + 1),
        pixel_scales=simulator.PIXEL_SCALE / s,
        sigma=simulator.PSF_SIGMA,
        normalize=True,
        convolve_over_sample_size=s,
    )


def dataset_for(s: int, formalism: str) -> ag.Imaging:
    """The masked README scene with the pixelization blurred at ``s``, in ``formalism``."""
    dataset = simulator.dataset_from(plot=False)
    mask = ag.Mask2D.circular(dataset.shape_native, pixelization.MASK_RADIUS, dataset.pixel_scales)
    masked = ag.Imaging(
        ag.Array2D(dataset.data.native.array, mask),
        ag.Array2D(dataset.noise_map.native.array, mask),
        psf_for(dataset, s),
        over_sample_size_lp=4,
        over_sample_size_pixelization=4,
        convolve_over_sample_size_lp=s,
        convolve_over_sample_size_pixelization=s,
        psf_setup_state=True,
    )
    return masked.apply_sparse_operator() if formalism == "sparse" else masked


def galaxies_from(coefficient):
    pix = ag.Pixelization(
        mesh=ag.mesh.RectangularUniform(shape=pixelization.MESH_SHAPE),
        regularization=ag.reg.Constant(coefficient=coefficient),
    )
    return [ag.Galaxy(redshift=1.0, pixelization=pix)]


def evidence_from(dataset, coefficient, xp):
    return ag.FitImaging(dataset, galaxies_from(coefficient), xp=xp).log_evidence


def first_call_seconds(fn) -> float:
    start = time.perf_counter()
    jax.block_until_ready(fn())
    return time.perf_counter() - start


def case_from(s: int, formalism: str, repeats: int) -> dict:
    """Times and agreement of one (s, formalism)."""
    dataset = dataset_for(s, formalism)
    log(f"[jax-inversion] s={s} {formalism}: NumPy")
    numpy_timing = bu.timing_from(lambda: evidence_from(dataset, COEFFICIENT, np), repeats)
    numpy_value = evidence_from(dataset, COEFFICIENT, np)
    log(f"[jax-inversion] s={s} {formalism}: JAX jit")
    jitted = jax.jit(lambda c: evidence_from(dataset, c, jnp))
    compile_seconds = first_call_seconds(lambda: jitted(COEFFICIENT))
    jax_timing = bu.timing_from(
        lambda: jitted(COEFFICIENT).block_until_ready(), repeats, warmup=False
    )
    jax_value = float(jitted(COEFFICIENT))
    log(f"[jax-inversion] s={s} {formalism}: JAX grad")
    grad = jax.jit(jax.grad(lambda c: evidence_from(dataset, c, jnp)))
    grad_compile_seconds = first_call_seconds(lambda: grad(COEFFICIENT))
    grad_timing = bu.timing_from(
        lambda: grad(COEFFICIENT).block_until_ready(), repeats, warmup=False
    )
    return dict(
        s=s,
        formalism=formalism,
        pixels=dataset.mask.pixels_in_mask,
        numpy=numpy_timing.median,
        jax=jax_timing.median,
        compile=compile_seconds,
        grad=grad_timing.median,
        grad_compile=grad_compile_seconds,
        numpy_value=numpy_value,
        jax_value=jax_value,
        difference=abs(jax_value - numpy_value) / abs(numpy_value),
    )


def memory_case(s: int, formalism: str, backend: str) -> dict:
    """Peak RSS growth of the warm-up call and of one later call (run in its own process)."""
    dataset = dataset_for(s, formalism)
    if backend == "numpy":

        def call():
            return evidence_from(dataset, COEFFICIENT, np)

    else:
        jitted = jax.jit(lambda c: evidence_from(dataset, c, jnp))

        def call():
            return jax.block_until_ready(jitted(COEFFICIENT))

    _, _, first = su.rss_peak_delta_from(call)
    _, _, steady = su.rss_peak_delta_from(call)
    return dict(s=s, formalism=formalism, backend=backend, first=first, steady=steady)


def memory_cases_from(s: int) -> list:
    out = []
    for formalism in FORMALISMS:
        for backend in ("numpy", "jax"):
            log(f"[jax-inversion] memory s={s} {formalism} {backend}")
            cmd = [sys.executable, __file__, "--memory-case", f"{s},{formalism},{backend}"]
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
            lines = proc.stdout.strip().splitlines()
            if proc.returncode != 0 or not lines:
                raise SystemExit(f"memory case {cmd} failed: {proc.stderr[-2000:]}")
            out.append(json.loads(lines[-1]))
    return out


def report_from(cases, memory, header_lines) -> str:
    rows = []
    for c in cases:
        rows.append(
            [
                c["s"],
                c["formalism"],
                c["pixels"],
                bu.fmt_time(c["numpy"]),
                bu.fmt_time(c["jax"]),
                bu.fmt_ratio(c["numpy"] / c["jax"]),
                bu.fmt_time(c["compile"]),
                bu.fmt_time(c["grad"]),
                bu.fmt_time(c["grad_compile"]),
                f"{c['difference']:.1e}",
            ]
        )
    lines = ["## JAX inversions (pixelized source, README scene)", ""]
    lines += header_lines
    lines += [
        "",
        bu.markdown_table(
            [
                "s",
                "formalism",
                "pixels",
                "NumPy log evidence",
                "JAX jitted",
                "NumPy / JAX",
                "JAX first call (compile)",
                "JAX jitted grad",
                "grad first call",
                "relative difference JAX vs NumPy",
            ],
            rows,
        ),
        "",
    ]
    best = {}
    for c in cases:
        for backend in ("numpy", "jax"):
            key = (c["s"], backend)
            if key not in best or c[backend] < best[key][0]:
                best[key] = (c[backend], c["formalism"])
    summary = []
    for s in sorted({c["s"] for c in cases}):
        (t_np, f_np), (t_jax, f_jax) = best[(s, "numpy")], best[(s, "jax")]
        summary.append(
            [
                s,
                f"{bu.fmt_time(t_np)} ({f_np})",
                f"{bu.fmt_time(t_jax)} ({f_jax})",
                bu.fmt_ratio(t_np / t_jax),
            ]
        )
    lines += [
        "Best formalism of each backend (one log-evidence evaluation):",
        "",
        bu.markdown_table(["s", "NumPy best", "JAX best", "NumPy / JAX"], summary),
        "",
    ]
    if memory:
        rows = [
            [
                m["s"],
                m["formalism"],
                m["backend"],
                bu.fmt_bytes(m["steady"]),
                bu.fmt_bytes(m["first"]),
            ]
            for m in memory
        ]
        lines += [
            "Peak resident-memory growth of one evaluation (own process; VmHWM - VmRSS):",
            "",
            bu.markdown_table(
                ["s", "formalism", "backend", "steady call", "first call (JAX: with compile)"],
                rows,
            ),
            "",
        ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="s = 1 only, 1 repeat")
    parser.add_argument("--write", action="store_true", help="write the RESULTS.md section")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory cases")
    parser.add_argument("--memory-case", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_case:
        s, formalism, backend = args.memory_case.split(",")
        print(json.dumps(memory_case(int(s), formalism, backend)))
        return 0
    load_start = os.getloadavg()[0]
    start = time.perf_counter()
    sizes = (1,) if args.quick else SIZES
    repeats = 1 if args.quick else 3
    simulator.dataset_from(plot=False)  # simulate once, before any timing
    cases = [case_from(s, f, repeats) for s in sizes for f in FORMALISMS]
    memory = [] if (args.quick or args.no_memory) else memory_cases_from(MEMORY_SIZE)
    info = bu.machine_info()
    header = [
        f"Generated by `.venv/bin/python benchmarks/jax_inversion.py` on {info['date']} (whole "
        f"run {time.perf_counter() - start:.0f} s).",
        "",
        *su.machine_lines(info, load_start, os.getloadavg()[0]),
        '* Scene: `workspace_scripts/imaging/pixelization.py` (60 x 60 pixels of 0.1", 2.5" '
        "mask, 50 x 50 mesh, `Constant(1.0)`, light over-sampled 4 x 4); timings are medians "
        f"of {repeats} calls after a warm-up call; JAX calls are jitted functions of the "
        "regularization coefficient, `block_until_ready`.",
        f"* BLAS / LAPACK threads: `OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}` "
        "(both backends factorise with scipy's OpenBLAS: under the shared load its 2-thread "
        "Cholesky of the 2500 x 2500 `F + H` was seen to take from 0.1 s to 3.7 s from one call "
        "to the next, so the run is best made with one thread).",
    ]
    report = report_from(cases, memory, header)
    print(report)
    worst = max(c["difference"] for c in cases)
    if worst > TOL_LOG_EVIDENCE:
        raise SystemExit(f"JAX and NumPy log evidences differ by {worst:.1e} > {TOL_LOG_EVIDENCE}")
    if args.write:
        su.write_section(RESULTS_PATH, SECTION, report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
