"""`SimpleRNN`: `Recurrent(SimpleRNNCell(...))` with the cell's arguments inline."""

import keras

from seqkit.layers.simple_rnn_cell import SimpleRNNCell
from seqkit.layers.recurrent import _CellLayer


@keras.saving.register_keras_serializable(package="seqkit")
class SimpleRNN(_CellLayer):
    """A simple (Elman) RNN layer: `seqkit.layers.SimpleRNNCell` run by `Recurrent`.

    Takes `SimpleRNNCell`'s arguments and `Recurrent`'s in one signature, like
    `keras.layers.SimpleRNN`, and has the same weights in the same layout and
    order (kernel, recurrent_kernel, bias; then output_kernel when
    `output_units` is set), so `set_weights(
    keras_rnn.get_weights())` works both ways.

    Args:
        units, activation, use_bias, output_units, kernel_initializer,
        recurrent_initializer, bias_initializer, output_initializer, dropout,
        recurrent_dropout, seed: see `seqkit.layers.SimpleRNNCell`.
        return_sequences, return_state, go_backwards, unroll,
        zero_output_for_mask, input_projection: see
        `seqkit.layers.Recurrent`.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Call arguments, returns and masking: as `seqkit.layers.Recurrent`; the
    state is `[h]`.

    Example:

    >>> import numpy as np
    >>> layer = SimpleRNN(16, return_state=True)
    >>> h_last, h = layer(np.zeros((4, 7, 3), "float32"))
    >>> tuple(h_last.shape), tuple(h.shape)
    ((4, 16), (4, 16))

    References:
        Elman, "Finding Structure in Time", Cognitive Science 14, 1990.
    """

    cell_class = SimpleRNNCell
    cell_args = (
        "units",
        "activation",
        "use_bias",
        "output_units",
        "kernel_initializer",
        "recurrent_initializer",
        "bias_initializer",
        "output_initializer",
        "dropout",
        "recurrent_dropout",
        "seed",
    )

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
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        unroll=False,
        zero_output_for_mask=False,
        input_projection="per_step",
        **kwargs,
    ):
        super().__init__(
            dict(
                units=units,
                activation=activation,
                use_bias=use_bias,
                output_units=output_units,
                kernel_initializer=kernel_initializer,
                recurrent_initializer=recurrent_initializer,
                bias_initializer=bias_initializer,
                output_initializer=output_initializer,
                dropout=dropout,
                recurrent_dropout=recurrent_dropout,
                seed=seed,
            ),
            dict(
                return_sequences=return_sequences,
                return_state=return_state,
                go_backwards=go_backwards,
                unroll=unroll,
                zero_output_for_mask=zero_output_for_mask,
                input_projection=input_projection,
            ),
            **kwargs,
        )
