"""
The mapper under JAX: four non-zeros per light sample (a BCOO of fixed shape) whose sum is the
NumPy mapper's CSR matrix, a concrete (NumPy-interpolated) mapper for a NumPy extent, and the
checks of a JAX extent.
"""

import numpy as np
import pytest

import autoarray as aa

jax = pytest.importorskip("jax")
jnp = jax.numpy

pytestmark = pytest.mark.usefixtures("enable_x64")


def grid_from(sub_size):
    mask = aa.Mask2D.circular((10, 10), 0.35, 0.1)
    return aa.Grid2D.from_mask(mask, over_sample_size=sub_size)


@pytest.mark.parametrize("sub_size, s", [(4, 1), (4, 2), (4, 4), (6, 3)])
def test__jax_mapping_matrix__has_four_nonzeros_per_sample_and_equals_numpy(sub_size, s):
    grid = grid_from(sub_size)
    pixelization = aa.Pixelization(mesh=aa.mesh.RectangularUniform((5, 4)))
    numpy_mapper = pixelization.mapper_from(grid)
    jax_mapper = pixelization.mapper_from(grid, xp=jnp)
    assert jax_mapper.is_concrete
    matrix = jax_mapper.mapping_matrix_over_sampled_for(s)
    samples = grid.shape_slim * sub_size**2
    assert type(matrix).__name__ == "BCOO" and matrix.nse == 4 * samples
    np.testing.assert_allclose(
        np.asarray(matrix.todense()),
        numpy_mapper.mapping_matrix_over_sampled_for(s).toarray(),
        rtol=0,
        atol=1e-15,
    )
    np.testing.assert_array_equal(
        jax_mapper.host_mapping_matrix_over_sampled_for(s).toarray(),
        numpy_mapper.mapping_matrix_over_sampled_for(s).toarray(),
    )


def test__traced_extent__keeps_the_shapes_and_the_values():
    grid = grid_from(4)
    mesh = aa.mesh.RectangularUniform((5, 4))
    extent = np.array(mesh.extent_from(np.asarray(grid.over_sampled))) * 1.1
    expected = aa.Mapper(mesh, grid, extent=tuple(extent)).mapping_matrix_over_sampled_for(2)

    @jax.jit
    def dense(values):
        mapper = aa.Mapper(mesh, grid, extent=tuple(values[i] for i in range(4)), xp=jnp)
        return mapper.mapping_matrix_over_sampled_for(2, dense=True)

    np.testing.assert_allclose(
        np.asarray(dense(jnp.asarray(extent))), expected.toarray(), atol=1e-15
    )


def test__jax_extent_of_the_wrong_length__raises():
    with pytest.raises(
        aa.exc.InversionException,
        match=r"extent must be \(y_min, y_max, x_min, x_max\), got 3 values",
    ):
        aa.Mapper(
            aa.mesh.RectangularUniform((3, 3)), grid_from(2), extent=tuple(jnp.ones(3)), xp=jnp
        )


def test__mapper_without_regularization__has_no_regularization_terms():
    mapper = aa.Pixelization(mesh=aa.mesh.RectangularUniform((3, 3))).mapper_from(grid_from(2))
    assert mapper.xp is np and mapper.regularization_matrix is None
    assert mapper.log_det_regularization_matrix is None
