"""
Benchmark of the sparse formalism of pixelized imaging inversions (``InversionImagingSparse``,
via ``Imaging.apply_sparse_operator``) against the mapping formalism
(``InversionImagingMapping``), all measured in one run.

    .venv/bin/python benchmarks/sparse_operator.py            # full run, prints the report
    .venv/bin/python benchmarks/sparse_operator.py --quick    # s in (1, 2), compact PSF only
    .venv/bin/python benchmarks/sparse_operator.py --write    # ... and writes its section of
                                                              # benchmarks/RESULTS.md

Scene: 60 x 60 image, 0.1" pixels, circular mask of radius 2.53" (N = 2000 pixels), seeded random
data and non-uniform noise (sigma uniform in [0.5, 2]), an elliptical Gaussian PSF (axis ratio
0.7, angle 30 deg, centre (0.01", 0.02")) oversampled by s = 1, 2, 3, 4 (compact: sigma 0.1" on
an 11-pixel native extent; wide: sigma 0.2" on 21 pixels), a 40 x 25 uniform rectangular mesh
(S = 1000 pixels) with constant regularization.

Measured, per PSF and s:

* the time of a whole inversion, ``aa.inversion_from(dataset, [mapper]).log_evidence`` (a fresh
  inversion per call, the mapper built once), with the mapping formalism and with each engine of
  the sparse formalism (``"w_sparse"``, ``"w_fft"``, ``"factored"``; ``"auto"`` is reported as the
  engine it resolves to); median and minimum of single calls after one warm-up call;
* the time to build the operator (``apply_sparse_operator``) and, for ``"w_sparse"``, ``W``;
* the ``tracemalloc`` peak of one call (after the warm-up), the size of the operator held by the
  dataset, and, for contrast, the size a dense fine (N s^2 x S) matrix would take;
* the relative difference of every engine's log evidence to the mapping formalism's (must be
  below 1e-8, else the run fails and nothing is written).
"""

import argparse
import datetime
import gc
import os
import platform
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy
import scipy.sparse

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_util as bu  # noqa: E402

import autoarray as aa  # noqa: E402

RESULTS_PATH = Path(__file__).resolve().parent / "RESULTS.md"
START_MARKER = "<!-- sparse-operator:start -->"
END_MARKER = "<!-- sparse-operator:end -->"

SHAPE_NATIVE = (60, 60)
PIXEL_SCALE = 0.1
MASK_RADIUS = 2.53
MESH_SHAPE = (40, 25)
REGULARIZATION_COEFFICIENT = 1.0
SEED = 1
ENGINES = ("w_sparse", "w_fft", "factored")
SIZES = (1, 2, 3, 4)
# name -> (sigma in arcsec, native extent in pixels)
PSFS = {"compact": (0.1, 11), "wide": (0.2, 21)}
TOL_LOG_EVIDENCE = 1e-8  # max relative difference of every engine's log evidence to mapping's
W_FFT_MAX_SECONDS = 5.0  # at s = 4, w_fft is dropped after its warm-up call if slower than this
NOISY = 1.25  # a median this much above the minimum is flagged as disturbed
W_SAMPLE_COLUMNS = 256  # columns of W formed to estimate its non-zeros where it is not built


@dataclass(frozen=True)
class Settings:
    psfs: tuple
    sizes: tuple
    repeats: int  # timed repeats of a call under 1 s (at least) ...
    min_seconds: float  # ... and more until about this much time is spent
    max_repeats: int
    slow_repeats: int  # timed repeats of a call over 1 s


FULL = Settings(("compact", "wide"), SIZES, 5, 1.0, 30, 3)
QUICK = Settings(("compact",), (1, 2), 3, 0.2, 10, 1)


@dataclass
class Result:
    """One formalism (``"mapping"``) or sparse engine, at one (psf, s)."""

    name: str
    timing: bu.Timing | None = None
    peak: int | None = None  # tracemalloc peak of one call, bytes
    log_evidence: float = float("nan")
    rel_diff: float = float("nan")  # |log_evidence - mapping's| / |mapping's|
    curvature_rel_diff: float = float("nan")  # max |F - F_mapping| / max |F_mapping|
    build_s: float = float("nan")  # apply_sparse_operator
    w_build_s: float = float("nan")  # first use of op.w_matrix (w_sparse)
    w_nnz: int | None = None
    held_bytes: int | None = None  # weighted_operator (+ W when built)
    resolved: str = ""  # what "auto" resolves to
    skipped: str = ""  # why it was not measured


@dataclass
class Case:
    psf: str
    s: int
    k: int
    psf_shape: tuple
    pixels: int
    mesh_pixels: int
    fine_mapping_nnz: int
    weighted_nnz: int
    w_nnz_estimate: int
    results: dict = field(default_factory=dict)  # name -> Result ("mapping", engines, "auto")

    @property
    def dense_fine_bytes(self) -> int:
        return self.pixels * self.s**2 * self.mesh_pixels * 8

    @property
    def auto(self) -> Result:
        return self.results["auto"]


def log(message):
    print(message, file=sys.stderr, flush=True)


# -------------------------------------------------------------------------- the scene


def over_sample_size_for(s) -> int:
    """The over-sample size ``k`` of the grids (a multiple of ``s``)."""
    return 6 if s == 3 else 4


def psf_shape_for(native_extent, s) -> tuple:
    side = native_extent * s + (1 if s % 2 == 0 else 0)
    return (side, side)


def mask_data_noise():
    mask = aa.Mask2D.circular(
        shape_native=SHAPE_NATIVE, pixel_scales=PIXEL_SCALE, radius=MASK_RADIUS
    )
    n = mask.pixels_in_mask
    rng = np.random.default_rng(SEED)
    data = aa.Array2D(rng.normal(size=n), mask)
    noise = aa.Array2D(rng.uniform(0.5, 2.0, size=n), mask)
    return mask, data, noise


def dataset_for(data, noise, psf_name, s) -> aa.Imaging:
    sigma, extent = PSFS[psf_name]
    k = over_sample_size_for(s)
    psf = aa.Convolver.from_gaussian(
        psf_shape_for(extent, s),
        (PIXEL_SCALE / s, PIXEL_SCALE / s),
        sigma,
        axis_ratio=0.7,
        angle=30.0,
        centre=(0.01, 0.02),
        normalize=True,
        convolve_over_sample_size=s,
    )
    return aa.Imaging(
        data,
        noise,
        psf,
        convolve_over_sample_size_lp=s,
        convolve_over_sample_size_pixelization=s,
        over_sample_size_lp=k,
        over_sample_size_pixelization=k,
    )


def mapper_for(dataset):
    pixelization = aa.Pixelization(
        aa.mesh.RectangularUniform(MESH_SHAPE), aa.reg.Constant(REGULARIZATION_COEFFICIENT)
    )
    return pixelization.mapper_from(dataset.grids.pixelization)


def csr_bytes(matrix) -> int:
    matrix = scipy.sparse.csr_array(matrix)
    return matrix.data.nbytes + matrix.indices.nbytes + matrix.indptr.nbytes


def w_nnz_estimate_from(weighted_operator, n_columns=W_SAMPLE_COLUMNS) -> int:
    """
    Non-zeros of ``W = R^T R`` estimated from ``n_columns`` random columns of it (``R^T R[:, c]``
    formed exactly, scaled by the column count); exact when every column is sampled.
    """
    r = scipy.sparse.csc_array(weighted_operator)
    n_cols = r.shape[1]
    if n_cols <= n_columns:
        columns = np.arange(n_cols)
    else:
        columns = np.sort(np.random.default_rng(SEED).choice(n_cols, n_columns, replace=False))
    block = scipy.sparse.csr_array(r.T) @ scipy.sparse.csc_array(r[:, columns])
    return int(round(block.nnz * n_cols / len(columns)))


# -------------------------------------------------------------------------- measuring


def timing_for(fn, cfg) -> bu.Timing:
    """One warm-up call, then >= ``cfg.repeats`` calls and >= ``cfg.min_seconds`` (calls < 1 s)."""
    gc.collect()
    t0 = time.perf_counter()
    fn()
    first = time.perf_counter() - t0
    if first > 1.0:
        timing = bu.timing_from(fn, cfg.slow_repeats, warmup=False)
    else:
        timing = bu.timing_from(
            fn, cfg.repeats, cfg.min_seconds, max_repeats=cfg.max_repeats, warmup=False
        )
    timing.warmup = first
    return timing


def evaluate(dataset, mapper):
    """The timed call: a fresh inversion's log evidence."""
    return float(aa.inversion_from(dataset, [mapper]).log_evidence)


def evaluated(dataset, mapper):
    """The same call, returning the inversion (its log evidence computed and cached)."""
    inversion = aa.inversion_from(dataset, [mapper])
    _ = inversion.log_evidence
    return inversion


def rel_diff(a, b) -> float:
    """max |a - b| / max |b|."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


def measure_case(data, noise, psf_name, s, cfg) -> Case:
    ds = dataset_for(data, noise, psf_name, s)
    mapper = mapper_for(ds)
    fine = mapper.mapping_matrix_over_sampled_for(s)
    operator = ds.apply_sparse_operator(engine="factored").sparse_operator
    case = Case(
        psf=psf_name,
        s=s,
        k=over_sample_size_for(s),
        psf_shape=tuple(ds.psf_pixelization.kernel.shape_native),
        pixels=ds.mask.pixels_in_mask,
        mesh_pixels=mapper.pixels,
        fine_mapping_nnz=int(scipy.sparse.csr_array(fine).nnz),
        weighted_nnz=int(operator.weighted_operator.nnz),
        w_nnz_estimate=w_nnz_estimate_from(operator.weighted_operator),
    )
    del operator, fine

    # mapping formalism
    t0 = time.perf_counter()
    mapping = Result("mapping")
    mapping.timing = timing_for(lambda: evaluate(ds, mapper), cfg)
    inversion, mapping.peak = bu.tracemalloc_peak_from(lambda: evaluated(ds, mapper))
    mapping.log_evidence = float(inversion.log_evidence)
    curvature = np.array(inversion.curvature_matrix, dtype=np.float64)
    mapping.rel_diff = mapping.curvature_rel_diff = 0.0
    del inversion
    case.results["mapping"] = mapping
    log(
        f"[sparse] {psf_name} s={s} mapping: {bu.fmt_time(mapping.timing.median)} "
        f"({time.perf_counter() - t0:.1f} s)"
    )

    for engine in (*ENGINES, "auto"):
        t0 = time.perf_counter()
        result = Result(engine)
        case.results[engine] = result
        if engine == "w_sparse" and (s >= 3 or (psf_name == "wide" and s >= 2)):
            result.skipped = (
                f"skipped (W has ~{case.w_nnz_estimate / 1e6:.0f} M non-zeros, "
                f"~{fmt_mb(case.w_nnz_estimate * 12)})"
            )
            result.w_nnz = case.w_nnz_estimate
            log(f"[sparse] {psf_name} s={s} {engine}: {result.skipped}")
            continue
        t_build = time.perf_counter()
        ds_sp = ds.apply_sparse_operator(engine=engine)
        result.build_s = time.perf_counter() - t_build
        op = ds_sp.sparse_operator
        result.resolved = op.engine_for()
        if result.resolved == "w_sparse":
            t_w = time.perf_counter()
            w = op.w_matrix
            result.w_build_s = time.perf_counter() - t_w
            result.w_nnz = int(w.nnz)
        if engine == "w_fft" and s == 4:
            t_call = time.perf_counter()
            evaluate(ds_sp, mapper)
            t_call = time.perf_counter() - t_call
            if t_call > W_FFT_MAX_SECONDS:
                result.skipped = f"skipped (one call took {t_call:.1f} s > {W_FFT_MAX_SECONDS} s)"
                log(f"[sparse] {psf_name} s={s} {engine}: {result.skipped}")
                continue
        result.timing = timing_for(lambda ds_sp=ds_sp: evaluate(ds_sp, mapper), cfg)
        inversion, result.peak = bu.tracemalloc_peak_from(
            lambda ds_sp=ds_sp: evaluated(ds_sp, mapper)
        )
        result.log_evidence = float(inversion.log_evidence)
        result.rel_diff = rel_diff(result.log_evidence, mapping.log_evidence)
        result.curvature_rel_diff = rel_diff(inversion.curvature_matrix, curvature)
        del inversion
        result.held_bytes = csr_bytes(op.weighted_operator)
        if "w_matrix" in op.__dict__:  # the cached_property has been computed
            result.held_bytes += csr_bytes(op.w_matrix)
        del ds_sp, op
        gc.collect()
        log(
            f"[sparse] {psf_name} s={s} {engine}"
            f"{' -> ' + result.resolved if engine == 'auto' else ''}: "
            f"{bu.fmt_time(result.timing.median)}, rel diff {result.rel_diff:.1e} "
            f"({time.perf_counter() - t0:.1f} s)"
        )
    return case


# --------------------------------------------------------------------------- report


def fmt_mb(n) -> str:
    if n is None:
        return "-"
    if n < 1e6:
        return f"{n / 1e3:.0f} kB"
    return bu.fmt_bytes(n)


def fmt_median(result: Result) -> str:
    if result.skipped or result.timing is None:
        return "skipped"
    noisy = " \\*" if result.timing.median > NOISY * result.timing.min else ""
    return f"{bu.fmt_time(result.timing.median)}{noisy}"


def machine_lines(wall_s, cfg, args, load) -> list:
    m = bu.machine_info()
    affinity = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    date = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    cmd = "`.venv/bin/python benchmarks/sparse_operator.py" + (" --quick`" if args.quick else "`")
    return [
        f"Generated by {cmd} on {date} (whole run {wall_s:.0f} s).",
        "",
        f"* Machine: {m['cpu']}, `os.cpu_count()` = {m['cores']}, "
        f"`os.sched_getaffinity(0)` = {affinity}; load average (1 min) at start {load[0]:.2f}, at "
        f"end {load[1]:.2f}.",
        f"* Python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}.",
        f'* Scene: {SHAPE_NATIVE[0]}x{SHAPE_NATIVE[1]} image, {PIXEL_SCALE}" pixels, circular '
        f'{MASK_RADIUS}" mask (N = 2000 pixels), seeded random data, non-uniform noise (sigma '
        "uniform in [0.5, 2]); elliptical Gaussian PSF (axis ratio 0.7, angle 30 deg, centre "
        '(0.01", 0.02"), normalised), *compact* sigma 0.1" on 11 native pixels, *wide* sigma 0.2" '
        "on 21 native pixels, sampled at s x s per pixel (fine shape 11s (+1 for even s)); "
        f"`RectangularUniform({MESH_SHAPE})` mesh (S = 1000), `reg.Constant(1.0)`; grids "
        "over-sampled k = 4 (k = 6 at s = 3).",
        "* Timed call: `aa.inversion_from(dataset, [mapper]).log_evidence`, a fresh inversion per "
        "call, the mapper built once; the sparse dataset (`dataset.apply_sparse_operator(engine)`)"
        ' built once per engine, outside the timing (its time is "op build"; `W` of w_sparse is '
        'built before the timing too: "W build"). '
        f"Median (and min) of single calls after one warm-up call: >= {cfg.repeats} repeats and "
        f">= {cfg.min_seconds} s for calls under 1 s, {cfg.slow_repeats} for slower ones.",
        "* Memory: `tracemalloc` peak (NumPy + Python allocations) of one call after the warm-up; "
        '"dense fine" = N s^2 x S x 8 bytes, the size of a dense fine blurred/mapping matrix; '
        '"held" = the operator the dataset keeps (`weighted_operator` CSR, plus `W` for w_sparse).',
        f"* \\* after a median: more than {NOISY}x its minimum (the machine was disturbed).",
    ]


def timings_table(cases) -> str:
    header = ["psf", "s", "mapping median (min)"]
    header += [f"{e} median (min)" for e in ENGINES]
    header += ["auto engine", "mapping / auto", "peak mapping"]
    header += [f"peak {e}" for e in ENGINES]
    header += ["dense fine N s^2 S"]
    rows = []
    for c in cases:
        r = c.results
        row = [c.psf, c.s, f"{fmt_median(r['mapping'])} ({bu.fmt_time(r['mapping'].timing.min)})"]
        for e in ENGINES:
            if r[e].skipped:
                row.append("skipped")
            else:
                row.append(f"{fmt_median(r[e])} ({bu.fmt_time(r[e].timing.min)})")
        row += [
            c.auto.resolved,
            bu.fmt_ratio(r["mapping"].timing.median / c.auto.timing.median),
            fmt_mb(r["mapping"].peak),
        ]
        row += ["-" if r[e].skipped else fmt_mb(r[e].peak) for e in ENGINES]
        row.append(fmt_mb(c.dense_fine_bytes))
        rows.append(row)
    return bu.markdown_table(header, rows)


def operator_table(cases) -> str:
    header = [
        "psf",
        "s",
        "PSF fine shape",
        "fine mapping nnz",
        "R = N^-1/2 K nnz",
        "op build (auto)",
        "held (factored / w_fft)",
        "W nnz",
        "W build",
        "held (w_sparse)",
        "max rel diff log evidence",
        "max rel diff curvature",
    ]
    rows = []
    for c in cases:
        r = c.results
        w = r["w_sparse"]
        measured = [r[e] for e in (*ENGINES, "auto") if not r[e].skipped]
        rows.append(
            [
                c.psf,
                c.s,
                f"{c.psf_shape[0]}x{c.psf_shape[1]}",
                f"{c.fine_mapping_nnz:,}",
                f"{c.weighted_nnz:,}",
                bu.fmt_time(c.auto.build_s),
                fmt_mb(r["factored"].held_bytes),
                (f"~{w.w_nnz / 1e6:.0f} M (est.)" if w.skipped else f"{w.w_nnz:,}"),
                "-" if w.skipped else bu.fmt_time(w.w_build_s),
                "-" if w.skipped else fmt_mb(w.held_bytes),
                f"{max(x.rel_diff for x in measured):.1e}",
                f"{max(x.curvature_rel_diff for x in measured):.1e}",
            ]
        )
    return bu.markdown_table(header, rows)


def acceptance_lines(cases) -> list:
    rows = []
    by_key = {(c.psf, c.s): c for c in cases}
    c = by_key.get(("compact", 2))
    if c is not None:
        m, a = c.results["mapping"].timing.median, c.auto.timing.median
        rows.append(
            [
                "N=2000, S=1000, s=2, compact PSF: sparse (auto) faster than mapping",
                f"auto ({c.auto.resolved}) {bu.fmt_time(a)} vs mapping {bu.fmt_time(m)} "
                f"({bu.fmt_ratio(m / a)})",
                "PASS" if a < m else "FAIL",
            ]
        )
    for psf in dict.fromkeys(c.psf for c in cases):
        sizes = sorted(c.s for c in cases if c.psf == psf)
        s_max = sizes[-1]
        c1, cm = by_key[(psf, 1)], by_key[(psf, s_max)]
        peaks = ", ".join(
            f"s={s}: {fmt_mb(by_key[(psf, s)].auto.peak)} (dense fine "
            f"{fmt_mb(by_key[(psf, s)].dense_fine_bytes)})"
            for s in sizes
        )
        growth = cm.auto.peak / c1.auto.peak
        ok = cm.auto.peak < cm.dense_fine_bytes and growth < s_max**2
        rows.append(
            [
                f"{psf} PSF: memory of the sparse path (auto) does not grow with s^2 x S",
                f"{peaks}; peak(s={s_max}) / peak(s=1) = {growth:.2f} (s^2 = {s_max**2})",
                "PASS" if ok else "FAIL",
            ]
        )
    s_txt = "s_max = the largest s measured"
    mapping_peaks = "; ".join(
        f"{psf}: "
        + ", ".join(f"s={c.s} {fmt_mb(c.results['mapping'].peak)}" for c in cases if c.psf == psf)
        for psf in dict.fromkeys(c.psf for c in cases)
    )
    return [
        bu.markdown_table(["target", "measured", "result"], rows),
        "",
        f"Memory rule ({s_txt}): PASS when the auto engine's tracemalloc peak at s_max is below "
        "the dense fine matrix size N s_max^2 x S x 8 bytes AND peak(s_max) / peak(s=1) < s_max^2.",
        f"For comparison, the mapping formalism's peaks: {mapping_peaks}.",
    ]


def crossover_lines(cases) -> list:
    lines = []
    mapping_wins = []
    for c in cases:
        r = c.results
        measured = {e: r[e].timing.median for e in ENGINES if not r[e].skipped}
        fastest = min(measured, key=measured.get)
        ranking = " < ".join(
            f"{e} {bu.fmt_time(t)}" for e, t in sorted(measured.items(), key=lambda kv: kv[1])
        )
        m = r["mapping"].timing.median
        a = c.auto.timing.median
        auto_note = (
            f"auto picks {c.auto.resolved}"
            + (
                ""
                if c.auto.resolved == fastest
                else f" (not the fastest here: {fastest}, by "
                f"{100 * (measured[c.auto.resolved] / measured[fastest] - 1):.0f}%)"
            )
            + f", {bu.fmt_ratio(m / a)} the speed of mapping ({bu.fmt_time(m)})"
        )
        if m < measured[fastest]:
            auto_note += "; **mapping beats every sparse engine here**"
            mapping_wins.append(f"{c.psf} s={c.s}")
        elif m < a:
            auto_note += "; **mapping beats auto here**"
            mapping_wins.append(f"{c.psf} s={c.s} (vs auto)")
        skipped = [e for e in ENGINES if r[e].skipped]
        skip_note = f" ({', '.join(skipped)} skipped)" if skipped else ""
        lines.append(f"* {c.psf} s={c.s}: {ranking}{skip_note}; {auto_note}.")
    if mapping_wins:
        lines.append(f"* The mapping formalism is faster in: {', '.join(mapping_wins)}.")
    else:
        lines.append("* The sparse formalism (auto) is faster than mapping in every case measured.")
    return lines


def build_report(cases, wall_s, cfg, args, load) -> str:
    lines = ["# Sparse formalism of pixelized inversions vs the mapping formalism", ""]
    lines += machine_lines(wall_s, cfg, args, load)
    if args.quick:
        lines += ["* `--quick`: compact PSF, s in (1, 2) only, fewer repeats."]
    lines += ["", "## Timings and memory (one whole inversion, log evidence)", ""]
    lines += [timings_table(cases), ""]
    lines += ["## Operators and accuracy", ""]
    lines += [operator_table(cases), ""]
    lines += [
        "W nnz marked (est.): not built (w_sparse skipped); estimated from "
        f"{W_SAMPLE_COLUMNS} random columns of W = R^T R. Held sizes: CSR data + indices + "
        f"indptr. Every engine's log evidence matches mapping's to {TOL_LOG_EVIDENCE:g} "
        "relative (asserted).",
        "",
        "## Acceptance",
        "",
    ]
    lines += acceptance_lines(cases)
    lines += ["", "## Crossover", ""]
    lines += crossover_lines(cases)
    return "\n".join(lines)


def spliced_results(text, report) -> str:
    """``text`` (RESULTS.md) with its marked section replaced by ``report`` (or appended)."""
    section = f"{START_MARKER}\n{report}\n{END_MARKER}"
    pattern = re.compile(re.escape(START_MARKER) + r".*?" + re.escape(END_MARKER), re.DOTALL)
    if pattern.search(text):
        return pattern.sub(lambda _: section, text, count=1)
    return text.rstrip("\n") + "\n\n" + section + "\n"


# ------------------------------------------------------------------------------ main


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="s in (1, 2), compact PSF only")
    parser.add_argument(
        "--write", action="store_true", help=f"write the report into {RESULTS_PATH.name}"
    )
    args = parser.parse_args(argv)
    cfg = QUICK if args.quick else FULL
    t_start = time.perf_counter()
    load_start = os.getloadavg()[0]

    _, data, noise = mask_data_noise()
    cases = []
    for psf_name in cfg.psfs:
        for s in cfg.sizes:
            t0 = time.perf_counter()
            cases.append(measure_case(data, noise, psf_name, s, cfg))
            gc.collect()
            log(f"[sparse] {psf_name} s={s}: {time.perf_counter() - t0:.1f} s")

    load = (load_start, os.getloadavg()[0])
    report = build_report(cases, time.perf_counter() - t_start, cfg, args, load)
    print(report)

    failures = [
        f"{c.psf} s={c.s} {name}: rel diff {r.rel_diff:.2e}"
        for c in cases
        for name, r in c.results.items()
        if not r.skipped and not (r.rel_diff <= TOL_LOG_EVIDENCE)
    ]
    if failures:
        log("[sparse] FAILED: log evidence differs from the mapping formalism's by more than ")
        log(f"{TOL_LOG_EVIDENCE:g} relative:\n  " + "\n  ".join(failures))
        if args.write:
            log(f"[sparse] {RESULTS_PATH} not written")
        return 1
    if args.write:
        text = RESULTS_PATH.read_text() if RESULTS_PATH.exists() else ""
        RESULTS_PATH.write_text(spliced_results(text, report))
        log(f"[sparse] wrote the sparse-operator section of {RESULTS_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
