"""
autogalaxy: light profiles, galaxies, model images and fits of imaging data, with PSF
convolution at the detector's resolution or finer. Re-exports the ``autoarray`` names.
"""

from autoarray import (
    Array2D,
    Convolver,
    ConvolverState,
    Grid2D,
    GridsDataset,
    Imaging,
    ImagingSparseOperator,
    InversionImaging,
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
from autogalaxy import exc
from autogalaxy.galaxy.galaxy import Galaxies, Galaxy
from autogalaxy.imaging.fit_imaging import FitImaging
from autogalaxy.imaging.inversion import inversion_from, inversion_imaging_from
from autogalaxy.imaging.simulator import SimulatorImaging
from autogalaxy.modeling import FitResult, Model, Uniform, fit
from autogalaxy.operate.image import OperateImage
from autogalaxy.profiles.light import linear as lp_linear
from autogalaxy.profiles.light import operated as lp_operated
from autogalaxy.profiles.light import standard as lp
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
    "InversionImaging",
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
    "Model",
    "Uniform",
    "fit",
    "FitResult",
    "fit_sample",
]
