"""Multi-head attention with Keras-compatible weights and a key/value cache."""

import keras
from keras import ops

from seqkit.layers._attention_utils import merge_masks
from seqkit.layers._initializers import derived
from seqkit.layers.masks import attention_mask_from_padding, causal_mask
from seqkit.layers.scaled_dot_product_attention import scaled_dot_product_attention

__all__ = ["MultiHeadAttention"]


@keras.saving.register_keras_serializable(package="seqkit")
class MultiHeadAttention(keras.layers.Layer):
    """Multi-head scaled dot-product attention, for self- and cross-attention.

    Projects `query`, `key` and `value` into `num_heads` heads, attends in each
    head with `scaled_dot_product_attention`, and projects the concatenated
    heads back. The weights are those of `keras.layers.MultiHeadAttention`, in
    the same order and shapes, so `get_weights` / `set_weights` move them
    between the two layers: query kernel `(Dq, N, key_dim)` and bias
    `(N, key_dim)`, key kernel `(Dk, N, key_dim)` and bias, value kernel
    `(Dv, N, value_dim)` and bias `(N, value_dim)`, output kernel
    `(N, value_dim, output_dim)` and bias `(output_dim,)` (no biases when
    `use_bias=False`).

    In self-attention (`value is query` and no `key`), the three input
    projections run as one matrix product with the kernels concatenated.

    Args:
        num_heads: int. Number of heads `N`.
        key_dim: int. Size of each head for query and key.
        value_dim: int or None. Size of each head for value. Defaults to
            `key_dim`.
        dropout: float. Dropout rate on the attention weights. Defaults to `0.0`.
        use_bias: bool. Whether the projections have biases. Defaults to `True`.
        output_shape: int or None. Last dimension of the output. Defaults to
            the last dimension of `query`.
        kernel_initializer: initializer for the kernels. Defaults to
            `"glorot_uniform"`.
        bias_initializer: initializer for the biases. Defaults to `"zeros"`.
        seed: int or None. Seed of the dropout. Defaults to `None`.
        **kwargs: base `keras.layers.Layer` arguments (`name`, `dtype`, ...).

    Call arguments:
        query: `(B, T, Dq)`.
        value: `(B, S, Dv)`.
        key: `(B, S, Dk)` or None (then `value` is used).
        attention_mask: boolean `(B, T, S)` or None; `True` may attend.
        use_causal_mask: bool. Query `i` attends keys `j <= i` (with a cache,
            `j <= cache_index + i`).
        return_attention_scores: bool. Also return the weights `(B, N, T, S)`.
        cache: None or the key/value cache, a tensor
            `(B, 2, max_length, N, key_dim)`: `cache[:, 0]` holds the projected
            keys and `cache[:, 1]` the projected values of positions
            `0 .. max_length-1`. Requires `value_dim == key_dim`. Make an empty
            one with `get_initial_cache(batch_size, max_length)`.
        cache_index: int, scalar tensor or None. With a cache: the position of
            the first of the `T` new tokens. Their keys/values are projected
            from `key`/`value` and written at `cache_index` (with
            `ops.slice_update`); the queries attend positions
            `< cache_index + T` only. With `cache_index=None` the cache is read
            as it is (precomputed keys/values, e.g. of an encoder) and
            `key`/`value` are not projected.
        training: bool. Enables dropout.
        query_mask, value_mask, key_mask: `(B, T)` / `(B, S)` padding masks,
            filled in by Keras from the inputs' masks (e.g. from
            `Embedding(mask_zero=True)`), as in `keras.layers.MultiHeadAttention`.
            With a cache, `value_mask` and `key_mask` are ignored (mask the
            cache through `attention_mask`).

    Returns:
        The output `(B, T, output_dim)`; with `return_attention_scores=True`
        the tuple `(output, scores)`; with a cache the tuple
        `(output, new_cache)`. Both at once is an error. The output carries
        the query's Keras mask.

    Example:

    >>> import numpy as np
    >>> from seqkit.layers import MultiHeadAttention
    >>> mha = MultiHeadAttention(num_heads=2, key_dim=4)
    >>> x = np.random.rand(3, 5, 8).astype("float32")
    >>> tuple(mha(x, x, use_causal_mask=True).shape)
    (3, 5, 8)
    >>> cache = mha.get_initial_cache(3, 5)
    >>> y, cache = mha(x[:, :1], x[:, :1], use_causal_mask=True, cache=cache, cache_index=0)
    >>> tuple(y.shape), tuple(cache.shape)
    ((3, 1, 8), (3, 2, 5, 2, 4))

    References:
        Vaswani et al., 2017, "Attention Is All You Need",
        https://arxiv.org/abs/1706.03762
    """

    def __init__(
        self,
        num_heads,
        key_dim,
        value_dim=None,
        dropout=0.0,
        use_bias=True,
        output_shape=None,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        for arg, val in (("num_heads", num_heads), ("key_dim", key_dim)):
            if not isinstance(val, int) or val <= 0:
                raise ValueError(f"`{arg}` must be a positive int. Received: {arg}={val}")
        if value_dim is not None and (not isinstance(value_dim, int) or value_dim <= 0):
            raise ValueError(
                f"`value_dim` must be a positive int or None. Received: value_dim={value_dim}"
            )
        if output_shape is not None and (
            not isinstance(output_shape, int) or output_shape <= 0
        ):
            raise ValueError(
                "`output_shape` must be a positive int or None. "
                f"Received: output_shape={output_shape}"
            )
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"`dropout` must be in [0, 1). Received: dropout={dropout}")
        self.num_heads = num_heads
        self.key_dim = key_dim
        self.value_dim = value_dim if value_dim is not None else key_dim
        self.dropout = dropout
        self.use_bias = use_bias
        # `output_shape` is a read-only property of Layer; keep ours apart.
        self._output_dim = output_shape
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed) if dropout > 0 else None
        self.supports_masking = True

    def build(self, query_shape, value_shape, key_shape=None):
        key_shape = value_shape if key_shape is None else key_shape
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError(
                "`key` and `value` must have the same shape except for the last "
                f"axis. Received: value_shape={value_shape}, key_shape={key_shape}"
            )
        for arg, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
            if len(shape) != 3 or shape[-1] is None:
                raise ValueError(
                    f"`{arg}` must have shape (batch, length, features) with a known "
                    f"last axis. Received: {arg}_shape={shape}"
                )
        n, dk, dv = self.num_heads, self.key_dim, self.value_dim
        out_dim = self._output_dim if self._output_dim is not None else query_shape[-1]
        self.output_dim = out_dim

        # Each projection gets its own seed: one shared initializer would start
        # the query, key and value kernels equal.
        def kernel(name, shape):
            return self.add_weight(
                name=name, shape=shape, initializer=derived(self.kernel_initializer, name),
                dtype=self.variable_dtype,
            )

        def bias(name, shape):
            if not self.use_bias:
                return None
            return self.add_weight(
                name=name, shape=shape, initializer=derived(self.bias_initializer, name),
                dtype=self.variable_dtype,
            )

        # Creation order = keras.layers.MultiHeadAttention's weight order.
        self.query_kernel = kernel("query_kernel", (query_shape[-1], n, dk))
        self.query_bias = bias("query_bias", (n, dk))
        self.key_kernel = kernel("key_kernel", (key_shape[-1], n, dk))
        self.key_bias = bias("key_bias", (n, dk))
        self.value_kernel = kernel("value_kernel", (value_shape[-1], n, dv))
        self.value_bias = bias("value_bias", (n, dv))
        self.output_kernel = kernel("output_kernel", (n, dv, out_dim))
        self.output_bias = bias("output_bias", (out_dim,))
        self.built = True

    def get_initial_cache(self, batch_size, max_length, dtype=None):
        """An all-zero key/value cache `(batch_size, 2, max_length, num_heads, key_dim)`."""
        if self.value_dim != self.key_dim:
            raise ValueError(
                "The key/value cache needs value_dim == key_dim. Received: "
                f"key_dim={self.key_dim}, value_dim={self.value_dim}"
            )
        dtype = dtype if dtype is not None else self.compute_dtype
        return ops.zeros((batch_size, 2, max_length, self.num_heads, self.key_dim), dtype)

    def _project(self, x, kernel, bias, depth):
        """(B, T, D) -> (B, T, N, depth) as one 2-D matrix product."""
        d = kernel.shape[0]
        length = ops.shape(x)[1]
        y = ops.matmul(ops.reshape(x, (-1, d)), ops.reshape(kernel, (d, -1)))
        if bias is not None:
            y = ops.add(y, ops.reshape(bias, (-1,)))
        return ops.reshape(y, (-1, length, self.num_heads, depth))

    def _project_self(self, x):
        """The three input projections of self-attention in one matrix product."""
        n, dk, dv = self.num_heads, self.key_dim, self.value_dim
        d = self.query_kernel.shape[0]
        kernel = ops.concatenate(
            [ops.reshape(k, (d, -1)) for k in (self.query_kernel, self.key_kernel, self.value_kernel)],
            axis=1,
        )
        length = ops.shape(x)[1]
        y = ops.matmul(ops.reshape(x, (-1, d)), kernel)
        if self.use_bias:
            biases = [ops.reshape(b, (-1,)) for b in (self.query_bias, self.key_bias, self.value_bias)]
            y = ops.add(y, ops.concatenate(biases, axis=0))
        q, k, v = ops.split(y, [n * dk, 2 * n * dk], axis=1)
        return (
            ops.reshape(q, (-1, length, n, dk)),
            ops.reshape(k, (-1, length, n, dk)),
            ops.reshape(v, (-1, length, n, dv)),
        )

    def call(
        self,
        query,
        value,
        key=None,
        attention_mask=None,
        use_causal_mask=False,
        return_attention_scores=False,
        cache=None,
        cache_index=None,
        training=None,
        query_mask=None,
        value_mask=None,
        key_mask=None,
    ):
        if cache is not None and return_attention_scores:
            raise ValueError(
                "`return_attention_scores=True` cannot be combined with a `cache`: "
                "the layer returns (output, scores) or (output, new_cache), not both."
            )
        if cache is not None and self.value_dim != self.key_dim:
            raise ValueError(
                "The key/value cache needs value_dim == key_dim. Received: "
                f"key_dim={self.key_dim}, value_dim={self.value_dim}"
            )
        self_attention = key is None and value is query and cache is None
        if key is None:
            key = value
            key_mask = None

        if cache is None:
            if self_attention:
                q, k, v = self._project_self(query)
            else:
                q = self._project(query, self.query_kernel, self.query_bias, self.key_dim)
                k = self._project(key, self.key_kernel, self.key_bias, self.key_dim)
                v = self._project(value, self.value_kernel, self.value_bias, self.value_dim)
            new_cache = None
            offset = 0
            valid_keys = None
        else:
            q = self._project(query, self.query_kernel, self.query_bias, self.key_dim)
            value_mask = key_mask = None
            if cache_index is None:
                new_cache = cache
                offset = 0
                valid_keys = None
            else:
                k_new = self._project(key, self.key_kernel, self.key_bias, self.key_dim)
                v_new = self._project(value, self.value_kernel, self.value_bias, self.value_dim)
                start = [0, ops.cast(cache_index, "int32"), 0, 0]
                k_cache = ops.slice_update(cache[:, 0], start, ops.cast(k_new, cache.dtype))
                v_cache = ops.slice_update(cache[:, 1], start, ops.cast(v_new, cache.dtype))
                new_cache = ops.stack([k_cache, v_cache], axis=1)
                offset = cache_index
                # Positions beyond the newest token hold no keys yet.
                end = ops.cast(cache_index, "int32") + ops.shape(query)[1]
                valid_keys = ops.less(
                    ops.arange(ops.shape(cache)[2], dtype="int32"), end
                )[None, None, :]
            k = new_cache[:, 0]
            v = new_cache[:, 1]

        mask = merge_masks(
            attention_mask_from_padding(query_mask, None),
            attention_mask_from_padding(None, value_mask),
            attention_mask_from_padding(None, key_mask),
            attention_mask,
            valid_keys,
        )
        # Causal alone with no cache -> the backend's native causal kernel.
        is_causal = bool(use_causal_mask) and mask is None and cache is None
        if use_causal_mask and not is_causal:
            mask = merge_masks(
                mask, causal_mask(ops.shape(q)[1], ops.shape(k)[1], offset)[None]
            )
        result = scaled_dot_product_attention(
            q,
            k,
            v,
            mask=mask,
            is_causal=is_causal,
            scale=1.0 / float(self.key_dim) ** 0.5,
            dropout_rate=self.dropout,
            training=training,
            seed=self.seed_generator,
            return_weights=return_attention_scores,
        )
        attended, scores = result if return_attention_scores else (result, None)
        length = ops.shape(attended)[1]
        out = ops.matmul(
            ops.reshape(attended, (-1, self.num_heads * self.value_dim)),
            ops.reshape(self.output_kernel, (self.num_heads * self.value_dim, -1)),
        )
        if self.use_bias:
            out = ops.add(out, self.output_bias)
        out = ops.reshape(out, (-1, length, self.output_dim))
        if return_attention_scores:
            return out, scores
        if cache is not None:
            return out, new_cache
        return out

    def compute_mask(self, inputs, previous_mask):
        return previous_mask

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "num_heads": self.num_heads,
                "key_dim": self.key_dim,
                "value_dim": self.value_dim,
                "dropout": self.dropout,
                "use_bias": self.use_bias,
                "output_shape": self._output_dim,
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
                "bias_initializer": keras.initializers.serialize(self.bias_initializer),
                "seed": self.seed,
            }
        )
        return config
