"""Time the RELEASED PyAutoArray (autoarray==2026.10.26.1) Convolver on the shared scene.

Run with the peer env (Python 3.12), never with ours (both packages are `autoarray`):

    .venv-peer/bin/python benchmarks/peer/peer_bench.py --case image-fft-np-s1 --repeats 5
    .venv-peer/bin/python benchmarks/peer/peer_bench.py --cases '["image-fft-np-s1", "mm-fft-jax-s2"]'
    .venv-peer/bin/python benchmarks/peer/peer_bench.py --cases all --skip-heavy --save-dir benchmarks/output/peer
    .venv-peer/bin/python benchmarks/peer/peer_bench.py --list

Case names: ``{kind}-{method}-{backend}[-nostate]-s{S}``

* kind: ``image`` (masked image + blurring image) or ``mm`` (1000-column mapping matrix,
  no blurring mapping matrix, as the release's inversions call it);
* method: ``fft`` / ``real`` = ``Convolver(use_fft=True / False)``;
* backend: ``np`` (xp=numpy) or ``jax`` (xp=jax.numpy inside ``jax.jit``, state
  precomputed, ``block_until_ready``);
* ``-nostate``: no precomputed ``ConvolverState`` (built inside every call);
* S: ``convolve_over_sample_size`` (1, 2 or 4); kernels 21x21 / 41x41 / 83x83.

Every case runs in its own subprocess (same interpreter) so that peak memory is per
case and a heavy case cannot take the others down. ONE JSON object is printed on
stdout; everything else goes to stderr. Results (image-resolution slim order, i.e.
row-major over the image mask) are saved as ``<save-dir>/<case>.npy`` if asked.

Timing: ``time.perf_counter`` around each call, after one excluded warm-up call (for
JAX the warm-up includes tracing + XLA compilation, reported as ``warmup_s``).

Memory (per case, see README.md):

* ``tracemalloc_peak_bytes``: tracemalloc peak of one extra post-warm-up call (Python
  and NumPy allocations only; NOT XLA buffers, so meaningless for JAX cases);
* ``rss_hwm_delta_bytes``: max over the timed calls of (VmHWM after the call - VmRSS
  before it), with VmHWM reset through ``/proc/self/clear_refs`` before each call,
  i.e. the peak resident-memory growth of one call (all allocators, JAX included);
* ``rss_hwm_delta_first_call_bytes``: the same for the warm-up call (includes JIT).
"""

import argparse
import importlib.util
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RELEASE = "2026.10.26.1"


def load_scene():
    spec = importlib.util.spec_from_file_location("peer_scene", HERE / "scene.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ----------------------------------------------------------------------------- cases


def all_cases():
    cases = []
    for kind in ("image", "mm"):
        for method in ("fft", "real"):
            for backend in ("np", "jax"):
                cases.append(f"{kind}-{method}-{backend}-s1")
    cases.insert(1, "image-fft-np-nostate-s1")
    for s in (2, 4):
        for kind in ("image", "mm"):
            for method in ("fft", "real"):
                for backend in ("np", "jax"):
                    cases.append(f"{kind}-{method}-{backend}-s{s}")
    return cases


def is_heavy(name):
    """The s=4 mapping-matrix cases (release: several GB and ~10 s per call)."""
    spec = parse_case(name)
    return spec["kind"] == "mm" and spec["s"] >= 4


def parse_case(name):
    m = re.fullmatch(r"(image|mm)-(fft|real)-(np|jax)(-nostate)?-s([124])", name)
    if m is None:
        raise SystemExit(f"bad case name {name!r}; see --list")
    kind, method, backend, nostate, s = m.groups()
    state = nostate is None
    if not state and not (kind == "image" and backend == "np"):
        raise SystemExit(f"{name}: -nostate is only defined for NumPy image cases")
    return dict(kind=kind, use_fft=method == "fft", backend=backend, state=state, s=int(s))


# ------------------------------------------------------------------- memory helpers


def _status():
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":")
                out[key] = int(value.split()[0]) * 1024
    return out


def _reset_hwm():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _rss_peak_delta(fn):
    """Run fn(); return (result, seconds, peak RSS growth in bytes or None)."""
    can_reset = _reset_hwm()
    before = _status()["VmRSS"]
    t0 = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t0
    delta = _status()["VmHWM"] - before if can_reset else None
    return out, dt, delta


# -------------------------------------------------------------------- one case here


def describe_path(spec):
    s, np_backend = spec["s"], spec["backend"] == "np"
    if s == 1 and np_backend:
        fn = (
            "convolved_image_via_real_space_np_from"
            if spec["kind"] == "image"
            else "convolved_mapping_matrix_via_real_space_np_from"
        )
        return f"Convolver.{fn}: scipy.signal.convolve(mode='same', method='auto') (use_fft ignored for xp=np)"
    if s == 1:
        if spec["use_fft"]:
            return "jnp.fft.rfft2/irfft2 on the padded state.fft_shape frame (state.fft_kernel precomputed)"
        return "jax.scipy.signal.convolve(mode='same', method='direct')"
    if np_backend:
        return "Convolver._convolved_over_sampled_np_from: scatter to fine frame, scipy.signal.convolve(method='auto'), mean-bin (use_fft ignored)"
    return "Convolver._convolved_over_sampled_jax_from: jnp rfft2/irfft2 on the fine frame, mean-bin (always FFT, use_fft ignored)"


def run_case(name, repeats, heavy_repeats):
    spec = parse_case(name)
    scene = load_scene()

    import numpy as np

    import autoarray as aa
    from autoarray.operators.convolver import Convolver, ConvolverState

    s = spec["s"]
    S = scene.scene(s)
    mask = aa.Mask2D(mask=S["mask"], pixel_scales=scene.PIXEL_SCALE)
    blurring_mask = aa.Mask2D(mask=S["blurring_mask"], pixel_scales=scene.PIXEL_SCALE)
    kernel = aa.Array2D.no_mask(values=S["kernel"], pixel_scales=scene.PIXEL_SCALE / s)

    # The release's blurring mask (what Imaging.grids.blurring uses) must be the scene's.
    release_bmask = mask.derive_mask.blurring_from(
        kernel_shape_native=Convolver(
            kernel=kernel, use_fft=True, convolve_over_sample_size=s
        ).kernel_shape_image_resolution,
        allow_padding=True,
    )
    assert np.array_equal(np.array(release_bmask), S["blurring_mask"])

    # Precomputed state exactly as Imaging(psf_setup_state=True) builds it
    # (autoarray/dataset/imaging/dataset.py).
    if not spec["state"]:
        state = None
    elif s == 1:
        state = ConvolverState(kernel=kernel, mask=mask)
    else:
        state = Convolver(
            kernel=kernel, use_fft=spec["use_fft"], convolve_over_sample_size=s
        )._fine_state_from(mask=mask)
    psf = Convolver(
        kernel=kernel, state=state, use_fft=spec["use_fft"], convolve_over_sample_size=s
    )

    # Inputs. s = 1: Array2D on the image / blurring masks. s > 1: raw values in the
    # release's per-pixel sub-block order (perm from fine-slim order).
    if s == 1:
        image = aa.Array2D(values=S["image_fine_slim"], mask=mask)
        blurring = aa.Array2D(values=S["blurring_fine_slim"], mask=blurring_mask)
        perm = None
    else:
        perm = scene.sub_block_permutation(S["mask"], s)
        image = S["image_fine_slim"][perm]
        blurring = S["blurring_fine_slim"][scene.sub_block_permutation(S["blurring_mask"], s)]

    if spec["kind"] == "mm":
        mm = scene.mapping_matrix(S["n_fine_rows"])
        if perm is not None:
            mm = mm[perm]
        n_rows = mm.shape[0]
    else:
        mm = None
        n_rows = S["n_fine_rows"]

    if spec["backend"] == "np":
        if spec["kind"] == "image":
            kw = {} if s == 1 else {"mask": mask}

            def fn():
                return psf.convolved_image_from(
                    image=image, blurring_image=blurring, xp=np, **kw
                ).array

        else:

            def fn():
                return psf.convolved_mapping_matrix_from(mapping_matrix=mm, mask=mask, xp=np)

    else:
        import jax
        import jax.numpy as jnp

        if spec["kind"] == "image":
            if s == 1:

                def f(v, b):
                    return psf.convolved_image_from(
                        image=aa.Array2D(values=v, mask=mask),
                        blurring_image=aa.Array2D(values=b, mask=blurring_mask),
                        xp=jnp,
                    ).array

                args = (jnp.asarray(image.array), jnp.asarray(blurring.array))
            else:

                def f(v, b):
                    return psf.convolved_image_from(
                        image=v, blurring_image=b, mask=mask, xp=jnp
                    ).array

                args = (jnp.asarray(image), jnp.asarray(blurring))
        else:

            def f(m):
                return psf.convolved_mapping_matrix_from(mapping_matrix=m, mask=mask, xp=jnp)

            args = (jnp.asarray(mm),)

        jitted = jax.jit(f)
        jax.block_until_ready(args)

        def fn():
            return jax.block_until_ready(jitted(*args))

    import tracemalloc

    n_timed = min(repeats, heavy_repeats) if is_heavy(name) else repeats

    out, warmup_s, rss_first = _rss_peak_delta(fn)
    times, rss = [], []
    for _ in range(n_timed):
        out, dt, delta = _rss_peak_delta(fn)
        times.append(dt)
        rss.append(delta)
    tracemalloc.start()
    fn()
    _, tm_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    result = np.asarray(out)
    info = dict(
        spec,
        kernel_shape=list(S["kernel"].shape),
        n_image_pixels=int((~S["mask"]).sum()),
        n_rows=int(n_rows),
        n_blurring_rows=int(S["blurring_fine_slim"].size),
        fft_shape=list(psf.state_from(mask=mask).fft_shape),
        path=describe_path(spec),
        times_s=times,
        median_s=float(np.median(times)) if times else None,
        min_s=float(np.min(times)) if times else None,
        warmup_s=warmup_s,
        memory=dict(
            tracemalloc_peak_bytes=int(tm_peak),
            rss_hwm_delta_bytes=max(rss) if rss and None not in rss else None,
            rss_hwm_delta_first_call_bytes=rss_first,
        ),
        result_shape=list(result.shape),
        result_sum=float(result.sum()),
        result_dtype=str(result.dtype),
    )
    if spec["backend"] == "np":
        # What scipy.signal.convolve(method="auto") picks for the release's frame
        # (a broadcast view: only shapes and dtype are looked at).
        from scipy.signal import choose_conv_method

        shape = tuple(info["fft_shape"]) + ((mm.shape[1],) if mm is not None else ())
        frame = np.broadcast_to(np.zeros(1), shape)
        k = S["kernel"][..., None] if mm is not None else S["kernel"]
        info["scipy_auto_method"] = choose_conv_method(frame, k, mode="same")
    return info, result


# ---------------------------------------------------------------------- entry point


def versions():
    out = {"python": sys.version.split()[0], "executable": sys.executable}
    for mod in ("autoarray", "numpy", "scipy", "jax", "jaxlib"):
        try:
            from importlib.metadata import version

            out[mod] = version(mod)
        except Exception:  # pragma: no cover
            out[mod] = None
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--case", action="append", default=[], help="case name (repeatable)")
    p.add_argument("--cases", help='JSON list of case names, or "all"')
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument(
        "--heavy-repeats", type=int, default=1, help="timed repeats for s=4 mapping-matrix cases"
    )
    p.add_argument("--save-dir", help="save each result as <dir>/<case>.npy")
    p.add_argument("--skip-heavy", action="store_true", help="skip the s=4 mapping-matrix cases")
    p.add_argument("--timeout", type=float, default=600.0, help="seconds per case subprocess")
    p.add_argument("--list", action="store_true", help="print the case names as JSON and exit")
    p.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
    a = p.parse_args(argv)

    if a.list:
        print(json.dumps({"cases": all_cases(), "heavy": [c for c in all_cases() if is_heavy(c)]}))
        return 0

    names = list(a.case)
    if a.cases:
        names += all_cases() if a.cases.strip() == "all" else json.loads(a.cases)
    if not names:
        p.error("give --case NAME, --cases JSON or --cases all")
    names = list(dict.fromkeys(names))  # de-duplicate, keep order
    for n in names:
        parse_case(n)

    if a.in_process:
        # Keep stdout for the one JSON line: everything else (library logging, C-level
        # prints) goes to stderr.
        real_stdout = os.fdopen(os.dup(1), "w")
        os.dup2(2, 1)
        sys.stdout = sys.stderr
        (name,) = names
        info, result = run_case(name, a.repeats, a.heavy_repeats)
        if a.save_dir:
            Path(a.save_dir).mkdir(parents=True, exist_ok=True)
            path = Path(a.save_dir) / f"{name}.npy"
            import numpy as np

            np.save(path, result)
            info["result_npy"] = str(path)
        real_stdout.write(json.dumps(info) + "\n")
        real_stdout.flush()
        return 0

    env = dict(os.environ)
    env.pop("PYAUTO_SMALL_DATASETS", None)  # the release shrinks masks when set
    env.setdefault("JAX_COMPILATION_CACHE_DIR", "")  # no persistent cache: honest warm-up
    env.setdefault("JAX_PLATFORMS", "cpu")

    report = {"release": RELEASE, "versions": versions(), "cases": {}, "skipped": [], "errors": {}}
    for name in names:
        if a.skip_heavy and is_heavy(name):
            report["skipped"].append(name)
            continue
        cmd = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--in-process",
            "--case",
            name,
            "--repeats",
            str(a.repeats),
            "--heavy-repeats",
            str(a.heavy_repeats),
        ]
        if a.save_dir:
            cmd += ["--save-dir", a.save_dir]
        t0 = time.perf_counter()
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=a.timeout)
        except subprocess.TimeoutExpired:
            report["errors"][name] = f"timeout after {a.timeout} s"
            print(f"[peer] {name}: TIMEOUT", file=sys.stderr)
            continue
        wall = time.perf_counter() - t0
        if proc.returncode != 0 or not proc.stdout.strip():
            report["errors"][name] = f"rc={proc.returncode}: {proc.stderr[-2000:]}"
            print(f"[peer] {name}: FAILED rc={proc.returncode}", file=sys.stderr)
            continue
        info = json.loads(proc.stdout.strip().splitlines()[-1])
        info["subprocess_wall_s"] = wall
        report["cases"][name] = info
        med = info["median_s"]
        print(
            f"[peer] {name:28s} median {med * 1e3:10.2f} ms  (warm-up {info['warmup_s']:.2f} s, "
            f"subprocess {wall:.1f} s)",
            file=sys.stderr,
        )
    print(json.dumps(report))
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
