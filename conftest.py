"""
Fixtures shared by the whole test suite (``test_autoarray`` and ``test_autogalaxy``).

* ``enable_x64``: run JAX tests in double precision and restore JAX's setting afterwards.
* ``fine_frame_blurred``: the one brute-force reference of an oversampled convolution, independent
  of the library's polyphase / FFT / sparse engines: ``scipy.signal.convolve2d`` of a fine frame
  with the fine kernel (``mode="full"``, read where each kernel's geometric centre puts the
  fine-pixel centres), then the mean of each ``s x s`` block. Odd and even kernels alike.
* ``light_fine_frame``: light sampled by hand on a (padded) fine frame, as a fit samples it:
  ``.of_frame(...)`` every native pixel at ``k x k`` points pre-binned to ``s x s``;
  ``.of_mask(...)`` the mask's pixels at ``k`` and every other pixel at ``s`` per side.
* The truncation warning of ``Imaging`` (a PSF with flux in its outermost ring of samples) is
  silenced: test PSFs are deliberately small and their references use the same truncated
  kernels. ``pytest.warns`` still sees it, so the warning itself is tested.
"""

import types
import warnings

import pytest

from test_support.references import (
    fine_frame_blurred_from,
    light_fine_frame_from,
    light_fine_frame_of_mask_from,
)


@pytest.fixture(name="fine_frame_blurred", scope="session")
def make_fine_frame_blurred():
    """:func:`fine_frame_blurred_from`."""
    return fine_frame_blurred_from


@pytest.fixture(name="light_fine_frame", scope="session")
def make_light_fine_frame():
    """``.of_frame``: :func:`light_fine_frame_from`; ``.of_mask``: :func:`light_fine_frame_of_mask_from`."""
    return types.SimpleNamespace(
        of_frame=light_fine_frame_from, of_mask=light_fine_frame_of_mask_from
    )


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
