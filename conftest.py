"""
Fixtures shared by the whole test suite (``test_autoarray`` and ``test_autogalaxy``).

* ``enable_x64``: run JAX tests in double precision and restore JAX's setting afterwards.
* ``fine_frame_blurred``: the one brute-force reference of an oversampled convolution, independent
  of the library's polyphase / FFT / sparse engines: ``scipy.signal.convolve2d`` of a fine frame
  with the fine kernel (``mode="full"``, read where each kernel's geometric centre puts the
  fine-pixel centres), then the mean of each ``s x s`` block. Odd and even kernels alike.
* The truncation warning of ``Imaging`` (a PSF with flux in its outermost ring of samples) is
  silenced: test PSFs are deliberately small and their references use the same truncated
  kernels. ``pytest.warns`` still sees it, so the warning itself is tested.
"""

import warnings

import numpy as np
import pytest
import scipy.signal


def fine_frame_blurred_from(fine_frame, kernel, s: int):
    """
    The ``(ny, nx)`` block means of the fine convolution of ``fine_frame`` ``(ny s, nx s)`` with
    ``kernel``, read at the fine-pixel centres.

    The kernel's sample ``j`` sits at ``j - (k - 1) / 2`` fine pixels from its geometric centre.
    Along an odd axis, fine cell ``i`` holds the light of the cell centred at the fine-pixel
    centre ``i + 1/2`` (fine-pixel units, pixel 0 spanning ``[0, 1)``). Along an even axis
    (``k = 2m``) it holds the light of the cell centred at the corner ``i`` (half a fine pixel up
    in rows, left in columns): the output at the centre ``i' + 1/2`` is then
    ``sum_j K[j] F[i' - j + m]``, i.e. ``full[i' + m]``. In both cases the outputs are the
    ``"full"`` convolution from index ``k // 2`` on.
    """
    kernel = np.asarray(kernel)
    full = scipy.signal.convolve2d(fine_frame, kernel, mode="full")
    ny, nx = fine_frame.shape
    cy, cx = kernel.shape[0] // 2, kernel.shape[1] // 2
    blurred = full[cy : cy + ny, cx : cx + nx]
    return blurred.reshape(ny // s, s, nx // s, s).mean(axis=(1, 3))


@pytest.fixture(name="fine_frame_blurred", scope="session")
def make_fine_frame_blurred():
    """:func:`fine_frame_blurred_from`."""
    return fine_frame_blurred_from


@pytest.fixture(name="enable_x64", scope="module")
def make_enable_x64():
    """
    Run JAX in double precision from the first test of a module that asks for it to the module's
    end, then restore the previous setting (module scope, so module-scoped fixtures can use it).
    """
    jax = pytest.importorskip("jax")
    previous = jax.config.read("jax_enable_x64")
    jax.config.update("jax_enable_x64", True)
    yield jax
    jax.config.update("jax_enable_x64", previous)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    # Runs inside pytest's own warnings wrapper, so this filter outranks a module's
    # filterwarnings("error") marks, for the item's setup (module fixtures too), call and teardown.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "The PSF of shape.*outermost ring", UserWarning)
        return (yield)
