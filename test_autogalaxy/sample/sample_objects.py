"""Small simulated objects in the folder layout, and the model the sample tests fit to them."""

import numpy as np

import autogalaxy as ag
from autogalaxy.profiles.light.abstract import LightProfile, light_profile_dataclass
from autogalaxy.sample import output_to_folder

PIXEL_SCALE = 0.1
S = 2
SHAPE = (20, 20)
MASK_RADIUS = 0.6


def model_from() -> ag.Model:
    """A round Sersic with a fixed centre: three free parameters (fast fits)."""
    model = ag.Model(ag.Galaxy, redshift=0.5, bulge=ag.lp.SersicSph)
    model.bulge.centre = (0.0, 0.0)
    model.bulge.intensity = ag.Uniform(0.01, 20.0, start=1.0)
    model.bulge.effective_radius = ag.Uniform(0.05, 1.0, start=0.3)
    model.bulge.sersic_index = ag.Uniform(0.5, 6.0, start=2.0)
    return model


def dataset_from(seed: int) -> ag.Imaging:
    """A 20 x 20 image of a round Sersic (random size and index), PSF oversampled x2, noise."""
    rng = np.random.default_rng(seed)
    psf = ag.Convolver.from_gaussian(
        (9, 9), PIXEL_SCALE / S, sigma=0.05, normalize=True, convolve_over_sample_size=S
    )
    galaxy = ag.Galaxy(
        0.5,
        bulge=ag.lp.SersicSph(
            intensity=rng.uniform(1.0, 3.0),
            effective_radius=rng.uniform(0.15, 0.3),
            sersic_index=rng.uniform(1.5, 4.0),
        ),
    )
    simulator = ag.SimulatorImaging(
        exposure_time=1000.0,
        background_sky_level=0.5,
        psf=psf,
        add_poisson_noise_to_data=True,
        noise_seed=seed,
    )
    return simulator.via_galaxies_from(
        [galaxy], ag.Grid2D.uniform(SHAPE, PIXEL_SCALE, over_sample_size=8)
    )


def write_sample(directory, n: int, first_seed: int = 0) -> list:
    """``n`` object folders ``obj_00``, ``obj_01``, ... in ``directory``; returns their paths."""
    return [
        output_to_folder(dataset_from(first_seed + i), directory / f"obj_{i:02d}", MASK_RADIUS)
        for i in range(n)
    ]


@light_profile_dataclass
class OutOfMemory(LightProfile):
    """A profile whose image never fits in memory (the workers import it from this module)."""

    intensity: float = 1.0

    def image_2d_via_points_from(self, points, xp=np):
        raise MemoryError("no memory for the model image (simulated)")
