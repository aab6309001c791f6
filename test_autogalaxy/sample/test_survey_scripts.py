"""The survey demo: simulate a (small) sample, fit it twice on a LocalCluster, plot the bias."""

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest

SCRIPTS = Path(__file__).resolve().parents[2] / "workspace_scripts" / "survey"


def _module(name):
    sys.path.insert(0, str(SCRIPTS))
    spec = importlib.util.spec_from_file_location(f"survey_{name}", SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test__simulate_then_fit_twice_oversampled_fits_to_the_noise(tmp_path):
    simulate = _module("simulate_sample")
    folders = simulate.main(n=2, seed=2, output=tmp_path / "data", plot=True)
    assert [f.name for f in folders] == ["galaxy_000", "galaxy_001"]
    assert (tmp_path / "sample.png").stat().st_size > 10_000
    truth = json.loads((folders[0] / "truth.json").read_text())
    assert (
        1.5 <= truth["bulge"]["sersic_index"] <= 5.0
        and truth["bulge"]["centre"] == truth["disk"]["centre"]
    )

    fit_sample = _module("fit_sample")
    populations = fit_sample.main(data=tmp_path / "data", output=tmp_path, n_workers=2, plot=True)
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
