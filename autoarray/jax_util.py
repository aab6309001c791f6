"""
Small helpers shared by the JAX paths: recognising JAX arrays without importing JAX, and the
one-time warning that JAX computes in float32 unless 64-bit mode is enabled.
"""

import warnings

__all__ = [
    "is_jax_array",
    "is_bcoo",
    "is_traced",
    "bcoo_from",
    "checked_xp",
    "warn_if_x64_disabled",
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
