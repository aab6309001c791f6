"""
The direct pocketfft transforms of ``fft_util`` against ``scipy.fft`` itself (bit-for-bit) and
against a brute-force DFT; the fallback when the private module is unusable.
"""

import importlib
import sys

import numpy as np
import pytest
import scipy.fft

from autoarray.operators import convolver_util, fft_util


def dft2_from(x):
    """Brute-force 2D DFT of the last two axes (a matrix product per axis)."""
    py, px = x.shape[-2:]
    wy = np.exp(-2j * np.pi * np.outer(np.arange(py), np.arange(py)) / py)
    wx = np.exp(-2j * np.pi * np.outer(np.arange(px), np.arange(px)) / px)
    return np.einsum("ab,...bc,cd->...ad", wy, x, wx)


def test_the_installed_scipy_is_called_directly():
    # The benchmark figures assume it; a scipy release that breaks it makes this fail loudly
    # (the library itself falls back to scipy.fft and stays correct).
    assert fft_util.USES_POCKETFFT_DIRECTLY


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape", [(7, 9), (16, 10), (4, 12, 15), (3, 2, 8, 11)])
def test_transforms_are_scipy_fft_bit_for_bit(shape, dtype):
    x = np.random.default_rng(1).standard_normal(shape).astype(dtype)
    spectra = fft_util.rfft2(x)
    expected = scipy.fft.rfft2(x, axes=(-2, -1))
    assert spectra.dtype == expected.dtype
    assert np.array_equal(spectra, expected)
    back = fft_util.irfft2(spectra, s=shape[-2:])
    assert back.dtype == x.dtype
    assert np.array_equal(back, scipy.fft.irfft2(spectra, s=shape[-2:], axes=(-2, -1)))


@pytest.mark.parametrize("shape", [(6, 7), (5, 8), (2, 6, 6)])
def test_transforms_against_brute_force_dft(shape):
    x = np.random.default_rng(2).standard_normal(shape)
    full = dft2_from(x)
    px = shape[-1]
    spectra = fft_util.rfft2(x)
    assert np.abs(spectra - full[..., : px // 2 + 1]).max() < 1e-12
    assert np.abs(fft_util.irfft2(spectra, s=shape[-2:]) - x).max() < 1e-14


def test_strided_input_and_set_workers():
    x = np.random.default_rng(3).standard_normal((12, 18))[::2, ::3]  # not contiguous
    assert np.array_equal(fft_util.rfft2(x), scipy.fft.rfft2(x))
    with scipy.fft.set_workers(2):
        stacked = np.random.default_rng(4).standard_normal((8, 16, 16))
        assert np.array_equal(fft_util.rfft2(stacked), scipy.fft.rfft2(stacked))


def test_other_axes_or_shapes_go_through_scipy_fft():
    x = np.random.default_rng(5).standard_normal((6, 8, 10))
    assert np.array_equal(fft_util.rfft2(x, axes=(0, 1)), scipy.fft.rfft2(x, axes=(0, 1)))
    spectra = scipy.fft.rfft2(x)
    # s that pads the first axis and crops the last: scipy.fft's own handling.
    assert np.array_equal(fft_util.irfft2(spectra, s=(10, 9)), scipy.fft.irfft2(spectra, s=(10, 9)))


def test_the_numpy_engine_uses_these_transforms():
    assert convolver_util._fft_module_of(np) is fft_util


def _reloaded_fft_util_is_public(monkeypatch):
    fallback = importlib.reload(fft_util)
    try:
        assert not fallback.USES_POCKETFFT_DIRECTLY
        x = np.random.default_rng(6).standard_normal((5, 6, 9))
        assert np.array_equal(fallback.rfft2(x), scipy.fft.rfft2(x))
        spectra = scipy.fft.rfft2(x)
        back = fallback.irfft2(spectra, s=(6, 9))
        assert np.array_equal(back, scipy.fft.irfft2(spectra, s=(6, 9)))
    finally:
        monkeypatch.undo()
        importlib.reload(fft_util)
    assert fft_util.USES_POCKETFFT_DIRECTLY


def test_falls_back_to_scipy_fft_when_the_private_module_is_missing(monkeypatch):
    import scipy.fft._pocketfft as private

    monkeypatch.delattr(private, "pypocketfft")
    monkeypatch.setitem(sys.modules, "scipy.fft._pocketfft.pypocketfft", None)
    _reloaded_fft_util_is_public(monkeypatch)


def test_falls_back_to_scipy_fft_when_the_private_routine_disagrees(monkeypatch):
    public = scipy.fft.rfft2

    def shifted(x, *args, **kwargs):  # a scipy.fft no longer computing what the routine does
        return public(x, *args, **kwargs) * (1 + 1e-15)

    monkeypatch.setattr(scipy.fft, "rfft2", shifted)
    _reloaded_fft_util_is_public(monkeypatch)
