"""
``FitImaging(..., xp=jax.numpy)`` with linear objects: linear light profiles, an MGE basis and a
pixelization, in the mapping formalism and through the sparse operator, at s = 1, 2, 3, 4.

References: the NumPy fit (itself tested against brute force in ``test_inversion.py``,
``test_mge.py`` and ``test_autoarray/inversion``) for values, to 1e-10 relative; central finite
differences of the NumPy log evidence for ``jax.grad``; the loop of single evaluations for
``jax.vmap``; ``scipy.optimize.nnls`` for the positive-only solver.

Evaluations that only compare values run JAX eagerly (no compile); one jitted evaluation, one
jitted gradient and one vmapped batch keep the compile time of the module small.
"""

import numpy as np
import pytest

import autoarray as aa
import autogalaxy as ag

jax = pytest.importorskip("jax")
jnp = jax.numpy

SHAPE = (16, 16)
PIXEL_SCALE = 0.1
MESH = (6, 6)
# Parameters: bulge centre (y, x), bulge ell_comps (2), bulge effective radius, MGE sigma of its
# first Gaussian, regularization coefficient.
PARAMS = np.array([0.02, -0.03, 0.08, -0.05, 0.35, 0.12, 1.3])


# The root conftest's fixture: double precision for each test, JAX's setting restored after.
pytestmark = pytest.mark.usefixtures("enable_x64")


def galaxies_from(params, pixelization=True, basis=True):
    y, x, e1, e2, r_e, sigma, coefficient = (params[i] for i in range(7))
    components = dict(
        bulge=ag.lp_linear.Sersic(
            centre=(y, x), ell_comps=(e1, e2), effective_radius=r_e, sersic_index=2.5
        )
    )
    if basis:
        components["mge"] = ag.lp_basis.Basis(
            profile_list=[
                ag.lp_linear.Gaussian(centre=(y, x), ell_comps=(e2, e1), sigma=sigma),
                ag.lp_linear.Gaussian(centre=(y, x), ell_comps=(e2, e1), sigma=3.0 * sigma),
            ]
        )
    galaxies = [ag.Galaxy(redshift=0.5, **components)]
    if pixelization:
        pix = ag.Pixelization(
            mesh=ag.mesh.RectangularUniform(shape=MESH),
            regularization=ag.reg.Constant(coefficient=coefficient),
        )
        galaxies.append(ag.Galaxy(redshift=1.0, pixelization=pix))
    return galaxies


def dataset_from(s, sparse=False, covariance=False):
    psf = ag.Convolver.from_gaussian(
        (2 * s + 3, 2 * s + 3),
        PIXEL_SCALE / s,
        sigma=0.08,
        normalize=True,
        convolve_over_sample_size=s,
    )
    mask = ag.Mask2D.circular(SHAPE, 0.55, PIXEL_SCALE)
    rng = np.random.default_rng(s)
    truth = ag.Galaxy(
        redshift=0.5,
        bulge=ag.lp.Sersic(effective_radius=0.3, sersic_index=2.0, intensity=3.0),
        disk=ag.lp.Gaussian(centre=(0.1, 0.1), sigma=0.2, intensity=1.0),
    )
    grid = ag.Grid2D.from_mask(mask, over_sample_size=4)
    light = truth.image_2d_from(grid).slim.array
    noise = rng.uniform(0.05, 0.1, size=mask.pixels_in_mask)
    data = light + noise * rng.normal(size=mask.pixels_in_mask)
    kwargs = {}
    if covariance:
        n = mask.pixels_in_mask
        distance = np.abs(np.subtract.outer(np.arange(n), np.arange(n)))
        kwargs["noise_covariance_matrix"] = np.outer(noise, noise) * 0.3 ** np.minimum(distance, 30)
    dataset = ag.Imaging(
        ag.Array2D(data, mask),
        ag.Array2D(noise, mask),
        psf=psf,
        psf_setup_state=True,
        over_sample_size_lp=6 if s == 3 else 4,
        over_sample_size_pixelization=6 if s == 3 else 4,
        convolve_over_sample_size_lp=s,
        convolve_over_sample_size_pixelization=s,
        **kwargs,
    )
    return dataset.apply_sparse_operator() if sparse else dataset


def evidence_from(dataset, params, xp, **kwargs):
    return ag.FitImaging(dataset, galaxies_from(params, **kwargs), xp=xp).log_evidence


@pytest.mark.parametrize("sparse", [False, True], ids=["mapping", "sparse"])
@pytest.mark.parametrize("s", [1, 2, 3, 4])
def test__log_evidence_under_jax__equals_numpy(s, sparse):
    dataset = dataset_from(s, sparse)
    fit_np = ag.FitImaging(dataset, galaxies_from(PARAMS))
    fit_jax = ag.FitImaging(dataset, galaxies_from(jnp.asarray(PARAMS)), xp=jnp)
    assert type(fit_jax.inversion).__name__ == type(fit_np.inversion).__name__
    assert isinstance(fit_jax.log_evidence, jax.Array)
    np.testing.assert_allclose(float(fit_jax.log_evidence), fit_np.log_evidence, rtol=1e-10)
    np.testing.assert_allclose(
        np.asarray(fit_jax.inversion.reconstruction),
        fit_np.inversion.reconstruction,
        rtol=1e-8,
        atol=1e-8 * np.abs(fit_np.inversion.reconstruction).max(),
    )
    np.testing.assert_allclose(
        np.asarray(fit_jax.model_data.array), fit_np.model_data.array, rtol=1e-9, atol=1e-12
    )


def test__jit_traces_once_per_dataset_and_mesh_shape_and_equals_numpy():
    dataset = dataset_from(2)
    traces = []

    def evidence(params):
        traces.append(1)
        return evidence_from(dataset, params, jnp)

    jitted = jax.jit(evidence)
    for shift in (0.0, 0.01):
        params = PARAMS + shift
        np.testing.assert_allclose(
            float(jitted(jnp.asarray(params))), evidence_from(dataset, params, np), rtol=1e-10
        )
    assert len(traces) == 1


def test__pixelization_and_regularization_are_pytrees():
    dataset = dataset_from(1)
    pixelization = ag.Pixelization(
        mesh=ag.mesh.RectangularUniform(shape=MESH), regularization=ag.reg.Constant(2.0)
    )
    leaves, treedef = jax.tree_util.tree_flatten(pixelization)
    assert leaves == [2.0]
    rebuilt = jax.tree_util.tree_unflatten(treedef, [3.0])
    assert rebuilt.mesh == pixelization.mesh and rebuilt.regularization.coefficient == 3.0

    traces = []

    @jax.jit
    def evidence(pix):
        traces.append(1)
        return ag.FitImaging(dataset, [ag.Galaxy(1.0, pixelization=pix)], xp=jnp).log_evidence

    for coefficient in (1.0, 4.0):
        pix = ag.Pixelization(
            mesh=ag.mesh.RectangularUniform(shape=MESH),  # a new but equal mesh: no retrace
            regularization=ag.reg.Constant(coefficient),
        )
        expected = ag.FitImaging(dataset, [ag.Galaxy(1.0, pixelization=pix)]).log_evidence
        np.testing.assert_allclose(float(evidence(pix)), expected, rtol=1e-10)
    assert len(traces) == 1
    grad = jax.grad(evidence)(pixelization)
    assert isinstance(grad, ag.Pixelization) and np.isfinite(float(grad.regularization.coefficient))


@pytest.mark.parametrize("sparse", [False, True], ids=["mapping", "sparse"])
def test__grad_of_log_evidence__matches_central_finite_differences(sparse):
    dataset = dataset_from(2, sparse)
    grad = jax.jit(jax.grad(lambda p: evidence_from(dataset, p, jnp)))(jnp.asarray(PARAMS))
    # The regularization coefficient's FD step is larger: ln det H carries the 1e-8 ridge, whose
    # round-off (~1e-16 / 1e-8 relative) a small step would amplify.
    steps = np.array([1e-5, 1e-5, 1e-5, 1e-5, 1e-5, 1e-6, 1e-4])
    for i, h in enumerate(steps):
        up, down = PARAMS.copy(), PARAMS.copy()
        up[i] += h
        down[i] -= h
        finite = (evidence_from(dataset, up, np) - evidence_from(dataset, down, np)) / (2 * h)
        assert abs(finite) > 1e-3, i  # every parameter matters here
        np.testing.assert_allclose(float(grad[i]), finite, rtol=1e-6, err_msg=f"parameter {i}")


def test__vmap_over_a_batch_of_parameters__matches_the_loop():
    dataset = dataset_from(2)
    rng = np.random.default_rng(4)
    batch = PARAMS + rng.uniform(-0.02, 0.02, size=(16, PARAMS.size))
    evidence = jax.jit(lambda p: evidence_from(dataset, p, jnp))
    batched = jax.jit(jax.vmap(lambda p: evidence_from(dataset, p, jnp)))(jnp.asarray(batch))
    loop = np.array([float(evidence(jnp.asarray(p))) for p in batch])
    np.testing.assert_allclose(np.asarray(batched), loop, rtol=1e-10)
    np.testing.assert_allclose(loop[:3], [evidence_from(dataset, p, np) for p in batch[:3]], 1e-10)


def test__positive_only_solver_under_jax__matches_scipy_nnls():
    # An MGE basis without a pixelization: some of its Gaussians want negative intensities, so
    # the constraint is active and the active set matters.
    dataset = dataset_from(1)
    settings = ag.SettingsInversion(use_positive_only_solver=True)
    params = PARAMS.copy()
    galaxies_np = galaxies_from(params, pixelization=False)
    fit_np = ag.FitImaging(dataset, galaxies_np, settings_inversion=settings)
    free = ag.FitImaging(dataset, galaxies_np).inversion.reconstruction
    assert np.any(free < 0)  # the unconstrained solution is infeasible
    assert np.any(fit_np.inversion.reconstruction == 0)

    def evidence(p):
        fit = ag.FitImaging(
            dataset, galaxies_from(p, pixelization=False), xp=jnp, settings_inversion=settings
        )
        return fit.log_evidence, fit.inversion.reconstruction

    value, reconstruction = jax.jit(evidence)(jnp.asarray(params))
    np.testing.assert_allclose(
        np.asarray(reconstruction), fit_np.inversion.reconstruction, rtol=1e-9, atol=1e-12
    )
    np.testing.assert_allclose(float(value), fit_np.log_evidence, rtol=1e-10)
    # The gradient is that of the exact solution on the active set (finite differences of
    # scipy's NNLS, the active set unchanged by the step).
    grad = jax.grad(lambda p: evidence(p)[0])(jnp.asarray(params))
    h = 1e-6
    up, down = params.copy(), params.copy()
    up[4] += h
    down[4] -= h
    finite = (
        ag.FitImaging(
            dataset, galaxies_from(up, pixelization=False), settings_inversion=settings
        ).log_evidence
        - ag.FitImaging(
            dataset, galaxies_from(down, pixelization=False), settings_inversion=settings
        ).log_evidence
    ) / (2 * h)
    np.testing.assert_allclose(float(grad[4]), finite, rtol=1e-6)


def test__correlated_noise_under_jax__equals_numpy():
    dataset = dataset_from(2, covariance=True)
    assert dataset.noise_covariance is not None
    expected = evidence_from(dataset, PARAMS, np)
    value = jax.jit(lambda p: evidence_from(dataset, p, jnp))(jnp.asarray(PARAMS))
    np.testing.assert_allclose(float(value), expected, rtol=1e-10)


def test__linear_light_profile_intensities_under_jax__are_jax_scalars():
    dataset = dataset_from(1)
    fit = ag.FitImaging(dataset, galaxies_from(PARAMS, pixelization=False), xp=jnp)
    fit_np = ag.FitImaging(dataset, galaxies_from(PARAMS, pixelization=False))
    values = list(fit.linear_light_profile_intensity_dict.values())
    expected = list(fit_np.linear_light_profile_intensity_dict.values())
    assert all(isinstance(v, jax.Array) for v in values)
    np.testing.assert_allclose([float(v) for v in values], expected, rtol=1e-9)


def test__constant_regularization_with_a_jax_array__bad_inputs():
    with pytest.raises(ag.exc.InversionException, match=r"must be a scalar, got a JAX array"):
        ag.reg.Constant(jnp.ones(2))
    regularization = ag.reg.Constant(jnp.asarray(2.0))
    with pytest.raises(ag.exc.InversionException, match=r"build its matrix with xp=jax.numpy"):
        regularization.regularization_matrix_from(ag.mesh.RectangularUniform((3, 3)))
    matrix = regularization.regularization_matrix_from(ag.mesh.RectangularUniform((3, 3)), xp=jnp)
    expected = ag.reg.Constant(2.0).regularization_matrix_from(ag.mesh.RectangularUniform((3, 3)))
    np.testing.assert_array_equal(np.asarray(matrix), expected)


@pytest.mark.parametrize("sparse", [False, True], ids=["mapping", "sparse"])
def test__mapper_with_a_traced_extent__runs_the_jax_routes_and_equals_numpy(sparse):
    # A concrete mapper's parameter-independent products are formed with NumPy; a traced
    # extent makes the mapper depend on a parameter, so the BCOO mapping matrix goes through
    # the convolver's tap route (mapping) or the operator's JAX engine (sparse) instead.
    dataset = dataset_from(2, sparse)
    grid = dataset.grids.pixelization
    extent = ag.mesh.RectangularUniform(MESH).extent_from(np.asarray(grid.over_sampled))
    pixelization = ag.Pixelization(
        mesh=ag.mesh.RectangularUniform(shape=MESH), regularization=ag.reg.Constant(1.3)
    )

    widened = np.array(extent) + np.array([-0.01, 0.02, -0.03, 0.01])
    mapper_np = pixelization.mapper_from(grid, extent=tuple(widened))
    expected = aa.inversion_from(dataset, [mapper_np]).log_evidence

    def traced(values):
        mapper = pixelization.mapper_from(grid, extent=tuple(values[i] for i in range(4)), xp=jnp)
        assert not mapper.is_concrete
        inversion = aa.inversion_from(dataset, [mapper], xp=jnp)
        assert all(not isinstance(m, np.ndarray) for m in inversion.operated_mapping_matrix_list)
        return inversion.log_evidence

    np.testing.assert_allclose(float(jax.jit(traced)(jnp.asarray(widened))), expected, rtol=1e-10)
    with pytest.raises(ag.exc.InversionException, match="extent is a JAX value"):
        pixelization.mapper_from(
            grid, extent=tuple(jnp.asarray(widened)), xp=jnp
        ).host_mapping_matrix_over_sampled_for(2)
