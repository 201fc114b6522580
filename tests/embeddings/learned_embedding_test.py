import keras
import numpy as np
import pytest

from seqkit.embeddings import learned_embedding


def test_masks_the_padding_id_and_is_trainable():
    layer = learned_embedding(10, 4, seed=1)
    ids = np.array([[3, 7, 0, 0]])
    out = keras.ops.convert_to_numpy(layer(ids))
    assert out.shape == (1, 4, 4)
    weights = keras.ops.convert_to_numpy(layer.embeddings)
    np.testing.assert_array_equal(out[0, 1], weights[7])
    mask = keras.ops.convert_to_numpy(layer.compute_mask(ids))
    np.testing.assert_array_equal(mask, [[True, True, False, False]])
    assert layer.trainable and np.abs(weights).max() <= 0.05


def test_seed_makes_it_reproducible():
    a = learned_embedding(10, 4, seed=3)
    b = learned_embedding(10, 4, seed=3)
    a.build((None,))
    b.build((None,))
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(a.embeddings), keras.ops.convert_to_numpy(b.embeddings)
    )


def test_bad_sizes():
    with pytest.raises(ValueError, match="dim=0"):
        learned_embedding(10, 0)
