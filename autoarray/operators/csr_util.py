"""
The CSR matrix-vector product of the NumPy real-space engine, as ``scipy.sparse`` computes it,
without its per-call dispatch.

Why
---
``operator @ vector`` on a ``scipy.sparse.csr_array`` checks and converts its operands in Python
(~2 us a call, measured on the benchmark machine whatever the size) before calling the compiled
``csr_matvec`` routine of ``scipy.sparse._sparsetools``. A small-kernel native image in real
space is ~20 us in all, so that is a tenth of it. :func:`csr_matvec_from` calls the routine
directly when the operands are what the engine always passes (a CSR array and a contiguous 1D
vector of the same float dtype); anything else goes through ``@``. Same routine, same
summation order: the results are bit-for-bit those of ``@``.

``_sparsetools`` is not public API. At import the direct call is checked against ``@`` on a small
matrix (float64 and float32, int32 indices, a duplicate entry); if it is missing, its signature
changed or a result differs, :data:`USES_SPARSETOOLS_DIRECTLY` is False and every product uses
``@``.
"""

import numpy as np
import scipy.sparse

__all__ = ["csr_matvec_from", "USES_SPARSETOOLS_DIRECTLY"]


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
