import keras
import numpy as np
import pytest

from seqkit.embeddings import OneHot


def test_matches_numpy_identity_rows():
    ids = np.array([[3, 0, 1], [2, 2, 4]])
    out = keras.ops.convert_to_numpy(OneHot(5)(ids))
    np.testing.assert_array_equal(out, np.eye(5, dtype="float32")[ids])
    assert out.dtype == np.float32


def test_out_of_range_ids_encode_as_zeros():
    out = keras.ops.convert_to_numpy(OneHot(3)(np.array([5, 1])))
    np.testing.assert_array_equal(out, [[0, 0, 0], [0, 1, 0]])


def test_mask_for_padding_id():
    ids = np.array([[4, 2, 0, 0]])
    assert OneHot(5).compute_mask(ids) is None
    mask = keras.ops.convert_to_numpy(OneHot(5, mask_zero=True).compute_mask(ids))
    np.testing.assert_array_equal(mask, [[True, True, False, False]])


def test_mask_reaches_the_next_layer():
    # A masked average over time: padded steps must not count.
    inputs = keras.Input((None,), dtype="int32")
    x = OneHot(4, mask_zero=True)(inputs)
    outputs = keras.layers.GlobalAveragePooling1D()(x)
    model = keras.Model(inputs, outputs)
    out = keras.ops.convert_to_numpy(model(np.array([[1, 3, 0, 0]])))
    np.testing.assert_allclose(out, [[0, 0.5, 0, 0.5]])


def test_config_round_trip_has_every_argument():
    layer = OneHot(7, mask_zero=True, name="onehot")
    config = layer.get_config()
    assert config["depth"] == 7 and config["mask_zero"] is True
    clone = OneHot.from_config(config)
    assert (clone.depth, clone.mask_zero, clone.name) == (7, True, "onehot")
    assert layer.compute_output_shape((2, 3)) == (2, 3, 7)


def test_saves_in_a_keras_model(tmp_path):
    inputs = keras.Input((3,), dtype="int32")
    model = keras.Model(inputs, OneHot(6)(inputs))
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    ids = np.array([[1, 5, 0]])
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(loaded(ids)), keras.ops.convert_to_numpy(model(ids))
    )


def test_bad_depth():
    with pytest.raises(ValueError, match="depth=0"):
        OneHot(0)
