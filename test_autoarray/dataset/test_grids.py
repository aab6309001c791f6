"""
GridsDataset (``Imaging.grids``) against hand-built grids.

Every reference is computed here by explicit loops from the conventions of DESIGN.md:
pixel (i, j) centre y = oy - (i - (ny - 1) / 2) dy, x = ox + (j - (nx - 1) / 2) dx; the s x s
fine cells of a pixel at offsets ((a + 0.5) / s - 0.5) pixel scales (y decreasing down the rows),
pixel by pixel in slim order, row-major inside a pixel; the blurring region is every masked pixel
within the kernel footprint (a box of half-width K // 2 native pixels) of an unmasked one.
"""

import warnings

import numpy as np
import pytest
import scipy.signal

import autoarray as aa
from autoarray import exc
from autoarray.structures.over_sampling import over_sample_util

PS = (0.2, 0.25)  # non-square pixels catch y / x swaps
ORIGIN = (0.3, -0.4)  # a non-zero origin catches a forgotten offset


# ------------------------------------------------------------------------ hand references


def centre_by_hand(i, j, shape, pixel_scales, origin):
    ny, nx = shape
    return (
        origin[0] - (i - (ny - 1) / 2) * pixel_scales[0],
        origin[1] + (j - (nx - 1) / 2) * pixel_scales[1],
    )


def centres_by_hand(mask_bool, pixel_scales, origin=(0.0, 0.0)):
    ny, nx = mask_bool.shape
    out = [
        centre_by_hand(i, j, (ny, nx), pixel_scales, origin)
        for i in range(ny)
        for j in range(nx)
        if not mask_bool[i, j]
    ]
    return np.array(out).reshape(-1, 2)


def fine_centres_by_hand(mask_bool, pixel_scales, s, origin=(0.0, 0.0)):
    dy, dx = pixel_scales
    out = []
    for yc, xc in centres_by_hand(mask_bool, pixel_scales, origin):
        for a in range(s):
            for b in range(s):
                out.append((yc - ((a + 0.5) / s - 0.5) * dy, xc + ((b + 0.5) / s - 0.5) * dx))
    return np.array(out).reshape(-1, 2)


def blurring_mask_by_hand(mask_bool, kernel_shape):
    """Blurring region of a mask whose frame already holds it (no padding needed)."""
    hy, hx = kernel_shape[0] // 2, kernel_shape[1] // 2
    ny, nx = mask_bool.shape
    out = np.ones_like(mask_bool)
    for i in range(ny):
        for j in range(nx):
            if mask_bool[i, j]:
                continue
            for di in range(-hy, hy + 1):
                for dj in range(-hx, hx + 1):
                    ii, jj = i + di, j + dj
                    assert 0 <= ii < ny and 0 <= jj < nx, "test frame too small"
                    if mask_bool[ii, jj]:
                        out[ii, jj] = False
    return out


def light(points):
    """An elliptical, off-centre Gaussian (no symmetry hides a flipped axis)."""
    y, x = points[..., 0], points[..., 1]
    return np.exp(-0.5 * (((y - 0.11) / 0.35) ** 2 + ((x + 0.07) / 0.22) ** 2)) + 0.3 * x


# ------------------------------------------------------------------------------- fixtures


def mask_small():
    """A 3-pixel-wide irregular mask well inside a 12 x 11 frame (blurring fits)."""
    m = np.ones((12, 11), dtype=bool)
    m[4:8, 4:7] = False
    m[5, 7] = False
    m[4, 4] = True
    return aa.Mask2D(m, PS, ORIGIN)


def psf_fine(s, shape=(7, 5)):
    scales = (PS[0] / s, PS[1] / s)
    values = np.random.default_rng(7).uniform(0.1, 1.0, shape)
    return aa.Convolver.no_mask(
        values, scales, normalize=True, convolve_over_sample_size=s, origin=(0.0, 0.0)
    )


def dataset(mask, s, **kwargs):
    data = aa.Array2D(
        np.arange(np.prod(mask.shape_native), dtype=float).reshape(mask.shape_native), mask
    )
    return aa.Imaging(
        data,
        psf=psf_fine(s),
        convolve_over_sample_size_lp=kwargs.pop("s_lp", s),
        convolve_over_sample_size_pixelization=kwargs.pop("s_pix", s),
        **kwargs,
    )


# ------------------------------------------------------------------------ s = 2 geometry


class TestGridsAtS2:
    def test__lp_and_pixelization_are_native_centres_with_their_sizes(self):
        mask = mask_small()
        grids = dataset(mask, 2, over_sample_size_lp=4, over_sample_size_pixelization=6).grids
        expected = centres_by_hand(mask.array, PS, ORIGIN)
        np.testing.assert_allclose(grids.lp.array, expected, rtol=0, atol=1e-14)
        np.testing.assert_allclose(grids.pixelization.array, expected, rtol=0, atol=1e-14)
        np.testing.assert_array_equal(grids.lp.over_sample_size.slim.array, 4)
        np.testing.assert_array_equal(grids.pixelization.over_sample_size.slim.array, 6)
        assert grids.convolve_over_sample_size_lp == 2
        assert grids.convolve_over_sample_size_pixelization == 2

    def test__lp_oversampled_is_the_hand_built_fine_grid(self):
        mask = mask_small()
        grids = dataset(mask, 2).grids
        n = mask.pixels_in_mask
        assert grids.lp_oversampled.shape == (n * 4, 2)
        expected = fine_centres_by_hand(mask.array, PS, 2, ORIGIN)
        np.testing.assert_allclose(grids.lp_oversampled, expected, rtol=0, atol=1e-14)
        # First pixel spelled out: slim pixel 0 is (4, 5) in this mask.
        yc, xc = centre_by_hand(4, 5, mask.shape_native, PS, ORIGIN)
        np.testing.assert_allclose(
            grids.lp_oversampled[:4],
            [
                [yc + 0.05, xc - 0.0625],
                [yc + 0.05, xc + 0.0625],
                [yc - 0.05, xc - 0.0625],
                [yc - 0.05, xc + 0.0625],
            ],
            rtol=0,
            atol=1e-14,
        )

    def test__pixelization_oversampled_is_the_hand_built_fine_grid(self):
        mask = mask_small()
        grids = dataset(mask, 2).grids
        expected = fine_centres_by_hand(mask.array, PS, 2, ORIGIN)
        assert grids.pixelization_oversampled.shape == (mask.pixels_in_mask * 4, 2)
        np.testing.assert_allclose(grids.pixelization_oversampled, expected, rtol=0, atol=1e-14)

    def test__blurring_covers_the_kernel_footprint_in_native_pixels(self):
        mask = mask_small()
        ds = dataset(mask, 2)
        psf = ds.psf
        # 7 x 5 fine kernel at s = 2: 2 ceil(3 / 2) + 1 = 5 by 2 ceil(2 / 2) + 1 = 3 native pixels.
        assert psf.kernel_shape_image_resolution == (5, 3)
        expected_mask = blurring_mask_by_hand(mask.array, (5, 3))
        grids = ds.grids
        np.testing.assert_array_equal(grids.blurring.mask.array, expected_mask)
        np.testing.assert_array_equal(grids.blurring_mask.array, expected_mask)
        np.testing.assert_allclose(
            grids.blurring.array, centres_by_hand(expected_mask, PS, ORIGIN), rtol=0, atol=1e-14
        )
        np.testing.assert_array_equal(grids.blurring.over_sample_size.slim.array, 2)
        assert grids.lp_blurring_oversampled.shape == ((~expected_mask).sum() * 4, 2)
        np.testing.assert_allclose(
            grids.lp_blurring_oversampled,
            fine_centres_by_hand(expected_mask, PS, 2, ORIGIN),
            rtol=0,
            atol=1e-14,
        )

    def test__blurring_of_a_mask_touching_the_edge_pads_without_moving_pixels(self):
        # Every pixel of a 3 x 4 frame is unmasked: the 5 x 3 footprint needs 2 (y) and 1 (x)
        # extra rows / columns on each side; the padded frame keeps every centre in place.
        mask = aa.Mask2D.all_false((3, 4), PS, ORIGIN)
        grids = dataset(mask, 2).grids
        blurring = grids.blurring.mask
        assert blurring.shape_native == (7, 6)
        expected = []
        for i in range(-2, 5):
            for j in range(-1, 5):
                if not (0 <= i < 3 and 0 <= j < 4):
                    expected.append(centre_by_hand(i, j, (3, 4), PS, ORIGIN))
        np.testing.assert_allclose(grids.blurring.array, np.array(expected), rtol=0, atol=1e-14)
        # The lp grid stays on the unpadded frame.
        np.testing.assert_allclose(
            grids.lp.array, centres_by_hand(mask.array, PS, ORIGIN), rtol=0, atol=1e-14
        )

    def test__blurring_mask_is_the_one_of_the_psf_state(self):
        ds = dataset(mask_small(), 2, psf_setup_state=True)
        assert ds.grids.blurring.mask.is_same_as(ds.psf.state.blurring_mask)

    def test__repr(self):
        assert repr(dataset(mask_small(), 2).grids) == (
            f"GridsDataset(pixels={mask_small().pixels_in_mask}, s_lp=2, s_pixelization=2)"
        )


class TestMixedChannels:
    def test__lp_native_pixelization_oversampled(self):
        mask = mask_small()
        grids = dataset(mask, 2, s_lp=1, s_pix=2).grids
        assert grids.lp_oversampled is None
        assert grids.lp_blurring_oversampled is None
        np.testing.assert_array_equal(grids.blurring.over_sample_size.slim.array, 1)
        np.testing.assert_allclose(
            grids.pixelization_oversampled,
            fine_centres_by_hand(mask.array, PS, 2, ORIGIN),
            rtol=0,
            atol=1e-14,
        )

    def test__lp_oversampled_pixelization_native(self):
        mask = mask_small()
        grids = dataset(mask, 2, s_lp=2, s_pix=1).grids
        assert grids.pixelization_oversampled is None
        np.testing.assert_allclose(
            grids.lp_oversampled,
            fine_centres_by_hand(mask.array, PS, 2, ORIGIN),
            rtol=0,
            atol=1e-14,
        )


class TestDefaults:
    def test__native_psf_gives_no_oversampled_grids(self):
        mask = mask_small()
        psf = aa.Convolver.from_gaussian((5, 3), PS, 0.2, normalize=True)
        grids = aa.GridsDataset(mask, 4, 4, psf)
        assert grids.lp_oversampled is None
        assert grids.lp_blurring_oversampled is None
        assert grids.pixelization_oversampled is None
        np.testing.assert_array_equal(grids.blurring.over_sample_size.slim.array, 1)
        np.testing.assert_array_equal(
            grids.blurring.mask.array, blurring_mask_by_hand(mask.array, (5, 3))
        )

    def test__no_psf_no_blurring(self):
        grids = aa.GridsDataset(mask_small(), 2, 2)
        assert grids.blurring is None
        assert grids.blurring_mask is None
        assert grids.lp_oversampled is None

    def test__convolve_sizes_default_to_the_psf(self):
        mask = mask_small()
        grids = aa.GridsDataset(mask, 4, 4, psf_fine(2))
        assert grids.convolve_over_sample_size_lp == 2
        assert grids.convolve_over_sample_size_pixelization == 2
        np.testing.assert_allclose(
            grids.lp_oversampled, fine_centres_by_hand(mask.array, PS, 2, ORIGIN), atol=1e-14
        )

    @pytest.mark.parametrize("bad", [2.0, np.float64(2.0), True])
    def test__non_int_convolve_size_is_a_type_error(self, bad):
        with pytest.raises(TypeError, match="convolve_over_sample_size_lp must be a positive int"):
            aa.GridsDataset(mask_small(), 4, 4, psf_fine(2), convolve_over_sample_size_lp=bad)

    def test__convolve_size_below_one(self):
        with pytest.raises(
            exc.DatasetException, match=r"convolve_over_sample_size_pixelization .*>= 1.*got 0"
        ):
            aa.GridsDataset(mask_small(), 4, 4, None, 1, 0)


# ------------------------------------------------------------ grids + convolver, end to end


def fine_frame_by_hand(mask_bool, sizes_native, s, pixel_scales, origin):
    """The fine frame: each unmasked pixel's s x s cells hold the mean of its k x k samples."""
    ny, nx = mask_bool.shape
    dy, dx = pixel_scales
    frame = np.zeros((ny * s, nx * s))
    for i in range(ny):
        for j in range(nx):
            if mask_bool[i, j]:
                continue
            k = int(sizes_native[i, j])
            r = k // s
            yc, xc = centre_by_hand(i, j, (ny, nx), pixel_scales, origin)
            for a in range(s):
                for b in range(s):
                    pts = np.array(
                        [
                            (yc - ((c + 0.5) / k - 0.5) * dy, xc + ((d + 0.5) / k - 0.5) * dx)
                            for c in range(a * r, (a + 1) * r)
                            for d in range(b * r, (b + 1) * r)
                        ]
                    )
                    frame[i * s + a, j * s + b] = light(pts).mean()
    return frame


@pytest.mark.parametrize("adaptive", [False, True])
def test__grids_feed_the_convolver_like_a_brute_force_fine_convolution(
    adaptive, fine_frame_blurred
):
    """
    Light on ``grids.lp`` (k_i samples, pre-binned to s x s) and ``grids.blurring`` (s samples),
    convolved by the dataset's PSF, equals the brute-force fine convolution of the hand-built
    fine frame (scipy.signal.convolve2d) binned by the s x s block mean.
    """
    s = 2
    mask = mask_small()
    n = mask.pixels_in_mask
    sizes = aa.Array2D(np.array([2, 4, 6])[np.arange(n) % 3], mask) if adaptive else 4
    ds = dataset(mask, s, over_sample_size_lp=sizes)
    grids = ds.grids
    fine = over_sample_util.binned_to_convolve_size_from(
        light(grids.lp.over_sampled), grids.lp.over_sampler.sub_size, s
    )
    fine_blurring = light(grids.blurring.over_sampled)
    result = ds.psf.convolved_image_from(fine, fine_blurring, mask=ds.mask)

    sizes_native = sizes.native.array if adaptive else np.full(mask.shape_native, 4)
    frame = fine_frame_by_hand(mask.array, sizes_native, s, PS, ORIGIN)
    blurring_bool = grids.blurring.mask.array
    assert blurring_bool.shape == mask.shape_native  # no padding in this frame
    frame += fine_frame_by_hand(blurring_bool, np.full(mask.shape_native, s), s, PS, ORIGIN)
    reference = fine_frame_blurred(frame, np.asarray(ds.psf.native), s)
    np.testing.assert_allclose(
        result.slim.array, reference[~mask.array], rtol=0, atol=1e-12 * np.abs(reference).max()
    )


def test__native_grids_feed_the_convolver_like_scipy():
    """The s = 1 path: binned light on lp + blurring, convolved, equals scipy on the frame."""
    mask = mask_small()
    kernel = np.random.default_rng(3).uniform(0.1, 1.0, (5, 3))
    psf = aa.Convolver.no_mask(kernel, PS, normalize=True)
    data = aa.Array2D(np.ones(mask.shape_native), mask)
    ds = aa.Imaging(data, psf=psf, over_sample_size_lp=2)
    grids = ds.grids
    image = grids.lp.over_sampler.binned_array_2d_from(light(grids.lp.over_sampled))
    blurring = grids.blurring.over_sampler.binned_array_2d_from(light(grids.blurring.over_sampled))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = ds.psf.convolved_image_from(image, blurring)
    frame = fine_frame_by_hand(mask.array, np.full(mask.shape_native, 2), 1, PS, ORIGIN)
    frame += fine_frame_by_hand(
        grids.blurring.mask.array, np.ones(mask.shape_native), 1, PS, ORIGIN
    )
    reference = scipy.signal.convolve2d(frame, kernel / kernel.sum(), mode="same")
    np.testing.assert_allclose(result.slim.array, reference[~mask.array], rtol=0, atol=1e-13)
