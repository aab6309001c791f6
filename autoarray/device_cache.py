"""
A per-object cache of host arrays transferred to the JAX device.

Objects that precompute arrays once (a convolution state, a sparse operator) hand them to JAX code
on every call; transferring them once and keeping the device copy avoids a host-to-device copy per
likelihood evaluation.
"""

__all__ = ["DeviceArrayCache"]


class DeviceArrayCache:
    """
    Device copies of host arrays, keyed by a hashable name.

    Notes
    -----
    ``jax.ensure_compile_time_eval`` makes the transfer concrete even when first requested inside
    ``jax.jit``, so a tracer is never cached and later calls never copy again. JAX is imported on
    first use only: NumPy-only code never needs it.
    """

    def __init__(self):
        self._arrays = {}

    def array_for(self, key, host):
        """
        Return the device copy of ``host`` cached under ``key`` (transferred on first request).

        Parameters
        ----------
        key : hashable
            The name of the array (e.g. ``("rfft", False)``).
        host : numpy.ndarray
            The array to transfer when ``key`` is not cached yet.

        Returns
        -------
        jax.Array
            The cached device array.
        """
        if key not in self._arrays:
            import jax

            with jax.ensure_compile_time_eval():
                self._arrays[key] = jax.device_put(host)
        return self._arrays[key]
