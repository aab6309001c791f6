"""
The sparse formalism of imaging inversions (``ImagingSparseOperator``, ``InversionImagingSparse``).

References: the curvature matrix, data vector and operated mapping matrix from a brute-force dense
PSF operator ``K`` (``conftest.brute_force_operator_from``: every fine pixel's unit image convolved
with ``scipy.signal.convolve2d`` on the fine frame, then the ``s x s`` block mean), and the whole
inversion from the mapping formalism (``InversionImagingMapping``, a different algorithm), at
``s = 1, 2, 3`` with a non-uniform noise map and an asymmetric PSF.
"""

import numpy as np
import pytest
import scipy.sparse

import autoarray as aa
from autoarray import exc

SIZES = (1, 2, 3)
ENGINES = ("w_sparse", "w_fft", "factored")
MASK = aa.Mask2D.circular((20, 20), radius=0.62, pixel_scales=0.1)
KERNEL_SHAPE = {1: (5, 5), 2: (9, 9), 3: (13, 11)}  # odd fine kernels: centred on a sample

# Tolerances: about 100x the largest error measured on the CI machine (in parentheses), as
# max |a - b| / max |b| for arrays and relative for scalars.
REL_MATRICES = 1e-13  # F, D, operated matrices vs brute force or the mapping formalism (1.1e-15)
REL_SOLUTION = 3e-13  # reconstructions, model images (1.6e-15; 5.4e-15 for one object's image)
REL_EVIDENCE = 1e-14  # log evidence and chi^2 vs the mapping formalism (4.4e-16)
REL_GRADIENT = 5e-9  # JAX gradient vs a central difference with h = 1e-4 (3.9e-11)


def kernel_from(s, seed=5):
    """A random positive, asymmetric fine kernel (normalised)."""
    kernel = np.random.default_rng(seed).random(KERNEL_SHAPE[s]) + 0.05
    kernel[0, :] *= 3.0  # a lopsided wing
    return kernel / kernel.sum()


def dataset_from(s, seed=7, mask=MASK):
    rng = np.random.default_rng(seed)
    n = mask.pixels_in_mask
    psf = aa.Convolver.no_mask(kernel_from(s), (0.1 / s, 0.1 / s), convolve_over_sample_size=s)
    return aa.Imaging(
        data=aa.Array2D(rng.normal(2.0, 1.0, size=n), mask),
        noise_map=aa.Array2D(rng.uniform(0.3, 3.0, size=n), mask),
        psf=psf,
        over_sample_size_lp=4 if s != 3 else 3,
        over_sample_size_pixelization=4 if s != 3 else 6,
        convolve_over_sample_size_lp=s,
        convolve_over_sample_size_pixelization=s,
    )


def mapper_from(dataset, coefficient=0.7):
    pixelization = aa.Pixelization(aa.mesh.RectangularUniform((7, 6)), aa.reg.Constant(coefficient))
    return pixelization.mapper_from(dataset.grids.pixelization)


def relative(a, b):
    return np.max(np.abs(np.asarray(a) - np.asarray(b))) / np.max(np.abs(np.asarray(b)))


class Case:
    """One ``s``: the dataset, its mapper, the mapping formalism and the brute-force references."""

    def __init__(self, s, brute_force_operator):
        self.s = s
        self.dataset = dataset_from(s)
        self.mapper = mapper_from(self.dataset)
        self.mapping = aa.inversion_from(self.dataset, [self.mapper])
        self.operator = brute_force_operator(self.dataset.mask, kernel_from(s), s)
        self.sigma = self.dataset.noise_map.slim.array
        self.operated = self.operator @ self.mapper.mapping_matrix_over_sampled_for(s, dense=True)

    def curvature_of(self, operated):
        return operated.T @ (operated / self.sigma[:, None] ** 2)

    def data_vector_of(self, operated):
        return operated.T @ (self.dataset.data.slim.array / self.sigma**2)


@pytest.fixture(name="case", scope="module", params=SIZES)
def make_case(request, brute_force_operator):
    return Case(request.param, brute_force_operator)


# ----------------------------------------------------------------------------- numbers


@pytest.mark.parametrize("engine", ENGINES)
def test_curvature_data_vector_and_operated_matrix_equal_brute_force(case, engine):
    inversion = aa.inversion_from(case.dataset.apply_sparse_operator(engine=engine), [case.mapper])
    assert isinstance(inversion, aa.InversionImagingSparse)
    assert relative(inversion.curvature_matrix, case.curvature_of(case.operated)) < REL_MATRICES
    assert relative(inversion.data_vector, case.data_vector_of(case.operated)) < REL_MATRICES
    assert np.array_equal(inversion.curvature_matrix, inversion.curvature_matrix.T)
    # Formed on request only (for inspection), from the operator.
    assert relative(inversion.operated_mapping_matrix, case.operated) < REL_MATRICES


@pytest.mark.parametrize("engine", ENGINES)
def test_inversion_equals_mapping_formalism(case, engine):
    mapping = case.mapping
    inversion = aa.inversion_from(case.dataset.apply_sparse_operator(engine=engine), [case.mapper])
    assert isinstance(mapping, aa.InversionImagingMapping)
    assert not isinstance(mapping, aa.InversionImagingSparse)
    assert relative(inversion.reconstruction, mapping.reconstruction) < REL_SOLUTION
    assert relative(inversion.mapped_reconstructed_image, mapping.mapped_reconstructed_image) < (
        REL_SOLUTION
    )
    assert inversion.log_evidence == pytest.approx(mapping.log_evidence, rel=REL_EVIDENCE)
    assert inversion.chi_squared == pytest.approx(mapping.chi_squared, rel=REL_EVIDENCE)


def test_w_fft_batches_that_do_not_divide_the_mesh(case):
    for batch_size in (1, 5, 500):
        dataset = case.dataset.apply_sparse_operator(engine="w_fft", batch_size=batch_size)
        inversion = aa.inversion_from(dataset, [case.mapper])
        assert relative(inversion.curvature_matrix, case.curvature_of(case.operated)) < (
            REL_MATRICES
        )


@pytest.mark.parametrize("dense_density", (0.0, 1.1))
def test_factored_engine_dense_and_sparse_gram_branches(case, dense_density):
    operator = case.dataset.apply_sparse_operator().sparse_operator
    curvature = aa.sparse_util.curvature_matrix_via_factored_from(
        case.mapper.mapping_matrix_over_sampled_for(case.s),
        operator.weighted_operator,
        dense_density=dense_density,
    )
    assert relative(curvature, case.curvature_of(case.operated)) < REL_MATRICES
    assert np.array_equal(curvature, curvature.T)


def test_linear_columns_and_a_pixelization_together(case):
    rng = np.random.default_rng(11)
    columns = rng.random((case.dataset.mask.pixels_in_mask, 2))
    args = dict(
        linear_obj_list=["light", case.mapper],
        operated_mapping_matrix_list=[columns, None],
        label_list=["light", "source"],
    )
    mapping = aa.inversion_from(case.dataset, **args)
    inversion = aa.inversion_from(case.dataset.apply_sparse_operator(), **args)
    assert isinstance(inversion, aa.InversionImagingSparse)
    operated = np.hstack([columns, case.operated])
    assert relative(inversion.curvature_matrix, case.curvature_of(operated)) < REL_MATRICES
    assert relative(inversion.data_vector, case.data_vector_of(operated)) < REL_MATRICES
    assert relative(inversion.reconstruction, mapping.reconstruction) < REL_SOLUTION
    assert inversion.log_evidence == pytest.approx(mapping.log_evidence, rel=REL_EVIDENCE)
    for ours, theirs in zip(
        inversion.mapped_reconstructed_image_list, mapping.mapped_reconstructed_image_list
    ):
        assert relative(ours, theirs) < REL_SOLUTION


def test_auto_engine_is_w_sparse_native_and_factored_oversampled(case):
    operator = case.dataset.apply_sparse_operator().sparse_operator
    assert operator.engine_for() == ("w_sparse" if case.s == 1 else "factored")
    assert operator.engine_for("w_fft") == "w_fft"
    assert repr(operator) == (
        f"ImagingSparseOperator(pixels={MASK.pixels_in_mask}, convolve_over_sample_size="
        f"{case.s}, engine='auto' -> '{operator.engine_for()}')"
    )


def test_no_psf_operator_is_the_identity():
    rng = np.random.default_rng(2)
    n = MASK.pixels_in_mask
    sigma = rng.uniform(1, 2, size=n)
    dataset = aa.Imaging(aa.Array2D(rng.normal(size=n), MASK), aa.Array2D(sigma, MASK))
    mapper = mapper_from(dataset)
    inversion = aa.inversion_from(dataset.apply_sparse_operator(), [mapper])
    matrix = mapper.mapping_matrix.toarray()
    assert relative(inversion.curvature_matrix, matrix.T @ (matrix / sigma[:, None] ** 2)) < (
        REL_MATRICES
    )
    mapping = aa.inversion_from(dataset, [mapper])
    assert inversion.log_evidence == pytest.approx(mapping.log_evidence, rel=REL_EVIDENCE)


# ------------------------------------------------------------------------------- JAX


@pytest.mark.parametrize("s", (1, 2))
def test_jax_path_equals_numpy_and_its_gradient_finite_differences(s, enable_x64):
    jax = enable_x64
    jnp = jax.numpy
    dataset = dataset_from(s).apply_sparse_operator(batch_size=16)
    mapper = mapper_from(dataset)
    inversion = aa.inversion_from(dataset, [mapper])
    operator = dataset.sparse_operator
    coo = scipy.sparse.coo_array(mapper.mapping_matrix_over_sampled_for(s))
    rows, cols = jnp.asarray(coo.row), jnp.asarray(coo.col)
    pixels = coo.shape[1]
    data = jnp.asarray(dataset.data.slim.array)

    @jax.jit
    def curvature(values):
        return operator.curvature_matrix_via_jax_from(rows, cols, values, pixels)

    @jax.jit
    def data_vector(values):
        return operator.data_vector_via_jax_from(rows, cols, values, pixels, data)

    values = jnp.asarray(coo.data)
    assert relative(curvature(values), inversion.curvature_matrix) < REL_MATRICES
    assert relative(data_vector(values), inversion.data_vector) < REL_MATRICES
    # The operator's own device copy is made once and kept (its DeviceArrayCache).
    cached = operator.device_arrays.array_for(("inverse_variances",), None)
    np.testing.assert_array_equal(np.asarray(cached), operator.inverse_variances)

    def objective(v):
        return jnp.sum(curvature(v) ** 2) * 1e-3 + jnp.sum(data_vector(v) ** 2)

    gradient = np.asarray(jax.jit(jax.grad(objective))(values))
    direction = np.random.default_rng(0).normal(size=values.shape)
    h = 1e-4
    numeric = (objective(values + h * direction) - objective(values - h * direction)) / (2.0 * h)
    assert float(gradient @ direction) == pytest.approx(float(numeric), rel=REL_GRADIENT)


# ---------------------------------------------------------------------- the dataset


def test_apply_mask_and_noise_scaling_rebuild_the_operator_and_over_sampling_keeps_it():
    dataset = dataset_from(2).apply_sparse_operator(engine="w_fft", batch_size=7)
    smaller = aa.Mask2D.circular((20, 20), radius=0.45, pixel_scales=0.1)
    masked = dataset.apply_mask(smaller)
    assert masked.sparse_operator.mask.is_same_as(smaller)
    assert (masked.sparse_operator.engine, masked.sparse_operator.batch_size) == ("w_fft", 7)
    region = aa.Mask2D.circular((20, 20), radius=0.2, pixel_scales=0.1)
    scaled = dataset.apply_noise_scaling(region, noise_value=1e4)
    assert np.array_equal(scaled.sparse_operator.noise_map, scaled.noise_map.slim.array)
    assert scaled.sparse_operator.noise_map.max() == 1e4
    mapper = mapper_from(scaled)
    mapping = aa.inversion_from(scaled._with(sparse_operator=None), [mapper])
    assert aa.inversion_from(scaled, [mapper]).log_evidence == pytest.approx(
        mapping.log_evidence, rel=REL_EVIDENCE
    )
    resampled = dataset.apply_over_sampling(over_sample_size_pixelization=2)
    assert resampled.sparse_operator is dataset.sparse_operator
    assert dataset_from(2).apply_mask(smaller).sparse_operator is None


def test_oversampled_psf_with_a_native_pixelization_channel():
    base = dataset_from(2)
    dataset = aa.Imaging(
        base.data,
        base.noise_map,
        base.psf,
        over_sample_size_lp=4,
        over_sample_size_pixelization=4,
        convolve_over_sample_size_lp=2,
        convolve_over_sample_size_pixelization=1,
    )
    sparse = dataset.apply_sparse_operator()
    assert sparse.sparse_operator.convolve_over_sample_size == 1
    mapper = mapper_from(dataset)
    assert aa.inversion_from(sparse, [mapper]).log_evidence == pytest.approx(
        aa.inversion_from(dataset, [mapper]).log_evidence, rel=REL_EVIDENCE
    )


# ---------------------------------------------------------------------------- errors


def test_operator_bad_inputs_raise():
    dataset = dataset_from(1)
    with pytest.raises(exc.InversionException, match=r"engine must be one of 'auto', 'w_sparse'"):
        aa.ImagingSparseOperator(dataset.noise_map, dataset.psf, engine="dense")
    with pytest.raises(exc.InversionException, match=r"batch_size must be a positive int \(>= 1\)"):
        aa.ImagingSparseOperator(dataset.noise_map, dataset.psf, batch_size=0)
    with pytest.raises(TypeError, match="batch_size must be a positive int, got 2.5"):
        aa.ImagingSparseOperator(dataset.noise_map, dataset.psf, batch_size=2.5)
    with pytest.raises(exc.InversionException, match="noise_map must be an Array2D"):
        aa.ImagingSparseOperator(dataset.noise_map.slim.array, dataset.psf)
    with pytest.raises(exc.InversionException, match="psf must be a Convolver"):
        aa.ImagingSparseOperator(dataset.noise_map, np.ones((3, 3)))
    bad = aa.Array2D(np.where(np.arange(MASK.pixels_in_mask) == 3, 0.0, 1.0), MASK)
    with pytest.raises(exc.InversionException, match="needs sigma > 0"):
        aa.ImagingSparseOperator(bad, dataset.psf)
    operator = aa.ImagingSparseOperator(dataset.noise_map, dataset.psf)
    with pytest.raises(exc.InversionException, match="engine must be one of"):
        operator.engine_for("fast")
    with pytest.raises(exc.DatasetException, match=r"apply_sparse_operator: engine must be"):
        dataset.apply_sparse_operator(engine="fast")


def test_inversion_sparse_bad_inputs_raise():
    dataset = dataset_from(2).apply_sparse_operator()
    mapper = mapper_from(dataset)
    operator = dataset.sparse_operator
    fine = mapper.mapping_matrix_over_sampled_for(2)
    n = dataset.mask.pixels_in_mask
    common = dict(data=dataset.data, noise_map=dataset.noise_map)
    with pytest.raises(exc.InversionException, match="must be an ImagingSparseOperator"):
        aa.InversionImagingSparse(sparse_operator=None, mapping_matrix_list=[fine], **common)
    with pytest.raises(exc.InversionException, match="exactly one .* not both"):
        aa.InversionImagingSparse(
            sparse_operator=operator,
            mapping_matrix_list=[fine],
            operated_mapping_matrix_list=[np.ones((n, 1))],
            **common,
        )
    with pytest.raises(exc.InversionException, match="not neither"):
        aa.InversionImagingSparse(sparse_operator=operator, mapping_matrix_list=[None], **common)
    with pytest.raises(exc.InversionException, match="one entry per linear object"):
        aa.InversionImagingSparse(
            sparse_operator=operator,
            mapping_matrix_list=[fine],
            operated_mapping_matrix_list=[],
            **common,
        )
    with pytest.raises(exc.InversionException, match=r"native mapping matrix .* pass the fine"):
        aa.InversionImagingSparse(
            sparse_operator=operator, mapping_matrix_list=[mapper.mapping_matrix], **common
        )
    with pytest.raises(
        exc.InversionException, match=rf"operated mapping matrix of light has shape \({n - 1}, 1\)"
    ):
        aa.InversionImagingSparse(
            sparse_operator=operator,
            mapping_matrix_list=[fine, None],
            operated_mapping_matrix_list=[None, np.ones((n - 1, 1))],
            label_list=["source", "light"],
            **common,
        )
    with pytest.raises(exc.InversionException, match="noise map differs"):
        aa.InversionImagingSparse(
            data=dataset.data,
            noise_map=dataset.noise_map.slim.array * 2.0,
            sparse_operator=operator,
            mapping_matrix_list=[fine],
        )
    with pytest.raises(exc.InversionException, match="not a Mapper, so its operated"):
        aa.inversion_from(dataset, ["light"])
    with pytest.raises(exc.InversionException, match="one entry per object"):
        aa.inversion_from(dataset, [mapper], operated_mapping_matrix_list=[None, None])
    other = aa.Mask2D.circular((20, 20), radius=0.45, pixel_scales=0.1)
    elsewhere = mapper_from(dataset.apply_mask(other))
    with pytest.raises(exc.InversionException, match="build the mapper on dataset.grids"):
        aa.inversion_from(dataset, [elsewhere])


def test_dataset_rejects_an_operator_of_another_dataset():
    dataset = dataset_from(2)
    operator = dataset.apply_sparse_operator().sparse_operator
    with pytest.raises(exc.DatasetException, match="must be an ImagingSparseOperator"):
        dataset._with(sparse_operator="w_tilde")
    other_mask = dataset.apply_mask(aa.Mask2D.circular((20, 20), radius=0.45, pixel_scales=0.1))
    with pytest.raises(exc.DatasetException, match="built on another mask"):
        other_mask._with(sparse_operator=operator)
    native = aa.ImagingSparseOperator(dataset.noise_map, dataset.psf.native_psf_from())
    with pytest.raises(exc.DatasetException, match=r"convolve_over_sample_size=1 but .* is 2"):
        dataset._with(sparse_operator=native)
    noisier = aa.Array2D(dataset.noise_map.slim.array * 1.5, dataset.mask)
    with pytest.raises(exc.DatasetException, match="another noise map"):
        dataset._with(noise_map=noisier, sparse_operator=operator)


@pytest.mark.parametrize("s", SIZES)
def test_adjoint_fft_columns_are_the_transpose_of_the_brute_force_operator(s, brute_force_operator):
    dataset = dataset_from(s)
    state = dataset.psf.state_from(dataset.mask)
    n_fine = dataset.mask.pixels_in_mask * s * s
    values = np.random.default_rng(s).normal(size=(dataset.mask.pixels_in_mask, 3))
    adjoint = aa.convolver_util.adjoint_columns_via_fft_from(
        values,
        state.scatter_index[:n_fine],
        state.gather_index,
        state.kernel_rfft,
        state.fft_shape,
        state.n_phase,
    )
    operator = brute_force_operator(dataset.mask, kernel_from(s), s)
    assert relative(adjoint, operator.T @ values) < REL_MATRICES
