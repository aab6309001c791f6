"""The README's "Plots" snippet runs as written and writes the files it says it writes."""

import re
from pathlib import Path

import matplotlib.image

README = Path(__file__).resolve().parents[2] / "README.md"


def plots_snippet() -> str:
    text = README.read_text()
    section = text.split("\n## Plots\n", 1)[1].split("\n## ", 1)[0]
    (code,) = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    return code


def test__readme_plots_snippet__runs_and_writes_its_pngs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace = {}
    exec(compile(plots_snippet(), "README.md (Plots)", "exec"), namespace)
    for name in ("subplot_dataset", "subplot_fit", "fit"):
        png = matplotlib.image.imread(tmp_path / "plots" / f"{name}.png")
        assert png.shape[0] > 300 and png.shape[1] > 1000
    # Two galaxies: the fit subplot has 6 + 2 panels on 2 rows of 4.
    assert len(namespace["fit"].subtracted_images_of_galaxies_list) == 2
