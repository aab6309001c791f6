"""
The plotters render headless to PNG with arcsec axes, titles, colour bars, log scaling and the
mask's edge; every unsupported option raises. Extents are checked against hand-computed values
(frame size x pixel scale / 2 about the origin), panel lists against the documented titles.
"""

from types import SimpleNamespace

import matplotlib.image
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import LineCollection
from matplotlib.colors import LogNorm

import autogalaxy as ag
import autogalaxy.plot as aplt
from autogalaxy.plot import figure as fig_util

DPI = 120  # Output's default
PANEL = (4.3, 3.6)  # inches per panel (plot_util.PANEL_SIZE)
SUPTITLE = 0.35  # inches above the panels for the figure's title


def image_axes(figure):
    return [ax for ax in figure.axes if ax.get_label() != "<colorbar>"]


def titles(figure):
    return [ax.get_title() for ax in image_axes(figure)]


def axes_titled(figure, title):
    (ax,) = [ax for ax in image_axes(figure) if ax.get_title() == title]
    return ax


def png_shape(path):
    return matplotlib.image.imread(path).shape[:2]


def png_output(tmp_path, **kwargs):
    return aplt.MatPlot2D(output=aplt.Output(path=tmp_path, format="png", **kwargs))


@pytest.fixture(autouse=True)
def no_pyplot_figures():
    """Figures written to files never go through pyplot (headless, nothing left open)."""
    before = plt.get_fignums()
    yield
    assert plt.get_fignums() == before


def galaxies_from():
    return [
        ag.Galaxy(redshift=0.5, light=ag.lp.Gaussian(centre=(0.3, -0.3), intensity=2.0, sigma=0.2)),
        ag.Galaxy(redshift=0.5, light=ag.lp.Gaussian(centre=(-0.3, 0.3), intensity=1.0, sigma=0.3)),
    ]


def dataset_from(psf=True):
    """20 x 20 pixels of 0.1" on a 0.8" circular mask, PSF 9 x 9 at 0.05" (s = 2)."""
    mask = ag.Mask2D.circular((20, 20), radius=0.8, pixel_scales=0.1)
    kernel = ag.Convolver.from_gaussian(
        (9, 9), 0.05, sigma=0.1, normalize=True, convolve_over_sample_size=2
    )
    empty = ag.Imaging(
        ag.Array2D(np.zeros(mask.pixels_in_mask), mask),
        None,
        kernel,
        convolve_over_sample_size_lp=2,
        convolve_over_sample_size_pixelization=2,
    )
    model = ag.Galaxies(galaxies_from()).blurred_image_2d_from(
        empty.grids.lp, empty.grids.blurring, empty.psf
    )
    noise = np.random.default_rng(1).normal(0.0, 0.02, mask.pixels_in_mask)
    return ag.Imaging(
        ag.Array2D(model.slim.array + noise, mask),
        ag.Array2D(np.full(mask.pixels_in_mask, 0.02), mask),
        kernel if psf else None,
        convolve_over_sample_size_lp=2 if psf else 1,
        convolve_over_sample_size_pixelization=2 if psf else 1,
    )


def pixelization_fit():
    source = ag.Galaxy(
        redshift=1.0,
        pixelization=ag.Pixelization(
            mesh=ag.mesh.RectangularUniform(shape=(5, 6)), regularization=ag.reg.Constant(1.0)
        ),
    )
    return ag.FitImaging(dataset_from(), [galaxies_from()[0], source])


# ------------------------------------------------------------------------------ Array2DPlotter


def masked_array():
    """6 x 8 pixels of (0.5", 0.25") about (1, -2); row 0 masked, values 0 .. 39 in slim order."""
    mask_values = np.zeros((6, 8), dtype=bool)
    mask_values[0] = True
    mask = ag.Mask2D(mask_values, pixel_scales=(0.5, 0.25), origin=(1.0, -2.0))
    return ag.Array2D(np.arange(40.0) + 1.0, mask)


def test__array2d_plotter__png_arcsec_extent_title_colourbar_mask_edge(tmp_path):
    figure = aplt.Array2DPlotter(array=masked_array(), mat_plot_2d=png_output(tmp_path)).figure_2d(
        title="Values"
    )
    assert png_shape(tmp_path / "array.png") == (PANEL[1] * DPI, PANEL[0] * DPI)
    (ax,) = image_axes(figure)
    assert ax.get_title() == "Values"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x (arcsec)", "y (arcsec)")
    # x: -2 -+ 8 x 0.25 / 2 = [-3, -1]; y: 1 -+ 6 x 0.5 / 2 = [-0.5, 2.5].
    assert ax.images[0].get_extent() == pytest.approx([-3.0, -1.0, -0.5, 2.5])
    assert len(figure.axes) == 2 and figure.axes[1].get_label() == "<colorbar>"
    shown = np.ma.getdata(ax.images[0].get_array())
    assert np.all(np.isnan(shown[0])) and shown[1, 0] == 1.0 and shown[5, 7] == 40.0
    # The mask's edge: the bottom side of row 0, y = 2.5 - 0.5 = 2.0, across x in [-3, -1].
    (edges,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    segments = np.array([s for s in edges.get_segments()])
    assert np.allclose(segments[:, :, 1], 2.0)
    assert segments[:, :, 0].min() == pytest.approx(-3.0)
    assert segments[:, :, 0].max() == pytest.approx(-1.0) and len(segments) == 8


def test__array2d_plotter__use_log10__log_norm_from_smallest_positive_value(tmp_path):
    values = np.array([[-1.0, 0.0], [0.05, 100.0]])
    array = ag.Array2D.no_mask(values, pixel_scales=0.1)
    mat_plot_2d = aplt.MatPlot2D(output=aplt.Output(path=tmp_path, format="png"), use_log10=True)
    (ax,) = image_axes(aplt.Array2DPlotter(array=array, mat_plot_2d=mat_plot_2d).figure_2d())
    norm = ax.images[0].norm
    assert isinstance(norm, LogNorm) and (norm.vmin, norm.vmax) == (0.05, 100.0)
    # Values under the scale get its lowest colour (not the grey of masked pixels).
    assert np.ma.getdata(ax.images[0].get_array())[0].tolist() == [0.05, 0.05]
    (ax,) = image_axes(
        aplt.Array2DPlotter(array=array, mat_plot_2d=png_output(tmp_path)).figure_2d()
    )
    assert not isinstance(ax.images[0].norm, LogNorm)
    assert (ax.images[0].norm.vmin, ax.images[0].norm.vmax) == (-1.0, 100.0)


def test__array2d_plotter__use_log10_without_positive_values__raises_before_writing(tmp_path):
    array = ag.Array2D.no_mask(-np.ones((3, 3)), pixel_scales=0.1)
    mat_plot_2d = aplt.MatPlot2D(output=aplt.Output(path=tmp_path, format="png"), use_log10=True)
    with pytest.raises(aplt.PlotException, match=r"use_log10=True needs positive values"):
        aplt.Array2DPlotter(array=array, mat_plot_2d=mat_plot_2d).figure_2d()
    assert not (tmp_path / "array.png").exists()


def test__array2d_plotter__bad_inputs__raise():
    with pytest.raises(
        TypeError, match=r"Array2DPlotter array must be an autoarray Array2D.*got ndarray"
    ):
        aplt.Array2DPlotter(array=np.ones((3, 3)))
    with pytest.raises(
        TypeError,
        match=r"Array2DPlotter does not support visuals_2d; supported options: array, mat_plot_2d",
    ):
        aplt.Array2DPlotter(array=masked_array(), visuals_2d=None)
    with pytest.raises(TypeError, match=r"mat_plot_2d must be an aplt.MatPlot2D, got Output"):
        aplt.Array2DPlotter(array=masked_array(), mat_plot_2d=aplt.Output())


def test__output_show__uses_pyplot_and_writes_nothing(monkeypatch, no_pyplot_figures):
    shown = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(True))
    figure = aplt.Array2DPlotter(array=masked_array()).figure_2d()
    assert shown == [True] and figure.number in plt.get_fignums()
    plt.close(figure)


# ------------------------------------------------------------------------------- ImagingPlotter


def test__imaging_plotter__subplot_dataset__four_panels_psf_at_its_own_sampling(tmp_path):
    mat_plot_2d = aplt.MatPlot2D(output=aplt.Output(path=tmp_path, format="png"), use_log10=True)
    figure = aplt.ImagingPlotter(dataset=dataset_from(), mat_plot_2d=mat_plot_2d).subplot_dataset()
    assert titles(figure) == [
        "Data",
        "Noise-Map",
        "Point Spread Function (sampled x2 finer)",
        "Signal-To-Noise Map",
    ]
    assert png_shape(tmp_path / "subplot_dataset.png") == (PANEL[1] * DPI, 4 * PANEL[0] * DPI)
    # Data: 20 x 0.1" / 2 = 1"; PSF: 9 x 0.05" / 2 = 0.225".
    assert axes_titled(figure, "Data").images[0].get_extent() == pytest.approx([-1, 1, -1, 1])
    psf_ax = axes_titled(figure, "Point Spread Function (sampled x2 finer)")
    assert psf_ax.images[0].get_extent() == pytest.approx([-0.225, 0.225, -0.225, 0.225])
    assert all(isinstance(ax.images[0].norm, LogNorm) for ax in image_axes(figure))


def test__imaging_plotter__no_psf__three_panels_and_psf_figure_refused(tmp_path):
    plotter = aplt.ImagingPlotter(dataset=dataset_from(psf=False), mat_plot_2d=png_output(tmp_path))
    assert titles(plotter.subplot_dataset()) == ["Data", "Noise-Map", "Signal-To-Noise Map"]
    with pytest.raises(aplt.PlotException, match=r"The dataset has no PSF to plot"):
        plotter.figures_2d(psf=True)


def test__imaging_plotter__figures_2d__one_file_per_flag(tmp_path):
    plotter = aplt.ImagingPlotter(dataset=dataset_from(), mat_plot_2d=png_output(tmp_path))
    figures = plotter.figures_2d(data=True, psf=True, noise_map=False)
    assert [titles(f) for f in figures] == [["Data"], ["Point Spread Function (sampled x2 finer)"]]
    assert (tmp_path / "data.png").exists() and (tmp_path / "psf.png").exists()
    assert not (tmp_path / "noise_map.png").exists()


def test__imaging_plotter__figures_2d__bad_flags__raise(tmp_path):
    plotter = aplt.ImagingPlotter(dataset=dataset_from(), mat_plot_2d=png_output(tmp_path))
    with pytest.raises(
        TypeError,
        match=r"ImagingPlotter.figures_2d does not support weight_map; supported options: data, "
        r"noise_map, psf, signal_to_noise_map",
    ):
        plotter.figures_2d(weight_map=True)
    with pytest.raises(
        aplt.PlotException, match=r"was asked for no figure; set one or more of data"
    ):
        plotter.figures_2d(data=False)
    with pytest.raises(TypeError, match=r"figures_2d\(data=...\) must be True or False, got 1"):
        plotter.figures_2d(data=1)
    named = aplt.ImagingPlotter(
        dataset=dataset_from(), mat_plot_2d=png_output(tmp_path, filename="one")
    )
    with pytest.raises(aplt.PlotException, match=r"makes 2 figures but Output\(filename='one'\)"):
        named.figures_2d(data=True, psf=True)
    with pytest.raises(TypeError, match=r"ImagingPlotter does not support imaging"):
        aplt.ImagingPlotter(imaging=dataset_from())
    with pytest.raises(
        TypeError, match=r"ImagingPlotter needs the object to plot: ImagingPlotter\(dataset=...\)"
    ):
        aplt.ImagingPlotter()


# ---------------------------------------------------------------------------- FitImagingPlotter


FIT_PANELS = [
    "Data",
    "Signal-To-Noise Map",
    "Model Image",
    "Residual Map",
    "Normalized Residual Map",
    "Chi-Squared Map",
]


def test__fit_imaging_plotter__subplot_fit__panels_subtracted_images_and_scales(tmp_path):
    fit = ag.FitImaging(dataset_from(), galaxies_from())
    mat_plot_2d = aplt.MatPlot2D(output=aplt.Output(path=tmp_path, format="png"), use_log10=True)
    figure = aplt.FitImagingPlotter(fit=fit, mat_plot_2d=mat_plot_2d).subplot_fit()
    assert titles(figure) == FIT_PANELS + [
        "Subtracted Image of Galaxy 0",
        "Subtracted Image of Galaxy 1",
    ]
    assert png_shape(tmp_path / "subplot_fit.png") == (
        round((2 * PANEL[1] + SUPTITLE) * DPI),
        4 * PANEL[0] * DPI,
    )
    for title in ("Residual Map", "Normalized Residual Map"):
        image = axes_titled(figure, title).images[0]
        assert not isinstance(image.norm, LogNorm)
        assert image.norm.vmin == -image.norm.vmax and image.cmap.name.startswith("RdBu_r")
    for title in ("Data", "Model Image", "Chi-Squared Map", "Subtracted Image of Galaxy 1"):
        assert isinstance(axes_titled(figure, title).images[0].norm, LogNorm)
    pixels = fit.dataset.mask.pixels_in_mask
    assert figure.get_suptitle().startswith(f"chi^2 = {fit.chi_squared:.1f} over {pixels} pixels")
    shown = np.ma.getdata(axes_titled(figure, "Subtracted Image of Galaxy 1").images[0].get_array())
    subtracted = fit.subtracted_images_of_galaxies_list[1].native.array
    inside = ~fit.dataset.mask.array
    floor = axes_titled(figure, "Subtracted Image of Galaxy 1").images[0].norm.vmin
    assert np.allclose(shown[inside], np.clip(subtracted[inside], floor, None))


def test__fit_imaging_plotter__one_galaxy__no_subtracted_panels(tmp_path):
    fit = ag.FitImaging(dataset_from(), galaxies_from()[:1])
    figure = aplt.FitImagingPlotter(fit=fit, mat_plot_2d=png_output(tmp_path)).subplot_fit()
    assert titles(figure) == FIT_PANELS


def test__fit_imaging_plotter__pixelization__reconstruction_panel_on_the_mesh(tmp_path):
    fit = pixelization_fit()
    figure = aplt.FitImagingPlotter(fit=fit, mat_plot_2d=png_output(tmp_path)).subplot_fit()
    assert titles(figure)[-1] == "Reconstruction of Galaxy 1"
    assert f"log evidence = {fit.log_evidence:.2f}" in figure.get_suptitle()
    mapper = fit.inversion.mapper_list[0]
    y_min, y_max, x_min, x_max = mapper.extent
    dy, dx = (y_max - y_min) / 4, (x_max - x_min) / 5  # 5 x 6 nodes
    image = axes_titled(figure, "Reconstruction of Galaxy 1").images[0]
    assert image.get_extent() == pytest.approx(
        [x_min - dx / 2, x_max + dx / 2, y_min - dy / 2, y_max + dy / 2]
    )
    np.testing.assert_array_equal(
        image.get_array(), fit.inversion.reconstruction_dict[mapper].reshape(5, 6)
    )


def test__fit_imaging_plotter__subplot_of_galaxies__one_file_per_galaxy(tmp_path):
    plotter = aplt.FitImagingPlotter(fit=pixelization_fit(), mat_plot_2d=png_output(tmp_path))
    figures = plotter.subplot_of_galaxies()
    assert [titles(f) for f in figures] == [
        ["Data", "Subtracted Image of Galaxy 0", "Model Image of Galaxy 0"],
        [
            "Data",
            "Subtracted Image of Galaxy 1",
            "Model Image of Galaxy 1",
            "Reconstruction of Galaxy 1",
        ],
    ]
    assert (tmp_path / "subplot_of_galaxy_0.png").exists()
    assert (tmp_path / "subplot_of_galaxy_1.png").exists()


def test__fit_imaging_plotter__bad_options__raise(tmp_path):
    fit = ag.FitImaging(dataset_from(), galaxies_from())
    plotter = aplt.FitImagingPlotter(fit=fit, mat_plot_2d=png_output(tmp_path))
    with pytest.raises(
        aplt.PlotException, match=r"galaxy_index=2 is out of range: the fit has 2 galaxies"
    ):
        plotter.subplot_of_galaxies(galaxy_index=2)
    with pytest.raises(TypeError, match=r"galaxy_index must be an int, got True"):
        plotter.subplot_of_galaxies(galaxy_index=True)
    with pytest.raises(
        TypeError, match=r"FitImagingPlotter.figures_2d does not support model_images_of_galaxies"
    ):
        plotter.figures_2d(model_images_of_galaxies=True)
    named = aplt.FitImagingPlotter(fit=fit, mat_plot_2d=png_output(tmp_path, filename="fit"))
    with pytest.raises(aplt.PlotException, match=r"subplot_of_galaxies makes 2 figures"):
        named.subplot_of_galaxies()
    with pytest.raises(TypeError, match=r"FitImagingPlotter does not support include_2d"):
        aplt.FitImagingPlotter(fit=fit, include_2d=None)


def test__fit_imaging_plotter__figures_2d__normalized_residual_map(tmp_path):
    fit = ag.FitImaging(dataset_from(), galaxies_from())
    plotter = aplt.FitImagingPlotter(fit=fit, mat_plot_2d=png_output(tmp_path))
    (figure,) = plotter.figures_2d(normalized_residual_map=True)
    assert titles(figure) == ["Normalized Residual Map"]
    assert (tmp_path / "normalized_residual_map.png").exists()


# ----------------------------------------------------------------------------- InversionPlotter


def test__inversion_plotter__subplot_of_mapper__reconstructed_image_and_reconstruction(tmp_path):
    fit = pixelization_fit()
    plotter = aplt.InversionPlotter(inversion=fit.inversion, mat_plot_2d=png_output(tmp_path))
    figure = plotter.subplot_of_mapper(mapper_index=0)
    assert titles(figure) == ["Reconstructed Image", "Reconstruction"]
    assert (tmp_path / "subplot_inversion_0.png").exists()
    shown = np.ma.getdata(axes_titled(figure, "Reconstructed Image").images[0].get_array())
    mask = fit.dataset.mask.array
    np.testing.assert_array_equal(shown[~mask], fit.inversion.mapped_reconstructed_image_list[0])
    assert np.all(np.isnan(shown[mask]))
    (figure,) = plotter.figures_2d_of_pixelization(pixelization_index=0, reconstruction=True)
    assert titles(figure) == ["Reconstruction"] and (tmp_path / "reconstruction_0.png").exists()


def test__inversion_plotter__bad_options__raise(tmp_path):
    plotter = aplt.InversionPlotter(inversion=pixelization_fit().inversion)
    with pytest.raises(
        TypeError,
        match=r"InversionPlotter.figures_2d_of_pixelization does not support "
        r"regularization_weights; supported options: reconstructed_image, reconstruction",
    ):
        plotter.figures_2d_of_pixelization(regularization_weights=True)
    with pytest.raises(
        aplt.PlotException,
        match=r"mapper_index=1 is out of range: the inversion has 1 pixelization",
    ):
        plotter.subplot_of_mapper(mapper_index=1)
    linear = ag.Galaxy(redshift=0.5, light=ag.lp_linear.Gaussian(sigma=0.3))
    fit = ag.FitImaging(dataset_from(), [linear])
    with pytest.raises(aplt.PlotException, match=r"The inversion has no pixelization"):
        aplt.InversionPlotter(inversion=fit.inversion)


def test__panels__bad_inputs__raise():
    mapper = pixelization_fit().inversion.mapper_list[0]
    with pytest.raises(aplt.PlotException, match=r"The mesh \(5, 6\) has 30 pixels, got 29 values"):
        fig_util.reconstruction_panel_from(mapper, np.ones(29))

    class Triangles:
        pass

    with pytest.raises(
        aplt.PlotException, match=r"Only rectangular meshes can be drawn, got Triangles"
    ):
        fig_util.reconstruction_panel_from(SimpleNamespace(mesh=Triangles()), np.ones(3))
    panel = fig_util.Panel(values=np.ones((2, 2)), extent=(0, 1, 0, 1), title="t", kind="rgb")
    with pytest.raises(
        aplt.PlotException, match=r"Panel kind must be one of \('image', 'signed'\), got 'rgb'"
    ):
        fig_util.figure_from([panel], aplt.MatPlot2D(), "x")
    plotter = aplt.InversionPlotter(inversion=pixelization_fit().inversion)
    with pytest.raises(TypeError, match=r"pixelization_index must be an int, got '0'"):
        plotter.figures_2d_of_pixelization(pixelization_index="0", reconstruction=True)


# -------------------------------------------------------------------- the release's functions


def test__functions__write_the_release_file_names(tmp_path):
    dataset = dataset_from()
    fit = ag.FitImaging(dataset, galaxies_from())
    aplt.plot_array(array=dataset.data, title="Data", output_path=tmp_path, use_log10=True)
    aplt.subplot_imaging_dataset(dataset=dataset, output_path=tmp_path)
    figure = aplt.subplot_fit_imaging(fit=fit, output_path=tmp_path, colormap="gray")
    for name in ("array", "dataset", "fit"):
        assert (tmp_path / f"{name}.png").exists()
    assert axes_titled(figure, "Data").images[0].cmap.name.startswith("gray")


def test__functions__unsupported_options__raise(tmp_path):
    dataset = dataset_from()
    with pytest.raises(
        TypeError, match=r"plot_array does not support vmax, vmin; supported options: array, title"
    ):
        aplt.plot_array(array=dataset.data, output_path=tmp_path, vmin=0.0, vmax=1.0)
    fit = ag.FitImaging(dataset, galaxies_from())
    with pytest.raises(TypeError, match=r"subplot_fit_imaging does not support positions"):
        aplt.subplot_fit_imaging(fit=fit, output_path=tmp_path, positions=[(0.0, 0.0)])
    with pytest.raises(TypeError, match=r"subplot_imaging_dataset does not support title_prefix"):
        aplt.subplot_imaging_dataset(dataset=dataset, output_path=tmp_path, title_prefix="a")
