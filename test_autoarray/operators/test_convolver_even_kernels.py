"""
Even fine kernels (the STPSF / WebbPSF ``OVERSAMP`` layout: centred on a fine-pixel corner) are
applied exactly, to light taken over fine cells shifted half a fine pixel up and left
(``Convolver.light_sample_offset``).

References: the closed form of a Gaussian light blurred by a Gaussian PSF and averaged over each
pixel (products of normal CDF differences), with the light integrated exactly over the shifted
fine cells; hand-computed offsets and kernels; the root conftest's brute-force fine-frame
convolution is used by the random-image and delta tests of ``test_convolver_oversampled.py``.
"""

import math

import numpy as np
import pytest
from scipy.special import ndtr

import autoarray as aa
from autoarray import exc
from autoarray.operators import convolver_util

DPIX = 0.1
SIGMA_P = 0.05  # arcsec: half a pixel
FLUX = 3.0


# ------------------------------------------------------------------------- kernel_odd_from


class TestKernelOddFrom:
    def test__even_axes_get_one_zero_sample_at_the_end(self):
        kernel = np.arange(1.0, 31.0).reshape(6, 5)
        before = kernel.copy()
        odd = convolver_util.kernel_odd_from(kernel)
        assert odd.shape == (7, 5)
        np.testing.assert_array_equal(odd[:6], kernel)  # every sample kept as it is
        np.testing.assert_array_equal(odd[6], 0.0)
        np.testing.assert_array_equal(kernel, before)  # the caller's array is not touched

        both = convolver_util.kernel_odd_from(np.ones((4, 2)))
        expected = np.zeros((5, 3))
        expected[:4, :2] = 1.0
        np.testing.assert_array_equal(both, expected)

    def test__odd_kernels_are_copied_unchanged(self):
        kernel = np.random.default_rng(0).random((5, 7))
        odd = convolver_util.kernel_odd_from(kernel)
        np.testing.assert_array_equal(odd, kernel)
        assert odd is not kernel and not np.shares_memory(odd, kernel)


# ---------------------------------------------------------------------- light_sample_offset


class TestLightSampleOffset:
    @pytest.mark.parametrize(
        "shape, expected",
        [
            ((8, 8), (0.025, -0.03125)),  # half a fine pixel up (+y) and left (-x)
            ((8, 7), (0.025, 0.0)),
            ((7, 8), (0.0, -0.03125)),
            ((7, 7), (0.0, 0.0)),
        ],
    )
    def test__half_a_fine_pixel_up_and_left_along_even_axes(self, shape, expected):
        s = 4
        fine = (0.2 / s, 0.25 / s)  # anisotropic pixels: (0.05, 0.0625) arcsec
        psf = aa.Convolver.no_mask(np.ones(shape), fine, convolve_over_sample_size=s)
        assert psf.light_sample_offset == pytest.approx(expected, rel=1e-15, abs=0.0)
        mask = aa.Mask2D.circular((21, 21), 0.6, (0.2, 0.25))
        assert psf.state_from(mask).light_sample_offset == pytest.approx(expected, abs=1e-17)
        assert convolver_util.light_sample_offset_from(shape, fine) == pytest.approx(
            expected, abs=0.0
        )

    def test__odd_kernels_are_exactly_zero(self):
        psf = aa.Convolver.from_gaussian((9, 9), 0.025, 0.05, convolve_over_sample_size=4)
        assert psf.light_sample_offset == (0.0, 0.0)
        native = aa.Convolver.from_gaussian((5, 5), 0.1, 0.1)
        assert native.light_sample_offset == (0.0, 0.0)


# ------------------------------------------------------------------ Grid2D shifted samples


class TestOverSampledShiftedBy:
    def test__the_over_sampled_points_moved_in_their_order(self):
        mask = aa.Mask2D.all_false((1, 2), 0.1)
        grid = aa.Grid2D.from_mask(mask, over_sample_size=2)
        shifted = grid.over_sampled_shifted_by((0.025, -0.025))
        # pixel 0 centred at (0, -0.05), pixel 1 at (0, 0.05); sub-pixels +-0.025, row-major
        expected = np.array(
            [
                [0.05, -0.1],
                [0.05, -0.05],
                [0.0, -0.1],
                [0.0, -0.05],
                [0.05, 0.0],
                [0.05, 0.05],
                [0.0, 0.0],
                [0.0, 0.05],
            ]
        )
        np.testing.assert_allclose(shifted, expected, rtol=0, atol=1e-15)
        assert not shifted.flags.writeable
        assert grid.over_sampled_shifted_by([0.025, -0.025]) is shifted  # built once
        np.testing.assert_allclose(
            grid.over_sampled, expected - [0.025, -0.025], rtol=0, atol=1e-15
        )

    def test__zero_offset_is_the_over_sampled_grid_itself(self):
        grid = aa.Grid2D.uniform((3, 4), 0.1, over_sample_size=3)
        assert grid.over_sampled_shifted_by((0.0, 0.0)) is grid.over_sampled

    @pytest.mark.parametrize(
        "bad, message",
        [
            ("ab", r"offset must be a \(y, x\) pair of arcsec numbers, got 'ab'"),
            ((0.1,), r"offset must be a \(y, x\) pair .* got \(0\.1,\).*psf\.light_sample_offset"),
            ((0.1, 0.2, 0.3), r"offset must be a \(y, x\) pair .* got \(0\.1, 0\.2, 0\.3\)"),
            (None, r"offset must be a \(y, x\) pair of arcsec numbers, got None"),
            ((np.nan, 0.0), r"offset must be finite \(y, x\) arcsec, got \(nan, 0\.0\)"),
            ((0.0, np.inf), r"offset must be finite \(y, x\) arcsec, got \(0\.0, inf\)"),
        ],
    )
    def test__bad_offset(self, bad, message):
        grid = aa.Grid2D.uniform((3, 3), 0.1, over_sample_size=2)
        with pytest.raises(exc.GridException, match=message):
            grid.over_sampled_shifted_by(bad)


# --------------------------------------------------------------------- closed-form Gaussian


def _axis_integral(lo, hi, centre, sigma):
    """Integral of a unit 1D Gaussian over [lo, hi]."""
    return ndtr((hi - centre) / sigma) - ndtr((lo - centre) / sigma)


def psf_from(s, even):
    """Gaussian PSF to +-8 sigma: 2 h + 1 samples (odd) or 2 h samples (even, STPSF layout)."""
    half = math.ceil(8 * SIGMA_P / (DPIX / s))
    shape = (2 * half, 2 * half) if even else (2 * half + 1, 2 * half + 1)
    return aa.Convolver.from_gaussian(
        shape, DPIX / s, SIGMA_P, normalize=True, convolve_over_sample_size=s
    )


def convolved_from(mask, psf, centre, sigma_l, offset=None):
    """
    The oversampled convolution of a Gaussian light (flux FLUX) integrated exactly over the fine
    cells at ``offset`` from the fine-pixel centres (default: ``psf.light_sample_offset``).
    """
    s = psf.convolve_over_sample_size
    d = DPIX / s
    state = psf.state_from(mask)
    offset = psf.light_sample_offset if offset is None else offset
    points = np.concatenate(
        [
            aa.Grid2D.from_mask(mask, s).over_sampled_shifted_by(offset),
            aa.Grid2D.from_mask(state.blurring_mask, s).over_sampled_shifted_by(offset),
        ]
    )
    iy = _axis_integral(points[:, 0] - d / 2, points[:, 0] + d / 2, centre[0], sigma_l)
    ix = _axis_integral(points[:, 1] - d / 2, points[:, 1] + d / 2, centre[1], sigma_l)
    values = FLUX * iy * ix / d**2
    n = mask.pixels_in_mask * s * s
    return psf.convolved_image_from(values[:n], values[n:], mask=mask).array


def closed_form_from(mask, centre, sigma_l):
    """The mean over each pixel of the light blurred by the PSF (a Gaussian of summed variance)."""
    grid = np.asarray(aa.Grid2D.from_mask(mask, 1))
    sigma = math.hypot(sigma_l, SIGMA_P)
    gy = _axis_integral(grid[:, 0] - DPIX / 2, grid[:, 0] + DPIX / 2, centre[0], sigma)
    gx = _axis_integral(grid[:, 1] - DPIX / 2, grid[:, 1] + DPIX / 2, centre[1], sigma)
    return FLUX * gy * gx / DPIX**2


class TestClosedForm:
    """Even kernels are as accurate as the odd kernel of the same PSF, at even and odd s."""

    CENTRE = (0.013, -0.021)

    @pytest.mark.parametrize("s", [2, 3, 4])
    @pytest.mark.parametrize("sigma_l", [0.05, 0.1, 0.2])
    def test__even_kernel_error_within_twice_the_odd_kernel_error(self, s, sigma_l):
        mask = aa.Mask2D.circular((30, 30), 1.0, DPIX)
        exact = closed_form_from(mask, self.CENTRE, sigma_l)
        peak = exact.max()
        errors = {}
        for even in (False, True):
            out = convolved_from(mask, psf_from(s, even), self.CENTRE, sigma_l)
            errors[even] = np.abs(out - exact).max() / peak
        assert errors[True] <= max(2.0 * errors[False], 1e-13), errors
        if s == 4:  # round-off, like the odd kernel
            assert errors[True] < 1e-13 and errors[False] < 1e-13, errors

    def test__the_offset_and_its_sign_matter(self):
        """Light at the usual centres, or shifted the other way, is blurred off its place."""
        s, sigma_l = 4, 0.1
        mask = aa.Mask2D.circular((30, 30), 1.0, DPIX)
        exact = closed_form_from(mask, self.CENTRE, sigma_l)
        psf = psf_from(s, even=True)
        dy, dx = psf.light_sample_offset
        for offset in ((0.0, 0.0), (-dy, -dx), (dy, 0.0), (0.0, dx)):
            out = convolved_from(mask, psf, self.CENTRE, sigma_l, offset=offset)
            assert np.abs(out - exact).max() / exact.max() > 1e-2, offset


class TestCentroid:
    """A symmetric source stays where it is (a half fine-pixel shift is 0.0125" at s = 4)."""

    @pytest.mark.parametrize("s", [2, 3, 4])
    @pytest.mark.parametrize("shape", [(31, 31), (30, 30)])  # source on a pixel centre / corner
    def test__symmetric_source_on_a_symmetric_mask_stays_centred(self, s, shape):
        mask = aa.Mask2D.circular(shape, 1.0, DPIX)
        out = convolved_from(mask, psf_from(s, even=True), (0.0, 0.0), 0.1)
        grid = np.asarray(aa.Grid2D.from_mask(mask, 1))
        centroid = out @ grid / out.sum()
        assert np.all(np.abs(centroid) < 1e-10), centroid

    @pytest.mark.parametrize("s", [2, 4])
    def test__off_centre_source_has_the_closed_form_centroid(self, s):
        mask = aa.Mask2D.circular((30, 30), 1.2, DPIX)
        centre = (0.013, -0.021)
        grid = np.asarray(aa.Grid2D.from_mask(mask, 1))
        exact = closed_form_from(mask, centre, 0.1)
        out = convolved_from(mask, psf_from(s, even=True), centre, 0.1)
        shift = out @ grid / out.sum() - exact @ grid / exact.sum()
        assert np.all(np.abs(shift) < 1e-10), shift
