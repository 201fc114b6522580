"""Tests for seqkit.layers.SimpleRNNCell (alias MyRNNCell)."""

import inspect

import keras
import numpy as np
import pytest

from seqkit.layers import MyRNNCell, Recurrent, SimpleRNNCell


def _tiny_input():
    # batch 2, 3 steps, 2 features
    return np.array(
        [[[1.0, 0.5], [-1.0, 2.0], [0.0, 1.0]], [[0.2, -0.3], [0.4, 0.1], [1.5, -2.0]]],
        "float32",
    )


def test_exact_values_against_numpy_with_constant_initializers():
    x = _tiny_input()
    cell = SimpleRNNCell(
        3,
        output_units=2,
        kernel_initializer=keras.initializers.Constant(0.1),
        recurrent_initializer=keras.initializers.Constant(-0.2),
        bias_initializer=keras.initializers.Constant(0.05),
        output_initializer=keras.initializers.Constant(0.3),
    )
    outputs, h_final = Recurrent(cell, return_sequences=True, return_state=True)(x)
    # Hand-written reference: h_t = tanh(W_hh h + W_xh x + b), y = W_hy h.
    w_xh, w_hh, b, w_hy = np.full((2, 3), 0.1), np.full((3, 3), -0.2), 0.05, np.full((3, 2), 0.3)
    h = np.zeros((2, 3))
    expected = []
    for t in range(3):
        h = np.tanh(h @ w_hh + x[:, t] @ w_xh + b)
        expected.append(h @ w_hy)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(outputs), np.stack(expected, 1), atol=1e-6)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(h_final), h, atol=1e-6)


def test_lecture_weight_names_and_alias():
    assert MyRNNCell is SimpleRNNCell
    cell = MyRNNCell(4, output_units=3)
    cell.build((None, 5))
    assert tuple(cell.W_xh.shape) == (5, 4)
    assert tuple(cell.W_hh.shape) == (4, 4)
    assert tuple(cell.W_hy.shape) == (4, 3)
    assert [w.name for w in cell.weights] == ["kernel", "recurrent_kernel", "bias", "output_kernel"]
    assert cell.output_size == 3 and cell.state_size == 4


def test_works_inside_keras_rnn_and_matches_keras_cell():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 7, 5)).astype("float32")
    ours = keras.layers.RNN(SimpleRNNCell(6), return_sequences=True)
    theirs = keras.layers.SimpleRNN(6, return_sequences=True)
    ours.build(x.shape)
    theirs.build(x.shape)
    weights = [rng.standard_normal(w.shape).astype("float32") * 0.3 for w in theirs.get_weights()]
    theirs.set_weights(weights)
    ours.set_weights(weights)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(ours(x)), keras.ops.convert_to_numpy(theirs(x)), atol=1e-5
    )


def test_config_is_complete_and_round_trips():
    cell = SimpleRNNCell(5, activation="relu", use_bias=False, output_units=2)
    config = cell.get_config()
    params = set(inspect.signature(SimpleRNNCell.__init__).parameters) - {"self", "kwargs"}
    assert params <= set(config), params - set(config)
    clone = SimpleRNNCell.from_config(config)
    assert clone.get_config() == config


@pytest.mark.parametrize("kwargs", [{"units": 0}, {"units": 3, "output_units": -1}])
def test_bad_arguments_name_the_value(kwargs):
    with pytest.raises(ValueError, match="Received"):
        SimpleRNNCell(**kwargs)
