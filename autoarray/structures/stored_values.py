"""
``StoredValues``: ndarray-like access to the values a structure stores in ``self._array``.

Arrays and irregular grids are not ndarray subclasses (their values are read-only to callers);
this mixin gives them what scripts use from an ndarray: ``np.array(obj)``, indexing, ``len``,
iteration, ``shape`` / ``dtype``, and the reductions ``sum``, ``max``, ``min``, ``mean``,
``argmax``, ``argmin``, ``std``, ``var``, ``any`` and ``all`` over the stored values (for a slim
``Array2D`` the unmasked pixels; for a native one the whole frame, zeros at masked pixels).
"""

from autoarray.mask.mask_2d import _array_protocol_from

__all__ = ["StoredValues"]


def _reduction(name: str):
    def reduction(self, *args, **kwargs):
        return getattr(self._array, name)(*args, **kwargs)

    reduction.__name__ = name
    reduction.__doc__ = f"``{name}`` of the stored values (``ndarray.{name}`` arguments)."
    return reduction


class StoredValues:
    """Mixin: ndarray-like access to ``self._array`` (see the module docstring)."""

    @property
    def shape(self):
        return tuple(self._array.shape)

    @property
    def dtype(self):
        return self._array.dtype

    def __array__(self, dtype=None, copy=None):
        return _array_protocol_from(self._array, dtype, copy)

    def __getitem__(self, item):
        return self._array[item]

    def __len__(self):
        return self._array.shape[0]

    def __iter__(self):
        return iter(self._array)

    sum = _reduction("sum")
    max = _reduction("max")
    min = _reduction("min")
    mean = _reduction("mean")
    argmax = _reduction("argmax")
    argmin = _reduction("argmin")
    std = _reduction("std")
    var = _reduction("var")
    any = _reduction("any")
    all = _reduction("all")
