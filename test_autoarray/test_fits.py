import numpy as np
import pytest
from astropy.io import fits

import autoarray as aa
from autoarray import exc, fits_util

T, F = True, False

PATTERN = np.array([[T, F, T], [F, F, T], [T, T, F]])


class TestArray2D:
    def test__unmasked_round_trip_is_exact(self, tmp_path):
        values = np.array([[0.1, -2.5e-7, 3.0], [1.0 / 3.0, np.pi, -1e300]])
        arr = aa.Array2D.no_mask(values, pixel_scales=(0.1, 0.03), origin=(1.5, -0.7))
        path = tmp_path / "array.fits"
        arr.output_to_fits(path)

        loaded = aa.Array2D.from_fits(path)
        np.testing.assert_array_equal(loaded.native.array, values)
        assert loaded.dtype == np.float64
        assert loaded.pixel_scales == (0.1, 0.03)
        assert loaded.origin == (1.5, -0.7)
        assert loaded.mask.is_all_false

        with fits.open(path) as hdul:
            assert len(hdul) == 1
            assert hdul[0].header["PIXSCALY"] == 0.1
            assert hdul[0].header["PIXSCALX"] == 0.03
            assert hdul[0].header["ORIGINY"] == 1.5
            assert hdul[0].header["ORIGINX"] == -0.7
            assert hdul[0].header["BITPIX"] == -64

    def test__masked_round_trip_restores_mask(self, tmp_path):
        mask = aa.Mask2D(PATTERN, pixel_scales=0.2, origin=(0.0, 0.5))
        arr = aa.Array2D([1.25, -2.0, 3.5, 1e-9], mask=mask)
        path = tmp_path / "masked.fits"
        arr.output_to_fits(path)

        loaded = aa.Array2D.from_fits(path)
        assert loaded.mask.is_same_as(mask)
        np.testing.assert_array_equal(loaded.slim.array, [1.25, -2.0, 3.5, 1e-9])
        np.testing.assert_array_equal(
            loaded.native.array, [[0.0, 1.25, 0.0], [-2.0, 3.5, 0.0], [0.0, 0.0, 1e-9]]
        )
        with fits.open(path) as hdul:
            np.testing.assert_array_equal(hdul["MASK"].data, PATTERN.astype(np.uint8))

    def test__extra_header_keys_are_kept(self, tmp_path):
        header = fits.Header()
        header["EXPTIME"] = 1500.0
        path = tmp_path / "header.fits"
        aa.Array2D.ones((2, 2), pixel_scales=0.05).output_to_fits(path, header=header)
        with fits.open(path) as hdul:
            assert hdul[0].header["EXPTIME"] == 1500.0
            assert hdul[0].header["PIXSCALX"] == 0.05
        assert "PIXSCALX" not in header  # the caller's header is not modified

    def test__no_pixel_scales_in_header_or_argument__raises(self, tmp_path):
        path = tmp_path / "plain.fits"
        fits.PrimaryHDU(np.arange(6.0).reshape(2, 3)).writeto(path)
        with pytest.raises(
            exc.ArrayException, match="has no PIXSCALY / PIXSCALX header keys: pass pixel_scales"
        ):
            aa.Array2D.from_fits(path)

    def test__pixel_scales_argument_for_plain_file(self, tmp_path):
        path = tmp_path / "plain.fits"
        fits.PrimaryHDU(np.arange(6.0).reshape(2, 3)).writeto(path)
        loaded = aa.Array2D.from_fits(path, pixel_scales=0.1)
        assert loaded.pixel_scales == (0.1, 0.1)
        assert loaded.origin == (0.0, 0.0)
        np.testing.assert_array_equal(loaded.native.array, [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]])

    def test__arguments_override_header(self, tmp_path):
        path = tmp_path / "array.fits"
        aa.Array2D.ones((2, 2), pixel_scales=0.05, origin=(1.0, 1.0)).output_to_fits(path)
        loaded = aa.Array2D.from_fits(path, pixel_scales=(0.2, 0.3), origin=(0.0, -1.0))
        assert loaded.pixel_scales == (0.2, 0.3)
        assert loaded.origin == (0.0, -1.0)

    def test__integer_big_endian_data_and_extension_hdu(self, tmp_path):
        path = tmp_path / "ints.fits"
        data = np.array([[1, -2], [300, 4]], dtype=">i2")
        fits.HDUList([fits.PrimaryHDU(), fits.ImageHDU(data, name="SCI")]).writeto(path)
        loaded = aa.Array2D.from_fits(path, pixel_scales=1.0, hdu="SCI")
        assert loaded.dtype == np.float64
        np.testing.assert_array_equal(loaded.native.array, [[1.0, -2.0], [300.0, 4.0]])
        np.testing.assert_array_equal(
            aa.Array2D.from_fits(path, pixel_scales=1.0, hdu=1).array, loaded.array
        )

    def test__non_2d_hdu__raises(self, tmp_path):
        path = tmp_path / "cube.fits"
        fits.PrimaryHDU(np.zeros((2, 2, 2))).writeto(path)
        with pytest.raises(
            exc.ArrayException, match=r"holds an array of shape \(2, 2, 2\); Array2D needs 2D"
        ):
            aa.Array2D.from_fits(path, pixel_scales=1.0)

    def test__missing_hdu__raises(self, tmp_path):
        path = tmp_path / "array.fits"
        aa.Array2D.ones((2, 2), pixel_scales=1.0).output_to_fits(path)
        with pytest.raises(KeyError, match=r"has no HDU 3; it has 1 HDUs named \['PRIMARY'\]"):
            aa.Array2D.from_fits(path, hdu=3)

    def test__existing_file__needs_overwrite(self, tmp_path):
        path = tmp_path / "array.fits"
        aa.Array2D.ones((2, 2), pixel_scales=1.0).output_to_fits(path)
        with pytest.raises(FileExistsError, match="pass overwrite=True"):
            aa.Array2D.zeros((2, 2), pixel_scales=1.0).output_to_fits(path)
        aa.Array2D.zeros((2, 2), pixel_scales=1.0).output_to_fits(path, overwrite=True)
        np.testing.assert_array_equal(aa.Array2D.from_fits(path).array, np.zeros(4))

    def test__creates_missing_folders(self, tmp_path):
        path = tmp_path / "a" / "b" / "array.fits"
        aa.Array2D.ones((1, 2), pixel_scales=1.0).output_to_fits(path)
        assert path.exists()


class TestMask2D:
    def test__round_trip_is_exact(self, tmp_path):
        mask = aa.Mask2D(PATTERN, pixel_scales=(0.07, 0.11), origin=(-0.3, 2.0))
        path = tmp_path / "mask.fits"
        mask.output_to_fits(path)
        loaded = aa.Mask2D.from_fits(path)
        assert loaded.is_same_as(mask)
        np.testing.assert_array_equal(loaded.array, PATTERN)
        assert loaded.pixel_scales == (0.07, 0.11)
        assert loaded.origin == (-0.3, 2.0)
        with fits.open(path) as hdul:
            np.testing.assert_array_equal(hdul[0].data, PATTERN.astype(np.uint8))

    def test__nonzero_means_masked_and_arguments(self, tmp_path):
        path = tmp_path / "plain_mask.fits"
        fits.PrimaryHDU(np.array([[0.0, 2.0], [-1.0, 0.0]])).writeto(path)
        loaded = aa.Mask2D.from_fits(path, pixel_scales=0.5)
        np.testing.assert_array_equal(loaded.array, [[F, T], [T, F]])
        assert loaded.pixel_scales == (0.5, 0.5)
        assert loaded.origin == (0.0, 0.0)

    def test__no_pixel_scales__raises(self, tmp_path):
        path = tmp_path / "plain_mask.fits"
        fits.PrimaryHDU(np.zeros((2, 2))).writeto(path)
        with pytest.raises(
            exc.MaskException, match="has no PIXSCALY / PIXSCALX header keys: pass pixel_scales"
        ):
            aa.Mask2D.from_fits(path)


class TestFitsUtil:
    def test__header_geometry(self):
        header = fits_util.header_with_geometry_from((0.1, 0.2), (3.0, -4.0))
        assert fits_util.header_geometry_from(header) == ((0.1, 0.2), (3.0, -4.0))
        assert fits_util.header_geometry_from(fits.Header()) == (None, None)

    def test__hdu_from_returns_native_endian_float64(self, tmp_path):
        path = tmp_path / "f32.fits"
        fits.PrimaryHDU(np.array([[1.5, 2.5]], dtype=">f4")).writeto(path)
        data, header = fits_util.hdu_from(path)
        assert data.dtype == np.dtype(np.float64)
        assert data.dtype.isnative
        np.testing.assert_array_equal(data, [[1.5, 2.5]])
