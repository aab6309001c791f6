"""
Linear inversions: pixelizations (a mesh plus a regularization), their mappers, and the mapping
and sparse formalisms that solve for pixel values and linear light-profile intensities, with PSF
convolution at the detector's resolution or ``convolve_over_sample_size`` times finer.
``inversion_from`` builds the inversion of a dataset in the formalism its dataset asks for.
"""

from autoarray.inversion import inversion_util, mesh, sparse_util
from autoarray.inversion import regularization as reg
from autoarray.inversion.factory import inversion_from
from autoarray.inversion.mapper import Mapper
from autoarray.inversion.mapping import (
    InversionImaging,
    mapper_operated_mapping_matrix_from,
    operated_mapping_matrix_from,
)
from autoarray.inversion.pixelization import Pixelization
from autoarray.inversion.settings import SettingsInversion
from autoarray.inversion.sparse import ImagingSparseOperator, InversionImagingSparse

__all__ = [
    "inversion_util",
    "sparse_util",
    "mesh",
    "reg",
    "Mapper",
    "InversionImaging",
    "InversionImagingSparse",
    "ImagingSparseOperator",
    "inversion_from",
    "mapper_operated_mapping_matrix_from",
    "operated_mapping_matrix_from",
    "Pixelization",
    "SettingsInversion",
]
