"""Tests for seqkit.layers.StackedRecurrent."""

import inspect

import keras
import numpy as np
import pytest

import seqkit.layers as sl


def _np(x):
    return keras.ops.convert_to_numpy(x)


def test_stack_equals_layers_applied_in_turn_with_mask():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 5, 3)).astype("float32")
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)
    first = sl.LSTM(4, return_sequences=True)
    second = sl.Bidirectional(sl.GRU(3, return_sequences=True))
    third = sl.SimpleRNN(2, return_state=True)
    stack = sl.StackedRecurrent([first, second, third])
    out, h = stack(x, mask=mask)
    manual = third(second(first(x, mask=mask), mask=mask), mask=mask)
    np.testing.assert_allclose(_np(out), _np(manual[0]), atol=1e-6)
    np.testing.assert_allclose(_np(h), _np(manual[1]), atol=1e-6)
    # The padded row's result is that of its 3 real steps alone.
    alone = stack(x[:1, :3])
    np.testing.assert_allclose(_np(out)[0], _np(alone[0])[0], atol=1e-6)


def test_lower_layers_must_return_sequences():
    with pytest.raises(ValueError, match="return_sequences=False"):
        sl.StackedRecurrent([sl.LSTM(4), sl.LSTM(4)])


def test_keras_file_round_trip_and_config(tmp_path):
    inputs = keras.Input((None, 3))
    outputs = sl.StackedRecurrent([sl.GRU(4, return_sequences=True), sl.LSTM(2)])(inputs)
    model = keras.Model(inputs, outputs)
    x = np.random.default_rng(1).standard_normal((2, 4, 3)).astype("float32")
    before = _np(model(x))
    model.save(tmp_path / "stack.keras")
    loaded = keras.saving.load_model(tmp_path / "stack.keras")
    np.testing.assert_array_equal(_np(loaded(x)), before)
    layer = model.layers[1]
    config = layer.get_config()
    params = set(inspect.signature(sl.StackedRecurrent.__init__).parameters) - {"self", "kwargs"}
    assert params <= set(config)
    assert len(sl.StackedRecurrent.from_config(config).layers) == 2
