"""Tests for seqkit.layers.InkMap (the colour-blind map the caption encoder's convolutions see)."""

import keras
import numpy as np

from seqkit.layers import InkMap


def test_one_minus_the_smallest_channel():
    images = np.random.default_rng(0).random((2, 5, 7, 3), dtype=np.float32)
    out = keras.ops.convert_to_numpy(InkMap()(images))
    assert out.shape == (2, 5, 7, 1)
    np.testing.assert_allclose(out[..., 0], 1.0 - images.min(-1), atol=1e-7)
    # White is no ink; two hues with the same darkest channel are the same ink.
    pixels = np.array([[[[1, 1, 1], [0.8, 0.2, 0.3], [0.3, 0.2, 0.9]]]], "float32")
    np.testing.assert_allclose(keras.ops.convert_to_numpy(InkMap()(pixels))[0, 0, :, 0], [0.0, 0.8, 0.8], atol=1e-7)


def test_saved_in_a_model(tmp_path):
    inputs = keras.Input((4, 4, 3))
    model = keras.Model(inputs, InkMap(name="ink")(inputs))
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    images = np.random.default_rng(1).random((1, 4, 4, 3), dtype=np.float32)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(loaded(images)), keras.ops.convert_to_numpy(model(images)))
