"""``FitImaging`` under JAX at s = 2: the log likelihood is differentiable and jit-able."""

import numpy as np
import pytest

import autogalaxy as ag

jax = pytest.importorskip("jax")
jnp = jax.numpy

SHAPE = (30, 30)
PIXEL_SCALE = 0.1
S = 2


pytestmark = pytest.mark.usefixtures("enable_x64")


def galaxies_from(effective_radius, with_operated=False):
    components = dict(
        bulge=ag.lp.Sersic(
            centre=(0.02, -0.03),
            ell_comps=(0.1, 0.05),
            intensity=1.0,
            effective_radius=effective_radius,
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
    return [ag.Galaxy(0.5, **components)]


@pytest.fixture(scope="module")
def dataset(enable_x64):
    psf = ag.Convolver.from_gaussian(
        (8, 8),
        (PIXEL_SCALE / S, PIXEL_SCALE / S),
        sigma=0.07,
        normalize=True,
        convolve_over_sample_size=S,
    )
    simulator = ag.SimulatorImaging(
        exposure_time=300.0,
        psf=psf,
        add_poisson_noise_to_data=False,
        include_poisson_noise_in_noise_map=False,
        noise_if_add_noise_false=1.0,
    )
    grid = ag.Grid2D.uniform(SHAPE, PIXEL_SCALE, over_sample_size=4)
    simulated = simulator.via_galaxies_from(galaxies_from(0.3), grid)
    mask = ag.Mask2D.circular(SHAPE, 1.2, PIXEL_SCALE)
    rng = np.random.default_rng(7)
    noise = ag.Array2D(rng.uniform(0.05, 0.2, size=mask.pixels_in_mask), mask)
    data = ag.Array2D(simulated.data.native.array, mask)
    return ag.Imaging(
        data,
        noise,
        psf=simulated.psf,
        psf_setup_state=True,
        over_sample_size_lp=4,
        over_sample_size_pixelization=S,
        convolve_over_sample_size_lp=S,
        convolve_over_sample_size_pixelization=S,
    )


def log_likelihood_from(dataset, effective_radius, xp, with_operated=False):
    return ag.FitImaging(
        dataset, galaxies_from(effective_radius, with_operated), xp=xp
    ).log_likelihood


def test__grad_of_log_likelihood_wrt_effective_radius__matches_central_finite_difference(dataset):
    assert dataset.psf.state is not None and dataset.psf.convolve_over_sample_size == S
    r = 0.33
    grad = jax.jit(jax.grad(lambda r: log_likelihood_from(dataset, r, jnp)))(r)

    h = 1e-5
    finite = (log_likelihood_from(dataset, r + h, np) - log_likelihood_from(dataset, r - h, np)) / (
        2 * h
    )
    assert abs(finite) > 1.0  # away from the optimum: the derivative is not ~0
    np.testing.assert_allclose(float(grad), finite, rtol=1e-5)


@pytest.mark.parametrize("with_operated", [False, True])
def test__jit_log_likelihood__equals_numpy(dataset, with_operated):
    jitted = jax.jit(lambda r: log_likelihood_from(dataset, r, jnp, with_operated))
    for r in (0.3, 0.36):
        expected = log_likelihood_from(dataset, r, np, with_operated)
        np.testing.assert_allclose(float(jitted(r)), expected, rtol=1e-10)


def test__jax_model_data__equals_numpy(dataset):
    model_jax = jax.jit(
        lambda r: ag.FitImaging(dataset, galaxies_from(r, True), xp=jnp).model_data.array
    )(0.31)
    model_np = ag.FitImaging(dataset, galaxies_from(0.31, True), xp=np).model_data.array
    assert isinstance(model_jax, jax.Array)
    np.testing.assert_allclose(np.asarray(model_jax), model_np, rtol=1e-10, atol=1e-12)
