"""Learned position embeddings."""

import keras
from keras import ops

__all__ = ["PositionEmbedding"]


@keras.saving.register_keras_serializable(package="seqkit")
class PositionEmbedding(keras.layers.Layer):
    """A learned vector per position; returns the embeddings, add them to the inputs.

    Weights: `embeddings` `(sequence_length, d)` with `d` the last dimension
    of the inputs.

    Args:
        sequence_length: int. The longest sequence the layer can encode.
        initializer: initializer of the embeddings. Defaults to
            `"glorot_uniform"`.
        **kwargs: base `keras.layers.Layer` arguments.

    Call arguments:
        inputs: `(B, T, d)` with `start_index + T <= sequence_length`.
        start_index: int or scalar tensor. Position of the first step, for
            decoding with a cache. Defaults to `0`.

    Returns:
        `embeddings[start_index : start_index + T]` broadcast to the inputs'
        shape. The input's Keras mask passes through.

    Example:

    >>> import numpy as np
    >>> from seqkit.layers import PositionEmbedding
    >>> x = np.zeros((2, 5, 8), "float32")
    >>> tuple(PositionEmbedding(sequence_length=10)(x).shape)
    (2, 5, 8)

    References:
        Gehring et al., 2017, "Convolutional Sequence to Sequence Learning",
        https://arxiv.org/abs/1705.03122; Devlin et al., 2019, "BERT",
        https://arxiv.org/abs/1810.04805
    """

    def __init__(self, sequence_length, initializer="glorot_uniform", **kwargs):
        super().__init__(**kwargs)
        if not isinstance(sequence_length, int) or sequence_length <= 0:
            raise ValueError(
                "`sequence_length` must be a positive int. "
                f"Received: sequence_length={sequence_length}"
            )
        self.sequence_length = sequence_length
        self.initializer = keras.initializers.get(initializer)
        self.supports_masking = True

    def build(self, inputs_shape):
        depth = inputs_shape[-1]
        if depth is None:
            raise ValueError(f"The last axis of the inputs must be known. Received: {inputs_shape}")
        length = inputs_shape[-2]
        if length is not None and length > self.sequence_length:
            raise ValueError(
                f"Inputs of length {length} exceed sequence_length={self.sequence_length}."
            )
        self.embeddings = self.add_weight(
            name="embeddings", shape=(self.sequence_length, depth),
            initializer=self.initializer, dtype=self.variable_dtype,
        )
        self.built = True

    def call(self, inputs, start_index=0):
        shape = ops.shape(inputs)
        if isinstance(start_index, int) and isinstance(inputs.shape[-2], int):
            if start_index + inputs.shape[-2] > self.sequence_length:
                raise ValueError(
                    f"Positions {start_index}..{start_index + inputs.shape[-2] - 1} exceed "
                    f"sequence_length={self.sequence_length}."
                )
        positions = ops.slice(
            ops.convert_to_tensor(self.embeddings),
            (start_index, 0),
            (shape[-2], self.embeddings.shape[-1]),
        )
        return ops.broadcast_to(ops.cast(positions, self.compute_dtype), shape)

    def compute_mask(self, inputs, mask=None):
        return mask

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "sequence_length": self.sequence_length,
                "initializer": keras.initializers.serialize(self.initializer),
            }
        )
        return config
