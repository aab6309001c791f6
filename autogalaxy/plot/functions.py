"""
The plotting functions of the current PyAutoGalaxy release (``aplt.plot_array``,
``aplt.subplot_imaging_dataset``, ``aplt.subplot_fit_imaging``), as thin entries into the
plotters: ``aplt.subplot_fit_imaging(fit=fit, output_path="plots", output_format="png")``.

Differences from the release: without ``output_path`` the figure is shown (the release writes
to the working directory in its configured format); ``colormap="default"`` is ``"viridis"``;
overlays (``positions``, ``lines``, ``grid``), ``vmin`` / ``vmax`` and ``title_prefix`` are not
supported and raise ``TypeError``.
"""

from autogalaxy.plot.mat_plot import MatPlot2D, Output
from autogalaxy.plot.plot_util import refuse_unsupported
from autogalaxy.plot.plotters import Array2DPlotter, FitImagingPlotter, ImagingPlotter

__all__ = ["plot_array", "subplot_imaging_dataset", "subplot_fit_imaging"]

_COMMON = ("output_path", "output_filename", "output_format", "colormap", "use_log10")


def _mat_plot_from(
    owner, subjects, unsupported, output_path, output_filename, output_format, colormap, use_log10
) -> MatPlot2D:
    """
    Refuse the ``unsupported`` options of ``owner`` (which takes ``subjects`` plus the common
    options); the ``MatPlot2D`` of the release's arguments (``output_format`` defaults to
    ``"png"`` with an ``output_path``, else ``"show"``).
    """
    refuse_unsupported(owner, unsupported, (*subjects, *_COMMON))
    if output_format is None:
        output_format = "show" if output_path is None else "png"
    output = Output(path=output_path, filename=output_filename, format=output_format)
    cmap = "viridis" if colormap in (None, "default") else colormap
    return MatPlot2D(output=output, cmap=cmap, use_log10=use_log10)


def plot_array(
    array,
    title: str = "",
    output_path=None,
    output_filename: str = "array",
    output_format=None,
    colormap="default",
    use_log10: bool = False,
    **unsupported,
):
    """
    Plot an :class:`autoarray.Array2D` (see :class:`~autogalaxy.plot.Array2DPlotter`).

    Parameters
    ----------
    array : Array2D
        The values (arcsec axes from its pixel scales, its mask's edge drawn).
    title : str
        The panel's title.
    output_path : str or Path, optional
        Folder to write to; without it the figure is shown.
    output_filename : str
        File name without extension.
    output_format : str or list of str, optional
        ``"png"`` (default with a path), ``"pdf"``, ``"svg"`` or ``"show"``.
    colormap : str
        A matplotlib colour map name; ``"default"`` or None is ``"viridis"``.
    use_log10 : bool
        Log10 colour scale.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError
        For an unsupported option (``vmin``, ``positions``, ...).
    """
    mat_plot_2d = _mat_plot_from(
        "plot_array",
        ("array", "title"),
        unsupported,
        output_path,
        output_filename,
        output_format,
        colormap,
        use_log10,
    )
    return Array2DPlotter(array=array, mat_plot_2d=mat_plot_2d).figure_2d(title=title)


def subplot_imaging_dataset(
    dataset,
    output_path=None,
    output_filename: str = "dataset",
    output_format=None,
    colormap=None,
    use_log10: bool = False,
    **unsupported,
):
    """
    Data, noise map, PSF and signal-to-noise map of an imaging dataset in one figure (see
    :meth:`~autogalaxy.plot.ImagingPlotter.subplot_dataset`; parameters as :func:`plot_array`).

    Returns
    -------
    matplotlib.figure.Figure
    """
    mat_plot_2d = _mat_plot_from(
        "subplot_imaging_dataset",
        ("dataset",),
        unsupported,
        output_path,
        output_filename,
        output_format,
        colormap,
        use_log10,
    )
    return ImagingPlotter(dataset=dataset, mat_plot_2d=mat_plot_2d).subplot_dataset()


def subplot_fit_imaging(
    fit,
    output_path=None,
    output_filename: str = "fit",
    output_format=None,
    colormap="default",
    use_log10: bool = False,
    **unsupported,
):
    """
    The fit in one figure (see :meth:`~autogalaxy.plot.FitImagingPlotter.subplot_fit`;
    parameters as :func:`plot_array`).

    Returns
    -------
    matplotlib.figure.Figure
    """
    mat_plot_2d = _mat_plot_from(
        "subplot_fit_imaging",
        ("fit",),
        unsupported,
        output_path,
        output_filename,
        output_format,
        colormap,
        use_log10,
    )
    return FitImagingPlotter(fit=fit, mat_plot_2d=mat_plot_2d).subplot_fit()
