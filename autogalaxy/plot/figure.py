"""
Panels and figures: what every plotter draws with.

A :class:`Panel` is one image with arcsec axes; :func:`figure_from` lays panels out, draws them
(colour bar, title, mask edge, log or diverging scale) and hands the figure to the
:class:`~autogalaxy.plot.mat_plot.Output`. Figures that are only written to files are plain
``matplotlib.figure.Figure`` objects (no pyplot state, any backend: headless by construction);
pyplot is used only for ``format="show"``.
"""

from dataclasses import dataclass, field

import matplotlib
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import LogNorm, Normalize
from matplotlib.figure import Figure
from mpl_toolkits.axes_grid1 import make_axes_locatable

import autoarray as aa
from autogalaxy.plot import plot_util

__all__ = ["Panel", "panel_from", "psf_panel_from", "reconstruction_panel_from", "figure_from"]

#: Panel kinds: ``"image"`` (non-negative quantities: log10 when asked) or ``"signed"``
#: (residuals: a diverging map centred on zero, always linear).
KINDS = ("image", "signed")
SIGNED_CMAP = "RdBu_r"
MASKED_COLOUR = "0.8"  # light grey: masked pixels are visible, not mistaken for zero


@dataclass(frozen=True)
class Panel:
    """
    One image panel.

    Attributes
    ----------
    values : ndarray
        ``(ny, nx)`` values, row 0 at the top; NaN at masked pixels.
    extent : tuple of float
        ``(x_min, x_max, y_min, y_max)`` arcsec of the pixel edges.
    title : str
        The panel's title.
    kind : str
        ``"image"`` or ``"signed"`` (see :data:`KINDS`).
    mask_edges : ndarray
        ``(M, 2, 2)`` segments of the mask's edge (may be empty).
    colorbar_label : str
        Label of the colour bar.
    """

    values: np.ndarray
    extent: tuple
    title: str
    kind: str = "image"
    mask_edges: np.ndarray = field(default_factory=lambda: np.zeros((0, 2, 2)))
    colorbar_label: str = ""


def checked_array2d(array, what: str) -> aa.Array2D:
    """
    Return ``array`` if it is an :class:`autoarray.Array2D`.

    Raises
    ------
    TypeError
        Otherwise (a bare ndarray has no pixel scales for arcsec axes), naming ``what``.
    """
    if not isinstance(array, aa.Array2D):
        raise TypeError(
            f"{what} must be an autoarray Array2D (it carries the pixel scales of the arcsec "
            f"axes), got {type(array).__name__}; wrap values with "
            "ag.Array2D.no_mask(values, pixel_scales=...)."
        )
    return array


def panel_from(array, title: str, kind: str = "image", colorbar_label: str = "") -> Panel:
    """
    The panel of an :class:`autoarray.Array2D`: native values (NaN where masked), the arcsec
    extent of its pixel scales and origin, and its mask's edge.

    Raises
    ------
    TypeError
        If ``array`` is not an ``Array2D``.
    """
    array = checked_array2d(array, "The array to plot")
    mask = array.mask
    values = np.asarray(array.native.array, dtype=np.float64)
    values = np.where(mask.array, np.nan, values)
    return Panel(
        values=values,
        extent=plot_util.extent_from(array.shape_native, array.pixel_scales, array.origin),
        title=title,
        kind=kind,
        mask_edges=plot_util.mask_edge_segments_from(mask.array, array.pixel_scales, array.origin),
        colorbar_label=colorbar_label,
    )


def psf_panel_from(psf, title: str = "Point Spread Function") -> Panel:
    """
    The panel of a PSF (:class:`autoarray.Convolver`) at its own sampling: an oversampled PSF
    (``convolve_over_sample_size = s > 1``) is drawn on its fine pixels, with arcsec axes from
    its pixel scales (the data's / s), and the title says so.
    """
    s = psf.convolve_over_sample_size
    if s > 1:
        title = f"{title} (sampled x{s} finer)"
    return panel_from(psf.kernel, title)


def reconstruction_panel_from(mapper, values, title: str = "Reconstruction") -> Panel:
    """
    The panel of a pixelization's solved values on its rectangular mesh.

    Parameters
    ----------
    mapper : autoarray.Mapper
        The mapper of the pixelization (its mesh needs a ``shape``: a rectangular mesh).
    values : ndarray
        ``(ny * nx,)`` values of the mesh nodes, row-major from the top-left.

    Raises
    ------
    PlotException
        If the mesh is not rectangular or ``values`` has the wrong size.
    """
    shape = getattr(mapper.mesh, "shape", None)
    if shape is None:
        raise plot_util.PlotException(
            f"Only rectangular meshes can be drawn, got {type(mapper.mesh).__name__}."
        )
    values = np.asarray(values, dtype=np.float64)
    if values.size != shape[0] * shape[1]:
        raise plot_util.PlotException(
            f"The mesh {shape} has {shape[0] * shape[1]} pixels, got {values.size} values."
        )
    return Panel(
        values=values.reshape(shape),
        extent=plot_util.mesh_extent_from(shape, mapper.extent),
        title=title,
    )


def _norm_and_values_from(panel: Panel, use_log10: bool):
    if panel.kind not in KINDS:
        raise plot_util.PlotException(f"Panel kind must be one of {KINDS}, got {panel.kind!r}.")
    if panel.kind == "signed":
        vmin, vmax = plot_util.symmetric_limits_from(panel.values)
        return Normalize(vmin, vmax), panel.values
    if use_log10:
        vmin, vmax = plot_util.log10_limits_from(panel.values)
        return LogNorm(vmin, vmax), np.clip(panel.values, vmin, None)
    return None, panel.values


def _colorbar_extend_from(values, norm) -> str:
    """Which ends of the colour bar get an arrow: where ``values`` lie outside ``norm``'s range."""
    finite = values[np.isfinite(values)]
    if norm is None or finite.size == 0:
        return "neither"
    low, high = bool(finite.min() < norm.vmin), bool(finite.max() > norm.vmax)
    return {(True, True): "both", (True, False): "min", (False, True): "max"}.get(
        (low, high), "neither"
    )


def _draw(figure, ax, panel: Panel, norm, values, cmap: str):
    colours = matplotlib.colormaps[SIGNED_CMAP if panel.kind == "signed" else cmap]
    image = ax.imshow(
        values,
        origin="upper",
        extent=panel.extent,
        norm=norm,
        cmap=colours.with_extremes(bad=MASKED_COLOUR),
        interpolation="nearest",
    )
    if len(panel.mask_edges):
        ax.add_collection(LineCollection(panel.mask_edges, colors="k", linewidths=0.8))
    # The colour bar hugs the image (also when equal aspect shrinks the axes in its box).
    cax = make_axes_locatable(ax).append_axes("right", size="5%", pad=0.08)
    cax.set_label("<colorbar>")
    colorbar = figure.colorbar(image, cax=cax, extend=_colorbar_extend_from(panel.values, norm))
    if panel.colorbar_label:
        colorbar.set_label(panel.colorbar_label)
    ax.set_title(panel.title)
    ax.set_xlabel("x (arcsec)")
    ax.set_ylabel("y (arcsec)")


def figure_from(panels, mat_plot_2d, auto_filename: str, suptitle: str | None = None):
    """
    Draw ``panels`` in one figure and send it to ``mat_plot_2d.output``.

    Parameters
    ----------
    panels : list of Panel
        Laid out by :func:`plot_util.subplot_shape_from`, row by row.
    mat_plot_2d : MatPlot2D
        Colour map, log scale, figure size and output.
    auto_filename : str
        The file name when the output names none.
    suptitle : str, optional
        A title over all panels.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (its image axes are ``figure.axes`` without the colour bars, whose label is
        ``"<colorbar>"``).

    Raises
    ------
    PlotException
        If ``use_log10`` is set and an image panel has no positive value.
    """
    rows, columns = plot_util.subplot_shape_from(len(panels))
    # Scales first: a panel that cannot be drawn raises before any figure exists.
    scaled = [_norm_and_values_from(panel, mat_plot_2d.use_log10) for panel in panels]
    top = plot_util.SUPTITLE_HEIGHT if suptitle else 0.0
    figsize = mat_plot_2d.figsize or (
        plot_util.PANEL_SIZE[0] * columns,
        plot_util.PANEL_SIZE[1] * rows + top,
    )
    # Fixed margins instead of a layout engine: as readable, half the drawing time.
    if mat_plot_2d.output.shows:
        import matplotlib.pyplot as plt

        figure = plt.figure(figsize=figsize)
    else:
        figure = Figure(figsize=figsize)
    boxes = plot_util.panel_boxes_from(rows, columns, figsize, top)
    for box, panel, (norm, values) in zip(boxes, panels, scaled):
        _draw(figure, figure.add_axes(box), panel, norm, values, mat_plot_2d.cmap)
    if suptitle:
        figure.suptitle(suptitle, y=1.0 - 0.08 / figsize[1], va="top")
    mat_plot_2d.output.to_figure(figure, auto_filename)
    return figure
