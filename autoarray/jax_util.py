"""
Small helpers shared by the JAX paths: recognising JAX arrays without importing JAX, the
one-time warning that JAX computes in float32 unless 64-bit mode is enabled, and the data
dependence (:func:`after`) that runs an inversion's LAPACK calls one at a time.
"""

import warnings

__all__ = [
    "is_jax_array",
    "is_bcoo",
    "is_traced",
    "bcoo_from",
    "checked_xp",
    "warn_if_x64_disabled",
    "after",
]

_warned_x64 = False


def is_jax_array(value) -> bool:
    """True for JAX arrays and tracers (checked by module name: JAX is never imported here)."""
    return type(value).__module__.startswith(("jax", "jaxlib"))


def is_bcoo(value) -> bool:
    """True for a ``jax.experimental.sparse.BCOO`` matrix (JAX is never imported here)."""
    return type(value).__name__ == "BCOO" and type(value).__module__.startswith("jax")


def checked_xp(xp):
    """
    Return ``xp`` if it is ``numpy`` or ``jax.numpy``.

    Raises
    ------
    TypeError
        For any other module or object (naming it).
    """
    import numpy as np

    if xp is np:
        return xp
    if getattr(xp, "__name__", None) == "jax.numpy":
        import jax.numpy as jnp

        if xp is jnp:
            return xp
    raise TypeError(
        f"xp must be numpy or jax.numpy, got {getattr(xp, '__name__', xp)!r}; pass xp=numpy "
        "(default) or xp=jax.numpy."
    )


def bcoo_from(matrix):
    """
    Return a ``jax.experimental.sparse.BCOO`` of a BCOO (unchanged), a ``scipy.sparse`` matrix
    or a concrete dense 2D array (its non-zeros).
    """
    import numpy as np
    import scipy.sparse
    from jax.experimental import sparse as jax_sparse

    if is_bcoo(matrix):
        return matrix
    if scipy.sparse.issparse(matrix):
        return jax_sparse.BCOO.from_scipy_sparse(scipy.sparse.coo_array(matrix))
    return jax_sparse.BCOO.fromdense(np.asarray(matrix))


def is_traced(value) -> bool:
    """
    True for a JAX tracer (a value inside ``jax.jit``, ``jax.grad`` or ``jax.vmap``), whose
    numbers cannot be inspected; False for concrete arrays and plain numbers.
    """
    return is_jax_array(value) and "Tracer" in type(value).__name__


def warn_if_x64_disabled():
    """
    Warn once per process, on the first JAX computation, if ``jax_enable_x64`` is off.

    Without 64-bit mode JAX silently computes in float32: a log-likelihood of a few thousand
    pixels is then off by ~1e-3 and gradients by ~1e-6 relative, while NumPy computes in float64.
    """
    global _warned_x64
    if _warned_x64:
        return
    import jax

    if not jax.config.read("jax_enable_x64"):
        _warned_x64 = True
        warnings.warn(
            "JAX is running in float32 (jax_enable_x64 is off): results differ from NumPy's "
            "float64 by ~1e-3 in a log-likelihood and ~1e-6 in gradients. Enable 64-bit mode "
            'before any JAX array is created: jax.config.update("jax_enable_x64", True) (or set '
            "the environment variable JAX_ENABLE_X64=1).",
            UserWarning,
            stacklevel=3,
        )


def after(values, previous):
    """
    Return ``values`` (a pytree of JAX float arrays) made to depend on ``previous`` (a JAX
    array), so that XLA computes ``previous`` first; ``values`` unchanged if ``previous`` is
    None.

    Notes
    -----
    Used to run the LAPACK calls of one likelihood evaluation (Cholesky factorisations,
    triangular solves) one after another. Under ``jax.vmap`` they become batched LAPACK calls,
    which jaxlib's CPU backend (seen with jaxlib 0.10.2) splits over its intra-op thread pool and
    then waits for, on a worker of that same pool. Two such calls that XLA runs at the same time
    on a pool of two workers (a 2-core machine) each wait for tasks that no free worker is left
    to run: the evaluation hangs, every thread idle.

    The dependence must be a real data flow: XLA's CPU runtime orders its operations by the
    buffers they read and write, so ``jax.lax.optimization_barrier`` alone does not order them.
    Each value gets ``0 * p`` added, with ``p`` one element of ``previous`` (gradient stopped):
    XLA does not fold ``x * 0`` for floats (it is NaN for an infinite ``x``). Values and
    gradients are unchanged, except that a NaN in ``previous`` (a failed factorisation, whose
    evaluation is NaN anyway) propagates.
    """
    if previous is None:
        return values
    import jax

    zero = 0.0 * jax.lax.stop_gradient(previous.ravel()[0])
    return jax.tree_util.tree_map(lambda value: value + zero.astype(value.dtype), values)
