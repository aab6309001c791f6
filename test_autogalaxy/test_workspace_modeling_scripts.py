"""The simulator, modeling and survey workspace scripts run end to end and show what oversampling fixes."""

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest

SCRIPTS = Path(__file__).resolve().parents[1] / "workspace_scripts" / "imaging"
SURVEY = SCRIPTS.parent / "survey"


def _module(name, folder=SCRIPTS):
    sys.path.insert(0, str(folder))
    spec = importlib.util.spec_from_file_location(f"workspace_{name}", folder / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test__simulator_then_modeling__oversampled_fit_recovers_truth_native_fit_is_biased(tmp_path):
    simulator = _module("simulator")
    dataset = simulator.main(output=tmp_path / "dataset", plot=True)
    assert dataset.psf.convolve_over_sample_size == simulator.S
    assert (tmp_path / "dataset" / "dataset.png").stat().st_size > 10_000

    modeling = _module("modeling")
    result = modeling.main(dataset_path=tmp_path / "dataset", plot=False)
    names = result["names"]
    assert len(names) == 11  # the disk shares the bulge's centre
    truth = result["truth"]
    for key in ("bulge.sersic_index", "bulge.effective_radius"):
        i = names.index(key)
        over = result["oversampled"]
        native = result["native"]
        assert abs(over["x"][i] - truth[i]) < 2 * over["sigma"][i]
        assert abs(native["x"][i] - truth[i]) > 5 * native["sigma"][i]
    pixels = result["oversampled"]["fit"].dataset.mask.pixels_in_mask
    # The oversampled model fits to the noise (chi^2 ~ number of pixels); the native one cannot.
    assert result["oversampled"]["chi_squared"] < 1.15 * pixels
    assert result["native"]["chi_squared"] > 1.3 * result["oversampled"]["chi_squared"]
    assert np.all(np.isfinite(result["oversampled"]["sigma"]))


@pytest.mark.slow
def test__pixelization_script__sparse_equals_mapping_and_prefers_the_oversampled_psf(
    tmp_path, monkeypatch
):
    simulator = _module("simulator")
    simulator.main(output=tmp_path / "dataset", plot=False)
    pixelization = _module("pixelization")
    monkeypatch.setattr(pixelization.simulator, "OUTPUT", tmp_path)  # the PNG goes to tmp_path
    result = pixelization.main(dataset_path=tmp_path / "dataset", plot=True)
    assert result["difference"] < 1e-8
    evidence = result["evidence"]
    assert evidence["sparse"] > evidence["native PSF"]
    assert (tmp_path / "pixelization.png").stat().st_size > 10_000


@pytest.mark.slow
def test__survey_simulate_then_fit_sample_twice__oversampled_fits_to_the_noise(tmp_path):
    simulate = _module("simulate_sample", SURVEY)
    folders = simulate.main(n=2, seed=2, output=tmp_path / "data", plot=True)
    assert [f.name for f in folders] == ["galaxy_000", "galaxy_001"]
    assert (tmp_path / "sample.png").stat().st_size > 10_000
    truth = json.loads((folders[0] / "truth.json").read_text())
    assert (
        1.5 <= truth["bulge"]["sersic_index"] <= 5.0
        and truth["bulge"]["centre"] == truth["disk"]["centre"]
    )

    fit_sample = _module("fit_sample", SURVEY)
    populations = fit_sample.main(data=tmp_path / "data", output=tmp_path, n_workers=1, plot=True)
    assert (tmp_path / "survey_bias.png").stat().st_size > 10_000
    for key in ("native", "oversampled"):
        assert populations[key]["errors"] == 0 and len(populations[key]["ids"]) == 2
        assert (tmp_path / f"results_{key}.parquet").is_dir()
    over, native = populations["oversampled"], populations["native"]
    np.testing.assert_array_equal(
        over["bulge.sersic_index"]["truth"], native["bulge.sersic_index"]["truth"]
    )
    # Blurred at the PSF's resolution the model fits to the noise; at the detector's it cannot.
    assert np.all(over["reduced_chi_squared"] < 1.15)
    assert np.median(native["reduced_chi_squared"]) > np.median(over["reduced_chi_squared"])
    pulls = (over["bulge.sersic_index"]["value"] - over["bulge.sersic_index"]["truth"]) / over[
        "bulge.sersic_index"
    ]["error"]
    assert np.all(np.abs(pulls) < 4)
