"""
Fit: a galaxy model compared with imaging data
==============================================

This script fits the dataset that ``simulator.py`` made (a Sersic bulge and an Exponential disk
imaged on 0.1" pixels through a PSF sampled 4x finer than the detector) with a galaxy model, as a
PyAutoGalaxy user does: load the dataset, mask it, build the galaxies, ``ag.FitImaging``, plot
the fit, print its log likelihood.

Every light profile is blurred at the PSF's resolution (``convolve_over_sample_size = 4``, read
from the PSF's ``OVERSAMP`` header) and binned back to the detector's pixels.

Run: ``python workspace_scripts/imaging/fit.py`` (it runs ``simulator.py`` first if the dataset
is missing; the plots go to ``workspace_scripts/output/fit``).
"""

import subprocess
import sys
from pathlib import Path

import autogalaxy as ag
import autogalaxy.plot as aplt

"""
__Dataset__

The dataset is loaded from its FITS files. The PSF header says it is oversampled
(``OVERSAMP = 4``), so both the light profiles and pixelizations are blurred at 4x finer
resolution.
"""
workspace_path = Path(__file__).resolve().parents[1]
dataset_path = workspace_path / "output" / "dataset"

if not (dataset_path / "data.fits").exists():
    subprocess.run(
        [sys.executable, str(workspace_path / "imaging" / "simulator.py")],
        check=True,
    )

dataset = ag.Imaging.from_fits(
    data_path=dataset_path / "data.fits",
    psf_path=dataset_path / "psf.fits",
    noise_map_path=dataset_path / "noise_map.fits",
    pixel_scales=0.1,
)

"""
__Mask__

Only the pixels within 2.5" of the centre are fitted.
"""
mask = ag.Mask2D.circular(
    shape_native=dataset.shape_native, pixel_scales=dataset.pixel_scales, radius=2.5
)

dataset = dataset.apply_mask(mask=mask)

"""
__Over Sampling__

The Sersic bulge is steep at its centre: its light is evaluated on 16 x 16 sub-pixels within
0.15" of the centre, 8 x 8 out to 0.4" and 4 x 4 beyond (each divisible by the PSF's 4).
"""
over_sample_size = ag.over_sample_util.over_sample_size_via_radial_bins_from(
    grid=dataset.grid,
    sub_size_list=[16, 8, 4],
    radial_list=[0.15, 0.4],
    centre_list=[(0.0, 0.0)],
)

dataset = dataset.apply_over_sampling(over_sample_size_lp=over_sample_size)

aplt.ImagingPlotter(
    dataset=dataset,
    mat_plot_2d=aplt.MatPlot2D(
        output=aplt.Output(path=workspace_path / "output" / "fit", format="png"),
        use_log10=True,
    ),
).subplot_dataset()

"""
__Galaxies__

The model: the galaxy the dataset was simulated with. Its ellipses were given as axis ratios and
position angles, turned into the ``ell_comps`` light profiles take with ``ag.convert``.
"""
bulge_ell_comps = ag.convert.ell_comps_from(axis_ratio=0.79888, angle=13.2825)
disk_ell_comps = ag.convert.ell_comps_from(axis_ratio=0.72695, angle=54.2175)
print(
    "Bulge axis ratio and angle:",
    ag.convert.axis_ratio_and_angle_from(ell_comps=bulge_ell_comps),
)

galaxy = ag.Galaxy(
    redshift=0.5,
    bulge=ag.lp.Sersic(
        centre=(0.0, 0.0),
        ell_comps=bulge_ell_comps,
        intensity=2.0,
        effective_radius=0.3,
        sersic_index=4.0,
    ),
    disk=ag.lp.Exponential(
        centre=(0.0, 0.0),
        ell_comps=disk_ell_comps,
        intensity=0.3,
        effective_radius=1.0,
    ),
)

galaxies = ag.Galaxies(galaxies=[galaxy])

"""
__Fit__

The fit blurs the galaxies' image with the PSF and compares it with the data: residuals,
normalized residuals, chi-squared and the log likelihood.
"""
fit = ag.FitImaging(dataset=dataset, galaxies=galaxies)

print(f"Chi-squared: {fit.chi_squared:.2f} over {dataset.mask.pixels_in_mask} pixels")
print(f"Log likelihood: {fit.log_likelihood:.4f}")

"""
__Plot__

The fit's subplot: data, signal-to-noise map, model image, residual map, normalized residual map
and chi-squared map.
"""
fit_plotter = aplt.FitImagingPlotter(
    fit=fit,
    mat_plot_2d=aplt.MatPlot2D(
        output=aplt.Output(path=workspace_path / "output" / "fit", format="png"),
        use_log10=True,
    ),
)
fit_plotter.subplot_fit()

"""
__Linear Light Profiles__

With ``ag.lp_linear`` profiles the intensities are not given: the fit solves for the values that
fit the data best (a linear inversion). The galaxy's model image, which includes its share of the
inversion, is in ``fit.galaxy_model_image_dict``.
"""
galaxy_linear = ag.Galaxy(
    redshift=0.5,
    bulge=ag.lp_linear.Sersic(
        centre=(0.0, 0.0),
        ell_comps=bulge_ell_comps,
        effective_radius=0.3,
        sersic_index=4.0,
    ),
    disk=ag.lp_linear.Exponential(
        centre=(0.0, 0.0),
        ell_comps=disk_ell_comps,
        effective_radius=1.0,
    ),
)

fit_linear = ag.FitImaging(dataset=dataset, galaxies=ag.Galaxies(galaxies=[galaxy_linear]))

intensities = fit_linear.inversion.linear_light_profile_intensity_dict

print(f"Solved bulge intensity: {intensities[galaxy_linear.bulge]:.4f} (simulated with 2.0)")
print(f"Solved disk intensity: {intensities[galaxy_linear.disk]:.4f} (simulated with 0.3)")
print(f"Linear fit log likelihood: {fit_linear.log_likelihood:.4f}")

model_image = fit_linear.galaxy_model_image_dict[galaxy_linear]

print(
    f"Galaxy model image total: {model_image.sum():.4f} (model data: {fit_linear.model_data.sum():.4f})"
)

aplt.FitImagingPlotter(
    fit=fit_linear,
    mat_plot_2d=aplt.MatPlot2D(
        output=aplt.Output(
            path=workspace_path / "output" / "fit", filename="subplot_fit_linear", format="png"
        ),
        use_log10=True,
    ),
).subplot_fit()
