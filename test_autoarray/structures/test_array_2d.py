import numpy as np
import pytest

import autoarray as aa
from autoarray import exc

T, F = True, False

# Unmasked pixels in slim order: (0, 1), (1, 0), (1, 1), (2, 2).
PATTERN = np.array([[T, F, T], [F, F, T], [T, T, F]])


@pytest.fixture
def mask():
    return aa.Mask2D(PATTERN, pixel_scales=(0.5, 0.25), origin=(1.0, -1.0))


class TestSlimNative:
    def test__from_slim(self, mask):
        arr = aa.Array2D([1.0, 2.0, 3.0, 4.0], mask=mask)
        assert not arr.store_native
        np.testing.assert_array_equal(arr.slim.array, [1.0, 2.0, 3.0, 4.0])
        np.testing.assert_array_equal(
            arr.native.array, [[0.0, 1.0, 0.0], [2.0, 3.0, 0.0], [0.0, 0.0, 4.0]]
        )
        assert arr.shape == (4,)
        assert arr.native.shape == (3, 3)

    def test__from_native__masked_values_are_dropped(self, mask):
        native = np.array([[9.0, 1.0, 9.0], [2.0, 3.0, 9.0], [9.0, 9.0, 4.0]])
        arr = aa.Array2D(native, mask=mask)
        np.testing.assert_array_equal(arr.slim.array, [1.0, 2.0, 3.0, 4.0])
        np.testing.assert_array_equal(
            arr.native.array, [[0.0, 1.0, 0.0], [2.0, 3.0, 0.0], [0.0, 0.0, 4.0]]
        )
        # The caller's array is not modified.
        assert native[0, 0] == 9.0

    def test__native_slim_native_round_trip(self, mask):
        native = np.array([[0.0, 1.5, 0.0], [-2.0, 3.25, 0.0], [0.0, 0.0, 7.0]])
        arr = aa.Array2D(native, mask=mask)
        round_trip = aa.Array2D(arr.slim.array, mask=mask).native
        np.testing.assert_array_equal(round_trip.array, native)
        np.testing.assert_array_equal(arr.native.slim.native.array, native)

    def test__store_native(self, mask):
        native = np.array([[9.0, 1.0, 9.0], [2.0, 3.0, 9.0], [9.0, 9.0, 4.0]])
        arr = aa.Array2D(native, mask=mask, store_native=True)
        assert arr.store_native
        assert arr.native is arr
        np.testing.assert_array_equal(
            arr.array, [[0.0, 1.0, 0.0], [2.0, 3.0, 0.0], [0.0, 0.0, 4.0]]
        )
        assert native[0, 0] == 9.0
        from_slim = aa.Array2D([1.0, 2.0, 3.0, 4.0], mask=mask, store_native=True)
        np.testing.assert_array_equal(from_slim.array, arr.array)

    def test__from_another_array(self, mask):
        arr = aa.Array2D([1.0, 2.0, 3.0, 4.0], mask=mask)
        np.testing.assert_array_equal(aa.Array2D(arr, mask=mask).array, [1.0, 2.0, 3.0, 4.0])
        native = aa.Array2D(arr, mask=mask, store_native=True)
        np.testing.assert_array_equal(native.array, arr.native.array)
        np.testing.assert_array_equal(aa.Array2D(native, mask=mask).array, [1.0, 2.0, 3.0, 4.0])

    def test__array_on_another_mask_is_remasked_pixel_by_pixel(self, mask):
        image = aa.Array2D.no_mask(np.arange(1.0, 10.0).reshape(3, 3), pixel_scales=(0.5, 0.25))
        # Unmasked pixels (0, 1), (1, 0), (1, 1), (2, 2) hold 2, 4, 5, 9 in the image.
        for values in (image, image.native):
            masked = aa.Array2D(values, mask=mask)
            assert masked.mask is mask
            np.testing.assert_array_equal(masked.array, [2.0, 4.0, 5.0, 9.0])
        # And back onto the full frame: zeros where the first mask hid the values.
        full = aa.Array2D(aa.Array2D(image, mask=mask), mask=image.mask)
        np.testing.assert_array_equal(
            full.native.array, [[0.0, 2.0, 0.0], [4.0, 5.0, 0.0], [0.0, 0.0, 9.0]]
        )
        with pytest.raises(exc.ArrayException, match=r"shape \(2, 2\) fit neither"):
            aa.Array2D(aa.Array2D.ones((2, 2), pixel_scales=1.0), mask=mask)

    def test__geometry_properties(self, mask):
        arr = aa.Array2D([1.0, 2.0, 3.0, 4.0], mask=mask)
        assert arr.mask is mask
        assert arr.shape_native == (3, 3)
        assert arr.shape_slim == 4
        assert arr.pixel_scales == (0.5, 0.25)
        assert arr.origin == (1.0, -1.0)
        assert len(arr) == 4

    def test__integer_values_keep_their_dtype(self, mask):
        arr = aa.Array2D(np.array([1, 2, 3, 4]), mask=mask)
        assert arr.dtype.kind == "i"
        assert arr.native.dtype.kind == "i"

    def test__mismatched_shape__raises(self, mask):
        with pytest.raises(
            exc.ArrayException,
            match=r"shape \(5,\) fit neither the slim shape \(4,\) nor the native shape \(3, 3\)",
        ):
            aa.Array2D(np.ones(5), mask=mask)
        with pytest.raises(exc.ArrayException, match=r"shape \(3, 4\) fit neither"):
            aa.Array2D(np.ones((3, 4)), mask=mask)
        with pytest.raises(exc.ArrayException, match=r"shape \(\) fit neither"):
            aa.Array2D(1.0, mask=mask)

    def test__mask_not_a_mask2d__raises(self):
        with pytest.raises(exc.ArrayException, match="mask must be a Mask2D, got ndarray"):
            aa.Array2D(np.ones(4), mask=PATTERN)

    def test__non_numeric_values__raise(self, mask):
        with pytest.raises(exc.ArrayException, match="values must be numeric, got dtype <U1"):
            aa.Array2D(np.array(["a", "b", "c", "d"]), mask=mask)


class TestFactories:
    def test__no_mask__2d(self):
        arr = aa.Array2D.no_mask([[1.0, 2.0], [3.0, 4.0]], pixel_scales=0.1, origin=(1.0, 2.0))
        assert arr.mask.is_all_false
        assert arr.pixel_scales == (0.1, 0.1)
        assert arr.origin == (1.0, 2.0)
        np.testing.assert_array_equal(arr.slim.array, [1.0, 2.0, 3.0, 4.0])
        np.testing.assert_array_equal(arr.native.array, [[1.0, 2.0], [3.0, 4.0]])

    def test__no_mask__1d_with_shape_native(self):
        arr = aa.Array2D.no_mask(
            [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], pixel_scales=1.0, shape_native=(2, 3)
        )
        np.testing.assert_array_equal(arr.native.array, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])

    def test__no_mask__bad_inputs(self):
        with pytest.raises(exc.ArrayException, match="1D values without shape_native"):
            aa.Array2D.no_mask([1.0, 2.0, 3.0, 4.0], pixel_scales=1.0)
        with pytest.raises(exc.ArrayException, match=r"got 5 values for shape_native \(2, 3\)"):
            aa.Array2D.no_mask(np.ones(5), pixel_scales=1.0, shape_native=(2, 3))
        with pytest.raises(exc.ArrayException, match=r"got shape \(2, 2, 2\)"):
            aa.Array2D.no_mask(np.ones((2, 2, 2)), pixel_scales=1.0)
        with pytest.raises(TypeError, match=r"shape_native\[0\] must be a positive int, got 2.0"):
            aa.Array2D.no_mask(np.ones(4), pixel_scales=1.0, shape_native=(2.0, 2))

    @pytest.mark.parametrize("pixel_scales", [-0.1, 0.0, float("nan")])
    def test__no_mask__bad_pixel_scales(self, pixel_scales):
        with pytest.raises(exc.MaskException, match=f"pixel_scales must be .*got {pixel_scales}"):
            aa.Array2D.no_mask(np.ones((2, 2)), pixel_scales=pixel_scales)

    def test__full_ones_zeros(self):
        full = aa.Array2D.full(2.5, shape_native=(2, 3), pixel_scales=(0.1, 0.2), origin=(1.0, 0.0))
        np.testing.assert_array_equal(full.native.array, np.full((2, 3), 2.5))
        assert full.pixel_scales == (0.1, 0.2)
        assert full.origin == (1.0, 0.0)
        assert full.mask.is_all_false
        np.testing.assert_array_equal(aa.Array2D.ones((2, 2), 1.0).array, [1.0] * 4)
        np.testing.assert_array_equal(aa.Array2D.zeros(3, 1.0).native.array, np.zeros((3, 3)))

    def test__full__bad_shape(self):
        with pytest.raises(exc.ArrayException, match=r"shape_native\[1\] .*got 0"):
            aa.Array2D.full(1.0, shape_native=(2, 0), pixel_scales=1.0)
        with pytest.raises(TypeError, match="got True"):
            aa.Array2D.ones(True, pixel_scales=1.0)


class TestNumpyInteroperability:
    def test__np_array_is_a_copy_of_the_stored_values(self, mask):
        arr = aa.Array2D([1.0, 2.0, 3.0, 4.0], mask=mask)
        out = np.array(arr)
        assert isinstance(out, np.ndarray)
        np.testing.assert_array_equal(out, [1.0, 2.0, 3.0, 4.0])
        out[0] = 99.0
        assert arr[0] == 1.0
        np.testing.assert_array_equal(np.array(arr.native), arr.native.array)
        assert np.asarray(arr, dtype=np.float32).dtype == np.float32

    def test__numpy_functions(self, mask):
        arr = aa.Array2D([1.0, 2.0, 3.0, 4.0], mask=mask)
        assert np.sum(arr) == 10.0
        assert arr.sum() == 10.0
        assert arr.max() == 4.0
        assert arr.min() == 1.0
        assert arr.mean() == 2.5
        np.testing.assert_allclose(np.sqrt(arr), [1.0, np.sqrt(2.0), np.sqrt(3.0), 2.0])

    def test__arithmetic_returns_array2d_on_the_same_mask(self, mask):
        a = aa.Array2D([1.0, 2.0, 3.0, 4.0], mask=mask)
        b = aa.Array2D([2.0, 2.0, 4.0, 8.0], mask=mask)
        cases = [
            (a + 1, [2.0, 3.0, 4.0, 5.0]),
            (1 + a, [2.0, 3.0, 4.0, 5.0]),
            (a - 1, [0.0, 1.0, 2.0, 3.0]),
            (10 - a, [9.0, 8.0, 7.0, 6.0]),
            (a * 2, [2.0, 4.0, 6.0, 8.0]),
            (2 * a, [2.0, 4.0, 6.0, 8.0]),
            (a / 2, [0.5, 1.0, 1.5, 2.0]),
            (12 / a, [12.0, 6.0, 4.0, 3.0]),
            (a**2, [1.0, 4.0, 9.0, 16.0]),
            (2**a, [2.0, 4.0, 8.0, 16.0]),
            (-a, [-1.0, -2.0, -3.0, -4.0]),
            (abs(-a), [1.0, 2.0, 3.0, 4.0]),
            (a + b, [3.0, 4.0, 7.0, 12.0]),
            (b - a, [1.0, 0.0, 1.0, 4.0]),
            (a * b, [2.0, 4.0, 12.0, 32.0]),
            (b / a, [2.0, 1.0, 4.0 / 3.0, 2.0]),
            (a + np.ones(4), [2.0, 3.0, 4.0, 5.0]),
            (np.ones(4) + a, [2.0, 3.0, 4.0, 5.0]),
            (np.full(4, 2.0) * a, [2.0, 4.0, 6.0, 8.0]),
        ]
        for result, expected in cases:
            assert isinstance(result, aa.Array2D)
            assert result.mask is mask
            assert not result.store_native
            np.testing.assert_allclose(result.array, expected, rtol=1e-15)

    def test__arithmetic_mixing_slim_and_native(self, mask):
        slim = aa.Array2D([1.0, 2.0, 3.0, 4.0], mask=mask)
        native = aa.Array2D([1.0, 1.0, 1.0, 1.0], mask=mask, store_native=True)
        result = native + slim
        assert result.store_native
        np.testing.assert_array_equal(
            result.array, [[0.0, 2.0, 0.0], [3.0, 4.0, 0.0], [0.0, 0.0, 5.0]]
        )
        np.testing.assert_array_equal((slim * native).array, [1.0, 2.0, 3.0, 4.0])

    def test__comparisons(self, mask):
        a = aa.Array2D([1.0, 2.0, 3.0, 4.0], mask=mask)
        np.testing.assert_array_equal(a > 2, [F, F, T, T])
        np.testing.assert_array_equal(
            a == aa.Array2D([1.0, 0.0, 3.0, 0.0], mask=mask), [T, F, T, F]
        )

    def test__arithmetic_on_different_masks__raises(self, mask):
        a = aa.Array2D([1.0, 2.0, 3.0, 4.0], mask=mask)
        other_values = aa.Mask2D(~PATTERN, pixel_scales=(0.5, 0.25), origin=(1.0, -1.0))
        other_values = aa.Array2D(np.ones(5), mask=other_values)
        other_geometry = aa.Array2D(np.ones(4), mask=aa.Mask2D(PATTERN, pixel_scales=0.5))
        for other in (other_values, other_geometry):
            with pytest.raises(exc.ArrayException, match="different masks"):
                _ = a + other
            with pytest.raises(exc.ArrayException, match="different masks"):
                _ = a * other
            with pytest.raises(exc.ArrayException, match="different masks"):
                _ = a < other

    def test__copy_is_independent(self, mask):
        a = aa.Array2D(np.array([1.0, 2.0, 3.0, 4.0]), mask=mask)
        b = a.copy()
        b.array[0] = 5.0
        assert a[0] == 1.0
        assert b.mask is mask

    def test__astype_and_with_new_array(self, mask):
        a = aa.Array2D([1.0, 2.0, 3.0, 4.0], mask=mask)
        assert a.astype(np.float32).dtype == np.float32
        new = a.with_new_array([5.0, 6.0, 7.0, 8.0])
        assert new.mask is mask
        np.testing.assert_array_equal(new.array, [5.0, 6.0, 7.0, 8.0])

    def test__repr(self, mask):
        text = repr(aa.Array2D([1.0, 2.0, 3.0, 4.0], mask=mask))
        assert "slim" in text
        assert "shape_native=(3, 3)" in text
