"""``ag.convert`` (closed-form ellipse conversions) and the ``ag.util`` namespace."""

import re

import numpy as np
import pytest

import autogalaxy as ag

pytestmark = pytest.mark.filterwarnings("error")


@pytest.mark.parametrize(
    "axis_ratio, angle, expected",
    [
        (0.5, 0.0, (0.0, 1 / 3)),  # f = 1/3 along +x
        (0.5, 45.0, (1 / 3, 0.0)),  # along y = x
        (0.5, 90.0, (0.0, -1 / 3)),
        (0.25, -22.5, (-0.6 * np.sqrt(0.5), 0.6 * np.sqrt(0.5))),  # f = 0.6, 2 phi = -45 deg
        (1.0, 30.0, (0.0, 0.0)),
    ],
)
def test__ell_comps_from_closed_form(axis_ratio, angle, expected):
    e1, e2 = ag.convert.ell_comps_from(axis_ratio=axis_ratio, angle=angle)
    assert (e1, e2) == pytest.approx(expected, abs=1e-15)


@pytest.mark.parametrize("axis_ratio, angle", [(0.5, 0.0), (0.3, 44.0), (0.8, 100.0), (0.9, -40.0)])
def test__axis_ratio_and_angle_round_trip(axis_ratio, angle):
    ell_comps = ag.convert.ell_comps_from(axis_ratio, angle)
    q, phi = ag.convert.axis_ratio_and_angle_from(ell_comps)
    assert q == pytest.approx(axis_ratio, rel=1e-14) and phi == pytest.approx(angle, abs=1e-12)
    assert ag.convert.axis_ratio_from(ell_comps) == q
    assert ag.convert.angle_from(ell_comps) == phi


def test__circular_is_axis_ratio_one_angle_zero():
    assert ag.convert.axis_ratio_and_angle_from((0.0, 0.0)) == (1.0, 0.0)


def test__jax_values_pass_through_with_gradients():
    jax = pytest.importorskip("jax")
    jnp = jax.numpy
    # A traced axis ratio is not checked (no Python branching on it) and differentiates.
    grad = jax.jit(jax.grad(lambda q: ag.convert.ell_comps_from(q, 0.0, xp=jnp)[1]))(0.5)
    # d/dq (1 - q) / (1 + q) = -2 / (1 + q)^2 (float32 unless x64 is on).
    assert float(grad) == pytest.approx(-2.0 / 1.5**2, rel=1e-6)


@pytest.mark.parametrize("bad", [0.0, -0.5, 1.5])
def test__bad__axis_ratio(bad):
    with pytest.raises(
        ag.exc.ProfileException,
        match=re.escape(f"axis_ratio must be in (0, 1] (minor over major axis), got {bad}"),
    ):
        ag.convert.ell_comps_from(bad, 10.0)


def test__bad__types_and_values():
    with pytest.raises(
        TypeError, match=re.escape("angle must be a real number, got True of type bool.")
    ):
        ag.convert.ell_comps_from(0.5, True)
    with pytest.raises(ag.exc.ProfileException, match=re.escape("angle must be finite, got nan.")):
        ag.convert.ell_comps_from(0.5, np.nan)
    with pytest.raises(
        ag.exc.ProfileException,
        match=re.escape("ell_comps (0.6, 0.8) have magnitude 1 >= 1: no ellipse has them"),
    ):
        ag.convert.axis_ratio_and_angle_from((0.6, 0.8))
    with pytest.raises(TypeError, match=re.escape("ell_comps must be a pair (e1, e2), got 0.3.")):
        ag.convert.axis_ratio_and_angle_from(0.3)


def test__util_namespace():
    grid = ag.Grid2D.uniform((5, 5), 0.1, over_sample_size=1)
    sizes = ag.util.over_sample.over_sample_size_via_radial_bins_from(
        grid=grid, sub_size_list=[8, 4, 2], radial_list=[0.05, 0.15]
    )
    # Radii: centre 0 (-> 8), 4 neighbours 0.1 and 4 diagonals 0.141 (-> 4), the rest (-> 2).
    expected = np.full((5, 5), 2)
    expected[1:4, 1:4] = 4
    expected[2, 2] = 8
    np.testing.assert_array_equal(sizes.native.array, expected)
    assert ag.util.mask_2d is ag.mask_2d_util and ag.util.over_sample is ag.over_sample_util
    assert ag.util.convolver is ag.convolver_util
    assert ag.util.light_profile.sersic_constant_from(4.0) == pytest.approx(7.669250, abs=1e-6)


def test__axis_ratio_and_angle_round_trip_through_ell_comps():
    """The two conversions invert each other, on floats and on 0-d NumPy arrays."""
    q, angle = ag.convert.axis_ratio_and_angle_from(ell_comps=(0.05, 0.10))
    assert isinstance(q, float) and isinstance(angle, float)
    # by hand: f = sqrt(0.05^2 + 0.1^2), q = (1 - f) / (1 + f), angle = 0.5 atan2(0.05, 0.1)
    f = np.hypot(0.05, 0.10)
    assert q == pytest.approx((1 - f) / (1 + f), rel=1e-15)
    assert angle == pytest.approx(np.degrees(0.5 * np.arctan2(0.05, 0.10)), rel=1e-15)
    back = ag.convert.ell_comps_from(axis_ratio=np.asarray(q), angle=np.asarray(angle))
    assert back == pytest.approx((0.05, 0.10), rel=1e-14)
