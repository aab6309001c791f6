"""
Compare the timings of two sets of benchmark runs case by case (e.g. before and after a change).

    .venv/bin/python benchmarks/compare.py --base old1.json old2.json --new new1.json new2.json

Each file is the data of one ``benchmarks/run.py`` run (``--data PATH``). Several runs per side
(best interleaved: base, new, base, new, ... on the same machine) are pooled: every case's single
calls from all runs of a side form one sample, whose median and minimum are compared. A case is
*slower* when both its median and its minimum rose by more than ``--tolerance`` (default 5 %):
on a shared machine one of the two alone is often noise, which the table marks as such.
The exit status is 1 when a case is slower.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_util as bu  # noqa: E402
import measure  # noqa: E402

TOLERANCE = 0.05


def flat_timings_from(data) -> dict:
    """Every timing of one run under a name: ``"s=2 image_np_fft"``, ``"taps s=4 k=11 jax_fft"``."""
    out = {}
    for case in data["ours"]:
        for name, timing in case["timings"].items():
            out[f"s={case['s']} {name}"] = timing
    for row in data["taps_sweep"]:
        for name, timing in row["timings"].items():
            out[f"taps s={row['s']} k={row['side']} {name}"] = timing
    return out


def pooled_from(timings) -> bu.Timing:
    """One Timing holding the single calls of all ``timings``."""
    return bu.Timing(times=[t for timing in timings for t in timing.times])


def verdict_from(median_ratio, min_ratio, tolerance) -> str:
    """``slower`` / ``faster`` when median and minimum agree beyond ``tolerance``; else
    ``same``, or ``noisy`` when only one of them moved by more than it."""
    up = [median_ratio > 1 + tolerance, min_ratio > 1 + tolerance]
    down = [median_ratio < 1 - tolerance, min_ratio < 1 - tolerance]
    if all(up):
        return "slower"
    if all(down):
        return "faster"
    if any(up) or any(down):
        return "noisy"
    return "same"


def comparison_from(base_runs, new_runs, tolerance=TOLERANCE) -> list:
    """:func:`comparison_from_timings` of the timings of whole runs (``run.py``'s data)."""
    return comparison_from_timings(
        [flat_timings_from(data) for data in base_runs],
        [flat_timings_from(data) for data in new_runs],
        tolerance,
    )


def comparison_from_timings(base, new, tolerance=TOLERANCE) -> list:
    """
    One dict per case timed in every run of both sides (``base`` and ``new``: lists of
    name -> Timing, one per run; in the first base run's order): ``case``, the pooled ``base``
    and ``new`` Timings, ``median_ratio`` and ``min_ratio`` (new / base) and ``verdict``.
    """
    names = [name for name in base[0] if all(name in run for run in base + new)]
    rows = []
    for name in names:
        b = pooled_from(run[name] for run in base)
        n = pooled_from(run[name] for run in new)
        median_ratio, min_ratio = n.median / b.median, n.min / b.min
        rows.append(
            dict(
                case=name,
                base=b,
                new=n,
                median_ratio=median_ratio,
                min_ratio=min_ratio,
                verdict=verdict_from(median_ratio, min_ratio, tolerance),
            )
        )
    return rows


def comparison_markdown(rows, tolerance=TOLERANCE) -> str:
    """The comparison as a markdown table and a one-line summary."""
    table = bu.markdown_table(
        ["case", "base median", "new median", "new / base", "base min", "new min", "new / base"]
        + ["verdict"],
        [
            [
                r["case"],
                bu.fmt_time(r["base"].median),
                bu.fmt_time(r["new"].median),
                f"{r['median_ratio']:.3f}",
                bu.fmt_time(r["base"].min),
                bu.fmt_time(r["new"].min),
                f"{r['min_ratio']:.3f}",
                r["verdict"],
            ]
            for r in rows
        ],
    )
    counts = {v: sum(r["verdict"] == v for r in rows) for v in ("slower", "noisy", "same")}
    counts["faster"] = len(rows) - sum(counts.values())
    summary = (
        f"{len(rows)} cases; more than {tolerance:.0%} slower on median and minimum: "
        f"{counts['slower']}; faster: {counts['faster']}; same: {counts['same']}; "
        f"only one of median / minimum moved: {counts['noisy']}."
    )
    return table + "\n\n" + summary


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", type=Path, nargs="+", required=True, help="runs before")
    parser.add_argument("--new", type=Path, nargs="+", required=True, help="runs after")
    parser.add_argument("--tolerance", type=float, default=TOLERANCE, help="relative, 0.05 = 5 %%")
    args = parser.parse_args(argv)
    rows = comparison_from(
        [measure.load(p) for p in args.base], [measure.load(p) for p in args.new], args.tolerance
    )
    print(comparison_markdown(rows, args.tolerance))
    return 1 if any(r["verdict"] == "slower" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
