import numpy as np
import pytest

from autogalaxy.profiles.light import linear as lp_linear
from autogalaxy.profiles.light import operated as lp_operated
from autogalaxy.profiles.light import standard as lp
from autogalaxy.profiles.light.abstract import LightProfile
from autogalaxy.profiles.light.linear import LightProfileLinear
from autogalaxy.profiles.light.operated import LightProfileOperated

pytestmark = pytest.mark.filterwarnings("error")

POINTS = np.random.default_rng(11).uniform(-1.5, 1.5, size=(25, 2))

LINEAR_CASES = [
    (lp_linear.Gaussian, lp.Gaussian, {"ell_comps": (0.1, 0.2), "sigma": 0.5}),
    (lp_linear.GaussianSph, lp.GaussianSph, {"sigma": 0.5}),
    (
        lp_linear.Sersic,
        lp.Sersic,
        {"ell_comps": (0.1, 0.2), "effective_radius": 0.5, "sersic_index": 2.0},
    ),
    (lp_linear.SersicSph, lp.SersicSph, {"effective_radius": 0.5, "sersic_index": 2.0}),
    (lp_linear.Exponential, lp.Exponential, {"ell_comps": (0.1, 0.2), "effective_radius": 0.5}),
    (lp_linear.ExponentialSph, lp.ExponentialSph, {"effective_radius": 0.5}),
    (
        lp_linear.DevVaucouleurs,
        lp.DevVaucouleurs,
        {"ell_comps": (0.1, 0.2), "effective_radius": 0.5},
    ),
    (lp_linear.DevVaucouleursSph, lp.DevVaucouleursSph, {"effective_radius": 0.5}),
]


@pytest.mark.parametrize("linear_cls, standard_cls, kwargs", LINEAR_CASES)
def test__linear_profile_is_standard_profile_with_unit_intensity(linear_cls, standard_cls, kwargs):
    linear = linear_cls(centre=(0.1, -0.1), **kwargs)
    standard = standard_cls(centre=(0.1, -0.1), intensity=1.0, **kwargs)
    assert isinstance(linear, LightProfileLinear) and isinstance(linear, LightProfile)
    assert not isinstance(linear, LightProfileOperated)
    assert linear.intensity == 1.0
    assert "intensity" not in linear_cls.parameter_names()
    assert np.array_equal(
        linear.image_2d_via_points_from(POINTS), standard.image_2d_via_points_from(POINTS)
    )
    with pytest.raises(TypeError):
        linear_cls(intensity=2.0)


@pytest.mark.parametrize("linear_cls, standard_cls, kwargs", LINEAR_CASES)
def test__lp_instance_from__builds_the_standard_profile_with_the_solved_intensity(
    linear_cls, standard_cls, kwargs
):
    linear = linear_cls(centre=(0.1, -0.1), **kwargs)
    twin = linear_cls(centre=(0.1, -0.1), **kwargs)
    solved = linear.lp_instance_from({linear: 3.5, twin: -1.0})
    assert type(solved) is standard_cls
    assert solved.intensity == 3.5
    assert np.allclose(
        solved.image_2d_via_points_from(POINTS),
        3.5 * linear.image_2d_via_points_from(POINTS),
        rtol=1e-14,
    )
    assert linear.parameters_dict_from(2.0)["intensity"] == 2.0


def test__linear_sersic_is_one_at_the_effective_radius():
    s = lp_linear.SersicSph(effective_radius=0.4, sersic_index=3.0)
    assert s.image_2d_via_points_from(np.array([[0.0, 0.4]]))[0] == pytest.approx(1.0, rel=1e-14)
    assert s.total_flux == pytest.approx(
        lp.SersicSph(intensity=1.0, effective_radius=0.4, sersic_index=3.0).total_flux, rel=1e-15
    )


def test__operated_gaussian__same_maths_and_marked_as_already_convolved():
    kwargs = {"centre": (0.2, 0.1), "ell_comps": (0.05, -0.1), "intensity": 2.0, "sigma": 0.3}
    operated = lp_operated.Gaussian(**kwargs)
    assert isinstance(operated, lp.Gaussian)
    assert isinstance(operated, LightProfileOperated)
    assert not isinstance(operated, LightProfileLinear)
    assert not isinstance(lp.Gaussian(), LightProfileOperated)
    assert np.array_equal(
        operated.image_2d_via_points_from(POINTS),
        lp.Gaussian(**kwargs).image_2d_via_points_from(POINTS),
    )
    assert operated.total_flux == lp.Gaussian(**kwargs).total_flux
