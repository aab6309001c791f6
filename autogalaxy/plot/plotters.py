"""
The plotters PyAutoGalaxy users know: :class:`Array2DPlotter`, :class:`ImagingPlotter`,
:class:`FitImagingPlotter` and :class:`InversionPlotter`.

Each takes the object to plot and an optional :class:`~autogalaxy.plot.mat_plot.MatPlot2D`
(colour map, log scale, output), draws panels with arcsec axes, colour bars, titles and the mask's
edge, and returns the matplotlib figure(s) it made (after writing / showing them).
"""

import numpy as np

import autoarray as aa
from autogalaxy.imaging.fit_imaging import galaxy_index_of_linear_objs_from
from autogalaxy.plot import figure as fig_util
from autogalaxy.plot.mat_plot import MatPlot2D
from autogalaxy.plot.plot_util import PlotException, refuse_unsupported

__all__ = ["Array2DPlotter", "ImagingPlotter", "FitImagingPlotter", "InversionPlotter"]


class AbstractPlotter:
    """
    What every plotter shares: the object it plots, its :class:`MatPlot2D` and the drawing of
    figures.

    Raises
    ------
    TypeError
        For an option in ``unsupported``, a missing subject, or a ``mat_plot_2d`` that is not a
        ``MatPlot2D``.
    """

    #: The keyword of the object a plotter plots (``"fit"``, ``"dataset"``, ...).
    subject_name = ""

    def __init__(self, subject, mat_plot_2d: MatPlot2D | None, unsupported: dict):
        owner = type(self).__name__
        refuse_unsupported(owner, unsupported, (self.subject_name, "mat_plot_2d"))
        if subject is None:
            raise TypeError(f"{owner} needs the object to plot: {owner}({self.subject_name}=...).")
        if mat_plot_2d is not None and not isinstance(mat_plot_2d, MatPlot2D):
            raise TypeError(
                f"mat_plot_2d must be an aplt.MatPlot2D, got {type(mat_plot_2d).__name__}."
            )
        self.mat_plot_2d = MatPlot2D() if mat_plot_2d is None else mat_plot_2d

    def _figure(self, panels, auto_filename: str, suptitle: str | None = None):
        return fig_util.figure_from(panels, self.mat_plot_2d, auto_filename, suptitle)

    def _check_one_file_per_figure(self, figures: int, method: str):
        # An explicit Output filename names one file: several figures would overwrite it.
        if figures > 1 and self.mat_plot_2d.output.filename is not None:
            raise PlotException(
                f"{method} makes {figures} figures but Output(filename="
                f"{self.mat_plot_2d.output.filename!r}) names one file, so each would overwrite "
                "the last. Leave filename unset (each figure gets its own name) or ask for one "
                "figure."
            )

    def _figures_2d_from(
        self, method: str, panel_functions: dict, flags: dict, filename_suffix: str = ""
    ) -> list:
        """
        One figure per flag set to True (``panel_functions``: flag -> Panel factory), named
        after the flag plus ``filename_suffix``.
        """
        refuse_unsupported(
            f"{type(self).__name__}.{method}",
            {k: v for k, v in flags.items() if k not in panel_functions},
            panel_functions,
        )
        for name, value in flags.items():
            if not isinstance(value, bool):
                raise TypeError(f"{method}({name}=...) must be True or False, got {value!r}.")
        selected = [name for name, value in flags.items() if value]
        if not selected:
            raise PlotException(
                f"{type(self).__name__}.{method}() was asked for no figure; set one or more of "
                f"{', '.join(panel_functions)} to True."
            )
        self._check_one_file_per_figure(len(selected), method)
        return [
            self._figure([panel_functions[name]()], f"{name}{filename_suffix}") for name in selected
        ]


class Array2DPlotter(AbstractPlotter):
    """
    Plots one :class:`autoarray.Array2D`, e.g.
    ``aplt.Array2DPlotter(array=dataset.data, mat_plot_2d=aplt.MatPlot2D(use_log10=True)).figure_2d()``.

    Parameters
    ----------
    array : Array2D
        The values; its pixel scales and origin give the arcsec axes, its mask's edge is drawn
        and masked pixels are grey.
    mat_plot_2d : MatPlot2D, optional
        Colour map, log scale and output (default: shown on screen).

    Raises
    ------
    TypeError
        If ``array`` is not an ``Array2D``, or for an unsupported option (e.g. ``visuals_2d``).
    """

    subject_name = "array"

    def __init__(self, array=None, mat_plot_2d: MatPlot2D | None = None, **unsupported):
        super().__init__(array, mat_plot_2d, unsupported)
        self.array = fig_util.checked_array2d(array, "Array2DPlotter array")

    def figure_2d(self, title: str = "Array2D"):
        """
        Draw the array (file name ``array`` unless the output names one).

        Returns
        -------
        matplotlib.figure.Figure
        """
        return self._figure([fig_util.panel_from(self.array, title)], "array")


class ImagingPlotter(AbstractPlotter):
    """
    Plots an imaging dataset (:class:`autoarray.Imaging`): data, noise map, PSF, signal-to-noise.

    Parameters
    ----------
    dataset : Imaging
        The dataset (masked or not). An oversampled PSF is shown at its own sampling, with arcsec
        axes from its pixel scales.
    mat_plot_2d : MatPlot2D, optional
        Colour map, log scale and output.

    Raises
    ------
    TypeError
        For an unsupported option.
    """

    subject_name = "dataset"

    def __init__(self, dataset=None, mat_plot_2d: MatPlot2D | None = None, **unsupported):
        super().__init__(dataset, mat_plot_2d, unsupported)
        self.dataset = dataset

    def _psf_panel(self):
        if self.dataset.psf is None:
            raise PlotException("The dataset has no PSF to plot (psf=None).")
        return fig_util.psf_panel_from(self.dataset.psf)

    @property
    def _panel_functions(self) -> dict:
        dataset = self.dataset
        return {
            "data": lambda: fig_util.panel_from(dataset.data, "Data"),
            "noise_map": lambda: fig_util.panel_from(dataset.noise_map, "Noise-Map"),
            "psf": self._psf_panel,
            "signal_to_noise_map": lambda: fig_util.panel_from(
                dataset.signal_to_noise_map, "Signal-To-Noise Map"
            ),
        }

    def subplot_dataset(self):
        """
        Data, noise map, PSF (left out if the dataset has none) and signal-to-noise map in one
        figure (file name ``subplot_dataset``).

        Returns
        -------
        matplotlib.figure.Figure
        """
        names = [n for n in self._panel_functions if n != "psf" or self.dataset.psf is not None]
        panels = [self._panel_functions[name]() for name in names]
        return self._figure(panels, "subplot_dataset")

    def figures_2d(self, **flags) -> list:
        """
        One figure per quantity set to True: ``data``, ``noise_map``, ``psf``,
        ``signal_to_noise_map`` (file names as the flags).

        Returns
        -------
        list of matplotlib.figure.Figure

        Raises
        ------
        TypeError
            For an unknown flag or a non-bool value.
        PlotException
            If no flag is True, ``psf=True`` without a PSF, or an explicit Output filename would
            be overwritten by several figures.
        """
        return self._figures_2d_from("figures_2d", self._panel_functions, flags)


def _mapper_indices_from(inversion) -> list:
    """Positions in ``inversion.linear_obj_list`` of the pixelizations' mappers."""
    return [j for j, obj in enumerate(inversion.linear_obj_list) if isinstance(obj, aa.Mapper)]


def _reconstruction_panel_from(inversion, position: int, title: str):
    return fig_util.reconstruction_panel_from(
        inversion.linear_obj_list[position], inversion.reconstruction_list[position], title
    )


class FitImagingPlotter(AbstractPlotter):
    """
    Plots a :class:`~autogalaxy.FitImaging`.

    Parameters
    ----------
    fit : FitImaging
        The fit.
    mat_plot_2d : MatPlot2D, optional
        Colour map, log scale and output.

    Raises
    ------
    TypeError
        For an unsupported option.
    """

    subject_name = "fit"

    def __init__(self, fit=None, mat_plot_2d: MatPlot2D | None = None, **unsupported):
        super().__init__(fit, mat_plot_2d, unsupported)
        self.fit = fit

    @property
    def _panel_functions(self) -> dict:
        fit = self.fit
        return {
            "data": lambda: fig_util.panel_from(fit.dataset.data, "Data"),
            "noise_map": lambda: fig_util.panel_from(fit.dataset.noise_map, "Noise-Map"),
            "signal_to_noise_map": lambda: fig_util.panel_from(
                fit.dataset.signal_to_noise_map, "Signal-To-Noise Map"
            ),
            "model_image": lambda: fig_util.panel_from(fit.model_data, "Model Image"),
            "residual_map": lambda: fig_util.panel_from(
                fit.residual_map, "Residual Map", kind="signed"
            ),
            "normalized_residual_map": lambda: fig_util.panel_from(
                fit.normalized_residual_map,
                "Normalized Residual Map",
                kind="signed",
                colorbar_label=r"$\sigma$",
            ),
            "chi_squared_map": lambda: fig_util.panel_from(
                fit.chi_squared_map, "Chi-Squared Map", colorbar_label=r"$\chi^2$"
            ),
        }

    def _reconstruction_panels_of(self, galaxy_index: int | None) -> list:
        """Reconstruction panels of the pixelizations of one galaxy (all if None)."""
        inversion = self.fit.inversion
        if inversion is None:
            return []
        owners = galaxy_index_of_linear_objs_from(self.fit.galaxies, inversion.linear_obj_list)
        return [
            _reconstruction_panel_from(inversion, j, f"Reconstruction of Galaxy {owners[j]}")
            for j in _mapper_indices_from(inversion)
            if galaxy_index is None or owners[j] == galaxy_index
        ]

    def _suptitle(self) -> str:
        fit = self.fit
        text = (
            f"chi^2 = {float(fit.chi_squared):.1f} over {fit.dataset.mask.pixels_in_mask} "
            f"pixels, log likelihood = {float(fit.log_likelihood):.2f}"
        )
        if fit.log_evidence is not None:
            text += f", log evidence = {float(fit.log_evidence):.2f}"
        return text

    def subplot_fit(self):
        """
        The fit in one figure (file name ``subplot_fit``): data, signal-to-noise map, model
        image, residual map, normalized residual map, chi-squared map; then, with more than one
        galaxy, the subtracted image of each galaxy (the data minus the other galaxies' model
        images); then the reconstruction of each pixelization on its mesh. Residual panels use
        a diverging colour map centred on zero. The figure's title gives chi^2, the log
        likelihood and (with an inversion) the log evidence.

        Returns
        -------
        matplotlib.figure.Figure
        """
        functions = self._panel_functions
        names = (
            "data",
            "signal_to_noise_map",
            "model_image",
            "residual_map",
            "normalized_residual_map",
            "chi_squared_map",
        )
        panels = [functions[name]() for name in names]
        subtracted = self.fit.subtracted_images_of_galaxies_list
        if len(subtracted) > 1:
            panels += [
                fig_util.panel_from(image, f"Subtracted Image of Galaxy {index}")
                for index, image in enumerate(subtracted)
            ]
        panels += self._reconstruction_panels_of(None)
        return self._figure(panels, "subplot_fit", suptitle=self._suptitle())

    def subplot_of_galaxies(self, galaxy_index: int | None = None) -> list:
        """
        One figure per galaxy (file names ``subplot_of_galaxy_<index>``): the data, the
        galaxy's subtracted image, its model image and the reconstruction of its pixelization.

        Parameters
        ----------
        galaxy_index : int, optional
            Only this galaxy; default: every galaxy.

        Returns
        -------
        list of matplotlib.figure.Figure

        Raises
        ------
        TypeError
            If ``galaxy_index`` is not an int.
        PlotException
            If ``galaxy_index`` is out of range, or an explicit Output filename would be
            overwritten by several figures.
        """
        count = len(self.fit.galaxies)
        if galaxy_index is None:
            indices = list(range(count))
        else:
            if isinstance(galaxy_index, bool) or not isinstance(galaxy_index, int | np.integer):
                raise TypeError(f"galaxy_index must be an int, got {galaxy_index!r}.")
            if not 0 <= galaxy_index < count:
                raise PlotException(
                    f"galaxy_index={galaxy_index} is out of range: the fit has {count} "
                    f"galax{'y' if count == 1 else 'ies'} (indices 0 to {count - 1})."
                )
            indices = [int(galaxy_index)]
        self._check_one_file_per_figure(len(indices), "subplot_of_galaxies")
        data = self._panel_functions["data"]
        figures = []
        for index in indices:
            panels = [
                data(),
                fig_util.panel_from(
                    self.fit.subtracted_images_of_galaxies_list[index],
                    f"Subtracted Image of Galaxy {index}",
                ),
                fig_util.panel_from(
                    self.fit.model_images_of_galaxies_list[index], f"Model Image of Galaxy {index}"
                ),
                *self._reconstruction_panels_of(index),
            ]
            figures.append(self._figure(panels, f"subplot_of_galaxy_{index}"))
        return figures

    def figures_2d(self, **flags) -> list:
        """
        One figure per quantity set to True: ``data``, ``noise_map``, ``signal_to_noise_map``,
        ``model_image``, ``residual_map``, ``normalized_residual_map``, ``chi_squared_map``.

        Returns
        -------
        list of matplotlib.figure.Figure

        Raises
        ------
        TypeError
            For an unknown flag or a non-bool value.
        PlotException
            If no flag is True, or an explicit Output filename would be overwritten.
        """
        return self._figures_2d_from("figures_2d", self._panel_functions, flags)


class InversionPlotter(AbstractPlotter):
    """
    Plots the pixelizations of a linear inversion (``fit.inversion``): the reconstruction on its
    rectangular mesh (arcsec axes, one cell per mesh node, centred on it) and the reconstructed
    image it maps to in the data.

    Parameters
    ----------
    inversion
        An inversion with ``linear_obj_list``, ``reconstruction_list`` and
        ``mapped_reconstructed_image_list`` (:class:`autoarray.InversionImaging`, sparse or not).
    mat_plot_2d : MatPlot2D, optional
        Colour map, log scale and output.

    Raises
    ------
    TypeError
        For an unsupported option.
    PlotException
        If the inversion has no pixelization (only linear light profiles).
    """

    subject_name = "inversion"

    def __init__(self, inversion=None, mat_plot_2d: MatPlot2D | None = None, **unsupported):
        super().__init__(inversion, mat_plot_2d, unsupported)
        self.inversion = inversion
        self._positions = _mapper_indices_from(inversion)
        if not self._positions:
            raise PlotException(
                "The inversion has no pixelization (its linear objects are linear light "
                "profiles), so there is no reconstruction to plot; plot the fit with "
                "FitImagingPlotter instead."
            )

    def _position_of(self, index, name: str) -> int:
        if isinstance(index, bool) or not isinstance(index, int | np.integer):
            raise TypeError(f"{name} must be an int, got {index!r}.")
        count = len(self._positions)
        if not 0 <= index < count:
            raise PlotException(
                f"{name}={index} is out of range: the inversion has {count} "
                f"pixelization{'s' if count > 1 else ''} (indices 0 to {count - 1})."
            )
        return self._positions[int(index)]

    def _panel_functions_of(self, position: int) -> dict:
        inversion = self.inversion
        mapper = inversion.linear_obj_list[position]
        return {
            "reconstructed_image": lambda: fig_util.panel_from(
                aa.Array2D(inversion.mapped_reconstructed_image_list[position], mapper.mask),
                "Reconstructed Image",
            ),
            "reconstruction": lambda: _reconstruction_panel_from(
                inversion, position, "Reconstruction"
            ),
        }

    def figures_2d_of_pixelization(self, pixelization_index: int = 0, **flags) -> list:
        """
        One figure per quantity set to True, of pixelization ``pixelization_index``:
        ``reconstructed_image`` (its PSF-blurred image in the data, file name
        ``reconstructed_image_<index>``) and ``reconstruction`` (on the mesh,
        ``reconstruction_<index>``).

        Returns
        -------
        list of matplotlib.figure.Figure

        Raises
        ------
        TypeError
            For an unknown flag (e.g. ``regularization_weights``) or a non-bool value.
        PlotException
            If the index is out of range or no flag is True.
        """
        position = self._position_of(pixelization_index, "pixelization_index")
        return self._figures_2d_from(
            "figures_2d_of_pixelization",
            self._panel_functions_of(position),
            flags,
            filename_suffix=f"_{pixelization_index}",
        )

    def subplot_of_mapper(self, mapper_index: int = 0):
        """
        The reconstructed image and the reconstruction of pixelization ``mapper_index`` side by
        side (file name ``subplot_inversion_<index>``).

        Returns
        -------
        matplotlib.figure.Figure
        """
        position = self._position_of(mapper_index, "mapper_index")
        functions = self._panel_functions_of(position)
        panels = [functions["reconstructed_image"](), functions["reconstruction"]()]
        return self._figure(panels, f"subplot_inversion_{mapper_index}")
