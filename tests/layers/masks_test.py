import numpy as np
import pytest
from keras.ops import convert_to_numpy as to_numpy

from seqkit.layers import masks


def test_causal_mask_values():
    expected = np.tril(np.ones((3, 3), bool))
    np.testing.assert_array_equal(to_numpy(masks.causal_mask(3)), expected)


def test_causal_mask_rectangular_and_offset():
    # Query rows stand at positions 2 and 3 of a 5-long key sequence.
    got = to_numpy(masks.causal_mask(2, 5, offset=2))
    expected = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 0]], bool)
    np.testing.assert_array_equal(got, expected)


def test_padding_mask_from_lengths():
    got = to_numpy(masks.padding_mask(np.array([0, 2, 4]), 4))
    expected = np.array([[0, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 1]], bool)
    np.testing.assert_array_equal(got, expected)


def test_attention_mask_from_padding_and_merge():
    q = np.array([[True, False]])
    k = np.array([[True, True, False]])
    got = to_numpy(masks.attention_mask_from_padding(q, k))
    expected = np.array([[[1, 1, 0], [0, 0, 0]]], bool)
    np.testing.assert_array_equal(got, expected)
    merged = to_numpy(masks.merge_masks(None, k[:, None, :], masks.causal_mask(2, 3)[None]))
    np.testing.assert_array_equal(merged, np.array([[[1, 0, 0], [1, 1, 0]]], bool))
    assert masks.merge_masks(None, None) is None


def test_local_mask_band_with_other_key_length_and_window_zero():
    np.testing.assert_array_equal(
        to_numpy(masks.local_mask(2, 4, window=1)).astype(int), [[1, 1, 0, 0], [1, 1, 1, 0]]
    )
    np.testing.assert_array_equal(to_numpy(masks.local_mask(3, window=0)), np.eye(3, dtype=bool))
    with pytest.raises(ValueError, match="window"):
        masks.local_mask(3, window=-1)
