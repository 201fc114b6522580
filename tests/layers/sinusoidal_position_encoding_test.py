import inspect

import keras
import numpy as np
from keras.ops import convert_to_numpy as to_numpy

from seqkit.layers import SinusoidalPositionEncoding


def _formula(length, depth, start=0, max_wavelength=10000.0):
    pe = np.zeros((length, depth))
    for pos in range(start, start + length):
        for j in range(depth):
            angle = pos / max_wavelength ** (2 * (j // 2) / depth)
            pe[pos - start, j] = np.sin(angle) if j % 2 == 0 else np.cos(angle)
    return pe


def test_values_follow_the_formula():
    x = np.zeros((2, 7, 6), "float32")
    pe = to_numpy(SinusoidalPositionEncoding()(x))
    assert pe.shape == (2, 7, 6)
    np.testing.assert_allclose(pe[0], _formula(7, 6), atol=1e-5)
    np.testing.assert_allclose(pe[1], pe[0])


def test_odd_depth_start_index_and_wavelength():
    x = np.zeros((1, 3, 5), "float32")
    pe = to_numpy(SinusoidalPositionEncoding(max_wavelength=100)(x, start_index=4))
    np.testing.assert_allclose(pe[0], _formula(3, 5, start=4, max_wavelength=100.0), atol=1e-5)


def test_get_config_is_complete_and_round_trips():
    layer = SinusoidalPositionEncoding(max_wavelength=500)
    config = layer.get_config()
    for p in inspect.signature(SinusoidalPositionEncoding.__init__).parameters:
        if p not in ("self", "kwargs"):
            assert p in config, p
    assert config["max_wavelength"] == 500
    clone = SinusoidalPositionEncoding.from_config(config)
    assert clone.get_config() == config
    x = np.zeros((1, 30, 6), "float32")
    np.testing.assert_allclose(to_numpy(clone(x))[0], _formula(30, 6, max_wavelength=500.0), atol=1e-5)


def test_keras_file_round_trip_keeps_mask(tmp_path):
    ids = keras.Input((4,), dtype="int32")
    x = keras.layers.Embedding(10, 6, mask_zero=True)(ids)
    y = keras.layers.Add()([x, SinusoidalPositionEncoding()(x)])
    pooled = keras.layers.GlobalAveragePooling1D()(y)
    model = keras.Model(ids, pooled)
    batch = np.array([[1, 2, 0, 0], [3, 4, 5, 6]])
    out = to_numpy(model(batch))
    table = to_numpy(model.layers[1].embeddings)
    ref = (table[[1, 2]] + _formula(2, 6)).mean(0)
    np.testing.assert_allclose(out[0], ref, atol=1e-5)
    model.save(tmp_path / "m.keras")
    np.testing.assert_array_equal(to_numpy(keras.models.load_model(tmp_path / "m.keras")(batch)), out)
