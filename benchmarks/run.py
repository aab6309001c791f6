"""
Benchmark of ``autoarray.Convolver`` against the dense rFFT lower bound and the released
PyAutoArray (``autoarray==2026.10.26.1`` in ``.venv-peer``), all measured in one run.

    .venv/bin/python benchmarks/run.py            # full run, prints the markdown report
    .venv/bin/python benchmarks/run.py --write    # ... and writes benchmarks/RESULTS.md
    .venv/bin/python benchmarks/run.py --quick    # few repeats, no heavy release cases
    .venv/bin/python benchmarks/run.py --no-peer  # skip the release

Scene (``benchmarks/peer/scene.py``, shared with the release's harness so both sides convolve
identical numbers): 100 x 100 image, 0.1" pixels, circular 3" mask (2828 pixels), Gaussian PSF
sigma 0.2" normalised to sum 1 (21 x 21 at s = 1, 41 x 41 at 0.05" for s = 2, 83 x 83 at
0.025" for s = 4), random fine values, 1000-column mapping matrices with 3 non-zeros per fine row
summing to 1 (ours as scipy.sparse CSR, plus a blurring mapping matrix).

Every time is the median (and minimum) of single calls after one warm-up call, with the state
precomputed unless said otherwise; JAX calls are jitted and end with ``block_until_ready``.
"""

import argparse
import gc
import os
import pickle
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("JAX_PLATFORMS", "cpu")  # the release's harness does the same

import numpy as np  # noqa: E402
import scipy.fft  # noqa: E402
import scipy.sparse  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_util as bu  # noqa: E402

import autoarray as aa  # noqa: E402
from autoarray.operators import convolver as convolver_module  # noqa: E402
from autoarray.operators import convolver_util  # noqa: E402

RESULTS_PATH = Path(__file__).resolve().parent / "RESULTS.md"
DUMP_PATH = Path(__file__).resolve().parent / "output" / "last_run.pkl"  # git-ignored
SIZES = (1, 2, 4)
JAX_MM_SIZES = (1, 2)  # the dense JAX mapping-matrix cube at s = 4 is several GB
TOL_ENGINES = 1e-10  # our FFT, real-space and JAX engines agree to this (asserted)
TOL_ROUTES = 1e-12  # mapping matrix: sparse vs FFT route (acceptance target)
TOL_PEER = 1e-10  # ours vs the release
# REAL_SPACE_MAX_TAPS sweep: (s, fine kernel side); taps = s^2 * K^2 of the polyphase kernels.
TAPS_KERNELS = (
    (1, 3),
    (1, 5),
    (1, 7),
    (1, 9),
    (1, 11),
    (2, 3),
    (2, 7),
    (2, 11),
    (2, 15),
    (4, 3),
    (4, 11),
    (4, 19),
)
# SPARSE_MAX_DENSITY sweep: non-zeros per mapping-matrix row, per s (3 is the scene's).
DENSITY_NNZ = {1: (3, 10, 30, 100), 2: (3, 10, 30, 100), 4: (3, 10, 30, 50)}
MEMORY_TARGET = 500e6
NOISY = 1.25  # a median this much above the minimum is flagged as disturbed


@dataclass(frozen=True)
class Settings:
    repeats: int  # timed repeats of a fast call (at least)
    min_seconds: float  # ... and more until this much time is spent
    mm_repeats: int  # timed repeats of a mapping-matrix call at s <= 2
    heavy_repeats: int  # ... at s = 4, and of the state-building sweeps
    sweep_repeats: int  # threshold sweeps (no warm-up)
    peer_image_repeats: int
    peer_mm_repeats: int
    peer_heavy: bool  # run the release's s = 4 mapping-matrix case (~50 s, ~10 GB)


FULL = Settings(7, 0.3, 5, 3, 3, 20, 3, True)
QUICK = Settings(3, 0.03, 2, 1, 1, 5, 1, False)


def time_it(fn, cfg, repeats=None, min_seconds=None, warmup=True):
    return bu.timing_from(
        fn,
        cfg.repeats if repeats is None else repeats,
        cfg.min_seconds if min_seconds is None else min_seconds,
        warmup=warmup,
    )


def max_abs_diff(a, b) -> float:
    return float(np.max(np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b))))


def log(message):
    print(message, file=sys.stderr, flush=True)


# -------------------------------------------------------------------------- the scene


def window_for(nnz):
    """Columns a row's non-zeros are drawn from: the scene's 11 for 3, else 4 per non-zero."""
    return 11 if nnz <= 3 else 4 * nnz


class Case:
    """Our inputs for one ``s``: masks, kernel, precomputed state, images, mapping matrices."""

    def __init__(self, scene, s):
        ps = scene.PIXEL_SCALE
        sc = scene.scene(s)
        self.s = s
        self.mask = aa.Mask2D(sc["mask"], pixel_scales=(ps, ps))
        self.kernel = aa.Array2D.no_mask(sc["kernel"], pixel_scales=(ps / s, ps / s))
        self.state = aa.Convolver(self.kernel, convolve_over_sample_size=s).state_from(self.mask)
        if not np.array_equal(self.state.blurring_mask.array, sc["blurring_mask"]):
            raise SystemExit(f"s={s}: our blurring mask differs from the scene's")
        perm = scene.sub_block_permutation(sc["mask"], s)
        bperm = scene.sub_block_permutation(sc["blurring_mask"], s)
        self.perm, self.bperm = perm, bperm
        self.image = sc["image_fine_slim"][perm]
        self.blurring = sc["blurring_fine_slim"][bperm]
        self.n_rows = sc["n_fine_rows"]
        self.n_blur_rows = sc["blurring_fine_slim"].size
        self.mm = self.mapping_matrix_from(scene, nnz=3)
        self.bmm = self.blurring_mapping_matrix_from(scene, nnz=3)

    def mapping_matrix_from(self, scene, nnz):
        mm = bu.sparse_mapping_matrix_from(
            self.n_rows, scene.N_SOURCE, scene.MAPPING_SEED, nnz, window_for(nnz)
        )
        return mm[self.perm]

    def blurring_mapping_matrix_from(self, scene, nnz):
        bmm = bu.sparse_mapping_matrix_from(
            self.n_blur_rows, scene.N_SOURCE, scene.MAPPING_SEED + 1, nnz, window_for(nnz)
        )
        return bmm[self.bperm]

    def convolver(self, use_fft, state=True):
        return aa.Convolver(
            self.kernel,
            state=self.state if state else None,
            use_fft=use_fft,
            convolve_over_sample_size=self.s,
        )


def check_sparse_scene(scene):
    """Our CSR mapping matrix is the scene's dense one (values and order)."""
    for n_rows in (2828, 11312):
        dense = scene.mapping_matrix(n_rows)
        sparse = bu.sparse_mapping_matrix_from(n_rows, scene.N_SOURCE, scene.MAPPING_SEED)
        if not np.array_equal(dense, sparse.toarray()):
            raise SystemExit("bench_util.sparse_mapping_matrix_from differs from the scene")


# ------------------------------------------------------------------------ measurements


def measure_case(scene, s, cfg, jax, jnp):
    """Every timing, memory figure and cross-check of ours for one ``s``."""
    case = Case(scene, s)
    state, mask = case.state, case.mask
    r = {"s": s, "fft_shape": state.fft_shape, "taps": int(state.polyphase_kernels.size)}
    r["kernel_shape"] = case.kernel.shape_native
    r["n_phase"] = state.n_phase

    # 1. the bound: one rFFT / irFFT pair of the (fine) frame with a cached kernel FFT
    fine_shape = (state.fft_shape[0] * s, state.fft_shape[1] * s)
    frame = np.zeros(fine_shape)
    frame[: case.image.size // fine_shape[1], :] = 1.0
    wrapped = np.zeros(fine_shape)
    k = case.kernel.native.array
    wrapped[: k.shape[0], : k.shape[1]] = k
    kernel_fft = scipy.fft.rfft2(wrapped)
    r["bound_shape"] = fine_shape
    r["bound"] = time_it(
        lambda: scipy.fft.irfft2(scipy.fft.rfft2(frame) * kernel_fft, s=fine_shape), cfg
    )

    # 2. images, NumPy and JAX, state precomputed (the real-space operator too)
    operator = state.real_space_operator
    r["operator_nnz"] = int(operator.nnz)
    r["operator_bytes"] = int(
        operator.data.nbytes + operator.indices.nbytes + operator.indptr.nbytes
    )
    convs = {
        "fft": case.convolver(True),
        "real": case.convolver(False),
        "auto": case.convolver(None),
    }
    r["auto_image_route"] = "fft" if convs["auto"]._image_route_is_fft(state) else "real"
    images = {}
    for route, conv in convs.items():

        def fn(conv=conv):
            return conv.convolved_image_from(case.image, case.blurring, mask=mask)

        r[f"image_np_{route}"] = time_it(fn, cfg)
        images[f"np_{route}"] = np.asarray(fn().array)
    jimage, jblur = jnp.asarray(case.image), jnp.asarray(case.blurring)
    for route in ("fft", "real", "auto"):
        conv = convs[route]
        jitted = jax.jit(
            lambda v, b, conv=conv: (
                conv.convolved_image_from(v, b, jax_method="direct", xp=jnp, mask=mask).array
            )
        )

        def fn(jitted=jitted):
            return jitted(jimage, jblur).block_until_ready()

        r[f"image_jax_{route}"] = time_it(fn, cfg)
        images[f"jax_{route}"] = np.asarray(fn())
    r["image_result"] = images["np_auto"]
    r["image_diffs"] = {
        name: max_abs_diff(values, images["np_fft"])
        for name, values in images.items()
        if name != "np_fft"
    }
    worst = max(r["image_diffs"].values())
    assert worst <= TOL_ENGINES, f"s={s}: image engines disagree by {worst:.3g}"

    # 3. no precomputed state: state_from, the lazy sparse operator, a fresh convolver's first call
    plain = case.convolver(None, state=False)
    r["state_from"] = time_it(lambda: plain.state_from(mask), cfg)
    r["operator_build"] = time_it(
        lambda: convolver_util.real_space_operator_from(
            state.polyphase_kernels, state.input_native, state.output_native
        ),
        cfg,
        repeats=cfg.heavy_repeats,
        min_seconds=0.0,
        warmup=s < 4,
    )
    _, r["state_peak_bytes"] = bu.tracemalloc_peak_from(lambda: plain.state_from(mask))

    def state_with_operator():
        fresh = plain.state_from(mask)
        return fresh.real_space_operator

    _, r["operator_peak_bytes"] = bu.tracemalloc_peak_from(state_with_operator)
    n_fresh = max(cfg.repeats, 10)
    fresh = iter([case.convolver(None, state=False) for _ in range(n_fresh + 1)])
    r["image_np_nostate"] = time_it(
        lambda: next(fresh).convolved_image_from(case.image, case.blurring, mask=mask),
        cfg,
        repeats=n_fresh,
        min_seconds=0.0,
    )

    # 4. mapping matrices (1000 columns, sparse CSR input, blurring mapping matrix included)
    mm, bmm = case.mm, case.bmm
    density = convs["auto"]._density_of(mm, bmm)
    r["mm_density"] = density
    r["auto_mm_route"] = "sparse" if density <= convolver_module.SPARSE_MAX_DENSITY else "fft"
    reps = cfg.mm_repeats if s < 4 else cfg.heavy_repeats
    mms = {}
    for route, conv in (("sparse", convs["real"]), ("fft", convs["fft"])):

        def fn(conv=conv):
            return conv.convolved_mapping_matrix_from(mm, mask, bmm)

        r[f"mm_np_{route}"] = time_it(fn, cfg, repeats=reps, min_seconds=0.0)
        mms[route], r[f"mm_{route}_peak_bytes"] = bu.tracemalloc_peak_from(fn)

    def noblur():
        return convs["real"].convolved_mapping_matrix_from(mm, mask)

    r["mm_np_sparse_noblur"] = time_it(noblur, cfg, repeats=reps, min_seconds=0.0)
    r["mm_noblur_result"] = noblur()
    r["mm_route_diff"] = max_abs_diff(mms["sparse"], mms["fft"])
    if s in JAX_MM_SIZES:
        jmm, jbmm = jnp.asarray(mm.toarray()), jnp.asarray(bmm.toarray())
        jitted = jax.jit(
            lambda m, b: convs["fft"].convolved_mapping_matrix_from(m, mask, b, xp=jnp)
        )

        def fn():
            return jitted(jmm, jbmm).block_until_ready()

        r["mm_jax_fft"] = time_it(fn, cfg, repeats=reps, min_seconds=0.0)
        r["mm_jax_diff"] = max_abs_diff(fn(), mms["sparse"])
        assert r["mm_jax_diff"] <= TOL_ENGINES, (
            f"s={s}: JAX mapping matrix off by {r['mm_jax_diff']:.3g}"
        )
        del jmm, jbmm, jitted
    del mms

    # SPARSE_MAX_DENSITY sweep: sparse route vs FFT route as the mapping matrix fills up
    sweep = []
    for nnz in DENSITY_NNZ[s]:
        if nnz == 3:
            m, b = mm, bmm
        else:
            m, b = (
                case.mapping_matrix_from(scene, nnz),
                case.blurring_mapping_matrix_from(scene, nnz),
            )
        t_sparse = (
            r["mm_np_sparse"]
            if nnz == 3
            else time_it(
                lambda m=m, b=b: convs["real"].convolved_mapping_matrix_from(m, mask, b),
                cfg,
                repeats=cfg.sweep_repeats,
                min_seconds=0.0,
                warmup=False,
            )
        )
        if nnz == 3:
            t_fft = r["mm_np_fft"]
        elif s == 1:  # the FFT route does not depend on the density: checked at s = 1 only
            t_fft = time_it(
                lambda m=m, b=b: convs["fft"].convolved_mapping_matrix_from(m, mask, b),
                cfg,
                repeats=cfg.sweep_repeats,
                min_seconds=0.0,
                warmup=False,
            )
        else:
            t_fft = None
        sweep.append(
            dict(nnz=nnz, density=convs["auto"]._density_of(m, b), sparse=t_sparse, fft=t_fft)
        )
    fft_ref = r["mm_np_fft"].median
    for row in sweep:
        row["fft_median"] = row["fft"].median if row["fft"] is not None else fft_ref
        row["ratio"] = row["sparse"].median / row["fft_median"]
    r["density_sweep"] = sweep
    return r


def measure_taps(scene, cfg, jax, jnp):
    """REAL_SPACE_MAX_TAPS sweep: real space vs FFT for small kernels (image; NumPy and JAX)."""
    ps = scene.PIXEL_SCALE
    mask_np = scene.circular_mask()
    mask = aa.Mask2D(mask_np, pixel_scales=(ps, ps))
    rows = []
    for s, side in TAPS_KERNELS:
        kernel = aa.Array2D.no_mask(
            scene.gaussian_kernel(s, shape=(side, side)), pixel_scales=(ps / s, ps / s)
        )
        state = aa.Convolver(kernel, convolve_over_sample_size=s).state_from(mask)
        _ = state.real_space_operator
        native = scene.fine_native_image(s)
        bmask = state.blurring_mask.array
        image = native[~scene.upscaled_mask(mask_np, s)][scene.sub_block_permutation(mask_np, s)]
        blurring = native[~scene.upscaled_mask(bmask, s)][scene.sub_block_permutation(bmask, s)]
        times, outs = {}, {}
        for route, flag in (("real", False), ("fft", True)):
            conv = aa.Convolver(kernel, state=state, use_fft=flag, convolve_over_sample_size=s)

            def fn(conv=conv, image=image, blurring=blurring):
                return conv.convolved_image_from(image, blurring, mask=mask)

            times[route] = time_it(fn, cfg)
            outs[route] = fn().array
            jitted = jax.jit(
                lambda v, b, conv=conv: (
                    conv.convolved_image_from(v, b, jax_method="direct", xp=jnp, mask=mask).array
                )
            )
            jv, jb = jnp.asarray(image), jnp.asarray(blurring)

            def jfn(jitted=jitted, jv=jv, jb=jb):
                return jitted(jv, jb).block_until_ready()

            times[f"jax_{route}"] = time_it(jfn, cfg)
            outs[f"jax_{route}"] = np.asarray(jfn())
        worst = max(max_abs_diff(v, outs["fft"]) for v in outs.values())
        assert worst <= TOL_ENGINES, f"taps sweep s={s} k={side}: engines differ by {worst:.3g}"
        rows.append(
            dict(
                s=s,
                side=side,
                taps=int(state.polyphase_kernels.size),
                nnz=int(state.real_space_operator.nnz),
                fft_shape=state.fft_shape,
                real=times["real"],
                fft=times["fft"],
                ratio=times["real"].median / times["fft"].median,
                jax_real=times["jax_real"],
                jax_fft=times["jax_fft"],
                jax_ratio=times["jax_real"].median / times["jax_fft"].median,
            )
        )
    return rows


def crossover_from(xs, ratios):
    """
    Where ``ratio`` (t_sparse_or_real / t_fft) crosses 1, interpolating log(ratio) linearly in
    log(x) between the measured points; ``(value, kind)`` with kind "at", "above" or "below".
    """
    xs, ratios = np.asarray(xs, dtype=float), np.asarray(ratios, dtype=float)
    order = np.argsort(xs)
    xs, ratios = xs[order], ratios[order]
    if np.all(ratios < 1):
        return xs[-1], "above"
    if ratios[0] >= 1:
        return xs[0], "below"
    i = int(np.argmax(ratios >= 1))
    lx, lr = np.log(xs[i - 1 : i + 1]), np.log(ratios[i - 1 : i + 1])
    return float(np.exp(lx[0] + (0 - lr[0]) * (lx[1] - lx[0]) / (lr[1] - lr[0]))), "at"


def crossover_text(xs, ratios, unit, per=None) -> str:
    """A sentence on where ``ratios`` (real-or-sparse / FFT) cross 1 along ``xs``."""
    value, kind = crossover_from(xs, ratios)
    fmt = "{:.0f}" if unit == "taps" else "{:.3g}"
    if kind == "above":
        return f"real space / sparse wins at every measured {unit} (crossover above {fmt.format(value)})"
    if kind == "below":
        return f"FFT wins from the smallest measured {unit} on ({fmt.format(value)})"
    order = np.argsort(xs)
    xs_sorted, r_sorted = np.asarray(xs)[order], np.asarray(ratios)[order]
    i = int(np.argmax(r_sorted >= 1))
    text = (
        f"crossover ~{fmt.format(value)} {unit} (between {fmt.format(xs_sorted[i - 1])}: "
        f"{r_sorted[i - 1]:.2f} and {fmt.format(xs_sorted[i])}: {r_sorted[i]:.2f})"
    )
    if per:
        text += f", {value / per:.0f} per transform"
    return text


# ------------------------------------------------------------------------------ peer


def peer_cases(cfg):
    images = [
        f"image-{method}-{backend}-s{s}"
        for s in SIZES
        for method in ("fft", "real")
        for backend in ("np", "jax")
    ]
    images.insert(1, "image-fft-np-nostate-s1")
    if cfg.peer_heavy:
        mms = ["mm-fft-np-s1", "mm-real-np-s1", "mm-fft-jax-s1"]
        mms += ["mm-fft-np-s2", "mm-real-np-s2", "mm-fft-jax-s2", "mm-real-jax-s2"]
        mms += ["mm-fft-np-s4"]
    else:
        mms = ["mm-fft-np-s1", "mm-fft-jax-s1", "mm-fft-np-s2", "mm-fft-jax-s2"]
    return images, mms


def run_peer(cfg, save_dir):
    images, mms = peer_cases(cfg)
    log(f"[bench] release: {len(images)} image cases, {len(mms)} mapping-matrix cases")
    report = bu.peer_report_from(images, cfg.peer_image_repeats, save_dir=save_dir)
    report_mm = bu.peer_report_from(mms, cfg.peer_mm_repeats, heavy_repeats=1, save_dir=save_dir)
    report["cases"].update(report_mm.get("cases", {}))
    report.setdefault("errors", {}).update(report_mm.get("errors", {}))
    for info in report["cases"].values():
        info["timing"] = bu.Timing.from_seconds(info["times_s"], info.get("warmup_s", np.nan))
        npy = info.get("result_npy")
        info["result"] = np.load(npy) if npy and Path(npy).exists() else None
    return report


def compare_with_peer(ours, peer):
    """
    Store in ``ours[s]["peer_diffs"]`` the max |ours - release| of the NumPy / JAX images and of
    the mapping matrix without blurring mapping matrix (the release's inputs), then drop the
    result arrays (they are not needed for the report).
    """
    for s, r in ours.items():
        image, mm = r.pop("image_result"), r.pop("mm_noblur_result")
        r["peer_diffs"] = {}
        for key, case, values in (
            ("image_np", f"image-fft-np-s{s}", image),
            ("image_jax", f"image-fft-jax-s{s}", image),
            ("mm", f"mm-fft-np-s{s}", mm),
        ):
            info = peer["cases"].get(case) if peer else None
            if info is not None and info.get("result") is not None:
                r["peer_diffs"][key] = max_abs_diff(values, info["result"])
    for info in (peer or {}).get("cases", {}).values():
        info.pop("result", None)


def noisy_mark(timing) -> str:
    """ " *" when the median is well above the minimum (a disturbed measurement)."""
    return " *" if timing.median > NOISY * timing.min else ""


def peer_best(peer, *names):
    """The peer case with the lowest median among ``names`` (those that ran)."""
    found = [peer["cases"][n] for n in names if peer and n in peer["cases"]]
    if not found:
        return None
    return min(found, key=lambda info: info["timing"].median)


# ---------------------------------------------------------------------------- report


def build_report(cfg, args, machine, ours, taps_rows, peer, peer_note, wall_s):
    bt, br, fb = bu.fmt_time, bu.fmt_ratio, bu.fmt_bytes
    lines = ["# Convolver benchmark", ""]
    lines.append(
        f"Generated by `.venv/bin/python benchmarks/run.py{' --quick' if args.quick else ''}"
        f"{' --no-peer' if args.no_peer else ''}` on {machine['date']} "
        f"(whole run {wall_s:.0f} s)."
    )
    lines.append("")
    mem = f"{machine['memory'] / 2**30:.0f} GiB" if machine["memory"] else "?"
    lines.append(
        f"* Machine: {machine['cpu']}, {machine['cores']} cores ({machine['affinity']} usable), "
        f"{mem} RAM; `scipy.fft` default workers (1 thread). Load average (1 min) at start "
        f"{machine['load_start']:.2f}, at end {machine['load_end']:.2f}"
        + (
            " -- **the machine was busy; timings are inflated by other processes**."
            if max(machine["load_start"], machine["load_end"]) > 1.5 * machine["cores"]
            else "."
        )
    )
    lines.append(
        f"* Ours (`.venv`): Python {machine['python']}, numpy {machine['numpy']}, "
        f"scipy {machine['scipy']}, jax {machine['jax']} (jaxlib {machine['jaxlib']}), "
        "float64 (`jax_enable_x64`), JAX on CPU."
    )
    if peer:
        v = peer.get("versions", {})
        lines.append(
            f"* Release (`.venv-peer`): autoarray {v.get('autoarray')}, Python {v.get('python')}, "
            f"numpy {v.get('numpy')}, scipy {v.get('scipy')}, jax {v.get('jax')}; timed by "
            "`benchmarks/peer/peer_bench.py` (one subprocess per case)."
        )
    else:
        lines.append(f"* Release: not run ({peer_note}).")
    lines.append(
        "* Scene (`benchmarks/peer/scene.py`, identical inputs on both sides): 100x100 image, "
        '0.1" pixels, circular 3" mask (2828 pixels), Gaussian PSF sigma 0.2" normalised '
        "(21x21; 41x41 at s=2; 83x83 at s=4), mapping matrix 1000 columns, 3 non-zeros per fine "
        "row summing to 1 (ours: scipy.sparse CSR, with a blurring mapping matrix; the release "
        "gets the dense matrix and no blurring mapping matrix, as its inversions call it)."
    )
    lines.append(
        f"* Timing: median and min of single calls after one warm-up call "
        f"({'quick: ' if args.quick else ''}>= {cfg.repeats} repeats and >= {cfg.min_seconds} s "
        f"for fast calls; {cfg.mm_repeats} for mapping matrices, {cfg.heavy_repeats} at s=4); "
        f"release: {cfg.peer_image_repeats} repeats for images, {cfg.peer_mm_repeats} for "
        "mapping matrices, 1 at s=4. JAX: jitted, `block_until_ready`, compile excluded; "
        "JAX CPU times of ~0.1 ms calls are bimodal (thread-pool wake-ups), compare the minima "
        "too."
    )
    lines.append(
        "* bound = `scipy.fft.rfft2` -> multiply by a cached kernel FFT -> `irfft2` of our frame "
        "`state.fft_shape` at s=1 and of the FINE frame `state.fft_shape * s` at s>1 (what "
        "blurring at fine resolution then binning costs)."
    )
    lines.append("")

    # ------------------------------------------------------------------ main table
    lines += ["## Timings", ""]
    header = [
        "case",
        "s",
        "ours median",
        "ours min",
        "bound",
        "ours / bound",
        "release median",
        "release min",
        "release / ours",
    ]
    rows = []

    def add(label, s, t, bound=None, peer_info=None, peer_label=None):
        rel = peer_info["timing"] if peer_info else None
        rows.append(
            [
                label,
                s,
                bt(t.median) + noisy_mark(t),
                bt(t.min),
                bt(bound.median) if bound else "-",
                br(t.median / bound.median) if bound else "-",
                (bt(rel.median) + noisy_mark(rel) + (f" ({peer_label})" if peer_label else ""))
                if rel
                else "-",
                bt(rel.min) if rel else "-",
                br(rel.median / t.median) if rel else "-",
            ]
        )

    for s, r in ours.items():
        b = r["bound"]
        rows.append(
            [
                f"**bound** rFFT pair {r['bound_shape'][0]}x{r['bound_shape'][1]}",
                s,
                bt(b.median),
                bt(b.min),
                "",
                "",
                "",
                "",
                "",
            ]
        )
        best_np = peer_best(peer, f"image-fft-np-s{s}", f"image-real-np-s{s}")
        add(
            "image NumPy FFT (use_fft=True)",
            s,
            r["image_np_fft"],
            b,
            peer_best(peer, f"image-fft-np-s{s}"),
        )
        add(
            "image NumPy real space (use_fft=False)",
            s,
            r["image_np_real"],
            b,
            peer_best(peer, f"image-real-np-s{s}"),
        )
        add(
            f"image NumPy auto (use_fft=None -> {r['auto_image_route']})",
            s,
            r["image_np_auto"],
            b,
            best_np,
            "best NumPy",
        )
        add(
            "image JAX FFT (use_fft=True)",
            s,
            r["image_jax_fft"],
            b,
            peer_best(peer, f"image-fft-jax-s{s}"),
        )
        add(
            "image JAX real space (direct)",
            s,
            r["image_jax_real"],
            b,
            peer_best(peer, f"image-real-jax-s{s}"),
        )
        add(
            f"image JAX auto (use_fft=None -> {r['auto_image_route']})",
            s,
            r["image_jax_auto"],
            b,
            peer_best(peer, f"image-fft-jax-s{s}", f"image-real-jax-s{s}"),
            "best JAX",
        )
        add(
            "image NumPy, no state (fresh convolver, first call)",
            s,
            r["image_np_nostate"],
            None,
            peer_best(peer, f"image-fft-np-nostate-s{s}"),
        )
        add("state_from(mask) (FFT engine state)", s, r["state_from"])
        add("real-space operator build (lazy, first real-space use)", s, r["operator_build"])
        best_mm = peer_best(peer, f"mm-fft-np-s{s}", f"mm-real-np-s{s}")
        add(
            "mapping matrix NumPy sparse (use_fft=False), no blurring MM",
            s,
            r["mm_np_sparse_noblur"],
            None,
            best_mm,
            "best NumPy",
        )
        add(
            f"mapping matrix NumPy sparse (use_fft=False{', = auto' if r['auto_mm_route'] == 'sparse' else ''})",
            s,
            r["mm_np_sparse"],
            None,
            best_mm,
            "best NumPy",
        )
        add(
            f"mapping matrix NumPy FFT (use_fft=True{', = auto' if r['auto_mm_route'] == 'fft' else ''})",
            s,
            r["mm_np_fft"],
            None,
            peer_best(peer, f"mm-fft-np-s{s}"),
        )
        if "mm_jax_fft" in r:
            add(
                "mapping matrix JAX FFT (dense input)",
                s,
                r["mm_jax_fft"],
                None,
                peer_best(peer, f"mm-fft-jax-s{s}", f"mm-real-jax-s{s}"),
                "best JAX",
            )
    lines.append(bu.markdown_table(header, rows))
    lines.append("")
    lines.append(
        f"\\* median more than {NOISY}x the minimum: those calls were disturbed (other "
        "processes, page faults, JAX thread-pool wake-ups); compare the minima as well."
    )
    lines.append(
        "Release cases: NumPy ignores `use_fft` (one `scipy.signal.convolve(method='auto')` "
        "path) and JAX at s>1 always runs its FFT path, so those 'fft' and 'real' cases are "
        "the same code; 'best' takes the faster median; "
        "JAX 'best' is the faster of its FFT / direct routes. Mapping-matrix rows with a "
        "blurring mapping matrix do more work than the release (which gets none); the row "
        "without it has inputs identical to the release's."
    )
    if peer:
        skipped = [
            f"mm-{method}-{backend}-s{s}"
            for s in SIZES
            for backend in ("np", "jax")
            for method in ("fft", "real")
            if f"mm-{method}-{backend}-s{s}" not in peer["cases"]
        ]
        lines.append(
            f"Release cases not run (time budget; slower or identical routes): {', '.join(skipped)}."
        )
        if peer.get("errors"):
            lines.append(f"Release errors: {peer['errors']}")
    lines.append("")

    # ------------------------------------------------------------------ memory
    lines += ["## Memory (tracemalloc peak of one call: NumPy + Python allocations)", ""]
    mem_rows = []
    for s, r in ours.items():
        rel = peer_best(peer, f"mm-fft-np-s{s}")
        mem_rows.append(
            [
                s,
                fb(r["mm_sparse_peak_bytes"]),
                fb(r["mm_fft_peak_bytes"]),
                fb(rel["memory"]["tracemalloc_peak_bytes"]) if rel else "-",
                fb(r["state_peak_bytes"]),
                f"{fb(r['operator_bytes'])} ({r['operator_nnz'] / 1e6:.1f} M nnz)",
                fb(r["operator_peak_bytes"]),
            ]
        )
    lines.append(
        bu.markdown_table(
            [
                "s",
                "ours MM sparse call",
                "ours MM FFT call",
                "release MM NumPy call",
                "ours state_from",
                "real-space operator (held in state)",
                "state_from + operator build peak",
            ],
            mem_rows,
        )
    )
    lines.append("")

    # ------------------------------------------------------------------ targets
    lines += ["## Acceptance targets", ""]
    target_rows = []

    def target(name, measured, ok):
        verdict = "n/a" if ok is None else ("PASS" if ok else "FAIL")
        target_rows.append([name, measured, verdict])

    for s, r in ours.items():
        ratio = r["image_np_auto"].median / r["bound"].median
        ratio_min = r["image_np_auto"].min / r["bound"].min
        target(
            f"NumPy image (auto) within 1.3x of the rFFT bound, s={s}",
            f"{ratio:.2f}x median ({ratio_min:.2f}x min)",
            ratio <= 1.3,
        )
    for s, r in ours.items():
        rel = peer_best(peer, f"image-fft-np-s{s}", f"image-real-np-s{s}")
        if rel:
            speed = rel["timing"].median / r["image_np_auto"].median
            speed_min = rel["timing"].min / r["image_np_auto"].min
            target(
                f"NumPy image >= 2.5x faster than the release, s={s}",
                f"{speed:.1f}x median ({speed_min:.1f}x min)",
                speed >= 2.5,
            )
        else:
            target(f"NumPy image >= 2.5x faster than the release, s={s}", "release not run", None)
    for s, r in ours.items():
        rel = peer_best(peer, f"image-fft-jax-s{s}", f"image-real-jax-s{s}")
        if rel:
            ours_t, rel_t = r["image_jax_auto"], rel["timing"]
            target(
                f"JAX image (auto) no slower than the release's best JAX route, s={s}",
                f"ours {bt(ours_t.median)} vs {bt(rel_t.median)} (release / ours "
                f"{rel_t.median / ours_t.median:.2f}x median, {rel_t.min / ours_t.min:.2f}x min)",
                ours_t.median <= rel_t.median,
            )
        else:
            target(f"JAX image no slower than the release, s={s}", "release not run", None)
    for s, r in ours.items():
        rel = peer_best(peer, f"mm-fft-np-s{s}", f"mm-real-np-s{s}")
        name = f"mapping matrix >= 10x faster than the release (NumPy), s={s}"
        if rel:
            same = rel["timing"].median / r["mm_np_sparse_noblur"].median
            blur = rel["timing"].median / r["mm_np_sparse"].median
            target(name, f"{same:.1f}x same inputs; {blur:.1f}x with our blurring MM", same >= 10)
        else:
            target(name, "release not run", None)
    r4 = ours.get(4)
    if r4:
        peak = max(r4["mm_sparse_peak_bytes"], 0)
        target(
            "mapping-matrix call peak memory < 500 MB at s=4 (auto = sparse route)",
            f"{fb(peak)} (FFT route {fb(r4['mm_fft_peak_bytes'])}; state: operator "
            f"{fb(r4['operator_bytes'])} held, build peak {fb(r4['operator_peak_bytes'])})",
            peak < MEMORY_TARGET,
        )
    if r4:
        peak = r4["operator_peak_bytes"]
        target_rows.append(
            [
                "(not a target) state building at s=4: state_from + sparse operator peak",
                f"{fb(peak)} ({'over' if peak >= MEMORY_TARGET else 'under'} 500 MB; the "
                f"operator it keeps is {fb(r4['operator_bytes'])})",
                "info",
            ]
        )
    for s, r in ours.items():
        target(
            f"sparse vs FFT mapping-matrix routes agree to 1e-12, s={s}",
            f"max |diff| = {r['mm_route_diff']:.2e}",
            r["mm_route_diff"] <= TOL_ROUTES,
        )
    lines.append(bu.markdown_table(["target", "measured", "verdict"], target_rows))
    lines.append("")

    # ------------------------------------------------------------------ cross-checks
    lines += ["## Numerical cross-checks (max |difference|)", ""]
    check_rows = []
    for s, r in ours.items():
        d = r["image_diffs"]
        engines = max(d.values())
        mm_jax = f"{r['mm_jax_diff']:.1e}" if "mm_jax_diff" in r else "-"
        diffs = r.get("peer_diffs", {})

        def vs(key, diffs=diffs):
            diff = diffs.get(key)
            if diff is None:
                return "-"
            return f"{diff:.1e}" + ("" if diff <= TOL_PEER else " **MISMATCH**")

        check_rows.append(
            [
                s,
                f"{engines:.1e}",
                f"{r['mm_route_diff']:.1e}",
                mm_jax,
                vs("image_np"),
                vs("image_jax"),
                vs("mm"),
            ]
        )
    lines.append(
        bu.markdown_table(
            [
                "s",
                "image: NumPy FFT vs real / auto / JAX FFT / JAX direct",
                "MM sparse vs FFT",
                "MM JAX vs sparse",
                "ours vs release image (NumPy)",
                "ours vs release image (JAX)",
                "ours vs release MM (no blurring MM)",
            ],
            check_rows,
        )
    )
    lines.append("")
    lines.append(
        f"Our engines are asserted to agree to {TOL_ENGINES:g}; a release mismatch above "
        f"{TOL_PEER:g} would be flagged **MISMATCH** (a convention difference at s>1 is "
        "reported, not hidden)."
    )
    lines.append("")

    # ------------------------------------------------------------------ thresholds
    lines += ["## Engine thresholds in `convolver.py`", ""]
    lines.append(
        f"### `REAL_SPACE_MAX_TAPS` (now {convolver_module.REAL_SPACE_MAX_TAPS}): image, real "
        "space vs FFT (NumPy: sparse operator; JAX: `jax.scipy.signal.convolve` direct)"
    )
    lines.append("")
    taps_points = [
        dict(
            s=t["s"],
            kernel=f"{t['side']}x{t['side']}",
            taps=t["taps"],
            nnz=t["nnz"],
            frame=t["fft_shape"],
            real=t["real"].median,
            fft=t["fft"].median,
            jax_real=t["jax_real"].median,
            jax_fft=t["jax_fft"].median,
        )
        for t in taps_rows
    ] + [
        dict(
            s=s,
            kernel=f"{r['kernel_shape'][0]}x{r['kernel_shape'][1]} (scene)",
            taps=r["taps"],
            nnz=r["operator_nnz"],
            frame=r["fft_shape"],
            real=r["image_np_real"].median,
            fft=r["image_np_fft"].median,
            jax_real=r["image_jax_real"].median,
            jax_fft=r["image_jax_fft"].median,
        )
        for s, r in ours.items()
    ]
    taps_points.sort(key=lambda p: (p["s"], p["taps"]))
    lines.append(
        bu.markdown_table(
            [
                "s",
                "fine kernel",
                "taps s^2 K^2",
                "operator nnz",
                "FFT frame",
                "NumPy real",
                "NumPy FFT",
                "NumPy real / FFT",
                "JAX direct",
                "JAX FFT",
                "JAX direct / FFT",
            ],
            [
                [
                    p["s"],
                    p["kernel"],
                    p["taps"],
                    p["nnz"],
                    f"{p['frame'][0]}x{p['frame'][1]}",
                    bt(p["real"]),
                    bt(p["fft"]),
                    f"{p['real'] / p['fft']:.2f}",
                    bt(p["jax_real"]),
                    bt(p["jax_fft"]),
                    f"{p['jax_real'] / p['jax_fft']:.2f}",
                ]
                for p in taps_points
            ],
        )
    )
    lines.append("")
    for backend, real_key, fft_key in (("NumPy", "real", "fft"), ("JAX", "jax_real", "jax_fft")):
        for s in sorted({p["s"] for p in taps_points}):
            pts = [p for p in taps_points if p["s"] == s]
            taps = [p["taps"] for p in pts]
            ratios = [p[real_key] / p[fft_key] for p in pts]
            lines.append(f"* {backend}, s={s}: {crossover_text(taps, ratios, 'taps', s * s + 1)}")
    lines.append(
        "* Per-transform figure: the FFT engine does s^2 forward transforms + 1 inverse of the "
        "native frame, so a crossover in taps / (s^2 + 1) that is the same at every s means "
        "the threshold should scale with s^2 + 1."
    )
    lines.append("")
    lines.append(
        f"### `SPARSE_MAX_DENSITY` (now {convolver_module.SPARSE_MAX_DENSITY}): mapping matrix, "
        "NumPy, sparse operator vs FFT route"
    )
    lines.append("")
    dens_rows = []
    for s, r in ours.items():
        for row in r["density_sweep"]:
            dens_rows.append(
                [
                    s,
                    r["taps"],
                    row["nnz"],
                    f"{row['density']:.4f}",
                    bt(row["sparse"].median),
                    bt(row["fft_median"]) + ("" if row["fft"] is not None else " (nnz=3 run)"),
                    f"{row['ratio']:.2f}",
                    "sparse" if row["ratio"] < 1 else "FFT",
                ]
            )
    lines.append(
        bu.markdown_table(
            ["s", "taps", "nnz / row", "density", "sparse", "FFT", "sparse / FFT", "faster"],
            dens_rows,
        )
    )
    lines.append("")
    for s, r in ours.items():
        sweep = r["density_sweep"]
        text = crossover_text(
            [d["density"] for d in sweep], [d["ratio"] for d in sweep], "density", None
        )
        value, kind = crossover_from([d["density"] for d in sweep], [d["ratio"] for d in sweep])
        sign = {"at": "~", "above": ">", "below": "<"}[kind]
        lines.append(
            f"* s={s} ({r['taps']} taps): {text}; density x taps {sign}{value * r['taps']:.3g}."
        )
    lines.append("")
    return "\n".join(lines)


def with_sparse_operator_section(report) -> str:
    """
    ``report`` followed by the section of ``RESULTS_PATH`` that ``benchmarks/sparse_operator.py``
    writes (between its markers, markers included), when the current file has one.
    """
    start, end = "<!-- sparse-operator:start -->", "<!-- sparse-operator:end -->"
    text = RESULTS_PATH.read_text() if RESULTS_PATH.exists() else ""
    i = text.find(start)
    j = text.find(end, i + len(start)) if i >= 0 else -1
    if i < 0 or j < 0:
        return report
    return report.rstrip("\n") + "\n\n" + text[i : j + len(end)]


# ------------------------------------------------------------------------------ main


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few repeats, no heavy release case")
    parser.add_argument("--no-peer", action="store_true", help="skip the release (peer)")
    parser.add_argument("--write", action="store_true", help=f"write {RESULTS_PATH.name}")
    parser.add_argument(
        "--replay",
        action="store_true",
        help=f"rebuild the report from the last run's measurements ({DUMP_PATH.name})",
    )
    args = parser.parse_args(argv)
    if args.replay:
        with open(DUMP_PATH, "rb") as f:
            saved = pickle.load(f)
        report = build_report(**saved)
        print(report)
        if args.write:
            RESULTS_PATH.write_text(with_sparse_operator_section(report) + "\n")
        return 0
    cfg = QUICK if args.quick else FULL
    t_start = time.perf_counter()

    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    machine = bu.machine_info()
    machine["load_start"] = os.getloadavg()[0]
    scene = bu.load_scene()
    check_sparse_scene(scene)

    ours = {}
    for s in SIZES:
        t0 = time.perf_counter()
        ours[s] = measure_case(scene, s, cfg, jax, jnp)
        gc.collect()
        log(f"[bench] ours s={s}: {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    taps_rows = measure_taps(scene, cfg, jax, jnp)
    log(f"[bench] REAL_SPACE_MAX_TAPS sweep: {time.perf_counter() - t0:.1f} s")

    peer, peer_note = None, ""
    if args.no_peer:
        peer_note = "--no-peer"
    elif not bu.peer_available():
        peer_note = f"{bu.PEER_PYTHON} not found (build it with `make .venv-peer/.installed`)"
        log(f"[bench] release skipped: {peer_note}")
    else:
        t0 = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="peer_bench_") as save_dir:
            peer = run_peer(cfg, save_dir)
        log(f"[bench] release: {time.perf_counter() - t0:.1f} s")

    compare_with_peer(ours, peer)
    machine["load_end"] = os.getloadavg()[0]
    saved = dict(
        cfg=cfg,
        args=args,
        machine=machine,
        ours=ours,
        taps_rows=taps_rows,
        peer=peer,
        peer_note=peer_note,
        wall_s=time.perf_counter() - t_start,
    )
    DUMP_PATH.parent.mkdir(parents=True, exist_ok=True)
    with open(DUMP_PATH, "wb") as f:
        pickle.dump(saved, f)
    report = build_report(**saved)
    print(report)
    if args.write:
        RESULTS_PATH.write_text(with_sparse_operator_section(report) + "\n")
        log(f"[bench] wrote {RESULTS_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
