"""
Mapping-matrix routes of the convolution core: the JAX tap route for sparse (BCOO) columns, the
JAX FFT engine in column blocks, and NumPy's routing of dense matrices by a sampled density.

Reference: every column placed on the fine frame (mask and blurring region), ``convolve2d``
with the odd fine kernel, the ``s x s`` block mean read at the mask's pixels (the root
conftest's ``fine_frame_blurred``), independent of the library's engines.
"""

import numpy as np
import pytest
import scipy.sparse

import autoarray as aa
from autoarray.operators import convolver as convolver_module
from autoarray.operators import convolver_util

jax = pytest.importorskip("jax")
jnp = jax.numpy
jax_sparse = pytest.importorskip("jax.experimental.sparse")


# The root conftest's fixture: double precision for each test, JAX's setting restored after.
pytestmark = pytest.mark.usefixtures("enable_x64")


def scene_from(s, kernel_shape=(5, 5), n_src=7, seed=3):
    rng = np.random.default_rng(seed)
    mask = aa.Mask2D.circular((14, 13), 0.45, 0.1)
    kernel = rng.random(kernel_shape)
    kernel /= kernel.sum()
    psf = aa.Convolver.no_mask(kernel, 0.1 / s, convolve_over_sample_size=s)
    state = psf.state_from(mask)
    psf = psf.with_state(state)
    n_rows = mask.pixels_in_mask * s * s
    n_blur = state.pixels_in_blurring_mask * s * s
    matrix = scipy.sparse.random_array((n_rows, n_src), density=0.2, random_state=rng, format="csr")
    blurring = scipy.sparse.random_array(
        (n_blur, n_src), density=0.2, random_state=rng, format="csr"
    )
    return mask, kernel, state, psf, matrix, blurring


def brute_force_from(state, kernel, s, matrix, blurring, fine_frame_blurred):
    """(N, n_src): each column on the fine frame, convolve2d, block mean, mask pixels."""
    mask = state.mask
    fine_index = state.fine_native_index_for_sub_slim
    values = np.vstack([matrix.toarray(), blurring.toarray()])
    ny, nx = mask.shape_native
    out = []
    for column in values.T:
        frame = np.zeros((ny * s, nx * s))
        frame[fine_index[:, 0], fine_index[:, 1]] = column
        out.append(fine_frame_blurred(frame, kernel, s)[~mask.array])
    return np.stack(out, axis=1)


@pytest.mark.parametrize("s", [1, 2, 3])
def test__jax_tap_route_of_bcoo_columns__equals_brute_force(s, fine_frame_blurred):
    mask, kernel, state, psf, matrix, blurring = scene_from(s, kernel_shape=(2 * s + 3,) * 2)
    expected = brute_force_from(state, kernel, s, matrix, blurring, fine_frame_blurred)
    bcoo = jax_sparse.BCOO.from_scipy_sparse(matrix)
    blurring_bcoo = jax_sparse.BCOO.from_scipy_sparse(blurring)
    taps = aa.Convolver(psf.kernel, state=state, use_fft=False, convolve_over_sample_size=s)
    out = jax.jit(lambda m, b: taps.convolved_mapping_matrix_from(m, mask, b, xp=jnp))(
        bcoo, blurring_bcoo
    )
    np.testing.assert_allclose(np.asarray(out), expected, rtol=0, atol=1e-14)
    # scipy.sparse inputs under JAX take the same route.
    out_scipy = taps.convolved_mapping_matrix_from(matrix, mask, blurring, xp=jnp)
    np.testing.assert_allclose(np.asarray(out_scipy), expected, rtol=0, atol=1e-14)


def test__tap_route_ignores_bcoo_padding_and_is_differentiable():
    s = 2
    mask, kernel, state, psf, matrix, _ = scene_from(s)
    bcoo = jax_sparse.BCOO.from_scipy_sparse(matrix)
    n_rows = bcoo.shape[0]
    # Padding entries (BCOO's out-of-range index convention) must add nothing.
    padded = jax_sparse.BCOO(
        (
            jnp.concatenate([bcoo.data, jnp.array([5.0, 7.0])]),
            jnp.concatenate([bcoo.indices, jnp.array([[n_rows, 0], [n_rows, 3]])]),
        ),
        shape=bcoo.shape,
    )
    taps = aa.Convolver(psf.kernel, state=state, use_fft=False, convolve_over_sample_size=s)
    out = taps.convolved_mapping_matrix_from(padded, mask, xp=jnp)
    reference = psf.convolved_mapping_matrix_from(matrix, mask)
    np.testing.assert_allclose(np.asarray(out), reference, rtol=0, atol=1e-14)

    # d sum(out * w) / d values = (K^T w)[row, col]: the adjoint of the FFT engine.
    w = np.random.default_rng(0).normal(size=reference.shape)

    def objective(data):
        columns = jax_sparse.BCOO((data, bcoo.indices), shape=bcoo.shape)
        return jnp.sum(taps.convolved_mapping_matrix_from(columns, mask, xp=jnp) * w)

    grad = jax.grad(objective)(bcoo.data)
    adjoint = state.adjoint_columns_from(w, n_inputs=n_rows)
    rows, cols = np.asarray(bcoo.indices).T
    np.testing.assert_allclose(np.asarray(grad), adjoint[rows, cols], rtol=1e-12, atol=1e-14)


def test__tap_tables__list_every_nonzero_weight_once():
    s = 2
    _, kernel, state, _, _, _ = scene_from(s)
    index, weights = state.tap_tables_for(np)
    assert index.dtype == np.int32 and weights.shape[0] == s * s
    # Summed over taps, each phase's weights are its polyphase kernel's total.
    np.testing.assert_allclose(
        weights.sum(axis=1), state.polyphase_kernels.reshape(s * s, -1).sum(axis=1)
    )
    assert index.max() == state.pixels_in_mask  # "not an output" marker present
    assert state.tap_tables_for(np) is state.tap_tables_for(np)  # built once


def test__jax_routes__by_measured_work():
    s = 2
    mask, _, state, psf, matrix, _ = scene_from(s)
    sparse_values = state.mapping_values_from(jax_sparse.BCOO.from_scipy_sparse(matrix), None, jnp)
    dense_values = state.mapping_values_from(jnp.asarray(matrix.toarray()), None, jnp)
    taps = state.tap_tables_for(np)[0].shape[1]
    py, px = state.fft_shape
    fft_work = matrix.shape[1] * (s * s + 1) * py * px
    expected = sparse_values.nse * taps > convolver_module.JAX_TAP_UPDATES_PER_FFT_POINT * fft_work
    assert state.uses_fft_for(sparse_values, None, jnp) == expected
    assert state.uses_fft_for(dense_values, None, jnp)  # a dense JAX matrix: FFT
    assert state.uses_fft_for(sparse_values, True, jnp)  # forced
    # Forced FFT on BCOO columns densifies them: same numbers.
    forced = aa.Convolver(psf.kernel, state=state, use_fft=True, convolve_over_sample_size=s)
    np.testing.assert_allclose(
        np.asarray(forced.convolved_mapping_matrix_from(matrix, mask, xp=jnp)),
        psf.convolved_mapping_matrix_from(matrix, mask),
        rtol=0,
        atol=1e-14,
    )


def test__jax_fft_engine_in_column_blocks__equals_one_block(monkeypatch):
    s = 2
    mask, _, state, psf, matrix, _ = scene_from(s, n_src=11)
    dense = jnp.asarray(matrix.toarray())
    whole = psf.convolved_mapping_matrix_from(dense, mask, xp=jnp)
    py, px = state.fft_shape
    # Three columns per block: blocks of 3, 3, 3 and a last one starting at column 8.
    monkeypatch.setattr(
        convolver_module, "JAX_FFT_MAX_CHUNK_BYTES", 3 * (s * s + 1) * py * px * 2 * 8
    )
    blocked = jax.jit(lambda m: psf.convolved_mapping_matrix_from(m, mask, xp=jnp))(dense)
    np.testing.assert_allclose(np.asarray(blocked), np.asarray(whole), rtol=0, atol=1e-15)


def test__columns_in_blocks__covers_every_column_once():
    values = jnp.arange(20.0).reshape(2, 10)
    out = convolver_util.columns_in_blocks_from(lambda c: 2.0 * c[:1], values, 1, 4)
    np.testing.assert_array_equal(np.asarray(out), 2.0 * np.arange(10.0)[None, :])


@pytest.mark.parametrize(
    "n_col, block, expected", [(10, 6, 5), (10, 4, 4), (11, 3, 3), (1000, 512, 500)]
)
def test__columns_in_blocks__makes_the_fewest_equal_blocks(n_col, block, expected):
    seen = []

    def doubled(columns):
        seen.append(columns.shape[1])
        return 2.0 * columns[:1]

    values = jnp.arange(2.0 * n_col).reshape(2, n_col)
    out = convolver_util.columns_in_blocks_from(doubled, values, 1, block)
    assert set(seen) == {expected}  # one block width (traced once per shape)
    np.testing.assert_array_equal(np.asarray(out), 2.0 * np.arange(n_col)[None, :])


def test__sparse_mapping_matrix_with_dense_blurring_rows__raises_under_jax():
    s = 1
    mask, _, state, psf, matrix, blurring = scene_from(s)
    with pytest.raises(aa.exc.KernelException, match="blurring mapping matrix is a dense"):
        psf.convolved_mapping_matrix_from(
            jax_sparse.BCOO.from_scipy_sparse(matrix),
            mask,
            jnp.asarray(blurring.toarray()),
            xp=jnp,
        )


@pytest.mark.parametrize("s", [1, 2])
def test__numpy_dense_input__sparse_ones_take_the_sparse_operator(s, monkeypatch):
    mask, _, state, psf, matrix, _ = scene_from(s, n_src=300, seed=5)
    # Three non-zeros per row out of 300 columns: sampled density 0.01, well under the margin.
    rng = np.random.default_rng(2)
    dense = np.zeros(matrix.shape)
    for row in range(dense.shape[0]):
        dense[row, rng.choice(300, 3, replace=False)] = rng.random(3)
    before = dense.copy()
    calls = []
    original = convolver_module._csr_of_dense_from
    monkeypatch.setattr(
        convolver_module,
        "_csr_of_dense_from",
        lambda m: calls.append(m.shape) or original(m),
    )
    out = psf.convolved_mapping_matrix_from(dense, mask)
    assert calls == [dense.shape]  # one conversion, no dense scan of the stacked matrix
    np.testing.assert_array_equal(dense, before)  # the caller's matrix is not touched
    expected = psf.convolved_mapping_matrix_from(scipy.sparse.csr_array(dense), mask)
    np.testing.assert_array_equal(out, expected)
    fft = aa.Convolver(psf.kernel, state=state, use_fft=True, convolve_over_sample_size=s)
    np.testing.assert_allclose(out, fft.convolved_mapping_matrix_from(dense, mask), atol=1e-14)


def test__numpy_dense_input__dense_ones_go_straight_to_fft(monkeypatch):
    s = 2
    mask, _, state, psf, matrix, _ = scene_from(s)
    dense = np.random.default_rng(1).random(matrix.shape)  # every entry non-zero
    monkeypatch.setattr(
        convolver_module,
        "_csr_of_dense_from",
        lambda m: pytest.fail("a dense matrix was scanned for its non-zeros"),
    )
    assert state.uses_fft_for(state.mapping_values_from(dense, None, np), None, np)
    out = psf.convolved_mapping_matrix_from(dense, mask)
    reference = state.real_space_operator @ np.vstack(
        [dense, np.zeros((state.pixels_in_blurring_mask * s * s, dense.shape[1]))]
    )
    np.testing.assert_allclose(out, reference, rtol=0, atol=1e-13)


def test__csr_of_dense__equals_scipy():
    dense = np.zeros((7, 5))
    dense[[0, 0, 3, 6], [1, 4, 2, 0]] = [1.5, -2.0, 3.0, 4.0]
    csr = convolver_module._csr_of_dense_from(dense)
    np.testing.assert_array_equal(csr.toarray(), dense)
    assert csr.nnz == 4
