"""
Fixtures shared by the whole test suite (``test_autoarray`` and ``test_autogalaxy``).

* ``enable_x64``: run JAX tests in double precision and restore JAX's setting afterwards.
* ``fine_frame_blurred``: the one brute-force reference of an oversampled convolution, independent
  of the library's polyphase / FFT / sparse engines: ``scipy.signal.convolve2d`` of a fine frame
  with an odd fine kernel (``mode="same"``), then the mean of each ``s x s`` block.
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
    The ``(ny, nx)`` block means of ``convolve2d(fine_frame, kernel, mode="same")``, where
    ``fine_frame`` is ``(ny s, nx s)`` and ``kernel`` is odd (centred on its middle sample).
    """
    kernel = np.asarray(kernel)
    assert kernel.shape[0] % 2 and kernel.shape[1] % 2, "the reference takes odd kernels"
    blurred = scipy.signal.convolve2d(fine_frame, kernel, mode="same")
    ny, nx = blurred.shape[0] // s, blurred.shape[1] // s
    return blurred.reshape(ny, s, nx, s).mean(axis=(1, 3))


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
