"""
Issue 13's convolver items: every input a user can plausibly give is either right or refused early,
with the library's own exception and a message that names the fix. Numbers are checked against
``scipy.signal.convolve2d`` of the frame (an independent reference).
"""

import re
import warnings

import numpy as np
import pytest
import scipy.signal
import scipy.sparse

import autoarray as aa
from autoarray import exc, jax_util


def scene():
    """A 9 x 9 frame, a 3 x 3 unmasked square, a 3 x 3 kernel: mask 9 pixels, blurring 16."""
    array = np.ones((9, 9), dtype=bool)
    array[3:6, 3:6] = False
    mask = aa.Mask2D(array, pixel_scales=0.1)
    kernel = np.arange(1.0, 10.0).reshape(3, 3)
    return mask, kernel


# ----------------------------------------------------------------- 14: Array2D on a mask


def test__blurring_array2d_on_another_blurring_mask_of_equal_size_is_refused():
    """
    The issue's case: a 1 x 5 frame, the middle pixel unmasked, kernel [[0, 0, 1]] (light moves one
    pixel to the right). The state's blurring region is the pixels left and right of the middle
    one. A blurring Array2D on another blurring mask with the same pixel count (the two pixels to
    the right) used to be read slot by slot: 10.0 returned where 20.0 is right.
    """
    mask = aa.Mask2D(np.array([[True, True, False, True, True]]), pixel_scales=1.0)
    conv = aa.Convolver.no_mask(np.array([[0.0, 0.0, 1.0]]), 1.0).with_state_for(mask)
    state_blurring = conv.state.blurring_mask
    np.testing.assert_array_equal(~state_blurring.array, [[False, True, False, True, False]])
    # light of 20 in the pixel left of the middle: the kernel moves it into the middle pixel
    right = aa.Array2D(np.array([[0.0, 20.0, 0.0, 10.0, 0.0]]), state_blurring)
    out = conv.convolved_image_from(aa.Array2D(np.array([0.0]), mask), right)
    frame = np.array([[0.0, 20.0, 0.0, 10.0, 0.0]])
    expected = scipy.signal.convolve2d(frame, [[0.0, 0.0, 1.0]], mode="same")[0, 2]
    assert out.array[0] == expected == 20.0
    other = aa.Mask2D(np.array([[True, True, True, False, False]]), pixel_scales=1.0)
    wrong = aa.Array2D(np.array([10.0, 20.0]), other)
    with pytest.raises(exc.KernelException, match=r"The blurring image is an Array2D on Mask2D"):
        conv.convolved_image_from(aa.Array2D(np.array([0.0]), mask), wrong)


def test__image_array2d_on_another_mask_is_refused_and_fine_values_must_be_plain():
    mask, kernel = scene()
    conv = aa.Convolver.no_mask(kernel, 0.1).with_state_for(mask)
    shifted = aa.Mask2D(np.roll(mask.array, 1, axis=1), 0.1)
    with pytest.raises(exc.KernelException, match="state was built for"):
        conv.convolved_image_from(aa.Array2D(np.ones(9), shifted), None)
    fine = aa.Convolver.no_mask(np.ones((4, 4)) / 16, 0.05, convolve_over_sample_size=2)
    with pytest.raises(exc.KernelException, match="which no Array2D holds"):
        fine.convolved_image_from(aa.Array2D(np.ones(9), mask), None, mask=mask)


# ------------------------------------------------------------------- 17: non-finite input


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test__non_finite_inputs_are_refused(bad):
    mask, kernel = scene()
    conv = aa.Convolver.no_mask(kernel, 0.1).with_state_for(mask)
    n_blur = conv.state.pixels_in_blurring_mask
    image = np.ones(9)
    image[4] = bad
    message = r"The image holds 1 NaN or inf values \(the first at flat index 4\)"
    for use_fft in (True, False):
        engine = aa.Convolver(conv.kernel, state=conv.state, use_fft=use_fft)
        with pytest.raises(exc.KernelException, match=message):
            engine.convolved_image_from(image, np.zeros(n_blur))
    blurring = np.zeros(n_blur)
    blurring[[1, 3]] = bad
    with pytest.raises(exc.KernelException, match=r"blurring image holds 2 NaN or inf"):
        conv.convolved_image_from(np.ones(9), blurring)
    mapping = np.eye(9)
    mapping[2, 5] = bad
    with pytest.raises(exc.KernelException, match=r"mapping matrix holds 1 NaN or inf.*index 23"):
        conv.convolved_mapping_matrix_from(mapping, mask)
    for use_fft in (True, False):  # the sparse real-space route checks the stored values
        engine = aa.Convolver(conv.kernel, state=conv.state, use_fft=use_fft)
        for fmt in ("csr", "csc", "coo", "lil"):
            with pytest.raises(exc.KernelException, match=r"mapping matrix holds 1 NaN or inf"):
                engine.convolved_mapping_matrix_from(
                    scipy.sparse.csr_array(mapping).asformat(fmt), mask
                )
    with pytest.raises(exc.KernelException, match=r"blurring mapping matrix holds"):
        conv.convolved_mapping_matrix_from(
            np.eye(9), mask, np.full((n_blur, 9), bad), blurring_mask=None
        )


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("mixed", [False, True])
def test__non_finite_inputs_are_refused_at_s_2_and_in_column_chunks(bad, mixed, monkeypatch):
    """The FFT engine's refusal with a phase axis (s = 2), in float32 and chunk by chunk."""
    mask, _ = scene()
    conv = aa.Convolver.no_mask(
        np.ones((6, 6)) / 36, 0.05, use_fft=True, convolve_over_sample_size=2
    ).with_state_for(mask)
    n_blur = conv.state.pixels_in_blurring_mask * 4
    image = np.ones(36)
    image[7] = bad
    with pytest.raises(exc.KernelException, match=r"The image holds 1 NaN .* flat index 7\)"):
        conv.convolved_image_from(image, np.zeros(n_blur), use_mixed_precision=mixed)
    from autoarray.operators import convolver

    monkeypatch.setattr(convolver, "FFT_MAX_CHUNK_BYTES", 1)  # one column per chunk
    mapping = np.ones((36, 5))
    mapping[3, 4] = bad  # in the last chunk
    with pytest.raises(exc.KernelException, match=r"mapping matrix holds 1 NaN .*index 19\)"):
        conv.convolved_mapping_matrix_from(mapping, mask, use_mixed_precision=mixed)


def test__finite_inputs_whose_sum_overflows_are_not_refused():
    """
    1e308 + 1e308 overflows the sums the engines check, but no value is NaN or inf: nothing is
    refused. With the identity kernel the real-space engine returns the image itself; the FFT
    engine runs (its own transforms overflow: its outputs are not numbers, a limit of any FFT).
    """
    mask = aa.Mask2D(np.array([[True, True, True], [False, False, True], [True, True, True]]), 1.0)
    kernel = np.zeros((3, 3))
    kernel[1, 1] = 1.0
    image = np.array([1e308, 1e308])
    for use_fft in (True, False):
        conv = aa.Convolver.no_mask(kernel, 1.0, use_fft=use_fft).with_state_for(mask)
        blurring = np.zeros(conv.state.pixels_in_blurring_mask)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            out = conv.convolved_image_from(image, blurring)
        if not use_fft:
            np.testing.assert_array_equal(out.array, image)


def test__fft_core_refuses_non_finite_input_before_the_product():
    """``convolver_util`` alone: one NaN among three columns and four phases is seen."""
    from autoarray.operators import convolver_util

    mask, _ = scene()
    state = aa.Convolver.no_mask(
        np.ones((6, 6)) / 36, 0.05, convolve_over_sample_size=2
    ).state_from(mask)
    values = np.ones((state.input_native.shape[0] * 4, 3))
    args = (state.scatter_index, state.gather_index, state.kernel_rfft, state.fft_shape, 4)
    finite = convolver_util.convolved_columns_via_fft_from(values, *args, refuse_non_finite=True)
    assert np.isfinite(finite).all()
    values[17, 2] = np.nan
    with pytest.raises(convolver_util.NonFiniteInputError, match="holds NaN or inf"):
        convolver_util.convolved_columns_via_fft_from(values, *args, refuse_non_finite=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        unchecked = convolver_util.convolved_columns_via_fft_from(values, *args)
    assert np.isnan(unchecked[:, 2]).all() and np.isfinite(unchecked[:, :2]).all()
    import jax.numpy as jnp

    with pytest.raises(ValueError, match="refuse_non_finite is for NumPy inputs only"):
        convolver_util.convolved_columns_via_fft_from(
            jnp.asarray(values), *args, xp=jnp, refuse_non_finite=True
        )


# -------------------------------------------------------------- 18: complex / wrong types


def test__complex_inputs_and_kernels_are_refused():
    mask, kernel = scene()
    conv = aa.Convolver.no_mask(kernel, 0.1).with_state_for(mask)
    with pytest.raises(exc.KernelException, match="must hold real numbers, got dtype complex128"):
        conv.convolved_image_from(np.ones(9) + 1j, None)
    with pytest.raises(exc.KernelException, match="an FFT would drop the imaginary part"):
        conv.convolved_mapping_matrix_from(np.eye(9) * (1 + 1j), mask)
    with pytest.raises(exc.KernelException, match="kernel values must be real numbers"):
        aa.Convolver.no_mask(kernel + 0j, 0.1)
    with pytest.raises(exc.KernelException, match="kernel values must be real numbers"):
        aa.ConvolverState(kernel * 1j, mask)


@pytest.mark.parametrize(
    "bad, name",
    [([1.0] * 9, "list"), (None, "NoneType"), ("abc", "str"), (np.array(["a"] * 9), None)],
)
def test__lists_none_and_strings_give_the_librarys_own_errors(bad, name):
    mask, kernel = scene()
    conv = aa.Convolver.no_mask(kernel, 0.1).with_state_for(mask)
    if name is None:  # a numpy array of strings: the right type, the wrong dtype
        with pytest.raises(exc.KernelException, match="must hold real numbers, got dtype <U1"):
            conv.convolved_image_from(bad, None)
        return
    message = re.escape(
        "The image must be a numpy array, a scipy.sparse matrix, an Array2D or a JAX array of "
        f"real numbers, got {name}."
    )
    with pytest.raises(TypeError, match=message):
        conv.convolved_image_from(bad, None)
    with pytest.raises(TypeError, match="The mapping matrix must be a numpy array"):
        conv.convolved_mapping_matrix_from(bad, mask)


# ------------------------------------------------------------ 19: ConvolverState kernels


@pytest.mark.parametrize(
    "kernel, error, message",
    [
        (np.ones(3), exc.KernelException, r"non-empty 2D array, got shape \(3,\)"),
        (np.ones((0, 3)), exc.KernelException, r"non-empty 2D array, got shape \(0, 3\)"),
        (np.full((3, 3), np.nan), exc.KernelException, "kernel values must be finite"),
        ([[1.0]], TypeError, "kernel must be an Array2D or a 2D numpy array"),
    ],
)
def test__convolver_state_validates_its_kernel_like_the_convolver(kernel, error, message):
    mask, _ = scene()
    with pytest.raises(error, match=message):
        aa.ConvolverState(kernel, mask)


# -------------------------------------------------- 3: normalisation, questionable PSFs


def test__imaging_warns_about_a_psf_with_a_negative_total_or_large_negative_lobes():
    mask, _ = scene()
    data = aa.Array2D(np.ones(mask.pixels_in_mask), mask)
    kernel = np.zeros((5, 5))
    kernel[2, 2] = 1.0
    kernel[1, 2] = kernel[3, 2] = -0.05  # negative lobes of 10 % of the positive flux
    psf = aa.Convolver.no_mask(kernel, 0.1)
    with pytest.warns(UserWarning, match=r"negative values summing to -0.1 against 1 positive"):
        aa.Imaging(data, psf=psf, use_normalized_psf=False)
    negative_total = aa.Convolver.no_mask(-kernel, 0.1)
    with pytest.warns(UserWarning, match=r"total -0.9\)"):
        aa.Imaging(data, psf=negative_total, use_normalized_psf=False)
    fine = np.zeros((5, 5))
    fine[2, 2] = 1.0
    fine[1, 2] = -0.005  # 0.5 %: below the 1 % threshold
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        aa.Imaging(data, psf=aa.Convolver.no_mask(fine, 0.1), use_normalized_psf=False)


# ------------------------------------------------------------- 6: truncated PSFs warned


def test__imaging_warns_when_the_psf_is_truncated_by_its_shape():
    mask, _ = scene()
    data = aa.Array2D(np.ones(mask.pixels_in_mask), mask)
    # a Gaussian of sigma 1 pixel in 5 x 5: exp(-2) of the peak on the edge, ~9 % of the flux
    wide = aa.Convolver.from_gaussian((5, 5), 0.1, 0.1, normalize=True)
    ring = np.abs(wide.native).sum() - np.abs(wide.native[1:-1, 1:-1]).sum()
    with pytest.warns(
        UserWarning, match=rf"holds {ring:.2g} of its \|flux\| in its outermost ring"
    ):
        aa.Imaging(data, psf=wide)
    # the same Gaussian in 11 x 11: 1.6e-11 of the flux on the edge, no warning
    roomy = aa.Convolver.from_gaussian((11, 11), 0.1, 0.1, normalize=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        aa.Imaging(data, psf=roomy)


def test__an_enormous_oversampling_factor_is_a_truncated_psf():
    """s = 50 with a 27 x 27 kernel: the kernel spans 0.54 native pixels of a 0.1" PSF."""
    mask = aa.Mask2D.circular((15, 15), 0.5, 0.1)
    data = aa.Array2D(np.ones(mask.pixels_in_mask), mask)
    psf = aa.Convolver.from_gaussian(
        (27, 27), 0.1 / 50, 0.05, normalize=True, convolve_over_sample_size=50
    )
    with pytest.warns(UserWarning, match="it is cut by the array's shape"):
        aa.Imaging(
            data,
            psf=psf,
            convolve_over_sample_size_lp=50,
            convolve_over_sample_size_pixelization=50,
            over_sample_size_lp=50,
            over_sample_size_pixelization=50,
        )


# --------------------------------------------------------------- 7: JAX without x64


def test__jax_without_64_bit_mode_warns_once_how_to_turn_it_on(monkeypatch):
    jax = pytest.importorskip("jax")
    jnp = pytest.importorskip("jax.numpy")
    mask, kernel = scene()
    conv = aa.Convolver.no_mask(kernel, 0.1).with_state_for(mask)
    previous = jax.config.read("jax_enable_x64")
    monkeypatch.setattr(jax_util, "_warned_x64", False)
    jax.config.update("jax_enable_x64", False)
    try:
        with pytest.warns(UserWarning, match=r'jax.config.update\("jax_enable_x64", True\)'):
            conv.convolved_image_from(jnp.ones(9), None, xp=jnp)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # once per process
            warnings.filterwarnings("ignore", "convolved_image_from got no blurring_image")
            conv.convolved_image_from(jnp.ones(9), None, xp=jnp)
    finally:
        jax.config.update("jax_enable_x64", previous)
    monkeypatch.setattr(jax_util, "_warned_x64", False)
    jax.config.update("jax_enable_x64", True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            warnings.filterwarnings("ignore", "convolved_image_from got no blurring_image")
            conv.convolved_image_from(jnp.ones(9), None, xp=jnp)
    finally:
        jax.config.update("jax_enable_x64", previous)


# ------------------------------------------------------------ 20: one promotion rule


@pytest.mark.parametrize("use_fft", [True, False])
def test__float32_inputs_are_computed_in_float64_by_every_engine(enable_x64, use_fft):
    jnp = pytest.importorskip("jax.numpy")
    mask, kernel = scene()
    rng = np.random.default_rng(5)
    conv = aa.Convolver.no_mask(rng.random((3, 3)), 0.1, use_fft=use_fft).with_state_for(mask)
    n_blur = conv.state.pixels_in_blurring_mask
    image = rng.random(9).astype(np.float32)
    blurring = rng.random(n_blur).astype(np.float32)
    frame = np.zeros((9, 9))
    frame[~mask.array] = image
    frame[~conv.state.blurring_mask.array] = blurring
    expected = scipy.signal.convolve2d(frame, conv.native, mode="same")[~mask.array]
    for xp in (np, jnp):
        out = conv.convolved_image_from(xp.asarray(image), xp.asarray(blurring), xp=xp)
        assert np.asarray(out.array).dtype == np.float64, xp.__name__
        np.testing.assert_allclose(np.asarray(out.array), expected, rtol=1e-14, atol=1e-15)
    mixed = conv.convolved_image_from(image, blurring, use_mixed_precision=True)
    assert mixed.array.dtype == np.float32
