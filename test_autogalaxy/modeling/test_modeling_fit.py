"""
``ag.fit``: the optimum and its errors against closed forms.

* Intensities only: the model image is linear in them, so the maximum-likelihood values and their
  covariance are the weighted linear least-squares solution ``(A^T W A)^-1 A^T W d`` and
  ``(A^T W A)^-1``, computed here with ``numpy.linalg.solve`` from the image of each component
  at unit intensity.
* Noise-free data: the optimum is the truth (chi^2 = 0), and there the Gauss-Newton covariance is
  the inverse Hessian of chi^2 / 2, checked against a central-difference Jacobian computed here.
"""

import numpy as np
import pytest

import autogalaxy as ag
from autogalaxy import exc
from autogalaxy.modeling import fit_util
from autogalaxy.profiles.light.abstract import LightProfile, light_profile_dataclass

PIXEL_SCALE = 0.1
S = 2
SHAPE = (15, 15)
BULGE = dict(centre=(0.02, -0.01), ell_comps=(0.05, -0.1), effective_radius=0.25, sersic_index=2.5)
DISK = dict(centre=(0.02, -0.01), ell_comps=(0.1, 0.0), effective_radius=0.5)


def imaging_from(data, mask, noise):
    """The dataset of ``data`` (a native array) on ``mask``, PSF sigma 0.05" at s = 2."""
    psf = ag.Convolver.from_gaussian(
        (9, 9), PIXEL_SCALE / S, sigma=0.05, normalize=True, convolve_over_sample_size=S
    )
    return ag.Imaging(
        ag.Array2D(data, mask),
        noise_map=ag.Array2D(noise, mask),
        psf=psf,
        over_sample_size_lp=4,
        over_sample_size_pixelization=S,
        convolve_over_sample_size_lp=S,
        convolve_over_sample_size_pixelization=S,
        psf_setup_state=True,
    )


def dataset_from(image_of=None, noise_seed=None):
    """A 15 x 15 dataset, s = 2, circular mask of 0.45"; data = the galaxies' image (+ noise)."""
    mask = ag.Mask2D.circular(SHAPE, 0.45, PIXEL_SCALE)
    noise = 0.02 + 0.01 * np.linspace(0.0, 1.0, SHAPE[0] * SHAPE[1]).reshape(SHAPE)
    blank = imaging_from(np.zeros(SHAPE), mask, noise)
    if image_of is None:
        return blank
    data = ag.FitImaging(blank, image_of).model_data.native.array
    if noise_seed is not None:
        data = data + np.random.default_rng(noise_seed).normal(size=SHAPE) * noise
    return imaging_from(data, mask, noise)


def galaxies(bulge_intensity=1.0, disk_intensity=0.3, **bulge_changes):
    return [
        ag.Galaxy(
            0.5,
            bulge=ag.lp.Sersic(intensity=bulge_intensity, **{**BULGE, **bulge_changes}),
            disk=ag.lp.Exponential(intensity=disk_intensity, **DISK),
        )
    ]


def fixed_shape_model():
    """Every parameter fixed at the truth but the two intensities."""
    model = ag.Model(
        ag.Galaxy,
        redshift=0.5,
        bulge=ag.Model(ag.lp.Sersic, **BULGE),
        disk=ag.Model(ag.lp.Exponential, **DISK),
    )
    model.bulge.intensity = ag.Uniform(1e-3, 100.0, start=3.0)
    model.disk.intensity = ag.Uniform(1e-3, 100.0, start=0.05)
    return model


def test__linear_intensities_equal_weighted_least_squares_closed_form():
    dataset = dataset_from(galaxies(1.0, 0.3), noise_seed=3)
    blank = dataset_from()
    unit_bulge = [ag.Galaxy(0.5, bulge=ag.lp.Sersic(intensity=1.0, **BULGE))]
    unit_disk = [ag.Galaxy(0.5, disk=ag.lp.Exponential(intensity=1.0, **DISK))]
    columns = [ag.FitImaging(blank, g).model_data.array for g in (unit_bulge, unit_disk)]
    a = np.stack(columns, axis=1)
    weights = 1.0 / dataset.noise_map.array**2
    normal = a.T @ (a * weights[:, None])
    expected = np.linalg.solve(normal, a.T @ (weights * dataset.data.array))
    expected_errors = np.sqrt(np.diag(np.linalg.inv(normal)))

    data_before = dataset.data.array.copy()
    result = ag.fit(dataset, fixed_shape_model())

    np.testing.assert_allclose(result.values, expected, rtol=1e-8)
    np.testing.assert_allclose(result.errors, expected_errors, rtol=1e-6)
    residual = (dataset.data.array - a @ expected) / dataset.noise_map.array
    assert result.chi_squared == pytest.approx(residual @ residual, rel=1e-10)
    normalisation = np.sum(np.log(2 * np.pi * dataset.noise_map.array**2))
    assert result.log_likelihood == pytest.approx(
        -0.5 * (residual @ residual + normalisation), rel=1e-10
    )
    assert list(result.parameters) == ["bulge.intensity", "disk.intensity"]
    row = result.parameters["disk.intensity"]
    assert (row.value, row.error, row.at_limit) == (result.values[1], result.errors[1], False)
    assert result.evaluations >= 3 and result.wall_time > 0 and result.success
    np.testing.assert_array_equal(dataset.data.array, data_before)  # the caller's data


def test__noise_free_data_recovers_the_truth_with_the_gauss_newton_errors():
    dataset = dataset_from(galaxies())
    model = ag.Model(
        ag.Galaxy,
        redshift=0.5,
        bulge=ag.lp.Sersic,
        disk=ag.Model(ag.lp.Exponential, intensity=0.3, **DISK),
    )
    model.bulge.centre = BULGE["centre"]
    model.bulge.ell_comps = (ag.Uniform(-0.5, 0.5, start=0.0), ag.Uniform(-0.5, 0.5, start=0.0))
    model.bulge.intensity = ag.Uniform(0.01, 10.0, start=0.6)
    model.bulge.effective_radius = ag.Uniform(0.05, 1.0, start=0.35)
    model.bulge.sersic_index = ag.Uniform(0.5, 6.0, start=1.5)
    truth = np.array([0.05, -0.1, 1.0, 0.25, 2.5])

    result = ag.fit(dataset, model)

    np.testing.assert_allclose(result.values, truth, rtol=1e-6, atol=1e-8)
    assert result.chi_squared < 1e-10
    galaxy = result.galaxies[0]
    assert galaxy.bulge.sersic_index == result.values[4] and galaxy.disk.intensity == 0.3

    # Reference covariance: central differences of the residuals at the truth (chi^2 = 0 there,
    # so J^T J is the Hessian of chi^2 / 2 and its inverse the covariance).
    def residuals(x):
        model_image = ag.FitImaging(
            dataset,
            galaxies(
                bulge_intensity=x[2],
                ell_comps=(x[0], x[1]),
                effective_radius=x[3],
                sersic_index=x[4],
            ),
        ).model_data.array
        return (dataset.data.array - model_image) / dataset.noise_map.array

    steps = 1e-5 * np.maximum(np.abs(truth), 0.1)
    jacobian = np.stack(
        [
            (residuals(truth + np.eye(5)[i] * h) - residuals(truth - np.eye(5)[i] * h)) / (2 * h)
            for i, h in enumerate(steps)
        ],
        axis=1,
    )
    expected = np.sqrt(np.diag(np.linalg.inv(jacobian.T @ jacobian)))
    np.testing.assert_allclose(result.errors, expected, rtol=1e-4)


def test__a_parameter_held_by_its_limit_is_flagged():
    dataset = dataset_from(galaxies())
    model = fixed_shape_model()
    model.bulge.sersic_index = ag.Uniform(0.5, 2.0, start=1.0)  # the truth, 2.5, is outside
    result = ag.fit(dataset, model)
    row = result.parameters["bulge.sersic_index"]
    assert row.value == pytest.approx(2.0, abs=1e-6) and row.at_limit
    assert not result.parameters["disk.intensity"].at_limit
    assert "bulge.sersic_index" in result.summary and "(at limit)" in result.summary
    assert str(result) == result.summary and "evaluations" in result.summary


def test__progress_writes_a_plain_line_when_not_a_terminal(capsys):
    dataset = dataset_from(galaxies())
    ag.fit(dataset, fixed_shape_model(), progress=True, label="bulge+disk")
    err = capsys.readouterr().err
    assert err.startswith("bulge+disk: ") and "eval" in err and "best chi^2=" in err
    ag.fit(dataset, fixed_shape_model())
    assert capsys.readouterr().err == ""


def test__at_limit_from_and_covariance_from_hand_values():
    at = fit_util.at_limit_from([0.0, 0.5, 1.0 - 1e-9], [0.0, 0.0, 0.0], [1.0, 1.0, 1.0])
    assert at.tolist() == [True, False, True]
    jacobian = np.array([[2.0, 0.0], [0.0, 4.0], [0.0, 0.0]])
    np.testing.assert_allclose(fit_util.covariance_from(jacobian), np.diag([0.25, 1 / 16]))


class TestErrors:
    def test__dataset_type(self):
        with pytest.raises(TypeError, match="fit needs an ag.Imaging dataset, got str"):
            ag.fit("data.fits", fixed_shape_model())

    def test__model_type(self):
        with pytest.raises(TypeError, match="fit needs an ag.Model, got list"):
            ag.fit(dataset_from(), [])

    def test__no_free_parameter(self):
        model = ag.Model(ag.Galaxy, redshift=0.5, bulge=ag.lp.Sersic())
        with pytest.raises(exc.ModelException, match="The model has no free parameter"):
            ag.fit(dataset_from(), model)

    def test__model_of_a_bare_profile(self):
        with pytest.raises(
            TypeError, match="must build a Galaxy, Galaxies or a list of Galaxy, got Sersic"
        ):
            ag.fit(dataset_from(), ag.Model(ag.lp.Sersic))

    def test__limit_that_makes_an_invalid_profile(self):
        model = fixed_shape_model()
        model.bulge.effective_radius = ag.Uniform(-0.1, 1.0, start=0.5)
        with pytest.raises(
            exc.ModelException,
            match=r"The prior of bulge.effective_radius allows -0.1, which makes an invalid profile",
        ):
            ag.fit(dataset_from(galaxies()), model)

    def test__start_that_makes_an_invalid_profile(self):
        model = fixed_shape_model()
        model.bulge.ell_comps = (ag.Uniform(-0.9, 0.9, start=0.9), ag.Uniform(-0.9, 0.9, start=0.9))
        with pytest.raises(exc.ModelException, match=r"make an invalid profile \(Sersic.ell_comps"):
            ag.fit(dataset_from(galaxies()), model)

    def test__non_finite_data_in_the_mask(self):
        dataset = dataset_from(galaxies())
        data = dataset.data.native.array.copy()
        data[7, 7] = np.nan
        # the dataset itself refuses it, before any fit
        with pytest.raises(exc.DatasetException, match="1 non-finite values .* in unmasked pixels"):
            imaging_from(data, dataset.mask, dataset.noise_map.native.array)

    def test__non_finite_model_image_at_the_start(self):
        @light_profile_dataclass
        class Broken(LightProfile):
            intensity: float = 1.0

            def image_2d_via_points_from(self, points, xp=np):
                return xp.full(points.shape[0], np.nan)

        model = ag.Model(ag.Galaxy, redshift=0.5, light=Broken)
        with pytest.raises(exc.ModelException, match="The model image at the start .* non-finite"):
            ag.fit(dataset_from(galaxies()), model)


def test__correlated_noise_gives_the_generalised_least_squares_solution():
    """With a noise covariance ``C``, ``ag.fit`` minimises ``r^T C^-1 r`` (whitened residuals)."""
    plain = dataset_from(galaxies(1.0, 0.3), noise_seed=3)
    n = plain.mask.pixels_in_mask
    rng = np.random.default_rng(4)
    factor = rng.normal(size=(n, n)) * 0.02 / np.sqrt(n)
    covariance = factor @ factor.T + np.diag(plain.noise_map.array**2)
    dataset = ag.Imaging(
        plain.data,
        psf=plain.psf,
        noise_covariance_matrix=covariance,
        over_sample_size_lp=4,
        over_sample_size_pixelization=S,
        convolve_over_sample_size_lp=S,
        convolve_over_sample_size_pixelization=S,
    )
    blank = dataset_from()
    unit_bulge = [ag.Galaxy(0.5, bulge=ag.lp.Sersic(intensity=1.0, **BULGE))]
    unit_disk = [ag.Galaxy(0.5, disk=ag.lp.Exponential(intensity=1.0, **DISK))]
    a = np.stack([ag.FitImaging(blank, g).model_data.array for g in (unit_bulge, unit_disk)], 1)
    c_inv = np.linalg.inv(covariance)
    expected = np.linalg.solve(a.T @ c_inv @ a, a.T @ c_inv @ dataset.data.array)

    result = ag.fit(dataset, fixed_shape_model())

    np.testing.assert_allclose(result.values, expected, rtol=1e-8)
    residual = dataset.data.array - a @ expected
    assert result.chi_squared == pytest.approx(residual @ c_inv @ residual, rel=1e-9)
