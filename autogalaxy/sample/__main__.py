"""
The command line of :func:`autogalaxy.fit_sample`::

    python -m autogalaxy.sample fit DATA_DIR --model MODEL.py --out results.parquet \\
        [--scheduler ADDRESS] [--workers N] [--native-psf] [--retries N] [--no-progress]

``MODEL.py`` is a Python file that defines ``model`` (an ``ag.Model``); it may import anything
the workers can import too (classes defined in the file itself cannot be sent to workers).
Without ``--scheduler`` a ``LocalCluster`` of ``--workers`` processes (default: one per CPU) is
started and closed. The exit status is 0 when the sample ran (objects that failed are rows with
``status = "error"``, listed at the end), 2 for bad arguments or inputs.
"""

import argparse
import sys

from autogalaxy import exc
from autogalaxy.sample.sample import fit_sample, model_from_file

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m autogalaxy.sample",
        description="Fit one model to every object of a sample on Dask distributed.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    fit = commands.add_parser(
        "fit",
        help="fit every object folder of DATA_DIR",
        description="Fit every object folder of DATA_DIR (data.fits, noise_map.fits, psf.fits "
        "with OVERSAMP, optional mask.fits / info.json) and stream one row per object into the "
        "Parquet directory OUT; objects already in OUT are skipped.",
    )
    fit.add_argument("data_dir", metavar="DATA_DIR", help="directory with one folder per object")
    fit.add_argument("--model", required=True, metavar="MODEL.py", help="file defining `model`")
    fit.add_argument("--out", default="results.parquet", help="results directory")
    fit.add_argument("--scheduler", metavar="ADDRESS", help="address of a running scheduler")
    fit.add_argument("--workers", type=int, metavar="N", help="LocalCluster workers")
    fit.add_argument(
        "--native-psf",
        action="store_true",
        help="block-sum the PSF to detector pixels (for comparison with the oversampled fit)",
    )
    fit.add_argument("--retries", type=int, default=2, help="Dask retries of a failed task")
    fit.add_argument("--no-progress", action="store_true", help="no progress bar / lines")
    return parser


def main(argv=None) -> int:
    """Run the command line; return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    error_rows = []
    try:
        model = model_from_file(args.model)
        summary = fit_sample(
            args.data_dir,
            model,
            client=args.scheduler,
            out=args.out,
            n_workers=args.workers,
            native_psf=args.native_psf,
            retries=args.retries,
            progress=not args.no_progress,
            on_result=lambda row: error_rows.append(row) if row["status"] == "error" else None,
        )
    except (exc.AutoArrayException, TypeError) as error:
        parser.error(str(error))
    print(
        f"Fitted {summary.fitted} objects ({summary.errors} errors) in {summary.wall_time:.1f} s "
        f"on {summary.n_workers} workers; skipped {summary.skipped} already in {summary.out}."
    )
    for row in error_rows[:10]:
        print(f"  error {row['object_id']}: {row['error']}")
    if len(error_rows) > 10:
        print(f"  ... and {len(error_rows) - 10} more (status = 'error' in the results)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
