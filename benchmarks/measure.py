"""
The measuring half of ``benchmarks/run.py``: time our convolver on the shared scene, sweep the
engine thresholds, run the released PyAutoArray (``.venv-peer``), and return plain data.

Nothing here formats text; ``benchmarks/report.py`` turns the data into RESULTS.md and
``benchmarks/compare.py`` compares two runs case by case.

Scene (``benchmarks/peer/scene.py``, shared with the release's harness so both sides convolve
identical numbers): 100 x 100 image, 0.1" pixels, circular 3" mask (2828 pixels), Gaussian PSF
sigma 0.2" normalised to sum 1 (21 x 21 at s = 1, 41 x 41 at 0.05" for s = 2, 83 x 83 at
0.025" for s = 4), random fine values, 1000-column mapping matrices with 3 non-zeros per fine row
summing to 1 (ours as scipy.sparse CSR, plus a blurring mapping matrix).

Every time is a :class:`bench_util.Timing` (single calls after one warm-up call) with the state
precomputed unless said otherwise; JAX calls are jitted and end with ``block_until_ready``.

The data of one run (:func:`measurements_from`; :func:`save` / :func:`load` keep it as JSON):

* ``settings``, ``args`` (``quick``, ``no_peer``), ``machine`` (``bench_util.machine_info`` plus
  the 1-minute load average at start, at end and the highest after any stage), ``wall_s``;
* ``ours``: one dict per ``s`` with ``info`` (frame shapes, taps, engine routes, density),
  ``timings`` (name -> Timing), ``memory`` (name -> bytes), ``diffs`` (max |difference| between
  engines, routes and the release) and ``density_sweep`` (rows naming their timings);
* ``taps_sweep``: one dict per small kernel of the ``REAL_SPACE_MAX_TAPS`` sweep;
* ``peer``: the release's report (``cases`` name -> ``timing``, ``memory``; ``versions``;
  ``errors``) or None, with ``peer_note`` saying why not.
"""

import gc
import json
import os
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import scipy.fft

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_util as bu  # noqa: E402

import autoarray as aa  # noqa: E402
from autoarray.operators import convolver, convolver_util  # noqa: E402

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
SCENE_NNZ = 3
ROUTES = (("fft", True), ("real", False), ("auto", None))  # name, use_fft


@dataclass(frozen=True)
class Settings:
    """How hard to measure."""

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


def max_abs_diff(a, b) -> float:
    return float(np.max(np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b))))


def window_for(nnz) -> int:
    """Columns a row's non-zeros are drawn from: the scene's 11 for 3, else 4 per non-zero."""
    return 11 if nnz <= SCENE_NNZ else 4 * nnz


def density_of(values) -> float:
    """The fraction of non-zero entries of a ``scipy.sparse`` matrix."""
    return values.nnz / (values.shape[0] * values.shape[1])


class Case:
    """Our inputs for one ``s``: masks, kernel, precomputed state, images, mapping matrices."""

    def __init__(self, scene, s):
        ps = scene.PIXEL_SCALE
        sc = scene.scene(s)
        self.scene = scene
        self.s = s
        self.mask = aa.Mask2D(sc["mask"], pixel_scales=(ps, ps))
        self.kernel = aa.Array2D.no_mask(sc["kernel"], pixel_scales=(ps / s, ps / s))
        self.state = aa.Convolver(self.kernel, convolve_over_sample_size=s).state_from(self.mask)
        if not np.array_equal(self.state.blurring_mask.array, sc["blurring_mask"]):
            raise SystemExit(f"s={s}: our blurring mask differs from the scene's")
        self.perm = scene.sub_block_permutation(sc["mask"], s)
        self.bperm = scene.sub_block_permutation(sc["blurring_mask"], s)
        self.image = sc["image_fine_slim"][self.perm]
        self.blurring = sc["blurring_fine_slim"][self.bperm]
        self.n_rows = sc["n_fine_rows"]
        self.n_blur_rows = sc["blurring_fine_slim"].size
        self.mm, self.bmm = self.mapping_matrices_from(SCENE_NNZ)

    def mapping_matrices_from(self, nnz):
        """The (mapping, blurring mapping) CSR matrices with ``nnz`` non-zeros per row."""
        seed, n_src = self.scene.MAPPING_SEED, self.scene.N_SOURCE
        window = window_for(nnz)
        mm = bu.sparse_mapping_matrix_from(self.n_rows, n_src, seed, nnz, window)
        bmm = bu.sparse_mapping_matrix_from(self.n_blur_rows, n_src, seed + 1, nnz, window)
        return mm[self.perm], bmm[self.bperm]

    def convolver(self, use_fft, with_state=True):
        return aa.Convolver(
            self.kernel,
            state=self.state if with_state else None,
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


class Timer:
    """``bench_util.timing_from`` with a run's settings as defaults."""

    def __init__(self, cfg: Settings):
        self.cfg = cfg

    def fast(self, fn, repeats=None):
        """A fast call: at least ``cfg.repeats`` calls and ``cfg.min_seconds`` seconds."""
        return bu.timing_from(fn, repeats or self.cfg.repeats, self.cfg.min_seconds)

    def counted(self, fn, repeats, warmup=True):
        """Exactly ``repeats`` timed calls (slow calls)."""
        return bu.timing_from(fn, repeats, 0.0, warmup=warmup)


# ------------------------------------------------------------------------ the calls
# Each builder returns zero-argument calls, named as in the data, so that ``measure_*`` below and
# ``benchmarks/ab.py`` (interleaved timing of two checkouts) time the same things.


def values_of(result) -> np.ndarray:
    """The values of a call's result (an ``Array2D``, a NumPy or a JAX array) as NumPy."""
    return np.asarray(getattr(result, "array", result))


def jitted_image_call_from(jax, jnp, conv, mask, image, blurring):
    """The jitted JAX image convolution of ``conv`` (blocks until done)."""
    jitted = jax.jit(
        lambda v, b: conv.convolved_image_from(v, b, jax_method="direct", xp=jnp, mask=mask).array
    )
    jv, jb = jnp.asarray(image), jnp.asarray(blurring)
    return lambda: jitted(jv, jb).block_until_ready()


def bound_call_from(case):
    """
    ``(fine frame shape, call)``: one rFFT / irFFT pair of the (fine) frame with a cached kernel
    FFT, the dense floor.
    """
    s, state = case.s, case.state
    fine_shape = (state.fft_shape[0] * s, state.fft_shape[1] * s)
    frame = np.zeros(fine_shape)
    frame[: case.image.size // fine_shape[1], :] = 1.0
    wrapped = np.zeros(fine_shape)
    k = case.kernel.native.array
    wrapped[: k.shape[0], : k.shape[1]] = k
    kernel_fft = scipy.fft.rfft2(wrapped)
    return fine_shape, lambda: scipy.fft.irfft2(scipy.fft.rfft2(frame) * kernel_fft, s=fine_shape)


def image_calls_from(case, jax, jnp) -> dict:
    """``image_np_{route}`` then ``image_jax_{route}`` (state precomputed) for every route."""
    convs = {route: case.convolver(use_fft) for route, use_fft in ROUTES}
    calls = {}
    for route, conv in convs.items():
        calls[f"image_np_{route}"] = lambda conv=conv: conv.convolved_image_from(
            case.image, case.blurring, mask=case.mask
        )
    for route, conv in convs.items():
        calls[f"image_jax_{route}"] = jitted_image_call_from(
            jax, jnp, conv, case.mask, case.image, case.blurring
        )
    return calls


def state_calls_from(case) -> dict:
    """``state_from`` (a state for the mask) and ``operator_build`` (its sparse operator)."""
    plain = case.convolver(None, with_state=False)
    state = case.state
    return {
        "state_from": lambda: plain.state_from(case.mask),
        "operator_build": lambda: convolver_util.real_space_operator_from(
            state.polyphase_kernels, state.input_native, state.output_native
        ),
    }


def fresh_image_call_from(case, n_calls):
    """
    ``image_np_nostate``: an image convolved by a new convolver without state (which builds one
    for the call); the convolvers are made beforehand, enough for ``n_calls`` calls.
    """
    fresh = iter([case.convolver(None, with_state=False) for _ in range(n_calls)])
    return lambda: next(fresh).convolved_image_from(case.image, case.blurring, mask=case.mask)


def mapping_calls_from(case, jax, jnp, nnz=SCENE_NNZ) -> dict:
    """
    ``mm_np_sparse`` and ``mm_np_fft`` (with a blurring mapping matrix); for the scene's
    ``nnz`` also ``mm_np_sparse_noblur`` and, at ``JAX_MM_SIZES``, ``mm_jax_fft`` (dense input);
    other ``nnz`` (the density sweep) get the suffix ``_nnz{nnz}``.
    """
    mm, bmm = (case.mm, case.bmm) if nnz == SCENE_NNZ else case.mapping_matrices_from(nnz)
    suffix = "" if nnz == SCENE_NNZ else f"_nnz{nnz}"
    sparse, fft = case.convolver(False), case.convolver(True)
    calls = {
        f"mm_np_sparse{suffix}": lambda: sparse.convolved_mapping_matrix_from(mm, case.mask, bmm),
        f"mm_np_fft{suffix}": lambda: fft.convolved_mapping_matrix_from(mm, case.mask, bmm),
    }
    if nnz != SCENE_NNZ:
        return calls
    calls["mm_np_sparse_noblur"] = lambda: sparse.convolved_mapping_matrix_from(mm, case.mask)
    if case.s in JAX_MM_SIZES:
        jmm, jbmm = jnp.asarray(mm.toarray()), jnp.asarray(bmm.toarray())
        jitted = jax.jit(lambda m, b: fft.convolved_mapping_matrix_from(m, case.mask, b, xp=jnp))
        calls["mm_jax_fft"] = lambda: jitted(jmm, jbmm).block_until_ready()
    return calls


def taps_case_from(scene, s, side, jax, jnp):
    """
    ``(info, calls)`` of one kernel of the ``REAL_SPACE_MAX_TAPS`` sweep: a ``side`` x ``side``
    Gaussian at ``s`` on the scene's mask; calls ``real``, ``fft``, ``jax_real``, ``jax_fft``.
    """
    ps = scene.PIXEL_SCALE
    mask_np = scene.circular_mask()
    mask = aa.Mask2D(mask_np, pixel_scales=(ps, ps))
    kernel = aa.Array2D.no_mask(
        scene.gaussian_kernel(s, shape=(side, side)), pixel_scales=(ps / s, ps / s)
    )
    state = aa.Convolver(kernel, convolve_over_sample_size=s).state_from(mask)
    operator = state.real_space_operator
    native = scene.fine_native_image(s)
    bmask = state.blurring_mask.array
    image = native[~scene.upscaled_mask(mask_np, s)][scene.sub_block_permutation(mask_np, s)]
    blurring = native[~scene.upscaled_mask(bmask, s)][scene.sub_block_permutation(bmask, s)]
    calls = {}
    for route, use_fft in (("real", False), ("fft", True)):
        conv = aa.Convolver(kernel, state=state, use_fft=use_fft, convolve_over_sample_size=s)
        calls[route] = lambda conv=conv: conv.convolved_image_from(image, blurring, mask=mask)
        calls[f"jax_{route}"] = jitted_image_call_from(jax, jnp, conv, mask, image, blurring)
    info = dict(
        s=s,
        side=side,
        taps=int(state.polyphase_kernels.size),
        nnz=int(operator.nnz),
        fft_shape=list(state.fft_shape),
    )
    return info, calls


# ------------------------------------------------------------------------ our cases


def measure_images(case, timer, jax, jnp, record):
    """Image timings of every engine (NumPy and JAX); returns the NumPy auto image."""
    images = {}
    for name, call in image_calls_from(case, jax, jnp).items():
        record["timings"][name] = timer.fast(call)
        images[name] = values_of(call())
    worst = max(max_abs_diff(v, images["image_np_fft"]) for v in images.values())
    assert worst <= TOL_ENGINES, f"s={case.s}: image engines disagree by {worst:.3g}"
    record["diffs"]["image_engines"] = worst
    return images["image_np_auto"]


def measure_state_building(case, timer, record):
    """``state_from``, the sparse operator's build, and a fresh convolver's first image."""
    calls = state_calls_from(case)
    t, mem, cfg = record["timings"], record["memory"], timer.cfg
    t["state_from"] = timer.fast(calls["state_from"])
    t["operator_build"] = timer.counted(
        calls["operator_build"], cfg.heavy_repeats, warmup=case.s < 4
    )
    _, mem["state_peak"] = bu.tracemalloc_peak_from(calls["state_from"])
    _, mem["operator_peak"] = bu.tracemalloc_peak_from(
        lambda: calls["state_from"]().real_space_operator
    )
    n_fresh = max(cfg.repeats, 10)
    t["image_np_nostate"] = timer.counted(fresh_image_call_from(case, n_fresh + 1), n_fresh)


def measure_mapping_matrices(case, timer, jax, jnp, record):
    """
    Mapping-matrix timings and memory (1000 columns, sparse CSR input) and the density sweep;
    returns the result without blurring mapping matrix (the release's inputs).
    """
    t, mem, info = record["timings"], record["memory"], record["info"]
    values = case.state.mapping_values_from(case.mm, case.bmm)
    info["mm_density"] = density_of(values)
    info["auto_mm_route"] = "fft" if case.state.uses_fft_for(values) else "sparse"
    repeats = timer.cfg.mm_repeats if case.s < 4 else timer.cfg.heavy_repeats
    calls = mapping_calls_from(case, jax, jnp)
    results = {}
    for route in ("sparse", "fft"):
        t[f"mm_np_{route}"] = timer.counted(calls[f"mm_np_{route}"], repeats)
        results[route], mem[f"mm_{route}_peak"] = bu.tracemalloc_peak_from(calls[f"mm_np_{route}"])
    t["mm_np_sparse_noblur"] = timer.counted(calls["mm_np_sparse_noblur"], repeats)
    record["diffs"]["mm_routes"] = max_abs_diff(results["sparse"], results["fft"])
    if "mm_jax_fft" in calls:
        t["mm_jax_fft"] = timer.counted(calls["mm_jax_fft"], repeats)
        diff = max_abs_diff(calls["mm_jax_fft"](), results["sparse"])
        assert diff <= TOL_ENGINES, f"s={case.s}: JAX mapping matrix off by {diff:.3g}"
        record["diffs"]["mm_jax"] = diff
    record["density_sweep"] = measure_density_sweep(case, timer, jax, jnp, record)
    return calls["mm_np_sparse_noblur"]()


def measure_density_sweep(case, timer, jax, jnp, record):
    """
    ``SPARSE_MAX_DENSITY`` sweep: sparse route vs FFT route as the mapping matrix fills up
    (rows name their timings). The FFT route does not depend on the density: it is timed at
    s = 1 only, else the scene's run stands for it.
    """
    rows = []
    for nnz in DENSITY_NNZ[case.s]:
        if nnz == SCENE_NNZ:
            m, b, sparse_key, fft_key = case.mm, case.bmm, "mm_np_sparse", "mm_np_fft"
        else:
            m, b = case.mapping_matrices_from(nnz)
            calls = mapping_calls_from(case, jax, jnp, nnz)
            sparse_key, fft_key = f"mm_np_sparse_nnz{nnz}", f"mm_np_fft_nnz{nnz}"
            for key in (sparse_key, fft_key) if case.s == 1 else (sparse_key,):
                record["timings"][key] = timer.counted(
                    calls[key], timer.cfg.sweep_repeats, warmup=False
                )
            fft_key = fft_key if case.s == 1 else None
        values = case.state.mapping_values_from(m, b)
        rows.append(dict(nnz=nnz, density=density_of(values), sparse=sparse_key, fft=fft_key))
    return rows


def measure_case(scene, s, timer, jax, jnp):
    """
    Every timing, memory figure and cross-check of ours for one ``s``.

    Returns
    -------
    (dict, dict)
        The record (plain data, see the module docstring) and the result arrays compared with
        the release (``image``: NumPy auto image; ``mm``: mapping matrix without blurring MM).
    """
    case = Case(scene, s)
    state = case.state
    values = state.image_values_from(case.image, case.blurring)
    record = {
        "s": s,
        "info": {
            "fft_shape": list(state.fft_shape),
            "kernel_shape": list(case.kernel.shape_native),
            "n_phase": state.n_phase,
            "taps": int(state.polyphase_kernels.size),
            "auto_image_route": "fft" if state.uses_fft_for(values) else "real",
        },
        "timings": {},
        "memory": {},
        "diffs": {},
    }
    bound_shape, bound = bound_call_from(case)
    record["info"]["bound_shape"] = list(bound_shape)
    record["timings"]["bound"] = timer.fast(bound)
    operator = state.real_space_operator  # built before any timing, kept by the state
    record["info"]["operator_nnz"] = int(operator.nnz)
    record["memory"]["operator_bytes"] = int(
        operator.data.nbytes + operator.indices.nbytes + operator.indptr.nbytes
    )
    bu.log(f"[bench]   s={s}: images")
    image = measure_images(case, timer, jax, jnp, record)
    bu.log(f"[bench]   s={s}: state building")
    measure_state_building(case, timer, record)
    bu.log(f"[bench]   s={s}: mapping matrices and the density sweep")
    mm = measure_mapping_matrices(case, timer, jax, jnp, record)
    return record, {"image": image, "mm": mm}


def measure_taps_sweep(scene, timer, jax, jnp):
    """``REAL_SPACE_MAX_TAPS`` sweep: real space vs FFT for small kernels (image; NumPy and JAX)."""
    rows = []
    for s, side in TAPS_KERNELS:
        info, calls = taps_case_from(scene, s, side, jax, jnp)
        info["timings"] = {name: timer.fast(call) for name, call in calls.items()}
        outs = [values_of(call()) for call in calls.values()]
        worst = max(max_abs_diff(v, outs[0]) for v in outs)
        assert worst <= TOL_ENGINES, f"taps sweep s={s} k={side}: engines differ by {worst:.3g}"
        rows.append(info)
    return rows


# ------------------------------------------------------------------------ the release


def peer_cases(cfg):
    """The release's (image cases, mapping-matrix cases) to run."""
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


def measure_peer(cfg):
    """
    The release's report (``benchmarks/peer/peer_bench.py`` in ``.venv-peer``), each case with
    its ``timing`` and, where saved, its ``result`` array (image-resolution slim order).
    """
    images, mms = peer_cases(cfg)
    bu.log(f"[bench] release: {len(images)} image cases, {len(mms)} mapping-matrix cases")
    with tempfile.TemporaryDirectory(prefix="peer_bench_") as save_dir:
        report = bu.peer_report_from(images, cfg.peer_image_repeats, save_dir=save_dir)
        report_mm = bu.peer_report_from(
            mms, cfg.peer_mm_repeats, heavy_repeats=1, save_dir=save_dir
        )
        report["cases"].update(report_mm.get("cases", {}))
        report.setdefault("errors", {}).update(report_mm.get("errors", {}))
        cases = {}
        for name, info in report["cases"].items():
            npy = info.get("result_npy")
            cases[name] = {
                "timing": bu.Timing.from_seconds(info["times_s"], info.get("warmup_s", np.nan)),
                "memory": info.get("memory", {}),
                "result": np.load(npy) if npy and Path(npy).exists() else None,
            }
    return {
        "versions": report.get("versions", {}),
        "errors": report.get("errors", {}),
        "cases": cases,
    }


def peer_diffs_from(results, s, peer) -> dict:
    """
    Max |ours - release| of the NumPy / JAX images and of the mapping matrix without blurring
    mapping matrix (the release's inputs), for the release cases that saved a result.
    """
    diffs = {}
    for key, name, ours in (
        ("image_np", f"image-fft-np-s{s}", results["image"]),
        ("image_jax", f"image-fft-jax-s{s}", results["image"]),
        ("mm", f"mm-fft-np-s{s}", results["mm"]),
    ):
        info = peer["cases"].get(name) if peer else None
        if info is not None and info.get("result") is not None:
            diffs[key] = max_abs_diff(ours, info["result"])
    return diffs


# ------------------------------------------------------------------------------ a run


def measurements_from(cfg: Settings, quick=False, no_peer=False) -> dict:
    """Run every measurement (ours, the sweeps, the release unless ``no_peer``): plain data."""
    t_start = time.perf_counter()
    os.environ.setdefault("JAX_PLATFORMS", "cpu")  # the release's harness does the same
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    machine = bu.machine_info()
    machine["jax_backend"] = jax.default_backend()
    loads = [os.getloadavg()[0]]  # sampled after every stage: the busiest moment is reported
    scene = bu.load_scene()
    check_sparse_scene(scene)
    timer = Timer(cfg)

    ours, results = [], {}
    for s in SIZES:
        t0 = time.perf_counter()
        record, results[s] = measure_case(scene, s, timer, jax, jnp)
        ours.append(record)
        gc.collect()
        loads.append(os.getloadavg()[0])
        bu.log(f"[bench] ours s={s}: {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    taps_sweep = measure_taps_sweep(scene, timer, jax, jnp)
    loads.append(os.getloadavg()[0])
    bu.log(f"[bench] REAL_SPACE_MAX_TAPS sweep: {time.perf_counter() - t0:.1f} s")

    peer, peer_note = None, ""
    if no_peer:
        peer_note = "--no-peer"
    elif not bu.peer_available():
        peer_note = f"{bu.PEER_PYTHON} not found (build it with `make .venv-peer/.installed`)"
        bu.log(f"[bench] release skipped: {peer_note}")
    else:
        t0 = time.perf_counter()
        peer = measure_peer(cfg)
        bu.log(f"[bench] release: {time.perf_counter() - t0:.1f} s")
    for record in ours:
        record["diffs"]["peer"] = peer_diffs_from(results[record["s"]], record["s"], peer)
    for info in (peer or {}).get("cases", {}).values():
        info.pop("result", None)

    loads.append(os.getloadavg()[0])
    machine.update(load_start=loads[0], load_end=loads[-1], load_max=max(loads))
    return dict(
        settings=asdict(cfg),
        args=dict(quick=quick, no_peer=no_peer),
        machine=machine,
        ours=ours,
        taps_sweep=taps_sweep,
        thresholds=dict(
            REAL_SPACE_MAX_TAPS=convolver.REAL_SPACE_MAX_TAPS,
            SPARSE_MAX_DENSITY=convolver.SPARSE_MAX_DENSITY,
        ),
        peer=peer,
        peer_note=peer_note,
        wall_s=time.perf_counter() - t_start,
    )


# ------------------------------------------------------------------------------ storage


def _jsonable(value):
    if isinstance(value, bu.Timing):
        return {"times": value.times, "warmup": value.warmup}
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def save(data, path):
    """Write the data of a run as JSON (timings as their lists of seconds)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(_jsonable(data), indent=1, allow_nan=True))


def _with_timings(timings):
    return {name: bu.Timing.from_seconds(t["times"], t["warmup"]) for name, t in timings.items()}


def load(path) -> dict:
    """
    The data of a run written by :func:`save`, timings as :class:`bench_util.Timing`.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If ``path`` holds JSON that is not the data of a run.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(
            f"No benchmark data at {path}: run benchmarks/run.py (it saves its data there, or "
            "where --data says) before replaying or comparing."
        )
    data = json.loads(path.read_text())
    missing = [key for key in ("ours", "taps_sweep", "peer") if key not in data]
    if missing:
        raise ValueError(
            f"{path} is not the data of a benchmarks/run.py run (no {', '.join(missing)}); "
            "pass a file written by run.py --data."
        )
    for record in data["ours"] + data["taps_sweep"]:
        record["timings"] = _with_timings(record["timings"])
    for info in (data["peer"] or {}).get("cases", {}).values():
        info["timing"] = bu.Timing.from_seconds(info["timing"]["times"], info["timing"]["warmup"])
    return data
