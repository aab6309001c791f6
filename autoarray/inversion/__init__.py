"""
Linear inversions: pixelizations (a mesh plus a regularization), their mappers, and the mapping
and sparse formalisms that solve for pixel values and linear light-profile intensities, with PSF
convolution at the detector's resolution or ``convolve_over_sample_size`` times finer.
``inversion_from`` builds the inversion of a dataset in the formalism its dataset asks for.

Where things are
----------------
* ``mesh_util``, ``mapper_util``, ``regularization_util``, ``inversion_util``: pure array
  functions of meshes (bilinear interpolation), mapping matrices, regularization matrices and
  the linear algebra (data vector, curvature, Cholesky, reconstructions, evidence).
* ``mesh``, ``regularization`` (``aa.reg``), ``pixelization``, ``mapper``: the thin classes a
  user builds a pixelization from.
* ``abstract.AbstractInversionImaging``: what every inversion shares (validation, parameter
  layout, regularization, solve, evidence); its siblings ``mapping.InversionImagingMapping``
  (dense operated mapping matrices) and ``sparse.InversionImagingSparse`` (sparse mapping
  matrices and the dataset's :class:`autoarray.ImagingSparseOperator`) form ``D``, ``F`` and
  the model images.

Layering
--------
This package is the top layer of ``autoarray`` (see :mod:`autoarray`): it imports ``mask``,
``structures`` and ``operators`` (over-sampling, and the sparse operator with
:mod:`autoarray.operators.sparse_util`), and no module outside it imports it. The
:class:`autoarray.ImagingSparseOperator` lives in ``operators`` so that :class:`autoarray.Imaging`
can hold one without importing this package; inside it, the ``*_util`` modules import no class
module, and ``abstract`` <- ``mapping`` / ``sparse`` <- ``factory``.
"""

from autoarray.inversion import (
    inversion_util,
    mapper_util,
    mesh,
    mesh_util,
    regularization_util,
)
from autoarray.inversion import regularization as reg
from autoarray.inversion.abstract import AbstractInversionImaging
from autoarray.inversion.factory import inversion_from
from autoarray.inversion.mapper import Mapper
from autoarray.inversion.mapping import (
    InversionImagingMapping,
    mapper_operated_mapping_matrix_from,
    operated_mapping_matrix_from,
)
from autoarray.inversion.pixelization import Pixelization
from autoarray.inversion.settings import SettingsInversion
from autoarray.inversion.sparse import InversionImagingSparse

__all__ = [
    "inversion_util",
    "mapper_util",
    "mesh_util",
    "regularization_util",
    "mesh",
    "reg",
    "Mapper",
    "AbstractInversionImaging",
    "InversionImagingMapping",
    "InversionImagingSparse",
    "inversion_from",
    "mapper_operated_mapping_matrix_from",
    "operated_mapping_matrix_from",
    "Pixelization",
    "SettingsInversion",
]
