"""
Oversampled (``convolve_over_sample_size = s > 1``) acceptance tests of ``Convolver``.

The reference everywhere is built from first principles: the (padded) native frame upscaled
``s x s``, native pixel ``(Y, X)``'s sub-block value ``(a, b)`` (per-pixel sub-block order, row-major
inside the pixel) placed at fine ``(Y s + a, X s + b)``, convolved with the fine kernel by
``scipy.signal.convolve2d`` and binned with the mean of each ``s x s`` block (the root conftest's
``fine_frame_blurred``). An even kernel axis is centred on its geometric centre, a fine-pixel
corner: its inputs are the light of cells shifted half a fine pixel up / left, which the
reference reads as the ``"full"`` convolution at the fine-pixel centres (no interpolation).
"""

import math
import re

import numpy as np
import pytest
import scipy.ndimage
import scipy.signal
import scipy.sparse
from astropy.io import fits
from scipy.special import ndtr
from scipy.stats import norm

import autoarray as aa
from autoarray import exc

# ------------------------------------------------------------------------------------ helpers


def footprint_from(kernel_shape, s):
    """Native footprint of a fine kernel, by hand: the farthest fine tap from any sub-pixel."""
    out = []
    for k in kernel_shape:
        # even k = 2m: light at fine corners reaches m - 1/2 fine pixels, like h = m from centres
        h = k // 2
        reach = max((a + h) // s for a in range(s))  # native pixels reached from sub-pixel a
        out.append(2 * reach + 1)
    return tuple(out)


def random_mask_array(rng, shape, border, fraction=0.55):
    array = np.ones(shape, dtype=bool)
    inner = rng.random((shape[0] - 2 * border, shape[1] - 2 * border)) > fraction
    inner[inner.shape[0] // 2, inner.shape[1] // 2] = False
    array[border:-border, border:-border] = inner
    return array


def fine_frame_from(shape_native, s, pixels, values):
    """Place per-pixel sub-block values: pixel (Y, X)'s block (a, b) at fine (Y s + a, X s + b)."""
    fine = np.zeros((shape_native[0] * s, shape_native[1] * s))
    for (y, x), block in zip(pixels, np.reshape(values, (-1, s, s))):
        fine[y * s : (y + 1) * s, x * s : (x + 1) * s] = block
    return fine


def values_from_fine_frame(fine, s, pixels):
    """The inverse: each pixel's s x s block, row-major, pixel after pixel."""
    return np.concatenate(
        [fine[y * s : (y + 1) * s, x * s : (x + 1) * s].ravel() for y, x in pixels]
    )


def brute_force_from(fine_frame_blurred, fine, kernel, s, mask_array):
    """Fine convolution, s x s block mean, read at the unmasked pixels (slim order)."""
    return fine_frame_blurred(fine, kernel, s)[~mask_array]


def oversampled_scene(seed, s, kernel_shape, shape=(13, 12)):
    """
    A random mask with room for the blurring region, a random fine kernel and a random fine
    image covering the *whole* frame. The convolver only sees the mask + blurring values, so
    agreement with the brute force of the whole frame also proves the blurring region is large
    enough.
    """
    rng = np.random.default_rng(seed)
    footprint = footprint_from(kernel_shape, s)
    border = max(footprint) // 2 + 1
    shape = (shape[0] + 2 * border, shape[1] + 2 * border)
    mask_array = random_mask_array(rng, shape, border)
    mask = aa.Mask2D(mask_array, pixel_scales=0.1)
    kernel = rng.random(kernel_shape)
    kernel /= kernel.sum()
    fine = rng.normal(size=(shape[0] * s, shape[1] * s))
    region = (
        scipy.ndimage.binary_dilation(~mask_array, structure=np.ones(footprint, dtype=bool))
        & mask_array
    )
    image = values_from_fine_frame(fine, s, np.argwhere(~mask_array))
    blurring = values_from_fine_frame(fine, s, np.argwhere(region))
    return mask, kernel, region, fine, image, blurring


# -------------------------------------------------------------------------- brute force


CASES = [
    (2, (7, 9)),
    (2, (6, 8)),
    (2, (5, 4)),
    (3, (9, 5)),
    (3, (6, 9)),
    (3, (3, 3)),
    (4, (13, 11)),
    (4, (12, 12)),
    (4, (17, 8)),
]


class TestAgainstBruteForce:
    @pytest.mark.parametrize("s, kernel_shape", CASES)
    @pytest.mark.parametrize("use_fft", [True, False, None])
    def test__random_image_whole_frame(self, s, kernel_shape, use_fft, fine_frame_blurred):
        mask, kernel, region, fine, image, blurring = oversampled_scene(
            s * 100 + kernel_shape[0] * 10 + kernel_shape[1], s, kernel_shape
        )
        conv = aa.Convolver.no_mask(kernel, 0.1 / s, use_fft=use_fft, convolve_over_sample_size=s)
        state = conv.state_from(mask)
        assert state.padding == (0, 0)
        np.testing.assert_array_equal(~state.blurring_mask.array, region)
        reference = brute_force_from(fine_frame_blurred, fine, kernel, s, mask.array)

        for method in (
            conv.convolved_image_from,
            conv.convolved_image_via_real_space_from,
            conv.convolved_image_via_real_space_np_from,
        ):
            out = method(image, blurring, mask=mask)
            assert isinstance(out, aa.Array2D)
            assert out.mask is mask
            np.testing.assert_allclose(out.slim.array, reference, rtol=0, atol=1e-12)

    def test__state_fine_indices_are_the_first_principles_placement(self):
        mask, kernel, region, fine, image, blurring = oversampled_scene(1, 3, (7, 7))
        state = aa.Convolver.no_mask(kernel, 0.1 / 3, convolve_over_sample_size=3).state_from(mask)
        pixels = np.concatenate([np.argwhere(~mask.array), np.argwhere(region)])
        expected = np.array(
            [(y * 3 + a, x * 3 + b) for y, x in pixels for a in range(3) for b in range(3)]
        )
        np.testing.assert_array_equal(state.fine_native_index_for_sub_slim, expected)
        np.testing.assert_array_equal(state.output_native, np.argwhere(~mask.array))
        assert state.mask_fine.shape_native == (mask.shape_native[0] * 3, mask.shape_native[1] * 3)
        assert state.mask_fine.pixel_scales == pytest.approx((0.1 / 3, 0.1 / 3))

    def test__padded_frame(self, fine_frame_blurred):
        """The mask touches the frame's edge: the state pads it, light beyond the edge counts."""
        rng = np.random.default_rng(3)
        s = 2
        mask_array = np.ones((7, 8), dtype=bool)
        mask_array[0:3, 0:3] = False
        mask_array[4, 7] = False
        mask = aa.Mask2D(mask_array, pixel_scales=0.1)
        kernel = rng.random((9, 6))
        kernel /= kernel.sum()
        conv = aa.Convolver.no_mask(kernel, 0.05, convolve_over_sample_size=s)
        state = conv.state_from(mask)
        footprint = footprint_from(kernel.shape, s)
        assert footprint == (5, 5)
        assert state.padding == (2, 2)
        padded = np.pad(mask_array, ((2, 2), (2, 2)), constant_values=True)
        region = (
            scipy.ndimage.binary_dilation(~padded, structure=np.ones(footprint, dtype=bool))
            & padded
        )
        fine = rng.normal(size=(padded.shape[0] * s, padded.shape[1] * s))
        image = values_from_fine_frame(fine, s, np.argwhere(~padded))
        blurring = values_from_fine_frame(fine, s, np.argwhere(region))
        reference = brute_force_from(fine_frame_blurred, fine, kernel, s, padded)
        for use_fft in (True, False):
            conv = aa.Convolver(
                conv.kernel, state=state, use_fft=use_fft, convolve_over_sample_size=s
            )
            out = conv.convolved_image_from(image, blurring)
            assert out.mask is mask
            np.testing.assert_allclose(out.array, reference, rtol=0, atol=1e-12)

    @pytest.mark.parametrize("s", [2, 3, 4])
    @pytest.mark.parametrize("use_fft", [True, False])
    @pytest.mark.parametrize("extra", [(3, 1), (2, 4)])  # odd, even (STPSF layout) kernels
    def test__delta_at_every_sub_pixel(self, s, use_fft, extra, fine_frame_blurred):
        rng = np.random.default_rng(s)
        mask = aa.Mask2D.circular((15, 15), 0.45, 0.1)
        kernel = rng.random((2 * s + extra[0], 2 * s + extra[1]))
        kernel /= kernel.sum()
        conv = aa.Convolver.no_mask(
            kernel, 0.1 / s, use_fft=use_fft, convolve_over_sample_size=s
        ).with_state_for(mask)
        state = conv.state
        pixels = np.concatenate([np.argwhere(~mask.array), np.argwhere(~state.blurring_mask.array)])
        n = mask.pixels_in_mask * s * s
        centre = int(mask.derive_indexes.slim_for_native[7, 7])
        # The first blurring pixel (top row). Light of an even kernel axis (2m samples) is taken
        # half a fine pixel up / left, so it reaches ceil(m / s) native pixels up / left but only
        # floor((m + s - 2) / s) down / right: with 6 rows at s = 2 the top row (2 up) reaches
        # nothing, and the edge of the footprint is the last blurring pixel (bottom row).
        even = kernel.shape[0] % 2 == 0
        blurring_pixel = len(pixels) - 1 if even else mask.pixels_in_mask
        reached = []
        for pixel in (centre, blurring_pixel):
            for sub in range(s * s):
                values = np.zeros(len(pixels) * s * s)
                values[pixel * s * s + sub] = 1.0
                fine = fine_frame_from(mask.shape_native, s, pixels, values)
                assert fine.sum() == 1.0
                reference = brute_force_from(fine_frame_blurred, fine, kernel, s, mask.array)
                out = conv.convolved_image_from(values[:n], values[n:])
                np.testing.assert_allclose(out.array, reference, rtol=0, atol=1e-12)
                if pixel == blurring_pixel:
                    reached.append(np.abs(out.array).max() > 1e-12)
        # that blurring pixel is on the footprint's edge: some of its sub-pixels reach the mask,
        # others (the far ones) do not, so the footprint is no larger than needed
        assert any(reached) and not all(reached)


class TestHandCases:
    """One off-centre kernel tap: the sub-block order and the direction, by hand."""

    def setup_method(self):
        self.mask = aa.Mask2D.all_false((5, 5), 0.1).resized_from((11, 11))

    def convolved(self, conv, values):
        state = conv.state_from(self.mask)
        s = conv.convolve_over_sample_size
        return conv.convolved_image_from(
            values, np.zeros(state.pixels_in_blurring_mask * s * s), mask=self.mask
        ).native.array

    @pytest.mark.parametrize("use_fft", [True, False])
    @pytest.mark.parametrize(
        "sub, native",
        [((0, 0), (4, 5)), ((0, 1), (4, 6)), ((1, 0), (5, 5)), ((1, 1), (5, 6))],
    )
    def test__s2_tap_up_right(self, use_fft, sub, native):
        """
        Kernel 3 x 3 with its only tap at [0, 2]: one fine row up (+y), one fine column right.
        A delta at sub-pixel (a, b) of native (5, 5) sits at fine (10 + a, 10 + b) and moves to
        fine (9 + a, 11 + b): native (4, 5) for (0, 0), (4, 6) for (0, 1), (5, 5) for (1, 0),
        (5, 6) for (1, 1); the block mean gives 1 / 4 there.
        """
        kernel = np.zeros((3, 3))
        kernel[0, 2] = 1.0
        conv = aa.Convolver.no_mask(kernel, 0.05, use_fft=use_fft, convolve_over_sample_size=2)
        values = np.zeros(self.mask.pixels_in_mask * 4)
        slim = int(self.mask.derive_indexes.slim_for_native[5, 5])
        values[slim * 4 + sub[0] * 2 + sub[1]] = 1.0
        expected = np.zeros((11, 11))
        expected[native] = 0.25
        np.testing.assert_allclose(self.convolved(conv, values), expected, rtol=0, atol=1e-15)

    @pytest.mark.parametrize("use_fft", [True, False])
    def test__s3_tap_three_fine_pixels_down_left(self, use_fft):
        """Kernel 7 x 7, tap [6, 0]: 3 fine px down and left = one native pixel, any sub-pixel."""
        kernel = np.zeros((7, 7))
        kernel[6, 0] = 1.0
        conv = aa.Convolver.no_mask(kernel, 0.1 / 3, use_fft=use_fft, convolve_over_sample_size=3)
        slim = int(self.mask.derive_indexes.slim_for_native[5, 5])
        for sub in range(9):
            values = np.zeros(self.mask.pixels_in_mask * 9)
            values[slim * 9 + sub] = 9.0
            expected = np.zeros((11, 11))
            expected[6, 4] = 1.0
            np.testing.assert_allclose(self.convolved(conv, values), expected, rtol=0, atol=1e-14)

    def test__no_blur_is_the_block_mean(self):
        conv = aa.Convolver.no_blur(0.05, convolve_over_sample_size=2)
        assert conv.convolve_over_sample_size == 2
        rng = np.random.default_rng(0)
        values = rng.random(self.mask.pixels_in_mask * 4)
        out = self.convolved(conv, values)
        expected = np.zeros((11, 11))
        expected[~self.mask.array] = values.reshape(-1, 4).mean(axis=1)
        np.testing.assert_allclose(out, expected, rtol=0, atol=1e-15)


# ------------------------------------------------------------------------- mapping matrix


class TestMappingMatrix:
    def setup_method(self):
        self.s = 2
        self.mask, self.kernel, self.region, _, _, _ = oversampled_scene(5, 2, (7, 6))
        rng = np.random.default_rng(5)
        n = self.mask.pixels_in_mask * 4
        n_blur = int(self.region.sum()) * 4
        self.mapping = scipy.sparse.random(n, 7, density=0.03, random_state=rng).toarray()
        self.blurring = scipy.sparse.random(n_blur, 7, density=0.03, random_state=rng).toarray()
        self.mapping[0, 0] = self.blurring[-1, -1] = 1.0
        self.pixels = np.concatenate([np.argwhere(~self.mask.array), np.argwhere(self.region)])

    def reference(self, j, fine_frame_blurred):
        values = np.concatenate([self.mapping[:, j], self.blurring[:, j]])
        fine = fine_frame_from(self.mask.shape_native, 2, self.pixels, values)
        return brute_force_from(fine_frame_blurred, fine, self.kernel, 2, self.mask.array)

    def test__columns_equal_brute_force_and_image_convolution(self, fine_frame_blurred):
        reference = np.stack([self.reference(j, fine_frame_blurred) for j in range(7)], axis=1)
        for use_fft in (True, False, None):
            conv = aa.Convolver.no_mask(
                self.kernel, 0.05, use_fft=use_fft, convolve_over_sample_size=2
            )
            for method in (
                conv.convolved_mapping_matrix_from,
                conv.convolved_mapping_matrix_via_real_space_from,
                conv.convolved_mapping_matrix_via_real_space_np_from,
            ):
                out = method(self.mapping, self.mask, self.blurring)
                assert out.shape == (self.mask.pixels_in_mask, 7)
                np.testing.assert_allclose(out, reference, rtol=0, atol=1e-12)
            for j in range(7):
                image = conv.convolved_image_from(
                    self.mapping[:, j], self.blurring[:, j], mask=self.mask
                )
                np.testing.assert_allclose(out[:, j], image.array, rtol=0, atol=1e-12)
            sparse = conv.convolved_mapping_matrix_from(
                scipy.sparse.csr_array(self.mapping),
                self.mask,
                scipy.sparse.csc_array(self.blurring),
            )
            np.testing.assert_allclose(sparse, reference, rtol=0, atol=1e-12)

    def test__mapping_matrix_native_from_places_fine_values(self):
        conv = aa.Convolver.no_mask(self.kernel, 0.05, convolve_over_sample_size=2)
        cube = conv.mapping_matrix_native_from(self.mapping, self.mask, self.blurring)
        ny, nx = self.mask.shape_native
        assert cube.shape == (2 * ny, 2 * nx, 7)
        for j in range(7):
            values = np.concatenate([self.mapping[:, j], self.blurring[:, j]])
            np.testing.assert_array_equal(
                cube[:, :, j], fine_frame_from(self.mask.shape_native, 2, self.pixels, values)
            )
        # by hand: row 3 of the mapping matrix is pixel 0's sub-pixel (1, 1)
        y, x = np.argwhere(~self.mask.array)[0]
        mapping = np.zeros_like(self.mapping)
        mapping[3, 2] = 7.0
        cube = conv.mapping_matrix_native_from(mapping, self.mask)
        assert cube[2 * y + 1, 2 * x + 1, 2] == 7.0
        assert np.count_nonzero(cube) == 1


# ----------------------------------------------------------------------- physical checks


def gaussian_kernel(shape, s, sigma_fine_px=None, normalize=True):
    return aa.Convolver.from_gaussian(
        shape,
        0.1 / s,
        sigma=(sigma_fine_px or shape[0] / 8) * 0.1 / s,
        normalize=normalize,
        convolve_over_sample_size=s,
    )


class TestFluxAndUniform:
    @pytest.mark.parametrize("s, shape", [(2, (9, 9)), (3, (12, 10)), (4, (44, 44))])
    @pytest.mark.parametrize("use_fft", [True, False])
    def test__uniform_image_stays_uniform(self, s, shape, use_fft):
        mask = aa.Mask2D.circular((41, 41), 1.5, 0.1)
        conv = gaussian_kernel(shape, s)
        conv = aa.Convolver(conv.kernel, use_fft=use_fft, convolve_over_sample_size=s)
        state = conv.state_from(mask)
        n, n_blur = mask.pixels_in_mask * s * s, state.pixels_in_blurring_mask * s * s
        out = conv.convolved_image_from(np.full(n, 2.5), np.full(n_blur, 2.5), mask=mask)
        np.testing.assert_allclose(out.array, 2.5, rtol=0, atol=1e-12)

        out = conv.convolved_image_from(np.full(n, 2.5), np.zeros(n_blur), mask=mask)
        interior = scipy.ndimage.binary_erosion(
            ~mask.array, structure=np.ones(footprint_from(shape, s), dtype=bool)
        )
        assert interior.sum() > 10
        np.testing.assert_allclose(out.native.array[interior], 2.5, rtol=0, atol=1e-12)
        assert np.all(out.native.array[~mask.array & ~interior] < 2.5)

    @pytest.mark.parametrize("s, shape", [(2, (9, 9)), (3, (12, 10)), (4, (44, 44))])
    def test__flux_conserved_for_a_source_inside_the_mask(self, s, shape):
        mask = aa.Mask2D.circular((41, 41), 1.8, 0.1)
        conv = gaussian_kernel(shape, s)
        state = conv.state_from(mask)
        reach = max(footprint_from(shape, s)) // 2  # native pixels a fine pixel's light reaches
        inner = aa.Mask2D.circular((41, 41), 1.8 - 0.1 * (1.5 * reach + 1), 0.1)
        assert inner.pixels_in_mask > 20
        rng = np.random.default_rng(s)
        native = np.zeros(mask.shape_native)
        native[~inner.array] = 1.0
        source = np.repeat(native[~mask.array], s * s) * rng.random(mask.pixels_in_mask * s * s)
        out = conv.convolved_image_from(
            source, np.zeros(state.pixels_in_blurring_mask * s * s), mask=mask
        )
        assert out.array.sum() == pytest.approx(source.sum() / s**2, rel=1e-12)


def _axis_integral(lo, hi, centre, sigma):
    """Integral of a unit 1D Gaussian over [lo, hi]."""
    return ndtr((hi - centre) / sigma) - ndtr((lo - centre) / sigma)


def _axis_box_mean(lo, hi, centre, sigma, width):
    """
    Integral over [lo, hi] of (Gaussian * box of ``width``): with
    J(t) = int Phi((t - c) / sigma) dt = sigma (tau Phi(tau) + phi(tau)), tau = (t - c) / sigma.
    """

    def j(t):
        tau = (t - centre) / sigma
        return sigma * (tau * ndtr(tau) + norm.pdf(tau))

    return (j(hi + width / 2) - j(lo + width / 2) - j(hi - width / 2) + j(lo - width / 2)) / width


class TestClosedFormGaussian:
    """
    Light: a circular Gaussian of flux F, width sigma_l, centred off the pixel grid. PSF: a circular
    Gaussian of width sigma_p = 0.05" (half a 0.1" pixel). Their convolution is a Gaussian of
    sigma^2 = sigma_l^2 + sigma_p^2, whose mean over native pixel P is F (dPhi_y dPhi_x) / dpix^2.

    The exact discrete statement. With fine pixel d = dpix / s, light integrated over each fine
    pixel (surface brightness f[n] = (L * B_d)(n d), B_d the unit box of the fine pixel) and the PSF
    *sampled* at fine pixel centres (p[m] ~ d^2 P(m d), normalised), sum_m p[m] f[q - m] is a
    Riemann sum of (P * L * B_d)(q d) whose aliasing error is ~exp(-2 pi^2 sigma^2 / (2 d)^2)
    (~1e-17 here), and the s x s block mean of (P * L * B_d) at fine centres is exactly the mean
    of P * L over the native pixel. So the Convolver's result is the closed form up to rounding.

    If the PSF is also *integrated* over fine pixels (p[m] = (P * B_d)(m d) d^2), the same argument
    gives the native-pixel mean of P * L * B_d: one extra fine-pixel box (variance d^2 / 12 per
    axis), an error of ~1e-3 of the peak against the plain closed form, but exact against the
    closed form of that box-convolved Gaussian (``test__integrated_psf_adds_one_fine_box``).

    An optical PSF sampled at pixel_scales / s (STPSF ``OVERSAMP``) is the first kind.
    """

    DPIX = 0.1
    SIGMA_P = 0.05
    CENTRE = (0.013, -0.021)
    N = 41

    def setup_method(self):
        self.mask = aa.Mask2D.circular((self.N, self.N), 1.5, self.DPIX)

    def centres(self, pixels, shape):
        """Pixel centres (arcsec) of native (row, column) indexes on a frame of ``shape``."""
        y = -(pixels[:, 0] - (shape[0] - 1) / 2) * self.DPIX
        x = (pixels[:, 1] - (shape[1] - 1) / 2) * self.DPIX
        return y, x

    def convolved(self, s, sigma_l, psf):
        d = self.DPIX / s
        h = math.ceil(8 * self.SIGMA_P / d)  # truncation at >= 8 sigma_p: exp(-32) ~ 1e-14
        offsets = (np.arange(2 * h + 1) - h) * d
        if psf == "sampled":
            profile = np.exp(-0.5 * (offsets / self.SIGMA_P) ** 2)
        else:
            profile = _axis_integral(offsets - d / 2, offsets + d / 2, 0.0, self.SIGMA_P)
        kernel = np.outer(profile, profile)
        conv = aa.Convolver.no_mask(kernel, d, normalize=True, convolve_over_sample_size=s)
        state = conv.state_from(self.mask)
        # on the state's (possibly padded) frame: mask pixels shifted by the padding
        pixels = np.concatenate(
            [
                np.argwhere(~self.mask.array) + np.array(state.padding),
                np.argwhere(~state.blurring_mask.array),
            ]
        )
        y, x = self.centres(pixels, state.blurring_mask.shape_native)
        a = np.arange(s)
        fine_y = y[:, None] + ((s - 1) / 2 - a)[None, :] * d  # row a of the block: y decreases
        fine_x = x[:, None] + (a - (s - 1) / 2)[None, :] * d
        iy = _axis_integral(fine_y - d / 2, fine_y + d / 2, self.CENTRE[0], sigma_l)
        ix = _axis_integral(fine_x - d / 2, fine_x + d / 2, self.CENTRE[1], sigma_l)
        flux = 3.0
        values = flux * (iy[:, :, None] * ix[:, None, :]).ravel() / d**2
        n = self.mask.pixels_in_mask * s * s
        out = conv.convolved_image_from(values[:n], values[n:], mask=self.mask).array
        return out, flux

    def closed_form(self, sigma_l, flux, box=None):
        y, x = self.centres(np.argwhere(~self.mask.array), self.mask.shape_native)
        sigma = math.hypot(sigma_l, self.SIGMA_P)
        lo, hi = -self.DPIX / 2, self.DPIX / 2
        if box is None:
            gy = _axis_integral(y + lo, y + hi, self.CENTRE[0], sigma)
            gx = _axis_integral(x + lo, x + hi, self.CENTRE[1], sigma)
        else:
            gy = _axis_box_mean(y + lo, y + hi, self.CENTRE[0], sigma, box)
            gx = _axis_box_mean(x + lo, x + hi, self.CENTRE[1], sigma, box)
        return flux * gy * gx / self.DPIX**2

    @pytest.mark.parametrize("sigma_l", [0.05, 0.1, 0.2])
    def test__s4_matches_closed_form_and_s1_is_100x_worse(self, sigma_l):
        out, flux = self.convolved(4, sigma_l, "sampled")
        expected = self.closed_form(sigma_l, flux)
        peak = expected.max()
        error_s4 = np.abs(out - expected).max() / peak
        assert error_s4 < 1e-6

        # the same at native resolution: PSF and light integrated over native pixels
        out_s1, _ = self.convolved(1, sigma_l, "integrated")
        error_s1 = np.abs(out_s1 - expected).max() / peak
        assert error_s1 > 100 * max(error_s4, 1e-6)

    @pytest.mark.parametrize("sigma_l", [0.05, 0.2])
    def test__integrated_psf_adds_one_fine_box(self, sigma_l):
        s = 4
        out, flux = self.convolved(s, sigma_l, "integrated")
        boxed = self.closed_form(sigma_l, flux, box=self.DPIX / s)
        plain = self.closed_form(sigma_l, flux)
        peak = plain.max()
        assert np.abs(out - boxed).max() / peak < 1e-6
        assert np.abs(out - plain).max() / peak > 1e-3


class TestEvenKernelCentring:
    @pytest.mark.parametrize("use_fft", [True, False])
    @pytest.mark.parametrize("centre", [(0.0, 0.0), (0.037, -0.052)])
    def test__44x44_at_s4_keeps_the_centroid(self, use_fft, centre):
        """
        A symmetric 44 x 44 Gaussian (centred on its geometric centre, between samples) must not
        shift light: the binned centroid equals the centroid of the fine input, sampled at the
        convolver's ``light_sample_offset`` (a half fine-pixel shift would be 0.125 native
        pixels).
        """
        s, dpix, n = 4, 0.1, 31
        mask = aa.Mask2D.circular((n, n), 1.3, dpix)
        conv = aa.Convolver.from_gaussian(
            (44, 44), dpix / s, sigma=0.06, normalize=True, convolve_over_sample_size=s
        )
        conv = aa.Convolver(conv.kernel, use_fft=use_fft, convolve_over_sample_size=s)
        np.testing.assert_allclose(conv.native, conv.native[::-1, ::-1], rtol=1e-14)
        state = conv.state_from(mask)
        pad = np.array(state.padding)
        # native (row, column) on the unpadded frame: blurring pixels may have negative indexes
        pixels = np.concatenate(
            [np.argwhere(~mask.array), np.argwhere(~state.blurring_mask.array) - pad]
        )
        a = np.arange(s)
        # shifted fine-cell centres in native-pixel units (row, column): half a fine pixel up, left
        assert conv.light_sample_offset == (dpix / s / 2, -dpix / s / 2)
        fine_row = (pixels[:, 0:1] + (a - (s - 1) / 2 - 0.5)[None, :] / s)[:, :, None]
        fine_col = (pixels[:, 1:2] + (a - (s - 1) / 2 - 0.5)[None, :] / s)[:, None, :]
        y = -(fine_row - (n - 1) / 2) * dpix - centre[0]
        x = (fine_col - (n - 1) / 2) * dpix - centre[1]
        values = np.exp(-0.5 * (x**2 + y**2) / 0.12**2)  # (M, s, s): per-pixel sub-blocks
        m = mask.pixels_in_mask * s * s
        vals = values.ravel()
        out = conv.convolved_image_from(vals[:m], vals[m:], mask=mask).array

        rows_in = np.broadcast_to(fine_row, values.shape).ravel()
        cols_in = np.broadcast_to(fine_col, values.shape).ravel()
        centroid_in = (vals @ rows_in / vals.sum(), vals @ cols_in / vals.sum())
        rows, cols = np.argwhere(~mask.array).T
        centroid_out = (out @ rows / out.sum(), out @ cols / out.sum())
        assert out.sum() == pytest.approx(vals.sum() / s**2, rel=1e-10)  # nothing lost
        assert centroid_out[0] == pytest.approx(centroid_in[0], abs=1e-6)
        assert centroid_out[1] == pytest.approx(centroid_in[1], abs=1e-6)
        if centre == (0.0, 0.0):
            assert centroid_out == pytest.approx(((n - 1) / 2, (n - 1) / 2), abs=1e-6)


# ----------------------------------------------------------------------- s = 1 invariance


class TestDefaultInvariance:
    def test__s1_bit_for_bit_equal_to_no_argument(self):
        rng = np.random.default_rng(0)
        mask = aa.Mask2D.circular((20, 20), 0.7, 0.1)
        kernel = rng.random((7, 5))
        image = rng.normal(size=mask.pixels_in_mask)
        mapping = scipy.sparse.random(mask.pixels_in_mask, 6, density=0.05, random_state=rng)
        mapping = mapping.toarray()
        for use_fft in (True, False):
            plain = aa.Convolver.no_mask(kernel, 0.1, use_fft=use_fft)
            s1 = aa.Convolver.no_mask(kernel, 0.1, use_fft=use_fft, convolve_over_sample_size=1)
            n_blur = plain.state_from(mask).pixels_in_blurring_mask
            blurring = rng.normal(size=n_blur)
            assert np.array_equal(
                plain.convolved_image_from(image, blurring, mask=mask).array,
                s1.convolved_image_from(image, blurring, mask=mask).array,
            )
            assert np.array_equal(
                plain.convolved_mapping_matrix_from(mapping, mask),
                s1.convolved_mapping_matrix_from(mapping, mask),
            )
            assert np.array_equal(
                plain.convolved_mapping_matrix_from(scipy.sparse.csr_array(mapping), mask),
                s1.convolved_mapping_matrix_from(scipy.sparse.csr_array(mapping), mask),
            )
        assert np.array_equal(
            aa.Convolver.from_gaussian((5, 5), 0.1, 0.1).native,
            aa.Convolver.from_gaussian((5, 5), 0.1, 0.1, convolve_over_sample_size=1).native,
        )


# ---------------------------------------------------------------------------------- FITS


def write_stpsf_like(path, det_oversamp=4):
    """
    An STPSF-layout file: OVERSAMP (primary), DET_SAMP, OVERDIST, DET_DIST. The oversampled
    arrays are 44 x 44 at 0.0075"/px (sum 1), the detector ones 11 x 11 at 0.03"/px.
    """
    fine = aa.Convolver.from_gaussian(
        (44, 44), 0.0075, 0.02, normalize=True, convolve_over_sample_size=4
    ).native
    det = aa.Convolver.from_gaussian((11, 11), 0.03, 0.025, normalize=True).native
    hdus = []
    for name, data, scale in (
        ("OVERSAMP", fine, 0.0075),
        ("DET_SAMP", det, 0.03),
        ("OVERDIST", fine * 1.01, 0.0075),
        ("DET_DIST", det * 1.01, 0.03),
    ):
        header = fits.Header()
        header["EXTNAME"] = name
        header["OVERSAMP"] = 4 if name.startswith("OVER") else det_oversamp
        header["DET_SAMP"] = 1
        header["PIXELSCL"] = scale
        cls = fits.PrimaryHDU if not hdus else fits.ImageHDU
        hdus.append(cls(data=data, header=header))
    fits.HDUList(hdus).writeto(path)
    return fine, det


class TestFits:
    @pytest.mark.parametrize("det_oversamp", [4, 1])
    def test__stpsf_layout(self, tmp_path, det_oversamp):
        path = tmp_path / "stpsf.fits"
        fine, det = write_stpsf_like(path, det_oversamp)

        conv = aa.Convolver.from_fits(path)
        assert conv.convolve_over_sample_size == 4
        assert conv.pixel_scales == (0.0075, 0.0075)
        np.testing.assert_array_equal(conv.native, fine)
        for hdu in (0, "OVERSAMP", 2, "OVERDIST"):
            conv = aa.Convolver.from_fits(path, hdu=hdu)
            assert conv.convolve_over_sample_size == 4, hdu
            assert conv.pixel_scales == (0.0075, 0.0075)
            assert conv.kernel_shape_image_resolution == (13, 13)
        np.testing.assert_allclose(aa.Convolver.from_fits(path, hdu="OVERDIST").native, fine * 1.01)
        for hdu in (1, "DET_SAMP", 3, "DET_DIST"):
            conv = aa.Convolver.from_fits(path, hdu=hdu)
            assert conv.convolve_over_sample_size == 1, hdu
            assert conv.pixel_scales == (0.03, 0.03)
        np.testing.assert_array_equal(aa.Convolver.from_fits(path, hdu="DET_SAMP").native, det)

        # and it convolves an image on the detector's 0.03" pixels
        mask = aa.Mask2D.circular((31, 31), 0.3, 0.03)
        conv = aa.Convolver.from_fits(path)
        state = conv.state_from(mask)
        n, n_blur = mask.pixels_in_mask * 16, state.pixels_in_blurring_mask * 16
        out = conv.convolved_image_from(np.ones(n), np.ones(n_blur), mask=mask)
        np.testing.assert_allclose(out.array, 1.0, rtol=0, atol=1e-12)
        det_conv = aa.Convolver.from_fits(path, hdu="DET_SAMP")
        det_conv.state_from(mask)

    def test__explicit_arguments(self, tmp_path):
        path = tmp_path / "stpsf.fits"
        write_stpsf_like(path)
        conv = aa.Convolver.from_fits(path, hdu=0, convolve_over_sample_size=4, pixel_scales=0.0075)
        assert conv.convolve_over_sample_size == 4
        # An explicit factor wins over the header, with a warning naming both (issue 13, item 11).
        with pytest.warns(
            UserWarning,
            match=r"convolve_over_sample_size=2 overrides the header .* OVERSAMP=4",
        ):
            assert (
                aa.Convolver.from_fits(path, convolve_over_sample_size=2).convolve_over_sample_size
                == 2
            )
        with pytest.warns(
            UserWarning,
            match=r"convolve_over_sample_size=4 overrides .* EXTNAME=DET_SAMP \(detector sampled",
        ):
            aa.Convolver.from_fits(path, hdu="DET_SAMP", convolve_over_sample_size=4)
        with pytest.raises(exc.KernelException, match=r"pixel_scales=\(0\.03, 0\.03\) conflicts"):
            aa.Convolver.from_fits(path, hdu="OVERSAMP", pixel_scales=0.03)
        with pytest.raises(TypeError, match="convolve_over_sample_size must be a positive int"):
            aa.Convolver.from_fits(path, convolve_over_sample_size=4.0)

    def test__tinytim_like_pixscale(self, tmp_path):
        path = tmp_path / "tinytim.fits"
        values = aa.Convolver.from_gaussian((41, 41), 0.0125, 0.04, normalize=True).native
        header = fits.Header()
        header["PIXSCALE"] = 0.0125
        fits.PrimaryHDU(values, header=header).writeto(path)
        conv = aa.Convolver.from_fits(path, convolve_over_sample_size=4)
        assert conv.convolve_over_sample_size == 4
        assert conv.pixel_scales == (0.0125, 0.0125)
        np.testing.assert_array_equal(conv.native, values)
        mask = aa.Mask2D.circular((21, 21), 0.25, 0.05)
        conv.state_from(mask)  # the pixel scales fit the 0.05" detector at s = 4
        native = aa.Convolver.from_fits(path)
        assert native.convolve_over_sample_size == 1
        assert native.pixel_scales == (0.0125, 0.0125)

    def test__epsf_summing_to_s_squared_is_refused(self, tmp_path):
        values = (
            aa.Convolver.from_gaussian(
                (20, 20), 0.025, 0.05, normalize=True, convolve_over_sample_size=4
            ).native
            * 16.0
        )
        with pytest.raises(exc.KernelException, match=r"sums to 16, close to s\^2 = 16.*ePSF"):
            aa.Convolver.no_mask(values, 0.025, convolve_over_sample_size=4)
        conv = aa.Convolver.no_mask(values, 0.025, normalize=True, convolve_over_sample_size=4)
        assert conv.native.sum() == pytest.approx(1.0, abs=1e-14)
        header = fits.Header()
        header["OVERSAMP"] = 4
        header["PIXELSCL"] = 0.025
        fits.PrimaryHDU(values, header=header).writeto(tmp_path / "epsf.fits")
        with pytest.raises(exc.KernelException, match="ePSF"):
            aa.Convolver.from_fits(tmp_path / "epsf.fits")


# -------------------------------------------------------------------------------- guards


class TestGuards:
    def setup_method(self):
        self.mask = aa.Mask2D.circular((15, 15), 0.4, 0.1)
        self.kernel = np.ones((5, 5)) / 25.0

    @pytest.mark.parametrize("bad", [True, False, 2.0, np.float64(2.0), "2", None])
    def test__non_int_size_is_a_type_error(self, bad):
        message = "convolve_over_sample_size must be a positive int"
        kernel = aa.Array2D.no_mask(self.kernel, 0.05)
        with pytest.raises(TypeError, match=message):
            aa.Convolver(kernel, convolve_over_sample_size=bad)
        with pytest.raises(TypeError, match=message):
            aa.Convolver.no_mask(self.kernel, 0.05, convolve_over_sample_size=bad)
        with pytest.raises(TypeError, match=message):
            aa.Convolver.from_gaussian((5, 5), 0.05, 0.1, convolve_over_sample_size=bad)
        with pytest.raises(TypeError, match=message):
            aa.ConvolverState(kernel, self.mask, convolve_over_sample_size=bad)

    @pytest.mark.parametrize("bad", [0, -1, np.int64(-3)])
    def test__non_positive_size(self, bad):
        message = re.escape(f"convolve_over_sample_size must be a positive int (>= 1), got {bad}")
        with pytest.raises(exc.KernelException, match=message):
            aa.Convolver.no_mask(self.kernel, 0.05, convolve_over_sample_size=bad)
        with pytest.raises(exc.KernelException, match=message):
            aa.ConvolverState(aa.Array2D.no_mask(self.kernel, 0.05), self.mask, None, bad)

    def test__numpy_int_size_is_accepted(self):
        conv = aa.Convolver.no_mask(self.kernel, 0.05, convolve_over_sample_size=np.int64(2))
        assert conv.convolve_over_sample_size == 2
        assert type(conv.convolve_over_sample_size) is int

    def test__native_resolution_values_when_s_gt_1(self):
        conv = aa.Convolver.no_mask(self.kernel, 0.05, convolve_over_sample_size=2)
        conv = conv.with_state_for(self.mask)
        n = self.mask.pixels_in_mask
        n_blur = conv.state.pixels_in_blurring_mask
        with pytest.raises(exc.KernelException, match=f"got {n} native-resolution values"):
            conv.convolved_image_from(np.ones(n), np.ones(4 * n_blur))
        with pytest.raises(exc.KernelException, match="The image is an Array2D, but with an"):
            conv.convolved_image_from(aa.Array2D(np.ones(n), self.mask), np.ones(4 * n_blur))
        with pytest.raises(
            exc.KernelException, match=rf"{4 * n_blur} values were expected \(s=2\)"
        ):
            conv.convolved_image_from(np.ones(4 * n), np.ones(n_blur))
        with pytest.raises(exc.KernelException, match=rf"{4 * n} values were expected \(s=2\)"):
            conv.convolved_image_from(np.ones(4 * n + 1), np.ones(4 * n_blur))
        with pytest.raises(exc.KernelException, match="looks like a native-resolution mapping"):
            conv.convolved_mapping_matrix_from(np.ones((n, 3)), self.mask)
        with pytest.raises(exc.KernelException, match=re.escape(f"expected ({4 * n_blur}, 3)")):
            conv.convolved_mapping_matrix_from(np.ones((4 * n, 3)), self.mask, np.ones((n_blur, 3)))

    def test__kernel_pixel_scales_must_be_the_masks_over_s(self):
        conv = aa.Convolver.no_mask(self.kernel, 0.1, convolve_over_sample_size=2)
        message = re.escape(
            "pixel scales / 2 = (0.05, 0.05), but the kernel has pixel scales (0.1, 0.1) and the "
            "mask (0.1, 0.1)"
        )
        with pytest.raises(exc.KernelException, match=message):
            conv.state_from(self.mask)
        with pytest.raises(exc.KernelException, match=message):
            conv.convolved_image_from(np.ones(self.mask.pixels_in_mask * 4), None, mask=self.mask)
        # non-square pixels are checked per axis
        mask = aa.Mask2D.all_false((9, 9), (0.1, 0.2)).resized_from((15, 15))
        conv = aa.Convolver.no_mask(self.kernel, (0.05, 0.05), convolve_over_sample_size=2)
        with pytest.raises(exc.KernelException, match=re.escape("(0.05, 0.1)")):
            conv.state_from(mask)
        aa.Convolver.no_mask(self.kernel, (0.05, 0.1), convolve_over_sample_size=2).state_from(mask)

    def test__state_built_with_another_s(self):
        kernel = aa.Array2D.no_mask(self.kernel, 0.05)
        state = aa.ConvolverState(kernel, self.mask, convolve_over_sample_size=2)
        with pytest.raises(
            exc.KernelException,
            match=r"state was built with convolve_over_sample_size=2 but the convolver has 4",
        ):
            aa.Convolver(kernel, state=state, convolve_over_sample_size=4)
        with pytest.raises(exc.KernelException, match="convolver has 1"):
            aa.Convolver(kernel, state=state)
        conv = aa.Convolver(kernel, state=state, convolve_over_sample_size=2)
        assert conv.state is state

    @pytest.mark.parametrize(
        "kernel_shape, s, expected",
        [
            ((21, 21), 2, (11, 11)),
            ((83, 83), 4, (23, 23)),
            ((44, 44), 4, (13, 13)),
            ((21, 44), 4, (7, 13)),
            ((5, 5), 1, (5, 5)),
            ((1, 1), 3, (1, 1)),
            ((6, 6), 2, (5, 5)),
            ((9, 9), 3, (5, 5)),
        ],
    )
    def test__kernel_shape_image_resolution(self, kernel_shape, s, expected):
        conv = aa.Convolver.no_mask(
            np.ones(kernel_shape), 0.1 / s, normalize=True, convolve_over_sample_size=s
        )
        assert conv.kernel_shape_image_resolution == expected
        assert footprint_from(kernel_shape, s) == expected
        assert expected == tuple(2 * math.ceil((k // 2) / s) + 1 for k in kernel_shape)

    def test__blurring_region_is_the_native_footprint(self):
        conv = aa.Convolver.no_mask(
            np.ones((21, 44)), 0.025, normalize=True, convolve_over_sample_size=4
        )
        mask = aa.Mask2D.circular((25, 25), 0.4, 0.1)
        state = conv.state_from(mask)
        region = (
            scipy.ndimage.binary_dilation(~mask.array, structure=np.ones((7, 13), dtype=bool))
            & mask.array
        )
        np.testing.assert_array_equal(~state.blurring_mask.array, region)


class TestKeepS:
    def test__normalized_keeps_s(self):
        conv = aa.Convolver.no_mask(np.full((6, 6), 0.5), 0.05, convolve_over_sample_size=2)
        values = conv.native.copy()
        normed = conv.normalized
        assert normed.convolve_over_sample_size == 2
        assert normed.pixel_scales == (0.05, 0.05)
        np.testing.assert_allclose(normed.native, 1.0 / 36.0, rtol=1e-15)
        np.testing.assert_array_equal(conv.native, values)

    def test__from_gaussian_keeps_s(self):
        conv = aa.Convolver.from_gaussian(
            (12, 12), 0.025, 0.05, normalize=True, convolve_over_sample_size=4
        )
        assert conv.convolve_over_sample_size == 4
        assert conv.pixel_scales == (0.025, 0.025)
        assert conv.native.sum() == pytest.approx(1.0, abs=1e-14)

    def test__repr_says_s(self):
        conv = aa.Convolver.no_mask(np.ones((3, 3)), 0.05, convolve_over_sample_size=2)
        assert "convolve_over_sample_size=2" in repr(conv)


class TestNativePsf:
    def test__6x6_at_s2_is_3x3_block_sums(self):
        values = np.arange(36.0).reshape(6, 6)
        conv = aa.Convolver.no_mask(values, 0.05, convolve_over_sample_size=2)
        native = conv.native_psf_from()
        expected = np.array(
            [
                [0 + 1 + 6 + 7, 2 + 3 + 8 + 9, 4 + 5 + 10 + 11],
                [12 + 13 + 18 + 19, 14 + 15 + 20 + 21, 16 + 17 + 22 + 23],
                [24 + 25 + 30 + 31, 26 + 27 + 32 + 33, 28 + 29 + 34 + 35],
            ],
            dtype=float,
        )
        np.testing.assert_array_equal(native.native, expected)
        assert native.native.sum() == values.sum()
        assert native.convolve_over_sample_size == 1
        assert native.pixel_scales == (0.1, 0.1)

    def test__4x4_at_s2_is_padded_to_3x3_native(self):
        """The 4 x 4 kernel's centre is the corner of its middle 2 x 2: pad 1 each side."""
        values = np.arange(1.0, 17.0).reshape(4, 4)
        conv = aa.Convolver.no_mask(values, 0.05, convolve_over_sample_size=2)
        native = conv.native_psf_from().native
        expected = np.array(
            [
                [1.0, 2 + 3, 4],
                [5 + 9, 6 + 7 + 10 + 11, 8 + 12],
                [13, 14 + 15, 16],
            ]
        )
        np.testing.assert_array_equal(native, expected)

    def test__9x9_at_s3_and_flux(self):
        rng = np.random.default_rng(0)
        values = rng.random((9, 15))
        conv = aa.Convolver.no_mask(values, 0.1 / 3, convolve_over_sample_size=3)
        native = conv.native_psf_from().native
        assert native.shape == (3, 5)
        np.testing.assert_allclose(native[1, 2], values[3:6, 6:9].sum(), rtol=1e-14)
        np.testing.assert_allclose(native.sum(), values.sum(), rtol=1e-14)

    def test__5x5_at_s2_is_resampled_then_block_summed(self):
        """
        An odd kernel at even s has its centre on a fine-pixel centre, but at even s a native
        pixel's centre is a fine-pixel *boundary*. The 5 x 5 ones are first resampled at the sample boundaries ([1/2, 1/2] per axis -> weights
        [.5, 1, 1, 1, 1, .5]), then 2 x 2 blocks summed -> [1.5, 2, 1.5] per axis.
        """
        conv = aa.Convolver.no_mask(np.ones((5, 5)), 0.05, convolve_over_sample_size=2)
        native = conv.native_psf_from().native
        per_axis = np.array([1.5, 2.0, 1.5])
        np.testing.assert_allclose(native, np.outer(per_axis, per_axis), rtol=1e-15)
        assert native.sum() == pytest.approx(25.0, rel=1e-15)

    @pytest.mark.parametrize(
        "shape, s",
        [
            ((5, 5), 2),
            ((6, 7), 2),
            ((6, 6), 3),
            ((4, 9), 3),
            ((8, 8), 4),
            ((7, 10), 4),
            ((44, 44), 4),
        ],
    )
    def test__any_parity_keeps_flux_and_symmetry(self, shape, s):
        """
        No half-pixel shift: a kernel symmetric about its geometric centre gives a native PSF
        symmetric about its central pixel, whatever the parities of k and s; flux is conserved.
        """
        rng = np.random.default_rng(sum(shape) + s)
        values = rng.random(shape)
        values = values + values[::-1] + values[:, ::-1] + values[::-1, ::-1]
        conv = aa.Convolver.no_mask(values, 0.1 / s, normalize=True, convolve_over_sample_size=s)
        native = conv.native_psf_from()
        assert native.convolve_over_sample_size == 1
        assert native.pixel_scales == pytest.approx((0.1, 0.1))
        out = native.native
        assert out.shape[0] % 2 == 1 and out.shape[1] % 2 == 1
        assert out.sum() == pytest.approx(1.0, abs=1e-14)
        np.testing.assert_allclose(out, out[::-1], rtol=1e-13)
        np.testing.assert_allclose(out, out[:, ::-1], rtol=1e-13)
        # a one-sided kernel is not symmetrised: its light stays on its side
        one_sided = np.zeros(shape)
        one_sided[0, -1] = 1.0
        conv = aa.Convolver.no_mask(one_sided, 0.1 / s, convolve_over_sample_size=s)
        out = conv.native_psf_from().native
        assert out[: out.shape[0] // 2 + 1, out.shape[1] // 2 :].sum() == pytest.approx(1.0)
