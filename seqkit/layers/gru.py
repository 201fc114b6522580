"""`GRU`: `Recurrent(GRUCell(...))` with the cell's arguments inline."""

import keras

from seqkit.layers.gru_cell import GRUCell
from seqkit.layers.recurrent import _CellLayer


@keras.saving.register_keras_serializable(package="seqkit")
class GRU(_CellLayer):
    """A GRU layer: `seqkit.layers.GRUCell` run by `Recurrent`.

    Keras' update-gate convention (h = z*h_prev + (1-z)*h~, see
    `GRUCell`) and `reset_after=True` by default. Takes `GRUCell`'s arguments and `Recurrent`'s in one signature, like
    `keras.layers.GRU`, and has the same weights in the same layout and
    order (kernel, recurrent_kernel, bias), so `set_weights(
    keras_gru.get_weights())` works both ways.

    Args:
        units, activation, recurrent_activation, use_bias,
        kernel_initializer, recurrent_initializer, bias_initializer,
        reset_after, dropout, recurrent_dropout, seed: see
        `seqkit.layers.GRUCell`.
        return_sequences, return_state, go_backwards, unroll,
        zero_output_for_mask, input_projection: see
        `seqkit.layers.Recurrent`.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Call arguments, returns and masking: as `seqkit.layers.Recurrent`; the
    state is `[h]`.

    Example:

    >>> import numpy as np
    >>> layer = GRU(16, return_state=True)
    >>> h_last, h = layer(np.zeros((4, 7, 3), "float32"))
    >>> tuple(h_last.shape), tuple(h.shape)
    ((4, 16), (4, 16))

    References:
        Cho et al., "Learning Phrase Representations using RNN Encoder-Decoder
        for Statistical Machine Translation", EMNLP 2014.
    """

    cell_class = GRUCell
    cell_args = (
        "units",
        "activation",
        "recurrent_activation",
        "use_bias",
        "kernel_initializer",
        "recurrent_initializer",
        "bias_initializer",
        "reset_after",
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
        reset_after=True,
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
                reset_after=reset_after,
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
