"""`LSTM`: `Recurrent(LSTMCell(...))` with the cell's arguments inline."""

import keras

from seqkit.layers.lstm_cell import LSTMCell
from seqkit.layers.recurrent import _CellLayer


@keras.saving.register_keras_serializable(package="seqkit")
class LSTM(_CellLayer):
    """An LSTM layer: `seqkit.layers.LSTMCell` run by `Recurrent`.

    Takes `LSTMCell`'s arguments and `Recurrent`'s in one signature, like
    `keras.layers.LSTM`, and has the same weights in the same layout and
    order (kernel, recurrent_kernel, bias), so `set_weights(
    keras_lstm.get_weights())` works both ways.

    Args:
        units, activation, recurrent_activation, use_bias,
        kernel_initializer, recurrent_initializer, bias_initializer,
        unit_forget_bias, dropout, recurrent_dropout, seed: see
        `seqkit.layers.LSTMCell`.
        return_sequences, return_state, go_backwards, unroll,
        zero_output_for_mask, input_projection: see
        `seqkit.layers.Recurrent`.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Call arguments, returns and masking: as `seqkit.layers.Recurrent`; the
    states are `[h, C]`.

    Example:

    >>> import numpy as np
    >>> layer = LSTM(16, return_state=True)
    >>> h_last, h, c = layer(np.zeros((4, 7, 3), "float32"))
    >>> tuple(h_last.shape), tuple(c.shape)
    ((4, 16), (4, 16))

    References:
        Hochreiter & Schmidhuber, "Long Short-Term Memory", 1997.
    """

    cell_class = LSTMCell
    cell_args = (
        "units",
        "activation",
        "recurrent_activation",
        "use_bias",
        "kernel_initializer",
        "recurrent_initializer",
        "bias_initializer",
        "unit_forget_bias",
        "dropout",
        "recurrent_dropout",
        "seed",
    )

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
                recurrent_activation=recurrent_activation,
                use_bias=use_bias,
                kernel_initializer=kernel_initializer,
                recurrent_initializer=recurrent_initializer,
                bias_initializer=bias_initializer,
                unit_forget_bias=unit_forget_bias,
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
