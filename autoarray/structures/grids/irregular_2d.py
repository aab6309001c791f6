"""(y, x) points that are not pixels of a mask, e.g. positions where a light profile is wanted."""

import numpy as np

from autoarray import exc
from autoarray.structures.arrays.irregular import ArrayIrregular
from autoarray.structures.stored_values import StoredValues

__all__ = ["Grid2DIrregular"]


class _PointSampler:
    """
    The "over-sampler" of irregular points: each point is its own single sample, so binning
    returns the values unchanged (as an :class:`ArrayIrregular`).
    """

    def __init__(self, total: int):
        self.sub_total = total

    def binned_array_2d_from(self, array, xp=np) -> ArrayIrregular:
        values = array.array if hasattr(array, "array") else array
        if values.shape[0] != self.sub_total:
            raise exc.GridException(
                f"binned_array_2d_from expects {self.sub_total} values (one per point), got "
                f"{values.shape[0]}."
            )
        return ArrayIrregular(values)


class Grid2DIrregular(StoredValues):
    """
    A list of (y, x) arcsec points with no mask and no pixels.

    ``light.image_2d_from(grid=Grid2DIrregular(...))`` (light profiles, galaxies) returns the
    surface brightness *at* the points as an :class:`ArrayIrregular`: no over-sampling and no
    binning.

    Parameters
    ----------
    values : array_like
        (N, 2) points, e.g. ``[(0.0, 1.0), (0.5, -0.2)]``. They are copied and made read-only.

    Raises
    ------
    GridException
        If ``values`` is not an (N, 2) array of finite numbers.

    Notes
    -----
    Blurred images (``blurred_image_2d_from`` and the like) need pixels and a PSF footprint, so
    they refuse irregular grids: use a :class:`Grid2D`.
    """

    def __init__(self, values):
        if isinstance(values, Grid2DIrregular):
            values = values.array
        try:
            points = np.array(values, dtype=np.float64)
        except (TypeError, ValueError):
            raise exc.GridException(
                f"Grid2DIrregular needs (N, 2) (y, x) numbers, got {values!r}."
            ) from None
        if points.ndim != 2 or points.shape[1] != 2:
            raise exc.GridException(
                f"Grid2DIrregular needs (N, 2) (y, x) points, got an array of shape "
                f"{points.shape}; pass e.g. [(0.0, 1.0), (0.5, -0.2)]."
            )
        if not np.all(np.isfinite(points)):
            raise exc.GridException(
                f"Grid2DIrregular got non-finite coordinates: {points[~np.isfinite(points).all(1)]}."
            )
        points.setflags(write=False)
        self._array = points
        self.over_sampler = _PointSampler(points.shape[0])

    @property
    def array(self) -> np.ndarray:
        """The (N, 2) points."""
        return self._array

    @property
    def slim(self) -> "Grid2DIrregular":
        return self

    @property
    def native(self) -> "Grid2DIrregular":
        return self

    @property
    def over_sampled(self) -> np.ndarray:
        """The points themselves: light is evaluated once per point."""
        return self._array

    @property
    def in_list(self) -> list:
        """The points as a list of ``(y, x)`` tuples."""
        return [(float(y), float(x)) for y, x in self._array]

    def distances_to_coordinate_from(self, coordinate=(0.0, 0.0)) -> ArrayIrregular:
        """The arcsec distance of every point from ``coordinate``."""
        return ArrayIrregular(
            np.hypot(self._array[:, 0] - coordinate[0], self._array[:, 1] - coordinate[1])
        )

    def __eq__(self, other):
        """Element-wise comparison of the (N, 2) points (a bool array)."""
        return self._array == (other.array if isinstance(other, Grid2DIrregular) else other)

    def __ne__(self, other):
        return self._array != (other.array if isinstance(other, Grid2DIrregular) else other)

    __hash__ = None

    def __repr__(self):
        return f"Grid2DIrregular({self.in_list!r})"
