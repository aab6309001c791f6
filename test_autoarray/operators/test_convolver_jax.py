"""
``Convolver`` under JAX (``xp=jax.numpy``), float64: agreement with NumPy, ``jax.jit``, and
``jax.grad`` checked against the adjoint of a brute-force operator and finite differences.

The adjoint reference: the convolution is "place the values on the (fine) frame, convolve with
K, take the s x s block mean, read the mask pixels"; its transpose applied to a weight image w
is "spread w over each pixel's s x s block with 1 / s^2, *correlate* with K, read the input
positions" (``scipy.signal.correlate2d``).
"""

import numpy as np
import pytest
import scipy.ndimage
import scipy.signal
import scipy.sparse

import autoarray as aa

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")


pytestmark = pytest.mark.usefixtures("enable_x64")


def scene_from(seed, s, kernel_shape, shape=(16, 15)):
    """Random mask (blurring region inside the frame), kernel, fine image and blurring image."""
    rng = np.random.default_rng(seed)
    mask_array = np.ones(shape, dtype=bool)
    border = max(kernel_shape) // s // 2 + 2
    inner = rng.random((shape[0] - 2 * border, shape[1] - 2 * border)) > 0.5
    mask_array[border:-border, border:-border] = inner
    mask = aa.Mask2D(mask_array, pixel_scales=0.1)
    kernel = rng.random(kernel_shape)
    kernel /= kernel.sum()
    conv = aa.Convolver.no_mask(kernel, 0.1 / s, convolve_over_sample_size=s)
    state = conv.state_from(mask)
    assert state.padding == (0, 0)
    image = rng.normal(size=mask.pixels_in_mask * s * s)
    blurring = rng.normal(size=state.pixels_in_blurring_mask * s * s)
    return mask, kernel, state, image, blurring


def _with_state(kernel, s, state, use_fft):
    conv = aa.Convolver.no_mask(kernel, 0.1 / s, convolve_over_sample_size=s)
    return aa.Convolver(conv.kernel, state=state, use_fft=use_fft, convolve_over_sample_size=s)


def adjoint_from(mask, state, kernel, s, weights_slim):
    """The transpose of the brute-force operator applied to ``weights_slim`` (odd kernel)."""
    w = np.zeros(mask.shape_native)
    w[~mask.array] = weights_slim
    fine_w = np.kron(w, np.ones((s, s))) / s**2
    corr = scipy.signal.correlate2d(fine_w, kernel, mode="same")
    pixels = np.concatenate([np.argwhere(~mask.array), np.argwhere(~state.blurring_mask.array)])
    a = np.arange(s)
    shape = (len(pixels), s, s)
    rows = np.broadcast_to(pixels[:, 0, None, None] * s + a[None, :, None], shape)
    cols = np.broadcast_to(pixels[:, 1, None, None] * s + a[None, None, :], shape)
    grad = corr[rows.ravel(), cols.ravel()]  # pixel i's block (a, b) at fine (Y s + a, X s + b)
    n = mask.pixels_in_mask * s * s
    return grad[:n], grad[n:]


PARAMS = [(1, (5, 3)), (1, (7, 7)), (2, (7, 5)), (2, (6, 8)), (3, (9, 9))]


class TestAgreesWithNumpy:
    """Most cases run under ``jax.jit`` (one compilation per case); a few run eagerly."""

    @pytest.mark.parametrize("s, kernel_shape", PARAMS)
    @pytest.mark.parametrize("use_fft", [True, False, None])
    def test__image(self, s, kernel_shape, use_fft):
        mask, kernel, state, image, blurring = scene_from(s + kernel_shape[0], s, kernel_shape)
        conv = _with_state(kernel, s, state, use_fft)
        expected = conv.convolved_image_from(image, blurring).array
        fn = jax.jit(lambda i, b: conv.convolved_image_from(i, b, xp=jnp).array)
        out = fn(jnp.asarray(image), jnp.asarray(blurring))
        assert out.dtype == jnp.float64
        np.testing.assert_allclose(np.asarray(out), expected, rtol=0, atol=1e-10)

    @pytest.mark.parametrize("s, kernel_shape, use_fft", [(1, (5, 3), True), (2, (6, 8), False)])
    def test__image_eager(self, s, kernel_shape, use_fft):
        mask, kernel, state, image, blurring = scene_from(1, s, kernel_shape)
        conv = _with_state(kernel, s, state, use_fft)
        expected = conv.convolved_image_from(image, blurring).array
        out = conv.convolved_image_from(jnp.asarray(image), jnp.asarray(blurring), xp=jnp)
        assert isinstance(out, aa.Array2D)
        assert isinstance(out.array, jax.Array)
        assert out.mask is mask
        np.testing.assert_allclose(np.asarray(out.array), expected, rtol=0, atol=1e-10)

    @pytest.mark.parametrize("jax_method", ["direct", "fft"])
    def test__real_space_jax_methods(self, jax_method):
        mask, kernel, state, image, blurring = scene_from(2, 2, (7, 9))
        conv = _with_state(kernel, 2, state, False)
        expected = conv.convolved_image_from(image, blurring).array
        fn = jax.jit(
            lambda i, b: (
                conv.convolved_image_via_real_space_from(i, b, jax_method=jax_method, xp=jnp).array
            )
        )
        out = fn(jnp.asarray(image), jnp.asarray(blurring))
        np.testing.assert_allclose(np.asarray(out), expected, rtol=0, atol=1e-10)

    @pytest.mark.parametrize("s, kernel_shape", [(1, (5, 3)), (2, (7, 5)), (2, (6, 8))])
    @pytest.mark.parametrize("use_fft", [True, False])
    def test__mapping_matrix(self, s, kernel_shape, use_fft):
        mask, kernel, state, _, _ = scene_from(7 * s, s, kernel_shape)
        rng = np.random.default_rng(s)
        n, n_blur = mask.pixels_in_mask * s * s, state.pixels_in_blurring_mask * s * s
        mapping = rng.random((n, 6)) * (rng.random((n, 6)) < 0.1)
        blurring = rng.random((n_blur, 6)) * (rng.random((n_blur, 6)) < 0.1)
        conv = _with_state(kernel, s, state, use_fft)
        expected = conv.convolved_mapping_matrix_from(mapping, mask, blurring)
        fn = jax.jit(lambda m, b: conv.convolved_mapping_matrix_from(m, mask, b, xp=jnp))
        out = fn(jnp.asarray(mapping), jnp.asarray(blurring))
        np.testing.assert_allclose(np.asarray(out), expected, rtol=0, atol=1e-10)
        cube = conv.mapping_matrix_native_from(jnp.asarray(mapping), mask, blurring, xp=jnp)
        np.testing.assert_array_equal(
            np.asarray(cube), conv.mapping_matrix_native_from(mapping, mask, blurring)
        )

    def test__mapping_matrix_via_real_space_eager(self):
        mask, kernel, state, _, _ = scene_from(3, 2, (7, 5))
        rng = np.random.default_rng(0)
        n, n_blur = mask.pixels_in_mask * 4, state.pixels_in_blurring_mask * 4
        mapping = rng.random((n, 3)) * (rng.random((n, 3)) < 0.1)
        blurring = rng.random((n_blur, 3)) * (rng.random((n_blur, 3)) < 0.1)
        conv = _with_state(kernel, 2, state, None)
        expected = conv.convolved_mapping_matrix_from(mapping, mask, blurring)
        out = conv.convolved_mapping_matrix_via_real_space_from(
            jnp.asarray(mapping), mask, jnp.asarray(blurring), xp=jnp
        )
        np.testing.assert_allclose(np.asarray(out), expected, rtol=0, atol=1e-10)

    @pytest.mark.parametrize("s, kernel_shape", [(1, (7, 5)), (2, (10, 11))])
    @pytest.mark.parametrize("use_fft", [True, False])
    def test__mixed_precision(self, s, kernel_shape, use_fft):
        mask, kernel, state, image, blurring = scene_from(3, s, kernel_shape)
        conv = _with_state(kernel, s, state, use_fft)
        expected = conv.convolved_image_from(image, blurring).array
        fn = jax.jit(
            lambda i, b: conv.convolved_image_from(i, b, use_mixed_precision=True, xp=jnp).array
        )
        out = fn(jnp.asarray(image), jnp.asarray(blurring))
        assert out.dtype == jnp.float32
        scale = np.abs(expected).max()
        np.testing.assert_allclose(np.asarray(out), expected, rtol=0, atol=1e-5 * scale)


class TestJit:
    @pytest.mark.parametrize("s", [1, 2])
    @pytest.mark.parametrize("use_fft", [True, False])
    def test__jit_with_precomputed_state(self, s, use_fft):
        mask, kernel, state, image, blurring = scene_from(11, s, (5, 7))
        conv = _with_state(kernel, s, state, use_fft)
        expected = conv.convolved_image_from(image, blurring).array

        @jax.jit
        def model(image, blurring):
            return conv.convolved_image_from(image, blurring, xp=jnp).array

        out = model(jnp.asarray(image), jnp.asarray(blurring))
        np.testing.assert_allclose(np.asarray(out), expected, rtol=0, atol=1e-10)
        # a second call with new values reuses the compiled function
        out = model(jnp.asarray(2.0 * image), jnp.asarray(blurring))
        np.testing.assert_allclose(
            np.asarray(out),
            conv.convolved_image_from(2.0 * image, blurring).array,
            rtol=0,
            atol=1e-10,
        )

    def test__jit_mapping_matrix(self):
        mask, kernel, state, _, _ = scene_from(12, 2, (7, 7))
        conv = _with_state(kernel, 2, state, True)
        rng = np.random.default_rng(0)
        mapping = rng.random((mask.pixels_in_mask * 4, 5))
        fn = jax.jit(lambda m: conv.convolved_mapping_matrix_from(m, mask, xp=jnp))
        np.testing.assert_allclose(
            np.asarray(fn(jnp.asarray(mapping))),
            conv.convolved_mapping_matrix_from(mapping, mask),
            rtol=0,
            atol=1e-10,
        )


class TestGrad:
    @pytest.mark.parametrize("use_fft", [True, False])
    def test__native_grad_is_the_correlation_with_the_kernel(self, use_fft):
        mask, kernel, state, image, blurring = scene_from(4, 1, (5, 3))
        conv = _with_state(kernel, 1, state, use_fft)
        w = np.random.default_rng(1).normal(size=mask.pixels_in_mask)

        def loss(image, blurring):
            return jnp.sum(conv.convolved_image_from(image, blurring, xp=jnp).array * w)

        grad_image, grad_blurring = jax.jit(jax.grad(loss, argnums=(0, 1)))(
            jnp.asarray(image), jnp.asarray(blurring)
        )
        # reference: scipy.signal.correlate2d of the native weight image with the kernel
        frame = np.zeros(mask.shape_native)
        frame[~mask.array] = w
        corr = scipy.signal.correlate2d(frame, kernel, mode="same")
        np.testing.assert_allclose(np.asarray(grad_image), corr[~mask.array], atol=1e-12)
        np.testing.assert_allclose(
            np.asarray(grad_blurring), corr[~state.blurring_mask.array], atol=1e-12
        )

    @pytest.mark.parametrize("s", [2, 3])
    @pytest.mark.parametrize("use_fft", [True, False])
    def test__oversampled_grad_is_the_adjoint_of_the_brute_force(self, s, use_fft):
        mask, kernel, state, image, blurring = scene_from(5 + s, s, (2 * s + 3, 2 * s + 1))
        conv = _with_state(kernel, s, state, use_fft)
        w = np.random.default_rng(2).normal(size=mask.pixels_in_mask)

        def loss(image, blurring):
            return jnp.sum(conv.convolved_image_from(image, blurring, xp=jnp).array * w)

        grads = jax.jit(jax.grad(loss, argnums=(0, 1)))(jnp.asarray(image), jnp.asarray(blurring))
        expected = adjoint_from(mask, state, kernel, s, w)
        np.testing.assert_allclose(np.asarray(grads[0]), expected[0], atol=1e-12)
        np.testing.assert_allclose(np.asarray(grads[1]), expected[1], atol=1e-12)

    @pytest.mark.parametrize("use_fft", [True, False])
    def test__jit_grad_matches_finite_differences_at_s2(self, use_fft):
        mask, kernel, state, image, blurring = scene_from(9, 2, (8, 8))
        conv = _with_state(kernel, 2, state, use_fft)
        rng = np.random.default_rng(3)
        data = rng.normal(size=mask.pixels_in_mask)

        def chi2(image):
            model = conv.convolved_image_from(image, jnp.asarray(blurring), xp=jnp).array
            return jnp.sum((model - data) ** 2)

        grad = np.asarray(jax.jit(jax.grad(chi2))(jnp.asarray(image)))
        f = jax.jit(chi2)
        eps = 1e-5
        for i in rng.choice(image.size, size=6, replace=False):
            step = np.zeros_like(image)
            step[i] = eps
            fd = (float(f(jnp.asarray(image + step))) - float(f(jnp.asarray(image - step)))) / (
                2 * eps
            )
            assert grad[i] == pytest.approx(fd, rel=1e-6, abs=1e-8)
        direction = rng.normal(size=image.size)
        fd = (
            float(f(jnp.asarray(image + eps * direction)))
            - float(f(jnp.asarray(image - eps * direction)))
        ) / (2 * eps)
        assert grad @ direction == pytest.approx(fd, rel=1e-6)
