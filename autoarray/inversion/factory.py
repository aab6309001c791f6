"""
``inversion_from``: the one entry point that builds the inversion of an imaging dataset, in the
sparse formalism when the dataset has a sparse operator and in the mapping formalism otherwise.
"""

import numpy as np

from autoarray import exc
from autoarray.inversion.mapper import Mapper
from autoarray.inversion.mapping import (
    InversionImagingMapping,
    mapper_operated_mapping_matrix_from,
)
from autoarray.inversion.sparse import InversionImagingSparse

__all__ = ["inversion_from"]


def inversion_from(
    dataset,
    linear_obj_list,
    operated_mapping_matrix_list=None,
    data=None,
    settings=None,
    label_list=None,
    mapping_class=InversionImagingMapping,
    sparse_class=InversionImagingSparse,
    xp=np,
):
    """
    Return the linear inversion of ``linear_obj_list`` fitted to an imaging dataset.

    Parameters
    ----------
    dataset : Imaging
        The masked dataset. With ``dataset.sparse_operator`` set (see
        :meth:`autoarray.Imaging.apply_sparse_operator`) pixelizations use the sparse formalism
        (:class:`autoarray.InversionImagingSparse`), else the mapping formalism
        (:class:`autoarray.InversionImagingMapping`); both give the same reconstruction and
        evidence to rounding.
    linear_obj_list : list
        The linear objects: a :class:`Mapper` (of ``dataset.grids.pixelization``) per
        pixelization, or any object (e.g. a linear light profile) whose operated columns are
        given in ``operated_mapping_matrix_list``.
    operated_mapping_matrix_list : list of (numpy.ndarray or None), optional
        Per object: None for a mapper (its fine mapping matrix for
        ``dataset.convolve_over_sample_size_pixelization`` is used with the PSF), else its
        (N,) or (N, k) already-blurred columns. Default: all None.
    data : Array2D or numpy.ndarray, optional
        (N,) data the linear objects fit (default ``dataset.data``).
    settings : SettingsInversion, optional
        The solver (unconstrained or positive-only).
    label_list : list of str, optional
        A name per object for error messages.
    mapping_class : type
        The class built in the mapping formalism (a subclass of
        :class:`autoarray.InversionImagingMapping`, e.g. one adding properties per galaxy).
    sparse_class : type
        The class built in the sparse formalism (a subclass of
        :class:`autoarray.InversionImagingSparse`).
    xp : module
        ``numpy`` or ``jax.numpy``: the inversion's arrays (build the mappers with the same
        ``xp``, e.g. ``pixelization.mapper_from(grid, xp=jnp)``). Under JAX, correlated noise
        whitens with ``jax.scipy.linalg.solve_triangular`` (mapping formalism).

    Returns
    -------
    AbstractInversionImaging
        An instance of ``sparse_class`` when the dataset has a sparse operator and there is a
        mapper, else of ``mapping_class``.

    Raises
    ------
    InversionException
        If an object is neither a mapper nor given operated columns, a mapper is on another
        mask or its points are not at the pixelization PSF's ``light_sample_offset``, the two
        lists differ in length, or the linear system is misconfigured (see
        :class:`autoarray.InversionImagingMapping`).
    """
    objects = list(linear_obj_list)
    count = len(objects)
    operated = [None] * count if operated_mapping_matrix_list is None else []
    if operated_mapping_matrix_list is not None:
        if len(operated_mapping_matrix_list) != count:
            raise exc.InversionException(
                f"Got {count} linear objects and {len(operated_mapping_matrix_list)} operated "
                "mapping matrices; give one entry per object (None for a mapper)."
            )
        for columns in operated_mapping_matrix_list:
            if columns is None:
                operated.append(None)
                continue
            columns = xp.asarray(columns, dtype=np.float64)
            operated.append(columns[:, None] if columns.ndim == 1 else columns)
    labels = list(label_list) if label_list is not None else None
    names = labels or [f"linear object {j}" for j in range(count)]
    for obj, columns, name in zip(objects, operated, names):
        if columns is None and not isinstance(obj, Mapper):
            raise exc.InversionException(
                f"{name} ({type(obj).__name__}) is not a Mapper, so its operated mapping "
                "matrix must be given in operated_mapping_matrix_list."
            )
        if columns is None:
            obj.check_mask(dataset.mask, label=name)
            obj.check_point_offset(dataset.psf_pixelization, label=name)
    regs = [
        obj.regularization_matrix if columns is None else None
        for obj, columns in zip(objects, operated)
    ]
    log_dets = [
        obj.log_det_regularization_matrix if columns is None else None
        for obj, columns in zip(objects, operated)
    ]
    common = dict(
        data=dataset.data if data is None else data,
        noise_map=dataset.noise_map,
        regularization_matrix_list=regs,
        linear_obj_list=objects,
        settings=settings,
        label_list=labels,
        xp=xp,
        log_det_regularization_list=log_dets,
    )
    if dataset.sparse_operator is not None and any(c is None for c in operated):
        s_pix = dataset.convolve_over_sample_size_pixelization
        mapping = [
            None if columns is not None else _mapping_matrix_for(obj, s_pix)
            for obj, columns in zip(objects, operated)
        ]
        return sparse_class(
            sparse_operator=dataset.sparse_operator,
            mapping_matrix_list=mapping,
            operated_mapping_matrix_list=operated,
            **common,
        )
    psf = dataset.psf_pixelization
    blocks = [
        mapper_operated_mapping_matrix_from(obj, psf, dataset.mask) if columns is None else columns
        for obj, columns in zip(objects, operated)
    ]
    return mapping_class(
        operated_mapping_matrix_list=blocks,
        noise_covariance=getattr(dataset, "noise_covariance", None),
        **common,
    )


def _mapping_matrix_for(mapper: Mapper, s: int):
    """
    A mapper's fine mapping matrix for the sparse formalism: NumPy (CSR) for a NumPy or
    concrete JAX mapper (the inversion forms their curvature on the host), else its BCOO.
    """
    if mapper.xp is not np and mapper.is_concrete:
        return mapper.host_mapping_matrix_over_sampled_for(s)
    return mapper.mapping_matrix_over_sampled_for(s)
