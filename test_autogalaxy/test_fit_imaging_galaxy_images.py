"""
``FitImaging``'s images of each galaxy: ``model_images_of_galaxies_list``,
``galaxy_model_image_dict``, ``galaxy_image_dict``, ``subtracted_images_of_galaxies_list`` and
``subtracted_images_of_galaxies_dict``.

References are independent of the code under test: round Gaussians evaluated in closed form at
pixel centres computed by hand and blurred with ``scipy.signal.convolve2d`` on a padded frame;
single-galaxy fits (each galaxy blurred on its own); standard profiles carrying the intensities
the inversion solved; a pixelization's image interpolated with ``scipy`` from its mesh nodes.
"""

import numpy as np
import pytest
from scipy.interpolate import RegularGridInterpolator
from scipy.signal import convolve2d

import autogalaxy as ag
from autogalaxy.imaging.fit_imaging import galaxy_index_of_linear_objs_from

pytestmark = pytest.mark.filterwarnings("error")

SHAPE = (16, 16)
PIXEL_SCALE = 0.2
MASK_RADIUS = 1.3
SAME = 1e-12

# An asymmetric 5 x 5 kernel (sums to 1): a mirrored or shifted convolution would not match.
KERNEL = np.outer([1.0, 3.0, 6.0, 2.0, 1.0], [2.0, 5.0, 7.0, 3.0, 1.0])
KERNEL = KERNEL / KERNEL.sum()

GAUSSIANS = [
    dict(centre=(0.4, -0.6), intensity=2.0, sigma=0.3),
    dict(centre=(-0.5, 0.5), intensity=1.0, sigma=0.45),
    dict(centre=(0.0, 0.2), intensity=0.5, sigma=0.25),
]


def mask_from():
    return ag.Mask2D.circular(SHAPE, MASK_RADIUS, PIXEL_SCALE)


def gaussian_galaxies(count=2):
    return [ag.Galaxy(redshift=0.5, light=ag.lp.Gaussian(**GAUSSIANS[i])) for i in range(count)]


def dataset_from(psf, s=1, over_sample_size_lp=1, seed=3):
    """Random data (the images of a fit do not depend on it, subtraction does) on the mask."""
    mask = mask_from()
    data = np.random.default_rng(seed).normal(1.0, 0.3, mask.pixels_in_mask)
    return ag.Imaging(
        ag.Array2D(data, mask),
        ag.Array2D(np.full(mask.pixels_in_mask, 0.1), mask),
        psf,
        over_sample_size_lp=over_sample_size_lp,
        over_sample_size_pixelization=4,
        convolve_over_sample_size_lp=s,
        convolve_over_sample_size_pixelization=s,
    )


def native_psf():
    return ag.Convolver.no_mask(KERNEL, pixel_scales=PIXEL_SCALE)


def oversampled_psf(s=2):
    return ag.Convolver.from_gaussian(
        (9, 9), PIXEL_SCALE / s, sigma=0.15, normalize=True, convolve_over_sample_size=s
    )


def gaussian_at_pixel_centres(parameters, shape, pad=0):
    """A round Gaussian at the centres of a frame padded by ``pad`` pixels (by hand)."""
    ny, nx = shape[0] + 2 * pad, shape[1] + 2 * pad
    y = -(np.arange(ny) - (ny - 1) / 2) * PIXEL_SCALE
    x = (np.arange(nx) - (nx - 1) / 2) * PIXEL_SCALE
    dy = y[:, None] - parameters["centre"][0]
    dx = x[None, :] - parameters["centre"][1]
    return parameters["intensity"] * np.exp(-0.5 * (dy**2 + dx**2) / parameters["sigma"] ** 2)


def test__model_images_of_galaxies__equal_each_gaussian_blurred_by_scipy_on_a_padded_frame():
    fit = ag.FitImaging(dataset_from(native_psf()), gaussian_galaxies(2))
    mask = mask_from()
    for index, image in enumerate(fit.model_images_of_galaxies_list):
        light = gaussian_at_pixel_centres(GAUSSIANS[index], SHAPE, pad=2)
        blurred = convolve2d(light, KERNEL, mode="same")[2:-2, 2:-2]
        assert isinstance(image, ag.Array2D)
        np.testing.assert_allclose(image.slim.array, blurred[~mask.array], rtol=0, atol=SAME)


def test__galaxy_image_dict__is_each_gaussian_at_pixel_centres_without_psf():
    galaxies = gaussian_galaxies(2)
    fit = ag.FitImaging(dataset_from(native_psf()), galaxies)
    images = fit.galaxy_image_dict
    assert list(images) == galaxies
    mask = mask_from()
    for index, galaxy in enumerate(galaxies):
        expected = gaussian_at_pixel_centres(GAUSSIANS[index], SHAPE)[~mask.array]
        np.testing.assert_allclose(images[galaxy].slim.array, expected, rtol=0, atol=SAME)


@pytest.mark.parametrize("s", [1, 2])
def test__model_images_of_galaxies__oversampled_psf__equal_separately_fitted_galaxies(s):
    psf = oversampled_psf(s) if s > 1 else oversampled_psf(2).native_psf_from()
    dataset = dataset_from(psf, s=s, over_sample_size_lp=4)
    galaxies = gaussian_galaxies(3)
    fit = ag.FitImaging(dataset, galaxies)
    models = fit.model_images_of_galaxies_list
    for index, galaxy in enumerate(galaxies):
        alone = ag.FitImaging(dataset, [galaxy]).model_data.slim.array
        np.testing.assert_allclose(models[index].slim.array, alone, rtol=0, atol=SAME)
        assert fit.galaxy_model_image_dict[galaxy] is models[index]
    np.testing.assert_allclose(
        sum(m.slim.array for m in models), fit.model_data.slim.array, rtol=0, atol=SAME
    )


def test__subtracted_images__are_the_data_minus_the_other_galaxies_fitted_alone():
    dataset = dataset_from(oversampled_psf(2), s=2, over_sample_size_lp=4)
    galaxies = gaussian_galaxies(3)
    fit = ag.FitImaging(dataset, galaxies)
    alone = [ag.FitImaging(dataset, [g]).model_data.slim.array for g in galaxies]
    data = dataset.data.slim.array
    expected = [data - alone[1] - alone[2], data - alone[0] - alone[2], data - alone[0] - alone[1]]
    subtracted = fit.subtracted_images_of_galaxies_list
    subtracted_dict = fit.subtracted_images_of_galaxies_dict
    assert list(subtracted_dict) == galaxies
    for index, galaxy in enumerate(galaxies):
        np.testing.assert_allclose(subtracted[index].slim.array, expected[index], atol=SAME)
        assert subtracted_dict[galaxy] is subtracted[index]
        assert subtracted[index].mask is dataset.mask


def test__subtracted_images__one_galaxy__is_the_data():
    dataset = dataset_from(native_psf())
    fit = ag.FitImaging(dataset, gaussian_galaxies(1))
    np.testing.assert_array_equal(
        fit.subtracted_images_of_galaxies_list[0].slim.array, dataset.data.slim.array
    )


def pixelization_galaxy(shape=(6, 6)):
    return ag.Galaxy(
        redshift=1.0,
        pixelization=ag.Pixelization(
            mesh=ag.mesh.RectangularUniform(shape=shape),
            regularization=ag.reg.Constant(coefficient=1.0),
        ),
    )


def mixed_galaxies():
    """Galaxy 0: a standard Sersic plus a linear Gaussian; galaxy 1: a pixelization."""
    lens = ag.Galaxy(
        redshift=0.5,
        bulge=ag.lp.Sersic(centre=(0.1, 0.0), intensity=0.8, effective_radius=0.4),
        disk=ag.lp_linear.Gaussian(centre=(0.0, 0.1), ell_comps=(0.1, 0.0), sigma=0.5),
    )
    return [lens, pixelization_galaxy()]


@pytest.mark.parametrize("s", [1, 2])
def test__model_images__linear_profile_and_pixelization__share_of_the_inversion(s):
    psf = oversampled_psf(s) if s > 1 else oversampled_psf(2).native_psf_from()
    dataset = dataset_from(psf, s=s, over_sample_size_lp=4)
    lens, source = mixed_galaxies()
    fit = ag.FitImaging(dataset, [lens, source])
    intensity = fit.inversion.linear_light_profile_intensity_dict[lens.disk]
    # The same galaxy with a standard Gaussian of the solved intensity, fitted alone.
    standard = ag.Galaxy(
        redshift=0.5,
        bulge=lens.bulge,
        disk=ag.lp.Gaussian(
            centre=lens.disk.centre,
            ell_comps=lens.disk.ell_comps,
            intensity=intensity,
            sigma=lens.disk.sigma,
        ),
    )
    expected_lens = ag.FitImaging(dataset, [standard]).model_data.slim.array
    models = fit.galaxy_model_image_dict
    np.testing.assert_allclose(models[lens].slim.array, expected_lens, rtol=0, atol=1e-11)
    # Together the galaxies make the model image: the pixelization's share is the rest.
    np.testing.assert_allclose(
        models[lens].slim.array + models[source].slim.array,
        fit.model_data.slim.array,
        rtol=0,
        atol=1e-11,
    )
    assert np.max(np.abs(models[source].slim.array)) > 1e-3


def test__galaxy_image_dict__linear_profile_and_pixelization__unblurred_solved_light():
    dataset = dataset_from(oversampled_psf(2), s=2, over_sample_size_lp=4)
    lens, source = mixed_galaxies()
    fit = ag.FitImaging(dataset, [lens, source])
    intensity = fit.inversion.linear_light_profile_intensity_dict[lens.disk]
    grid = dataset.grids.lp
    standard_disk = ag.lp.Gaussian(
        centre=lens.disk.centre,
        ell_comps=lens.disk.ell_comps,
        intensity=intensity,
        sigma=lens.disk.sigma,
    )
    expected_lens = lens.bulge.image_2d_from(grid).slim.array
    expected_lens = expected_lens + standard_disk.image_2d_from(grid).slim.array
    images = fit.galaxy_image_dict
    np.testing.assert_allclose(images[lens].slim.array, expected_lens, rtol=0, atol=SAME)

    # The pixelization: its reconstruction interpolated (bilinear, scipy) at every over-sampled
    # point of the pixelization grid, averaged over each pixel's k x k points.
    mapper = fit.inversion.mapper_list[0]
    y_min, y_max, x_min, x_max = mapper.extent
    ny, nx = mapper.mesh.shape
    values = fit.inversion.reconstruction_dict[mapper].reshape(ny, nx)[::-1]  # y increasing
    interpolate = RegularGridInterpolator(
        (np.linspace(y_min, y_max, ny), np.linspace(x_min, x_max, nx)), values
    )
    points = np.asarray(dataset.grids.pixelization.over_sampled)
    k = 4
    expected_source = interpolate(points).reshape(-1, k * k).mean(axis=1)
    np.testing.assert_allclose(images[source].slim.array, expected_source, rtol=0, atol=1e-10)


def test__galaxy_dicts__same_galaxy_twice__raises():
    galaxy = gaussian_galaxies(1)[0]
    fit = ag.FitImaging(dataset_from(native_psf()), [galaxy, galaxy])
    assert len(fit.model_images_of_galaxies_list) == 2
    for name in (
        "galaxy_model_image_dict",
        "galaxy_image_dict",
        "subtracted_images_of_galaxies_dict",
    ):
        with pytest.raises(
            ag.exc.AutoArrayException, match=r"galaxies\[1\] is the same Galaxy object"
        ):
            getattr(fit, name)


def test__galaxy_index_of_linear_objs__foreign_linear_object__raises():
    lens, source = mixed_galaxies()
    foreign = ag.lp_linear.Gaussian(sigma=0.3)
    assert galaxy_index_of_linear_objs_from([lens, source], [lens.disk]) == [0]
    with pytest.raises(ag.exc.InversionException, match="belongs to none of the galaxies"):
        galaxy_index_of_linear_objs_from([lens, source], [lens.disk, foreign])


def test__model_and_subtracted_images__jax__equal_numpy():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    dataset = dataset_from(oversampled_psf(2), s=2, over_sample_size_lp=4)
    galaxies = gaussian_galaxies(2)
    fit_np = ag.FitImaging(dataset, galaxies)
    fit_jax = ag.FitImaging(dataset, galaxies, xp=jnp)
    for name in ("model_images_of_galaxies_list", "subtracted_images_of_galaxies_list"):
        for a, b in zip(getattr(fit_jax, name), getattr(fit_np, name)):
            np.testing.assert_allclose(np.asarray(a.array), b.array, rtol=0, atol=SAME)
