"""Luong's multiplicative attention: the "dot" and "general" scores."""

import keras
from keras import ops

from seqkit.layers._attention_utils import check_choice, key_padding_mask, merge_masks
from seqkit.layers.scaled_dot_product_attention import scaled_dot_product_attention

__all__ = ["DotAttention"]


@keras.saving.register_keras_serializable(package="seqkit")
class DotAttention(keras.layers.Layer):
    """Luong attention with score "dot" (qᵀk) or "general" (qᵀ·W·k).

    For each query the scores over the keys go through a masked softmax and
    weight the values. The computation goes through
    `scaled_dot_product_attention`, so it takes the backend's fused kernel when
    no weights are requested.

    Args:
        score: `"dot"` or `"general"`. `"dot"` needs the query and key depths to
            be equal; `"general"` learns `kernel` W `(Dq, Dk)`. Defaults to
            `"dot"`.
        use_scale: bool. Divide the scores by `sqrt(Dq)` (as in the
            Transformer). Defaults to `False` (Luong's original).
        kernel_initializer: initializer of W. Defaults to `"glorot_uniform"`.
        **kwargs: base `keras.layers.Layer` arguments.

    Call arguments:
        query: `(B, T, Dq)`, or `(B, Dq)` for a single query per example.
        value: `(B, S, Dv)`.
        key: `(B, S, Dk)` or None (then `value` is used).
        attention_mask: boolean `(B, T, S)` or None; `True` may attend.
        return_attention_scores: bool. Also return the weights `(B, T, S)`
            (`(B, S)` for a rank-2 query).
        query_mask, value_mask, key_mask: padding masks filled in by Keras from
            the inputs' masks; padded keys are never attended.

    Returns:
        The context `(B, T, Dv)` (or `(B, Dv)`), or `(context, weights)` when
        `return_attention_scores=True`. The context carries the query's Keras
        mask.

    Example:

    >>> import numpy as np
    >>> from seqkit.layers import DotAttention
    >>> layer = DotAttention(score="general")
    >>> q = np.random.rand(2, 3, 4).astype("float32")
    >>> v = np.random.rand(2, 5, 6).astype("float32")
    >>> tuple(layer(q, v).shape)
    (2, 3, 6)

    References:
        Luong, Pham, Manning, 2015, "Effective Approaches to Attention-based
        Neural Machine Translation", https://arxiv.org/abs/1508.04025
    """

    def __init__(self, score="dot", use_scale=False, kernel_initializer="glorot_uniform", **kwargs):
        super().__init__(**kwargs)
        check_choice("score", score, ("dot", "general"))
        self.score = score
        self.use_scale = use_scale
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.supports_masking = True

    def build(self, query_shape, value_shape, key_shape=None):
        key_shape = value_shape if key_shape is None else key_shape
        self.kernel = None
        if self.score == "general":
            self.kernel = self.add_weight(
                name="kernel", shape=(query_shape[-1], key_shape[-1]),
                initializer=self.kernel_initializer, dtype=self.variable_dtype,
            )
        elif query_shape[-1] != key_shape[-1]:
            raise ValueError(
                "score='dot' needs the query and key depths to be equal; use "
                f"score='general' otherwise. Received: query_shape={query_shape}, "
                f"key_shape={key_shape}"
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
    ):
        if key is None:
            key = value
            key_mask = None
        single_query = len(query.shape) == 2
        if single_query:
            query = ops.expand_dims(query, 1)
        if self.kernel is not None:
            # qᵀW·k = (Wᵀq)ᵀk; an einsum, not a 3-D `ops.matmul` (see
            # `AdditiveAttention.call`: XLA in the gradient of a loop over time).
            query = ops.einsum("btd,du->btu", query, self.kernel)
        depth = self.kernel.shape[0] if self.kernel is not None else query.shape[-1]
        scale = 1.0 / float(depth) ** 0.5 if self.use_scale else 1.0
        mask = merge_masks(key_padding_mask(value_mask, key_mask), attention_mask)
        result = scaled_dot_product_attention(
            query, key, value, mask=mask, scale=scale, return_weights=return_attention_scores
        )
        context, weights = result if return_attention_scores else (result, None)
        if single_query:
            context = ops.squeeze(context, 1)
            weights = None if weights is None else ops.squeeze(weights, 1)
        if return_attention_scores:
            return context, weights
        return context

    def compute_mask(self, inputs, previous_mask):
        return previous_mask

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "score": self.score,
                "use_scale": self.use_scale,
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            }
        )
        return config
