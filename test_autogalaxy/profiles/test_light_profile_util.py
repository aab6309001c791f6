import math

import numpy as np
import pytest
from light_reference import b_n_of, eccentric_radii_of, ell_comps_of
from scipy import integrate
from scipy.optimize import brentq
from scipy.special import gammainc

from autogalaxy.profiles.light import light_profile_util as util

pytestmark = pytest.mark.filterwarnings("error")


# ------------------------------------------------------------------------ ell_comps convention


def test__ell_comps_0_one_third__is_q_half_along_x():
    q, angle = util.axis_ratio_and_angle_from((0.0, 1.0 / 3.0))
    assert q == pytest.approx(0.5, abs=1e-15)
    assert angle == pytest.approx(0.0, abs=1e-15)


def test__ell_comps_one_third_0__is_q_half_at_45_degrees():
    q, angle = util.axis_ratio_and_angle_from((1.0 / 3.0, 0.0))
    assert q == pytest.approx(0.5, abs=1e-15)
    assert angle == pytest.approx(45.0, abs=1e-12)


def test__ell_comps_0_minus_one_third__is_along_y():
    q, angle = util.axis_ratio_and_angle_from((0.0, -1.0 / 3.0))
    assert q == pytest.approx(0.5, abs=1e-15)
    assert angle == pytest.approx(90.0, abs=1e-12)


def test__circular_ell_comps__q_one_angle_zero():
    q, angle = util.axis_ratio_and_angle_from((0.0, 0.0))
    assert float(q) == 1.0
    assert float(angle) == 0.0


@pytest.mark.parametrize(
    "q, angle", [(0.9, 10.0), (0.5, -30.0), (0.2, 100.0), (0.7, 134.0), (0.3, -44.0)]
)
def test__ell_comps_round_trip_against_independent_formula(q, angle):
    e = util.ell_comps_from(q, angle)
    assert np.allclose(e, ell_comps_of(q, angle), rtol=0, atol=1e-15)
    q_back, angle_back = util.axis_ratio_and_angle_from(e)
    assert q_back == pytest.approx(q, abs=1e-13)
    assert angle_back == pytest.approx(angle, abs=1e-10)


def test__angle_wraps_into_minus_45_to_135():
    # phi and phi + 180 deg are the same ellipse; the PyAutoGalaxy range [-45, 135) picks one.
    for given, expected in [(120.0, 120.0), (-60.0, 120.0), (170.0, -10.0), (-10.0, -10.0)]:
        _, angle = util.axis_ratio_and_angle_from(ell_comps_of(0.5, given))
        assert angle == pytest.approx(expected, abs=1e-10)


def test__fac_above_0999_is_capped_like_pyautogalaxy():
    q, _ = util.axis_ratio_and_angle_from((0.0, 0.9995))
    assert q == pytest.approx((1 - 0.999) / (1 + 0.999), rel=1e-12)
    e1, e2 = util.ell_comps_fac_from((0.6, 0.8 + 1e-3))
    assert math.hypot(e1, e2) == pytest.approx(0.999, rel=1e-14)
    assert e1 / e2 == pytest.approx(0.6 / 0.801, rel=1e-14)
    e1, e2 = util.ell_comps_fac_from((0.3, -0.4))
    assert (float(e1), float(e2)) == (0.3, -0.4)


# --------------------------------------------------------------------------- eccentric radius


@pytest.mark.parametrize(
    "q, angle", [(1.0, 0.0), (0.5, 0.0), (0.5, 90.0), (0.3, 33.0), (0.8, -40.0)]
)
def test__eccentric_radii__match_explicit_rotation(q, angle):
    rng = np.random.default_rng(1)
    points = rng.uniform(-3, 3, size=(50, 2))
    centre = (0.3, -0.7)
    radii = util.eccentric_radii_from(points, centre, ell_comps_of(q, angle))
    expected = eccentric_radii_of(points, centre, q, angle)
    assert np.allclose(radii, expected, rtol=1e-13, atol=1e-14)


def test__eccentric_radius__on_axes_by_hand():
    # q = 0.5, phi = 0: R = sqrt(q x^2 + y^2 / q)
    points = np.array([[0.0, 2.0], [1.0, 0.0], [0.0, 0.0]])
    radii = util.eccentric_radii_from(points, (0.0, 0.0), (0.0, 1.0 / 3.0))
    assert radii[0] == pytest.approx(math.sqrt(0.5) * 2.0, rel=1e-14)
    assert radii[1] == pytest.approx(math.sqrt(2.0), rel=1e-14)
    assert radii[2] == util.RADIUS_MINIMUM


# --------------------------------------------------------------------------------- Sersic b_n


@pytest.mark.parametrize(
    "n, rtol", [(0.5, 5e-4), (1.0, 3e-5), (2.5, 1e-6), (4.0, 1e-7), (8.0, 1e-8)]
)
def test__sersic_constant__is_the_half_light_root(n, rtol):
    exact = brentq(lambda b: gammainc(2 * n, b) - 0.5, 1e-3, 100.0, xtol=1e-15)
    assert util.sersic_constant_from(n) == pytest.approx(exact, rel=rtol)


def test__sersic_constant__series_values():
    assert util.sersic_constant_from(1.0) == pytest.approx(b_n_of(1.0), rel=1e-15)
    assert util.sersic_constant_from(4.0) == pytest.approx(7.669249984669505, rel=1e-14)


# ---------------------------------------------------------------------------------- total flux


@pytest.mark.parametrize("n", [1.0, 2.5, 4.0])
def test__sersic_total_flux__closed_form_matches_radial_quadrature(n):
    intensity, r_e = 1.7, 0.8
    b = b_n_of(n)

    def integrand(r):
        return 2 * math.pi * r * intensity * math.exp(-b * ((r / r_e) ** (1 / n) - 1))

    pieces = [(0.0, r_e), (r_e, 10 * r_e), (10 * r_e, 1e3 * r_e), (1e3 * r_e, np.inf)]
    numeric = sum(
        integrate.quad(integrand, a, c, epsabs=0, epsrel=1e-13, limit=500)[0] for a, c in pieces
    )
    closed = intensity * r_e**2 * 2 * math.pi * n * math.exp(b) * math.gamma(2 * n) / b ** (2 * n)
    assert closed == pytest.approx(numeric, rel=1e-9)
    assert util.sersic_total_flux_from(intensity, r_e, n) == pytest.approx(numeric, rel=1e-6)


def _plane_integral_via_polar(image_of_points, n_angles):
    """int I dA = int_0^2pi int_0^inf I(r, theta) r dr dtheta; trapezoid in theta (periodic)."""
    theta = np.arange(n_angles) * 2 * np.pi / n_angles
    directions = np.stack([np.sin(theta), np.cos(theta)], axis=1)

    def integrand(r):
        return r * image_of_points(r * directions)

    radial = sum(
        integrate.quad_vec(integrand, a, c, epsabs=0, epsrel=1e-11, limit=400)[0]
        for a, c in [(0.0, 1.0), (1.0, 20.0), (20.0, np.inf)]
    )
    return radial.sum() * 2 * np.pi / n_angles


@pytest.mark.parametrize("n", [1.0, 4.0])
def test__elliptical_sersic_image_integrates_to_q_independent_flux(n):
    ell = ell_comps_of(0.6, 30.0)

    def image(points):
        return util.sersic_image_from(points, (0.0, 0.0), ell, 1.3, 0.7, n)

    numeric = _plane_integral_via_polar(image, n_angles=32)
    assert util.sersic_total_flux_from(1.3, 0.7, n) == pytest.approx(numeric, rel=1e-6)


def test__elliptical_gaussian_image_integrates_to_2_pi_sigma2_over_q():
    q = 0.5
    ell = ell_comps_of(q, 30.0)
    sigma, intensity = 0.5, 2.0
    # sigma along the minor axis, sigma / q = 1 along the major one: a +-12 arcsec frame at
    # spacing 0.05 integrates a Gaussian to machine precision (midpoint rule, spectral).
    h = 0.05
    axis = (np.arange(480) - 239.5) * h
    yy, xx = np.meshgrid(axis, axis, indexing="ij")
    points = np.stack([yy.ravel(), xx.ravel()], axis=1)
    numeric = util.gaussian_image_from(points, (0.0, 0.0), ell, intensity, sigma).sum() * h * h
    expected = 2 * math.pi * sigma**2 * intensity / q
    assert numeric == pytest.approx(expected, rel=1e-10)
    assert util.gaussian_total_flux_from(ell, intensity, sigma) == pytest.approx(
        expected, rel=1e-13
    )
