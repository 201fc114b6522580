"""`TokenDropout`: replaces random tokens with the unknown id while training."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="seqkit")
class TokenDropout(keras.layers.Layer):
    """Word dropout: each real token becomes `[UNK]` with probability `rate` in training.

    A regularizer for text models trained on little data (Iyyer et al.'s
    "word dropout"): the model cannot lean on any single word and learns what
    an unknown word in that position means, which is what it meets at
    inference on words outside the vocabulary. Padding (`pad_id`) is never
    touched, so masks computed from the ids are unchanged. At inference the
    layer is the identity.

    Args:
        rate: float in [0, 1), the share of real tokens replaced.
        unknown_id: int, the id written in their place. Defaults to `1`
            (seqkit's `[UNK]`).
        pad_id: int, the padding id left alone. Defaults to `0`.
        seed: int or None, seeds the replacement draws. Defaults to `None`.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Call arguments:
        token_ids: integer tensor of any shape.
        training: bool. Defaults to `False` (identity).

    Example:

    >>> import numpy as np
    >>> layer = TokenDropout(0.5, seed=1)
    >>> ids = np.array([[5, 6, 7, 8, 0, 0]])
    >>> out = np.asarray(layer(ids, training=True))
    >>> bool(((out == ids) | (out == 1)).all()), out[0, 4:].tolist()
    (True, [0, 0])

    References:
        Iyyer et al., "Deep Unordered Composition Rivals Syntactic Methods
        for Text Classification", ACL 2015.
    """

    def __init__(self, rate, unknown_id=1, pad_id=0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate < 1:
            raise ValueError(f"`rate` must be a float in [0, 1). Received: rate={rate!r}")
        self.rate = float(rate)
        self.unknown_id = int(unknown_id)
        self.pad_id = int(pad_id)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, token_ids, training=False):
        if not training or not self.rate:
            return token_ids
        draws = keras.random.uniform(ops.shape(token_ids), seed=self.seed_generator)
        replace = ops.logical_and(draws < self.rate, ops.not_equal(token_ids, self.pad_id))
        return ops.where(replace, ops.cast(self.unknown_id, token_ids.dtype), token_ids)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            {"rate": self.rate, "unknown_id": self.unknown_id, "pad_id": self.pad_id, "seed": self.seed}
        )
        return config
