"""
The reporting half of ``benchmarks/run.py``: the markdown of ``benchmarks/RESULTS.md`` from the
data of one run (``benchmarks/measure.py``).

Every number in the report comes from that data (tables generated from it, short sentence
templates around them); nothing is measured here, so a saved run can be re-reported
(``run.py --replay``).
"""

import re
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_util as bu  # noqa: E402
from measure import TOL_ENGINES, TOL_PEER, TOL_ROUTES  # noqa: E402

MEMORY_TARGET = 500e6  # bytes: peak of one mapping-matrix call at s = 4
NOISY = 1.25  # a median this much above the minimum is flagged as disturbed
BUSY_LOAD_PER_CORE = 1.5  # a load average above this many per usable core marks a busy machine

bt, br, fb = bu.fmt_time, bu.fmt_ratio, bu.fmt_bytes

# The rows of the timings table, per s: (timing name, label, compared with the bound, release
# cases whose fastest median is shown, label of that release column). Labels are formatted with
# the case's routes; a timing a run did not measure is left out.
TIMING_ROWS = (
    ("image_np_fft", "image NumPy FFT (use_fft=True)", True, ("image-fft-np",), ""),
    ("image_np_real", "image NumPy real space (use_fft=False)", True, ("image-real-np",), ""),
    (
        "image_np_auto",
        "image NumPy auto (use_fft=None -> {image_route})",
        True,
        ("image-fft-np", "image-real-np"),
        "best NumPy",
    ),
    ("image_jax_fft", "image JAX FFT (use_fft=True)", True, ("image-fft-jax",), ""),
    ("image_jax_real", "image JAX real space (direct)", True, ("image-real-jax",), ""),
    (
        "image_jax_auto",
        "image JAX auto (use_fft=None -> {image_route})",
        True,
        ("image-fft-jax", "image-real-jax"),
        "best JAX",
    ),
    (
        "image_np_nostate",
        "image NumPy, no state (fresh convolver, first call)",
        False,
        ("image-fft-np-nostate",),
        "",
    ),
    ("state_from", "state_from(mask) (FFT engine state)", False, (), ""),
    ("operator_build", "real-space operator build (lazy, first real-space use)", False, (), ""),
    (
        "mm_np_sparse_noblur",
        "mapping matrix NumPy sparse (use_fft=False), no blurring MM",
        False,
        ("mm-fft-np", "mm-real-np"),
        "best NumPy",
    ),
    (
        "mm_np_sparse",
        "mapping matrix NumPy sparse (use_fft=False{sparse_is_auto})",
        False,
        ("mm-fft-np", "mm-real-np"),
        "best NumPy",
    ),
    (
        "mm_np_fft",
        "mapping matrix NumPy FFT (use_fft=True{fft_is_auto})",
        False,
        ("mm-fft-np",),
        "",
    ),
    (
        "mm_jax_fft",
        "mapping matrix JAX FFT (dense input)",
        False,
        ("mm-fft-jax", "mm-real-jax"),
        "best JAX",
    ),
)
# Release mapping-matrix cases that a run may leave out (time budget).
PEER_MM_CASES = tuple(
    f"mm-{method}-{backend}-s{s}"
    for s in (1, 2, 4)
    for backend in ("np", "jax")
    for method in ("fft", "real")
)


def noisy_mark(timing) -> str:
    """``" *"`` when the median is well above the minimum (a disturbed measurement)."""
    return " *" if timing.median > NOISY * timing.min else ""


def peer_best(peer, *names):
    """The release case with the lowest median among ``names`` (those that ran), or None."""
    found = [peer["cases"][n] for n in names if peer and n in peer["cases"]]
    if not found:
        return None
    return min(found, key=lambda info: info["timing"].median)


def crossover_from(xs, ratios):
    """
    Where ``ratio`` (t_sparse_or_real / t_fft) crosses 1, interpolating log(ratio) linearly in
    log(x) between the measured points; ``(value, kind)`` with kind "at", "above" (every ratio
    below 1: the largest x) or "below" (the first ratio already >= 1: the smallest x).
    """
    xs, ratios = np.asarray(xs, dtype=float), np.asarray(ratios, dtype=float)
    order = np.argsort(xs)
    xs, ratios = xs[order], ratios[order]
    if np.all(ratios < 1):
        return float(xs[-1]), "above"
    if ratios[0] >= 1:
        return float(xs[0]), "below"
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


# --------------------------------------------------------------------------- method


def command_of(data) -> str:
    args = data["args"]
    flags = (" --quick" if args["quick"] else "") + (" --no-peer" if args["no_peer"] else "")
    return f".venv/bin/python benchmarks/run.py{flags}"


def load_note(machine) -> str:
    """The load average sentence; says the machine was busy when it was."""
    cores = machine.get("affinity") or machine["cores"]
    highest = machine["load_max"]
    text = (
        f"Load average (1 min) at start {machine['load_start']:.2f}, at end "
        f"{machine['load_end']:.2f}, highest after a stage {highest:.2f}"
    )
    if highest > BUSY_LOAD_PER_CORE * cores:
        return text + (
            f" -- **the machine was busy (load above {BUSY_LOAD_PER_CORE:g} per core): other "
            "processes ran during the benchmark and the timings are inflated**."
        )
    return text + "."


def method_lines(data) -> list:
    machine, cfg, peer = data["machine"], data["settings"], data["peer"]
    quick = "quick: " if data["args"]["quick"] else ""
    mem = f"{machine['memory'] / 2**30:.0f} GiB" if machine.get("memory") else "?"
    lines = [
        "# Convolver benchmark",
        "",
        f"Generated by `{command_of(data)}` on {machine['date']} (whole run "
        f"{data['wall_s']:.0f} s).",
        "",
        f"* Machine: {machine['cpu']}, {machine['cores']} cores ({machine['affinity']} usable), "
        f"{mem} RAM; `scipy.fft` default workers (1 thread). {load_note(machine)}",
        f"* Ours (`.venv`): Python {machine['python']}, numpy {machine['numpy']}, scipy "
        f"{machine['scipy']}, jax {machine['jax']} (jaxlib {machine['jaxlib']}), float64 "
        f"(`jax_enable_x64`), JAX on {machine.get('jax_backend', 'cpu').upper()}.",
    ]
    if peer:
        v = peer.get("versions", {})
        lines.append(
            f"* Release (`.venv-peer`): autoarray {v.get('autoarray')}, Python {v.get('python')}, "
            f"numpy {v.get('numpy')}, scipy {v.get('scipy')}, jax {v.get('jax')}; timed by "
            "`benchmarks/peer/peer_bench.py` (one subprocess per case)."
        )
    else:
        lines.append(f"* Release: not run ({data['peer_note']}).")
    lines += [
        "* Scene (`benchmarks/peer/scene.py`, identical inputs on both sides): 100x100 image, "
        '0.1" pixels, circular 3" mask (2828 pixels), Gaussian PSF sigma 0.2" normalised '
        "(21x21; 41x41 at s=2; 83x83 at s=4), mapping matrix 1000 columns, 3 non-zeros per fine "
        "row summing to 1 (ours: scipy.sparse CSR, with a blurring mapping matrix; the release "
        "gets the dense matrix and no blurring mapping matrix, as its inversions call it).",
        f"* Timing: median and min of single calls after one warm-up call ({quick}>= "
        f"{cfg['repeats']} repeats and >= {cfg['min_seconds']} s for fast calls; "
        f"{cfg['mm_repeats']} for mapping matrices, {cfg['heavy_repeats']} at s=4); release: "
        f"{cfg['peer_image_repeats']} repeats for images, {cfg['peer_mm_repeats']} for mapping "
        "matrices, 1 at s=4. JAX: jitted, `block_until_ready`, compile excluded; JAX CPU times "
        "of ~0.1 ms calls are bimodal (thread-pool wake-ups), compare the minima too.",
        "* bound = `scipy.fft.rfft2` -> multiply by a cached kernel FFT -> `irfft2` of our frame "
        "`state.fft_shape` at s=1 and of the FINE frame `state.fft_shape * s` at s>1 (what "
        "blurring at fine resolution then binning costs).",
        "",
    ]
    return lines


# --------------------------------------------------------------------------- timings


def timing_row(label, s, t, bound=None, release=None, release_label="") -> list:
    rel = release["timing"] if release else None
    return [
        label,
        s,
        bt(t.median) + noisy_mark(t),
        bt(t.min),
        bt(bound.median) if bound else "-",
        br(t.median / bound.median) if bound else "-",
        (bt(rel.median) + noisy_mark(rel) + (f" ({release_label})" if release_label else ""))
        if rel
        else "-",
        bt(rel.min) if rel else "-",
        br(rel.median / t.median) if rel else "-",
    ]


def timings_lines(data) -> list:
    peer = data["peer"]
    rows = []
    for case in data["ours"]:
        s, t, info = case["s"], case["timings"], case["info"]
        b = t["bound"]
        shape = info["bound_shape"]
        rows.append(
            [f"**bound** rFFT pair {shape[0]}x{shape[1]}", s, bt(b.median), bt(b.min)] + [""] * 5
        )
        labels = dict(
            image_route=info["auto_image_route"],
            sparse_is_auto=", = auto" if info["auto_mm_route"] == "sparse" else "",
            fft_is_auto=", = auto" if info["auto_mm_route"] == "fft" else "",
        )
        for name, label, vs_bound, release_cases, release_label in TIMING_ROWS:
            if name not in t:
                continue
            release = peer_best(peer, *(f"{c}-s{s}" for c in release_cases))
            rows.append(
                timing_row(
                    label.format(**labels),
                    s,
                    t[name],
                    b if vs_bound else None,
                    release,
                    release_label,
                )
            )
    header = ["case", "s", "ours median", "ours min", "bound", "ours / bound"]
    header += ["release median", "release min", "release / ours"]
    lines = ["## Timings", "", bu.markdown_table(header, rows), ""]
    lines.append(
        f"\\* median more than {NOISY}x the minimum: those calls were disturbed (other "
        "processes, page faults, JAX thread-pool wake-ups); compare the minima as well."
    )
    lines.append(
        "Release cases: NumPy ignores `use_fft` (one `scipy.signal.convolve(method='auto')` "
        "path) and JAX at s>1 always runs its FFT path, so those 'fft' and 'real' cases are the "
        "same code; 'best' takes the faster median; JAX 'best' is the faster of its FFT / direct "
        "routes. Mapping-matrix rows with a blurring mapping matrix do more work than the release "
        "(which gets none); the row without it has inputs identical to the release's."
    )
    if peer:
        skipped = [name for name in PEER_MM_CASES if name not in peer["cases"]]
        lines.append(
            f"Release cases not run (time budget; slower or identical routes): {', '.join(skipped)}."
        )
        if peer.get("errors"):
            lines.append(f"Release errors: {peer['errors']}")
    lines.append("")
    return lines


# ---------------------------------------------------------------------------- memory


def memory_lines(data) -> list:
    rows = []
    for case in data["ours"]:
        s, mem = case["s"], case["memory"]
        rel = peer_best(data["peer"], f"mm-fft-np-s{s}")
        rows.append(
            [
                s,
                fb(mem["mm_sparse_peak"]),
                fb(mem["mm_fft_peak"]),
                fb(rel["memory"].get("tracemalloc_peak_bytes")) if rel else "-",
                fb(mem["state_peak"]),
                f"{fb(mem['operator_bytes'])} ({case['info']['operator_nnz'] / 1e6:.1f} M nnz)",
                fb(mem["operator_peak"]),
            ]
        )
    header = [
        "s",
        "ours MM sparse call",
        "ours MM FFT call",
        "release MM NumPy call",
        "ours state_from",
        "real-space operator (held in state)",
        "state_from + operator build peak",
    ]
    return [
        "## Memory (tracemalloc peak of one call: NumPy + Python allocations)",
        "",
        bu.markdown_table(header, rows),
        "",
    ]


# --------------------------------------------------------------------------- targets


def verdict(ok) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def target_rows(data) -> list:
    """``[target, measured, verdict]`` rows of the acceptance targets."""
    peer, ours = data["peer"], data["ours"]
    rows = []
    for case in ours:
        t = case["timings"]
        ratio = t["image_np_auto"].median / t["bound"].median
        ratio_min = t["image_np_auto"].min / t["bound"].min
        rows.append(
            [
                f"NumPy image (auto) within 1.3x of the rFFT bound, s={case['s']}",
                f"{ratio:.2f}x median ({ratio_min:.2f}x min)",
                verdict(ratio <= 1.3),
            ]
        )
    for case in ours:
        s, ours_t = case["s"], case["timings"]["image_np_auto"]
        name = f"NumPy image >= 2.5x faster than the release, s={s}"
        rel = peer_best(peer, f"image-fft-np-s{s}", f"image-real-np-s{s}")
        if rel is None:
            rows.append([name, "release not run", verdict(None)])
            continue
        speed = rel["timing"].median / ours_t.median
        speed_min = rel["timing"].min / ours_t.min
        rows.append([name, f"{speed:.1f}x median ({speed_min:.1f}x min)", verdict(speed >= 2.5)])
    for case in ours:
        s, ours_t = case["s"], case["timings"]["image_jax_auto"]
        name = f"JAX image (auto) no slower than the release's best JAX route, s={s}"
        rel = peer_best(peer, f"image-fft-jax-s{s}", f"image-real-jax-s{s}")
        if rel is None:
            rows.append([name, "release not run", verdict(None)])
            continue
        rel_t = rel["timing"]
        rows.append(
            [
                name,
                f"ours {bt(ours_t.median)} vs {bt(rel_t.median)} (release / ours "
                f"{rel_t.median / ours_t.median:.2f}x median, {rel_t.min / ours_t.min:.2f}x min)",
                verdict(ours_t.median <= rel_t.median),
            ]
        )
    for case in ours:
        s, t = case["s"], case["timings"]
        name = f"mapping matrix >= 10x faster than the release (NumPy), s={s}"
        rel = peer_best(peer, f"mm-fft-np-s{s}", f"mm-real-np-s{s}")
        if rel is None:
            rows.append([name, "release not run", verdict(None)])
            continue
        same = rel["timing"].median / t["mm_np_sparse_noblur"].median
        blur = rel["timing"].median / t["mm_np_sparse"].median
        rows.append(
            [
                name,
                f"{same:.1f}x same inputs; {blur:.1f}x with our blurring MM",
                verdict(same >= 10),
            ]
        )
    largest = max(ours, key=lambda case: case["s"])
    mem = largest["memory"]
    rows.append(
        [
            f"mapping-matrix call peak memory < {MEMORY_TARGET / 1e6:.0f} MB at "
            f"s={largest['s']} (auto = {largest['info']['auto_mm_route']} route)",
            f"{fb(mem['mm_sparse_peak'])} (FFT route {fb(mem['mm_fft_peak'])}; state: operator "
            f"{fb(mem['operator_bytes'])} held, build peak {fb(mem['operator_peak'])})",
            verdict(mem[f"mm_{largest['info']['auto_mm_route']}_peak"] < MEMORY_TARGET),
        ]
    )
    peak = mem["operator_peak"]
    rows.append(
        [
            f"(not a target) state building at s={largest['s']}: state_from + sparse operator peak",
            f"{fb(peak)} ({'over' if peak >= MEMORY_TARGET else 'under'} "
            f"{MEMORY_TARGET / 1e6:.0f} MB; the operator it keeps is {fb(mem['operator_bytes'])})",
            "info",
        ]
    )
    for case in ours:
        diff = case["diffs"]["mm_routes"]
        rows.append(
            [
                f"sparse vs FFT mapping-matrix routes agree to {TOL_ROUTES:g}, s={case['s']}",
                f"max |diff| = {diff:.2e}",
                verdict(diff <= TOL_ROUTES),
            ]
        )
    return rows


def target_lines(data) -> list:
    table = bu.markdown_table(["target", "measured", "verdict"], target_rows(data))
    return ["## Acceptance targets", "", table, ""]


# ---------------------------------------------------------------------- cross-checks


def peer_diff_text(diffs, key) -> str:
    diff = diffs.get(key)
    if diff is None:
        return "-"
    return f"{diff:.1e}" + ("" if diff <= TOL_PEER else " **MISMATCH**")


def crosscheck_lines(data) -> list:
    rows = []
    for case in data["ours"]:
        d = case["diffs"]
        rows.append(
            [
                case["s"],
                f"{d['image_engines']:.1e}",
                f"{d['mm_routes']:.1e}",
                f"{d['mm_jax']:.1e}" if "mm_jax" in d else "-",
                peer_diff_text(d["peer"], "image_np"),
                peer_diff_text(d["peer"], "image_jax"),
                peer_diff_text(d["peer"], "mm"),
            ]
        )
    header = [
        "s",
        "image: NumPy FFT vs real / auto / JAX FFT / JAX direct",
        "MM sparse vs FFT",
        "MM JAX vs sparse",
        "ours vs release image (NumPy)",
        "ours vs release image (JAX)",
        "ours vs release MM (no blurring MM)",
    ]
    return [
        "## Numerical cross-checks (max |difference|)",
        "",
        bu.markdown_table(header, rows),
        "",
        f"Our engines are asserted to agree to {TOL_ENGINES:g}; a release mismatch above "
        f"{TOL_PEER:g} would be flagged **MISMATCH** (a convention difference at s>1 is "
        "reported, not hidden).",
        "",
    ]


# ------------------------------------------------------------------------ thresholds


def taps_points_from(data) -> list:
    """The sweep's kernels and the scene's, sorted by (s, taps): one dict per point."""
    points = [
        dict(
            s=row["s"],
            kernel=f"{row['side']}x{row['side']}",
            taps=row["taps"],
            nnz=row["nnz"],
            frame=row["fft_shape"],
            timings=row["timings"],
        )
        for row in data["taps_sweep"]
    ]
    for case in data["ours"]:
        info, t = case["info"], case["timings"]
        points.append(
            dict(
                s=case["s"],
                kernel=f"{info['kernel_shape'][0]}x{info['kernel_shape'][1]} (scene)",
                taps=info["taps"],
                nnz=info["operator_nnz"],
                frame=info["fft_shape"],
                timings={
                    "real": t["image_np_real"],
                    "fft": t["image_np_fft"],
                    "jax_real": t["image_jax_real"],
                    "jax_fft": t["image_jax_fft"],
                },
            )
        )
    return sorted(points, key=lambda p: (p["s"], p["taps"]))


def taps_lines(data) -> list:
    points = taps_points_from(data)
    rows = []
    for p in points:
        m = {name: timing.median for name, timing in p["timings"].items()}
        rows.append(
            [
                p["s"],
                p["kernel"],
                p["taps"],
                p["nnz"],
                f"{p['frame'][0]}x{p['frame'][1]}",
                bt(m["real"]),
                bt(m["fft"]),
                f"{m['real'] / m['fft']:.2f}",
                bt(m["jax_real"]),
                bt(m["jax_fft"]),
                f"{m['jax_real'] / m['jax_fft']:.2f}",
            ]
        )
    header = ["s", "fine kernel", "taps s^2 K^2", "operator nnz", "FFT frame", "NumPy real"]
    header += ["NumPy FFT", "NumPy real / FFT", "JAX direct", "JAX FFT", "JAX direct / FFT"]
    lines = [
        f"### `REAL_SPACE_MAX_TAPS` (now {data['thresholds']['REAL_SPACE_MAX_TAPS']}): image, "
        "real space vs FFT (NumPy: sparse operator; JAX: `jax.scipy.signal.convolve` direct)",
        "",
        bu.markdown_table(header, rows),
        "",
    ]
    for backend, real, fft in (("NumPy", "real", "fft"), ("JAX", "jax_real", "jax_fft")):
        for s in sorted({p["s"] for p in points}):
            pts = [p for p in points if p["s"] == s]
            taps = [p["taps"] for p in pts]
            ratios = [p["timings"][real].median / p["timings"][fft].median for p in pts]
            lines.append(f"* {backend}, s={s}: {crossover_text(taps, ratios, 'taps', s * s + 1)}")
    lines += [
        "* Per-transform figure: the FFT engine does s^2 forward transforms + 1 inverse of the "
        "native frame, so a crossover in taps / (s^2 + 1) that is the same at every s means "
        "the threshold should scale with s^2 + 1.",
        "",
    ]
    return lines


def density_lines(data) -> list:
    rows, bullets = [], []
    for case in data["ours"]:
        t, taps = case["timings"], case["info"]["taps"]
        densities, ratios = [], []
        for row in case["density_sweep"]:
            sparse = t[row["sparse"]].median
            fft = t[row["fft"] or "mm_np_fft"].median
            densities.append(row["density"])
            ratios.append(sparse / fft)
            rows.append(
                [
                    case["s"],
                    taps,
                    row["nnz"],
                    f"{row['density']:.4f}",
                    bt(sparse),
                    bt(fft) + ("" if row["fft"] else " (nnz=3 run)"),
                    f"{sparse / fft:.2f}",
                    "sparse" if sparse < fft else "FFT",
                ]
            )
        value, kind = crossover_from(densities, ratios)
        sign = {"at": "~", "above": ">", "below": "<"}[kind]
        bullets.append(
            f"* s={case['s']} ({taps} taps): "
            f"{crossover_text(densities, ratios, 'density')}; density x taps "
            f"{sign}{value * taps:.3g}."
        )
    header = ["s", "taps", "nnz / row", "density", "sparse", "FFT", "sparse / FFT", "faster"]
    return [
        f"### `SPARSE_MAX_DENSITY` (now {data['thresholds']['SPARSE_MAX_DENSITY']}): mapping "
        "matrix, NumPy, sparse operator vs FFT route",
        "",
        bu.markdown_table(header, rows),
        "",
        *bullets,
        "",
    ]


# --------------------------------------------------------------------------- summary


def summary_table(data) -> str:
    """The README's table: medians of the NumPy / JAX image and mapping-matrix headline ratios."""
    peer, ours = data["peer"], data["ours"]

    def speedup(release_names, ours_timing, s):
        rel = peer_best(peer, *(f"{name}-s{s}" for name in release_names))
        return br(rel["timing"].median / ours_timing.median) if rel else "-"

    rows = [
        ["NumPy image / rFFT bound"]
        + [br(c["timings"]["image_np_auto"].median / c["timings"]["bound"].median) for c in ours],
        ["NumPy image, speed-up over the release"]
        + [
            speedup(("image-fft-np", "image-real-np"), c["timings"]["image_np_auto"], c["s"])
            for c in ours
        ],
        ["JAX image, speed-up over the release's best JAX route"]
        + [
            speedup(("image-fft-jax", "image-real-jax"), c["timings"]["image_jax_auto"], c["s"])
            for c in ours
        ],
        ["1000-column mapping matrix, speed-up over the release (same inputs)"]
        + [
            speedup(("mm-fft-np", "mm-real-np"), c["timings"]["mm_np_sparse_noblur"], c["s"])
            for c in ours
        ],
    ]
    memory = ["mapping-matrix call peak memory (release)"]
    for case in ours:
        route = case["info"]["auto_mm_route"]
        rel = peer_best(peer, f"mm-fft-np-s{case['s']}")
        rel_bytes = rel["memory"].get("tracemalloc_peak_bytes") if rel else None
        memory.append(
            fb(case["memory"][f"mm_{route}_peak"]) + (f" ({fb(rel_bytes)})" if rel_bytes else "")
        )
    rows.append(memory)
    return bu.markdown_table([""] + [f"s = {c['s']}" for c in ours], rows)


# ---------------------------------------------------------------------------- report


def report_from(data) -> str:
    """The markdown of RESULTS.md (without the sparse-operator section) for one run's data."""
    lines = method_lines(data)
    lines += timings_lines(data)
    lines += memory_lines(data)
    lines += target_lines(data)
    lines += crosscheck_lines(data)
    lines += ["## Engine thresholds in `convolver.py`", ""]
    lines += taps_lines(data)
    lines += density_lines(data)
    return "\n".join(lines)


def with_sections_of(report, text) -> str:
    """
    ``report`` followed by every section of ``text`` between markers ``<!-- NAME:start -->`` and
    ``<!-- NAME:end -->`` (markers included, in their order): the sections the other benchmark
    scripts write (sparse operator, mapping matrix, JAX inversion, survey, A/B) outlive a rewrite.
    """
    sections = [
        match.group(0)
        for match in re.finditer(
            r"<!-- ([\w-]+):start -->.*?<!-- \1:end -->", text, flags=re.DOTALL
        )
    ]
    return "\n\n".join([report.rstrip("\n"), *sections]) if sections else report
