"""One-hot encoding of token ids: the first representation of words."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="seqkit")
class OneHot(keras.layers.Layer):
    """Encodes integer ids as one-hot vectors of length `depth`.

    The simplest word representation: every id gets its own axis, so all words
    are equally far apart and nothing is learned. Ids outside `[0, depth)`
    encode as all-zero vectors.

    Args:
        depth: int. The number of ids (the vocabulary size).
        mask_zero: bool. Whether id 0 (`[PAD]`) is padding: if so the layer
            returns a mask `ids != 0` for the layers after it. Defaults to
            `False`.
        **kwargs: base `Layer` arguments (`name`, `dtype`, ...).

    Call arguments:
        inputs: integer tensor of any shape `[...]`.

    Returns:
        float tensor of shape `[..., depth]` in the layer's compute dtype.

    Masking: with `mask_zero=True`, `compute_mask` returns `inputs != 0`.

    >>> keras.ops.convert_to_numpy(OneHot(4)(keras.ops.convert_to_tensor([2, 0]))).tolist()
    [[0.0, 0.0, 1.0, 0.0], [1.0, 0.0, 0.0, 0.0]]
    """

    def __init__(self, depth, mask_zero=False, **kwargs):
        super().__init__(**kwargs)
        if int(depth) != depth or depth < 1:
            raise ValueError(f"depth must be a positive integer. Received: depth={depth}")
        self.depth = int(depth)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero

    def call(self, inputs):
        inputs = ops.cast(inputs, "int32")
        return ops.one_hot(inputs, self.depth, dtype=self.compute_dtype)

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return ops.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.depth,)

    def get_config(self):
        config = super().get_config()
        config.update({"depth": self.depth, "mask_zero": self.mask_zero})
        return config
