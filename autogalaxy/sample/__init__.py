"""
Fit one model to a whole sample of objects on Dask distributed: ``ag.fit_sample`` and the command
line ``python -m autogalaxy.sample fit DATA_DIR --model MODEL.py --out results.parquet``.

:mod:`autogalaxy.sample.folder` describes the folder layout of an object, and
:mod:`autogalaxy.sample.store` the results directory. Dask is imported when a sample is fitted,
not with ``autogalaxy``.
"""

from autogalaxy.sample.folder import imaging_from_folder, object_folders_in, output_to_folder
from autogalaxy.sample.sample import (
    SampleSummary,
    fit_object,
    fit_sample,
    model_from_file,
    objects_from,
)
from autogalaxy.sample.store import results_from

__all__ = [
    "fit_sample",
    "fit_object",
    "objects_from",
    "model_from_file",
    "SampleSummary",
    "imaging_from_folder",
    "object_folders_in",
    "output_to_folder",
    "results_from",
]
