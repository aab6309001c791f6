"""
Pure functions behind the plotters: arcsec extents, mask edges, colour limits, panel layouts.

Conventions are the library's: pixel ``(i, j)`` of an array of shape ``(ny, nx)`` with
``pixel_scales = (dy, dx)`` and ``origin = (y0, x0)`` is centred at
``y = y0 - (i - (ny - 1) / 2) dy``, ``x = x0 + (j - (nx - 1) / 2) dx`` (+y up, row 0 at the top).
Extents follow matplotlib's ``imshow``: ``(left, right, bottom, top)`` = ``(x_min, x_max, y_min,
y_max)`` of the pixel *edges*, for ``origin="upper"``.
"""

import math

import numpy as np

from autoarray.exc import AutoArrayException

__all__ = [
    "PlotException",
    "extent_from",
    "mesh_extent_from",
    "mask_edge_segments_from",
    "log10_limits_from",
    "symmetric_limits_from",
    "subplot_shape_from",
    "panel_boxes_from",
    "refuse_unsupported",
]

#: The lower end of a log10 colour scale, as a fraction of the largest value: 4 decades.
LOG10_FLOOR_FRACTION = 1.0e-4
#: Inches per panel, colour bar and labels included.
PANEL_SIZE = (4.3, 3.6)
#: Inches around a panel's axes: left (y label), right (colour bar), bottom (x label), top (title).
PANEL_MARGINS = (0.75, 0.8, 0.55, 0.35)
#: Inches above the panels for a figure title.
SUPTITLE_HEIGHT = 0.35
#: Signed panels (residuals) span +- this percentile of |value|.
SYMMETRIC_PERCENTILE = 99.0


class PlotException(AutoArrayException):
    """A plot cannot be made as asked (an unsupported format, nothing positive to log, ...)."""


def extent_from(shape_native, pixel_scales, origin=(0.0, 0.0)) -> tuple:
    """
    Return the arcsec extent ``(x_min, x_max, y_min, y_max)`` of the pixel edges of a frame.

    Parameters
    ----------
    shape_native : tuple of int
        ``(ny, nx)`` pixels.
    pixel_scales : tuple of float
        ``(dy, dx)`` arcsec per pixel.
    origin : tuple of float
        ``(y0, x0)`` arcsec: the centre of the frame.

    Returns
    -------
    tuple of float
        ``(x0 - nx dx / 2, x0 + nx dx / 2, y0 - ny dy / 2, y0 + ny dy / 2)``.
    """
    (ny, nx), (dy, dx), (y0, x0) = shape_native, pixel_scales, origin
    return (
        float(x0 - nx * dx / 2),
        float(x0 + nx * dx / 2),
        float(y0 - ny * dy / 2),
        float(y0 + ny * dy / 2),
    )


def mesh_extent_from(shape, extent) -> tuple:
    """
    Return the ``imshow`` extent of a rectangular mesh whose nodes lie on the edges of ``extent``.

    Parameters
    ----------
    shape : tuple of int
        ``(ny, nx)`` mesh nodes (each >= 2).
    extent : tuple of float
        ``(y_min, y_max, x_min, x_max)`` of the node lattice (``Mapper.extent``).

    Returns
    -------
    tuple of float
        ``(x_min - dx / 2, x_max + dx / 2, y_min - dy / 2, y_max + dy / 2)`` with
        ``dy = (y_max - y_min) / (ny - 1)``, ``dx = (x_max - x_min) / (nx - 1)``: each node is
        drawn as the cell centred on it.
    """
    (ny, nx), (y_min, y_max, x_min, x_max) = shape, extent
    dy = (y_max - y_min) / (ny - 1)
    dx = (x_max - x_min) / (nx - 1)
    return (
        float(x_min - dx / 2),
        float(x_max + dx / 2),
        float(y_min - dy / 2),
        float(y_max + dy / 2),
    )


def mask_edge_segments_from(mask_native, pixel_scales, origin=(0.0, 0.0)) -> np.ndarray:
    """
    Return the line segments between masked and unmasked pixels, in arcsec.

    Parameters
    ----------
    mask_native : ndarray of bool
        ``(ny, nx)``, True = masked.
    pixel_scales : tuple of float
        ``(dy, dx)`` arcsec per pixel.
    origin : tuple of float
        ``(y0, x0)`` arcsec.

    Returns
    -------
    ndarray
        ``(M, 2, 2)``: segment ``m`` runs from ``(x, y) = out[m, 0]`` to ``out[m, 1]`` along a
        shared side of a masked and an unmasked pixel (the frame's border is not drawn). Empty
        ``(0, 2, 2)`` for a mask that is all False or all True.
    """
    mask = np.asarray(mask_native, dtype=bool)
    dy, dx = pixel_scales
    x_min, _, _, y_max = extent_from(mask.shape, pixel_scales, origin)
    # Horizontal sides: between rows i and i + 1 at y = y_max - (i + 1) dy, x in [j, j + 1] dx.
    rows, cols = np.nonzero(mask[:-1, :] != mask[1:, :])
    y = y_max - (rows + 1) * dy
    horizontal = np.stack(
        [np.stack([x_min + cols * dx, y], -1), np.stack([x_min + (cols + 1) * dx, y], -1)], 1
    )
    # Vertical sides: between columns j and j + 1 at x = x_min + (j + 1) dx.
    rows, cols = np.nonzero(mask[:, :-1] != mask[:, 1:])
    x = x_min + (cols + 1) * dx
    vertical = np.stack(
        [np.stack([x, y_max - rows * dy], -1), np.stack([x, y_max - (rows + 1) * dy], -1)], 1
    )
    return np.concatenate([horizontal.reshape(-1, 2, 2), vertical.reshape(-1, 2, 2)])


def log10_limits_from(values, floor_fraction: float = LOG10_FLOOR_FRACTION) -> tuple:
    """
    Return ``(vmin, vmax)`` of a log10 colour scale for ``values``.

    Parameters
    ----------
    values : ndarray
        Values to show; NaN entries (masked pixels) are ignored.
    floor_fraction : float
        ``vmin`` is at least ``floor_fraction * vmax``.

    Returns
    -------
    tuple of float
        ``vmax`` = the largest value, ``vmin`` = the smallest positive value or
        ``floor_fraction * vmax``, whichever is larger. Values below ``vmin`` (zero, negative
        noise) are drawn in the lowest colour.

    Raises
    ------
    PlotException
        If no value is positive (a log scale shows nothing).
    """
    finite = np.asarray(values, dtype=np.float64)
    finite = finite[np.isfinite(finite)]
    positive = finite[finite > 0.0]
    if positive.size == 0:
        largest = f"{finite.max():.4g}" if finite.size else "none (every pixel is masked)"
        raise PlotException(
            f"use_log10=True needs positive values, but the largest value is {largest}. "
            "Plot this array with use_log10=False."
        )
    vmax = float(positive.max())
    return max(float(positive.min()), floor_fraction * vmax), vmax


def symmetric_limits_from(values, percentile: float = SYMMETRIC_PERCENTILE) -> tuple:
    """
    Return ``(-m, m)``: a colour range centred on zero for signed values (residuals).

    Parameters
    ----------
    values : ndarray
        Values to show; NaN entries (masked pixels) are ignored.
    percentile : float
        ``m`` is this percentile of the finite ``|values|`` (linear interpolation, as
        ``numpy.percentile``), so that one outlying pixel does not wash out the rest; the panel's
        colour bar marks values beyond ``m``. ``m`` falls back to the largest ``|value|`` if the
        percentile is 0, and to 1 if every value is 0 or NaN.

    Returns
    -------
    tuple of float
    """
    magnitudes = np.abs(np.asarray(values, dtype=np.float64))
    magnitudes = magnitudes[np.isfinite(magnitudes)]
    if magnitudes.size == 0 or magnitudes.max() == 0.0:
        return -1.0, 1.0
    m = float(np.percentile(magnitudes, percentile))
    if m == 0.0:
        m = float(magnitudes.max())
    return -m, m


def subplot_shape_from(panels: int) -> tuple:
    """
    Return ``(rows, columns)`` of a subplot holding ``panels`` panels.

    One row up to 4 panels; 3 columns for 5, 6 and 9 panels; otherwise 4 columns.
    """
    if panels < 1:
        raise PlotException(f"A subplot needs at least one panel, got {panels}.")
    columns = panels if panels <= 4 else (3 if panels in (5, 6, 9) else 4)
    return math.ceil(panels / columns), columns


def panel_boxes_from(rows: int, columns: int, figsize, top: float = 0.0) -> list:
    """
    Return the box ``(x0, y0, width, height)``, in figure fractions, of every panel's axes.

    Parameters
    ----------
    rows, columns : int
        The grid of panels, filled row by row from the top left.
    figsize : tuple of float
        ``(width, height)`` of the figure in inches.
    top : float
        Inches kept free above the grid (for a figure title).

    Returns
    -------
    list of tuple of float
        ``rows * columns`` boxes. Each cell of ``figsize[0] / columns`` by
        ``(figsize[1] - top) / rows`` inches keeps :data:`PANEL_MARGINS` (left, right, bottom,
        top, in inches: axis labels, colour bar, title) around its axes, scaled down for cells
        smaller than :data:`PANEL_SIZE`.
    """
    width, height = figsize
    cell_w, cell_h = width / columns, (height - top) / rows
    scale = min(1.0, cell_w / PANEL_SIZE[0], cell_h / PANEL_SIZE[1])
    left, right, bottom, above = (margin * scale for margin in PANEL_MARGINS)
    return [
        (
            (column * cell_w + left) / width,
            (height - top - (row + 1) * cell_h + bottom) / height,
            (cell_w - left - right) / width,
            (cell_h - bottom - above) / height,
        )
        for row in range(rows)
        for column in range(columns)
    ]


def refuse_unsupported(owner: str, unsupported: dict, supported) -> None:
    """
    Raise ``TypeError`` naming the options of ``unsupported`` that ``owner`` does not support.

    Parameters
    ----------
    owner : str
        What was called, e.g. ``"MatPlot2D"``.
    unsupported : dict
        The keyword arguments that were not recognised (nothing happens if empty).
    supported : iterable of str
        The options ``owner`` does support, listed in the message.

    Raises
    ------
    TypeError
        If ``unsupported`` is not empty.
    """
    if unsupported:
        names = ", ".join(sorted(unsupported))
        raise TypeError(
            f"{owner} does not support {names}; supported options: {', '.join(supported)}. "
            "Remove the unsupported option (this library does not ignore options silently)."
        )
