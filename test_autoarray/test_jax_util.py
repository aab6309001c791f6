"""
``jax_util.after``: the data dependence that makes an inversion's LAPACK calls run one at a
time under JAX (two batched LAPACK calls at once can deadlock jaxlib's CPU thread pool).
"""

import numpy as np
import pytest

from autoarray import jax_util

jax = pytest.importorskip("jax")
jnp = jax.numpy

pytestmark = pytest.mark.usefixtures("enable_x64")


def test__after_none__returns_the_values_themselves():
    values = (jnp.ones(3), jnp.zeros((2, 2)))
    assert jax_util.after(values, None) is values


def test__after__leaves_values_and_gradients_unchanged():
    a = jnp.array([[4.0, 1.0], [1.0, 3.0]])

    def f(x):
        first = jnp.linalg.cholesky(a * x)
        (second,) = jax_util.after((a * x**2,), first)
        return jnp.sum(jnp.linalg.cholesky(second))

    def reference(x):
        return jnp.sum(jnp.linalg.cholesky(a * x**2))

    for x in (0.7, 1.3):
        np.testing.assert_array_equal(jax.jit(f)(x), reference(x))
        np.testing.assert_array_equal(jax.jit(jax.grad(f))(x), jax.grad(reference)(x))
    batch = jnp.array([0.7, 1.3, 2.0])
    np.testing.assert_array_equal(jax.jit(jax.vmap(f))(batch), jax.vmap(reference)(batch))


def test__after__is_a_real_data_dependence_that_the_compiler_keeps():
    # A NaN in `previous` reaches the result only through the data flow that orders the two
    # computations: were it folded away (or only an optimization barrier, which XLA's CPU
    # runtime does not order by), the result would be finite.
    compiled = jax.jit(lambda values, previous: jax_util.after(values, previous))
    out = compiled((jnp.ones(3),), jnp.array([np.nan, 1.0]))
    assert np.all(np.isnan(out[0]))
    out = compiled((jnp.ones(3),), jnp.array([5.0, 1.0]))
    np.testing.assert_array_equal(out[0], np.ones(3))
