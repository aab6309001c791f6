"""
Every ```python block of README.md runs as written: in order, in one namespace, in a fresh
Python process (the JAX block changes JAX's global configuration), in a temporary directory where
a hidden first step has written the files the README loads (``data.fits``, ``noise.fits``,
``psf.fits``, as ``Imaging.output_to_fits`` writes them). Other fences (bash) are not run, nor is a
python block whose first line is ``# not run in CI`` (e.g. one that needs a SLURM cluster); every
such block must still compile.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
PYTHON_FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)

# The hidden first step: a simulated galaxy (the quick start's), 60 x 60 pixels of 0.1", a PSF
# oversampled x4, written where the README expects its files.
SETUP = """
import autogalaxy as ag

psf = ag.Convolver.from_gaussian(
    shape_native=(27, 27), pixel_scales=0.1 / 4, sigma=0.05, normalize=True,
    convolve_over_sample_size=4,
)
galaxy = ag.Galaxy(
    redshift=0.5,
    bulge=ag.lp.Sersic(effective_radius=0.3, sersic_index=4.0, intensity=2.0),
    disk=ag.lp.Exponential(effective_radius=1.0, intensity=0.3),
)
grid = ag.Grid2D.uniform(shape_native=(60, 60), pixel_scales=0.1, over_sample_size=4)
simulator = ag.SimulatorImaging(
    exposure_time=300.0, background_sky_level=0.1, psf=psf, noise_seed=1
)
simulator.via_galaxies_from([galaxy], grid).output_to_fits(
    "data.fits", psf_path="psf.fits", noise_map_path="noise.fits"
)
"""

# Runs the blocks with their README line numbers, so a traceback points at README.md itself.
# Guarded by __main__: Dask's worker processes (the sample-fitting block) re-import the main
# module and must not run the README again.
RUNNER = """
import json, sys
if __name__ == "__main__":
    exec(compile(open("setup.py").read(), "readme setup", "exec"), {"__name__": "__setup__"})
    namespace = {"__name__": "__main__"}
    for line, code in json.load(open("blocks.json")):
        print(f"--- README.md block at line {line}", flush=True)
        exec(compile("\\n" * (line - 1) + code, "README.md", "exec"), namespace)
    print("--- all README blocks ran", flush=True)
"""


def python_blocks_from(text: str) -> list:
    """``(first line of code, code)`` of every ```python fence, in order (lines from 1)."""
    return [
        (text.count("\n", 0, match.start(1)) + 1, match.group(1))
        for match in PYTHON_FENCE.finditer(text)
    ]


def test__blocks_are_found_in_order_and_compile():
    text = "intro\n```bash\nmake test\n```\n```python\nx = 1\n```\ntext\n```python\ny = x\n```\n"
    assert python_blocks_from(text) == [(6, "x = 1\n"), (10, "y = x\n")]
    blocks = python_blocks_from(README.read_text())
    assert len(blocks) >= 6
    for line, code in blocks:
        compile("\n" * (line - 1) + code, "README.md", "exec")


NOT_RUN = "# not run in CI"


@pytest.mark.slow
def test__every_python_block_of_the_readme_runs_in_order(tmp_path):
    blocks = [
        (line, code)
        for line, code in python_blocks_from(README.read_text())
        if not code.startswith(NOT_RUN)
    ]
    (tmp_path / "setup.py").write_text(SETUP)
    (tmp_path / "blocks.json").write_text(json.dumps(blocks))
    (tmp_path / "runner.py").write_text(RUNNER)
    env = dict(os.environ, MPLBACKEND="Agg")
    result = subprocess.run(
        [sys.executable, "runner.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    report = f"stdout:\n{result.stdout[-3000:]}\nstderr:\n{result.stderr[-6000:]}"
    assert result.returncode == 0, report
    assert result.stdout.count("--- README.md block at line") == len(blocks), report
    assert "--- all README blocks ran" in result.stdout, report
