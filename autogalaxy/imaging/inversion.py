"""
The linear inversion of an imaging fit: linear light profiles (``ag.lp_linear``) and
pixelizations (``ag.Pixelization``) of the galaxies.

Every linear object contributes columns to the operated mapping matrix:

* a linear light profile one column: its unit-intensity image blurred exactly as a standard light
  profile is (``OperateImage.blurred_image_2d_from`` on ``dataset.grids.lp`` and
  ``dataset.grids.blurring`` with the light-profile PSF of ``FitImaging``,
  ``dataset.psf_lp``), so it is evaluated at ``k_i`` points per
  pixel, pre-binned to ``s_lp x s_lp`` fine pixels, convolved at fine resolution with the light
  of the blurring region, and binned back; an operated linear profile (also a
  ``LightProfileOperated``) is added unblurred; every linear member of a basis
  (``ag.lp_basis.Basis``, e.g. a multi-Gaussian expansion) is such a column;
* a pixelization one column per mesh pixel: the mapper of its mesh over
  ``dataset.grids.pixelization`` (its points moved by the PSF's ``light_sample_offset``, non-zero
  for an even, STPSF-layout, kernel) gives the fine mapping matrix (``s_pix x s_pix`` rows per pixel,
  ``s_pix = dataset.convolve_over_sample_size_pixelization``) which
  ``dataset.psf_pixelization`` convolves and bins. The blurring region is not used for
  pixelizations (light the mesh would put outside the mask is not blurred into it), as in
  PyAutoArray's mapping formalism.

These columns make up the mapping formalism (:class:`InversionImagingGalaxies`). With a sparse
operator on the dataset (``dataset.apply_sparse_operator()``) the pixelizations' curvature matrix
and data vector come from their unblurred fine mapping matrices and the operator instead
(:class:`InversionImagingSparseGalaxies`): same results, less time and memory.

Under JAX (``xp=jax.numpy``) the same objects are built with JAX arrays: a linear profile's
column from its traced parameters, a pixelization's mapper with four non-zeros per light
sample (a BCOO of fixed shape). A mapper depends on no model parameter (no lensing), so its
operated mapping matrix and the curvature between pixelizations are formed with NumPy once per
trace (constants of the compiled function); the rest, what involves linear profiles, the
regularization and the solve (a Cholesky, or ``jaxnnls`` with ``use_positive_only_solver``),
is JAX. The whole log evidence is jit-able, differentiable with respect
to every profile parameter and the regularization coefficient, and ``vmap``-able.
"""

import numpy as np

import autoarray as aa
from autoarray import exc
from autoarray.inversion.factory import inversion_from as _aa_inversion_from
from autoarray.inversion.mapping import InversionImagingMapping
from autoarray.inversion.sparse import InversionImagingSparse
from autoarray.jax_util import checked_xp
from autogalaxy.galaxy.galaxy import Galaxies
from autogalaxy.operate.image_list import LightImage
from autogalaxy.profiles.basis import Basis
from autogalaxy.profiles.light.linear import LightProfileLinear

__all__ = [
    "inversion_from",
    "inversion_imaging_from",
    "InversionImagingGalaxies",
    "InversionImagingSparseGalaxies",
]


class _GalaxiesInversionMixin:
    """Solved values by galaxy component, shared by both formalisms' classes."""

    @property
    def linear_light_profile_intensity_dict(self) -> dict:
        """``{linear light profile: solved intensity}`` (for ``LightProfileLinear.lp_instance_from``)."""
        return {
            obj: float(values[0]) if self.xp is np else values[0]
            for obj, values in self.reconstruction_dict.items()
            if isinstance(obj, LightProfileLinear)
        }

    @property
    def mapper_list(self) -> list:
        """The mappers of the pixelizations."""
        return [obj for obj in self.linear_obj_list if isinstance(obj, aa.Mapper)]


class InversionImagingGalaxies(_GalaxiesInversionMixin, InversionImagingMapping):
    """
    :class:`autoarray.InversionImagingMapping` of galaxies, with the solved values by galaxy
    component.

    ``linear_obj_list`` holds, in the order of the galaxies and of each galaxy's components, the
    linear light profiles and the :class:`autoarray.Mapper` of every pixelization.
    """


class InversionImagingSparseGalaxies(_GalaxiesInversionMixin, InversionImagingSparse):
    """
    :class:`autoarray.InversionImagingSparse` of galaxies, with the solved values by galaxy
    component (see :class:`InversionImagingGalaxies`).
    """


def _linear_profiles_of(component, name: str) -> list:
    """
    ``(label, profile)`` of the linear light profiles of a galaxy component: the component
    itself, or each linear member of a basis (an MGE's Gaussians: one column each).
    """
    if isinstance(component, LightProfileLinear):
        return [(f"{name} ({type(component).__name__})", component)]
    if isinstance(component, Basis):
        return [
            (f"{name}.profile_list[{i}] ({type(member).__name__})", member)
            for i, member in enumerate(component.profile_list)
            if isinstance(member, LightProfileLinear)
        ]
    return []


def _linear_profile_column_from(profile, dataset, xp=np) -> np.ndarray:
    """The (N,) operated image of a unit-intensity linear light profile (an ``xp`` array)."""
    component = LightImage(profile)
    grids = dataset.grids
    psf = dataset.psf_lp
    if psf is None:
        image = component.image_2d_from(grids.lp, xp=xp)
    else:
        image = component.blurred_image_2d_from(grids.lp, grids.blurring, psf, xp=xp)
    return xp.asarray(image.slim.array, dtype=np.float64)


def inversion_from(
    dataset: aa.Imaging,
    galaxies,
    data=None,
    xp=np,
    settings: aa.SettingsInversion | None = None,
):
    """
    Build the linear inversion of the galaxies' linear light profiles and pixelizations.

    Parameters
    ----------
    dataset : Imaging
        The masked dataset. With ``dataset.sparse_operator`` set
        (``dataset.apply_sparse_operator()``) pixelizations use the sparse formalism, else the
        mapping formalism; both give the same reconstruction and evidence to rounding.
    galaxies : list of Galaxy or Galaxies
        The galaxies.
    data : Array2D or numpy.ndarray, optional
        (N,) data the linear objects fit: the dataset's data minus the blurred light of the
        standard profiles (what ``FitImaging`` passes); default ``dataset.data``.
    xp : module
        ``numpy`` or ``jax.numpy`` (see the module docstring).
    settings : SettingsInversion, optional
        The solver (e.g. ``SettingsInversion(use_positive_only_solver=True)``).

    Returns
    -------
    InversionImagingGalaxies or InversionImagingSparseGalaxies
        With ``reconstruction`` (in the order of the galaxies' components),
        ``mapped_reconstructed_image`` ((N,) array), ``log_evidence``, ``curvature_matrix``,
        ``data_vector``, ``regularization_matrix`` and ``operated_mapping_matrix``.

    Raises
    ------
    TypeError
        If ``xp`` is neither ``numpy`` nor ``jax.numpy``.
    InversionException
        If the galaxies hold no linear object or the linear system is misconfigured, or (NumPy)
        singular (see :class:`autoarray.InversionImagingMapping`).
    """
    xp = checked_xp(xp)
    galaxies = Galaxies(galaxies)
    psf = dataset.psf_pixelization
    # An even (STPSF-layout) kernel convolves light sampled half a fine pixel off the centres.
    point_offset = (0.0, 0.0) if psf is None else psf.light_sample_offset
    objs, operated, labels = [], [], []
    for g, galaxy in enumerate(galaxies):
        for name, component in galaxy.components.items():
            label = f"galaxies[{g}].{name} ({type(component).__name__})"
            for member_label, profile in _linear_profiles_of(component, f"galaxies[{g}].{name}"):
                objs.append(profile)
                operated.append(_linear_profile_column_from(profile, dataset, xp)[:, None])
                labels.append(member_label)
            if hasattr(component, "mesh") and hasattr(component, "mapper_from"):
                objs.append(
                    component.mapper_from(
                        dataset.grids.pixelization, point_offset=point_offset, xp=xp
                    )
                )
                operated.append(None)
                labels.append(label)
    if not objs:
        raise exc.InversionException(
            "The galaxies have no linear light profile or pixelization, so there is nothing to "
            "invert; fit them without an inversion."
        )
    return _aa_inversion_from(
        dataset,
        objs,
        operated_mapping_matrix_list=operated,
        data=data,
        settings=settings,
        label_list=labels,
        mapping_class=InversionImagingGalaxies,
        sparse_class=InversionImagingSparseGalaxies,
        xp=xp,
    )


#: Another name of :func:`inversion_from` (the one ``FitImaging`` calls).
inversion_imaging_from = inversion_from
