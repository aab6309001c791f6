"""
autoarray: masks, arrays and grids of astronomical images, over-sampled light, and PSF
convolution at the detector's resolution or finer (``convolve_over_sample_size``).
"""

from autoarray import exc
from autoarray.dataset.grids import GridsDataset
from autoarray.dataset.imaging.dataset import Imaging
from autoarray.dataset.imaging.simulator import SimulatorImaging
from autoarray.inversion import inversion_util, mesh, sparse_util
from autoarray.inversion import regularization as reg
from autoarray.inversion.factory import inversion_from
from autoarray.inversion.mapper import Mapper
from autoarray.inversion.mapping import InversionImaging
from autoarray.inversion.pixelization import Pixelization
from autoarray.inversion.settings import SettingsInversion
from autoarray.inversion.sparse import ImagingSparseOperator, InversionImagingSparse
from autoarray.mask import mask_2d_util
from autoarray.mask.mask_2d import Mask2D
from autoarray.operators import convolver_util
from autoarray.operators.convolver import Convolver, ConvolverState
from autoarray.operators.over_sampling import over_sample_util
from autoarray.operators.over_sampling.over_sampler import OverSampler
from autoarray.structures.arrays.array_2d import Array2D
from autoarray.structures.arrays.irregular import ArrayIrregular
from autoarray.structures.grids.grid_2d import Grid2D
from autoarray.structures.grids.irregular_2d import Grid2DIrregular

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
    "sparse_util",
    "mesh",
    "reg",
    "Mapper",
    "InversionImaging",
    "InversionImagingSparse",
    "ImagingSparseOperator",
    "inversion_from",
    "Pixelization",
    "SettingsInversion",
]
