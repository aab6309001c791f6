"""
Even (STPSF-layout) oversampled PSFs through the user-level path.

* A real STPSF-layout file made by poppy (an ``Instrument`` subclass: ``OVERSAMP`` + ``DET_SAMP``
  extensions, ``OVERSAMP`` / ``PIXELSCL`` headers): ``Imaging.from_fits`` -> ``FitImaging``
  against a brute-force fine frame (the light sampled by hand half a fine pixel up and left,
  pre-binned, the root conftest's ``fine_frame_blurred`` with the file's kernel), and
  ``native_psf_from()`` against the file's ``DET_SAMP``.
* A symmetric source stays centred (centroid of ``FitImaging.model_data``).
* The mapper of a pixelization sits at the PSF's ``light_sample_offset``.

The accuracy against closed forms (even vs odd kernels, s = 2, 3, 4) is in
``test_autoarray/operators/test_convolver_even_kernels.py``; the convergence tables (s = 2, 4, 8,
Gaussian and Sersic scenes through ``FitImaging``) in
``workspace_scripts/imaging/convolution_oversampled.py``, whose checks a workspace test runs.
"""

import numpy as np
import pytest
from astropy.io import fits

import autogalaxy as ag

PIXEL_SCALE = 0.1
S = 4
SHAPE = (21, 21)
PAD = 7  # native pixels around the frame in the brute force (> the 36-sample kernel's reach, 5)


@pytest.fixture(scope="module")
def stpsf_path(tmp_path_factory):
    """
    A poppy ``Instrument`` (2 m aperture at 2 um: FWHM ~0.2", Nyquist at 0.1" pixels) computed
    at 4x on a 9-pixel field: ``OVERSAMP`` is 36 x 36 at 0.025" (even, centred on a corner) and
    ``DET_SAMP`` its 9 x 9 block sum at 0.1".
    """
    poppy = pytest.importorskip("poppy")

    class SmallTelescope(poppy.instrument.Instrument):
        pixelscale = PIXEL_SCALE

        def __init__(self):
            super().__init__(name="SmallTelescope", radius=1.0)

    psf = SmallTelescope().calc_psf(monochromatic=2e-6, fov_pixels=9, oversample=S)
    path = tmp_path_factory.mktemp("stpsf") / "psf.fits"
    psf.writeto(path)
    with fits.open(path) as hdul:
        assert [hdu.header["EXTNAME"] for hdu in hdul] == ["OVERSAMP", "DET_SAMP"]
        assert hdul["OVERSAMP"].header["OVERSAMP"] == S
        assert hdul["OVERSAMP"].header["PIXELSCL"] == PIXEL_SCALE / S
        assert hdul["OVERSAMP"].data.shape == (36, 36)
        assert hdul["DET_SAMP"].data.shape == (9, 9)
    return path


def galaxy_from():
    return ag.Galaxy(
        redshift=0.5,
        bulge=ag.lp.Sersic(
            centre=(0.03, -0.02), ell_comps=(0.1, 0.05), effective_radius=0.2, sersic_index=3.0
        ),
        disk=ag.lp.Exponential(centre=(0.0, 0.0), ell_comps=(-0.2, 0.1), effective_radius=0.5),
    )


def fine_light_from(galaxy, k, s, offset):
    """The light on the padded frame at k x k points per pixel moved by ``offset``, s x s means."""
    ny, nx = SHAPE[0] + 2 * PAD, SHAPE[1] + 2 * PAD
    y = -(np.arange(ny * k) - (ny * k - 1) / 2) * PIXEL_SCALE / k + offset[0]
    x = (np.arange(nx * k) - (nx * k - 1) / 2) * PIXEL_SCALE / k + offset[1]
    yy, xx = np.meshgrid(y, x, indexing="ij")
    values = galaxy.image_2d_via_points_from(np.stack([yy.ravel(), xx.ravel()], axis=-1))
    g = k // s
    return values.reshape(ny * s, g, nx * s, g).mean(axis=(1, 3))


def brute_force_from(galaxy, mask, kernel, fine_frame_blurred, k):
    """
    What a fit blurs, by hand: every pixel sampled at k per side (with an even kernel the
    blurring region takes the mask's k, see ``GridsDataset.blurring``), every point half a fine
    pixel up and left (the even kernel's convention), pre-binned to s x s, blurred with the fine
    kernel, read at the mask.
    """
    offset = (PIXEL_SCALE / S / 2, -PIXEL_SCALE / S / 2)
    fine = fine_light_from(galaxy, k, S, offset)
    return fine_frame_blurred(fine, kernel, S)[PAD:-PAD, PAD:-PAD][~mask.array]


def test__stpsf_file_native_psf_is_its_det_samp(stpsf_path):
    psf = ag.Convolver.from_fits(stpsf_path, hdu="OVERSAMP")
    assert psf.convolve_over_sample_size == S
    assert psf.light_sample_offset == pytest.approx((0.0125, -0.0125), rel=1e-15)
    native = psf.native_psf_from()
    det_samp = fits.getdata(stpsf_path, "DET_SAMP")
    assert native.pixel_scales == pytest.approx((PIXEL_SCALE, PIXEL_SCALE), rel=1e-15)
    np.testing.assert_allclose(native.native, det_samp, rtol=1e-13, atol=0.0)


def test__stpsf_file_through_imaging_and_fit_equals_brute_force(
    stpsf_path, tmp_path, fine_frame_blurred
):
    galaxy = galaxy_from()
    mask = ag.Mask2D.circular(SHAPE, radius=0.8, pixel_scales=PIXEL_SCALE)
    kernel = fits.getdata(stpsf_path, "OVERSAMP").astype(np.float64)
    kernel = kernel / kernel.sum()  # Imaging normalises the PSF (use_normalized_psf=True)
    model = brute_force_from(galaxy, mask, kernel, fine_frame_blurred, k=8)
    data = np.zeros(SHAPE)
    data[~mask.array] = model  # noise-free data: the brute-force image
    ag.Array2D.no_mask(data, PIXEL_SCALE).output_to_fits(tmp_path / "data.fits")
    ag.Array2D.no_mask(np.full(SHAPE, 0.01), PIXEL_SCALE).output_to_fits(tmp_path / "noise.fits")

    dataset = ag.Imaging.from_fits(
        tmp_path / "data.fits",
        noise_map_path=tmp_path / "noise.fits",
        psf_path=stpsf_path,
        psf_hdu="OVERSAMP",
        over_sample_size_lp=8,
    ).apply_mask(mask)
    assert dataset.psf.convolve_over_sample_size == S
    assert dataset.psf.shape_native == (36, 36)
    fit = ag.FitImaging(dataset, [galaxy])
    np.testing.assert_allclose(fit.model_data.array, model, rtol=0, atol=1e-12 * model.max())
    assert fit.chi_squared < 1e-16

    # the check has power: the same fit with an odd kernel (the 2-tap average, the convention
    # before) or light at the usual centres is visibly off
    unshifted = fine_light_from(galaxy, S, S, (0.0, 0.0))
    in_mask = np.kron(np.pad(~mask.array, PAD), np.ones((S, S), dtype=bool))
    fine = np.where(in_mask, fine_light_from(galaxy, 8, S, (0.0, 0.0)), unshifted)
    other = fine_frame_blurred(fine, kernel, S)[PAD:-PAD, PAD:-PAD][~mask.array]
    assert np.abs(other - model).max() > 1e-3 * model.max()


def centroid_of_model_from(s, over_sample_size_lp, even=True):
    """Centroid (y, x) of ``FitImaging.model_data`` of a Sersic n = 4 at the frame's centre."""
    mask = ag.Mask2D.circular((31, 31), radius=1.2, pixel_scales=PIXEL_SCALE)
    n = mask.pixels_in_mask
    half = int(np.ceil(8 * 0.05 / (PIXEL_SCALE / s)))
    shape = (2 * half, 2 * half) if even else (2 * half + 1, 2 * half + 1)
    psf = ag.Convolver.from_gaussian(
        shape, PIXEL_SCALE / s, 0.05, normalize=True, convolve_over_sample_size=s
    )
    if callable(over_sample_size_lp):
        over_sample_size_lp = over_sample_size_lp(ag.Grid2D.from_mask(mask, 1))
    dataset = ag.Imaging(
        ag.Array2D(np.zeros(n), mask),
        ag.Array2D(np.ones(n), mask),
        psf,
        over_sample_size_lp=over_sample_size_lp,
        convolve_over_sample_size_lp=s,
        convolve_over_sample_size_pixelization=s,
    )
    galaxy = ag.Galaxy(redshift=0.5, light=ag.lp.Sersic(effective_radius=0.2, sersic_index=4.0))
    model = ag.FitImaging(dataset, [galaxy]).model_data.array
    return model @ np.asarray(ag.Grid2D.from_mask(mask, 1)) / model.sum()


@pytest.mark.parametrize("s, k", [(2, 2), (3, 3), (4, 4), (2, 8), (3, 6), (4, 16)])
def test__symmetric_source_stays_centred_through_fit_imaging(s, k):
    """
    A uniform light over-sampling k keeps the symmetry to round-off: with an even kernel the
    blurring region is sampled at the mask's k too (``GridsDataset.blurring``), so the shifted
    cells along the mask's edge see the same quadrature on both sides (measured ~1e-17").
    """
    centroid = centroid_of_model_from(s, over_sample_size_lp=k)
    assert np.all(np.abs(centroid) < 1e-10), centroid


def radial_sizes(grid):
    return ag.util.over_sample.over_sample_size_via_radial_bins_from(
        grid, [32, 16, 8, 4], [0.1, 0.3, 0.6]
    )


def test__symmetric_source_moves_by_a_quadrature_term_where_adaptive_k_changes():
    """
    With adaptive over-sampling (radial bins k = 32 / 16 / 8 / 4) k changes between pixels, an
    even kernel's shifted cells straddle each change on one side only, and a symmetric source's
    centroid moves by a quadrature-level amount (measured 4.2e-6" at s = 2), not by the half fine
    pixel (0.025" at s = 2) of an uncorrected even kernel. Odd kernels stay at 0.
    """
    centroid = centroid_of_model_from(2, radial_sizes)
    assert np.all(np.abs(centroid) < 1e-5), centroid
    assert np.all(np.abs(centroid_of_model_from(2, radial_sizes, even=False)) < 1e-10)


def test__pixelization_mapper_sits_at_the_psf_offset():
    mask = ag.Mask2D.circular((16, 16), radius=0.6, pixel_scales=PIXEL_SCALE)
    n = mask.pixels_in_mask
    psf = ag.Convolver.from_gaussian(
        (8, 7), PIXEL_SCALE / 2, 0.06, normalize=True, convolve_over_sample_size=2
    )
    dataset = ag.Imaging(
        ag.Array2D(np.random.default_rng(2).normal(size=n), mask),
        ag.Array2D(np.ones(n), mask),
        psf,
        convolve_over_sample_size_lp=2,
        convolve_over_sample_size_pixelization=2,
    )
    pixelization = ag.Pixelization(
        mesh=ag.mesh.RectangularUniform(shape=(6, 6)), regularization=ag.reg.Constant(1.0)
    )
    fit = ag.FitImaging(dataset, [ag.Galaxy(redshift=1.0, pixelization=pixelization)])
    mapper = fit.inversion.mapper_list[0]
    assert mapper.point_offset == pytest.approx((0.025, 0.0), rel=1e-15)
    points = np.asarray(dataset.grids.pixelization.over_sampled) + np.array([0.025, 0.0])
    assert mapper.extent == ag.mesh.RectangularUniform(shape=(6, 6)).extent_from(points)
