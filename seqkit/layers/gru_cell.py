"""`GRUCell`: one time step of a gated recurrent unit."""

import keras
from keras import ops

from seqkit.layers._cell_dropout import CellDropout
from seqkit.layers._cell_dropout import masked_state


@keras.saving.register_keras_serializable(package="seqkit")
class GRUCell(CellDropout, keras.layers.Layer):
    """One step of a GRU (Cho et al., 2014), in Keras' conventions.

    Gates in Keras' order (update z, reset r, candidate):

        z = σ(x W_z + h_{t-1} U_z + b_z)
        r = σ(x W_r + h_{t-1} U_r + b_r)
        reset_after=True : h̃ = tanh(x W_h + b_h + r ⊙ (h_{t-1} U_h + b'_h))
        reset_after=False: h̃ = tanh(x W_h + (r ⊙ h_{t-1}) U_h + b_h)
        h_t = z ⊙ h_{t-1} + (1 − z) ⊙ h̃

    A note on the convention: textbooks (and the paper) write
    h_t = (1 − z') ⊙ h_{t−1} + z' ⊙ h̃_t. Keras' (and cuDNN's) update gate is
    the complement, z = 1 − z', i.e. the fraction of the old state KEPT.
    This cell follows Keras so that its weights and outputs match
    `keras.layers.GRU` exactly; the two forms describe the same family of
    functions (the sign of the z rows of W, U, b flips between them).

    `reset_after=True` (the default, as in Keras and cuDNN) applies the reset
    gate after the recurrent product and has a second recurrent bias: `bias`
    has shape `(2, 3 * units)` (row 0 input bias, row 1 recurrent bias).
    `reset_after=False` is the original formulation, `bias` `(3 * units,)`.
    `kernel` is `(input_dim, 3 * units)`, `recurrent_kernel`
    `(units, 3 * units)`, both split z|r|h along the last axis.

    Args:
        units: int, size of h_t.
        activation: candidate activation. Defaults to `"tanh"`.
        recurrent_activation: gate activation. Defaults to `"sigmoid"`.
        use_bias: bool. Defaults to `True`.
        kernel_initializer: Defaults to `"glorot_uniform"`.
        recurrent_initializer: Defaults to `"orthogonal"`.
        bias_initializer: Defaults to `"zeros"`.
        reset_after: bool, see above. Defaults to `True`.
        dropout / recurrent_dropout / seed: variational dropout of x_t
            and of h_{t-1}, as in `seqkit.layers.LSTMCell`. Defaults to
            `0.0`, `0.0`, `None`.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Call arguments:
        inputs: tensor `(batch, input_dim)`, x_t.
        states: list `[h_{t-1}]` of shape `(batch, units)`.
        training: bool. Applies dropout (fresh masks at each call of
            the cell on its own; one mask per sequence inside `Recurrent`).

    Returns:
        `(h_t, [h_t])`.

    Masking: applied by the recurrent wrapper, not by the cell.

    Example:

    >>> import numpy as np
    >>> cell = GRUCell(6, reset_after=False)
    >>> h, (h_again,) = cell(np.ones((2, 3), "float32"),
    ...                      cell.get_initial_state(batch_size=2))
    >>> tuple(h.shape)
    (2, 6)

    References:
        Cho et al., "Learning Phrase Representations using RNN
        Encoder-Decoder for Statistical Machine Translation", EMNLP 2014.
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
        reset_after=True,
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
        self.reset_after = reset_after
        self.state_size = units
        self.output_size = units
        self._init_dropout(dropout, recurrent_dropout, seed)

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.kernel = self.add_weight(
            shape=(input_dim, 3 * self.units),
            initializer=self.kernel_initializer,
            name="kernel",
            dtype=self.dtype_policy.variable_dtype,
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, 3 * self.units),
            initializer=self.recurrent_initializer,
            name="recurrent_kernel",
            dtype=self.dtype_policy.variable_dtype,
        )
        self.bias = None
        if self.use_bias:
            shape = (2, 3 * self.units) if self.reset_after else (3 * self.units,)
            self.bias = self.add_weight(
                shape=shape,
                initializer=self.bias_initializer,
                name="bias",
                dtype=self.dtype_policy.variable_dtype,
            )

    def project_inputs(self, inputs):
        """x W + b_input for any leading shape (used to hoist the projection)."""
        z = ops.matmul(inputs, self.kernel)
        if self.bias is not None:
            z = z + (self.bias[0] if self.reset_after else self.bias)
        return z

    def step_projected(self, projected, states, recurrent_mask=None):
        """One step given `project_inputs(x_t)`: `(h_t, [h_t])`."""
        h_prev = states[0] if isinstance(states, (list, tuple)) else states
        h_in = masked_state(h_prev, recurrent_mask)
        u = self.units
        x_z = projected[:, :u]
        x_r = projected[:, u : 2 * u]
        x_h = projected[:, 2 * u :]
        if self.reset_after:
            inner = ops.matmul(h_in, self.recurrent_kernel)
            if self.bias is not None:
                inner = inner + self.bias[1]
            z = self.recurrent_activation(x_z + inner[:, :u])
            r = self.recurrent_activation(x_r + inner[:, u : 2 * u])
            hh = self.activation(x_h + r * inner[:, 2 * u :])
        else:
            inner = ops.matmul(h_in, self.recurrent_kernel[:, : 2 * u])
            z = self.recurrent_activation(x_z + inner[:, :u])
            r = self.recurrent_activation(x_r + inner[:, u:])
            hh = self.activation(
                x_h + ops.matmul(r * h_in, self.recurrent_kernel[:, 2 * u :])
            )
        h = z * h_prev + (1.0 - z) * hh
        return h, [h]

    def call(self, inputs, states, training=False):
        return self._call_with_dropout(inputs, states, training)

    def get_initial_state(self, batch_size=None):
        return [ops.zeros((batch_size, self.units), dtype=self.compute_dtype)]

    def compute_output_shape(self, inputs_shape, states_shape=None):
        batch = inputs_shape[0]
        return (batch, self.units), [(batch, self.units)]

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
                "reset_after": self.reset_after,
                **self._dropout_config(),
            }
        )
        return config
