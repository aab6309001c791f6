"""
Helpers for ``benchmarks/run.py``: the shared scene, timing, memory, machine information and the
subprocess call into the release's harness (``benchmarks/peer/peer_bench.py``).

The scene is ``benchmarks/peer/scene.py`` (NumPy only), imported by path, so that our library and
the released PyAutoArray convolve exactly the same numbers.
"""

import datetime
import gc
import importlib.metadata
import importlib.util
import json
import math
import os
import platform
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SCENE_PATH = HERE / "peer" / "scene.py"
PEER_BENCH = HERE / "peer" / "peer_bench.py"
PEER_PYTHON = ROOT / ".venv-peer" / "bin" / "python"


def load_scene():
    """The shared scene module (``benchmarks/peer/scene.py``), imported by path."""
    if not SCENE_PATH.exists():
        raise SystemExit(f"{SCENE_PATH} is missing: the benchmark scene lives there.")
    spec = importlib.util.spec_from_file_location("peer_scene", SCENE_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sparse_mapping_matrix_from(n_rows, n_cols, seed, nnz=3, window=11) -> scipy.sparse.csr_array:
    """
    ``scene.mapping_matrix(n_rows, n_cols, seed, nnz, window)`` built directly as a CSR matrix.

    The same random draws in the same order, so the values are identical (``run.py`` checks it);
    the dense fine matrix (~360 MB at s = 4) is never formed.
    """
    rng = np.random.default_rng(seed)
    centre = (np.arange(n_rows) * n_cols) // n_rows
    start = np.clip(centre - window // 2, 0, n_cols - window)
    offsets = np.argsort(rng.random((n_rows, window)), axis=1)[:, :nnz]
    cols = start[:, None] + offsets
    weights = rng.random((n_rows, nnz)) + 0.1
    weights /= weights.sum(axis=1, keepdims=True)
    order = np.argsort(cols, axis=1)
    cols = np.take_along_axis(cols, order, axis=1)
    weights = np.take_along_axis(weights, order, axis=1)
    indptr = np.arange(0, n_rows * nnz + 1, nnz)
    return scipy.sparse.csr_array(
        (weights.ravel(), cols.ravel().astype(np.int32), indptr), shape=(n_rows, n_cols)
    )


def log(message):
    """A progress line on stderr (reports go to stdout)."""
    print(message, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------ timing


@dataclass
class Timing:
    """Seconds per call over the timed repeats (one warm-up call excluded)."""

    times: list = field(default_factory=list)
    warmup: float = float("nan")

    @property
    def median(self) -> float:
        return float(np.median(self.times)) if self.times else float("nan")

    @property
    def min(self) -> float:
        return float(np.min(self.times)) if self.times else float("nan")

    @property
    def n(self) -> int:
        return len(self.times)

    @classmethod
    def from_seconds(cls, times, warmup=float("nan")) -> "Timing":
        return cls(times=[float(t) for t in times], warmup=float(warmup))


def timing_from(fn, repeats, min_seconds=0.0, max_repeats=1000, warmup=True) -> Timing:
    """
    Time ``fn()``: one warm-up call (its time kept apart: for JAX it includes compilation), then
    at least ``repeats`` calls and more (up to ``max_repeats``) until about ``min_seconds`` have
    been spent, judged from the first timed call. GC is off while timing.
    """
    gc.collect()
    first = float("nan")
    if warmup:
        t0 = time.perf_counter()
        fn()
        first = time.perf_counter() - t0
    times = []
    enabled = gc.isenabled()
    gc.disable()
    try:
        n = repeats
        while len(times) < n:
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
            if len(times) == 1 and min_seconds > 0 and times[0] > 0:
                n = max(repeats, min(max_repeats, math.ceil(min_seconds / times[0])))
    finally:
        if enabled:
            gc.enable()
    return Timing(times=times, warmup=first)


def tracemalloc_peak_from(fn):
    """``(result, peak bytes)`` of one call of ``fn`` under ``tracemalloc`` (NumPy + Python)."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


# ------------------------------------------------------------------------ formatting


def fmt_time(seconds) -> str:
    if seconds is None or not np.isfinite(seconds):
        return "-"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} us"
    if seconds < 1.0:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds:.3g} s"


def fmt_ratio(value) -> str:
    if value is None or not np.isfinite(value):
        return "-"
    return f"{value:.2f}x" if value < 10 else f"{value:.1f}x"


def fmt_bytes(n) -> str:
    if n is None:
        return "-"
    return f"{n / 1e6:.1f} MB" if n < 1e9 else f"{n / 1e9:.2f} GB"


def markdown_table(header, rows) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


# --------------------------------------------------------------------------- machine


def _version(name):
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def machine_info() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = None
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem = int(line.split()[1]) * 1024
                    break
    except OSError:
        pass
    return dict(
        date=datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        cpu=cpu,
        cores=os.cpu_count(),
        affinity=len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        memory=mem,
        python=platform.python_version(),
        numpy=np.__version__,
        scipy=_version("scipy"),
        jax=_version("jax"),
        jaxlib=_version("jaxlib"),
    )


# ------------------------------------------------------------------------------ peer


def peer_available() -> bool:
    return PEER_PYTHON.exists() and PEER_BENCH.exists()


def peer_report_from(cases, repeats, heavy_repeats=1, save_dir=None, timeout=600.0) -> dict:
    """
    Run ``peer_bench.py`` (the release, in ``.venv-peer``) on ``cases``; return its JSON report
    (``cases``, ``errors``, ``versions``...). Its progress lines go to our stderr.
    """
    cmd = [
        str(PEER_PYTHON),
        str(PEER_BENCH),
        "--cases",
        json.dumps(list(cases)),
        "--repeats",
        str(repeats),
        "--heavy-repeats",
        str(heavy_repeats),
        "--timeout",
        str(timeout),
    ]
    if save_dir is not None:
        cmd += ["--save-dir", str(save_dir)]
    proc = subprocess.run(
        cmd, stdout=subprocess.PIPE, stderr=sys.stderr, text=True, cwd=ROOT, check=False
    )
    lines = proc.stdout.strip().splitlines()
    if not lines:
        return {"cases": {}, "errors": {"*": f"peer_bench.py rc={proc.returncode}, no output"}}
    return json.loads(lines[-1])
