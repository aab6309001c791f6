"""
The CSR products of ``csr_util`` against ``scipy.sparse``'s ``@`` (bit-for-bit) and a dense
product; operands it does not take go through ``@``; the fallback when the private routine is
unusable.
"""

import importlib
import sys

import numpy as np
import pytest
import scipy.sparse

from autoarray.operators import csr_util


def operator_from(n_row, n_col, dtype, index_dtype=np.int32, seed=0):
    matrix = scipy.sparse.random_array(
        (n_row, n_col), density=0.3, format="csr", dtype=np.float64, rng=seed
    ).astype(dtype)
    matrix.indices = matrix.indices.astype(index_dtype)
    matrix.indptr = matrix.indptr.astype(index_dtype)
    return matrix


def test_the_installed_scipy_is_called_directly():
    assert csr_util.USES_SPARSETOOLS_DIRECTLY


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("index_dtype", [np.int32, np.int64])
def test_product_is_scipy_bit_for_bit_and_the_dense_product(dtype, index_dtype):
    operator = operator_from(40, 70, dtype, index_dtype)
    vector = np.random.default_rng(1).standard_normal(70).astype(dtype)
    got = csr_util.csr_matvec_from(operator, vector)
    assert got.dtype == dtype
    assert np.array_equal(got, operator @ vector)
    dense = operator.toarray().astype(np.float64) @ vector.astype(np.float64)
    assert np.abs(got - dense).max() < (1e-5 if dtype == np.float32 else 1e-13)


def test_duplicate_entries_are_summed():
    operator = scipy.sparse.csr_array(
        (np.array([1.0, 2.0, 4.0]), np.array([1, 1, 0]), np.array([0, 2, 3])), shape=(2, 2)
    )
    assert np.array_equal(csr_util.csr_matvec_from(operator, np.array([10.0, 100.0])), [300, 40])


@pytest.mark.parametrize(
    "vector",
    [
        np.arange(70, dtype=np.float32),  # another dtype: scipy upcasts
        np.arange(140, dtype=np.float64)[::2],  # not contiguous
        np.arange(70, dtype=np.int64),
    ],
)
def test_other_vectors_go_through_scipy(vector):
    operator = operator_from(40, 70, np.float64)
    got = csr_util.csr_matvec_from(operator, vector)
    expected = operator @ vector
    assert got.dtype == expected.dtype
    assert np.array_equal(got, expected)


def test_other_formats_and_shapes_go_through_scipy():
    operator = operator_from(40, 70, np.float64)
    vector = np.random.default_rng(2).standard_normal(70)
    assert np.array_equal(csr_util.csr_matvec_from(operator.tocsc(), vector), operator @ vector)
    with pytest.raises(ValueError, match="dimension mismatch"):
        csr_util.csr_matvec_from(operator, np.ones(69))


def test_falls_back_to_scipy_when_the_private_module_is_missing(monkeypatch):
    import scipy.sparse as sparse_package

    monkeypatch.delattr(sparse_package, "_sparsetools")
    monkeypatch.setitem(sys.modules, "scipy.sparse._sparsetools", None)
    fallback = importlib.reload(csr_util)
    try:
        assert not fallback.USES_SPARSETOOLS_DIRECTLY
        operator = operator_from(10, 12, np.float64)
        vector = np.random.default_rng(3).standard_normal(12)
        assert np.array_equal(fallback.csr_matvec_from(operator, vector), operator @ vector)
    finally:
        monkeypatch.undo()
        importlib.reload(csr_util)
    assert csr_util.USES_SPARSETOOLS_DIRECTLY


# ------------------------------------------------------------------ sparse x sparse


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_matmat_keeps_the_operators_int32_indices_and_is_scipy_bit_for_bit(dtype):
    operator = operator_from(30, 50, dtype, np.int32, seed=4)
    matrix = operator_from(50, 20, dtype, np.int64, seed=5)
    got = csr_util.csr_matmat_from(operator, matrix)
    expected = operator @ matrix
    # scipy alone widens both operands to int64; given int32 indices it stays int32.
    assert expected.indices.dtype == np.int64
    assert got.indices.dtype == np.int32 and got.indptr.dtype == np.int32
    assert got.dtype == expected.dtype == dtype
    assert np.array_equal(got.toarray(), expected.toarray())
    dense = operator.toarray().astype(np.float64) @ matrix.toarray().astype(np.float64)
    assert np.abs(got.toarray() - dense).max() < (1e-5 if dtype == np.float32 else 1e-13)
    assert matrix.indices.dtype == np.int64  # the caller's matrix is not changed


def test_indices_that_do_not_fit_int32_stay_wide():
    # Decided without the product: csr_matmat allocates work arrays as long as the columns.
    operator = operator_from(4, 3, np.float64, np.int32, seed=6)
    wide = 2**31 + 5
    matrix = scipy.sparse.csr_array(
        (np.array([2.0, 3.0]), np.array([0, wide - 1], dtype=np.int64), np.array([0, 1, 1, 2])),
        shape=(3, wide),
    )
    assert csr_util.narrower_index_dtype_for(operator, matrix) is None
    fits = operator_from(3, 9, np.float64, np.int64, seed=9)
    assert csr_util.narrower_index_dtype_for(operator, fits) == np.int32
    assert csr_util.narrower_index_dtype_for(operator, fits.tocsc()) is None
    assert csr_util.narrower_index_dtype_for(fits, operator) is None  # already narrower
    assert csr_util.narrower_index_dtype_for(operator.toarray(), fits) is None


def test_narrowed_matrix_shares_the_values_or_is_the_matrix_itself():
    operator = operator_from(30, 50, np.float64, np.int32, seed=10)
    wide = operator_from(50, 20, np.float64, np.int64, seed=11)
    narrowed = csr_util.csr_narrowed_for(operator, wide)
    assert narrowed.indices.dtype == np.int32 and narrowed.indptr.dtype == np.int32
    assert np.array_equal(narrowed.toarray(), wide.toarray())
    narrow = operator_from(50, 20, np.float64, np.int32, seed=12)
    assert csr_util.csr_narrowed_for(operator, narrow) is narrow
    dense = wide.toarray()
    assert csr_util.csr_narrowed_for(operator, dense) is dense


def test_matmat_of_a_dense_matrix_is_scipys_product():
    operator = operator_from(30, 50, np.float64, np.int32, seed=13)
    dense = np.random.default_rng(14).standard_normal((50, 4))
    assert np.array_equal(csr_util.csr_matmat_from(operator, dense), operator @ dense)


@pytest.mark.parametrize("to_format", ["tocsc", "tocoo"])
def test_matmat_of_other_formats_goes_through_scipy(to_format):
    operator = operator_from(30, 50, np.float64, np.int32, seed=7)
    matrix = getattr(operator_from(50, 20, np.float64, np.int64, seed=8), to_format)()
    got = csr_util.csr_matmat_from(operator, matrix)
    assert np.array_equal(got.toarray(), (operator @ matrix).toarray())
