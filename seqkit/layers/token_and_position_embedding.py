"""Token embedding plus learned position embedding, with the padding mask."""

import keras
from keras import ops

from seqkit.layers.position_embedding import PositionEmbedding

__all__ = ["TokenAndPositionEmbedding"]


@keras.saving.register_keras_serializable(package="seqkit")
class TokenAndPositionEmbedding(keras.layers.Layer):
    """`Embedding(token ids) + PositionEmbedding`, the input layer of a Transformer.

    Sublayers: `token_embedding` (a `keras.layers.Embedding`) and
    `position_embedding` (a `seqkit.layers.PositionEmbedding`).

    Args:
        vocabulary_size: int. Number of token ids.
        sequence_length: int. The longest sequence.
        embedding_dim: int. Size of the embeddings.
        mask_zero: bool. Treat id 0 (`[PAD]`) as padding: the output carries
            the Keras mask `ids != 0`, which seqkit's attention layers and
            Transformer blocks honour. Defaults to `True`.
        embeddings_initializer: initializer of the token embeddings. Defaults to
            `"uniform"` (as `keras.layers.Embedding`).
        position_initializer: initializer of the position embeddings. Defaults
            to `"glorot_uniform"`.
        **kwargs: base `keras.layers.Layer` arguments.

    Call arguments:
        inputs: int tensor `(B, T)` of token ids.
        start_index: int or scalar tensor. Position of the first token, for
            decoding with a cache. Defaults to `0`.

    Returns:
        `(B, T, embedding_dim)`, with the padding mask attached when
        `mask_zero=True`.

    Example:

    >>> import numpy as np
    >>> from seqkit.layers import TokenAndPositionEmbedding
    >>> layer = TokenAndPositionEmbedding(100, 8, 16)
    >>> ids = np.array([[5, 6, 7, 0], [8, 0, 0, 0]])
    >>> tuple(layer(ids).shape)
    (2, 4, 16)
    >>> np.asarray(layer.compute_mask(ids)).tolist()
    [[True, True, True, False], [True, False, False, False]]

    References:
        Vaswani et al., 2017, "Attention Is All You Need",
        https://arxiv.org/abs/1706.03762
    """

    def __init__(
        self,
        vocabulary_size,
        sequence_length,
        embedding_dim,
        mask_zero=True,
        embeddings_initializer="uniform",
        position_initializer="glorot_uniform",
        **kwargs,
    ):
        super().__init__(**kwargs)
        for arg, val in (
            ("vocabulary_size", vocabulary_size),
            ("sequence_length", sequence_length),
            ("embedding_dim", embedding_dim),
        ):
            if not isinstance(val, int) or val <= 0:
                raise ValueError(f"`{arg}` must be a positive int. Received: {arg}={val}")
        self.vocabulary_size = vocabulary_size
        self.sequence_length = sequence_length
        self.embedding_dim = embedding_dim
        self.mask_zero = mask_zero
        self.embeddings_initializer = keras.initializers.get(embeddings_initializer)
        self.position_initializer = keras.initializers.get(position_initializer)
        self.token_embedding = keras.layers.Embedding(
            vocabulary_size,
            embedding_dim,
            embeddings_initializer=self.embeddings_initializer,
            mask_zero=mask_zero,
            dtype=self.dtype_policy,
            name="token_embedding",
        )
        self.position_embedding = PositionEmbedding(
            sequence_length,
            initializer=self.position_initializer,
            dtype=self.dtype_policy,
            name="position_embedding",
        )
        self.supports_masking = mask_zero

    def build(self, inputs_shape):
        self.token_embedding.build(inputs_shape)
        self.position_embedding.build(tuple(inputs_shape) + (self.embedding_dim,))
        self.built = True

    def call(self, inputs, start_index=0):
        tokens = self.token_embedding(inputs)
        positions = self.position_embedding(tokens, start_index=start_index)
        return ops.add(tokens, positions)

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return ops.not_equal(inputs, 0)

    def compute_output_shape(self, inputs_shape):
        return tuple(inputs_shape) + (self.embedding_dim,)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "vocabulary_size": self.vocabulary_size,
                "sequence_length": self.sequence_length,
                "embedding_dim": self.embedding_dim,
                "mask_zero": self.mask_zero,
                "embeddings_initializer": keras.initializers.serialize(
                    self.embeddings_initializer
                ),
                "position_initializer": keras.initializers.serialize(self.position_initializer),
            }
        )
        return config
