"""
``workspace_scripts/imaging/fit.py`` runs as a user runs it (a fresh interpreter, simulating the
dataset first when it is missing) and its printed numbers agree with independent references.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib.image
import numpy as np
import pytest
from astropy.io import fits

SCRIPTS = Path(__file__).resolve().parents[1] / "workspace_scripts" / "imaging"


def number_after(label: str, stdout: str) -> float:
    return float(re.search(rf"{re.escape(label)}\s*(-?[0-9.]+)", stdout).group(1))


@pytest.mark.slow
def test__fit_script__simulates_fits_plots_and_prints_a_consistent_likelihood(tmp_path):
    # A copy of the workspace in tmp_path: the script writes beside itself (output/).
    (tmp_path / "imaging").mkdir()
    for name in ("fit.py", "simulator.py"):
        shutil.copy(SCRIPTS / name, tmp_path / "imaging" / name)
    result = subprocess.run(
        [sys.executable, str(tmp_path / "imaging" / "fit.py")],
        cwd=tmp_path,
        env={**os.environ, "MPLBACKEND": "Agg"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    stdout = result.stdout

    # The 2.5" circular mask on 60 x 60 pixels of 0.1", counted by hand.
    centres = (np.arange(60) - 29.5) * 0.1
    inside = centres[:, None] ** 2 + centres[None, :] ** 2 <= 2.5**2
    pixels = int(inside.sum())
    chi_squared = number_after("Chi-squared:", stdout)
    assert f"over {pixels} pixels" in stdout
    # The simulated model fits to the noise: chi^2 ~ N +- sqrt(2N).
    assert abs(chi_squared - pixels) < 5 * np.sqrt(2 * pixels)

    # log L = -0.5 (chi^2 + sum ln 2 pi sigma^2), sigma read from the noise map's FITS file.
    sigma = fits.getdata(tmp_path / "output" / "dataset" / "noise_map.fits")[inside]
    expected = -0.5 * (chi_squared + np.sum(np.log(2 * np.pi * sigma**2)))
    assert number_after("Log likelihood:", stdout) == pytest.approx(expected, abs=0.01)

    # Linear light profiles recover the simulated intensities (peak S/N ~200).
    assert number_after("Solved bulge intensity:", stdout) == pytest.approx(2.0, rel=0.02)
    assert number_after("Solved disk intensity:", stdout) == pytest.approx(0.3, rel=0.02)
    # A single galaxy's model image is the whole model image.
    assert number_after("Galaxy model image total:", stdout) == number_after("(model data:", stdout)

    for name in ("subplot_dataset", "subplot_fit", "subplot_fit_linear"):
        png = matplotlib.image.imread(tmp_path / "output" / "fit" / f"{name}.png")
        assert png.shape[1] > 1000
