import math
import subprocess
import sys

import numpy as np
import pytest

import autoarray as aa
from autogalaxy.profiles.light import linear as lp_linear
from autogalaxy.profiles.light import operated as lp_operated
from autogalaxy.profiles.light import standard as lp

jax = pytest.importorskip("jax")
jnp = jax.numpy

pytestmark = [pytest.mark.filterwarnings("error"), pytest.mark.usefixtures("enable_x64")]


CENTRE = (0.1, -0.2)
POINTS = np.concatenate(
    [np.random.default_rng(21).uniform(-1.5, 1.5, size=(40, 2)), np.array([CENTRE])]
)

PROFILES = [
    lp.Gaussian(centre=CENTRE, ell_comps=(0.15, -0.2), intensity=1.3, sigma=0.4),
    lp.GaussianSph(centre=CENTRE, intensity=1.3, sigma=0.4),
    lp.Sersic(centre=CENTRE, ell_comps=(0.15, -0.2), intensity=1.3, effective_radius=0.4, sersic_index=2.5),
    lp.SersicSph(centre=CENTRE, intensity=1.3, effective_radius=0.4, sersic_index=0.7),
    lp.Exponential(centre=CENTRE, ell_comps=(0.0, 0.3), intensity=1.3, effective_radius=0.4),
    lp.ExponentialSph(centre=CENTRE, intensity=1.3, effective_radius=0.4),
    lp.DevVaucouleurs(centre=CENTRE, ell_comps=(-0.3, 0.1), intensity=1.3, effective_radius=0.4),
    lp.DevVaucouleursSph(centre=CENTRE, intensity=1.3, effective_radius=0.4),
    lp_linear.Sersic(centre=CENTRE, ell_comps=(0.1, 0.1), effective_radius=0.4, sersic_index=4.0),
    lp_linear.GaussianSph(centre=CENTRE, sigma=0.3),
    lp_operated.Gaussian(centre=CENTRE, ell_comps=(0.1, 0.0), intensity=2.0, sigma=0.3),
]  # fmt: skip


def _jit_grad(function):
    # jit compiles one program; eager grad compiles every primitive (4x slower on first use).
    return jax.jit(jax.grad(function))


def _ids(profiles):
    return [f"{type(p).__module__.rsplit('.', 1)[-1]}.{type(p).__name__}" for p in profiles]


@pytest.mark.parametrize("profile", PROFILES, ids=_ids(PROFILES))
def test__jax_points_match_numpy(profile):
    expected = profile.image_2d_via_points_from(POINTS, xp=np)
    result = profile.image_2d_via_points_from(jnp.asarray(POINTS), xp=jnp)
    assert isinstance(result, jax.Array)
    assert np.all(np.isfinite(expected))
    np.testing.assert_allclose(np.asarray(result), expected, rtol=1e-12, atol=0)


def test__jax_image_2d_from_matches_numpy_and_jits():
    grid = aa.Grid2D.uniform(shape_native=(5, 6), pixel_scales=0.1, over_sample_size=2)
    profile = PROFILES[2]
    expected = np.asarray(profile.image_2d_from(grid).slim.array)
    image = profile.image_2d_from(grid, xp=jnp)
    assert isinstance(image, aa.Array2D)
    np.testing.assert_allclose(np.asarray(image.slim.array), expected, rtol=1e-12, atol=0)
    jitted = jax.jit(lambda p: p.image_2d_from(grid, xp=jnp).slim.array)(profile)
    np.testing.assert_allclose(np.asarray(jitted), expected, rtol=1e-12, atol=0)


def _summed_image(profile, xp, points=POINTS):
    return profile.image_2d_via_points_from(points, xp=xp).sum()


def test__grad_wrt_effective_radius_matches_central_difference():
    profile = PROFILES[2]
    r_e = profile.effective_radius
    grad = _jit_grad(lambda r: _summed_image(profile.with_parameters(effective_radius=r), jnp))(r_e)
    h = 1e-5 * r_e
    plus = _summed_image(profile.with_parameters(effective_radius=r_e + h), np)
    minus = _summed_image(profile.with_parameters(effective_radius=r_e - h), np)
    assert float(grad) == pytest.approx((plus - minus) / (2 * h), rel=1e-6)


def _finite_difference_gradients(profile, points, h=1e-6):
    """Central differences of the summed image w.r.t. every leaf, keyed (name, component)."""
    out = {}
    for name in type(profile).parameter_names():
        value = getattr(profile, name)
        components = range(2) if isinstance(value, tuple) else [None]
        for i in components:
            shifted = []
            for step in (h, -h):
                if i is None:
                    new = value + step
                else:
                    new = list(value)
                    new[i] += step
                    new = tuple(new)
                shifted.append(_summed_image(profile.with_parameters(**{name: new}), np, points))
            out[(name, i)] = (shifted[0] - shifted[1]) / (2 * h)
    return out


SMOOTH = [
    lp.Gaussian(centre=CENTRE, ell_comps=(0.15, -0.2), intensity=1.3, sigma=0.4),
    lp.Sersic(centre=CENTRE, ell_comps=(0.15, -0.2), intensity=1.3, effective_radius=0.4, sersic_index=2.5),
    # circular ell_comps: the eccentric radius is smooth in (e1, e2) at (0, 0)
    lp.Sersic(centre=(0.0, 0.0), ell_comps=(0.0, 0.0), intensity=1.3, effective_radius=0.4, sersic_index=1.5),
]  # fmt: skip


@pytest.mark.parametrize("profile", SMOOTH, ids=["gaussian", "sersic", "sersic-circular"])
def test__grad_wrt_every_leaf_matches_central_differences(profile):
    # The sample on the centre is dropped: there the Sersic is a cusp in the centre parameters.
    points = POINTS[:-1]
    grads = _jit_grad(lambda p: _summed_image(p, jnp, points))(profile)
    assert type(grads) is type(profile)
    expected = _finite_difference_gradients(profile, points)
    assert len(expected) == len(jax.tree_util.tree_leaves(profile))
    for (name, i), value in expected.items():
        got = getattr(grads, name) if i is None else getattr(grads, name)[i]
        assert float(got) == pytest.approx(value, rel=1e-6, abs=1e-8), (name, i)


@pytest.mark.parametrize(
    "profile",
    [
        lp.DevVaucouleursSph(centre=(0.0, 0.0), intensity=1.0, effective_radius=0.5),
        lp.Sersic(centre=(0.0, 0.0), ell_comps=(0.0, 0.0), sersic_index=8.0),
        lp.Gaussian(centre=(0.0, 0.0), ell_comps=(0.0, 0.0), sigma=0.5),
        lp.Exponential(centre=(0.0, 0.0), ell_comps=(0.2, 0.0)),
    ],
    ids=["dev-sph", "sersic-n8-circular", "gaussian-circular", "exponential"],
)
def test__gradients_finite_with_a_sample_on_the_centre(profile):
    points = np.array([[0.0, 0.0], [0.05, -0.02], [0.3, 0.4]])
    grads = _jit_grad(lambda p: p.image_2d_via_points_from(points, xp=jnp).sum())(profile)
    leaves = jax.tree_util.tree_leaves(grads)
    assert leaves and all(np.all(np.isfinite(np.asarray(v))) for v in leaves)
    point_grads = _jit_grad(lambda pts: profile.image_2d_via_points_from(pts, xp=jnp).sum())(
        jnp.asarray(points)
    )
    assert np.all(np.isfinite(np.asarray(point_grads)))
    np.testing.assert_array_equal(np.asarray(point_grads[0]), [0.0, 0.0])


def test__grad_of_total_flux():
    s = lp.Sersic(intensity=1.5, effective_radius=0.7, sersic_index=3.0)
    grads = _jit_grad(lambda p: p.total_flux)(s)
    assert float(grads.effective_radius) == pytest.approx(2 * s.total_flux / 0.7, rel=1e-12)
    assert float(grads.intensity) == pytest.approx(s.total_flux / 1.5, rel=1e-12)
    g = lp.Gaussian(ell_comps=(0.0, 1.0 / 3.0), intensity=1.0, sigma=0.5)
    assert float(_jit_grad(lambda p: p.total_flux)(g).sigma) == pytest.approx(
        2 * 2 * math.pi * 0.5 / 0.5, rel=1e-12
    )


def test__pytree_leaves_and_constants():
    e = lp.ExponentialSph(centre=(1.0, 2.0), intensity=3.0, effective_radius=0.5)
    paths = [jax.tree_util.keystr(p) for p, _ in jax.tree_util.tree_flatten_with_path(e)[0]]
    assert paths == [".centre[0]", ".centre[1]", ".intensity", ".effective_radius"]
    doubled = jax.tree_util.tree_map(lambda v: 2 * v, e)
    assert type(doubled) is lp.ExponentialSph
    assert (doubled.centre, doubled.intensity, doubled.effective_radius) == ((2.0, 4.0), 6.0, 1.0)
    assert (doubled.sersic_index, doubled.ell_comps) == (1.0, (0.0, 0.0))
    linear = lp_linear.Gaussian(sigma=0.5)
    assert len(jax.tree_util.tree_leaves(linear)) == 5  # centre x2, ell_comps x2, sigma
    assert jax.tree_util.tree_map(lambda v: 2 * v, linear).intensity == 1.0


def test__vmap_over_a_batch_of_profiles():
    base = lp.SersicSph(intensity=1.0, effective_radius=0.5, sersic_index=2.0)
    batch = jax.tree_util.tree_map(lambda v: jnp.full(3, v), base)
    batch = batch.with_parameters(effective_radius=jnp.array([0.3, 0.5, 0.9]))
    images = jax.jit(jax.vmap(lambda p: p.image_2d_via_points_from(POINTS, xp=jnp)))(batch)
    for i, r in enumerate([0.3, 0.5, 0.9]):
        expected = lp.SersicSph(intensity=1.0, effective_radius=r, sersic_index=2.0)
        np.testing.assert_allclose(
            np.asarray(images[i]), expected.image_2d_via_points_from(POINTS), rtol=1e-12
        )


def test__no_value_checks_while_tracing():
    # A traced effective_radius is stored unchecked: no Python branching on traced values.
    image = jax.jit(
        lambda r: lp.SersicSph(effective_radius=r).image_2d_via_points_from(POINTS, xp=jnp)
    )
    assert np.all(np.isfinite(np.asarray(image(0.5))))

    def summed(e):
        profile = lp.Sersic(centre=(e[2], 0.0), ell_comps=(e[0], e[1]))
        return profile.image_2d_via_points_from(POINTS, xp=jnp).sum()

    e = np.array([0.1, 0.2, 0.05])
    expected = lp.Sersic(centre=(0.05, 0.0), ell_comps=(0.1, 0.2)).image_2d_via_points_from(POINTS)
    assert float(jax.jit(summed)(e)) == pytest.approx(expected.sum(), rel=1e-12)
    assert np.all(np.isfinite(np.asarray(_jit_grad(summed)(e))))


def test__import_and_evaluate_without_jax():
    code = (
        "import sys; sys.modules['jax'] = None\n"
        "import numpy as np\n"
        "from autogalaxy.profiles.light import standard as lp, linear, operated\n"
        "v = lp.Sersic().image_2d_via_points_from(np.array([[0.0, 0.6]]))[0]\n"
        "assert abs(v - 0.1) < 1e-14, v\n"
        "assert 'jax.numpy' not in sys.modules\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
