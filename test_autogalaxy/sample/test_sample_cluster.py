"""
``ag.fit_sample`` on a real Dask ``LocalCluster`` (2 worker processes, 1 thread each).

Acceptance of the survey issue: 20 objects fitted on the cluster equal the same fits done one by
one in this process (to 1e-10); a worker killed mid-run (SIGKILL of its process: no chance to hand
anything back) still gives 20 rows and no duplicate; a corrupt file gives one error row; a rerun
fits nothing new. The command line runs against the same cluster through ``--scheduler``.
"""

import os
import signal
import subprocess
import sys

import numpy as np
import pyarrow.parquet as pq
import pytest
from sample_objects import OutOfMemory, model_from, write_sample

import autogalaxy as ag
from autogalaxy import exc
from autogalaxy.sample import imaging_from_folder, results_from
from autogalaxy.sample.folder import imaging_with_native_psf_from

distributed = pytest.importorskip("distributed")

pytestmark = pytest.mark.slow

N = 20
COLUMNS = ("bulge.intensity", "bulge.effective_radius", "bulge.sersic_index")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("sample")
    write_sample(directory, N)
    return directory


@pytest.fixture(scope="module")
def reference(sample_dir):
    """Every object fitted in this process with ag.fit: object id -> FitResult."""
    model = model_from()
    return {
        folder.name: ag.fit(imaging_from_folder(folder), model)
        for folder in sorted(sample_dir.iterdir())
    }


def assert_rows_equal_reference(table, reference):
    ids = table.column("object_id").to_pylist()
    assert ids == sorted(reference) and len(set(ids)) == N
    assert set(table.column("status").to_pylist()) == {"ok"}
    for name_index, name in enumerate(COLUMNS):
        values = np.array(table.column(name).to_pylist())
        errors = np.array(table.column(f"{name}_error").to_pylist())
        expected = np.array([reference[i].values[name_index] for i in ids])
        expected_errors = np.array([reference[i].errors[name_index] for i in ids])
        np.testing.assert_allclose(values, expected, rtol=1e-10, atol=0)
        np.testing.assert_allclose(errors, expected_errors, rtol=1e-10, atol=0)
    chi_squared = np.array([reference[i].chi_squared for i in ids])
    np.testing.assert_allclose(table.column("chi_squared").to_numpy(), chi_squared, rtol=1e-10)


def test__cluster_fits_equal_in_process_fits_and_a_rerun_fits_nothing(
    client, sample_dir, reference, tmp_path
):
    out = tmp_path / "results.parquet"
    seen = []
    summary = ag.fit_sample(
        sample_dir, model_from(), client=client, out=out, progress=False, on_result=seen.append
    )
    assert (summary.fitted, summary.errors, summary.skipped, summary.n_workers) == (N, 0, 0, 2)
    assert len(seen) == N and summary.fit_time > 0
    table = results_from(out)
    assert_rows_equal_reference(table, reference)
    assert table.column("path").to_pylist() == [str(sample_dir / i) for i in sorted(reference)]
    assert all(w.startswith("tcp://") for w in table.column("worker").to_pylist())
    assert table.column("evaluations").to_pylist() == [
        reference[i].evaluations for i in sorted(reference)
    ]
    assert table.column("n_pixels").to_pylist() == [
        reference[i].dataset.mask.pixels_in_mask for i in sorted(reference)
    ]
    # The same table through pyarrow's own reader of the directory: no hidden temporary files.
    assert pq.read_table(out).num_rows == N
    assert not [p for p in out.iterdir() if p.name.startswith(".")]

    rerun = ag.fit_sample(sample_dir, model_from(), client=client, out=out, progress=False)
    assert (rerun.fitted, rerun.skipped) == (0, N)
    assert results_from(out).num_rows == N


def test__a_killed_worker_loses_no_object_and_writes_none_twice(
    client, sample_dir, reference, tmp_path
):
    pids = client.run(os.getpid)
    killed = []

    def kill_the_other_worker(row):
        # At the first row the other worker is busy with its own object: kill it mid-task.
        if not killed:
            other = next(address for address in pids if address != row["worker"])
            os.kill(pids[other], signal.SIGKILL)
            killed.append(pids[other])

    out = tmp_path / "results.parquet"
    summary = ag.fit_sample(
        sample_dir,
        model_from(),
        client=client.scheduler.address,  # through the scheduler's address
        out=out,
        progress=False,
        on_result=kill_the_other_worker,
    )
    assert killed and summary.fitted == N and summary.errors == 0
    assert_rows_equal_reference(results_from(out), reference)
    client.wait_for_workers(2, timeout=60)  # the nanny restarts the killed worker
    assert killed[0] not in client.run(os.getpid).values()


def test__a_corrupt_file_gives_one_error_row_on_a_default_local_cluster(tmp_path, reference):
    sample = tmp_path / "sample"
    write_sample(sample, 3)
    corrupt = sample / "obj_01" / "data.fits"
    corrupt.write_bytes(corrupt.read_bytes()[:1000])
    out = tmp_path / "results.parquet"
    summary = ag.fit_sample(sample, model_from(), out=out, n_workers=2, progress=False)
    assert (summary.fitted, summary.errors, summary.n_workers) == (3, 1, 2)
    table = results_from(out).to_pylist()
    assert [row["status"] for row in table] == ["ok", "error", "ok"]
    error = table[1]
    assert error["object_id"] == "obj_01" and error["error"].startswith("DatasetException: ")
    assert f"{corrupt} cannot be read as FITS (" in error["error"]
    assert np.isnan(error["bulge.sersic_index"]) and error["evaluations"] is None
    # The good objects are the first objects of the 20-object sample (same seeds).
    for row in (table[0], table[2]):
        expected = reference[row["object_id"]]
        assert row["bulge.sersic_index"] == pytest.approx(expected.values[2], rel=1e-10)


def test__in_memory_datasets_with_the_native_psf(client, tmp_path):
    datasets = [
        imaging_from_folder(folder)
        for folder in write_sample(tmp_path / "sample", 2, first_seed=100)
    ]
    out = tmp_path / "results.parquet"
    model = model_from()
    summary = ag.fit_sample(
        datasets, model, client=client, out=out, native_psf=True, progress=False
    )
    assert summary.fitted == 2
    table = results_from(out)
    assert table.column("object_id").to_pylist() == ["0", "1"]
    assert table.column("path").to_pylist() == ["", ""]
    for row, dataset in zip(table.to_pylist(), datasets):
        expected = ag.fit(imaging_with_native_psf_from(dataset), model)
        assert row["bulge.sersic_index"] == pytest.approx(expected.values[2], rel=1e-10)
        assert row["chi_squared"] == pytest.approx(expected.chi_squared, rel=1e-10)
    with pytest.raises(exc.ModelException, match="holds results of another fit .*native_psf"):
        ag.fit_sample(datasets, model, client=client, out=out, native_psf=False)

    # A task that runs out of memory is retried, then its object gets an error row.
    starved = ag.Model(ag.Galaxy, redshift=0.5, light=OutOfMemory)
    out = tmp_path / "starved.parquet"
    summary = ag.fit_sample(datasets[:1], starved, client=client, out=out, retries=1)
    assert (summary.fitted, summary.errors) == (1, 1)
    row = results_from(out).to_pylist()[0]
    assert row["error"] == "MemoryError: no memory for the model image (simulated)"
    assert row["worker"] == "" and np.isnan(row["wall_time"])


def test__command_line_against_a_running_scheduler(client, tmp_path):
    write_sample(tmp_path / "sample", 2, first_seed=200)
    model_file = tmp_path / "model.py"
    model_file.write_text(
        "import autogalaxy as ag\n"
        "model = ag.Model(ag.Galaxy, redshift=0.5, bulge=ag.lp.SersicSph)\n"
        "model.bulge.centre = (0.0, 0.0)\n"
        "model.bulge.intensity = ag.Uniform(0.01, 20.0, start=1.0)\n"
        "model.bulge.effective_radius = ag.Uniform(0.05, 1.0, start=0.3)\n"
        "model.bulge.sersic_index = ag.Uniform(0.5, 6.0, start=2.0)\n"
    )
    out = tmp_path / "results.parquet"
    command = [
        sys.executable, "-m", "autogalaxy.sample", "fit", str(tmp_path / "sample"),
        "--model", str(model_file), "--out", str(out), "--scheduler", client.scheduler.address,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Fitted 2 objects (0 errors)" in done.stdout
    assert "fit: 100%" in done.stdout  # plain progress lines: stdout is a pipe
    table = results_from(out)
    expected = ag.fit(imaging_from_folder(tmp_path / "sample" / "obj_01"), model_from())
    assert table.column("bulge.sersic_index")[1].as_py() == pytest.approx(
        expected.values[2], rel=1e-10
    )
    rerun = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert "Fitted 0 objects (0 errors)" in rerun.stdout and "skipped 2" in rerun.stdout
