"""
How a plotter draws and where it writes: :class:`Output` (file or screen) and :class:`MatPlot2D`
(colour map, log scale, figure size, output), with the names PyAutoGalaxy users type:
``aplt.MatPlot2D(output=aplt.Output(path="plots", filename="fit", format="png"))``.
"""

import os
from pathlib import Path

import matplotlib

from autogalaxy.plot.plot_util import PlotException, refuse_unsupported

__all__ = ["Output", "MatPlot2D"]


class Output:
    """
    Where a figure goes: shown on screen, or written to ``path/prefix + filename + suffix.format``.

    Parameters
    ----------
    path : str or os.PathLike, optional
        The folder files are written to (created if missing). Needed for any file format.
    filename : str, optional
        The file name without extension; default: the plotter's name for the figure (e.g.
        ``"subplot_fit"``).
    prefix, suffix : str, optional
        Put before / after the file name.
    format : str or list of str, optional
        ``"show"`` (the default: ``matplotlib.pyplot.show``), ``"png"``, ``"pdf"`` or ``"svg"``;
        a list writes each.
    format_folder : bool
        Write each format into its own sub-folder, ``path/png/filename.png``.
    dpi : int
        Resolution of raster files (png).

    Raises
    ------
    TypeError
        For an option this class does not have (e.g. ``bbox_inches``), or arguments of the wrong
        type.
    PlotException
        For an unsupported format, or a file format without ``path``.
    """

    SUPPORTED_FORMATS = ("show", "png", "pdf", "svg")

    def __init__(
        self,
        path=None,
        filename=None,
        prefix=None,
        suffix=None,
        format=None,
        format_folder: bool = False,
        dpi: int = 120,
        **unsupported,
    ):
        refuse_unsupported(
            "Output",
            unsupported,
            ("path", "filename", "prefix", "suffix", "format", "format_folder", "dpi"),
        )
        if path is not None and not isinstance(path, str | os.PathLike):
            raise TypeError(f"Output path must be a str or a Path, got {type(path).__name__}.")
        for name, value in (("filename", filename), ("prefix", prefix), ("suffix", suffix)):
            if value is not None and not isinstance(value, str):
                raise TypeError(f"Output {name} must be a str, got {type(value).__name__}.")
        formats = ["show"] if format is None else format
        formats = [formats] if isinstance(formats, str) else list(formats)
        unknown = [f for f in formats if f not in self.SUPPORTED_FORMATS]
        if unknown or not formats:
            raise PlotException(
                f"Output format {format!r} is not supported; use one of "
                f"{', '.join(self.SUPPORTED_FORMATS)} (or a list of them)."
            )
        if path is None and any(f != "show" for f in formats):
            raise PlotException(
                f"Output(format={format!r}) writes files but has no path; pass "
                "Output(path='folder', format=...) or format='show'."
            )
        if isinstance(dpi, bool) or not isinstance(dpi, int) or dpi < 1:
            raise TypeError(f"Output dpi must be a positive int, got {dpi!r}.")
        self.path = None if path is None else Path(path)
        self.filename = filename
        self.prefix = prefix
        self.suffix = suffix
        self.format_list = formats
        self.format_folder = bool(format_folder)
        self.dpi = dpi

    def __repr__(self):
        return (
            f"Output(path={self.path!r}, filename={self.filename!r}, format={self.format_list!r})"
        )

    @property
    def shows(self) -> bool:
        """Whether the figure is shown on screen (``"show"`` among the formats)."""
        return "show" in self.format_list

    def filename_from(self, auto_filename: str) -> str:
        """The file name (no extension): ``prefix + (filename or auto_filename) + suffix``."""
        name = self.filename if self.filename is not None else auto_filename
        return f"{self.prefix or ''}{name}{self.suffix or ''}"

    def paths_from(self, auto_filename: str) -> list:
        """The files a figure named ``auto_filename`` is written to (none for ``"show"``)."""
        name = self.filename_from(auto_filename)
        return [
            (self.path / fmt if self.format_folder else self.path) / f"{name}.{fmt}"
            for fmt in self.format_list
            if fmt != "show"
        ]

    def to_figure(self, figure, auto_filename: str) -> list:
        """
        Write ``figure`` to every file format and show it if asked.

        Returns
        -------
        list of Path
            The files written.
        """
        paths = self.paths_from(auto_filename)
        for path in paths:
            path.parent.mkdir(parents=True, exist_ok=True)
            figure.savefig(path, dpi=self.dpi)
        if self.shows:
            import matplotlib.pyplot as plt

            plt.show()
        return paths


class MatPlot2D:
    """
    The drawing settings of a plotter.

    Parameters
    ----------
    output : Output, optional
        Where figures go; default ``Output()`` (shown on screen).
    cmap : str
        A matplotlib colour map name for image panels. Residual panels use the diverging
        ``"RdBu_r"`` centred on zero, spanning +- the 99th percentile of ``|residual|`` (the
        colour bar's arrows mark values beyond).
    use_log10 : bool
        Log10 colour scale on panels of non-negative quantities (data, noise, PSF, model and
        subtracted images, signal-to-noise, chi-squared, reconstructions); signed panels
        (residuals) stay linear. The scale spans the largest value down to the smallest
        positive one, at most 4 decades; lower values get the lowest colour.
    figsize : tuple of float, optional
        ``(width, height)`` in inches of every figure; default: 4.3 x 3.6 inches per panel
        (plus 0.35 inches for a figure title). Smaller panels get proportionally smaller
        margins.

    Raises
    ------
    TypeError
        For an option this class does not have (PyAutoGalaxy's ``cmap=aplt.Cmap(...)``,
        ``title=``, ``axis=``, ...), or a value of the wrong type.
    PlotException
        For an unknown colour map or a non-positive figure size.
    """

    def __init__(
        self,
        output: Output | None = None,
        cmap: str = "viridis",
        use_log10: bool = False,
        figsize=None,
        **unsupported,
    ):
        refuse_unsupported("MatPlot2D", unsupported, ("output", "cmap", "use_log10", "figsize"))
        if output is not None and not isinstance(output, Output):
            raise TypeError(
                f"MatPlot2D output must be an aplt.Output, got {type(output).__name__}."
            )
        if not isinstance(cmap, str):
            raise TypeError(
                f"MatPlot2D cmap must be a matplotlib colour map name (str), got "
                f"{type(cmap).__name__}."
            )
        if cmap not in matplotlib.colormaps:
            raise PlotException(
                f"MatPlot2D cmap {cmap!r} is not a matplotlib colour map; use e.g. 'viridis', "
                "'inferno', 'gray' (see matplotlib.colormaps)."
            )
        if not isinstance(use_log10, bool):
            raise TypeError(f"MatPlot2D use_log10 must be True or False, got {use_log10!r}.")
        if figsize is not None:
            try:
                width, height = (float(v) for v in figsize)
            except (TypeError, ValueError):
                raise TypeError(
                    f"MatPlot2D figsize must be (width, height) in inches, got {figsize!r}."
                ) from None
            if not (width > 0 and height > 0):
                raise PlotException(f"MatPlot2D figsize must be positive, got {figsize!r}.")
            figsize = (width, height)
        self.output = Output() if output is None else output
        self.cmap = cmap
        self.use_log10 = use_log10
        self.figsize = figsize

    def __repr__(self):
        return (
            f"MatPlot2D(output={self.output!r}, cmap={self.cmap!r}, use_log10={self.use_log10}, "
            f"figsize={self.figsize})"
        )
