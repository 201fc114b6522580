"""`RecurrentLanguageModel`: embedding, stacked recurrent layers, next-token logits."""

import keras

from seqkit.layers.gru_cell import GRUCell
from seqkit.layers.lstm_cell import LSTMCell
from seqkit.layers.recurrent import Recurrent
from seqkit.layers.simple_rnn_cell import SimpleRNNCell
from seqkit.models.language_model import LanguageModel
from seqkit.models.language_model import check_positive_ints

CELLS = {"rnn": SimpleRNNCell, "lstm": LSTMCell, "gru": GRUCell}


@keras.saving.register_keras_serializable(package="seqkit")
class RecurrentLanguageModel(LanguageModel):
    """A character- or word-level recurrent language model (as in the MIT 6.S191 music lab).

    `Embedding -> [Recurrent(cell) -> Dropout] x num_layers -> Dense(V)`.
    Training runs each layer over the whole sequence (`seqkit.layers.Recurrent`);
    generation calls the same cells one step at a time and carries their
    states as the cache: a tuple with one tuple of state tensors per layer
    (`(h, c)` for an LSTM, `(h,)` for a GRU or simple RNN).

    Args:
        vocabulary_size: int.
        cell: `"rnn"`, `"lstm"` or `"gru"`. Defaults to `"lstm"`.
        units: int, state size of every layer. Defaults to `256`.
        num_layers: int. Defaults to `1`.
        embedding_dim: int. Defaults to `128`.
        dropout: float in [0, 1), after every recurrent layer (training
            only). Defaults to `0.0`.
        recurrent_dropout: float in [0, 1), variational dropout on the
            recurrent state inside the cells. Defaults to `0.0`.
        seed: int or None, seeds the dropout. Defaults to `None`.

    Call arguments:
        token_ids: int `[B, T]`.
        training: bool.

    Returns:
        logits `[B, T, vocabulary_size]`.

    >>> import numpy as np
    >>> model = RecurrentLanguageModel(10, units=8, embedding_dim=4)
    >>> tuple(model(np.zeros((2, 5), "int32")).shape)
    (2, 5, 10)

    References:
        Graves, "Generating Sequences With Recurrent Neural Networks", 2013.
    """

    def __init__(
        self,
        vocabulary_size,
        cell="lstm",
        units=256,
        num_layers=1,
        embedding_dim=128,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if cell not in CELLS:
            raise ValueError(f"`cell` must be one of {sorted(CELLS)}. Received: cell={cell!r}")
        check_positive_ints(
            vocabulary_size=vocabulary_size, units=units, num_layers=num_layers, embedding_dim=embedding_dim
        )
        if not 0 <= dropout < 1:
            raise ValueError(f"`dropout` must be in [0, 1). Received: dropout={dropout!r}")
        self.vocabulary_size = vocabulary_size
        self.cell = cell
        self.units = units
        self.num_layers = num_layers
        self.embedding_dim = embedding_dim
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.seed = seed
        self.embedding = keras.layers.Embedding(vocabulary_size, embedding_dim, name="embedding")
        self.recurrent_layers = [
            Recurrent(
                CELLS[cell](units, recurrent_dropout=recurrent_dropout, seed=seed),
                return_sequences=True,
                name=f"recurrent_{i}",
            )
            for i in range(num_layers)
        ]
        self.dropout_layer = keras.layers.Dropout(dropout, seed=seed, name="dropout")
        # The logits stay float32 under a mixed policy (softmax and loss in float32).
        self.output_layer = keras.layers.Dense(vocabulary_size, dtype="float32", name="logits")

    def call(self, token_ids, training=False):
        x = self.embedding(token_ids)
        for layer in self.recurrent_layers:
            x = self.dropout_layer(layer(x, training=training), training=training)
        return self.output_layer(x)

    def get_initial_cache(self, batch_size, max_length=None):
        return tuple(
            tuple(layer.cell.get_initial_state(batch_size=batch_size)) for layer in self.recurrent_layers
        )

    def step(self, tokens, cache, index):
        # One token per step: a recurrent model cannot read several at once.
        x = self.embedding(tokens[:, 0])
        states = []
        for layer, layer_states in zip(self.recurrent_layers, cache):
            x, new_states = layer.cell(x, list(layer_states), training=False)
            states.append(tuple(new_states))
        logits = self.output_layer(x)
        return logits[:, None], x[:, None], tuple(states)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "vocabulary_size": self.vocabulary_size,
                "cell": self.cell,
                "units": self.units,
                "num_layers": self.num_layers,
                "embedding_dim": self.embedding_dim,
                "dropout": self.dropout,
                "recurrent_dropout": self.recurrent_dropout,
                "seed": self.seed,
            }
        )
        return config
