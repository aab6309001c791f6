"""
``ag.lp_operated`` (every standard profile), ``ag.lp_linear_operated`` and ``ag.lp_basis.Basis``.
Images are checked against the independent formulas of ``light_reference``.
"""

import re

import numpy as np
import pytest
from light_reference import gaussian_of, sersic_of

import autogalaxy as ag
from autogalaxy.profiles.light.linear import LightProfileLinear
from autogalaxy.profiles.light.operated import LightProfileOperated

pytestmark = pytest.mark.filterwarnings("error")

POINTS = np.random.default_rng(3).uniform(-1.0, 1.0, size=(30, 2))
Q, ANGLE = 0.6, 30.0
ELL = ag.convert.ell_comps_from(Q, ANGLE)
CENTRE = (0.1, -0.05)

# (class, kwargs, reference image of intensity 2)
SERSIC = {"effective_radius": 0.4, "sersic_index": 2.5}
OPERATED = [
    (ag.lp_operated.Gaussian, {"ell_comps": ELL, "sigma": 0.3}, gaussian_of(POINTS, CENTRE, Q, ANGLE, 2.0, 0.3)),
    (ag.lp_operated.GaussianSph, {"sigma": 0.3}, gaussian_of(POINTS, CENTRE, 1.0, 0.0, 2.0, 0.3)),
    (ag.lp_operated.Sersic, {"ell_comps": ELL, **SERSIC}, sersic_of(POINTS, CENTRE, Q, ANGLE, 2.0, 0.4, 2.5)),
    (ag.lp_operated.SersicSph, SERSIC, sersic_of(POINTS, CENTRE, 1.0, 0.0, 2.0, 0.4, 2.5)),
    (ag.lp_operated.Exponential, {"ell_comps": ELL, "effective_radius": 0.4}, sersic_of(POINTS, CENTRE, Q, ANGLE, 2.0, 0.4, 1.0)),
    (ag.lp_operated.ExponentialSph, {"effective_radius": 0.4}, sersic_of(POINTS, CENTRE, 1.0, 0.0, 2.0, 0.4, 1.0)),
    (ag.lp_operated.DevVaucouleurs, {"ell_comps": ELL, "effective_radius": 0.4}, sersic_of(POINTS, CENTRE, Q, ANGLE, 2.0, 0.4, 4.0)),
    (ag.lp_operated.DevVaucouleursSph, {"effective_radius": 0.4}, sersic_of(POINTS, CENTRE, 1.0, 0.0, 2.0, 0.4, 4.0)),
]  # fmt: skip


@pytest.mark.parametrize(
    "cls, kwargs, reference", OPERATED, ids=lambda v: getattr(v, "__name__", "")
)
def test__operated__standard_maths_marked_operated(cls, kwargs, reference):
    profile = cls(centre=CENTRE, intensity=2.0, **kwargs)
    assert isinstance(profile, LightProfileOperated) and not isinstance(profile, LightProfileLinear)
    assert isinstance(profile, getattr(ag.lp, cls.__name__))
    np.testing.assert_allclose(profile.image_2d_via_points_from(POINTS), reference, rtol=1e-12)


@pytest.mark.parametrize(
    "cls, kwargs, reference", OPERATED, ids=lambda v: getattr(v, "__name__", "")
)
def test__linear_operated__unit_intensity__solves_to_the_operated_profile(cls, kwargs, reference):
    linear_cls = getattr(ag.lp_linear_operated, cls.__name__)
    profile = linear_cls(centre=CENTRE, **kwargs)
    assert isinstance(profile, LightProfileOperated) and isinstance(profile, LightProfileLinear)
    assert "intensity" not in linear_cls.parameter_names()
    np.testing.assert_allclose(
        profile.image_2d_via_points_from(POINTS), reference / 2.0, rtol=1e-12
    )
    solved = profile.lp_instance_from({profile: 2.0})
    assert type(solved) is cls and solved.intensity == 2.0


def test__operated_profile_blurred_image_is_its_unblurred_image():
    mask = ag.Mask2D.circular((12, 12), 0.5, 0.1)
    grid = ag.Grid2D.from_mask(mask, over_sample_size=2)
    psf = ag.Convolver.from_gaussian((3, 3), (0.1, 0.1), sigma=0.1, normalize=True)
    blurring = ag.Grid2D.from_mask(mask.derive_mask.blurring_from((3, 3)), 1)
    profile = ag.lp_operated.Gaussian(centre=CENTRE, ell_comps=ELL, intensity=2.0, sigma=0.3)
    blurred = profile.blurred_image_2d_from(grid, blurring, psf)
    samples = gaussian_of(np.asarray(grid.over_sampled), CENTRE, Q, ANGLE, 2.0, 0.3)
    np.testing.assert_allclose(blurred.array, samples.reshape(-1, 4).mean(axis=1), rtol=1e-12)


class TestBasis:
    def members(self):
        return [
            ag.lp_linear.Gaussian(centre=CENTRE, ell_comps=ELL, sigma=0.1),
            ag.lp.Gaussian(centre=CENTRE, ell_comps=ELL, intensity=2.0, sigma=0.3),
            ag.lp_operated.Sersic(centre=CENTRE, ell_comps=ELL, intensity=2.0, **SERSIC),
        ]

    def test__image_sums_standard_and_operated_members__linear_left_out(self):
        basis = ag.lp_basis.Basis(profile_list=self.members())
        gaussian = gaussian_of(POINTS, CENTRE, Q, ANGLE, 2.0, 0.3)
        sersic = sersic_of(POINTS, CENTRE, Q, ANGLE, 2.0, 0.4, 2.5)
        np.testing.assert_allclose(
            basis.image_2d_via_points_from(POINTS), gaussian + sersic, rtol=1e-12
        )
        np.testing.assert_allclose(
            basis.image_2d_via_points_from(POINTS, operated_only=False), gaussian, rtol=1e-12
        )
        np.testing.assert_allclose(
            basis.image_2d_via_points_from(POINTS, operated_only=True), sersic, rtol=1e-12
        )
        assert basis.centre == CENTRE and basis.ell_comps == ELL
        assert basis.has_operated_light()
        assert basis.linear_light_profile_list == [basis.profile_list[0]]

    def test__image_list_one_per_member__zeros_for_linear(self):
        basis = ag.lp_basis.Basis(profile_list=self.members())
        grid = ag.Grid2DIrregular(POINTS)
        images = basis.image_2d_list_from(grid)
        assert len(images) == 3
        np.testing.assert_array_equal(images[0].array, 0.0)
        np.testing.assert_allclose(
            images[1].array, gaussian_of(POINTS, CENTRE, Q, ANGLE, 2.0, 0.3), rtol=1e-12
        )

    def test__pytree_round_trip(self):
        jax = pytest.importorskip("jax")
        basis = ag.lp_basis.Basis(profile_list=self.members())
        leaves, tree = jax.tree_util.tree_flatten(basis)
        # Leaves: 5 + 6 + 7 parameters of the three members (the linear intensity is a constant).
        assert len(leaves) == 5 + 6 + 7
        rebuilt = jax.tree_util.tree_unflatten(tree, leaves)
        assert isinstance(rebuilt, ag.lp_basis.Basis)
        np.testing.assert_array_equal(
            rebuilt.image_2d_via_points_from(POINTS), basis.image_2d_via_points_from(POINTS)
        )

    def test__jit_and_grad_through_a_basis_argument(self):
        jax = pytest.importorskip("jax")
        jnp = jax.numpy
        standard = [m for m in self.members() if not isinstance(m, LightProfileLinear)]
        basis = ag.lp_basis.Basis(profile_list=standard)
        jitted = jax.jit(lambda b: b.image_2d_via_points_from(POINTS, xp=jnp))(basis)
        np.testing.assert_allclose(
            np.asarray(jitted), basis.image_2d_via_points_from(POINTS), rtol=1e-5
        )
        # d(sum of image)/d(intensity of the Gaussian) = sum of its unit-intensity image.
        grads = jax.grad(lambda b: b.image_2d_via_points_from(POINTS, xp=jnp).sum())(basis)
        unit = gaussian_of(POINTS, CENTRE, Q, ANGLE, 1.0, 0.3).sum()
        assert float(grads.profile_list[0].intensity) == pytest.approx(unit, rel=1e-5)

    def test__bad__profile_list(self):
        with pytest.raises(
            TypeError,
            match=re.escape("Basis(profile_list=...) needs a list of light profiles, got Gaussian"),
        ):
            ag.lp_basis.Basis(profile_list=ag.lp.Gaussian())
        with pytest.raises(TypeError, match=re.escape("Basis(profile_list=...) got an empty list")):
            ag.lp_basis.Basis(profile_list=[])
        inner = ag.lp_basis.Basis(profile_list=[ag.lp.Gaussian()])
        with pytest.raises(
            TypeError,
            match=re.escape(
                "Basis profile_list[1] is a Basis, not a light profile (ag.lp, ag.lp_linear, ag.lp_operated); bases cannot be nested."
            ),
        ):
            ag.lp_basis.Basis(profile_list=[ag.lp.Gaussian(), inner])

    def test__bad__regularization_refused(self):
        with pytest.raises(
            ag.exc.ProfileException,
            match=re.escape("Basis(regularization=Constant(...)) is not supported"),
        ):
            ag.lp_basis.Basis(
                profile_list=[ag.lp_linear.Gaussian()], regularization=ag.reg.Constant()
            )
