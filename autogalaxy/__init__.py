"""
autogalaxy: light profiles, galaxies, model images and fits of imaging data, with PSF
convolution at the detector's resolution or finer. Re-exports the ``autoarray`` names.
"""

from autoarray import (
    AbstractInversionImaging,
    Array2D,
    ArrayIrregular,
    Convolver,
    ConvolverState,
    Grid2D,
    Grid2DIrregular,
    GridsDataset,
    Imaging,
    ImagingSparseOperator,
    InversionImagingMapping,
    InversionImagingSparse,
    Mapper,
    Mask2D,
    OverSampler,
    Pixelization,
    SettingsInversion,
    convolver_util,
    mask_2d_util,
    mesh,
    over_sample_util,
    reg,
)
from autoarray import exc as _aa_exc  # noqa: F401  (autogalaxy.exc extends it)
from autogalaxy import convert, exc, util
from autogalaxy.galaxy.galaxy import Galaxies, Galaxy
from autogalaxy.imaging.fit_imaging import FitImaging
from autogalaxy.imaging.inversion import inversion_from, inversion_imaging_from
from autogalaxy.imaging.simulator import SimulatorImaging
from autogalaxy.json_util import from_dict, from_json, output_to_json, to_dict
from autogalaxy.modeling import FitResult, Model, Uniform, fit
from autogalaxy.operate.image import OperateImage
from autogalaxy.operate.image_list import OperateImageList
from autogalaxy.profiles import basis as lp_basis
from autogalaxy.profiles.light import linear as lp_linear
from autogalaxy.profiles.light import linear_operated as lp_linear_operated
from autogalaxy.profiles.light import operated as lp_operated
from autogalaxy.profiles.light import standard as lp
from autogalaxy.profiles.light.abstract import LightProfile
from autogalaxy.sample import fit_sample

__all__ = [
    "Array2D",
    "Convolver",
    "ConvolverState",
    "Grid2D",
    "GridsDataset",
    "Imaging",
    "Mask2D",
    "OverSampler",
    "convolver_util",
    "mask_2d_util",
    "over_sample_util",
    "exc",
    "Galaxies",
    "Galaxy",
    "FitImaging",
    "SimulatorImaging",
    "OperateImage",
    "lp",
    "lp_linear",
    "lp_operated",
    "AbstractInversionImaging",
    "InversionImagingMapping",
    "InversionImagingSparse",
    "ImagingSparseOperator",
    "inversion_from",
    "inversion_imaging_from",
    "Mapper",
    "Pixelization",
    "SettingsInversion",
    "mesh",
    "reg",
    "inversion_imaging_from",
    "ArrayIrregular",
    "Grid2DIrregular",
    "OperateImageList",
    "LightProfile",
    "lp_basis",
    "lp_linear_operated",
    "convert",
    "util",
    "to_dict",
    "from_dict",
    "output_to_json",
    "from_json",
    "Model",
    "Uniform",
    "fit",
    "FitResult",
    "fit_sample",
]
