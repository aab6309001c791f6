"""
The JAX positive-only solve (``jaxnnls`` active set, then an exact solve on it) against the
brute-force solution of ``min s^T Q s - 2 s^T D, s >= 0``: every active set of a small problem
tried, the one whose solution satisfies the KKT conditions kept.
"""

import itertools

import numpy as np
import pytest

from autoarray.inversion import inversion_util

jax = pytest.importorskip("jax")
jnp = jax.numpy

pytestmark = pytest.mark.usefixtures("enable_x64")


def brute_force_nnls_from(matrix, vector):
    n = vector.size
    for size in range(n + 1):
        for free in itertools.combinations(range(n), size):
            free = list(free)
            s = np.zeros(n)
            if free:
                s[free] = np.linalg.solve(matrix[np.ix_(free, free)], vector[free])
            gradient = matrix @ s - vector
            if np.all(s >= 0) and np.all(gradient[s == 0] >= -1e-12):
                return s
    raise AssertionError("no KKT point")


@pytest.mark.parametrize("seed", range(5))
def test__positive_only_via_jax__equals_the_brute_force_kkt_point(seed):
    rng = np.random.default_rng(seed)
    design = rng.normal(size=(12, 6))
    matrix = design.T @ design + 0.1 * np.eye(6)
    vector = design.T @ rng.normal(size=12)
    expected = brute_force_nnls_from(matrix, vector)
    solution = inversion_util.reconstruction_positive_only_via_jax_from(
        jnp.asarray(matrix), jnp.asarray(vector)
    )
    np.testing.assert_allclose(np.asarray(solution), expected, rtol=1e-10, atol=1e-12)
    assert np.all(np.asarray(solution) >= 0)


def test__positive_only_via_jax__unconstrained_when_nothing_is_active():
    rng = np.random.default_rng(9)
    design = rng.random((20, 4))
    matrix = design.T @ design
    vector = matrix @ np.array([1.0, 2.0, 0.5, 3.0])  # a positive exact solution
    solution = jax.jit(inversion_util.reconstruction_positive_only_via_jax_from)(matrix, vector)
    np.testing.assert_allclose(np.asarray(solution), [1.0, 2.0, 0.5, 3.0], rtol=1e-10)
