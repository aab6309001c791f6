"""
The results table of a sample: a Parquet dataset directory written append-only.

Layout and why
--------------
``results.parquet/`` is a directory of part files ``part-<run>-<n>.parquet``, each holding the
rows of the objects that finished since the previous part. A part is written to a hidden
temporary file, flushed to disk (``fsync``) and renamed into place (``os.replace``, atomic on
POSIX file systems), so a part is either whole or absent: a crash (or a killed client) loses at
most the rows finished since the last flush, never a row already written, and leaves no partial
file. A rerun reads the ``object_id`` column of every part and skips those objects. Readers see
one table: ``pyarrow.parquet.read_table("results.parquet")``, ``pandas.read_parquet``,
``dask.dataframe.read_parquet`` or :func:`results_from` (which sorts it by object id). Hidden
files (``.`` prefix) are ignored by all of them.

The alternative, rewriting one file after each completion, costs O(N) per object (O(N^2) for a
sample) and needs the whole table in the client's memory; the directory costs one small file per
flush.

Each part's schema metadata records the model's free parameters and the PSF choice, so a rerun
with another model or PSF into the same directory is refused instead of mixing columns.
"""

import json
import os
import time
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from autogalaxy import exc

__all__ = ["ResultStore", "results_from", "schema_from", "ROW_COLUMNS"]

#: The columns of every row besides the parameters (``<name>`` and ``<name>_error`` each).
ROW_COLUMNS = {
    "object_id": pa.string(),
    "path": pa.string(),
    "status": pa.string(),
    "error": pa.string(),
    "chi_squared": pa.float64(),
    "log_likelihood": pa.float64(),
    "n_pixels": pa.int64(),
    "evaluations": pa.int64(),
    "wall_time": pa.float64(),
    "worker": pa.string(),
}

_HEAD = ("object_id", "path", "status", "error")


def schema_from(parameter_names, native_psf: bool) -> pa.Schema:
    """
    The results schema: id, path, status and error, then each parameter and its error, then the
    fit's statistics (:data:`ROW_COLUMNS`), with the model and PSF choice in its metadata.
    """
    fields = [pa.field(name, ROW_COLUMNS[name]) for name in _HEAD]
    for name in parameter_names:
        fields += [pa.field(name, pa.float64()), pa.field(f"{name}_error", pa.float64())]
    fields += [pa.field(n, t) for n, t in ROW_COLUMNS.items() if n not in _HEAD]
    metadata = {
        "autogalaxy.parameter_names": json.dumps(list(parameter_names)),
        "autogalaxy.native_psf": json.dumps(bool(native_psf)),
    }
    return pa.schema(fields, metadata=metadata)


def _parts_in(path: Path) -> list:
    return sorted(p for p in path.glob("part-*.parquet") if p.is_file())


class ResultStore:
    """
    The append-only results directory of one sample (see the module docstring).

    Parameters
    ----------
    path : str or pathlib.Path
        The directory (created if absent), e.g. ``"results.parquet"``.
    parameter_names : sequence of str
        The model's free parameters.
    native_psf : bool
        Whether the fits block-sum the PSF to detector pixels.

    Raises
    ------
    autogalaxy.exc.ModelException
        If ``path`` is a file, or holds parts written for other parameters or another PSF choice.
    """

    def __init__(self, path, parameter_names, native_psf: bool):
        self.path = Path(path)
        if self.path.exists() and not self.path.is_dir():
            raise exc.ModelException(
                f"{self.path} is a file; the results of a sample are a directory of Parquet part "
                "files. Give a new path (e.g. results.parquet) or move the file away."
            )
        self.schema = schema_from(parameter_names, native_psf)
        self.run = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"
        self._count = 0
        self._buffer = []
        ids = set()
        for part in _parts_in(self.path) if self.path.exists() else []:
            metadata = pq.read_schema(part).metadata or {}
            for key in (b"autogalaxy.parameter_names", b"autogalaxy.native_psf"):
                if metadata.get(key) != self.schema.metadata[key]:
                    raise exc.ModelException(
                        f"{self.path} holds results of another fit ({part.name}: "
                        f"{key.decode()} = {metadata.get(key, b'none').decode()}, this fit: "
                        f"{self.schema.metadata[key].decode()}); write to another directory."
                    )
            ids.update(pq.read_table(part, columns=["object_id"]).column(0).to_pylist())
        self._done = ids

    @property
    def object_ids(self) -> frozenset:
        """The ids of the objects written (by earlier runs too)."""
        return frozenset(self._done)

    @property
    def pending(self) -> int:
        """Rows received but not yet flushed to a part file."""
        return len(self._buffer)

    def add(self, row: dict) -> bool:
        """
        Queue ``row`` for the next part; False (and nothing queued) if its object is written
        already, so no object is ever written twice.
        """
        if row["object_id"] in self._done:
            return False
        self._done.add(row["object_id"])
        self._buffer.append(row)
        return True

    def flush(self) -> Path | None:
        """Write the queued rows as one part file (atomically); return its path, or None."""
        if not self._buffer:
            return None
        table = pa.Table.from_pylist(self._buffer, schema=self.schema)
        self.path.mkdir(parents=True, exist_ok=True)
        final = self.path / f"part-{self.run}-{self._count:06d}.parquet"
        temporary = self.path / f".{final.name}.tmp"
        with open(temporary, "wb") as file:
            pq.write_table(table, file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, final)
        self._count += 1
        self._buffer = []
        return final


def results_from(path) -> pa.Table:
    """
    The results table of a sample directory, sorted by object id.

    Parameters
    ----------
    path : str or pathlib.Path
        A directory written by :func:`autogalaxy.fit_sample` (or the command line).

    Returns
    -------
    pyarrow.Table
        One row per object (``.to_pandas()`` for a DataFrame, where pandas is installed).

    Raises
    ------
    autogalaxy.exc.DatasetException
        If ``path`` holds no part file.
    """
    path = Path(path)
    parts = _parts_in(path) if path.is_dir() else []
    if not parts:
        raise exc.DatasetException(
            f"{path} holds no results (no part-*.parquet files); run fit_sample with out={path}."
        )
    table = pa.concat_tables([pq.read_table(part) for part in parts])
    return table.sort_by("object_id")
