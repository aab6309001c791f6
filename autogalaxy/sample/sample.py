"""
``ag.fit_sample``: fit one model to many objects on Dask distributed.

Each object is one Dask task, :func:`fit_object`, that loads its own files on the worker (only
the path and the model travel), fits with :func:`autogalaxy.fit` and returns one row. The client
collects rows as tasks finish and streams them into a Parquet results directory
(:class:`autogalaxy.sample.store.ResultStore`), showing count, rate and ETA.

Fault tolerance
---------------
* An object whose loading or fit raises (corrupt FITS, a PSF without ``OVERSAMP``, an invalid
  profile) becomes a row with ``status = "error"`` and the exception's type and message; the other
  objects go on.
* A worker that dies takes its running task with it: the scheduler reruns the task on another
  worker (up to ``distributed.scheduler.allowed-failures`` times, then the object gets an error
  row with ``KilledWorker``), and ``retries`` reruns a task that ran out of memory or failed
  outside the fit (e.g. its arguments could not be unpickled); once they are spent the object
  gets an error row with that exception. A fit is deterministic (same inputs, BLAS pinned to one
  thread), so a rerun task returns the same row; the store writes each object once.
* A rerun into the same results directory skips every object it holds (error rows included: their
  errors are deterministic; to retry them, fit those objects into a new directory).
"""

import dataclasses
import math
import numbers
import os
import runpy
import time
import uuid
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from autoarray import Imaging
from autoarray.progress_util import Progress
from autogalaxy import exc
from autogalaxy.modeling.fit_model import fit
from autogalaxy.modeling.model import Model, free_model_from
from autogalaxy.sample import folder as folder_util
from autogalaxy.sample.store import ResultStore, results_from

__all__ = ["fit_sample", "fit_object", "objects_from", "model_from_file", "SampleSummary"]

FIT_OPTIONS = ("xtol", "ftol", "gtol", "max_nfev")


def objects_from(paths_or_datasets) -> list:
    """
    ``[(object_id, source)]`` of a sample: ``source`` an absolute folder path (str) or a dataset.

    Parameters
    ----------
    paths_or_datasets : str, pathlib.Path, sequence or dict
        A directory of object folders; a sequence of object folders (id: the folder's name) and/or
        ``Imaging`` datasets (id: the position, zero padded); or a dict ``{id: folder or
        dataset}``.

    Returns
    -------
    list of tuple

    Raises
    ------
    TypeError
        If an entry is neither a path nor an ``Imaging``, or a single dataset is given.
    autogalaxy.exc.DatasetException
        If the directory holds no object folder or is itself an object folder, two objects share
        an id, or the sample is empty.
    """
    if isinstance(paths_or_datasets, str | os.PathLike):
        data_dir = Path(paths_or_datasets)
        if (data_dir / "data.fits").exists():
            raise exc.DatasetException(
                f"{data_dir} is an object folder (it holds data.fits); give the directory of "
                f"object folders, {data_dir.parent}, or a list: [{str(data_dir)!r}]."
            )
        entries = list(folder_util.object_folders_in(data_dir))
    elif isinstance(paths_or_datasets, Imaging):
        raise TypeError("fit_sample needs a sample of datasets; pass a list: [dataset].")
    elif isinstance(paths_or_datasets, dict):
        entries = list(paths_or_datasets.items())
    else:
        entries = list(paths_or_datasets)
    if not entries:
        raise exc.DatasetException("The sample is empty: give at least one object.")
    width = len(str(len(entries) - 1))
    objects = []
    for index, entry in enumerate(entries):
        object_id, source = entry if isinstance(paths_or_datasets, dict) else (None, entry)
        if isinstance(source, str | os.PathLike):
            source = str(Path(source).resolve())
            object_id = Path(source).name if object_id is None else object_id
        elif isinstance(source, Imaging):
            object_id = f"{index:0{width}d}" if object_id is None else object_id
        else:
            raise TypeError(
                f"Sample entry {index} is a {type(source).__name__}; each object is a folder "
                "path or an ag.Imaging dataset."
            )
        objects.append((str(object_id), source))
    ids = [object_id for object_id, _ in objects]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise exc.DatasetException(
            f"Object ids must be unique, got {duplicates[:5]} more than once (folders of the "
            "same name in different directories?); pass a dict {id: path} to name them."
        )
    return objects


def model_from_file(path) -> Model:
    """
    The ``model`` a Python file defines (the ``--model`` file of the command line).

    Parameters
    ----------
    path : str or pathlib.Path
        A Python file that assigns ``model = ag.Model(...)``; it is run with ``runpy``.

    Returns
    -------
    Model

    Raises
    ------
    autogalaxy.exc.ModelException
        If the file does not exist, or defines no ``model`` that is an ``ag.Model``.
    """
    path = Path(path)
    if not path.is_file():
        raise exc.ModelException(f"The model file {path} does not exist.")
    namespace = runpy.run_path(str(path))
    model = namespace.get("model")
    if not isinstance(model, Model):
        found = "nothing" if model is None else f"a {type(model).__name__}"
        raise exc.ModelException(
            f"{path} must define `model = ag.Model(...)`, but `model` is {found}; e.g. "
            "model = ag.Model(ag.Galaxy, redshift=0.5, bulge=ag.lp.Sersic)."
        )
    return model


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return "local"


def fit_object(
    source, model: Model, object_id: str, native_psf: bool = False, fit_options=None
) -> dict:
    """
    Load and fit one object; return its results row (the Dask task of :func:`fit_sample`).

    Parameters
    ----------
    source : str or autoarray.Imaging
        An object folder (loaded with :func:`imaging_from_folder`) or a dataset.
    model : Model
        The model to fit.
    object_id : str
        The row's ``object_id``.
    native_psf : bool
        Fit with the PSF block-summed to detector pixels (see :func:`imaging_from_folder`).
    fit_options : dict or None
        Keywords of :func:`autogalaxy.fit` (``xtol``, ``ftol``, ``gtol``, ``max_nfev``).

    Returns
    -------
    dict
        ``object_id``, ``path``, ``status`` (``"ok"`` or ``"error"``), ``error`` (the exception's
        type and message, or ``""``), each parameter and ``<name>_error`` (NaN on error),
        ``chi_squared``, ``log_likelihood``, ``n_pixels``, ``evaluations``, ``wall_time`` (s) and
        ``worker`` (its address, ``"local"`` outside Dask).

    Raises
    ------
    MemoryError
        Raised on, so that Dask retries the task (:func:`fit_sample`'s ``retries``): running out
        of memory says more about the worker than about the object.

    Notes
    -----
    Any other exception of the loading or the fit becomes an error row: one bad object must not
    stop a sample. BLAS runs on one thread, so the numbers do not depend on the worker's
    threading.
    """
    start = time.perf_counter()
    names = model.parameter_names
    row = {"object_id": object_id, "path": source if isinstance(source, str) else ""}
    try:
        with threadpool_limits(limits=1):
            if isinstance(source, str):
                dataset = folder_util.imaging_from_folder(source, native_psf=native_psf)
            elif native_psf:
                dataset = folder_util.imaging_with_native_psf_from(source)
            else:
                dataset = source
            result = fit(dataset, model, **(fit_options or {}))
        row.update(status="ok", error="")
        for name, value, error in zip(names, result.values, result.errors):
            row[name], row[f"{name}_error"] = float(value), float(error)
        row.update(
            chi_squared=result.chi_squared,
            log_likelihood=result.log_likelihood,
            n_pixels=int(dataset.mask.pixels_in_mask),
            evaluations=result.evaluations,
        )
    except MemoryError:
        raise  # the worker's state, not the object's: Dask retries the task
    except Exception as error:  # an error row, by design: see Notes
        row.update(_error_row_from(names, error))
    row.update(wall_time=time.perf_counter() - start, worker=_worker_name())
    return row


def _error_row_from(names, error) -> dict:
    row = {"status": "error", "error": f"{type(error).__name__}: {error}"}
    for name in names:
        row[name] = row[f"{name}_error"] = math.nan
    row.update(chi_squared=math.nan, log_likelihood=math.nan, n_pixels=None, evaluations=None)
    return row


@dataclasses.dataclass
class SampleSummary:
    """
    What one :func:`fit_sample` call did.

    Attributes
    ----------
    out : pathlib.Path
        The results directory.
    fitted : int
        Objects fitted by this call (their rows are written), errors included.
    errors : int
        Of those, rows with ``status = "error"``.
    skipped : int
        Objects already in ``out``, not fitted again.
    wall_time : float
        Seconds from the first submission to the last row written (cluster start-up excluded).
    fit_time : float
        The rows' ``wall_time`` summed: seconds the workers spent loading and fitting.
    n_workers : int
        Workers of the cluster when the run started.
    """

    out: Path
    fitted: int
    errors: int
    skipped: int
    wall_time: float
    fit_time: float
    n_workers: int

    def results(self):
        """The whole results table (earlier runs included), a ``pyarrow.Table``."""
        return results_from(self.out)


def _fit_options_from(fit_options) -> dict:
    if fit_options is None:
        return {}
    if not isinstance(fit_options, dict):
        raise TypeError(f"fit_options must be a dict, got {type(fit_options).__name__}.")
    unknown = sorted(set(fit_options) - set(FIT_OPTIONS))
    if unknown:
        raise exc.ModelException(
            f"fit_options has unknown keys {unknown}; fit_sample passes {', '.join(FIT_OPTIONS)} "
            "to ag.fit (the dataset, the model and progress are its own)."
        )
    return dict(fit_options)


def _positive_int_or_none(value, name):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive int or None, got {value!r}.")
    if value < 1:
        raise exc.ModelException(f"{name} must be >= 1, got {value}.")
    return int(value)


def _client_from(client, n_workers):
    """``(client, things to close)``: a given Client, one of an address, or a new LocalCluster."""
    from distributed import Client, LocalCluster

    if client is None:
        cluster = LocalCluster(
            n_workers=n_workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
        )
        own = Client(cluster)
        return own, [own, cluster]
    if n_workers is not None:
        raise exc.ModelException(
            f"n_workers={n_workers} sizes the LocalCluster fit_sample starts; with a client or "
            "scheduler address the cluster is yours: scale it there (e.g. cluster.scale(n))."
        )
    if isinstance(client, str):
        own = Client(client)
        return own, [own]
    if isinstance(client, Client):
        return client, []
    raise TypeError(
        f"client must be None, a distributed.Client or a scheduler address (str), got "
        f"{type(client).__name__}."
    )


def fit_sample(
    paths_or_datasets,
    model: Model,
    client=None,
    out="results.parquet",
    n_workers: int | None = None,
    native_psf: bool = False,
    retries: int = 2,
    fit_options: dict | None = None,
    progress: bool = True,
    flush_interval: float = 10.0,
    on_result=None,
) -> SampleSummary:
    """
    Fit ``model`` to every object of a sample on Dask, streaming one row per object to ``out``.

    Parameters
    ----------
    paths_or_datasets : str, pathlib.Path, sequence or dict
        A directory of object folders (layout: :mod:`autogalaxy.sample.folder`), a sequence of
        folders and/or ``Imaging`` datasets, or a dict ``{object_id: folder or dataset}``
        (:func:`objects_from`). Folders are loaded by the workers; datasets travel to them.
    model : Model
        The model, the same for every object (sent to the workers by pickle).
    client : None, distributed.Client or str
        None: start a ``LocalCluster`` of ``n_workers`` processes with one thread each, and close
        it at the end. A ``Client``: use its cluster (e.g. a ``dask_jobqueue.SLURMCluster``'s).
        A str: the address of a running scheduler (``"tcp://host:8786"``).
    out : str or pathlib.Path
        The results directory (:mod:`autogalaxy.sample.store`); objects already in it are
        skipped.
    n_workers : int or None
        Workers of the LocalCluster (None: one per CPU); only with ``client=None``.
    native_psf : bool
        Fit with the PSF block-summed to detector pixels instead of the oversampled one
        (the comparison of the survey demo); recorded in ``out``, which holds one choice.
    retries : int
        Dask ``retries`` of a task that raised ``MemoryError`` or failed outside the fit.
    fit_options : dict or None
        ``xtol``, ``ftol``, ``gtol``, ``max_nfev`` of :func:`autogalaxy.fit`.
    progress : bool
        Show count, rate and ETA on ``sys.stdout`` (plain lines when it is not a terminal).
    flush_interval : float
        Seconds between part files; rows finished since the last flush are what a crash loses.
    on_result : callable or None
        Called with each row (a dict) after it is queued for writing, in the client process.

    Returns
    -------
    SampleSummary
        Counts and times of this call; ``.results()`` reads the whole table.

    Raises
    ------
    TypeError
        For a ``model`` that is not a ``Model``, a ``client`` of another type, non-int
        ``n_workers`` / ``retries``, or bad sample entries.
    autogalaxy.exc.ModelException
        If ``n_workers`` is given with a client, ``fit_options`` has unknown keys, the model has
        no free parameter, or ``out`` holds results of another model or PSF choice.
    autogalaxy.exc.DatasetException
        If the sample is empty, a directory holds no object folder, or ids repeat.

    Notes
    -----
    Dask starts worker processes by spawning fresh interpreters that import the main module: in
    a script, call ``fit_sample`` under ``if __name__ == "__main__":``. One run at a time may
    write to ``out`` (two concurrent runs could both fit an object). Interrupting the run
    (Ctrl-C) writes the rows already received before it stops.
    """
    free_model_from(model, "fit_sample")
    n_workers = _positive_int_or_none(n_workers, "n_workers")
    if isinstance(retries, bool) or not isinstance(retries, numbers.Integral) or retries < 0:
        raise TypeError(f"retries must be an int >= 0, got {retries!r}.")
    if not (isinstance(flush_interval, numbers.Real) and flush_interval >= 0):
        raise TypeError(f"flush_interval must be a number of seconds >= 0, got {flush_interval!r}.")
    options = _fit_options_from(fit_options)
    objects = objects_from(paths_or_datasets)
    store = ResultStore(out, model.parameter_names, native_psf)
    done = store.object_ids
    todo = [(object_id, source) for object_id, source in objects if object_id not in done]
    if not todo:
        return SampleSummary(Path(out), 0, 0, len(objects), 0.0, 0.0, 0)

    from distributed import CancelledError, as_completed

    client, own = _client_from(client, n_workers)
    try:
        workers = len(client.scheduler_info().get("workers", {}))
        token = uuid.uuid4().hex[:8]
        start = time.perf_counter()
        futures, sources = [], {}
        for object_id, source in todo:
            future = client.submit(
                fit_object,
                source,
                model,
                object_id,
                native_psf,
                options,
                key=f"fit_object-{object_id}-{token}",
                retries=int(retries),
                pure=False,
            )
            futures.append(future)
            sources[future.key] = (object_id, source)
        last_flush = start
        fitted = errors = 0
        fit_time = 0.0
        label = "fit (native PSF)" if native_psf else "fit"
        with Progress(label, total=len(todo), unit="obj", enabled=progress) as bar:
            for future in as_completed(futures):
                object_id, source = sources[future.key]
                try:
                    row = future.result()
                except CancelledError:
                    raise
                except Exception as error:  # e.g. KilledWorker: the object gets an error row
                    row = {
                        "object_id": object_id,
                        "path": source if isinstance(source, str) else "",
                    }
                    row.update(_error_row_from(model.parameter_names, error))
                    row.update(wall_time=math.nan, worker="")
                future.release()
                if not store.add(row):
                    continue
                fitted += 1
                errors += row["status"] == "error"
                fit_time += 0.0 if np.isnan(row["wall_time"]) else row["wall_time"]
                if time.perf_counter() - last_flush >= flush_interval:
                    store.flush()
                    last_flush = time.perf_counter()
                bar.update(postfix=f"errors={errors}" if errors else "")
                if on_result is not None:
                    on_result(row)
        wall_time = time.perf_counter() - start
    finally:
        store.flush()
        for thing in own:
            thing.close()
    return SampleSummary(
        Path(out), fitted, errors, len(objects) - len(todo), wall_time, fit_time, workers
    )
