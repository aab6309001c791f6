"""
Shared references of the inversion tests: a dense brute-force PSF operator built from
``scipy.signal.convolve2d`` (independent of the library's polyphase / FFT / sparse engines), an
explicit gradient regularization matrix (JAX double precision: the root conftest's ``enable_x64``).
"""

import numpy as np
import pytest
import scipy.signal


def brute_force_operator_from(mask, kernel, s):
    """
    Dense (N, N s^2) ``K``: every fine pixel of the mask (per-pixel sub-block order) as a unit
    image on the fine frame, ``convolve2d`` with the (odd) fine kernel, the ``s x s`` block mean,
    read at the mask's pixels.
    """
    ny, nx = mask.shape_native
    inside = ~np.asarray(mask.array)
    columns = []
    for y, x in np.argwhere(inside):
        for a in range(s):
            for b in range(s):
                fine = np.zeros((ny * s, nx * s))
                fine[y * s + a, x * s + b] = 1.0
                blurred = scipy.signal.convolve2d(fine, kernel, mode="same")
                columns.append(blurred.reshape(ny, s, nx, s).mean(axis=(1, 3))[inside])
    return np.stack(columns, axis=1)


def explicit_regularization_matrix_from(shape, coefficient, diagonal=1e-8):
    """``coefficient^2 B^T B + diagonal I`` with one row of ``B`` per neighbour pair, by loops."""
    ny, nx = shape
    rows = []
    for j in range(ny):
        for i in range(nx):
            for dj, di in ((0, 1), (1, 0)):
                if j + dj < ny and i + di < nx:
                    row = np.zeros(ny * nx)
                    row[j * nx + i] = 1.0
                    row[(j + dj) * nx + i + di] = -1.0
                    rows.append(row)
    b = np.array(rows)
    return coefficient**2 * b.T @ b + diagonal * np.eye(ny * nx)


@pytest.fixture(name="brute_force_operator", scope="session")
def make_brute_force_operator():
    """:func:`brute_force_operator_from`."""
    return brute_force_operator_from


@pytest.fixture(name="explicit_regularization_matrix", scope="session")
def make_explicit_regularization_matrix():
    """:func:`explicit_regularization_matrix_from`."""
    return explicit_regularization_matrix_from
