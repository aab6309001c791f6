"""Values at irregular points (no mask, no pixels): what light profiles return on a ``Grid2DIrregular``."""

import numpy as np
from numpy.lib.mixins import NDArrayOperatorsMixin

from autoarray import exc
from autoarray.structures.stored_values import StoredValues

__all__ = ["ArrayIrregular"]


def _is_jax_array(values) -> bool:
    return type(values).__module__.startswith(("jax", "jaxlib"))


class ArrayIrregular(StoredValues, NDArrayOperatorsMixin):
    """
    A 1D array of values, one per point of a :class:`autoarray.Grid2DIrregular`.

    Parameters
    ----------
    values : array_like
        The (N,) values. A list or NumPy array is copied and made read-only; a JAX array is
        kept as it is (so traced values pass through).

    Raises
    ------
    ArrayException
        If ``values`` is not 1D or not numeric.

    Notes
    -----
    Arithmetic and NumPy ufuncs (``a + b``, ``np.log(a)``) act element-wise and return an
    ``ArrayIrregular`` when the result keeps the shape; with a JAX operand they run in
    ``jax.numpy``. ``slim`` and ``native`` are the array itself (there is no 2D frame).
    """

    def __init__(self, values):
        if isinstance(values, ArrayIrregular):
            values = values.array
        if not _is_jax_array(values):
            values = np.array(values)
            if values.dtype.kind not in "iufb":
                raise exc.ArrayException(
                    f"ArrayIrregular values must be numeric, got dtype {values.dtype}."
                )
            values.setflags(write=False)
        if values.ndim != 1:
            raise exc.ArrayException(
                f"ArrayIrregular needs 1D values (one per point), got shape {tuple(values.shape)}."
            )
        self._array = values

    @property
    def array(self):
        """The stored (N,) values."""
        return self._array

    @property
    def slim(self) -> "ArrayIrregular":
        return self

    @property
    def native(self) -> "ArrayIrregular":
        return self

    @property
    def in_list(self) -> list:
        """The values as a list of Python numbers."""
        return [v.item() for v in np.asarray(self._array)]

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method != "__call__" or "out" in kwargs:
            return NotImplemented
        raw = [x.array if isinstance(x, ArrayIrregular) else x for x in inputs]
        if any(_is_jax_array(x) for x in raw):
            import jax.numpy as jnp

            result = getattr(jnp, ufunc.__name__)(*raw, **kwargs)
        else:
            result = ufunc(*raw, **kwargs)
        if getattr(result, "shape", None) == self.shape:
            return ArrayIrregular(result)
        return result

    def __repr__(self):
        return f"ArrayIrregular({np.asarray(self._array)!r})"
