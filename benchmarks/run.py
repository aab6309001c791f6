"""
Benchmark of ``autoarray.Convolver`` against the dense rFFT lower bound and the released
PyAutoArray (``autoarray==2026.10.26.1`` in ``.venv-peer``), all measured in one run.

    .venv/bin/python benchmarks/run.py            # full run, prints the markdown report
    .venv/bin/python benchmarks/run.py --write    # ... and writes benchmarks/RESULTS.md
    .venv/bin/python benchmarks/run.py --quick    # few repeats, no heavy release cases
    .venv/bin/python benchmarks/run.py --no-peer  # skip the release
    .venv/bin/python benchmarks/run.py --replay   # report the last run's saved data again
    .venv/bin/python benchmarks/run.py --replay --summary   # ... as the README's summary table

``benchmarks/measure.py`` measures (its docstring describes the scene and the data),
``benchmarks/report.py`` writes the markdown, ``benchmarks/compare.py`` compares two runs' data
case by case. The data of every run is saved as JSON (``--data``, by default
``benchmarks/output/last_run.json``, git-ignored). ``--write`` keeps the section of RESULTS.md
that ``benchmarks/sparse_operator.py`` writes.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_util as bu  # noqa: E402
import measure  # noqa: E402
import report  # noqa: E402

HERE = Path(__file__).resolve().parent
RESULTS_PATH = HERE / "RESULTS.md"
DATA_PATH = HERE / "output" / "last_run.json"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few repeats, no heavy release case")
    parser.add_argument("--no-peer", action="store_true", help="skip the release (peer)")
    parser.add_argument("--write", action="store_true", help=f"write {RESULTS_PATH.name}")
    parser.add_argument(
        "--replay", action="store_true", help="report the saved data instead of measuring"
    )
    parser.add_argument(
        "--summary", action="store_true", help="print the README's summary table, not the report"
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=DATA_PATH,
        help=f"where the run's data is saved (read with --replay); default {DATA_PATH}",
    )
    args = parser.parse_args(argv)
    if args.replay:
        data = measure.load(args.data)
    else:
        cfg = measure.QUICK if args.quick else measure.FULL
        data = measure.measurements_from(cfg, quick=args.quick, no_peer=args.no_peer)
        measure.save(data, args.data)
        bu.log(f"[bench] data saved to {args.data}")
    if args.summary:
        print(report.summary_table(data))
        return 0
    markdown = report.report_from(data)
    print(markdown)
    if args.write:
        existing = RESULTS_PATH.read_text() if RESULTS_PATH.exists() else ""
        text = report.with_sections_of(markdown, existing)
        RESULTS_PATH.write_text(text + "\n")
        bu.log(f"[bench] wrote {RESULTS_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
