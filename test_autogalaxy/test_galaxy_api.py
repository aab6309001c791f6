"""
PyAutoGalaxy names of galaxies and light profiles: component checks, ``label``,
``image_2d_list_from`` (also on ``Grid2DIrregular``), blurred / unmasked / padded images of single
light profiles, ``galaxy_blurred_image_2d_dict_from``, ``unmasked_blurred_image_2d_list_from`` and
``convolved_padded_image_2d_from``. Blurred images are checked against a brute-force fine-frame
convolution with ``scipy.signal.convolve2d``.
"""

import re

import brute_force_reference
import numpy as np
import pytest

import autogalaxy as ag

pytestmark = pytest.mark.filterwarnings("error")

SHAPE = (14, 13)
PS = 0.1
K = 4


def bulge():
    return ag.lp.Sersic(
        centre=(0.03, -0.02),
        ell_comps=(0.1, 0.05),
        intensity=1.0,
        effective_radius=0.3,
        sersic_index=2.5,
    )


def disk():
    return ag.lp.Exponential(
        centre=(0.0, 0.05), ell_comps=(-0.2, 0.1), intensity=0.5, effective_radius=0.6
    )


def point():
    return ag.lp_operated.Gaussian(centre=(0.1, 0.1), intensity=2.0, sigma=0.08)


def psf_of(s):
    return ag.Convolver.from_gaussian(
        (4 * s + 1, 4 * s + 1), (PS / s, PS / s), sigma=0.07, axis_ratio=0.7, angle=30.0,
        normalize=True, convolve_over_sample_size=s,
    )  # fmt: skip


def sampled(profiles, shape, k, s, pad):
    return brute_force_reference.sampled(profiles, shape, PS, k, s, pad)


def brute_force_blurred(profiles, inside, s):
    return brute_force_reference.blurred(profiles, inside, psf_of(s).native, PS, K, s)


def masked_grids(s):
    mask = ag.Mask2D.circular(SHAPE, 0.45, PS)
    grid = ag.Grid2D.from_mask(mask, over_sample_size=K)
    psf = psf_of(s)
    blurring_mask = mask.derive_mask.blurring_from(psf.kernel_shape_image_resolution)
    return mask, grid, ag.Grid2D.from_mask(blurring_mask, s), psf


# --------------------------------------------------------------------------- components


def test__label_and_none_component():
    galaxy = ag.Galaxy(redshift=0.5, label="lens", bulge=bulge(), disk=None)
    assert galaxy.label == "lens" and galaxy.disk is None
    assert repr(galaxy) == "Galaxy(redshift=0.5, label='lens', bulge=Sersic, disk=NoneType)"
    assert len(galaxy.light_profile_list) == 1


@pytest.mark.parametrize("bad, name", [({"a": 1}, "dict"), ("Sersic", "str"), (1.0, "float")])
def test__bad__unknown_component_raises_naming_it(bad, name):
    with pytest.raises(
        TypeError,
        match=re.escape(
            f"Galaxy component mass= is a {name}, which this library does not model: a component "
            "must be a light profile (ag.lp, ag.lp_linear, ag.lp_operated, ag.lp_linear_operated), "
            "a basis (ag.lp_basis.Basis), a pixelization (ag.Pixelization) or None."
        ),
    ):
        ag.Galaxy(redshift=0.5, bulge=bulge(), mass=bad)


def test__bad__label_not_a_string():
    with pytest.raises(TypeError, match=re.escape("Galaxy label must be a str or None, got int.")):
        ag.Galaxy(0.5, label=3, bulge=bulge())


def test__basis_members_are_light_of_the_galaxy():
    basis = ag.lp_basis.Basis([ag.lp_linear.Gaussian(sigma=0.1), point(), bulge()])
    galaxy = ag.Galaxy(0.5, mge=basis)
    assert galaxy.light_profile_list == [basis]
    assert galaxy.linear_light_profile_list == [basis.profile_list[0]]
    assert galaxy.has_operated_light()
    points = np.array([[0.0, 0.1], [0.2, -0.3]])
    np.testing.assert_allclose(
        galaxy.image_2d_via_points_from(points),
        point().image_2d_via_points_from(points) + bulge().image_2d_via_points_from(points),
        rtol=1e-14,
    )


# ----------------------------------------------------------------------------- image lists


def test__image_2d_list__one_per_light_component__operated_only_selects():
    grid = ag.Grid2D.uniform((6, 6), PS, over_sample_size=2)
    linear = ag.lp_linear.Gaussian(sigma=0.2)
    galaxy = ag.Galaxy(0.5, bulge=bulge(), linear=linear, point=point())
    images = galaxy.image_2d_list_from(grid)
    assert len(images) == 2  # the linear profile is left out, as in PyAutoGalaxy
    for image, profile in zip(images, (bulge(), point())):
        by_hand = profile.image_2d_via_points_from(np.asarray(grid.over_sampled)).reshape(-1, 4)
        np.testing.assert_allclose(image.array, by_hand.mean(axis=1), rtol=1e-14)
    operated = galaxy.image_2d_list_from(grid, operated_only=True)
    np.testing.assert_array_equal(operated[0].array, 0.0)
    np.testing.assert_array_equal(operated[1].array, images[1].array)


def test__irregular_grid__values_at_the_points_no_binning():
    points = [(0.0, 0.0), (0.25, -0.1), (-0.3, 0.4)]
    grid = ag.Grid2DIrregular(points)
    sersic = ag.lp.SersicSph(intensity=2.0, effective_radius=0.5, sersic_index=1.0)
    # I(r) = 2 exp(-b_1 (r / 0.5 - 1)), b_1 from the Ciotti & Bertin series at n = 1.
    b1 = 2 - 1 / 3 + 4 / 405 + 46 / 25515 + 131 / 1148175 - 2194697 / 30690717750
    radii = np.hypot(*np.array(points).T)
    expected = 2.0 * np.exp(-b1 * (radii / 0.5 - 1.0))
    image = sersic.image_2d_from(grid=grid)
    assert isinstance(image, ag.ArrayIrregular)
    np.testing.assert_allclose(image.array, expected, rtol=1e-11)
    galaxies = ag.Galaxies([ag.Galaxy(0.5, a=sersic), ag.Galaxy(0.5, b=sersic)])
    per_galaxy = galaxies.image_2d_list_from(grid)
    np.testing.assert_allclose(per_galaxy[1].array, expected, rtol=1e-11)
    np.testing.assert_allclose(galaxies.image_2d_from(grid).array, 2 * expected, rtol=1e-11)


# --------------------------------------------------------------------------- blurred images


@pytest.mark.parametrize("s", [1, 2])
def test__light_profile_blurred_image_equals_brute_force(s):
    mask, grid, blurring, psf = masked_grids(s)
    image = bulge().blurred_image_2d_from(grid, blurring, psf)
    reference = brute_force_blurred([bulge()], ~mask.array, s)[~mask.array]
    np.testing.assert_allclose(image.array, reference, rtol=1e-11, atol=1e-13)


@pytest.mark.parametrize("s", [1, 2])
def test__galaxy_blurred_image_dict__one_entry_per_galaxy(s):
    mask, grid, blurring, psf = masked_grids(s)
    first, second = ag.Galaxy(0.5, bulge=bulge()), ag.Galaxy(0.5, disk=disk())
    images = ag.Galaxies([first, second]).galaxy_blurred_image_2d_dict_from(grid, psf, blurring)
    assert list(images) == [first, second]
    for galaxy, profile in ((first, bulge()), (second, disk())):
        reference = brute_force_blurred([profile], ~mask.array, s)[~mask.array]
        np.testing.assert_allclose(images[galaxy].array, reference, rtol=1e-11, atol=1e-13)


@pytest.mark.parametrize("s", [1, 2])
def test__unmasked_blurred_images__profile_and_list_equal_brute_force(s):
    grid = ag.Grid2D.uniform(SHAPE, PS, over_sample_size=K)
    psf = psf_of(s)
    frame = np.ones(SHAPE, dtype=bool)
    image = disk().unmasked_blurred_image_2d_from(grid, psf)
    np.testing.assert_allclose(
        image.native.array, brute_force_blurred([disk()], frame, s), rtol=1e-11, atol=1e-13
    )
    images = ag.Galaxy(0.5, bulge=bulge(), point=point()).unmasked_blurred_image_2d_list_from(
        grid, psf
    )
    assert len(images) == 2
    np.testing.assert_allclose(
        images[0].native.array, brute_force_blurred([bulge()], frame, s), rtol=1e-11, atol=1e-13
    )
    point_image = sampled([point()], SHAPE, K, 1, 0)
    np.testing.assert_allclose(images[1].native.array, point_image, rtol=1e-12)


@pytest.mark.parametrize("s", [1, 2])
def test__convolved_padded_image__padded_frame_trimmed_back_is_the_blurred_frame(s):
    grid = ag.Grid2D.uniform(SHAPE, PS, over_sample_size=K)
    psf = psf_of(s)
    footprint = psf.kernel_shape_image_resolution
    padded = ag.Galaxies([ag.Galaxy(0.5, bulge=bulge())]).convolved_padded_image_2d_from(grid, psf)
    assert padded.shape_native == (SHAPE[0] + footprint[0] - 1, SHAPE[1] + footprint[1] - 1)
    # The whole padded frame is sampled at K (the largest size of the grid), beyond it at s.
    reference = brute_force_blurred([bulge()], np.ones(padded.shape_native, dtype=bool), s)
    np.testing.assert_allclose(padded.native.array, reference, rtol=1e-11, atol=1e-13)
    trimmed = padded.trimmed_after_convolution_from(footprint)
    half = (footprint[0] // 2, footprint[1] // 2)
    np.testing.assert_array_equal(
        trimmed.native.array, padded.native.array[half[0] : -half[0], half[1] : -half[1]]
    )
    single = bulge().convolved_padded_image_2d_from(grid, psf)
    np.testing.assert_allclose(single.array, padded.array, rtol=1e-14)


def test__padded_image_of_a_profile():
    grid = ag.Grid2D.uniform((4, 4), PS, over_sample_size=2)
    padded = point().padded_image_2d_from(grid, (3, 5))
    assert padded.shape_native == (6, 8)
    np.testing.assert_allclose(padded.native.array, sampled([point()], (6, 8), 2, 1, 0), rtol=1e-14)


def test__bad__irregular_grid_refused_for_blurred_images():
    _, grid, blurring, psf = masked_grids(1)
    irregular = ag.Grid2DIrregular([(0.0, 0.0)])
    message = "blurred_image_2d_from needs a Grid2D (pixels on a mask, for the PSF to blur), got a Grid2DIrregular"
    with pytest.raises(ag.exc.GridException, match=re.escape(message)):
        bulge().blurred_image_2d_from(irregular, blurring, psf)
    with pytest.raises(ag.exc.GridException, match=re.escape(message)):
        ag.Galaxy(0.5, bulge=bulge()).blurred_image_2d_from(irregular, blurring, psf)
    with pytest.raises(
        TypeError,
        match=re.escape("convolved_padded_image_2d_from needs an autoarray Grid2D, got ndarray"),
    ):
        bulge().convolved_padded_image_2d_from(np.zeros((3, 2)), psf)
