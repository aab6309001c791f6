"""
autoarray: masks, arrays and grids of astronomical images, over-sampled light, and PSF
convolution at the detector's resolution or finer (``convolve_over_sample_size``).

Layering
--------
Imports run one way, from each layer to the layers above it in this list, never back:

1. ``exc``, ``check_util``, ``fits_util``, ``device_cache``, ``jax_util``: the foundations.
2. ``mask``: :class:`Mask2D` and its pure functions.
3. ``structures``: :class:`Array2D`, then ``structures.over_sampling`` (the sub-pixels of a
   mask and the binning back), then :class:`Grid2D`, which carries its over-sampling.
4. ``operators``: the :class:`Convolver` / :class:`ConvolverState` with their pure functions
   (``convolver_util``; ``fft_util`` and ``csr_util``, scipy's FFT and CSR product without its
   per-call dispatch), and the :class:`ImagingSparseOperator` with its pure functions
   (``sparse_util``).
5. ``dataset``: :class:`Imaging` (which may hold an ``ImagingSparseOperator``),
   :class:`GridsDataset`, :class:`SimulatorImaging`.
6. ``inversion``: meshes, mappers, regularization and the inversions.

``autoarray`` never imports ``autogalaxy``.
"""

from autoarray import exc
from autoarray.dataset.grids import GridsDataset
from autoarray.dataset.imaging.dataset import Imaging
from autoarray.dataset.imaging.simulator import SimulatorImaging
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
from autoarray.inversion.mapping import InversionImagingMapping
from autoarray.inversion.pixelization import Pixelization
from autoarray.inversion.settings import SettingsInversion
from autoarray.inversion.sparse import InversionImagingSparse
from autoarray.mask import mask_2d_util
from autoarray.mask.mask_2d import Mask2D
from autoarray.operators import convolver_util, sparse_util
from autoarray.operators.convolver import Convolver, ConvolverState
from autoarray.operators.sparse_operator import ImagingSparseOperator
from autoarray.structures.arrays.array_2d import Array2D
from autoarray.structures.arrays.irregular import ArrayIrregular
from autoarray.structures.grids.grid_2d import Grid2D
from autoarray.structures.grids.irregular_2d import Grid2DIrregular
from autoarray.structures.over_sampling import over_sample_util
from autoarray.structures.over_sampling.over_sampler import OverSampler

__all__ = [
    "exc",
    "Mask2D",
    "mask_2d_util",
    "over_sample_util",
    "OverSampler",
    "Array2D",
    "Grid2D",
    "ArrayIrregular",
    "Grid2DIrregular",
    "Convolver",
    "ConvolverState",
    "convolver_util",
    "GridsDataset",
    "Imaging",
    "SimulatorImaging",
    "inversion_util",
    "mapper_util",
    "mesh_util",
    "regularization_util",
    "sparse_util",
    "mesh",
    "reg",
    "Mapper",
    "AbstractInversionImaging",
    "InversionImagingMapping",
    "InversionImagingSparse",
    "ImagingSparseOperator",
    "inversion_from",
    "Pixelization",
    "SettingsInversion",
]
