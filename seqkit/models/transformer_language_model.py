"""`TransformerLanguageModel`: a decoder-only Transformer with a key/value cache."""

import keras

from seqkit.layers.position_embedding import PositionEmbedding
from seqkit.layers.sinusoidal_position_encoding import SinusoidalPositionEncoding
from seqkit.layers.transformer_decoder_block import TransformerDecoderBlock
from seqkit.models.language_model import LanguageModel
from seqkit.models.language_model import check_positive_ints

POSITIONS = ("learned", "sinusoidal")


@keras.saving.register_keras_serializable(package="seqkit")
class TransformerLanguageModel(LanguageModel):
    """Decoder-only Transformer language model (GPT style, pre-norm).

    `Embedding + positions -> Dropout -> TransformerDecoderBlock x num_layers
    (causal self-attention, no cross-attention) -> LayerNorm -> Dense(V)`.
    Generation reads one token per step through each block's self-attention
    key/value cache (`seqkit.layers.MultiHeadAttention`); the cache is a
    tuple of one `(B, 2, max_length, num_heads, head_dim)` tensor per block.

    Args:
        vocabulary_size: int.
        max_length: int, the longest sequence (learned positions have this
            many rows). Defaults to `512`.
        num_layers: int. Defaults to `2`.
        num_heads: int, divides `model_dim`. Defaults to `4`.
        model_dim: int. Defaults to `128`.
        intermediate_dim: int, feed-forward width. Defaults to `4 * model_dim`.
        dropout: float in [0, 1). Defaults to `0.0`.
        positions: `"learned"` or `"sinusoidal"`. Defaults to `"learned"`.

    Call arguments:
        token_ids: int `[B, T]`, `T <= max_length`.
        training: bool.

    Returns:
        logits `[B, T, vocabulary_size]`.

    >>> import numpy as np
    >>> model = TransformerLanguageModel(10, max_length=8, model_dim=8, num_heads=2)
    >>> tuple(model(np.zeros((2, 5), "int32")).shape)
    (2, 5, 10)

    References:
        Radford et al., "Language Models are Unsupervised Multitask
        Learners", 2019; Vaswani et al., "Attention Is All You Need", 2017.
    """

    def __init__(
        self,
        vocabulary_size,
        max_length=512,
        num_layers=2,
        num_heads=4,
        model_dim=128,
        intermediate_dim=None,
        dropout=0.0,
        positions="learned",
        **kwargs,
    ):
        super().__init__(**kwargs)
        if positions not in POSITIONS:
            raise ValueError(f"`positions` must be one of {POSITIONS}. Received: positions={positions!r}")
        intermediate_dim = intermediate_dim if intermediate_dim is not None else 4 * model_dim
        check_positive_ints(
            vocabulary_size=vocabulary_size,
            max_length=max_length,
            num_layers=num_layers,
            num_heads=num_heads,
            model_dim=model_dim,
            intermediate_dim=intermediate_dim,
        )
        if model_dim % num_heads:
            raise ValueError(
                f"`num_heads` must divide `model_dim`. Received: num_heads={num_heads}, model_dim={model_dim}"
            )
        self.vocabulary_size = vocabulary_size
        self.max_length = max_length
        self.num_layers = num_layers
        self.num_heads = num_heads
        self.model_dim = model_dim
        self.intermediate_dim = intermediate_dim
        self.dropout = dropout
        self.positions = positions
        self.embedding = keras.layers.Embedding(vocabulary_size, model_dim, name="embedding")
        if positions == "learned":
            self.position_layer = PositionEmbedding(max_length, name="positions")
        else:
            self.position_layer = SinusoidalPositionEncoding(name="positions")
        self.dropout_layer = keras.layers.Dropout(dropout, name="dropout")
        self.blocks = [
            TransformerDecoderBlock(num_heads, intermediate_dim, dropout=dropout, norm_first=True, name=f"block_{i}")
            for i in range(num_layers)
        ]
        self.final_norm = keras.layers.LayerNormalization(epsilon=1e-5, name="final_norm")
        # The logits stay float32 under a mixed policy (softmax and loss in float32).
        self.output_layer = keras.layers.Dense(vocabulary_size, dtype="float32", name="logits")

    def _embed(self, token_ids, start_index, training):
        x = self.embedding(token_ids)
        x = x + self.position_layer(x, start_index=start_index)
        return self.dropout_layer(x, training=training)

    def call(self, token_ids, training=False):
        x = self._embed(token_ids, 0, training)
        for block in self.blocks:
            x = block(x, training=training)
        return self.output_layer(self.final_norm(x))

    def get_initial_cache(self, batch_size, max_length):
        if not self.built:
            self.build()
        return tuple(block.get_initial_cache(batch_size, max_length) for block in self.blocks)

    def step(self, tokens, cache, index):
        x = self._embed(tokens, index, False)
        caches = []
        for block, block_cache in zip(self.blocks, cache):
            x, block_cache = block(x, self_attention_cache=block_cache, cache_index=index)
            caches.append(block_cache)
        hidden = self.final_norm(x)
        return self.output_layer(hidden), hidden, tuple(caches)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "vocabulary_size": self.vocabulary_size,
                "max_length": self.max_length,
                "num_layers": self.num_layers,
                "num_heads": self.num_heads,
                "model_dim": self.model_dim,
                "intermediate_dim": self.intermediate_dim,
                "dropout": self.dropout,
                "positions": self.positions,
            }
        )
        return config
