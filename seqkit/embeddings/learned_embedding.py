"""A learned embedding that masks the padding id."""

import keras

PAD_ID = 0


def learned_embedding(vocabulary_size, dim, mask_zero=True, seed=None, **kwargs):
    """A trainable `keras.layers.Embedding` whose mask hides padding.

    seqkit pads with id 0 (`[PAD]`, see `seqkit.tokenizers.RESERVED_TOKENS`),
    so `mask_zero=True` lets recurrent and attention layers after it skip the
    padded steps. The row for id 0 is still a weight; it is only ignored
    through the mask.

    Args:
        vocabulary_size: int. The number of ids (`tokenizer.vocabulary_size`).
        dim: int. The embedding width.
        mask_zero: bool. Emit the mask `ids != 0`. Defaults to `True`.
        seed: int or None. Seed of the uniform initializer. Defaults to `None`.
        **kwargs: other `keras.layers.Embedding` arguments (`name`, ...).

    Returns:
        a `keras.layers.Embedding`.

    >>> layer = learned_embedding(100, 8)
    >>> mask = layer.compute_mask(keras.ops.convert_to_tensor([[5, 0]]))
    >>> keras.ops.convert_to_numpy(mask).tolist()
    [[True, False]]
    """
    for name, value in (("vocabulary_size", vocabulary_size), ("dim", dim)):
        if int(value) != value or value < 1:
            raise ValueError(f"{name} must be a positive integer. Received: {name}={value}")
    kwargs.setdefault(
        "embeddings_initializer",
        keras.initializers.RandomUniform(-0.05, 0.05, seed=seed),
    )
    return keras.layers.Embedding(int(vocabulary_size), int(dim), mask_zero=mask_zero, **kwargs)
