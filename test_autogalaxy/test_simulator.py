"""``SimulatorImaging.via_galaxies_from``: simulated imaging of galaxies, native and oversampled."""

import re

import numpy as np
import pytest

import autogalaxy as ag
from autogalaxy.profiles.light.abstract import LightProfile, light_profile_dataclass

pytestmark = pytest.mark.filterwarnings("error")

SHAPE = (30, 30)
PIXEL_SCALE = 0.1
S = 2
PAD = 3


def psf_from(shape=(8, 8)):
    return ag.Convolver.from_gaussian(
        shape,
        (PIXEL_SCALE / S, PIXEL_SCALE / S),
        sigma=0.07,
        normalize=True,
        convolve_over_sample_size=S,
    )


def galaxies_from(with_operated=True):
    components = dict(
        bulge=ag.lp.Sersic(
            centre=(0.02, -0.03),
            ell_comps=(0.1, 0.05),
            intensity=1.0,
            effective_radius=0.3,
            sersic_index=4.0,
        ),
        disk=ag.lp.Exponential(
            centre=(0.0, 0.0), ell_comps=(-0.2, 0.1), intensity=0.5, effective_radius=0.8
        ),
    )
    if with_operated:
        components["point"] = ag.lp_operated.Gaussian(
            centre=(0.1, 0.1), ell_comps=(0.0, 0.1), intensity=2.0, sigma=0.08
        )
    return [ag.Galaxy(redshift=0.5, **components)]


def simulator_from(psf):
    return ag.SimulatorImaging(
        exposure_time=300.0,
        psf=psf,
        add_poisson_noise_to_data=False,
        include_poisson_noise_in_noise_map=False,
        noise_if_add_noise_false=1.0,
    )


def _sampled(galaxy, k, s):
    ny, nx = SHAPE[0] + 2 * PAD, SHAPE[1] + 2 * PAD
    fy, fx = ny * k, nx * k
    y = -(np.arange(fy) - (fy - 1) / 2) * PIXEL_SCALE / k
    x = (np.arange(fx) - (fx - 1) / 2) * PIXEL_SCALE / k
    yy, xx = np.meshgrid(y, x, indexing="ij")
    values = galaxy.image_2d_via_points_from(np.stack([yy.ravel(), xx.ravel()], axis=-1))
    return values.reshape(ny * s, k // s, nx * s, k // s).mean(axis=(1, 3))


# ------------------------------------------------------------------- round trip at s = 2


@pytest.mark.parametrize("with_operated", [False, True])
def test__simulate_then_fit__s2__chi_squared_below_1e_8(with_operated):
    psf = psf_from()
    galaxies = galaxies_from(with_operated)
    grid = ag.Grid2D.uniform(SHAPE, PIXEL_SCALE, over_sample_size=S)

    dataset = simulator_from(psf).via_galaxies_from(galaxies, grid)

    assert dataset.convolve_over_sample_size_lp == S
    assert dataset.convolve_over_sample_size_pixelization == S
    assert dataset.over_sample_size_lp == S
    np.testing.assert_array_equal(dataset.noise_map.array, 1.0)
    masked = dataset.apply_mask(ag.Mask2D.circular(SHAPE, 1.2, PIXEL_SCALE))
    fit = ag.FitImaging(masked, galaxies)
    assert fit.chi_squared < 1e-8

    # The fit is sensitive: a 1% change of the Sersic's effective radius is seen at once.
    bulge = galaxies[0].bulge
    moved = ag.Galaxy(
        0.5, bulge=bulge.with_parameters(effective_radius=0.303), disk=galaxies[0].disk
    )
    assert ag.FitImaging(masked, [moved]).chi_squared > 1e-4


def test__simulate_then_fit__s2_k4__mismatch_comes_only_from_the_blurring_region_sampling():
    """
    With light over-sampled at k = 4 the simulator samples every pixel of the frame at k = 4; the
    fit samples the mask's blurring region at k = s = 2 (by design). That is the only difference:
    blurring the fit's galaxies with a blurring grid sampled at k = 4 reproduces the data.
    """
    psf = psf_from(shape=(7, 7))  # odd: its blurring region is sampled at k = s
    galaxies = galaxies_from()
    grid = ag.Grid2D.uniform(SHAPE, PIXEL_SCALE, over_sample_size=4)
    dataset = simulator_from(psf).via_galaxies_from(galaxies, grid)
    assert dataset.over_sample_size_lp == 4
    masked = dataset.apply_mask(ag.Mask2D.circular(SHAPE, 1.2, PIXEL_SCALE))

    fit = ag.FitImaging(masked, galaxies)
    blurring_k4 = ag.Grid2D.from_mask(masked.grids.blurring.mask, 4)
    model_k4 = ag.Galaxies(galaxies).blurred_image_2d_from(masked.grids.lp, blurring_k4, masked.psf)
    chi2_k4 = np.sum((masked.data.array - model_k4.array) ** 2)

    assert chi2_k4 < 1e-20
    assert 1e-10 < fit.chi_squared < 1e-6  # 2.1e-8 for this galaxy


# --------------------------------------------------------------------- simulated images


def test__simulated_data__equals_brute_force_frame_with_light_from_outside(fine_frame_blurred):
    psf = psf_from(shape=(7, 7))  # odd: plain convolve2d is the reference
    galaxies = galaxies_from()
    grid = ag.Grid2D.uniform(SHAPE, PIXEL_SCALE, over_sample_size=4)

    dataset = simulator_from(psf).via_galaxies_from(galaxies, grid)

    standard = ag.Galaxy(0.5, bulge=galaxies[0].bulge, disk=galaxies[0].disk)
    frame = np.kron(np.pad(np.ones(SHAPE, dtype=bool), PAD), np.ones((S, S), dtype=bool))
    fine = np.where(frame, _sampled(standard, 4, S), _sampled(standard, S, S))
    blurred = fine_frame_blurred(fine, psf.native, S)[PAD:-PAD, PAD:-PAD]
    point = _sampled(ag.Galaxy(0.5, point=galaxies[0].point), 4, 1)[PAD:-PAD, PAD:-PAD]
    reference = blurred + point
    np.testing.assert_allclose(
        dataset.data.native.array, reference, rtol=1e-12, atol=1e-12 * reference.max()
    )
    assert dataset.data.mask.is_all_false and dataset.shape_native == SHAPE


def test__no_psf__data_is_the_binned_image():
    galaxies = galaxies_from()
    grid = ag.Grid2D.uniform(SHAPE, PIXEL_SCALE, over_sample_size=2)
    dataset = simulator_from(None).via_galaxies_from(galaxies, grid)
    reference = _sampled(galaxies[0], 2, 1)[PAD:-PAD, PAD:-PAD]
    np.testing.assert_allclose(dataset.data.native.array, reference, rtol=1e-14)
    assert dataset.psf is None and dataset.over_sample_size_lp == 2


def test__adaptive_unmasked_grid__sizes_kept_and_used():
    grid = ag.Grid2D.uniform(SHAPE, PIXEL_SCALE, over_sample_size=2)
    radii = np.hypot(grid.array[:, 0], grid.array[:, 1])
    sizes = np.where(radii < 0.5, 4, 2)
    adaptive = grid.apply_over_sampling(ag.Array2D(sizes, grid.mask))
    galaxies = galaxies_from(with_operated=False)
    psf = psf_from()

    dataset = simulator_from(psf).via_galaxies_from(galaxies, adaptive)

    np.testing.assert_array_equal(np.asarray(dataset.grids.lp.over_sampler.sub_size), sizes)
    masked = dataset.apply_mask(ag.Mask2D.circular(SHAPE, 1.2, PIXEL_SCALE))
    assert ag.FitImaging(masked, galaxies).chi_squared < 1e-8


def test__simulator_reused_for_frames_of_other_shapes__psf_keeps_no_state():
    """Simulating a second frame used to raise KernelException (state cached on the PSF)."""
    psf = psf_from()
    simulator = simulator_from(psf)
    galaxies = galaxies_from()
    first = simulator.via_galaxies_from(
        galaxies, ag.Grid2D.uniform(SHAPE, PIXEL_SCALE, over_sample_size=2)
    )
    second = simulator.via_galaxies_from(
        galaxies, ag.Grid2D.uniform((34, 26), PIXEL_SCALE, over_sample_size=2)
    )
    assert simulator.psf.state is None and psf.state is None
    assert first.shape_native == SHAPE and second.shape_native == (34, 26)
    # Same galaxy, same centre: the frames agree where they overlap (rows 2..31 x cols 0..25 of
    # the 34 x 26 frame are rows 0..29 x cols 2..27 of the 30 x 30 one), away from the edges.
    overlap_first = first.data.native.array[3:-3, 5:-5]
    overlap_second = second.data.native.array[5:-5, 3:-3]
    np.testing.assert_allclose(overlap_second, overlap_first, rtol=1e-12)


# ---------------------------------------------------------------------------- bad input


def test__bad__over_sample_size_not_divisible_by_s__raises_grid_exception():
    grid = ag.Grid2D.uniform(SHAPE, PIXEL_SCALE, over_sample_size=3)
    with pytest.raises(
        ag.exc.GridException,
        match=re.escape(
            "Got over_sample_size [3] with convolve_over_sample_size=2; use a multiple of 2, e.g. 4."
        ),
    ):
        simulator_from(psf_from()).via_galaxies_from(galaxies_from(), grid)


def test__bad__masked_adaptive_grid__raises_dataset_exception():
    mask = ag.Mask2D.circular(SHAPE, 1.2, PIXEL_SCALE)
    sizes = np.full(mask.pixels_in_mask, 2)
    sizes[:10] = 4
    grid = ag.Grid2D.from_mask(mask, ag.Array2D(sizes, mask))
    with pytest.raises(
        ag.exc.DatasetException,
        match=re.escape(
            "via_galaxies_from simulates the whole frame of the grid, but the grid has an "
            f"adaptive over-sample size on a mask with {mask.pixels_in_mask} of 900 pixels "
            "unmasked, so the masked pixels have no size. Pass an unmasked grid "
            "(Grid2D.uniform) or a uniform over-sample size."
        ),
    ):
        simulator_from(psf_from()).via_galaxies_from(galaxies_from(), grid)


def test__masked_uniform_grid__whole_frame_simulated():
    mask = ag.Mask2D.circular(SHAPE, 1.2, PIXEL_SCALE)
    simulator = simulator_from(psf_from())
    from_masked = simulator.via_galaxies_from(galaxies_from(), ag.Grid2D.from_mask(mask, 2))
    from_full = simulator.via_galaxies_from(
        galaxies_from(), ag.Grid2D.uniform(SHAPE, PIXEL_SCALE, over_sample_size=2)
    )
    np.testing.assert_array_equal(from_masked.data.native.array, from_full.data.native.array)


@light_profile_dataclass
class _NaNProfile(LightProfile):
    centre: tuple = (0.0, 0.0)

    def image_2d_via_points_from(self, points, xp=np):
        values = np.ones(len(points))
        values[0] = np.nan
        return values


def test__bad__galaxy_light_not_finite__raises_dataset_exception():
    grid = ag.Grid2D.uniform(SHAPE, PIXEL_SCALE, over_sample_size=2)
    # the convolution refuses the light before the PSF could spread the NaN over the frame
    with pytest.raises(ag.exc.KernelException, match=r"The image holds \d+ NaN or inf values"):
        simulator_from(psf_from()).via_galaxies_from([ag.Galaxy(0.5, bad=_NaNProfile())], grid)
    with pytest.raises(
        ag.exc.DatasetException,
        match=re.escape("The image to simulate holds NaN or inf values; check the light profiles."),
    ):
        simulator_from(None).via_galaxies_from([ag.Galaxy(0.5, bad=_NaNProfile())], grid)


def test__bad__not_galaxies__raises_type_error():
    grid = ag.Grid2D.uniform(SHAPE, PIXEL_SCALE, over_sample_size=2)
    with pytest.raises(TypeError, match="got an element of type Sersic"):
        simulator_from(psf_from()).via_galaxies_from([galaxies_from()[0].bulge], grid)
