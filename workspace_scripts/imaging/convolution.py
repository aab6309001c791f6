"""
Convolution: every route gives the same blurred image
=====================================================

Before a model image is compared with the data it is blurred by the PSF. This library can do that
blurring in several ways, and a fit must not depend on which one runs:

* **FFT or real space**: two engines behind one ``Convolver``. By default the convolver picks the
  faster one from the kernel size; ``use_fft=True`` / ``False`` forces one.
* **NumPy or JAX**: ``xp=numpy`` (default) or ``xp=jax.numpy`` (jit-able, differentiable, GPU).
* **Native or oversampled**: blur at the detector's pixel scale, or on a grid
  ``convolve_over_sample_size = s`` times finer with the PSF sampled at ``pixel_scale / s``, and
  average each ``s x s`` block back to one detector pixel.

This script blurs one smooth scene (a round Gaussian galaxy, sigma = 0.3", on 0.1" pixels, seen
through a Gaussian PSF of sigma = 0.1") by every route and checks that:

* FFT and real space agree to 1e-10, and NumPy and JAX agree to 1e-10: they are the same sums done
  in a different order, so only rounding differs;
* native and oversampled (s = 2 and 4) agree to 1e-3 of a peak of ~1 (in fact to ~3e-7): they
  are two discretisations of the same integral and, for a PSF as wide as a pixel, both are
  accurate. What is left comes from the kernels (truncated at +-5 sigma; the native one samples
  a one-pixel-wide PSF coarsely), not from the convolution.

"The same scene" needs one precaution. Oversampled blurring takes the light at ``s x s`` sub-pixels;
the native route must be given the *mean of those same sub-pixel values* in each pixel (what a
``Grid2D`` with ``over_sample_size = s`` and the usual binning give), not the light at the pixel
centre. The table shows what the pixel-centre shortcut costs here (~7e-3): for smooth light and a
well-sampled PSF, integrating the light over the pixel matters, the PSF resolution hardly does.
Oversampling the PSF pays off when the PSF is narrower than a pixel: see
``convolution_oversampled.py``, which checks the oversampled route against a closed form.

Run: ``python workspace_scripts/imaging/convolution.py`` (a few seconds).
"""

import time

import numpy as np

import autogalaxy as ag

PIXEL_SCALE = 0.1  # arcsec per detector pixel
SHAPE = (50, 50)  # detector pixels: 5" x 5"
MASK_RADIUS = 2.0  # arcsec: the light is < 1e-9 of its peak outside mask + blurring region
GALAXY_SIGMA = 0.3  # arcsec
PSF_SIGMA = 0.1  # arcsec: one pixel, so the PSF is well sampled even at native resolution
PSF_HALF_WIDTH = 0.5  # arcsec: the kernel spans +-5 sigma at every resolution
OVER_SAMPLE_SIZES = (2, 4)

SAME_SUMS = 1e-10  # FFT vs real space, NumPy vs JAX
NATIVE_VS_OVERSAMPLED = 1e-3  # absolute, the peak is ~0.87


def jax_numpy_or_none():
    """``jax.numpy`` with float64 switched on, or None (with a note) if JAX is not installed."""
    try:
        import jax
    except ImportError:
        print("JAX is not installed: the JAX rows are skipped (pip install jax to run them).")
        return None
    # JAX computes in float32 unless told otherwise; 1e-10 agreement needs float64.
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    return jnp


def median_ms(function, *args, calls=7):
    """Median wall time of ``function(*args)`` in ms over ``calls`` calls, after one warm-up call
    (the one in which JAX compiles)."""
    function(*args)
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        result = function(*args)
        if hasattr(result, "block_until_ready"):  # JAX runs asynchronously
            result.block_until_ready()
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))


def max_abs_diff(a, b) -> float:
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))))


def psf_from(s: int, use_fft=None) -> ag.Convolver:
    """
    The Gaussian PSF sampled at PIXEL_SCALE / s over +-PSF_HALF_WIDTH, normalised to sum 1 at that
    sampling (an optical PSF, as STPSF's OVERSAMP extension is).
    """
    half = round(PSF_HALF_WIDTH / (PIXEL_SCALE / s))
    return ag.Convolver.from_gaussian(
        shape_native=(2 * half + 1, 2 * half + 1),
        pixel_scales=PIXEL_SCALE / s,
        sigma=PSF_SIGMA,
        normalize=True,
        convolve_over_sample_size=s,
        use_fft=use_fft,
    )


class Report:
    """Collects the comparisons and timings and prints them as two aligned tables."""

    def __init__(self):
        self.rows = []  # (comparison, max |difference|, tolerance or None for information)
        self.timings = []  # (route, s, median ms)

    def compare(self, name, a, b, tolerance):
        self.rows.append((name, max_abs_diff(a, b), tolerance))

    def time(self, route, s, function, *args):
        self.timings.append((route, s, median_ms(function, *args)))

    def print(self):
        width = max(len(name) for name, _, _ in self.rows)
        print(f"\n{'comparison':<{width}}  {'max |diff|':>10}  {'tolerance':>9}")
        print(f"{'-' * width}  {'-' * 10}  {'-' * 9}")
        for name, diff, tol in self.rows:
            tol_text = f"{tol:9.0e}" if tol is not None else f"{'(info)':>9}"
            print(f"{name:<{width}}  {diff:10.2e}  {tol_text}")
        width = max(len(name) for name, _, _ in self.timings)
        print(f"\n{'route':<{width}}  {'s':>2}  {'median ms':>9}")
        print(f"{'-' * width}  {'-' * 2}  {'-' * 9}")
        for name, s, ms in self.timings:
            print(f"{name:<{width}}  {s:>2}  {ms:9.3f}")


def main() -> dict:
    jnp = jax_numpy_or_none()
    report = Report()

    # ---------------------------------------------------------------------------------------
    # 1. The scene: a mask, the light, the PSF.
    # ---------------------------------------------------------------------------------------
    # Only unmasked pixels are blurred, but light from just outside the mask is spread into them:
    # the "blurring region" (the pixels within the kernel's reach of the mask) supplies that
    # light. A ConvolverState computes it once per mask, with the kernel FFT and the indices, and
    # every later convolution reuses it (a model fit blurs thousands of images on one mask).
    mask = ag.Mask2D.circular(shape_native=SHAPE, pixel_scales=PIXEL_SCALE, radius=MASK_RADIUS)
    light = ag.lp.Gaussian(
        centre=(0.0, 0.0), ell_comps=(0.0, 0.0), intensity=1.0, sigma=GALAXY_SIGMA
    )

    psf = psf_from(s=1)
    state = psf.state_from(mask)
    blurring_mask = state.blurring_mask
    psf_fft = ag.Convolver(psf.kernel, state=state, use_fft=True)
    psf_real = ag.Convolver(psf.kernel, state=state, use_fft=False)

    # The light in each detector pixel: the mean over 4 x 4 sub-pixels (the usual over-sampling).
    image = light.image_2d_from(ag.Grid2D.from_mask(mask, over_sample_size=4)).slim.array
    blurring_image = light.image_2d_from(
        ag.Grid2D.from_mask(blurring_mask, over_sample_size=4)
    ).slim.array

    # ---------------------------------------------------------------------------------------
    # 2. FFT vs real space (NumPy). Same kernel, same state: only the order of the sums differs.
    # ---------------------------------------------------------------------------------------
    blurred_fft = psf_fft.convolved_image_from(image, blurring_image, mask=mask).slim.array
    blurred_real = psf_real.convolved_image_from(image, blurring_image, mask=mask).slim.array
    peak = float(np.max(blurred_fft))
    report.compare("FFT vs real space (NumPy, s=1)", blurred_fft, blurred_real, SAME_SUMS)
    report.time("NumPy FFT", 1, psf_fft.convolved_image_from, image, blurring_image)
    report.time("NumPy real space", 1, psf_real.convolved_image_from, image, blurring_image)

    # ---------------------------------------------------------------------------------------
    # 3. NumPy vs JAX: the same call with xp=jax.numpy. Under jax.jit it is compiled once, then
    #    each call only runs it; the state's arrays are moved to the device once and kept.
    # ---------------------------------------------------------------------------------------
    def compare_with_jax(routes, image, blurring_image, s):
        """For each (engine, convolver, NumPy result): JAX result vs NumPy, and its timing."""
        if jnp is None:
            return
        import jax

        image_j, blurring_j = jnp.asarray(image), jnp.asarray(blurring_image)
        for engine, convolver, numpy_result in routes:

            @jax.jit
            def blur(image, blurring_image, convolver=convolver):
                return convolver.convolved_image_from(
                    image, blurring_image, xp=jnp, mask=mask
                ).slim.array

            jax_result = blur(image_j, blurring_j)
            report.compare(f"NumPy vs JAX, {engine} (s={s})", numpy_result, jax_result, SAME_SUMS)
            report.time(f"JAX {engine} (jit)", s, blur, image_j, blurring_j)

    compare_with_jax(
        [("FFT", psf_fft, blurred_fft), ("real space", psf_real, blurred_real)],
        image,
        blurring_image,
        s=1,
    )

    # ---------------------------------------------------------------------------------------
    # 4. Native vs oversampled. For each s both routes see the light at the same s x s
    #    sub-pixels of every pixel:
    #      native:      the mean of the s x s values, blurred with the PSF sampled at 0.1";
    #      oversampled: the s x s values themselves (per-pixel sub-block order, as
    #                   grid.over_sampled lists them), blurred with the PSF sampled at 0.1" / s,
    #                   then averaged over each pixel's s x s block.
    #    Their small difference comes from the kernels (each truncated at +-0.5", and the
    #    one-pixel-wide PSF sampled at 0.1" vs 0.1" / s), not from the light.
    # ---------------------------------------------------------------------------------------
    oversampled = {}
    for s in OVER_SAMPLE_SIZES:
        psf_s = psf_from(s)
        state_s = psf_s.state_from(mask)
        psf_s_fft = ag.Convolver(
            psf_s.kernel, state=state_s, use_fft=True, convolve_over_sample_size=s
        )
        psf_s_real = ag.Convolver(
            psf_s.kernel, state=state_s, use_fft=False, convolve_over_sample_size=s
        )
        # With s > 1 the blurring region is evaluated at the fine sub-pixels too.
        grid_s = ag.Grid2D.from_mask(mask, over_sample_size=s)
        blurring_grid_s = ag.Grid2D.from_mask(state_s.blurring_mask, over_sample_size=s)

        fine_image = light.image_2d_via_points_from(grid_s.over_sampled)
        fine_blurring = light.image_2d_via_points_from(blurring_grid_s.over_sampled)
        blurred_s = psf_s_fft.convolved_image_from(fine_image, fine_blurring, mask=mask).slim.array
        blurred_s_real = psf_s_real.convolved_image_from(
            fine_image, fine_blurring, mask=mask
        ).slim.array
        oversampled[s] = blurred_s

        native_image = light.image_2d_from(grid_s).slim.array
        native_blurring = light.image_2d_from(
            ag.Grid2D.from_mask(blurring_mask, over_sample_size=s)
        ).slim.array
        native = psf_fft.convolved_image_from(native_image, native_blurring, mask=mask).slim.array

        report.compare(f"FFT vs real space (NumPy, s={s})", blurred_s, blurred_s_real, SAME_SUMS)
        report.compare(
            f"native vs oversampled s={s} (same {s}x{s} light samples)",
            native,
            blurred_s,
            NATIVE_VS_OVERSAMPLED,
        )

        # The high-level route does exactly this: ag.Galaxy evaluates its light on the grids'
        # over-sampled points and hands the s x s fine values to the oversampled convolver.
        galaxy = ag.Galaxy(redshift=0.5, light=light)
        via_galaxy = galaxy.blurred_image_2d_from(grid_s, blurring_grid_s, psf_s_fft).slim.array
        report.compare(
            f"Galaxy.blurred_image_2d_from vs by hand (s={s})", via_galaxy, blurred_s, SAME_SUMS
        )

        report.time("NumPy FFT", s, psf_s_fft.convolved_image_from, fine_image, fine_blurring)
        report.time(
            "NumPy real space", s, psf_s_real.convolved_image_from, fine_image, fine_blurring
        )
        compare_with_jax(
            [("FFT", psf_s_fft, blurred_s), ("real space", psf_s_real, blurred_s_real)],
            fine_image,
            fine_blurring,
            s=s,
        )

    # Not like for like, hence no tolerance: the light taken at pixel centres only and blurred
    # natively. This is the error that integrating the light over each pixel removes.
    s_max = max(OVER_SAMPLE_SIZES)
    centre_image = light.image_2d_from(ag.Grid2D.from_mask(mask, over_sample_size=1)).slim.array
    centre_blurring = light.image_2d_from(
        ag.Grid2D.from_mask(blurring_mask, over_sample_size=1)
    ).slim.array
    centre_native = psf_fft.convolved_image_from(centre_image, centre_blurring, mask=mask)
    report.compare(
        f"native, light at pixel centres vs oversampled s={s_max}",
        centre_native.slim.array,
        oversampled[s_max],
        None,
    )

    # ---------------------------------------------------------------------------------------
    # 5. The tables, then the checks.
    # ---------------------------------------------------------------------------------------
    print(f"\nBlurred image peak: {peak:.4f}; the differences below are absolute.")
    report.print()
    print(
        f"\n({mask.pixels_in_mask} unmasked pixels, {blurring_mask.pixels_in_mask} in the blurring "
        f"region; s = {s_max} blurs {s_max**2}x as many values with a "
        f"{psf_from(s_max).shape_native} kernel.)"
    )
    for name, diff, tol in report.rows:
        assert tol is None or diff < tol, f"{name}: {diff:.3e} >= {tol:.0e}"
    print("All routes agree within their tolerances.")

    return {
        "peak": peak,
        "max_abs_diff": {name: diff for name, diff, _ in report.rows},
        "median_ms": {f"{name} (s={s})": ms for name, s, ms in report.timings},
        "jax": jnp is not None,
    }


if __name__ == "__main__":
    main()
