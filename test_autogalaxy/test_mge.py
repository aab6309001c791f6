"""
Multi-Gaussian expansion (``ag.lp_basis.Basis`` of ``ag.lp_linear.Gaussian``) with an oversampled
PSF (``convolve_over_sample_size_lp = 4``): a noise-free MGE galaxy simulated by a brute-force
``scipy`` convolution at 4x resolution is fitted and its intensities recovered; the Basis fit
equals the fit of the same Gaussians given as separate components.
"""

import brute_force_reference
import numpy as np
import pytest

import autogalaxy as ag

pytestmark = pytest.mark.filterwarnings("error")

S = 4
PS = 0.1
SHAPE = (24, 24)
CENTRE, ELL = (0.02, -0.01), (0.1, 0.05)
SIGMAS = np.logspace(np.log10(0.03), np.log10(0.8), 8)
TRUTH = np.array([30.0, 22.0, 15.0, 10.0, 6.0, 3.5, 2.0, 1.0])


def psf():
    return ag.Convolver.from_gaussian(
        (13, 13), (PS / S, PS / S), sigma=0.06, normalize=True, convolve_over_sample_size=S
    )


@pytest.fixture(scope="module")
def dataset():
    gaussians = [
        ag.lp.Gaussian(centre=CENTRE, ell_comps=ELL, intensity=i, sigma=s)
        for i, s in zip(TRUTH, SIGMAS)
    ]
    native = brute_force_reference.blurred(
        gaussians, np.ones(SHAPE, dtype=bool), psf().native, PS, S, S, pad=4
    )
    mask = ag.Mask2D.circular(SHAPE, 1.0, PS)
    return ag.Imaging(
        ag.Array2D(native, mask),
        ag.Array2D(np.full(mask.pixels_in_mask, 0.01), mask),
        psf(),
        over_sample_size_lp=S,
        over_sample_size_pixelization=S,
        convolve_over_sample_size_lp=S,
        convolve_over_sample_size_pixelization=S,
    )


def mge():
    return ag.lp_basis.Basis(
        profile_list=[ag.lp_linear.Gaussian(centre=CENTRE, ell_comps=ELL, sigma=s) for s in SIGMAS]
    )


@pytest.mark.parametrize("positive_only", [False, True])
def test__mge_intensities_recovered_at_s4(dataset, positive_only):
    basis = mge()
    fit = ag.FitImaging(
        dataset,
        [ag.Galaxy(0.5, bulge=basis)],
        settings_inversion=ag.SettingsInversion(use_positive_only_solver=positive_only),
    )
    intensities = fit.linear_light_profile_intensity_dict
    solved = np.array([intensities[g] for g in basis.profile_list])
    # Measured: 2e-11 (the truth is positive, so the non-negative solve is the same).
    np.testing.assert_allclose(solved, TRUTH, rtol=1e-6)
    assert fit.chi_squared < 1e-10
    (galaxy,) = fit.galaxies_linear_light_profiles_to_light_profiles
    assert [type(g) for g in galaxy.bulge.profile_list] == [ag.lp.Gaussian] * len(SIGMAS)
    assert galaxy.bulge.profile_list[3].intensity == pytest.approx(TRUTH[3], rel=1e-6)


def test__basis_fit_equals_the_fit_of_separate_linear_gaussians(dataset):
    basis = mge()
    by_basis = ag.FitImaging(dataset, [ag.Galaxy(0.5, bulge=basis)])
    separate = ag.FitImaging(
        dataset, [ag.Galaxy(0.5, **{f"g{i}": g for i, g in enumerate(mge().profile_list)})]
    )
    np.testing.assert_allclose(
        by_basis.inversion.reconstruction, separate.inversion.reconstruction, rtol=1e-12
    )
    np.testing.assert_allclose(
        by_basis.model_data.array, separate.model_data.array, rtol=1e-12, atol=1e-14
    )
    assert by_basis.log_evidence == pytest.approx(separate.log_evidence, rel=1e-12)
    assert by_basis.inversion.label_list[0] == "galaxies[0].bulge.profile_list[0] (Gaussian)"


def test__basis_with_a_standard_member_fits_the_rest(dataset):
    # The largest Gaussian is given with its true intensity; the others are solved.
    members = mge().profile_list[:-1] + [
        ag.lp.Gaussian(centre=CENTRE, ell_comps=ELL, intensity=TRUTH[-1], sigma=SIGMAS[-1])
    ]
    basis = ag.lp_basis.Basis(profile_list=members)
    fit = ag.FitImaging(dataset, [ag.Galaxy(0.5, bulge=basis)])
    solved = [fit.linear_light_profile_intensity_dict[g] for g in members[:-1]]
    np.testing.assert_allclose(solved, TRUTH[:-1], rtol=1e-6)
