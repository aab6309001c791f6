"""
The CSR products of the NumPy real-space engine, as ``scipy.sparse`` computes them, without the
costs its generic entry points add on every call.

Why
---
``operator @ vector`` on a ``scipy.sparse.csr_array`` checks and converts its operands in Python
(~2 us a call, measured on the benchmark machine whatever the size) before calling the compiled
``csr_matvec`` routine of ``scipy.sparse._sparsetools``. A small-kernel native image in real
space is ~20 us in all, so that is a tenth of it. :func:`csr_matvec_from` calls the routine
directly when the operands are what the engine always passes (a CSR array and a contiguous 1D
vector of the same float dtype); anything else goes through ``@``. Same routine, same
summation order: the results are bit-for-bit those of ``@``.

A sparse x sparse product (the operator times a sparse mapping matrix) runs on the index type of
its widest operand: scipy casts both operands' index arrays to it, on every call. The real-space
operator has int32 indices (millions of them) and mapping matrices built from int64 triplets keep
int64 ones (scipy >= 1.15 sparse arrays preserve the index dtype they are given), so ``@`` copied
the whole operator's indices to int64 on every call (``benchmarks/ab.py`` against the code
before: 12 to 65 % of a 1000-column mapping matrix at s = 4, a few % at s = 1, 2).
:func:`csr_matmat_from` gives the (small) mapping matrix the operator's index type instead
when its values fit; ``@`` then runs the same routine on the same values, so the product is
bit-for-bit that of ``@`` (a test pins it).

``_sparsetools`` is not public API. At import the direct call is checked against ``@`` on a small
matrix (float64 and float32, int32 indices, a duplicate entry); if it is missing, its signature
changed or a result differs, :data:`USES_SPARSETOOLS_DIRECTLY` is False and every product uses
``@``.
"""

import numpy as np
import scipy.sparse

__all__ = [
    "csr_matvec_from",
    "csr_matmat_from",
    "csr_narrowed_for",
    "narrower_index_dtype_for",
    "USES_SPARSETOOLS_DIRECTLY",
]


def _public_matvec_from(operator, vector):
    return operator @ vector


def _direct_matvec_or_none():
    """:func:`csr_matvec_from` calling ``csr_matvec`` directly, or None if it does not match."""
    try:
        from scipy.sparse import _sparsetools

        csr_matvec = _sparsetools.csr_matvec

        def direct_matvec_from(operator, vector):
            dtype = operator.data.dtype
            if (
                type(vector) is not np.ndarray
                or vector.dtype != dtype
                or vector.ndim != 1
                or not vector.flags.c_contiguous
                or operator.format != "csr"
            ):
                return operator @ vector
            n_row, n_col = operator.shape
            if vector.shape[0] != n_col:
                return operator @ vector  # scipy's own shape error
            out = np.zeros(n_row, dtype=dtype)
            csr_matvec(n_row, n_col, operator.indptr, operator.indices, operator.data, vector, out)
            return out

        rng = np.random.default_rng(0)
        for dtype in (np.float64, np.float32):
            data = rng.standard_normal(7).astype(dtype)
            indices = np.array([0, 3, 3, 1, 4, 2, 0], dtype=np.int32)  # row 0 holds a duplicate
            indptr = np.array([0, 3, 3, 5, 7], dtype=np.int32)
            operator = scipy.sparse.csr_array((data, indices, indptr), shape=(4, 5))
            vector = rng.standard_normal(5).astype(dtype)
            expected = operator @ vector
            got = direct_matvec_from(operator, vector)
            if got.dtype != expected.dtype or not np.array_equal(got, expected):
                return None
        return direct_matvec_from
    except Exception:  # noqa: BLE001 - any failure of a private API means: use the public one
        return None


_DIRECT = _direct_matvec_or_none()

#: Whether :func:`csr_matvec_from` calls ``scipy.sparse._sparsetools`` directly (else ``@``).
USES_SPARSETOOLS_DIRECTLY = _DIRECT is not None

csr_matvec_from = _DIRECT if USES_SPARSETOOLS_DIRECTLY else _public_matvec_from
csr_matvec_from.__doc__ = """
``operator @ vector``: the product of a ``scipy.sparse`` matrix and a NumPy vector. A CSR
``operator`` with a contiguous 1D ``vector`` of its dtype skips scipy.sparse's dispatch (see the
module docstring); other operands go through ``@`` unchanged.
"""


def narrower_index_dtype_for(operator, matrix):
    """
    The index dtype ``matrix`` can take on to match ``operator``'s, or None to leave it.

    Parameters
    ----------
    operator : scipy.sparse.sparray or scipy.sparse.spmatrix
        The left operand of a product.
    matrix : scipy.sparse.sparray or scipy.sparse.spmatrix
        The right operand.

    Returns
    -------
    numpy.dtype or None
        ``operator``'s index dtype if ``matrix`` is CSR with wider index arrays and its shape
        and number of non-zeros fit that dtype; else None.
    """
    indices = getattr(operator, "indices", None)
    if indices is None or getattr(matrix, "format", None) != "csr":
        return None
    index_dtype = indices.dtype
    if matrix.indices.dtype.itemsize <= index_dtype.itemsize:
        return None
    if max(max(matrix.shape), matrix.nnz) > np.iinfo(index_dtype).max:
        return None
    return index_dtype


def csr_narrowed_for(operator, matrix):
    """
    ``matrix`` with ``operator``'s index dtype where :func:`narrower_index_dtype_for` allows it,
    else ``matrix`` itself.

    Parameters
    ----------
    operator : scipy.sparse.sparray or scipy.sparse.spmatrix
        The (large) operand whose index arrays should not be widened.
    matrix : scipy.sparse.sparray or scipy.sparse.spmatrix or numpy.ndarray
        The (small) operand.

    Returns
    -------
    scipy.sparse.csr_array or the type of ``matrix``
        A new CSR array sharing ``matrix``'s data, with index arrays cast to the operator's
        dtype; or ``matrix`` unchanged.
    """
    index_dtype = narrower_index_dtype_for(operator, matrix)
    if index_dtype is None:
        return matrix
    return scipy.sparse.csr_array(
        (matrix.data, matrix.indices.astype(index_dtype), matrix.indptr.astype(index_dtype)),
        shape=matrix.shape,
    )


def csr_matmat_from(operator, matrix):
    """
    ``operator @ matrix`` for a ``scipy.sparse`` ``operator``, without widening the operator's
    index arrays.

    Parameters
    ----------
    operator : scipy.sparse.csr_array
        The (large) left operand, typically the real-space operator (int32 indices).
    matrix : scipy.sparse.sparray or scipy.sparse.spmatrix or numpy.ndarray
        The (small) right operand, a mapping matrix.

    Returns
    -------
    scipy.sparse.sparray or numpy.ndarray
        ``operator @ matrix``, bit-for-bit: only the index type of ``matrix``'s copy changes
        (:func:`csr_narrowed_for`); operands it does not narrow go to ``@`` unchanged.
    """
    return operator @ csr_narrowed_for(operator, matrix)
