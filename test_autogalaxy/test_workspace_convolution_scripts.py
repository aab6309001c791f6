"""
The convolution workspace scripts run end to end as a user runs them (a fresh interpreter) and
print their tables; each script asserts its own numerical checks, so a zero exit status means
they passed.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "workspace_scripts" / "imaging"


def _run(script: str, extra_env=None) -> str:
    env = {**os.environ, "MPLBACKEND": "Agg", **(extra_env or {})}
    result = subprocess.run(
        [sys.executable, str(SCRIPTS / script)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"{script} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.mark.slow
def test__convolution_script__all_routes_agree_and_tables_print():
    stdout = _run("convolution.py")
    assert "comparison" in stdout and "max |diff|" in stdout and "tolerance" in stdout
    for row in (
        "FFT vs real space (NumPy, s=1)",
        "native vs oversampled s=2 (same 2x2 light samples)",
        "native vs oversampled s=4 (same 4x4 light samples)",
        "Galaxy.blurred_image_2d_from vs by hand (s=4)",
        "native, light at pixel centres vs oversampled s=4",
    ):
        assert row in stdout
    assert "median ms" in stdout
    assert "All routes agree within their tolerances." in stdout
    try:
        import jax  # noqa: F401
    except ImportError:
        assert "JAX is not installed" in stdout
    else:
        assert "NumPy vs JAX, FFT (s=4)" in stdout
        assert "JAX real space (jit)" in stdout


@pytest.mark.slow
def test__convolution_script__runs_without_jax(tmp_path):
    # A `jax` package that refuses to import stands in for an environment without JAX.
    (tmp_path / "jax").mkdir()
    (tmp_path / "jax" / "__init__.py").write_text('raise ImportError("jax hidden by the test")\n')
    pythonpath = os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))
    stdout = _run("convolution.py", {"PYTHONPATH": pythonpath})
    assert "JAX is not installed: the JAX rows are skipped" in stdout
    assert "NumPy vs JAX" not in stdout
    assert "All routes agree within their tolerances." in stdout


@pytest.mark.slow
def test__convolution_oversampled_script__converges_to_closed_form_and_saves_plot():
    stdout = _run("convolution_oversampled.py")
    header = "sigma_l   s    kernel  max|err|/peak   rms/peak      ms"
    assert header in stdout
    lines = stdout.splitlines()
    start = lines.index(header) + 2  # after the header and its rule
    rows = [line.split() for line in lines[start : start + 8]]
    assert [int(row[1]) for row in rows] == [1, 2, 4, 8, 1, 2, 4, 8]
    max_error = {(row[0], int(row[1])): float(row[3]) for row in rows}
    for sigma in ('0.10"', '0.05"'):
        assert max_error[(sigma, 4)] < 1e-6
        assert max_error[(sigma, 1)] > 100 * max_error[(sigma, 4)]
    assert "light+PSF integrated" in stdout and "predicted" in stdout
    assert "Galaxy.blurred_image_2d_from at s = 4" in stdout

    # Even (STPSF-layout) kernels: the script asserts even <= 2 x odd at s = 2, 4 and round-off at
    # s >= 4; here the tables are read back for the convention rows at s = 4.
    header = "sigma_l   s       odd      even   Fourier     2-tap  even/odd"
    start = lines.index(header) + 2
    rows = [line.split() for line in lines[start : start + 9]]
    assert [int(row[1]) for row in rows] == [2, 4, 8] * 3
    for row in rows:
        if int(row[1]) == 4:
            assert float(row[3]) < 1e-13 and float(row[2]) < 1e-13, row
    assert "Imaging + Galaxy + FitImaging (light over-sampling 32)" in stdout
    assert "Even kernels are as accurate as odd ones" in stdout
    saved = [line for line in lines if line.startswith("Saved ")]
    assert saved, stdout
    png = Path(saved[-1].removeprefix("Saved "))
    assert png.name == "convolution_oversampled.png"
    assert png.stat().st_size > 10_000
