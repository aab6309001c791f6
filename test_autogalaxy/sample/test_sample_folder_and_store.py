"""The folder layout of an object, the results directory, and fit_sample's checks of its inputs."""

import json
import math

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from astropy.io import fits
from sample_objects import MASK_RADIUS, OutOfMemory, S, dataset_from, model_from, write_sample

import autogalaxy as ag
from autogalaxy import exc
from autogalaxy.sample import (
    fit_object,
    imaging_from_folder,
    object_folders_in,
    objects_from,
    output_to_folder,
    results_from,
)
from autogalaxy.sample.__main__ import main as command_line
from autogalaxy.sample.folder import over_sample_size_lp_from
from autogalaxy.sample.store import ResultStore


@pytest.fixture
def folder(tmp_path):
    return write_sample(tmp_path / "sample", 1)[0]


class TestFolder:
    def test__round_trip_of_output_to_folder(self, folder):
        written = dataset_from(0)
        dataset = imaging_from_folder(folder)
        assert json.loads((folder / "info.json").read_text()) == {
            "pixel_scales": [0.1, 0.1],
            "mask_radius": MASK_RADIUS,
        }
        mask = ag.Mask2D.circular((20, 20), MASK_RADIUS, 0.1)
        np.testing.assert_array_equal(dataset.mask.array, mask.array)
        np.testing.assert_array_equal(
            dataset.data.native.array[~mask.array], written.data.native.array[~mask.array]
        )
        assert dataset.psf.convolve_over_sample_size == S
        assert dataset.convolve_over_sample_size_lp == S and dataset.psf.state is not None
        np.testing.assert_allclose(dataset.psf.native, written.psf.native, rtol=1e-15)

    def test__native_psf_is_the_block_sum(self, folder):
        native = imaging_from_folder(folder, native_psf=True)
        oversampled = imaging_from_folder(folder)
        assert (
            native.psf.convolve_over_sample_size == 1 and native.convolve_over_sample_size_lp == 1
        )
        # The block sum keeps the flux and samples the PSF at the detector's pixels.
        assert native.psf.native.sum() == pytest.approx(oversampled.psf.native.sum(), rel=1e-12)
        assert native.psf.pixel_scales == (0.1, 0.1)
        np.testing.assert_array_equal(native.data.array, oversampled.data.array)

    def test__adaptive_over_sampling_by_radius_in_multiples_of_s(self):
        mask = ag.Mask2D.circular((20, 20), 1.0, 0.1)
        sizes = over_sample_size_lp_from(mask, 3).native.array
        i, j = np.indices((20, 20))
        radii = np.hypot((i - 9.5) * 0.1, (j - 9.5) * 0.1)  # pixel centres (DESIGN conventions)
        inside = ~mask.array
        # [16, 8, 4] rounded up to multiples of 3, within 0.15" / 0.4" / beyond
        assert set(np.unique(sizes[inside])) == {18, 9, 6}
        assert np.all(sizes[inside & (radii < 0.15)] == 18)
        assert np.all(sizes[inside & (radii >= 0.15) & (radii < 0.4)] == 9)
        assert np.all(sizes[inside & (radii >= 0.4)] == 6)

    def test__mask_fits_instead_of_a_radius(self, folder):
        info = json.loads((folder / "info.json").read_text())
        del info["mask_radius"]
        (folder / "info.json").write_text(json.dumps(info))
        mask = ag.Mask2D.circular((20, 20), 0.5, 0.1)
        mask.output_to_fits(folder / "mask.fits")
        assert imaging_from_folder(folder).mask.pixels_in_mask == mask.pixels_in_mask

    def test__missing_files(self, folder):
        (folder / "noise_map.fits").unlink()
        with pytest.raises(
            exc.DatasetException, match=r"obj_00 has no noise_map.fits; each object"
        ):
            imaging_from_folder(folder)

    def test__psf_without_oversamp(self, folder):
        data, header = fits.getdata(folder / "psf.fits", header=True)
        del header["OVERSAMP"]
        fits.writeto(folder / "psf.fits", data, header, overwrite=True)
        with pytest.raises(exc.DatasetException, match="psf.fits has no OVERSAMP header keyword"):
            imaging_from_folder(folder)
        # On a worker this is an error row, not an exception.
        row = fit_object(str(folder), model_from(), "obj_00")
        assert row["status"] == "error" and "no OVERSAMP header keyword" in row["error"]
        assert row["worker"] == "local" and math.isnan(row["chi_squared"])

    def test__truncated_fits_file(self, folder):
        path = folder / "noise_map.fits"
        path.write_bytes(path.read_bytes()[:3500])  # the whole header, part of the data
        with pytest.raises(
            exc.DatasetException,
            match=r"noise_map.fits cannot be read as FITS \(AstropyUserWarning: File may have",
        ):
            imaging_from_folder(folder)

    def test__unknown_info_key(self, folder):
        (folder / "info.json").write_text(json.dumps({"mask_radius": 0.6, "redshift": 0.5}))
        with pytest.raises(exc.DatasetException, match=r"unknown keys \['redshift'\]"):
            imaging_from_folder(folder)

    def test__info_must_be_an_object(self, folder):
        (folder / "info.json").write_text("[0.6]")
        with pytest.raises(exc.DatasetException, match="must hold a JSON object, got list"):
            imaging_from_folder(folder)

    def test__mask_given_twice_or_not_at_all(self, folder):
        ag.Mask2D.circular((20, 20), 0.5, 0.1).output_to_fits(folder / "mask.fits")
        with pytest.raises(exc.DatasetException, match="both mask.fits and info.json mask_radius"):
            imaging_from_folder(folder)
        (folder / "info.json").unlink()
        (folder / "mask.fits").unlink()
        with pytest.raises(exc.DatasetException, match="neither mask.fits nor a mask_radius"):
            imaging_from_folder(folder)

    def test__mask_of_another_shape(self, folder):
        (folder / "info.json").write_text(json.dumps({"pixel_scales": 0.1}))
        ag.Mask2D.circular((10, 10), 0.3, 0.1).output_to_fits(folder / "mask.fits")
        with pytest.raises(exc.DatasetException, match=r"has shape \(10, 10\) but data.fits has"):
            imaging_from_folder(folder)

    def test__output_to_folder_needs_a_psf(self, tmp_path):
        dataset = ag.Imaging(ag.Array2D.no_mask(np.ones((5, 5)), pixel_scales=0.1))
        with pytest.raises(exc.DatasetException, match="needs a dataset with a PSF"):
            output_to_folder(dataset, tmp_path / "x", mask_radius=0.2)

    def test__object_folders_in(self, tmp_path):
        write_sample(tmp_path, 2)
        (tmp_path / ".hidden").mkdir()
        (tmp_path / "notes.txt").write_text("not an object")
        assert [p.name for p in object_folders_in(tmp_path)] == ["obj_00", "obj_01"]
        with pytest.raises(exc.DatasetException, match="does not exist or is not a directory"):
            object_folders_in(tmp_path / "missing")
        with pytest.raises(exc.DatasetException, match="holds no object folder"):
            object_folders_in(tmp_path / ".hidden")


class TestStore:
    def rows(self, ids, status="ok"):
        return [
            {
                "object_id": i,
                "path": f"/data/{i}",
                "status": status,
                "error": "",
                "a": 1.0,
                "a_error": 0.1,
                "chi_squared": 2.0,
                "log_likelihood": -1.0,
                "n_pixels": 10,
                "evaluations": 5,
                "wall_time": 0.5,
                "worker": "local",
            }
            for i in ids
        ]

    def test__parts_append_and_a_reopened_store_knows_what_is_done(self, tmp_path):
        out = tmp_path / "results.parquet"
        store = ResultStore(out, ["a"], native_psf=False)
        for row in self.rows(["b", "a"]):
            assert store.add(row)
        assert store.pending == 2
        first = store.flush()
        assert store.flush() is None  # nothing queued
        store.add(self.rows(["c"])[0])
        store.flush()
        assert not store.add(self.rows(["a"])[0])  # written already: refused
        assert sorted(p.name for p in out.iterdir()) == sorted(
            [first.name, first.name.replace("000000", "000001")]
        )
        table = results_from(out)
        assert table.column("object_id").to_pylist() == ["a", "b", "c"]
        assert table.schema.names[:6] == ["object_id", "path", "status", "error", "a", "a_error"]
        assert ResultStore(out, ["a"], native_psf=False).object_ids == {"a", "b", "c"}

    def test__a_store_of_another_model_or_psf_choice_is_refused(self, tmp_path):
        out = tmp_path / "results.parquet"
        store = ResultStore(out, ["a"], native_psf=False)
        store.add(self.rows(["x"])[0])
        store.flush()
        with pytest.raises(
            exc.ModelException, match=r"parameter_names = \[\"a\"\], this fit: \[\"b\"\]"
        ):
            ResultStore(out, ["b"], native_psf=False)
        with pytest.raises(exc.ModelException, match="native_psf = false, this fit: true"):
            ResultStore(out, ["a"], native_psf=True)

    def test__path_that_is_a_file_and_empty_results(self, tmp_path):
        (tmp_path / "results.parquet").write_text("")
        with pytest.raises(exc.ModelException, match="is a file; the results of a sample are a"):
            ResultStore(tmp_path / "results.parquet", ["a"], native_psf=False)
        with pytest.raises(exc.DatasetException, match="holds no results"):
            results_from(tmp_path / "nothing")

    def test__memory_error_is_raised_for_dask_to_retry(self, folder):
        model = ag.Model(ag.Galaxy, redshift=0.5, light=OutOfMemory)
        with pytest.raises(MemoryError, match="no memory for the model image"):
            fit_object(str(folder), model, "obj_00")

    def test__error_rows_have_nulls_and_nans(self, tmp_path):
        row = fit_object("/no/such/folder", model_from(), "ghost")
        assert row["status"] == "error" and row["error"].startswith("DatasetException: ")
        store = ResultStore(tmp_path / "r", model_from().parameter_names, native_psf=False)
        store.add(row)
        table = pq.read_table(store.flush())
        assert table.column("evaluations").null_count == 1
        assert table.schema.field("bulge.sersic_index").type == pa.float64()


class TestInputs:
    def test__objects_from_each_form(self, tmp_path):
        paths = write_sample(tmp_path / "s", 2)
        dataset = imaging_from_folder(paths[0])
        assert objects_from(tmp_path / "s") == [
            ("obj_00", str(paths[0])),
            ("obj_01", str(paths[1])),
        ]
        assert [i for i, _ in objects_from([paths[1], str(paths[0])])] == ["obj_01", "obj_00"]
        assert [i for i, _ in objects_from([dataset] * 11)][:2] == ["00", "01"]
        assert objects_from({"a": dataset})[0][0] == "a"

    def test__bad_sample_entries(self, tmp_path):
        paths = write_sample(tmp_path / "s", 1)
        with pytest.raises(exc.DatasetException, match="is an object folder .* give the directory"):
            objects_from(paths[0])
        with pytest.raises(TypeError, match=r"pass a list: \[dataset\]"):
            objects_from(imaging_from_folder(paths[0]))
        with pytest.raises(TypeError, match="Sample entry 1 is a int"):
            objects_from([paths[0], 3])
        with pytest.raises(exc.DatasetException, match=r"ids must be unique, got \['obj_00'\]"):
            objects_from([paths[0], paths[0]])
        with pytest.raises(exc.DatasetException, match="The sample is empty"):
            objects_from([])

    @pytest.mark.parametrize(
        "kwargs, error, message",
        [
            (dict(model="m"), TypeError, "fit_sample needs an ag.Model, got str"),
            (
                dict(client="tcp://x:1", n_workers=2),
                exc.ModelException,
                "n_workers=2 sizes the LocalCluster",
            ),
            (dict(client=3), TypeError, "client must be None, a distributed.Client or a scheduler"),
            (dict(n_workers=0), exc.ModelException, "n_workers must be >= 1, got 0"),
            (dict(n_workers=1.5), TypeError, "n_workers must be a positive int or None"),
            (dict(retries=-1), TypeError, "retries must be an int >= 0"),
            (
                dict(fit_options={"x0": 1}),
                exc.ModelException,
                r"fit_options has unknown keys \['x0'\]",
            ),
            (dict(fit_options=[("xtol", 1e-8)]), TypeError, "fit_options must be a dict, got list"),
            (dict(flush_interval="1"), TypeError, "flush_interval must be a number of seconds"),
        ],
    )
    def test__bad_arguments_raise_before_any_cluster_starts(self, tmp_path, kwargs, error, message):
        write_sample(tmp_path / "s", 1)
        arguments = dict(model=model_from(), out=tmp_path / "r", progress=False) | kwargs
        with pytest.raises(error, match=message):
            ag.fit_sample(tmp_path / "s", **arguments)
        assert not (tmp_path / "r").exists()

    def test__model_without_free_parameters(self, tmp_path):
        model = ag.Model(ag.Galaxy, redshift=0.5, bulge=ag.lp.Sersic())
        with pytest.raises(exc.ModelException, match="The model has no free parameter"):
            ag.fit_sample([tmp_path], model)


class TestCommandLine:
    def test__model_file_errors_exit_2_with_a_message(self, tmp_path, capsys):
        write_sample(tmp_path / "s", 1)
        with pytest.raises(SystemExit) as exit_info:
            command_line(["fit", str(tmp_path / "s"), "--model", str(tmp_path / "none.py")])
        assert exit_info.value.code == 2
        assert "none.py does not exist" in capsys.readouterr().err
        (tmp_path / "bad.py").write_text("model = [1]\n")
        with pytest.raises(SystemExit):
            command_line(["fit", str(tmp_path / "s"), "--model", str(tmp_path / "bad.py")])
        assert (
            "must define `model = ag.Model(...)`, but `model` is a list" in capsys.readouterr().err
        )

    def test__workers_with_a_scheduler_exit_2(self, tmp_path, capsys):
        write_sample(tmp_path / "s", 1)
        (tmp_path / "m.py").write_text(
            "import autogalaxy as ag\nmodel = ag.Model(ag.Galaxy, redshift=0.5, bulge=ag.lp.SersicSph)\n"
        )
        with pytest.raises(SystemExit):
            command_line(
                ["fit", str(tmp_path / "s"), "--model", str(tmp_path / "m.py"),
                 "--scheduler", "tcp://127.0.0.1:1", "--workers", "2", "--out", str(tmp_path / "r")]
            )  # fmt: skip
        assert "n_workers=2 sizes the LocalCluster" in capsys.readouterr().err
