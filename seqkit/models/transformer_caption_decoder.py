"""`TransformerCaptionDecoder`: Transformer decoder blocks cross-attending to image regions."""

import keras
from keras import ops

from seqkit.layers.token_and_position_embedding import TokenAndPositionEmbedding
from seqkit.layers.transformer_decoder_block import TransformerDecoderBlock


@keras.saving.register_keras_serializable(package="seqkit")
class TransformerCaptionDecoder(keras.layers.Layer):
    """Token and position embeddings, `num_layers` decoder blocks, a vocabulary projection.

    Each block runs causal self-attention over the words so far, cross-attention
    over the region features and a feed-forward network. Training sees the whole
    teacher-forced sequence at once (the causal mask hides later words);
    generation feeds one word at a time through `step`, with each block's
    self-attention keys and values and the region features in the cache.

    Args:
        vocabulary_size: int.
        sequence_length: int, the longest decoder input (positions learned).
        hidden_dim: int, the model dimension; the regions must have this size.
        num_layers: int. Defaults to `2`.
        num_heads: int. Defaults to `4`.
        intermediate_dim: int. Defaults to `4 * hidden_dim`.
        dropout: float. Defaults to `0.0`.
        norm_first: bool. Pre-norm blocks. Defaults to `True`.
        **kwargs: base layer arguments.

    Call arguments:
        tokens: int `(B, T)`, `T <= sequence_length`, 0 is padding.
        regions: `(B, S, hidden_dim)`.
        training: bool.

    Returns:
        logits `(B, T, vocabulary_size)`.

    Example:

    >>> import numpy as np
    >>> decoder = TransformerCaptionDecoder(20, sequence_length=6, hidden_dim=8,
    ...                                     num_layers=1, num_heads=2)
    >>> regions = np.random.rand(2, 9, 8).astype("float32")
    >>> tuple(decoder(np.array([[2, 5, 6], [2, 7, 0]]), regions).shape)
    (2, 3, 20)

    References:
        Vaswani et al., 2017, "Attention Is All You Need",
        https://arxiv.org/abs/1706.03762
    """

    def __init__(
        self,
        vocabulary_size,
        sequence_length,
        hidden_dim,
        num_layers=2,
        num_heads=4,
        intermediate_dim=None,
        dropout=0.0,
        norm_first=True,
        **kwargs,
    ):
        super().__init__(**kwargs)
        for arg, val in (
            ("vocabulary_size", vocabulary_size),
            ("sequence_length", sequence_length),
            ("hidden_dim", hidden_dim),
            ("num_layers", num_layers),
            ("num_heads", num_heads),
        ):
            if not isinstance(val, int) or val <= 0:
                raise ValueError(f"`{arg}` must be a positive int. Received: {arg}={val}")
        self.vocabulary_size = vocabulary_size
        self.sequence_length = sequence_length
        self.hidden_dim = hidden_dim
        self.num_layers = num_layers
        self.num_heads = num_heads
        self.intermediate_dim = intermediate_dim if intermediate_dim is not None else 4 * hidden_dim
        self.dropout = dropout
        self.norm_first = norm_first

    def build(self, tokens_shape, regions_shape):
        if regions_shape[-1] != self.hidden_dim:
            raise ValueError(
                f"The regions must have hidden_dim={self.hidden_dim} features. "
                f"Received: regions_shape={regions_shape}"
            )
        self.embedding = TokenAndPositionEmbedding(
            self.vocabulary_size, self.sequence_length, self.hidden_dim,
            mask_zero=True, dtype=self.dtype_policy, name="embedding",
        )
        self.embedding.build((None, None))
        self.blocks = []
        for i in range(self.num_layers):
            block = TransformerDecoderBlock(
                self.num_heads, self.intermediate_dim, dropout=self.dropout,
                norm_first=self.norm_first, dtype=self.dtype_policy, name=f"block_{i}",
            )
            block.build((None, None, self.hidden_dim), (None, None, self.hidden_dim))
            self.blocks.append(block)
        self.final_norm = None
        if self.norm_first:
            self.final_norm = keras.layers.LayerNormalization(
                epsilon=1e-5, dtype=self.dtype_policy, name="final_norm"
            )
            self.final_norm.build((None, None, self.hidden_dim))
        # The logits stay float32 under a mixed policy (softmax and loss in float32).
        self.output_layer = keras.layers.Dense(self.vocabulary_size, dtype="float32", name="logits")
        self.output_layer.build((None, None, self.hidden_dim))
        self.built = True

    def _head(self, x):
        if self.final_norm is not None:
            x = self.final_norm(x)
        return self.output_layer(x)

    def call(self, tokens, regions, training=None):
        x = self.embedding(tokens)
        padding = ops.not_equal(tokens, 0)
        for block in self.blocks:
            x = block(x, regions, decoder_padding_mask=padding, training=training)
        return self._head(x)

    def initial_cache(self, regions, max_length):
        """An empty cache: `{"self_attention": (B, num_layers, 2, max_length, heads, head_dim), "regions"}`."""
        batch = ops.shape(regions)[0]
        caches = [block.get_initial_cache(batch, max_length) for block in self.blocks]
        return {"self_attention": ops.stack(caches, axis=1), "regions": regions}

    def step(self, token, cache, index):
        """The word at position `index`: int `(B,)` -> `(logits (B, V), new cache)`."""
        x = self.embedding(ops.expand_dims(token, 1), start_index=index)
        regions = cache["regions"]
        new_caches = []
        for i, block in enumerate(self.blocks):
            x, layer_cache = block(
                x, regions, self_attention_cache=cache["self_attention"][:, i], cache_index=index
            )
            new_caches.append(layer_cache)
        logits = self._head(x)[:, 0]
        return logits, {"self_attention": ops.stack(new_caches, axis=1), "regions": regions}

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
                "sequence_length": self.sequence_length,
                "hidden_dim": self.hidden_dim,
                "num_layers": self.num_layers,
                "num_heads": self.num_heads,
                "intermediate_dim": self.intermediate_dim,
                "dropout": self.dropout,
                "norm_first": self.norm_first,
            }
        )
        return config
