"""`LSTMCell`: one time step of a long short-term memory network."""

import keras
from keras import ops

from seqkit.layers._cell_dropout import CellDropout
from seqkit.layers._cell_dropout import masked_state


@keras.saving.register_keras_serializable(package="seqkit")
class LSTMCell(CellDropout, keras.layers.Layer):
    """One step of an LSTM (Hochreiter & Schmidhuber, with a forget gate).

    With the gates in Keras' order (input, forget, candidate, output):

        [z_i, z_f, z_c, z_o] = x_t W + h_{t-1} U + b
        i = σ(z_i), f = σ(z_f), C̃_t = tanh(z_c), o = σ(z_o)
        C_t = f ⊙ C_{t-1} + i ⊙ C̃_t
        h_t = o ⊙ tanh(C_t)

    The four gate products are fused into one matrix product for the input
    and one for the recurrent state. Weights use Keras' layout and order:
    `kernel` `(input_dim, 4 * units)`, `recurrent_kernel`
    `(units, 4 * units)`, `bias` `(4 * units,)`, each split i|f|c|o along the
    last axis, so `get_weights()` / `set_weights()` move weights to and from
    `keras.layers.LSTMCell` / `keras.layers.LSTM` both ways.

    Args:
        units: int, size of h_t and C_t.
        activation: activation of the candidate and of the output squashing
            (σ_c above, tanh). Defaults to `"tanh"`.
        recurrent_activation: activation of the gates (σ). Defaults to
            `"sigmoid"`.
        use_bias: bool. Defaults to `True`.
        kernel_initializer: initializer for W. Defaults to `"glorot_uniform"`.
        recurrent_initializer: initializer for U. Defaults to `"orthogonal"`.
        bias_initializer: initializer for b. Defaults to `"zeros"`.
        unit_forget_bias: bool. If `True`, the forget-gate part of the bias
            starts at 1 (Jozefowicz et al., 2015) whatever
            `bias_initializer` says. Defaults to `True`.
        dropout: float in [0, 1), fraction of the inputs x_t to drop.
            One mask per sequence inside `Recurrent` (variational dropout);
            only in training. Defaults to `0.0`.
        recurrent_dropout: float in [0, 1), fraction of h_{t-1} to drop
            where it enters the recurrent products, with one mask per
            sequence. Defaults to `0.0`.
        seed: int or None, seeds the dropout masks. Defaults to `None`.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Call arguments:
        inputs: tensor `(batch, input_dim)`, x_t.
        states: list `[h_{t-1}, C_{t-1}]`, each `(batch, units)`.
        training: bool. Applies dropout (fresh masks at each call of
            the cell on its own; one mask per sequence inside `Recurrent`).

    Returns:
        `(h_t, [h_t, C_t])`.

    Masking: applied by the recurrent wrapper, not by the cell.

    Example:

    >>> import numpy as np
    >>> cell = LSTMCell(8)
    >>> h, (h_again, c) = cell(np.ones((2, 3), "float32"),
    ...                        cell.get_initial_state(batch_size=2))
    >>> tuple(h.shape), tuple(c.shape)
    ((2, 8), (2, 8))

    References:
        Hochreiter & Schmidhuber, "Long Short-Term Memory", Neural
        Computation 9(8), 1997. Gers, Schmidhuber & Cummins, "Learning to
        Forget", 2000. Jozefowicz, Zaremba & Sutskever, "An Empirical
        Exploration of Recurrent Network Architectures", ICML 2015.
    """

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        unit_forget_bias=True,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
            raise ValueError(
                f"`units` must be a positive integer. Received: units={units}"
            )
        self.units = units
        self.activation = keras.activations.get(activation)
        self.recurrent_activation = keras.activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.recurrent_initializer = keras.initializers.get(
            recurrent_initializer
        )
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.unit_forget_bias = unit_forget_bias
        self.state_size = [units, units]
        self.output_size = units
        self._init_dropout(dropout, recurrent_dropout, seed)

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.kernel = self.add_weight(
            shape=(input_dim, 4 * self.units),
            initializer=self.kernel_initializer,
            name="kernel",
            dtype=self.dtype_policy.variable_dtype,
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, 4 * self.units),
            initializer=self.recurrent_initializer,
            name="recurrent_kernel",
            dtype=self.dtype_policy.variable_dtype,
        )
        self.bias = None
        if self.use_bias:
            if self.unit_forget_bias:
                units, base = self.units, self.bias_initializer

                def bias_initializer(shape, dtype=None):
                    return ops.concatenate(
                        [
                            base((units,), dtype=dtype),
                            ops.ones((units,), dtype=dtype),
                            base((2 * units,), dtype=dtype),
                        ]
                    )

            else:
                bias_initializer = self.bias_initializer
            self.bias = self.add_weight(
                shape=(4 * self.units,),
                initializer=bias_initializer,
                name="bias",
                dtype=self.dtype_policy.variable_dtype,
            )

    def project_inputs(self, inputs):
        """x W + b for any leading shape (used to hoist the projection)."""
        z = ops.matmul(inputs, self.kernel)
        if self.bias is not None:
            z = z + self.bias
        return z

    def step_projected(self, projected, states, recurrent_mask=None):
        """One step given `project_inputs(x_t)`: `(h_t, [h_t, C_t])`."""
        h_prev, c_prev = states[0], states[1]
        z = projected + ops.matmul(masked_state(h_prev, recurrent_mask), self.recurrent_kernel)
        z_i, z_f, z_c, z_o = ops.split(z, 4, axis=-1)
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        c = f * c_prev + i * self.activation(z_c)
        o = self.recurrent_activation(z_o)
        h = o * self.activation(c)
        return h, [h, c]

    def call(self, inputs, states, training=False):
        return self._call_with_dropout(inputs, states, training)

    def get_initial_state(self, batch_size=None):
        return [
            ops.zeros((batch_size, self.units), dtype=self.compute_dtype),
            ops.zeros((batch_size, self.units), dtype=self.compute_dtype),
        ]

    def compute_output_shape(self, inputs_shape, states_shape=None):
        batch = inputs_shape[0]
        return (batch, self.units), [(batch, self.units), (batch, self.units)]

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "units": self.units,
                "activation": keras.activations.serialize(self.activation),
                "recurrent_activation": keras.activations.serialize(
                    self.recurrent_activation
                ),
                "use_bias": self.use_bias,
                "kernel_initializer": keras.initializers.serialize(
                    self.kernel_initializer
                ),
                "recurrent_initializer": keras.initializers.serialize(
                    self.recurrent_initializer
                ),
                "bias_initializer": keras.initializers.serialize(
                    self.bias_initializer
                ),
                "unit_forget_bias": self.unit_forget_bias,
                **self._dropout_config(),
            }
        )
        return config
