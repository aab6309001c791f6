"""
Real 2D FFTs over the last two axes for the NumPy convolution engine, as ``scipy.fft.rfft2`` /
``scipy.fft.irfft2`` compute them, without their per-call argument handling.

Why
---
``scipy.fft``'s public functions are a dispatch layer (``uarray`` backends, shape / axes / norm /
workers normalisation in Python) over its C++ pocketfft routines. That layer costs ~13-15 us per
transform whatever the array size (measured on the benchmark machine: ``scipy.fft.rfft2`` of a
4 x 4 array 15 us, the routine it calls 1.5 us; ``numpy.fft.rfft2`` 27 us). One native image
convolution by FFT is one forward and one inverse transform of ~60 us in all, so the layer was a
third of it. The functions here call scipy's pocketfft routines (``scipy.fft._pocketfft``, the
very code ``scipy.fft`` runs) directly, with the arguments ``scipy.fft`` would pass for
``axes=(-2, -1)``, the default ``norm="backward"`` and the ``workers`` of
``scipy.fft.set_workers`` (1 unless set), so the numbers are bit-for-bit scipy.fft's.

That module is not public API. At import it is checked against ``scipy.fft`` on small arrays
(float64 and float32, 2D and 3D, odd and even last sizes; results must be identical, not close);
if it is missing, its signature changed or any result differs, :data:`USES_POCKETFFT_DIRECTLY` is
False and both functions call ``scipy.fft`` itself (same numbers, the old cost).
"""

import numpy as np
import scipy.fft

__all__ = ["rfft2", "irfft2", "USES_POCKETFFT_DIRECTLY"]


def _public_rfft2(x, axes=(-2, -1)):
    return scipy.fft.rfft2(x, axes=axes)


def _public_irfft2(x, s, axes=(-2, -1)):
    return scipy.fft.irfft2(x, s=s, axes=axes)


def _direct_transforms_or_none():
    """``(rfft2, irfft2)`` calling pocketfft directly, or None if they do not match scipy.fft."""
    try:
        from scipy.fft._pocketfft import pypocketfft

        r2c, c2r = pypocketfft.r2c, pypocketfft.c2r
        get_workers = scipy.fft.get_workers

        def direct_rfft2(x, axes=(-2, -1)):
            if axes != (-2, -1):
                return _public_rfft2(x, axes)
            n = x.ndim
            # forward=True, inorm=0: scipy.fft's "backward" normalisation of a forward transform.
            return r2c(x, (n - 2, n - 1), True, 0, None, get_workers())

        def direct_irfft2(x, s, axes=(-2, -1)):
            if axes != (-2, -1) or x.shape[-2] != s[0] or x.shape[-1] != s[1] // 2 + 1:
                return _public_irfft2(x, s, axes)
            n = x.ndim
            # forward=False, inorm=2: the inverse divided by Py * Px, as scipy.fft's default.
            return c2r(x, (n - 2, n - 1), s[1], False, 2, None, get_workers())

        rng = np.random.default_rng(0)
        for dtype in (np.float64, np.float32):
            for shape in ((6, 5), (6, 8), (3, 4, 7), (2, 3, 6, 6)):
                x = rng.standard_normal(shape).astype(dtype)
                spectra = direct_rfft2(x)
                expected = scipy.fft.rfft2(x, axes=(-2, -1))
                if spectra.dtype != expected.dtype or not np.array_equal(spectra, expected):
                    return None
                back = direct_irfft2(spectra, s=shape[-2:])
                expected = scipy.fft.irfft2(spectra, s=shape[-2:], axes=(-2, -1))
                if back.dtype != expected.dtype or not np.array_equal(back, expected):
                    return None
        return direct_rfft2, direct_irfft2
    except Exception:  # noqa: BLE001 - any failure of a private API means: use the public one
        return None


_DIRECT = _direct_transforms_or_none()

#: Whether :func:`rfft2` / :func:`irfft2` call scipy's pocketfft directly (else ``scipy.fft``).
USES_POCKETFFT_DIRECTLY = _DIRECT is not None

if USES_POCKETFFT_DIRECTLY:
    rfft2, irfft2 = _DIRECT
else:
    rfft2, irfft2 = _public_rfft2, _public_irfft2

rfft2.__doc__ = """
``scipy.fft.rfft2(x, axes=axes)`` of a real array (default normalisation, ``set_workers``
threads); only ``axes=(-2, -1)`` skips scipy.fft's dispatch layer (see the module docstring).
"""
irfft2.__doc__ = """
``scipy.fft.irfft2(x, s=s, axes=axes)`` of a complex array; the fast call needs
``axes=(-2, -1)`` and ``x.shape[-2:] == (s[0], s[1] // 2 + 1)`` (nothing padded or cropped).
"""
