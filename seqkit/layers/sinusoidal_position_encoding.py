"""The fixed sine/cosine position encoding of the Transformer."""

import math

import keras
from keras import ops

__all__ = ["SinusoidalPositionEncoding"]


@keras.saving.register_keras_serializable(package="seqkit")
class SinusoidalPositionEncoding(keras.layers.Layer):
    """Sinusoidal position encoding; returns the encoding, add it to the inputs.

    For position `pos` and feature pair `i`:
    `PE[pos, 2i] = sin(pos / max_wavelength^(2i/d))` and
    `PE[pos, 2i+1] = cos(pos / max_wavelength^(2i/d))`, with `d` the last
    dimension of the inputs (an odd `d` ends with a lone sine). No weights.

    Args:
        max_wavelength: float. The longest wavelength. Defaults to `10000`.
        **kwargs: base `keras.layers.Layer` arguments.

    Call arguments:
        inputs: `(B, T, d)` (only the shape is used).
        start_index: int or scalar tensor. Position of the first step, for
            decoding with a cache. Defaults to `0`.

    Returns:
        The encodings, shaped like `inputs` (broadcast over the batch). The
        input's Keras mask passes through.

    Example:

    >>> import numpy as np
    >>> from seqkit.layers import SinusoidalPositionEncoding
    >>> x = np.zeros((2, 4, 6), "float32")
    >>> pe = SinusoidalPositionEncoding()(x)
    >>> np.round(np.asarray(pe)[0, 1, :2], 4)
    array([0.8415, 0.5403], dtype=float32)

    References:
        Vaswani et al., 2017, "Attention Is All You Need", section 3.5,
        https://arxiv.org/abs/1706.03762
    """

    def __init__(self, max_wavelength=10000, **kwargs):
        super().__init__(**kwargs)
        if max_wavelength <= 0:
            raise ValueError(
                f"`max_wavelength` must be positive. Received: max_wavelength={max_wavelength}"
            )
        self.max_wavelength = max_wavelength
        self.supports_masking = True

    def call(self, inputs, start_index=0):
        shape = ops.shape(inputs)
        length, depth = shape[-2], inputs.shape[-1]
        if depth is None:
            raise ValueError(f"The last axis of the inputs must be known. Received: {inputs.shape}")
        positions = ops.cast(ops.arange(length) + start_index, "float32")
        pair = ops.arange(depth) // 2  # feature j uses frequency of pair j // 2
        inv_freq = ops.exp(
            ops.cast(2 * pair, "float32") * (-math.log(self.max_wavelength) / depth)
        )
        angles = ops.expand_dims(positions, 1) * ops.expand_dims(inv_freq, 0)  # (T, d)
        is_even = ops.equal(ops.arange(depth) % 2, 0)
        encoding = ops.where(is_even, ops.sin(angles), ops.cos(angles))
        return ops.broadcast_to(ops.cast(encoding, self.compute_dtype), shape)

    def compute_mask(self, inputs, mask=None):
        return mask

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"max_wavelength": self.max_wavelength})
        return config
