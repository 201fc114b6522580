import inspect

import keras
import numpy as np
import pytest
from keras.ops import convert_to_numpy as to_numpy

from seqkit.layers import ConvPositionEncoding


def _by_hand(x, kernel, bias):
    """'same' depthwise convolution over time, written out: out[t] = sum_k x[t + k - r] * w[k] + b."""
    _, length, _ = x.shape
    radius = kernel.shape[0] // 2
    out = np.zeros_like(x)
    for t in range(length):
        for k in range(kernel.shape[0]):
            s = t + k - radius
            if 0 <= s < length:
                out[:, t] += x[:, s] * kernel[k, :, 0]
    return out + bias


def test_matches_keras_depthwise_conv_and_the_formula():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 6, 4)).astype("float32")
    layer = ConvPositionEncoding(5)
    out = to_numpy(layer(x))
    reference = keras.layers.DepthwiseConv1D(5, padding="same")
    reference.build(x.shape)
    reference.set_weights(layer.convolution.get_weights())
    np.testing.assert_allclose(out, to_numpy(reference(x)), atol=1e-6)
    kernel, bias = layer.convolution.get_weights()
    np.testing.assert_allclose(out, _by_hand(x, kernel, bias), atol=1e-5)


def test_padding_never_reaches_real_steps_and_encodes_to_zero():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(1, 6, 4)).astype("float32")
    mask = np.array([[True, True, True, True, False, False]])
    layer = ConvPositionEncoding(3)
    out = to_numpy(layer(x, mask=mask))
    noisy = x.copy()
    noisy[:, 4:] = 100.0
    np.testing.assert_allclose(to_numpy(layer(noisy, mask=mask)), out, atol=1e-6)
    np.testing.assert_allclose(out[0, :4], to_numpy(layer(x[:, :4]))[0], atol=1e-6)
    assert np.all(out[0, 4:] == 0)


def test_relative_shift_equivariance():
    # The same tokens four steps later get the same encodings (no absolute index).
    rng = np.random.default_rng(2)
    tokens = rng.normal(size=(1, 3, 4)).astype("float32")
    layer = ConvPositionEncoding(3)
    early = np.concatenate([tokens, np.zeros((1, 7, 4), "float32")], axis=1)
    late = np.concatenate([np.zeros((1, 4, 4), "float32"), tokens, np.zeros((1, 3, 4), "float32")], axis=1)
    mask_early = np.arange(10)[None] < 3
    mask_late = (np.arange(10)[None] >= 4) & (np.arange(10)[None] < 7)
    a = to_numpy(layer(early, mask=mask_early))[0, :3]
    b = to_numpy(layer(late, mask=mask_late))[0, 4:7]
    np.testing.assert_allclose(a, b, atol=1e-6)


def test_keras_mask_is_used_and_passed_through():
    ids = keras.Input((None,), dtype="int32")
    x = keras.layers.Embedding(10, 4, mask_zero=True)(ids)
    encoded = ConvPositionEncoding(3)(x)
    assert encoded._keras_mask is not None
    model = keras.Model(ids, encoded)
    out = to_numpy(model(np.array([[3, 4, 0]])))
    assert np.all(out[0, 2] == 0)


@pytest.mark.parametrize("size", [0, 2, -1, 3.0, True])
def test_rejects_bad_kernel_size(size):
    with pytest.raises(ValueError, match="kernel_size"):
        ConvPositionEncoding(size)


def test_get_config_is_complete_and_round_trips():
    layer = ConvPositionEncoding(5, kernel_initializer="zeros")
    config = layer.get_config()
    for p in inspect.signature(ConvPositionEncoding.__init__).parameters:
        if p not in ("self", "kwargs"):
            assert p in config, p
    clone = ConvPositionEncoding.from_config(config)
    assert clone.kernel_size == 5
    assert isinstance(clone.kernel_initializer, keras.initializers.Zeros)


def test_keras_file_round_trip(tmp_path):
    ids = keras.Input((None,), dtype="int32")
    x = keras.layers.Embedding(10, 4, mask_zero=True)(ids)
    model = keras.Model(ids, ConvPositionEncoding(3)(x))
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    batch = np.array([[1, 2, 3, 0]])
    np.testing.assert_allclose(to_numpy(loaded(batch)), to_numpy(model(batch)), atol=1e-6)
