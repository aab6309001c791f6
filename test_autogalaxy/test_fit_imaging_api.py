"""
PyAutoGalaxy names of ``FitImaging``: ``perform_inversion``, ``reduced_chi_squared``,
``linear_light_profile_intensity_dict``, ``galaxies_linear_light_profiles_to_light_profiles``,
``unmasked_blurred_image`` and ``unmasked_blurred_image_of_galaxies_list``. Data are simulated
without noise by a brute-force ``scipy`` convolution (``brute_force_reference``), so the truth is
known independently of the library.
"""

import re

import brute_force_reference
import numpy as np
import pytest

import autogalaxy as ag

pytestmark = pytest.mark.filterwarnings("error")

SHAPE = (16, 16)
PS = 0.1
S = 2
K = 4
NOISE = 0.05


def psf():
    return ag.Convolver.from_gaussian(
        (9, 9), (PS / S, PS / S), sigma=0.08, normalize=True, convolve_over_sample_size=S
    )


def bulge(intensity=1.7):
    return ag.lp.Sersic(
        centre=(0.02, -0.03),
        ell_comps=(0.1, 0.05),
        intensity=intensity,
        effective_radius=0.25,
        sersic_index=2.0,
    )


def disk(intensity=0.6):
    return ag.lp.Exponential(
        centre=(0.0, 0.0), ell_comps=(-0.1, 0.1), intensity=intensity, effective_radius=0.5
    )


def truth_image(profiles, frame=None):
    inside = np.ones(SHAPE, dtype=bool) if frame is None else frame
    return brute_force_reference.blurred(profiles, inside, psf().native, PS, K, S)


def dataset(offset=0.0):
    mask = ag.Mask2D.circular(SHAPE, 0.6, PS)
    data = truth_image([bulge(), disk()], ~mask.array) + offset * NOISE
    return ag.Imaging(
        ag.Array2D(data, mask),
        ag.Array2D(np.full(mask.pixels_in_mask, NOISE), mask),
        psf(),
        over_sample_size_lp=K,
        over_sample_size_pixelization=S,
        convolve_over_sample_size_lp=S,
        convolve_over_sample_size_pixelization=S,
    )


def linear_bulge():
    b = bulge()
    return ag.lp_linear.Sersic(
        centre=b.centre,
        ell_comps=b.ell_comps,
        effective_radius=b.effective_radius,
        sersic_index=b.sersic_index,
    )


def test__reduced_chi_squared_is_chi_squared_over_unmasked_pixels():
    # The data are the exact model plus 2 sigma everywhere: chi^2 = 4 per pixel.
    fit = ag.FitImaging(dataset(offset=2.0), [ag.Galaxy(0.5, bulge=bulge(), disk=disk())])
    assert not fit.perform_inversion
    assert fit.reduced_chi_squared == pytest.approx(4.0, rel=1e-8)
    assert fit.linear_light_profile_intensity_dict is None
    assert list(fit.galaxies_linear_light_profiles_to_light_profiles) == list(fit.galaxies)


def test__linear_intensities_recovered_and_turned_into_standard_profiles():
    linear = linear_bulge()
    galaxy = ag.Galaxy(0.5, label="lens", bulge=linear, disk=disk())
    fit = ag.FitImaging(dataset(), [galaxy])
    assert fit.perform_inversion
    assert fit.linear_light_profile_intensity_dict[linear] == pytest.approx(1.7, rel=1e-9)

    (solved,) = fit.galaxies_linear_light_profiles_to_light_profiles
    assert type(solved.bulge) is ag.lp.Sersic
    assert solved.bulge.intensity == pytest.approx(1.7, rel=1e-9)
    assert solved.bulge.effective_radius == 0.25 and solved.disk is galaxy.disk
    assert solved.label == "lens" and solved.redshift == 0.5
    assert galaxy.bulge is linear  # the fit's galaxies are not changed


def test__unmasked_blurred_images_with_solved_intensities():
    fit = ag.FitImaging(
        dataset(), [ag.Galaxy(0.5, bulge=linear_bulge()), ag.Galaxy(0.5, disk=disk())]
    )
    image = fit.unmasked_blurred_image
    assert image.mask.is_all_false and image.shape_native == SHAPE
    # The frame is sampled uniformly at the grid's largest size (K), as the brute force does.
    np.testing.assert_allclose(
        image.native.array, truth_image([bulge(), disk()]), rtol=1e-8, atol=1e-10
    )
    per_galaxy = fit.unmasked_blurred_image_of_galaxies_list
    assert len(per_galaxy) == 2
    np.testing.assert_allclose(
        per_galaxy[0].native.array, truth_image([bulge()]), rtol=1e-8, atol=1e-10
    )
    np.testing.assert_allclose(
        per_galaxy[1].native.array, truth_image([disk()]), rtol=1e-11, atol=1e-13
    )


def test__bad__unmasked_image_of_a_pixelization():
    source = ag.Galaxy(
        1.0,
        pixelization=ag.Pixelization(
            mesh=ag.mesh.RectangularUniform(shape=(5, 5)), regularization=ag.reg.Constant(1.0)
        ),
    )
    fit = ag.FitImaging(dataset(), [ag.Galaxy(0.5, bulge=bulge()), source])
    with pytest.raises(
        ag.exc.InversionException,
        match=re.escape(
            "galaxies [1] have a pixelization, whose reconstruction exists only on the mask"
        ),
    ):
        _ = fit.unmasked_blurred_image
    # The pixelization is kept as it is when the linear profiles are converted.
    assert fit.galaxies_linear_light_profiles_to_light_profiles[1].pixelization is (
        source.pixelization
    )


def test__bad__unmasked_image_without_a_psf():
    ds = dataset()
    no_psf = ag.Imaging(ds.data, ds.noise_map, over_sample_size_lp=K)
    fit = ag.FitImaging(no_psf, [ag.Galaxy(0.5, bulge=bulge())])
    with pytest.raises(ag.exc.DatasetException, match="The dataset has no PSF"):
        _ = fit.unmasked_blurred_image_of_galaxies_list
