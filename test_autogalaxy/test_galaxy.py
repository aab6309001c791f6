"""``Galaxy`` and ``Galaxies``: named components, summed images, blurred images per component."""

import re

import numpy as np
import pytest

import autogalaxy as ag

pytestmark = pytest.mark.filterwarnings("error")

SHAPE = (30, 30)
PIXEL_SCALE = 0.1
S = 2
PAD = 3


def bulge_from():
    return ag.lp.Sersic(
        centre=(0.02, -0.03),
        ell_comps=(0.1, 0.05),
        intensity=1.0,
        effective_radius=0.3,
        sersic_index=4.0,
    )


def disk_from():
    return ag.lp.Exponential(
        centre=(0.0, 0.0), ell_comps=(-0.2, 0.1), intensity=0.5, effective_radius=0.8
    )


def point_from():
    return ag.lp_operated.Gaussian(
        centre=(0.1, 0.1), ell_comps=(0.0, 0.1), intensity=2.0, sigma=0.08
    )


def psf_from(s):
    if s == 1:
        return ag.Convolver.from_gaussian(
            (5, 5),
            (PIXEL_SCALE, PIXEL_SCALE),
            sigma=0.12,
            centre=(0.02, -0.01),
            axis_ratio=0.6,
            angle=50.0,
            normalize=True,
        )
    return ag.Convolver.from_gaussian(
        (7, 7),
        (PIXEL_SCALE / s, PIXEL_SCALE / s),
        sigma=0.06,
        centre=(0.02, -0.03),
        axis_ratio=0.7,
        angle=35.0,
        normalize=True,
        convolve_over_sample_size=s,
    )


def dataset_from(s, over_sample_size_lp=4):
    mask = ag.Mask2D.circular(SHAPE, 1.2, PIXEL_SCALE)
    return ag.Imaging(
        ag.Array2D(np.zeros(mask.pixels_in_mask), mask),
        psf=psf_from(s),
        over_sample_size_lp=over_sample_size_lp,
        over_sample_size_pixelization=s,
        convolve_over_sample_size_lp=s,
        convolve_over_sample_size_pixelization=s,
    )


def binned_by_hand(profile, grid, k):
    values = profile.image_2d_via_points_from(np.asarray(grid.over_sampled))
    return values.reshape(grid.shape_slim, k * k).mean(axis=1)


# --------------------------------------------------------------------------- components


def test__any_keyword_names_a_component__kept_as_attribute_in_order():
    bulge, disk, point = bulge_from(), disk_from(), point_from()
    galaxy = ag.Galaxy(redshift=0.7, bulge=bulge, disk=disk, psf_component=point, bar=None)

    assert galaxy.redshift == 0.7
    assert galaxy.bulge is bulge and galaxy.disk is disk and galaxy.psf_component is point
    assert galaxy.bar is None
    assert galaxy.light_profile_list == [bulge, disk, point]
    assert list(galaxy.components) == ["bulge", "disk", "psf_component", "bar"]
    assert galaxy.linear_light_profile_list == []
    assert galaxy.pixelization is None
    assert galaxy.has_operated_light()
    assert not ag.Galaxy(0.5, bulge=bulge).has_operated_light()
    assert repr(galaxy) == (
        "Galaxy(redshift=0.7, bulge=Sersic, disk=Exponential, psf_component=Gaussian, bar=NoneType)"
    )


def test__image_adds_components__operated_included__linear_left_out():
    grid = ag.Grid2D.from_mask(ag.Mask2D.circular(SHAPE, 1.2, PIXEL_SCALE), 4)
    bulge, disk, point = bulge_from(), disk_from(), point_from()
    linear = ag.lp_linear.Sersic(centre=(0.0, 0.0), effective_radius=0.5, sersic_index=1.5)
    galaxy = ag.Galaxy(0.5, bulge=bulge, disk=disk, point=point, linear=linear)

    expected = sum(binned_by_hand(p, grid, 4) for p in (bulge, disk, point))
    np.testing.assert_allclose(galaxy.image_2d_from(grid).array, expected, rtol=1e-14)
    assert galaxy.linear_light_profile_list == [linear]

    standard_only = sum(binned_by_hand(p, grid, 4) for p in (bulge, disk))
    np.testing.assert_allclose(
        galaxy.image_2d_from(grid, operated_only=False).array, standard_only, rtol=1e-14
    )
    np.testing.assert_array_equal(
        galaxy.image_2d_from(grid, operated_only=True).array, binned_by_hand(point, grid, 4)
    )
    points = np.array([[0.0, 0.1], [0.3, -0.2]])
    np.testing.assert_array_equal(
        ag.Galaxy(0.5, linear=linear).image_2d_via_points_from(points), np.zeros(2)
    )
    np.testing.assert_array_equal(ag.Galaxy(0.5).image_2d_from(grid).array, 0.0)


def test__pixelization_component__any_keyword__is_the_galaxy_pixelization():
    class FakePixelization:
        mesh = "mesh"
        regularization = "regularization"

    pixelization = FakePixelization()
    # ``pixelization=`` used to raise AttributeError (a read-only property of the same name).
    galaxy = ag.Galaxy(0.5, pixelization=pixelization)
    assert galaxy.pixelization is pixelization
    other = ag.Galaxy(0.5, bulge=bulge_from(), pix=pixelization)
    assert other.pixelization is pixelization and other.pix is pixelization
    assert other.light_profile_list == [other.bulge]


def test__galaxies__sum_of_galaxies_and_list_behaviour():
    grid = ag.Grid2D.from_mask(ag.Mask2D.circular(SHAPE, 1.2, PIXEL_SCALE), 2)
    first = ag.Galaxy(0.5, bulge=bulge_from())
    second = ag.Galaxy(0.5, disk=disk_from(), point=point_from())
    galaxies = ag.Galaxies([first, second])

    assert len(galaxies) == 2 and galaxies[1] is second and list(galaxies) == [first, second]
    assert ag.Galaxies(galaxies).galaxies == [first, second]
    assert ag.Galaxies((first,)).galaxies == [first]
    assert galaxies.has_operated_light() and not ag.Galaxies([first]).has_operated_light()
    expected = sum(binned_by_hand(p, grid, 2) for p in (bulge_from(), disk_from(), point_from()))
    np.testing.assert_allclose(galaxies.image_2d_from(grid).array, expected, rtol=1e-14)
    np.testing.assert_array_equal(ag.Galaxies([]).image_2d_from(grid).array, 0.0)


# ------------------------------------------------------------------------- blurred images


@pytest.mark.parametrize("s", [1, 2])
def test__blurred_image_list__one_per_component__sums_to_blurred_image(s):
    dataset = dataset_from(s)
    grid, blurring, psf = dataset.grids.lp, dataset.grids.blurring, dataset.psf
    bulge, disk, point = bulge_from(), disk_from(), point_from()
    galaxy = ag.Galaxy(0.5, bulge=bulge, disk=disk, point=point)

    images = galaxy.blurred_image_2d_list_from(grid, blurring, psf)

    assert len(images) == 3
    for image, profile in zip(images, (bulge, disk, point)):
        alone = ag.Galaxy(0.5, only=profile).blurred_image_2d_from(grid, blurring, psf)
        np.testing.assert_array_equal(image.array, alone.array)
    np.testing.assert_array_equal(images[2].array, binned_by_hand(point, grid, 4))
    total = galaxy.blurred_image_2d_from(grid, blurring, psf).array
    np.testing.assert_allclose(sum(i.array for i in images), total, rtol=1e-13, atol=1e-15)

    # Galaxies: one blurred image per galaxy, summing to the blurred image of all.
    galaxies = ag.Galaxies([ag.Galaxy(0.5, bulge=bulge), ag.Galaxy(0.5, disk=disk, point=point)])
    per_galaxy = galaxies.blurred_image_2d_list_from(grid, blurring, psf)
    assert len(per_galaxy) == 2
    np.testing.assert_allclose(
        per_galaxy[0].array + per_galaxy[1].array,
        galaxies.blurred_image_2d_from(grid, blurring, psf).array,
        rtol=1e-13,
        atol=1e-15,
    )


def test__linear_profile__left_out_of_blurred_image_and_list():
    dataset = dataset_from(S)
    grid, blurring, psf = dataset.grids.lp, dataset.grids.blurring, dataset.psf
    linear = ag.lp_linear.Exponential(centre=(0.0, 0.0), effective_radius=0.5)
    galaxy = ag.Galaxy(0.5, bulge=bulge_from(), linear=linear)
    images = galaxy.blurred_image_2d_list_from(grid, blurring, psf)
    assert len(images) == 1
    np.testing.assert_array_equal(
        galaxy.blurred_image_2d_from(grid, blurring, psf).array,
        ag.Galaxy(0.5, bulge=bulge_from()).blurred_image_2d_from(grid, blurring, psf).array,
    )


@pytest.mark.parametrize("psf_shape", [(5, 5), (3, 7)])
def test__padded_image__shape_is_frame_plus_psf_shape_minus_one(psf_shape):
    galaxy = ag.Galaxy(0.5, bulge=bulge_from(), disk=disk_from())
    grid = ag.Grid2D.from_mask(ag.Mask2D.circular(SHAPE, 1.2, PIXEL_SCALE), 2)
    padded = galaxy.padded_image_2d_from(grid, psf_shape)
    assert padded.shape_native == (SHAPE[0] + psf_shape[0] - 1, SHAPE[1] + psf_shape[1] - 1)
    assert padded.shape_slim == padded.shape_native[0] * padded.shape_native[1]
    assert np.all(padded.native.array > 0.0)


def _frame_sampled(galaxy, k, s):
    """Light on the frame padded by PAD, sampled k per native side, averaged to s x s cells."""
    ny, nx = SHAPE[0] + 2 * PAD, SHAPE[1] + 2 * PAD
    fy, fx = ny * k, nx * k
    y = -(np.arange(fy) - (fy - 1) / 2) * PIXEL_SCALE / k
    x = (np.arange(fx) - (fx - 1) / 2) * PIXEL_SCALE / k
    yy, xx = np.meshgrid(y, x, indexing="ij")
    values = galaxy.image_2d_via_points_from(np.stack([yy.ravel(), xx.ravel()], axis=-1))
    return values.reshape(ny * s, k // s, nx * s, k // s).mean(axis=(1, 3))


@pytest.mark.parametrize("s", [1, 2])
def test__unmasked_blurred_image__full_frame__equals_brute_force_convolution(s, fine_frame_blurred):
    galaxy = ag.Galaxy(0.5, bulge=bulge_from(), disk=disk_from(), point=point_from())
    grid = ag.Grid2D.uniform(SHAPE, PIXEL_SCALE, over_sample_size=4)
    psf = psf_from(s)

    image = galaxy.unmasked_blurred_image_2d_from(grid, psf)

    # Frame pixels sampled at k = 4, the blurring ring outside the frame at k = s.
    frame = np.kron(np.pad(np.ones(SHAPE, dtype=bool), PAD), np.ones((s, s), dtype=bool))
    standard = ag.Galaxy(0.5, bulge=bulge_from(), disk=disk_from())
    fine = np.where(frame, _frame_sampled(standard, 4, s), _frame_sampled(standard, s, s))
    blurred = fine_frame_blurred(fine, psf.native, s)[PAD:-PAD, PAD:-PAD]
    point = ag.Galaxy(0.5, point=point_from())
    reference = blurred + _frame_sampled(point, 4, 1)[PAD:-PAD, PAD:-PAD]

    assert image.shape_native == SHAPE and image.mask.is_all_false
    np.testing.assert_allclose(
        image.native.array, reference, rtol=1e-12, atol=1e-12 * np.max(reference)
    )


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("name", ["components", "image_2d_from", "light_profile_list"])
def test__bad__component_name_clashing_with_galaxy_attribute__raises_type_error(name):
    with pytest.raises(
        TypeError,
        match=re.escape(
            f"Galaxy component name {name!r} clashes with an attribute or method of Galaxy; "
            "give the component another name (e.g. bulge=, disk=, point=)."
        ),
    ):
        ag.Galaxy(0.5, **{name: bulge_from()})


def test__bad__galaxies_not_a_list_of_galaxies__raises_type_error():
    galaxy = ag.Galaxy(0.5, bulge=bulge_from())
    with pytest.raises(
        TypeError,
        match=re.escape(
            "galaxies must be a list of Galaxy objects, got a single Galaxy; pass [galaxy]."
        ),
    ):
        ag.Galaxies(galaxy)
    with pytest.raises(
        TypeError,
        match=re.escape(
            "galaxies must be a list of Galaxy objects, got an element of type Sersic; wrap "
            "light profiles in ag.Galaxy(redshift, ...)."
        ),
    ):
        ag.Galaxies([galaxy, bulge_from()])
    with pytest.raises(
        TypeError, match=re.escape("galaxies must be a list of Galaxy objects, got float.")
    ):
        ag.Galaxies(0.5)
