import inspect

import keras
import numpy as np
from keras.ops import convert_to_numpy as to_numpy
import pytest

from seqkit.layers import OrderedQuantiles
from seqkit.layers import SeriesDecomposition
from seqkit.layers import Standardization


def test_standardization_exact_and_inverse():
    x = np.array([[[3.0, -1.0], [5.0, 9.0]]], "float32")
    forward = Standardization([1.0, 4.0], [2.0, 5.0])
    back = Standardization([1.0, 4.0], [2.0, 5.0], invert=True)
    z = to_numpy(forward(x))
    np.testing.assert_allclose(z, [[[1.0, -1.0], [2.0, 1.0]]])
    np.testing.assert_allclose(to_numpy(back(z)), x, atol=1e-6)


def test_standardization_on_another_axis():
    x = np.ones((1, 2, 2, 3), "float32")  # [B, H, T, Q]: scale T
    out = to_numpy(Standardization([10.0, 20.0], [2.0, 3.0], invert=True, axis=2)(x))
    assert out[0, 0, :, 0].tolist() == [12.0, 23.0]


def test_standardization_rejects_zero_std():
    with pytest.raises(ValueError, match="std"):
        Standardization([0.0], [0.0])


def test_series_decomposition_against_numpy():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 11, 3)).astype("float32")
    k = 5
    padded = np.concatenate([np.repeat(x[:, :1], 2, 1), x, np.repeat(x[:, -1:], 2, 1)], 1)
    expected = np.stack([padded[:, i:i + k].mean(1) for i in range(11)], 1)
    trend, rest = SeriesDecomposition(k)(x)
    np.testing.assert_allclose(to_numpy(trend), expected, atol=1e-5)
    np.testing.assert_allclose(to_numpy(rest), x - expected, atol=1e-5)


def test_ordered_quantiles_never_cross():
    raw = np.random.default_rng(1).normal(scale=50.0, size=(64, 5)).astype("float32")
    out = to_numpy(OrderedQuantiles()(raw))
    assert np.all(np.diff(out, axis=-1) >= 0)
    np.testing.assert_allclose(out[:, 0], raw[:, 0])


@pytest.mark.parametrize("layer", [Standardization([1.0], [2.0], invert=True, axis=2),
                                   SeriesDecomposition(7)])
def test_config_is_complete_and_round_trips(layer):
    config = layer.get_config()
    for name in inspect.signature(type(layer).__init__).parameters:
        if name not in ("self", "kwargs"):
            assert name in config
    clone = type(layer).from_config(config)
    x = np.random.default_rng(2).normal(size=(2, 9, 1)).astype("float32")
    np.testing.assert_allclose(to_numpy(keras.tree.flatten(clone(x))[0]),
                               to_numpy(keras.tree.flatten(layer(x))[0]))
