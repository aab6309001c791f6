"""
``OperateImage``: blurred images of galaxies at detector resolution and with an oversampled PSF.

The references are brute-force: the light is evaluated on the whole (padded) fine frame with
plain NumPy, convolved with ``scipy.signal.convolve2d`` and block-averaged by a reshape; none of
the library's convolution or binning code is used to build them.
"""

import re
import warnings

import numpy as np
import pytest

import autogalaxy as ag
from autogalaxy.operate.image import blurring_grid_from
from test_support.references import (
    fine_frame_blurred_from,
    light_fine_frame_from,
    light_fine_frame_of_mask_from,
)

pytestmark = pytest.mark.filterwarnings("error")

SHAPE = (30, 30)
PIXEL_SCALE = 0.1
MASK_RADIUS = 1.2
S = 2
PAD = 3  # native pixels of padding around the frame in the brute-force references (>= footprint)


def galaxy_from():
    return ag.Galaxy(
        redshift=0.5,
        bulge=ag.lp.Sersic(
            centre=(0.02, -0.03),
            ell_comps=(0.1, 0.05),
            intensity=1.0,
            effective_radius=0.3,
            sersic_index=4.0,
        ),
        disk=ag.lp.Exponential(
            centre=(0.0, 0.0), ell_comps=(-0.2, 0.1), intensity=0.5, effective_radius=0.8
        ),
    )


def asymmetric_odd_psf(use_fft=None):
    """A 7 x 7 fine kernel that is neither mirror- nor point-symmetric (catches flips / shifts)."""
    return ag.Convolver.from_gaussian(
        (7, 7),
        (PIXEL_SCALE / S, PIXEL_SCALE / S),
        sigma=0.06,
        centre=(0.02, -0.03),
        axis_ratio=0.7,
        angle=35.0,
        normalize=True,
        convolve_over_sample_size=S,
        use_fft=use_fft,
    )


def mask_from():
    return ag.Mask2D.circular(SHAPE, MASK_RADIUS, PIXEL_SCALE)


def fine_frame_from(galaxy, shape_native, k, s, pad, offset=(0.0, 0.0)):
    """The galaxy's light sampled by hand (the root conftest's ``light_fine_frame.of_frame``)."""
    return light_fine_frame_from(
        galaxy.image_2d_via_points_from, shape_native, PIXEL_SCALE, k, s, pad, offset
    )


def fine_frame_of_mask_from(galaxy, mask, k, s, pad, offset=(0.0, 0.0)):
    """The fine frame a fit blurs (the root conftest's ``light_fine_frame.of_mask``)."""
    return light_fine_frame_of_mask_from(
        galaxy.image_2d_via_points_from, mask, PIXEL_SCALE, k, s, pad, offset
    )


def blurred_native_from(fine, kernel, s, pad):
    """The root conftest's brute-force fine convolution and block mean, the pad cropped."""
    binned = fine_frame_blurred_from(fine, kernel, s)
    return binned[pad : binned.shape[0] - pad, pad : binned.shape[1] - pad]


def dataset_from(psf, over_sample_size_lp, s=S, psf_setup_state=False):
    mask = mask_from()
    return ag.Imaging(
        data=ag.Array2D(np.zeros(mask.pixels_in_mask), mask),
        psf=psf,
        psf_setup_state=psf_setup_state,
        over_sample_size_lp=over_sample_size_lp,
        over_sample_size_pixelization=s,
        convolve_over_sample_size_lp=s,
        convolve_over_sample_size_pixelization=s,
    )


def assert_close_to_1e12(actual, reference):
    scale = np.max(np.abs(reference))
    np.testing.assert_allclose(actual, reference, rtol=1e-12, atol=1e-12 * scale)


# --------------------------------------------------------------------- brute-force s = 2


@pytest.mark.parametrize("k", [2, 4])
@pytest.mark.parametrize("use_fft", [True, False])
def test__blurred_image_s2__equals_brute_force_fine_frame_convolution(k, use_fft):
    psf = asymmetric_odd_psf(use_fft=use_fft)
    dataset = dataset_from(psf, over_sample_size_lp=k)
    galaxy = galaxy_from()

    image = galaxy.blurred_image_2d_from(dataset.grids.lp, dataset.grids.blurring, dataset.psf)

    mask = dataset.mask.array
    fine = fine_frame_of_mask_from(galaxy, mask, k=k, s=S, pad=PAD)
    reference = blurred_native_from(fine, psf.native, S, PAD)
    assert image.shape_slim == mask.size - mask.sum()
    assert_close_to_1e12(image.array, reference[~mask])

    # The check has power: the kernel flipped (correlation instead of convolution) or the light
    # sampled at native resolution (k = s = 1) give visibly different images.
    flipped = blurred_native_from(fine, psf.native[::-1, ::-1], S, PAD)
    assert np.max(np.abs(flipped[~mask] - image.array)) > 1e-3
    native_sampled = np.repeat(np.repeat(fine_frame_from(galaxy, SHAPE, 1, 1, PAD), S, 0), S, 1)
    coarse = blurred_native_from(native_sampled, psf.native, S, PAD)
    assert np.max(np.abs(coarse[~mask] - image.array)) > 1e-2


def test__blurred_image_s2__adaptive_over_sampling__equals_brute_force_per_pixel_k():
    psf = asymmetric_odd_psf()
    mask = mask_from()
    grid = ag.Grid2D.from_mask(mask, 2)
    radii = np.hypot(grid.array[:, 0], grid.array[:, 1])
    sizes = np.where(radii < 0.4, 6, np.where(radii < 0.8, 4, 2))
    assert set(np.unique(sizes)) == {2, 4, 6}
    dataset = dataset_from(psf, over_sample_size_lp=ag.Array2D(sizes, mask))
    galaxy = galaxy_from()

    image = galaxy.blurred_image_2d_from(dataset.grids.lp, dataset.grids.blurring, dataset.psf)

    # Per native pixel, pick the fine s x s block pre-binned from its own k; blurring pixels are
    # evaluated at k = s.
    frames = {k: fine_frame_from(galaxy, SHAPE, k, S, PAD) for k in (2, 4, 6)}
    k_native = np.full((SHAPE[0] + 2 * PAD, SHAPE[1] + 2 * PAD), S)
    k_native[PAD:-PAD, PAD:-PAD][~mask.array] = sizes
    fine = np.zeros_like(frames[2])
    for k, frame in frames.items():
        chosen = np.kron(k_native == k, np.ones((S, S), dtype=bool))
        fine[chosen] = frame[chosen]
    reference = blurred_native_from(fine, psf.native, S, PAD)
    assert_close_to_1e12(image.array, reference[~mask.array])


@pytest.mark.parametrize("s, kernel_shape", [(2, (8, 8)), (3, (9, 6)), (4, (12, 13))])
def test__blurred_image__even_kernel__equals_brute_force_on_the_shifted_lattice(
    s, kernel_shape, fine_frame_blurred
):
    """
    An even fine kernel axis is centred on a fine-pixel corner; the light it blurs is sampled
    half a fine pixel up (even rows) and left (even columns), where every light-to-output
    distance is one of its sample offsets. The reference samples the galaxy there by hand and
    convolves the fine frame with the unchanged kernel.
    """
    h = PIXEL_SCALE / s
    psf = ag.Convolver.from_gaussian(
        kernel_shape,
        (h, h),
        sigma=0.07,
        centre=(0.01, 0.02),
        axis_ratio=0.8,
        angle=20.0,
        normalize=True,
        convolve_over_sample_size=s,
    )
    offset = (
        h / 2 if kernel_shape[0] % 2 == 0 else 0.0,
        -h / 2 if kernel_shape[1] % 2 == 0 else 0.0,
    )
    assert psf.light_sample_offset == pytest.approx(offset, rel=1e-15)
    dataset = dataset_from(psf, over_sample_size_lp=2 * s, s=s)
    galaxy = galaxy_from()
    image = galaxy.blurred_image_2d_from(dataset.grids.lp, dataset.grids.blurring, dataset.psf)

    mask = dataset.mask.array
    # an even kernel's blurring region is sampled at the mask's k (GridsDataset.blurring)
    fine = fine_frame_from(galaxy, mask.shape, 2 * s, s, PAD, offset=offset)
    reference = fine_frame_blurred(fine, psf.native, s)[PAD:-PAD, PAD:-PAD]
    assert_close_to_1e12(image.array, reference[~mask])

    # The check has power: light at the usual sub-pixel centres gives a visibly other image.
    unshifted = fine_frame_of_mask_from(galaxy, mask, 2 * s, s, PAD)
    other = fine_frame_blurred(unshifted, psf.native, s)[PAD:-PAD, PAD:-PAD]
    assert np.max(np.abs(other[~mask] - image.array)) > 1e-3 * np.max(np.abs(image.array))


def test__blurred_image_s1__equals_brute_force_native_convolution():
    """s = 1: mask pixels binned from k = 4 samples, blurring pixels at their centres (k = 1)."""
    psf = ag.Convolver.from_gaussian(
        (5, 5),
        (PIXEL_SCALE, PIXEL_SCALE),
        sigma=0.12,
        centre=(0.02, -0.01),
        axis_ratio=0.6,
        angle=50.0,
        normalize=True,
    )
    mask = mask_from()
    dataset = ag.Imaging(ag.Array2D(np.zeros(mask.pixels_in_mask), mask), psf=psf)
    galaxy = galaxy_from()
    image = galaxy.blurred_image_2d_from(dataset.grids.lp, dataset.grids.blurring, dataset.psf)

    binned = fine_frame_from(galaxy, SHAPE, 4, 1, PAD)
    centres = fine_frame_from(galaxy, SHAPE, 1, 1, PAD)
    in_mask = np.pad(~mask.array, PAD, constant_values=False)
    native = np.where(in_mask, binned, centres)
    reference = blurred_native_from(native, psf.native, 1, PAD)
    assert_close_to_1e12(image.array, reference[~mask.array])


# ------------------------------------------------------------------ operated components


def test__operated_component__is_binned_never_convolved():
    psf = asymmetric_odd_psf()
    dataset = dataset_from(psf, over_sample_size_lp=4)
    grid, blurring = dataset.grids.lp, dataset.grids.blurring
    point = ag.lp_operated.Gaussian(
        centre=(0.1, 0.1), ell_comps=(0.0, 0.1), intensity=2.0, sigma=0.08
    )
    samples = point.image_2d_via_points_from(grid.over_sampled)
    binned = samples.reshape(grid.shape_slim, 16).mean(axis=1)

    only_operated = ag.Galaxy(0.5, point=point)
    assert only_operated.has_operated_light()
    np.testing.assert_array_equal(
        only_operated.blurred_image_2d_from(grid, blurring, dataset.psf).array, binned
    )

    standard = galaxy_from()
    mixed = ag.Galaxy(0.5, bulge=standard.bulge, disk=standard.disk, point=point)
    blurred_standard = standard.blurred_image_2d_from(grid, blurring, dataset.psf).array
    np.testing.assert_array_equal(
        mixed.blurred_image_2d_from(grid, blurring, dataset.psf).array,
        blurred_standard + binned,
    )
    # Convolving the operated light would have changed it (the PSF is not a delta).
    convolved = ag.Galaxy(0.5, point=ag.lp.Gaussian(**vars(point))).blurred_image_2d_from(
        grid, blurring, dataset.psf
    )
    assert np.max(np.abs(convolved.array - binned)) > 1e-2


# ------------------------------------------------------------------------ whole frames


@pytest.mark.parametrize("s", [1, 2])
def test__unmasked_blurred_image__equals_brute_force_full_frame_with_light_from_outside(s):
    if s == 1:
        psf = ag.Convolver.from_gaussian(
            (5, 5), (PIXEL_SCALE, PIXEL_SCALE), sigma=0.12, centre=(0.02, 0.0), normalize=True
        )
    else:
        psf = asymmetric_odd_psf()
    galaxy = ag.Galaxy(
        0.5,
        bulge=ag.lp.Sersic(
            centre=(1.4, -1.35), intensity=1.0, effective_radius=0.3, sersic_index=2.0
        ),
    )
    mask = mask_from()
    grid = ag.Grid2D.from_mask(mask, 4)

    image = galaxy.unmasked_blurred_image_2d_from(grid, psf)

    assert image.shape_native == SHAPE and image.shape_slim == SHAPE[0] * SHAPE[1]
    if s == 1:
        inner = np.pad(np.ones(SHAPE, dtype=bool), PAD, constant_values=False)
        native = np.where(
            inner,
            fine_frame_from(galaxy, SHAPE, 4, 1, PAD),
            fine_frame_from(galaxy, SHAPE, 1, 1, PAD),
        )
    else:
        inner = np.kron(np.pad(np.ones(SHAPE, dtype=bool), PAD), np.ones((S, S), dtype=bool))
        native = np.where(
            inner,
            fine_frame_from(galaxy, SHAPE, 4, S, PAD),
            fine_frame_from(galaxy, SHAPE, S, S, PAD),
        )
    reference = blurred_native_from(native, psf.native, s, PAD)
    assert_close_to_1e12(image.native.array, reference)
    # The galaxy sits at the frame's corner: light from outside the frame must be in the image.
    without_outside = blurred_native_from(np.where(inner, native, 0.0), psf.native, s, PAD)
    assert np.max(np.abs(without_outside - reference)) > 1e-3


def test__unmasked_blurred_image__psf_with_state_for_another_mask__is_used_and_not_changed():
    psf = asymmetric_odd_psf()
    dataset = dataset_from(psf, over_sample_size_lp=2, psf_setup_state=True)
    state = dataset.psf.state
    assert state is not None
    galaxy = galaxy_from()

    image = galaxy.unmasked_blurred_image_2d_from(dataset.grids.lp, dataset.psf)

    assert dataset.psf.state is state
    fresh = ag.Convolver(dataset.psf.kernel, convolve_over_sample_size=S)
    reference = galaxy.unmasked_blurred_image_2d_from(dataset.grids.lp, fresh)
    np.testing.assert_array_equal(image.array, reference.array)
    # With k = s every pixel is sampled alike in both, and light from beyond the mask's blurring
    # region cannot reach the mask: the masked image is the unmasked one read at the mask.
    masked = galaxy.blurred_image_2d_from(dataset.grids.lp, dataset.grids.blurring, dataset.psf)
    assert_close_to_1e12(masked.array, image.native.array[~dataset.mask.array])


def test__padded_image__frame_padded_by_psf_shape_minus_one():
    galaxy = galaxy_from()
    grid = ag.Grid2D.from_mask(mask_from(), 2)
    padded = galaxy.padded_image_2d_from(grid, (5, 7))
    assert padded.shape_native == (SHAPE[0] + 4, SHAPE[1] + 6)
    assert padded.mask.is_all_false
    reference = fine_frame_from(galaxy, (SHAPE[0] + 4, SHAPE[1] + 6), 2, 1, 0)
    assert_close_to_1e12(padded.native.array, reference)


def test__blurring_grid_from__blurring_region_oversampled_at_s():
    psf = asymmetric_odd_psf()
    mask = mask_from()
    grid = blurring_grid_from(mask, psf)
    assert psf.kernel_shape_image_resolution == (5, 5)
    expected = mask.derive_mask.blurring_from((5, 5))
    assert grid.mask.is_same_as(expected)
    assert np.all(grid.over_sampler.sub_size == S)


def test__blurring_grid_from__tight_frame__padded_without_warning():
    mask = ag.Mask2D.all_false((6, 6), PIXEL_SCALE)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        grid = blurring_grid_from(mask, asymmetric_odd_psf())
    assert grid.shape_native == (10, 10)
    assert grid.shape_slim == 100 - 36


def test__with_state_for__new_convolver_with_state_psf_untouched():
    psf = asymmetric_odd_psf(use_fft=True)
    mask = mask_from()
    blurring = blurring_grid_from(mask, psf).mask
    convolver = psf.with_state_for(mask, blurring)
    assert convolver is not psf and psf.state is None
    assert convolver.state.mask is mask and convolver.state.blurring_mask is blurring
    assert convolver.use_fft is True and convolver.convolve_over_sample_size == S
    np.testing.assert_array_equal(convolver.native, psf.native)


# ------------------------------------------------------------------------- bad inputs


def test__bad__over_sample_size_not_divisible_by_s__raises_grid_exception():
    psf = asymmetric_odd_psf()
    mask = mask_from()
    grid = ag.Grid2D.from_mask(mask, 3)
    blurring = blurring_grid_from(mask, psf)
    with pytest.raises(
        ag.exc.GridException,
        match=re.escape("Got over_sample_size [3] with convolve_over_sample_size=2"),
    ):
        galaxy_from().blurred_image_2d_from(grid, blurring, psf)


def test__bad__blurring_grid_of_another_psf__raises_kernel_exception():
    psf = asymmetric_odd_psf()
    mask = mask_from()
    grid = ag.Grid2D.from_mask(mask, 4)
    big = ag.Convolver.from_gaussian(
        (15, 15), (0.05, 0.05), sigma=0.1, normalize=True, convolve_over_sample_size=S
    )
    blurring = blurring_grid_from(mask, big)
    n_expected = psf.state_from(mask).pixels_in_blurring_mask * S * S
    with pytest.raises(
        ag.exc.KernelException,
        match=re.escape(
            f"The blurring image has shape ({blurring.shape_slim * S * S},) but the blurring mask "
            f"has {n_expected // (S * S)} pixels, so {n_expected} values were expected (s=2)."
        ),
    ):
        galaxy_from().blurred_image_2d_from(grid, blurring, psf)


def test__bad__psf_with_state_for_another_mask__raises_kernel_exception():
    psf = asymmetric_odd_psf()
    other = ag.Mask2D.circular(SHAPE, 0.8, PIXEL_SCALE)
    psf_with_state = psf.with_state_for(other)
    mask = mask_from()
    with pytest.raises(ag.exc.KernelException, match="state was built for .* but the input is on"):
        galaxy_from().blurred_image_2d_from(
            ag.Grid2D.from_mask(mask, 4), blurring_grid_from(mask, psf), psf_with_state
        )
