"""One Transformer decoder block: causal self-attention, cross-attention, feed-forward."""

import keras
from keras import ops

from seqkit.layers._attention_utils import keras_mask_of, merge_masks
from seqkit.layers._initializers import derived
from seqkit.layers.multi_head_attention import MultiHeadAttention

__all__ = ["TransformerDecoderBlock"]


@keras.saving.register_keras_serializable(package="seqkit")
class TransformerDecoderBlock(keras.layers.Layer):
    """Causal self-attention, optional cross-attention and feed-forward, with residuals.

    Each of the two or three sublayers `f` is wrapped as
    `x = LN(x + Drop(f(x)))` (post-norm, `norm_first=False`) or
    `x = x + Drop(f(LN(x)))` (pre-norm). The cross-attention sublayer exists
    when the block is built with `encoder_outputs` (a decoder-only model calls
    it without).

    Sublayers: `self_attention`, `self_attention_norm`, `cross_attention`,
    `cross_attention_norm` (when built with encoder outputs),
    `feedforward_intermediate`, `feedforward_output`, `feedforward_norm`.

    Args:
        num_heads: int. Attention heads; must divide the model dimension `d`.
        intermediate_dim: int. Hidden size of the feed-forward network.
        dropout: float. Defaults to `0.0`.
        activation: activation of the feed-forward network. Defaults to `"relu"`.
        layer_norm_epsilon: float. Defaults to `1e-5`.
        norm_first: bool. Pre-norm when true. Defaults to `False`.
        kernel_initializer: Defaults to `"glorot_uniform"`.
        bias_initializer: Defaults to `"zeros"`.
        **kwargs: base `keras.layers.Layer` arguments.

    Call arguments:
        x: `(B, T, d)`, the decoder inputs.
        encoder_outputs: `(B, S, d_enc)` or None.
        decoder_padding_mask: boolean `(B, T)` or None; defaults to `x`'s Keras
            mask. Ignored with a cache (all cached positions count as real).
        decoder_attention_mask: boolean `(B, T, T)` or None, merged with the
            causal mask (with a cache: `(B, T, max_length)`).
        encoder_padding_mask: boolean `(B, S)` or None; defaults to
            `encoder_outputs`' Keras mask.
        encoder_attention_mask: boolean `(B, T, S)` or None.
        self_attention_cache: None or the self-attention key/value cache
            `(B, 2, max_length, num_heads, d // num_heads)` (see
            `MultiHeadAttention`); `get_initial_cache` makes an empty one.
        cache_index: int or scalar tensor, the position of `x`'s first token;
            needed with a cache.
        training: bool. Enables dropout.

    Returns:
        `(B, T, d)`, carrying `x`'s Keras mask; with a cache, the tuple
        `(output, new_cache)`.

    Example:

    >>> import numpy as np
    >>> from seqkit.layers import TransformerDecoderBlock
    >>> block = TransformerDecoderBlock(num_heads=2, intermediate_dim=32)
    >>> x = np.random.rand(2, 4, 16).astype("float32")
    >>> memory = np.random.rand(2, 7, 16).astype("float32")
    >>> full = block(x, memory)
    >>> cache = block.get_initial_cache(2, 4)
    >>> step, cache = block(x[:, :1], memory, self_attention_cache=cache, cache_index=0)
    >>> bool(np.allclose(step[:, 0], full[:, 0], atol=1e-5))
    True

    References:
        Vaswani et al., 2017, "Attention Is All You Need",
        https://arxiv.org/abs/1706.03762
    """

    def __init__(
        self,
        num_heads,
        intermediate_dim,
        dropout=0.0,
        activation="relu",
        layer_norm_epsilon=1e-5,
        norm_first=False,
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
        self.num_heads = num_heads
        self.intermediate_dim = intermediate_dim
        self.dropout = dropout
        self.activation = keras.activations.get(activation)
        self.layer_norm_epsilon = layer_norm_epsilon
        self.norm_first = norm_first
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.supports_masking = True

    def _attention(self, name, d):
        return MultiHeadAttention(
            self.num_heads,
            d // self.num_heads,
            dropout=self.dropout,
            kernel_initializer=derived(self.kernel_initializer, name),
            bias_initializer=derived(self.bias_initializer, name),
            dtype=self.dtype_policy,
            name=name,
        )

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

    def build(self, x_shape, encoder_outputs_shape=None):
        d = x_shape[-1]
        if d is None or d % self.num_heads:
            raise ValueError(
                f"num_heads={self.num_heads} must divide the model dimension. "
                f"Received: x_shape={x_shape}"
            )
        self.self_attention = self._attention("self_attention", d)
        self.self_attention.build(x_shape, x_shape)
        self.self_attention_norm = self._norm("self_attention_norm")
        self.self_attention_norm.build(x_shape)
        self.cross_attention = None
        if encoder_outputs_shape is not None:
            self.cross_attention = self._attention("cross_attention", d)
            self.cross_attention.build(x_shape, encoder_outputs_shape)
            self.cross_attention_norm = self._norm("cross_attention_norm")
            self.cross_attention_norm.build(x_shape)
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

    def get_initial_cache(self, batch_size, max_length, dtype=None):
        """An all-zero self-attention cache `(batch_size, 2, max_length, num_heads, head_dim)`."""
        if not self.built:
            raise ValueError("Build or call the block before asking for a cache.")
        return self.self_attention.get_initial_cache(batch_size, max_length, dtype)

    def _sublayer(self, x, norm, fn, training):
        h = norm(x) if self.norm_first else x
        h = fn(h)
        h = ops.add(x, self.dropout_layer(h, training=training))
        return h if self.norm_first else norm(h)

    def call(
        self,
        x,
        encoder_outputs=None,
        decoder_padding_mask=None,
        decoder_attention_mask=None,
        encoder_padding_mask=None,
        encoder_attention_mask=None,
        self_attention_cache=None,
        cache_index=None,
        training=None,
    ):
        if self_attention_cache is not None and cache_index is None:
            raise ValueError("`cache_index` is required with a `self_attention_cache`.")
        if encoder_outputs is not None and self.cross_attention is None:
            raise ValueError(
                "This block was built without cross-attention (no encoder_outputs at "
                "build time) but was called with encoder_outputs."
            )
        if encoder_outputs is None and self.cross_attention is not None:
            raise ValueError("This block has cross-attention: pass `encoder_outputs`.")

        if self_attention_cache is None:
            if decoder_padding_mask is None:
                decoder_padding_mask = keras_mask_of(x)
            self_mask = merge_masks(
                None
                if decoder_padding_mask is None
                else ops.expand_dims(ops.cast(decoder_padding_mask, "bool"), 1),
                decoder_attention_mask,
            )
        else:
            self_mask = decoder_attention_mask

        new_cache = []

        def self_attend(h):
            if self_attention_cache is None:
                return self.self_attention(
                    h, h, attention_mask=self_mask, use_causal_mask=True, training=training
                )
            out, cache = self.self_attention(
                h, h, attention_mask=self_mask, use_causal_mask=True,
                cache=self_attention_cache, cache_index=cache_index, training=training,
            )
            new_cache.append(cache)
            return out

        h = self._sublayer(x, self.self_attention_norm, self_attend, training)

        if self.cross_attention is not None:
            if encoder_padding_mask is None:
                encoder_padding_mask = keras_mask_of(encoder_outputs)
            cross_mask = merge_masks(
                None
                if encoder_padding_mask is None
                else ops.expand_dims(ops.cast(encoder_padding_mask, "bool"), 1),
                encoder_attention_mask,
            )

            def cross_attend(q):
                return self.cross_attention(
                    q, encoder_outputs, attention_mask=cross_mask, training=training
                )

            h = self._sublayer(h, self.cross_attention_norm, cross_attend, training)

        def feedforward(f):
            f = self.feedforward_intermediate(f)
            f = self.dropout_layer(f, training=training)
            return self.feedforward_output(f)

        out = self._sublayer(h, self.feedforward_norm, feedforward, training)
        if self_attention_cache is not None:
            return out, new_cache[0]
        return out

    def compute_mask(self, inputs, mask=None):
        return mask

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
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
                "bias_initializer": keras.initializers.serialize(self.bias_initializer),
            }
        )
        return config
