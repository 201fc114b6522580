"""`AttentionLSTMDecoder`: an LSTM that attends over image regions at every word."""

import keras
from keras import ops

from seqkit.layers._scan import scan
from seqkit.layers.additive_attention import AdditiveAttention
from seqkit.layers.lstm_cell import LSTMCell


@keras.saving.register_keras_serializable(package="seqkit")
class AttentionLSTMDecoder(keras.layers.Layer):
    """Show, Attend and Tell: an LSTM decoder with additive attention over regions.

    The state starts from the mean region, `h_0 = tanh(W_h r̄)`,
    `c_0 = tanh(W_c r̄)`. At step `t`, with the previous word `y_{t-1}`:

        α_t = softmax_s(vᵀ tanh(W₁ h_{t-1} + W₂ r_s + b))   (AdditiveAttention)
        z_t = Σ_s α_{t,s} r_s
        h_t, c_t = LSTM([E y_{t-1}; z_t], (h_{t-1}, c_{t-1}))
        logits_t = W_o tanh(W_d [h_t; z_t; E y_{t-1}])

    Training runs the step over the whole (teacher-forced) sequence with
    `seqkit.layers._scan.scan` (its gradient compiles under XLA); generation
    calls the same step once per word (`step`), with the region features
    carried in the cache. `W₂ r_s + b` does not depend on the step, so it is
    computed once per image (`AdditiveAttention.project_key`) and each step
    passes it in as `projected_key`.

    Args:
        vocabulary_size: int.
        embedding_dim: int.
        units: int, the LSTM's size.
        attention_units: int or None, the hidden size of the additive
            attention (the regions are projected to it once per image).
            Defaults to `units`.
        dropout: float, dropout before the output layer. Defaults to `0.0`.
        **kwargs: base layer arguments.

    Call arguments:
        tokens: int `(B, T)`, the decoder inputs (`[START] w_1 ... w_{T-1}`).
        regions: `(B, S, D)` region features.
        return_attention_scores: bool. Also return the weights `(B, T, S)`.
        training: bool.

    Returns:
        logits `(B, T, vocabulary_size)`, or `(logits, weights)`.

    Example:

    >>> import numpy as np
    >>> decoder = AttentionLSTMDecoder(vocabulary_size=20, embedding_dim=8, units=16)
    >>> regions = np.random.rand(2, 9, 12).astype("float32")
    >>> logits, weights = decoder(np.array([[2, 5, 6], [2, 7, 0]]), regions,
    ...                           return_attention_scores=True)
    >>> tuple(logits.shape), tuple(weights.shape)
    ((2, 3, 20), (2, 3, 9))

    References:
        Xu et al., 2015, "Show, Attend and Tell: Neural Image Caption Generation
        with Visual Attention", https://arxiv.org/abs/1502.03044
    """

    def __init__(self, vocabulary_size, embedding_dim, units, attention_units=None, dropout=0.0, **kwargs):
        super().__init__(**kwargs)
        for arg, val in (("vocabulary_size", vocabulary_size), ("embedding_dim", embedding_dim), ("units", units)):
            if not isinstance(val, int) or val <= 0:
                raise ValueError(f"`{arg}` must be a positive int. Received: {arg}={val}")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"`dropout` must be in [0, 1). Received: dropout={dropout}")
        self.vocabulary_size = vocabulary_size
        self.embedding_dim = embedding_dim
        self.units = units
        self.attention_units = attention_units if attention_units is not None else units
        self.dropout = dropout

    def build(self, tokens_shape, regions_shape):
        depth = regions_shape[-1]
        self.embedding = keras.layers.Embedding(
            self.vocabulary_size, self.embedding_dim, dtype=self.dtype_policy, name="embedding"
        )
        self.embedding.build((None,))
        self.init_h = keras.layers.Dense(self.units, activation="tanh", dtype=self.dtype_policy, name="init_h")
        self.init_h.build((None, depth))
        self.init_c = keras.layers.Dense(self.units, activation="tanh", dtype=self.dtype_policy, name="init_c")
        self.init_c.build((None, depth))
        self.attention = AdditiveAttention(self.attention_units, dtype=self.dtype_policy, name="attention")
        self.attention.build((None, self.units), (None, None, depth), (None, None, depth))
        self.cell = LSTMCell(self.units, dtype=self.dtype_policy, name="cell")
        self.cell.build((None, self.embedding_dim + depth))
        self.deep_output = keras.layers.Dense(
            self.units, activation="tanh", dtype=self.dtype_policy, name="deep_output"
        )
        self.deep_output.build((None, self.units + depth + self.embedding_dim))
        self.output_dropout = keras.layers.Dropout(self.dropout, dtype=self.dtype_policy)
        # The logits stay float32 under a mixed policy (softmax and loss in float32).
        self.output_layer = keras.layers.Dense(self.vocabulary_size, dtype="float32", name="logits")
        self.output_layer.build((None, self.units))
        self.built = True

    def initial_cache(self, regions):
        """The cache before the first word: `{"h", "c", "regions", "keys"}`.

        `keys` are the attention's key half of the score for every region,
        `W₂ r_s + b` (`attention_units` wide), computed once per image, so each
        word's attention costs no projection of all the regions.
        """
        mean = ops.mean(regions, axis=1)
        return {
            "h": self.init_h(mean),
            "c": self.init_c(mean),
            "regions": regions,
            "keys": self.attention.project_key(regions),
        }

    def _recur(self, embedded, h, c, regions, keys):
        """Attention from h_{t-1}, then the LSTM step: -> (h_t, c_t, z_t, α_t)."""
        context, weights = self.attention(h, regions, projected_key=keys, return_attention_scores=True)
        h, (_, c) = self.cell(ops.concatenate([embedded, context], axis=-1), [h, c])
        return h, c, context, weights

    def _logits(self, h, context, embedded, training):
        hidden = self.deep_output(ops.concatenate([h, context, embedded], axis=-1))
        return self.output_layer(self.output_dropout(hidden, training=training))

    def step(self, token, cache, training=False):
        """One word: int `(B,)` and the cache -> `(logits (B, V), new cache, weights (B, S))`."""
        embedded = self.embedding(token)
        h, c, context, weights = self._recur(embedded, cache["h"], cache["c"], cache["regions"], cache["keys"])
        logits = self._logits(h, context, embedded, training)
        return logits, dict(cache, h=h, c=c), weights

    def call(self, tokens, regions, return_attention_scores=False, training=None):
        cache = self.initial_cache(regions)
        embedded = self.embedding(ops.cast(tokens, "int32"))  # (B, T, E)

        # The carry is (h, context, weights, c): the scan keeps the first three
        # at every step, and the output layers then run on all steps at once.
        def body(carry, embedded_t):
            h, _, _, c = carry
            h, c, context, weights = self._recur(embedded_t, h, c, regions, cache["keys"])
            return h, context, weights, c

        first = (
            cache["h"],
            ops.zeros_like(ops.mean(regions, axis=1)),
            ops.zeros_like(regions[:, :, 0]),
            cache["c"],
        )
        _, (h, context, weights) = scan(body, first, ops.transpose(embedded, (1, 0, 2)), stack=3)
        h, context, weights = (ops.transpose(t, (1, 0, 2)) for t in (h, context, weights))
        logits = self._logits(h, context, embedded, training)
        if return_attention_scores:
            return logits, weights
        return logits

    def compute_output_shape(self, tokens_shape, regions_shape):
        return tuple(tokens_shape) + (self.vocabulary_size,)

    def compute_output_spec(self, tokens, regions, *args, **kwargs):
        # The logits are float32 under any dtype policy (the head's), not this layer's compute dtype.
        return keras.KerasTensor(self.compute_output_shape(tokens.shape, regions.shape), dtype="float32")

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "vocabulary_size": self.vocabulary_size,
                "embedding_dim": self.embedding_dim,
                "units": self.units,
                "attention_units": self.attention_units,
                "dropout": self.dropout,
            }
        )
        return config
