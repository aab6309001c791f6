"""
Pixelizations with an even (STPSF-layout) fine PSF: the mapper's points sit at the PSF's
``light_sample_offset`` (bilinear weights by hand), and an inversion refuses a mapper whose points
are elsewhere, since its fine mapping matrix would be blurred half a fine pixel off its place.
"""

import numpy as np
import pytest

import autoarray as aa
from autoarray import exc

MASK = aa.Mask2D.circular((14, 14), radius=0.55, pixel_scales=0.1)


def dataset_from(kernel_shape, s=2):
    kernel = np.random.default_rng(0).uniform(0.1, 1.0, kernel_shape)
    psf = aa.Convolver.no_mask(kernel / kernel.sum(), 0.1 / s, convolve_over_sample_size=s)
    return aa.Imaging(
        data=aa.Array2D(np.random.default_rng(1).normal(size=MASK.pixels_in_mask), MASK),
        noise_map=aa.Array2D(np.ones(MASK.pixels_in_mask), MASK),
        psf=psf,
        over_sample_size_lp=4,
        over_sample_size_pixelization=4,
        convolve_over_sample_size_lp=s,
        convolve_over_sample_size_pixelization=s,
    )


def pixelization():
    return aa.Pixelization(aa.mesh.RectangularUniform((6, 6)), aa.reg.Constant(1.0))


def test__mapper_points_are_moved_by_the_offset():
    """One pixel sampled once, at its centre (0, 0) moved to (0.025, -0.06), on a 3 x 3 mesh."""
    grid = aa.Grid2D.from_mask(aa.Mask2D.all_false((1, 1), 0.1), over_sample_size=1)
    mapper = aa.Mapper(
        aa.mesh.RectangularUniform((3, 3)),
        grid,
        extent=(-0.1, 0.1, -0.1, 0.1),
        point_offset=(0.025, -0.06),
    )
    assert mapper.point_offset == (0.025, -0.06)
    # nodes every 0.1": the point is 1/4 of the way up from y = 0 to 0.1 and 4/10 of the way
    # from x = -0.1 to 0, so the nodes (0.1, -0.1), (0.1, 0), (0, -0.1), (0, 0) get
    # 0.25 * 0.6, 0.25 * 0.4, 0.75 * 0.6, 0.75 * 0.4.
    expected = np.zeros(9)
    expected[[0, 1, 3, 4]] = [0.15, 0.1, 0.45, 0.3]
    np.testing.assert_allclose(mapper.mapping_matrix.toarray()[0], expected, rtol=0, atol=1e-15)


@pytest.mark.parametrize(
    "bad, message",
    [
        ("ab", r"point_offset: offset must be a \(y, x\) pair of arcsec numbers, got 'ab'"),
        ((0.0, np.nan), r"point_offset: offset must be finite \(y, x\) arcsec, got \(0\.0, nan\)"),
    ],
)
def test__bad_point_offset(bad, message):
    grid = aa.Grid2D.from_mask(MASK, over_sample_size=2)
    with pytest.raises(exc.InversionException, match=message):
        aa.Mapper(aa.mesh.RectangularUniform((5, 5)), grid, point_offset=bad)


def test__inversion_takes_a_mapper_at_the_psf_offset():
    dataset = dataset_from((8, 6))
    offset = dataset.psf_pixelization.light_sample_offset
    assert offset == pytest.approx((0.025, -0.025), rel=1e-15)
    mapper = pixelization().mapper_from(dataset.grids.pixelization, point_offset=offset)
    inversion = aa.inversion_from(dataset, [mapper])
    assert np.isfinite(inversion.log_evidence)


@pytest.mark.parametrize("sparse", [False, True])
def test__inversion_refuses_a_mapper_at_the_usual_centres_for_an_even_kernel(sparse):
    dataset = dataset_from((8, 8))
    if sparse:
        dataset = dataset.apply_sparse_operator()
    mapper = pixelization().mapper_from(dataset.grids.pixelization)
    with pytest.raises(
        exc.InversionException,
        match=r"linear object 0: its points are offset by \(0\.0, 0\.0\) arcsec from "
        r"grid\.over_sampled, but the pixelization PSF \(kernel shape \(8, 8\)\) convolves "
        r"light sampled at \(0\.025, -0\.025\); an even kernel applies exactly only there\. "
        r"Build the mapper with pixelization\.mapper_from\(dataset\.grids\.pixelization, "
        r"point_offset=dataset\.psf_pixelization\.light_sample_offset\)\.",
    ):
        aa.inversion_from(dataset, [mapper])


def test__inversion_refuses_an_offset_mapper_for_an_odd_kernel():
    dataset = dataset_from((7, 7))
    mapper = pixelization().mapper_from(dataset.grids.pixelization, point_offset=(0.025, 0.0))
    with pytest.raises(
        exc.InversionException,
        match=r"points are offset by \(0\.025, 0\.0\) arcsec .* convolves light sampled at "
        r"\(0\.0, 0\.0\)",
    ):
        aa.inversion_from(dataset, [mapper])
