import dataclasses
import math

import numpy as np
import pytest
from light_reference import (
    b_n_of,
    ell_comps_of,
    gaussian_of,
    sersic_of,
    sub_pixel_centres_of,
)

import autoarray as aa
from autogalaxy import exc
from autogalaxy.profiles.light import standard as lp
from autogalaxy.profiles.light.abstract import LightProfile

pytestmark = pytest.mark.filterwarnings("error")

Q_HALF_ALONG_X = (0.0, 1.0 / 3.0)  # q = 0.5, phi = 0
Q_HALF_ALONG_Y = (0.0, -1.0 / 3.0)  # q = 0.5, phi = 90 deg


def _at(profile, *points):
    return profile.image_2d_via_points_from(np.array(points, dtype=float))


# --------------------------------------------------------------------------- Gaussian values


def test__gaussian_sph__one_sigma_is_exp_minus_half():
    g = lp.GaussianSph(centre=(0.0, 0.0), intensity=2.0, sigma=0.7)
    values = _at(g, (0.0, 0.0), (0.7, 0.0), (0.0, -0.7), (0.7 / math.sqrt(2), 0.7 / math.sqrt(2)))
    assert np.allclose(values, [2.0] + [2.0 * math.exp(-0.5)] * 3, rtol=1e-14, atol=0)


def test__gaussian_elliptical__sigma_on_minor_axis_sigma_over_q_on_major():
    # PyAutoGalaxy: exp(-0.5 (R / (sigma / sqrt q))^2) = exp(-0.5 (q^2 x'^2 + y'^2) / sigma^2)
    g = lp.Gaussian(ell_comps=Q_HALF_ALONG_X, intensity=1.0, sigma=1.0)
    minor, major, major_at_sigma = _at(g, (1.0, 0.0), (0.0, 2.0), (0.0, 1.0))
    assert minor == pytest.approx(math.exp(-0.5), rel=1e-14)
    assert major == pytest.approx(math.exp(-0.5), rel=1e-14)
    assert major_at_sigma == pytest.approx(math.exp(-0.5 * 0.25), rel=1e-14)


def test__rotating_phi_by_90_degrees_swaps_major_and_minor_axis():
    along_x = lp.Gaussian(ell_comps=Q_HALF_ALONG_X, intensity=1.0, sigma=1.0)
    along_y = lp.Gaussian(ell_comps=Q_HALF_ALONG_Y, intensity=1.0, sigma=1.0)
    assert _at(along_y, (2.0, 0.0))[0] == pytest.approx(math.exp(-0.5), rel=1e-14)
    assert _at(along_y, (0.0, 1.0))[0] == pytest.approx(math.exp(-0.5), rel=1e-14)
    rng = np.random.default_rng(3)
    points = rng.uniform(-2, 2, size=(20, 2))
    rotated = np.stack([points[:, 1], -points[:, 0]], axis=1)  # rotate (y, x) by 90 degrees
    assert np.allclose(
        along_x.image_2d_via_points_from(points),
        along_y.image_2d_via_points_from(rotated),
        rtol=1e-13,
    )
    s_x = lp.Sersic(ell_comps=Q_HALF_ALONG_X, intensity=1.0, effective_radius=1.0, sersic_index=2)
    s_y = s_x.with_parameters(ell_comps=Q_HALF_ALONG_Y)
    assert np.allclose(
        s_x.image_2d_via_points_from(points), s_y.image_2d_via_points_from(rotated), rtol=1e-13
    )


def test__gaussian_at_45_degrees__major_axis_on_the_diagonal():
    g = lp.Gaussian(ell_comps=(1.0 / 3.0, 0.0), intensity=1.0, sigma=1.0)
    d = 2.0 / math.sqrt(2)  # 2 sigma = sigma / q along (y, x) = (1, 1) / sqrt 2
    assert _at(g, (d, d))[0] == pytest.approx(math.exp(-0.5), rel=1e-14)
    e = 1.0 / math.sqrt(2)  # sigma along the minor axis (1, -1) / sqrt 2
    assert _at(g, (e, -e))[0] == pytest.approx(math.exp(-0.5), rel=1e-14)


@pytest.mark.parametrize("q, angle", [(0.5, 0.0), (0.3, 37.0), (0.85, 120.0)])
def test__gaussian_matches_reference_with_centre_and_rotation(q, angle):
    centre = (0.4, -0.25)
    g = lp.Gaussian(centre=centre, ell_comps=ell_comps_of(q, angle), intensity=1.5, sigma=0.6)
    points = np.random.default_rng(4).uniform(-2, 2, size=(40, 2))
    expected = gaussian_of(points, centre, q, angle, 1.5, 0.6)
    assert np.allclose(g.image_2d_via_points_from(points), expected, rtol=1e-13, atol=0)


# ---------------------------------------------------------------------------- Sersic values


def test__sersic_at_effective_radius_is_intensity():
    s = lp.SersicSph(centre=(1.0, -1.0), intensity=3.0, effective_radius=0.8, sersic_index=2.5)
    values = _at(s, (1.8, -1.0), (1.0, -0.2), (1.0 - 0.8 / math.sqrt(2), -1.0 + 0.8 / math.sqrt(2)))
    assert np.allclose(values, 3.0, rtol=1e-14)


def test__elliptical_sersic_at_effective_radius__major_and_minor_axis():
    q = 0.5
    s = lp.Sersic(ell_comps=Q_HALF_ALONG_X, intensity=3.0, effective_radius=0.8, sersic_index=4.0)
    # eccentric radius R_e is reached at x' = R_e / sqrt(q) and y' = R_e sqrt(q)
    major, minor = _at(s, (0.0, 0.8 / math.sqrt(q)), (0.8 * math.sqrt(q), 0.0))
    assert major == pytest.approx(3.0, rel=1e-14)
    assert minor == pytest.approx(3.0, rel=1e-14)
    assert s.elliptical_effective_radius == pytest.approx(0.8 / math.sqrt(q), rel=1e-14)


def test__exponential_at_two_effective_radii_is_exp_minus_b1():
    e = lp.ExponentialSph(intensity=2.0, effective_radius=0.5)
    b_1 = b_n_of(1.0)
    assert _at(e, (0.0, 1.0))[0] == pytest.approx(2.0 * math.exp(-b_1), rel=1e-14)
    assert _at(e, (0.0, 0.0))[0] == pytest.approx(2.0 * math.exp(b_1), rel=1e-10)
    assert e.sersic_index == 1.0
    assert e.sersic_constant == pytest.approx(b_1, rel=1e-15)


def test__dev_vaucouleurs_is_finite_at_the_centre():
    d = lp.DevVaucouleursSph(intensity=1.0, effective_radius=1.0)
    b_4 = b_n_of(4.0)
    centre_value = _at(d, (0.0, 0.0))[0]
    assert np.isfinite(centre_value)
    # R floored at 1e-12: exp(-b (1e-12^(1/4) - 1)) = e^b (1 - b 1e-3 + ...)
    assert centre_value == pytest.approx(math.exp(b_4) * math.exp(-b_4 * 1e-3), rel=1e-12)


@pytest.mark.parametrize("n", [0.5, 1.0, 4.0, 8.0])
def test__sersic_finite_without_warnings_at_centre_and_far_out(n):
    s = lp.Sersic(ell_comps=(0.2, 0.1), intensity=1.0, effective_radius=0.3, sersic_index=n)
    values = _at(s, (0.0, 0.0), (1e-300, 0.0), (1e3, 1e3))
    assert np.all(np.isfinite(values))
    assert values[2] >= 0.0


@pytest.mark.parametrize("q, angle, n", [(0.7, 15.0, 1.0), (0.4, 110.0, 2.5), (0.9, -30.0, 4.0)])
def test__sersic_matches_reference(q, angle, n):
    centre = (-0.3, 0.2)
    s = lp.Sersic(
        centre=centre, ell_comps=ell_comps_of(q, angle), intensity=0.9, effective_radius=0.6,
        sersic_index=n,
    )  # fmt: skip
    points = np.random.default_rng(5).uniform(-2, 2, size=(40, 2))
    expected = sersic_of(points, centre, q, angle, 0.9, 0.6, n)
    assert np.allclose(s.image_2d_via_points_from(points), expected, rtol=1e-12, atol=0)


def test__fixed_index_profiles_equal_sersic():
    points = np.random.default_rng(6).uniform(-2, 2, size=(30, 2))
    kw = {"centre": (0.1, 0.2), "ell_comps": (0.1, -0.2), "intensity": 1.2, "effective_radius": 0.7}
    for cls, n in [(lp.Exponential, 1.0), (lp.DevVaucouleurs, 4.0)]:
        assert np.array_equal(
            cls(**kw).image_2d_via_points_from(points),
            lp.Sersic(**kw, sersic_index=n).image_2d_via_points_from(points),
        )


@pytest.mark.parametrize(
    "sph, ell, kwargs",
    [
        (lp.GaussianSph, lp.Gaussian, {"intensity": 1.1, "sigma": 0.4}),
        (lp.SersicSph, lp.Sersic, {"intensity": 1.1, "effective_radius": 0.4, "sersic_index": 3.0}),
        (lp.ExponentialSph, lp.Exponential, {"intensity": 1.1, "effective_radius": 0.4}),
        (lp.DevVaucouleursSph, lp.DevVaucouleurs, {"intensity": 1.1, "effective_radius": 0.4}),
    ],
)
def test__sph_profiles_are_circular_and_take_no_ell_comps(sph, ell, kwargs):
    points = np.random.default_rng(7).uniform(-2, 2, size=(30, 2))
    circular = sph(centre=(0.2, 0.1), **kwargs)
    assert isinstance(circular, ell)
    assert circular.ell_comps == (0.0, 0.0)
    assert np.array_equal(
        circular.image_2d_via_points_from(points),
        ell(centre=(0.2, 0.1), ell_comps=(0.0, 0.0), **kwargs).image_2d_via_points_from(points),
    )
    with pytest.raises(TypeError):
        sph(ell_comps=(0.1, 0.0))
    assert "ell_comps" not in repr(circular)


def test__defaults_follow_pyautogalaxy():
    g = lp.Gaussian()
    assert (g.centre, g.ell_comps, g.intensity, g.sigma) == ((0.0, 0.0), (0.0, 0.0), 0.1, 1.0)
    s = lp.Sersic()
    assert (s.intensity, s.effective_radius, s.sersic_index) == (0.1, 0.6, 4.0)
    assert lp.Sersic((1.0, 2.0), (0.1, 0.2), 3.0, 4.0, 5.0).sersic_index == 5.0
    assert lp.Exponential((1.0, 2.0), (0.1, 0.2), 3.0, 4.0).effective_radius == 4.0
    assert lp.GaussianSph((1.0, 2.0), 3.0, 4.0).sigma == 4.0


# ---------------------------------------------------------------------------------- total flux


@pytest.mark.parametrize("q, angle", [(1.0, 0.0), (0.4, 25.0)])
def test__total_flux_properties(q, angle):
    ell = ell_comps_of(q, angle)
    g = lp.Gaussian(ell_comps=ell, intensity=2.0, sigma=0.3)
    assert g.total_flux == pytest.approx(2 * math.pi * 0.3**2 * 2.0 / q, rel=1e-13)
    for n in (1.0, 2.5, 4.0):
        s = lp.Sersic(ell_comps=ell, intensity=2.0, effective_radius=0.5, sersic_index=n)
        b = b_n_of(n)
        closed = 2.0 * 0.25 * 2 * math.pi * n * math.exp(b) * math.gamma(2 * n) / b ** (2 * n)
        assert isinstance(s.total_flux, float)
        assert s.total_flux == pytest.approx(closed, rel=1e-12)
    assert lp.ExponentialSph(intensity=2.0, effective_radius=0.5).total_flux == pytest.approx(
        lp.Sersic(intensity=2.0, effective_radius=0.5, sersic_index=1.0).total_flux, rel=1e-15
    )


# ------------------------------------------------------------------------ over-sampled images


@pytest.mark.parametrize("k", [1, 2, 3])
def test__image_2d_from__is_mean_at_hand_built_sub_pixel_centres(k):
    grid = aa.Grid2D.uniform(shape_native=(3, 4), pixel_scales=(0.3, 0.2), over_sample_size=k)
    profile = lp.Sersic(
        centre=(0.05, -0.02), ell_comps=ell_comps_of(0.6, 40.0), intensity=1.0,
        effective_radius=0.25, sersic_index=3.0,
    )  # fmt: skip
    image = profile.image_2d_from(grid)
    assert isinstance(image, aa.Array2D)
    blocks = sub_pixel_centres_of(np.zeros((3, 4), bool), (0.3, 0.2), [k] * 12)
    expected = [sersic_of(b, (0.05, -0.02), 0.6, 40.0, 1.0, 0.25, 3.0).mean() for b in blocks]
    assert np.allclose(np.asarray(image.slim.array), expected, rtol=1e-12, atol=0)
    assert np.allclose(np.asarray(image.native.array), np.reshape(expected, (3, 4)), rtol=1e-12)


def test__image_2d_from__masked_grid_with_adaptive_over_sampling():
    mask = aa.Mask2D.circular(shape_native=(7, 7), radius=0.45, pixel_scales=0.2)
    sizes = (np.arange(mask.pixels_in_mask) % 3) + 1
    grid = aa.Grid2D.from_mask(mask, over_sample_size=sizes)
    profile = lp.Gaussian(
        centre=(0.1, 0.0), ell_comps=ell_comps_of(0.5, 60.0), intensity=1.0, sigma=0.2
    )
    image = profile.image_2d_from(grid)
    blocks = sub_pixel_centres_of(np.asarray(mask.array), (0.2, 0.2), sizes)
    expected = [gaussian_of(b, (0.1, 0.0), 0.5, 60.0, 1.0, 0.2).mean() for b in blocks]
    assert image.mask is mask
    assert np.allclose(np.asarray(image.slim.array), expected, rtol=1e-12, atol=0)


def test__image_2d_from__rejects_a_plain_array():
    with pytest.raises(TypeError, match="image_2d_via_points_from"):
        lp.Gaussian().image_2d_from(np.zeros((4, 2)))


# ---------------------------------------------------------------------------- object model


def test__profiles_are_frozen_identity_compared_and_replaceable():
    s = lp.Sersic(intensity=1.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.intensity = 2.0
    other = s.with_parameters(effective_radius=2.0)
    assert type(other) is lp.Sersic
    assert (other.effective_radius, other.intensity, s.effective_radius) == (2.0, 1.0, 0.6)
    assert dataclasses.replace(s, sersic_index=2).sersic_index == 2.0
    twin = lp.Sersic(intensity=1.0)
    assert s != twin and len({s: 1, twin: 2}) == 2
    assert isinstance(s, LightProfile)
    assert lp.Sersic.parameter_names() == (
        "centre", "ell_comps", "intensity", "effective_radius", "sersic_index",
    )  # fmt: skip
    assert lp.DevVaucouleursSph.parameter_names() == ("centre", "intensity", "effective_radius")


def test__integers_and_numpy_scalars_are_stored_as_floats():
    s = lp.Sersic(
        centre=[1, np.float32(2)],
        ell_comps=np.array([0.1, 0.2]),
        effective_radius=1,
        sersic_index=np.int64(2),
    )
    assert s.centre == (1.0, 2.0) and all(type(v) is float for v in s.centre)
    assert s.ell_comps == pytest.approx((0.1, 0.2)) and isinstance(s.ell_comps, tuple)
    assert type(s.effective_radius) is float and type(s.sersic_index) is float


# ------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: lp.Gaussian(sigma=0.0), "Gaussian.sigma must be > 0, got 0.0."),
        (lambda: lp.GaussianSph(sigma=-1.0), "GaussianSph.sigma must be > 0, got -1.0."),
        (lambda: lp.Sersic(effective_radius=-0.5), "Sersic.effective_radius must be > 0, got -0.5."),
        (lambda: lp.Sersic(sersic_index=0), "Sersic.sersic_index must be > 0, got 0.0."),
        (lambda: lp.ExponentialSph(effective_radius=0.0), "ExponentialSph.effective_radius must be > 0"),
        (lambda: lp.Sersic(intensity=np.nan), "Sersic.intensity must be finite, got nan."),
        (lambda: lp.Gaussian(centre=(0.0, np.inf)), "Gaussian.centre[1] must be finite, got inf."),
        (lambda: lp.Gaussian(centre=(0.0, 1.0, 2.0)), "Gaussian.centre must be a pair of two numbers"),
        (lambda: lp.Gaussian(sigma=np.ones(2)), "Gaussian.sigma must be a scalar, got an array of shape (2,)."),
        (lambda: lp.Sersic(ell_comps=(0.6, 0.8)), "Sersic.ell_comps must satisfy sqrt(e1^2 + e2^2) < 1"),
        (lambda: lp.Gaussian(ell_comps=(0.0, -1.5)), "magnitude 1.5"),
    ],
)  # fmt: skip
def test__bad_parameters_raise_profile_exception(make, message):
    with pytest.raises(exc.ProfileException) as info:
        make()
    assert message in str(info.value)
    assert isinstance(info.value, aa.exc.AutoArrayException)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: lp.Gaussian(sigma=True), "Gaussian.sigma must be a real number, got True."),
        (lambda: lp.Sersic(intensity="1"), "Sersic.intensity must be a real number, got '1'."),
        (lambda: lp.Sersic(intensity=None), "Sersic.intensity must be a real number, got None."),
        (
            lambda: lp.Gaussian(centre=1.0),
            "Gaussian.centre must be a pair of two numbers, got float.",
        ),
    ],
)
def test__non_numbers_raise_type_error(make, message):
    with pytest.raises(TypeError) as info:
        make()
    assert message in str(info.value)
