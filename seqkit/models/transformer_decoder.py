"""`TransformerDecoder`: target embedding, decoder blocks with cross-attention, logits."""

import keras
from keras import ops

from seqkit import layers

POSITIONS = ("learned", "sinusoidal")


@keras.saving.register_keras_serializable(package="seqkit")
class TransformerDecoder(keras.layers.Layer):
    """Target token ids + encoder outputs -> next-token logits (Vaswani et al. 2017).

    Token embeddings (scaled by sqrt(d)) plus positions, `num_layers`
    `seqkit.layers.TransformerDecoderBlock`s (causal self-attention,
    cross-attention over the encoder outputs, feed-forward), a final layer
    norm when the blocks are pre-norm, and a projection to the vocabulary.

    Incremental decoding (`step`) keeps one self-attention key/value cache
    per block, stacked as one tensor `(B, num_layers, 2, max_length, heads,
    head_dim)` so the batch stays on axis 0 (what a beam search reorders).

    Args:
        vocabulary_size: int.
        hidden_dim: int, the model dimension d.
        num_layers: int. Defaults to `2`.
        num_heads: int, must divide `hidden_dim`. Defaults to `4`.
        intermediate_dim: int, feed-forward size. Defaults to `4 * hidden_dim`.
        max_length: int, the longest target (positions and cache length).
        positions: `"learned"` or `"sinusoidal"`. Defaults to `"sinusoidal"`.
        dropout: float. Defaults to `0.1`.
        norm_first: bool, pre-norm blocks. Defaults to `False`.
        **kwargs: base layer arguments.

    Call arguments:
        target_ids: int `(B, T)`, `T <= max_length`.
        memory: float `(B, S, hidden_dim)`, the encoder outputs.
        memory_mask: bool `(B, S)`, True at real source positions, or None
            when every memory position is real (image regions).
        training: bool.

    Returns:
        logits `(B, T, vocabulary_size)`.

    References:
        Vaswani et al., 2017, "Attention Is All You Need",
        https://arxiv.org/abs/1706.03762
    """

    def __init__(
        self,
        vocabulary_size,
        hidden_dim,
        max_length,
        num_layers=2,
        num_heads=4,
        intermediate_dim=None,
        positions="sinusoidal",
        dropout=0.1,
        norm_first=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if positions not in POSITIONS:
            raise ValueError(
                f"`positions` must be one of {list(POSITIONS)}. Received: positions={positions!r}"
            )
        self.vocabulary_size = vocabulary_size
        self.hidden_dim = hidden_dim
        self.max_length = max_length
        self.num_layers = num_layers
        self.num_heads = num_heads
        self.intermediate_dim = intermediate_dim if intermediate_dim is not None else 4 * hidden_dim
        self.positions = positions
        self.dropout = dropout
        self.norm_first = norm_first
        self.embedding = keras.layers.Embedding(
            vocabulary_size, hidden_dim, dtype=self.dtype_policy, name="embedding"
        )
        if positions == "learned":
            self.position_encoding = layers.PositionEmbedding(
                max_length, dtype=self.dtype_policy, name="positions"
            )
        else:
            self.position_encoding = layers.SinusoidalPositionEncoding(
                dtype=self.dtype_policy, name="positions"
            )
        self.blocks = [
            layers.TransformerDecoderBlock(
                num_heads, self.intermediate_dim, dropout=dropout, norm_first=norm_first,
                dtype=self.dtype_policy, name=f"block_{i}",
            )
            for i in range(num_layers)
        ]
        self.final_norm = (
            keras.layers.LayerNormalization(epsilon=1e-5, dtype=self.dtype_policy, name="final_norm")
            if norm_first else None
        )
        self.dropout_layer = keras.layers.Dropout(dropout, dtype=self.dtype_policy)
        # The logits stay float32 under a mixed policy (softmax and loss in float32).
        self.output_projection = keras.layers.Dense(vocabulary_size, dtype="float32", name="output_projection")

    def build(self, target_ids_shape, memory_shape=None, memory_mask_shape=None):
        self.embedding.build(target_ids_shape)
        hidden_shape = tuple(target_ids_shape) + (self.hidden_dim,)
        self.position_encoding.build(hidden_shape)
        for block in self.blocks:
            block.build(hidden_shape, memory_shape)
        if self.final_norm is not None:
            self.final_norm.build(hidden_shape)
        self.output_projection.build(hidden_shape)
        self.built = True

    def _embed(self, target_ids, start_index, training):
        x = self.embedding(target_ids) * ops.sqrt(ops.cast(self.hidden_dim, self.compute_dtype))
        x = x + self.position_encoding(x, start_index=start_index)
        return self.dropout_layer(x, training=training)

    def _logits(self, x, training):
        if self.final_norm is not None:
            x = self.final_norm(x)
        return self.output_projection(self.dropout_layer(x, training=training))

    def call(self, target_ids, memory, memory_mask=None, training=None):
        memory_mask = _as_bool(memory_mask)
        x = self._embed(target_ids, 0, training)
        for block in self.blocks:
            x = block(x, memory, encoder_padding_mask=memory_mask, training=training)
        return self._logits(x, training)

    def get_initial_cache(self, batch_size):
        """An empty stacked cache `(B, num_layers, 2, max_length, heads, head_dim)`."""
        return ops.stack(
            [block.get_initial_cache(batch_size, self.max_length) for block in self.blocks], axis=1
        )

    def step(self, token_ids, cache, index, memory, memory_mask=None):
        """Token ids `(B,)` at position `index` -> `(logits (B, V), new_cache)`."""
        memory_mask = _as_bool(memory_mask)
        x = self._embed(ops.expand_dims(token_ids, 1), index, False)
        new_caches = []
        for i, block in enumerate(self.blocks):
            x, layer_cache = block(
                x, memory, encoder_padding_mask=memory_mask,
                self_attention_cache=cache[:, i], cache_index=index,
            )
            new_caches.append(layer_cache)
        logits = self._logits(x, False)
        return ops.squeeze(logits, 1), ops.stack(new_caches, axis=1)

    def attention_scores(self, target_ids, memory, memory_mask):
        """Cross-attention weights of the last block, averaged over heads: `(B, T, S)`.

        Reruns the last block sublayer by sublayer (the block does not return
        its cross-attention weights); `last_block_output` checks the rerun
        against the block itself.
        """
        return self._last_block_with_scores(target_ids, memory, memory_mask)[1]

    def last_block_output(self, target_ids, memory, memory_mask):
        """The last block's output as rerun by `attention_scores` (for tests)."""
        return self._last_block_with_scores(target_ids, memory, memory_mask)[0]

    def _last_block_with_scores(self, target_ids, memory, memory_mask):
        memory_mask = ops.cast(memory_mask, "bool")
        x = self._embed(target_ids, 0, False)
        for block in self.blocks[:-1]:
            x = block(x, memory, encoder_padding_mask=memory_mask)
        block = self.blocks[-1]

        def sublayer(h, norm, fn):
            out = h + fn(norm(h) if block.norm_first else h)
            return out if block.norm_first else norm(out)

        x = sublayer(
            x, block.self_attention_norm,
            lambda h: block.self_attention(h, h, use_causal_mask=True),
        )
        scores = []

        def cross(q):
            out, weights = block.cross_attention(
                q, memory, attention_mask=ops.expand_dims(memory_mask, 1),
                return_attention_scores=True,
            )
            scores.append(weights)
            return out

        x = sublayer(x, block.cross_attention_norm, cross)
        x = sublayer(
            x, block.feedforward_norm,
            lambda f: block.feedforward_output(block.feedforward_intermediate(f)),
        )
        return x, ops.mean(scores[0], axis=1)

    def compute_output_shape(self, target_ids_shape, *args, **kwargs):
        return tuple(target_ids_shape) + (self.vocabulary_size,)

    def compute_output_spec(self, target_ids, *args, **kwargs):
        # The logits are float32 under any dtype policy (the head's), not this layer's compute dtype.
        return keras.KerasTensor(self.compute_output_shape(target_ids.shape), dtype="float32")

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "vocabulary_size": self.vocabulary_size,
                "hidden_dim": self.hidden_dim,
                "max_length": self.max_length,
                "num_layers": self.num_layers,
                "num_heads": self.num_heads,
                "intermediate_dim": self.intermediate_dim,
                "positions": self.positions,
                "dropout": self.dropout,
                "norm_first": self.norm_first,
            }
        )
        return config


def _as_bool(mask):
    return None if mask is None else ops.cast(mask, "bool")
