"""Bahdanau's additive attention."""

import keras
from keras import ops

from seqkit.layers._attention_utils import key_padding_mask, masked_softmax, merge_masks
from seqkit.layers._initializers import derived

__all__ = ["AdditiveAttention"]


@keras.saving.register_keras_serializable(package="seqkit")
class AdditiveAttention(keras.layers.Layer):
    """Additive (Bahdanau) attention: score(q, k) = vᵀ·tanh(W₁·q + W₂·k + b).

    For each query, the scores over the keys go through a masked softmax and
    weight the values: `context_t = Σ_s softmax_s(score(q_t, k_s))·v_s`.

    Weights: `query_kernel` W₁ `(Dq, units)`, `key_kernel` W₂ `(Dk, units)`,
    `bias` b `(units,)` (when `use_bias`), `score_kernel` v `(units,)`.

    Args:
        units: int. Size of the hidden layer of the score.
        use_bias: bool. Whether to add `b` inside the tanh. Defaults to `True`.
        kernel_initializer: initializer of W₁, W₂ and v. Defaults to
            `"glorot_uniform"`.
        bias_initializer: initializer of b. Defaults to `"zeros"`.
        **kwargs: base `keras.layers.Layer` arguments.

    Call arguments:
        query: `(B, T, Dq)`, or `(B, Dq)` for a single query per example (e.g.
            the state of an RNN decoder).
        value: `(B, S, Dv)`.
        key: `(B, S, Dk)` or None (then `value` is used).
        attention_mask: boolean `(B, T, S)` or None; `True` may attend.
        return_attention_scores: bool. Also return the weights `(B, T, S)`
            (`(B, S)` for a rank-2 query).
        query_mask, value_mask, key_mask: padding masks filled in by Keras from
            the inputs' masks; padded keys are never attended.
        projected_key: `project_key(key)` computed once by the caller, or
            None. A decoder that attends over the same keys at every step
            passes it to skip the `(B, S, Dk) x (Dk, units)` projection per
            step; the result is the same.

    Returns:
        The context `(B, T, Dv)` (or `(B, Dv)`), or `(context, weights)` when
        `return_attention_scores=True`. The context carries the query's Keras
        mask; a query row with no key to attend gets zero weights.

    Example:

    >>> import numpy as np
    >>> from seqkit.layers import AdditiveAttention
    >>> layer = AdditiveAttention(units=8)
    >>> state = np.random.rand(2, 16).astype("float32")
    >>> encoder_outputs = np.random.rand(2, 7, 12).astype("float32")
    >>> context, weights = layer(state, encoder_outputs, return_attention_scores=True)
    >>> tuple(context.shape), tuple(weights.shape)
    ((2, 12), (2, 7))

    References:
        Bahdanau, Cho, Bengio, 2015, "Neural Machine Translation by Jointly
        Learning to Align and Translate", https://arxiv.org/abs/1409.0473
    """

    def __init__(
        self,
        units,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not isinstance(units, int) or units <= 0:
            raise ValueError(f"`units` must be a positive int. Received: units={units}")
        self.units = units
        self.use_bias = use_bias
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.supports_masking = True

    def build(self, query_shape, value_shape, key_shape=None):
        key_shape = value_shape if key_shape is None else key_shape
        self.query_kernel = self.add_weight(
            name="query_kernel", shape=(query_shape[-1], self.units),
            initializer=derived(self.kernel_initializer, "query_kernel"), dtype=self.variable_dtype,
        )
        self.key_kernel = self.add_weight(
            name="key_kernel", shape=(key_shape[-1], self.units),
            initializer=derived(self.kernel_initializer, "key_kernel"), dtype=self.variable_dtype,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias", shape=(self.units,),
                initializer=self.bias_initializer, dtype=self.variable_dtype,
            )
        self.score_kernel = self.add_weight(
            name="score_kernel", shape=(self.units,),
            initializer=derived(self.kernel_initializer, "score_kernel"), dtype=self.variable_dtype,
        )
        self.built = True

    def call(
        self,
        query,
        value,
        key=None,
        attention_mask=None,
        return_attention_scores=False,
        query_mask=None,
        value_mask=None,
        key_mask=None,
        projected_key=None,
    ):
        if key is None:
            key = value
            key_mask = None
        single_query = len(query.shape) == 2
        if single_query:
            query = ops.expand_dims(query, 1)
        # The projections are einsums, which Keras runs on TensorFlow as one
        # batched matmul each. As `ops.matmul` of a 3-D by a 2-D tensor they
        # were `tf.tensordot`s, and XLA could not compile the gradient of a
        # decoder's loop over time through them ("Input 1 to node
        # .../Tensordot/transpose_grad/transpose must be a compile-time
        # constant").
        q = ops.einsum("btd,du->btu", query, self.query_kernel)  # (B, T, units)
        k = self.project_key(key) if projected_key is None else projected_key  # (B, S, units)
        hidden = ops.tanh(ops.expand_dims(q, 2) + ops.expand_dims(k, 1))  # (B, T, S, units)
        scores = ops.einsum("btsu,u->bts", hidden, self.score_kernel)
        mask = merge_masks(key_padding_mask(value_mask, key_mask), attention_mask)
        weights = masked_softmax(scores, mask)
        context = ops.matmul(weights, value)
        if single_query:
            context = ops.squeeze(context, 1)
            weights = ops.squeeze(weights, 1)
        if return_attention_scores:
            return context, weights
        return context

    def project_key(self, key):
        """`W₂·k + b` for keys `(B, S, Dk)`: `(B, S, units)`, the part of the score that no query changes."""
        k = ops.einsum("bsd,du->bsu", key, self.key_kernel)
        if self.bias is not None:
            k = ops.add(k, self.bias)
        return k

    def compute_mask(self, inputs, previous_mask):
        return previous_mask

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "units": self.units,
                "use_bias": self.use_bias,
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
                "bias_initializer": keras.initializers.serialize(self.bias_initializer),
            }
        )
        return config
