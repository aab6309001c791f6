"""
Plots of arrays, imaging datasets, fits and inversions: ``import autogalaxy.plot as aplt``.

With PyAutoGalaxy's plotter names::

    fit_plotter = aplt.FitImagingPlotter(
        fit=fit,
        mat_plot_2d=aplt.MatPlot2D(output=aplt.Output(path="plots", format="png")),
    )
    fit_plotter.subplot_fit()

or with the current release's functions: ``aplt.subplot_fit_imaging(fit=fit,
output_path="plots", output_format="png")``.

Every panel has arcsec axes (from the pixel scales and origin), a colour bar, a title, the
mask's edge drawn as a black line and masked pixels in grey. Options this package does not
support raise (``TypeError`` naming them and listing what is supported; :class:`PlotException`
for unsupported values) instead of being ignored. Figures written to files never touch pyplot,
so plotting works headless with any matplotlib backend.
"""

from autogalaxy.plot.functions import plot_array, subplot_fit_imaging, subplot_imaging_dataset
from autogalaxy.plot.mat_plot import MatPlot2D, Output
from autogalaxy.plot.plot_util import PlotException
from autogalaxy.plot.plotters import (
    Array2DPlotter,
    FitImagingPlotter,
    ImagingPlotter,
    InversionPlotter,
)

__all__ = [
    "Array2DPlotter",
    "FitImagingPlotter",
    "ImagingPlotter",
    "InversionPlotter",
    "MatPlot2D",
    "Output",
    "PlotException",
    "plot_array",
    "subplot_fit_imaging",
    "subplot_imaging_dataset",
]


def __getattr__(name):
    # PyAutoGalaxy has more plotting names (Include2D, Visuals2D, Cmap, TracerPlotter, ...):
    # say which ones exist here rather than a bare AttributeError.
    raise AttributeError(
        f"autogalaxy.plot has no {name!r}; it provides {', '.join(__all__)}. Options of "
        "PyAutoGalaxy's plotting that are not listed are not supported."
    )
