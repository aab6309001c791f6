"""
Helpers of the benchmark scripts that write their own section of ``benchmarks/RESULTS.md``
(``ab.py``, ``jax_inversion.py``, ``mapping_matrix.py``, ``survey.py``): the section replacement, the peak resident memory
of one call, and a one-line description of the (shared, noisy) machine.
"""

import os
import re
import time

__all__ = [
    "results_with_section",
    "write_section",
    "rss_peak_delta_from",
    "machine_lines",
]


def results_with_section(text: str, name: str, report: str) -> str:
    """
    ``text`` (RESULTS.md) with the section between ``<!-- name:start -->`` and
    ``<!-- name:end -->`` replaced by ``report`` (appended if there is none yet).
    """
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    section = f"{start}\n{report}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        return pattern.sub(lambda _: section, text, count=1)
    return text.rstrip("\n") + "\n\n" + section + "\n"


def write_section(path, name: str, report: str):
    """Write ``report`` as the section ``name`` of the file at ``path`` (created if missing)."""
    text = path.read_text() if path.exists() else ""
    path.write_text(results_with_section(text, name, report))
    print(f"[{name}] wrote its section of {path}", flush=True)


def _status() -> dict:
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":")
                out[key] = int(value.split()[0]) * 1024
    return out


def rss_peak_delta_from(fn):
    """
    ``(result, seconds, bytes)``: one call of ``fn`` and the growth of the process's peak
    resident memory during it (VmHWM after the call minus VmRSS before it, with VmHWM reset
    through ``/proc/self/clear_refs``; every allocator counts, XLA's included). ``bytes`` is None
    where the peak cannot be reset.
    """
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        can_reset = True
    except OSError:
        can_reset = False
    before = _status()["VmRSS"]
    t0 = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - t0
    return result, seconds, (_status()["VmHWM"] - before) if can_reset else None


def machine_lines(info: dict, load_start: float, load_end: float) -> list:
    """Markdown bullet lines: machine, versions, load average (the machine is shared)."""
    memory = f"{info['memory'] / 2**30:.0f} GiB RAM" if info.get("memory") else "RAM unknown"
    return [
        f"* Machine: {info['cpu']}, {info['cores']} cores ({info['affinity']} usable), {memory}; "
        f"no GPU (JAX on CPU). The machine is shared with other engineers' jobs and noisy: load "
        f"average (1 min) {load_start:.2f} at start, {load_end:.2f} at end "
        f"({os.cpu_count()} cores).",
        f"* Python {info['python']}, numpy {info['numpy']}, scipy {info['scipy']}, jax "
        f"{info['jax']} (jaxlib {info['jaxlib']}), float64 (`jax_enable_x64`).",
    ]
