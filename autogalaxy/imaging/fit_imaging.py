"""Fit an imaging dataset with galaxies: model image, residuals, chi-squared, likelihood."""

from functools import cached_property

import numpy as np

import autoarray as aa
from autoarray.jax_util import warn_if_x64_disabled
from autogalaxy.galaxy.galaxy import Galaxies
from autogalaxy.galaxy.galaxy_util import galaxy_with_light_profiles_from
from autogalaxy.profiles.light.linear import LightProfileLinear

__all__ = ["FitImaging"]


class FitImaging:
    """
    The fit of ``galaxies`` to an imaging ``dataset``.

    Parameters
    ----------
    dataset
        An :class:`autoarray.Imaging` (masked). Its grids decide the sampling: light profiles on
        ``dataset.grids.lp`` (``k_i`` per pixel) and the ``blurring`` grid, blurred at fine
        resolution when ``dataset.convolve_over_sample_size_lp > 1`` (with ``s_lp = 1`` and a PSF
        oversampled for the pixelization channel, by its native block sum: ``dataset.psf_lp``).
    galaxies
        A list of :class:`Galaxy` (or ``Galaxies``).
    settings_inversion
        :class:`autoarray.SettingsInversion` of the linear inversion (e.g.
        ``use_positive_only_solver=True``); default settings if None.
    xp
        ``numpy`` or ``jax.numpy``. With JAX, ``log_likelihood`` is jit-able and differentiable
        with respect to the light-profile parameters: build the galaxies inside the function you
        transform (profiles are pytrees, see ``autogalaxy.profiles.light.abstract``), e.g.
        ``jax.grad(lambda r: FitImaging(ds, [Galaxy(0.5, bulge=Sersic(effective_radius=r))],
        xp=jnp).log_likelihood)``. Precompute the PSF state (``psf_setup_state=True``) so nothing
        mask-dependent is rebuilt while tracing. Linear light profiles, bases and
        pixelizations work too: ``log_evidence`` is then jit-able, ``vmap``-able and
        differentiable with respect to the profile parameters and the regularization
        coefficient (``Pixelization`` and ``reg.Constant`` are pytrees); see
        :mod:`autogalaxy.imaging.inversion`. Under JAX a singular inversion gives a NaN log
        evidence instead of an ``InversionException``.

    Notes
    -----
    If the galaxies hold linear light profiles or a pixelization, their intensities / pixel values
    are solved by a linear inversion (``inversion``) and ``figure_of_merit`` is ``log_evidence``;
    otherwise it is ``log_likelihood``. With ``dataset.noise_covariance_matrix`` (correlated
    noise) the likelihood is the full Gaussian one, ``-1/2 [r^T C^-1 r + ln det(2 pi C)]``, and
    the inversion solves the whitened system.
    """

    def __init__(self, dataset: aa.Imaging, galaxies, xp=np, settings_inversion=None):
        self.settings_inversion = settings_inversion
        self.dataset = dataset
        self.galaxies = Galaxies(galaxies)
        self.xp = xp
        if xp is not np:
            warn_if_x64_disabled()

    # -------------------------------------------------------------------------- images

    @cached_property
    def blurred_image(self) -> aa.Array2D:
        """The PSF-blurred light of the standard components (plus operated ones, unblurred)."""
        grids = self.dataset.grids
        psf = self.dataset.psf_lp
        if psf is None:
            return self.galaxies.image_2d_from(grids.lp, xp=self.xp)
        return self.galaxies.blurred_image_2d_from(grids.lp, grids.blurring, psf, xp=self.xp)

    @property
    def has_inversion(self) -> bool:
        return any(g.linear_light_profile_list or g.pixelization is not None for g in self.galaxies)

    @cached_property
    def inversion(self):
        """The linear inversion of linear light profiles / pixelizations, or None."""
        if not self.has_inversion:
            return None
        from autogalaxy.imaging.inversion import inversion_imaging_from

        return inversion_imaging_from(
            dataset=self.dataset,
            galaxies=self.galaxies,
            data=self._data - self.blurred_image.array,
            xp=self.xp,
            settings=self.settings_inversion,
        )

    @cached_property
    def _data(self):
        return self.xp.asarray(self.dataset.data.array)

    @cached_property
    def _noise(self):
        return self.xp.asarray(self.dataset.noise_map.array)

    @cached_property
    def model_data(self) -> aa.Array2D:
        """Blurred light plus, with an inversion, the mapped reconstruction."""
        model = self.blurred_image.array
        if self.inversion is not None:
            model = model + self.inversion.mapped_reconstructed_image
        return aa.Array2D(model, self.dataset.mask)

    @cached_property
    def residual_map(self) -> aa.Array2D:
        return aa.Array2D(self._data - self.model_data.array, self.dataset.mask)

    @cached_property
    def normalized_residual_map(self) -> aa.Array2D:
        return aa.Array2D(self.residual_map.array / self._noise, self.dataset.mask)

    @cached_property
    def chi_squared_map(self) -> aa.Array2D:
        """``(r / sigma)^2`` per pixel (a display: with a noise covariance the chi^2 is not a sum
        of per-pixel terms)."""
        return aa.Array2D(self.normalized_residual_map.array**2, self.dataset.mask)

    @property
    def chi_squared(self):
        """``sum (r / sigma)^2``, or ``r^T C^-1 r`` with the dataset's noise covariance."""
        covariance = self.dataset.noise_covariance
        if covariance is not None:
            return covariance.chi_squared_from(self.residual_map.array, xp=self.xp)
        return self.xp.sum(self.chi_squared_map.array)

    @property
    def noise_normalization(self):
        """``sum ln 2 pi sigma^2``, or ``ln det(2 pi C)`` with the dataset's noise covariance."""
        covariance = self.dataset.noise_covariance
        if covariance is not None:
            return covariance.noise_normalization
        return self.xp.sum(self.xp.log(2.0 * np.pi * self._noise**2))

    @property
    def log_likelihood(self):
        """``-0.5 (chi^2 + noise_normalization)``."""
        return -0.5 * (self.chi_squared + self.noise_normalization)

    @property
    def log_evidence(self):
        """The Bayesian evidence of the inversion (None without one)."""
        return None if self.inversion is None else self.inversion.log_evidence

    @property
    def figure_of_merit(self):
        return self.log_likelihood if self.inversion is None else self.log_evidence

    # --------------------------------------------------- inversion and unmasked images

    @property
    def perform_inversion(self) -> bool:
        """True if the galaxies hold linear light profiles or a pixelization (an inversion runs)."""
        return self.has_inversion

    @property
    def reduced_chi_squared(self):
        """
        ``chi_squared / N``, N the number of unmasked pixels (PyAutoGalaxy's definition: the
        number of free parameters is not subtracted).
        """
        return self.chi_squared / self.dataset.mask.pixels_in_mask

    @property
    def linear_light_profile_intensity_dict(self) -> dict | None:
        """
        ``{linear light profile: solved intensity}`` for every linear profile of the galaxies
        (the members of bases included), or None without an inversion.
        """
        if self.inversion is None:
            return None
        return self.inversion.linear_light_profile_intensity_dict

    @cached_property
    def galaxies_linear_light_profiles_to_light_profiles(self) -> Galaxies:
        """
        The galaxies with every linear light profile (those of bases included) replaced by its
        standard profile at the solved intensity (``lp_instance_from``); the galaxies themselves
        when there is no inversion. Pixelizations are kept as they are.
        """
        intensities = self.linear_light_profile_intensity_dict
        if intensities is None:
            return self.galaxies
        return Galaxies(
            [galaxy_with_light_profiles_from(galaxy, intensities) for galaxy in self.galaxies]
        )

    @property
    def unmasked_blurred_image(self) -> aa.Array2D:
        """
        The blurred image of all galaxies on the whole frame (masked pixels included), linear
        profiles at their solved intensities, blurred with ``dataset.psf_lp``; the frame is
        over-sampled uniformly at the largest size of ``dataset.grids.lp``
        (``OperateImage.unmasked_blurred_image_2d_from``).

        Returns
        -------
        Array2D
            On the unmasked frame of the dataset.

        Raises
        ------
        InversionException
            If a galaxy has a pixelization: its reconstruction exists on the mask only.
        DatasetException
            If the dataset has no PSF.
        """
        return self._galaxies_for_unmasked_images().unmasked_blurred_image_2d_from(
            self.dataset.grids.lp, self._psf_for_unmasked_images(), xp=self.xp
        )

    @property
    def unmasked_blurred_image_of_galaxies_list(self) -> list:
        """:attr:`unmasked_blurred_image` of each galaxy, in order."""
        return self._galaxies_for_unmasked_images().unmasked_blurred_image_2d_list_from(
            self.dataset.grids.lp, self._psf_for_unmasked_images(), xp=self.xp
        )

    def _galaxies_for_unmasked_images(self) -> Galaxies:
        pixelized = [i for i, g in enumerate(self.galaxies) if g.pixelization is not None]
        if pixelized:
            raise aa.exc.InversionException(
                f"galaxies {pixelized} have a pixelization, whose reconstruction exists only on "
                "the mask: there is no unmasked blurred image of them. Use model_data (masked)."
            )
        return self.galaxies_linear_light_profiles_to_light_profiles

    def _psf_for_unmasked_images(self):
        psf = self.dataset.psf_lp
        if psf is None:
            raise aa.exc.DatasetException(
                "The dataset has no PSF, so there is no blurred image; use "
                "galaxies.image_2d_from(dataset.grids.lp)."
            )
        return psf

    # ------------------------------------------------------------- images of each galaxy

    def _galaxy_images_from(self, use_operated: bool) -> list:
        """
        The (N,) image of every galaxy (in the order of ``galaxies``): its light profiles
        (blurred by ``dataset.psf_lp`` if ``use_operated``, else unblurred) plus its linear
        objects' share of the inversion (operated or not).
        """
        grids = self.dataset.grids
        psf = self.dataset.psf_lp
        images = []
        for galaxy in self.galaxies:
            if use_operated and psf is not None:
                image = galaxy.blurred_image_2d_from(grids.lp, grids.blurring, psf, xp=self.xp)
            else:
                image = galaxy.image_2d_from(grids.lp, xp=self.xp)
            images.append(image.slim.array)
        if self.inversion is not None:
            owners = galaxy_index_of_linear_objs_from(self.galaxies, self.inversion.linear_obj_list)
            if use_operated:
                linear_images = self.inversion.mapped_reconstructed_image_list
            else:
                linear_images = [
                    _unoperated_image_from(obj, values, grids.lp)
                    for obj, values in zip(
                        self.inversion.linear_obj_list, self.inversion.reconstruction_list
                    )
                ]
            for owner, linear_image in zip(owners, linear_images):
                images[owner] = images[owner] + linear_image
        return [aa.Array2D(image, self.dataset.mask) for image in images]

    def _dict_of_galaxies_from(self, values: list) -> dict:
        """``{galaxy: value}`` in the order of ``galaxies`` (refusing a Galaxy given twice)."""
        seen = {}
        for index, galaxy in enumerate(self.galaxies):
            if id(galaxy) in seen:
                raise aa.exc.AutoArrayException(
                    f"galaxies[{index}] is the same Galaxy object as galaxies[{seen[id(galaxy)]}], "
                    "so a dict keyed by galaxy would merge their images. Pass distinct Galaxy "
                    "objects, or use the *_list properties (one entry per position)."
                )
            seen[id(galaxy)] = index
        return dict(zip(self.galaxies, values))

    @cached_property
    def model_images_of_galaxies_list(self) -> list:
        """
        The model image of every galaxy, in the order of ``galaxies``.

        Returns
        -------
        list of Array2D
            One (slim) image per galaxy on the dataset's mask: the light of its standard
            profiles blurred exactly as in ``blurred_image`` (``dataset.psf_lp``, at fine
            resolution when ``convolve_over_sample_size_lp > 1``; already-operated profiles
            unblurred), plus the operated (PSF-blurred, binned) image its linear light profiles
            and pixelizations contribute to ``inversion.mapped_reconstructed_image``. They sum
            to ``model_data``.

        Raises
        ------
        InversionException
            If a linear object of the inversion belongs to no galaxy.

        Notes
        -----
        A galaxy with both standard and linear components gets the sum of the two parts (the
        released PyAutoGalaxy keeps only the linear part for such a galaxy, so its images do
        not add up to the model image).
        """
        return self._galaxy_images_from(use_operated=True)

    @property
    def galaxy_model_image_dict(self) -> dict:
        """
        ``{galaxy: model image}``: :attr:`model_images_of_galaxies_list` keyed by galaxy.

        Raises
        ------
        AutoArrayException
            If the same ``Galaxy`` object appears twice in ``galaxies`` (the keys would merge).
        """
        return self._dict_of_galaxies_from(self.model_images_of_galaxies_list)

    @cached_property
    def _galaxy_images_list(self) -> list:
        return self._galaxy_images_from(use_operated=False)

    @property
    def galaxy_image_dict(self) -> dict:
        """
        ``{galaxy: image before the PSF}``, in the order of ``galaxies``.

        Returns
        -------
        dict of Galaxy to Array2D
            Every galaxy's light on ``dataset.grids.lp`` (all its standard and operated profiles,
            over-sampled and binned with the mean, no PSF), plus the unblurred image of its
            linear objects as solved by the inversion: ``intensity x`` the profile's image for a
            linear light profile, ``mapper.mapping_matrix @ reconstruction`` for a pixelization.

        Raises
        ------
        AutoArrayException
            If the same ``Galaxy`` object appears twice in ``galaxies``.
        InversionException
            If a linear object of the inversion belongs to no galaxy.
        """
        return self._dict_of_galaxies_from(self._galaxy_images_list)

    @cached_property
    def subtracted_images_of_galaxies_list(self) -> list:
        """
        The data with every *other* galaxy's model image subtracted, one per galaxy.

        Returns
        -------
        list of Array2D
            Entry ``i`` is ``data - sum_{j != i} model_images_of_galaxies_list[j]``: how galaxy
            ``i`` appears in the data without the others (the data itself for a single galaxy).
        """
        models = self.model_images_of_galaxies_list
        data = self.dataset.data.slim.array
        subtracted = []
        for index in range(len(models)):
            image = data
            for other, model in enumerate(models):
                if other != index:
                    image = image - model.array
            subtracted.append(aa.Array2D(image, self.dataset.mask))
        return subtracted

    @property
    def subtracted_images_of_galaxies_dict(self) -> dict:
        """
        ``{galaxy: subtracted image}``: :attr:`subtracted_images_of_galaxies_list` keyed by galaxy.

        Raises
        ------
        AutoArrayException
            If the same ``Galaxy`` object appears twice in ``galaxies``.
        """
        return self._dict_of_galaxies_from(self.subtracted_images_of_galaxies_list)


def _linear_profiles_of(component) -> list:
    """The linear light profiles a galaxy component holds: itself, or those of a basis."""
    if isinstance(component, LightProfileLinear):
        return [component]
    return [p for p in getattr(component, "profile_list", ()) if isinstance(p, LightProfileLinear)]


def galaxy_index_of_linear_objs_from(galaxies, linear_obj_list) -> list:
    """
    The index in ``galaxies`` of the galaxy owning each linear object of an inversion.

    A linear light profile belongs to the galaxy holding that very profile object (directly or
    in a basis' ``profile_list``). Mappers are matched, in order, to the galaxies' pixelization
    components in the order of the galaxies and their components (the order ``inversion_from``
    builds them in), and must share the component's mesh.
    """
    profile_owner = {}
    pixelizations = []
    for index, galaxy in enumerate(galaxies):
        for component in galaxy.components.values():
            for profile in _linear_profiles_of(component):
                profile_owner.setdefault(id(profile), index)
            if hasattr(component, "mesh") and hasattr(component, "mapper_from"):
                pixelizations.append((index, component))
    owners = []
    pixelization_iter = iter(pixelizations)
    for obj in linear_obj_list:
        if id(obj) in profile_owner:
            owners.append(profile_owner[id(obj)])
            continue
        if isinstance(obj, aa.Mapper):
            index, component = next(pixelization_iter, (None, None))
            if component is not None and obj.mesh is component.mesh:
                owners.append(index)
                continue
        raise aa.exc.InversionException(
            f"The inversion's linear object {obj!r} belongs to none of the galaxies, so its image "
            "cannot be assigned to a galaxy. Build the inversion from these galaxies "
            "(FitImaging does)."
        )
    return owners


def _unoperated_image_from(linear_obj, values, grid: aa.Grid2D) -> np.ndarray:
    """The (N,) unblurred image of one linear object with its solved ``values``."""
    if isinstance(linear_obj, LightProfileLinear):
        return float(values[0]) * linear_obj.image_2d_from(grid).slim.array
    return linear_obj.mapping_matrix @ np.asarray(values)
