"""
``workspace_scripts/guides/over_sampling.py`` runs as a user runs it (a fresh interpreter). The
script checks its own numbers (it stops with an AssertionError if one fails), so a zero exit
status means they held; this test also checks what it prints and writes.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "workspace_scripts" / "guides" / "over_sampling.py"
OUTPUT = ROOT / "workspace_scripts" / "output" / "guides"


@pytest.mark.slow
def test__over_sampling_guide_runs_and_checks_its_numbers():
    result = subprocess.run(
        [sys.executable, str(GUIDE)],
        cwd=ROOT,
        env={**os.environ, "MPLBACKEND": "Agg"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"over_sampling.py failed:\n{result.stdout}\n{result.stderr}"
    for line in (
        "over_sample_size= 1: largest fractional error",
        "adaptive over-sampling:",
        "reduced chi-squared, oversampled PSF:",
        "reduced chi-squared, native PSF:",
        "galaxy: flux in the mask",
        "companion: flux in the mask",
        "MGE: reduced chi-squared",
    ):
        assert line in result.stdout
    assert (OUTPUT / "over_sampling.png").stat().st_size > 10_000
    assert (OUTPUT / "galaxies_mge.json").stat().st_size > 1_000
