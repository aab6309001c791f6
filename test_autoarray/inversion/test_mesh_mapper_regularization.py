"""
Meshes, mappers and regularization of ``autoarray.inversion``, checked against independent
references: bilinear interpolation reproduces bilinear functions exactly, and ``s^T H s`` is the
explicit sum over neighbour pairs. Tolerances are ~100x the rounding error measured (in
comments where it is not 2.2e-16).
"""

import numpy as np
import pytest
import scipy.sparse

import autoarray as aa
from autoarray import exc
from autoarray.inversion import mapper_util, mesh_util


def bilinear_function(points):
    """A function bilinear interpolation reproduces exactly: a + b y + c x + d x y."""
    y, x = points[:, 0], points[:, 1]
    return 0.7 + 2.0 * y - 3.0 * x + 0.5 * x * y


@pytest.fixture(name="grid")
def make_grid():
    mask = aa.Mask2D.circular((12, 12), radius=0.45, pixel_scales=0.1)
    return aa.Grid2D.from_mask(mask, over_sample_size=4)


# ------------------------------------------------------------------------------------- mesh


def test_mesh_grid_spans_extent_row_major_from_top_left():
    mesh = aa.mesh.RectangularUniform(shape=(3, 4))
    nodes = mesh.mesh_grid_from((-1.0, 1.0, -3.0, 3.0))
    assert nodes.shape == (12, 2)
    np.testing.assert_allclose(nodes[0], [1.0, -3.0])
    np.testing.assert_allclose(nodes[3], [1.0, 3.0])
    np.testing.assert_allclose(nodes[-1], [-1.0, 3.0])
    np.testing.assert_allclose(nodes[4], [0.0, -3.0])


def test_interpolation_weights_of_a_node_and_a_cell_centre():
    mesh = aa.mesh.RectangularUniform(shape=(3, 3))
    extent = (-1.0, 1.0, -1.0, 1.0)
    points = np.array([[0.0, 0.0], [0.5, -0.5], [1.0, 1.0]])
    mappings, weights = mesh.interpolation_from(points, extent)
    dense = np.zeros((3, 9))
    np.add.at(dense, (np.repeat(np.arange(3), 4), mappings.ravel()), weights.ravel())
    # The centre node (index 4) alone; the centre of the top-left cell is shared equally by
    # nodes 0, 1, 3, 4; the top-right corner is node 2 alone.
    np.testing.assert_allclose(dense[0], np.eye(9)[4], atol=1e-15)
    np.testing.assert_allclose(dense[1], 0.25 * np.eye(9)[[0, 1, 3, 4]].sum(axis=0), atol=1e-15)
    np.testing.assert_allclose(dense[2], np.eye(9)[2], atol=1e-15)


def test_interpolation_reproduces_a_bilinear_function_exactly():
    rng = np.random.default_rng(3)
    mesh = aa.mesh.RectangularUniform(shape=(5, 7))
    extent = (-1.0, 2.0, -0.5, 1.5)
    points = np.stack([rng.uniform(-1.0, 2.0, 200), rng.uniform(-0.5, 1.5, 200)], axis=1)
    mappings, weights = mesh.interpolation_from(points, extent)
    values = bilinear_function(mesh.mesh_grid_from(extent))
    interpolated = np.sum(values[mappings] * weights, axis=1)
    # Tolerances here are ~100x the measured rounding error (1.8e-15 and 2.2e-16).
    np.testing.assert_allclose(interpolated, bilinear_function(points), rtol=0, atol=2e-13)
    assert np.all(weights >= 0) and np.allclose(weights.sum(axis=1), 1.0, atol=2e-14)


def test_points_outside_the_extent_map_to_nothing():
    mesh = aa.mesh.RectangularUniform(shape=(3, 3))
    _, weights = mesh.interpolation_from(np.array([[2.0, 0.0], [0.0, -1.5]]), (-1, 1, -1, 1))
    assert np.all(weights == 0.0)


@pytest.mark.parametrize(
    "shape, error, message",
    [
        ((2, 5), exc.InversionException, r"at least \(3, 3\), got \(2, 5\)"),
        ((3,), exc.InversionException, r"\(ny, nx\) pair of ints, got \(3,\)"),
        ((3.0, 4), TypeError, r"must hold ints, got \(3.0, 4\)"),
        ((True, 4), TypeError, r"an entry of type bool"),
        (5, TypeError, r"\(ny, nx\) pair of ints, got 5"),
    ],
)
def test_bad_mesh_shape_raises(shape, error, message):
    with pytest.raises(error, match=message):
        aa.mesh.RectangularUniform(shape=shape)


def test_points_of_zero_extent_raise():
    with pytest.raises(exc.InversionException, match="non-zero extent along both axes"):
        mesh_util.rectangular_extent_from(np.array([[0.0, 0.0], [0.0, 1.0]]))
    with pytest.raises(
        exc.InversionException,
        match=r"needs an \(M, 2\) array of \(y, x\) points with M > 0, "
        r"got shape \(0, 2\)",
    ):
        mesh_util.rectangular_extent_from(np.zeros((0, 2)))


# ----------------------------------------------------------------------------------- mapper


def test_mapping_matrix_rows_sum_to_one_native_and_fine(grid):
    mapper = aa.Pixelization(aa.mesh.RectangularUniform((6, 6))).mapper_from(grid)
    native = mapper.mapping_matrix
    assert scipy.sparse.issparse(native) and native.format == "csr"
    assert native.shape == (grid.shape_slim, 36)
    np.testing.assert_allclose(native.sum(axis=1), 1.0, rtol=0, atol=2e-14)  # (2.2e-16)
    for s in (2, 4):
        fine = mapper.mapping_matrix_over_sampled_for(s)
        assert scipy.sparse.issparse(fine) and fine.shape == (grid.shape_slim * s * s, 36)
        np.testing.assert_allclose(fine.sum(axis=1), 1.0, rtol=0, atol=2e-14)


def test_rows_sum_to_one_only_for_pixels_inside_a_smaller_mesh(grid):
    # A mesh covering only x >= 0: pixels whose samples are all at x > 0 sum to 1, pixels whose
    # samples are all at x < 0 sum to 0.
    extent = (-1.0, 1.0, 0.0, 1.0)
    mapper = aa.Mapper(aa.mesh.RectangularUniform((4, 4)), grid, extent=extent)
    sums = mapper.mapping_matrix.sum(axis=1)
    x = grid.array[:, 1]
    half = 0.5 * grid.pixel_scales[1]
    np.testing.assert_allclose(sums[x - half > 0], 1.0, atol=2e-14)
    np.testing.assert_allclose(sums[x + half < 0], 0.0, atol=0)


@pytest.mark.parametrize("s", [1, 2, 4])
def test_fine_mapping_matrix_is_the_mean_over_each_fine_cell(grid, s):
    # Independent reference: the bilinear function at every sample, averaged over the
    # (k / s)^2 samples of each fine cell by reshaping the per-pixel sub-block order.
    mesh = aa.mesh.RectangularUniform((5, 6))
    mapper = aa.Mapper(mesh, grid)
    k = 4
    samples = bilinear_function(np.asarray(grid.over_sampled)).reshape(-1, s, k // s, s, k // s)
    expected = samples.mean(axis=(2, 4)).reshape(-1)
    values = bilinear_function(mapper.mesh_grid)
    got = mapper.mapping_matrix_over_sampled_for(s) @ values
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-13)  # (8.9e-16)


def test_native_mapping_matrix_is_the_fine_one_at_s_1_bit_for_bit(grid):
    mapper = aa.Mapper(aa.mesh.RectangularUniform((5, 5)), grid)
    native = mapper.mapping_matrix.toarray()
    assert np.array_equal(native, mapper.mapping_matrix_over_sampled_for(1, dense=True))
    fine = mapper.mapping_matrix_over_sampled_for(2, dense=True)
    np.testing.assert_allclose(
        fine.reshape(grid.shape_slim, 4, -1).mean(axis=1), native, rtol=0, atol=2e-14
    )


def test_adaptive_over_sampling_fine_rows(grid):
    sizes = np.where(np.arange(grid.shape_slim) % 2 == 0, 2, 4)
    adaptive = aa.Grid2D.from_mask(grid.mask, over_sample_size=sizes)
    mapper = aa.Mapper(aa.mesh.RectangularUniform((5, 5)), adaptive)
    fine = mapper.mapping_matrix_over_sampled_for(2)
    values = bilinear_function(mapper.mesh_grid)
    points = np.asarray(adaptive.over_sampled)
    expected = []
    start = 0
    for k in sizes:
        f = bilinear_function(points[start : start + k * k]).reshape(2, k // 2, 2, k // 2)
        expected.append(f.mean(axis=(1, 3)).ravel())
        start += k * k
    np.testing.assert_allclose(fine @ values, np.concatenate(expected), atol=1e-13)  # (8.9e-16)
    np.testing.assert_allclose(fine.sum(axis=1), 1.0, atol=2e-14)


def test_over_sample_size_not_divisible_by_s_raises(grid):
    mapper = aa.Mapper(aa.mesh.RectangularUniform((4, 4)), grid.apply_over_sampling(3))
    with pytest.raises(
        exc.GridException,
        match=r"over_sample_size_pixelization must be a multiple of convolve_over_sample_size=2",
    ):
        mapper.mapping_matrix_over_sampled_for(2)


def test_bad_convolve_size_for_fine_mapping_matrix_raises(grid):
    mapper = aa.Mapper(aa.mesh.RectangularUniform((4, 4)), grid)
    with pytest.raises(TypeError, match="convolve_over_sample_size must be a positive int"):
        mapper.mapping_matrix_over_sampled_for(2.0)
    with pytest.raises(exc.InversionException, match=r"positive int \(>= 1\), got 0"):
        mapper.mapping_matrix_over_sampled_for(0)


def test_bad_extent_raises(grid):
    mesh = aa.mesh.RectangularUniform((4, 4))
    with pytest.raises(
        exc.InversionException,
        match=r"extent must be \(y_min, y_max, x_min, x_max\) with min < max, got "
        r"\(1.0, -1.0, -1.0, 1.0\)",
    ):
        aa.Mapper(mesh, grid, extent=(1.0, -1.0, -1.0, 1.0))


def test_mappings_of_the_wrong_length_raise(grid):
    mapper = aa.Mapper(aa.mesh.RectangularUniform((4, 4)), grid)
    samples = mapper.mappings.shape[0]
    with pytest.raises(
        exc.InversionException,
        match=rf"mappings \({samples - 1}, 4\) and weights \({samples - 1}, 4\) must both be "
        rf"\({samples}, P\): one row per over-sampled point",
    ):
        mapper_util.mapping_matrix_from(
            mapper.mappings[1:], mapper.weights[1:], grid.over_sampler.sub_size, 16
        )


def test_mapper_needs_a_grid():
    with pytest.raises(exc.InversionException, match="needs the pixelization Grid2D"):
        aa.Mapper(aa.mesh.RectangularUniform((4, 4)), np.zeros((10, 2)))


def test_pixelization_checks_its_parts():
    with pytest.raises(exc.InversionException, match="mesh must be a mesh"):
        aa.Pixelization(mesh="rectangular")
    with pytest.raises(exc.InversionException, match="regularization must be a scheme"):
        aa.Pixelization(aa.mesh.RectangularUniform((3, 3)), regularization=1.0)


# --------------------------------------------------------------------------- regularization


def test_constant_regularization_is_the_sum_over_neighbour_pairs():
    rng = np.random.default_rng(7)
    ny, nx, c = 4, 5, 1.7
    mesh = aa.mesh.RectangularUniform((ny, nx))
    H = aa.reg.Constant(coefficient=c).regularization_matrix_from(mesh)
    values = rng.normal(size=ny * nx)
    grid = values.reshape(ny, nx)
    explicit = 0.0
    for j in range(ny):
        for i in range(nx):
            if i + 1 < nx:
                explicit += (grid[j, i] - grid[j, i + 1]) ** 2
            if j + 1 < ny:
                explicit += (grid[j, i] - grid[j + 1, i]) ** 2
    expected = c**2 * explicit + 1e-8 * np.sum(values**2)
    np.testing.assert_allclose(values @ H @ values, expected, rtol=2e-14)  # (1.6e-16)
    np.testing.assert_array_equal(H, H.T)
    assert np.all(np.linalg.eigvalsh(H) > 0)


@pytest.mark.parametrize(
    "coefficient, error, message",
    [
        (-1.0, exc.InversionException, r"finite number >= 0, got -1.0"),
        (float("nan"), exc.InversionException, r"finite number >= 0, got nan"),
        ("1", TypeError, r"real number, got '1' of type str"),
        (True, TypeError, r"real number, got True of type bool"),
    ],
)
def test_bad_coefficient_raises(coefficient, error, message):
    with pytest.raises(error, match=message):
        aa.reg.Constant(coefficient=coefficient)
