"""
PyAutoArray names of ``Mask2D``: ``invert=`` on the factories, ``is_all_true``, ``mask_centre``,
``from_fits(resized_mask_shape=, invert=)``, ``derive_mask.all_false`` and ``derive_mask.edge``.
References are hand-written masks and hand-computed coordinates.
"""

import re

import numpy as np
import pytest
from astropy.io import fits

import autoarray as aa
from autoarray import exc

T, F = True, False


class TestInvert:
    def test__all_false_inverted_masks_everything(self):
        mask = aa.Mask2D.all_false((2, 3), 0.1, invert=True)
        np.testing.assert_array_equal(mask.array, np.ones((2, 3), dtype=bool))
        assert mask.is_all_true and not mask.is_all_false

    def test__circular_inverted_masks_the_disc(self):
        # 5 x 5, 1" pixels, radius 1.1": the centre and its 4 neighbours lie inside.
        disc = np.array(
            [
                [F, F, F, F, F],
                [F, F, T, F, F],
                [F, T, T, T, F],
                [F, F, T, F, F],
                [F, F, F, F, F],
            ]
        )
        np.testing.assert_array_equal(aa.Mask2D.circular((5, 5), 1.1, 1.0, invert=True).array, disc)
        np.testing.assert_array_equal(aa.Mask2D.circular((5, 5), 1.1, 1.0).array, ~disc)

    def test__circular_annular_inverted_masks_the_ring(self):
        # Radii 0.5" < r <= 1.1": the 4 neighbours of the centre.
        ring = np.zeros((5, 5), dtype=bool)
        ring[[1, 2, 2, 3], [2, 1, 3, 2]] = True
        mask = aa.Mask2D.circular_annular((5, 5), 0.5, 1.1, 1.0, invert=True)
        np.testing.assert_array_equal(mask.array, ring)

    def test__bad__invert_not_a_bool(self):
        with pytest.raises(
            TypeError, match=re.escape("invert must be True or False, got 'yes' of type str.")
        ):
            aa.Mask2D.circular((5, 5), 1.1, 1.0, invert="yes")


class TestDerived:
    def test__is_all_true(self):
        assert aa.Mask2D(np.ones((2, 2), dtype=bool), 1.0).is_all_true
        assert not aa.Mask2D([[T, F], [T, T]], 1.0).is_all_true

    def test__mask_centre_is_the_bounding_box_midpoint(self):
        # Unmasked pixels (1, 1), (1, 2), (2, 1) of a 4 x 5 frame with pixel scales (0.5, 2.0)
        # and origin (1.0, -1.0): y = -(i - 1.5) 0.5 + 1 -> 1.25 (i = 1), 0.75 (i = 2);
        # x = (j - 2) 2 - 1 -> -3 (j = 1), -1 (j = 2). The mean would be (1.0833, -2.333).
        values = np.ones((4, 5), dtype=bool)
        values[1, 1] = values[1, 2] = values[2, 1] = False
        mask = aa.Mask2D(values, pixel_scales=(0.5, 2.0), origin=(1.0, -1.0))
        assert mask.mask_centre == pytest.approx((1.0, -2.0), abs=1e-15)
        assert isinstance(mask.mask_centre[0], float)

    def test__mask_centre_of_a_circle_is_its_centre(self):
        mask = aa.Mask2D.circular((20, 20), 0.5, 0.1, centre=(0.3, -0.2))
        assert mask.mask_centre == pytest.approx((0.3, -0.2), abs=1e-12)

    def test__bad__mask_centre_of_a_fully_masked_mask(self):
        with pytest.raises(
            exc.MaskException,
            match=re.escape(
                "mask_centre of a mask with every pixel masked (shape (2, 3)) is undefined"
            ),
        ):
            _ = aa.Mask2D.all_false((2, 3), 1.0, invert=True).mask_centre

    def test__derive_mask_all_false_keeps_the_geometry(self):
        mask = aa.Mask2D([[T, F], [T, T]], pixel_scales=(0.1, 0.2), origin=(1.0, 2.0))
        unmasked = mask.derive_mask.all_false
        np.testing.assert_array_equal(unmasked.array, np.zeros((2, 2), dtype=bool))
        assert unmasked.pixel_scales == (0.1, 0.2) and unmasked.origin == (1.0, 2.0)

    def test__derive_mask_edge(self):
        # The example of PyAutoArray's docstring: the centre of a 3 x 3 block is not an edge.
        mask = aa.Mask2D(
            [
                [T, T, T, T, T],
                [T, F, F, F, T],
                [T, F, F, F, T],
                [T, F, F, F, T],
                [T, T, T, T, T],
            ],
            pixel_scales=1.0,
        )
        expected = np.ones((5, 5), dtype=bool)
        expected[1:4, 1:4] = False
        expected[2, 2] = True
        np.testing.assert_array_equal(mask.derive_mask.edge.array, expected)

    def test__derive_mask_edge__frame_border_counts_as_masked(self):
        edge = aa.Mask2D.all_false((4, 4), 1.0).derive_mask.edge.array
        expected = np.zeros((4, 4), dtype=bool)
        expected[1:3, 1:3] = True
        np.testing.assert_array_equal(edge, expected)


class TestFromFits:
    def _write(self, tmp_path, values):
        path = tmp_path / "mask.fits"
        fits.writeto(path, np.asarray(values, dtype=np.float64))
        return path

    def test__resized_mask_shape_pads_with_masked_pixels(self, tmp_path):
        path = self._write(tmp_path, [[1, 1], [0, 0]])
        mask = aa.Mask2D.from_fits(path, pixel_scales=0.1, resized_mask_shape=(4, 4))
        expected = np.ones((4, 4), dtype=bool)
        expected[2, 1:3] = False
        np.testing.assert_array_equal(mask.array, expected)
        assert mask.pixel_scales == (0.1, 0.1)

    def test__resized_mask_shape_crops_about_the_centre(self, tmp_path):
        values = np.ones((5, 5))
        values[2, 1:4] = 0
        path = self._write(tmp_path, values)
        mask = aa.Mask2D.from_fits(path, pixel_scales=0.1, resized_mask_shape=(3, 3))
        np.testing.assert_array_equal(mask.array, [[T, T, T], [F, F, F], [T, T, T]])

    def test__invert_then_resize(self, tmp_path):
        path = self._write(tmp_path, [[1, 1], [0, 0]])
        mask = aa.Mask2D.from_fits(path, pixel_scales=0.1, invert=True, resized_mask_shape=(2, 4))
        np.testing.assert_array_equal(mask.array, [[T, F, F, T], [T, T, T, T]])

    def test__bad__resized_mask_shape(self, tmp_path):
        path = self._write(tmp_path, [[1, 1], [0, 0]])
        with pytest.raises(
            exc.MaskException, match=re.escape("new_shape[0] must be a positive int (>= 1), got 0.")
        ):
            aa.Mask2D.from_fits(path, pixel_scales=0.1, resized_mask_shape=(0, 4))
