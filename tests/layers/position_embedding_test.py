import inspect

import keras
import numpy as np
import pytest
from keras.ops import convert_to_numpy as to_numpy

from seqkit.layers import PositionEmbedding


def test_returns_the_rows_of_its_table():
    layer = PositionEmbedding(sequence_length=6)
    x = np.zeros((2, 4, 3), "float32")
    out = to_numpy(layer(x))
    table = to_numpy(layer.embeddings)
    assert table.shape == (6, 3)
    np.testing.assert_array_equal(out[0], table[:4])
    np.testing.assert_array_equal(out[1], table[:4])
    np.testing.assert_array_equal(to_numpy(layer(x[:, :2], start_index=3))[0], table[3:5])


def test_too_long_inputs_and_bad_length_raise():
    layer = PositionEmbedding(sequence_length=3)
    with pytest.raises(ValueError, match="sequence_length=3"):
        layer(np.zeros((1, 4, 2), "float32"))
    with pytest.raises(ValueError, match="sequence_length=0"):
        PositionEmbedding(sequence_length=0)


def test_get_config_is_complete_and_round_trips():
    layer = PositionEmbedding(5, initializer="random_normal")
    x = np.zeros((2, 4, 3), "float32")
    expected = to_numpy(layer(x))
    config = layer.get_config()
    for p in inspect.signature(PositionEmbedding.__init__).parameters:
        if p not in ("self", "kwargs"):
            assert p in config, p
    assert config["sequence_length"] == 5
    clone = PositionEmbedding.from_config(config)
    assert clone.get_config() == config
    clone(x)
    clone.set_weights(layer.get_weights())
    np.testing.assert_array_equal(to_numpy(clone(x)), expected)
    with pytest.raises(ValueError, match="sequence_length=5"):
        clone(np.zeros((1, 6, 3), "float32"))


def test_keras_file_round_trip(tmp_path):
    inp = keras.Input((4, 3))
    model = keras.Model(inp, keras.layers.Add()([inp, PositionEmbedding(8)(inp)]))
    x = np.random.default_rng(0).normal(size=(2, 4, 3)).astype("float32")
    model.save(tmp_path / "m.keras")
    np.testing.assert_array_equal(
        to_numpy(keras.models.load_model(tmp_path / "m.keras")(x)), to_numpy(model(x))
    )
