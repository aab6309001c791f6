"""
Over Sampling
=============

A light profile's image on a grid of pixels is the average of its surface brightness over every
pixel, not its value at the pixel centre. Where the profile is steep (the centre of a Sersic
bulge) the two differ a lot, so the light is evaluated at a k x k sub-grid of points inside each
pixel and averaged: "over-sampling".

This guide shows:

- **Illustration:** how a grid stores its over-sampled sub-pixels.
- **Images:** how much a Sersic image changes with the over-sample size.
- **Adaptive Over Sampling:** high over-sampling only near the centre of the light.
- **Multiple Galaxies:** adaptive over-sampling around several centres.
- **Oversampled PSF:** the PSF blurs the light at a resolution finer than the detector
  (``convolve_over_sample_size``), which steep profiles and narrow PSFs need.
- **Multi-Gaussian Expansion:** a basis of linear Gaussians fitted with the oversampled PSF.
- **Output:** the fitted galaxies written to JSON and read back.

The numbers each section quotes are checked by the script (it stops if one fails), and a PNG of
the residual maps is written to ``workspace_scripts/output/guides/over_sampling.png``.

Run: ``python workspace_scripts/guides/over_sampling.py``.
"""

from pathlib import Path

import numpy as np

import autogalaxy as ag
import autogalaxy.plot as aplt

output_path = Path(__file__).resolve().parents[1] / "output" / "guides"

"""
__Illustration__

A uniform grid of 40 x 40 pixels of 0.1", first without over-sampling (``over_sample_size=1``:
the light is evaluated once, at each pixel centre), then with a 2 x 2 sub-grid per pixel.
"""
grid_sub_1 = ag.Grid2D.uniform(shape_native=(40, 40), pixel_scales=0.1, over_sample_size=1)
grid_sub_2 = ag.Grid2D.uniform(shape_native=(40, 40), pixel_scales=0.1, over_sample_size=2)

"""
The grids hold the same pixel centres; the sub-pixels are in ``over_sampled``, pixel by pixel
(row by row from the top left), 4 per pixel for ``grid_sub_2``.
"""
print("grid shapes:", grid_sub_1.shape, grid_sub_2.shape)
print("over-sampled shapes:", grid_sub_1.over_sampled.shape, grid_sub_2.over_sampled.shape)
print("pixel 0:", grid_sub_2[0], "its 4 sub-pixels:", grid_sub_2.over_sampled[:4].tolist())

assert np.all(grid_sub_1 == grid_sub_2)
assert grid_sub_2.over_sampled.shape == (4 * 40 * 40, 2)
# The 4 sub-pixels of pixel 0 sit a quarter of a pixel from its centre.
assert np.allclose(np.abs(grid_sub_2.over_sampled[:4] - grid_sub_2[0]), 0.025)

"""
__Images__

A Sersic profile with a steep centre (n = 3, effective radius 0.2"). Its ellipticity is given
as an axis ratio and a position angle, converted with ``ag.convert``.
"""
light = ag.lp.Sersic(
    centre=(0.0, 0.0),
    ell_comps=ag.convert.ell_comps_from(axis_ratio=0.8, angle=30.0),
    intensity=1.0,
    effective_radius=0.2,
    sersic_index=3.0,
)

image_sub = {
    size: light.image_2d_from(
        grid=ag.Grid2D.uniform(shape_native=(40, 40), pixel_scales=0.1, over_sample_size=size)
    )
    for size in (1, 2, 16, 32)
}

"""
Compared with 32 x 32 sub-pixels (close to the exact pixel averages), the fractional error of
the central pixels is over 20% without over-sampling, ~9% with 2 x 2, ~0.2% with 16 x 16.
"""
fractional_residual_map = {
    size: (image_sub[32] - image_sub[size]) / image_sub[32] for size in (1, 2, 16)
}
for size, residuals in fractional_residual_map.items():
    print(f"over_sample_size={size:2d}: largest fractional error {np.max(np.abs(residuals)):.2e}")

assert np.max(np.abs(fractional_residual_map[1])) > 0.2
assert np.max(np.abs(fractional_residual_map[16])) < 3e-3

"""
__Adaptive Over Sampling__

32 x 32 sub-pixels everywhere is 1024 evaluations per pixel, mostly wasted: far from the centre
the profile is nearly flat. ``over_sample_size`` can instead be one value per pixel: 24 x 24
within 0.3" of the centre, 8 x 8 out to 0.6", 2 x 2 beyond.
"""
over_sample_size = ag.util.over_sample.over_sample_size_via_radial_bins_from(
    grid=grid_sub_1, sub_size_list=[24, 8, 2], radial_list=[0.3, 0.6]
)

grid_adaptive = ag.Grid2D.no_mask(
    values=grid_sub_1.native,
    pixel_scales=grid_sub_1.pixel_scales,
    over_sample_size=over_sample_size,
)

image_adaptive = light.image_2d_from(grid=grid_adaptive)
fractional_residual_map["adaptive"] = (image_sub[32] - image_adaptive) / image_sub[32]
samples = grid_adaptive.over_sampled.shape[0]

print(
    f"adaptive over-sampling: {samples} samples (32 x 32 everywhere: {32 * 32 * 40 * 40}), "
    f"largest fractional error {np.max(np.abs(fractional_residual_map['adaptive'])):.2e}"
)
assert samples < 0.02 * 32 * 32 * 40 * 40
assert np.max(np.abs(fractional_residual_map["adaptive"])) < 3e-3

"""
Fits use masked grids: the same sizes on the pixels of a circular mask.
"""
mask = ag.Mask2D.circular(shape_native=(40, 40), pixel_scales=0.1, radius=1.5)
grid = ag.Grid2D.from_mask(mask=mask)
over_sample_size = ag.util.over_sample.over_sample_size_via_radial_bins_from(
    grid=grid, sub_size_list=[24, 8, 2], radial_list=[0.3, 0.6]
)
grid_adaptive = ag.Grid2D(values=grid, mask=mask, over_sample_size=over_sample_size)
print(f"masked adaptive grid: {grid_adaptive.shape_slim} pixels, max size {over_sample_size.max()}")

"""
__Multiple Galaxies__

With several galaxies, give every centre its own high over-sampling (the largest size wins where
regions overlap).
"""
over_sample_size = ag.util.over_sample.over_sample_size_via_radial_bins_from(
    grid=grid_sub_1,
    sub_size_list=[24, 8, 2],
    radial_list=[0.3, 0.6],
    centre_list=[(1.0, 0.0), (-1.0, 0.0)],
)
assert over_sample_size.native.array[9, 19] == 24 and over_sample_size.native.array[29, 19] == 24

"""
__Oversampled PSF__

Over-sampling the light is not enough when the PSF is about a pixel wide (JWST, HST, Euclid):
blurring the light binned to detector pixels with a PSF sampled at detector pixels is then
itself inaccurate. Such PSFs come sampled finer than the detector (STPSF writes 4x), and the
light is blurred at that resolution, then binned: ``convolve_over_sample_size = 4``.

We simulate a galaxy with a Sersic n = 4 bulge and a companion through a PSF of sigma 0.05"
sampled at 0.1" / 4.
"""
psf = ag.Convolver.from_gaussian(
    shape_native=(25, 25),
    pixel_scales=0.1 / 4,
    sigma=0.05,
    normalize=True,
    convolve_over_sample_size=4,
)

galaxies = [
    ag.Galaxy(
        redshift=0.5,
        label="galaxy",
        bulge=ag.lp.Sersic(
            centre=(0.0, 0.0),
            ell_comps=ag.convert.ell_comps_from(axis_ratio=0.7, angle=45.0),
            intensity=2.0,
            effective_radius=0.3,
            sersic_index=4.0,
        ),
    ),
    ag.Galaxy(
        redshift=0.5,
        label="companion",
        light=ag.lp.ExponentialSph(centre=(0.8, -0.6), intensity=0.5, effective_radius=0.2),
    ),
]

simulator = ag.SimulatorImaging(
    exposure_time=2000.0,
    background_sky_level=0.5,
    psf=psf,
    add_poisson_noise_to_data=True,
    noise_seed=1,
)
dataset = simulator.via_galaxies_from(
    galaxies=galaxies,
    grid=ag.Grid2D.uniform(shape_native=(40, 40), pixel_scales=0.1, over_sample_size=32),
)

"""
Mask the data and over-sample adaptively around both centres. With an oversampled PSF every size
must be a multiple of ``convolve_over_sample_size`` (the light at k x k points per pixel is
averaged to 4 x 4 fine pixels before the PSF blurs it).
"""
dataset = dataset.apply_mask(
    mask=ag.Mask2D.circular(shape_native=dataset.shape_native, pixel_scales=0.1, radius=1.6)
)
over_sample_size = ag.util.over_sample.over_sample_size_via_radial_bins_from(
    grid=dataset.grid,
    sub_size_list=[32, 8, 4],
    radial_list=[0.3, 0.6],
    centre_list=[(0.0, 0.0), (0.8, -0.6)],
)
dataset = dataset.apply_over_sampling(over_sample_size_lp=over_sample_size)
print(f"dataset: {dataset}, peak S/N {dataset.signal_to_noise_max:.0f}")

"""
The true galaxies fit the data to the noise: the reduced chi-squared is ~1.

The same fit with the PSF at detector resolution (its 4 x 4 block sums, exactly centred) leaves
residuals of many sigma at the bulge's centre.
"""
fit = ag.FitImaging(dataset=dataset, galaxies=galaxies)

dataset_native_psf = ag.Imaging(
    data=dataset.data,
    noise_map=dataset.noise_map,
    psf=dataset.psf.native_psf_from(),
    over_sample_size_lp=over_sample_size,
)
fit_native_psf = ag.FitImaging(dataset=dataset_native_psf, galaxies=galaxies)

print(f"reduced chi-squared, oversampled PSF: {fit.reduced_chi_squared:.3f}")
print(f"reduced chi-squared, native PSF:      {fit_native_psf.reduced_chi_squared:.3f}")
largest = np.max(np.abs(fit_native_psf.normalized_residual_map))
print(f"largest residual with the native PSF: {largest:.1f} sigma")
assert 0.8 < fit.reduced_chi_squared < 1.2
assert fit_native_psf.reduced_chi_squared > 1.5 * fit.reduced_chi_squared

"""
The blurred image of every galaxy, keyed by galaxy:
"""
galaxy_image_dict = ag.Galaxies(galaxies).galaxy_blurred_image_2d_dict_from(
    grid=dataset.grids.lp, psf=dataset.psf, blurring_grid=dataset.grids.blurring
)
for galaxy, image in galaxy_image_dict.items():
    print(f"{galaxy.label}: flux in the mask {image.sum() * 0.1**2:.4f} (e-/s)")
assert np.allclose(sum(galaxy_image_dict.values()).array, fit.model_data.array, rtol=1e-12)

"""
__Multi-Gaussian Expansion__

A multi-Gaussian expansion (MGE) models the bulge as 12 Gaussians sharing its centre and
ellipticity, with widths spaced logarithmically from 0.02" to 1.5". Their intensities are linear
parameters, solved by the inversion of the fit (kept non-negative), blurred at the PSF's
resolution exactly as the Sersic was.
"""
bulge = ag.lp_basis.Basis(
    profile_list=[
        ag.lp_linear.Gaussian(
            centre=(0.0, 0.0),
            ell_comps=ag.convert.ell_comps_from(axis_ratio=0.7, angle=45.0),
            sigma=sigma,
        )
        for sigma in np.logspace(np.log10(0.02), np.log10(1.5), 12)
    ]
)
galaxies_mge = [ag.Galaxy(redshift=0.5, label="galaxy", bulge=bulge), galaxies[1]]

fit_mge = ag.FitImaging(
    dataset=dataset,
    galaxies=galaxies_mge,
    settings_inversion=ag.SettingsInversion(use_positive_only_solver=True),
)
intensities = fit_mge.linear_light_profile_intensity_dict
print(f"MGE: reduced chi-squared {fit_mge.reduced_chi_squared:.3f}")
print("MGE intensities:", ", ".join(f"{intensities[g]:.3g}" for g in bulge.profile_list))
assert fit_mge.reduced_chi_squared < 1.2
assert min(intensities.values()) >= 0.0

"""
__Output__

The fitted galaxies, their linear Gaussians turned into ``ag.lp.Gaussian`` at the solved
intensities, written to JSON and read back exactly.
"""
galaxies_fitted = fit_mge.galaxies_linear_light_profiles_to_light_profiles
ag.output_to_json(obj=galaxies_fitted, file_path=output_path / "galaxies_mge.json")
galaxies_loaded = ag.from_json(file_path=output_path / "galaxies_mge.json")
assert np.array_equal(
    galaxies_loaded.image_2d_from(grid=dataset.grid).array,
    galaxies_fitted.image_2d_from(grid=dataset.grid).array,
)
print(f"Wrote {output_path / 'galaxies_mge.json'}")

"""
__Plot__

The fit of the oversampled PSF as PyAutoGalaxy's subplot, and the fractional residual maps of the
over-sampling section and the normalized residuals of the three fits, one figure each.
"""
aplt.FitImagingPlotter(
    fit=fit,
    mat_plot_2d=aplt.MatPlot2D(
        output=aplt.Output(path=output_path, filename="over_sampling", format="png")
    ),
).subplot_fit()
print(f"Saved {output_path / 'over_sampling.png'}")
panels = {
    "fractional_residuals_sub_size_1": fractional_residual_map[1],
    "fractional_residuals_adaptive": fractional_residual_map["adaptive"],
    "normalized_residuals_native_psf": fit_native_psf.normalized_residual_map,
    "normalized_residuals_oversampled_psf": fit.normalized_residual_map,
    "normalized_residuals_mge": fit_mge.normalized_residual_map,
}
for name, array in panels.items():
    aplt.Array2DPlotter(
        array=array,
        mat_plot_2d=aplt.MatPlot2D(
            output=aplt.Output(path=output_path, filename=name, format="png"), cmap="RdBu_r"
        ),
    ).figure_2d(title=name.replace("_", " "))
print(f"Saved {len(panels)} residual maps to {output_path}")
