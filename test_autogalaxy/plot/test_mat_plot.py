"""``aplt.Output`` and ``aplt.MatPlot2D``: file names, formats, and every refused option."""

from pathlib import Path

import pytest

import autogalaxy.plot as aplt


def test__output__paths_with_prefix_suffix_and_format_folder(tmp_path):
    output = aplt.Output(path=tmp_path, prefix="a_", suffix="_b", format=["png", "pdf"])
    assert output.paths_from("subplot_fit") == [
        tmp_path / "a_subplot_fit_b.png",
        tmp_path / "a_subplot_fit_b.pdf",
    ]
    output = aplt.Output(path=str(tmp_path), filename="fit", format="png", format_folder=True)
    assert output.paths_from("subplot_fit") == [tmp_path / "png" / "fit.png"]
    assert not output.shows


def test__output__default_is_show_and_writes_no_file():
    output = aplt.Output()
    assert output.shows and output.paths_from("x") == []


def test__output__unsupported_format__raises():
    with pytest.raises(
        aplt.PlotException, match=r"format 'fits' is not supported; use one of show, png, pdf, svg"
    ):
        aplt.Output(path="x", format="fits")
    with pytest.raises(aplt.PlotException, match=r"format \['png', 'jpeg'\] is not supported"):
        aplt.Output(path="x", format=["png", "jpeg"])


def test__output__file_format_without_path__raises():
    with pytest.raises(aplt.PlotException, match=r"writes files but has no path"):
        aplt.Output(format="png")


def test__output__unsupported_option_and_wrong_types__raise():
    with pytest.raises(
        TypeError, match=r"Output does not support bbox_inches; supported options: path, filename"
    ):
        aplt.Output(path="x", format="png", bbox_inches="tight")
    with pytest.raises(TypeError, match=r"Output path must be a str or a Path, got int"):
        aplt.Output(path=3, format="png")
    with pytest.raises(TypeError, match=r"Output filename must be a str, got PosixPath"):
        aplt.Output(path="x", filename=Path("f"), format="png")
    with pytest.raises(TypeError, match=r"Output dpi must be a positive int, got 0"):
        aplt.Output(path="x", format="png", dpi=0)


def test__mat_plot_2d__defaults_and_values():
    mat_plot_2d = aplt.MatPlot2D()
    assert mat_plot_2d.output.shows
    assert (mat_plot_2d.cmap, mat_plot_2d.use_log10, mat_plot_2d.figsize) == (
        "viridis",
        False,
        None,
    )
    mat_plot_2d = aplt.MatPlot2D(cmap="gray", use_log10=True, figsize=(4, 3))
    assert (mat_plot_2d.cmap, mat_plot_2d.use_log10, mat_plot_2d.figsize) == (
        "gray",
        True,
        (4.0, 3.0),
    )


def test__mat_plot_2d__release_options_we_do_not_support__raise():
    with pytest.raises(
        TypeError,
        match=r"MatPlot2D does not support axis, title; supported options: output, cmap, use_log10, figsize",
    ):
        aplt.MatPlot2D(title="t", axis=None)


def test__mat_plot_2d__bad_values__raise():
    with pytest.raises(
        TypeError, match=r"cmap must be a matplotlib colour map name \(str\), got dict"
    ):
        aplt.MatPlot2D(cmap={"cmap": "gray"})
    with pytest.raises(aplt.PlotException, match=r"cmap 'grey_ish' is not a matplotlib colour map"):
        aplt.MatPlot2D(cmap="grey_ish")
    with pytest.raises(TypeError, match=r"use_log10 must be True or False, got 1"):
        aplt.MatPlot2D(use_log10=1)
    with pytest.raises(TypeError, match=r"output must be an aplt.Output, got str"):
        aplt.MatPlot2D(output="plots")
    with pytest.raises(TypeError, match=r"figsize must be \(width, height\) in inches, got 5"):
        aplt.MatPlot2D(figsize=5)
    with pytest.raises(aplt.PlotException, match=r"figsize must be positive, got \(4, 0\)"):
        aplt.MatPlot2D(figsize=(4, 0))


def test__aplt__names_of_pyautogalaxy_plotting_it_lacks__raise_listing_what_exists():
    with pytest.raises(
        AttributeError, match=r"autogalaxy.plot has no 'Include2D'; it provides Array2DPlotter"
    ):
        _ = aplt.Include2D
