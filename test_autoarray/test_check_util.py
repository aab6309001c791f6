import numpy as np
import pytest

from autoarray import check_util, exc


class TestPositiveIntFrom:
    def test__python_and_numpy_ints_are_returned_as_python_int(self):
        assert check_util.positive_int_from(3, "n") == 3
        value = check_util.positive_int_from(np.int64(2), "n")
        assert value == 2
        assert type(value) is int

    @pytest.mark.parametrize(
        "value, text",
        [
            (True, "got True of type bool"),
            (np.bool_(True), r"got np.True_ of type bool"),
            (2.0, "got 2.0 of type float"),
            (np.float64(2.0), r"got np.float64\(2.0\) of type float64"),
            ("2", "got '2' of type str"),
            (None, "got None of type NoneType"),
        ],
    )
    def test__non_int__raises_type_error_naming_value(self, value, text):
        with pytest.raises(TypeError, match=f"over_sample_size must be a positive int, {text}"):
            check_util.positive_int_from(value, "over_sample_size", exc.GridException)

    @pytest.mark.parametrize("value", [0, -1, np.int32(-3)])
    def test__int_below_one__raises_given_exception(self, value):
        with pytest.raises(
            exc.GridException, match=rf"size must be a positive int \(>= 1\), got {value}"
        ):
            check_util.positive_int_from(value, "size", exc.GridException)

    def test__default_exception_is_the_library_base(self):
        with pytest.raises(exc.AutoArrayException, match="got 0"):
            check_util.positive_int_from(0, "size")


class TestPairOfPositiveIntsFrom:
    def test__single_int_means_square(self):
        assert check_util.pair_of_positive_ints_from(3, "shape") == (3, 3)
        assert check_util.pair_of_positive_ints_from(np.int64(2), "shape") == (2, 2)

    def test__pairs(self):
        assert check_util.pair_of_positive_ints_from((2, 5), "shape") == (2, 5)
        assert check_util.pair_of_positive_ints_from([4, 1], "shape") == (4, 1)
        assert check_util.pair_of_positive_ints_from(np.array([3, 7]), "shape") == (3, 7)

    @pytest.mark.parametrize("value", [(2,), (1, 2, 3), ()])
    def test__wrong_length__raises_given_exception(self, value):
        with pytest.raises(exc.MaskException, match=r"shape must be an int or a \(y, x\) pair"):
            check_util.pair_of_positive_ints_from(value, "shape", exc.MaskException)

    @pytest.mark.parametrize("value, text", [(2.5, "got 2.5 of type float"), (True, "got True")])
    def test__scalar_non_int__raises_type_error(self, value, text):
        with pytest.raises(TypeError, match=text):
            check_util.pair_of_positive_ints_from(value, "shape", exc.MaskException)

    def test__non_int_entry__raises_type_error_naming_entry(self):
        with pytest.raises(TypeError, match=r"shape\[0\] must be a positive int, got 2.0"):
            check_util.pair_of_positive_ints_from((2.0, 3), "shape", exc.MaskException)
        with pytest.raises(TypeError, match=r"shape\[1\] must be a positive int, got False"):
            check_util.pair_of_positive_ints_from((2, False), "shape", exc.MaskException)

    def test__entry_below_one__raises_given_exception(self):
        with pytest.raises(exc.MaskException, match=r"shape\[1\] must be a positive int .* got 0"):
            check_util.pair_of_positive_ints_from((3, 0), "shape", exc.MaskException)


class TestPixelScalesFrom:
    def test__single_number_means_square_pixels(self):
        assert check_util.pixel_scales_from(0.5) == (0.5, 0.5)
        assert check_util.pixel_scales_from(1) == (1.0, 1.0)
        assert check_util.pixel_scales_from(np.float32(0.25)) == (0.25, 0.25)

    def test__pair(self):
        scales = check_util.pixel_scales_from((0.1, 0.2))
        assert scales == (0.1, 0.2)
        assert all(type(v) is float for v in scales)
        assert check_util.pixel_scales_from(np.array([0.3, 0.4])) == (0.3, 0.4)

    @pytest.mark.parametrize(
        "value, shown",
        [
            (0.0, "0.0"),
            (-0.1, "-0.1"),
            (float("nan"), "nan"),
            (float("inf"), "inf"),
            ((0.1, -0.2), r"\(0.1, -0.2\)"),
            ((0.1, float("nan")), r"\(0.1, nan\)"),
            ((0.1,), r"\(0.1,\)"),
            ((0.1, 0.1, 0.1), r"\(0.1, 0.1, 0.1\)"),
            ("0.1", "'0.1'"),
            ("11", "'11'"),
            (True, "True"),
            ((True, 1.0), r"\(True, 1.0\)"),
            (None, "None"),
        ],
    )
    def test__invalid__raises_given_exception_naming_value(self, value, shown):
        with pytest.raises(
            exc.MaskException, match=rf"pixel_scales must be a positive float .* got {shown}\."
        ):
            check_util.pixel_scales_from(value, exc.MaskException)


class TestOriginFrom:
    def test__pair_of_floats(self):
        origin = check_util.origin_from((1, -2))
        assert origin == (1.0, -2.0)
        assert all(type(v) is float for v in origin)

    @pytest.mark.parametrize(
        "value, shown",
        [
            (0.0, "0.0"),
            ((1.0,), r"\(1.0,\)"),
            ((0.0, float("nan")), r"\(0.0, nan\)"),
            ("ab", "'ab'"),
        ],
    )
    def test__invalid__raises_given_exception(self, value, shown):
        with pytest.raises(
            exc.ArrayException, match=rf"origin must be a \(y, x\) pair .*got {shown}"
        ):
            check_util.origin_from(value, exc.ArrayException)


def test__exceptions_share_one_base_and_are_value_errors():
    for cls in (
        exc.ArrayException,
        exc.MaskException,
        exc.GridException,
        exc.KernelException,
        exc.DatasetException,
        exc.InversionException,
    ):
        assert issubclass(cls, exc.AutoArrayException)
        assert issubclass(cls, ValueError)
