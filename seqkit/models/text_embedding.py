"""`text_embedding`: token ids -> vectors, optionally with positions added."""

import keras

from seqkit import layers

POSITIONAL = ("learned", "sinusoidal", "conv")


def text_embedding(token_ids, vocabulary_size, embedding_dim, positional=None, max_length=None,
                   position_kernel_size=3, name="embedding"):
    """Embeds token ids; padding (id 0) is masked.

    Args:
        token_ids: int tensor [batch, time].
        vocabulary_size: int.
        embedding_dim: int.
        positional: None (no positions, for recurrent encoders), "learned"
            (`TokenAndPositionEmbedding`, needs `max_length`), "sinusoidal"
            or "conv" (`ConvPositionEncoding` over `position_kernel_size`
            neighbours); the last two are added to the token embedding.
        max_length: int, the longest sequence ("learned" only).
        position_kernel_size: odd int ("conv" only).
        name: the embedding layer's name.

    Returns:
        float tensor [batch, time, embedding_dim] carrying the padding mask.
    """
    if positional == "learned":
        return layers.TokenAndPositionEmbedding(
            vocabulary_size, max_length, embedding_dim, mask_zero=True, name=name
        )(token_ids)
    x = keras.layers.Embedding(vocabulary_size, embedding_dim, mask_zero=True, name=name)(token_ids)
    if positional is None:
        return x
    # The encoding layer returns the encoding alone; the tokens carry it added.
    if positional == "conv":
        positions = layers.ConvPositionEncoding(position_kernel_size, name="positions")(x)
    elif positional == "sinusoidal":
        positions = layers.SinusoidalPositionEncoding(name="positions")(x)
    else:
        raise ValueError(f"positional must be None or one of {POSITIONAL}. Received: positional={positional!r}")
    return keras.layers.Add(name="add_positions")([x, positions])
