import inspect

import keras
import numpy as np
import pytest
from keras.ops import convert_to_numpy as to_numpy

from seqkit.layers import TokenAndPositionEmbedding

IDS = np.array([[5, 6, 7, 0], [8, 0, 0, 0]])


def test_sum_of_token_and_position_rows():
    layer = TokenAndPositionEmbedding(10, 6, 3)
    out = to_numpy(layer(IDS))
    tokens = to_numpy(layer.token_embedding.embeddings)
    positions = to_numpy(layer.position_embedding.embeddings)
    np.testing.assert_allclose(out, tokens[IDS] + positions[None, :4], atol=1e-6)
    step = to_numpy(layer(IDS[:, 2:3], start_index=2))
    np.testing.assert_allclose(step, out[:, 2:3], atol=1e-6)


def test_padding_mask_propagates_in_a_model():
    ids = keras.Input((4,), dtype="int32")
    x = TokenAndPositionEmbedding(10, 6, 3)(ids)
    pooled = keras.layers.GlobalAveragePooling1D()(x)
    model = keras.Model(ids, [x, pooled])
    seq, mean = (to_numpy(t) for t in model(IDS))
    np.testing.assert_allclose(mean[0], seq[0, :3].mean(0), atol=1e-6)
    np.testing.assert_allclose(mean[1], seq[1, 0], atol=1e-6)
    no_mask = TokenAndPositionEmbedding(10, 6, 3, mask_zero=False)
    assert no_mask.compute_mask(IDS) is None


def test_get_config_is_complete_round_trips_and_bad_args():
    layer = TokenAndPositionEmbedding(10, 6, 3, mask_zero=False)
    expected = to_numpy(layer(IDS))
    config = layer.get_config()
    for p in inspect.signature(TokenAndPositionEmbedding.__init__).parameters:
        if p not in ("self", "kwargs"):
            assert p in config, p
    clone = TokenAndPositionEmbedding.from_config(config)
    assert clone.get_config() == config
    clone(IDS)
    clone.set_weights(layer.get_weights())
    np.testing.assert_array_equal(to_numpy(clone(IDS)), expected)
    assert clone.compute_mask(IDS) is None  # mask_zero=False came back
    with pytest.raises(ValueError, match="vocabulary_size=0"):
        TokenAndPositionEmbedding(0, 6, 3)


def test_keras_file_round_trip(tmp_path):
    ids = keras.Input((4,), dtype="int32")
    x = TokenAndPositionEmbedding(10, 6, 3)(ids)
    model = keras.Model(ids, keras.layers.GlobalAveragePooling1D()(x))
    model.save(tmp_path / "m.keras")
    np.testing.assert_array_equal(
        to_numpy(keras.models.load_model(tmp_path / "m.keras")(IDS)), to_numpy(model(IDS))
    )
