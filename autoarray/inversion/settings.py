"""Settings of a linear inversion."""

import numpy as np

__all__ = ["SettingsInversion"]


class SettingsInversion:
    """
    How a linear inversion solves ``(F + H) s = D``.

    Parameters
    ----------
    use_positive_only_solver : bool
        False (default): the unconstrained solution, by Cholesky (``scipy.linalg.cho_factor``).
        True: the solution constrained to ``s >= 0`` (``scipy.optimize.nnls`` on the equivalent
        least-squares system, see
        :func:`autoarray.inversion.inversion_util.reconstruction_positive_only_from`).

    Raises
    ------
    TypeError
        If ``use_positive_only_solver`` is not a bool.
    """

    def __init__(self, use_positive_only_solver: bool = False):
        if not isinstance(use_positive_only_solver, bool | np.bool_):
            raise TypeError(
                f"use_positive_only_solver must be True or False, got "
                f"{use_positive_only_solver!r} of type {type(use_positive_only_solver).__name__}."
            )
        self.use_positive_only_solver = bool(use_positive_only_solver)

    def __repr__(self):
        return f"SettingsInversion(use_positive_only_solver={self.use_positive_only_solver})"
