"""Tests for seqkit.layers.LSTMCell."""

import inspect

import keras
import numpy as np

from seqkit.layers import LSTMCell, Recurrent


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def test_exact_values_against_numpy_with_constant_initializers():
    x = np.array([[[1.0, 0.5], [-1.0, 2.0], [0.0, 1.0]], [[0.2, -0.3], [0.4, 0.1], [1.5, -2.0]]], "float32")
    units = 3
    cell = LSTMCell(
        units,
        kernel_initializer=keras.initializers.Constant(0.1),
        recurrent_initializer=keras.initializers.Constant(-0.2),
        bias_initializer=keras.initializers.Constant(0.05),
        unit_forget_bias=True,
    )
    outputs, h_final, c_final = Recurrent(cell, return_sequences=True, return_state=True)(x)
    w, u = np.full((2, 4 * units), 0.1), np.full((units, 4 * units), -0.2)
    b = np.full(4 * units, 0.05)
    b[units : 2 * units] = 1.0  # unit forget bias
    h, c = np.zeros((2, units)), np.zeros((2, units))
    expected = []
    for t in range(3):
        z = x[:, t] @ w + h @ u + b
        i = _sigmoid(z[:, :units])
        f = _sigmoid(z[:, units : 2 * units])
        c_tilde = np.tanh(z[:, 2 * units : 3 * units])
        o = _sigmoid(z[:, 3 * units :])
        c = f * c + i * c_tilde
        h = o * np.tanh(c)
        expected.append(h)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(outputs), np.stack(expected, 1), atol=1e-6)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(h_final), h, atol=1e-6)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(c_final), c, atol=1e-6)


def test_unit_forget_bias_initializes_forget_gate_to_one():
    cell = LSTMCell(4)
    cell.build((None, 3))
    bias = keras.ops.convert_to_numpy(cell.bias)
    np.testing.assert_array_equal(bias, np.r_[np.zeros(4), np.ones(4), np.zeros(8)])
    plain = LSTMCell(4, unit_forget_bias=False)
    plain.build((None, 3))
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(plain.bias), np.zeros(16))


def _step(cell, x, states):
    h, (_, c) = cell(x, states)
    return keras.ops.convert_to_numpy(h), keras.ops.convert_to_numpy(c)


def test_weights_move_both_ways_with_keras_lstm_cell():
    # Inputs as wide as the state: kernel and recurrent kernel have the same
    # shape, so only the outputs tell a weight list in another order.
    rng = np.random.default_rng(2)
    x = rng.standard_normal((4, 5)).astype("float32")
    states = [rng.standard_normal((4, 5)).astype("float32") for _ in range(2)]
    ours, theirs = LSTMCell(5), keras.layers.LSTMCell(5)
    ours.build(x.shape)
    theirs.build(x.shape)
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in theirs.get_weights()]
    # Keras -> ours.
    theirs.set_weights([rng.standard_normal(w.shape).astype("float32") for w in theirs.get_weights()])
    ours.set_weights(theirs.get_weights())
    for a, b in zip(_step(ours, x, states), _step(theirs, x, states)):
        np.testing.assert_allclose(a, b, atol=1e-6)
    # Ours -> a fresh Keras cell: the same function again.
    ours.set_weights([rng.standard_normal(w.shape).astype("float32") for w in ours.get_weights()])
    back = keras.layers.LSTMCell(5)
    back.build(x.shape)
    back.set_weights(ours.get_weights())
    for a, b in zip(_step(ours, x, states), _step(back, x, states)):
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_works_inside_keras_rnn():
    layer = keras.layers.RNN(LSTMCell(6), return_state=True)
    out, h, c = layer(np.ones((2, 4, 3), "float32"))
    assert tuple(out.shape) == (2, 6) and tuple(c.shape) == (2, 6)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(out), keras.ops.convert_to_numpy(h))


def test_config_is_complete_and_round_trips():
    cell = LSTMCell(5, activation="relu", unit_forget_bias=False, use_bias=False)
    config = cell.get_config()
    params = set(inspect.signature(LSTMCell.__init__).parameters) - {"self", "kwargs"}
    assert params <= set(config), params - set(config)
    assert LSTMCell.from_config(config).get_config() == config
