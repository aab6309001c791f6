"""
Regularization schemes (``aa.reg``): priors that smooth a pixelized reconstruction.
"""

from numbers import Real

import numpy as np

from autoarray import exc
from autoarray.inversion import regularization_util
from autoarray.jax_util import is_jax_array

try:  # jax is optional: registration happens only where it is installed.
    import jax.tree_util as _jax_tree_util
except ImportError:  # pragma: no cover - exercised only without jax
    _jax_tree_util = None

__all__ = ["Constant"]


class Constant:
    """
    Gradient regularization with one coefficient for every pair of neighbouring mesh pixels.

    ``H = coefficient^2 B^T B + 1e-8 I``: ``s^T H s = coefficient^2 sum_pairs (s_i - s_j)^2``
    over the mesh's neighbour pairs (:attr:`RectangularUniform.neighbour_pairs`), plus a ridge.

    Parameters
    ----------
    coefficient : float or jax.Array
        The regularization strength, a finite number >= 0. As in PyAutoArray's ``reg.Constant`` it
        enters squared, so coefficients carried over from PyAutoArray mean the same thing. A JAX
        scalar (e.g. traced by ``jax.grad``) is stored unchecked.

    Notes
    -----
    With ``jax`` installed a ``Constant`` is a pytree whose one leaf is ``coefficient``, so it
    passes through ``jax.jit`` / ``jax.vmap`` as an argument and ``jax.grad`` differentiates the
    log evidence with respect to it (build the regularization inside the transformed function,
    or pass it in).

    ``B^T B`` is singular (a constant source has no gradient), so
    :data:`autoarray.inversion.regularization_util.REGULARIZATION_DIAGONAL` (1e-8) is added to its diagonal: ``ln det H``
    in the evidence is then finite, and the reconstruction is unchanged to ~1e-8 relative.

    Raises
    ------
    TypeError
        If ``coefficient`` is not a real number (``bool`` included).
    InversionException
        If it is negative or not finite.
    """

    def __init__(self, coefficient: float = 1.0):
        if is_jax_array(coefficient):
            if tuple(coefficient.shape) != ():
                raise exc.InversionException(
                    f"Constant regularization coefficient must be a scalar, got a JAX array of "
                    f"shape {tuple(coefficient.shape)}."
                )
            self.coefficient = coefficient
            return
        if isinstance(coefficient, bool | np.bool_) or not isinstance(coefficient, Real):
            raise TypeError(
                f"Constant regularization coefficient must be a real number, got {coefficient!r} "
                f"of type {type(coefficient).__name__}."
            )
        if not np.isfinite(coefficient) or coefficient < 0:
            raise exc.InversionException(
                f"Constant regularization coefficient must be a finite number >= 0, got "
                f"{coefficient!r}."
            )
        self.coefficient = float(coefficient)

    def __repr__(self):
        return f"Constant(coefficient={self.coefficient})"

    def regularization_matrix_from(self, mesh, xp=np):
        """
        Return the regularization matrix of ``mesh``.

        Parameters
        ----------
        mesh : RectangularUniform
            A mesh with ``pixels`` and ``neighbour_pairs``.
        xp : module
            ``numpy`` or ``jax.numpy`` (required when the coefficient is a JAX value).

        Returns
        -------
        numpy.ndarray or jax.Array
            (pixels, pixels) dense, symmetric and positive definite.

        Raises
        ------
        InversionException
            If the coefficient is a JAX value and ``xp`` is NumPy.
        """
        if xp is np and is_jax_array(self.coefficient):
            raise exc.InversionException(
                "This Constant regularization holds a JAX coefficient; build its matrix with "
                "xp=jax.numpy (FitImaging(..., xp=jnp) does)."
            )
        return regularization_util.constant_regularization_matrix_from(
            self.coefficient, mesh.neighbour_pairs, mesh.pixels, xp=xp
        )

    def log_det_regularization_matrix_from(self, mesh, xp=np):
        """
        Return ``ln det H`` of :meth:`regularization_matrix_from` without factorising it.

        Parameters
        ----------
        mesh : RectangularUniform
            A mesh with ``laplacian_eigenvalues`` (the eigenvalues of its ``B^T B``).
        xp : module
            ``numpy`` or ``jax.numpy``.

        Returns
        -------
        float or jax.Array or None
            ``sum ln(coefficient^2 lambda_i + 1e-8)``
            (:func:`regularization_util.constant_log_det_from`); None for a mesh without
            ``laplacian_eigenvalues`` (the inversion then factorises ``H``).
        """
        if not hasattr(mesh, "laplacian_eigenvalues"):
            return None
        return regularization_util.constant_log_det_from(
            self.coefficient, mesh.laplacian_eigenvalues, xp=xp
        )


def _flatten_constant(regularization):
    return (regularization.coefficient,), None


def _unflatten_constant(_, children):
    regularization = object.__new__(Constant)
    regularization.coefficient = children[0]
    return regularization


if _jax_tree_util is not None:
    _jax_tree_util.register_pytree_node(Constant, _flatten_constant, _unflatten_constant)
