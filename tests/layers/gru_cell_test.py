"""Tests for seqkit.layers.GRUCell."""

import inspect

import keras
import numpy as np
import pytest

from seqkit.layers import GRUCell, Recurrent


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


@pytest.mark.parametrize("reset_after", [True, False])
def test_exact_values_against_numpy_with_constant_initializers(reset_after):
    x = np.array([[[1.0, 0.5], [-1.0, 2.0], [0.0, 1.0]], [[0.2, -0.3], [0.4, 0.1], [1.5, -2.0]]], "float32")
    units = 3
    cell = GRUCell(
        units,
        reset_after=reset_after,
        kernel_initializer=keras.initializers.Constant(0.1),
        recurrent_initializer=keras.initializers.Constant(-0.2),
        bias_initializer=keras.initializers.Constant(0.05),
    )
    outputs, h_final = Recurrent(cell, return_sequences=True, return_state=True)(x)
    w, u = np.full((2, 3 * units), 0.1), np.full((units, 3 * units), -0.2)
    b_in = b_rec = np.full(3 * units, 0.05)
    h = np.zeros((2, units))
    expected = []
    for t in range(3):
        xw = x[:, t] @ w + b_in
        if reset_after:
            hu = h @ u + b_rec
            z = _sigmoid(xw[:, :units] + hu[:, :units])
            r = _sigmoid(xw[:, units : 2 * units] + hu[:, units : 2 * units])
            h_tilde = np.tanh(xw[:, 2 * units :] + r * hu[:, 2 * units :])
        else:
            hu = h @ u
            z = _sigmoid(xw[:, :units] + hu[:, :units])
            r = _sigmoid(xw[:, units : 2 * units] + hu[:, units : 2 * units])
            h_tilde = np.tanh(xw[:, 2 * units :] + (r * h) @ u[:, 2 * units :])
        # Keras convention: z keeps the old state (textbook z' = 1 - z).
        h = z * h + (1 - z) * h_tilde
        expected.append(h)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(outputs), np.stack(expected, 1), atol=1e-6)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(h_final), h, atol=1e-6)


@pytest.mark.parametrize("reset_after", [True, False])
def test_matches_keras_gru_cell_with_copied_weights(reset_after):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 3)).astype("float32")
    h0 = rng.standard_normal((4, 5)).astype("float32")
    ours, theirs = GRUCell(5, reset_after=reset_after), keras.layers.GRUCell(5, reset_after=reset_after)
    ours.build(x.shape)
    theirs.build(x.shape)
    theirs.set_weights([rng.standard_normal(w.shape).astype("float32") for w in theirs.get_weights()])
    ours.set_weights(theirs.get_weights())
    expected_bias_shape = (2, 15) if reset_after else (15,)
    assert tuple(ours.bias.shape) == expected_bias_shape
    h1, _ = ours(x, [h0])
    h2, _ = theirs(x, [h0])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(h1), keras.ops.convert_to_numpy(h2), atol=1e-6)


def test_config_is_complete_and_round_trips():
    cell = GRUCell(5, reset_after=False, recurrent_activation="hard_sigmoid")
    config = cell.get_config()
    params = set(inspect.signature(GRUCell.__init__).parameters) - {"self", "kwargs"}
    assert params <= set(config), params - set(config)
    assert GRUCell.from_config(config).get_config() == config
