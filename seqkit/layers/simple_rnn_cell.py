"""`SimpleRNNCell`: the Elman cell of the classic lecture, one time step."""

import keras
from keras import ops

from seqkit.layers._cell_dropout import CellDropout
from seqkit.layers._cell_dropout import masked_state


@keras.saving.register_keras_serializable(package="seqkit")
class SimpleRNNCell(CellDropout, keras.layers.Layer):
    """One step of a simple (Elman) recurrent network.

    Computes

        h_t = activation(W_hh h_{t-1} + W_xh x_t + b_h)
        y_t = W_hy h_t          (only when `output_units` is set)

    This is the `MyRNNCell` of MIT 6.S191 ("Introduction to Deep Learning",
    lecture 2): `W_xh`, `W_hh` and the output projection `W_hy` are exposed
    under those names as read-only properties. The weights themselves are
    stored in Keras' layout and order (`kernel` = W_xh^T of shape
    `(input_dim, units)`, `recurrent_kernel` = W_hh^T of shape
    `(units, units)`, `bias` of shape `(units,)`, then `output_kernel` =
    W_hy^T of shape `(units, output_units)` if any), so `get_weights()` /
    `set_weights()` move weights to and from `keras.layers.SimpleRNNCell`
    when there is no output projection.

    The cell computes ONE time step (the Keras cell contract); run it over a
    sequence with `seqkit.layers.Recurrent` (or `seqkit.layers.SimpleRNN`),
    or with `keras.layers.RNN`.

    Args:
        units: int, size of the hidden state h_t.
        activation: activation for the state update. Defaults to `"tanh"`.
        use_bias: bool, whether to add the bias b_h. Defaults to `True`.
        output_units: int or `None`. When set, the cell's output is the
            projection y_t = W_hy h_t of this size (no bias, as in the
            lecture) instead of h_t; the state is still h_t. Defaults to
            `None` (output = h_t, like `keras.layers.SimpleRNNCell`).
        kernel_initializer: initializer for W_xh. Defaults to
            `"glorot_uniform"`.
        recurrent_initializer: initializer for W_hh. Defaults to
            `"orthogonal"`.
        bias_initializer: initializer for b_h. Defaults to `"zeros"`.
        output_initializer: initializer for W_hy. Defaults to
            `"glorot_uniform"`.
        dropout / recurrent_dropout / seed: variational dropout of x_t
            and of h_{t-1}, as in `seqkit.layers.LSTMCell`. Defaults to
            `0.0`, `0.0`, `None`.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Call arguments:
        inputs: tensor of shape `(batch, input_dim)`, x_t.
        states: list with one tensor of shape `(batch, units)`, h_{t-1}.
        training: bool. Applies dropout (fresh masks at each call of
            the cell on its own; one mask per sequence inside `Recurrent`).

    Returns:
        `(output, [h_t])` with `output` of shape `(batch, output_size)`.

    Masking: a cell sees one step; masks are applied by the recurrent wrapper.

    Example:

    >>> import numpy as np
    >>> cell = SimpleRNNCell(4, output_units=2)
    >>> x_t = np.ones((3, 5), "float32")
    >>> y_t, (h_t,) = cell(x_t, cell.get_initial_state(batch_size=3))
    >>> tuple(y_t.shape), tuple(h_t.shape)
    ((3, 2), (3, 4))

    References:
        Elman, "Finding Structure in Time", Cognitive Science 14 (1990).
        MIT 6.S191, "Deep Sequence Modeling" (`MyRNNCell`).
    """

    def __init__(
        self,
        units,
        activation="tanh",
        use_bias=True,
        output_units=None,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        output_initializer="glorot_uniform",
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
        if output_units is not None and (
            not isinstance(output_units, int)
            or isinstance(output_units, bool)
            or output_units <= 0
        ):
            raise ValueError(
                "`output_units` must be a positive integer or None. "
                f"Received: output_units={output_units}"
            )
        self.units = units
        self.activation = keras.activations.get(activation)
        self.use_bias = use_bias
        self.output_units = output_units
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.recurrent_initializer = keras.initializers.get(
            recurrent_initializer
        )
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.output_initializer = keras.initializers.get(output_initializer)
        self.state_size = units
        self.output_size = output_units if output_units is not None else units
        self._init_dropout(dropout, recurrent_dropout, seed)

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.kernel = self.add_weight(
            shape=(input_dim, self.units),
            initializer=self.kernel_initializer,
            name="kernel",
            dtype=self.dtype_policy.variable_dtype,
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, self.units),
            initializer=self.recurrent_initializer,
            name="recurrent_kernel",
            dtype=self.dtype_policy.variable_dtype,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(self.units,),
                initializer=self.bias_initializer,
                name="bias",
                dtype=self.dtype_policy.variable_dtype,
            )
        self.output_kernel = None
        if self.output_units is not None:
            self.output_kernel = self.add_weight(
                shape=(self.units, self.output_units),
                initializer=self.output_initializer,
                name="output_kernel",
                dtype=self.dtype_policy.variable_dtype,
            )

    # Lecture names for the weights (Keras layout: transposed).
    @property
    def W_xh(self):
        return self.kernel

    @property
    def W_hh(self):
        return self.recurrent_kernel

    @property
    def W_hy(self):
        return self.output_kernel

    def project_inputs(self, inputs):
        """x W_xh + b_h for any leading shape (used to hoist the projection)."""
        z = ops.matmul(inputs, self.kernel)
        if self.bias is not None:
            z = z + self.bias
        return z

    def step_projected(self, projected, states, recurrent_mask=None):
        """One step given `project_inputs(x_t)`: returns `(output, [h_t])`."""
        h_prev = states[0] if isinstance(states, (list, tuple)) else states
        h = self.activation(
            projected + ops.matmul(masked_state(h_prev, recurrent_mask), self.recurrent_kernel)
        )
        output = h
        if self.output_kernel is not None:
            output = ops.matmul(h, self.output_kernel)
        return output, [h]

    def call(self, inputs, states, training=False):
        return self._call_with_dropout(inputs, states, training)

    def get_initial_state(self, batch_size=None):
        return [ops.zeros((batch_size, self.units), dtype=self.compute_dtype)]

    def compute_output_shape(self, inputs_shape, states_shape=None):
        batch = inputs_shape[0]
        return (batch, self.output_size), [(batch, self.units)]

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "units": self.units,
                "activation": keras.activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "output_units": self.output_units,
                "kernel_initializer": keras.initializers.serialize(
                    self.kernel_initializer
                ),
                "recurrent_initializer": keras.initializers.serialize(
                    self.recurrent_initializer
                ),
                "bias_initializer": keras.initializers.serialize(
                    self.bias_initializer
                ),
                "output_initializer": keras.initializers.serialize(
                    self.output_initializer
                ),
                **self._dropout_config(),
            }
        )
        return config


# The name used in MIT 6.S191's lab code.
MyRNNCell = SimpleRNNCell
