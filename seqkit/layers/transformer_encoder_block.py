"""One Transformer encoder block: self-attention and feed-forward."""

import keras
from keras import ops

from seqkit.layers._attention_utils import keras_mask_of, merge_masks
from seqkit.layers._initializers import derived
from seqkit.layers.masks import local_mask
from seqkit.layers.multi_head_attention import MultiHeadAttention

__all__ = ["TransformerEncoderBlock"]


@keras.saving.register_keras_serializable(package="seqkit")
class TransformerEncoderBlock(keras.layers.Layer):
    """Self-attention + position-wise feed-forward, each with residual and LayerNorm.

    Post-norm (`norm_first=False`, the original Transformer):
    `x = LN(x + Drop(MHA(x)))`, then `x = LN(x + Drop(FFN(x)))`. Pre-norm
    (`norm_first=True`): `x = x + Drop(MHA(LN(x)))`, then
    `x = x + Drop(FFN(LN(x)))`. `FFN(x) = W₂·Drop(act(W₁·x + b₁)) + b₂`.

    Sublayers: `self_attention` (seqkit `MultiHeadAttention`, heads of
    `d // num_heads`), `self_attention_norm`, `feedforward_intermediate`,
    `feedforward_output`, `feedforward_norm`.

    Args:
        num_heads: int. Attention heads; must divide the model dimension `d`.
        intermediate_dim: int. Hidden size of the feed-forward network.
        dropout: float. Dropout rate after attention, inside and after the
            feed-forward network, and on the attention weights. Defaults to `0.0`.
        activation: activation of the feed-forward network. Defaults to `"relu"`.
        layer_norm_epsilon: float. Defaults to `1e-5`.
        norm_first: bool. Pre-norm when true. Defaults to `False`.
        attention_window: int or None. Sliding-window attention: each
            position attends only to keys at most this many steps before or
            after it (`seqkit.layers.masks.local_mask`), a locality bias for
            models trained on little data. Defaults to `None` (every key).
        kernel_initializer: Defaults to `"glorot_uniform"`.
        bias_initializer: Defaults to `"zeros"`.
        **kwargs: base `keras.layers.Layer` arguments.

    Call arguments:
        x: `(B, T, d)`.
        padding_mask: boolean `(B, T)` or None, `True` at real tokens. Defaults
            to the Keras mask of `x` (e.g. from `TokenAndPositionEmbedding`).
        attention_mask: boolean `(B, T, T)` or None, merged with the padding
            mask.
        training: bool. Enables dropout.

    Returns:
        `(B, T, d)`, carrying `x`'s Keras mask. Padded positions never feed
        real ones (padding masks the keys), so appending padding leaves the
        outputs at real positions unchanged.

    Example:

    >>> import numpy as np
    >>> from seqkit.layers import TransformerEncoderBlock
    >>> block = TransformerEncoderBlock(num_heads=2, intermediate_dim=32)
    >>> x = np.random.rand(2, 6, 16).astype("float32")
    >>> tuple(block(x, padding_mask=np.array([[1] * 6, [1] * 4 + [0] * 2], bool)).shape)
    (2, 6, 16)

    References:
        Vaswani et al., 2017, "Attention Is All You Need",
        https://arxiv.org/abs/1706.03762; Xiong et al., 2020, "On Layer
        Normalization in the Transformer Architecture" (pre-norm),
        https://arxiv.org/abs/2002.04745
    """

    def __init__(
        self,
        num_heads,
        intermediate_dim,
        dropout=0.0,
        activation="relu",
        layer_norm_epsilon=1e-5,
        norm_first=False,
        attention_window=None,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        **kwargs,
    ):
        super().__init__(**kwargs)
        for arg, val in (("num_heads", num_heads), ("intermediate_dim", intermediate_dim)):
            if not isinstance(val, int) or val <= 0:
                raise ValueError(f"`{arg}` must be a positive int. Received: {arg}={val}")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"`dropout` must be in [0, 1). Received: dropout={dropout}")
        if attention_window is not None and (
            isinstance(attention_window, bool) or not isinstance(attention_window, int) or attention_window < 0
        ):
            raise ValueError(
                f"`attention_window` must be an int >= 0 or None. Received: attention_window={attention_window!r}"
            )
        self.num_heads = num_heads
        self.intermediate_dim = intermediate_dim
        self.dropout = dropout
        self.activation = keras.activations.get(activation)
        self.layer_norm_epsilon = layer_norm_epsilon
        self.norm_first = norm_first
        self.attention_window = attention_window
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.supports_masking = True

    def _dense(self, units, name, activation=None):
        return keras.layers.Dense(
            units,
            activation=activation,
            kernel_initializer=derived(self.kernel_initializer, name),
            bias_initializer=derived(self.bias_initializer, name),
            dtype=self.dtype_policy,
            name=name,
        )

    def _norm(self, name):
        return keras.layers.LayerNormalization(
            epsilon=self.layer_norm_epsilon, dtype=self.dtype_policy, name=name
        )

    def build(self, x_shape):
        d = x_shape[-1]
        if d is None or d % self.num_heads:
            raise ValueError(
                f"num_heads={self.num_heads} must divide the model dimension. "
                f"Received: x_shape={x_shape}"
            )
        self.self_attention = MultiHeadAttention(
            self.num_heads,
            d // self.num_heads,
            dropout=self.dropout,
            kernel_initializer=derived(self.kernel_initializer, "self_attention"),
            bias_initializer=derived(self.bias_initializer, "self_attention"),
            dtype=self.dtype_policy,
            name="self_attention",
        )
        self.self_attention.build(x_shape, x_shape)
        self.self_attention_norm = self._norm("self_attention_norm")
        self.self_attention_norm.build(x_shape)
        self.feedforward_intermediate = self._dense(
            self.intermediate_dim, "feedforward_intermediate", self.activation
        )
        self.feedforward_intermediate.build(x_shape)
        self.feedforward_output = self._dense(d, "feedforward_output")
        self.feedforward_output.build(tuple(x_shape[:-1]) + (self.intermediate_dim,))
        self.feedforward_norm = self._norm("feedforward_norm")
        self.feedforward_norm.build(x_shape)
        self.dropout_layer = keras.layers.Dropout(self.dropout, dtype=self.dtype_policy)
        self.built = True

    def call(self, x, padding_mask=None, attention_mask=None, training=None):
        if padding_mask is None:
            padding_mask = keras_mask_of(x)
        key_mask = None if padding_mask is None else ops.expand_dims(ops.cast(padding_mask, "bool"), 1)
        window_mask = None
        if self.attention_window is not None:
            length = ops.shape(x)[1]
            window_mask = ops.expand_dims(local_mask(length, window=self.attention_window), 0)
        mask = merge_masks(key_mask, attention_mask, window_mask)

        residual = x
        h = self.self_attention_norm(x) if self.norm_first else x
        h = self.self_attention(h, h, attention_mask=mask, training=training)
        h = ops.add(residual, self.dropout_layer(h, training=training))
        if not self.norm_first:
            h = self.self_attention_norm(h)

        residual = h
        f = self.feedforward_norm(h) if self.norm_first else h
        f = self.feedforward_intermediate(f)
        f = self.dropout_layer(f, training=training)
        f = self.feedforward_output(f)
        out = ops.add(residual, self.dropout_layer(f, training=training))
        if not self.norm_first:
            out = self.feedforward_norm(out)
        return out

    def compute_mask(self, inputs, mask=None):
        return mask

    def compute_output_shape(self, x_shape):
        return x_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "num_heads": self.num_heads,
                "intermediate_dim": self.intermediate_dim,
                "dropout": self.dropout,
                "activation": keras.activations.serialize(self.activation),
                "layer_norm_epsilon": self.layer_norm_epsilon,
                "norm_first": self.norm_first,
                "attention_window": self.attention_window,
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
                "bias_initializer": keras.initializers.serialize(self.bias_initializer),
            }
        )
        return config
